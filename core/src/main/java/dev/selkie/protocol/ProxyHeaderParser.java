package dev.selkie.protocol;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * Incremental parser of the PROXY protocol header a proxy sends before anything else (HAProxy's
 * {@code proxy-protocol.txt}), version 1 (a text line) and version 2 (binary), told apart by their
 * first bytes; anything else fails: when a listener expects the header it is never guessed. Feed it
 * bytes in any split; it consumes only the header's bytes, so what follows (a TLS ClientHello, an
 * HTTP request) stays in the buffer.
 *
 * <p>Version 1: {@code PROXY TCP4|TCP6 SRC DST SRCPORT DSTPORT\r\n} or {@code PROXY UNKNOWN ...\r\n},
 * at most 107 bytes; addresses must be numeric literals of the declared family (never resolved as
 * host names), ports decimal 0-65535 without leading zeros. Version 2: the 12-byte signature,
 * version 2, the LOCAL or PROXY command, TCP or UDP over IPv4 or IPv6 with their fixed address
 * blocks, UNSPEC and UNIX (no address kept), then TLVs, which must tile the rest exactly. The
 * whole v2 header may be at most {@code maxV2Bytes}.
 *
 * <p>Memory: the header is accumulated in an array that grows with the bytes that arrive, never
 * beyond the limit. Not thread-safe; one per connection while its header is read.
 */
public final class ProxyHeaderParser {
    /** The v2 signature. */
    static final byte[] V2_SIGNATURE = {0x0D, 0x0A, 0x0D, 0x0A, 0x00, 0x0D, 0x0A, 0x51, 0x55, 0x49, 0x54, 0x0A};
    /** The longest v1 header, CRLF included (the specification's figure). */
    public static final int V1_MAX = 107;
    private static final byte[] V1_PREFIX = "PROXY ".getBytes(StandardCharsets.US_ASCII);
    private static final int V2_FIXED = 16;

    /** Where the parser stands. */
    public enum Status {
        /** Feed more bytes. */
        NEED_MORE,
        /** The header is complete: {@link #header()} has it. */
        DONE,
        /** Not a valid header: {@link #error()} says why; the connection must be closed. */
        FAILED
    }

    private final int maxV2Bytes;
    private byte[] buf = new byte[0];
    private int size;
    private Status status = Status.NEED_MORE;
    private ProxyHeader header;
    private String error;

    /** @param maxV2Bytes the longest v2 header accepted (at least 16 + 216, the largest address block plus room for TLVs) */
    public ProxyHeaderParser(int maxV2Bytes) {
        if (maxV2Bytes < V2_FIXED + 216) {
            throw new IllegalArgumentException("a v2 header needs at least 232 bytes: " + maxV2Bytes);
        }
        this.maxV2Bytes = maxV2Bytes;
    }

    public Status status() {
        return status;
    }

    /** The header, once {@link Status#DONE}. */
    public ProxyHeader header() {
        return header;
    }

    /** Why the header was refused, once {@link Status#FAILED}. */
    public String error() {
        return error;
    }

    /** Consumes header bytes from {@code in}; bytes after a complete header stay there. */
    public Status feed(ByteBuffer in) {
        while (status == Status.NEED_MORE && in.hasRemaining()) {
            int want = wanted();
            if (want < 0) {
                return status; // decided
            }
            if (want == 0) {
                break;
            }
            int n = Math.min(want, in.remaining());
            if (size + n > buf.length) {
                buf = Arrays.copyOf(buf, Math.max(size + n, Math.min(2 * buf.length + 16, limitSoFar())));
            }
            in.get(buf, size, n);
            size += n;
            if (isV1()) {
                checkV1(); // may end at a CRLF inside what was just taken: give back what follows it
                if (status == Status.DONE) {
                    int end = header == null ? size : v1End;
                    in.position(in.position() - (size - end));
                    size = end;
                }
            } else {
                stepV2();
            }
        }
        return status;
    }

