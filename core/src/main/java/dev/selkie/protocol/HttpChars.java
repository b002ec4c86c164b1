package dev.selkie.protocol;

/** Character classes of the HTTP/1.1 grammar (RFC 7230 section 3.2.6). */
final class HttpChars {
    private static final boolean[] TCHAR = new boolean[128];

    static {
        for (char c = '0'; c <= '9'; c++) {
            TCHAR[c] = true;
        }
        for (char c = 'a'; c <= 'z'; c++) {
            TCHAR[c] = true;
            TCHAR[c - 'a' + 'A'] = true;
        }
        for (char c : "!#$%&'*+-.^_`|~".toCharArray()) {
            TCHAR[c] = true;
        }
    }

    private HttpChars() {
    }

    /** Whether {@code c} may appear in a token (header names, methods, extension names). */
    static boolean isTchar(int c) {
        return c >= 0 && c < 128 && TCHAR[c];
    }

    /** Whether {@code s} is a non-empty token. */
    static boolean isToken(String s) {
        if (s.isEmpty()) {
            return false;
        }
        for (int i = 0; i < s.length(); i++) {
            if (!isTchar(s.charAt(i))) {
                return false;
            }
        }
        return true;
    }

    /** Whether {@code c} (0-255) may appear in a field value: VCHAR, obs-text, SP or HTAB. */
    static boolean isFieldValueChar(int c) {
        return c == ' ' || c == '\t' || (c > 0x20 && c != 0x7F && c <= 0xFF);
    }

    /** Whether {@code c} is visible US-ASCII (VCHAR), as a request target's characters must be. */
    static boolean isVisibleAscii(int c) {
        return c > 0x20 && c < 0x7F;
    }
}
