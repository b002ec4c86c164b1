package dev.selkie.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.selkie.testing.RawClient;
import dev.selkie.WebSocketServer;
import dev.selkie.protocol.ClientFrames;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.SocketException;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * Abuse: random bytes from a fixed seed, instead of a handshake and after one (fully random bytes
 * whose first frame is unmasked, and random masked frames). Each connection gets the answer RFC 6455
 * asks for (400, or a close frame with 1002, 1007 or 1009) and another client is served throughout.
 */
class AbuseGarbageTest extends ServerTestSupport {
    private static final int CONNECTIONS_PER_KIND = 60;
    private static final long SEED = 0x5E1C1E;

    @Test
    void randomBytesGetTheRfcsAnswerAndOthersAreServed() throws Exception {
        Recorder recorder = new Recorder(true);
        WebSocketServer server = start(builder().listener(recorder).maxMessageSize(64 << 10));
        Random random = new Random(SEED);
        try (AbuseSupport.HealthyClient healthy = new AbuseSupport.HealthyClient(server.port())) {
            for (int i = 0; i < CONNECTIONS_PER_KIND; i++) {
                assertEquals(400, garbageInsteadOfHandshake(server.port(), random), "connection " + i);
                assertEquals(1002, randomBytesAfterHandshake(server.port(), random), "connection " + i);
                int code = randomMaskedFrames(server.port(), random);
                assertTrue(Set.of(1002, 1007, 1009).contains(code), "connection " + i + " closed with " + code);
            }
            healthy.stopAndCheck();
            assertTrue(healthy.echoes() > 0);
        }
        assertEquals(0, server.metrics().fatalErrors());
    }

    /** Random bytes and a blank line instead of a request head: the answer's status. */
    private static int garbageInsteadOfHandshake(int port, Random random) throws IOException {
        byte[] garbage = new byte[1 + random.nextInt(1000)];
        random.nextBytes(garbage);
        try (RawClient client = new RawClient(port)) {
            client.write(garbage).write("\r\n\r\n");
            return client.readResponse().status();
        }
    }

    /** Random bytes after a handshake, the first frame unmasked (a client must mask): the close code. */
    private static int randomBytesAfterHandshake(int port, Random random) throws IOException {
        byte[] garbage = new byte[2 + random.nextInt(4000)];
        random.nextBytes(garbage);
        garbage[1] &= 0x7F;
        try (RawClient client = RawClient.open(port)) {
            client.write(garbage);
            return client.readCloseCode();
        }
    }

    /**
     * Random frames, masked, with any opcode but close, RSV bits and lengths, until the server
     * closes: the close code. The frames are sent in batches; whatever the server echoes is skipped.
     */
    private static int randomMaskedFrames(int port, Random random) throws IOException {
        try (RawClient client = RawClient.open(port)) {
            for (int batch = 0; batch < 200; batch++) {
                ByteArrayOutputStream frames = new ByteArrayOutputStream();
                for (int i = 0; i < 5; i++) {
                    frames.writeBytes(randomFrame(random));
                }
                try {
                    client.write(frames.toByteArray());
                } catch (SocketException e) {
                    break; // closed meanwhile: its close frame is in our receive buffer
                }
                if (client.socket.getInputStream().available() > 0) {
                    break;
                }
            }
            return client.readCloseCode();
        }
    }

    private static byte[] randomFrame(Random random) {
        int opcode;
        do {
            opcode = random.nextInt(16);
        } while (opcode == 0x8);
        int rsv = random.nextInt(8) == 0 ? (random.nextInt(7) + 1) << 4 : 0;
        int length = random.nextInt(10) == 0 ? random.nextInt(200_000) : random.nextInt(300);
        byte[] payload = new byte[Math.min(length, 2000)];
        random.nextBytes(payload);
        return ClientFrames.frame(opcode).fin(random.nextInt(4) != 0).rsv(rsv).payload(payload)
                .declaredLength(length).mask(random.nextInt()).build();
    }
}
