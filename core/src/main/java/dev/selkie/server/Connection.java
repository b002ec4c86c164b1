package dev.selkie.server;

import dev.selkie.CloseCodes;
import dev.selkie.HttpRequest;
import dev.selkie.SendResult;
import dev.selkie.SlowConsumerPolicy;
import dev.selkie.WebSocket;
import dev.selkie.WebSocketListener;
import dev.selkie.protocol.CloseStatus;
import dev.selkie.protocol.FrameEncoder;
import dev.selkie.protocol.HttpResponses;
import dev.selkie.protocol.Opcode;
import dev.selkie.protocol.ProtocolHandler;
import dev.selkie.protocol.WebSocketProtocol;
import java.io.IOException;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One accepted TCP connection and, once upgraded, its {@link WebSocket}. Owned by one {@link
 * EventLoop}: every field without a note is touched only on that loop's thread. The public
 * {@link WebSocket} methods may be called from any thread; they encode on the caller's thread,
 * reserve queue space with one compare-and-set, and hand the frame to the loop (directly when
 * called on it, else through a lock-free inbox and one coalesced wake-up).
 *
 * <p>As a {@link Runnable} it is the loop task that moves the inbox into the outbound queue.
 */
final class Connection implements WebSocket, ProtocolHandler, Runnable, SerialDispatcher.Owner {
    private static final Logger log = LoggerFactory.getLogger(Connection.class);
    private static final VarHandle QUEUED;
    private static final VarHandle INBOX_SCHEDULED;
    private static final VarHandle SLOW_CONSUMER;
    private static final VarHandle INBOX;

