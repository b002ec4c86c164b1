package dev.selkie.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.selkie.protocol.HeaderMap;
import dev.selkie.protocol.InetLiterals;
import dev.selkie.protocol.RequestHead;
import java.net.InetSocketAddress;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Who the client is behind proxies: CIDR blocks, and the forwarding headers walked right to left
 * past trusted hops, with spoofed left-most entries, unknown hops, both header kinds and nobody
 * trusted.
 */
class TrustedProxiesTest {
    private static final InetSocketAddress PROXY = new InetSocketAddress(InetLiterals.parse("10.0.0.5"), 40000);

    private static RequestHead request(String... headerLines) {
        HeaderMap headers = new HeaderMap();
        for (String line : headerLines) {
            int colon = line.indexOf(':');
            headers.add(line.substring(0, colon), line.substring(colon + 1).trim());
        }
        return new RequestHead("GET", "/", "/", "", 1, 1, headers);
    }

    private static String client(TrustedProxies trusted, InetSocketAddress peer, String... headers) {
        InetSocketAddress address = trusted.clientAddress(peer, request(headers));
        return address.getAddress().getHostAddress() + ":" + address.getPort();
    }

    @Test
    void blocksMatchTheirNetworksOnly() {
        TrustedProxies trusted = TrustedProxies.of(List.of("10.0.0.0/8", "192.168.1.7", "2001:db8::/32", "172.16.0.0/12"));
        assertTrue(trusted.contains(InetLiterals.parse("10.255.1.2")));
        assertFalse(trusted.contains(InetLiterals.parse("11.0.0.1")));
        assertTrue(trusted.contains(InetLiterals.parse("192.168.1.7")));
        assertFalse(trusted.contains(InetLiterals.parse("192.168.1.8")));
        assertTrue(trusted.contains(InetLiterals.parse("172.31.255.255")));
        assertFalse(trusted.contains(InetLiterals.parse("172.32.0.0")));
        assertTrue(trusted.contains(InetLiterals.parse("2001:db8:ffff::1")));
        assertFalse(trusted.contains(InetLiterals.parse("2001:db9::1")));
        assertTrue(trusted.contains(InetLiterals.parse("::ffff:10.1.2.3")), "IPv4-mapped counts as IPv4");
        assertTrue(TrustedProxies.of(List.of("0.0.0.0/0")).contains(InetLiterals.parse("8.8.8.8")));
        assertFalse(TrustedProxies.NONE.contains(InetLiterals.parse("127.0.0.1")));
    }

    @ParameterizedTest
    @ValueSource(strings = {"10.0.0.0/33", "10.0.0/8", "example.com", "10.0.0.0/x", "", "::1/129", "10.0.0.01"})
    void badBlocksAreRefusedSayingWhich(String block) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> TrustedProxies.of(List.of(block)));
        assertTrue(e.getMessage().contains(block), e.getMessage());
    }

    @Test
    void xForwardedForIsWalkedRightToLeftAndASpoofedLeftEntryIsIgnored() {
        TrustedProxies trusted = TrustedProxies.of(List.of("10.0.0.0/8"));
        // the client sent "X-Forwarded-For: 1.2.3.4" itself; our proxy appended the real address
        assertEquals("203.0.113.9:0", client(trusted, PROXY, "X-Forwarded-For: 1.2.3.4, 203.0.113.9"));
        // two of our proxies in a row
        assertEquals("203.0.113.9:0", client(trusted, PROXY, "X-Forwarded-For: 1.2.3.4, 203.0.113.9, 10.0.0.9"));
        // header lines are one list, in order
        assertEquals("203.0.113.9:0", client(trusted, PROXY, "X-Forwarded-For: 1.2.3.4", "X-Forwarded-For: 203.0.113.9"));
        // every hop trusted: the left-most one
        assertEquals("10.1.1.1:0", client(trusted, PROXY, "X-Forwarded-For: 10.1.1.1, 10.2.2.2"));
        // nothing forwarded: the proxy itself
        assertEquals("10.0.0.5:40000", client(trusted, PROXY));
        // a garbage hop stops the walk at the last address known
        assertEquals("10.0.0.5:40000", client(trusted, PROXY, "X-Forwarded-For: 1.2.3.4, not-an-address"));
        assertEquals("2001:db8:0:0:0:0:0:1:0", client(trusted, PROXY, "X-Forwarded-For: 2001:db8::1"));
        assertEquals("198.51.100.2:4711", client(trusted, PROXY, "X-Forwarded-For: 198.51.100.2:4711"));
    }

    @Test
    void aPeerThatIsNotTrustedIsTheClientWhateverItSends() {
        TrustedProxies trusted = TrustedProxies.of(List.of("10.0.0.0/8"));
        InetSocketAddress stranger = new InetSocketAddress(InetLiterals.parse("198.51.100.77"), 5555);
        assertEquals("198.51.100.77:5555", client(trusted, stranger, "X-Forwarded-For: 10.0.0.1",
                "Forwarded: for=10.0.0.1"));
        assertEquals("10.0.0.5:40000", client(TrustedProxies.NONE, PROXY, "X-Forwarded-For: 203.0.113.9"),
                "nobody trusted by default");
    }

    @Test
    void forwardedIsPreferredAndItsNodesParsedAsRfc7239Says() {
        TrustedProxies trusted = TrustedProxies.of(List.of("10.0.0.0/8"));
        assertEquals("2001:db8:cafe:0:0:0:0:17:4711", client(trusted, PROXY,
                "Forwarded: for=192.0.2.43, for=\"[2001:db8:cafe::17]:4711\";proto=https;by=10.0.0.1",
                "X-Forwarded-For: 198.51.100.1"));
        assertEquals("192.0.2.60:0", client(trusted, PROXY, "Forwarded: for=192.0.2.60;proto=http;by=203.0.113.43"));
        assertEquals("192.0.2.60:0", client(trusted, PROXY, "Forwarded: For=\"192.0.2.60:_hidden\""));
        // an unknown or obfuscated hop: the client cannot be named past our proxy
        assertEquals("10.0.0.5:40000", client(trusted, PROXY, "Forwarded: for=192.0.2.1, for=unknown"));
        assertEquals("10.0.0.5:40000", client(trusted, PROXY, "Forwarded: for=_gazonk"));
        assertEquals("10.0.0.5:40000", client(trusted, PROXY, "Forwarded: proto=https"));
        // a comma inside a quoted value does not split the element
        assertEquals("192.0.2.8:0", client(trusted, PROXY, "Forwarded: for=192.0.2.8;ext=\"a,b\""));
    }
}
