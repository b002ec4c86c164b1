package dev.selkie.server;

import dev.selkie.CloseCodes;
import dev.selkie.protocol.CloseStatus;
import dev.selkie.protocol.ExtensionNegotiator;
import dev.selkie.protocol.FrameEncoder;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.channels.ServerSocketChannel;
import java.time.Duration;
import java.util.Objects;
import java.util.function.Consumer;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The running server behind {@code WebSocketServer}: the listening socket, the event loops (loop 0
 * also accepts and deals connections round-robin), broadcast and topic fan-out, and metrics.
 */
public final class ServerEngine {
    private static final Logger log = LoggerFactory.getLogger(ServerEngine.class);
    /** Extra time given to loops to finish after the stop deadline before stop() gives up waiting. */
    private static final long JOIN_GRACE_MILLIS = 10_000;
    /** How long the other loops get for their closing handshakes when one loop failed. */
    private static final Duration FAILURE_STOP_TIMEOUT = Duration.ofSeconds(2);
    private static final String GOING_AWAY_REASON = "server shutting down";
    private static final String FAILURE_REASON = "server failure";

    private enum Lifecycle { NEW, RUNNING, STOPPED }

    private final ServerConfig config;
    /** Sockets registered with a loop and not yet closed (WebSocket, HTTP and handshaking). */
    private final AtomicInteger connections = new AtomicInteger();
    private Lifecycle lifecycle = Lifecycle.NEW;
    /** Counted down when {@link #stop} has finished (also after a failure). */
    private final CountDownLatch terminated = new CountDownLatch(1);
    /** The first fatal failure (an event loop that died), or null. */
    private final AtomicReference<Throwable> failure = new AtomicReference<>();
    private final AtomicLong failures = new AtomicLong();
    private volatile EventLoop[] loops = new EventLoop[0];
    private volatile InetSocketAddress boundAddress;
    private volatile InetSocketAddress plainAddress;
    /** The server's TLS, or null without. */
    private volatile TlsSetup tls;
    /** Round-robin position; used only by the accepting loop's thread. */
    private int nextLoop;
    /** The loop that serves the listening socket. */
    private volatile EventLoop acceptingLoop;
    /** Counted down when the listening socket is closed (after stop, or if the loop ended). */
    private final CountDownLatch acceptorClosed = new CountDownLatch(1);

    private final ServerTopics topics;
    private final Fanout fanout;

    /** An engine for this configuration; nothing is bound until {@link #start()}. */
    public ServerEngine(ServerConfig config) {
        this.config = Objects.requireNonNull(config, "config");
        this.topics = new ServerTopics(config.topicListener(), config.broker());
        this.fanout = new Fanout(this);
    }

    ServerTopics topics() {
        return topics;
    }

    /** The configuration. */
    public ServerConfig config() {
        return config;
    }

    /**
     * Binds, opens the selectors and starts the loop threads; the socket accepts when this returns.
     *
     * @throws IllegalStateException if already started or stopped
     */
    public synchronized void start() throws IOException {
        if (lifecycle != Lifecycle.NEW) {
            throw new IllegalStateException("server already " + (lifecycle == Lifecycle.RUNNING ? "started" : "stopped"));
        }
        InetSocketAddress address = config.address();
        if (address.isUnresolved()) { // e.g. InetSocketAddress.createUnresolved: resolve now
            address = new InetSocketAddress(address.getHostString(), address.getPort());
        }
        if (address.isUnresolved()) {
            throw new IOException("cannot resolve the host name " + address.getHostString());
        }
        NetworkConfig network = config.network();
        if (network.tls() != null) {
            TlsSetup.check(network.tls()); // a context that cannot serve fails here, saying why
            tls = new TlsSetup(network.tls(), Math.max(1, Math.min(config.loops(), 4)));
        }
        ServerSocketChannel channel = null;
        ServerSocketChannel plain = null;
        EventLoop[] created = new EventLoop[config.loops()];
        try {
            channel = listen(address);
            for (int i = 0; i < created.length; i++) {
                created[i] = new EventLoop(this, i);
            }
            acceptingLoop = created[0];
            created[0].serve(new Acceptor(this, channel,
                    new TransportStack(network.proxyProtocol(), network.trustedProxies(), tls), Clock.SYSTEM));
            if (network.plainPort() >= 0) {
                plain = listen(new InetSocketAddress(address.getAddress(), network.plainPort()));
                created[0].serve(new Acceptor(this, plain,
                        new TransportStack(network.proxyProtocol(), network.trustedProxies(), null), Clock.SYSTEM));
                plainAddress = (InetSocketAddress) plain.getLocalAddress();
            }
        } catch (IOException | RuntimeException e) {
            for (ServerSocketChannel listening : new ServerSocketChannel[] {channel, plain}) {
                try {
                    if (listening != null) {
                        listening.close();
                    }
                } catch (IOException suppressed) {
                    e.addSuppressed(suppressed);
                }
            }
            if (tls != null) {
                tls.close();
            }
            for (EventLoop loop : created) {
                if (loop != null) {
                    loop.stop(System.nanoTime(), CloseCodes.GOING_AWAY, GOING_AWAY_REASON);
                }
            }
            throw e;
        }
        boundAddress = (InetSocketAddress) channel.getLocalAddress();
        loops = created;
        lifecycle = Lifecycle.RUNNING; // before the loops run: one that fails at once must find a running server to stop
        for (EventLoop loop : created) {
            loop.start();
        }
        if (config.broker() != null) {
            try {
                config.broker().start(fanout::deliverFromBroker);
            } catch (RuntimeException e) {
                stop(Duration.ZERO);
                throw new IllegalStateException("the broker did not start: " + e.getMessage(), e);
            }
        }
        log.debug("listening on {}{} with {} event loop(s)", boundAddress, tls != null ? " (TLS)" : "", created.length);
    }

