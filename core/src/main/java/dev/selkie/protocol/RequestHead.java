package dev.selkie.protocol;

/**
 * A parsed HTTP request head.
 *
 * @param method the method, case-sensitive as received (e.g. {@code GET})
 * @param target the request target as received (e.g. {@code /chat?room=a})
 * @param path the target's path (before {@code ?})
 * @param query the target's query (after {@code ?}), or the empty string
 * @param versionMajor HTTP major version
 * @param versionMinor HTTP minor version
 * @param headers the header fields
 */
public record RequestHead(String method, String target, String path, String query, int versionMajor,
                          int versionMinor, HeaderMap headers) {
}
