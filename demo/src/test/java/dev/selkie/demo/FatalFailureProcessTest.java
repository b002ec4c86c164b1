package dev.selkie.demo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * A server that runs out of memory does not linger as a zombie: the echo demo, given a message limit
 * far beyond its heap, runs out of memory while one client streams a huge message; the server stops
 * itself and the command exits with 1 (with {@code -XX:+ExitOnOutOfMemoryError}, as the README
 * recommends, the JVM would exit at once instead).
 */
class FatalFailureProcessTest {
    @Test
    void outOfMemoryInTheLoopEndsTheCommandWithStatus1() throws Exception {
        try (DemoProcess demo = DemoProcess.startWithHeap("64m", "echo", "--port", "0",
                "--max-message-size", String.valueOf(1 << 30))) {
            URI url = URI.create(demo.awaitUrl());
            try (Socket socket = new Socket()) {
                socket.connect(new InetSocketAddress("127.0.0.1", url.getPort()), 5_000);
                OutputStream out = socket.getOutputStream();
                out.write(("GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                        + "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n")
                        .getBytes(StandardCharsets.US_ASCII));
                // a binary frame of 1000 MiB, masked with a zero key, then its payload until the server goes away
                long length = 1000L << 20;
                byte[] header = {(byte) 0x82, (byte) 0xFF, 0, 0, 0, 0, (byte) (length >>> 24), (byte) (length >>> 16),
                        (byte) (length >>> 8), (byte) length, 0, 0, 0, 0};
                out.write(header);
                byte[] chunk = new byte[1 << 20];
                try {
                    for (int i = 0; i < 1000; i++) {
                        out.write(chunk);
                    }
                } catch (IOException e) {
                    // the server is gone
                }
            }
            assertEquals(1, demo.awaitExit(Duration.ofSeconds(60)), "exit code; stderr:\n" + demo.stderr());
            String stderr = demo.stderr();
            assertTrue(stderr.contains("OutOfMemoryError"), stderr);
            assertTrue(stderr.contains("stopped after a fatal error"), stderr);
        }
    }
}
