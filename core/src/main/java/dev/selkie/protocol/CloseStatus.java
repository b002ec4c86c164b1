package dev.selkie.protocol;

/** Rules for close status codes (RFC 6455 section 7.4). */
public final class CloseStatus {
    private CloseStatus() {
    }

    /**
     * Whether a code may appear in a close frame on the wire: 1000-1003, 1007-1014 (1015 excluded)
     * or 3000-4999. A received close with another code is a protocol error (1002).
     */
    public static boolean isValidOnWire(int code) {
        return (code >= 1000 && code <= 1003)
                || (code >= 1007 && code <= 1014)
                || (code >= 3000 && code <= 4999);
    }
}
