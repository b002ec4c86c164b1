package dev.selkie.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.selkie.protocol.ClientFrames;
import dev.selkie.protocol.ClientHandshake;
import dev.selkie.protocol.ExtensionOffer;
import dev.selkie.protocol.ExtensionsHeader;
import dev.selkie.protocol.HttpResponseParser;
import dev.selkie.protocol.Opcode;
import dev.selkie.protocol.ServerFrames;
import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.Closeable;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.Base64;
import java.util.List;

/**
 * The tests' one raw-socket WebSocket client, built on the protocol core's client role: the
 * opening handshake is {@link ClientHandshake}'s (its request, and its checks of the 101), and
 * server frames are decoded by {@link ServerFrames} (the core's frame decoder in the client role,
 * with the shortest-length check). It writes exactly the bytes a test asks for (masked frames,
 * broken frames, byte-at-a-time, raw HTTP), and every read is bounded by a socket timeout, so every
 * test ends by itself.
 */
public final class RawClient implements Closeable {
    /** The key of RFC 6455's example handshake, used by every request this client writes. */
    public static final String KEY = "dGhlIHNhbXBsZSBub25jZQ==";
    /** Its accept key. */
    public static final String ACCEPT = "s3pPLMBiTxaQ9kYGzzhZRbK+xOo=";

    /** The socket, for options and local ports. */
    public final Socket socket;
    private final InputStream in;
    private final OutputStream out;
    private ServerFrames.Reader frames = new ServerFrames.Reader(0);
    private final ArrayDeque<ServerFrames.Frame> decoded = new ArrayDeque<>();
    /** The extensions the server accepted (an upgrade through {@link #openOffering}). */
    private List<ExtensionOffer> accepted = List.of();

    public RawClient(int port) throws IOException {
        this(port, 10_000);
    }

    public RawClient(int port, int readTimeoutMillis) throws IOException {
        this(port, readTimeoutMillis, 0);
    }

    /** @param receiveBuffer SO_RCVBUF to set before connecting (a small one makes a slow reader); 0 for the default */
    public RawClient(int port, int readTimeoutMillis, int receiveBuffer) throws IOException {
        this(plainSocket(port, readTimeoutMillis, receiveBuffer));
    }

    /** A client of {@code address} (e.g. {@code [::1]:port}), connected, not yet upgraded. */
    public static RawClient to(InetSocketAddress address) throws IOException {
        Socket s = new Socket();
        s.setTcpNoDelay(true);
        s.connect(address, 10_000);
        s.setSoTimeout(10_000);
        return new RawClient(s);
    }

    private RawClient(Socket connected) throws IOException {
        socket = connected;
        in = new BufferedInputStream(socket.getInputStream(), 1 << 16);
        out = socket.getOutputStream();
    }

    private static Socket plainSocket(int port, int readTimeoutMillis, int receiveBuffer) throws IOException {
        Socket s = new Socket();
        if (receiveBuffer > 0) {
            s.setReceiveBufferSize(receiveBuffer);
        }
        s.setTcpNoDelay(true);
        s.connect(new InetSocketAddress("127.0.0.1", port), 10_000);
        s.setSoTimeout(readTimeoutMillis);
        return s;
    }

    /**
     * A client over TLS to 127.0.0.1 (server name {@code localhost}), handshaken, not yet upgraded;
     * {@code context} must trust the server's certificate.
     */
    public static RawClient tls(int port, javax.net.ssl.SSLContext context) throws IOException {
        return tls(port, context, new byte[0]);
    }

    /** The same, writing {@code beforeTls} (a PROXY header, say) on the TCP connection first. */
    public static RawClient tls(int port, javax.net.ssl.SSLContext context, byte[] beforeTls) throws IOException {
        Socket tcp = plainSocket(port, 10_000, 0);
        tcp.getOutputStream().write(beforeTls);
        javax.net.ssl.SSLSocket s = (javax.net.ssl.SSLSocket) context.getSocketFactory()
                .createSocket(tcp, "localhost", port, true);
        javax.net.ssl.SSLParameters parameters = s.getSSLParameters();
        parameters.setEndpointIdentificationAlgorithm("HTTPS");
        s.setSSLParameters(parameters);
        s.startHandshake();
        return new RawClient(s);
    }

    private static ClientHandshake handshake(String path, String... extraHeaders) {
        return handshake(path, List.of(), extraHeaders);
    }

    private static ClientHandshake handshake(String path, List<ExtensionOffer> offers, String... extraHeaders) {
        return new ClientHandshake("localhost", path, Base64.getDecoder().decode(KEY), List.of(), offers,
                List.of(extraHeaders));
    }

    /** An upgrade request for {@code path} with extra header lines (each without CRLF), as {@link ClientHandshake} writes it. */
    public static String upgradeRequest(String path, String... extraHeaders) {
        ByteBuffer request = handshake(path, extraHeaders).request();
        byte[] bytes = new byte[request.remaining()];
        request.get(bytes);
        return new String(bytes, StandardCharsets.ISO_8859_1);
    }

