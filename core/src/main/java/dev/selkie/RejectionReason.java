package dev.selkie;

/**
 * Why the server refused an upgrade or dropped a connection before its WebSocket opened, as counted
 * in {@link ServerMetrics#rejectedHandshakes()}. New reasons may be added in later versions: code
 * that switches over this enum should have a default branch.
 */
public enum RejectionReason {
    /** 400: a malformed request head, or an upgrade request that breaks RFC 6455 section 4.2.1. */
    BAD_REQUEST(400),
    /** 404: no endpoint at the requested path. */
    NOT_FOUND(404),
    /** 426: an unsupported or missing {@code Sec-WebSocket-Version}. */
    UPGRADE_REQUIRED(426),
    /** 431: the request head is larger than the limit, or has too many header lines. */
    HEADERS_TOO_LARGE(431),
    /** 503: the server already holds its maximum number of connections. */
    OVER_CAPACITY(503),
    /** The {@link HandshakeInterceptor} rejected the upgrade (with a status of its choice). */
    INTERCEPTOR(0),
    /** 500: the {@link HandshakeInterceptor} threw or completed exceptionally. */
    INTERCEPTOR_FAILED(500),
    /** The opening handshake (TLS included) did not complete within the handshake timeout. */
    HANDSHAKE_TIMEOUT(0),
    /** A plain-text HTTP request on a TLS port, answered with 400. */
    PLAINTEXT_ON_TLS_PORT(400),
    /** The TLS handshake failed (no shared protocol or cipher suite, a bad record, an alert from the client). */
    TLS_HANDSHAKE_FAILED(0),
    /** An invalid PROXY protocol header, or one from an address that is not a trusted proxy. */
    PROXY_HEADER(0);

    private final int status;

    RejectionReason(int status) {
        this.status = status;
    }

    /**
     * The HTTP status the server answers with for this reason, or 0 if it closes without a status
     * of its own (timeouts, PROXY headers) or the status is the interceptor's.
     */
    public int httpStatus() {
        return status;
    }
}
