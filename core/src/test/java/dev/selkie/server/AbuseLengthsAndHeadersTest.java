package dev.selkie.server;

import dev.selkie.RejectionReason;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.selkie.testing.RawClient;
import dev.selkie.WebSocketServer;
import dev.selkie.protocol.ClientFrames;
import dev.selkie.protocol.Opcode;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

/**
 * Abuse: frames that declare absurd lengths, frames that declare the largest allowed length and
 * send almost nothing, and header bombs. The answers are RFC 6455's (1009, 1002, 431) and nothing
 * is allocated for what a peer merely declares.
 */
class AbuseLengthsAndHeadersTest extends ServerTestSupport {
    private static final int MAX_MESSAGE = 16 << 20;

    @ParameterizedTest(name = "declared length {0}")
    @CsvSource({
        "4611686018427387904, 1009", // 2^62
        "9223372036854775807, 1009", // 2^63 - 1
        "-9223372036854775808, 1002", // top bit set
        "-1, 1002",
        "16777217, 1009", // one byte over the 16 MiB limit
    })
    void absurdLengthsAreRefusedByTheHeader(long declared, int code) throws Exception {
        WebSocketServer server = start(builder().listener(new Recorder(true)).maxMessageSize(MAX_MESSAGE));
        try (RawClient client = RawClient.open(server.port())) {
            client.write(ClientFrames.frame(Opcode.BINARY).declaredLength(declared)
                    .lengthEncoding(ClientFrames.LengthEncoding.SIXTY_FOUR_BIT).payload(new byte[10]).build());
            assertEquals(code, client.readCloseCode());
        }
    }

    @Test
    void aDeclaredLengthIsNotAllocatedBeforeItsBytesArrive() throws Exception {
        Recorder recorder = new Recorder(true);
        WebSocketServer server = start(builder().listener(recorder).maxMessageSize(MAX_MESSAGE));
        long before = AbuseSupport.liveHeap();
        List<RawClient> clients = new ArrayList<>();
        try {
            for (int i = 0; i < 100; i++) {
                RawClient client = RawClient.open(server.port());
                clients.add(client);
                // the largest frame allowed, with 10 of its 16 MiB
                client.write(ClientFrames.frame(i % 2 == 0 ? Opcode.BINARY : Opcode.TEXT).declaredLength(MAX_MESSAGE)
                        .payload("0123456789".getBytes(java.nio.charset.StandardCharsets.US_ASCII)).build());
            }
            await().until(() -> server.metrics().bytesIn() >= 100L * (10 + 14));
            long growth = AbuseSupport.liveHeap() - before;
            // 100 x 16 MiB = 1.6 GB if the declarations were believed
            assertTrue(growth < 8 << 20, "live heap grew by " + growth + " bytes");
            try (RawClient other = RawClient.open(server.port())) {
                other.sendText("served");
                assertEquals("served", other.readFrame().text());
            }
        } finally {
            for (RawClient client : clients) {
                client.close();
            }
        }
    }

    @Test
    void headerBombsGet431() throws Exception {
        WebSocketServer server = start(builder().listener(new Recorder(true)));
        String[] lines = new String[200];
        for (int i = 0; i < lines.length; i++) {
            lines[i] = "X-Bomb-" + i + ": " + i;
        }
        try (RawClient client = new RawClient(server.port())) {
            client.write(RawClient.upgradeRequest("/", lines));
            assertEquals(431, client.readResponse().status());
        }
        try (RawClient client = new RawClient(server.port())) {
            client.write(RawClient.upgradeRequest("/", "X-Bomb: " + "b".repeat(64 << 10)));
            assertEquals(431, client.readResponse().status());
        }
        assertEquals(2, server.metrics().rejectedHandshakes(RejectionReason.HEADERS_TOO_LARGE));
        try (RawClient other = RawClient.open(server.port())) {
            other.sendText("served");
            assertEquals("served", other.readFrame().text());
        }
    }
}
