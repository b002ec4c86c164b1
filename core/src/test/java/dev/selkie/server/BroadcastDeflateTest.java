package dev.selkie.server;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.selkie.Compression;
import dev.selkie.ServerMetrics;
import dev.selkie.WebSocket;
import dev.selkie.WebSocketServer;
import dev.selkie.protocol.ServerFrames;
import dev.selkie.testing.ClientDeflate;
import dev.selkie.testing.RawClient;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Broadcast and publish to a mix of recipients over sockets, on two loops: those that negotiated
 * permessage-deflate (with different offers, so different answers) all get the same compressed
 * bytes, those that did not get the plain frame, and a context-takeover connection its own.
 */
class BroadcastDeflateTest extends ServerTestSupport {
    private static final String JSON;

    static {
        StringBuilder sb = new StringBuilder("[");
        for (int i = 0; sb.length() < 2048; i++) {
            sb.append("{\"id\":").append(i).append(",\"user\":\"selkie\",\"text\":\"hello, room\"},");
        }
        JSON = sb.append("{}]").toString();
    }

    private static final String[] OFFERS = {
        "permessage-deflate; client_max_window_bits",
        "permessage-deflate",
        "permessage-deflate; server_no_context_takeover; client_no_context_takeover",
        "x-webkit-deflate-frame, permessage-deflate; server_max_window_bits=15",
    };

    @Test
    void compressedRecipientsShareOneCompressionAndPlainOnesThePlainFrame() throws Exception {
        Recorder recorder = new Recorder(false) {
            @Override
            public void onOpen(WebSocket ws) {
                ws.subscribe("room");
                super.onOpen(ws);
            }
        };
        WebSocketServer server = start(builder().listener(recorder).loops(2).compression(Compression.shared()));
        List<RawClient> compressed = new ArrayList<>();
        List<RawClient> plain = new ArrayList<>();
        try {
            for (int i = 0; i < 8; i++) {
                compressed.add(RawClient.openOffering(server.port(), OFFERS[i % OFFERS.length]));
                plain.add(RawClient.open(server.port()));
            }
            await().atMost(Duration.ofSeconds(10)).until(() -> server.subscriberCount("room") == 16);
            server.broadcast(JSON);
            assertEquals(16, server.publish("room", JSON));

            byte[] shared = null;
            for (RawClient client : compressed) {
                assertEquals(1, client.accepted().size());
                try (ClientDeflate deflate = new ClientDeflate(client.accepted().get(0))) {
                    for (int m = 0; m < 2; m++) {
                        ServerFrames.Frame frame = client.readMessage();
                        assertEquals(0x40, frame.rsv(), "compressed");
                        if (shared == null) {
                            shared = frame.payload();
                        }
                        assertArrayEquals(shared, frame.payload(), "the same bytes for every compressed recipient");
                        assertEquals(JSON, new String(deflate.inflate(frame.payload()), StandardCharsets.UTF_8));
                    }
                }
            }
            assertTrue(shared.length < JSON.length() / 3, "JSON shrinks: " + shared.length + " of " + JSON.length());
            for (RawClient client : plain) {
                for (int m = 0; m < 2; m++) {
                    ServerFrames.Frame frame = client.readMessage();
                    assertEquals(0, frame.rsv());
                    assertEquals(JSON, frame.text());
                }
            }
            ServerMetrics metrics = server.metrics();
            assertEquals(16L * JSON.length(), metrics.sentUncompressedBytes(), "payload bytes before compression");
            assertEquals(16L * shared.length, metrics.sentCompressedBytes(), "and after, per delivery");
        } finally {
            for (RawClient client : compressed) {
                client.close();
            }
            for (RawClient client : plain) {
                client.close();
            }
        }
    }

    @Test
    void aContextTakeoverRecipientCompressesItsOwnAndTheOthersShare() throws Exception {
        WebSocketServer server = start(builder().listener(new Recorder(false)).compression(Compression.contextTakeover(1)));
        try (RawClient takeover = RawClient.openOffering(server.port(), OFFERS[0]);
             RawClient shared1 = RawClient.openOffering(server.port(), OFFERS[0]);
             RawClient shared2 = RawClient.openOffering(server.port(), OFFERS[1])) {
            assertTrue(takeover.accepted().get(0).param("server_no_context_takeover").isEmpty(),
                    "the first connection gets a deflater of its own");
            assertTrue(shared1.accepted().get(0).param("server_no_context_takeover").isPresent(),
                    "beyond the cap of 1: the shared mode");
            await().atMost(Duration.ofSeconds(10)).until(() -> server.metrics().openConnections() == 3);
            try (ClientDeflate d0 = new ClientDeflate(takeover.accepted().get(0));
                 ClientDeflate d1 = new ClientDeflate(shared1.accepted().get(0));
                 ClientDeflate d2 = new ClientDeflate(shared2.accepted().get(0))) {
                for (int m = 0; m < 3; m++) {
                    server.broadcast(JSON);
                    byte[] own = takeover.readMessage().payload();
                    byte[] s1 = shared1.readMessage().payload();
                    byte[] s2 = shared2.readMessage().payload();
                    assertArrayEquals(s1, s2);
                    assertEquals(JSON, new String(d0.inflate(own), StandardCharsets.UTF_8));
                    assertEquals(JSON, new String(d1.inflate(s1), StandardCharsets.UTF_8));
                    assertEquals(JSON, new String(d2.inflate(s2), StandardCharsets.UTF_8));
                    if (m > 0) {
                        assertTrue(own.length < s1.length / 4,
                                "with the previous message as history: " + own.length + " vs " + s1.length);
                    }
                }
            }
        }
    }
}
