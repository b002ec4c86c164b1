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
    private ByteBuffer[] ring = new ByteBuffer[INITIAL];
    /**
     * The cost of the ring entry at the same index; negative for a chunk of {@link #chunks} (which
     * costs {@link #CHUNK_COST}).
     */
    private long[] costs = new long[INITIAL];
    private int head;
    private int size;
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
        push(buffer, entryCost);
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
            push(chunk, -CHUNK_COST);
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

    private void push(ByteBuffer buffer, long entryCost) {
        if (size == ring.length) {
            grow();
        }
        int index = (head + size) & (ring.length - 1);
        ring[index] = buffer;
        costs[index] = entryCost;
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
                costs = new long[INITIAL];
            }
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
        while (size > 0) {
            removeHead();
        }
        head = 0;
        bytes = 0;
        return dropped;
    }

    private void removeHead() {
        ByteBuffer buffer = ring[head];
        long freed = costs[head];
        if (freed < 0) {
            if (buffer == tail) {
                tail = null;
            }
            chunks.give(buffer);
            freed = -freed;
        }
        costs[head] = 0;
        cost -= freed;
        released += freed;
        ring[head] = null;
        head = (head + 1) & (ring.length - 1);
        size--;
    }

    private void grow() {
        ByteBuffer[] bigger = new ByteBuffer[ring.length * 2];
        long[] biggerCosts = new long[ring.length * 2];
        for (int i = 0; i < size; i++) {
            int from = (head + i) & (ring.length - 1);
            bigger[i] = ring[from];
            biggerCosts[i] = costs[from];
        }
        ring = bigger;
        costs = biggerCosts;
        head = 0;
    }
}