    private ServerSocketChannel listen(InetSocketAddress address) throws IOException {
        ServerSocketChannel listening = ServerSocketChannel.open();
        try {
            listening.setOption(StandardSocketOptions.SO_REUSEADDR, true);
            listening.bind(address, config.backlog());
            listening.configureBlocking(false);
            return listening;
        } catch (IOException e) {
            listening.close();
            throw e;
        }
    }

    /**
     * Connections accepted from now on use {@code next} (those open keep theirs), after the same
     * check as at start.
     *
     * @throws IllegalStateException if the server has no TLS
     * @throws IllegalArgumentException if {@code next} cannot serve (see {@link TlsSetup#check})
     */
    public void replaceTls(dev.selkie.Tls next) {
        TlsSetup setup = tls;
        if (setup == null) {
            throw new IllegalStateException("this server was built without TLS");
        }
        setup.replace(Objects.requireNonNull(next, "tls"));
        log.info("TLS replaced: {}", next);
    }

    /** The additional plain port beside the TLS one, or -1 if there is none (or before start). */
    public int plainPort() {
        InetSocketAddress address = plainAddress;
        return address == null ? -1 : address.getPort();
    }

    /**
     * Stops gracefully: no more accepts, close 1001 to every open connection, wait up to {@code
     * timeout} for the closing handshakes, then close the rest, the selectors and the threads.
     * Idempotent; returns when the loop threads have ended.
     */
    public void stop(Duration timeout) {
        stopWith(timeout, CloseCodes.GOING_AWAY, GOING_AWAY_REASON);
    }

    /**
     * Stops like {@link #stop(Duration)}, closing open connections with {@code code} and {@code reason}.
     *
     * @throws IllegalArgumentException if the code may not be sent or the reason is too long
     */
    public void stop(Duration timeout, int code, String reason) {
        if (!CloseStatus.isValidOnWire(code)) {
            throw new IllegalArgumentException("close code " + code + " may not be sent");
        }
        FrameEncoder.checkClose(code, reason);
        stopWith(timeout, code, reason);
    }

