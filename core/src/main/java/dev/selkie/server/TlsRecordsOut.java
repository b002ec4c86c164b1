package dev.selkie.server;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.GatheringByteChannel;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLEngineResult;
import javax.net.ssl.SSLEngineResult.HandshakeStatus;
import javax.net.ssl.SSLException;

/**
 * The ciphertext a {@link TlsTransport} hands to the transport below: written at once when the
 * socket takes it, and what it does not take copied into a queue the connection holds only until
 * it is written ({@link #flush} when the socket takes more). Loop thread only.
 */
final class TlsRecordsOut {
    private static final ByteBuffer[] NOTHING = {ByteBuffer.allocate(0)};
    private final Transport lower;
    private final LoopPools pools;
    /** Ciphertext the transport below did not take yet; null when none. */
    private OutboundQueue pending;

    TlsRecordsOut(Transport lower, LoopPools pools) {
        this.lower = lower;
        this.pools = pools;
    }

    /** Whether ciphertext waits for the socket. */
    boolean holding() {
        return pending != null;
    }

    /**
     * Hands {@code bytes} (in the loop's batch buffer, or any buffer the caller does not reuse before
     * this returns) down; what is not taken now is copied and kept, behind anything kept before.
     *
     * @return true if everything went (false: wait for {@link #flush} to succeed)
     */
    boolean send(ByteBuffer bytes) throws IOException {
        if (!bytes.hasRemaining()) {
            return pending == null;
        }
        if (pending != null) {
            pending.add(copy(bytes));
            return false;
        }
        OutboundQueue queue = pools.takeQueue();
        queue.add(bytes);
        lower.write(queue);
        queue.takeReleased(); // this queue's costs are nobody's limit; a recycled queue must start at zero
        if (queue.isEmpty()) {
            pools.recycle(queue);
            return true;
        }
        ByteBuffer rest = copy(bytes);
        queue.clear();
        queue.takeReleased();
        queue.add(rest);
        pending = queue;
        return false;
    }

    /**
     * Wraps what {@code engine} wants to send of its own (handshake flights, session tickets, alerts,
     * close_notify) into batches and hands them down, until it wants nothing more or a batch comes
     * out empty (never spinning on an engine that asks and gives nothing).
     *
     * @throws SSLException if the engine fails; any other IOException is the transport's below
     */
    void sendEngineOutput(SSLEngine engine) throws IOException {
        while (true) {
            int packetSize = engine.getSession().getPacketBufferSize();
            ByteBuffer batch = pools.tlsBuffers().ciphertext(packetSize);
            do {
                SSLEngineResult result = engine.wrap(NOTHING, batch);
                if (result.getStatus() == SSLEngineResult.Status.BUFFER_OVERFLOW) {
                    break; // the batch is full: send it, then go on
                }
                if (result.getStatus() == SSLEngineResult.Status.CLOSED || result.bytesProduced() == 0) {
                    break;
                }
            } while (engine.getHandshakeStatus() == HandshakeStatus.NEED_WRAP && batch.remaining() >= packetSize);
            boolean produced = batch.position() > 0;
            send(batch.flip());
            if (!produced || engine.getHandshakeStatus() != HandshakeStatus.NEED_WRAP || engine.isOutboundDone()) {
                return;
            }
        }
    }

    /** Closes the engine's output and sends what that produces (close_notify, an alert) once, without waiting. */
    void sendLast(SSLEngine engine) throws IOException {
        engine.closeOutbound();
        ByteBuffer batch = pools.tlsBuffers().ciphertext(engine.getSession().getPacketBufferSize());
        engine.wrap(NOTHING, batch);
        send(batch.flip());
    }

    /** Writes what is kept; true once nothing is. */
    boolean flush() throws IOException {
        if (pending == null) {
            return true;
        }
        lower.write(pending);
        pending.takeReleased();
        if (!pending.isEmpty()) {
            return false;
        }
        pools.recycle(pending);
        pending = null;
        return true;
    }

    /** Drops what is kept (the connection closes). */
    void release() {
        if (pending != null) {
            pending.clear();
            pending.takeReleased();
            pools.recycle(pending);
            pending = null;
        }
    }

    private static ByteBuffer copy(ByteBuffer bytes) {
        return ByteBuffer.allocate(bytes.remaining()).put(bytes).flip();
    }

    /**
     * The channel a connection's queue is written to under TLS: each write wraps as many records
     * as the batch buffer holds and reports the plaintext bytes it consumed, so the queue's
     * gathering write drives the encryption.
     */
    static final class Wrapper implements GatheringByteChannel {
        private final SSLEngine engine;
        private ByteBuffer out;
        /** Set when wrapping failed; the caller throws it. */
        IOException failure;
        /** Set when the engine stopped to handshake (a renegotiation or key update). */
        boolean handshakeAgain;

        Wrapper(SSLEngine engine) {
            this.engine = engine;
        }

        void into(ByteBuffer batch) {
            out = batch;
        }

        @Override
        public long write(ByteBuffer[] srcs, int offset, int length) {
            long consumed = 0;
            int packet = engine.getSession().getPacketBufferSize();
            while (out.remaining() >= packet && remaining(srcs, offset, length)) {
                SSLEngineResult result;
                try {
                    result = engine.wrap(srcs, offset, length, out);
                } catch (SSLException e) {
                    failure = e;
                    return consumed;
                }
                consumed += result.bytesConsumed();
                if (result.getStatus() == SSLEngineResult.Status.CLOSED) {
                    failure = new IOException("TLS output is closed");
                    return consumed;
                }
                if (result.getStatus() != SSLEngineResult.Status.OK || result.bytesConsumed() == 0) {
                    HandshakeStatus hs = result.getHandshakeStatus();
                    handshakeAgain = hs != HandshakeStatus.NOT_HANDSHAKING && hs != HandshakeStatus.FINISHED;
                    return consumed;
                }
            }
            return consumed;
        }

        private static boolean remaining(ByteBuffer[] srcs, int offset, int length) {
            for (int i = offset; i < offset + length; i++) {
                if (srcs[i].hasRemaining()) {
                    return true;
                }
            }
            return false;
        }

        @Override
        public long write(ByteBuffer[] srcs) {
            return write(srcs, 0, srcs.length);
        }

        @Override
        public int write(ByteBuffer src) {
            return (int) write(new ByteBuffer[] {src}, 0, 1);
        }

        @Override
        public boolean isOpen() {
            return true;
        }

        @Override
        public void close() {
        }
    }
}
