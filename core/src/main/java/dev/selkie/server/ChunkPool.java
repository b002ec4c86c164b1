package dev.selkie.server;

import java.nio.ByteBuffer;

/**
 * One event loop's write chunks: fixed-size heap buffers that outbound queues borrow while small
 * frames wait to be written and give back once written. A connection holds none while idle; the
 * loop keeps at most {@link #MAX_SPARE} spares after a burst. Event-loop thread only.
 */
final class ChunkPool {
    /** Bytes per chunk; frames up to this size may be encoded into a chunk. */
    static final int CHUNK_SIZE = 4096;
    /** Spare chunks kept (4 MiB). */
    static final int MAX_SPARE = 1024;

    private final SparePool<ByteBuffer> spares =
            new SparePool<>(MAX_SPARE, () -> ByteBuffer.allocate(CHUNK_SIZE).limit(0));

    /** An empty chunk (position = limit = 0). */
    ByteBuffer take() {
        return spares.take();
    }

    /** Takes back a chunk that nobody writes or reads any more. */
    void give(ByteBuffer chunk) {
        chunk.position(0).limit(0);
        spares.give(chunk);
    }

    /** Spare chunks held (for tests). */
    int spares() {
        return spares.size();
    }
}
