package dev.selkie.server;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.selkie.testing.RawClient;
import dev.selkie.WebSocket;
import dev.selkie.WebSocketServer;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** subscribe/unsubscribe/publish over 1,000 connections on two loops. */
class TopicsTest extends ServerTestSupport {
    static final int CONNECTIONS = 1000;

    @Test
    void publishReachesExactlyTheSubscribersAcrossLoops() throws Exception {
        // each connection subscribes in onOpen to "all" and to "even" or "odd" by its path
        Recorder recorder = new Recorder(false) {
            @Override
            public void onOpen(WebSocket ws) {
                ws.subscribe("all");
                ws.subscribe(ws.request().path().substring(1));
                ws.subscribe("all"); // twice is once
                super.onOpen(ws);
            }

            @Override
            public void onText(WebSocket ws, String text) {
                super.onText(ws, text);
                if (text.startsWith("unsub ")) {
                    ws.unsubscribe(text.substring(6));
                    ws.send("unsubscribed");
                }
            }
        };
        WebSocketServer server = start(builder().listener(recorder).loops(2));
        List<RawClient> clients = ConcurrencyTest.openMany(server.port(), CONNECTIONS,
                i -> i % 2 == 0 ? "/even" : "/odd");
        try {
            await().atMost(Duration.ofSeconds(10)).until(() -> server.subscriberCount("all") == CONNECTIONS);
            assertEquals(CONNECTIONS / 2, server.subscriberCount("even"));
            assertEquals(CONNECTIONS / 2, server.subscriberCount("odd"));
            assertEquals(0, server.subscriberCount("nobody"));
            assertEquals(0, server.publish("nobody", "lost"));

            assertEquals(CONNECTIONS, server.publish("all", "hello all"));
            assertEquals(CONNECTIONS / 2, server.publish("even", java.nio.ByteBuffer.wrap(new byte[] {42})));
            for (int i = 0; i < CONNECTIONS; i++) {
                assertEquals("hello all", clients.get(i).readFrame().text());
                if (i % 2 == 0) {
                    assertEquals(42, clients.get(i).readFrame().payload()[0]);
                }
            }

            // the first 100 even clients unsubscribe from "even"; the first 100 odd ones disconnect
            for (int i = 0; i < 200; i += 2) {
                clients.get(i).sendText("unsub even");
                assertEquals("unsubscribed", clients.get(i).readFrame().text());
                clients.get(i + 1).close();
            }
            await().atMost(Duration.ofSeconds(10)).until(() -> server.subscriberCount("all") == CONNECTIONS - 100);
            assertEquals(CONNECTIONS / 2 - 100, server.subscriberCount("even"));
            assertEquals(CONNECTIONS / 2 - 100, server.subscriberCount("odd"));

            assertEquals(CONNECTIONS / 2 - 100, server.publish("even", "second even"));
            assertEquals(CONNECTIONS - 100, server.publish("all", "marker"));
            for (int i = 0; i < CONNECTIONS; i++) {
                if (i < 200 && i % 2 == 1) {
                    continue; // disconnected
                }
                if (i % 2 == 0 && i >= 200) {
                    assertEquals("second even", clients.get(i).readFrame().text());
                }
                // unsubscribed ones get the marker next, never "second even"
                assertEquals("marker", clients.get(i).readFrame().text());
            }
        } finally {
            ConcurrencyTest.closeAll(clients);
        }
        await().atMost(Duration.ofSeconds(10)).until(() -> server.subscriberCount("all") == 0);
        assertEquals(0, server.subscriberCount("even"));
        assertEquals(0, server.subscriberCount("odd"));
        Map<dev.selkie.RejectionReason, Long> rejected = new HashMap<>(server.metrics().rejectedHandshakes());
        assertTrue(rejected.isEmpty(), rejected.toString());
        assertEquals(CONNECTIONS, server.metrics().acceptedHandshakes());
        assertEquals(100, server.metrics().messagesIn());
        // hello all, the binary to even, unsubscribed acks, second even, marker
        assertEquals(CONNECTIONS + CONNECTIONS / 2 + 100 + (CONNECTIONS / 2 - 100) + (CONNECTIONS - 100),
                server.metrics().messagesOut());
    }

    @Test
    void publishFromTheLoopThreadCountsExactly() throws Exception {
        java.util.concurrent.atomic.AtomicInteger counted = new java.util.concurrent.atomic.AtomicInteger(-1);
        WebSocketServer[] holder = new WebSocketServer[1];
        Recorder recorder = new Recorder(false) {
            @Override
            public void onOpen(WebSocket ws) {
                ws.subscribe("room");
                super.onOpen(ws);
            }

            @Override
            public void onText(WebSocket ws, String text) {
                counted.set(holder[0].publish("room", text));
            }
        };
        WebSocketServer server = start(builder().listener(recorder));
        holder[0] = server;
        List<RawClient> clients = ConcurrencyTest.openMany(server.port(), 3, i -> "/");
        try {
            await().until(() -> server.subscriberCount("room") == 3);
            clients.get(0).sendText("hi room");
            for (RawClient client : clients) {
                assertEquals("hi room", client.readFrame().text());
            }
            assertEquals(3, counted.get());
            int port = clients.get(0).socket.getLocalPort();
            assertTrue(recorder.opened.stream()
                    .anyMatch(ws -> ((InetSocketAddress) ws.remoteAddress()).getPort() == port));
        } finally {
            ConcurrencyTest.closeAll(clients);
        }
    }
}
