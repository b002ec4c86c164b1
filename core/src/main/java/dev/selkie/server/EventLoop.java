package dev.selkie.server;

import dev.selkie.protocol.HandshakeScratch;
import java.io.Closeable;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.util.Arrays;
import java.util.PriorityQueue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One event-loop thread: a {@link Selector}, the connections registered with it, a task queue for
 * other threads, a deadline queue for timers and a ring of handshake deadlines, one read buffer
 * shared by all its connections, spare write chunks, queues and handshake stages, its topic
 * subscriptions and its counters. Loop 0 also owns the listening socket and hands accepted
 * connections round-robin to every loop (pausing for a moment when {@code accept()} fails).
 *
 * <p>One turn: select (until the next deadline, or not at all when work is pending) → handle ready
 * keys (reads feed the protocol, which may queue frames) → run tasks from other threads → fire due
 * timers → flush every connection that has something queued, once, with gathering writes.
 */
final class EventLoop implements Runnable {
    private static final Logger log = LoggerFactory.getLogger(EventLoop.class);
    private static final int READ_BUFFER_SIZE = 64 << 10;
    private static final int MAX_ACCEPTS_PER_TURN = 256;
    /**
     * How long the loop stops accepting after {@code accept()} failed (typically: out of file
     * descriptors). The listening socket stays readable meanwhile, so without a pause the loop would
     * spin on it, logging a failure per turn.
     */
    private static final long ACCEPT_PAUSE_NANOS = TimeUnit.MILLISECONDS.toNanos(100);
    /** Accept failures are logged at WARN at most this often; in between at DEBUG. */
    private static final long ACCEPT_WARN_INTERVAL_NANOS = TimeUnit.SECONDS.toNanos(10);
    private static final int MAX_TASKS_PER_TURN = 16_384;
    /** Spare outbound queues kept per loop (each 80 bytes while its ring is small). */
    private static final int MAX_SPARE_QUEUES = 256;
    /** Spare handshake stages kept per loop (one is enough unless handshakes overlap). */
    private static final int MAX_SPARE_STAGES = 64;

    private final ServerEngine engine;
    private final ServerConfig config;
    private final int id;
    private final Selector selector;
    private final Thread thread;
    private final ConcurrentLinkedQueue<Runnable> tasks = new ConcurrentLinkedQueue<>();
    /** True while the loop is awake (or a wake-up is already on its way): no selector.wakeup() needed. */
    private final AtomicBoolean awake = new AtomicBoolean(true);
    private final PriorityQueue<Timer> timers = new PriorityQueue<>();
    /** Connections in their opening handshake, oldest first, with their deadlines. */
    private final HandshakeDeadlines handshakes = new HandshakeDeadlines();
    /** The selector's callback, made once (a method reference per select would be garbage). */
    private final Consumer<SelectionKey> onKey = this::onKey;
    private final ByteBuffer readBuffer = ByteBuffer.allocate(READ_BUFFER_SIZE);
    /** SHA-1 and scratch arrays for the 101 answers of this loop's handshakes (loop thread only). */
    private final HandshakeScratch handshakeScratch = new HandshakeScratch();
    /** Empty outbound queues for reuse, so that a connection holds one only while it has bytes to write. */
    private final OutboundQueue[] spareQueues = new OutboundQueue[MAX_SPARE_QUEUES];
    private int spareQueueCount;
    /** Handshake stages (with their request parsers) of connections that opened, for the next ones. */
    private final HandshakeStage[] spareStages = new HandshakeStage[MAX_SPARE_STAGES];
    private int spareStageCount;
    /** Write chunks that small frames sent on this loop are encoded into. */
    private final ChunkPool chunks = new ChunkPool();
    private final LoopMetrics metrics = new LoopMetrics();
    private final TopicRegistry topics = new TopicRegistry();
    private Connection[] connections = new Connection[64];
    private int connectionCount;
    private Connection[] dirty = new Connection[64];
    private int dirtyCount;
    private ServerSocketChannel server;
    private SelectionKey serverKey;
    /** Accepting is paused after a failure until {@link #acceptResumeAt}. */
    private boolean acceptPaused;
    private long acceptResumeAt;
    private boolean acceptWarned;
    private long lastAcceptWarnAt;
    private long acceptFailuresSinceWarn;
    private long now = System.nanoTime();
    private boolean stopping;
    private long stopDeadline;
    private volatile boolean terminated;
    /** Counted down when this loop no longer accepts (after stop, or if it never did). */
    private final CountDownLatch acceptorClosed = new CountDownLatch(1);

    EventLoop(ServerEngine engine, int id) throws IOException {
        this.engine = engine;
        this.config = engine.config();
        this.id = id;
        this.selector = Selector.open();
        this.thread = new Thread(this, "selkie-loop-" + id);
        this.thread.setDaemon(false);
    }

