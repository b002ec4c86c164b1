package dev.selkie.server;

import dev.selkie.AsyncHttpHandler;
import dev.selkie.HttpResponse;
import dev.selkie.protocol.HeaderFields;
import dev.selkie.protocol.HttpResponses;
import dev.selkie.protocol.RequestHead;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A plain HTTP request (not an upgrade) on the WebSocket port: its body, read as it arrives up to
 * {@code maxHttpBodySize} (never allocated for what the peer merely declares), then the handler's
 * answer: a {@link SyncHttpHandler}'s at once, an {@link AsyncHttpHandler}'s when its stage
 * completes, carried back to the loop as the {@link UpgradeNegotiation} carries a decision. One
 * request per connection. Loop thread only.
 */
final class HttpExchange {
    private static final Logger log = LoggerFactory.getLogger(HttpExchange.class);
    private static final RateLimitedLog handlerFailed = new RateLimitedLog(log);
    private static final int INITIAL_BODY_CAPACITY = 8 << 10;
    private static final byte[] NO_BODY = new byte[0];
    static final ByteBuffer CONTINUE = ByteBuffer.wrap(
            "HTTP/1.1 100 Continue\r\n\r\n".getBytes(StandardCharsets.US_ASCII)).asReadOnlyBuffer();

    private final ServerConfig config;
    private final EventLoop loop;
    private final InetSocketAddress remoteAddress;
    private final HandshakeStage.Peer peer;
    private RequestHead head;
    private byte[] body;
    private int bodyLength;
    private int bodyExpected;

    HttpExchange(ServerConfig config, EventLoop loop, InetSocketAddress remoteAddress, HandshakeStage.Peer peer) {
        this.peer = peer;
        this.config = config;
        this.loop = loop;
        this.remoteAddress = remoteAddress;
    }

    /**
     * The request head arrived.
     *
     * @return the response if the request is refused (a body that cannot be read), else null: then
     *     {@link #answer} if {@link #bodyComplete}, else feed the body to {@link #readBody}; answer
     *     100 Continue first if {@link #expectsContinue}
     */
    HandshakeOutcome.Respond start(RequestHead requestHead) {
        if (requestHead.headers().first("transfer-encoding") != null) {
            return error(411, "request bodies must have a Content-Length");
        }
        long length = contentLength(requestHead.headers().all("content-length"));
        if (length < 0) {
            return error(400, "invalid Content-Length");
        }
        if (length > config.maxHttpBodySize()) {
            return error(413, "request body larger than " + config.maxHttpBodySize() + " bytes");
        }
        head = requestHead;
        bodyExpected = (int) length;
        // grow with the bytes that actually arrive, never to what the peer merely declares
        body = length == 0 ? NO_BODY : new byte[Math.min(bodyExpected, INITIAL_BODY_CAPACITY)];
        bodyLength = 0;
        return null;
    }

    /** Whether the client waits for {@code 100 Continue} before sending the body. */
    boolean expectsContinue() {
        return bodyExpected > 0 && "100-continue".equalsIgnoreCase(head.headers().first("expect"));
    }

    /** Whether the whole body is there (or there is none): time to {@link #answer}. */
    boolean bodyComplete() {
        return bodyLength == bodyExpected;
    }

    /** Bytes of the body; whether it is complete now. */
    boolean readBody(ByteBuffer in) {
        int n = Math.min(in.remaining(), bodyExpected - bodyLength);
        if (bodyLength + n > body.length) {
            body = Arrays.copyOf(body, Math.min(bodyExpected, Math.max(body.length * 2, bodyLength + n)));
        }
        in.get(body, bodyLength, n);
        bodyLength += n;
        return bodyComplete();
    }

    /**
     * Asks the handler for the response to the complete request.
     *
     * @param decided told the response, now (before this returns) or later on the loop thread
     * @return whether the response is pending (an asynchronous handler's stage not yet completed)
     */
    boolean answer(Consumer<HandshakeOutcome> decided) {
        RequestView view = new RequestView(head, remoteAddress, peer, body, List.of());
        head = null;
        body = null;
        AsyncHttpHandler handler = config.httpHandler();
        if (handler instanceof SyncHttpHandler sync) {
            HttpResponse response; // called directly: no CompletableFuture per request
            try {
                response = Objects.requireNonNull(sync.respond(view), "HttpHandler returned null");
            } catch (Throwable e) {
                decided.accept(failed(view, e));
                return false;
            }
            decided.accept(respond(response));
            return false;
        }
        CompletionStage<HttpResponse> stage;
        try {
            stage = Objects.requireNonNull(handler.handle(view), "AsyncHttpHandler returned null");
        } catch (Throwable e) {
            decided.accept(failed(view, e));
            return false;
        }
        if (stage instanceof CompletableFuture<HttpResponse> future
                && future.getClass() == CompletableFuture.class && future.isDone()) {
            decided.accept(completed(view, future)); // answered at once: no callback to allocate and run
            return false;
        }
        stage.whenComplete((response, error) -> {
            if (loop.inLoop()) {
                decided.accept(outcome(view, response, error));
            } else {
                loop.execute(() -> decided.accept(outcome(view, response, error)));
            }
        });
        return true;
    }

    /** The answer when a pending response did not come within the handshake timeout. */
    static HandshakeOutcome.Respond timedOut() {
        return error(503, "the response did not come in time");
    }

    private HandshakeOutcome.Respond completed(RequestView view, CompletableFuture<HttpResponse> done) {
        try {
            return outcome(view, done.join(), null);
        } catch (CompletionException e) {
            return outcome(view, null, e.getCause() != null ? e.getCause() : e);
        } catch (CancellationException e) {
            return outcome(view, null, e);
        }
    }

    /** The response of a completed stage: 500 if it failed or came with null. */
    private HandshakeOutcome.Respond outcome(RequestView view, HttpResponse response, Throwable error) {
        if (error == null && response != null) {
            return respond(response);
        }
        if (error != null && Fatal.isFatal(error) && loop.inLoop()) {
            throw (Error) error; // the JVM is out of memory: the loop ends and the server stops
        }
        log.debug("AsyncHttpHandler completed {} for {}", error != null ? "exceptionally" : "with null", view, error);
        return internalError();
    }

    private HandshakeOutcome.Respond failed(RequestView view, Throwable error) {
        if (Fatal.isFatal(error)) {
            throw (Error) error;
        }
        handlerFailed.warn("HTTP handler failed on {}", view, error);
        return internalError();
    }

    private static HandshakeOutcome.Respond respond(HttpResponse response) {
        return new HandshakeOutcome.Respond(HttpResponses.response(response.status(),
                HeaderFields.from(response.headers()), response.body()), null);
    }

    private static HandshakeOutcome.Respond internalError() {
        return error(500, "internal server error");
    }

    private static HandshakeOutcome.Respond error(int status, String reason) {
        return new HandshakeOutcome.Respond(HttpResponses.textError(status, reason), null);
    }

    /** Every Content-Length field must be the same decimal number; -1 if not. */
    static long contentLength(List<String> values) {
        long length = 0;
        for (int i = 0; i < values.size(); i++) {
            String value = values.get(i);
            if (value.isEmpty() || value.length() > 18) {
                return -1;
            }
            long parsed = 0;
            for (int j = 0; j < value.length(); j++) {
                char c = value.charAt(j);
                if (c < '0' || c > '9') {
                    return -1;
                }
                parsed = parsed * 10 + (c - '0');
            }
            if (i > 0 && parsed != length) {
                return -1;
            }
            length = parsed;
        }
        return length;
    }
}
