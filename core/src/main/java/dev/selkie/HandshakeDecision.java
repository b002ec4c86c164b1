package dev.selkie;

import dev.selkie.protocol.HeaderFields;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * What a {@link HandshakeInterceptor} decided about an upgrade request. Immutable: every {@code
 * with} method returns a copy, so a decision that is the same for many requests can be made once
 * and returned every time, which saves an allocation per handshake.
 *
 * <pre>{@code
 * return HandshakeDecision.accept().with(USER, user).withSubprotocol("chat.v2")
 *         .withHeader("Set-Cookie", "a=1").withHeader("Set-Cookie", "b=2");
 * }</pre>
 *
 * <p>An accepting decision may carry headers for the 101 response ({@link #withHeader}, {@link
 * #withHeaders}), checked when they are added by the rule of {@link HttpResponse}: the name an
 * HTTP token, the value without CR, LF or another control character but tab and nothing above
 * U+00FF. Headers the server writes itself in the 101 cannot be given: {@code Upgrade}, {@code
 * Connection}, {@code Sec-WebSocket-Accept}, {@code Sec-WebSocket-Protocol} (choose it with {@link
 * #withSubprotocol}), {@code Sec-WebSocket-Extensions}, {@code Content-Length} and {@code
 * Transfer-Encoding}. Anything else throws {@link IllegalArgumentException}.
 */
public final class HandshakeDecision {
    private static final HandshakeDecision ACCEPT = new HandshakeDecision(Map.of(), null, null, null);

    private final Map<AttributeKey<?>, Object> attributes;
    private final String subprotocol;
    private final HttpResponse rejection;
    private final HeaderFields extraHeaders;

    private HandshakeDecision(Map<AttributeKey<?>, Object> attributes, String subprotocol, HttpResponse rejection,
                              HeaderFields extraHeaders) {
        this.attributes = attributes;
        this.subprotocol = subprotocol;
        this.rejection = rejection;
        this.extraHeaders = extraHeaders == null ? HeaderFields.EMPTY : extraHeaders;
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
     *
     * @throws IllegalStateException if this is a rejection
     */
    public <T> HandshakeDecision with(AttributeKey<T> key, T value) {
        checkAccepting();
        Map<AttributeKey<?>, Object> more = new LinkedHashMap<>(attributes);
        more.put(Objects.requireNonNull(key, "key"), Objects.requireNonNull(value, "value"));
        return new HandshakeDecision(Collections.unmodifiableMap(more), subprotocol, null, extraHeaders);
    }

    /**
     * A copy of this accepting decision with a chosen subprotocol, which must be one the client
     * offered (otherwise the handshake fails with 500, because answering a subprotocol the client
     * did not offer breaks RFC 6455).
     *
     * @throws IllegalStateException if this is a rejection
     */
    public HandshakeDecision withSubprotocol(String subprotocol) {
        checkAccepting();
        return new HandshakeDecision(attributes, Objects.requireNonNull(subprotocol, "subprotocol"), null, extraHeaders);
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
        return new HandshakeDecision(attributes, subprotocol, null,
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
        return new HandshakeDecision(attributes, subprotocol, null,
                extraHeaders.with(name, value, HeaderFields.Reserved.HANDSHAKE));
    }

    private void checkAccepting() {
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
