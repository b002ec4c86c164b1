package dev.selkie.protocol;

import static dev.selkie.protocol.RecordingHandler.feed;
import static dev.selkie.protocol.RecordingHandler.hex;
import static dev.selkie.protocol.RecordingHandler.serverClose;
import static dev.selkie.protocol.RecordingHandler.serverFrame;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The contract the transport relies on: receive/close/state with heap and direct buffers. */
class WebSocketProtocolTest {
    private static final int MAX = 1 << 20;

    @Test
    void rfcExampleMaskedHello() {
        // RFC 6455 section 5.7: a single-frame masked text message "Hello"
        byte[] frame = ClientFrames.hex("81 85 37 fa 21 3d 7f 9f 4d 51 58");
        assertEquals(List.of("text:Hello"), feed(MAX, frame));
        assertEquals(List.of("text:Hello"), feed(MAX, true, frame));
    }

    @ParameterizedTest
    @ValueSource(booleans = {false, true})
    void textBinaryPingPongInOneBuffer(boolean direct) {
        byte[] input = ClientFrames.concat(
                ClientFrames.text("héllo wörld, this is longer than eight bytes"),
                ClientFrames.binary(new byte[] {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11}),
                ClientFrames.ping(new byte[] {9, 8}),
                ClientFrames.pong(new byte[] {7}));
        assertEquals(List.of(
                "text:héllo wörld, this is longer than eight bytes",
                "binary:0102030405060708090a0b",
                "sent:" + serverFrame(Opcode.PONG, new byte[] {9, 8}),
                "ping:0908",
                "pong:07"), feed(MAX, direct, input));
    }

    @Test
    void littleEndianDirectBufferUnmasksTheSame() {
        byte[] payload = FrameEncoderTest.pattern(1000);
        byte[] frame = ClientFrames.binary(payload);
        RecordingHandler h = new RecordingHandler();
        WebSocketProtocol p = new WebSocketProtocol(MAX, h);
        ByteBuffer in = ByteBuffer.allocateDirect(frame.length).order(ByteOrder.LITTLE_ENDIAN);
        in.put(frame).flip();
        p.receive(in);
        assertEquals(List.of("binary:" + hex(payload)), h.events);
        // and text through a little-endian direct buffer, fed in two parts
        byte[] text = ClientFrames.text("x".repeat(40) + "ü".repeat(40));
        for (int cut = 0; cut <= text.length; cut += 7) {
            RecordingHandler t = new RecordingHandler();
            WebSocketProtocol q = new WebSocketProtocol(MAX, t);
            for (int[] range : new int[][] {{0, cut}, {cut, text.length}}) {
                ByteBuffer b = ByteBuffer.allocateDirect(range[1] - range[0]).order(ByteOrder.LITTLE_ENDIAN);
                b.put(text, range[0], range[1] - range[0]).flip();
                q.receive(b);
            }
            assertEquals(List.of("text:" + "x".repeat(40) + "ü".repeat(40)), t.events);
        }
    }

    @Test
    void inputWithOffsetAndSlice() {
        byte[] frame = ClientFrames.text("sliced text message, long enough");
        byte[] padded = new byte[frame.length + 20];
        System.arraycopy(frame, 0, padded, 10, frame.length);
        RecordingHandler h = new RecordingHandler();
        WebSocketProtocol p = new WebSocketProtocol(MAX, h);
        ByteBuffer in = ByteBuffer.wrap(padded, 5, frame.length + 5).slice();
        in.position(5);
        in.limit(5 + frame.length);
        p.receive(in);
        assertEquals(5 + frame.length, in.position());
        assertEquals(List.of("text:sliced text message, long enough"), h.events);
    }

    @Test
    void closeFromServerThenPeerEcho() {
        RecordingHandler h = new RecordingHandler();
        WebSocketProtocol p = new WebSocketProtocol(MAX, h);
        assertEquals(WebSocketProtocol.State.OPEN, p.state());
        assertTrue(p.close(1001, "going away"));
        assertEquals(WebSocketProtocol.State.CLOSING, p.state());
        assertTrue(p.closeSent());
        assertFalse(p.closeReceived());
        assertFalse(p.close(1000, ""), "second close does nothing");
        p.receive(ByteBuffer.wrap(ClientFrames.concat(ClientFrames.text("dropped"), ClientFrames.close(1001, ""))));
        assertEquals(WebSocketProtocol.State.CLOSED, p.state());
        assertTrue(p.closeReceived());
        assertEquals(List.of("sent:" + serverClose(1001, "going away"), "close:1001:"), h.events);
    }

