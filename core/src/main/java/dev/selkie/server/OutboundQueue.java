package dev.selkie.server;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.GatheringByteChannel;

/**
 * A connection's frames waiting to be written, as a ring of buffers that is written with gathering
 * writes straight from the ring's array (no copying of buffer references per write). Event-loop
 * thread only.
 */
final class OutboundQueue {
    private static final int INITIAL = 8;
    private static final int SHRINK_ABOVE = 256;

    private ByteBuffer[] ring = new ByteBuffer[INITIAL];
    private int head;
    private int size;
    private long bytes;

    /** Appends a buffer; its remaining bytes will be written. */
    void add(ByteBuffer buffer) {
        if (size == ring.length) {
            grow();
        }
        ring[(head + size) & (ring.length - 1)] = buffer;
        size++;
        bytes += buffer.remaining();
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
     * queued buffers wrap around the ring's end).
     *
     * @return bytes written; the queue is empty afterwards unless the channel's buffer is full
     */
    long writeTo(GatheringByteChannel channel) throws IOException {
        long total = 0;
        while (size > 0) {
            int segment = Math.min(size, ring.length - head);
            long written = channel.write(ring, head, segment);
            total += written;
            int done = 0;
            while (done < segment && !ring[head].hasRemaining()) {
                ring[head] = null;
                head = (head + 1) & (ring.length - 1);
                size--;
                done++;
            }
            if (done < segment) {
                break; // the socket's send buffer is full
            }
        }
        bytes -= total;
        if (size == 0) {
            head = 0;
            if (ring.length > SHRINK_ABOVE) {
                ring = new ByteBuffer[INITIAL];
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
        for (int i = 0; i < size; i++) {
            ring[(head + i) & (ring.length - 1)] = null;
        }
        head = 0;
        size = 0;
        bytes = 0;
        return dropped;
    }

    private void grow() {
        ByteBuffer[] bigger = new ByteBuffer[ring.length * 2];
        for (int i = 0; i < size; i++) {
            bigger[i] = ring[(head + i) & (ring.length - 1)];
        }
        ring = bigger;
        head = 0;
    }
}
