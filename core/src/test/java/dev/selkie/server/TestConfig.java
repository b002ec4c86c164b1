package dev.selkie.server;

import dev.selkie.AsyncHttpHandler;
import dev.selkie.HandshakeInterceptor;
import dev.selkie.HttpResponse;
import dev.selkie.SlowConsumerPolicy;
import dev.selkie.WebSocketListener;
import dev.selkie.protocol.ExtensionNegotiator;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Executor;

/** A {@link ServerConfig} for socketless tests: the builder's documented defaults, each settable. */
final class TestConfig {
    WebSocketListener listener;
    HandshakeInterceptor interceptor = HandshakeInterceptor.acceptAll();
    AsyncHttpHandler httpHandler = new SyncHttpHandler(request -> HttpResponse.text(426, "This is a WebSocket endpoint.\n"));
    List<String> subprotocols = List.of();
    int maxMessageSize = 1 << 20;
    int outgoingFragmentSize;
    long lowWaterMark = 256 << 10;
    long highWaterMark = 1 << 20;
    long sendQueueLimit = 4L << 20;
    SlowConsumerPolicy slowConsumerPolicy = SlowConsumerPolicy.CLOSE;
    Duration handshakeTimeout = Duration.ofSeconds(10);
    Duration idleTimeout = Duration.ZERO;
    Duration closeTimeout = Duration.ofSeconds(5);
    Duration pingInterval = Duration.ZERO;
    Duration pongTimeout = Duration.ofSeconds(10);
    Executor executor;
    List<ExtensionNegotiator> extensions = List.of();
    NetworkConfig network = NetworkConfig.PLAIN;

    TestConfig(WebSocketListener listener) {
        this.listener = listener;
    }

    ServerConfig build() {
        return new ServerConfig(new InetSocketAddress("127.0.0.1", 0), listener, interceptor, httpHandler,
                subprotocols, maxMessageSize, 8 << 10, 64 << 10, 100_000, outgoingFragmentSize, highWaterMark,
                lowWaterMark, sendQueueLimit, slowConsumerPolicy, handshakeTimeout, idleTimeout, closeTimeout,
                pingInterval, pongTimeout, executor, 1, 1024, true, null, extensions, network, null, null, null);
    }
}
