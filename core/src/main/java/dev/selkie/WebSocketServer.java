package dev.selkie;

import dev.selkie.protocol.ExtensionNegotiator;
import dev.selkie.protocol.PerMessageDeflateNegotiator;
import dev.selkie.server.NetworkConfig;
import dev.selkie.server.ServerConfig;
import dev.selkie.server.TrustedProxies;
import dev.selkie.server.Routes;
import dev.selkie.server.ServerEngine;
import dev.selkie.server.SharedMessage;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.Executor;
import java.util.function.Consumer;

/**
 * A WebSocket server: one acceptor and one or more event-loop threads, each a {@link
 * java.nio.channels.Selector} that owns its connections.
 *
 * <pre>{@code
 * WebSocketServer server = WebSocketServer.builder()
 *         .port(9001)
 *         .listener(new WebSocketListener() {
 *             public void onText(WebSocket ws, String text) { ws.send(text); }
 *         })
 *         .build();
 * server.start();
 * ...
 * server.stop(Duration.ofSeconds(5));
 * }</pre>
 *
 * <p>All methods are thread-safe. A server is {@link AutoCloseable}: try-with-resources stops it
 * as {@link #close()} says.
 */
public final class WebSocketServer implements AutoCloseable {
    private final ServerEngine engine;

    private WebSocketServer(ServerConfig config) {
        this.engine = new ServerEngine(config);
    }

    /** A builder with the documented defaults. */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * Binds and starts the event loops; returns once the server accepts connections.
     *
     * @throws UncheckedIOException if the address cannot be bound
     * @throws IllegalStateException if the server was already started or stopped
     * @throws IllegalArgumentException if its {@link Tls} cannot serve (no key, a key of another
     *     certificate, an expired certificate, unknown protocols or cipher suites), saying why
     */
    public void start() {
        try {
            engine.start();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start WebSocket server on " + engine.config().address(), e);
        }
    }

    /**
     * Stops gracefully: stops accepting, sends close 1001 (going away) to every open connection,
     * waits up to {@code timeout} for the closing handshakes, then closes what is left, the selectors
     * and the threads. Idempotent; returns when everything is closed (also after the server stopped
     * itself for a failure).
     */
    public void stop(Duration timeout) {
        engine.stop(timeout);
    }

    /**
     * Stops gracefully like {@link #stop(Duration)}, closing every open connection with {@code code}
     * and {@code reason} instead of 1001: for a rolling deploy, {@link CloseCodes#SERVICE_RESTART}
     * (1012) tells clients to reconnect; {@link CloseCodes#TRY_AGAIN_LATER} (1013) that the server is
     * overloaded.
     *
     * @throws IllegalArgumentException if the code may not be sent or the reason is over 123 UTF-8 bytes
     */
    public void stop(Duration timeout, int code, String reason) {
        engine.stop(Objects.requireNonNull(timeout, "timeout"), code, reason == null ? "" : reason);
    }

    /**
     * {@link #stop(Duration) stop} with the configured {@link Builder#closeTimeout close timeout}
     * for the closing handshakes (default 5 s).
     */
    @Override
    public void close() {
        engine.stop(engine.config().closeTimeout());
    }

    /**
     * Waits until the server has stopped: {@link #stop} has returned, or the server stopped itself
     * after a fatal failure (see {@link Builder#failureHandler}).
     *
     * @return true if it has stopped, false if {@code timeout} passed first
     * @throws InterruptedException if the waiting thread is interrupted
     */
    public boolean awaitTermination(Duration timeout) throws InterruptedException {
        return engine.awaitTermination(Objects.requireNonNull(timeout, "timeout"));
    }

    /**
     * The fatal failure the server stopped for, if it stopped itself: an event loop died (the JVM
     * ran out of memory, or a bug in Selkie) or a listener call on an executor ran out of memory.
     */
    public Optional<Throwable> failure() {
        return Optional.ofNullable(engine.failure());
    }

    /** The port the server listens on (the chosen one if it was configured as 0). */
    public int port() {
        return engine.port();
    }

    /**
     * The additional plain port beside the TLS port ({@link Builder#plainPort}), the chosen one if
     * it was configured as 0; -1 if there is none or the server has not started.
     */
    public int plainPort() {
        return engine.plainPort();
    }

