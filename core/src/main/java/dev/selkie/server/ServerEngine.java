package dev.selkie.server;

import dev.selkie.ServerMetrics;
import dev.selkie.WebSocket;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.Collection;

/** The running server behind {@code WebSocketServer}: acceptor, event loops, topics, metrics. */
public final class ServerEngine {
    private final ServerConfig config;

    public ServerEngine(ServerConfig config) {
        this.config = config;
    }

    public ServerConfig config() {
        return config;
    }

    public void start() throws IOException {
        throw new UnsupportedOperationException("skeleton");
    }

    public void stop(Duration timeout) {
        throw new UnsupportedOperationException("skeleton");
    }

    public int port() {
        throw new UnsupportedOperationException("skeleton");
    }

    public InetSocketAddress boundAddress() {
        throw new UnsupportedOperationException("skeleton");
    }

    /** @param recipients null for every open connection */
    public void broadcast(String text, Collection<? extends WebSocket> recipients) {
        throw new UnsupportedOperationException("skeleton");
    }

    /** @param recipients null for every open connection */
    public void broadcast(ByteBuffer data, Collection<? extends WebSocket> recipients) {
        throw new UnsupportedOperationException("skeleton");
    }

    public int publish(String topic, String text) {
        throw new UnsupportedOperationException("skeleton");
    }

    public int publish(String topic, ByteBuffer data) {
        throw new UnsupportedOperationException("skeleton");
    }

    public int subscriberCount(String topic) {
        throw new UnsupportedOperationException("skeleton");
    }

    public ServerMetrics metrics() {
        throw new UnsupportedOperationException("skeleton");
    }
}
