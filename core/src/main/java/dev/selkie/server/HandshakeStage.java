package dev.selkie.server;

import dev.selkie.HandshakeDecision;
import dev.selkie.HandshakeInterceptor;
import dev.selkie.HttpResponse;
import dev.selkie.protocol.Handshake;
import dev.selkie.protocol.HandshakeCheck;
import dev.selkie.protocol.HttpRequestParser;
import dev.selkie.protocol.RequestHead;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The HTTP side of one {@link Connection} until it opens as a WebSocket or has its response: reads
 * the request head (and a plain request's body), checks the upgrade (RFC 6455 section 4.2.1), asks
 * the handshake interceptor, keeps bytes that arrive while it decides, and answers plain requests
 * through the HTTP handler. The connection drops it when it opens or closes, so an open connection
 * keeps none of this state. Loop thread only; the connection's state machine stays in {@link
 * Connection}, which this class moves through {@code HANDSHAKING}, {@code READING_BODY} and {@code
 * AWAITING_DECISION}.
 */
final class HandshakeStage {
    private static final Logger log = LoggerFactory.getLogger(Connection.class);
    private static final int MAX_HEADER_LINES = 100;
    private static final int INITIAL_BODY_CAPACITY = 8 << 10;
    private static final byte[] NO_BODY = new byte[0];
    private static final byte[] CONTINUE = "HTTP/1.1 100 Continue\r\n\r\n".getBytes(StandardCharsets.US_ASCII);

    private final ServerConfig config;
    private final HttpRequestParser parser;
    private Connection connection;
    /** A plain request's head while its body arrives. */
    private RequestHead httpHead;
    private byte[] body;
    private int bodyLength;
    private int bodyExpected;
    /** Bytes that arrived after the head while the interceptor decides. */
    private ByteBuffer pendingInput;
    private RequestView request;

    HandshakeStage(ServerConfig config) {
        this.config = config;
        this.parser = new HttpRequestParser(config.maxHandshakeSize(), MAX_HEADER_LINES);
    }

    /**
     * Starts over for {@code next}, whose handshake this stage runs from now on, or (null) forgets
     * the last connection while the stage waits among the loop's spares. The loop reuses a stage
     * once its connection has opened ({@link EventLoop#takeStage}, {@link EventLoop#recycle}), so a
     * handshake makes no parser or stage of its own, and a spare keeps no connection, request or
     * attachment reachable.
     */
    void reset(Connection next) {
        connection = next;
        parser.reset();
        httpHead = null;
        body = null;
        bodyLength = 0;
        bodyExpected = 0;
        pendingInput = null;
        request = null;
    }

    void readHead(ByteBuffer in) {
        HttpRequestParser.Status status = parser.feed(in);
        switch (status) {
            case NEED_MORE -> {
            }
            case ERROR -> {
                int code = parser.errorStatus();
                String reason = parser.errorReason();
                log.debug("bad request head from {}: {} {}", connection.remoteAddress(), code, reason);
                connection.reject(code, Map.of(), reason, String.valueOf(code));
            }
            case DONE -> {
                onRequestHead(parser.head());
            }
        }
    }

    private void onRequestHead(RequestHead head) {
        HandshakeCheck check = Handshake.check(head, connection.loop().handshakeScratch());
        if (check.kind() != HandshakeCheck.Kind.REJECT && connection.loop().engine().overCapacity()) {
            log.debug("refusing {}: {} connections open", connection.remoteAddress(), config.maxConnections());
            connection.reject(503, Map.of("Retry-After", "1"), "too many connections", "503");
            return;
        }
        switch (check.kind()) {
            case REJECT -> {
                log.debug("refusing upgrade from {}: {} {}", connection.remoteAddress(), check.status(),
                        check.reason());
                Map<String, String> headers = check.status() == 426
                        ? Map.of("Sec-WebSocket-Version", "13", "Upgrade", "websocket")
                        : Map.of();
                connection.reject(check.status(), headers, check.reason(), String.valueOf(check.status()));
            }
            case NOT_UPGRADE -> startHttpRequest(head);
            case UPGRADE -> startUpgrade(head);
        }
    }

