package dev.selkie.protocol;

/**
 * The verdict of {@link Handshake#check(RequestHead)}.
 *
 * @param kind what the request is
 * @param status for {@link Kind#REJECT}: 400 or 426; otherwise 0
 * @param reason for {@link Kind#REJECT}: why, for logs and the response body; otherwise null
 * @param key for {@link Kind#UPGRADE}: the {@code Sec-WebSocket-Key} (null from {@link
 *     Handshake#check(RequestHead, HandshakeScratch)}, which leaves it in the request); otherwise null
 */
public record HandshakeCheck(Kind kind, int status, String reason, String key) {
    /** A plain HTTP request (the same instance every time). */
    static final HandshakeCheck NOT_UPGRADE = new HandshakeCheck(Kind.NOT_UPGRADE, 0, null, null);
    /**
     * A valid upgrade whose key stays in the request (the same instance every time): what {@link
     * Handshake#check(RequestHead, HandshakeScratch)} answers.
     */
    static final HandshakeCheck UPGRADE_KEY_IN_REQUEST = new HandshakeCheck(Kind.UPGRADE, 0, null, null);

    /** What kind of request it is. */
    public enum Kind {
        /** A valid RFC 6455 upgrade request. */
        UPGRADE,
        /** A plain HTTP request (no {@code Upgrade: websocket}): give it to the HTTP handler. */
        NOT_UPGRADE,
        /**
         * An upgrade request that breaks RFC 6455 section 4.2.1: answer {@link #status()}; for 426
         * add {@code Sec-WebSocket-Version: 13}.
         */
        REJECT
    }
}
