package dev.selkie.server;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.GatheringByteChannel;

/**
 * A connection's frames waiting to be written, as a {@link Ring} of buffers that is written with
 * gathering writes straight from the ring's array (no copying of buffer references per write).
 * Event-loop thread only.
 *
 * <p>Small frames sent on the loop thread are encoded straight into a chunk borrowed from the
 * loop's {@link ChunkPool} ({@link #room}, {@link #commit}): consecutive frames share one chunk, so
 * an echo or a burst of small messages costs no allocation and one buffer per write instead of
 * one per frame. A chunk goes back to the pool as soon as it has been written.
 *
 * <p>Besides its bytes, the queue counts the memory its entries hold ({@link #cost()}): a buffer of
 * its own costs its remaining bytes plus {@link #ENTRY_OVERHEAD}, a chunk costs {@link #CHUNK_COST}
 * however few frames it holds. An entry's cost is released when it has been written completely. The
 * connection's send-queue limit is held against these costs, so a flood of tiny frames cannot hold
 * more heap than the limit says.
 */
final class OutboundQueue {
    /**
     * Heap counted per queued buffer besides its bytes: the {@code ByteBuffer} (about 48 bytes), its
     * array's header, a ring slot and, for frames sent from other threads, the inbox node.
     */
    static final int ENTRY_OVERHEAD = 128;
    /** What a write chunk costs while queued: its whole capacity and its buffer. */
    static final int CHUNK_COST = ChunkPool.CHUNK_SIZE + ENTRY_OVERHEAD;
    private static final int INITIAL = 8;
    private static final int SHRINK_ABOVE = 256;
    /** Buffers per gathering write: the kernel's IOV_MAX on Linux; the JDK writes no more per call. */
    private static final int MAX_BUFFERS_PER_WRITE = 1024;

    private final ChunkPool chunks;
    /** The buffers, each with its cost; a chunk's cost is stored negated, to tell chunks apart. */
    private final Ring<ByteBuffer> ring = new Ring<>(ByteBuffer.class, INITIAL);
    private long bytes;
    /** Memory held by the entries (see the class comment). */
    private long cost;
    /** Cost of the entries removed by the last {@link #writeTo} or {@link #clear}. */
    private long released;
    /** The ring's last entry while it is a chunk that frames may still be appended to; else null. */
    private ByteBuffer tail;

    OutboundQueue(ChunkPool chunks) {
        this.chunks = chunks;
    }

    /** What {@link #add} will count for this buffer: its remaining bytes plus {@link #ENTRY_OVERHEAD}. */
    static long costOf(ByteBuffer buffer) {
        return buffer.remaining() + (long) ENTRY_OVERHEAD;
    }

    /** Appends a buffer; its remaining bytes will be written. It costs {@link #costOf}. */
    void add(ByteBuffer buffer) {
        long entryCost = costOf(buffer);
        ring.add(buffer, entryCost);
        tail = null; // later frames go after this buffer
        bytes += buffer.remaining();
        cost += entryCost;
    }

    /**
     * What {@link #room} will add to {@link #cost()} for a frame of {@code length} bytes: nothing if
     * it fits the current chunk, else a new chunk's {@link #CHUNK_COST}.
     */
    int roomCost(int length) {
        ByteBuffer chunk = tail;
        return chunk != null && chunk.capacity() - chunk.limit() >= length ? 0 : CHUNK_COST;
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
            ring.add(chunk, -CHUNK_COST);
            tail = chunk;
            cost += CHUNK_COST;
        }
        return chunk;
    }

    /** Makes the {@code length} bytes written into the chunk from {@link #room} part of the queue. */
    void commit(int length) {
        tail.limit(tail.limit() + length);
        bytes += length;
    }

    boolean isEmpty() {
        return ring.isEmpty();
    }

    /** Buffers queued. */
    int size() {
        return ring.size();
    }

    /** Bytes queued and not yet written. */
    long bytes() {
        return bytes;
    }

    /** Memory held by the queued entries (see the class comment). */
    long cost() {
        return cost;
    }

    /** The cost of the entries the last {@link #writeTo} or {@link #clear} removed, once; then 0. */
    long takeReleased() {
        long r = released;
        released = 0;
        return r;
    }

    /**
     * Writes as much as the channel takes, in as few system calls as the ring allows (one, unless the
     * queued buffers wrap around the ring's end or number more than 1024).
     *
     * @return bytes written; the queue is empty afterwards unless the channel's buffer is full
     */
    long writeTo(GatheringByteChannel channel) throws IOException {
        long total = 0;
        while (!ring.isEmpty()) {
            int segment = Math.min(ring.contiguous(), MAX_BUFFERS_PER_WRITE);
            total += channel.write(ring.array(), ring.head(), segment);
            int done = 0;
            while (done < segment && !ring.first().hasRemaining()) {
                removeFirst();
                done++;
            }
            if (done < segment) {
                break; // the socket's buffer is full
            }
        }
        bytes -= total;
        if (ring.isEmpty()) {
            ring.clear(SHRINK_ABOVE);
        }
        return total;
    }

    /**
     * Drops everything queued; {@link #takeReleased} then tells the cost that was held.
     *
     * @return the bytes that were queued
     */
    long clear() {
        long dropped = bytes;
        while (!ring.isEmpty()) {
            removeFirst();
        }
        ring.clear(SHRINK_ABOVE);
        bytes = 0;
        return dropped;
    }

    private void removeFirst() {
        ByteBuffer buffer = ring.first();
        long freed = ring.firstValue();
        if (freed < 0) {
            if (buffer == tail) {
                tail = null;
            }
            chunks.give(buffer);
            freed = -freed;
        }
        cost -= freed;
        released += freed;
        ring.removeFirst();
    }
}
