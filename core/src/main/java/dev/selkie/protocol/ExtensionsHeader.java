package dev.selkie.protocol;

import java.util.ArrayList;
import java.util.List;

/**
 * Parses {@code Sec-WebSocket-Extensions} (RFC 6455 section 9.1) into offers.
 *
 * <pre>
 * extension-list = 1#extension
 * extension      = token *( ";" param )
 * param          = token [ "=" ( token | quoted-string ) ]
 * </pre>
 *
 * <p>Optional white space (space, tab) is allowed around {@code ,}, {@code ;} and {@code =}. Empty
 * list elements ({@code a, , b}) and empty field values are tolerated, as RFC 7230 section 7 asks
 * of recipients. A quoted-string value is unquoted (quoted-pairs resolved) and must then be a
 * token, as RFC 6455 section 9.1 requires.
 */
public final class ExtensionsHeader {
    private ExtensionsHeader() {
    }

    /**
     * Parses every value of the field into offers, in order.
     *
     * @throws IllegalArgumentException if a value does not follow the grammar
     */
    public static List<ExtensionOffer> parse(List<String> values) {
        List<ExtensionOffer> offers = new ArrayList<>();
        for (String value : values) {
            new Cursor(value).parseInto(offers);
        }
        return offers;
    }

    /** A position in one field value; every step consumes at least one character or fails. */
    private static final class Cursor {
        private final String s;
        private int i;

        Cursor(String s) {
            this.s = s;
        }

        void parseInto(List<ExtensionOffer> offers) {
            while (true) {
                skipOws();
                if (i == s.length()) {
                    return;
                }
                if (s.charAt(i) == ',') {
                    i++;
                    continue;
                }
                String name = token("extension name");
                List<ExtensionOffer.Param> params = new ArrayList<>();
                skipOws();
                while (i < s.length() && s.charAt(i) == ';') {
                    i++;
                    skipOws();
                    String paramName = token("parameter name");
                    String paramValue = null;
                    skipOws();
                    if (i < s.length() && s.charAt(i) == '=') {
                        i++;
                        skipOws();
                        paramValue = i < s.length() && s.charAt(i) == '"' ? quotedToken() : token("parameter value");
                        skipOws();
                    }
                    params.add(new ExtensionOffer.Param(paramName, paramValue));
                }
                if (i < s.length()) {
                    if (s.charAt(i) != ',') {
                        throw error("expected ',' or ';'");
                    }
                    i++;
                }
                offers.add(new ExtensionOffer(name, params));
            }
        }

        private String token(String what) {
            int start = i;
            while (i < s.length() && HttpChars.isTchar(s.charAt(i))) {
                i++;
            }
            if (i == start) {
                throw error("expected " + what + " token");
            }
            return s.substring(start, i);
        }

        private String quotedToken() {
            int start = i;
            i++; // opening quote
            StringBuilder value = new StringBuilder();
            while (true) {
                if (i == s.length()) {
                    i = start;
                    throw error("unterminated quoted-string");
                }
                char c = s.charAt(i++);
                if (c == '"') {
                    break;
                }
                if (c == '\\') {
                    if (i == s.length()) {
                        i = start;
                        throw error("unterminated quoted-string");
                    }
                    c = s.charAt(i++);
                }
                value.append(c);
            }
            String unquoted = value.toString();
            if (!HttpChars.isToken(unquoted)) {
                i = start;
                throw error("quoted parameter value is not a token");
            }
            return unquoted;
        }

        private void skipOws() {
            while (i < s.length() && (s.charAt(i) == ' ' || s.charAt(i) == '\t')) {
                i++;
            }
        }

        private IllegalArgumentException error(String what) {
            return new IllegalArgumentException(
                    "malformed Sec-WebSocket-Extensions at index " + i + ": " + what + " in \"" + printable(s) + "\"");
        }

        private static String printable(String s) {
            StringBuilder sb = new StringBuilder(Math.min(s.length(), 200));
            for (int k = 0; k < s.length() && k < 200; k++) {
                char c = s.charAt(k);
                sb.append(c >= 0x20 && c < 0x7F ? c : '?');
            }
            if (s.length() > 200) {
                sb.append("...");
            }
            return sb.toString();
        }
    }
}
