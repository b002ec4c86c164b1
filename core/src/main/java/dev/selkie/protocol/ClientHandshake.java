package dev.selkie.protocol;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * The client side of the RFC 6455 opening handshake (section 4.1): the upgrade request with a
 * fresh key, and the checks of the server's answer (101, {@code Upgrade}, {@code Connection},
 * {@code Sec-WebSocket-Accept}, and a subprotocol and extensions the client offered). Sans-I/O: the
 * caller supplies the key's 16 random bytes and sends and receives the bytes itself.
 */
public final class ClientHandshake {
    private final String key;
    private final List<String> subprotocols;
    private final List<ExtensionOffer> offers;
    private final byte[] request;

    /**
     * @param host the {@code Host} header's value, e.g. {@code 127.0.0.1:9001}
     * @param target the request target, e.g. {@code /chat?room=a}
     * @param nonce 16 bytes from a strong source of randomness (RFC 6455 section 4.1: a fresh nonce
     *     per connection); the key is their base64
     * @param subprotocols subprotocols to offer, in order of preference (may be empty)
     * @param offers extensions to offer (may be empty)
     * @param extraHeaders further header lines without CRLF, e.g. {@code Origin: http://example.com}
     */
    public ClientHandshake(String host, String target, byte[] nonce, List<String> subprotocols,
                           List<ExtensionOffer> offers, List<String> extraHeaders) {
        if (nonce.length != 16) {
            throw new IllegalArgumentException("the nonce must be 16 bytes: " + nonce.length);
        }
        this.key = Base64.getEncoder().encodeToString(nonce);
        this.subprotocols = List.copyOf(subprotocols);
        this.offers = List.copyOf(offers);
        StringBuilder sb = new StringBuilder(256)
                .append("GET ").append(Objects.requireNonNull(target, "target")).append(" HTTP/1.1\r\n")
                .append("Host: ").append(Objects.requireNonNull(host, "host")).append("\r\n")
                .append("Upgrade: websocket\r\n")
                .append("Connection: Upgrade\r\n")
                .append("Sec-WebSocket-Key: ").append(key).append("\r\n")
                .append("Sec-WebSocket-Version: ").append(Handshake.VERSION).append("\r\n");
        if (!this.subprotocols.isEmpty()) {
            sb.append("Sec-WebSocket-Protocol: ").append(String.join(", ", this.subprotocols)).append("\r\n");
        }
        if (!this.offers.isEmpty()) {
            sb.append("Sec-WebSocket-Extensions: ");
            for (int i = 0; i < this.offers.size(); i++) {
                sb.append(i == 0 ? "" : ", ").append(this.offers.get(i));
            }
            sb.append("\r\n");
        }
        for (String header : extraHeaders) {
            sb.append(header).append("\r\n");
        }
        this.request = sb.append("\r\n").toString().getBytes(StandardCharsets.ISO_8859_1);
    }

    /** The request to send. */
    public ByteBuffer request() {
        return ByteBuffer.wrap(request).asReadOnlyBuffer();
    }

    /** The {@code Sec-WebSocket-Key} sent. */
    public String key() {
        return key;
    }

    /**
     * What the server answered.
     *
     * @param error null if the upgrade succeeded, else why the client must fail the connection
     * @param subprotocol the subprotocol the server chose, or null
     * @param extensions the extensions the server accepted, in its order (each one the client offered)
     */
    public record Outcome(String error, String subprotocol, List<ExtensionOffer> extensions) {
        /** Whether the connection is open. */
        public boolean upgraded() {
            return error == null;
        }
    }

    /** Checks the server's response head (RFC 6455 section 4.1, the client's checks 1-6). */
    public Outcome check(ResponseHead head) {
        HeaderMap headers = head.headers();
        if (head.status() != 101) {
            return failed("the server answered " + head.status() + " " + head.reason());
        }
        if (!headers.hasToken("upgrade", "websocket")) {
            return failed("no Upgrade: websocket in the answer");
        }
        if (!headers.hasToken("connection", "upgrade")) {
            return failed("no Connection: Upgrade in the answer");
        }
        String accept = headers.first("sec-websocket-accept");
        if (headers.count("sec-websocket-accept") != 1 || !Handshake.acceptKey(key).equals(accept)) {
            return failed("wrong Sec-WebSocket-Accept: " + accept);
        }
        List<String> protocols = headers.tokens("sec-websocket-protocol");
        String subprotocol = null;
        if (!protocols.isEmpty()) {
            if (protocols.size() > 1 || !subprotocols.contains(protocols.get(0))) {
                return failed("the server chose a subprotocol that was not offered: " + protocols);
            }
            subprotocol = protocols.get(0);
        }
        List<ExtensionOffer> accepted;
        try {
            accepted = ExtensionsHeader.parse(headers.all("sec-websocket-extensions"));
        } catch (IllegalArgumentException e) {
            return failed(e.getMessage());
        }
        List<String> names = new ArrayList<>();
        for (ExtensionOffer extension : accepted) {
            String name = extension.name().toLowerCase(Locale.ROOT);
            if (names.contains(name) || offers.stream().noneMatch(o -> o.is(name))) {
                return failed("the server accepted an extension that was not offered: " + extension);
            }
            names.add(name);
        }
        return new Outcome(null, subprotocol, List.copyOf(accepted));
    }

    private static Outcome failed(String error) {
        return new Outcome(error, null, List.of());
    }
}