    /**
     * Uses {@code tls} for every connection accepted from now on, e.g. after a certificate was
     * renewed; open connections keep the one they started with. Checked first as at start (one
     * in-memory handshake and the certificate's dates); if the check fails, nothing changes.
     *
     * @throws IllegalStateException if the server was built without TLS
     * @throws IllegalArgumentException if {@code tls} cannot serve, saying why
     */
    public void replaceTls(Tls tls) {
        engine.replaceTls(tls);
    }

    /** The bound address. */
    public InetSocketAddress address() {
        return engine.boundAddress();
    }

    /**
     * Sends a text message to every open connection; the frame is encoded once and every recipient
     * gets a view of the same bytes, subject to its own backpressure policy. The message is handed
     * to each event loop, so successive broadcasts arrive in order, but a {@link WebSocket#send}
     * made right after may overtake a broadcast made from another thread than the loop's.
     */
    public void broadcast(String text) {
        engine.fanout().broadcast(engine.fanout().text(text), null);
    }

    /** Sends a binary message (the buffer's remaining bytes) to every open connection; encoded once. */
    public void broadcast(ByteBuffer data) {
        engine.fanout().broadcast(engine.fanout().binary(data), null);
    }

    /** Sends a prepared message to every open connection; no encoding per call. */
    public void broadcast(PreparedMessage message) {
        engine.fanout().broadcast(shared(message), null);
    }

    /**
     * Sends a text message to the given connections (of this server); the frame is encoded once and
     * queued to each recipient directly, like {@link WebSocket#send(String)}.
     *
     * @throws IllegalArgumentException if a recipient is not a connection of this server
     */
    public void broadcast(String text, Collection<? extends WebSocket> recipients) {
        engine.fanout().broadcast(engine.fanout().text(text), Objects.requireNonNull(recipients, "recipients"));
    }

    /**
     * Sends a prepared message to the given connections (of this server), queued to each directly.
     *
     * @throws IllegalArgumentException if a recipient is not a connection of this server
     */
    public void broadcast(PreparedMessage message, Collection<? extends WebSocket> recipients) {
        engine.fanout().broadcast(shared(message), Objects.requireNonNull(recipients, "recipients"));
    }

    /**
     * Sends a text message to every subscriber of {@code topic} (see {@link
     * WebSocket#subscribe(String)}), each subject to its own backpressure policy. The frame is
     * encoded once; each event loop queues it to its own subscribers without locks. A subscription
     * made by the calling thread before this call is honoured, whichever loop it was carried to.
     *
     * @return the number of subscribers the message was queued for: exact for subscribers on the
     *     calling event loop (when called from a listener); for other loops, the number of their
     *     subscribers when the message was handed to them
     */
    public int publish(String topic, String text) {
        Objects.requireNonNull(text, "text");
        return engine.fanout().anySubscriber(topic) ? engine.fanout().publish(topic, engine.fanout().text(text), null) : 0;
    }

    /** Sends a binary message (the buffer's remaining bytes) to every subscriber of {@code topic}. */
    public int publish(String topic, ByteBuffer data) {
        Objects.requireNonNull(data, "data");
        return engine.fanout().anySubscriber(topic) ? engine.fanout().publish(topic, engine.fanout().binary(data), null) : 0;
    }

    /** Sends a prepared message to every subscriber of {@code topic}; no encoding per call. */
    public int publish(String topic, PreparedMessage message) {
        return publish(topic, message, null);
    }

    /**
     * Sends a prepared message to every subscriber of {@code topic} except {@code sender} (a chat
     * message that its author already shows), otherwise like {@link #publish(String, String)}.
     *
     * @param sender a connection of this server to leave out; null leaves out none
     * @throws IllegalArgumentException if {@code sender} is not a connection of this server
     */
    public int publish(String topic, PreparedMessage message, WebSocket sender) {
        return engine.fanout().publish(Objects.requireNonNull(topic, "topic"), shared(message), sender);
    }

    private static SharedMessage shared(PreparedMessage message) {
        return Objects.requireNonNull(message, "message").shared();
    }

    /**
     * The number of connections subscribed to {@code topic} now. Subscriptions made from another
     * thread than the connection's event loop take effect on that loop shortly after the call.
     */
    public int subscriberCount(String topic) {
        return engine.fanout().subscriberCount(topic);
    }

    /** A snapshot of the server's counters. */
    public ServerMetrics metrics() {
        return new ServerMetrics(engine.metrics());
    }

