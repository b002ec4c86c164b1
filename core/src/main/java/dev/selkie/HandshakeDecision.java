package dev.selkie;

import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * What a {@link HandshakeInterceptor} decided about an upgrade request. Immutable: a decision that
 * is the same for many requests (say, accept with one attachment per endpoint) can be made once and
 * returned every time, which saves an allocation per handshake.
 */
public final class HandshakeDecision {
    private static final HandshakeDecision ACCEPT = new HandshakeDecision(null, null, null, null);

    private final Object attachment;
    private final String subprotocol;
    private final HttpResponse rejection;
    private final Map<String, String> extraHeaders;

    private HandshakeDecision(Object attachment, String subprotocol, HttpResponse rejection,
                              Map<String, String> extraHeaders) {
        this.attachment = attachment;
        this.subprotocol = subprotocol;
        this.rejection = rejection;
        this.extraHeaders = extraHeaders == null ? Map.of() : Map.copyOf(extraHeaders);
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

    /** A copy of this accepting decision that also sends these headers (e.g. {@code Set-Cookie}). */
    public HandshakeDecision withHeaders(Map<String, String> headers) {
        if (rejection != null) {
            throw new IllegalStateException("a rejection carries its headers in its HttpResponse");
        }
        return new HandshakeDecision(attachment, subprotocol, null, headers);
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

    /** Extra headers to send with the 101 response. */
    public Map<String, String> extraHeaders() {
        return extraHeaders;
    }
}