    /** What the parser can accept next without reading past the header; -1 once decided, 0 if nothing. */
    private int wanted() {
        if (size < V1_PREFIX.length) {
            for (int i = 0; i < size; i++) { // still a prefix of one of the two signatures?
                if (buf[i] != V1_PREFIX[i] && buf[i] != V2_SIGNATURE[i]) {
                    return fail("neither a PROXY v1 nor a v2 header");
                }
            }
            return 1; // byte by byte until the version is known: nothing after a short header is taken
        }
        if (isV1()) {
            return V1_MAX - size; // the CRLF may come earlier: checkV1 gives back what follows it
        }
        if (size < V2_FIXED) {
            return V2_FIXED - size;
        }
        return v2Length() - size;
    }

    private int limitSoFar() {
        return isV1() || size < V1_PREFIX.length ? V1_MAX : maxV2Bytes;
    }

    private boolean isV1() {
        return size >= V1_PREFIX.length && buf[0] == 'P';
    }

    // ------------------------------------------------------------------------------------------
    // Version 1

    private int v1End;

    private void checkV1() {
        for (int i = Math.max(0, size - V1_MAX); i < size; i++) {
            if (buf[i] == '\n') {
                if (i == 0 || buf[i - 1] != '\r') {
                    fail("a PROXY v1 line must end in CRLF");
                    return;
                }
                v1End = i + 1;
                parseV1(new String(buf, 0, i - 1, StandardCharsets.US_ASCII));
                return;
            }
            if (buf[i] == '\r' && i + 1 < size && buf[i + 1] != '\n') {
                fail("a CR inside the PROXY v1 line");
                return;
            }
            if ((buf[i] < 0x20 && buf[i] != '\r') || buf[i] >= 0x7F) {
                fail("a control or non-ASCII byte in the PROXY v1 line");
                return;
            }
        }
        if (size >= V1_MAX) {
            fail("a PROXY v1 line longer than 107 bytes");
        }
    }

    private void parseV1(String line) {
        if (!line.startsWith("PROXY ")) {
            fail("not a PROXY v1 line");
            return;
        }
        String[] parts = line.split(" ", -1);
        if (parts.length >= 2 && parts[1].equals("UNKNOWN")) {
            done(new ProxyHeader(1, Optional.empty(), Optional.empty(), List.of()));
            return;
        }
        if (parts.length != 6) {
            fail("a PROXY v1 line has PROXY, a protocol, two addresses and two ports, single-spaced");
            return;
        }
        boolean v6 = parts[1].equals("TCP6");
        if (!v6 && !parts[1].equals("TCP4")) {
            fail("unknown PROXY v1 protocol: " + parts[1]);
            return;
        }
        InetAddress source = v6 ? ipv6(parts[2]) : ipv4(parts[2]);
        InetAddress destination = v6 ? ipv6(parts[3]) : ipv4(parts[3]);
        int sourcePort = port(parts[4]);
        int destinationPort = port(parts[5]);
        if (source == null || destination == null) {
            fail("not a " + parts[1] + " address in the PROXY v1 line");
        } else if (sourcePort < 0 || destinationPort < 0) {
            fail("not a port in the PROXY v1 line");
        } else {
            done(new ProxyHeader(1, Optional.of(new InetSocketAddress(source, sourcePort)),
                    Optional.of(new InetSocketAddress(destination, destinationPort)), List.of()));
        }
    }

    private static InetAddress ipv4(String s) {
        return InetLiterals.ipv4(s);
    }

    private static InetAddress ipv6(String s) {
        return InetLiterals.ipv6(s);
    }

    private static int port(String s) {
        return InetLiterals.decimal(s, 65535);
    }

    // ------------------------------------------------------------------------------------------
    // Version 2

    private int v2Length() {
        return V2_FIXED + ((buf[14] & 0xFF) << 8 | (buf[15] & 0xFF));
    }

