package dev.selkie.protocol;

import java.util.Map;

/**
 * One extension offered in {@code Sec-WebSocket-Extensions}, e.g. {@code permessage-deflate;
 * client_max_window_bits}.
 *
 * @param name the extension token
 * @param params parameters in order; a parameter without a value maps to the empty string... see
 *     {@link ExtensionsHeader} for the exact rules
 */
public record ExtensionOffer(String name, Map<String, String> params) {
}
