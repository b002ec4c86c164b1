package dev.selkie;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/** The one {@link HandshakeInterceptor#acceptAll()} instance. */
enum AcceptAll implements HandshakeInterceptor {
    INSTANCE;

    @Override
    public CompletionStage<HandshakeDecision> intercept(HttpRequest request) {
        return CompletableFuture.completedFuture(HandshakeDecision.accept());
    }
}
