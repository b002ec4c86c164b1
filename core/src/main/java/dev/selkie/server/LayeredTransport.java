package dev.selkie.server;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.Selector;
import java.util.Optional;

/**
 * A transport over another one (the PROXY header reader, TLS): everything passes through, down to
 * {@link #lower} and up to {@link #upper}, except what the layer overrides.
 */
abstract class LayeredTransport implements Transport, Transport.Sink {
    final Transport lower;
    /** The connection above (or the next layer up); set at {@link #register}. */
    Sink upper;

    LayeredTransport(Transport lower) {
        this.lower = lower;
    }

    @Override
    public void register(Selector selector, Sink sink, Object attachment) throws IOException {
        upper = sink;
        lower.register(selector, this, attachment);
    }

    @Override
    public void ready(int readyOps) {
        lower.ready(readyOps);
    }

    @Override
    public void write(OutboundQueue queue) throws IOException {
        lower.write(queue);
    }

    @Override
    public boolean writeBlocked() {
        return lower.writeBlocked();
    }

    @Override
    public void reading(boolean on) {
        lower.reading(on);
    }

    @Override
    public void shutdownOutput() throws IOException {
        lower.shutdownOutput();
    }

    @Override
    public void close() {
        lower.close();
    }

    @Override
    public InetSocketAddress remoteAddress() {
        return lower.remoteAddress();
    }

    @Override
    public Optional<InetSocketAddress> declaredRemoteAddress() {
        return lower.declaredRemoteAddress();
    }

    @Override
    public Optional<String> serverName() {
        return lower.serverName();
    }

    @Override
    public boolean secure() {
        return lower.secure();
    }

    @Override
    public void received(ByteBuffer bytes) {
        upper.received(bytes);
    }

    @Override
    public void endOfStream() {
        upper.endOfStream();
    }

    @Override
    public void failed(IOException error) {
        upper.failed(error);
    }

    @Override
    public void writable() {
        upper.writable();
    }
}
