package dev.selkie.server;

import dev.selkie.HttpResponse;
import dev.selkie.protocol.HttpResponses;
import dev.selkie.protocol.RequestHead;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A plain HTTP request (not an upgrade) on the WebSocket port: its body, read as it arrives up to
 * {@code maxHttpBodySize} (never allocated for what the peer merely declares), then the {@link
 * dev.selkie.HttpHandler}'s answer. One request per connection. Loop thread only.
 */
final class HttpExchange {
    private static final Logger log = LoggerFactory.getLogger(HttpExchange.class);
    private static final RateLimitedLog handlerFailed = new RateLimitedLog(log);
    private static final int INITIAL_BODY_CAPACITY = 8 << 10;
    private static final byte[] NO_BODY = new byte[0];
    static final ByteBuffer CONTINUE = ByteBuffer.wrap(
            "HTTP/1.1 100 Continue\r\n\r\n".getBytes(StandardCharsets.US_ASCII)).asReadOnlyBuffer();

    private final ServerConfig config;
    private final InetSocketAddress remoteAddress;
    private final HandshakeStage.Peer peer;
    private RequestHead head;
    private byte[] body;
    private int bodyLength;
    private int bodyExpected;

    HttpExchange(ServerConfig config, InetSocketAddress remoteAddress, HandshakeStage.Peer peer) {
        this.peer = peer;
        this.config = config;
        this.remoteAddress = remoteAddress;
    }

    /**
     * The request head arrived.
     *
     * @return the response if it is already known (no body, or a body refused), else null: feed the
     *     body to {@link #readBody}; answer 100 Continue first if {@link #expectsContinue}
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
        if (length == 0) {
            return handle(requestHead, NO_BODY);
        }
        head = requestHead;
        bodyExpected = (int) length;
        // grow with the bytes that actually arrive, never to what the peer merely declares
        body = new byte[Math.min(bodyExpected, INITIAL_BODY_CAPACITY)];
        bodyLength = 0;
        return null;
    }

    /** Whether the client waits for {@code 100 Continue} before sending the body. */
    boolean expectsContinue() {
        return head != null && "100-continue".equalsIgnoreCase(head.headers().first("expect"));
    }

    /** Bytes of the body; the response once it is complete, else null. */
    HandshakeOutcome.Respond readBody(ByteBuffer in) {
        int n = Math.min(in.remaining(), bodyExpected - bodyLength);
        if (bodyLength + n > body.length) {
            body = Arrays.copyOf(body, Math.min(bodyExpected, Math.max(body.length * 2, bodyLength + n)));
        }
        in.get(body, bodyLength, n);
        bodyLength += n;
        if (bodyLength < bodyExpected) {
            return null;
        }
        byte[] complete = body;
        RequestHead requestHead = head;
        body = null;
        head = null;
        return handle(requestHead, complete);
    }

    private HandshakeOutcome.Respond handle(RequestHead requestHead, byte[] requestBody) {
        RequestView view = new RequestView(requestHead, remoteAddress, peer, requestBody, List.of());
        HttpResponse response;
        try {
            response = Objects.requireNonNull(config.httpHandler().handle(view), "HttpHandler returned null");
        } catch (Throwable e) {
            if (Fatal.isFatal(e)) {
                throw (Error) e;
            }
            handlerFailed.warn("HttpHandler failed on {}", view, e);
            response = HttpResponse.text(500, "internal server error\n");
        }
        return new HandshakeOutcome.Respond(
                HttpResponses.response(response.status(), response.headers(), response.body()), null);
    }

    private static HandshakeOutcome.Respond error(int status, String reason) {
        return new HandshakeOutcome.Respond(HttpResponses.response(status, Map.of(),
                (reason + "\n").getBytes(StandardCharsets.UTF_8)), null);
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
