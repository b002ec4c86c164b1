package dev.selkie.protocol;

import java.util.List;
import java.util.Map;

/**
 * Case-insensitive multi-map of HTTP header fields, in the order received. Names are stored in
 * lower case; values with surrounding white space trimmed.
 */
public final class HeaderMap {
    /** Creates an empty map. */
    public HeaderMap() {
        throw new UnsupportedOperationException("skeleton");
    }

    /** Adds a field. */
    public void add(String name, String value) {
        throw new UnsupportedOperationException("skeleton");
    }

    /** The first value of the field, or null. */
    public String first(String name) {
        throw new UnsupportedOperationException("skeleton");
    }

    /** All values of the field; empty if absent. */
    public List<String> all(String name) {
        throw new UnsupportedOperationException("skeleton");
    }

    /**
     * The comma-separated elements of every value of the field, trimmed, empty ones dropped (e.g.
     * {@code Connection: keep-alive, Upgrade} gives {@code [keep-alive, Upgrade]}).
     */
    public List<String> tokens(String name) {
        throw new UnsupportedOperationException("skeleton");
    }

    /** Whether {@link #tokens(String)} contains {@code token}, case-insensitively. */
    public boolean hasToken(String name, String token) {
        throw new UnsupportedOperationException("skeleton");
    }

    /** An unmodifiable view: lower-case name to values. */
    public Map<String, List<String>> asMap() {
        throw new UnsupportedOperationException("skeleton");
    }

    /** Number of field lines. */
    public int size() {
        throw new UnsupportedOperationException("skeleton");
    }
}
