package dev.selkie.protocol;

import java.util.List;

/** Parses {@code Sec-WebSocket-Extensions} (RFC 6455 section 9.1) into offers. */
public final class ExtensionsHeader {
    private ExtensionsHeader() {
    }

    /**
     * Parses every value of the field into offers, in order.
     *
     * @throws IllegalArgumentException if a value does not follow the grammar
     */
    public static List<ExtensionOffer> parse(List<String> values) {
        throw new UnsupportedOperationException("skeleton");
    }
}
