package dev.selkie.server;

import dev.selkie.RejectionReason;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.selkie.testing.RawClient;
import dev.selkie.protocol.ServerFrames;
import dev.selkie.CloseCodes;
import dev.selkie.HttpResponse;
import dev.selkie.WebSocketServer;
import dev.selkie.protocol.ClientFrames;
import dev.selkie.protocol.Opcode;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Raw-socket clients: split handshakes and frames, protocol errors and their close codes, HTTP answers. */
class RawProtocolTest extends ServerTestSupport {

    private WebSocketServer echoServer(Recorder recorder) {
        return start(builder().listener(recorder).maxMessageSize(1000));
    }

    @Test
    void handshakeAndFramesSplitAcrossManyWritesAreAssembled() throws Exception {
        Recorder recorder = new Recorder(true);
        WebSocketServer server = echoServer(recorder);
        try (RawClient client = new RawClient(server.port())) {
            ByteArrayOutputStream all = new ByteArrayOutputStream();
            all.writeBytes(RawClient.upgradeRequest("/split").getBytes(StandardCharsets.US_ASCII));
            all.writeBytes(ClientFrames.frame(Opcode.TEXT).fin(false).payload("Hel").build());
            all.writeBytes(ClientFrames.frame(Opcode.PING).payload("p").build());
            all.writeBytes(ClientFrames.frame(Opcode.CONTINUATION).payload("lo ✓").build());
            client.writeSplit(all.toByteArray(), 1);
            String head = client.readHead();
            assertTrue(head.startsWith("HTTP/1.1 101 Switching Protocols\r\n"), head);
            assertTrue(head.contains("Sec-WebSocket-Accept: " + RawClient.ACCEPT), head);
            assertTrue(!head.contains("Sec-WebSocket-Extensions"), head);
            ServerFrames.Frame pong = client.readFrame();
            assertEquals(Opcode.PONG, pong.opcode());
            assertEquals("p", pong.text());
            ServerFrames.Frame echo = client.readFrame();
            assertEquals(Opcode.TEXT, echo.opcode());
            assertEquals("Hello ✓", echo.text());
        }
        assertEquals(List.of("Hello ✓"), recorder.texts);
    }

    @Test
    void framesInTheSameWriteAsTheHandshakeAreNotLost() throws Exception {
        Recorder recorder = new Recorder(true);
        WebSocketServer server = echoServer(recorder);
        try (RawClient client = new RawClient(server.port())) {
            ByteArrayOutputStream all = new ByteArrayOutputStream();
            all.writeBytes(RawClient.upgradeRequest("/").getBytes(StandardCharsets.US_ASCII));
            for (int i = 0; i < 20; i++) {
                all.writeBytes(ClientFrames.frame(Opcode.TEXT).payload("m" + i).build());
            }
            client.write(all.toByteArray());
            client.readHead();
            for (int i = 0; i < 20; i++) {
                assertEquals("m" + i, client.readFrame().text());
            }
        }
    }

    @Test
    void unmaskedFrameGets1002() throws Exception {
        assertCloseCode(ClientFrames.frame(Opcode.TEXT).payload("x").unmasked().build(), CloseCodes.PROTOCOL_ERROR);
    }

    @Test
    void invalidUtf8Gets1007() throws Exception {
        byte[] invalid = {(byte) 0xC3, (byte) 0x28};
        assertCloseCode(ClientFrames.frame(Opcode.TEXT).payload(invalid).build(), CloseCodes.INVALID_PAYLOAD);
    }

    @Test
    void oversizeMessageGets1009() throws Exception {
        assertCloseCode(ClientFrames.frame(Opcode.BINARY).payload(new byte[1001]).build(), CloseCodes.MESSAGE_TOO_BIG);
    }

    @Test
    void oversizeDeclaredLengthGets1009WithoutWaitingForThePayload() throws Exception {
        assertCloseCode(ClientFrames.frame(Opcode.BINARY).declaredLength(1L << 40).build(),
                CloseCodes.MESSAGE_TOO_BIG);
    }

    private void assertCloseCode(byte[] frame, int expected) throws Exception {
        Recorder recorder = new Recorder(true);
        WebSocketServer server = echoServer(recorder);
        try (RawClient client = RawClient.open(server.port())) {
            client.write(frame);
            assertEquals(expected, client.readCloseCode());
            assertTrue(client.closedByServer());
        }
        await().atMost(Duration.ofSeconds(5)).until(() -> recorder.closed.size() == 1);
        assertEquals(expected, recorder.closed.get(0).code());
        assertEquals(1L, server.metrics().closesByCode().get(expected));
        assertTrue(recorder.texts.isEmpty());
    }

