package dev.selkie.testing;

import dev.selkie.Compression;
import dev.selkie.Tls;
import dev.selkie.WebSocket;
import dev.selkie.WebSocketListener;
import dev.selkie.WebSocketServer;
import java.nio.ByteBuffer;

/** The echo server of the conformance and interop suites: what {@code demo echo} runs, on loopback. */
public final class EchoServer {
    private EchoServer() {
    }

    /** Starts an echo server on 127.0.0.1 and a free port, accepting messages up to {@code maxMessageSize}. */
    public static WebSocketServer start(int maxMessageSize) {
        return start(maxMessageSize, Compression.shared());
    }

    /** The same, with this compression (the echo demo's default is the shared mode). */
    public static WebSocketServer start(int maxMessageSize, Compression compression) {
        return start(maxMessageSize, compression, null);
    }

    /** The same over TLS (null: plain). */
    public static WebSocketServer start(int maxMessageSize, Compression compression, Tls tls) {
        WebSocketServer.Builder builder = WebSocketServer.builder();
        if (tls != null) {
            builder.tls(tls);
        }
        WebSocketServer server = builder
                .compression(compression)
                .host("127.0.0.1")
                .port(0)
                .maxMessageSize(maxMessageSize)
                .listener(new WebSocketListener() {
                    @Override
                    public void onText(WebSocket ws, String text) {
                        ws.send(text);
                    }

                    @Override
                    public void onBinary(WebSocket ws, ByteBuffer data) {
                        ws.send(data);
                    }
                })
                .build();
        server.start();
        return server;
    }
}
