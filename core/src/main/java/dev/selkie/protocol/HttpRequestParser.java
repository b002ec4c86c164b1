package dev.selkie.protocol;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * Incremental parser of an HTTP/1.1 request head (request line + headers + blank line). Feed it
 * bytes as they arrive, in any split; it consumes only the bytes of the head, so bytes after the
 * blank line (the first WebSocket frames, or a request body) stay in the buffer. Its internal buffer
 * grows with the bytes actually received, never beyond {@code maxHeadBytes}.
 *
 * <p>The head size counted against {@code maxHeadBytes} is every byte the parser consumes: the
 * request line, the header lines and the terminating blank line, line endings included. A head of
 * exactly {@code maxHeadBytes} bytes is accepted. Lines may end in CRLF or a bare LF (RFC 7230
 * section 3.5); empty lines before the request line are ignored (they count against the limit).
 *
 * <p>Errors: 431 when the head is longer than {@code maxHeadBytes} or has more than {@code
 * maxHeaderLines} header lines; 400 for a malformed request line (method not a token, target empty
 * or not visible ASCII, separators other than single spaces, version not {@code HTTP/D.D}) or a
 * malformed header line (no colon, empty name, a name that is not a token, white space before the
 * colon, obs-fold continuation lines, control characters). Only the bytes of the request line and
 * of one header line are buffered at a time.
 */
public final class HttpRequestParser {
    /** The default limit of request line + headers: 8 KiB. */
    public static final int DEFAULT_MAX_HEAD_BYTES = 8 << 10;
    /** The default limit of header lines. */
    public static final int DEFAULT_MAX_HEADER_LINES = 100;

    private static final int INITIAL_BUFFER = 256;
    private static final int VERSION_LENGTH = "HTTP/1.1".length();

    /** Where the parser stands. */
    public enum Status {
        /** The head is not complete yet; feed more bytes. */
        NEED_MORE,
        /** The head is complete: {@link #head()} has it. */
        DONE,
        /** The head is malformed or too large: answer {@link #errorStatus()} and close. */
        ERROR
    }

    private enum State { REQUEST_LINE, HEADER_LINE, DONE, ERROR }

    private final int maxHeadBytes;
    private final int maxHeaderLines;

    private State state = State.REQUEST_LINE;
    private byte[] line;
    private int lineLength;
    private int headBytes;

    private String method;
    private String target;
    private int versionMajor;
    private int versionMinor;
    private final HeaderMap headers = new HeaderMap();
    private RequestHead head;

    private int errorStatus;
    private String errorReason;

    /** A parser with the default limits: 8 KiB and 100 header lines. */
    public HttpRequestParser() {
        this(DEFAULT_MAX_HEAD_BYTES, DEFAULT_MAX_HEADER_LINES);
    }

