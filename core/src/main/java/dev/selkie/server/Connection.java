package dev.selkie.server;

import dev.selkie.RejectionReason;
import dev.selkie.SendResult;
import dev.selkie.protocol.Extensions;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.Selector;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One accepted connection, on its TCP side: moves it through its {@link ConnectionState}s. Bytes
 * come up from its {@link Transport} and go to the {@link HandshakeStage} until its {@link
 * HandshakeOutcome}, then to its {@link Session}, the WebSocket side; what is to be sent goes
 * through its {@link SendQueue}, which it flushes; after the last bytes it drains, lingers and
 * closes the socket. Owned by one {@link EventLoop}: loop thread only, but for the methods marked
 * "any thread".
 */
final class Connection implements Transport.Sink, HandshakeStage.Host, SendQueue.Writer, Timer.Owner {
    private static final Logger log = LoggerFactory.getLogger(Connection.class);
    private static final long DEFAULT_LINGER_NANOS = TimeUnit.SECONDS.toNanos(1);

    private final EventLoop loop;
    private final ServerConfig config;
    private final Transport transport;
    private final SendQueue send;
    /** Written on the loop; read by any thread. */
    private volatile ConnectionState state = ConnectionState.HANDSHAKE;
    /** The HTTP side, from the request's first bytes until the handshake's outcome; else null. */
    private HandshakeStage handshake;
    /** The WebSocket side, from the opening on. */
    private Session session;
    private Timer lingerTimer;
    /** Bytes read and not yet decoded, waiting for the session (see {@link #receiveOpen}). */
    private ByteBuffer pendingInput;
    /** Whether {@link #receivePending} is queued for the next turn. */
    private boolean pendingScheduled;
    /** Why reading is paused. */
    private final ReadPauses pauses;
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
        this.pauses = new ReadPauses(transport, loop);
    }

    EventLoop loop() {
        return loop;
    }

    /** Any thread. */
    ConnectionState state() {
        return state;
    }

    /** The WebSocket side, or null before the connection opened. */
    Session session() {
        return session;
    }

    /** The client's address as the transport knows it (a trusted PROXY header's, else the socket's). Any thread. */
    @Override
    public InetSocketAddress remoteAddress() {
        return transport.declaredRemoteAddress().orElseGet(transport::remoteAddress);
    }

    @Override
    public InetSocketAddress socketAddress() {
        return transport.remoteAddress();
    }

    @Override
    public boolean secure() {
        return transport.secure();
    }

    @Override
    public java.util.Optional<String> serverName() {
        return transport.serverName();
    }

    /** Registers the transport with the loop's selector and starts the handshake's deadline. */
    void register(Selector selector) throws IOException {
        transport.register(selector, this, this);
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
        ConnectionState before;
        do {
            before = state;
            switch (before) {
                case HANDSHAKE -> stage().feed(in);
                case OPEN -> receiveOpen(in);
                case DRAINING, LINGERING, CLOSED -> in.position(in.limit());
            }
        } while (in.hasRemaining() && state != before);
    }

    /**
     * Bytes for the session: decoded now, or kept until it may take them, not reading meanwhile. It
     * leaves input when it has decoded as much as one read may (compressed messages that inflate to
     * a lot: the rest waits for the loop's next turn) or when the application paused reading (the
     * rest waits for the resume). Bytes arriving while earlier ones wait queue behind them.
     */
    private void receiveOpen(ByteBuffer in) {
        if (pendingInput != null) {
            pendingInput = ByteBuffer.allocate(pendingInput.remaining() + in.remaining())
                    .put(pendingInput).put(in).flip();
            return;
        }
        session.receive(in);
        if (in.hasRemaining() && state == ConnectionState.OPEN) {
            pendingInput = ByteBuffer.allocate(in.remaining()).put(in).flip();
            pauses.set(ReadPauses.PENDING, true);
            schedulePending();
        }
    }

    /** The kept bytes go to the session in the next turn, unless the application holds them. */
    private void schedulePending() {
        if (!pendingScheduled && !pauses.has(ReadPauses.APPLICATION)) {
            pendingScheduled = true;
            loop.executeNextTurn(this::receivePending);
        }
    }

    private void receivePending() {
        pendingScheduled = false;
        if (state == ConnectionState.OPEN && pauses.has(ReadPauses.APPLICATION)) {
            return; // the resume schedules this again
        }
        ByteBuffer input = pendingInput;
        pendingInput = null;
        if (input != null && state == ConnectionState.OPEN) {
            session.receive(input);
            if (input.hasRemaining() && state == ConnectionState.OPEN) {
                pendingInput = input;
                schedulePending();
                return;
            }
        }
        pauses.set(ReadPauses.PENDING, false);
    }

    private HandshakeStage stage() {
        if (handshake == null) {
            handshake = loop.pools().takeStage(this); // from the request's first byte only
        }
        return handshake;
    }

    @Override
    public void endOfStream() {
        switch (state) {
            case OPEN -> {
                log.debug("{} dropped without a closing handshake", this);
                session.dropped();
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
        forceClose();
    }

    /** An unexpected failure while serving this connection (a bug of ours): it ends; the loop goes on. */
    void failed(RuntimeException error) {
        log.error("internal error on {}", this, error);
        if (session != null) {
            session.internalError(error);
        }
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
        loop.pools().recycle(handshake); // its last step was to call us, and nothing else holds it
        handshake = null;
        if (outcome instanceof HandshakeOutcome.Upgrade upgrade) {
            SwitchingProtocols.queue(send, loop.pools().handshakeScratch(), upgrade.request().fields(),
                    upgrade.subprotocol(), Extensions.answer(upgrade.extensions()), upgrade.extraHeaders());
            session = new Session(this, send, upgrade);
            state = ConnectionState.OPEN;
            loop.metrics().opened();
            pauses.set(ReadPauses.DECISION, false);
            log.debug("opened {}", this);
            session.opened();
            if (upgrade.early() != null && state == ConnectionState.OPEN) {
                receiveOpen(upgrade.early());
            }
        } else {
            HandshakeOutcome.Respond respond = (HandshakeOutcome.Respond) outcome;
            if (respond.rejection() != null) {
                loop.metrics().rejected(respond.rejection());
            }
            send.raw(respond.response());
            finish(true);
        }
    }

    @Override
    public void interim(ByteBuffer response) {
        send.raw(response);
    }

    @Override
    public void handshakeReading(boolean on) {
        pauses.set(ReadPauses.DECISION, !on);
    }

    /** Whether the opening handshake is still under way (the loop's deadlines ask). */
    boolean handshaking() {
        return state == ConnectionState.HANDSHAKE;
    }

    /**
     * The opening handshake is past its deadline (slowloris defence): close, but for a pending
     * asynchronous HTTP response, which is answered 503 first.
     */
    void handshakeTimedOut() {
        log.debug("handshake of {} timed out", this);
        loop.metrics().rejected(RejectionReason.HANDSHAKE_TIMEOUT);
        if (handshake == null || !handshake.answerTimedOut()) {
            closeNow();
        }
    }

    // ------------------------------------------------------------------------------------------
    // The end

    /** Stop of the server: a close frame with {@code code} for open connections, drop handshakes. */
    void shutdown(int code, String reason) {
        switch (state) {
            case OPEN -> session.closeWith(code, reason);
            case HANDSHAKE, LINGERING -> closeNow();
            default -> {
            }
        }
    }

    /** TCP ends without more ado: the session (if open) reports the drop, the socket closes. */
    void forceClose() {
        if (state == ConnectionState.OPEN) {
            session.dropped();
        }
        closeNow();
    }

    /**
     * The last bytes are queued (an HTTP response, or the closing handshake ended): write them, then
     * FIN and read to the peer's FIN ({@code linger}: after an error or an HTTP answer, so the peer
     * sees them rather than a reset) or close at once (a clean close), within the close timeout.
     */
    void finish(boolean linger) {
        if (state == ConnectionState.HANDSHAKE || state == ConnectionState.OPEN) {
            lingerAfterFlush = linger;
            state = ConnectionState.DRAINING;
            long timeout = config.closeTimeout().toNanos();
            lingerTimer = loop.deadlines().schedule(this, 0,
                    loop.clockNow() + (timeout > 0 ? timeout : DEFAULT_LINGER_NANOS));
            markDirty();
        }
    }

    /** The peer did not close its side in time after our last bytes. */
    @Override
    public void timerExpired(int kind) {
        if (state == ConnectionState.DRAINING || state == ConnectionState.LINGERING) {
            closeNow();
        }
    }

    @Override
    public void timerFailed(RuntimeException error) {
        failed(error);
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
        pauses.clear();
    }

    /** Closes the socket now, dropping anything unwritten. Idempotent. */
    void closeNow() {
        if (state == ConnectionState.CLOSED) {
            return;
        }
        state = ConnectionState.CLOSED;
        if (lingerTimer != null) {
            lingerTimer.cancel();
        }
        transport.close();
        send.discard();
        pendingInput = null;
        if (session != null) {
            session.socketClosed();
        }
        if (handshake != null) {
            handshake.reset(null); // a decision that comes later finds it waiting for nobody
            handshake = null;
        }
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

    /** Whether the transport waits for the socket to take more bytes. */
    boolean writeBlocked() {
        return transport.writeBlocked();
    }

    /** Why reading is paused: the listener's calls and the timers consult and set it too. */
    ReadPauses pauses() {
        return pauses;
    }

    /**
     * {@link dev.selkie.WebSocket#pauseReading()} ({@code paused}) or {@code resumeReading()}; any
     * thread. The latest wish is applied on the loop: at once on the loop thread, else as a loop task
     * (after the tasks this thread queued before). No effect once the WebSocket is not open.
     */
    void applicationPause(boolean paused) {
        if (session == null || !session.isOpen()) {
            return;
        }
        pauses.request(paused);
        if (loop.inLoop()) {
            applyApplicationPause();
        } else {
            loop.execute(this::applyApplicationPause);
        }
    }

    /**
     * The application's pause holds while it asks for one and the WebSocket is open with no close
     * frame sent by this side. Paused: the socket is not read and the protocol stops before its next
     * frame, keeping the rest of a read; resumed: that rest is decoded in the next turn, then the
     * socket is read again.
     */
    private void applyApplicationPause() {
        boolean paused = pauses.requested() && state == ConnectionState.OPEN && session.active();
        if (paused == pauses.has(ReadPauses.APPLICATION)) {
            return;
        }
        session.protocol().hold(paused); // before reading resumes: a transport may hand up bytes at once
        pauses.set(ReadPauses.APPLICATION, paused);
        if (!paused && pendingInput != null) {
            schedulePending();
        }
    }

    /** This side sent its close frame, or the executor failed: read on to the peer's close, whoever paused. */
    void readToClose() {
        pauses.set(ReadPauses.DISPATCH, false);
        applyApplicationPause();
    }

    /** A message for many recipients (broadcast, publish); {@code onLoop}: called on this connection's loop. */
    SendResult offer(SharedMessage message, boolean onLoop) {
        return send.offer(message, onLoop);
    }

    /** Whether an outbound queue is held (only while bytes wait to be written). */
    boolean holdsOutboundQueue() {
        return send.holdsQueue();
    }

    @Override
    public String toString() {
        return session != null ? session.toString() : "WebSocket[" + transport.remoteAddress() + "]";
    }
}
