package dev.selkie;

import dev.selkie.server.ApiBridge;
import dev.selkie.server.SharedMessage;
import java.nio.ByteBuffer;
import java.util.Objects;

/**
 * A message framed once and sent any number of times: to one connection ({@link
 * WebSocket#send(PreparedMessage)}), to every connection or a chosen few ({@link
 * WebSocketServer#broadcast(PreparedMessage)}), or to a topic's subscribers ({@link
 * WebSocketServer#publish(String, PreparedMessage)}), by any server. The frame bytes are made when
 * the message is prepared and shared read-only by every recipient; with permessage-deflate in its
 * shared mode ({@link Compression#shared()}) the compressed frame is made by the first recipient
 * that needs it and reused by every later one, across calls. Recipients that negotiated context
 * takeover compress the payload themselves. A server with an {@code outgoingFragmentSize} frames its
 * own copy once, the first time it sends the message. Immutable and thread-safe.
 *
 * <pre>{@code
 * PreparedMessage tick = PreparedMessage.text("{\"type\":\"tick\"}");
 * server.publish("ticks", tick);           // every subscriber gets a view of the same bytes
 * PreparedMessage json = PreparedMessage.utf8(objectMapper.writeValueAsBytes(event)); // no String
 * }</pre>
 */
public final class PreparedMessage {
    static {
        ApiBridge.preparedMessages(prepared -> prepared.message, PreparedMessage::new);
    }

    private final SharedMessage message;

    private PreparedMessage(SharedMessage message) {
        this.message = message;
    }

    /** A text message. */
    public static PreparedMessage text(String text) {
        return new PreparedMessage(SharedMessage.text(Objects.requireNonNull(text, "text"), 0));
    }

    /**
     * A text message from its UTF-8 bytes (e.g. a JSON library's {@code writeValueAsBytes}),
     * without decoding them to a {@code String}. The bytes are checked and copied.
     *
     * @throws IllegalArgumentException if they are not valid UTF-8
     */
    public static PreparedMessage utf8(byte[] utf8) {
        return utf8(ByteBuffer.wrap(Objects.requireNonNull(utf8, "utf8")));
    }

    /**
     * A text message from the buffer's remaining bytes, which must be UTF-8; they are checked and
     * copied, and the buffer's position is not changed.
     *
     * @throws IllegalArgumentException if they are not valid UTF-8
     */
    public static PreparedMessage utf8(ByteBuffer utf8) {
        return new PreparedMessage(SharedMessage.utf8(Objects.requireNonNull(utf8, "utf8"), 0));
    }

    /** A binary message of the array's bytes (copied). */
    public static PreparedMessage binary(byte[] data) {
        return binary(ByteBuffer.wrap(Objects.requireNonNull(data, "data")));
    }

    /** A binary message of the buffer's remaining bytes (copied; the buffer's position is not changed). */
    public static PreparedMessage binary(ByteBuffer data) {
        return new PreparedMessage(SharedMessage.binary(Objects.requireNonNull(data, "data"), 0));
    }

    /** Whether this is a text message (else binary). */
    public boolean isText() {
        return message.isText();
    }

    /** The payload's length in bytes (UTF-8 bytes for text), before any compression. */
    public int length() {
        return message.payloadLength();
    }

    /**
     * The payload, read-only (the UTF-8 bytes of a text message): for a {@link Broker} that sends it
     * on to other servers. Each call returns a new view of the same bytes.
     */
    public ByteBuffer payload() {
        return message.payload();
    }

    /** The framed message, for the server. */
    SharedMessage shared() {
        return message;
    }

    @Override
    public String toString() {
        return "PreparedMessage[" + (isText() ? "text" : "binary") + ", " + length() + " bytes]";
    }
}
