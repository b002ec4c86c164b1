package dev.selkie.server;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLEngineResult;
import javax.net.ssl.SSLEngineResult.HandshakeStatus;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLParameters;

/**
 * The client's end of a TLS connection in memory, for the socketless TLS tests: a client {@link
 * SSLEngine} that turns application bytes into records for the server and the server's records
 * back into application bytes, running its own delegated tasks at once.
 */
final class TlsClientEnd {
    final SSLEngine engine;
    private ByteBuffer fromServer = ByteBuffer.allocate(0);

    TlsClientEnd(SSLContext context, String serverName, String... protocols) {
        engine = context.createSSLEngine(serverName, 443);
        engine.setUseClientMode(true);
        if (protocols.length > 0) {
            engine.setEnabledProtocols(protocols);
        }
        SSLParameters parameters = engine.getSSLParameters();
        parameters.setEndpointIdentificationAlgorithm("HTTPS"); // the certificate must name the host
        engine.setSSLParameters(parameters);
    }

    /** What the engine wants to send now (handshake flights, alerts, close_notify), plus {@code app} wrapped. */
    byte[] wrap(byte[] app) throws SSLException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteBuffer src = ByteBuffer.wrap(app);
        ByteBuffer dst = ByteBuffer.allocate(engine.getSession().getPacketBufferSize());
        for (int i = 0; i < 10_000; i++) {
            runTasks();
            boolean wantsWrap = engine.getHandshakeStatus() == HandshakeStatus.NEED_WRAP;
            boolean handshaking = engine.getHandshakeStatus() != HandshakeStatus.NOT_HANDSHAKING;
            if (!wantsWrap && (!src.hasRemaining() || handshaking)) {
                break;
            }
            dst.clear();
            SSLEngineResult result = engine.wrap(src, dst);
            out.write(dst.array(), 0, dst.position());
            if (result.getStatus() == SSLEngineResult.Status.CLOSED) {
                break;
            }
        }
        return out.toByteArray();
    }

    /** Decrypts what the server sent (kept until whole records are there); returns the application bytes. */
    byte[] unwrap(byte[] records) throws SSLException {
        ByteBuffer all = ByteBuffer.allocate(fromServer.remaining() + records.length);
        all.put(fromServer).put(records).flip();
        ByteArrayOutputStream app = new ByteArrayOutputStream();
        ByteBuffer dst = ByteBuffer.allocate(engine.getSession().getApplicationBufferSize());
        for (int i = 0; i < 10_000 && all.hasRemaining(); i++) {
            dst.clear();
            SSLEngineResult result = engine.unwrap(all, dst);
            app.write(dst.array(), 0, dst.position());
            runTasks();
            if (result.getStatus() == SSLEngineResult.Status.BUFFER_UNDERFLOW
                    || result.getStatus() == SSLEngineResult.Status.CLOSED) {
                break;
            }
        }
        fromServer = ByteBuffer.allocate(all.remaining()).put(all).flip();
        return app.toByteArray();
    }

    boolean handshakeDone() {
        HandshakeStatus status = engine.getHandshakeStatus();
        return status == HandshakeStatus.NOT_HANDSHAKING && !engine.isOutboundDone();
    }

    private void runTasks() {
        for (Runnable task; (task = engine.getDelegatedTask()) != null; ) {
            task.run();
        }
    }

    /** The TLS records in {@code bytes}, each whole (5-byte header + length). */
    static List<byte[]> records(byte[] bytes) {
        List<byte[]> records = new ArrayList<>();
        int at = 0;
        while (at + 5 <= bytes.length) {
            int length = ((bytes[at + 3] & 0xFF) << 8) | (bytes[at + 4] & 0xFF);
            int end = Math.min(bytes.length, at + 5 + length);
            records.add(java.util.Arrays.copyOfRange(bytes, at, end));
            at = end;
        }
        if (at < bytes.length) {
            records.add(java.util.Arrays.copyOfRange(bytes, at, bytes.length));
        }
        return records;
    }

    /** {@code bytes} cut as the test wants them delivered. */
    enum Split {
        WHOLE, RECORDS, RANDOM, BYTES;

        List<byte[]> apply(byte[] bytes, Random random) {
            List<byte[]> parts = new ArrayList<>();
            switch (this) {
                case WHOLE -> parts.add(bytes);
                case RECORDS -> parts.addAll(records(bytes));
                case RANDOM, BYTES -> {
                    int at = 0;
                    while (at < bytes.length) {
                        int n = this == BYTES ? 1 : 1 + random.nextInt(Math.min(700, bytes.length - at));
                        n = Math.min(n, bytes.length - at);
                        parts.add(java.util.Arrays.copyOfRange(bytes, at, at + n));
                        at += n;
                    }
                }
            }
            return parts;
        }
    }
}
