package dev.selkie;

import java.time.Duration;
import java.util.Objects;

/**
 * The options of {@link WebSocketServer.Builder} that bound a connection: message, handshake and
 * body sizes, the connection limit, fragmentation, the water marks and the send-queue limit with its
 * slow-consumer policy, and the timers. A package-private part of the one public builder (its
 * methods are the builder's).
 */
abstract class ServerLimits extends ServerEndpoints {
    int maxMessageSize = 1 << 20;
    int maxHandshakeSize = 8 << 10;
    int maxHttpBodySize = 64 << 10;
    int maxConnections = 100_000;
    int outgoingFragmentSize = 0;
    long highWaterMark = 1 << 20;
    long lowWaterMark = 256 << 10;
    long sendQueueLimit = -1;
    SlowConsumerPolicy slowConsumerPolicy = SlowConsumerPolicy.CLOSE;
    Duration handshakeTimeout = Duration.ofSeconds(10);
    Duration idleTimeout = Duration.ZERO;
    Duration closeTimeout = Duration.ofSeconds(5);
    Duration pingInterval = Duration.ZERO;
    Duration pongTimeout = Duration.ofSeconds(10);

    /** Largest incoming message in bytes (of every endpoint without a limit of its own); larger ones close the connection with 1009. Default 1 MiB. */
    public WebSocketServer.Builder maxMessageSize(int bytes) {
        this.maxMessageSize = positive(bytes, "maxMessageSize");
        return self();
    }

    /** Largest request line + headers of a handshake; larger ones get 431. Default 8 KiB. */
    public WebSocketServer.Builder maxHandshakeSize(int bytes) {
        this.maxHandshakeSize = positive(bytes, "maxHandshakeSize");
        return self();
    }

    /** Largest body of a plain HTTP request given to the {@link HttpHandler}; larger get 413. Default 64 KiB. */
    public WebSocketServer.Builder maxHttpBodySize(int bytes) {
        if (bytes < 0) {
            throw new IllegalArgumentException("maxHttpBodySize must be >= 0");
        }
        this.maxHttpBodySize = bytes;
        return self();
    }

    /** Most open connections (WebSocket and HTTP); beyond it handshakes get 503. Default 100,000. */
    public WebSocketServer.Builder maxConnections(int connections) {
        this.maxConnections = positive(connections, "maxConnections");
        return self();
    }

    /** Split outgoing messages into frames of at most this payload size; 0 (default) never splits. */
    public WebSocketServer.Builder outgoingFragmentSize(int bytes) {
        if (bytes < 0) {
            throw new IllegalArgumentException("outgoingFragmentSize must be >= 0");
        }
        this.outgoingFragmentSize = bytes;
        return self();
    }

    /**
     * Backpressure marks per connection, in the bytes of {@link WebSocket#bufferedAmount()}:
     * {@code send} returns {@link SendResult#BACKPRESSURE} above {@code high}; {@link
     * WebSocketListener#onDrain} fires when a connection falls back to {@code low} or below. With
     * an {@link WebSocketServer.Builder#executor executor}, the same marks bound the messages waiting for the listener:
     * a connection whose queued listener calls hold more than {@code high} is not read from (TCP
     * pushes back on the client) until they are down to {@code low}. Default 1 MiB / 256 KiB.
     */
    public WebSocketServer.Builder waterMarks(long low, long high) {
        if (low < 0 || high <= low) {
            throw new IllegalArgumentException("need 0 <= low < high");
        }
        this.lowWaterMark = low;
        this.highWaterMark = high;
        return self();
    }

    /**
     * Hard limit of the memory a connection's unwritten frames may hold ({@link
     * WebSocket#bufferedAmount()}, which counts bookkeeping too, so a flood of tiny frames is held
     * to it as well as a few large ones); a message that would pass it is handled by the {@link
     * SlowConsumerPolicy}. Pongs past it are not queued: only the answer to the latest ping is kept
     * until there is room (RFC 6455 section 5.5.3). A close frame may pass it by one 4 KiB write
     * chunk. Default: the larger of 4 MiB and twice {@code maxMessageSize} plus 1 KiB, so an echo
     * of the largest accepted message always fits.
     */
    public WebSocketServer.Builder sendQueueLimit(long bytes) {
        this.sendQueueLimit = positive(bytes, "sendQueueLimit");
        return self();
    }

    /** What to do at the hard limit; default {@link SlowConsumerPolicy#CLOSE}. */
    public WebSocketServer.Builder slowConsumerPolicy(SlowConsumerPolicy policy) {
        this.slowConsumerPolicy = Objects.requireNonNull(policy, "policy");
        return self();
    }

    /**
     * Time allowed from accept to a complete handshake (slowloris defence), and to the response
     * of an {@link AsyncHttpHandler} (503 then). Default 10 s.
     */
    public WebSocketServer.Builder handshakeTimeout(Duration timeout) {
        this.handshakeTimeout = nonNegative(timeout, "handshakeTimeout");
        return self();
    }

    /** Close (1001) connections that received nothing for this long; {@link Duration#ZERO} (default) is off. */
    public WebSocketServer.Builder idleTimeout(Duration timeout) {
        this.idleTimeout = nonNegative(timeout, "idleTimeout");
        return self();
    }

    /** After sending a close frame, drop the TCP connection if the peer's close has not come within this. Default 5 s. */
    public WebSocketServer.Builder closeTimeout(Duration timeout) {
        this.closeTimeout = nonNegative(timeout, "closeTimeout");
        return self();
    }

    /**
     * Keep-alive: ping every open connection at this interval, and drop it (reported as 1006)
     * when no pong arrives within {@code pongTimeout}. Default off.
     */
    public WebSocketServer.Builder pingInterval(Duration interval, Duration pongTimeout) {
        this.pingInterval = nonNegative(interval, "pingInterval");
        this.pongTimeout = nonNegative(pongTimeout, "pongTimeout");
        return self();
    }

    static int positive(int value, String name) {
        if (value <= 0) {
            throw new IllegalArgumentException(name + " must be > 0: " + value);
        }
        return value;
    }

    static long positive(long value, String name) {
        if (value <= 0) {
            throw new IllegalArgumentException(name + " must be > 0: " + value);
        }
        return value;
    }

    static Duration nonNegative(Duration d, String name) {
        Objects.requireNonNull(d, name);
        if (d.isNegative()) {
            throw new IllegalArgumentException(name + " must not be negative");
        }
        return d;
    }}
