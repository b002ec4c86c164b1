package dev.selkie.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Coverage-guided fuzzing of {@link WebSocketProtocol} with arbitrary bytes in arbitrary splits.
 *
 * <p>Input layout: byte 0 selects the maximum message size (low 3 bits), heap or direct buffers
 * (bit 3) and byte order (bit 4); byte 1 seeds the chunk sizes (0: everything at once); the rest is
 * what the client sends. Every input must end in events, a wait for more bytes, or a clean protocol
 * error 1002/1007/1009; nothing may throw; the assembly buffer never exceeds the maximum; and the
 * events must not depend on how the input was split or which kind of buffer carried it.
 *
 * <p>The normal test run replays the seeds in {@code ProtocolFuzzTestInputs/fuzz}; {@code
 * JAZZER_FUZZ=1} fuzzes.
 */
class ProtocolFuzzTest {
    private static final int[] MAX_SIZES = {0, 1, 125, 126, 1000, 65_536, 1 << 20, 16};
    private static final Set<Integer> PROTOCOL_ERRORS = Set.of(1002, 1007, 1009);

    @FuzzTest(maxDuration = "10m")
    void fuzz(byte[] input) {
        if (input.length < 2) {
            return;
        }
        int flags = input[0] & 0xFF;
        int max = MAX_SIZES[flags & 7];
        boolean direct = (flags & 8) != 0;
        ByteOrder order = (flags & 16) != 0 ? ByteOrder.LITTLE_ENDIAN : ByteOrder.BIG_ENDIAN;
        int chunkSeed = input[1] & 0xFF;

        Run whole = new Run(max);
        whole.receive(input, 2, input.length, false, ByteOrder.BIG_ENDIAN);

        Run split = new Run(max);
        int pos = 2;
        int x = chunkSeed;
        while (pos < input.length) {
            int n;
            if (chunkSeed == 0) {
                n = input.length - pos;
            } else {
                x = (x * 1103515245 + 12345) & 0x7FFF_FFFF;
                n = 1 + (x >>> 8) % (2 * chunkSeed);
            }
            int end = Math.min(input.length, pos + n);
            split.receive(input, pos, end, direct, order);
            pos = end;
        }
        assertEquals(whole.handler.events, split.handler.events, "events depend on the split");
        whole.checkOutcome();
    }

    /** One protocol instance with a checking handler. */
    private static final class Run {
        final int max;
        final CheckingHandler handler;
        final WebSocketProtocol protocol;

        Run(int max) {
            this.max = max;
            this.handler = new CheckingHandler(max);
            this.protocol = new WebSocketProtocol(max, handler);
            handler.protocol = protocol;
        }

        void receive(byte[] input, int from, int to, boolean direct, ByteOrder order) {
            ByteBuffer in = direct ? ByteBuffer.allocateDirect(to - from) : ByteBuffer.allocate(to - from);
            in.order(order).put(input, from, to - from).flip();
            protocol.receive(in);
            assertEquals(in.limit(), in.position(), "receive must consume every byte");
            assertTrue(protocol.assemblyCapacity() <= max, "assembly buffer above the maximum");
        }

        void checkOutcome() {
            List<String> events = handler.events;
            WebSocketProtocol.State state = protocol.state();
            if (handler.errors > 0) {
                assertEquals(WebSocketProtocol.State.CLOSED, state);
                assertEquals(1, handler.errors);
                assertTrue(events.get(events.size() - 1).startsWith("error:"), "nothing after an error");
            } else if (handler.closes > 0) {
                assertEquals(WebSocketProtocol.State.CLOSED, state);
                assertTrue(events.get(events.size() - 1).startsWith("close:"), "nothing after the close");
            } else {
                assertEquals(WebSocketProtocol.State.OPEN, state);
            }
        }
    }

    private static final class CheckingHandler implements ProtocolHandler {
        final int max;
        final List<String> events = new ArrayList<>();
        WebSocketProtocol protocol;
        int errors;
        int closes;

        CheckingHandler(int max) {
            this.max = max;
        }

        private void event(String e) {
            assertTrue(errors == 0 && closes == 0, "event after the end: " + e);
            assertTrue(protocol.assemblyCapacity() <= max, "assembly buffer above the maximum");
            events.add(e);
        }

        @Override
        public void onText(String text) {
            byte[] utf8 = text.getBytes(java.nio.charset.StandardCharsets.UTF_8);
            assertTrue(utf8.length <= max, "text above the maximum");
            assertTrue(Utf8Validator.isValid(utf8, 0, utf8.length));
            event("text:" + text);
        }

        @Override
        public void onBinary(ByteBuffer data) {
            assertTrue(data.remaining() <= max, "binary above the maximum");
            event("binary:" + RecordingHandler.hex(data));
        }

        @Override
        public void onPing(ByteBuffer payload) {
            assertTrue(payload.remaining() <= 125);
            event("ping:" + RecordingHandler.hex(payload));
        }

        @Override
        public void onPong(ByteBuffer payload) {
            assertTrue(payload.remaining() <= 125);
            event("pong:" + RecordingHandler.hex(payload));
        }

        @Override
        public void onClose(int code, String reason) {
            assertTrue(code == 1005 || CloseStatus.isValidOnWire(code), "reported close code " + code);
            event("close:" + code + ":" + reason);
            closes++;
        }

        @Override
        public void onProtocolError(int code, String reason) {
            assertTrue(PROTOCOL_ERRORS.contains(code), "unexpected error code " + code);
            event("error:" + code);
            errors++;
        }

        @Override
        public void sendPong(ByteBuffer payload) {
            sendFrame(FrameEncoder.frame(Opcode.PONG, true, payload));
        }

        @Override
        public void sendClose(int code, String reason) {
            sendFrame(FrameEncoder.close(code, reason));
        }

        private void sendFrame(ByteBuffer frame) {
            List<ServerFrames.Frame> frames = ServerFrames.parse(frame);
            assertEquals(1, frames.size());
            int opcode = frames.get(0).opcode();
            assertTrue(opcode == Opcode.PONG || opcode == Opcode.CLOSE, "sent opcode " + opcode);
            event("sent:" + RecordingHandler.hex(frame));
        }
    }
}