    static {
        try {
            MethodHandles.Lookup lookup = MethodHandles.lookup();
            QUEUED = lookup.findVarHandle(Connection.class, "queued", long.class);
            INBOX_SCHEDULED = lookup.findVarHandle(Connection.class, "inboxScheduled", int.class);
            SLOW_CONSUMER = lookup.findVarHandle(Connection.class, "slowConsumer", int.class);
            INBOX = lookup.findVarHandle(Connection.class, "inbox", ConcurrentLinkedQueue.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private static final long DEFAULT_LINGER_NANOS = TimeUnit.SECONDS.toNanos(1);
    /**
     * Pings a peer may send while its socket takes none of our bytes (it does not read) before it is
     * closed with 1008: a peer that reads its pongs never comes near it.
     */
    static final int MAX_PINGS_WHILE_BLOCKED = 1024;

    private final EventLoop loop;
    private final ServerConfig config;
    private final WebSocketListener listener;
    private final SocketChannel channel;
    private final InetSocketAddress remoteAddress;
    /** Listener calls go through this when an executor is configured; null means on the loop. */
    private final SerialDispatcher dispatcher;
    private SelectionKey key;
    private int interestOps;
    private boolean reading = true;
    /** Executor mode: not reading while the listener's queued calls hold too much (see {@link #dispatched}). */
    private boolean dispatchPaused;
    private boolean writeBlocked;
    private boolean peerEof;
    /** After the last bytes: FIN and read to the peer's FIN (true), or close at once (clean WebSocket close). */
    private boolean lingerAfterFlush = true;
    /** Written on the loop; read by any thread (send, isOpen). */
    private volatile ConnectionState state = ConnectionState.HANDSHAKING;

    // handshake
    /** The HTTP side, from the request's first bytes until the connection opens or closes; else null. */
    private HandshakeStage handshake;
    private RequestView request;

    // WebSocket
    /** Created when the first frame arrives or the first close is sent: an idle connection has none. */
    private WebSocketProtocol protocol;
    private String subprotocol;
    private volatile Object attachment;
    private boolean opened;
    private boolean closeReported;
    private int closeCodeSent;
    private String closeReasonSent = "";
    private boolean receiving;
    private int deferredCloseCode;
    private String deferredCloseReason;
    private Set<String> topics;

    // outbound
    /** Frames waiting to be written; null while none are (borrowed from the loop's spares). */
    private OutboundQueue out;
    /** Frames queued by other threads, moved to {@link #out} by the loop; created on first use. */
    @SuppressWarnings("unused") // through INBOX
    private volatile ConcurrentLinkedQueue<ByteBuffer> inbox;
    @SuppressWarnings("unused") // through INBOX_SCHEDULED
    private volatile int inboxScheduled;
    @SuppressWarnings("unused") // through SLOW_CONSUMER
    private volatile int slowConsumer;
    /** Bytes reserved by sends and not yet written (inbox + outbound queue); any thread. */
    private volatile long queued;
    /** A send reported BACKPRESSURE: fire onDrain at the low-water mark. Any thread. */
    private volatile boolean drainWanted;
    /** Our close frame (or the echo of the peer's) is queued: data frames are dropped. Any thread. */
    private volatile boolean closeQueued;
    /** close() was called: later sends are dropped, earlier ones still go out before the close frame. */
    private volatile boolean closeRequested;
    private boolean dirty;
    /** The answer to the latest ping while the queue is at its limit; at most one is held. */
    private ByteBuffer pendingPong;
    /** Pings received since the socket last took every queued byte, while it took no more. */
    private int pingsWhileBlocked;

    // timers
    private Timer idleTimer;
    private Timer pingTimer;
    private Timer pongTimer;
    private Timer closeTimer;
    private Timer lingerTimer;
    private long lastReadNanos;
    private boolean awaitingPong;

    /** Position in the loop's connection array. */
    int index = -1;

    Connection(EventLoop loop, SocketChannel channel, InetSocketAddress remoteAddress) {
        this.loop = loop;
        this.config = loop.config();
        this.listener = config.listener();
        this.channel = channel;
        this.remoteAddress = remoteAddress;
        this.dispatcher = config.executor() == null ? null
                : new SerialDispatcher(config.executor(), this, config.lowWaterMark());
        this.lastReadNanos = loop.now();
    }

    EventLoop loop() {
        return loop;
    }

    ConnectionState state() {
        return state;
    }

    void register(Selector selector) throws ClosedChannelException {
        key = channel.register(selector, SelectionKey.OP_READ, this);
        interestOps = SelectionKey.OP_READ;
        long timeout = config.handshakeTimeout().toNanos();
        if (timeout > 0) {
            loop.handshakeStarted(this, System.nanoTime() + timeout);
        }
    }

    // ------------------------------------------------------------------------------------------
    // Reading

    /** The channel is readable: read once into the loop's shared buffer and consume all of it. */
    void onReadable() {
        ByteBuffer buffer = loop.readBuffer();
        buffer.clear();
        int n;
        try {
            n = channel.read(buffer);
        } catch (IOException e) {
            connectionLost(e);
            return;
        }
        if (n < 0) {
            onEndOfStream();
            return;
        }
        if (n == 0) {
            return;
        }
        loop.metrics().bytesIn += n;
        lastReadNanos = loop.now();
        buffer.flip();
        consume(buffer);
    }

    /** Feeds bytes to the current state; a state change hands the rest to the next state. */
    private void consume(ByteBuffer in) {
        ConnectionState before;
        do {
            before = state;
            switch (before) {
                case HANDSHAKING -> handshakeStage().readHead(in);
                case READING_BODY -> handshake.readBody(in);
                case AWAITING_DECISION -> handshake.stash(in);
                case OPEN, CLOSING -> receiveFrames(in);
                case DRAINING, LINGERING, CLOSED -> in.position(in.limit());
            }
        } while (in.hasRemaining() && state != before);
    }

    /**
     * The HTTP side, taken from the loop's spares at the first bytes of the request: connections
     * that were accepted but have sent nothing yet hold none, and a burst of handshakes on one
     * loop runs through a stage or two.
     */
    private HandshakeStage handshakeStage() {
        HandshakeStage stage = handshake;
        if (stage == null) {
            stage = loop.takeStage(this);
            handshake = stage;
        }
        return stage;
    }

    /** Moves to one of the handshake states; {@link HandshakeStage} calls it on the loop thread. */
    void enter(ConnectionState next) {
        state = next;
    }

    /** The upgrade request, for {@link #request()} from now on. */
    void requested(RequestView upgradeRequest) {
        request = upgradeRequest;
    }

    /**
     * The upgrade is accepted: answers 101 and opens.
     *
     * @param early bytes that arrived after the head while the interceptor decided (written, not
     *     flipped), or null
     */
    void open(String chosenSubprotocol, Map<String, String> extraHeaders, ByteBuffer early) {
        int length = HttpResponses.switchingProtocolsLength(chosenSubprotocol, null, extraHeaders);
        if (length <= ChunkPool.CHUNK_SIZE) {
            // straight into a write chunk: no array of its own for the one response of this connection
            ByteBuffer chunk = forcedRoom(length);
            HttpResponses.writeSwitchingProtocols(loop.handshakeScratch(), request.fields(), chosenSubprotocol, null,
                    extraHeaders, chunk.array(), chunk.arrayOffset() + chunk.limit(), length);
            out.commit(length);
            markDirty();
        } else {
            byte[] response = new byte[length];
            HttpResponses.writeSwitchingProtocols(loop.handshakeScratch(), request.fields(), chosenSubprotocol, null,
                    extraHeaders, response, 0, length);
            enqueueRaw(ByteBuffer.wrap(response));
        }
        // the stage called us as its last step and nothing else holds it: the next handshake reuses it
        loop.recycle(handshake);
        handshake = null;
        subprotocol = chosenSubprotocol;
        opened = true;
        state = ConnectionState.OPEN;
        LoopMetrics metrics = loop.metrics();
        metrics.acceptedHandshakes++;
        metrics.openConnections++;
        long idle = config.idleTimeout().toNanos();
        if (idle > 0) {
            idleTimer = loop.schedule(this, TimerKind.IDLE, idle);
        }
        long ping = config.pingInterval().toNanos();
        if (ping > 0) {
            pingTimer = loop.schedule(this, TimerKind.PING, ping);
        }
        setReading(true);
        log.debug("opened {}", this);
        if (dispatcher == null) {
            try {
                listener.onOpen(this);
            } catch (Throwable e) {
                listenerFailed(e);
            }
        } else {
            dispatcher.submit(() -> invoke(l -> l.onOpen(this)));
        }
        if (early != null && state.isWebSocket()) {
            receiveFrames(early.flip());
        }
    }

    private WebSocketProtocol protocol() {
        WebSocketProtocol p = protocol;
        if (p == null) {
            p = new WebSocketProtocol(config.maxMessageSize(), this);
            protocol = p;
        }
        return p;
    }

    private void receiveFrames(ByteBuffer in) {
        receiving = true;
        try {
            protocol().receive(in);
        } catch (RuntimeException e) {
            in.position(in.limit());
            log.error("internal error decoding frames from {}", this, e);
            receiving = false;
            internalError(e);
            return;
        } finally {
            receiving = false;
        }
        if (deferredCloseCode != 0) {
            int code = deferredCloseCode;
            deferredCloseCode = 0;
            doClose(code, deferredCloseReason);
        }
    }

    private void onEndOfStream() {
        switch (state) {
            case OPEN, CLOSING -> {
                log.debug("{} dropped without a closing handshake", this);
                reportDrop();
                closeNow();
            }
            case DRAINING -> {
                // the peer shut down its side; still write what is queued, then close
                peerEof = true;
                setReading(false);
            }
            default -> closeNow();
        }
    }

    private void connectionLost(IOException e) {
        log.debug("{} lost: {}", this, e.toString());
        reportDrop();
        closeNow();
    }

    /**
     * TCP ended without the closing handshake: 1006 from the peer, unless this side had started the
     * close, whose code (e.g. 1001 idle, 1008 slow consumer) is then what the application learns.
     */
    private void reportDrop() {
        if (closeCodeSent != 0) {
            reportClose(closeCodeSent, closeReasonSent, false);
        } else {
            reportClose(CloseCodes.ABNORMAL_CLOSURE, "", true);
        }
    }

    // ------------------------------------------------------------------------------------------
    // ProtocolHandler: called by WebSocketProtocol on the loop thread

    @Override
    public void onText(String text) {
        if (deferredCloseCode != 0) {
            return; // the application closed while this read was being decoded
        }
        loop.metrics().messagesIn++;
        if (dispatcher == null) {
            try {
                listener.onText(this, text);
            } catch (Throwable e) {
                listenerFailed(e);
            }
        } else {
            dispatcher.submit(() -> invoke(l -> l.onText(this, text)), 2L * text.length());
            dispatched();
        }
    }

    @Override
    public void onBinary(ByteBuffer data) {
        if (deferredCloseCode != 0) {
            return;
        }
        loop.metrics().messagesIn++;
        if (dispatcher == null) {
            try {
                listener.onBinary(this, data);
            } catch (Throwable e) {
                listenerFailed(e);
            }
        } else {
            dispatcher.submit(() -> invoke(l -> l.onBinary(this, data)), data.remaining());
            dispatched();
        }
    }

    /**
     * Executor mode, after a message was handed to the dispatcher: while the listener's queued calls
     * hold more than the high-water mark, this connection is not read (TCP pushes back on the peer);
     * reading resumes once they are down to the low-water mark.
     */
    private void dispatched() {
        if (!dispatchPaused && dispatcher.pendingBytes() > config.highWaterMark()) {
            dispatchPaused = true;
            updateInterest();
        }
    }

    @Override
    public void dispatchBelow(long mark) {
        loop.execute(this::resumeAfterDispatch);
    }

    private void resumeAfterDispatch() {
        if (dispatchPaused && dispatcher.pendingBytes() <= config.lowWaterMark()) {
            dispatchPaused = false;
            updateInterest();
        }
    }

    @Override
    public void dispatchRejected(RejectedExecutionException e) {
        loop.execute(() -> {
            log.warn("the listener executor rejected the calls of {}; closing it: {}", this, e.toString());
            dispatchPaused = false;
            if (state.isWebSocket()) {
                doClose(CloseCodes.INTERNAL_ERROR, "listener executor rejected work");
            } else {
                closeNow();
            }
        });
    }

    @Override
    public void onPing(ByteBuffer payload) {
        if (writeBlocked && ++pingsWhileBlocked == MAX_PINGS_WHILE_BLOCKED) {
            // it pings and does not read the pongs: every answer would wait in memory
            loop.metrics().controlFloods++;
            log.debug("closing {}: {} pings while its socket took no more bytes", this, MAX_PINGS_WHILE_BLOCKED);
            doClose(CloseCodes.POLICY_VIOLATION, "control frame flood");
        }
        fire(l -> l.onPing(this, payload));
    }

    @Override
    public void onPong(ByteBuffer payload) {
        if (awaitingPong) {
            awaitingPong = false;
            cancel(pongTimer);
            pongTimer = null;
            if (payload.remaining() == Long.BYTES) {
                long roundTrip = System.nanoTime() - payload.getLong(payload.position());
                if (roundTrip >= 0 && roundTrip < TimeUnit.MINUTES.toNanos(10)) {
                    loop.metrics().pingRoundTrip(roundTrip);
                }
            }
        }
        fire(l -> l.onPong(this, payload));
    }

    @Override
    public void onClose(int code, String reason) {
        cancel(closeTimer);
        closeTimer = null;
        if (closeCodeSent == 0) {
            log.debug("{} closed by peer: {} {}", this, code, reason);
            reportClose(code, reason, true);
        } else {
            reportClose(closeCodeSent, closeReasonSent, false);
        }
        // both close frames seen: nothing more is coming, so the server closes TCP first (RFC 6455 7.1.1)
        lingerAfterFlush = false;
        finishAfterFlush();
    }

    @Override
    public void onProtocolError(int code, String reason) {
        log.debug("protocol violation by {}: {} {}", this, code, reason);
        closeQueued = true;
        cancel(closeTimer);
        closeTimer = null;
        reportClose(code, reason, false);
        finishAfterFlush();
    }

    @Override
    public void sendFrame(ByteBuffer frame) {
        int opcode = frame.get(frame.position()) & 0x0F;
        if (opcode == Opcode.CLOSE) {
            drainInbox(); // what other threads sent before goes out before the close frame
            closeQueued = true;
            if (state == ConnectionState.OPEN) {
                state = ConnectionState.CLOSING;
            }
            if (pendingPong != null) {
                enqueueControl(pendingPong); // the answer to the last ping still goes before the close
                pendingPong = null;
            }
        } else if (opcode == Opcode.PONG && (pendingPong != null || !controlFits(frame.remaining()))) {
            // the queue is at its limit: keep only the answer to the latest ping (RFC 6455 5.5.3),
            // queued when the queue has room again
            pendingPong = frame;
            return;
        }
        enqueueControl(frame);
    }

    /** Whether a control frame of this size may join the queue without passing the send-queue limit. */
    private boolean controlFits(int length) {
        int cost = out == null ? OutboundQueue.CHUNK_COST : out.roomCost(length);
        return queued + cost <= config.sendQueueLimit();
    }

    // ------------------------------------------------------------------------------------------
    // Closing

    /** Starts the closing handshake from this side; loop thread. */
    private void doClose(int code, String reason) {
        if (!state.isWebSocket() || closeCodeSent != 0 || (protocol != null && protocol.closeSent())) {
            return;
        }
        if (receiving) {
            if (deferredCloseCode == 0) {
                deferredCloseCode = code;
                deferredCloseReason = reason;
            }
            return;
        }
        closeCodeSent = code;
        closeReasonSent = reason;
        if (!protocol().close(code, reason)) {
            return;
        }
        if (dispatchPaused) {
            // data frames are dropped from now on, so reading cannot add listener calls: read the peer's close
            dispatchPaused = false;
            updateInterest();
        }
        if (state == ConnectionState.CLOSING) {
            long timeout = config.closeTimeout().toNanos();
            closeTimer = loop.schedule(this, TimerKind.CLOSE, timeout);
        }
        markDirty();
    }

    /** Stop of the server: close frame {@code code} for open connections, drop handshakes. Loop thread. */
    void shutdown(int code, String reason) {
        switch (state) {
            case OPEN -> doClose(code, reason);
            case HANDSHAKING, READING_BODY, AWAITING_DECISION, LINGERING -> closeNow();
            default -> {
            }
        }
    }

    /** Last resort when the loop ends: report and close whatever is left. Loop thread. */
    void forceClose() {
        if (state.isWebSocket()) {
            reportClose(closeCodeSent != 0 ? closeCodeSent : CloseCodes.ABNORMAL_CLOSURE,
                    closeCodeSent != 0 ? closeReasonSent : "", false);
        }
        closeNow();
    }

    private void internalError(Throwable error) {
        if (state.isWebSocket()) {
            if (dispatcher == null) {
                callOnError(error);
            } else {
                dispatcher.submit(() -> callOnError(error));
            }
            reportClose(CloseCodes.INTERNAL_ERROR, "internal error", false);
        }
        closeNow();
    }

    /** Unexpected failure while serving this connection; the loop goes on. */
    void fail(RuntimeException error) {
        log.error("internal error on {}", this, error);
        internalError(error);
    }

    /** Reports the WebSocket closure to the listener, exactly once per opened connection. */
    private void reportClose(int code, String reason, boolean remote) {
        if (!opened || closeReported) {
            return;
        }
        closeReported = true;
        closeRequested = true; // isOpen() is false and sends are dropped from here on
        LoopMetrics metrics = loop.metrics();
        metrics.openConnections--;
        metrics.closed(code);
        cancel(idleTimer);
        cancel(pingTimer);
        cancel(pongTimer);
        idleTimer = null;
        pingTimer = null;
        pongTimer = null;
        awaitingPong = false;
        leaveTopics();
        String why = reason == null ? "" : reason;
        fire(l -> l.onClose(this, code, why, remote));
    }

    /** After the queue is written: FIN, then read to the peer's FIN (bounded by the linger timer). */
    private void finishAfterFlush() {
        if (state == ConnectionState.DRAINING || state == ConnectionState.LINGERING
                || state == ConnectionState.CLOSED) {
            return;
        }
        state = ConnectionState.DRAINING;
        long linger = config.closeTimeout().toNanos();
        lingerTimer = loop.schedule(this, TimerKind.LINGER, linger > 0 ? linger : DEFAULT_LINGER_NANOS);
        markDirty();
    }

    private void startLingering() {
        state = ConnectionState.LINGERING;
        dispatchPaused = false;
        if (peerEof || !lingerAfterFlush || loop.stopping()) {
            closeNow();
            return;
        }
        try {
            channel.shutdownOutput();
        } catch (IOException e) {
            closeNow();
            return;
        }
        setReading(true);
    }

    /** Closes the socket now, dropping anything unwritten. Idempotent; loop thread. */
    void closeNow() {
        if (state == ConnectionState.CLOSED) {
            return;
        }
        state = ConnectionState.CLOSED;
        cancel(idleTimer);
        cancel(pingTimer);
        cancel(pongTimer);
        cancel(closeTimer);
        cancel(lingerTimer);
        idleTimer = pingTimer = pongTimer = closeTimer = lingerTimer = null;
        if (key != null) {
            key.cancel();
        }
        try {
            channel.close();
        } catch (IOException e) {
            log.debug("closing {}: {}", this, e.toString());
        }
        if (out != null) {
            out.clear();
            release(out.takeReleased());
            loop.recycle(out);
            out = null;
        }
        pendingPong = null;
        discardInbox();
        leaveTopics();
        handshake = null;
        loop.remove(this);
        log.debug("closed {}", this);
    }

    // ------------------------------------------------------------------------------------------
    // Writing

    /**
     * Queues a complete data frame (or user ping) subject to the send-queue limit; any thread.
     * The buffer must not be changed afterwards (broadcasts pass a view per recipient).
     */
    SendResult offer(ByteBuffer frame) {
        SendResult reserved = reserve(OutboundQueue.costOf(frame));
        if (reserved == SendResult.DROPPED) {
            return reserved;
        }
        if (loop.inLoop()) {
            drainInbox();
            append(frame);
            markDirty();
        } else {
            inbox().add(frame);
            if (INBOX_SCHEDULED.compareAndSet(this, 0, 1)) {
                loop.execute(this);
            }
        }
        return reserved;
    }

    /**
     * Loop thread: queues a data frame encoded once for many recipients (broadcast, publish). A small
     * one is copied into the outbound queue's chunk (the copy the socket write would make anyway, and
     * no view object or extra buffer per recipient); a large one is queued as a view.
     */
    SendResult offerShared(ByteBuffer frame) {
        int length = frame.remaining();
        if (length > ChunkPool.CHUNK_SIZE) {
            return offer(frame.duplicate());
        }
        SendResult reserved = reserveRoom(length);
        if (reserved != SendResult.DROPPED) {
            ByteBuffer chunk = out.room(length);
            frame.get(frame.position(), chunk.array(), chunk.arrayOffset() + chunk.limit(), length);
            committed(length);
        }
        return reserved;
    }

    /**
     * Counts {@code cost} bytes of memory into {@link #queued} if the send-queue limit allows; any
     * thread. A cost of 0 (a frame that fits a write chunk already counted) always fits.
     *
     * @return DROPPED (nothing counted), BACKPRESSURE (counted, above the high-water mark) or OK
     */
    private SendResult reserve(long cost) {
        if (closeQueued || closeRequested || state != ConnectionState.OPEN) {
            return SendResult.DROPPED;
        }
        long limit = config.sendQueueLimit();
        long before;
        if (cost == 0) {
            before = queued;
        } else {
            do {
                before = queued;
                if (before + cost > limit) {
                    return slowConsumer(before);
                }
            } while (!QUEUED.weakCompareAndSet(this, before, before + cost));
        }
        boolean backpressure = before + cost > config.highWaterMark();
        if (backpressure) {
            drainWanted = true; // before queueing, so the loop cannot drain past it unnoticed
        }
        return backpressure ? SendResult.BACKPRESSURE : SendResult.OK;
    }

    /** Whether a data frame of this size is encoded straight into the outbound queue's chunk. */
    private boolean encodesInPlace(int frameLength) {
        return frameLength <= ChunkPool.CHUNK_SIZE && loop.inLoop();
    }

    /**
     * Loop thread: reserves, against the send-queue limit, what room for a small data frame in the
     * outbound queue's write chunk costs (after anything other threads sent before); if not
     * DROPPED, the caller takes {@code out.room(frameLength)}, writes the frame there and calls
     * {@link #committed}.
     */
    private SendResult reserveRoom(int frameLength) {
        drainInbox();
        OutboundQueue queue = queue();
        int cost = queue.roomCost(frameLength);
        SendResult reserved = reserve(cost);
        if (reserved != SendResult.DROPPED) {
            loop.metrics().queuedBytes += cost;
        }
        return reserved;
    }

    /** Loop thread: room for a frame or response in the write chunk, counted but never refused. */
    private ByteBuffer forcedRoom(int length) {
        drainInbox();
        OutboundQueue queue = queue();
        int cost = queue.roomCost(length);
        QUEUED.getAndAdd(this, (long) cost);
        loop.metrics().queuedBytes += cost;
        return queue.room(length);
    }

    private OutboundQueue queue() {
        OutboundQueue queue = out;
        if (queue == null) {
            queue = loop.takeQueue();
            out = queue;
        }
        return queue;
    }

    /** Loop thread: the data frame written into the chunk after {@link #reserveRoom} is queued. */
    private void committed(int frameLength) {
        out.commit(frameLength);
        loop.metrics().messagesOut++;
        markDirty();
    }

    /** Loop thread: entries of the outbound queue that cost this much were written or dropped. */
    private void release(long cost) {
        if (cost != 0) {
            loop.metrics().queuedBytes -= cost;
            QUEUED.getAndAdd(this, -cost);
        }
    }

    private SendResult slowConsumer(long queuedNow) {
        loop.metrics().droppedMessages.increment();
        if (config.slowConsumerPolicy() == SlowConsumerPolicy.CLOSE && SLOW_CONSUMER.compareAndSet(this, 0, 1)) {
            closeRequested = true; // from now on every send is DROPPED
            log.info("closing slow consumer {}: {} bytes queued, limit {}", this, queuedNow, config.sendQueueLimit());
            // always through the task queue: the caller may be iterating a topic or the connections
            loop.execute(() -> doClose(CloseCodes.POLICY_VIOLATION, "slow consumer"));
        }
        return SendResult.DROPPED;
    }

    @SuppressWarnings("unchecked")
    private ConcurrentLinkedQueue<ByteBuffer> inbox() {
        ConcurrentLinkedQueue<ByteBuffer> queue = (ConcurrentLinkedQueue<ByteBuffer>) INBOX.getAcquire(this);
        if (queue == null) {
            ConcurrentLinkedQueue<ByteBuffer> created = new ConcurrentLinkedQueue<>();
            queue = (ConcurrentLinkedQueue<ByteBuffer>) INBOX.compareAndExchange(this, null, created);
            if (queue == null) {
                queue = created;
            }
        }
        return queue;
    }

    /** Loop task: move what other threads queued into the outbound queue. */
    @Override
    public void run() {
        INBOX_SCHEDULED.setVolatile(this, 0);
        if (state == ConnectionState.CLOSED) {
            discardInbox();
            return;
        }
        drainInbox();
        markDirty();
    }

    @SuppressWarnings("unchecked")
    private void drainInbox() {
        ConcurrentLinkedQueue<ByteBuffer> queue = (ConcurrentLinkedQueue<ByteBuffer>) INBOX.getAcquire(this);
        if (queue == null) {
            return;
        }
        ByteBuffer frame;
        while ((frame = queue.poll()) != null) {
            if (closeQueued || !state.isWebSocket()) {
                QUEUED.getAndAdd(this, -OutboundQueue.costOf(frame)); // raced with the close: dropped
            } else {
                append(frame);
            }
        }
    }

    @SuppressWarnings("unchecked")
    private void discardInbox() {
        ConcurrentLinkedQueue<ByteBuffer> queue = (ConcurrentLinkedQueue<ByteBuffer>) INBOX.getAcquire(this);
        if (queue == null) {
            return;
        }
        ByteBuffer frame;
        while ((frame = queue.poll()) != null) {
            QUEUED.getAndAdd(this, -OutboundQueue.costOf(frame));
        }
    }

    /** Loop thread: appends a frame already counted in {@link #queued} (its {@link OutboundQueue#costOf}). */
    private void append(ByteBuffer frame) {
        LoopMetrics metrics = loop.metrics();
        metrics.queuedBytes += OutboundQueue.costOf(frame);
        if ((frame.get(frame.position()) & 0x08) == 0) {
            metrics.messagesOut++; // a data frame: one message (its fragments travel in one buffer)
        }
        queue().add(frame);
    }

    /**
     * Loop thread: copies a control frame (at most 127 bytes) into the write chunk, regardless of
     * the limit: pongs are held back before this (see {@link #sendFrame}), and a close frame or a
     * keep-alive ping is one frame at a time.
     */
    private void enqueueControl(ByteBuffer frame) {
        int length = frame.remaining();
        ByteBuffer chunk = forcedRoom(length);
        frame.get(frame.position(), chunk.array(), chunk.arrayOffset() + chunk.limit(), length);
        out.commit(length);
        markDirty();
    }

    /** Loop thread: queues HTTP response bytes. */
    void enqueueRaw(ByteBuffer bytes) {
        QUEUED.getAndAdd(this, OutboundQueue.costOf(bytes));
        loop.metrics().queuedBytes += OutboundQueue.costOf(bytes);
        queue().add(bytes);
        markDirty();
    }

    void respond(int status, Map<String, String> headers, byte[] responseBody) {
        enqueueRaw(HttpResponses.response(status, headers, responseBody));
        finishAfterFlush();
    }

    void reject(int status, Map<String, String> headers, String reason, String metricKey) {
        loop.metrics().rejected(metricKey);
        respond(status, headers, text(reason == null ? "" : reason));
    }

    static byte[] text(String message) {
        return (message + "\n").getBytes(StandardCharsets.UTF_8);
    }

    private void markDirty() {
        if (!dirty && state != ConnectionState.CLOSED) {
            dirty = true;
            loop.markDirty(this);
        }
    }

    /** Whether the frame decoder and closing state exist (from the first frame or close on); loop thread. */
    boolean holdsProtocolState() {
        return protocol != null;
    }

    /** Executor mode: bytes held by listener calls waiting for the executor (0 without one); any thread. */
    long dispatchPendingBytes() {
        return dispatcher == null ? 0 : dispatcher.pendingBytes();
    }

    /** Whether an outbound queue is held (only while bytes wait to be written); loop thread. */
    boolean holdsOutboundQueue() {
        return out != null;
    }

    /** Loop thread, once per turn when dirty: write what is queued with gathering writes. */
    void flush() {
        dirty = false;
        if (state == ConnectionState.CLOSED) {
            return;
        }
        drainInbox();
        OutboundQueue queue = out;
        if (queue != null && !queue.isEmpty() && !writeBlocked) {
            long written;
            try {
                written = queue.writeTo(channel);
            } catch (IOException e) {
                connectionLost(e);
                return;
            }
            loop.metrics().bytesOut += written;
            release(queue.takeReleased());
            if (!queue.isEmpty()) {
                writeBlocked = true; // the socket's buffer is full: wait for OP_WRITE
                updateInterest();
            }
        }
        if (pendingPong != null && !closeQueued && controlFits(pendingPong.remaining())) {
            enqueueControl(pendingPong); // written with the next flush
            pendingPong = null;
        }
        if (queue != null && queue.isEmpty() && out == queue) {
            out = null; // an idle connection holds no queue
            loop.recycle(queue);
            queue = null;
            pingsWhileBlocked = 0;
        }
        if (queue == null) {
            if (state == ConnectionState.DRAINING) {
                startLingering();
                return;
            }
        }
        long low = config.lowWaterMark();
        if (drainWanted && queued <= low && state == ConnectionState.OPEN) {
            // clear, then look again: a sender that reserved meanwhile (and got BACKPRESSURE) sets
            // the flag after its reservation, so either we see its bytes here or its flag survives
            drainWanted = false;
            if (queued <= low) {
                fire(l -> l.onDrain(this));
            } else {
                drainWanted = true;
            }
        }
    }

    /** The socket can take more bytes. */
    void onWritable() {
        writeBlocked = false;
        flush();
        if (!writeBlocked) {
            updateInterest();
        }
    }

    void setReading(boolean on) {
        if (reading != on) {
            reading = on;
            updateInterest();
        }
    }

    private void updateInterest() {
        int ops = (reading && !dispatchPaused ? SelectionKey.OP_READ : 0)
                | (writeBlocked ? SelectionKey.OP_WRITE : 0);
        if (ops != interestOps && key != null && key.isValid()) {
            interestOps = ops;
            key.interestOps(ops);
        }
    }

    // ------------------------------------------------------------------------------------------
    // Timers

    /** Whether the opening handshake is still under way (the loop's handshake deadlines ask). */
    boolean handshaking() {
        return state.isHandshake();
    }

    /** The opening handshake is past its deadline (slowloris defence): close. */
    void handshakeTimedOut() {
        log.debug("handshake of {} timed out", this);
        loop.metrics().rejected("timeout");
        closeNow();
    }

    void onTimer(Timer timer) {
        switch (timer.kind) {
            case IDLE -> {
                if (timer == idleTimer && state == ConnectionState.OPEN) {
                    long now = System.nanoTime();
                    if (dispatchPaused) {
                        lastReadNanos = now; // not reading is our doing, not the peer's silence
                    }
                    long idleAt = lastReadNanos + config.idleTimeout().toNanos();
                    if (now - idleAt >= 0) {
                        log.debug("{} idle, closing", this);
                        idleTimer = null;
                        doClose(CloseCodes.GOING_AWAY, "idle timeout");
                    } else {
                        idleTimer = loop.schedule(this, TimerKind.IDLE, idleAt - now);
                    }
                }
            }
            case PING -> {
                if (timer == pingTimer && state == ConnectionState.OPEN) {
                    if (!awaitingPong) {
                        ByteBuffer token = ByteBuffer.allocate(Long.BYTES).putLong(0, System.nanoTime());
                        enqueueControl(FrameEncoder.frame(Opcode.PING, true, token));
                        awaitingPong = true;
                        long deadline = config.pongTimeout().toNanos();
                        pongTimer = loop.schedule(this, TimerKind.PONG,
                                deadline > 0 ? deadline : config.pingInterval().toNanos());
                    }
                    pingTimer = loop.schedule(this, TimerKind.PING, config.pingInterval().toNanos());
                }
            }
            case PONG -> {
                if (timer == pongTimer && awaitingPong && state.isWebSocket()) {
                    log.debug("{} did not answer a ping in time; dropping it", this);
                    reportClose(CloseCodes.ABNORMAL_CLOSURE, "no pong", false);
                    closeNow();
                }
            }
            case CLOSE -> {
                if (timer == closeTimer && state == ConnectionState.CLOSING) {
                    log.debug("{} did not complete the closing handshake in time", this);
                    reportClose(closeCodeSent != 0 ? closeCodeSent : CloseCodes.ABNORMAL_CLOSURE,
                            closeReasonSent, false);
                    closeNow();
                }
            }
            case LINGER -> {
                if (timer == lingerTimer
                        && (state == ConnectionState.DRAINING || state == ConnectionState.LINGERING)) {
                    closeNow();
                }
            }
        }
    }

    private static void cancel(Timer timer) {
        if (timer != null) {
            timer.cancel();
        }
    }

    // ------------------------------------------------------------------------------------------
    // Listener calls

    @FunctionalInterface
    private interface Call {
        void on(WebSocketListener listener);
    }

    /** Calls the listener where it runs: on the loop, or in order through the executor. */
    private void fire(Call call) {
        if (dispatcher == null) {
            invoke(call);
        } else {
            dispatcher.submit(() -> invoke(call));
        }
    }

    private void invoke(Call call) {
        try {
            call.on(listener);
        } catch (Throwable e) {
            listenerFailed(e);
        }
    }

    /**
     * A listener call threw. An exception (or a non-fatal error such as a stack overflow) is this
     * connection's business: logged and given to {@code onError}. A fatal error (out of memory) is
     * rethrown: on the loop it ends the loop, which stops the server; on an executor thread the
     * server is told first.
     */
    private void listenerFailed(Throwable error) {
        if (Fatal.isFatal(error)) {
            if (!loop.inLoop()) {
                loop.engine().failed(Thread.currentThread().getName(), error);
            }
            throw (Error) error;
        }
        log.warn("listener failed on {}", this, error);
        callOnError(error);
    }

    /** Runs where the listener runs (loop or dispatcher). */
    private void callOnError(Throwable error) {
        try {
            listener.onError(this, error);
        } catch (Throwable e) {
            if (Fatal.isFatal(e)) {
                listenerFailed(e);
            }
            log.warn("listener's onError failed on {}", this, e);
        }
    }

    // ------------------------------------------------------------------------------------------
    // Topics (loop thread)

    private void doSubscribe(String topic) {
        if (state != ConnectionState.OPEN) {
            return;
        }
        if (topics == null) {
            topics = new HashSet<>(4);
        }
        if (topics.add(topic)) {
            loop.topics().subscribe(topic, this);
        }
    }

    private void doUnsubscribe(String topic) {
        if (topics != null && topics.remove(topic)) {
            loop.topics().unsubscribe(topic, this);
        }
    }

    private void leaveTopics() {
        if (topics != null) {
            for (String topic : topics) {
                loop.topics().unsubscribe(topic, this);
            }
            topics = null;
        }
    }

    // ------------------------------------------------------------------------------------------
    // WebSocket: any thread

    @Override
    public SendResult send(String text) {
        Objects.requireNonNull(text, "text");
        if (closeQueued || closeRequested || state != ConnectionState.OPEN) {
            return SendResult.DROPPED;
        }
        int fragmentSize = config.outgoingFragmentSize();
        if (text.length() <= ChunkPool.CHUNK_SIZE && loop.inLoop()) { // UTF-8 needs at least a byte per char
            int length = FrameEncoder.textLength(text);
            int frameLength = FrameEncoder.headerSize(length) + length;
            if ((fragmentSize <= 0 || length <= fragmentSize) && frameLength <= ChunkPool.CHUNK_SIZE) {
                SendResult reserved = reserveRoom(frameLength);
                if (reserved != SendResult.DROPPED) {
                    ByteBuffer chunk = out.room(frameLength);
                    FrameEncoder.writeText(text, length, chunk.array(), chunk.arrayOffset() + chunk.limit());
                    committed(frameLength);
                }
                return reserved;
            }
        }
        return offer(FrameEncoder.text(text, fragmentSize));
    }

    @Override
    public SendResult send(ByteBuffer data) {
        Objects.requireNonNull(data, "data");
        if (closeQueued || closeRequested || state != ConnectionState.OPEN) {
            return SendResult.DROPPED;
        }
        int fragmentSize = config.outgoingFragmentSize();
        int length = data.remaining();
        int frameLength = FrameEncoder.headerSize(length) + length;
        if ((fragmentSize <= 0 || length <= fragmentSize) && encodesInPlace(frameLength)) {
            SendResult reserved = reserveRoom(frameLength);
            if (reserved != SendResult.DROPPED) {
                ByteBuffer chunk = out.room(frameLength);
                FrameEncoder.writeFrame(Opcode.BINARY, data, chunk.array(), chunk.arrayOffset() + chunk.limit());
                committed(frameLength);
            }
            return reserved;
        }
        return offer(FrameEncoder.message(Opcode.BINARY, data, fragmentSize));
    }

    @Override
    public SendResult send(byte[] data) {
        return send(ByteBuffer.wrap(Objects.requireNonNull(data, "data")));
    }

    @Override
    public SendResult ping() {
        return ping(ByteBuffer.allocate(0));
    }

    @Override
    public SendResult ping(ByteBuffer payload) {
        if (payload.remaining() > 125) {
            throw new IllegalArgumentException("ping payload larger than 125 bytes: " + payload.remaining());
        }
        if (closeQueued || closeRequested || state != ConnectionState.OPEN) {
            return SendResult.DROPPED;
        }
        return offer(FrameEncoder.frame(Opcode.PING, true, payload));
    }

    @Override
    public void close() {
        close(CloseCodes.NORMAL, "");
    }

    @Override
    public void close(int code, String reason) {
        if (!CloseStatus.isValidOnWire(code)) {
            throw new IllegalArgumentException("close code " + code + " may not be sent");
        }
        String why = reason == null ? "" : reason;
        if (why.getBytes(StandardCharsets.UTF_8).length > 123) {
            throw new IllegalArgumentException("close reason longer than 123 UTF-8 bytes");
        }
        if (state != ConnectionState.OPEN) {
            return;
        }
        closeRequested = true;
        if (loop.inLoop()) {
            doClose(code, why);
        } else {
            loop.execute(() -> doClose(code, why));
        }
    }

    @Override
    public boolean isOpen() {
        return state == ConnectionState.OPEN && !closeQueued && !closeRequested;
    }

    @Override
    public long bufferedAmount() {
        return queued;
    }

    @Override
    public InetSocketAddress remoteAddress() {
        return remoteAddress;
    }

    @Override
    public HttpRequest request() {
        return request;
    }

    @Override
    public Optional<String> subprotocol() {
        return Optional.ofNullable(subprotocol);
    }

    @Override
    @SuppressWarnings("unchecked")
    public <T> T attachment() {
        return (T) attachment;
    }

    @Override
    public void attachment(Object attachment) {
        this.attachment = attachment;
    }

    @Override
    public void subscribe(String topic) {
        Objects.requireNonNull(topic, "topic");
        if (loop.inLoop()) {
            doSubscribe(topic);
        } else {
            loop.execute(() -> doSubscribe(topic));
        }
    }

    @Override
    public void unsubscribe(String topic) {
        Objects.requireNonNull(topic, "topic");
        if (loop.inLoop()) {
            doUnsubscribe(topic);
        } else {
            loop.execute(() -> doUnsubscribe(topic));
        }
    }

    @Override
    public String toString() {
        return "WebSocket[" + remoteAddress + (request != null ? " " + request.path() : "") + "]";
    }
}
