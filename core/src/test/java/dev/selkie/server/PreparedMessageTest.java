package dev.selkie.server;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.selkie.PreparedMessage;
import dev.selkie.WebSocket;
import dev.selkie.WebSocketServer;
import dev.selkie.protocol.Opcode;
import dev.selkie.protocol.ServerFrames;
import dev.selkie.testing.ClientDeflate;
import dev.selkie.testing.RawClient;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/** A message framed once, sent to one connection, broadcast and published, again and again. */
class PreparedMessageTest extends ServerTestSupport {

    @Test
    void oneMessageGoesToOneConnectionToAllAndToATopicAgainAndAgain() throws Exception {
        Recorder recorder = new Recorder(false) {
            @Override
            public void onOpen(WebSocket ws) {
                ws.subscribe("news");
                super.onOpen(ws);
            }
        };
        WebSocketServer server = start(builder().listener(recorder).loops(2));
        PreparedMessage hello = PreparedMessage.text("héllo");
        PreparedMessage bytes = PreparedMessage.binary(new byte[] {1, 2, 3});
        try (RawClient a = RawClient.open(server.port()); RawClient b = RawClient.open(server.port())) {
            await().until(() -> server.subscriberCount("news") == 2);
            WebSocket first = recorder.opened.get(0);
            RawClient firstClient = first.remoteAddress().getPort() == a.socket.getLocalPort() ? a : b;
            // (a send from this thread may overtake a broadcast made before it: one kind at a time)
            for (int round = 0; round < 3; round++) {
                first.send(hello);
            }
            for (int round = 0; round < 3; round++) {
                assertEquals("héllo", firstClient.readFrame().text());
            }
            for (int round = 0; round < 3; round++) {
                server.broadcast(bytes);
                assertEquals(2, server.publish("news", hello));
            }
            for (RawClient client : List.of(a, b)) {
                for (int round = 0; round < 3; round++) {
                    assertArrayEquals(new byte[] {1, 2, 3}, client.readFrame().payload());
                    assertEquals("héllo", client.readFrame().text());
                }
            }
        }
        assertTrue(hello.isText());
        assertFalse(bytes.isText());
        assertEquals(6, hello.length());
    }

    @Test
    void textFromUtf8BytesIsSentWithoutDecodingAndInvalidBytesAreRefused() throws Exception {
        byte[] json = "{\"name\":\"Zoë\"}".getBytes(StandardCharsets.UTF_8);
        PreparedMessage message = PreparedMessage.utf8(json);
        json[2] = 'X'; // copied: a later change does not show
        Recorder recorder = new Recorder(false);
        WebSocketServer server = start(builder().listener(recorder));
        try (RawClient client = RawClient.open(server.port())) {
            await().until(() -> recorder.opened.size() == 1);
            recorder.opened.get(0).send(message);
            ServerFrames.Frame frame = client.readFrame();
            assertEquals(Opcode.TEXT, frame.opcode());
            assertEquals("{\"name\":\"Zoë\"}", frame.text());
        }
        assertThrows(IllegalArgumentException.class, () -> PreparedMessage.utf8(new byte[] {(byte) 0xC0, (byte) 0x80}));
        assertThrows(IllegalArgumentException.class, () -> PreparedMessage.utf8(new byte[] {(byte) 0xED, (byte) 0xA0, (byte) 0x80}));
        ByteBuffer direct = ByteBuffer.allocateDirect(3).put(new byte[] {'a', (byte) 0xE2, (byte) 0x82}).flip();
        assertThrows(IllegalArgumentException.class, () -> PreparedMessage.utf8(direct)); // cut character
        assertEquals(0, direct.position());
    }

    @Test
    void everyByteBufferTakingCallLeavesThePositionAlone() throws Exception {
        Recorder recorder = new Recorder(false) {
            @Override
            public void onOpen(WebSocket ws) {
                ws.subscribe("t");
                super.onOpen(ws);
            }
        };
        WebSocketServer server = start(builder().listener(recorder));
        try (RawClient client = RawClient.open(server.port())) {
            await().until(() -> server.subscriberCount("t") == 1);
            ByteBuffer data = ByteBuffer.wrap(new byte[] {9, 8, 7, 6}).position(1);
            recorder.opened.get(0).send(data);
            server.broadcast(data);
            server.publish("t", data);
            PreparedMessage.binary(data);
            PreparedMessage.utf8(ByteBuffer.wrap("abc".getBytes(StandardCharsets.US_ASCII)).position(1));
            assertEquals(1, data.position());
            for (int i = 0; i < 3; i++) {
                assertArrayEquals(new byte[] {8, 7, 6}, client.readFrame().payload());
            }
        }
    }

    @Test
    void aServerThatFragmentsFramesItsOwnCopyOnce() throws Exception {
        Recorder recorder = new Recorder(false);
        WebSocketServer server = start(builder().listener(recorder).outgoingFragmentSize(4));
        PreparedMessage message = PreparedMessage.text("abcdefghij");
        try (RawClient client = RawClient.open(server.port())) {
            await().until(() -> recorder.opened.size() == 1);
            for (int round = 0; round < 2; round++) {
                recorder.opened.get(0).send(message);
                ServerFrames.Frame first = client.readFrame();
                assertEquals(Opcode.TEXT, first.opcode());
                assertFalse(first.fin());
                assertEquals("abcd", first.text());
                assertEquals("efgh", client.readFrame().text());
                ServerFrames.Frame last = client.readFrame();
                assertTrue(last.fin());
                assertEquals("ij", last.text());
            }
        }
    }

    @Test
    void compressedOnceForEveryRecipientAndEveryCall() throws Exception {
        Recorder recorder = new Recorder(false);
        WebSocketServer server = start(builder().listener(recorder));
        String text = "compress me ".repeat(50);
        PreparedMessage message = PreparedMessage.text(text);
        try (RawClient a = RawClient.openOffering(server.port(), "permessage-deflate");
             RawClient b = RawClient.openOffering(server.port(), "permessage-deflate")) {
            await().until(() -> recorder.opened.size() == 2);
            server.broadcast(message);
            server.broadcast(message);
            byte[] shared = null;
            for (RawClient client : List.of(a, b)) {
                try (ClientDeflate deflate = new ClientDeflate(client.accepted().get(0))) {
                    for (int i = 0; i < 2; i++) {
                        ServerFrames.Frame frame = client.readMessage();
                        assertEquals(0x40, frame.rsv(), "compressed");
                        shared = shared == null ? frame.payload() : shared;
                        assertArrayEquals(shared, frame.payload(), "one compressed frame for every recipient and call");
                        assertEquals(text, new String(deflate.inflate(frame.payload()), StandardCharsets.UTF_8));
                    }
                }
            }
        }
    }
}
