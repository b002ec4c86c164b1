package dev.selkie.protocol;

/**
 * Incremental parser of an HTTP/1.1 request head (request line + headers + blank line); see {@link
 * HttpHeadParser} for splitting, limits, header rules and memory. A malformed request line (method
 * not a token, target empty or not visible ASCII, separators other than single spaces, version not
 * {@code HTTP/D.D}) is a 400.
 */
public final class HttpRequestParser extends HttpHeadParser<RequestHead> {
    /** The default limit of request line + headers: 8 KiB. */
    public static final int DEFAULT_MAX_HEAD_BYTES = 8 << 10;
    /** The default limit of header lines. */
    public static final int DEFAULT_MAX_HEADER_LINES = 100;

    private static final int VERSION_LENGTH = "HTTP/1.1".length();

    private String method;
    private String target;
    private int versionMajor;
    private int versionMinor;

    /** A parser with the default limits: 8 KiB and 100 header lines. */
    public HttpRequestParser() {
        this(DEFAULT_MAX_HEAD_BYTES, DEFAULT_MAX_HEADER_LINES);
    }

    /**
     * @param maxHeadBytes limit of request line + headers in bytes (431 beyond)
     * @param maxHeaderLines limit of header lines (431 beyond)
     */
    public HttpRequestParser(int maxHeadBytes, int maxHeaderLines) {
        super(maxHeadBytes, maxHeaderLines, "request");
    }

    @Override
    String startLine(byte[] line, int end) {
        int methodEnd = indexOf(line, ' ', 0, end);
        if (methodEnd <= 0) {
            return "malformed request line";
        }
        for (int i = 0; i < methodEnd; i++) {
            if (!HttpChars.isTchar(line[i])) {
                return "invalid character in method";
            }
        }
        int targetEnd = indexOf(line, ' ', methodEnd + 1, end);
        if (targetEnd < 0) {
            return "malformed request line: no HTTP version";
        }
        if (targetEnd == methodEnd + 1) {
            return "malformed request line: empty request target";
        }
        for (int i = methodEnd + 1; i < targetEnd; i++) {
            if (!HttpChars.isVisibleAscii(line[i] & 0xFF)) {
                return "invalid character in request target";
            }
        }
        int v = targetEnd + 1;
        if (end - v != VERSION_LENGTH || line[v] != 'H' || line[v + 1] != 'T' || line[v + 2] != 'T'
                || line[v + 3] != 'P' || line[v + 4] != '/' || !isDigit(line[v + 5]) || line[v + 6] != '.'
                || !isDigit(line[v + 7])) {
            return "malformed HTTP version";
        }
        boolean get = methodEnd == 3 && line[0] == 'G' && line[1] == 'E' && line[2] == 'T';
        method = get ? "GET" : latin1(line, 0, methodEnd);
        target = latin1(line, methodEnd + 1, targetEnd);
        versionMajor = line[v + 5] - '0';
        versionMinor = line[v + 7] - '0';
        return null;
    }

    @Override
    void resetStartLine() {
        method = null;
        target = null;
        versionMajor = 0;
        versionMinor = 0;
    }

    @Override
    RequestHead buildHead(HeaderMap headers) {
        int question = target.indexOf('?');
        String path = question < 0 ? target : target.substring(0, question);
        String query = question < 0 ? "" : target.substring(question + 1);
        return new RequestHead(method, target, path, query, versionMajor, versionMinor, headers);
    }
}
