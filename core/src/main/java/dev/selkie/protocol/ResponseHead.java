package dev.selkie.protocol;

/**
 * A parsed HTTP response head.
 *
 * @param status the status code, e.g. 101
 * @param reason the reason phrase as received (may be empty)
 * @param headers the header fields
 */
public record ResponseHead(int status, String reason, HeaderMap headers) {
}
