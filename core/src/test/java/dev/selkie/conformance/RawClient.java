package dev.selkie.conformance;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Base64;
import java.util.Random;

/**
 * A deliberately low-level WebSocket client for conformance tests: writes exactly the bytes a test
 * asks for (masked frames, broken frames, byte-at-a-time) and reads server frames strictly. Reads
 * are bounded by a socket timeout so every test ends by itself.
 */
final class RawClient implements AutoCloseable {
    /** A frame as the server sent it. */
    record Frame(boolean fin, int rsv, int opcode, byte[] payload) {
        String text() {
            return new String(payload, StandardCharsets.UTF_8);
        }

        int closeCode() {
            return payload.length >= 2 ? ((payload[0] & 0xFF) << 8) | (payload[1] & 0xFF) : 1005;
        }
    }

    private static final Random RANDOM = new Random(6455);

    private final Socket socket;
    private final DataInputStream in;
    private final OutputStream out;

    private RawClient(Socket socket) throws IOException {
        this.socket = socket;
        this.in = new DataInputStream(new java.io.BufferedInputStream(socket.getInputStream(), 1 << 16));
        this.out = socket.getOutputStream();
    }

    /** Connects and completes the opening handshake, asserting the 101 answer. */
    static RawClient connect(int port) throws IOException {
        Socket socket = new Socket();
        socket.setTcpNoDelay(true);
        socket.setSoTimeout(10_000);
        socket.connect(new InetSocketAddress("127.0.0.1", port), 5_000);
        RawClient client = new RawClient(socket);
        client.handshake(port);
        return client;
    }

    private void handshake(int port) throws IOException {
        byte[] nonce = new byte[16];
        RANDOM.nextBytes(nonce);
        String key = Base64.getEncoder().encodeToString(nonce);
        String request = "GET / HTTP/1.1\r\nHost: 127.0.0.1:" + port + "\r\nUpgrade: websocket\r\n"
                + "Connection: Upgrade\r\nSec-WebSocket-Key: " + key + "\r\nSec-WebSocket-Version: 13\r\n\r\n";
        out.write(request.getBytes(StandardCharsets.US_ASCII));
        out.flush();
        String head = readHead();
        assertTrue(head.startsWith("HTTP/1.1 101 "), head);
        assertTrue(head.contains("\r\nSec-WebSocket-Accept: " + accept(key) + "\r\n"), head);
    }

    private String readHead() throws IOException {
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        while (buf.size() < 8192) {
            int b = in.read();
            if (b < 0) {
                throw new EOFException("connection closed during handshake: " + buf);
            }
            buf.write(b);
            byte[] a = buf.toByteArray();
            int n = a.length;
            if (n >= 4 && a[n - 4] == '\r' && a[n - 3] == '\n' && a[n - 2] == '\r' && a[n - 1] == '\n') {
                return buf.toString(StandardCharsets.ISO_8859_1);
            }
        }
        throw new IOException("handshake response too long");
    }

    static String accept(String key) {
        try {
            MessageDigest sha1 = MessageDigest.getInstance("SHA-1");
            byte[] digest = sha1.digest((key + "258EAFA5-E914-47DA-95CA-C5AB0DC85B11")
                    .getBytes(StandardCharsets.US_ASCII));
            return Base64.getEncoder().encodeToString(digest);
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new AssertionError(e);
        }
    }

    /** Encodes one masked client frame. */
    static byte[] frame(boolean fin, int rsv, int opcode, byte[] payload) {
        ByteArrayOutputStream f = new ByteArrayOutputStream(payload.length + 14);
        f.write((fin ? 0x80 : 0) | (rsv << 4) | opcode);
        int len = payload.length;
        if (len < 126) {
            f.write(0x80 | len);
        } else if (len < 65536) {
            f.write(0x80 | 126);
            f.write(len >>> 8);
            f.write(len);
        } else {
            f.write(0x80 | 127);
            for (int shift = 56; shift >= 0; shift -= 8) {
                f.write((int) ((long) len >>> shift));
            }
        }
        byte[] mask = new byte[4];
        RANDOM.nextBytes(mask);
        f.write(mask, 0, 4);
        byte[] masked = new byte[len];
        for (int i = 0; i < len; i++) {
            masked[i] = (byte) (payload[i] ^ mask[i & 3]);
        }
        f.write(masked, 0, len);
        return f.toByteArray();
    }

