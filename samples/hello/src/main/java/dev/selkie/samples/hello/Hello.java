package dev.selkie.samples.hello;

import dev.selkie.AttributeKey;
import dev.selkie.Endpoint;
import dev.selkie.HandshakeDecision;
import dev.selkie.HandshakeInterceptor;
import dev.selkie.PreparedMessage;
import dev.selkie.WebSocket;
import dev.selkie.WebSocketListener;
import dev.selkie.WebSocketServer;
import java.net.URI;
import java.net.http.HttpClient;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;

/**
 * Starts a server on a free port with two endpoints: {@code /echo} echoes, {@code /greet?name=N}
 * greets by the name its interceptor put on the connection (typed state) with a message prepared
 * once. Talks to both through the JDK client, stops. Exit 0 on success.
 */
public final class Hello {
    private static final AttributeKey<String> NAME = AttributeKey.of("name");
    private static final PreparedMessage WELCOME = PreparedMessage.text("welcome");

    public static void main(String[] args) throws Exception {
        WebSocketListener echo = new WebSocketListener() {
            @Override
            public void onText(WebSocket ws, String text) {
                ws.send(text);
            }
        };
        WebSocketListener greeter = new WebSocketListener() {
            @Override
            public void onOpen(WebSocket ws) {
                ws.send(WELCOME);
                ws.send("hello " + ws.attribute(NAME).orElse("stranger"));
            }
        };
        HandshakeInterceptor named = HandshakeInterceptor.sync(request -> request.query().startsWith("name=")
                ? HandshakeDecision.accept().with(NAME, request.query().substring(5))
                : HandshakeDecision.reject(400, "say your name: /greet?name=N\n"));
        try (WebSocketServer server = WebSocketServer.builder()
                .host("127.0.0.1")
                .port(0)
                .route("/echo", echo)
                .route("/greet", Endpoint.of(greeter).withInterceptor(named))
                .build()) {
            server.start();
            String base = "ws://127.0.0.1:" + server.port();
            expect(talk(base + "/echo", "hello", 1), "hello");
            expect(talk(base + "/greet?name=ann", null, 2), "welcome|hello ann");
            System.out.println("Selkie sample: server on port " + server.port() + " echoed and greeted");
        } // close(): stops the server, clients get 1001
    }

    /** Connects, sends {@code text} if not null, and returns the first {@code replies} texts joined by '|'. */
    private static String talk(String uri, String text, int replies) throws Exception {
        CompletableFuture<String> received = new CompletableFuture<>();
        StringBuilder got = new StringBuilder();
        java.net.http.WebSocket client = HttpClient.newHttpClient().newWebSocketBuilder()
                .buildAsync(URI.create(uri), new java.net.http.WebSocket.Listener() {
                    private int count;

                    @Override
                    public CompletionStage<?> onText(java.net.http.WebSocket ws, CharSequence data, boolean last) {
                        got.append(got.length() == 0 ? "" : "|").append(data);
                        if (++count == replies) {
                            received.complete(got.toString());
                        }
                        ws.request(1);
                        return null;
                    }
                })
                .get(10, TimeUnit.SECONDS);
        if (text != null) {
            client.sendText(text, true).get(10, TimeUnit.SECONDS);
        }
        try {
            return received.get(10, TimeUnit.SECONDS);
        } finally {
            client.abort();
        }
    }

    private static void expect(String actual, String expected) {
        if (!actual.equals(expected)) {
            throw new IllegalStateException("expected " + expected + ", got " + actual);
        }
    }
}
