package dev.selkie.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.selkie.HandshakeDecision;
import dev.selkie.HandshakeInterceptor;
import dev.selkie.HttpResponse;
import dev.selkie.WebSocketServer;
import dev.selkie.testing.RawClient;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/** Repeated response headers (two Set-Cookie) as the bytes on the wire show them: plain HTTP, 101, rejection. */
class ResponseHeadersEndToEndTest extends ServerTestSupport {

    @Test
    void twoSetCookieHeadersOnAPlainHttpResponse() throws Exception {
        WebSocketServer server = start(builder().listener(new Recorder(false))
                .httpHandler(request -> HttpResponse.text(200, "signed in")
                        .withHeader("Set-Cookie", "session=abc; HttpOnly")
                        .withHeader("Cache-Control", "no-store")
                        .withHeader("Set-Cookie", "theme=dark")));
        try (RawClient client = new RawClient(server.port())) {
            client.write("GET /login HTTP/1.1\r\nHost: x\r\n\r\n");
            RawClient.HttpReply reply = client.readResponse();
            assertEquals("HTTP/1.1 200 OK\r\n"
                    + "Content-Type: text/plain; charset=utf-8\r\n"
                    + "Set-Cookie: session=abc; HttpOnly\r\n"
                    + "Cache-Control: no-store\r\n"
                    + "Set-Cookie: theme=dark\r\n"
                    + "Content-Length: 9\r\n"
                    + "Connection: close\r\n"
                    + "\r\n", reply.head());
            assertEquals("signed in", reply.body());
            assertTrue(client.closedByServer());
        }
    }

    @Test
    void twoSetCookieHeadersOnThe101OfASyncAndOfAnAsyncInterceptor() throws Exception {
        HandshakeDecision decision = HandshakeDecision.accept().withHeader("Set-Cookie", "a=1")
                .withHeader("Set-Cookie", "b=2");
        WebSocketServer sync = start(builder().listener(new Recorder(true))
                .handshakeInterceptor(HandshakeInterceptor.sync(request -> decision)));
        WebSocketServer async = start(builder().listener(new Recorder(true))
                .handshakeInterceptor(request -> CompletableFuture.supplyAsync(() -> decision)));
        for (WebSocketServer server : new WebSocketServer[] {sync, async}) {
            try (RawClient client = new RawClient(server.port())) {
                client.write(RawClient.upgradeRequest("/"));
                String head = client.readHead();
                assertEquals("HTTP/1.1 101 Switching Protocols\r\n"
                        + "Upgrade: websocket\r\n"
                        + "Connection: Upgrade\r\n"
                        + "Sec-WebSocket-Accept: " + RawClient.ACCEPT + "\r\n"
                        + "Set-Cookie: a=1\r\n"
                        + "Set-Cookie: b=2\r\n"
                        + "\r\n", head);
                client.sendText("still a WebSocket");
                assertEquals("still a WebSocket", client.readFrame().text());
            }
        }
    }

    @Test
    void twoSetCookieHeadersOnARejection() throws Exception {
        WebSocketServer server = start(builder().listener(new Recorder(true))
                .handshakeInterceptor(HandshakeInterceptor.sync(request -> HandshakeDecision.reject(
                        HttpResponse.text(401, "sign in first").withHeader("Set-Cookie", "a=; Max-Age=0")
                                .withHeader("Set-Cookie", "b=; Max-Age=0")))));
        try (RawClient client = new RawClient(server.port())) {
            client.write(RawClient.upgradeRequest("/"));
            RawClient.HttpReply reply = client.readResponse();
            assertEquals(401, reply.status());
            assertTrue(reply.head().contains("Set-Cookie: a=; Max-Age=0\r\nSet-Cookie: b=; Max-Age=0\r\n"),
                    reply.head());
            assertEquals("sign in first", reply.body());
        }
    }

    @Test
    void aHandlerThatTriesToSplitTheResponseGets500AndNothingInjected() throws Exception {
        WebSocketServer server = start(builder().listener(new Recorder(false))
                .httpHandler(request -> HttpResponse.text(200, "ok")
                        .withHeader("Location", "/next\r\nSet-Cookie: admin=1")));
        WebSocketServer framing = start(builder().listener(new Recorder(false))
                .httpHandler(request -> HttpResponse.text(200, "ok").withHeader("Content-Length", "0")));
        for (WebSocketServer s : new WebSocketServer[] {server, framing}) {
            try (RawClient client = new RawClient(s.port())) {
                client.write("GET / HTTP/1.1\r\nHost: x\r\n\r\n");
                RawClient.HttpReply reply = client.readResponse();
                assertEquals(500, reply.status());
                assertFalse(reply.head().contains("admin"), reply.head());
                assertEquals(1, reply.head().split("Content-Length", -1).length - 1, reply.head());
                assertTrue(client.closedByServer());
            }
        }
    }
}
