package dev.selkie;

import dev.selkie.server.SyncHttpHandler;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * The options of {@link WebSocketServer.Builder} that say who serves what: the listener, the routes
 * and their interceptor, the HTTP handler, subprotocols, the topic listener and the broker. A
 * package-private part of the one public builder (its methods are the builder's); the options of
 * limits and timers are {@link ServerLimits}'s, the network's the builder's own.
 */
abstract class ServerEndpoints {
    WebSocketListener listener;
    HandshakeInterceptor interceptor = HandshakeInterceptor.acceptAll();
    AsyncHttpHandler httpHandler = new SyncHttpHandler(
            request -> HttpResponse.text(426, "This is a WebSocket endpoint.\n").withHeader("Upgrade", "websocket"));
    final List<String> subprotocols = new ArrayList<>();
    TopicListener topicListener;
    Broker broker;
    final java.util.Map<String, Endpoint> routes = new java.util.LinkedHashMap<>();

    /**
     * The listener for upgrade requests of any path no {@link #route} matches. Either this or
     * at least one route is required; without it, a path no route matches gets 404.
     */
    public WebSocketServer.Builder listener(WebSocketListener listener) {
        this.listener = Objects.requireNonNull(listener, "listener");
        return self();
    }

    /** Serves upgrade requests for {@code path} with {@code listener}: {@link #route(String, Endpoint)}. */
    public WebSocketServer.Builder route(String path, WebSocketListener listener) {
        return route(path, Endpoint.of(listener));
    }

    /**
     * Serves upgrade requests for {@code path} with {@code endpoint} (its listener, and its own
     * interceptor, subprotocols and largest message where it sets them). {@code path} is an exact
     * path ({@code /chat}) or a prefix ending in {@code /*} ({@code /rooms/*} serves {@code
     * /rooms} and every path under {@code /rooms/}; {@code /*} every path). Paths are compared
     * as received, without the query and without decoding; an exact path wins over a prefix, a
     * longer prefix over a shorter one, and any route over the {@link #listener} fallback. An
     * upgrade request no route (and no fallback) serves is answered 404. Plain HTTP requests go
     * to the {@link #httpHandler} whatever their path.
     *
     * @throws IllegalArgumentException if the path is malformed or already routed
     */
    public WebSocketServer.Builder route(String path, Endpoint endpoint) {
        Objects.requireNonNull(path, "path");
        Objects.requireNonNull(endpoint, "endpoint");
        if (routes.containsKey(path)) {
            throw new IllegalArgumentException("route registered twice: " + path);
        }
        routes.put(path, endpoint);
        return self();
    }

    /** Decides about upgrade requests (of every endpoint without an interceptor of its own); default accepts all. */
    public WebSocketServer.Builder handshakeInterceptor(HandshakeInterceptor interceptor) {
        this.interceptor = Objects.requireNonNull(interceptor, "interceptor");
        return self();
    }

    /**
     * Answers plain HTTP requests at once, on the event loop; default {@code 426 Upgrade
     * Required}. Replaces an {@link #asyncHttpHandler} set before.
     *
     * @param httpHandler the handler
     * @return this builder
     */
    public WebSocketServer.Builder httpHandler(HttpHandler httpHandler) {
        this.httpHandler = new SyncHttpHandler(Objects.requireNonNull(httpHandler, "httpHandler"));
        return self();
    }

    /**
     * Answers plain HTTP requests with a response that may come later (see {@link
     * AsyncHttpHandler}: bounded by {@link WebSocketServer.Builder#handshakeTimeout}, then 503). Replaces an {@link
     * #httpHandler} set before.
     *
     * @param httpHandler the handler
     * @return this builder
     */
    public WebSocketServer.Builder asyncHttpHandler(AsyncHttpHandler httpHandler) {
        this.httpHandler = Objects.requireNonNull(httpHandler, "httpHandler");
        return self();
    }

    /**
     * Supported subprotocols in order of preference; the server picks the first one the client
     * offered (for every endpoint without a list of its own). Default none.
     */
    public WebSocketServer.Builder subprotocols(String... names) {
        subprotocols.clear();
        subprotocols.addAll(List.of(names));
        return self();
    }

    /**
     * Hears when a topic gets its first subscriber on this server and loses its last (e.g. to
     * subscribe it in a broker). Default: none.
     */
    public WebSocketServer.Builder topicListener(TopicListener listener) {
        this.topicListener = Objects.requireNonNull(listener, "listener");
        return self();
    }

    /**
     * Carries topics across servers through an external broker (see {@link Broker}; {@code
     * selkie-redis} has one on Redis pub/sub): every publish goes to the broker too, and the
     * messages other servers publish reach this server's subscribers. Default: none (topics
     * are this server's).
     */
    public WebSocketServer.Builder broker(Broker broker) {
        this.broker = Objects.requireNonNull(broker, "broker");
        return self();
    }

    /** This builder, as the public type its setters return. */
    final WebSocketServer.Builder self() {
        return (WebSocketServer.Builder) this;
    }
}
