package dev.selkie;

import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.util.Optional;
import java.util.Set;

/**
 * One WebSocket connection. Every method is thread-safe and non-blocking: sends are encoded on the
 * calling thread, queued, and written by the connection's event loop. Messages sent by one thread
 * arrive in the order sent.
 *
 * <p>Across the API no method returns null: a value that may be absent is an {@link Optional}.
 */
public interface WebSocket {
    /** Queues a text message. */
    SendResult send(String text);

    /**
     * Queues a binary message of the buffer's remaining bytes. The bytes are copied (or encoded)
     * before the call returns and the buffer's position is not changed, so it may be reused at once.
     * The same rule holds wherever the API takes a {@code ByteBuffer}.
     */
    SendResult send(ByteBuffer data);

    /**
     * Queues a message framed once for many sends (see {@link PreparedMessage}): this connection
     * gets a view of its shared bytes, no copy or encoding per call (unless it compresses with
     * context takeover).
     */
    SendResult send(PreparedMessage message);

    /** Queues a binary message (the array is copied). */
    default SendResult send(byte[] data) {
        return send(ByteBuffer.wrap(java.util.Objects.requireNonNull(data, "data")));
    }

    /** Queues a ping with an empty payload. */
    default SendResult ping() {
        return ping(ByteBuffer.allocate(0));
    }

    /** Queues a ping; the payload must be at most 125 bytes. */
    SendResult ping(ByteBuffer payload);

    /** Starts the closing handshake with 1000 (normal closure). */
    default void close() {
        close(CloseCodes.NORMAL, "");
    }

    /**
     * Starts the closing handshake. {@code code} must be one an endpoint may send (1000-1003,
     * 1007-1014, 3000-4999) and {@code reason} at most 123 UTF-8 bytes. Messages queued before
     * this call are sent before the close frame; later sends return {@link SendResult#DROPPED}. No
     * effect if the connection is no longer open.
     *
     * @throws IllegalArgumentException if the code may not be sent or the reason is too long
     */
    void close(int code, String reason);

    /** Whether the connection is open: the handshake completed and no close frame was sent or received. */
    boolean isOpen();

    /**
     * Stops reading from this client (read flow control, as Jetty's {@code demand()} or Vert.x's
     * {@code pause()}): the server no longer reads the socket, so once the socket buffers are full
     * TCP backpressure stops the client's writes; the connection stays open and sends go on as
     * usual. For an application that forwards messages to something slower than the client.
     *
     * <p>What the listener may still receive once this returns: called on the connection's event
     * loop (in a listener call, without an executor), nothing more; bytes already read are kept,
     * and decoding stops after the frame being delivered. Called from another thread (an executor's
     * listener call, another connection), the pause reaches the loop shortly after; calls already
     * under way are still made: the messages the loop decodes before the pause reaches it, and with
     * an {@code executor}, those already queued for it (at most about the high-water mark).
     *
     * <p>While paused: the client's pings are not read, so not answered, until reading resumes (then
     * at once, in order); neither the idle timeout nor the keep-alive pong timeout counts the pause
     * against the client (both count again from the resume). A client that goes away unnoticed (FIN
     * or reset) is noticed when reading resumes or when a write to it fails. When this side starts
     * the closing handshake ({@link #close}, the server's stop, the idle timeout, a slow consumer),
     * reading resumes by itself, so that the client's close frame is read within the close timeout;
     * messages received after that are dropped, as in any closing handshake.
     *
     * <p>The state is a flag, not a counter: pausing twice and resuming once leaves reading resumed.
     * It is independent of the server's own pause of an executor that falls behind (see {@code
     * WebSocketServer.Builder.executor}): the socket is read while neither pauses. Thread-safe and
     * non-blocking; calls of one thread take effect in the order made, also with respect to its
     * {@link #close} calls. No effect (and no exception) once the connection is not {@link #isOpen open}.
     */
    void pauseReading();

    /**
     * Resumes reading after {@link #pauseReading()}: first the bytes already read and kept, in the
     * loop's next turn, then the socket; the client's pings read meanwhile are answered. From another
     * thread it takes effect on the loop shortly after. No effect if reading is not paused by the
     * application or the connection is not open.
     */
    void resumeReading();

    /**
     * Whether the application paused reading: the last {@link #pauseReading()} or {@link
     * #resumeReading()} call of any thread was a pause and the connection is still {@link #isOpen
     * open}. Says nothing of the server's own pause for a slow executor.
     */
    boolean readingPaused();

    /**
     * Memory held by this connection's frames that are not yet written to its socket: the frames'
     * bytes plus 128 bytes of bookkeeping per queued buffer, where small frames share 4 KiB write
     * chunks that count whole (4,224 bytes each) while they wait. 0 once everything is written; never
     * more than the server's {@code sendQueueLimit} plus one write chunk. The water marks and the
     * limit are held against this figure.
     */
    long bufferedAmount();

    /** The client's address; behind trusted proxies the one they name (see {@link HttpRequest#remoteAddress()}). */
    InetSocketAddress remoteAddress();

    /** The TCP peer's address as the socket sees it (a proxy's, behind one). */
    default InetSocketAddress socketAddress() {
        return request().socketAddress();
    }

    /** The upgrade request (path, query, headers) this connection was opened with. */
    HttpRequest request();

    /** The negotiated subprotocol, if any. */
    Optional<String> subprotocol();

    /**
     * The value stored under {@code key} on this connection: put by the {@link HandshakeInterceptor}
     * ({@link HandshakeDecision#with}) or by {@link #attribute(AttributeKey, Object)}. Any thread.
     */
    <T> Optional<T> attribute(AttributeKey<T> key);

    /**
     * Stores {@code value} under {@code key} on this connection, or removes the key if {@code value}
     * is null; any thread. The state lives as long as this object.
     *
     * @return the value stored before, if any
     */
    <T> Optional<T> attribute(AttributeKey<T> key, T value);

    /**
     * Subscribes this connection to a topic (see {@link WebSocketServer#publish(String, String)}).
     * Immediate on the connection's event loop (e.g. in a listener call); from another thread it is
     * carried to the loop, and a publish the same thread makes afterwards reaches this connection
     * (operations one thread issues take effect in the order issued). Subscriptions end when the
     * connection closes.
     */
    void subscribe(String topic);

    /** Unsubscribes this connection from a topic; no effect if it was not subscribed. Ordered like {@link #subscribe}. */
    void unsubscribe(String topic);

    /**
     * The topics this connection is subscribed to now, an unmodifiable snapshot (empty once it
     * closed). A subscription made from another thread shows once the loop has made it.
     */
    Set<String> topics();
}
