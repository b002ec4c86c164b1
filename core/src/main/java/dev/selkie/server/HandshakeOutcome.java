package dev.selkie.server;

import dev.selkie.AttributeKey;
import dev.selkie.RejectionReason;
import dev.selkie.protocol.Extension;
import dev.selkie.protocol.HeaderFields;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.Map;

/** What the HTTP side of a connection came to ({@link HandshakeStage}); the connection acts on it. */
sealed interface HandshakeOutcome {
    /**
     * The upgrade is accepted: answer 101 with these and open the WebSocket.
     *
     * @param request the upgrade request, kept for {@code WebSocket.request()}
     * @param subprotocol the chosen subprotocol, or null
     * @param extensions the negotiated extensions (maybe empty)
     * @param route the endpoint that serves it
     * @param attributes the state the interceptor put on the connection (maybe empty)
     * @param extraHeaders headers the interceptor added to the 101
     * @param early bytes that came after the head while the interceptor decided (flipped), or null
     */
    record Upgrade(RequestView request, Routes.Route route, String subprotocol, List<Extension> extensions,
                   Map<AttributeKey<?>, Object> attributes, HeaderFields extraHeaders, ByteBuffer early)
            implements HandshakeOutcome {
    }

    /**
     * Answer with this HTTP response and close: a plain HTTP exchange, or a refused upgrade.
     *
     * @param response the whole response, encoded
     * @param rejection for a refused upgrade, the reason it is counted under in the metrics; null
     *     for a plain HTTP response
     */
    record Respond(ByteBuffer response, RejectionReason rejection) implements HandshakeOutcome {
    }
}