    /**
     * @param maxHeadBytes limit of request line + headers in bytes (431 beyond)
     * @param maxHeaderLines limit of header lines (431 beyond)
     */
    public HttpRequestParser(int maxHeadBytes, int maxHeaderLines) {
        if (maxHeadBytes < 1) {
            throw new IllegalArgumentException("maxHeadBytes must be positive: " + maxHeadBytes);
        }
        if (maxHeaderLines < 0) {
            throw new IllegalArgumentException("maxHeaderLines must not be negative: " + maxHeaderLines);
        }
        this.maxHeadBytes = maxHeadBytes;
        this.maxHeaderLines = maxHeaderLines;
        this.line = new byte[Math.min(INITIAL_BUFFER, maxHeadBytes)];
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
                return fail(431, "request head larger than " + maxHeadBytes + " bytes");
            }
            byte b = in.get();
            headBytes++;
            if (b == '\n') {
                Status status = endOfLine();
                if (status != Status.NEED_MORE) {
                    return status;
                }
            } else {
                append(b);
            }
        }
        return Status.NEED_MORE;
    }

    /**
     * The parsed head; only after {@link Status#DONE}.
     *
     * @throws IllegalStateException before that
     */
    public RequestHead head() {
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

    /** The current size of the internal line buffer (for tests of the growth rule). */
    int bufferCapacity() {
        return line == null ? 0 : line.length;
    }

    private void requireError() {
        if (state != State.ERROR) {
            throw new IllegalStateException("no error: " + state);
        }
    }

    private void append(byte b) {
        if (lineLength == line.length) {
            byte[] bigger = new byte[(int) Math.min((long) line.length * 2, maxHeadBytes)];
            System.arraycopy(line, 0, bigger, 0, lineLength);
            line = bigger;
        }
        line[lineLength++] = b;
    }

    private Status endOfLine() {
        int length = lineLength;
        if (length > 0 && line[length - 1] == '\r') {
            length--;
        }
        lineLength = 0;
        switch (state) {
            case REQUEST_LINE:
                return length == 0 ? Status.NEED_MORE : requestLine(length);
            case HEADER_LINE:
                return length == 0 ? complete() : headerLine(length);
            default:
                throw new IllegalStateException("line in state " + state);
        }
    }

    private Status requestLine(int length) {
        for (int i = 0; i < length; i++) {
            int c = line[i] & 0xFF;
            if (c < 0x20 || c == 0x7F) {
                return fail(400, "control character in request line");
            }
        }
        int methodEnd = indexOf(' ', 0, length);
        if (methodEnd <= 0) {
            return fail(400, "malformed request line");
        }
        for (int i = 0; i < methodEnd; i++) {
            if (!HttpChars.isTchar(line[i])) {
                return fail(400, "invalid character in method");
            }
        }
        int targetEnd = indexOf(' ', methodEnd + 1, length);
        if (targetEnd < 0) {
            return fail(400, "malformed request line: no HTTP version");
        }
        if (targetEnd == methodEnd + 1) {
            return fail(400, "malformed request line: empty request target");
        }
        for (int i = methodEnd + 1; i < targetEnd; i++) {
            if (!HttpChars.isVisibleAscii(line[i] & 0xFF)) {
                return fail(400, "invalid character in request target");
            }
        }
        int v = targetEnd + 1;
        if (length - v != VERSION_LENGTH || line[v] != 'H' || line[v + 1] != 'T' || line[v + 2] != 'T'
                || line[v + 3] != 'P' || line[v + 4] != '/' || !isDigit(line[v + 5]) || line[v + 6] != '.'
                || !isDigit(line[v + 7])) {
            return fail(400, "malformed HTTP version");
        }
        method = latin1(0, methodEnd);
        target = latin1(methodEnd + 1, targetEnd);
        versionMajor = line[v + 5] - '0';
        versionMinor = line[v + 7] - '0';
        state = State.HEADER_LINE;
        return Status.NEED_MORE;
    }

    private Status headerLine(int length) {
        if (line[0] == ' ' || line[0] == '\t') {
            return fail(400, "obsolete line folding in header");
        }
        if (headers.size() == maxHeaderLines) {
            return fail(431, "more than " + maxHeaderLines + " header lines");
        }
        int colon = 0;
        while (colon < length && HttpChars.isTchar(line[colon])) {
            colon++;
        }
        if (colon == length) {
            return fail(400, "header line without colon");
        }
        byte stop = line[colon];
        if (stop != ':') {
            if (stop == ' ' || stop == '\t') {
                return fail(400, "white space before colon in header line");
            }
            return fail(400, "invalid character in header name");
        }
        if (colon == 0) {
            return fail(400, "empty header name");
        }
        for (int i = colon + 1; i < length; i++) {
            if (!HttpChars.isFieldValueChar(line[i] & 0xFF)) {
                return fail(400, "control character in header value");
            }
        }
        headers.add(latin1(0, colon), latin1(colon + 1, length));
        return Status.NEED_MORE;
    }

    private Status complete() {
        int question = target.indexOf('?');
        String path = question < 0 ? target : target.substring(0, question);
        String query = question < 0 ? "" : target.substring(question + 1);
        head = new RequestHead(method, target, path, query, versionMajor, versionMinor, headers);
        state = State.DONE;
        line = null;
        return Status.DONE;
    }

    private Status fail(int status, String reason) {
        errorStatus = status;
        errorReason = reason;
        state = State.ERROR;
        line = null;
        return Status.ERROR;
    }

    private int indexOf(char c, int from, int to) {
        for (int i = from; i < to; i++) {
            if (line[i] == c) {
                return i;
            }
        }
        return -1;
    }

    private String latin1(int from, int to) {
        return new String(line, from, to - from, StandardCharsets.ISO_8859_1);
    }

    private static boolean isDigit(byte b) {
        return b >= '0' && b <= '9';
    }
}