    /** Connects, upgrades, and checks the 101. */
    public static RawClient open(int port, String... extraHeaders) throws IOException {
        return open(new RawClient(port), extraHeaders);
    }

    /** Connects and upgrades (the conformance suite's name for {@link #open(int, String...)}). */
    public static RawClient connect(int port) throws IOException {
        return open(port);
    }

    /**
     * Connects and upgrades offering these extensions ({@code Sec-WebSocket-Extensions} syntax, e.g.
     * {@code permessage-deflate; client_max_window_bits}); {@link #accepted()} tells what the server
     * accepted, and server frames may then carry RSV1.
     */
    public static RawClient openOffering(int port, String extensionOffers) throws IOException {
        return openOffering(new RawClient(port), extensionOffers);
    }

    /** The same over an unconnected client (e.g. one of {@link #tls}). */
    public static RawClient openOffering(RawClient client, String extensionOffers) throws IOException {
        List<ExtensionOffer> offers = ExtensionsHeader.parse(List.of(extensionOffers));
        ClientHandshake handshake = handshake("/", offers);
        ByteBuffer request = handshake.request();
        byte[] bytes = new byte[request.remaining()];
        request.get(bytes);
        client.write(bytes);
        client.accepted = client.checkUpgrade(handshake).extensions();
        client.frames = new ServerFrames.Reader(client.accepted.isEmpty() ? 0 : 0x40);
        return client;
    }

    /** The extensions the server accepted, in its answer's order. */
    public List<ExtensionOffer> accepted() {
        return accepted;
    }

    /** Upgrades an unconnected client and checks the 101 as a client must (RFC 6455 section 4.1). */
    public static RawClient open(RawClient client, String... extraHeaders) throws IOException {
        client.write(upgradeRequest("/", extraHeaders));
        client.checkUpgrade(handshake("/", extraHeaders));
        return client;
    }

    private ClientHandshake.Outcome checkUpgrade(ClientHandshake handshake) throws IOException {
        String head = readHead();
        HttpResponseParser parser = new HttpResponseParser(16 << 10, 100);
        ByteBuffer bytes = ByteBuffer.wrap(head.getBytes(StandardCharsets.ISO_8859_1));
        assertEquals(HttpResponseParser.Status.DONE, parser.feed(bytes), head);
        ClientHandshake.Outcome outcome = handshake.check(parser.head());
        assertTrue(outcome.upgraded(), outcome.error() + ": " + head);
        return outcome;
    }

    public RawClient write(String ascii) throws IOException {
        return write(ascii.getBytes(StandardCharsets.UTF_8));
    }

    public RawClient write(byte[] bytes) throws IOException {
        out.write(bytes);
        out.flush();
        return this;
    }

    /** Writes in pieces of {@code chunk} bytes, one write call each. */
    public RawClient writeSplit(byte[] bytes, int chunk) throws IOException {
        for (int i = 0; i < bytes.length; i += chunk) {
            out.write(bytes, i, Math.min(chunk, bytes.length - i));
            out.flush();
        }
        return this;
    }

    /** Writes every byte in its own write call (and TCP segment, with TCP_NODELAY). */
    public void sendBytewise(byte[] bytes) throws IOException {
        writeSplit(bytes, 1);
    }

    public RawClient sendText(String text) throws IOException {
        return write(ClientFrames.frame(Opcode.TEXT).payload(text).build());
    }

    /**
     * Sends one message compressed (RSV1 on the first frame), in frames of at most {@code fragmentSize}
     * payload bytes (0: one frame).
     */
    public void sendCompressed(int opcode, byte[] compressed, int fragmentSize) throws IOException {
        int size = fragmentSize <= 0 ? Math.max(1, compressed.length) : fragmentSize;
        ByteArrayOutputStream all = new ByteArrayOutputStream(compressed.length + 64);
        int done = 0;
        do {
            int n = Math.min(size, compressed.length - done);
            boolean last = done + n == compressed.length;
            all.writeBytes(frame(last, done == 0 ? 4 : 0, done == 0 ? opcode : Opcode.CONTINUATION,
                    java.util.Arrays.copyOfRange(compressed, done, done + n)));
            done += n;
        } while (done < compressed.length);
        write(all.toByteArray());
    }

    /** Sends one masked frame. */
    public void send(boolean fin, int opcode, byte[] payload) throws IOException {
        write(frame(fin, 0, opcode, payload));
    }

    public void sendRaw(byte[] bytes) throws IOException {
        write(bytes);
    }

    private static final java.util.Random MASKS = new java.util.Random(6455);

    /** One masked client frame; {@code rsv} is the three RSV bits as a number (4: RSV1). */
    public static byte[] frame(boolean fin, int rsv, int opcode, byte[] payload) {
        int key;
        synchronized (MASKS) {
            key = MASKS.nextInt();
        }
        return ClientFrames.frame(opcode).fin(fin).rsv(rsv << 4).payload(payload).mask(key).build();
    }

