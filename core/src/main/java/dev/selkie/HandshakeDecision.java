package dev.selkie;

import dev.selkie.protocol.HeaderFields;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * What a {@link HandshakeInterceptor} decided about an upgrade request. Immutable: a decision that
 * is the same for many requests (say, accept with one attachment per endpoint) can be made once and
 * returned every time, which saves an allocation per handshake.
 *
 * <p>An accepting decision may carry headers for the 101 response ({@link #withHeader}, {@link
 * #withHeaders}), checked when they are added by the rule of {@link HttpResponse}: the name an
 * HTTP token, the value without CR, LF or another control character but tab and nothing above
 * U+00FF. Headers the server writes itself in the 101 cannot be given: {@code Upgrade}, {@code
 * Connection}, {@code Sec-WebSocket-Accept}, {@code Sec-WebSocket-Protocol} (choose it with {@link
 * #accept(Object, String)}), {@code Sec-WebSocket-Extensions}, {@code Content-Length} and {@code
 * Transfer-Encoding}. Anything else throws {@link IllegalArgumentException}.
 */
public final class HandshakeDecision {
    private static final HandshakeDecision ACCEPT = new HandshakeDecision(null, null, null, null);

    private final Object attachment;
    private final String subprotocol;
    private final HttpResponse rejection;
    private final HeaderFields extraHeaders;

    private HandshakeDecision(Object attachment, String subprotocol, HttpResponse rejection,
                              HeaderFields extraHeaders) {
        this.attachment = attachment;
        this.subprotocol = subprotocol;
        this.rejection = rejection;
        this.extraHeaders = extraHeaders == null ? HeaderFields.EMPTY : extraHeaders;
    }

    /** Accept; the server chooses the subprotocol from its configured list. */
    public static HandshakeDecision accept() {
        return ACCEPT;
    }

    /** Accept and attach an object to the connection ({@link WebSocket#attachment()}). */
    public static HandshakeDecision accept(Object attachment) {
        return new HandshakeDecision(attachment, null, null, null);
    }

    /**
     * Accept with a chosen subprotocol, which must be one the client offered (otherwise the
     * handshake fails with 500, because answering a subprotocol the client did not offer breaks
     * RFC 6455), and an optional attachment.
     */
    public static HandshakeDecision accept(Object attachment, String subprotocol) {
        return new HandshakeDecision(attachment, Objects.requireNonNull(subprotocol, "subprotocol"), null, null);
    }

    /** Reject with a status code and a plain-text body. */
    public static HandshakeDecision reject(int status, String body) {
        return reject(HttpResponse.text(status, body));
    }

    /** Reject with a full response. */
    public static HandshakeDecision reject(HttpResponse response) {
        return new HandshakeDecision(null, null, Objects.requireNonNull(response, "response"), null);
    }

    /**
     * A copy of this accepting decision that also sends these headers with the 101, after the ones
     * it has (in the map's iteration order). It appends, as {@link #withHeader} does.
     *
     * @param headers header names to values
     * @return the new decision; this one is unchanged
     * @throws IllegalStateException if this is a rejection (its headers are its response's)
     * @throws IllegalArgumentException if a header is not allowed (see the class comment)
     */
    public HandshakeDecision withHeaders(Map<String, String> headers) {
        Objects.requireNonNull(headers, "headers");
        checkAccepting();
        return new HandshakeDecision(attachment, subprotocol, null,
                extraHeaders.withAll(headers, HeaderFields.Reserved.HANDSHAKE));
    }

    /**
     * A copy of this accepting decision that also sends one more header with the 101, after the
     * ones it has. It appends: a name that is already there is sent again, e.g. two {@code
     * Set-Cookie}.
     *
     * @param name the header name, an HTTP token
     * @param value the value
     * @return the new decision; this one is unchanged
     * @throws IllegalStateException if this is a rejection (its headers are its response's)
     * @throws IllegalArgumentException if the header is not allowed (see the class comment)
     */
    public HandshakeDecision withHeader(String name, String value) {
        checkAccepting();
        return new HandshakeDecision(attachment, subprotocol, null,
                extraHeaders.with(name, value, HeaderFields.Reserved.HANDSHAKE));
    }

    private void checkAccepting() {
        if (rejection != null) {
            throw new IllegalStateException("a rejection carries its headers in its HttpResponse");
        }
    }

    /** Whether the upgrade is accepted. */
    public boolean accepted() {
        return rejection == null;
    }

    /** The attachment, if any. */
    public Optional<Object> attachment() {
        return Optional.ofNullable(attachment);
    }

    /** The subprotocol the interceptor chose, if it chose one. */
    public Optional<String> subprotocol() {
        return Optional.ofNullable(subprotocol);
    }

    /** The rejection response, if rejected. */
    public Optional<HttpResponse> rejection() {
        return Optional.ofNullable(rejection);
    }

    /**
     * The extra headers to send with the 101 response: an unmodifiable map from name to values, as
     * {@link HttpResponse#headers()} gives them (grouped by name regardless of case under the first
     * spelling, values in the order added). They are written in the order added.
     *
     * @return the headers, empty for none or for a rejection
     */
    public Map<String, List<String>> extraHeaders() {
        return extraHeaders;
    }
}
