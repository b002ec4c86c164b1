package dev.selkie.server;

import dev.selkie.protocol.Extension;
import dev.selkie.protocol.FrameEncoder;
import dev.selkie.protocol.Opcode;
import dev.selkie.protocol.Utf8;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * A message on its way to many connections (a broadcast, a publish, or a {@code PreparedMessage}
 * sent again and again): its plain frames encoded once, and its encoding by an extension whose result depends on the message alone (permessage-
 * deflate in the shared mode: {@link Extension#shareKey()}) made once, by the first recipient that
 * needs it, and then queued as the same bytes to every recipient with that extension. Recipients
 * whose encoding is their own (context takeover) encode the payload themselves. Read-only buffers
 * only leave it. Thread-safe. Public for {@code dev.selkie.PreparedMessage}; not API.
 */
public final class SharedMessage {
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
    /** The same message framed for another fragment size, made when a server with one asks. */
    private volatile SharedMessage refragmented;

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
    public static SharedMessage text(String text, int fragmentSize) {
        ByteBuffer frame = FrameEncoder.text(text, fragmentSize);
        int length = FrameEncoder.textLength(text);
        ByteBuffer payload = fragmentSize <= 0 || length <= fragmentSize
                ? frame.duplicate().position(frame.remaining() - length).slice().asReadOnlyBuffer() : null;
        return new SharedMessage(Opcode.TEXT, frame, payload, length, text, fragmentSize);
    }

    /** A binary message (the buffer's remaining bytes, copied; its position unchanged), framed once. */
    public static SharedMessage binary(ByteBuffer data, int fragmentSize) {
        return bytes(Opcode.BINARY, data, fragmentSize);
    }

    /**
     * A text message from its UTF-8 bytes (the buffer's remaining bytes, copied; its position
     * unchanged), framed once without decoding.
     *
     * @throws IllegalArgumentException if the bytes are not valid UTF-8
     */
    public static SharedMessage utf8(ByteBuffer utf8, int fragmentSize) {
        if (!Utf8.isValid(utf8)) {
            throw new IllegalArgumentException("not valid UTF-8");
        }
        return bytes(Opcode.TEXT, utf8, fragmentSize);
    }

    private static SharedMessage bytes(int opcode, ByteBuffer data, int fragmentSize) {
        int length = data.remaining();
        ByteBuffer frame = FrameEncoder.message(opcode, data, fragmentSize);
        ByteBuffer payload = fragmentSize <= 0 || length <= fragmentSize
                ? frame.duplicate().position(frame.remaining() - length).slice()
                : ByteBuffer.allocate(length).put(data.duplicate()).flip();
        return new SharedMessage(opcode, frame, payload.asReadOnlyBuffer(), length, null, fragmentSize);
    }

    /**
     * This message framed for {@code size} (a server's outgoing fragment size): this one if it
     * already is, else a copy made once and kept for the next time.
     */
    public SharedMessage forFragmentSize(int size) {
        if (size == fragmentSize || (size <= 0 && fragmentSize <= 0)) {
            return this;
        }
        SharedMessage other = refragmented;
        if (other == null || other.fragmentSize != size) {
            other = text != null ? text(text, size) : bytes(opcode, payload(), size);
            refragmented = other;
        }
        return other;
    }

    /** Whether this is a text message. */
    public boolean isText() {
        return opcode == Opcode.TEXT;
    }

    /** The payload's length before any extension. */
    public int payloadLength() {
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
    public synchronized ByteBuffer payload() {
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