    /**
     * Configures a {@link WebSocketServer}; every option has a documented default. The options of
     * who serves what (listener, routes, handlers, subprotocols, topics, broker) and of limits and
     * timers are declared in package-private parts of this class, one concern per file; they are all
     * this builder's methods.
     */
    public static final class Builder extends ServerLimits {
        private String host = "0.0.0.0";
        private InetSocketAddress address;
        private int port = 0;
        private Executor executor;
        private int loops = 1;
        private int backlog = 1024;
        private boolean tcpNoDelay = true;
        private Consumer<Throwable> failureHandler;
        private Compression compression = Compression.shared();
        private Tls tls;
        private int plainPort = -1;
        private boolean proxyProtocol;
        private TrustedProxies trustedProxies = TrustedProxies.NONE;

        private Builder() {
        }

        /**
         * The interface to bind, a name or a numeric address; default {@code 0.0.0.0} (all IPv4
         * interfaces). {@code "::"}, the IPv6 wildcard, accepts IPv6 and IPv4 clients alike (a
         * dual-stack socket, where the operating system allows it, as Linux does by default), and
         * {@code "::1"} or {@code "127.0.0.1"} loopback only.
         */
        public Builder host(String host) {
            this.host = Objects.requireNonNull(host, "host");
            this.address = null;
            return this;
        }

        /**
         * The address and port to bind, instead of {@link #host} and {@link #port} (an unresolved
         * address is resolved at {@link WebSocketServer#start()}).
         */
        public Builder address(InetSocketAddress address) {
            this.address = Objects.requireNonNull(address, "address");
            return this;
        }

        /** The port; default 0, which picks a free port ({@link WebSocketServer#port()} tells which). */
        public Builder port(int port) {
            if (port < 0 || port > 65535) {
                throw new IllegalArgumentException("port must be 0-65535: " + port);
            }
            this.port = port;
            this.address = null;
            return this;
        }

        /**
         * Run listener calls on this executor instead of the event loop, keeping each connection's
         * calls ordered and one at a time. A connection's calls waiting for the executor are bounded
         * (see {@link #waterMarks}): while they hold more than the high-water mark the connection is
         * not read, so at most the high-water mark plus one read (64 KiB) and one message of {@code
         * maxMessageSize} wait per connection; its pings and close are then answered once reading
         * resumes, and the idle timeout does not count the pause. If the executor rejects a task the
         * connection is closed with 1011, and its {@code onClose} (and any {@code onError}) then run on
         * the event loop. Default: on the event loop.
         * <p>On JDK 21+ {@code Executors.newVirtualThreadPerTaskExecutor()} works as it is: a
         * connection's calls still run one at a time and in order (it has at most one task on the
         * executor at a time), so a listener may block without holding a loop or a platform thread.
         */
        public Builder executor(Executor executor) {
            this.executor = Objects.requireNonNull(executor, "executor");
            return this;
        }

        /** Number of event-loop threads; connections are spread round-robin. Default 1. */
        public Builder loops(int loops) {
            this.loops = positive(loops, "loops");
            return this;
        }

        /** Listen backlog. Default 1024. */
        public Builder backlog(int backlog) {
            this.backlog = positive(backlog, "backlog");
            return this;
        }

        /** TCP_NODELAY on accepted sockets. Default true. */
        public Builder tcpNoDelay(boolean on) {
            this.tcpNoDelay = on;
            return this;
        }

        /**
         * Called once, on a thread of its own, after the server stopped itself because of a fatal
         * failure: an event loop died (the JVM ran out of memory, or a bug in Selkie), or a listener
         * call on the {@link #executor executor} ran out of memory. The server does not limp on with
         * fewer loops: it logs the failure at error, stops accepting, closes every connection it still
         * can (1011) and ends its threads, then calls this; {@link #awaitTermination} returns and
         * {@link WebSocketServer#failure()} tells the cause. A failing connection (a protocol error, an
         * I/O error, an exception in a listener) is never fatal. Default: none (the log line only). A
         * process that cannot go on without the server should exit here, and run with
         * {@code -XX:+ExitOnOutOfMemoryError}.
         */
        public Builder failureHandler(Consumer<? super Throwable> handler) {
            Objects.requireNonNull(handler, "handler");
            this.failureHandler = handler::accept;
            return this;
        }

