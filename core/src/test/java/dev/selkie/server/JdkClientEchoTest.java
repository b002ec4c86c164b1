package dev.selkie.server;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.selkie.CloseCodes;
import dev.selkie.WebSocket;
import dev.selkie.WebSocketServer;
import java.net.URI;
import java.net.http.HttpClient;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** End to end with the JDK's own WebSocket client. */
class JdkClientEchoTest extends ServerTestSupport {
    private final HttpClient http = HttpClient.newHttpClient();

    /** Collects what the JDK client receives. */
    static class ClientListener implements java.net.http.WebSocket.Listener {
        final List<String> texts = new CopyOnWriteArrayList<>();
        final List<byte[]> binaries = new CopyOnWriteArrayList<>();
        final List<ByteBuffer> pongs = new CopyOnWriteArrayList<>();
        final CompletableFuture<Integer> closeCode = new CompletableFuture<>();
        volatile String closeReason;
        private final StringBuilder text = new StringBuilder();
        private final java.io.ByteArrayOutputStream binary = new java.io.ByteArrayOutputStream();

        @Override
        public CompletionStage<?> onText(java.net.http.WebSocket ws, CharSequence data, boolean last) {
            text.append(data);
            if (last) {
                texts.add(text.toString());
                text.setLength(0);
            }
            ws.request(1);
            return null;
        }

        @Override
        public CompletionStage<?> onBinary(java.net.http.WebSocket ws, ByteBuffer data, boolean last) {
            byte[] bytes = new byte[data.remaining()];
            data.get(bytes);
            binary.writeBytes(bytes);
            if (last) {
                binaries.add(binary.toByteArray());
                binary.reset();
            }
            ws.request(1);
            return null;
        }

        @Override
        public CompletionStage<?> onPong(java.net.http.WebSocket ws, ByteBuffer message) {
            pongs.add(message);
            ws.request(1);
            return null;
        }

        @Override
        public CompletionStage<?> onClose(java.net.http.WebSocket ws, int statusCode, String reason) {
            closeReason = reason;
            closeCode.complete(statusCode);
            return null;
        }

        @Override
        public void onError(java.net.http.WebSocket ws, Throwable error) {
            closeCode.completeExceptionally(error);
        }
    }

    private java.net.http.WebSocket connect(WebSocketServer server, ClientListener listener, String... protocols)
            throws Exception {
        java.net.http.WebSocket.Builder b = http.newWebSocketBuilder().connectTimeout(Duration.ofSeconds(10));
        if (protocols.length > 0) {
            b.subprotocols(protocols[0], java.util.Arrays.copyOfRange(protocols, 1, protocols.length));
        }
        return b.buildAsync(URI.create("ws://127.0.0.1:" + server.port() + "/chat?room=a"), listener)
                .get(10, TimeUnit.SECONDS);
    }

