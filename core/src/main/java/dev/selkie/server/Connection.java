package dev.selkie.server;

import dev.selkie.CloseCodes;
import dev.selkie.HttpRequest;
import dev.selkie.SendResult;
import dev.selkie.WebSocket;
import dev.selkie.protocol.CloseStatus;
import dev.selkie.protocol.Extension;
import dev.selkie.protocol.Extensions;
import dev.selkie.protocol.FrameEncoder;
import dev.selkie.protocol.HttpResponses;
import dev.selkie.protocol.Opcode;
import dev.selkie.protocol.ProtocolHandler;
import dev.selkie.protocol.Role;
import dev.selkie.protocol.WebSocketProtocol;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.Selector;
import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One accepted connection and, once upgraded, its {@link WebSocket}: the hub that moves it through
 * its {@link ConnectionState}s. Bytes come up from its {@link Transport} and go to the {@link
 * HandshakeStage} (until its {@link HandshakeOutcome}) or the protocol core; what is to be sent goes
 * through its {@link SendQueue}; its listener is called through {@link ListenerCalls}; its timers
 * live in {@link ConnectionTimers}. The callback interfaces it implements are those parts' narrow
 * views of it. Owned by one {@link EventLoop}: everything without a note runs on that loop's
 * thread; the {@link WebSocket} methods may be called from any thread.
 */
