package dev.selkie;

import java.util.concurrent.CompletionStage;

/**
 * Answers plain HTTP requests (requests that are not WebSocket upgrades) with a response that may
 * come later: for a webhook that must call something slow before it can answer. Set it with
 * {@link WebSocketServer.Builder#asyncHttpHandler}; for a quick answer use {@link HttpHandler}.
 *
 * <p>Called on the event-loop thread, so it must not block: it returns a {@link CompletionStage}
 * that may be completed later on any thread; the response is carried to the connection's loop and
 * written there. Meanwhile the server reads nothing more from that connection and serves its other
 * connections as usual. The wait is bounded by the server's {@code handshakeTimeout}, counted from
 * the connection's accept (unbounded if that is off, {@code Duration.ZERO}): when it runs out the
 * client gets {@code 503 Service Unavailable} (the
 * server could not produce the answer in time, a temporary condition; 504 would claim the server is
 * a gateway, which it cannot know). A stage completed exceptionally or with {@code null} gives
 * {@code 500} (logged at debug); a handler that throws, or returns a null stage, gives {@code 500}
 * (logged at warn). A completion that comes after the timeout, or after the client left, is
 * ignored. The connection is closed after the response, as for every plain HTTP request. A client
 * that leaves while the response is pending is noticed when the response is written or when the
 * timeout answer is.
 */
@FunctionalInterface
public interface AsyncHttpHandler {
    /**
     * Starts producing the response.
     *
     * @param request the request, with its body if it declared a {@code Content-Length} within the
     *     server's {@code maxHttpBodySize}; it stays valid after this returns
     * @return the response to come, never {@code null}
     */
    CompletionStage<HttpResponse> handle(HttpRequest request);
}
