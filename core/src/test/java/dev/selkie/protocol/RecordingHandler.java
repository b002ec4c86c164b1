package dev.selkie.protocol;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

/**
 * Records what a {@link WebSocketProtocol} reports, as readable strings in order: {@code text:...},
 * {@code binary:<hex>}, {@code ping:<hex>}, {@code pong:<hex>}, {@code close:<code>:<reason>},
 * {@code error:<code>}, and {@code sent:<hex>} for every pong and close frame the protocol asks for
 * ({@link #sendPong}, {@link #sendClose}), as a server encodes it.
 */
class RecordingHandler implements ProtocolHandler {
    static final HexFormat HEX = HexFormat.of();

    final List<String> events = new ArrayList<>();
    final List<ByteBuffer> binaries = new ArrayList<>();
    final List<String> texts = new ArrayList<>();
    final List<ByteBuffer> sent = new ArrayList<>();

    @Override
    public void onText(String text) {
        texts.add(text);
        events.add("text:" + text);
    }

    @Override
    public void onBinary(ByteBuffer data) {
        binaries.add(data);
        events.add("binary:" + hex(data));
    }

    @Override
    public void onPing(ByteBuffer payload) {
        events.add("ping:" + hex(payload));
    }

    @Override
    public void onPong(ByteBuffer payload) {
        events.add("pong:" + hex(payload));
    }

    @Override
    public void onClose(int code, String reason) {
        events.add("close:" + code + ":" + reason);
    }

    @Override
    public void onProtocolError(int code, String reason) {
        events.add("error:" + code);
    }

    @Override
    public void sendPong(ByteBuffer payload) {
        sendFrame(FrameEncoder.frame(Opcode.PONG, true, payload));
    }

    @Override
    public void sendClose(int code, String reason) {
        sendFrame(FrameEncoder.close(code, reason));
    }

    /** The frame a server sends for the protocol's request. */
    void sendFrame(ByteBuffer frame) {
        sent.add(frame);
        events.add("sent:" + hex(frame));
    }

    static String hex(ByteBuffer b) {
        byte[] a = new byte[b.remaining()];
        b.duplicate().get(a);
        return HEX.formatHex(a);
    }

    static String hex(byte[] a) {
        return HEX.formatHex(a);
    }

    /** Hex of an unmasked server frame: FIN + opcode, minimal length, payload. */
    static String serverFrame(int opcode, byte[] payload) {
        return hex(FrameEncoder.frame(opcode, true, ByteBuffer.wrap(payload)));
    }

    /** Hex of the close frame the server sends with this code and reason. */
    static String serverClose(int code, String reason) {
        return hex(FrameEncoder.close(code, reason));
    }

    /** Feeds the input cut at the given positions (ascending) into a new protocol; returns the events. */
    static List<String> feed(int maxMessageSize, byte[] input, int... cuts) {
        return feed(maxMessageSize, false, input, cuts);
    }

    /** Like {@link #feed(int, byte[], int...)}, through direct buffers if {@code direct}. */
    static List<String> feed(int maxMessageSize, boolean direct, byte[] input, int... cuts) {
        RecordingHandler h = new RecordingHandler();
        WebSocketProtocol p = new WebSocketProtocol(maxMessageSize, h);
        int from = 0;
        for (int i = 0; i <= cuts.length; i++) {
            int to = i < cuts.length ? cuts[i] : input.length;
            receive(p, input, from, to, direct);
            from = to;
        }
        return h.events;
    }

    /** Passes {@code input[from, to)} to {@code p} in a fresh buffer and checks that all of it was consumed. */
    static void receive(WebSocketProtocol p, byte[] input, int from, int to, boolean direct) {
        ByteBuffer in = direct ? ByteBuffer.allocateDirect(to - from) : ByteBuffer.allocate(to - from);
        in.put(input, from, to - from).flip();
        p.receive(in);
        if (in.hasRemaining()) {
            throw new AssertionError("receive left " + in.remaining() + " bytes");
        }
    }
}
