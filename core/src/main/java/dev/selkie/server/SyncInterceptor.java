package dev.selkie.server;

import dev.selkie.HandshakeDecision;
import dev.selkie.HandshakeInterceptor;
import dev.selkie.HttpRequest;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Function;

/**
 * What {@link HandshakeInterceptor#sync} makes. The server recognises it and calls the function
 * directly, so a synchronous decision costs no {@link CompletableFuture} per handshake; anyone else
 * calling {@link #intercept} gets the decision as a completed future. Internal: not exported.
 */
public final class SyncInterceptor implements HandshakeInterceptor {
    private final Function<HttpRequest, HandshakeDecision> decide;

    /** Wraps {@code decide}, which must not block. */
    public SyncInterceptor(Function<HttpRequest, HandshakeDecision> decide) {
        this.decide = Objects.requireNonNull(decide, "decide");
    }

    /** The decision, straight from the function (may be null or throw, as the function does). */
    HandshakeDecision decide(HttpRequest request) {
        return decide.apply(request);
    }

    @Override
    public CompletionStage<HandshakeDecision> intercept(HttpRequest request) {
        return CompletableFuture.completedFuture(decide.apply(request));
    }
}
