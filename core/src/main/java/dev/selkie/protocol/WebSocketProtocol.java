package dev.selkie.protocol;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * One end of a WebSocket connection after the opening handshake: decodes frames in any split,
 * reassembles and validates messages, answers pings, and runs the closing handshake (RFC 6455
 * sections 5-7). Single-threaded; no I/O: bytes go in through {@link #receive}, and what it finds,
 * and the control frames it wants sent, come out as calls of its {@link ProtocolHandler}.
 *
 * <p>A whole unfragmented data frame found in the input is delivered straight from it: binary
 * payload is unmasked into the delivered array in one pass; text is unmasked in place in a heap
 * input buffer and decoded from it (one copy into the String). Anything else goes through a
 * {@link MessageAssembler} that grows as bytes arrive. Text is UTF-8-validated chunk by chunk as it
 * arrives, so an invalid byte fails the connection (1007) without waiting for the end of the message.
 * A message carrying a negotiated {@link Extension}'s RSV bits is collected as received and decoded
 * by the extension once complete; the size limit and UTF-8 then apply to what it decodes.
 *
 * <p>The closing handshake is a state machine ({@link State}). A close requested while a received
 * message is being delivered (from a handler call) takes effect at once: the close frame follows
 * whatever the handler sent before it, and the rest of the input's data is dropped.
 */
public final class WebSocketProtocol {
    /** Where the connection stands in the closing handshake (RFC 6455 section 7). */
    public enum State {
        /** Data flows both ways. */
        OPEN,
        /**
         * This side sent its close frame and waits for the peer's; received data is dropped. (The
         * peer's close never leaves the connection half closed: it is echoed at once.)
         */
        CLOSING,
        /**
         * Done: both close frames went (the closing handshake is complete), or the peer broke the
         * protocol and this side's close frame says why; nothing more is decoded. Close TCP.
         */
        CLOSED
    }

    private static final byte[] NO_BYTES = new byte[0];
    private static final Extension[] NO_EXTENSIONS = new Extension[0];
    private static final String INVALID_UTF8 = "invalid UTF-8 in a text message";
    private static final String TRUNCATED_UTF8 = "text message ends inside a UTF-8 sequence";

    private final int maxMessageSize;
    private final ProtocolHandler handler;
    private final FrameDecoder decoder;
    private final MessageAssembler assembler = new MessageAssembler();
    private final Extension[] extensions;

    private State state = State.OPEN;
    private boolean closeReceived;

    /** Payload bytes of the current frame still to come. */
    private long remaining;
    /** Payload bytes of the current frame already consumed (for the mask phase). */
    private long consumed;
    /** Payload of the current control frame (at most 125 bytes, allocated when its header is complete). */
    private byte[] control = NO_BYTES;
    /** UTF-8 automaton state of the text message being assembled. */
    private int utf8 = Utf8Validator.ACCEPT;
    /** RSV bits of the current data message's first frame: nonzero when an extension encoded it. */
    private int messageRsv;
    /** Decoded bytes after which {@link #receive} returns, leaving the rest of its input. */
    private long decodeBudget = Long.MAX_VALUE;
    private long decodedThisReceive;
    /** Set by {@link #hold}: {@link #receive} decodes nothing more and leaves its input. */
    private boolean held;

    /** A server's protocol without extensions. */
    public WebSocketProtocol(int maxMessageSize, ProtocolHandler handler) {
        this(Role.SERVER, maxMessageSize, List.of(), handler);
    }

    /**
     * @param role which end this is: a server requires masked frames, a client refuses them
     * @param maxMessageSize the largest message accepted, in bytes (1009 beyond it), also after an
     *     extension decoded it
     * @param extensions the extensions negotiated in the handshake, in their order there
     * @param handler receives events and the control frames to send
     */
    public WebSocketProtocol(Role role, int maxMessageSize, List<Extension> extensions, ProtocolHandler handler) {
        if (maxMessageSize < 0) {
            throw new IllegalArgumentException("maxMessageSize must not be negative: " + maxMessageSize);
        }
        if (handler == null) {
            throw new NullPointerException("handler");
        }
        this.maxMessageSize = maxMessageSize;
        this.handler = handler;
        this.decoder = new FrameDecoder(role);
        this.extensions = extensions.isEmpty() ? NO_EXTENSIONS : extensions.toArray(NO_EXTENSIONS);
        decoder.budget(maxMessageSize);
        decoder.allowRsv(Extensions.rsvBits(extensions));
    }

    /**
     * Consumes every byte in {@code in} (position moves to limit), keeping any partial frame
     * internally, and reports complete messages and control frames to the handler; but once the
     * messages extensions decoded in this call reach the {@link #decodeBudget}, it returns after the
     * message that reached it and leaves the rest in {@code in}, for a later call. May unmask in
     * place, so {@code in} must be writable scratch space of the caller. In state CLOSED bytes are
     * ignored. While {@link #hold held} (also when a handler call holds it) it returns before the
     * next frame, leaving the rest in {@code in}.
     */
    public void receive(ByteBuffer in) {
        decodedThisReceive = 0;
        while (in.hasRemaining() && decodedThisReceive < decodeBudget && !held) {
            if (state == State.CLOSED) {
                in.position(in.limit());
                return;
            }
            if (decoder.step() == FrameDecoder.Step.PAYLOAD) {
                payload(in);
                continue;
            }
            int result = decoder.readHeader(in);
            if (result == FrameDecoder.NEED_MORE) {
                return;
            } else if (result == FrameDecoder.FAILED) {
                fail(decoder.errorCode(), decoder.errorReason());
            } else {
                frameStarts(in);
            }
        }
    }

    /** A header is complete: deliver the whole frame from {@code in} if it is there, else prepare to collect it. */
    private void frameStarts(ByteBuffer in) {
        int opcode = decoder.opcode();
        long length = decoder.length();
        remaining = length;
        consumed = 0;
        if (Opcode.isControl(opcode)) {
            control = length == 0 ? NO_BYTES : new byte[(int) length];
        } else if (state == State.OPEN && opcode != Opcode.CONTINUATION) {
            messageRsv = decoder.rsv();
            if (decoder.fin() && in.remaining() >= length) {
                wholeMessage(in, opcode, (int) length);
                return;
            }
            assembler.start(opcode);
            utf8 = Utf8Validator.ACCEPT;
        }
        if (length == 0) {
            frameEnds();
        }
    }

    /** The hot path: an unfragmented message entirely in {@code in}. */
    private void wholeMessage(ByteBuffer in, int opcode, int length) {
        int index = in.position();
        int key = decoder.maskKey();
        in.position(index + length);
        decoder.nextFrame();
        if (messageRsv != 0) {
            ByteBuffer encoded;
            if (in.hasArray()) { // unmasked in place, decoded from the input
                byte[] a = in.array();
                int off = in.arrayOffset() + index;
                Masking.unmask(a, off, a, off, length, key);
                encoded = ByteBuffer.wrap(a, off, length);
            } else {
                byte[] bytes = new byte[length];
                Masking.unmask(in, index, bytes, 0, length, key);
                encoded = ByteBuffer.wrap(bytes);
            }
            decodeAndDeliver(opcode, encoded);
        } else if (opcode == Opcode.TEXT) {
            String text;
            if (in.hasArray()) {
                byte[] a = in.array();
                int off = in.arrayOffset() + index;
                Masking.unmask(a, off, a, off, length, key);
                if (!wholeTextValid(a, off, length)) {
                    return;
                }
                text = new String(a, off, length, StandardCharsets.UTF_8);
            } else {
                byte[] bytes = new byte[length];
                Masking.unmask(in, index, bytes, 0, length, key);
                if (!wholeTextValid(bytes, 0, length)) {
                    return;
                }
                text = new String(bytes, StandardCharsets.UTF_8);
            }
            handler.onText(text);
        } else {
            byte[] bytes = new byte[length];
            Masking.unmask(in, index, bytes, 0, length, key);
            handler.onBinary(ByteBuffer.wrap(bytes));
        }
    }

    /** Validates a complete text message, failing the connection (1007) if it is not UTF-8. */
    private boolean wholeTextValid(byte[] a, int off, int length) {
        int result = Utf8Validator.validate(Utf8Validator.ACCEPT, a, off, length);
        if (result == Utf8Validator.REJECT) {
            fail(CloseStatus.INVALID_PAYLOAD, INVALID_UTF8);
        } else if (result != Utf8Validator.ACCEPT) {
            fail(CloseStatus.INVALID_PAYLOAD, TRUNCATED_UTF8);
        }
        return result == Utf8Validator.ACCEPT;
    }

    /** Consumes payload bytes of the current frame that are in {@code in}. */
    private void payload(ByteBuffer in) {
        int index = in.position();
        int n = (int) Math.min(remaining, in.remaining());
        int key = Masking.rotate(decoder.maskKey(), consumed);
        in.position(index + n);
        remaining -= n;
        consumed += n;
        if (Opcode.isControl(decoder.opcode())) {
            Masking.unmask(in, index, control, (int) consumed - n, n, key);
        } else if (state == State.OPEN) {
            int from = assembler.size();
            assembler.append(in, index, n, key, from + n + remaining);
            if (assembler.opcode() == Opcode.TEXT && messageRsv == 0) {
                utf8 = Utf8Validator.validate(utf8, assembler.array(), from, n);
                if (utf8 == Utf8Validator.REJECT) {
                    fail(CloseStatus.INVALID_PAYLOAD, INVALID_UTF8);
                    return;
                }
            }
        }
        if (remaining == 0) {
            frameEnds();
        }
    }

    /** The current frame's payload is complete. */
    private void frameEnds() {
        decoder.nextFrame();
        int opcode = decoder.opcode();
        if (Opcode.isControl(opcode)) {
            byte[] payload = control;
            control = NO_BYTES;
            switch (opcode) {
                case Opcode.PING -> ping(payload);
                case Opcode.PONG -> handler.onPong(ByteBuffer.wrap(payload));
                case Opcode.CLOSE -> peerClosed(payload);
                default -> throw new IllegalStateException("reserved opcode passed the decoder: " + opcode);
            }
            return;
        }
        if (state != State.OPEN) {
            return; // data after our close is dropped
        }
        if (!decoder.fin()) {
            decoder.budget((long) maxMessageSize - assembler.size());
            return;
        }
        decoder.budget(maxMessageSize);
        if (messageRsv != 0) {
            ByteBuffer encoded = ByteBuffer.wrap(assembler.array(), 0, assembler.size());
            int messageOpcode = assembler.opcode();
            decodeAndDeliver(messageOpcode, encoded);
            assembler.release();
        } else if (assembler.opcode() == Opcode.TEXT) {
            if (utf8 != Utf8Validator.ACCEPT) {
                assembler.release();
                fail(CloseStatus.INVALID_PAYLOAD, TRUNCATED_UTF8);
                return;
            }
            int size = assembler.size();
            String text = new String(assembler.array(), 0, size, StandardCharsets.UTF_8);
            assembler.release();
            handler.onText(text);
        } else {
            handler.onBinary(ByteBuffer.wrap(assembler.take()));
        }
    }

    /**
     * A complete message an extension encoded: decoded by each extension whose bits it carries, the
     * last negotiated first; then delivered, or the connection fails (1009, 1007, or the extension's code).
     */
    private void decodeAndDeliver(int opcode, ByteBuffer encoded) {
        int wireLength = encoded.remaining();
        ByteBuffer current = encoded;
        MessageSink out = null;
        int pending = messageRsv;
        for (int i = extensions.length - 1; i >= 0 && pending != 0; i--) {
            Extension extension = extensions[i];
            if ((pending & extension.rsvBits()) == 0) {
                continue;
            }
            pending &= ~extension.rsvBits();
            out = new MessageSink(maxMessageSize);
            // the last decoding is delivered at once: it may use the thread's scratch array
            out.start(opcode == Opcode.TEXT && pending == 0, current.remaining(), pending == 0);
            try {
                if (!extension.decode(current, out) || !out.complete()) {
                    fail(out.failure(), out.failureReason());
                    return;
                }
            } catch (ExtensionException e) {
                fail(e.closeCode(), e.getMessage());
                return;
            }
            current = ByteBuffer.wrap(out.array(), 0, out.size());
        }
        if (out == null) {
            throw new IllegalStateException("RSV bits no extension claimed passed the decoder: " + messageRsv);
        }
        decodedThisReceive += out.size();
        handler.decoded(wireLength, out.size());
        if (opcode == Opcode.TEXT) {
            handler.onText(new String(out.array(), 0, out.size(), StandardCharsets.UTF_8));
        } else {
            handler.onBinary(ByteBuffer.wrap(out.take()));
        }
    }

    /**
     * How many decoded bytes one {@link #receive} call may deliver before it returns with input left
     * (at least one message is always delivered): a cap on the work one peer's decompression bomb
     * makes per call. Default: no cap.
     */
    public void decodeBudget(long bytes) {
        decodeBudget = bytes;
    }

    /**
     * Holds ({@code true}) or releases the input: while held, {@link #receive} decodes nothing and
     * leaves its input for a later call. Called from a handler call (say in {@code onText}), it takes
     * effect at the end of that frame: nothing after it is decoded, not even a control frame, so no
     * ping is answered until the input is released (the caller that stops reading pauses the peer).
     * Releasing does not decode the input left: the caller passes it to {@link #receive} again.
     */
    public void hold(boolean held) {
        this.held = held;
    }

    /** Whether the input is {@link #hold held}. */
    public boolean held() {
        return held;
    }

    private void ping(byte[] payload) {
        if (state == State.OPEN) {
            handler.sendPong(ByteBuffer.wrap(payload));
        }
        handler.onPing(ByteBuffer.wrap(payload));
    }

    private void peerClosed(byte[] payload) {
        int code;
        String reason;
        if (payload.length == 0) {
            code = CloseStatus.NO_STATUS_RECEIVED;
            reason = "";
        } else if (payload.length == 1) {
            fail(CloseStatus.PROTOCOL_ERROR, "close frame with a 1-byte payload");
            return;
        } else {
            code = ((payload[0] & 0xFF) << 8) | (payload[1] & 0xFF);
            if (!CloseStatus.isValidOnWire(code)) {
                fail(CloseStatus.PROTOCOL_ERROR, "invalid close code " + code);
                return;
            }
            if (!Utf8Validator.isValid(payload, 2, payload.length - 2)) {
                fail(CloseStatus.INVALID_PAYLOAD, "invalid UTF-8 in the close reason");
                return;
            }
            reason = new String(payload, 2, payload.length - 2, StandardCharsets.UTF_8);
        }
        closeReceived = true;
        decoder.stop();
        assembler.release();
        boolean echo = state == State.OPEN;
        state = State.CLOSED;
        if (echo) {
            handler.sendClose(payload.length == 0 ? 0 : code, "");
        }
        handler.onClose(code, reason);
    }

    /** Fails the connection: close frame with {@code code} (unless one was sent), then CLOSED. */
    private void fail(int code, String reason) {
        if (state == State.CLOSED) {
            return;
        }
        boolean sendClose = state == State.OPEN;
        state = State.CLOSED;
        decoder.stop();
        assembler.release();
        control = NO_BYTES;
        if (sendClose) {
            handler.sendClose(code, reason);
        }
        handler.onProtocolError(code, reason);
    }

    /**
     * Starts the closing handshake from this side: passes the close frame to the handler's {@link
     * ProtocolHandler#sendClose} and moves to CLOSING. Data received afterwards is dropped; the
     * peer's close completes the handshake ({@link ProtocolHandler#onClose}). May be called from a
     * handler call during {@link #receive}.
     *
     * @param code a code {@link CloseStatus#isValidOnWire valid on the wire}, or 0 for a close
     *     frame without a status code (then the reason must be empty)
     * @param reason at most {@value FrameEncoder#MAX_CLOSE_REASON_BYTES} bytes in UTF-8; null is empty
     * @return false if a close frame was already sent or the connection is closed (nothing is done)
     * @throws IllegalArgumentException if the code or reason cannot be sent (nothing is done)
     */
    public boolean close(int code, String reason) {
        FrameEncoder.checkClose(code, reason);
        if (state != State.OPEN) {
            return false;
        }
        state = State.CLOSING;
        assembler.release();
        decoder.budget(Long.MAX_VALUE); // data frames are skipped from now on, never stored
        handler.sendClose(code, reason == null ? "" : reason);
        return true;
    }

    /** The current state. */
    public State state() {
        return state;
    }

    /** Whether this side sent a close frame (in every state but OPEN). */
    public boolean closeSent() {
        return state != State.OPEN;
    }

    /** Whether the peer's close frame arrived. */
    public boolean closeReceived() {
        return closeReceived;
    }

    /** The maximum message size in bytes. */
    public int maxMessageSize() {
        return maxMessageSize;
    }

    /** Capacity of the buffer of a message being assembled (0 when none is): for tests watching memory. */
    int assemblyCapacity() {
        return assembler.capacity();
    }
}