    @Test
    void peerCloseIsEchoed() {
        RecordingHandler h = new RecordingHandler();
        WebSocketProtocol p = new WebSocketProtocol(MAX, h);
        ByteBuffer in = ByteBuffer.wrap(ClientFrames.concat(ClientFrames.close(1000, "bye"), ClientFrames.text("late")));
        p.receive(in);
        assertFalse(in.hasRemaining());
        assertEquals(WebSocketProtocol.State.CLOSED, p.state());
        assertTrue(p.closeSent());
        assertTrue(p.closeReceived());
        assertEquals(List.of("sent:" + serverClose(1000, ""), "close:1000:bye"), h.events);
        assertFalse(p.close(1000, ""));
    }

    @Test
    void protocolErrorSendsCloseOnceAndIgnoresTheRest() {
        RecordingHandler h = new RecordingHandler();
        WebSocketProtocol p = new WebSocketProtocol(MAX, h);
        ByteBuffer in = ByteBuffer.wrap(ClientFrames.concat(ClientFrames.frame(Opcode.TEXT).unmasked().payload("x").build(),
                ClientFrames.text("ignored")));
        p.receive(in);
        assertFalse(in.hasRemaining());
        assertEquals(WebSocketProtocol.State.CLOSED, p.state());
        assertEquals(List.of("sent:" + hex(FrameEncoder.close(1002, "client frame not masked")), "error:1002"),
                h.events);
        p.receive(ByteBuffer.wrap(ClientFrames.text("more")));
        assertEquals(2, h.events.size());
    }

    @Test
    void invalidCloseArgumentsChangeNothing() {
        RecordingHandler h = new RecordingHandler();
        WebSocketProtocol p = new WebSocketProtocol(MAX, h);
        assertThrows(IllegalArgumentException.class, () -> p.close(1000, "x".repeat(124)));
        assertThrows(IllegalArgumentException.class, () -> p.close(1006, ""));
        assertEquals(WebSocketProtocol.State.OPEN, p.state());
        assertFalse(p.closeSent());
        assertTrue(h.events.isEmpty());
        assertTrue(p.close(0, ""));
        assertEquals(List.of("sent:8800"), h.events);
    }

    @Test
    void handlerMayCloseWhileReceiving() {
        WebSocketProtocol[] holder = new WebSocketProtocol[1];
        RecordingHandler h = new RecordingHandler();
        ProtocolHandler closing = new ProtocolHandler() {
            @Override
            public void onText(String text) {
                h.onText(text);
                holder[0].close(1000, "enough");
            }

            @Override
            public void onBinary(ByteBuffer data) {
                h.onBinary(data);
            }

            @Override
            public void onPing(ByteBuffer payload) {
                h.onPing(payload);
            }

            @Override
            public void onPong(ByteBuffer payload) {
                h.onPong(payload);
            }

            @Override
            public void onClose(int code, String reason) {
                h.onClose(code, reason);
            }

            @Override
            public void onProtocolError(int code, String reason) {
                h.onProtocolError(code, reason);
            }

            @Override
            public void sendPong(ByteBuffer payload) {
                h.sendPong(payload);
            }

            @Override
            public void sendClose(int code, String reason) {
                h.sendClose(code, reason);
            }
        };
        WebSocketProtocol p = new WebSocketProtocol(MAX, closing);
        holder[0] = p;
        p.receive(ByteBuffer.wrap(ClientFrames.concat(ClientFrames.text("one"), ClientFrames.text("two"),
                ClientFrames.closeEmpty())));
        assertEquals(List.of("text:one", "sent:" + serverClose(1000, "enough"), "close:1005:"), h.events);
        assertEquals(WebSocketProtocol.State.CLOSED, p.state());
    }

    @Test
    void byteByByteDeliversTheSame() {
        String text = "ünïcödé 😀 text";
        byte[] input = ClientFrames.concat(ClientFrames.text(text), ClientFrames.binary(new byte[300]),
                ClientFrames.close(1000, "done"));
        int[] cuts = new int[input.length - 1];
        for (int i = 0; i < cuts.length; i++) {
            cuts[i] = i + 1;
        }
        List<String> whole = feed(MAX, input);
        assertEquals("text:" + text, whole.get(0));
        assertEquals(whole, feed(MAX, input, cuts));
        assertEquals(whole, feed(MAX, true, input, cuts));
        assertEquals(new String(text.getBytes(StandardCharsets.UTF_8), StandardCharsets.UTF_8), text);
    }

