package dev.selkie.server;

import dev.selkie.AsyncHttpHandler;
import dev.selkie.Broker;
import dev.selkie.HandshakeInterceptor;
import dev.selkie.SlowConsumerPolicy;
import dev.selkie.TopicListener;
import dev.selkie.WebSocketListener;
import dev.selkie.protocol.ExtensionNegotiator;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Executor;
import java.util.function.Consumer;

/**
 * Every setting of a server, validated by {@code WebSocketServer.Builder}. Durations of zero mean
 * "off" where the builder documents it; {@code listener}, {@code interceptor}, {@code subprotocols}
 * and {@code maxMessageSize} are the server's, which {@code routes} resolved per endpoint; a null executor, failure handler, topic listener or broker means none.
 */
public record ServerConfig(
        InetSocketAddress address,
        WebSocketListener listener,
        HandshakeInterceptor interceptor,
        AsyncHttpHandler httpHandler,
        List<String> subprotocols,
        int maxMessageSize,
        int maxHandshakeSize,
        int maxHttpBodySize,
        int maxConnections,
        int outgoingFragmentSize,
        long highWaterMark,
        long lowWaterMark,
        long sendQueueLimit,
        SlowConsumerPolicy slowConsumerPolicy,
        Duration handshakeTimeout,
        Duration idleTimeout,
        Duration closeTimeout,
        Duration pingInterval,
        Duration pongTimeout,
        Executor executor,
        int loops,
        int backlog,
        boolean tcpNoDelay,
        Consumer<Throwable> failureHandler,
        List<ExtensionNegotiator> extensions,
        NetworkConfig network,
        TopicListener topicListener,
        Routes routes,
        Broker broker) {

    /** Copies the lists. */
    public ServerConfig {
        subprotocols = List.copyOf(subprotocols);
        extensions = List.copyOf(extensions);
        if (network == null) {
            network = NetworkConfig.PLAIN;
        }
        if (routes == null) { // one endpoint for every path: the listener, interceptor and subprotocols given
            routes = Routes.only(new Routes.Route("/*", listener, interceptor, subprotocols, maxMessageSize));
        }
    }

    /** This configuration with other supported extensions. */
    public ServerConfig withExtensions(List<ExtensionNegotiator> supported) {
        return new ServerConfig(address, listener, interceptor, httpHandler, subprotocols, maxMessageSize,
                maxHandshakeSize, maxHttpBodySize, maxConnections, outgoingFragmentSize, highWaterMark,
                lowWaterMark, sendQueueLimit, slowConsumerPolicy, handshakeTimeout, idleTimeout, closeTimeout,
                pingInterval, pongTimeout, executor, loops, backlog, tcpNoDelay, failureHandler, supported, network,
                topicListener, routes, broker);
    }

    /** This configuration with another network setup. */
    public ServerConfig withNetwork(NetworkConfig other) {
        return new ServerConfig(address, listener, interceptor, httpHandler, subprotocols, maxMessageSize,
                maxHandshakeSize, maxHttpBodySize, maxConnections, outgoingFragmentSize, highWaterMark,
                lowWaterMark, sendQueueLimit, slowConsumerPolicy, handshakeTimeout, idleTimeout, closeTimeout,
                pingInterval, pongTimeout, executor, loops, backlog, tcpNoDelay, failureHandler, extensions, other,
                topicListener, routes, broker);
    }
}
