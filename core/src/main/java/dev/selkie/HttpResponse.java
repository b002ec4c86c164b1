package dev.selkie;

import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * An HTTP response written by the server for a plain HTTP request or a rejected handshake. The
 * connection is closed after it is sent.
 */
public final class HttpResponse {
    private final int status;
    private final Map<String, String> headers;
    private final byte[] body;

    private HttpResponse(int status, Map<String, String> headers, byte[] body) {
        if (status < 200 || status > 599) {
            throw new IllegalArgumentException("status must be 200-599: " + status);
        }
        this.status = status;
        this.headers = Map.copyOf(headers);
        this.body = body.clone();
    }

    /** A response with the given status, extra headers and body. */
    public static HttpResponse of(int status, Map<String, String> headers, byte[] body) {
        Objects.requireNonNull(headers, "headers");
        Objects.requireNonNull(body, "body");
        return new HttpResponse(status, headers, body);
    }

    /** A {@code text/plain; charset=utf-8} response. */
    public static HttpResponse text(int status, String body) {
        return of(status, Map.of("Content-Type", "text/plain; charset=utf-8"), body.getBytes(StandardCharsets.UTF_8));
    }

    /** A response with the given status and content type. */
    public static HttpResponse of(int status, String contentType, byte[] body) {
        return of(status, Map.of("Content-Type", contentType), body);
    }

    /** A copy of this response with one more header. */
    public HttpResponse withHeader(String name, String value) {
        Map<String, String> copy = new LinkedHashMap<>(headers);
        copy.put(name, value);
        return new HttpResponse(status, copy, body);
    }

    /** The status code. */
    public int status() {
        return status;
    }

    /** The extra headers (the server adds {@code Content-Length} and {@code Connection: close}). */
    public Map<String, String> headers() {
        return headers;
    }

    /** A copy of the body. */
    public byte[] body() {
        return body.clone();
    }
}
