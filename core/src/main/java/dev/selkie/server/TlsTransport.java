package dev.selkie.server;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.Optional;
import java.util.concurrent.Executor;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLEngineResult;
import javax.net.ssl.SSLEngineResult.HandshakeStatus;
import javax.net.ssl.SSLException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * TLS over the transport beneath it (the plain TCP one, or the PROXY header reader above that),
 * driven by the connection's event loop with an {@link SSLEngine} of any JSSE provider: ciphertext
 * comes up from below and is unwrapped, record after record, until the engine needs more
 * (BUFFER_UNDERFLOW); the plaintext goes up to the connection; what the connection writes is
 * wrapped in batches of records and handed down. The engine's own writes (handshake flights, TLS
 * 1.3 session tickets, alerts, {@code close_notify}) go down whenever it asks (NEED_WRAP), from
 * the read path too. Delegated tasks (NEED_TASK) run on a small executor off the loop; reading
 * pauses meanwhile and the connection is driven again on its loop when they are done, starting
 * with any records already buffered.
 *
 * <p>Memory: decryption and encryption use the loop's {@link TlsBuffers}; a connection holds a
 * buffer of its own only while a partial record waits for the rest, or ciphertext for the socket.
 * An idle TLS connection holds none.
 *
 * <p>Closing: {@link #shutdownOutput} sends {@code close_notify} and then the FIN (once the
 * ciphertext before it is written); a {@code close_notify} from the peer is the end of its stream;
 * {@link #close} sends {@code close_notify} if it can without waiting and closes. How long a close
 * may take is the connection's close timeout. A first read that is plain HTTP gets a plaintext 400
 * telling to use {@code https://} or {@code wss://}; one that is not TLS fails the connection
 * (logged at debug). Loop thread only.
 */
final class TlsTransport extends LayeredTransport {
    private static final Logger log = LoggerFactory.getLogger(TlsTransport.class);

    /** The TLS side of the connection. */
    enum State {
        /** Nothing received yet: plain HTTP, garbage or a ClientHello. */
        FIRST_BYTES,
        /** The TLS handshake is under way. */
        HANDSHAKING,
        /** Application data flows. */
        OPEN,
        /** Plain HTTP came; the 400 is on its way and then the FIN. */
        REFUSING_PLAINTEXT,
        /** Closed. */
        CLOSED
    }

    private final SSLEngine engine;
    private final EventLoop loop;
    private final TlsTasks tasks;
    private final TlsRecordsOut.Wrapper wrapper;
    private State state = State.FIRST_BYTES;
    /** A partial record (or records waiting for a delegated task). */
    private final TlsRecordsIn in;
    /** Ciphertext on its way down, and what the transport below did not take yet. */
    private final TlsRecordsOut out;
    private boolean readingWanted = true;
    /** The connection wrote while the handshake or the socket held writes back: tell it when they go. */
    private boolean writeWanted;
    private boolean finAfterFlush;
    private boolean outputShut;
    private String serverName;

    TlsTransport(Transport lower, SSLEngine engine, EventLoop loop, Executor tasks) {
        super(lower);
        this.engine = engine;
        this.loop = loop;
        this.tasks = new TlsTasks(engine, tasks, loop);
        this.out = new TlsRecordsOut(lower, loop.pools());
        this.in = new TlsRecordsIn(new TlsRecordsIn.Reader() {
            @Override
            public void unwrap(ByteBuffer src) {
                TlsTransport.this.unwrap(src);
            }

            @Override
            public boolean paused() {
                return TlsTransport.this.tasks.running();
            }

            @Override
            public boolean closed() {
                return state == State.CLOSED;
            }

            @Override
            public int packetSize() {
                return TlsTransport.this.packetSize();
            }
        }, loop.pools().tlsBuffers());
        this.wrapper = new TlsRecordsOut.Wrapper(engine);
    }

    State state() {
        return state;
    }

    /** Whether the connection holds a buffer of its own (a partial record, or ciphertext waiting). */
    boolean holdsBuffers() {
        return in.holding() || out.holding();
    }

    // ------------------------------------------------------------------------------------------
    // Transport, to the connection above

    @Override
    public void write(OutboundQueue queue) throws IOException {
        if (queue.isEmpty() || state == State.CLOSED) {
            return;
        }
        if (state != State.OPEN || out.holding()) {
            writeWanted = true; // after the handshake, or when the socket takes ciphertext again
            return;
        }
        TlsBuffers buffers = loop.pools().tlsBuffers();
        while (!queue.isEmpty() && state == State.OPEN) {
            ByteBuffer batch = buffers.ciphertext(packetSize());
            wrapper.into(batch);
            long consumed = queue.writeTo(wrapper); // wraps until the batch is full or the queue is empty
            if (wrapper.failure != null) {
                IOException failure = wrapper.failure;
                wrapper.failure = null;
                throw failure;
            }
            if (!out.send(batch.flip())) {
                writeWanted = !queue.isEmpty();
                return;
            }
            if (wrapper.handshakeAgain) { // a renegotiation or key update wants the engine's turn
                wrapper.handshakeAgain = false;
                if (!handshakeSteps(engine.getHandshakeStatus()) || state != State.OPEN) {
                    writeWanted = !queue.isEmpty();
                    return;
                }
            } else if (consumed == 0) {
                writeWanted = !queue.isEmpty(); // the engine takes nothing now: wait, never spin
                return;
            }
        }
    }

    @Override
    public boolean writeBlocked() {
        return state != State.OPEN || out.holding() || lower.writeBlocked();
    }

    @Override
    public void reading(boolean on) {
        readingWanted = on;
        if (!tasks.running()) {
            lower.reading(on);
        }
    }

    @Override
    public void shutdownOutput() throws IOException {
        if (outputShut || state == State.CLOSED) {
            return;
        }
        outputShut = true;
        engine.closeOutbound();
        wrapEngineOutput();
        if (out.holding()) {
            finAfterFlush = true; // after the ciphertext before it
        } else {
            lower.shutdownOutput();
        }
    }

    @Override
    public void close() {
        if (state == State.CLOSED) {
            return;
        }
        boolean sendCloseNotify = state == State.OPEN && !outputShut && !out.holding();
        state = State.CLOSED;
        if (sendCloseNotify) { // as a courtesy, if the socket takes it now; never waited for
            lastRecords();
        }
        engine.closeOutbound();
        try {
            engine.closeInbound(); // lets a native provider free its state now
        } catch (SSLException e) {
            // the peer did not send close_notify: nothing to do about it here
        }
        releaseBuffers();
        lower.close();
    }

    @Override
    public Optional<String> serverName() {
        return Optional.ofNullable(serverName);
    }

    @Override
    public boolean secure() {
        return true;
    }

    // ------------------------------------------------------------------------------------------
    // Sink, from the transport below

    @Override
    public void received(ByteBuffer in) {
        switch (state) {
            case FIRST_BYTES -> {
                if (TlsFirstBytes.plainHttp(in.get(in.position()))) {
                    refusePlaintext();
                    in.position(in.limit());
                    return;
                }
                state = State.HANDSHAKING;
                this.in.received(in);
            }
            case HANDSHAKING, OPEN -> this.in.received(in);
            case REFUSING_PLAINTEXT, CLOSED -> in.position(in.limit());
        }
    }

    @Override
    public void endOfStream() {
        if (state != State.CLOSED) {
            upper.endOfStream(); // with or without close_notify: the connection ends either way
        }
    }

    @Override
    public void failed(IOException error) {
        if (state != State.CLOSED) {
            upper.failed(error);
        }
    }

    @Override
    public void writable() {
        if (state == State.CLOSED) {
            return;
        }
        try {
            if (!out.flush()) {
                return;
            }
            if (finAfterFlush) {
                finAfterFlush = false;
                lower.shutdownOutput();
            }
        } catch (IOException e) {
            upper.failed(e);
            return;
        }
        if (writeWanted && state == State.OPEN) {
            writeWanted = false;
            upper.writable();
        }
    }

    // ------------------------------------------------------------------------------------------
    // Reading

    private void refusePlaintext() {
        state = State.REFUSING_PLAINTEXT;
        loop.metrics().rejected(dev.selkie.RejectionReason.PLAINTEXT_ON_TLS_PORT);
        log.debug("plain HTTP from {} on a TLS port: 400", remoteAddress());
        try {
            if (out.send(ByteBuffer.wrap(TlsFirstBytes.PLAIN_HTTP_ANSWER))) {
                lower.shutdownOutput();
            } else {
                finAfterFlush = true;
            }
        } catch (IOException e) {
            upper.failed(e);
        }
        // the connection's handshake deadline closes it if the client never closes its side
    }

    /** Unwraps records from {@code src} until it needs more bytes, a task runs, or the connection ends. */
    private void unwrap(ByteBuffer src) {
        TlsBuffers buffers = loop.pools().tlsBuffers();
        int idle = 0; // steps in a row that consumed and produced nothing: never spin on them
        while (state == State.HANDSHAKING || state == State.OPEN) {
            if (tasks.running() || engine.isInboundDone() || idle > 2) {
                return;
            }
            ByteBuffer plaintext = buffers.plaintext(engine.getSession().getApplicationBufferSize());
            SSLEngineResult result;
            try {
                result = engine.unwrap(src, plaintext);
            } catch (SSLException e) {
                tlsFailed(e);
                return;
            }
            if (plaintext.position() > 0) {
                upper.received(plaintext.flip()); // consumed or copied by the connection during the call
                if (state == State.CLOSED) {
                    return;
                }
            }
            switch (result.getStatus()) {
                case BUFFER_UNDERFLOW -> {
                    handshakeSteps(result.getHandshakeStatus());
                    return; // the rest of the record is still to come
                }
                case BUFFER_OVERFLOW -> {
                    buffers.growPlaintext(); // and unwrap the same record again: its bytes are still in src
                    idle++;
                    continue;
                }
                case CLOSED -> {
                    // close_notify: answer it (the engine wants to wrap ours) and end the stream
                    handshakeSteps(result.getHandshakeStatus());
                    if (state != State.CLOSED) {
                        upper.endOfStream();
                    }
                    return;
                }
                case OK -> {
                    if (!handshakeSteps(result.getHandshakeStatus())) {
                        return;
                    }
                    if (!src.hasRemaining()) {
                        return;
                    }
                    idle = result.bytesConsumed() == 0 && result.bytesProduced() == 0 ? idle + 1 : 0;
                }
            }
        }
    }

    /**
     * Does what the engine asks after an operation: wraps its messages, starts delegated tasks,
     * notes the end of the handshake.
     *
     * @return false if unwrapping must stop for now (a task runs, or the connection failed)
     */
    private boolean handshakeSteps(HandshakeStatus status) {
        HandshakeStatus next = status;
        while (true) {
            switch (next) {
                case NEED_TASK -> {
                    runTasks();
                    return false;
                }
                case NEED_WRAP -> {
                    if (!wrapEngineOutput()) {
                        return false;
                    }
                    next = engine.getHandshakeStatus();
                    if (next == HandshakeStatus.NOT_HANDSHAKING) {
                        handshakeFinished();
                        return state != State.CLOSED;
                    }
                }
                case FINISHED -> {
                    handshakeFinished();
                    next = engine.getHandshakeStatus();
                    if (next == HandshakeStatus.NOT_HANDSHAKING || next == HandshakeStatus.FINISHED) {
                        return state != State.CLOSED;
                    }
                }
                case NOT_HANDSHAKING -> {
                    if (state == State.HANDSHAKING && !engine.isInboundDone() && !engine.isOutboundDone()) {
                        handshakeFinished(); // a provider that reports no FINISHED result
                    }
                    return state != State.CLOSED;
                }
                default -> { // NEED_UNWRAP, NEED_UNWRAP_AGAIN: the peer's turn
                    return state != State.CLOSED;
                }
            }
        }
    }

    private void handshakeFinished() {
        if (state != State.HANDSHAKING) {
            return;
        }
        state = State.OPEN;
        serverName = TlsSetup.requestedServerName(engine.getSession());
        if (log.isDebugEnabled()) {
            log.debug("TLS with {}: {} {}{}", remoteAddress(), engine.getSession().getProtocol(),
                    engine.getSession().getCipherSuite(), serverName == null ? "" : " for " + serverName);
        }
        if (writeWanted) {
            writeWanted = false;
            upper.writable();
        }
    }

    /** Sends what the engine wants to send on its own; false if the connection failed. */
    private boolean wrapEngineOutput() {
        try {
            out.sendEngineOutput(engine);
            return true;
        } catch (SSLException e) {
            tlsFailed(e);
        } catch (IOException e) {
            upper.failed(e);
        }
        return false;
    }

    /** The engine's delegated tasks, off the loop; reading pauses until they are done. */
    private void runTasks() {
        lower.reading(false);
        tasks.start(this::tasksDone);
    }

    /** On the loop, after the delegated tasks: go on where the engine stands, then with buffered records. */
    private void tasksDone() {
        if (state == State.CLOSED) {
            return;
        }
        lower.reading(readingWanted);
        if (!handshakeSteps(engine.getHandshakeStatus())) {
            return;
        }
        in.drain(); // the records that came while the task ran, maybe the whole next flight
    }

    private void tlsFailed(SSLException e) {
        log.debug("TLS with {} failed: {}", remoteAddress(), e.toString());
        loop.metrics().tlsFailed(state == State.HANDSHAKING);
        lastRecords(); // the engine may have an alert to send
        upper.failed(e);
    }

    /** Closes the engine's output and sends what that produces (close_notify, an alert) once, without waiting. */
    private void lastRecords() {
        try {
            out.sendLast(engine);
        } catch (IOException | RuntimeException e) {
            log.debug("last TLS records to {} not sent: {}", remoteAddress(), e.toString());
        }
    }

    private int packetSize() {
        return engine.getSession().getPacketBufferSize();
    }

    private void releaseBuffers() {
        in.release();
        out.release();
    }
}
