package dev.selkie.demo.web;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;

/** Parses {@code a=1&b=two} (form encoding, UTF-8); a repeated or malformed parameter is an error. */
public final class QueryString {
    private QueryString() {
    }

    /**
     * @throws IllegalArgumentException with a message fit for a 400 response
     */
    public static Map<String, String> parse(String query) {
        Map<String, String> params = new HashMap<>();
        if (query.isEmpty()) {
            return params;
        }
        for (String pair : query.split("&", -1)) {
            if (pair.isEmpty()) {
                continue;
            }
            int eq = pair.indexOf('=');
            String key = decode(eq < 0 ? pair : pair.substring(0, eq));
            String value = eq < 0 ? "" : decode(pair.substring(eq + 1));
            if (params.put(key, value) != null) {
                throw new IllegalArgumentException("query parameter '" + key + "' given twice");
            }
        }
        return params;
    }

    private static String decode(String s) {
        try {
            return URLDecoder.decode(s, StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("malformed query string: " + e.getMessage());
        }
    }
}
