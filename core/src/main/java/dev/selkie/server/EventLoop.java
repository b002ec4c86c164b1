package dev.selkie.server;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One event-loop thread: a {@link Selector}, the connections registered with it, a task queue for
 * other threads, its {@link Deadlines}, what it lends its connections ({@link LoopPools}), its topic
 * subscriptions and its counters. One loop also serves the {@link Acceptor}.
 *
 * <p>One turn: select (until the next deadline, or not at all when work is pending) → handle ready
 * keys (reads feed the protocol, which may queue frames) → run tasks from other threads → run what
 * is due → flush every connection that has something queued, once, with gathering writes.
 *
 * <p>A loop made {@link #detached} has no thread: the thread that made it is its loop thread and runs
 * its work with {@link #runPending()} (the tests' socketless harness).
 */
final class EventLoop implements Runnable, Timer.Owner {
    private static final Logger log = LoggerFactory.getLogger(EventLoop.class);
    private static final int MAX_TASKS_PER_TURN = 16_384;

    private final ServerEngine engine;
    private final ServerConfig config;
    private final int id;
    private final Clock clock;
    private final Selector selector;
    /** Null for a detached loop. */
    private final Thread thread;
    private final Thread owner;
    private final ConcurrentLinkedQueue<Runnable> tasks = new ConcurrentLinkedQueue<>();
    /** Work the loop gave itself for its next turn, after every other ready connection had its go. */
    private final ArrayDeque<Runnable> nextTurn = new ArrayDeque<>();
    /** True while the loop is awake (or a wake-up is already on its way): no selector.wakeup() needed. */
    private final AtomicBoolean awake = new AtomicBoolean(true);
    private final Deadlines deadlines = new Deadlines();
    /** The selector's callback, made once (a method reference per select would be garbage). */
    private final Consumer<SelectionKey> onKey = this::onKey;
    private final LoopPools pools;
    private final LoopMetrics metrics = new LoopMetrics();
    private final TopicRegistry topics;
    private Connection[] connections = new Connection[64];
    private int connectionCount;
    private Connection[] dirty = new Connection[64];
    private int dirtyCount;
    private Acceptor[] acceptors = new Acceptor[0];
    private long now;
    private boolean stopping;
    private boolean stopDeadlinePassed;
    private volatile boolean terminated;

    EventLoop(ServerEngine engine, int id) throws IOException {
        this(engine, id, Clock.SYSTEM, true);
    }

    private EventLoop(ServerEngine engine, int id, Clock clock, boolean threaded) throws IOException {
        this.engine = engine;
        this.config = engine.config();
        this.id = id;
        this.clock = clock;
        this.now = clock.nanoTime();
        this.selector = Selector.open();
        this.pools = new LoopPools(config, this);
        this.topics = new TopicRegistry(engine.topics());
        if (threaded) {
            this.thread = new Thread(this, "selkie-loop-" + id);
            this.thread.setDaemon(false);
            this.owner = thread;
        } else {
            this.thread = null;
            this.owner = Thread.currentThread();
        }
    }

    /** A loop without a thread of its own, on {@code clock}, whose loop thread is the caller's. */
    static EventLoop detached(ServerEngine engine, Clock clock) throws IOException {
        return new EventLoop(engine, 0, clock, false);
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

    Deadlines deadlines() {
        return deadlines;
    }

    /** What the loop lends its connections (buffers, queues, stages). */
    LoopPools pools() {
        return pools;
    }

    /** The loop's clock, read after each select. */
    long now() {
        return now;
    }

    /** The clock as it is now (for deadlines set in the middle of a turn). */
    long clockNow() {
        return clock.nanoTime();
    }

    /** Whether the server is stopping; loop thread. */
    boolean stopping() {
        return stopping;
    }

    Thread thread() {
        return thread;
    }

    boolean inLoop() {
        return Thread.currentThread() == owner;
    }

    /** Before start: this loop serves this listening socket (one of the server's). */
    void serve(Acceptor listening) throws IOException {
        acceptors = Arrays.copyOf(acceptors, acceptors.length + 1);
        acceptors[acceptors.length - 1] = listening;
        listening.register(selector, deadlines);
    }

    private void closeAcceptors() {
        for (Acceptor acceptor : acceptors) {
            acceptor.close();
        }
        engine.acceptorClosed(this);
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

    /**
     * Runs {@code task} in the loop's next turn, after its select: the rest of a connection's work
     * that would otherwise keep the loop from the others. Loop thread.
     */
    void executeNextTurn(Runnable task) {
        nextTurn.add(task);
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
        if (thread != null && !thread.isAlive() && !terminated) {
            shutdown(); // never started (start failed half-way): release the selector here
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

    /** One turn: select, handle ready keys, run tasks and what is due, flush. False when the loop ends. */
    private boolean turn() throws IOException {
        long timeout = selectTimeoutMillis();
        awake.set(false);
        if (!tasks.isEmpty() || !nextTurn.isEmpty() || dirtyCount > 0 || timeout == 0) {
            selector.selectNow(onKey);
        } else if (timeout < 0) {
            selector.select(onKey);
        } else {
            selector.select(onKey, timeout);
        }
        awake.set(true);
        runPending();
        return !(stopping && (connectionCount == 0 || stopDeadlinePassed));
    }

    /** What a turn does after select: tasks, what is due, flushes. A detached loop's owner calls it. */
    void runPending() {
        now = clock.nanoTime();
        for (int i = nextTurn.size(); i > 0; i--) { // what these add waits for the turn after
            runTask(nextTurn.poll());
        }
        runTasks();
        deadlines.runDue(now);
        flushDirty();
    }

    private long selectTimeoutMillis() {
        if (!deadlines.any()) {
            return -1;
        }
        long nanos = deadlines.next() - clock.nanoTime();
        return nanos <= 0 ? 0 : Math.max(1, TimeUnit.NANOSECONDS.toMillis(nanos + 999_999));
    }

    private void onKey(SelectionKey key) {
        Object attachment = key.attachment();
        if (attachment instanceof Connection connection) {
            try {
                connection.ready(key.readyOps());
            } catch (RuntimeException e) {
                connection.failed(e);
            }
        } else if (attachment instanceof Acceptor acceptor && key.isValid()) {
            acceptor.acceptReady();
        }
    }

    /** Takes over an accepted socket; any thread. */
    void adopt(SocketChannel channel, TransportStack stack) {
        if (inLoop()) {
            register(channel, stack);
        } else {
            execute(() -> register(channel, stack));
        }
    }

    private void register(SocketChannel channel, TransportStack stack) {
        if (stopping) {
            PlainTransport.closeQuietly(channel);
            return;
        }
        try {
            channel.configureBlocking(false);
            if (config.tcpNoDelay()) {
                channel.setOption(StandardSocketOptions.TCP_NODELAY, true);
            }
            InetSocketAddress remote = (InetSocketAddress) channel.getRemoteAddress();
            attach(stack.open(this, channel, remote)).register(selector);
        } catch (IOException e) {
            log.debug("could not register an accepted connection: {}", e.toString());
            PlainTransport.closeQuietly(channel);
        }
    }

    /** A new connection over {@code transport}, one of this loop's from now on; loop thread. */
    Connection attach(Transport transport) {
        Connection connection = new Connection(this, transport);
        if (connectionCount == connections.length) {
            connections = Arrays.copyOf(connections, connectionCount * 2);
        }
        connection.index = connectionCount;
        connections[connectionCount++] = connection;
        engine.connectionAdded();
        return connection;
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
    void broadcast(SharedMessage message) {
        if (inLoop()) {
            broadcastHere(message);
        } else {
            execute(() -> broadcastHere(message));
        }
    }

    private void broadcastHere(SharedMessage message) {
        for (int i = 0; i < connectionCount; i++) {
            connections[i].offer(message, true);
        }
    }

    private void runTasks() {
        for (int i = 0; i < MAX_TASKS_PER_TURN; i++) {
            Runnable task = tasks.poll();
            if (task == null) {
                return;
            }
            runTask(task);
        }
    }

    private void runTask(Runnable task) {
        try {
            task.run();
        } catch (RuntimeException e) {
            log.error("task failed on {}", this, e);
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
                connection.failed(e);
            }
        }
        dirtyCount = 0;
    }

    private void beginStop(long deadlineNanos, int code, String reason) {
        if (stopping) {
            return;
        }
        stopping = true;
        deadlines.schedule(this, 0, deadlineNanos);
        closeAcceptors();
        for (int i = connectionCount - 1; i >= 0; i--) {
            if (i < connectionCount) {
                connections[i].shutdown(code, reason);
            }
        }
    }

    /** The stop deadline passed: the loop ends at the end of this turn. */
    @Override
    public void timerExpired(int kind) {
        stopDeadlinePassed = true;
    }

    /** Ends a detached loop (the tests' socketless harness): its connections close, then its selector. */
    void closeDetached() {
        if (thread == null && !terminated) {
            shutdown();
        }
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
        closeAcceptors();
        stopping = true; // late tasks: registrations close their sockets, the rest find nothing open
        runTasks();
        tasks.clear();
        nextTurn.clear();
        deadlines.clear();
        try {
            selector.close();
        } catch (IOException e) {
            log.warn("closing the selector of {} failed", this, e);
        }
        log.debug("{} stopped", this);
    }

    @Override
    public String toString() {
        return "EventLoop[" + id + "]";
    }
}
