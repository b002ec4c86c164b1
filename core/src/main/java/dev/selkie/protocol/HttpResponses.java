package dev.selkie.protocol;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Objects;

/**
 * Encodes the HTTP responses a WebSocket server writes. The caller's header fields come as {@link
 * HeaderFields}, checked when they were made; values the encoder is given otherwise (subprotocol,
 * extensions, accept key) are checked by the same rule ({@link HeaderFields#checkValue}). A field
 * the encoder computes itself ({@link HeaderFields.Reserved}) among the caller's is refused with
 * {@link IllegalArgumentException}, never written twice.
 */
public final class HttpResponses {
    private static final String ACCEPT = "Sec-WebSocket-Accept";
    private static final String PROTOCOL = "Sec-WebSocket-Protocol";
    private static final String EXTENSIONS = "Sec-WebSocket-Extensions";
    private static final byte[] SWITCHING_PREFIX = ("HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\n"
            + "Connection: Upgrade\r\n" + ACCEPT + ": ").getBytes(StandardCharsets.US_ASCII);
    private static final HeaderFields VERSION_REQUIRED = HeaderFields.EMPTY
            .with("Sec-WebSocket-Version", Handshake.VERSION, HeaderFields.Reserved.FRAMING)
            .with("Upgrade", "websocket", HeaderFields.Reserved.FRAMING);
    private static final HeaderFields TEXT = HeaderFields.EMPTY
            .with("Content-Type", "text/plain; charset=utf-8", HeaderFields.Reserved.FRAMING);

    private HttpResponses() {
    }

    /**
     * {@code HTTP/1.1 101 Switching Protocols} with {@code Upgrade: websocket}, {@code Connection:
     * Upgrade}, {@code Sec-WebSocket-Accept}, and, when non-null, {@code Sec-WebSocket-Protocol}
     * and {@code Sec-WebSocket-Extensions}, then {@code extraHeaders} (may be null) in their order.
     *
     * @throws IllegalArgumentException if a value has CR, LF or another control character, or an
     *     extra header is one of {@link HeaderFields.Reserved#HANDSHAKE} (it would break the handshake)
     */
    public static ByteBuffer switchingProtocols(String acceptKey, String subprotocol, String extensions,
                                                HeaderFields extraHeaders) {
        HeaderFields.checkValue(ACCEPT, acceptKey);
        return switching(null, acceptKey, subprotocol, extensions, extraHeaders);
    }

    /**
     * The same response as {@link #switchingProtocols(String, String, String, HeaderFields)}, with the accept
     * key computed from {@code secWebSocketKey} (as {@link HandshakeCheck#key()} gives it) straight
     * into the response bytes with the caller's {@code scratch}: one array for the whole response.
     *
     * @throws IllegalArgumentException as the other variant
     */
    public static ByteBuffer switchingProtocols(HandshakeScratch scratch, String secWebSocketKey, String subprotocol,
                                                String extensions, HeaderFields extraHeaders) {
        return switching(Objects.requireNonNull(scratch, "scratch"), Objects.requireNonNull(secWebSocketKey,
                "secWebSocketKey"), subprotocol, extensions, extraHeaders);
    }

    /**
     * The length in bytes of the response {@link #writeSwitchingProtocols} writes with the same
     * arguments; checks the headers as {@link #switchingProtocols(String, String, String, HeaderFields)}.
     */
    public static int switchingProtocolsLength(String subprotocol, String extensions,
                                               HeaderFields extraHeaders) {
        return switchingLength(HandshakeScratch.ACCEPT_LENGTH, subprotocol, extensions, extraHeaders);
    }

    /**
     * Writes the response of {@link #switchingProtocols(HandshakeScratch, String, String, String,
     * HeaderFields)} into {@code out} from {@code offset}, where {@code length} bytes (as {@link
     * #switchingProtocolsLength} gave them for the same, unchanged, arguments) must be free. The key
     * is read from the headers of a request that passed {@link Handshake#check(RequestHead,
     * HandshakeScratch)}. For a server that writes the response straight into its output buffer:
     * neither the key nor the response gets an array or String of its own.
     *
     * @throws IllegalArgumentException if the response is not {@code length} bytes long or the
     *     headers have no valid key
     */
    public static void writeSwitchingProtocols(HandshakeScratch scratch, HeaderMap requestHeaders, String subprotocol,
                                               String extensions, HeaderFields extraHeaders, byte[] out,
                                               int offset, int length) {
        write(Objects.requireNonNull(scratch, "scratch"), null, Objects.requireNonNull(requestHeaders,
                "requestHeaders"), subprotocol, extensions, extraHeaders, out, offset, length);
    }

