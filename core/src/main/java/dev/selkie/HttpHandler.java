package dev.selkie;

/**
 * Answers plain HTTP requests (requests that are not WebSocket upgrades) that arrive on the
 * server's port, e.g. to serve a page at {@code /}. Runs on the event-loop thread: it must be quick
 * and must not block. The default answers {@code 426 Upgrade Required}.
 */
@FunctionalInterface
public interface HttpHandler {
    /**
     * Produces the response; the connection is closed after it is written.
     *
     * @param request the request, with its body if it declared a {@code Content-Length} within the
     *     server's {@code maxHttpBodySize}
     * @return the response, never {@code null}
     */
    HttpResponse handle(HttpRequest request);
}
