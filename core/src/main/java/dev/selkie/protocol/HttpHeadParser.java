package dev.selkie.protocol;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Incremental parser of an HTTP/1.1 message head (start line + headers + blank line), the common
 * part of {@link HttpRequestParser} (request line) and {@link HttpResponseParser} (status line).
 * Feed it bytes as they arrive, in any split; it consumes only the bytes of the head, so bytes after
 * the blank line (the first WebSocket frames, or a body) stay in the buffer. Its internal buffer
 * grows with the bytes actually received, never beyond {@code maxHeadBytes}.
 *
 * <p>The head size counted against {@code maxHeadBytes} is every byte the parser consumes: the
 * start line, the header lines and the terminating blank line, line endings included. A head of
 * exactly {@code maxHeadBytes} bytes is accepted. Lines may end in CRLF or a bare LF (RFC 7230
 * section 3.5); empty lines before the start line are ignored (they count against the limit).
 *
 * <p>Errors: 431 when the head is longer than {@code maxHeadBytes} or has more than {@code
 * maxHeaderLines} header lines; 400 for a malformed start line (see the subclass) or a malformed
 * header line (no colon, empty name, a name that is not a token, white space before the colon,
 * obs-fold continuation lines, control characters).
 *
 * <p>Memory: nothing is allocated before the first byte. The head (without empty lines before the
 * start line) is kept in one array, sized to the bytes at hand when it is allocated and grown by
 * half when they trickle in, never beyond {@code maxHeadBytes}; no String is made per line. When the
 * head is complete that array becomes the storage of the {@link HeaderMap} (copied once to its
 * exact size only if it has room left over), which makes its Strings and maps only when asked.
 *
 * @param <H> the parsed head
 */
public abstract class HttpHeadParser<H> {
    private static final int MIN_BUFFER = 64;

    /** Where the parser stands. */
    public enum Status {
        /** The head is not complete yet; feed more bytes. */
        NEED_MORE,
        /** The head is complete: {@link #head()} has it. */
        DONE,
        /** The head is malformed or too large: answer {@link #errorStatus()} and close. */
        ERROR
    }

    private enum State { START_LINE, HEADER_LINE, DONE, ERROR }

    private final int maxHeadBytes;
    private final int maxHeaderLines;
    private final String what;

    private State state = State.START_LINE;
    /** The head from the start line on; allocated at the first byte, grown as bytes arrive. */
    private byte[] buffer;
    /** Bytes in {@link #buffer}. */
    private int length;
    /** Where the current line starts in {@link #buffer}. */
    private int lineStart;
    /** Where the header lines start in {@link #buffer}. */
    private int headersStart;
    private int headerLines;
    private int headBytes;
    private H head;

    private int errorStatus;
    private String errorReason;

    /**
     * @param maxHeadBytes limit of start line + headers in bytes (431 beyond)
     * @param maxHeaderLines limit of header lines (431 beyond)
     * @param what the kind of head, for error reasons ("request", "response")
     */
    HttpHeadParser(int maxHeadBytes, int maxHeaderLines, String what) {
        if (maxHeadBytes < 1) {
            throw new IllegalArgumentException("maxHeadBytes must be positive: " + maxHeadBytes);
        }
        if (maxHeaderLines < 0) {
            throw new IllegalArgumentException("maxHeaderLines must not be negative: " + maxHeaderLines);
        }
        this.maxHeadBytes = maxHeadBytes;
        this.maxHeaderLines = maxHeaderLines;
        this.what = what;
    }

    /**
     * Forgets everything fed so far, keeping the limits: the parser is as new, for the next
     * connection's head (the server reuses parsers instead of making one per connection).
     */
    public void reset() {
        state = State.START_LINE;
        buffer = null;
        length = 0;
        lineStart = 0;
        headersStart = 0;
        headerLines = 0;
        headBytes = 0;
        head = null;
        errorStatus = 0;
        errorReason = null;
        resetStartLine();
    }

    /** Consumes bytes of the head from {@code in}; returns the status after them. */
    public Status feed(ByteBuffer in) {
        switch (state) {
            case DONE:
                return Status.DONE;
            case ERROR:
                return Status.ERROR;
            default:
                break;
        }
        while (in.hasRemaining()) {
            if (headBytes == maxHeadBytes) {
                return fail(431, what + " head larger than " + maxHeadBytes + " bytes");
            }
            if (length == capacity()) {
                grow(in.remaining());
            }
            byte b = in.get();
            headBytes++;
            buffer[length++] = b;
            if (b == '\n') {
                Status status = endOfLine();
                if (status != Status.NEED_MORE) {
                    return status;
                }
            }
        }
        return Status.NEED_MORE;
    }

    /**
     * The parsed head; only after {@link Status#DONE}.
     *
     * @throws IllegalStateException before that
     */
    public H head() {
        if (state != State.DONE) {
            throw new IllegalStateException("head not complete: " + state);
        }
        return head;
    }

