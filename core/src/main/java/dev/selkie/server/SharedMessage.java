package dev.selkie.server;

import dev.selkie.protocol.Extension;
import dev.selkie.protocol.FrameEncoder;
import dev.selkie.protocol.Opcode;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * A message on its way to many connections (a broadcast or a publish): its plain frames encoded
 * once, and its encoding by an extension whose result depends on the message alone (permessage-
 * deflate in the shared mode: {@link Extension#shareKey()}) made once, by the first recipient that
 * needs it, and then queued as the same bytes to every recipient with that extension. Recipients
 * whose encoding is their own (context takeover) encode the payload themselves. Read-only buffers
 * only leave it. Thread-safe.
 */
final class SharedMessage {
    private final int opcode;
    private final ByteBuffer plain;
    /** The payload, for extensions; from the plain frame when it is one frame, else made when asked. */
    private ByteBuffer payload;
    private final String text;
    private final int fragmentSize;
    private final int payloadLength;
    private Object encodedKey;
    private ByteBuffer encoded;
    private int encodedLength;

    private SharedMessage(int opcode, ByteBuffer plain, ByteBuffer payload, int payloadLength, String text,
                          int fragmentSize) {
        this.opcode = opcode;
        this.payloadLength = payloadLength;
        this.plain = plain.asReadOnlyBuffer();
        this.payload = payload;
        this.text = text;
        this.fragmentSize = fragmentSize;
    }

    /** A text message, framed once as UTF-8 (fragmented like every outgoing message). */
    static SharedMessage text(String text, int fragmentSize) {
        ByteBuffer frame = FrameEncoder.text(text, fragmentSize);
        int length = FrameEncoder.textLength(text);
        ByteBuffer payload = fragmentSize <= 0 || length <= fragmentSize
                ? frame.duplicate().position(frame.remaining() - length).slice().asReadOnlyBuffer() : null;
        return new SharedMessage(Opcode.TEXT, frame, payload, length, text, fragmentSize);
    }

    /** A binary message (the buffer's remaining bytes, copied), framed once. */
    static SharedMessage binary(ByteBuffer data, int fragmentSize) {
        int length = data.remaining();
        ByteBuffer frame = FrameEncoder.message(Opcode.BINARY, data, fragmentSize);
        ByteBuffer payload = fragmentSize <= 0 || length <= fragmentSize
                ? frame.duplicate().position(frame.remaining() - length).slice()
                : ByteBuffer.allocate(length).put(data.duplicate()).flip();
        return new SharedMessage(Opcode.BINARY, frame, payload.asReadOnlyBuffer(), length, null, fragmentSize);
    }

    /** The payload's length before any extension. */
    int payloadLength() {
        return payloadLength;
    }

    /** The payload's length after the shared encoding (after {@link #encodedFor}). */
    synchronized int encodedPayloadLength() {
        return encodedLength;
    }

    int opcode() {
        return opcode;
    }

    /** The plain frames (no extension): a view of the one encoding. */
    ByteBuffer plain() {
        return plain;
    }

    /** The payload, read-only (encoded to UTF-8 again for a text message that went out in fragments). */
    synchronized ByteBuffer payload() {
        if (payload == null) {
            payload = ByteBuffer.wrap(text.getBytes(StandardCharsets.UTF_8)).asReadOnlyBuffer();
        }
        return payload.duplicate();
    }

    /**
     * The frames for recipients of an extension with this {@link Extension#shareKey()}: encoded the
     * first time, the same bytes afterwards (the plain frames if the extension leaves the message as
     * it is).
     */
    synchronized ByteBuffer encodedFor(Extension extension) {
        Object key = extension.shareKey();
        if (encoded == null || encodedKey != key) { // once per message: later recipients wait for it, not redo it
            ByteBuffer bytes = extension.encode(opcode, payload());
            encodedLength = bytes == null ? payloadLength : bytes.remaining();
            encoded = bytes == null ? plain
                    : FrameEncoder.message(opcode, bytes, fragmentSize, extension.rsvBits()).asReadOnlyBuffer();
            encodedKey = key;
        }
        return encoded;
    }
}
