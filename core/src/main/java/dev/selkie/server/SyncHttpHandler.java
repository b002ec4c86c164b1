package dev.selkie.server;

import dev.selkie.AsyncHttpHandler;
import dev.selkie.HttpHandler;
import dev.selkie.HttpRequest;
import dev.selkie.HttpResponse;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * What {@code WebSocketServer.Builder.httpHandler} makes of an {@link HttpHandler}: the server
 * recognises it and calls the handler directly, so a synchronous answer costs no {@link
 * CompletableFuture} per request; anyone else calling {@link #handle} gets the answer as a
 * completed future. Internal: not exported.
 */
public final class SyncHttpHandler implements AsyncHttpHandler {
    private final HttpHandler handler;

    /**
     * Wraps {@code handler}, which must not block.
     *
     * @param handler the handler
     */
    public SyncHttpHandler(HttpHandler handler) {
        this.handler = Objects.requireNonNull(handler, "handler");
    }

    /** The response, straight from the handler (may be null or throw, as the handler does). */
    HttpResponse respond(HttpRequest request) {
        return handler.handle(request);
    }

    @Override
    public CompletionStage<HttpResponse> handle(HttpRequest request) {
        return CompletableFuture.completedFuture(handler.handle(request));
    }
}