    static byte[] closePayload(int code, String reason) {
        byte[] r = reason.getBytes(StandardCharsets.UTF_8);
        byte[] p = new byte[2 + r.length];
        p[0] = (byte) (code >>> 8);
        p[1] = (byte) code;
        System.arraycopy(r, 0, p, 2, r.length);
        return p;
    }

    void send(boolean fin, int opcode, byte[] payload) throws IOException {
        sendRaw(frame(fin, 0, opcode, payload));
    }

    void sendText(String text) throws IOException {
        send(true, 1, text.getBytes(StandardCharsets.UTF_8));
    }

    void sendRaw(byte[] bytes) throws IOException {
        out.write(bytes);
        out.flush();
    }

    /** Writes every byte in its own write call (and TCP segment, with TCP_NODELAY). */
    void sendBytewise(byte[] bytes) throws IOException {
        for (byte b : bytes) {
            out.write(b);
            out.flush();
        }
    }

    /** Reads the next frame, asserting the server never masks and never sends a frame over limits. */
    Frame read() throws IOException {
        int b0 = in.readUnsignedByte();
        int b1 = in.readUnsignedByte();
        assertEquals(0, b1 & 0x80, "server frames must not be masked");
        long len = b1 & 0x7F;
        if (len == 126) {
            len = in.readUnsignedShort();
            assertTrue(len >= 126, "non-minimal 16-bit length from server");
        } else if (len == 127) {
            len = in.readLong();
            assertTrue(len >= 65536, "non-minimal 64-bit length from server");
        }
        int opcode = b0 & 0x0F;
        if (opcode >= 8) {
            assertTrue(len <= 125, "control frame longer than 125");
            assertTrue((b0 & 0x80) != 0, "fragmented control frame");
        }
        assertTrue(len <= Integer.MAX_VALUE - 16, "absurd length from server");
        byte[] payload = new byte[(int) len];
        in.readFully(payload);
        return new Frame((b0 & 0x80) != 0, (b0 >>> 4) & 7, opcode, payload);
    }

    /** Reads a whole data message (reassembling fragments), skipping nothing. */
    Frame readMessage() throws IOException {
        Frame first = read();
        if (first.fin() || first.opcode() >= 8) {
            return first;
        }
        ByteArrayOutputStream all = new ByteArrayOutputStream();
        all.writeBytes(first.payload());
        Frame next;
        do {
            next = read();
            assertEquals(0, next.opcode(), "expected a continuation");
            all.writeBytes(next.payload());
        } while (!next.fin());
        return new Frame(true, 0, first.opcode(), all.toByteArray());
    }

    /**
     * Expects the server's close frame with {@code code} (as the next frame, or after echoes of
     * data that arrived before the violation when {@code skipData}), then the server closing TCP.
     */
    void expectClose(int code) throws IOException {
        Frame f = read();
        assertEquals(8, f.opcode(), "expected a close frame, got opcode " + f.opcode());
        assertEquals(code, f.closeCode(), "close code");
        if (f.payload().length > 2) {
            // the reason must be valid UTF-8
            StandardCharsets.UTF_8.newDecoder().decode(java.nio.ByteBuffer.wrap(f.payload(), 2, f.payload().length - 2));
        }
        expectTcpClosed();
    }

    /** Expects the server to close the TCP connection (EOF) without sending anything more. */
    void expectTcpClosed() throws IOException {
        try {
            int b = in.read();
            if (b >= 0) {
                fail("expected EOF, got more data: first byte " + b);
            }
        } catch (java.net.SocketException e) {
            // reset by the server after it closed: also a closed connection
        } catch (SocketTimeoutException e) {
            fail("server did not close the TCP connection");
        }
    }

    void shutdownOutput() throws IOException {
        socket.shutdownOutput();
    }

    InputStream input() {
        return in;
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