    private void stepV2() {
        if (size < V2_FIXED) {
            return;
        }
        if (size == V2_FIXED) {
            for (int i = 0; i < V2_SIGNATURE.length; i++) {
                if (buf[i] != V2_SIGNATURE[i]) {
                    fail("not the PROXY v2 signature");
                    return;
                }
            }
            if ((buf[12] & 0xF0) != 0x20) {
                fail("PROXY v2 header of version " + ((buf[12] & 0xF0) >> 4));
                return;
            }
            int command = buf[12] & 0x0F;
            if (command > 1) {
                fail("unknown PROXY v2 command " + command);
                return;
            }
            if (v2Length() > maxV2Bytes) {
                fail("PROXY v2 header of " + v2Length() + " bytes, more than " + maxV2Bytes);
                return;
            }
            int family = buf[13] & 0xFF;
            if (addressBlock(family) < 0) {
                fail("unknown PROXY v2 address family and protocol 0x" + Integer.toHexString(family));
                return;
            }
            if (command == 1 && v2Length() - V2_FIXED < addressBlock(family)) {
                fail("PROXY v2 address block shorter than its family needs");
                return;
            }
        }
        if (size == v2Length()) {
            parseV2();
        }
    }

    /** Length of the address block of a v2 family/protocol byte; -1 if unknown. */
    private static int addressBlock(int family) {
        return switch (family) {
            case 0x00 -> 0; // UNSPEC
            case 0x11, 0x12 -> 12; // TCP or UDP over IPv4
            case 0x21, 0x22 -> 36; // TCP or UDP over IPv6
            case 0x31, 0x32 -> 216; // UNIX stream or datagram
            default -> -1;
        };
    }

    private void parseV2() {
        boolean local = (buf[12] & 0x0F) == 0;
        int family = buf[13] & 0xFF;
        int block = addressBlock(family);
        if (local && v2Length() - V2_FIXED < block) {
            block = 0; // LOCAL: the receiver must ignore the address block, whatever it holds
        }
        Optional<InetSocketAddress> source = Optional.empty();
        Optional<InetSocketAddress> destination = Optional.empty();
        if (!local && (block == 12 || block == 36)) {
            int len = block == 12 ? 4 : 16;
            int at = V2_FIXED;
            byte[] src = Arrays.copyOfRange(buf, at, at + len);
            byte[] dst = Arrays.copyOfRange(buf, at + len, at + 2 * len);
            int srcPort = (buf[at + 2 * len] & 0xFF) << 8 | (buf[at + 2 * len + 1] & 0xFF);
            int dstPort = (buf[at + 2 * len + 2] & 0xFF) << 8 | (buf[at + 2 * len + 3] & 0xFF);
            source = Optional.of(new InetSocketAddress(address(src), srcPort));
            destination = Optional.of(new InetSocketAddress(address(dst), dstPort));
        }
        List<ProxyHeader.Tlv> tlvs = new ArrayList<>();
        int at = V2_FIXED + block;
        while (at < size) {
            if (size - at < 3) {
                fail("a truncated PROXY v2 TLV");
                return;
            }
            int type = buf[at] & 0xFF;
            int length = (buf[at + 1] & 0xFF) << 8 | (buf[at + 2] & 0xFF);
            if (at + 3 + length > size) {
                fail("a PROXY v2 TLV longer than the header");
                return;
            }
            tlvs.add(new ProxyHeader.Tlv(type, Arrays.copyOfRange(buf, at + 3, at + 3 + length)));
            at += 3 + length;
        }
        done(new ProxyHeader(2, source, destination, tlvs));
    }

    private static InetAddress address(byte[] bytes) {
        try {
            return InetAddress.getByAddress(bytes);
        } catch (UnknownHostException e) {
            throw new AssertionError("4 or 16 bytes are an address", e);
        }
    }

    // ------------------------------------------------------------------------------------------

    private void done(ProxyHeader parsed) {
        header = parsed;
        status = Status.DONE;
        buf = null;
    }

    private int fail(String why) {
        error = why;
        status = Status.FAILED;
        buf = null;
        return -1;
    }
}
