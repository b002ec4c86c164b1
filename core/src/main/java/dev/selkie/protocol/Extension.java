package dev.selkie.protocol;

import java.nio.ByteBuffer;

/**
 * A WebSocket extension negotiated for one connection (RFC 6455 section 9): the hook through which
 * an extension such as permessage-deflate (RFC 7692) changes what travels in data messages, without
 * the frame codec or the closing rules knowing about it.
 *
 * <p>The seam is per message, as RFC 7692 defines it: an extension claims RSV bits ({@link
 * #rsvBits()}) that may appear on the first frame of a data message only (on a continuation or a
 * control frame they stay a protocol error, 1002, as do bits no extension claimed). A message whose
 * first frame carries some of them is collected as received and handed to {@link #decode} once
 * complete; only then are the size limit and, for text, UTF-8 validation applied, to the decoded
 * bytes as the extension writes them. Outgoing messages pass through {@link #encode}, which may
 * return them changed, to be sent with the extension's RSV bits on their first frame.
 *
 * <p>Implementations are plain objects fed with bytes (no I/O, threads or clocks), called on the
 * connection's thread only.
 */
public interface Extension {
    /**
     * This extension's element of the server's {@code Sec-WebSocket-Extensions} answer, e.g. {@code
     * permessage-deflate; server_no_context_takeover; client_no_context_takeover}.
     */
    String answer();

    /** The RSV bits ({@code 0x40}, {@code 0x20}, {@code 0x10}) this extension sets on first frames. */
    int rsvBits();

    /**
     * Decodes a complete received message whose first frame carried this extension's RSV bits.
     *
     * @param in the message as received (all its frames' payloads, unmasked), from its position to
     *     its limit; the extension may change the bytes in place
     * @param out where the decoded message goes; it refuses bytes past the maximum message size and,
     *     for text, invalid UTF-8
     * @return false if {@code out} refused bytes (the caller knows why and fails the connection)
     * @throws ExtensionException if the message cannot be decoded (e.g. corrupt compressed data)
     */
    boolean decode(ByteBuffer in, MessageSink out);

    /**
     * Encodes a message about to be sent.
     *
     * @param opcode {@link Opcode#TEXT} or {@link Opcode#BINARY}
     * @param payload the message's bytes from position to limit (left unchanged; it may be scratch
     *     space of the caller, so it must not be kept after the call)
     * @return the bytes to send with this extension's RSV bits, or null to send the message as it is,
     *     without them (RFC 7692 allows an uncompressed message at any time). They may be a view of
     *     the extension's scratch space for the calling thread, valid until that thread's next call:
     *     the caller frames (copies) them at once
     */
    ByteBuffer encode(int opcode, ByteBuffer payload);

    /**
     * A key under which what {@link #encode} makes may be shared by every connection whose extension
     * has an equal key: the encoding depends on the message alone (a broadcast is then encoded once);
     * null (the default) if it is this connection's own, e.g. because it keeps a context.
     */
    default Object shareKey() {
        return null;
    }

    /** The connection ended: releases what this extension holds (native memory). Idempotent. */
    default void release() {
    }
}
