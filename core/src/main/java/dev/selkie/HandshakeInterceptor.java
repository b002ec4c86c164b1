package dev.selkie;

import dev.selkie.server.SyncInterceptor;
import java.util.Set;
import java.util.concurrent.CompletionStage;
import java.util.function.Function;

/**
 * Sees every valid WebSocket upgrade request before the server answers it, and accepts or rejects
 * it. Called on the event-loop thread; a decision that needs I/O (a session lookup, a token check)
 * should be returned as a {@link CompletionStage} completed later on another thread. The connection
 * waits in its handshaking state meanwhile, subject to the handshake timeout; other connections are
 * served as usual.
 */
@FunctionalInterface
public interface HandshakeInterceptor {
    /** Decides about the request; must not block. */
    CompletionStage<HandshakeDecision> intercept(HttpRequest request);

    /**
     * The default: accept everything. Always the same instance, which the server recognises and
     * then skips the call (and its {@code CompletionStage}) altogether.
     */
    static HandshakeInterceptor acceptAll() {
        return AcceptAll.INSTANCE;
    }

    /**
     * Wraps a quick synchronous decision. The server calls {@code decide} directly, without a
     * {@code CompletionStage} per handshake.
     */
    static HandshakeInterceptor sync(Function<HttpRequest, HandshakeDecision> decide) {
        return new SyncInterceptor(decide);
    }

    /**
     * Accepts only requests whose {@code Origin} header is one of {@code allowed} (exact,
     * case-insensitive match such as {@code https://chat.example.com}); others get 403. Requests
     * without an Origin (non-browser clients) are accepted.
     */
    static HandshakeInterceptor allowOrigins(String... allowed) {
        Set<String> set = new java.util.HashSet<>();
        for (String origin : allowed) {
            set.add(origin.toLowerCase(java.util.Locale.ROOT));
        }
        return sync(request -> request.origin()
                .filter(origin -> !set.contains(origin.toLowerCase(java.util.Locale.ROOT)))
                .map(origin -> HandshakeDecision.reject(403, "origin not allowed"))
                .orElse(HandshakeDecision.accept()));
    }
}
