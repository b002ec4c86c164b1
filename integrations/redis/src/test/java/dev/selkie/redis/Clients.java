package dev.selkie.redis;

import dev.selkie.WebSocket;
import dev.selkie.WebSocketListener;
import dev.selkie.WebSocketServer;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket.Listener;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

/** Test servers and JDK clients: every connection subscribes "room" on open; a text "unsub" unsubscribes it. */
final class Clients {
    static final HttpClient HTTP = HttpClient.newHttpClient();

    private Clients() {
    }

    static WebSocketServer server(RedisBroker broker) {
        WebSocketServer server = WebSocketServer.builder().host("127.0.0.1").port(0).broker(broker)
                .listener(new WebSocketListener() {
                    @Override
                    public void onOpen(WebSocket ws) {
                        ws.subscribe("room");
                    }

                    @Override
                    public void onText(WebSocket ws, String text) {
                        if (text.equals("unsub")) {
                            ws.unsubscribe("room");
                        }
                    }
                }).build();
        server.start();
        return server;
    }

    /** A client that records what it receives: "t:" + text or "b:" + the bytes as ISO-8859-1. */
    static final class Client implements Listener {
        final List<String> received = new CopyOnWriteArrayList<>();
        final java.net.http.WebSocket ws;
        private final StringBuilder text = new StringBuilder();
        private final java.io.ByteArrayOutputStream binary = new java.io.ByteArrayOutputStream();

        Client(WebSocketServer server) throws Exception {
            ws = HTTP.newWebSocketBuilder().buildAsync(URI.create("ws://127.0.0.1:" + server.port() + "/"), this)
                    .get(10, TimeUnit.SECONDS);
        }

        @Override
        public CompletionStage<?> onText(java.net.http.WebSocket webSocket, CharSequence data, boolean last) {
            text.append(data);
            if (last) {
                received.add("t:" + text);
                text.setLength(0);
            }
            webSocket.request(1);
            return null;
        }

        @Override
        public CompletionStage<?> onBinary(java.net.http.WebSocket webSocket, ByteBuffer data, boolean last) {
            byte[] bytes = new byte[data.remaining()];
            data.get(bytes);
            binary.writeBytes(bytes);
            if (last) {
                received.add("b:" + new String(binary.toByteArray(), java.nio.charset.StandardCharsets.ISO_8859_1));
                binary.reset();
            }
            webSocket.request(1);
            return null;
        }

        void close() {
            ws.abort();
        }
    }
}
