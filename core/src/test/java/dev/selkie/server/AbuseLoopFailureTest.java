package dev.selkie.server;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.selkie.testing.RawClient;
import dev.selkie.CloseCodes;
import dev.selkie.WebSocket;
import dev.selkie.WebSocketServer;
import dev.selkie.protocol.ClientFrames;
import dev.selkie.protocol.Opcode;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/**
 * An event loop that dies (a fatal error inside it: out of memory, or a bug of ours) does not leave
 * a zombie server: the server reports the failure, stops accepting, closes what it can and ends its
 * threads. A connection's own failures (a listener exception, a protocol error, an I/O error) never
 * end the loop.
 */
class AbuseLoopFailureTest extends ServerTestSupport {
    private final List<Throwable> reported = new CopyOnWriteArrayList<>();

    @Test
    void aListenerOutOfMemoryStopsTheWholeServerAndReportsIt() throws Exception {
        OutOfMemoryError injected = new OutOfMemoryError("injected");
        Recorder recorder = new Recorder(true) {
            @Override
            public void onText(WebSocket ws, String text) {
                if (text.equals("die")) {
                    throw injected;
                }
                super.onText(ws, text);
            }
        };
        WebSocketServer server = start(builder().listener(recorder).loops(2).failureHandler(reported::add));
        int port = server.port();
        try (RawClient victim = RawClient.open(port); RawClient bystander = RawClient.open(port)) {
            await().until(() -> recorder.opened.size() == 2);
            bystander.sendText("before");
            assertEquals("before", bystander.readFrame().text());

            victim.sendText("die");
            assertEquals(CloseCodes.INTERNAL_ERROR, bystander.readCloseCode());
            bystander.write(ClientFrames.close(CloseCodes.INTERNAL_ERROR, ""));
            assertTrue(server.awaitTermination(Duration.ofSeconds(15)), "the server stopped itself");
            await().until(() -> reported.size() == 1);
            assertSame(injected, reported.get(0));
            assertSame(injected, server.failure().orElseThrow());
            assertEquals(1, server.metrics().fatalErrors());
            // the victim's loop closed its sockets as it ended; the other loop closed the bystander with 1011
            assertTrue(victim.closedByServer());
            assertTrue(bystander.closedByServer());
        }
        assertThrows(ConnectException.class, () -> new Socket().connect(new InetSocketAddress("127.0.0.1", port), 2000));
        awaitNoSelkieThreads();
        server.stop(STOP); // still works, and returns at once
        assertEquals(2, recorder.closed.size());
    }

    @Test
    void anErrorInsideTheLoopStopsTheServer() throws Exception {
        Recorder recorder = new Recorder(true);
        WebSocketServer server = start(builder().listener(recorder).failureHandler(reported::add));
        try (RawClient client = RawClient.open(server.port())) {
            await().until(() -> recorder.opened.size() == 1);
            Connection connection = ((Session) recorder.opened.get(0)).connection();
            AssertionError bug = new AssertionError("a bug in the loop");
            connection.loop().execute(() -> {
                throw bug;
            });
            assertTrue(server.awaitTermination(Duration.ofSeconds(15)));
            await().until(() -> reported.size() == 1);
            assertSame(bug, reported.get(0));
            assertTrue(client.closedByServer());
        }
        awaitNoSelkieThreads();
        assertEquals(1, recorder.closed.size());
    }

    @Test
    void aConnectionsOwnFailuresNeverEndTheLoop() throws Exception {
        Recorder recorder = new Recorder(true) {
            @Override
            public void onText(WebSocket ws, String text) {
                switch (text) {
                    case "throw" -> throw new IllegalStateException("listener bug");
                    case "overflow" -> overflow(0);
                    default -> super.onText(ws, text);
                }
            }

            private int overflow(int depth) {
                return overflow(depth + 1) + 1;
            }
        };
        WebSocketServer server = start(builder().listener(recorder).failureHandler(reported::add));
        int port = server.port();
        try (RawClient thrower = RawClient.open(port); RawClient overflower = RawClient.open(port)) {
            thrower.sendText("throw");
            overflower.sendText("overflow");
            thrower.sendText("after");
            assertEquals("after", thrower.readFrame().text());
            overflower.sendText("after");
            assertEquals("after", overflower.readFrame().text());
        }
        try (RawClient violator = RawClient.open(port)) {
            violator.write(ClientFrames.frame(Opcode.TEXT).payload("unmasked").unmasked().build());
            assertEquals(CloseCodes.PROTOCOL_ERROR, violator.readCloseCode());
        }
        try (RawClient vanisher = RawClient.open(port)) {
            vanisher.write(ClientFrames.frame(Opcode.BINARY).payload(new byte[1000]).declaredLength(100_000).build());
            vanisher.socket.setSoLinger(true, 0); // reset in the middle of a frame
        }
        await().until(() -> recorder.closed.size() == 4);
        try (RawClient after = RawClient.open(port)) {
            after.sendText("still serving");
            assertEquals("still serving", after.readFrame().text());
        }
        assertEquals(2, recorder.errors.size());
        assertEquals(2, server.metrics().listenerErrors());
        assertEquals(1, server.metrics().closesByCode(CloseCodes.PROTOCOL_ERROR), "the violator, counted by code");
        assertTrue(reported.isEmpty());
        assertEquals(0, server.metrics().fatalErrors());
        assertFalse(server.awaitTermination(Duration.ZERO));
    }

}
