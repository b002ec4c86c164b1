package dev.selkie.server;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.GatheringByteChannel;

/**
 * A connection's frames waiting to be written, as a ring of buffers that is written with gathering
 * writes straight from the ring's array (no copying of buffer references per write). Event-loop
 * thread only.
 *
 * <p>Small frames sent on the loop thread are encoded straight into a chunk borrowed from the
 * loop's {@link ChunkPool} ({@link #room}, {@link #commit}): consecutive frames share one chunk, so
 * an echo or a burst of small messages costs no allocation and one buffer per write instead of
 * one per frame. A chunk goes back to the pool as soon as it has been written.
 */
final class OutboundQueue {
    private static final int INITIAL = 8;
    private static final int SHRINK_ABOVE = 256;
    /** Buffers per gathering write: the kernel's IOV_MAX on Linux; the JDK writes no more per call. */
    private static final int MAX_BUFFERS_PER_WRITE = 1024;

    private final ChunkPool chunks;
    private ByteBuffer[] ring = new ByteBuffer[INITIAL];
    /** Whether the ring entry at the same index is a chunk of {@link #chunks}. */
    private boolean[] pooled = new boolean[INITIAL];
    private int head;
    private int size;
    private long bytes;
    /** The ring's last entry while it is a chunk that frames may still be appended to; else null. */
    private ByteBuffer tail;

    OutboundQueue(ChunkPool chunks) {
        this.chunks = chunks;
    }

    /** Appends a buffer; its remaining bytes will be written. */
    void add(ByteBuffer buffer) {
        push(buffer, false);
        tail = null; // later frames go after this buffer
        bytes += buffer.remaining();
    }

    /**
     * A chunk with at least {@code length} free bytes after its limit, for a frame of that size
     * ({@code length <= ChunkPool.CHUNK_SIZE}): write the frame into its array at {@code
     * arrayOffset() + limit()}, then {@link #commit} it.
     */
    ByteBuffer room(int length) {
        ByteBuffer chunk = tail;
        if (chunk == null || chunk.capacity() - chunk.limit() < length) {
            chunk = chunks.take();
            push(chunk, true);
            tail = chunk;
        }
        return chunk;
    }

    /** Makes the {@code length} bytes written into the chunk from {@link #room} part of the queue. */
    void commit(int length) {
        tail.limit(tail.limit() + length);
        bytes += length;
    }

    private void push(ByteBuffer buffer, boolean isChunk) {
        if (size == ring.length) {
            grow();
        }
        int index = (head + size) & (ring.length - 1);
        ring[index] = buffer;
        pooled[index] = isChunk;
        size++;
    }

    boolean isEmpty() {
        return size == 0;
    }

    /** Buffers queued. */
    int size() {
        return size;
    }

    /** Bytes queued and not yet written. */
    long bytes() {
        return bytes;
    }

    /**
     * Writes as much as the channel takes, in as few system calls as the ring allows (one, unless the
     * queued buffers wrap around the ring's end or number more than 1024).
     *
     * @return bytes written; the queue is empty afterwards unless the channel's buffer is full
     */
    long writeTo(GatheringByteChannel channel) throws IOException {
        long total = 0;
        while (size > 0) {
            int segment = Math.min(Math.min(size, ring.length - head), MAX_BUFFERS_PER_WRITE);
            long written = channel.write(ring, head, segment);
            total += written;
            int done = 0;
            while (done < segment && !ring[head].hasRemaining()) {
                removeHead();
                done++;
            }
            if (done < segment) {
                break; // the socket's buffer is full
            }
        }
        bytes -= total;
        if (size == 0) {
            head = 0;
            if (ring.length > SHRINK_ABOVE) {
                ring = new ByteBuffer[INITIAL];
                pooled = new boolean[INITIAL];
            }
        }
        return total;
    }

    /**
     * Drops everything queued.
     *
     * @return the bytes that were queued
     */
    long clear() {
        long dropped = bytes;
        while (size > 0) {
            removeHead();
        }
        head = 0;
        bytes = 0;
        return dropped;
    }

    private void removeHead() {
        ByteBuffer buffer = ring[head];
        if (pooled[head]) {
            if (buffer == tail) {
                tail = null;
            }
            chunks.give(buffer);
            pooled[head] = false;
        }
        ring[head] = null;
        head = (head + 1) & (ring.length - 1);
        size--;
    }

    private void grow() {
        ByteBuffer[] bigger = new ByteBuffer[ring.length * 2];
        boolean[] biggerPooled = new boolean[ring.length * 2];
        for (int i = 0; i < size; i++) {
            int from = (head + i) & (ring.length - 1);
            bigger[i] = ring[from];
            biggerPooled[i] = pooled[from];
        }
        ring = bigger;
        pooled = biggerPooled;
        head = 0;
    }
}