    @AfterEach
    void closeHttp() {
        if (http instanceof AutoCloseable closeable) {
            try {
                closeable.close();
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }
    }

    @Test
    void echoesTextBinaryAndFragmentedMessages() throws Exception {
        Recorder recorder = new Recorder(true);
        WebSocketServer server = start(builder().listener(recorder));
        ClientListener client = new ClientListener();
        java.net.http.WebSocket ws = connect(server, client);

        ws.sendText("hello", true).get(5, TimeUnit.SECONDS);
        ws.sendBinary(ByteBuffer.wrap(new byte[] {1, 2, 3}), true).get(5, TimeUnit.SECONDS);
        ws.sendText("frag", false).get(5, TimeUnit.SECONDS);
        ws.sendText("mented ", false).get(5, TimeUnit.SECONDS);
        ws.sendText("ünïcödé", true).get(5, TimeUnit.SECONDS);
        byte[] big = new byte[200_000];
        new java.util.Random(1).nextBytes(big);
        ws.sendBinary(ByteBuffer.wrap(big), true).get(5, TimeUnit.SECONDS);

        await().atMost(Duration.ofSeconds(10)).until(() -> client.texts.size() == 2 && client.binaries.size() == 2);
        assertEquals(List.of("hello", "fragmented ünïcödé"), client.texts);
        assertTrue(java.util.Arrays.equals(new byte[] {1, 2, 3}, client.binaries.get(0)));
        assertTrue(java.util.Arrays.equals(big, client.binaries.get(1)));
        assertEquals(List.of("hello", "fragmented ünïcödé"), recorder.texts);

        WebSocket serverSide = recorder.opened.get(0);
        assertEquals("/chat", serverSide.request().path());
        assertEquals("room=a", serverSide.request().query());
        assertEquals("127.0.0.1", serverSide.remoteAddress().getAddress().getHostAddress());
        assertTrue(serverSide.isOpen());
        await().atMost(Duration.ofSeconds(5)).until(() -> server.metrics().messagesIn() == 4
                && server.metrics().messagesOut() == 4);
        assertEquals(1, server.metrics().openConnections());
        assertEquals(1, server.metrics().acceptedHandshakes());

        ws.sendClose(CloseCodes.NORMAL, "bye").get(5, TimeUnit.SECONDS);
        assertEquals(CloseCodes.NORMAL, client.closeCode.get(5, TimeUnit.SECONDS));
        await().atMost(Duration.ofSeconds(5)).until(() -> recorder.closed.size() == 1);
        Recorder.Closed closed = recorder.closed.get(0);
        assertEquals(CloseCodes.NORMAL, closed.code());
        assertEquals("bye", closed.reason());
        assertTrue(closed.remote());
        assertFalse(serverSide.isOpen());
        assertEquals(0, server.metrics().openConnections());
        assertEquals(1L, server.metrics().closesByCode().get(CloseCodes.NORMAL));
    }

    @Test
    void pingIsAnsweredAndServerPingsGetPongs() throws Exception {
        Recorder recorder = new Recorder(false);
        WebSocketServer server = start(builder().listener(recorder));
        ClientListener client = new ClientListener();
        java.net.http.WebSocket ws = connect(server, client);

        ws.sendPing(ByteBuffer.wrap("abc".getBytes(StandardCharsets.US_ASCII))).get(5, TimeUnit.SECONDS);
        await().atMost(Duration.ofSeconds(5)).until(() -> client.pongs.size() == 1);
        assertEquals(ByteBuffer.wrap("abc".getBytes(StandardCharsets.US_ASCII)), client.pongs.get(0));

        await().until(() -> recorder.opened.size() == 1);
        recorder.opened.get(0).ping(ByteBuffer.wrap(new byte[] {9}));
        await().atMost(Duration.ofSeconds(5)).until(() -> recorder.pongs.size() == 1);
        assertEquals(ByteBuffer.wrap(new byte[] {9}), recorder.pongs.get(0));
        ws.abort();
    }

    @Test
    void serverInitiatedCloseWithCodeAndReason() throws Exception {
        Recorder recorder = new Recorder(false);
        WebSocketServer server = start(builder().listener(recorder));
        ClientListener client = new ClientListener() {
            @Override
            public CompletionStage<?> onClose(java.net.http.WebSocket ws, int statusCode, String reason) {
                super.onClose(ws, statusCode, reason);
                return ws.sendClose(statusCode, "ack");
            }
        };
        connect(server, client);
        await().until(() -> recorder.opened.size() == 1);
        WebSocket serverSide = recorder.opened.get(0);
        serverSide.close(4000, "custom");
        assertFalse(serverSide.isOpen());
        assertEquals(4000, client.closeCode.get(5, TimeUnit.SECONDS));
        assertEquals("custom", client.closeReason);
        await().atMost(Duration.ofSeconds(5)).until(() -> recorder.closed.size() == 1);
        assertEquals(4000, recorder.closed.get(0).code());
        assertFalse(recorder.closed.get(0).remote());
        assertEquals(dev.selkie.SendResult.DROPPED, serverSide.send("too late"));
    }

    @Test
    void negotiatesTheServersPreferredSubprotocol() throws Exception {
        Recorder recorder = new Recorder(false);
        WebSocketServer server = start(builder().listener(recorder).subprotocols("v2.chat", "v1.chat"));
        ClientListener client = new ClientListener();
        java.net.http.WebSocket ws = connect(server, client, "v1.chat", "v2.chat");
        assertEquals("v2.chat", ws.getSubprotocol());
        await().until(() -> recorder.opened.size() == 1);
        assertEquals("v2.chat", recorder.opened.get(0).subprotocol().orElseThrow());
        assertEquals(List.of("v1.chat", "v2.chat"), recorder.opened.get(0).request().offeredSubprotocols());
        ws.abort();
    }
}
