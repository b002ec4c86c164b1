package dev.selkie.server;

import java.nio.ByteBuffer;

/**
 * One event loop's spare write chunks: fixed-size heap buffers that outbound queues borrow while
 * small frames wait to be written and give back once written. A connection holds none while idle;
 * the loop keeps at most {@link #MAX_SPARE} spares after a burst. Event-loop thread only.
 */
final class ChunkPool {
    /** Bytes per chunk; frames up to this size may be encoded into a chunk. */
    static final int CHUNK_SIZE = 4096;
    /** Spare chunks kept (4 MiB). */
    static final int MAX_SPARE = 1024;

    private final ByteBuffer[] spare = new ByteBuffer[MAX_SPARE];
    private int count;

    /** An empty chunk (position = limit = 0). */
    ByteBuffer take() {
        if (count == 0) {
            return ByteBuffer.allocate(CHUNK_SIZE).limit(0);
        }
        ByteBuffer chunk = spare[--count];
        spare[count] = null;
        return chunk;
    }

    /** Takes back a chunk that nobody writes or reads any more. */
    void give(ByteBuffer chunk) {
        if (count < MAX_SPARE) {
            chunk.position(0).limit(0);
            spare[count++] = chunk;
        }
    }

    /** Spare chunks held (for tests). */
    int spares() {
        return count;
    }
}
