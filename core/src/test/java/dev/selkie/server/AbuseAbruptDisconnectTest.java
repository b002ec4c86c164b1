package dev.selkie.server;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.selkie.testing.RawClient;
import dev.selkie.WebSocketServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Abuse: 5,000 connections opened and reset (SO_LINGER 0) in bursts, twice: before their handshake,
 * in the middle of it, and right after it. The server's descriptors and threads go back to what they
 * were, and it keeps serving.
 */
class AbuseAbruptDisconnectTest extends ServerTestSupport {
    private static final int CONNECTIONS = 5000;
    private static final int BURST = 250;

    @Test
    void resetConnectionsLeaveNoDescriptorsOrThreadsBehind() throws Exception {
        Recorder recorder = new Recorder(true);
        WebSocketServer server = start(builder().listener(recorder).loops(2));
        byte[] request = RawClient.upgradeRequest("/").getBytes(StandardCharsets.US_ASCII);
        int descriptors = AbuseSupport.openDescriptors();
        long threads = AbuseSupport.serverThreads();
        long opened = 0;
        for (int round = 0; round < 2; round++) {
            for (int done = 0; done < CONNECTIONS; done += BURST) {
                List<Socket> burst = new ArrayList<>();
                for (int i = 0; i < BURST; i++) {
                    Socket socket = new Socket();
                    socket.connect(new InetSocketAddress("127.0.0.1", server.port()), 5_000);
                    socket.setSoTimeout(5_000);
                    switch (i % 3) {
                        case 0 -> {
                            // reset before any byte
                        }
                        case 1 -> socket.getOutputStream().write(request, 0, request.length / 2);
                        default -> {
                            socket.getOutputStream().write(request);
                            readHead(socket);
                            opened++;
                        }
                    }
                    burst.add(socket);
                }
                for (Socket socket : burst) {
                    socket.setSoLinger(true, 0); // close() sends RST
                    socket.close();
                }
            }
        }
        long expectedOpens = opened;
        await().atMost(Duration.ofSeconds(30)).until(() -> recorder.closed.size() == expectedOpens);
        assertEquals(0, server.metrics().openConnections());
        assertTrue(recorder.closed.stream().allMatch(c -> c.code() == 1006 && c.remote()));
        await().atMost(Duration.ofSeconds(30)).until(() -> AbuseSupport.openDescriptors() <= descriptors);
        await().until(() -> AbuseSupport.serverThreads() <= threads);
        try (RawClient client = RawClient.open(server.port())) {
            client.sendText("still serving");
            assertEquals("still serving", client.readFrame().text());
        }
    }

    private static void readHead(Socket socket) throws IOException {
        var in = socket.getInputStream();
        int matched = 0;
        while (matched < 4) {
            int b = in.read();
            if (b < 0) {
                throw new IOException("closed in the handshake");
            }
            matched = (b == (matched % 2 == 0 ? '\r' : '\n')) ? matched + 1 : (b == '\r' ? 1 : 0);
        }
    }
}