    ServerEngine engine() {
        return engine;
    }

    ServerConfig config() {
        return config;
    }

    LoopMetrics metrics() {
        return metrics;
    }

    TopicRegistry topics() {
        return topics;
    }

    ByteBuffer readBuffer() {
        return readBuffer;
    }

    /** An empty outbound queue, reused if one is spare; loop thread only. */
    OutboundQueue takeQueue() {
        if (spareQueueCount == 0) {
            return new OutboundQueue(chunks);
        }
        OutboundQueue queue = spareQueues[--spareQueueCount];
        spareQueues[spareQueueCount] = null;
        return queue;
    }

    /** Takes back a queue that is empty and no longer referenced by its connection; loop thread only. */
    void recycle(OutboundQueue queue) {
        if (spareQueueCount < spareQueues.length) {
            spareQueues[spareQueueCount++] = queue;
        }
    }

    /** A handshake stage for a new connection: a spare one reset, or a new one; loop thread only. */
    HandshakeStage takeStage(Connection connection) {
        HandshakeStage stage;
        if (spareStageCount == 0) {
            stage = new HandshakeStage(config);
        } else {
            stage = spareStages[--spareStageCount];
            spareStages[spareStageCount] = null;
        }
        stage.reset(connection);
        return stage;
    }

    /**
     * Takes back the stage of a connection that has just opened, to run a later handshake. Loop
     * thread only; the stage must be unreachable for its connection and any pending callback.
     */
    void recycle(HandshakeStage stage) {
        if (spareStageCount < spareStages.length) {
            stage.reset(null);
            spareStages[spareStageCount++] = stage;
        }
    }

    /** The loop's handshake scratch; use it on the loop thread only. */
    HandshakeScratch handshakeScratch() {
        return handshakeScratch;
    }

    /** The loop's clock, taken after each select. */
    long now() {
        return now;
    }

    /** Whether the server is stopping; loop thread. */
    boolean stopping() {
        return stopping;
    }

    Thread thread() {
        return thread;
    }

    boolean inLoop() {
        return Thread.currentThread() == thread;
    }

    /** Before start: this loop accepts on {@code channel}. */
    void acceptOn(ServerSocketChannel channel) throws IOException {
        server = channel;
        serverKey = channel.register(selector, SelectionKey.OP_ACCEPT);
    }

    void start() {
        thread.start();
    }

    /**
     * Runs {@code task} on the loop thread; any thread. Wakes the selector only if the loop may be
     * blocked in select and no wake-up is on its way already.
     */
    void execute(Runnable task) {
        if (terminated) {
            return;
        }
        tasks.add(task);
        if (!inLoop() && !awake.get() && awake.compareAndSet(false, true)) {
            selector.wakeup();
        }
    }

    /** Adds a deadline {@code delayNanos} from now; loop thread. */
    Timer schedule(Connection connection, TimerKind kind, long delayNanos) {
        Timer timer = new Timer(System.nanoTime() + delayNanos, connection, kind);
        timers.add(timer);
        return timer;
    }

    /** The connection has something to write; it is flushed at the end of this turn. Loop thread. */
    void markDirty(Connection connection) {
        if (dirtyCount == dirty.length) {
            dirty = Arrays.copyOf(dirty, dirtyCount * 2);
        }
        dirty[dirtyCount++] = connection;
    }

    /**
     * Any thread: begins the graceful stop with the given deadline: open connections get a close
     * frame with {@code code} and {@code reason}.
     */
    void stop(long deadlineNanos, int code, String reason) {
        if (terminated) {
            return;
        }
        execute(() -> beginStop(deadlineNanos, code, reason));
        if (!thread.isAlive() && !terminated) {
            // never started (start failed half-way): release the selector here
            shutdown();
        }
    }

    void join(long millis) throws InterruptedException {
        thread.join(millis);
    }

    /**
     * Turns until stopped. If a turn throws (a bug of ours, or the JVM out of memory: a connection's
     * own failures are handled inside the turn), the loop closes its connections first, which also
     * lets go of what they hold, and then reports the failure to the engine, which stops the server.
     */
    @Override
    public void run() {
        log.debug("{} started", thread.getName());
        Throwable failure = null;
        try {
            while (turn()) {
                // one call per turn: under load the JIT compiles turn() by its call count within
                // the first second instead of waiting to replace this long-running frame
            }
        } catch (Throwable e) {
            failure = e;
        }
        try {
            shutdown();
        } catch (Throwable e) {
            if (failure == null) {
                failure = e;
            }
        }
        if (failure != null) {
            engine.failed(thread.getName(), failure);
        }
    }