    @Test
    void clientCloseIsEchoedAndTheServerClosesTcp() throws Exception {
        Recorder recorder = new Recorder(true);
        WebSocketServer server = echoServer(recorder);
        try (RawClient client = RawClient.open(server.port())) {
            client.write(ClientFrames.frame(Opcode.CLOSE).payload(new byte[] {0x0F, (byte) 0xA0, 'o', 'k'}).build());
            ServerFrames.Frame echo = client.readFrame();
            assertEquals(Opcode.CLOSE, echo.opcode());
            assertEquals(4000, echo.closeCode());
            assertTrue(client.closedByServer());
        }
        await().atMost(Duration.ofSeconds(5)).until(() -> recorder.closed.size() == 1);
        assertEquals(new Recorder.Closed(recorder.opened.get(0), 4000, "ok", true), recorder.closed.get(0));
    }

    @Test
    void peerVanishingIsReportedAs1006() throws Exception {
        Recorder recorder = new Recorder(true);
        WebSocketServer server = echoServer(recorder);
        RawClient client = RawClient.open(server.port());
        await().until(() -> recorder.opened.size() == 1);
        client.close();
        await().atMost(Duration.ofSeconds(5)).until(() -> recorder.closed.size() == 1);
        assertEquals(CloseCodes.ABNORMAL_CLOSURE, recorder.closed.get(0).code());
        assertTrue(recorder.closed.get(0).remote());
        assertEquals(0, server.metrics().openConnections());
    }

    @Test
    void malformedRequestGets400() throws Exception {
        Recorder recorder = new Recorder(true);
        WebSocketServer server = echoServer(recorder);
        try (RawClient client = new RawClient(server.port())) {
            client.write("GARBAGE\r\n\r\n");
            assertEquals(400, client.readResponse().status());
            assertTrue(client.closedByServer());
        }
        assertEquals(1L, server.metrics().rejectedHandshakes(RejectionReason.BAD_REQUEST));
    }

    @Test
    void badKeyGets400() throws Exception {
        Recorder recorder = new Recorder(true);
        WebSocketServer server = echoServer(recorder);
        try (RawClient client = new RawClient(server.port())) {
            client.write(RawClient.upgradeRequest("/").replace(RawClient.KEY, "short"));
            assertEquals(400, client.readResponse().status());
        }
        assertEquals(1L, server.metrics().rejectedHandshakes(RejectionReason.BAD_REQUEST));
        assertTrue(recorder.opened.isEmpty());
    }

    @Test
    void wrongVersionGets426WithVersion13() throws Exception {
        Recorder recorder = new Recorder(true);
        WebSocketServer server = echoServer(recorder);
        try (RawClient client = new RawClient(server.port())) {
            client.write(RawClient.upgradeRequest("/").replace("Sec-WebSocket-Version: 13", "Sec-WebSocket-Version: 8"));
            RawClient.HttpReply reply = client.readResponse();
            assertEquals(426, reply.status());
            assertTrue(reply.head().contains("Sec-WebSocket-Version: 13\r\n"), reply.head());
        }
        assertEquals(1L, server.metrics().rejectedHandshakes(RejectionReason.UPGRADE_REQUIRED));
    }

    @Test
    void oversizeHeadGets431() throws Exception {
        Recorder recorder = new Recorder(true);
        WebSocketServer server = start(builder().listener(recorder).maxHandshakeSize(1024));
        try (RawClient client = new RawClient(server.port())) {
            client.write(RawClient.upgradeRequest("/", "X-Big: " + "a".repeat(2000)));
            assertEquals(431, client.readResponse().status());
            assertTrue(client.closedByServer());
        }
        assertEquals(1L, server.metrics().rejectedHandshakes(RejectionReason.HEADERS_TOO_LARGE));
    }

    @Test
    void overMaxConnectionsGets503() throws Exception {
        Recorder recorder = new Recorder(true);
        WebSocketServer server = start(builder().listener(recorder).maxConnections(2));
        try (RawClient a = RawClient.open(server.port()); RawClient b = RawClient.open(server.port());
             RawClient c = new RawClient(server.port())) {
            c.write(RawClient.upgradeRequest("/"));
            assertEquals(503, c.readResponse().status());
            a.sendText("still served");
            assertEquals("still served", a.readFrame().text());
        }
        assertEquals(1L, server.metrics().rejectedHandshakes(RejectionReason.OVER_CAPACITY));
    }

    @Test
    void plainGetIsServedByTheHttpHandler() throws Exception {
        WebSocketServer server = start(builder().listener(new Recorder(false))
                .httpHandler(request -> HttpResponse.text(200, "page " + request.path() + " "
                        + request.cookies().get("session") + " " + request.header("X-Test").orElse("-"))));
        try (RawClient client = new RawClient(server.port())) {
            client.write("GET /index.html HTTP/1.1\r\nHost: x\r\nCookie: a=1; session=\"abc\"\r\nX-Test: yes\r\n\r\n");
            RawClient.HttpReply reply = client.readResponse();
            assertEquals(200, reply.status());
            assertEquals("page /index.html abc yes", reply.body());
            assertTrue(reply.head().contains("Connection: close"), reply.head());
            assertTrue(client.closedByServer());
        }
    }