    /** The payload of a close frame. */
    public static byte[] closePayload(int code, String reason) {
        byte[] r = reason.getBytes(StandardCharsets.UTF_8);
        byte[] p = new byte[2 + r.length];
        p[0] = (byte) (code >>> 8);
        p[1] = (byte) code;
        System.arraycopy(r, 0, p, 2, r.length);
        return p;
    }

    /** Reads an HTTP response head up to and including the blank line. */
    public String readHead() throws IOException {
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        int matched = 0;
        while (matched < 4) {
            int b = in.read();
            if (b < 0) {
                throw new EOFException("EOF in response head: " + head);
            }
            head.write(b);
            matched = (b == '\r' && (matched == 0 || matched == 2)) || (b == '\n' && (matched == 1 || matched == 3))
                    ? matched + 1 : (b == '\r' ? 1 : 0);
            if (head.size() > 64 << 10) {
                throw new IOException("response head too long");
            }
        }
        return head.toString(StandardCharsets.ISO_8859_1);
    }

    /** Reads a whole HTTP response (head + Content-Length body). */
    public HttpReply readResponse() throws IOException {
        String head = readHead();
        int status = Integer.parseInt(head.substring(9, 12));
        int length = 0;
        for (String line : head.split("\r\n")) {
            if (line.toLowerCase().startsWith("content-length:")) {
                length = Integer.parseInt(line.substring(15).trim());
            }
        }
        return new HttpReply(status, head, new String(in.readNBytes(length), StandardCharsets.UTF_8));
    }

    /** An HTTP response. */
    public record HttpReply(int status, String head, String body) {
    }

    /** Reads the next server frame. */
    public ServerFrames.Frame readFrame() throws IOException {
        byte[] buffer = new byte[4096];
        while (decoded.isEmpty()) {
            int available = Math.max(1, Math.min(buffer.length, in.available()));
            int n = in.read(buffer, 0, available);
            if (n < 0) {
                throw new EOFException(frames.inFrame() ? "EOF in a frame" : "EOF");
            }
            decoded.addAll(frames.feed(ByteBuffer.wrap(buffer, 0, n)));
        }
        return decoded.poll();
    }

    /** The conformance suite's name for {@link #readFrame()}. */
    public ServerFrames.Frame read() throws IOException {
        return readFrame();
    }

    /** Reads a whole data message (reassembling fragments; control frames come as they are). */
    public ServerFrames.Frame readMessage() throws IOException {
        ServerFrames.Frame first = readFrame();
        if (first.fin() || Opcode.isControl(first.opcode())) {
            return first;
        }
        ByteArrayOutputStream all = new ByteArrayOutputStream();
        all.writeBytes(first.payload());
        ServerFrames.Frame next;
        do {
            next = readFrame();
            assertEquals(Opcode.CONTINUATION, next.opcode(), "expected a continuation");
            all.writeBytes(next.payload());
        } while (!next.fin());
        return new ServerFrames.Frame(true, first.rsv(), first.opcode(), all.toByteArray());
    }

    /** Reads frames until a close frame; returns its code (1005 if none). */
    public int readCloseCode() throws IOException {
        while (true) {
            ServerFrames.Frame frame = readFrame();
            if (frame.opcode() == Opcode.CLOSE) {
                return frame.closeCode();
            }
        }
    }

    /** Expects the server's close frame with {@code code} as the next frame, then the server closing TCP. */
    public void expectClose(int code) throws IOException {
        ServerFrames.Frame f = readFrame();
        assertEquals(Opcode.CLOSE, f.opcode(), "expected a close frame, got opcode " + f.opcode());
        assertEquals(code, f.closeCode(), "close code");
        if (f.payload().length > 2) {
            // the reason must be valid UTF-8
            StandardCharsets.UTF_8.newDecoder().decode(ByteBuffer.wrap(f.payload(), 2, f.payload().length - 2));
        }
        expectTcpClosed();
    }

    /** Expects the server to close the TCP connection (EOF) without sending anything more. */
    public void expectTcpClosed() throws IOException {
        assertTrue(decoded.isEmpty() && !frames.inFrame(), "expected EOF, got more frames");
        try {
            int b = in.read();
            if (b >= 0) {
                fail("expected EOF, got more data: first byte " + b);
            }
        } catch (SocketException e) {
            // reset by the server after it closed: also a closed connection
        } catch (SocketTimeoutException e) {
            fail("server did not close the TCP connection");
        }
    }

    /** Whether the server closed the TCP connection (EOF or reset), reading and discarding what comes before. */
    public boolean closedByServer() throws IOException {
        try {
            byte[] buf = new byte[4096];
            while (true) {
                if (in.read(buf) < 0) {
                    return true;
                }
            }
        } catch (SocketException e) {
            return true; // reset
        }
    }

    public void shutdownOutput() throws IOException {
        socket.shutdownOutput();
    }

    public InputStream input() {
        return in;
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