final class Connection implements WebSocket, ProtocolHandler, Transport.Sink, Timer.Owner, HandshakeStage.Host,
        SendQueue.Owner, ListenerCalls.Owner {
    private static final Logger log = LoggerFactory.getLogger(Connection.class);
    private static final long DEFAULT_LINGER_NANOS = TimeUnit.SECONDS.toNanos(1);
    private static final int PAUSED_FOR_DECISION = 1;
    private static final int PAUSED_FOR_DISPATCH = 2;

    private final EventLoop loop;
    private final ServerConfig config;
    private final Transport transport;
    private final SendQueue send;
    /** Written on the loop; read by any thread. */
    private volatile ConnectionState state = ConnectionState.HANDSHAKE;
    /** The HTTP side, from the request's first bytes until the handshake's outcome; else null. */
    private HandshakeStage handshake;
    private RequestView request;
    private String subprotocol;
    private List<Extension> extensions = List.of();
    private volatile Object attachment;
    /** Made when the connection opens. */
    private ListenerCalls calls;
    /** Made at the first frame or close: an idle connection has none. */
    private WebSocketProtocol protocol;
    /** Made at the first timer. */
    private ConnectionTimers timers;
    /** The close code this side started the closing handshake with (0: it did not). */
    private int closeCodeSent;
    private String closeReasonSent = "";
    private Set<String> topics;
    private long lastReadNanos;
    private boolean awaitingPong;
    /** Why reading is paused (bits; 0: read). */
    private int readPauses;
    private boolean dirty;
    private boolean peerEof;
    /** After the last bytes: FIN and read to the peer's FIN (true), or close at once (a clean close). */
    private boolean lingerAfterFlush = true;
    /** Position in the loop's connection array. */
    int index = -1;

    Connection(EventLoop loop, Transport transport) {
        this.loop = loop;
        this.config = loop.config();
        this.transport = transport;
        this.send = new SendQueue(this, loop);
        this.lastReadNanos = loop.now();
    }

    EventLoop loop() {
        return loop;
    }

    ConnectionState state() {
        return state;
    }

    /** Registers the transport with the loop's selector and starts the handshake's deadline. */
    void register(Selector selector) throws IOException {
        transport.register(selector, this);
        long timeout = config.handshakeTimeout().toNanos();
        if (timeout > 0) {
            loop.deadlines().handshakeStarted(this, loop.clockNow() + timeout);
        }
    }

    /** The selector found the transport ready. */
    void ready(int readyOps) {
        transport.ready(readyOps);
    }

    // ------------------------------------------------------------------------------------------
    // Transport.Sink

    @Override
    public void received(ByteBuffer in) {
        lastReadNanos = loop.now();
        ConnectionState before;
        do {
            before = state;
            switch (before) {
                case HANDSHAKE -> stage().feed(in);
                case OPEN -> receiveFrames(in);
                case DRAINING, LINGERING, CLOSED -> in.position(in.limit());
            }
        } while (in.hasRemaining() && state != before);
    }

    private HandshakeStage stage() {
        if (handshake == null) {
            handshake = loop.takeStage(this); // from the request's first byte only
        }
        return handshake;
    }

    private WebSocketProtocol protocol() {
        if (protocol == null) {
            protocol = new WebSocketProtocol(Role.SERVER, config.maxMessageSize(), extensions, this);
        }
        return protocol;
    }

    private void receiveFrames(ByteBuffer in) {
        try {
            protocol().receive(in);
        } catch (RuntimeException e) {
            in.position(in.limit());
            fail(e);
        }
    }

    @Override
    public void endOfStream() {
        switch (state) {
            case OPEN -> {
                log.debug("{} dropped without a closing handshake", this);
                reportDrop();
                closeNow();
            }
            case DRAINING -> {
                peerEof = true; // still write what is queued, then close
                transport.reading(false);
            }
            default -> closeNow();
        }
    }

    @Override
    public void failed(IOException error) {
        log.debug("{} lost: {}", this, error.toString());
        reportDrop();
        closeNow();
    }

    @Override
    public void writable() {
        flush();
    }

    // ------------------------------------------------------------------------------------------
    // The handshake's outcome

    @Override
    public void handshakeDone(HandshakeOutcome outcome) {
        if (outcome instanceof HandshakeOutcome.Upgrade upgrade) {
            open(upgrade);
        } else {
            HandshakeOutcome.Respond respond = (HandshakeOutcome.Respond) outcome;
            if (respond.rejection() != null) {
                loop.metrics().rejected(respond.rejection());
            }
            send.raw(respond.response());
            loop.recycle(handshake); // its last step was to call us
            handshake = null;
            finishAfterFlush();
        }
    }

    /** The upgrade is accepted: answers 101 and opens. */
    private void open(HandshakeOutcome.Upgrade upgrade) {
        request = upgrade.request();
        subprotocol = upgrade.subprotocol();
        extensions = upgrade.extensions();
        if (upgrade.attachment() != null) {
            attachment = upgrade.attachment();
        }
        String answer = Extensions.answer(extensions);
        int length = HttpResponses.switchingProtocolsLength(subprotocol, answer, upgrade.extraHeaders());
        if (length <= ChunkPool.CHUNK_SIZE) { // straight into a write chunk: no array for the one response
            ByteBuffer chunk = send.forcedRoom(length);
            HttpResponses.writeSwitchingProtocols(loop.handshakeScratch(), request.fields(), subprotocol, answer,
                    upgrade.extraHeaders(), chunk.array(), chunk.arrayOffset() + chunk.limit(), length);
            send.commit(length);
        } else {
            byte[] response = new byte[length];
            HttpResponses.writeSwitchingProtocols(loop.handshakeScratch(), request.fields(), subprotocol, answer,
                    upgrade.extraHeaders(), response, 0, length);
            send.raw(ByteBuffer.wrap(response));
        }
        loop.recycle(handshake); // it called us as its last step and nothing else holds it
        handshake = null;
        state = ConnectionState.OPEN;
        LoopMetrics metrics = loop.metrics();
        metrics.acceptedHandshakes++;
        metrics.openConnections++;
        send.open(extensions);
        calls = new ListenerCalls(config.listener(), this, loop, this);
        long now = loop.clockNow();
        if (!config.idleTimeout().isZero()) {
            timers().schedule(TimerKind.IDLE, now + config.idleTimeout().toNanos());
        }
        if (!config.pingInterval().isZero()) {
            timers().schedule(TimerKind.PING, now + config.pingInterval().toNanos());
        }
        pauseReading(PAUSED_FOR_DECISION, false);
        log.debug("opened {}", this);
        calls.open();
        if (upgrade.early() != null && state == ConnectionState.OPEN) {
            receiveFrames(upgrade.early());
        }
    }

    @Override
    public void interim(ByteBuffer response) {
        send.raw(response);
    }

    @Override
    public void handshakeReading(boolean on) {
        pauseReading(PAUSED_FOR_DECISION, !on);
    }

    // ------------------------------------------------------------------------------------------
    // ProtocolHandler: called by the protocol core during receive or close

    @Override
    public void onText(String text) {
        loop.metrics().messagesIn++;
        calls.text(text);
    }

    @Override
    public void onBinary(ByteBuffer data) {
        loop.metrics().messagesIn++;
        calls.binary(data);
    }

    @Override
    public void onPing(ByteBuffer payload) {
        calls.ping(payload);
    }

    @Override
    public void sendPong(ByteBuffer payload) {
        if (send.pong(payload, transport.writeBlocked())) {
            // it pings and does not read the pongs: every answer would wait in memory
            loop.metrics().controlFloods++;
            log.debug("closing {}: {} pings while its socket took no more bytes", this, SendQueue.MAX_PINGS_WHILE_BLOCKED);
            closeWith(CloseStatus.POLICY_VIOLATION, "control frame flood");
        }
    }

    @Override
    public void onPong(ByteBuffer payload) {
        if (awaitingPong) {
            awaitingPong = false;
            timers.cancel(TimerKind.PONG);
            if (payload.remaining() == Long.BYTES) {
                long roundTrip = loop.clockNow() - payload.getLong(payload.position());
                if (roundTrip >= 0 && roundTrip < TimeUnit.MINUTES.toNanos(10)) {
                    loop.metrics().pingRoundTrip(roundTrip);
                }
            }
        }
        calls.pong(payload);
    }

    @Override
    public void sendClose(int code, String reason) {
        if (protocol.state() == WebSocketProtocol.State.CLOSING) { // this side starts the closing handshake
            closeCodeSent = code;
            closeReasonSent = reason;
            timers().schedule(TimerKind.CLOSE, loop.clockNow() + config.closeTimeout().toNanos());
        }
        send.last(FrameEncoder.close(code, reason));
        calls.stopPausing();
        pauseReading(PAUSED_FOR_DISPATCH, false); // data is dropped from now on: read to the peer's close
    }

    @Override
    public void onClose(int code, String reason) {
        timers().cancel(TimerKind.CLOSE);
        if (closeCodeSent == 0) {
            log.debug("{} closed by peer: {} {}", this, code, reason);
            report(code, reason, true);
        } else {
            report(closeCodeSent, closeReasonSent, false);
        }
        // both close frames seen: nothing more is coming, so the server closes TCP first (RFC 6455 7.1.1)
        lingerAfterFlush = false;
        finishAfterFlush();
    }

    @Override
    public void onProtocolError(int code, String reason) {
        log.debug("protocol violation by {}: {} {}", this, code, reason);
        timers().cancel(TimerKind.CLOSE);
        report(code, reason, false);
        finishAfterFlush();
    }

    // ------------------------------------------------------------------------------------------
    // Closing

    /** Starts the closing handshake from this side, if it is open; loop thread. */
    private void closeWith(int code, String reason) {
        if (state == ConnectionState.OPEN) {
            protocol().close(code, reason);
        }
    }

    /** Stop of the server: a close frame with {@code code} for open connections, drop handshakes. */
    void shutdown(int code, String reason) {
        switch (state) {
            case OPEN -> closeWith(code, reason);
            case HANDSHAKE, LINGERING -> closeNow();
            default -> {
            }
        }
    }

    /** Last resort when the loop ends: report and close whatever is left. */
    void forceClose() {
        reportDrop();
        closeNow();
    }

    /** An unexpected failure while serving this connection (a bug of ours): it ends; the loop goes on. */
    void fail(RuntimeException error) {
        log.error("internal error on {}", this, error);
        if (calls != null && !calls.closeReported()) {
            calls.error(error);
            report(CloseCodes.INTERNAL_ERROR, "internal error", false);
        }
        closeNow();
    }

    /**
     * TCP ended without the closing handshake: 1006 from the peer, unless this side had started the
     * close, whose code (e.g. 1001 idle, 1008 slow consumer) is then what the application learns.
     */
    private void reportDrop() {
        if (closeCodeSent != 0) {
            report(closeCodeSent, closeReasonSent, false);
        } else {
            report(CloseCodes.ABNORMAL_CLOSURE, "", true);
        }
    }

    /** Reports the WebSocket closure to the listener, exactly once per opened connection. */
    private void report(int code, String reason, boolean remote) {
        if (calls == null || calls.closeReported()) {
            return;
        }
        send.stopAccepting(); // isOpen() is false and sends are dropped from here on
        LoopMetrics metrics = loop.metrics();
        metrics.openConnections--;
        metrics.closed(code);
        if (timers != null) {
            timers.cancel(TimerKind.IDLE);
            timers.cancel(TimerKind.PING);
            timers.cancel(TimerKind.PONG);
        }
        awaitingPong = false;
        leaveTopics();
        calls.close(code, reason, remote);
    }

    /** After the queue is written: FIN, then read to the peer's FIN (bounded by the linger timer). */
    private void finishAfterFlush() {
        if (state == ConnectionState.DRAINING || state == ConnectionState.LINGERING || state == ConnectionState.CLOSED) {
            return;
        }
        state = ConnectionState.DRAINING;
        long linger = config.closeTimeout().toNanos();
        timers().schedule(TimerKind.LINGER, loop.clockNow() + (linger > 0 ? linger : DEFAULT_LINGER_NANOS));
        markDirty();
    }

    private void startLingering() {
        state = ConnectionState.LINGERING;
        if (peerEof || !lingerAfterFlush || loop.stopping()) {
            closeNow();
            return;
        }
        try {
            transport.shutdownOutput();
        } catch (IOException e) {
            closeNow();
            return;
        }
        readPauses = 0;
        transport.reading(true);
    }

    /** Closes the socket now, dropping anything unwritten. Idempotent. */
    void closeNow() {
        if (state == ConnectionState.CLOSED) {
            return;
        }
        state = ConnectionState.CLOSED;
        if (timers != null) {
            timers.cancelAll();
        }
        transport.close();
        send.discard();
        leaveTopics();
        for (Extension extension : extensions) {
            extension.release();
        }
        handshake = null;
        loop.remove(this);
        log.debug("closed {}", this);
    }

    // ------------------------------------------------------------------------------------------
    // Writing and reading

    @Override
    public void markDirty() {
        if (!dirty && state != ConnectionState.CLOSED) {
            dirty = true;
            loop.markDirty(this);
        }
    }

    /** Once per turn when dirty, and when the transport can take more: writes what is queued. */
    void flush() {
        dirty = false;
        if (state == ConnectionState.CLOSED) {
            return;
        }
        boolean empty;
        try {
            empty = send.flush(transport);
        } catch (IOException e) {
            failed(e);
            return;
        }
        if (empty && state == ConnectionState.DRAINING) {
            startLingering();
        }
    }

    @Override
    public void slowConsumer(long queuedNow) {
        log.debug("closing slow consumer {}: {} bytes queued, limit {}", this, queuedNow, config.sendQueueLimit());
        // always through the task queue: the caller may be iterating a topic or the connections
        loop.execute(() -> closeWith(CloseStatus.POLICY_VIOLATION, "slow consumer"));
    }

    @Override
    public void drained() {
        calls.drain();
    }

    @Override
    public void dispatchPaused(boolean paused) {
        pauseReading(PAUSED_FOR_DISPATCH, paused && state == ConnectionState.OPEN);
    }

    @Override
    public void dispatchRejected(RejectedExecutionException e) {
        log.warn("the listener executor rejected the calls of {}; closing it: {}", this, e.toString());
        pauseReading(PAUSED_FOR_DISPATCH, false);
        if (state == ConnectionState.OPEN) {
            closeWith(CloseStatus.INTERNAL_ERROR, "listener executor rejected work");
        } else {
            closeNow();
        }
    }

    private void pauseReading(int reason, boolean paused) {
        int pauses = paused ? readPauses | reason : readPauses & ~reason;
        if (pauses != readPauses) {
            readPauses = pauses;
            transport.reading(pauses == 0);
        }
    }

    /** Loop thread: queues a frame encoded once for many recipients (broadcast, publish). */
    SendResult offerShared(ByteBuffer frame) {
        return send.offerShared(frame);
    }

    /** Any thread: queues a complete data frame (a broadcast to given recipients). */
    SendResult offer(ByteBuffer frame) {
        return send.offer(frame);
    }

    /** Whether the frame decoder and closing state exist (from the first frame or close on). */
    boolean holdsProtocolState() {
        return protocol != null;
    }

    /** Whether an outbound queue is held (only while bytes wait to be written). */
    boolean holdsOutboundQueue() {
        return send.holdsQueue();
    }

    /** Executor mode: bytes held by listener calls waiting for the executor (0 without one); any thread. */
    long dispatchPendingBytes() {
        return calls == null ? 0 : calls.pendingBytes();
    }

    // ------------------------------------------------------------------------------------------
    // Timers

    private ConnectionTimers timers() {
        if (timers == null) {
            timers = new ConnectionTimers(loop.deadlines(), this);
        }
        return timers;
    }

    /** Whether the opening handshake is still under way (the loop's deadlines ask). */
    boolean handshaking() {
        return state == ConnectionState.HANDSHAKE;
    }

    /** The opening handshake is past its deadline (slowloris defence): close. */
    void handshakeTimedOut() {
        log.debug("handshake of {} timed out", this);
        loop.metrics().rejected("timeout");
        closeNow();
    }

    @Override
    public void timerExpired(int kind) {
        TimerKind timer = TimerKind.of(kind);
        timers.fired(timer);
        long now = loop.clockNow();
        boolean open = state == ConnectionState.OPEN && (protocol == null || !protocol.closeSent());
        switch (timer) {
            case IDLE -> {
                if (open) {
                    if (readPauses != 0) {
                        lastReadNanos = now; // not reading is our doing, not the peer's silence
                    }
                    long idleAt = lastReadNanos + config.idleTimeout().toNanos();
                    if (now - idleAt >= 0) {
                        log.debug("{} idle, closing", this);
                        closeWith(CloseStatus.GOING_AWAY, "idle timeout");
                    } else {
                        timers.schedule(TimerKind.IDLE, idleAt);
                    }
                }
            }
            case PING -> {
                if (open) {
                    if (!awaitingPong) {
                        send.control(FrameEncoder.frame(Opcode.PING, true, ByteBuffer.allocate(Long.BYTES).putLong(0, now)));
                        awaitingPong = true;
                        long deadline = config.pongTimeout().toNanos();
                        timers.schedule(TimerKind.PONG, now + (deadline > 0 ? deadline : config.pingInterval().toNanos()));
                    }
                    timers.schedule(TimerKind.PING, now + config.pingInterval().toNanos());
                }
            }
            case PONG -> {
                if (awaitingPong && state == ConnectionState.OPEN) {
                    log.debug("{} did not answer a ping in time; dropping it", this);
                    report(CloseCodes.ABNORMAL_CLOSURE, "no pong", false);
                    closeNow();
                }
            }
            case CLOSE -> {
                if (state == ConnectionState.OPEN) {
                    log.debug("{} did not complete the closing handshake in time", this);
                    reportDrop();
                    closeNow();
                }
            }
            case LINGER -> {
                if (state == ConnectionState.DRAINING || state == ConnectionState.LINGERING) {
                    closeNow();
                }
            }
        }
    }

    // ------------------------------------------------------------------------------------------
    // Topics

    private void subscribed(String topic) {
        if (!send.accepting()) {
            return;
        }
        if (topics == null) {
            topics = new HashSet<>(4);
        }
        if (topics.add(topic)) {
            loop.topics().subscribe(topic, this);
        }
    }

    private void unsubscribed(String topic) {
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
        return send.text(Objects.requireNonNull(text, "text"));
    }

    @Override
    public SendResult send(ByteBuffer data) {
        return send.binary(Objects.requireNonNull(data, "data"));
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
        return send.ping(payload);
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
        if (why.getBytes(StandardCharsets.UTF_8).length > FrameEncoder.MAX_CLOSE_REASON_BYTES) {
            throw new IllegalArgumentException("close reason longer than 123 UTF-8 bytes");
        }
        if (!isOpen()) {
            return;
        }
        send.stopAccepting(); // later sends are dropped; earlier ones go out before the close frame
        if (loop.inLoop()) {
            closeWith(code, why);
        } else {
            loop.execute(() -> closeWith(code, why));
        }
    }

    @Override
    public boolean isOpen() {
        return state == ConnectionState.OPEN && send.accepting();
    }

    @Override
    public long bufferedAmount() {
        return send.queued();
    }

    @Override
    public InetSocketAddress remoteAddress() {
        return transport.remoteAddress();
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
            subscribed(topic);
        } else {
            loop.execute(() -> subscribed(topic));
        }
    }

    @Override
    public void unsubscribe(String topic) {
        Objects.requireNonNull(topic, "topic");
        if (loop.inLoop()) {
            unsubscribed(topic);
        } else {
            loop.execute(() -> unsubscribed(topic));
        }
    }

    @Override
    public String toString() {
        return "WebSocket[" + transport.remoteAddress() + (request != null ? " " + request.path() : "") + "]";
    }
}
