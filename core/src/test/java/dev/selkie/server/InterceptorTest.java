package dev.selkie.server;

import dev.selkie.RejectionReason;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.selkie.testing.RawClient;
import dev.selkie.HandshakeDecision;
import dev.selkie.HandshakeInterceptor;
import dev.selkie.HttpRequest;
import dev.selkie.WebSocket;
import dev.selkie.WebSocketServer;
import dev.selkie.protocol.ClientFrames;
import dev.selkie.protocol.Handshake;
import dev.selkie.protocol.Opcode;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/** The asynchronous handshake interceptor: accept, reject, subprotocol, attributes, failures. */
class InterceptorTest extends ServerTestSupport {
    private static final dev.selkie.AttributeKey<String> NAME = dev.selkie.AttributeKey.of("name");


    @Test
    void asyncAcceptCompletedOnAnotherThreadOpensWithAttachmentAndEarlyFrames() throws Exception {
        Recorder recorder = new Recorder(true);
        AtomicReference<CompletableFuture<HandshakeDecision>> pending = new AtomicReference<>();
        AtomicReference<HttpRequest> seen = new AtomicReference<>();
        WebSocketServer server = start(builder().listener(recorder).handshakeInterceptor(request -> {
            seen.set(request);
            CompletableFuture<HandshakeDecision> future = new CompletableFuture<>();
            pending.set(future);
            return future;
        }));
        try (RawClient client = new RawClient(server.port())) {
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            bytes.writeBytes(RawClient.upgradeRequest("/room", "Cookie: user=ann", "Sec-WebSocket-Protocol: a, b")
                    .getBytes(StandardCharsets.US_ASCII));
            bytes.writeBytes(ClientFrames.frame(Opcode.TEXT).payload("early").build());
            client.write(bytes.toByteArray());
            await().atMost(Duration.ofSeconds(5)).until(() -> pending.get() != null);
            assertEquals("ann", seen.get().cookies().get("user"));
            assertEquals(java.util.List.of("a", "b"), seen.get().offeredSubprotocols());
            // completed on a thread that is not the event loop
            Thread completer = new Thread(() -> pending.get().complete(
                    HandshakeDecision.accept().with(NAME, "ann's session").withSubprotocol("b").withHeaders(Map.of("Set-Cookie", "x=1"))));
            completer.start();
            completer.join();
            String head = client.readHead();
            assertTrue(head.startsWith("HTTP/1.1 101"), head);
            assertTrue(head.contains("Sec-WebSocket-Protocol: b\r\n"), head);
            assertTrue(head.contains("Set-Cookie: x=1\r\n"), head);
            assertEquals("early", client.readFrame().text());
        }
        await().until(() -> recorder.opened.size() == 1);
        assertEquals("ann's session", recorder.opened.get(0).attribute(NAME).orElseThrow());
        assertEquals("b", recorder.opened.get(0).subprotocol().orElseThrow());
    }

    @Test
    void rejectionSendsTheInterceptorsResponse() throws Exception {
        Recorder recorder = new Recorder(true);
        WebSocketServer server = start(builder().listener(recorder).handshakeInterceptor(
                request -> CompletableFuture.supplyAsync(() -> HandshakeDecision.reject(401, "who are you?"))));
        try (RawClient client = new RawClient(server.port())) {
            client.write(RawClient.upgradeRequest("/"));
            RawClient.HttpReply reply = client.readResponse();
            assertEquals(401, reply.status());
            assertEquals("who are you?", reply.body());
            assertTrue(client.closedByServer());
        }
        assertEquals(1L, server.metrics().rejectedHandshakes(RejectionReason.INTERCEPTOR));
        assertTrue(recorder.opened.isEmpty());
    }

    @Test
    void originAllowList() throws Exception {
        WebSocketServer server = start(builder().listener(new Recorder(true))
                .handshakeInterceptor(HandshakeInterceptor.allowOrigins("https://good.example")));
        try (RawClient client = new RawClient(server.port())) {
            client.write(RawClient.upgradeRequest("/", "Origin: https://evil.example"));
            assertEquals(403, client.readResponse().status());
        }
        RawClient.open(server.port(), "Origin: https://GOOD.example").close();
    }

    @Test
    void interceptorExceptionFailedStageOrUnofferedSubprotocolGive500() throws Exception {
        assert500(request -> {
            throw new IllegalStateException("interceptor bug");
        });
        assert500(request -> CompletableFuture.failedFuture(new IllegalStateException("lookup failed")));
        assert500(HandshakeInterceptor.sync(request -> HandshakeDecision.accept().withSubprotocol("not-offered")));
        assert500(request -> {
            CompletableFuture<HandshakeDecision> cancelled = new CompletableFuture<>();
            cancelled.cancel(false);
            return cancelled;
        });
        assert500(request -> CompletableFuture.completedFuture(null));
    }

