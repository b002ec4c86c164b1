package dev.selkie.protocol;

import java.nio.ByteBuffer;

/**
 * Incremental parser of an HTTP/1.1 request head (request line + headers + blank line). Feed it
 * bytes as they arrive, in any split; it consumes only the bytes of the head, so bytes after the
 * blank line (the first WebSocket frames, or a request body) stay in the buffer. Its internal buffer
 * grows with the bytes actually received, never beyond {@code maxHeadBytes}.
 */
public final class HttpRequestParser {
    /** Where the parser stands. */
    public enum Status {
        /** The head is not complete yet; feed more bytes. */
        NEED_MORE,
        /** The head is complete: {@link #head()} has it. */
        DONE,
        /** The head is malformed or too large: answer {@link #errorStatus()} and close. */
        ERROR
    }

    /**
     * @param maxHeadBytes limit of request line + headers in bytes (431 beyond)
     * @param maxHeaderLines limit of header lines (431 beyond)
     */
    public HttpRequestParser(int maxHeadBytes, int maxHeaderLines) {
        throw new UnsupportedOperationException("skeleton");
    }

    /** Consumes bytes of the head from {@code in}; returns the status after them. */
    public Status feed(ByteBuffer in) {
        throw new UnsupportedOperationException("skeleton");
    }

    /** The parsed head; only after {@link Status#DONE}. */
    public RequestHead head() {
        throw new UnsupportedOperationException("skeleton");
    }

    /** 400 or 431; only after {@link Status#ERROR}. */
    public int errorStatus() {
        throw new UnsupportedOperationException("skeleton");
    }

    /** A short human-readable reason for the error (for logs and the response body). */
    public String errorReason() {
        throw new UnsupportedOperationException("skeleton");
    }
}
