package dev.selkie.server;

import dev.selkie.AttributeKey;
import dev.selkie.CloseCodes;
import dev.selkie.HttpRequest;
import dev.selkie.PreparedMessage;
import dev.selkie.SendResult;
import dev.selkie.WebSocket;
import dev.selkie.protocol.CloseStatus;
import dev.selkie.protocol.Extension;
import dev.selkie.protocol.FrameEncoder;
import dev.selkie.protocol.ProtocolHandler;
import dev.selkie.protocol.Role;
import dev.selkie.protocol.WebSocketProtocol;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.RejectedExecutionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The WebSocket side of one connection, from the accepted upgrade on: the {@link WebSocket} the
 * application holds, the protocol core's handler, the keep-alive and closing timers' actions, its
 * topics and the one report of its closure. Its {@link Connection} keeps the TCP side (reading,
 * draining, lingering, the socket). The {@link WebSocket} methods may be called from any thread:
 * sends go straight to the {@link SendQueue}; closing and subscriptions are carried to the loop.
 * Everything else runs on the connection's loop.
 */
final class Session implements WebSocket, ProtocolHandler, SendQueue.Events, ListenerCalls.Owner,
        ConnectionTimers.Actions {
    private static final Logger log = LoggerFactory.getLogger(Session.class);
    private static final RateLimitedLog executorRejected = new RateLimitedLog(log);

    private final Connection connection;
    private final EventLoop loop;
    private final ServerConfig config;
    private final SendQueue send;
    private final RequestView request;
    private final String subprotocol;
    private final List<Extension> extensions;
    private final ListenerCalls calls;
    private final Routes.Route route;
    private final Attributes attributes;
    /** Made at the first frame or close: an idle session has none. */
    private WebSocketProtocol protocol;
    /** Made at the first timer. */
    private ConnectionTimers timers;
    /** The close code this side started the closing handshake with (0: it did not). */
    private int closeCodeSent;
    private String closeReasonSent = "";
    private final Subscriptions topics;

    Session(Connection connection, SendQueue send, HandshakeOutcome.Upgrade upgrade) {
        this.connection = connection;
        this.loop = connection.loop();
        this.config = loop.config();
        this.send = send;
        this.request = upgrade.request();
        this.subprotocol = upgrade.subprotocol();
        this.extensions = upgrade.extensions();
        this.route = upgrade.route();
        this.attributes = new Attributes(upgrade.attributes());
        this.topics = new Subscriptions(loop, connection, send);
        this.calls = new ListenerCalls(route.listener(), this, loop, this, connection.pauses());
    }

    Connection connection() {
        return connection;
    }

    /** The connection opened: data may be sent, the timers start, the listener hears of it. */
    void opened() {
        send.open(extensions, this);
        if (!config.idleTimeout().isZero() || !config.pingInterval().isZero()) {
            timers().opened();
        }
        calls.open();
    }

    /** Bytes from the peer (in the OPEN state). */
    void receive(ByteBuffer in) {
        if (timers != null) {
            timers.read(loop.now());
        }
        try {
            protocol().receive(in);
        } catch (RuntimeException e) {
            in.position(in.limit());
            connection.failed(e);
        }
    }

    WebSocketProtocol protocol() {
        if (protocol == null) {
            protocol = new WebSocketProtocol(Role.SERVER, route.maxMessageSize(), extensions, this);
            if (!extensions.isEmpty()) {
                protocol.decodeBudget(ReadPauses.DECODE_BUDGET);
            }
        }
        return protocol;
    }

    /** Whether the frame decoder and closing state exist (from the first frame or close on). */
    boolean holdsProtocolState() {
        return protocol != null;
    }

    /** Executor mode: bytes held by listener calls waiting for the executor; any thread. */
    long dispatchPendingBytes() {
        return calls.pendingBytes();
    }

    // ------------------------------------------------------------------------------------------
    // ProtocolHandler

    @Override
    public void onText(String text) {
        loop.metrics().messageIn();
        calls.text(text);
    }

    @Override
    public void onBinary(ByteBuffer data) {
        loop.metrics().messageIn();
        calls.binary(data);
    }

    @Override
    public void onPing(ByteBuffer payload) {
        calls.ping(payload);
    }

    @Override
    public void decoded(int encodedBytes, int decodedBytes) {
        loop.metrics().decoded(encodedBytes, decodedBytes);
    }

    @Override
    public void sendPong(ByteBuffer payload) {
        if (send.pong(payload, connection.writeBlocked())) {
            // it pings and does not read the pongs: every answer would wait in memory
            loop.metrics().controlFlood();
            log.debug("closing {}: {} pings while its socket took no more bytes", this, SendQueue.MAX_PINGS_WHILE_BLOCKED);
            closeWith(CloseStatus.POLICY_VIOLATION, "control frame flood");
        }
    }

    @Override
    public void onPong(ByteBuffer payload) {
        if (timers != null) {
            timers.pong(payload);
        }
        calls.pong(payload);
    }

    @Override
    public void sendClose(int code, String reason) {
        if (protocol.state() == WebSocketProtocol.State.CLOSING) { // this side starts the closing handshake
            closeCodeSent = code;
            closeReasonSent = reason;
            timers().closing();
        }
        send.last(FrameEncoder.close(code, reason));
        calls.stopPausing();
        connection.readToClose(); // data is dropped from now on: read to the peer's close
    }

    @Override
    public void onClose(int code, String reason) {
        if (closeCodeSent == 0) {
            log.debug("{} closed by peer: {} {}", this, code, reason);
            report(code, reason, true);
        } else {
            report(closeCodeSent, closeReasonSent, false);
        }
        // both close frames seen: nothing more is coming, so the server closes TCP first (RFC 6455 7.1.1)
        connection.finish(false);
    }

    @Override
    public void onProtocolError(int code, String reason) {
        log.debug("protocol violation by {}: {} {}", this, code, reason);
        report(code, reason, false);
        connection.finish(true);
    }

    // ------------------------------------------------------------------------------------------
    // Closing

    /** Starts the closing handshake from this side, if it has not sent its close frame yet; loop thread. */
    void closeWith(int code, String reason) {
        if (connection.state() == ConnectionState.OPEN) {
            protocol().close(code, reason);
        }
    }

    /**
     * TCP ended without the closing handshake: 1006 from the peer, unless this side had started the
     * close, whose code (e.g. 1001 idle, 1008 slow consumer) is then what the application learns.
     */
    void dropped() {
        if (closeCodeSent != 0) {
            report(closeCodeSent, closeReasonSent, false);
        } else {
            report(CloseCodes.ABNORMAL_CLOSURE, "", true);
        }
    }

    /** A bug of ours ended the connection: onError, then onClose with 1011. */
    void internalError(RuntimeException error) {
        if (!calls.closeReported()) {
            calls.error(error);
            report(CloseCodes.INTERNAL_ERROR, "internal error", false);
        }
    }

    /** Reports the closure to the listener, exactly once. */
    private void report(int code, String reason, boolean remote) {
        if (calls.closeReported()) {
            return;
        }
        send.stopAccepting(); // isOpen() is false and sends are dropped from here on
        loop.metrics().closed(code);
        if (timers != null) {
            timers.closed();
            timers.ended();
        }
        topics.leaveAll();
        calls.close(code, reason, remote);
    }

    /** The socket closed: timers, topics and extensions let go. */
    void socketClosed() {
        if (timers != null) {
            timers.cancelAll();
        }
        topics.leaveAll();
        for (Extension extension : extensions) {
            extension.release();
        }
    }

    // ------------------------------------------------------------------------------------------
    // ConnectionTimers.Actions, SendQueue.Events, ListenerCalls.Owner

    private ConnectionTimers timers() {
        if (timers == null) {
            timers = new ConnectionTimers(loop, this, connection.pauses());
        }
        return timers;
    }

    @Override
    public boolean active() {
        return connection.state() == ConnectionState.OPEN && (protocol == null || !protocol.closeSent());
    }

    @Override
    public void idle() {
        log.debug("{} idle, closing", this);
        closeWith(CloseStatus.GOING_AWAY, "idle timeout");
    }

    @Override
    public void keepAlive(ByteBuffer pingFrame) {
        send.control(pingFrame);
    }

    @Override
    public void noPong() {
        if (connection.state() == ConnectionState.OPEN) {
            log.debug("{} did not answer a ping in time; dropping it", this);
            report(CloseCodes.ABNORMAL_CLOSURE, "no pong", false);
            connection.closeNow();
        }
    }

    @Override
    public void closeTimedOut() {
        if (connection.state() == ConnectionState.OPEN) {
            log.debug("{} did not complete the closing handshake in time", this);
            dropped();
            connection.closeNow();
        }
    }

    @Override
    public void failed(RuntimeException error) {
        connection.failed(error);
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
    public void dispatchRejected(RejectedExecutionException e) {
        loop.metrics().executorRejections.increment();
        executorRejected.warn("the listener executor rejected the calls of {}; closing it: {}", this, e.toString());
        connection.readToClose();
        closeWith(CloseStatus.INTERNAL_ERROR, "listener executor rejected work");
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
    public SendResult send(PreparedMessage message) {
        SharedMessage shared = ApiBridge.shared(Objects.requireNonNull(message, "message"));
        return send.offer(shared.forFragmentSize(config.outgoingFragmentSize()), loop.inLoop());
    }

    @Override
    public SendResult ping(ByteBuffer payload) {
        if (payload.remaining() > 125) {
            throw new IllegalArgumentException("ping payload larger than 125 bytes: " + payload.remaining());
        }
        return send.ping(payload);
    }

    @Override
    public void close(int code, String reason) {
        if (!CloseStatus.isValidOnWire(code)) {
            throw new IllegalArgumentException("close code " + code + " may not be sent");
        }
        String why = reason == null ? "" : reason;
        FrameEncoder.checkClose(code, why);
        if (isOpen()) {
            send.stopAccepting(); // later sends are dropped; earlier ones go out before the close frame
            onLoop(() -> closeWith(code, why));
        }
    }

    @Override
    public boolean isOpen() {
        return connection.state() == ConnectionState.OPEN && send.accepting();
    }

    @Override
    public void pauseReading() {
        connection.applicationPause(true);
    }

    @Override
    public void resumeReading() {
        connection.applicationPause(false);
    }

    @Override
    public boolean readingPaused() {
        return connection.pauses().requested() && isOpen();
    }

    @Override
    public long bufferedAmount() {
        return send.queued();
    }

    @Override
    public InetSocketAddress remoteAddress() {
        return request.remoteAddress();
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
    public <T> Optional<T> attribute(AttributeKey<T> key) {
        return Optional.ofNullable(attributes.get(Objects.requireNonNull(key, "key")));
    }

    @Override
    public <T> Optional<T> attribute(AttributeKey<T> key, T value) {
        return Optional.ofNullable(attributes.put(Objects.requireNonNull(key, "key"), value));
    }

    @Override
    public void subscribe(String topic) {
        topics.subscribe(Objects.requireNonNull(topic, "topic"));
    }

    @Override
    public void unsubscribe(String topic) {
        topics.unsubscribe(Objects.requireNonNull(topic, "topic"));
    }

    @Override
    public Set<String> topics() {
        return topics.snapshot();
    }

    /** Runs at once on the loop thread, else as a loop task. */
    private void onLoop(Runnable action) {
        if (loop.inLoop()) {
            action.run();
        } else {
            loop.execute(action);
        }
    }

    @Override
    public String toString() {
        return "WebSocket[" + connection.remoteAddress() + " " + request.path() + "]";
    }
}
