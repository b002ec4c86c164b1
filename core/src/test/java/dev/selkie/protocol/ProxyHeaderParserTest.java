package dev.selkie.protocol;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The PROXY protocol header parser against HAProxy's specification: its v1 examples (TCP4, TCP6 and
 * UNKNOWN, the 107-byte worst case), v2 headers with and without TLVs, LOCAL, UNSPEC, every input
 * split at every byte, the bytes after the header left in place, malformed and oversized headers.
 */
class ProxyHeaderParserTest {
    private static final byte[] AFTER = "GET / HTTP/1.1\r\n".getBytes(StandardCharsets.US_ASCII);

    private static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }

    private static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] p : parts) {
            out.writeBytes(p);
        }
        return out.toByteArray();
    }

    /** Feeds {@code bytes} split at {@code split} (0: whole) and returns the parser; checks what is left over. */
    private static ProxyHeaderParser parse(byte[] bytes, int split, byte[] expectedRest) {
        ProxyHeaderParser parser = new ProxyHeaderParser(4096);
        ByteBuffer rest = ByteBuffer.allocate(bytes.length);
        int[] cuts = split == 0 ? new int[] {bytes.length} : new int[] {split, bytes.length};
        int from = 0;
        for (int cut : cuts) {
            ByteBuffer in = ByteBuffer.wrap(bytes, from, cut - from);
            ProxyHeaderParser.Status status = parser.feed(in);
            if (status == ProxyHeaderParser.Status.DONE) {
                rest.put(in);
            }
            from = cut;
            if (status != ProxyHeaderParser.Status.NEED_MORE) {
                rest.put(bytes, from, bytes.length - from);
                break;
            }
        }
        if (expectedRest != null) {
            assertEquals(ProxyHeaderParser.Status.DONE, parser.status(), "split " + split + ": " + parser.error());
            assertArrayEquals(expectedRest, Arrays.copyOf(rest.array(), rest.position()), "split " + split);
        }
        return parser;
    }

    /** The header parsed in every split, each giving the same result; the bytes after it untouched. */
    private static ProxyHeader parseEverySplit(byte[] header) {
        byte[] input = concat(header, AFTER);
        ProxyHeader first = parse(input, 0, AFTER).header();
        for (int split = 1; split < input.length; split++) {
            assertEquals(first, parse(input, split, AFTER).header(), "split at " + split);
        }
        ProxyHeaderParser bytewise = new ProxyHeaderParser(4096);
        int i = 0;
        while (bytewise.status() == ProxyHeaderParser.Status.NEED_MORE) {
            bytewise.feed(ByteBuffer.wrap(input, i++, 1));
        }
        assertEquals(header.length, i, "byte by byte, not one byte past the header is taken");
        assertEquals(first, bytewise.header());
        return first;
    }

    private static void assertFails(byte[] input) {
        for (int split = 0; split < input.length; split++) {
            ProxyHeaderParser parser = parse(input, split, null);
            assertEquals(ProxyHeaderParser.Status.FAILED, parser.status(), "split " + split + " of "
                    + new String(input, StandardCharsets.ISO_8859_1));
            assertNotNull(parser.error());
        }
    }

    // ------------------------------------------------------------------------------------------
    // Version 1

    @Test
    void v1Tcp4() {
        ProxyHeader h = parseEverySplit(ascii("PROXY TCP4 192.168.0.1 192.168.0.11 56324 443\r\n"));
        assertEquals(1, h.version());
        assertEquals(new InetSocketAddress("192.168.0.1", 56324), h.source().orElseThrow());
        assertEquals(new InetSocketAddress("192.168.0.11", 443), h.destination().orElseThrow());
    }

    @Test
    void v1Tcp6AtTheWorstCaseLength() {
        String ffff = "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff";
        byte[] line = ascii("PROXY TCP6 " + ffff + " " + ffff + " 65535 65535\r\n");
        assertEquals(104, line.length, "the specification's TCP6 worst case");
        ProxyHeader h = parseEverySplit(line);
        assertEquals(65535, h.source().orElseThrow().getPort());
        assertEquals(16, h.source().orElseThrow().getAddress().getAddress().length);
    }

    @Test
    void v1Tcp6Compressed() {
        ProxyHeader h = parseEverySplit(ascii("PROXY TCP6 2001:db8::1 ::1 40000 8443\r\n"));
        assertEquals(new InetSocketAddress("2001:db8::1", 40000), h.source().orElseThrow());
    }

    @Test
    void v1UnknownKeepsTheSocketsAddressAndMayCarryAnything() {
        assertTrue(parseEverySplit(ascii("PROXY UNKNOWN\r\n")).source().isEmpty());
        String ffff = "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff";
        byte[] worst = ascii("PROXY UNKNOWN " + ffff + " " + ffff + " 65535 65535\r\n");
        assertEquals(107, worst.length, "the specification's worst case");
        assertTrue(parseEverySplit(worst).source().isEmpty());
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "PROXY TCP4 192.168.0.1 192.168.0.11 56324 443\n", // bare LF
        "PROXY TCP4 192.168.0.1 192.168.0.11 56324\r\n", // a port missing
        "PROXY TCP4  192.168.0.1 192.168.0.11 56324 443\r\n", // double space
        "PROXY TCP5 192.168.0.1 192.168.0.11 56324 443\r\n",
        "PROXY TCP4 192.168.0.256 192.168.0.11 56324 443\r\n",
        "PROXY TCP4 192.168.0.01 192.168.0.11 56324 443\r\n", // leading zero
        "PROXY TCP4 ::1 192.168.0.11 56324 443\r\n", // v6 address as TCP4
        "PROXY TCP6 192.168.0.1 ::1 56324 443\r\n", // v4 address as TCP6
        "PROXY TCP6 localhost ::1 56324 443\r\n", // a host name is never resolved
        "PROXY TCP6 beef ::1 56324 443\r\n",
        "PROXY TCP4 192.168.0.1 192.168.0.11 65536 443\r\n",
        "PROXY TCP4 192.168.0.1 192.168.0.11 0443 443\r\n",
        "PROXY TCP4 192.168.0.1 192.168.0.11 -1 443\r\n",
        "PROXY TCP4 192.168.0.1 192.168.0.11 56324 443 \r\n",
        "PROXY TCP4 192.168.0.1\r192.168.0.11 56324 443\r\n",
        "PROXY\r\n",
        "proxy TCP4 192.168.0.1 192.168.0.11 56324 443\r\n",
        "GET / HTTP/1.1\r\nHost: a\r\n\r\n", // no header at all
        "PROXY TCP4 192.168.0.1 192.168.0.11 56324 4\u00e93\r\n",
    })
    void malformedV1LinesFail(String line) {
        assertFails(line.getBytes(StandardCharsets.ISO_8859_1));
    }

    @Test
    void aV1LineWithoutCrlfWithin107BytesFails() {
        byte[] line = ascii("PROXY UNKNOWN " + "x".repeat(200));
        ProxyHeaderParser parser = parse(line, 0, null);
        assertEquals(ProxyHeaderParser.Status.FAILED, parser.status());
        ProxyHeaderParser shortOne = parse(Arrays.copyOf(line, 106), 0, null);
        assertEquals(ProxyHeaderParser.Status.NEED_MORE, shortOne.status(), "106 bytes may still end in CRLF");
    }

    // ------------------------------------------------------------------------------------------
    // Version 2

    /** A v2 header: command (0 LOCAL, 1 PROXY), family byte, address block and TLV bytes. */
    static byte[] v2(int command, int family, byte[] addresses, byte[] tlvs) {
        int length = addresses.length + tlvs.length;
        return concat(ProxyHeaderParser.V2_SIGNATURE, new byte[] {(byte) (0x20 | command), (byte) family,
            (byte) (length >> 8), (byte) length}, addresses, tlvs);
    }

    static byte[] tcp4(int a, int b, int c, int d, int port, int dstPort) {
        return new byte[] {(byte) a, (byte) b, (byte) c, (byte) d, 10, 0, 0, 1, (byte) (port >> 8), (byte) port,
            (byte) (dstPort >> 8), (byte) dstPort};
    }

    static byte[] tlv(int type, byte[] value) {
        return concat(new byte[] {(byte) type, (byte) (value.length >> 8), (byte) value.length}, value);
    }

    @Test
    void v2Tcp4() {
        ProxyHeader h = parseEverySplit(v2(1, 0x11, tcp4(203, 0, 113, 7, 51000, 443), new byte[0]));
        assertEquals(2, h.version());
        assertEquals(new InetSocketAddress("203.0.113.7", 51000), h.source().orElseThrow());
        assertEquals(new InetSocketAddress("10.0.0.1", 443), h.destination().orElseThrow());
        assertTrue(h.tlvs().isEmpty());
    }

    @Test
    void v2Tcp6WithTlvs() {
        byte[] block = new byte[36];
        block[0] = 0x20;
        block[1] = 0x01;
        block[2] = 0x0d;
        block[3] = (byte) 0xb8;
        block[15] = 7; // 2001:db8::7
        block[31] = 1; // ::1
        block[32] = (byte) 0xC3;
        block[33] = 0x50; // 50000
        block[35] = 80;
        byte[] tlvs = concat(tlv(ProxyHeader.TLV_AUTHORITY, ascii("chat.example.com")),
                tlv(ProxyHeader.TLV_UNIQUE_ID, new byte[] {1, 2, 3}), tlv(0x04, new byte[0]));
        ProxyHeader h = parseEverySplit(v2(1, 0x21, block, tlvs));
        assertEquals(new InetSocketAddress("2001:db8::7", 50000), h.source().orElseThrow());
        assertEquals(80, h.destination().orElseThrow().getPort());
        assertEquals(3, h.tlvs().size());
        assertEquals("chat.example.com",
                new String(h.tlv(ProxyHeader.TLV_AUTHORITY).orElseThrow().value(), StandardCharsets.US_ASCII));
        assertArrayEquals(new byte[] {1, 2, 3}, h.tlv(ProxyHeader.TLV_UNIQUE_ID).orElseThrow().value());
    }

    @Test
    void v2LocalAndUnspecDeclareNoAddress() {
        assertTrue(parseEverySplit(v2(0, 0x00, new byte[0], new byte[0])).source().isEmpty(), "LOCAL, empty");
        assertTrue(parseEverySplit(v2(0, 0x11, tcp4(1, 2, 3, 4, 5, 6), new byte[0])).source().isEmpty(),
                "LOCAL: the address block is ignored");
        assertTrue(parseEverySplit(v2(1, 0x00, new byte[0], new byte[0])).source().isEmpty(), "PROXY UNSPEC");
        assertTrue(parseEverySplit(v2(1, 0x31, new byte[216], new byte[0])).source().isEmpty(), "UNIX");
    }

    @Test
    void malformedV2HeadersFail() {
        byte[] good = v2(1, 0x11, tcp4(203, 0, 113, 7, 51000, 443), new byte[0]);
        byte[] badSignature = good.clone();
        badSignature[7] = 0x52;
        assertFails(badSignature);
        byte[] version1 = good.clone();
        version1[12] = 0x11;
        assertFails(version1);
        byte[] command2 = good.clone();
        command2[12] = 0x22;
        assertFails(command2);
        byte[] family = good.clone();
        family[13] = 0x41;
        assertFails(family);
        assertFails(v2(1, 0x11, new byte[8], new byte[0])); // shorter than an IPv4 block
        assertFails(v2(1, 0x21, new byte[12], new byte[0])); // shorter than an IPv6 block
        assertFails(v2(1, 0x11, tcp4(1, 2, 3, 4, 5, 6), new byte[] {1, 0})); // truncated TLV
        assertFails(v2(1, 0x11, tcp4(1, 2, 3, 4, 5, 6), new byte[] {1, 0, 9, 1, 2})); // TLV past the end
    }

    @Test
    void aV2HeaderLongerThanTheLimitFailsBeforeItsBodyArrives() {
        byte[] header = v2(1, 0x11, tcp4(1, 2, 3, 4, 5, 6), tlv(0xE0, new byte[5000]));
        ProxyHeaderParser parser = new ProxyHeaderParser(4096);
        assertEquals(ProxyHeaderParser.Status.FAILED, parser.feed(ByteBuffer.wrap(header, 0, 16)));
        assertTrue(parser.error().contains("more than 4096"), parser.error());
    }

    @Test
    void aHeaderTheSizeOfTheLimitIsAccepted() {
        int tlvLength = 4096 - 16 - 12 - 3;
        ProxyHeader h = parseEverySplit(v2(1, 0x11, tcp4(1, 2, 3, 4, 5, 6), tlv(0xE0, new byte[tlvLength])));
        assertEquals(tlvLength, h.tlvs().get(0).value().length);
    }

    @Test
    void nothingIsTakenFromAnEmptyBufferAndAFailureIsFinal() {
        ProxyHeaderParser parser = new ProxyHeaderParser(4096);
        assertEquals(ProxyHeaderParser.Status.NEED_MORE, parser.feed(ByteBuffer.allocate(0)));
        ByteBuffer garbage = ByteBuffer.wrap(ascii("XPROXY"));
        assertEquals(ProxyHeaderParser.Status.FAILED, parser.feed(garbage));
        assertEquals(5, garbage.remaining(), "only the byte that decided was taken");
        assertEquals(ProxyHeaderParser.Status.FAILED, parser.feed(ByteBuffer.wrap(ascii("PROXY "))));
        assertFalse(parser.error().isEmpty());
    }
}