    /** One turn: select, handle ready keys, run tasks and due timers, flush. False when the loop ends. */
    private boolean turn() throws IOException {
        long timeout = selectTimeoutMillis();
        awake.set(false);
        if (!tasks.isEmpty() || dirtyCount > 0 || timeout == 0) {
            selector.selectNow(onKey);
        } else if (timeout < 0) {
            selector.select(onKey);
        } else {
            selector.select(onKey, timeout);
        }
        awake.set(true);
        now = System.nanoTime();
        runTasks();
        runTimers();
        if (acceptPaused && now - acceptResumeAt >= 0) {
            resumeAccepting();
        }
        flushDirty();
        return !(stopping && (connectionCount == 0 || now - stopDeadline >= 0));
    }

    private long selectTimeoutMillis() {
        Timer next;
        while ((next = timers.peek()) != null && next.cancelled()) {
            timers.poll();
        }
        boolean handshaking = handshakes.first() != null;
        if (next == null && !handshaking && !stopping && !acceptPaused) {
            return -1;
        }
        long deadline = stopping ? stopDeadline : next != null ? next.deadline
                : handshaking ? handshakes.firstDeadline() : acceptResumeAt;
        if (next != null && next.deadline - deadline < 0) {
            deadline = next.deadline;
        }
        if (handshaking && handshakes.firstDeadline() - deadline < 0) {
            deadline = handshakes.firstDeadline();
        }
        if (acceptPaused && acceptResumeAt - deadline < 0) {
            deadline = acceptResumeAt;
        }
        long nanos = deadline - System.nanoTime();
        if (nanos <= 0) {
            return 0;
        }
        return Math.max(1, TimeUnit.NANOSECONDS.toMillis(nanos + 999_999));
    }

    private void onKey(SelectionKey key) {
        Object attachment = key.attachment();
        if (attachment instanceof Connection connection) {
            try {
                int ready = key.readyOps();
                if ((ready & SelectionKey.OP_READ) != 0) {
                    connection.onReadable();
                }
                if ((ready & SelectionKey.OP_WRITE) != 0 && key.isValid()) {
                    connection.onWritable();
                }
            } catch (RuntimeException e) {
                connection.fail(e);
            }
        } else if (key == serverKey && key.isValid()) {
            acceptReady();
        }
    }

    private void acceptReady() {
        for (int i = 0; i < MAX_ACCEPTS_PER_TURN; i++) {
            SocketChannel channel;
            try {
                channel = server.accept();
            } catch (IOException e) {
                pauseAccepting(e);
                return;
            }
            if (channel == null) {
                return;
            }
            engine.nextLoop().adopt(channel);
        }
    }

    /**
     * {@code accept()} failed: stop accepting for {@link #ACCEPT_PAUSE_NANOS}, so the readable
     * listening socket does not make the loop spin (pending connections wait in the backlog), and
     * log it without flooding the log while the cause lasts.
     */
    private void pauseAccepting(IOException e) {
        long at = System.nanoTime();
        if (!acceptWarned || at - lastAcceptWarnAt >= ACCEPT_WARN_INTERVAL_NANOS) {
            log.warn("accept failed: {}; accepting pauses {} ms after each failure ({} more failures since the "
                    + "last warning, at most one warning per {} s)", e.toString(),
                    TimeUnit.NANOSECONDS.toMillis(ACCEPT_PAUSE_NANOS), acceptFailuresSinceWarn,
                    TimeUnit.NANOSECONDS.toSeconds(ACCEPT_WARN_INTERVAL_NANOS));
            acceptWarned = true;
            lastAcceptWarnAt = at;
            acceptFailuresSinceWarn = 0;
        } else {
            acceptFailuresSinceWarn++;
            log.debug("accept failed: {}", e.toString());
        }
        acceptPaused = true;
        acceptResumeAt = at + ACCEPT_PAUSE_NANOS;
        if (serverKey.isValid()) {
            serverKey.interestOps(0);
        }
    }

    private void resumeAccepting() {
        acceptPaused = false;
        if (serverKey != null && serverKey.isValid() && !stopping) {
            serverKey.interestOps(SelectionKey.OP_ACCEPT);
        }
    }

    /** Takes over an accepted socket; any thread. */
    void adopt(SocketChannel channel) {
        if (inLoop()) {
            register(channel);
        } else {
            execute(() -> register(channel));
        }
    }

