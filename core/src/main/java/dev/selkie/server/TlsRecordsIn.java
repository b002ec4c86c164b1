package dev.selkie.server;

import java.nio.ByteBuffer;

/**
 * The ciphertext a {@link TlsTransport} could not unwrap yet: the start of a record whose rest is
 * still to come, or, while a delegated task runs, everything read meanwhile. It lives in a buffer
 * the size of what came (grown as more comes, never to what a record header declares), taken from
 * the loop's {@link TlsBuffers} and given back as soon as it is empty; records after a kept one are
 * unwrapped straight from the read buffer. Loop thread only.
 */
final class TlsRecordsIn {
    /** The smallest buffer a partial record is kept in. */
    private static final int MIN_KEPT = 512;

    /** The transport that unwraps. */
    interface Reader {
        /** Unwraps what it can from {@code src}, leaving the rest there. */
        void unwrap(ByteBuffer src);

        /** A delegated task runs: keep everything, unwrap nothing. */
        boolean paused();

        /** The connection is closed: drop everything. */
        boolean closed();

        /** The largest record the engine may send us now. */
        int packetSize();
    }

    private final Reader reader;
    private final TlsBuffers buffers;
    private ByteBuffer kept;

    TlsRecordsIn(Reader reader, TlsBuffers buffers) {
        this.reader = reader;
        this.buffers = buffers;
    }

    boolean holding() {
        return kept != null;
    }

    /** Ciphertext from the transport below: unwrapped now as far as it goes, the rest kept. */
    void received(ByteBuffer in) {
        while (in.hasRemaining() && !reader.closed()) {
            if (kept == null) {
                if (!reader.paused()) {
                    reader.unwrap(in);
                }
                if (in.hasRemaining() && !reader.closed()) {
                    kept = buffers.take(Math.max(MIN_KEPT, in.remaining()));
                    kept.put(in);
                }
                return;
            }
            if (reader.paused()) {
                append(in, in.remaining()); // reading is paused too: this is at most one read
                return;
            }
            // complete the kept record from the new bytes, then go on from the read buffer itself
            append(in, Math.max(1, Math.min(in.remaining(), reader.packetSize() - kept.position())));
            drain();
        }
    }

    /** Unwraps what is kept (after a delegated task, or once more bytes came); lets go of the buffer when empty. */
    void drain() {
        if (kept == null || reader.paused()) {
            return;
        }
        ByteBuffer buffer = kept;
        buffer.flip();
        reader.unwrap(buffer);
        if (kept != buffer) {
            return; // released meanwhile (the connection closed)
        }
        if (buffer.hasRemaining()) {
            buffer.compact();
        } else {
            buffers.give(buffer);
            kept = null;
        }
    }

    private void append(ByteBuffer in, int n) {
        if (kept.remaining() < n) {
            ByteBuffer bigger = ByteBuffer.allocate(Math.max(kept.position() + n, 2 * kept.capacity()));
            kept.flip();
            bigger.put(kept);
            buffers.give(kept);
            kept = bigger;
        }
        kept.put(in.slice(in.position(), n));
        in.position(in.position() + n);
    }

    /** Drops what is kept (the connection closes). */
    void release() {
        if (kept != null) {
            buffers.give(kept);
            kept = null;
        }
    }
}