        /**
         * Whether and how to accept permessage-deflate (RFC 7692) when a client offers it. Default
         * {@link Compression#shared()}: no zlib state per connection, broadcasts compressed once;
         * {@link Compression#off()} declines every offer.
         */
        public Builder compression(Compression compression) {
            this.compression = Objects.requireNonNull(compression, "compression");
            return this;
        }

        /**
         * Speak TLS ({@code wss://}, and {@code https://} for plain HTTP requests) on {@link #port}.
         * Default: none. See {@link Tls} for building one from PEM files or a PKCS#12 keystore, and
         * {@link WebSocketServer#replaceTls} for a renewed certificate. A handshake timeout covers
         * the TLS handshake too.
         */
        public Builder tls(Tls tls) {
            this.tls = Objects.requireNonNull(tls, "tls");
            return this;
        }

        /**
         * Also accept plain {@code ws://} on this port (0: any free one), beside TLS on {@link
         * #port}; both share connections, topics, limits and metrics. Needs {@link #tls}.
         */
        public Builder plainPort(int port) {
            if (port < 0 || port > 65535) {
                throw new IllegalArgumentException("port out of range: " + port);
            }
            this.plainPort = port;
            return this;
        }

        /**
         * Expect a PROXY protocol header (v1 or v2, HAProxy's specification) at the start of every
         * connection, on every port, from one of the {@link #trustedProxies}; the client address it
         * declares is what {@link WebSocket#remoteAddress()} returns. A connection without a valid
         * header, or from an untrusted address, is closed. Default: off (and never guessed).
         */
        public Builder proxyProtocol(boolean expected) {
            this.proxyProtocol = expected;
            return this;
        }

        /**
         * The proxies (CIDR blocks such as {@code 10.0.0.0/8}, {@code fd00::/8}, or single
         * addresses) trusted to name the client: by a PROXY header ({@link #proxyProtocol}), and by
         * {@code Forwarded} (RFC 7239) or {@code X-Forwarded-For} headers, which are walked right
         * to left past trusted hops to the first untrusted one. Default: none, so those headers are
         * ignored.
         *
         * @throws IllegalArgumentException if a block is not a numeric address or CIDR block
         */
        public Builder trustedProxies(String... cidrs) {
            this.trustedProxies = TrustedProxies.of(java.util.Arrays.asList(cidrs));
            return this;
        }

        /** Builds the server (not started). */
        public WebSocketServer build() {
            if (listener == null && routes.isEmpty()) {
                throw new IllegalStateException("a listener or a route is required");
            }
            Routes resolved = routes();
            long limit = sendQueueLimit > 0 ? sendQueueLimit
                    : Math.max(4L << 20, 2L * resolved.largestMessageSize() + 1024);
            if (highWaterMark > limit) {
                throw new IllegalStateException("high-water mark above sendQueueLimit");
            }
            ServerConfig config = new ServerConfig(address != null ? address : new InetSocketAddress(host, port), listener, interceptor,
                    httpHandler, subprotocols, maxMessageSize, maxHandshakeSize, maxHttpBodySize, maxConnections,
                    outgoingFragmentSize, highWaterMark, lowWaterMark, limit, slowConsumerPolicy,
                    handshakeTimeout, idleTimeout, closeTimeout, pingInterval, pongTimeout, executor, loops,
                    backlog, tcpNoDelay, failureHandler, extensions(),
                    new NetworkConfig(tls, plainPort, proxyProtocol, trustedProxies), topicListener, resolved, broker);
            return new WebSocketServer(config);
        }

        /** Every endpoint with the server's settings where it has none of its own. */
        private Routes routes() {
            List<Routes.Route> resolved = new ArrayList<>();
            routes.forEach((path, endpoint) -> resolved.add(new Routes.Route(path, endpoint.listener(),
                    endpoint.interceptor() != null ? endpoint.interceptor() : interceptor,
                    endpoint.subprotocols() != null ? endpoint.subprotocols() : subprotocols,
                    endpoint.maxMessageSize() > 0 ? endpoint.maxMessageSize() : maxMessageSize)));
            Routes.Route fallback = listener == null ? null
                    : new Routes.Route("/*", listener, interceptor, subprotocols, maxMessageSize);
            return Routes.of(resolved, fallback);
        }

        private List<ExtensionNegotiator> extensions() {
            if (!compression.enabled()) {
                return List.of();
            }
            return List.of(new PerMessageDeflateNegotiator(compression.level(), compression.threshold(),
                    compression.maxTakeoverConnections(), loops + 2));
        }
    }
}
