package dev.selkie.server;

import dev.selkie.RejectionReason;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.selkie.testing.RawClient;
import dev.selkie.protocol.ServerFrames;
import dev.selkie.CloseCodes;
import dev.selkie.WebSocketServer;
import dev.selkie.protocol.Opcode;
import java.net.URI;
import java.net.http.HttpClient;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** Deadlines on the event loop: handshake, idle, keep-alive, closing handshake. */
class TimersTest extends ServerTestSupport {

    @Test
    void slowlorisHandshakeIsCutOff() throws Exception {
        WebSocketServer server = start(builder().listener(new Recorder(true)).handshakeTimeout(Duration.ofMillis(200)));
        try (RawClient client = new RawClient(server.port())) {
            client.write("GET / HTTP/1.1\r\nHost: x\r\n"); // never finishes the head
            assertTrue(client.closedByServer());
        }
        await().atMost(Duration.ofSeconds(5))
                .until(() -> server.metrics().rejectedHandshakes(RejectionReason.HANDSHAKE_TIMEOUT) == 1L);
    }

    @Test
    void everySilentConnectionIsCutOffWhileTheHandshakesDoneAmongThemStayOpen() throws Exception {
        // more pending handshakes than the deadline ring's first size, with completed ones in between
        // (those are skipped when they reach the front, not closed)
        WebSocketServer server = start(builder().listener(new Recorder(true)).handshakeTimeout(Duration.ofMillis(300)));
        List<RawClient> silent = new ArrayList<>();
        List<RawClient> opened = new ArrayList<>();
        try {
            for (int i = 0; i < 40; i++) {
                silent.add(new RawClient(server.port()));
                if (i % 8 == 0) {
                    opened.add(RawClient.open(server.port()));
                }
            }
            for (RawClient client : silent) {
                assertTrue(client.closedByServer());
            }
            await().atMost(Duration.ofSeconds(5))
                    .until(() -> server.metrics().rejectedHandshakes(RejectionReason.HANDSHAKE_TIMEOUT) == 40L);
            for (RawClient client : opened) {
                client.sendText("still here");
                assertEquals("still here", client.readFrame().text());
            }
        } finally {
            for (RawClient client : silent) {
                client.close();
            }
            for (RawClient client : opened) {
                client.close();
            }
        }
    }

    @Test
    void idleConnectionIsClosedWith1001() throws Exception {
        Recorder recorder = new Recorder(true);
        WebSocketServer server = start(builder().listener(recorder).idleTimeout(Duration.ofMillis(300)));
        try (RawClient client = RawClient.open(server.port())) {
            assertEquals(CloseCodes.GOING_AWAY, client.readCloseCode());
        }
        await().atMost(Duration.ofSeconds(5)).until(() -> recorder.closed.size() == 1);
        assertEquals(CloseCodes.GOING_AWAY, recorder.closed.get(0).code());
        assertFalse(recorder.closed.get(0).remote());
    }

    @Test
    void deadPeerThatNeverAnswersPingsIsDroppedAs1006() throws Exception {
        Recorder recorder = new Recorder(true);
        WebSocketServer server = start(builder().listener(recorder)
                .pingInterval(Duration.ofMillis(200), Duration.ofMillis(300)));
        try (RawClient client = RawClient.open(server.port())) {
            // the client reads nothing and answers nothing
            await().atMost(Duration.ofSeconds(5)).until(() -> recorder.closed.size() == 1);
            assertEquals(CloseCodes.ABNORMAL_CLOSURE, recorder.closed.get(0).code());
            ServerFrames.Frame ping = client.readFrame();
            assertEquals(Opcode.PING, ping.opcode());
            assertTrue(client.closedByServer());
        }
        assertEquals(0, server.metrics().openConnections());
        assertEquals(1L, server.metrics().closesByCode().get(CloseCodes.ABNORMAL_CLOSURE));
    }

    @Test
    void livePeerAnsweringPingsStaysOpenAndRoundTripIsMeasured() throws Exception {
        Recorder recorder = new Recorder(true);
        WebSocketServer server = start(builder().listener(recorder)
                .pingInterval(Duration.ofMillis(100), Duration.ofMillis(2000)));
        AtomicInteger pings = new AtomicInteger();
        HttpClient http = HttpClient.newHttpClient();
        java.net.http.WebSocket ws = http.newWebSocketBuilder()
                .buildAsync(URI.create("ws://127.0.0.1:" + server.port() + "/"), new java.net.http.WebSocket.Listener() {
                    @Override
                    public CompletionStage<?> onPing(java.net.http.WebSocket webSocket, ByteBuffer message) {
                        pings.incrementAndGet();
                        webSocket.request(1);
                        return null;
                    }
                }).get(10, TimeUnit.SECONDS);
        try {
            await().atMost(Duration.ofSeconds(10)).until(() -> pings.get() >= 3);
            await().atMost(Duration.ofSeconds(5)).until(() -> server.metrics().pingRoundTrip().count() > 0);
            assertTrue(recorder.closed.isEmpty());
            assertTrue(recorder.opened.get(0).isOpen());
        } finally {
            ws.abort();
        }
    }

    @Test
    void peerThatNeverAnswersOurCloseIsDroppedAfterTheCloseTimeout() throws Exception {
        Recorder recorder = new Recorder(true);
        WebSocketServer server = start(builder().listener(recorder).closeTimeout(Duration.ofMillis(200)));
        try (RawClient client = RawClient.open(server.port())) {
            await().until(() -> recorder.opened.size() == 1);
            recorder.opened.get(0).close(CloseCodes.NORMAL, "done");
            assertEquals(CloseCodes.NORMAL, client.readCloseCode());
            // no close frame back: the server drops TCP
            assertTrue(client.closedByServer());
        }
        await().atMost(Duration.ofSeconds(5)).until(() -> recorder.closed.size() == 1);
        assertEquals(CloseCodes.NORMAL, recorder.closed.get(0).code());
        assertFalse(recorder.closed.get(0).remote());
    }
}
