package dev.selkie.protocol;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;

/**
 * One end of an in-memory conversation: a {@link WebSocketProtocol} of either role whose handler
 * records what it hears and encodes what it is asked to send as its role must (a client masks with
 * a fresh key per frame), into bytes for the other end.
 */
final class ProtocolPeer implements ProtocolHandler {
    private static final HexFormat HEX = HexFormat.of();

    final Role role;
    final WebSocketProtocol protocol;
    final List<String> events = new ArrayList<>();
    private final ByteArrayOutputStream outgoing = new ByteArrayOutputStream();
    private final Random masks = new Random(42);

    ProtocolPeer(Role role, int maxMessageSize, List<Extension> extensions) {
        this.role = role;
        this.protocol = new WebSocketProtocol(role, maxMessageSize, extensions, this);
    }

    ProtocolPeer(Role role, int maxMessageSize) {
        this(role, maxMessageSize, List.of());
    }

    /** Encodes one frame as this end sends it. */
    byte[] frame(int opcode, boolean fin, int rsv, byte[] payload) {
        ByteBuffer frame = role == Role.CLIENT
                ? FrameEncoder.masked(opcode, fin, rsv, ByteBuffer.wrap(payload), masks.nextInt())
                : FrameEncoder.frame(opcode, fin, rsv, ByteBuffer.wrap(payload));
        byte[] bytes = new byte[frame.remaining()];
        frame.get(bytes);
        return bytes;
    }

    /** Queues a frame for the other end. */
    ProtocolPeer send(int opcode, boolean fin, byte[] payload) {
        outgoing.writeBytes(frame(opcode, fin, 0, payload));
        return this;
    }

    /** What this end has to send, and forgets it. */
    byte[] takeOutgoing() {
        byte[] bytes = outgoing.toByteArray();
        outgoing.reset();
        return bytes;
    }

    /** Puts answers back, as if not taken yet. */
    void outgoingAgain(byte[] bytes) {
        outgoing.writeBytes(bytes);
    }

    /** Receives bytes in one buffer (a fresh, writable copy). */
    void receive(byte[] bytes, int from, int to) {
        ByteBuffer in = ByteBuffer.allocate(to - from);
        in.put(bytes, from, to - from).flip();
        protocol.receive(in);
    }

    @Override
    public void onText(String text) {
        events.add("text:" + text);
    }

    @Override
    public void onBinary(ByteBuffer data) {
        byte[] bytes = new byte[data.remaining()];
        data.get(bytes);
        events.add("binary:" + HEX.formatHex(bytes));
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
        byte[] bytes = new byte[payload.remaining()];
        payload.duplicate().get(bytes);
        outgoing.writeBytes(frame(Opcode.PONG, true, 0, bytes));
    }

    @Override
    public void sendClose(int code, String reason) {
        ByteBuffer closePayload = FrameEncoder.closePayload(code, reason);
        byte[] bytes = new byte[closePayload.remaining()];
        closePayload.get(bytes);
        outgoing.writeBytes(frame(Opcode.CLOSE, true, 0, bytes));
    }

    private static String hex(ByteBuffer b) {
        byte[] a = new byte[b.remaining()];
        b.duplicate().get(a);
        return HEX.formatHex(a);
    }
}