    private void register(SocketChannel channel) {
        if (stopping) {
            closeQuietly(channel);
            return;
        }
        try {
            channel.configureBlocking(false);
            if (config.tcpNoDelay()) {
                channel.setOption(StandardSocketOptions.TCP_NODELAY, true);
            }
            Connection connection = new Connection(this, channel, (InetSocketAddress) channel.getRemoteAddress());
            connection.register(selector);
            if (connectionCount == connections.length) {
                connections = Arrays.copyOf(connections, connectionCount * 2);
            }
            connection.index = connectionCount;
            connections[connectionCount++] = connection;
            engine.connectionAdded();
        } catch (IOException e) {
            log.debug("could not register an accepted connection: {}", e.toString());
            closeQuietly(channel);
        }
    }

    /** The connection's socket was closed; loop thread. */
    void remove(Connection connection) {
        int i = connection.index;
        if (i < 0) {
            return;
        }
        Connection last = connections[--connectionCount];
        connections[i] = last;
        last.index = i;
        connections[connectionCount] = null;
        connection.index = -1;
        engine.connectionRemoved();
    }

    /** Queues the shared frame to every open connection of this loop; any thread. */
    void broadcast(ByteBuffer frame) {
        if (inLoop()) {
            broadcastHere(frame);
        } else {
            execute(() -> broadcastHere(frame));
        }
    }

    private void broadcastHere(ByteBuffer frame) {
        for (int i = 0; i < connectionCount; i++) {
            Connection connection = connections[i];
            if (connection.state() == ConnectionState.OPEN) {
                connection.offerShared(frame);
            }
        }
    }

    private void runTasks() {
        for (int i = 0; i < MAX_TASKS_PER_TURN; i++) {
            Runnable task = tasks.poll();
            if (task == null) {
                return;
            }
            try {
                task.run();
            } catch (RuntimeException e) {
                log.error("task failed on {}", thread.getName(), e);
            }
        }
    }

    /** A connection has started its opening handshake, to finish by {@code deadline}; loop thread. */
    void handshakeStarted(Connection connection, long deadline) {
        handshakes.add(connection, deadline);
    }

    private void runTimers() {
        Connection handshaking;
        while ((handshaking = handshakes.first()) != null && now - handshakes.firstDeadline() >= 0) {
            handshakes.removeFirst();
            try {
                handshaking.handshakeTimedOut();
            } catch (RuntimeException e) {
                handshaking.fail(e);
            }
        }
        Timer timer;
        while ((timer = timers.peek()) != null && now - timer.deadline >= 0) {
            timers.poll();
            if (!timer.cancelled()) {
                try {
                    timer.connection.onTimer(timer);
                } catch (RuntimeException e) {
                    timer.connection.fail(e);
                }
            }
        }
    }

    private void flushDirty() {
        // flushing may mark further connections dirty (onDrain listeners sending): they are flushed too
        for (int i = 0; i < dirtyCount; i++) {
            Connection connection = dirty[i];
            dirty[i] = null;
            try {
                connection.flush();
            } catch (RuntimeException e) {
                connection.fail(e);
            }
        }
        dirtyCount = 0;
    }

    private void beginStop(long deadlineNanos, int code, String reason) {
        if (stopping) {
            return;
        }
        stopping = true;
        stopDeadline = deadlineNanos;
        closeServer();
        for (int i = connectionCount - 1; i >= 0; i--) {
            if (i < connectionCount) {
                connections[i].shutdown(code, reason);
            }
        }
    }

    private void closeServer() {
        if (server != null) {
            serverKey.cancel();
            closeQuietly(server);
            server = null;
        }
        acceptorClosed.countDown();
    }

    /** Waits until this loop stopped accepting (after {@link #stop}); any thread. */
    boolean awaitAcceptorClosed(long millis) throws InterruptedException {
        return acceptorClosed.await(millis, TimeUnit.MILLISECONDS);
    }

    private void shutdown() {
        terminated = true;
        for (int i = connectionCount - 1; i >= 0; i--) {
            if (i < connectionCount) {
                Connection connection = connections[i];
                try {
                    connection.forceClose();
                } catch (Throwable e) {
                    // one failing close (a listener's onClose, say) does not keep the others open
                    if (Fatal.isFatal(e)) {
                        connection.closeNow();
                    } else {
                        log.error("closing {} failed", connection, e);
                    }
                }
            }
        }
        closeServer();
        stopping = true; // late tasks: registrations close their sockets, the rest find nothing open
        runTasks();
        tasks.clear();
        timers.clear();
        handshakes.clear();
        try {
            selector.close();
        } catch (IOException e) {
            log.warn("closing the selector of {} failed", thread.getName(), e);
        }
        log.debug("{} stopped", thread.getName());
    }

    private static void closeQuietly(Closeable closeable) {
        try {
            closeable.close();
        } catch (IOException e) {
            log.debug("close failed: {}", e.toString());
        }
    }

    @Override
    public String toString() {
        return "EventLoop[" + id + "]";
    }
}