    @Test
    void synchronousDecisionsOfEveryStageKindOpenWithTheirAttachment() throws Exception {
        List<HandshakeInterceptor> interceptors = List.of(
                request -> CompletableFuture.completedFuture(HandshakeDecision.accept().with(NAME, "future")),
                request -> CompletableFuture.completedStage(HandshakeDecision.accept().with(NAME, "stage")),
                request -> new CompletableFuture<HandshakeDecision>() { // a subclass: taken the general way
                    {
                        complete(HandshakeDecision.accept().with(NAME, "subclass"));
                    }
                });
        for (HandshakeInterceptor interceptor : interceptors) {
            Recorder recorder = new Recorder(true);
            WebSocketServer server = start(builder().listener(recorder).handshakeInterceptor(interceptor));
            try (RawClient client = RawClient.open(server.port())) {
                client.sendText("x");
                assertEquals("x", client.readFrame().text());
            }
            await().until(() -> recorder.opened.size() == 1);
            String expected = interceptor.intercept(null).toCompletableFuture().join().attribute(NAME).orElseThrow()
                    .toString();
            assertEquals(expected, recorder.opened.get(0).attribute(NAME).orElseThrow());
        }
    }

    @Test
    void syncInterceptorThatThrowsOrDecidesNullGives500() throws Exception {
        assert500(HandshakeInterceptor.sync(request -> {
            throw new IllegalStateException("interceptor bug");
        }));
        assert500(HandshakeInterceptor.sync(request -> null));
    }

    @Test
    void aPendingDecisionKeepsItsOwnRequestAndKeyWhileOtherHandshakesComeAndGo() throws Exception {
        // the loop reuses the handshake state of connections that opened: the one still waiting for
        // its decision must not be handed to the handshakes that complete meanwhile
        Recorder recorder = new Recorder(true);
        CompletableFuture<HandshakeDecision> slow = new CompletableFuture<>();
        WebSocketServer server = start(builder().listener(recorder).handshakeInterceptor(request ->
                request.path().equals("/slow") ? slow : CompletableFuture.completedFuture(
                        HandshakeDecision.accept().with(NAME, request.path()))));
        String slowKey = "AAAAAAAAAAAAAAAAAAAAAA==";
        try (RawClient waiting = new RawClient(server.port())) {
            waiting.write(RawClient.upgradeRequest("/slow").replace(RawClient.KEY, slowKey));
            for (int i = 0; i < 5; i++) {
                String key = Base64.getEncoder().encodeToString(new byte[] {(byte) i, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10,
                        11, 12, 13, 14, 15});
                try (RawClient quick = new RawClient(server.port())) {
                    quick.write(RawClient.upgradeRequest("/quick" + i).replace(RawClient.KEY, key));
                    String head = quick.readHead();
                    assertTrue(head.contains("Sec-WebSocket-Accept: " + Handshake.acceptKey(key) + "\r\n"), head);
                    quick.sendText("q" + i);
                    assertEquals("q" + i, quick.readFrame().text());
                }
            }
            slow.complete(HandshakeDecision.accept().with(NAME, "slow one"));
            String head = waiting.readHead();
            assertTrue(head.startsWith("HTTP/1.1 101"), head);
            assertTrue(head.contains("Sec-WebSocket-Accept: " + Handshake.acceptKey(slowKey) + "\r\n"), head);
            waiting.sendText("s");
            assertEquals("s", waiting.readFrame().text());
        }
        await().until(() -> recorder.opened.size() == 6);
        WebSocket slowOne = recorder.opened.stream().filter(ws -> "slow one".equals(ws.attribute(NAME).orElse(null))).findFirst()
                .orElseThrow();
        assertEquals("/slow", slowOne.request().path());
        for (WebSocket ws : recorder.opened) {
            if (ws != slowOne) {
                assertEquals(ws.request().path(), ws.attribute(NAME).orElseThrow());
            }
        }
    }

    @Test
    void extraHeadersTooLargeForAWriteChunkStillGoOutWhole() throws Exception {
        String big = "v".repeat(6000);
        WebSocketServer server = start(builder().listener(new Recorder(true)).handshakeInterceptor(
                HandshakeInterceptor.sync(request -> HandshakeDecision.accept().withHeaders(Map.of("X-Big", big)))));
        try (RawClient client = new RawClient(server.port())) {
            client.write(RawClient.upgradeRequest("/"));
            String head = client.readHead();
            assertTrue(head.startsWith("HTTP/1.1 101"), head);
            assertTrue(head.contains("Sec-WebSocket-Accept: " + RawClient.ACCEPT + "\r\n"), head);
            assertTrue(head.contains("X-Big: " + big + "\r\n"), "the 6 KB header");
            client.sendText("after");
            assertEquals("after", client.readFrame().text());
        }
    }

    private void assert500(HandshakeInterceptor interceptor) throws Exception {
        Recorder recorder = new Recorder(true);
        WebSocketServer server = start(builder().listener(recorder).handshakeInterceptor(interceptor));
        try (RawClient client = new RawClient(server.port())) {
            client.write(RawClient.upgradeRequest("/", "Sec-WebSocket-Protocol: chat"));
            assertEquals(500, client.readResponse().status());
        }
        assertTrue(recorder.opened.isEmpty());
    }

    @Test
    void handshakeTimeoutStillAppliesWhileTheInterceptorThinks() throws Exception {
        WebSocketServer server = start(builder().listener(new Recorder(true))
                .handshakeTimeout(Duration.ofMillis(200))
                .handshakeInterceptor(request -> new CompletableFuture<>()));
        try (RawClient client = new RawClient(server.port())) {
            client.write(RawClient.upgradeRequest("/"));
            assertTrue(client.closedByServer());
        }
        await().atMost(Duration.ofSeconds(5))
                .until(() -> server.metrics().rejectedHandshakes(RejectionReason.HANDSHAKE_TIMEOUT) == 1L);
    }
}