    /** Writes the 101 response; with a scratch {@code key} is the client's key, else the accept key. */
    private static ByteBuffer switching(HandshakeScratch scratch, String key, String subprotocol, String extensions,
                                        HeaderFields extraHeaders) {
        int size = switchingLength(scratch != null ? HandshakeScratch.ACCEPT_LENGTH : key.length(), subprotocol,
                extensions, extraHeaders);
        byte[] out = new byte[size];
        write(scratch, key, null, subprotocol, extensions, extraHeaders, out, 0, size);
        return ByteBuffer.wrap(out);
    }

    private static int switchingLength(int acceptLength, String subprotocol, String extensions,
                                       HeaderFields extraHeaders) {
        int size = SWITCHING_PREFIX.length + acceptLength + 2;
        if (subprotocol != null) {
            size += headerSize(PROTOCOL, subprotocol);
        }
        if (extensions != null) {
            size += headerSize(EXTENSIONS, extensions);
        }
        if (extraHeaders != null) {
            for (int i = 0; i < extraHeaders.fieldCount(); i++) {
                size += extraSize(extraHeaders, i, HeaderFields.Reserved.HANDSHAKE);
            }
        }
        return size + 2;
    }

    /**
     * Writes the response into {@code out[offset, offset + length)}, never outside it. With a
     * scratch, the accept key is computed from {@code key} or, if null, the request's headers.
     */
    private static void write(HandshakeScratch scratch, String key, HeaderMap requestHeaders, String subprotocol,
                              String extensions, HeaderFields extraHeaders, byte[] out, int offset,
                              int length) {
        int end = offset + length;
        int acceptLength = scratch != null ? HandshakeScratch.ACCEPT_LENGTH : key.length();
        if (offset < 0 || end > out.length) {
            throw new IndexOutOfBoundsException("no " + length + " bytes at " + offset + " in " + out.length);
        }
        int p = fits(offset, SWITCHING_PREFIX.length + acceptLength + 2, end);
        System.arraycopy(SWITCHING_PREFIX, 0, out, p, SWITCHING_PREFIX.length);
        p += SWITCHING_PREFIX.length;
        if (scratch != null) {
            if (key != null) {
                scratch.acceptKey(key, out, p);
            } else {
                scratch.acceptKey(requestHeaders, out, p);
            }
            p += HandshakeScratch.ACCEPT_LENGTH;
        } else {
            p = put(out, p, key);
        }
        out[p++] = '\r';
        out[p++] = '\n';
        if (subprotocol != null) {
            p = putHeader(out, fits(p, headerSize(PROTOCOL, subprotocol), end), PROTOCOL, subprotocol);
        }
        if (extensions != null) {
            p = putHeader(out, fits(p, headerSize(EXTENSIONS, extensions), end), EXTENSIONS, extensions);
        }
        if (extraHeaders != null) {
            for (int i = 0; i < extraHeaders.fieldCount(); i++) {
                p = putHeader(out, fits(p, extraSize(extraHeaders, i, HeaderFields.Reserved.HANDSHAKE), end),
                        extraHeaders.name(i), extraHeaders.value(i));
            }
        }
        if (p + 2 != end) {
            throw new IllegalArgumentException("the 101 response is " + (p + 2 - offset) + " bytes, not " + length
                    + " (did the extra headers change?)");
        }
        out[p++] = '\r';
        out[p] = '\n';
    }

    /** {@code p} if {@code n} more bytes and the final CRLF fit before {@code end}. */
    private static int fits(int p, int n, int end) {
        if (p + n + 2 > end) {
            throw new IllegalArgumentException(
                    "the 101 response does not fit the announced length (did the extra headers change?)");
        }
        return p;
    }

    private static int headerSize(String name, String value) {
        HeaderFields.checkValue(name, value);
        return name.length() + 2 + value.length() + 2;
    }

    /** The size of a caller's field (checked when it was made), refused if the encoder computes it. */
    private static int extraSize(HeaderFields fields, int i, HeaderFields.Reserved computed) {
        String name = fields.name(i);
        computed.check(name);
        return name.length() + 2 + fields.value(i).length() + 2;
    }

    private static int putHeader(byte[] out, int p, String name, String value) {
        p = put(out, p, name);
        out[p++] = ':';
        out[p++] = ' ';
        p = put(out, p, value);
        out[p++] = '\r';
        out[p++] = '\n';
        return p;
    }

    /** Copies a checked (Latin-1) string as bytes. */
    private static int put(byte[] out, int p, String s) {
        for (int i = 0; i < s.length(); i++) {
            out[p++] = (byte) s.charAt(i);
        }
        return p;
    }

