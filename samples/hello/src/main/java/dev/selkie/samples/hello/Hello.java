package dev.selkie.samples.hello;

import dev.selkie.WebSocket;
import dev.selkie.WebSocketListener;
import dev.selkie.WebSocketServer;
import java.net.URI;
import java.net.http.HttpClient;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.time.Duration;

/** Starts an echo server on a free port, echoes "hello" through the JDK client, stops. Exit 0 on success. */
public final class Hello {
    public static void main(String[] args) throws Exception {
        WebSocketServer server = WebSocketServer.builder()
                .host("127.0.0.1")
                .port(0)
                .listener(new WebSocketListener() {
                    @Override
                    public void onText(WebSocket ws, String text) {
                        ws.send(text);
                    }
                })
                .build();
        server.start();
        try {
            CompletableFuture<String> echo = new CompletableFuture<>();
            URI uri = URI.create("ws://127.0.0.1:" + server.port() + "/");
            java.net.http.WebSocket client = HttpClient.newHttpClient().newWebSocketBuilder()
                    .buildAsync(uri, new java.net.http.WebSocket.Listener() {
                        @Override
                        public CompletionStage<?> onText(java.net.http.WebSocket ws, CharSequence data, boolean last) {
                            echo.complete(data.toString());
                            return null;
                        }
                    })
                    .get(10, TimeUnit.SECONDS);
            client.sendText("hello", true).get(10, TimeUnit.SECONDS);
            String reply = echo.get(10, TimeUnit.SECONDS);
            if (!reply.equals("hello")) {
                throw new IllegalStateException("unexpected echo: " + reply);
            }
            System.out.println("Selkie sample: server on port " + server.port() + " echoed \"" + reply + "\"");
            client.abort();
        } finally {
            server.stop(Duration.ofSeconds(2));
        }
    }
}
