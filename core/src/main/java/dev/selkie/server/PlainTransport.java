package dev.selkie.server;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A plain TCP connection: reads into the loop's shared read buffer (no buffer of its own, so an idle
 * connection holds none) and writes the outbound queue with gathering writes. Counts the bytes it
 * reads and writes in the loop's metrics. Loop thread only.
 */
final class PlainTransport implements Transport {
    private static final Logger log = LoggerFactory.getLogger(PlainTransport.class);

    private final SocketChannel channel;
    private final InetSocketAddress remoteAddress;
    private final ByteBuffer readBuffer;
    private final LoopMetrics metrics;
    private Sink sink;
    private SelectionKey key;
    private int interestOps;
    private boolean reading = true;
    private boolean writeBlocked;

    PlainTransport(SocketChannel channel, InetSocketAddress remoteAddress, ByteBuffer readBuffer, LoopMetrics metrics) {
        this.channel = channel;
        this.remoteAddress = remoteAddress;
        this.readBuffer = readBuffer;
        this.metrics = metrics;
    }

    @Override
    public void register(Selector selector, Sink transportSink, Object attachment) throws IOException {
        sink = transportSink;
        key = channel.register(selector, SelectionKey.OP_READ, attachment); // the loop hands readiness to the connection
        interestOps = SelectionKey.OP_READ;
    }

    @Override
    public void ready(int readyOps) {
        if ((readyOps & SelectionKey.OP_READ) != 0) {
            read();
        }
        if ((readyOps & SelectionKey.OP_WRITE) != 0 && key.isValid()) {
            writeBlocked = false;
            sink.writable();
            if (!writeBlocked) {
                updateInterest();
            }
        }
    }

    /** Reads once into the loop's buffer and hands all of it up. */
    private void read() {
        ByteBuffer buffer = readBuffer;
        buffer.clear();
        int n;
        try {
            n = channel.read(buffer);
        } catch (IOException e) {
            sink.failed(e);
            return;
        }
        if (n < 0) {
            sink.endOfStream();
        } else if (n > 0) {
            metrics.bytesIn(n);
            sink.received(buffer.flip());
        }
    }

    @Override
    public void write(OutboundQueue queue) throws IOException {
        if (writeBlocked || queue.isEmpty()) {
            return;
        }
        metrics.bytesOut(queue.writeTo(channel));
        if (!queue.isEmpty()) {
            writeBlocked = true; // the socket's buffer is full: wait for OP_WRITE
            updateInterest();
        }
    }

    @Override
    public boolean writeBlocked() {
        return writeBlocked;
    }

    @Override
    public void reading(boolean on) {
        if (reading != on) {
            reading = on;
            updateInterest();
        }
    }

    private void updateInterest() {
        int ops = (reading ? SelectionKey.OP_READ : 0) | (writeBlocked ? SelectionKey.OP_WRITE : 0);
        if (ops != interestOps && key != null && key.isValid()) {
            interestOps = ops;
            key.interestOps(ops);
        }
    }

    @Override
    public void shutdownOutput() throws IOException {
        channel.shutdownOutput();
    }

    @Override
    public void close() {
        if (key != null) {
            key.cancel();
        }
        try {
            channel.close();
        } catch (IOException e) {
            log.debug("closing {}: {}", remoteAddress, e.toString());
        }
    }

    /** Closes a socket no transport has taken yet; a failure is only logged at debug. */
    static void closeQuietly(SocketChannel channel) {
        try {
            channel.close();
        } catch (IOException e) {
            log.debug("close failed: {}", e.toString());
        }
    }

    @Override
    public InetSocketAddress remoteAddress() {
        return remoteAddress;
    }
}
