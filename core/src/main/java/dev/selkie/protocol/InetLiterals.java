package dev.selkie.protocol;

import java.net.InetAddress;
import java.net.UnknownHostException;

/**
 * Strict numeric IP literals, for what peers and proxies declare: an IPv4 dotted quad of four
 * decimal octets without leading zeros, or an IPv6 literal (hex digits, colons, and dots for an
 * embedded IPv4 tail). Never a host name, and never a DNS lookup: text that is not a literal of the
 * asked family is refused before the JDK's parser sees it.
 */
public final class InetLiterals {
    private InetLiterals() {
    }

    /** An IPv4 or IPv6 literal; null for anything else. */
    public static InetAddress parse(String s) {
        return s.indexOf(':') >= 0 ? ipv6(s) : ipv4(s);
    }

    /** A dotted-quad IPv4 literal; null for anything else. */
    public static InetAddress ipv4(String s) {
        String[] octets = s.split("\\.", -1);
        if (octets.length != 4) {
            return null;
        }
        byte[] addr = new byte[4];
        for (int i = 0; i < 4; i++) {
            int value = decimal(octets[i], 255);
            if (value < 0) {
                return null;
            }
            addr[i] = (byte) value;
        }
        return address(addr);
    }

    /** An IPv6 literal (an embedded IPv4 tail allowed; as 16 bytes even if IPv4-mapped); null for anything else. */
    public static InetAddress ipv6(String s) {
        if (s.isEmpty() || s.length() > 45 || s.indexOf(':') < 0) {
            return null;
        }
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (!(c == ':' || c == '.' || c < 0x80 && Character.digit(c, 16) >= 0)) {
                return null;
            }
        }
        try {
            byte[] bytes = InetAddress.getByName(s).getAddress(); // has a colon: parsed as a literal, never looked up
            if (bytes.length == 4) { // the JDK turns ::ffff:a.b.c.d into IPv4; keep the declared family
                byte[] mapped = new byte[16];
                mapped[10] = (byte) 0xFF;
                mapped[11] = (byte) 0xFF;
                System.arraycopy(bytes, 0, mapped, 12, 4);
                bytes = mapped;
            }
            return InetAddress.getByAddress(bytes);
        } catch (UnknownHostException e) {
            return null;
        }
    }

    /** A decimal number of at most {@code max}, without sign or leading zeros; -1 otherwise. */
    public static int decimal(String s, int max) {
        if (s.isEmpty() || s.length() > 5 || (s.length() > 1 && s.charAt(0) == '0')) {
            return -1;
        }
        int value = 0;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c < '0' || c > '9') {
                return -1;
            }
            value = value * 10 + (c - '0');
        }
        return value <= max ? value : -1;
    }

    private static InetAddress address(byte[] bytes) {
        try {
            return InetAddress.getByAddress(bytes);
        } catch (UnknownHostException e) {
            throw new AssertionError("4 or 16 bytes are an address", e);
        }
    }
}
