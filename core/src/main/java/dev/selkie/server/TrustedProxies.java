package dev.selkie.server;

import dev.selkie.protocol.ForwardedHeaders;
import dev.selkie.protocol.InetLiterals;
import dev.selkie.protocol.RequestHead;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;

/**
 * The networks whose hosts are trusted to tell who the client is (PROXY headers, {@code
 * X-Forwarded-For} and RFC 7239 {@code Forwarded}), as CIDR blocks ({@code 10.0.0.0/8}, {@code
 * 2001:db8::/32}, or a single address). IPv4-mapped IPv6 addresses count as their IPv4 address.
 * Empty by default: nobody is trusted. Immutable.
 */
public final class TrustedProxies {
    /** Trusts nobody. */
    public static final TrustedProxies NONE = new TrustedProxies(List.of());

    private final List<Block> blocks;

    private TrustedProxies(List<Block> blocks) {
        this.blocks = List.copyOf(blocks);
    }

    /**
     * @param cidrs blocks such as {@code 10.0.0.0/8}, {@code 192.168.1.7} or {@code fd00::/8}, as
     *     numeric literals (never resolved as host names)
     * @throws IllegalArgumentException for anything else, saying which
     */
    public static TrustedProxies of(List<String> cidrs) {
        List<Block> blocks = new ArrayList<>();
        for (String cidr : cidrs) {
            blocks.add(Block.parse(cidr));
        }
        return new TrustedProxies(blocks);
    }

    /** Whether nobody is trusted. */
    public boolean isEmpty() {
        return blocks.isEmpty();
    }

    /** Whether {@code address} is in one of the blocks. */
    public boolean contains(InetAddress address) {
        byte[] bytes = canonical(address);
        for (Block block : blocks) {
            if (block.contains(bytes)) {
                return true;
            }
        }
        return false;
    }

    /**
     * Who the client is, for a request that came from {@code peer} (the socket's peer, or the
     * address a trusted PROXY header declared): while the hop at hand is trusted, the next
     * address to the left in the forwarding headers ({@code Forwarded} if the request has it, else
     * {@code X-Forwarded-For}) is taken; the first untrusted hop is the client. A hop the headers
     * do not name as an address ({@code unknown}, an obfuscated name, garbage) ends the walk at
     * the last address known. With nobody trusted: {@code peer}.
     */
    public InetSocketAddress clientAddress(InetSocketAddress peer, RequestHead head) {
        if (blocks.isEmpty() || !contains(peer.getAddress())) {
            return peer;
        }
        List<String> forwarded = head.headers().all("Forwarded");
        List<InetSocketAddress> hops = !forwarded.isEmpty() ? ForwardedHeaders.forwardedFor(forwarded)
                : ForwardedHeaders.xForwardedFor(head.headers().all("X-Forwarded-For"));
        InetSocketAddress current = peer;
        for (int i = hops.size() - 1; i >= 0 && contains(current.getAddress()); i--) {
            InetSocketAddress hop = hops.get(i);
            if (hop == null) {
                break; // not an address: the client cannot be named beyond the last trusted hop
            }
            current = hop;
        }
        return current;
    }

    private static byte[] canonical(InetAddress address) {
        byte[] bytes = address.getAddress();
        if (bytes.length == 16 && isMappedV4(bytes)) {
            return new byte[] {bytes[12], bytes[13], bytes[14], bytes[15]};
        }
        return bytes;
    }

    private static boolean isMappedV4(byte[] b) {
        for (int i = 0; i < 10; i++) {
            if (b[i] != 0) {
                return false;
            }
        }
        return b[10] == (byte) 0xFF && b[11] == (byte) 0xFF;
    }

    @Override
    public String toString() {
        return blocks.toString();
    }

    /** One CIDR block. */
    private record Block(byte[] network, int prefix, String text) {
        static Block parse(String cidr) {
            String s = cidr.trim();
            int slash = s.indexOf('/');
            String addressPart = slash < 0 ? s : s.substring(0, slash);
            InetAddress address = literal(addressPart);
            if (address == null) {
                throw new IllegalArgumentException("not an IP address or CIDR block: " + cidr);
            }
            byte[] bytes = canonical(address);
            int bits = bytes.length * 8;
            int prefix = bits;
            if (slash >= 0) {
                try {
                    prefix = Integer.parseInt(s.substring(slash + 1));
                } catch (NumberFormatException e) {
                    throw new IllegalArgumentException("not a prefix length in " + cidr);
                }
                if (prefix < 0 || prefix > bits) {
                    throw new IllegalArgumentException("prefix length out of 0-" + bits + " in " + cidr);
                }
            }
            for (int i = prefix; i < bits; i++) {
                bytes[i / 8] &= (byte) ~(0x80 >>> (i % 8)); // the network, host bits cleared
            }
            return new Block(bytes, prefix, s);
        }

        boolean contains(byte[] address) {
            if (address.length != network.length) {
                return false;
            }
            int full = prefix / 8;
            for (int i = 0; i < full; i++) {
                if (address[i] != network[i]) {
                    return false;
                }
            }
            int rest = prefix % 8;
            if (rest == 0) {
                return true;
            }
            int mask = (0xFF << (8 - rest)) & 0xFF;
            return (address[full] & mask) == (network[full] & mask);
        }

        @Override
        public String toString() {
            return text;
        }
    }

    private static InetAddress literal(String s) {
        return InetLiterals.parse(s);
    }
}