    @Test
    void wholeTextFrameInAHeapBufferIsUnmaskedInPlace() {
        String text = "decoded straight from the read buffer";
        byte[] frame = ClientFrames.text(text);
        RecordingHandler h = new RecordingHandler();
        new WebSocketProtocol(MAX, h).receive(ByteBuffer.wrap(frame));
        assertEquals(List.of("text:" + text), h.events);
        // the payload bytes of the caller's buffer now hold the plain text: no intermediate copy was made
        assertEquals(text, new String(frame, 6, frame.length - 6, StandardCharsets.UTF_8));
    }

    @Test
    void deliveredBinaryBuffersAreExactlySized() {
        byte[] payload = FrameEncoderTest.pattern(5000);
        byte[] whole = ClientFrames.binary(payload);
        byte[] fragmented = ClientFrames.concat(
                ClientFrames.frame(Opcode.BINARY).fin(false).payload(java.util.Arrays.copyOf(payload, 1234)).build(),
                ClientFrames.frame(Opcode.CONTINUATION).payload(java.util.Arrays.copyOfRange(payload, 1234, 5000))
                        .build());
        for (byte[] input : new byte[][] {whole, fragmented}) {
            for (int cut : new int[] {0, 3, 700, 2000, input.length - 1}) {
                RecordingHandler h = new RecordingHandler();
                WebSocketProtocol p = new WebSocketProtocol(MAX, h);
                RecordingHandler.receive(p, input, 0, cut, false);
                RecordingHandler.receive(p, input, cut, input.length, true);
                ByteBuffer got = h.binaries.get(0);
                assertEquals(5000, got.remaining());
                assertEquals(5000, got.capacity(), "no slack kept in the delivered buffer");
                assertEquals(0, p.assemblyCapacity(), "assembly buffer handed over");
            }
        }
    }

    @ParameterizedTest
    @ValueSource(booleans = {false, true})
    void littleEndianBuffersReadTheMaskKeyTheSame(boolean direct) {
        byte[] input = ClientFrames.concat(
                ClientFrames.frame(Opcode.BINARY).payload(new byte[] {1, 2, 3, 4, 5, 6, 7, 8, 9}).mask(0x0A0B0C0D).build(),
                ClientFrames.frame(Opcode.TEXT).payload("short header").mask(0x7F000001).build(),
                ClientFrames.frame(Opcode.PING).payload(new byte[] {1}).mask(0xFFFFFFFE).build());
        RecordingHandler h = new RecordingHandler();
        WebSocketProtocol p = new WebSocketProtocol(MAX, h);
        ByteBuffer in = (direct ? ByteBuffer.allocateDirect(input.length) : ByteBuffer.allocate(input.length))
                .order(ByteOrder.LITTLE_ENDIAN);
        p.receive(in.put(input).flip());
        assertEquals(List.of("binary:010203040506070809", "text:short header",
                "sent:" + serverFrame(Opcode.PONG, new byte[] {1}), "ping:01"), h.events);
    }

    @Test
    void aHoldFromAHandlerCallStopsAfterThatFrameAndLeavesTheRestOfTheInput() {
        WebSocketProtocol[] protocol = new WebSocketProtocol[1];
        RecordingHandler h = new RecordingHandler() {
            @Override
            public void onText(String text) {
                super.onText(text);
                if (text.equals("hold")) {
                    protocol[0].hold(true);
                }
            }
        };
        protocol[0] = new WebSocketProtocol(MAX, h);
        byte[] rest = ClientFrames.concat(ClientFrames.ping(new byte[] {5}), ClientFrames.text("after"));
        byte[] input = ClientFrames.concat(ClientFrames.text("hold"), rest);
        ByteBuffer in = ByteBuffer.allocate(input.length).put(input).flip();
        protocol[0].receive(in);
        assertEquals(List.of("text:hold"), h.events, "not even the ping after it");
        assertEquals(rest.length, in.remaining());
        assertTrue(protocol[0].held());
        protocol[0].receive(in);
        assertEquals(rest.length, in.remaining(), "held: nothing decoded");
        protocol[0].hold(false);
        protocol[0].receive(in);
        assertFalse(in.hasRemaining());
        assertEquals(List.of("text:hold", "sent:" + serverFrame(Opcode.PONG, new byte[] {5}), "ping:05", "text:after"),
                h.events);
    }
}
