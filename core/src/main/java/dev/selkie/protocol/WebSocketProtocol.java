package dev.selkie.protocol;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * The server side of one WebSocket connection after the opening handshake: decodes frames in any
 * split, reassembles and validates messages, answers pings, and runs the closing handshake.
 * Single-threaded; no I/O.
 *
 * <p>A whole unfragmented data frame found in the input is delivered straight from it: binary
 * payload is unmasked into the delivered array in one pass; text is unmasked in place in a heap
 * input buffer and decoded from it (one copy into the String). Anything else goes through a
 * {@link MessageAssembler} that grows as bytes arrive. Text is UTF-8-validated chunk by chunk as it
 * arrives, so an invalid byte fails the connection (1007) without waiting for the end of the message.
 */
public final class WebSocketProtocol {
    /** Connection states of RFC 6455 section 4 and 7 after the handshake. */
    public enum State {
        /** Data flows both ways. */
        OPEN,
        /** A close frame was sent or received, but not both. */
        CLOSING,
        /** Close frames were sent and received, or the protocol failed: close TCP. */
        CLOSED
    }

    private static final byte[] NO_BYTES = new byte[0];
    private static final int PROTOCOL_ERROR = 1002;
    private static final int INVALID_PAYLOAD = 1007;
    private static final int NO_STATUS_RECEIVED = 1005;
    private static final String INVALID_UTF8 = "invalid UTF-8 in a text message";
    private static final String TRUNCATED_UTF8 = "text message ends inside a UTF-8 sequence";

    private final int maxMessageSize;
    private final ProtocolHandler handler;
    private final FrameDecoder decoder = new FrameDecoder();
    private final MessageAssembler assembler = new MessageAssembler();

    private State state = State.OPEN;
    private boolean closeSent;
    private boolean closeReceived;

    /** Payload bytes of the current frame still to come. */
    private long remaining;
    /** Payload bytes of the current frame already consumed (for the mask phase). */
    private long consumed;
    /** Payload of the current control frame (at most 125 bytes, allocated when its header is complete). */
    private byte[] control = NO_BYTES;
    /** UTF-8 automaton state of the text message being assembled. */
    private int utf8 = Utf8Validator.ACCEPT;

    /**
     * @param maxMessageSize the largest message accepted, in bytes (1009 beyond it)
     * @param handler receives events and outgoing frames
     */
    public WebSocketProtocol(int maxMessageSize, ProtocolHandler handler) {
        if (maxMessageSize < 0) {
            throw new IllegalArgumentException("maxMessageSize must not be negative: " + maxMessageSize);
        }
        if (handler == null) {
            throw new NullPointerException("handler");
        }
        this.maxMessageSize = maxMessageSize;
        this.handler = handler;
        decoder.budget(maxMessageSize);
    }

    /**
     * Consumes every byte in {@code in} (position moves to limit), keeping any partial frame
     * internally, and reports complete messages and control frames to the handler. May unmask in
     * place, so {@code in} must be writable scratch space of the caller. After CLOSED, bytes are
     * ignored.
     */
    public void receive(ByteBuffer in) {
        while (in.hasRemaining()) {
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
        } else if (!closeSent) {
            if (opcode != Opcode.CONTINUATION) {
                if (decoder.fin() && in.remaining() >= length) {
                    wholeMessage(in, opcode, (int) length);
                    return;
                }
                assembler.start(opcode);
                utf8 = Utf8Validator.ACCEPT;
            }
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
        if (opcode == Opcode.TEXT) {
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
            fail(INVALID_PAYLOAD, INVALID_UTF8);
        } else if (result != Utf8Validator.ACCEPT) {
            fail(INVALID_PAYLOAD, TRUNCATED_UTF8);
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
        } else if (!closeSent) {
            int from = assembler.size();
            assembler.append(in, index, n, key, from + n + remaining);
            if (assembler.opcode() == Opcode.TEXT) {
                utf8 = Utf8Validator.validate(utf8, assembler.array(), from, n);
                if (utf8 == Utf8Validator.REJECT) {
                    fail(INVALID_PAYLOAD, INVALID_UTF8);
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
        if (closeSent) {
            return; // data after our close is dropped
        }
        if (!decoder.fin()) {
            decoder.budget((long) maxMessageSize - assembler.size());
            return;
        }
        decoder.budget(maxMessageSize);
        if (assembler.opcode() == Opcode.TEXT) {
            if (utf8 != Utf8Validator.ACCEPT) {
                assembler.release();
                fail(INVALID_PAYLOAD, TRUNCATED_UTF8);
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

    private void ping(byte[] payload) {
        if (!closeSent) {
            handler.sendFrame(FrameEncoder.frame(Opcode.PONG, true, ByteBuffer.wrap(payload)));
        }
        handler.onPing(ByteBuffer.wrap(payload));
    }

    private void peerClosed(byte[] payload) {
        int code;
        String reason;
        if (payload.length == 0) {
            code = NO_STATUS_RECEIVED;
            reason = "";
        } else if (payload.length == 1) {
            fail(PROTOCOL_ERROR, "close frame with a 1-byte payload");
            return;
        } else {
            code = ((payload[0] & 0xFF) << 8) | (payload[1] & 0xFF);
            if (!CloseStatus.isValidOnWire(code)) {
                fail(PROTOCOL_ERROR, "invalid close code " + code);
                return;
            }
            if (!Utf8Validator.isValid(payload, 2, payload.length - 2)) {
                fail(INVALID_PAYLOAD, "invalid UTF-8 in the close reason");
                return;
            }
            reason = new String(payload, 2, payload.length - 2, StandardCharsets.UTF_8);
        }
        closeReceived = true;
        state = State.CLOSED;
        decoder.stop();
        assembler.release();
        if (!closeSent) {
            closeSent = true;
            handler.sendFrame(FrameEncoder.close(payload.length == 0 ? 0 : code, ""));
        }
        handler.onClose(code, reason);
    }

    /** Fails the connection: close frame with {@code code} (unless one was sent), then CLOSED. */
    private void fail(int code, String reason) {
        if (state == State.CLOSED) {
            return;
        }
        state = State.CLOSED;
        decoder.stop();
        assembler.release();
        control = NO_BYTES;
        if (!closeSent) {
            closeSent = true;
            handler.sendFrame(FrameEncoder.close(code, reason));
        }
        handler.onProtocolError(code, reason);
    }

    /**
     * Starts the closing handshake from this side: passes a close frame to the handler's {@link
     * ProtocolHandler#sendFrame(ByteBuffer)} and moves to CLOSING (or CLOSED if the peer's close
     * had arrived). Data frames received afterwards are dropped.
     *
     * @param code a code {@link CloseStatus#isValidOnWire valid on the wire}, or 0 for a close
     *     frame without a status code (then the reason must be empty)
     * @param reason at most {@value FrameEncoder#MAX_CLOSE_REASON_BYTES} bytes in UTF-8; null is empty
     * @return false if a close frame was already sent (nothing is done)
     * @throws IllegalArgumentException if the code or reason cannot be sent (nothing is done)
     */
    public boolean close(int code, String reason) {
        if (closeSent) {
            return false;
        }
        ByteBuffer frame = FrameEncoder.close(code, reason);
        closeSent = true;
        assembler.release();
        decoder.budget(Long.MAX_VALUE); // data frames are skipped from now on, never stored
        state = closeReceived ? State.CLOSED : State.CLOSING;
        handler.sendFrame(frame);
        return true;
    }

    /** The current state. */
    public State state() {
        return state;
    }

    /** Whether this side sent a close frame. */
    public boolean closeSent() {
        return closeSent;
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