    /**
     * 400 or 431; only after {@link Status#ERROR}.
     *
     * @throws IllegalStateException before that
     */
    public int errorStatus() {
        requireError();
        return errorStatus;
    }

    /**
     * A short human-readable reason for the error (for logs and the response body).
     *
     * @throws IllegalStateException unless the status is {@link Status#ERROR}
     */
    public String errorReason() {
        requireError();
        return errorReason;
    }

    /** The bytes consumed so far. */
    public int headBytes() {
        return headBytes;
    }

    /** The current size of the internal buffer (for tests of the growth rule). */
    int bufferCapacity() {
        return capacity();
    }

    /** Parses the start line in {@code line[0, end)}; returns null if it is good, else why not (400). */
    abstract String startLine(byte[] line, int end);

    /** Forgets what {@link #startLine} kept. */
    abstract void resetStartLine();

    /** Builds the head from what {@link #startLine} kept and the header fields. */
    abstract H buildHead(HeaderMap headers);

    private int capacity() {
        return buffer == null ? 0 : buffer.length;
    }

    private void requireError() {
        if (state != State.ERROR) {
            throw new IllegalStateException("no error: " + state);
        }
    }

    /**
     * Makes room for at least one more byte: for all of {@code available} (the bytes at hand) when
     * they fit under the limit, so a head that arrives in one read lands in one array of its size,
     * and at least half again the current size, so a head that trickles in costs few copies.
     */
    private void grow(int available) {
        long wanted = Math.max(Math.max((long) length + available, length + (length >> 1)), MIN_BUFFER);
        byte[] bigger = new byte[(int) Math.min(wanted, maxHeadBytes - headBytes + (long) length)];
        if (buffer != null) {
            System.arraycopy(buffer, 0, bigger, 0, length);
        }
        buffer = bigger;
    }

    private Status endOfLine() {
        int start = lineStart;
        int end = length - 1;
        if (end > start && buffer[end - 1] == '\r') {
            end--;
        }
        lineStart = length;
        switch (state) {
            case START_LINE:
                if (end == start) {
                    length = 0; // empty lines before the start line are not kept
                    lineStart = 0;
                    return Status.NEED_MORE;
                }
                for (int i = 0; i < end; i++) {
                    int c = buffer[i] & 0xFF;
                    if (c < 0x20 || c == 0x7F) {
                        return fail(400, "control character in " + what + " line");
                    }
                }
                String error = startLine(buffer, end);
                if (error != null) {
                    return fail(400, error);
                }
                headersStart = lineStart;
                state = State.HEADER_LINE;
                return Status.NEED_MORE;
            case HEADER_LINE:
                return end == start ? complete(start) : headerLine(start, end);
            default:
                throw new IllegalStateException("line in state " + state);
        }
    }

    private Status headerLine(int start, int end) {
        byte[] line = buffer;
        if (line[start] == ' ' || line[start] == '\t') {
            return fail(400, "obsolete line folding in header");
        }
        if (headerLines == maxHeaderLines) {
            return fail(431, "more than " + maxHeaderLines + " header lines");
        }
        int colon = start;
        while (colon < end && HttpChars.isTchar(line[colon])) {
            colon++;
        }
        if (colon == end) {
            return fail(400, "header line without colon");
        }
        byte stop = line[colon];
        if (stop != ':') {
            if (stop == ' ' || stop == '\t') {
                return fail(400, "white space before colon in header line");
            }
            return fail(400, "invalid character in header name");
        }
        if (colon == start) {
            return fail(400, "empty header name");
        }
        for (int i = colon + 1; i < end; i++) {
            if (!HttpChars.isFieldValueChar(line[i] & 0xFF)) {
                return fail(400, "control character in header value");
            }
        }
        headerLines++;
        return Status.NEED_MORE;
    }

    /**
     * The blank line at {@code blankLine} ends the head. The header lines stay in the parser's
     * array, which the {@link HeaderMap} keeps; when the array has room left over (bytes after the
     * head arrived with it, or it grew while the head trickled in) they move to one of their size.
     */
    private Status complete(int blankLine) {
        byte[] kept;
        int from;
        if (length == buffer.length) {
            kept = buffer;
            from = headersStart;
        } else {
            kept = Arrays.copyOfRange(buffer, headersStart, blankLine);
            from = 0;
        }
        head = buildHead(new HeaderMap(kept, from, from + blankLine - headersStart, headerLines));
        state = State.DONE;
        buffer = null;
        return Status.DONE;
    }

    private Status fail(int status, String reason) {
        errorStatus = status;
        errorReason = reason;
        state = State.ERROR;
        buffer = null;
        return Status.ERROR;
    }

    static int indexOf(byte[] line, char c, int from, int to) {
        for (int i = from; i < to; i++) {
            if (line[i] == c) {
                return i;
            }
        }
        return -1;
    }

    static String latin1(byte[] line, int from, int to) {
        return new String(line, from, to - from, StandardCharsets.ISO_8859_1);
    }

    static boolean isDigit(byte b) {
        return b >= '0' && b <= '9';
    }
}
