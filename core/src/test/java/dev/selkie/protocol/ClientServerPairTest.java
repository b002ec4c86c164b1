package dev.selkie.protocol;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

/**
 * The protocol core's two roles talking to each other in memory: what one end encodes, the other
 * decodes, whole, one byte at a time and split at every byte, with the same events and the same
 * answers every time. Fragmentation, pings and the closing handshake from either side and from both
 * at once.
 */
class ClientServerPairTest {
    private static final int MAX = 1 << 16;

    /**
     * Delivers {@code bytes} to a fresh receiver whole, then byte by byte, then split in two at every
     * position; the events and the receiver's answers must be the same each time.
     *
     * @return the receiver that got them whole, for its events, answers and state
     */
    private static ProtocolPeer deliverEveryWay(byte[] bytes, Supplier<ProtocolPeer> receiver) {
        ProtocolPeer whole = receiver.get();
        whole.receive(bytes, 0, bytes.length);
        byte[] answers = whole.takeOutgoing();
        ProtocolPeer bytewise = receiver.get();
        for (int i = 0; i < bytes.length; i++) {
            bytewise.receive(bytes, i, i + 1);
        }
        assertEquals(whole.events, bytewise.events, "byte by byte");
        assertArrayEquals(answers, bytewise.takeOutgoing(), "answers byte by byte");
        for (int cut = 1; cut < bytes.length; cut++) {
            ProtocolPeer split = receiver.get();
            split.receive(bytes, 0, cut);
            split.receive(bytes, cut, bytes.length);
            assertEquals(whole.events, split.events, "split at " + cut);
            assertArrayEquals(answers, split.takeOutgoing(), "answers split at " + cut);
        }
        whole.outgoingAgain(answers);
        return whole;
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void theClientsMessagesReachTheServerWhichAnswersPingsAndTheClose() {
        ProtocolPeer client = new ProtocolPeer(Role.CLIENT, MAX);
        client.send(Opcode.TEXT, true, utf8("hello"))
                .send(Opcode.TEXT, false, utf8("frag"))
                .send(Opcode.PING, true, utf8("in between"))
                .send(Opcode.CONTINUATION, false, utf8("men"))
                .send(Opcode.CONTINUATION, true, utf8("ted ✓"))
                .send(Opcode.BINARY, true, new byte[300]);
        client.protocol.close(1000, "bye");
        byte[] fromClient = client.takeOutgoing();

        ProtocolPeer server = deliverEveryWay(fromClient, () -> new ProtocolPeer(Role.SERVER, MAX));
        assertEquals(List.of("text:hello", "ping:" + hex("in between"), "text:fragmented ✓",
                "binary:" + "00".repeat(300), "close:1000:bye"), server.events);
        assertEquals(WebSocketProtocol.State.CLOSED, server.protocol.state());

        ProtocolPeer back = deliverEveryWay(server.takeOutgoing(), () -> {
            ProtocolPeer fresh = new ProtocolPeer(Role.CLIENT, MAX);
            fresh.protocol.close(1000, "bye"); // as the client did before
            fresh.takeOutgoing();
            return fresh;
        });
        assertEquals(List.of("pong:" + hex("in between"), "close:1000:"), back.events);
        assertEquals(WebSocketProtocol.State.CLOSED, back.protocol.state());
    }

    @Test
    void theServersMessagesReachTheClientWhichAnswersMaskedAndEchoesTheClose() {
        ProtocolPeer server = new ProtocolPeer(Role.SERVER, MAX);
        server.send(Opcode.TEXT, true, utf8("welcome"))
                .send(Opcode.BINARY, false, new byte[] {1, 2})
                .send(Opcode.CONTINUATION, true, new byte[] {3})
                .send(Opcode.PING, true, new byte[] {7});
        server.protocol.close(1001, "going away");
        byte[] fromServer = server.takeOutgoing();

        ProtocolPeer client = deliverEveryWay(fromServer, () -> new ProtocolPeer(Role.CLIENT, MAX));
        assertEquals(List.of("text:welcome", "binary:010203", "ping:07", "close:1001:going away"), client.events);

        byte[] fromClient = client.takeOutgoing(); // masked pong and close echo
        ProtocolPeer back = deliverEveryWay(fromClient, () -> {
            ProtocolPeer fresh = new ProtocolPeer(Role.SERVER, MAX);
            fresh.protocol.close(1001, "going away");
            fresh.takeOutgoing();
            return fresh;
        });
        assertEquals(List.of("pong:07", "close:1001:"), back.events);
        assertEquals(WebSocketProtocol.State.CLOSED, back.protocol.state());
    }

    @Test
    void bothEndsClosingAtOnceCompleteWithoutAThirdCloseFrame() {
        ProtocolPeer client = new ProtocolPeer(Role.CLIENT, MAX);
        ProtocolPeer server = new ProtocolPeer(Role.SERVER, MAX);
        client.protocol.close(1000, "client");
        server.protocol.close(1001, "server");
        byte[] fromClient = client.takeOutgoing();
        byte[] fromServer = server.takeOutgoing();
        server.receive(fromClient, 0, fromClient.length);
        client.receive(fromServer, 0, fromServer.length);
        assertEquals(List.of("close:1000:client"), server.events);
        assertEquals(List.of("close:1001:server"), client.events);
        assertEquals(0, server.takeOutgoing().length);
        assertEquals(0, client.takeOutgoing().length);
        assertEquals(WebSocketProtocol.State.CLOSED, server.protocol.state());
        assertEquals(WebSocketProtocol.State.CLOSED, client.protocol.state());
    }

    @Test
    void eachRoleRefusesTheOthersMasking() {
        ProtocolPeer client = new ProtocolPeer(Role.CLIENT, MAX);
        byte[] masked = new ProtocolPeer(Role.CLIENT, MAX).frame(Opcode.TEXT, true, 0, utf8("masked"));
        client.receive(masked, 0, masked.length);
        assertEquals(List.of("error:1002"), client.events, "a client refuses masked frames");

        ProtocolPeer server = new ProtocolPeer(Role.SERVER, MAX);
        byte[] unmasked = new ProtocolPeer(Role.SERVER, MAX).frame(Opcode.TEXT, true, 0, utf8("unmasked"));
        server.receive(unmasked, 0, unmasked.length);
        assertEquals(List.of("error:1002"), server.events, "a server refuses unmasked frames");
    }

    @Test
    void aClientFailsTheConnectionWithAMaskedCloseFrame() {
        ProtocolPeer client = new ProtocolPeer(Role.CLIENT, MAX);
        byte[] withRsv = new ProtocolPeer(Role.SERVER, MAX).frame(Opcode.TEXT, true, 0x40, utf8("x"));
        client.receive(withRsv, 0, withRsv.length);
        assertEquals(List.of("error:1002"), client.events);
        byte[] close = client.takeOutgoing();
        ProtocolPeer server = new ProtocolPeer(Role.SERVER, MAX);
        server.receive(close, 0, close.length);
        assertEquals(List.of("close:1002:"), server.events.stream().map(e -> e.replaceAll(":[^:]*$", ":")).toList());
    }

    private static String hex(String s) {
        return java.util.HexFormat.of().formatHex(utf8(s));
    }
}