    private void startHttpRequest(RequestHead head) {
        if (head.headers().first("transfer-encoding") != null) {
            connection.respond(411, Map.of(), Connection.text("request bodies must have a Content-Length"));
            return;
        }
        long length = contentLength(head.headers().all("content-length"));
        if (length < 0) {
            connection.respond(400, Map.of(), Connection.text("invalid Content-Length"));
            return;
        }
        if (length > config.maxHttpBodySize()) {
            connection.respond(413, Map.of(),
                    Connection.text("request body larger than " + config.maxHttpBodySize() + " bytes"));
            return;
        }
        if (length == 0) {
            handleHttp(head, NO_BODY);
            return;
        }
        if ("100-continue".equalsIgnoreCase(head.headers().first("expect"))) {
            connection.enqueueRaw(ByteBuffer.wrap(CONTINUE));
        }
        httpHead = head;
        bodyExpected = (int) length;
        // grow with the bytes that actually arrive, never to what the peer merely declares
        body = new byte[Math.min(bodyExpected, INITIAL_BODY_CAPACITY)];
        bodyLength = 0;
        connection.enter(ConnectionState.READING_BODY);
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

    void readBody(ByteBuffer in) {
        int n = Math.min(in.remaining(), bodyExpected - bodyLength);
        if (bodyLength + n > body.length) {
            body = Arrays.copyOf(body, Math.min(bodyExpected, Math.max(body.length * 2, bodyLength + n)));
        }
        in.get(body, bodyLength, n);
        bodyLength += n;
        if (bodyLength == bodyExpected) {
            byte[] complete = body;
            RequestHead head = httpHead;
            body = null;
            httpHead = null;
            handleHttp(head, complete);
        }
    }

    private void handleHttp(RequestHead head, byte[] requestBody) {
        RequestView view = new RequestView(head, connection.remoteAddress(), requestBody, List.of());
        HttpResponse response;
        try {
            response = Objects.requireNonNull(config.httpHandler().handle(view), "HttpHandler returned null");
        } catch (Throwable e) {
            if (Fatal.isFatal(e)) {
                throw (Error) e;
            }
            log.warn("HttpHandler failed on {}", view, e);
            response = HttpResponse.text(500, "internal server error\n");
        }
        connection.respond(response.status(), response.headers(), response.body());
    }

    private void startUpgrade(RequestHead head) {
        request = new RequestView(head, connection.remoteAddress(), null, Handshake.offeredSubprotocols(head));
        connection.requested(request);
        connection.enter(ConnectionState.AWAITING_DECISION);
        HandshakeInterceptor interceptor = config.interceptor();
        if (interceptor == HandshakeInterceptor.acceptAll()) {
            decide(HandshakeDecision.accept(), null);
            return;
        }
        if (interceptor instanceof SyncInterceptor sync) {
            HandshakeDecision decision; // called directly: no CompletableFuture per handshake
            try {
                decision = sync.decide(request);
            } catch (Throwable e) {
                interceptorFailed(e);
                return;
            }
            decide(decision, null);
            return;
        }
        CompletionStage<HandshakeDecision> stage;
        try {
            stage = Objects.requireNonNull(interceptor.intercept(request), "interceptor returned null");
        } catch (Throwable e) {
            interceptorFailed(e);
            return;
        }
        if (stage instanceof CompletableFuture<HandshakeDecision> future
                && future.getClass() == CompletableFuture.class && future.isDone()) {
            decideNow(future); // a synchronous decision: no callback to allocate and run
            return;
        }
        // a stage that completes inside whenComplete opens the connection, which gives this stage
        // back to the loop (cleared): from here on only the local is safe
        Connection waiting = connection;
        stage.whenComplete((decision, error) -> {
            if (waiting.loop().inLoop()) {
                decide(decision, error);
            } else {
                waiting.loop().execute(() -> decide(decision, error));
            }
        });
        if (waiting.state() == ConnectionState.AWAITING_DECISION) {
            waiting.setReading(false); // bytes that came with the head wait in pendingInput (see stash)
        }
    }

    private void decideNow(CompletableFuture<HandshakeDecision> done) {
        HandshakeDecision decision;
        try {
            decision = done.join();
        } catch (CompletionException e) {
            decide(null, e.getCause() != null ? e.getCause() : e);
            return;
        } catch (CancellationException e) {
            decide(null, e);
            return;
        }
        decide(decision, null);
    }

    /** Keeps bytes that arrived with the head while the interceptor decides. */
    void stash(ByteBuffer in) {
        int n = in.remaining();
        if (pendingInput == null) {
            pendingInput = ByteBuffer.allocate(n);
        } else if (pendingInput.remaining() < n) {
            ByteBuffer bigger = ByteBuffer.allocate(pendingInput.position() + n);
            pendingInput.flip();
            bigger.put(pendingInput);
            pendingInput = bigger;
        }
        pendingInput.put(in);
    }

    private void decide(HandshakeDecision decision, Throwable error) {
        if (connection.state() != ConnectionState.AWAITING_DECISION) {
            return; // timed out or closed meanwhile
        }
        if (error != null || decision == null) {
            interceptorFailed(error != null ? error : new NullPointerException("interceptor completed with null"));
            return;
        }
        if (!decision.accepted()) {
            HttpResponse rejection = decision.rejection().orElseThrow();
            log.debug("interceptor rejected {} with {}", request, rejection.status());
            connection.loop().metrics().rejected("interceptor");
            connection.respond(rejection.status(), rejection.headers(), rejection.body());
            return;
        }
        String chosen = decision.subprotocol().orElse(null);
        if (chosen != null && !request.offeredSubprotocols().contains(chosen)) {
            interceptorFailed(new IllegalStateException(
                    "interceptor chose subprotocol '" + chosen + "' that the client did not offer"));
            return;
        }
        if (chosen == null) {
            chosen = Handshake.selectSubprotocol(config.subprotocols(), request.offeredSubprotocols());
        }
        Object chosenAttachment = decision.attachment().orElse(null);
        if (chosenAttachment != null) {
            connection.attachment(chosenAttachment);
        }
        connection.open(chosen, decision.extraHeaders(), pendingInput);
    }

    private void interceptorFailed(Throwable error) {
        if (Fatal.isFatal(error) && connection.loop().inLoop()) {
            throw (Error) error; // the JVM is out of memory: the loop ends and the server stops
        }
        log.warn("handshake interceptor failed for {}", request, error);
        connection.loop().metrics().rejected("500");
        connection.respond(500, Map.of(), Connection.text("internal server error"));
    }
}
