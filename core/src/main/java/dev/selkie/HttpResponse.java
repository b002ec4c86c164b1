package dev.selkie;

import dev.selkie.protocol.HeaderFields;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * An HTTP response written by the server for a plain HTTP request or a rejected handshake. The
 * connection is closed after it is sent. Immutable.
 *
 * <p>Headers are kept as an ordered list of fields in which a name may repeat (two {@code
 * Set-Cookie}), and are written in that order. Every header is checked when it is added, so that
 * a response can never be split or carry a header twice that the server writes itself: a name
 * must be an HTTP token; a value must not contain CR, LF or another control character but tab,
 * nor a character above U+00FF; and {@code Content-Length}, {@code Connection} and {@code
 * Transfer-Encoding} (in any case) cannot be given, because the server writes {@code
 * Content-Length} (but for 204) and {@code Connection: close} itself. Anything else throws {@link
 * IllegalArgumentException} at once, where the response is made.
 */
public final class HttpResponse {
    private static final HeaderFields.Reserved RESERVED = HeaderFields.Reserved.FRAMING;
    private static final HeaderFields TEXT_PLAIN = HeaderFields.EMPTY.with("Content-Type", "text/plain; charset=utf-8",
            RESERVED);

    private final int status;
    private final HeaderFields headers;
    private final byte[] body;

    private HttpResponse(int status, HeaderFields headers, byte[] body) {
        if (status < 200 || status > 599) {
            throw new IllegalArgumentException("status must be 200-599: " + status);
        }
        if (status == 204 && body.length > 0) {
            throw new IllegalArgumentException("a 204 response has no body");
        }
        this.status = status;
        this.headers = headers;
        this.body = body;
    }

    /**
     * A response with the given status, headers (in the map's iteration order) and body.
     *
     * @param status 200 to 599
     * @param headers header names to values; more values of one name can be added with {@link
     *     #withHeader}
     * @param body the body (copied); must be empty for 204
     * @return the response
     * @throws IllegalArgumentException for a status outside 200-599, a body with 204, or a header
     *     the class comment does not allow
     */
    public static HttpResponse of(int status, Map<String, String> headers, byte[] body) {
        Objects.requireNonNull(headers, "headers");
        Objects.requireNonNull(body, "body");
        return new HttpResponse(status, HeaderFields.of(headers, RESERVED), body.clone());
    }

    /**
     * A {@code text/plain; charset=utf-8} response.
     *
     * @param status 200 to 599
     * @param body the text, sent as UTF-8
     * @return the response
     * @throws IllegalArgumentException for a status outside 200-599, or a non-empty body with 204
     */
    public static HttpResponse text(int status, String body) {
        return new HttpResponse(status, TEXT_PLAIN, body.getBytes(StandardCharsets.UTF_8));
    }

    /**
     * A response with the given status and content type.
     *
     * @param status 200 to 599
     * @param contentType the {@code Content-Type} value
     * @param body the body (copied); must be empty for 204
     * @return the response
     * @throws IllegalArgumentException for a status outside 200-599, a body with 204, or a content
     *     type with CR, LF or another control character
     */
    public static HttpResponse of(int status, String contentType, byte[] body) {
        Objects.requireNonNull(body, "body");
        return new HttpResponse(status, HeaderFields.EMPTY.with("Content-Type", contentType, RESERVED), body.clone());
    }

    /**
     * A copy of this response with one more header after the others. It appends: a name that is
     * already there is sent again (e.g. a second {@code Set-Cookie}), never replaced.
     *
     * @param name the header name, an HTTP token
     * @param value the value
     * @return the new response; this one is unchanged
     * @throws IllegalArgumentException if the header is not allowed (see the class comment)
     */
    public HttpResponse withHeader(String name, String value) {
        return new HttpResponse(status, headers.with(name, value, RESERVED), body);
    }

    /**
     * The status code.
     *
     * @return 200 to 599
     */
    public int status() {
        return status;
    }

    /**
     * The headers the response sends, besides the {@code Content-Length} and {@code Connection:
     * close} the server adds: an unmodifiable map from name to values, the values of each name in
     * the order added. Names are grouped regardless of case, each under the spelling it was first
     * given in (look names up with that spelling); names are in the order first added.
     *
     * @return the headers, never null
     */
    public Map<String, List<String>> headers() {
        return headers;
    }

    /**
     * A copy of the body.
     *
     * @return the body bytes
     */
    public byte[] body() {
        return body.clone();
    }
}
