package dev.selkie;

import java.util.Collections;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * What a {@link HandshakeInterceptor} decided about an upgrade request. Immutable: every {@code
 * with} method returns a copy, so a decision that is the same for many requests can be made once
 * and returned every time, which saves an allocation per handshake.
 *
 * <pre>{@code
 * return HandshakeDecision.accept().with(USER, user).withSubprotocol("chat.v2");
 * }</pre>
 */
public final class HandshakeDecision {
    private static final HandshakeDecision ACCEPT = new HandshakeDecision(Map.of(), null, null, null);

    private final Map<AttributeKey<?>, Object> attributes;
    private final String subprotocol;
    private final HttpResponse rejection;
    private final Map<String, String> extraHeaders;

    private HandshakeDecision(Map<AttributeKey<?>, Object> attributes, String subprotocol, HttpResponse rejection,
                              Map<String, String> extraHeaders) {
        this.attributes = attributes;
        this.subprotocol = subprotocol;
        this.rejection = rejection;
        this.extraHeaders = extraHeaders == null ? Map.of() : Map.copyOf(extraHeaders);
    }

    /** Accept; the server chooses the subprotocol from its configured list. */
    public static HandshakeDecision accept() {
        return ACCEPT;
    }

    /** Reject with a status code and a plain-text body. */
    public static HandshakeDecision reject(int status, String body) {
        return reject(HttpResponse.text(status, body));
    }

    /** Reject with a full response. */
    public static HandshakeDecision reject(HttpResponse response) {
        return new HandshakeDecision(Map.of(), null, Objects.requireNonNull(response, "response"), null);
    }

    /**
     * A copy of this accepting decision that puts {@code value} on the connection under {@code key},
     * where the listener finds it ({@link WebSocket#attribute(AttributeKey)}) from {@code onOpen} on.
     */
    public <T> HandshakeDecision with(AttributeKey<T> key, T value) {
        requireAccepting();
        Map<AttributeKey<?>, Object> more = new java.util.LinkedHashMap<>(attributes);
        more.put(Objects.requireNonNull(key, "key"), Objects.requireNonNull(value, "value"));
        return new HandshakeDecision(Collections.unmodifiableMap(more), subprotocol, null, extraHeaders);
    }

    /**
     * A copy of this accepting decision with a chosen subprotocol, which must be one the client
     * offered (otherwise the handshake fails with 500, because answering a subprotocol the client
     * did not offer breaks RFC 6455).
     */
    public HandshakeDecision withSubprotocol(String subprotocol) {
        requireAccepting();
        return new HandshakeDecision(attributes, Objects.requireNonNull(subprotocol, "subprotocol"), null, extraHeaders);
    }

    /** A copy of this accepting decision that also sends these headers (e.g. {@code Set-Cookie}). */
    public HandshakeDecision withHeaders(Map<String, String> headers) {
        requireAccepting();
        return new HandshakeDecision(attributes, subprotocol, null, headers);
    }

    private void requireAccepting() {
        if (rejection != null) {
            throw new IllegalStateException("a rejection carries its headers in its HttpResponse and opens no connection");
        }
    }

    /** Whether the upgrade is accepted. */
    public boolean accepted() {
        return rejection == null;
    }

    /** The value put under {@code key} by {@link #with}, if any. */
    public <T> Optional<T> attribute(AttributeKey<T> key) {
        @SuppressWarnings("unchecked") // with() stored a T under a key of T
        T value = (T) attributes.get(key);
        return Optional.ofNullable(value);
    }

    /** Every attribute put by {@link #with}, unmodifiable, in the order put. */
    public Map<AttributeKey<?>, Object> attributes() {
        return attributes;
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