    @Test
    void defaultHttpHandlerAnswers426() throws Exception {
        WebSocketServer server = start(builder().listener(new Recorder(false)));
        try (RawClient client = new RawClient(server.port())) {
            client.write("GET / HTTP/1.1\r\nHost: x\r\n\r\n");
            assertEquals(426, client.readResponse().status());
        }
    }

    @Test
    void postBodyIsReadUpToTheLimitAnd413Beyond() throws Exception {
        WebSocketServer server = start(builder().listener(new Recorder(false)).maxHttpBodySize(20_000)
                .httpHandler(request -> HttpResponse.text(200, request.method() + " " + request.body().length)));
        byte[] body = new byte[20_000];
        java.util.Arrays.fill(body, (byte) 'x');
        try (RawClient client = new RawClient(server.port())) {
            ByteArrayOutputStream request = new ByteArrayOutputStream();
            request.writeBytes(("POST /notify HTTP/1.1\r\nHost: x\r\nContent-Length: 20000\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            request.writeBytes(body);
            client.writeSplit(request.toByteArray(), 3000);
            RawClient.HttpReply reply = client.readResponse();
            assertEquals(200, reply.status());
            assertEquals("POST 20000", reply.body());
        }
        try (RawClient client = new RawClient(server.port())) {
            client.write("POST /notify HTTP/1.1\r\nHost: x\r\nContent-Length: 20001\r\n\r\n");
            assertEquals(413, client.readResponse().status());
        }
    }

    @Test
    void httpHandlerExceptionGives500() throws Exception {
        WebSocketServer server = start(builder().listener(new Recorder(false)).httpHandler(request -> {
            throw new IllegalStateException("boom");
        }));
        try (RawClient client = new RawClient(server.port())) {
            client.write("GET / HTTP/1.1\r\nHost: x\r\n\r\n");
            assertEquals(500, client.readResponse().status());
        }
    }

    @Test
    void sendsOutgoingFragmentsWhenConfigured() throws Exception {
        WebSocketServer server = start(builder().listener(new Recorder(true)).outgoingFragmentSize(4));
        try (RawClient client = RawClient.open(server.port())) {
            client.sendText("abcdefghij");
            ServerFrames.Frame first = client.readFrame();
            assertEquals(Opcode.TEXT, first.opcode());
            assertEquals("abcd", first.text());
            ServerFrames.Frame second = client.readFrame();
            assertEquals(Opcode.CONTINUATION, second.opcode());
            ServerFrames.Frame third = client.readFrame();
            assertTrue(third.fin());
            assertArrayEquals("efghij".getBytes(StandardCharsets.US_ASCII),
                    (second.text() + third.text()).getBytes(StandardCharsets.US_ASCII));
        }
    }

    @Test
    void metricsCountExactlyWhatCrossedTheWire() throws Exception {
        Recorder recorder = new Recorder(true);
        WebSocketServer server = echoServer(recorder);
        byte[] request = RawClient.upgradeRequest("/").getBytes(StandardCharsets.US_ASCII);
        byte[] frame = ClientFrames.frame(Opcode.TEXT).payload("12345").build();
        int responseLength;
        try (RawClient client = new RawClient(server.port())) {
            client.write(request);
            responseLength = client.readHead().length();
            for (int i = 0; i < 3; i++) {
                client.write(frame);
                assertEquals("12345", client.readFrame().text());
            }
            client.write(ClientFrames.frame(Opcode.CLOSE).payload(new byte[] {0x03, (byte) 0xE8}).build());
            assertEquals(1000, client.readCloseCode());
            assertTrue(client.closedByServer());
        }
        await().atMost(Duration.ofSeconds(5)).until(() -> recorder.closed.size() == 1);
        dev.selkie.ServerMetrics m = server.metrics();
        assertEquals(3, m.messagesIn());
        assertEquals(3, m.messagesOut());
        // client frames carry a 4-byte mask: 2 + 4 + 5 per message, close 2 + 4 + 2
        assertEquals(request.length + 3 * 11 + 8, m.bytesIn());
        // server frames: 2 + 5 per message, close echo 2 + 2
        assertEquals(responseLength + 3 * 7 + 4, m.bytesOut());
        assertEquals(0, m.queuedBytes());
        assertEquals(0, m.openConnections());
        assertEquals(java.util.Map.of(1000, 1L), m.closesByCode());
        assertEquals(java.util.Map.of(), m.rejectedHandshakes());
        assertEquals(0, m.droppedMessages());
    }
}