    private synchronized void stopWith(Duration timeout, int code, String reason) {
        Objects.requireNonNull(timeout, "timeout");
        if (lifecycle != Lifecycle.RUNNING) {
            lifecycle = Lifecycle.STOPPED;
            terminated.countDown();
            return;
        }
        lifecycle = Lifecycle.STOPPED;
        long nanos = timeout.compareTo(Duration.ofDays(1)) > 0 ? TimeUnit.DAYS.toNanos(1) : timeout.toNanos();
        long deadline = System.nanoTime() + Math.max(0, nanos);
        EventLoop[] all = loops;
        boolean interrupted = false;
        try {
            // the acceptor first, so no accepted socket is handed to a loop that already ended
            all[0].stop(deadline, code, reason);
            if (!all[0].inLoop() && !acceptorClosed.await(TimeUnit.NANOSECONDS.toMillis(nanos) + JOIN_GRACE_MILLIS,
                    TimeUnit.MILLISECONDS)) {
                log.warn("acceptor did not stop in time");
            }
            for (int i = 1; i < all.length; i++) {
                all[i].stop(deadline, code, reason);
            }
            long joinMillis = TimeUnit.NANOSECONDS.toMillis(nanos) + JOIN_GRACE_MILLIS;
            for (EventLoop loop : all) {
                if (loop.inLoop()) {
                    continue; // stop() called by a listener on this loop: it ends when the call returns
                }
                loop.join(joinMillis);
                if (loop.thread().isAlive()) {
                    log.warn("{} did not stop within {} ms", loop.thread().getName(), joinMillis);
                }
            }
        } catch (InterruptedException e) {
            interrupted = true;
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
        for (ExtensionNegotiator negotiator : config.extensions()) {
            negotiator.close(); // the loops are done: no connection borrows their contexts any more
        }
        if (tls != null) {
            tls.close(); // its task threads
        }
        if (config.broker() != null) {
            try {
                config.broker().stop();
            } catch (RuntimeException e) {
                log.warn("the broker failed to stop", e);
            }
        }
        log.debug("stopped {}", boundAddress);
        terminated.countDown();
    }

    /**
     * Waits until {@link #stop} has finished, whoever called it (the server stops itself after a
     * failure).
     *
     * @return false if the time ran out first
     */
    public boolean awaitTermination(Duration timeout) throws InterruptedException {
        return terminated.await(timeout.toNanos(), TimeUnit.NANOSECONDS);
    }

    /** The failure that stopped the server, or null. */
    public Throwable failure() {
        return failure.get();
    }

    /**
     * Something the server cannot serve on has happened on thread {@code where}: an event loop
     * died (a bug, or the JVM ran out of memory), or a listener call on an executor thread ran
     * out of memory. Logs it, stops the whole server (close 1011 to the connections the other loops
     * still have) on a thread of its own, then tells the configured failure handler. Only the first
     * failure does this; every one is counted. Any thread.
     */
    void failed(String where, Throwable error) {
        failures.incrementAndGet();
        if (!failure.compareAndSet(null, error)) {
            return;
        }
        try {
            log.error("{} failed; the server stops", where, error);
        } catch (Throwable ignored) {
            // out of memory even for the log line: stopping matters more
        }
        Runnable stopAll = () -> {
            try {
                stopWith(FAILURE_STOP_TIMEOUT, CloseCodes.INTERNAL_ERROR, FAILURE_REASON);
            } finally {
                Consumer<Throwable> handler = config.failureHandler();
                if (handler != null) {
                    try {
                        handler.accept(error);
                    } catch (Throwable e) {
                        log.error("the failure handler failed", e);
                    }
                }
            }
        };
        try {
            Thread stopper = new Thread(stopAll, "selkie-failure");
            stopper.start();
        } catch (Throwable e) {
            stopAll.run(); // no thread to be had: stop from here (stop() does not wait for the calling loop)
        }
    }

    /** The bound port, or the configured one before start. */
    public int port() {
        InetSocketAddress bound = boundAddress;
        return bound != null ? bound.getPort() : config.address().getPort();
    }

    /** The bound address, or the configured one before start. */
    public InetSocketAddress boundAddress() {
        InetSocketAddress bound = boundAddress;
        return bound != null ? bound : config.address();
    }

    /** Broadcast and topic fan-out, across this server's loops and through its broker. */
    public Fanout fanout() {
        return fanout;
    }

    /** The loops (empty before start); any thread. */
    EventLoop[] loops() {
        return loops;
    }

    /** A snapshot of the counters, summed over the loops; any thread. */
    public MetricsSnapshot metrics() {
        return MetricsSnapshot.of(loops, failures.get());
    }

    /** The loop for the next accepted connection; accepting thread only. */
    EventLoop nextLoop() {
        EventLoop[] all = loops;
        EventLoop loop = all[nextLoop];
        nextLoop = nextLoop + 1 == all.length ? 0 : nextLoop + 1;
        return loop;
    }

    /** {@code loop} no longer accepts (it stops or ended); loop thread. */
    void acceptorClosed(EventLoop loop) {
        if (loop == acceptingLoop) {
            acceptorClosed.countDown();
        }
    }

    boolean overCapacity() {
        return connections.get() > config.maxConnections();
    }

    void connectionAdded() {
        connections.incrementAndGet();
    }

    void connectionRemoved() {
        connections.decrementAndGet();
    }
}
