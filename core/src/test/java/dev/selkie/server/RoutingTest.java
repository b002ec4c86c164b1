package dev.selkie.server;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.selkie.AttributeKey;
import dev.selkie.CloseCodes;
import dev.selkie.Endpoint;
import dev.selkie.HandshakeDecision;
import dev.selkie.HandshakeInterceptor;
import dev.selkie.WebSocket;
import dev.selkie.WebSocketListener;
import dev.selkie.WebSocketServer;
import dev.selkie.testing.RawClient;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Several endpoints on one server, by path; unmatched upgrade paths get 404. Typed per-connection state. */
class RoutingTest extends ServerTestSupport {
    private static final AttributeKey<String> USER = AttributeKey.of("user");
    private static final AttributeKey<Integer> COUNT = AttributeKey.of("count");

    /** Answers every text with its name and the path. */
    private static WebSocketListener named(String name) {
        return new WebSocketListener() {
            @Override
            public void onText(WebSocket ws, String text) {
                ws.send(name + " " + ws.request().path() + " " + text);
            }
        };
    }

    private static String ask(int port, String path, String text) throws Exception {
        try (RawClient client = openAt(port, path)) {
            client.sendText(text);
            return client.readFrame().text();
        }
    }

    private static RawClient openAt(int port, String path, String... headers) throws Exception {
        RawClient client = new RawClient(port);
        client.write(RawClient.upgradeRequest(path, headers));
        String head = client.readHead();
        assertTrue(head.startsWith("HTTP/1.1 101"), head);
        return client;
    }

    private static String answerTo(int port, String path) throws Exception {
        try (RawClient client = new RawClient(port)) {
            client.write(RawClient.upgradeRequest(path));
            return client.readResponse().head();
        }
    }

    @Test
    void pathsGoToTheirEndpointsAndAnUnmatchedPathGets404() throws Exception {
        WebSocketServer server = start(builder()
                .route("/chat", named("chat"))
                .route("/feeds/*", named("feeds"))
                .route("/feeds/special", named("special"))
                .route("/feeds/deep/*", named("deep")));
        int port = server.port();
        assertEquals("chat /chat hi", ask(port, "/chat?room=1", "hi"));
        assertEquals("feeds /feeds/prices hi", ask(port, "/feeds/prices", "hi"));
        assertEquals("feeds /feeds hi", ask(port, "/feeds", "hi"));
        assertEquals("special /feeds/special hi", ask(port, "/feeds/special", "hi"));
        assertEquals("deep /feeds/deep/x hi", ask(port, "/feeds/deep/x", "hi"));
        for (String unmatched : new String[] {"/", "/chat/", "/chats", "/feedsX", "/other"}) {
            String head = answerTo(port, unmatched);
            assertTrue(head.startsWith("HTTP/1.1 404"), unmatched + ": " + head);
        }
        await().until(() -> server.metrics().rejectedHandshakes(dev.selkie.RejectionReason.NOT_FOUND) == 5L);
        assertEquals(5, server.metrics().acceptedHandshakes());
    }

    @Test
    void theListenerIsTheFallbackForEveryOtherPath() throws Exception {
        WebSocketServer server = start(builder().listener(named("any")).route("/chat", named("chat")));
        assertEquals("chat /chat a", ask(server.port(), "/chat", "a"));
        assertEquals("any /elsewhere b", ask(server.port(), "/elsewhere", "b"));
    }

    @Test
    void anEndpointHasItsOwnInterceptorSubprotocolsAndLimit() throws Exception {
        HandshakeInterceptor onlyAnn = HandshakeInterceptor.sync(request -> request.query().equals("user=ann")
                ? HandshakeDecision.accept().with(USER, "ann") : HandshakeDecision.reject(401, "who are you?"));
        WebSocketListener greeter = new WebSocketListener() {
            @Override
            public void onOpen(WebSocket ws) {
                ws.send("hello " + ws.attribute(USER).orElse("stranger") + " " + ws.subprotocol().orElse("-"));
            }
        };
        WebSocketServer server = start(builder().maxMessageSize(1000).subprotocols("server.v1")
                .route("/private", Endpoint.of(greeter).withInterceptor(onlyAnn).withSubprotocols("private.v1"))
                .route("/public", greeter)
                .route("/small", Endpoint.of(named("small")).withMaxMessageSize(10)));
        int port = server.port();
        try (RawClient ann = openAt(port, "/private?user=ann", "Sec-WebSocket-Protocol: server.v1, private.v1")) {
            assertEquals("hello ann private.v1", ann.readFrame().text());
        }
        assertTrue(answerTo(port, "/private?user=bob").startsWith("HTTP/1.1 401"));
        try (RawClient anyone = openAt(port, "/public", "Sec-WebSocket-Protocol: private.v1, server.v1")) {
            assertEquals("hello stranger server.v1", anyone.readFrame().text()); // the server's interceptor and list
        }
        assertEquals("small /small 0123456789", ask(port, "/small", "0123456789"));
        try (RawClient small = openAt(port, "/small")) {
            small.sendText("01234567890");
            small.expectClose(CloseCodes.MESSAGE_TOO_BIG);
        }
    }

    @Test
    void malformedOrDuplicateRoutesAreRefusedAtBuildTime() {
        WebSocketListener l = new WebSocketListener() { };
        assertThrows(IllegalArgumentException.class, () -> WebSocketServer.builder().route("chat", l).build());
        assertThrows(IllegalArgumentException.class, () -> WebSocketServer.builder().route("/a*", l).build());
        assertThrows(IllegalArgumentException.class, () -> WebSocketServer.builder().route("/*/x", l).build());
        assertThrows(IllegalArgumentException.class, () -> WebSocketServer.builder().route("/a?b", l).build());
        assertThrows(IllegalArgumentException.class, () -> WebSocketServer.builder().route("/a", l).route("/a", l));
        assertThrows(IllegalStateException.class, () -> WebSocketServer.builder().build());
    }

    @Test
    void typedStateIsSetReadAndRemovedFromAnyThread() throws Exception {
        Recorder recorder = new Recorder(false);
        WebSocketServer server = start(builder().handshakeInterceptor(
                HandshakeInterceptor.sync(request -> HandshakeDecision.accept().with(USER, "ann").with(COUNT, 1)))
                .listener(recorder));
        try (RawClient client = RawClient.open(server.port())) {
            await().until(() -> recorder.opened.size() == 1);
            WebSocket ws = recorder.opened.get(0);
            assertEquals(Optional.of("ann"), ws.attribute(USER));
            int count = ws.attribute(COUNT).orElseThrow() + 1; // an Integer, no cast
            assertEquals(Optional.of(1), ws.attribute(COUNT, count));
            assertEquals(Optional.of(2), ws.attribute(COUNT));
            AttributeKey<String> sameName = AttributeKey.of("user");
            assertEquals(Optional.empty(), ws.attribute(sameName), "keys are compared by identity");
            assertEquals(Optional.of("ann"), ws.attribute(USER, null));
            assertEquals(Optional.empty(), ws.attribute(USER));
            assertEquals(Optional.of(2), ws.attribute(COUNT));
        }
        assertThrows(IllegalStateException.class, () -> HandshakeDecision.reject(403, "no").with(USER, "x"));
    }
}
