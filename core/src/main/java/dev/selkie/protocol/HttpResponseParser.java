package dev.selkie.protocol;

/**
 * Incremental parser of an HTTP/1.1 response head (status line + headers + blank line), for the
 * client side of the opening handshake; see {@link HttpHeadParser} for splitting, limits and header
 * rules. A status line must be {@code HTTP/D.D SP 3DIGIT SP reason} (the reason may be empty).
 */
public final class HttpResponseParser extends HttpHeadParser<ResponseHead> {
    private static final int VERSION_LENGTH = "HTTP/1.1".length();

    private int status;
    private String reason;

    /**
     * @param maxHeadBytes limit of status line + headers in bytes
     * @param maxHeaderLines limit of header lines
     */
    public HttpResponseParser(int maxHeadBytes, int maxHeaderLines) {
        super(maxHeadBytes, maxHeaderLines, "response");
    }

    @Override
    String startLine(byte[] line, int end) {
        if (end < VERSION_LENGTH + 4 || line[0] != 'H' || line[1] != 'T' || line[2] != 'T' || line[3] != 'P'
                || line[4] != '/' || !isDigit(line[5]) || line[6] != '.' || !isDigit(line[7])
                || line[VERSION_LENGTH] != ' ') {
            return "malformed status line";
        }
        int code = 0;
        for (int i = VERSION_LENGTH + 1; i < VERSION_LENGTH + 4; i++) {
            if (!isDigit(line[i])) {
                return "malformed status code";
            }
            code = code * 10 + line[i] - '0';
        }
        int reasonStart = VERSION_LENGTH + 4;
        if (end > reasonStart && line[reasonStart] != ' ') {
            return "malformed status line";
        }
        status = code;
        reason = end > reasonStart ? latin1(line, reasonStart + 1, end) : "";
        return null;
    }

    @Override
    void resetStartLine() {
        status = 0;
        reason = null;
    }

    @Override
    ResponseHead buildHead(HeaderMap headers) {
        return new ResponseHead(status, reason, headers);
    }
}
