package dev.selkie.server;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.GatheringByteChannel;
import java.nio.channels.Selector;
import java.util.ArrayDeque;

/**
 * A transport without a socket, for the socketless harness: what the connection writes is kept,
 * up to a capacity the test sets (a peer that does not read); what the test delivers reaches the
 * connection while it reads, and waits (as in the kernel's buffer) while it does not.
 */
final class FakeTransport implements Transport {
    private final ByteArrayOutputStream written = new ByteArrayOutputStream();
    private final ArrayDeque<byte[]> unread = new ArrayDeque<>();
    private final ByteBuffer scratch = ByteBuffer.allocate(64 << 10);
    private Sink sink;
    private long capacity = Long.MAX_VALUE;
    private boolean reading = true;
    private boolean writeBlocked;
    private boolean pumping;
    boolean outputShutdown;
    boolean closed;

    @Override
    public void register(Selector selector, Sink transportSink, Object attachment) {
        sink = transportSink;
    }

    @Override
    public void ready(int readyOps) {
        throw new UnsupportedOperationException("no selector here");
    }

    /** The peer sends these bytes (delivered in reads of at most 64 KiB, as the loop's buffer holds). */
    void deliver(byte[] bytes) {
        for (int from = 0; from < bytes.length; from += scratch.capacity()) {
            int n = Math.min(scratch.capacity(), bytes.length - from);
            byte[] piece = new byte[n];
            System.arraycopy(bytes, from, piece, 0, n);
            unread.add(piece);
        }
        pump();
    }

    private void pump() {
        if (pumping) {
            return; // reading resumed inside received(): the loop below goes on
        }
        pumping = true;
        try {
            while (reading && !closed && !unread.isEmpty()) {
                scratch.clear();
                scratch.put(unread.poll()).flip();
                sink.received(scratch);
            }
        } finally {
            pumping = false;
        }
    }

    /** Bytes the peer sent that the connection has not read (it paused reading). */
    int unreadBytes() {
        return unread.stream().mapToInt(b -> b.length).sum();
    }

    void endOfStream() {
        sink.endOfStream();
    }

    void reset() {
        sink.failed(new IOException("connection reset by peer"));
    }

    /** From now on the peer takes at most {@code bytes} more (0: it reads nothing). */
    void capacity(long bytes) {
        capacity = bytes;
    }

    /** The peer reads again (takes everything); a blocked connection is told it may write. */
    void drainPeer() {
        capacity = Long.MAX_VALUE;
        if (writeBlocked) {
            writeBlocked = false;
            sink.writable();
        }
    }

    /** Everything written so far, and forgets it. */
    byte[] takeWritten() {
        byte[] bytes = written.toByteArray();
        written.reset();
        return bytes;
    }

    @Override
    public void write(OutboundQueue queue) throws IOException {
        if (writeBlocked || queue.isEmpty()) {
            return;
        }
        if (closed) {
            throw new IOException("closed");
        }
        queue.writeTo(new GatheringByteChannel() {
            @Override
            public long write(ByteBuffer[] srcs, int offset, int length) {
                long total = 0;
                for (int i = offset; i < offset + length && capacity > 0; i++) {
                    int n = (int) Math.min(srcs[i].remaining(), capacity);
                    byte[] bytes = new byte[n];
                    srcs[i].get(bytes);
                    written.writeBytes(bytes);
                    capacity -= n;
                    total += n;
                }
                return total;
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
        });
        writeBlocked = !queue.isEmpty();
    }

    @Override
    public boolean writeBlocked() {
        return writeBlocked;
    }

    @Override
    public void reading(boolean on) {
        reading = on;
        if (on) {
            pump();
        }
    }

    boolean isReading() {
        return reading;
    }

    @Override
    public void shutdownOutput() {
        outputShutdown = true;
    }

    @Override
    public void close() {
        closed = true;
    }

    @Override
    public InetSocketAddress remoteAddress() {
        return new InetSocketAddress("127.0.0.1", 40000);
    }
}