    /**
     * A complete response with the standard reason phrase, the given headers in their order, {@code
     * Content-Length} and {@code Connection: close}. A 204 response has no {@code Content-Length}
     * (RFC 7230 section 3.3.2) and must have an empty body.
     *
     * @param status 200 to 599
     * @param headers extra headers, may be null
     * @param body the body, may be null for none
     * @throws IllegalArgumentException for a status outside 200-599, a body with 204, or one of
     *     {@link HeaderFields.Reserved#FRAMING} among the headers
     */
    public static ByteBuffer response(int status, HeaderFields headers, byte[] body) {
        if (status < 200 || status > 599) {
            throw new IllegalArgumentException("status must be 200-599: " + status);
        }
        byte[] content = body == null ? new byte[0] : body;
        if (status == 204 && content.length > 0) {
            throw new IllegalArgumentException("a 204 response has no body");
        }
        StringBuilder sb = new StringBuilder(128);
        sb.append("HTTP/1.1 ").append(status).append(' ').append(reasonPhrase(status)).append("\r\n");
        if (headers != null) {
            for (int i = 0; i < headers.fieldCount(); i++) {
                extraSize(headers, i, HeaderFields.Reserved.FRAMING);
                header(sb, headers.name(i), headers.value(i));
            }
        }
        if (status != 204) {
            header(sb, "Content-Length", Integer.toString(content.length));
        }
        header(sb, "Connection", "close");
        sb.append("\r\n");
        byte[] head = sb.toString().getBytes(StandardCharsets.ISO_8859_1);
        ByteBuffer out = ByteBuffer.allocate(head.length + content.length);
        out.put(head).put(content).flip();
        return out;
    }

    /**
     * A {@code text/plain; charset=utf-8} error response whose body is {@code reason} and a line
     * feed: the answer to a request head the {@link HttpRequestParser} refused (400, 431).
     *
     * @param status 400 to 599
     */
    public static ByteBuffer textError(int status, String reason) {
        return textError(status, reason, null);
    }

    /**
     * The answer to an upgrade request {@link Handshake#check} rejected: its status, its reason as
     * a text body and, for 426, {@code Sec-WebSocket-Version: 13} (RFC 6455 section 4.4) and {@code
     * Upgrade: websocket} (which RFC 7231 section 6.5.15 requires of every 426).
     *
     * @throws IllegalArgumentException if the check is not a {@link HandshakeCheck.Kind#REJECT}
     */
    public static ByteBuffer handshakeRejection(HandshakeCheck check) {
        if (check.kind() != HandshakeCheck.Kind.REJECT) {
            throw new IllegalArgumentException("not a rejection: " + check.kind());
        }
        return textError(check.status(), check.reason(), check.status() == 426 ? VERSION_REQUIRED : null);
    }

    private static ByteBuffer textError(int status, String reason, HeaderFields extra) {
        if (status < 400 || status > 599) {
            throw new IllegalArgumentException("not an error status: " + status);
        }
        HeaderFields headers = TEXT;
        if (extra != null) {
            for (int i = 0; i < extra.fieldCount(); i++) {
                headers = headers.with(extra.name(i), extra.value(i), HeaderFields.Reserved.FRAMING);
            }
        }
        String body = (reason == null ? reasonPhrase(status) : reason) + "\n";
        return response(status, headers, body.getBytes(StandardCharsets.UTF_8));
    }

    /** The standard reason phrase of {@code status} (RFC 9110 section 15), or the empty string. */
    public static String reasonPhrase(int status) {
        switch (status) {
            case 100: return "Continue";
            case 101: return "Switching Protocols";
            case 200: return "OK";
            case 201: return "Created";
            case 202: return "Accepted";
            case 203: return "Non-Authoritative Information";
            case 204: return "No Content";
            case 205: return "Reset Content";
            case 206: return "Partial Content";
            case 300: return "Multiple Choices";
            case 301: return "Moved Permanently";
            case 302: return "Found";
            case 303: return "See Other";
            case 304: return "Not Modified";
            case 307: return "Temporary Redirect";
            case 308: return "Permanent Redirect";
            case 400: return "Bad Request";
            case 401: return "Unauthorized";
            case 402: return "Payment Required";
            case 403: return "Forbidden";
            case 404: return "Not Found";
            case 405: return "Method Not Allowed";
            case 406: return "Not Acceptable";
            case 407: return "Proxy Authentication Required";
            case 408: return "Request Timeout";
            case 409: return "Conflict";
            case 410: return "Gone";
            case 411: return "Length Required";
            case 412: return "Precondition Failed";
            case 413: return "Payload Too Large";
            case 414: return "URI Too Long";
            case 415: return "Unsupported Media Type";
            case 416: return "Range Not Satisfiable";
            case 417: return "Expectation Failed";
            case 421: return "Misdirected Request";
            case 422: return "Unprocessable Entity";
            case 426: return "Upgrade Required";
            case 428: return "Precondition Required";
            case 429: return "Too Many Requests";
            case 431: return "Request Header Fields Too Large";
            case 500: return "Internal Server Error";
            case 501: return "Not Implemented";
            case 502: return "Bad Gateway";
            case 503: return "Service Unavailable";
            case 504: return "Gateway Timeout";
            case 505: return "HTTP Version Not Supported";
            default: return "";
        }
    }

    private static void header(StringBuilder sb, String name, String value) {
        sb.append(name).append(": ").append(value).append("\r\n");
    }
}
