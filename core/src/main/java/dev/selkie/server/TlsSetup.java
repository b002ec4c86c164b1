package dev.selkie.server;

import dev.selkie.Tls;
import java.nio.ByteBuffer;
import java.security.cert.Certificate;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import javax.net.ssl.ExtendedSSLSession;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SNIServerName;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLEngineResult.HandshakeStatus;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSession;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509TrustManager;

/**
 * A server's TLS: the current {@link Tls} (replaceable while running: connections accepted after
 * the swap use the new one), engines made from it for accepted connections, and the small
 * bounded executor that runs the engines' delegated tasks off the event loops (its threads end
 * when idle and when the server stops). Before a {@link Tls} is used, {@link #check} makes one
 * handshake with it in memory, so that a context that cannot serve fails at start, not at the
 * first client. Thread-safe.
 */
final class TlsSetup implements AutoCloseable {
    private static final int MAX_QUEUED_TASKS = 4096;

    private volatile Tls tls;
    private final ThreadPoolExecutor tasks;

    TlsSetup(Tls tls, int threads) {
        this.tls = tls;
        AtomicInteger count = new AtomicInteger();
        this.tasks = new ThreadPoolExecutor(threads, threads, 30, TimeUnit.SECONDS,
                new ArrayBlockingQueue<>(MAX_QUEUED_TASKS), r -> {
                    Thread t = new Thread(r, "selkie-tls-" + count.getAndIncrement());
                    t.setDaemon(true);
                    return t;
                });
        this.tasks.allowCoreThreadTimeOut(true);
    }

    /** A server engine for a new connection. */
    SSLEngine newEngine() {
        return engine(tls);
    }

    private static SSLEngine engine(Tls tls) {
        SSLEngine engine = tls.context().createSSLEngine();
        engine.setUseClientMode(false);
        engine.setEnabledProtocols(tls.protocols().toArray(String[]::new));
        if (!tls.cipherSuites().isEmpty()) {
            engine.setEnabledCipherSuites(tls.cipherSuites().toArray(String[]::new));
        } else {
            engine.setEnabledCipherSuites(aes128First(engine.getEnabledCipherSuites()));
        }
        SSLParameters parameters = engine.getSSLParameters();
        parameters.setUseCipherSuitesOrder(true); // the server's order decides, not the client's
        engine.setSSLParameters(parameters);
        return engine;
    }

    /**
     * The provider's default suites with each AES-256-GCM suite and its AES-128-GCM counterpart
     * swapped when the 256-bit one comes first (the JDK's order): AES-128-GCM is as safe for this use
     * and costs fewer AES rounds per record, which is why Netty, Go and BoringSSL put it first.
     */
    static String[] aes128First(String[] suites) {
        String[] ordered = suites.clone();
        java.util.List<String> names = java.util.Arrays.asList(ordered);
        for (int i = 0; i < ordered.length; i++) {
            if (ordered[i].endsWith("AES_256_GCM_SHA384")) {
                int j = names.indexOf(ordered[i].replace("AES_256_GCM_SHA384", "AES_128_GCM_SHA256"));
                if (j > i) {
                    String aes128 = ordered[j];
                    ordered[j] = ordered[i];
                    ordered[i] = aes128;
                }
            }
        }
        return ordered;
    }

    /** The host name the client asked for (SNI), or null. */
    static String requestedServerName(SSLSession session) {
        if (session instanceof ExtendedSSLSession extended) {
            for (SNIServerName name : extended.getRequestedServerNames()) {
                if (name instanceof SNIHostName host) {
                    return host.getAsciiName();
                }
            }
        }
        return null;
    }

    /** Where delegated tasks run. */
    Executor tasks() {
        return tasks;
    }

    Tls tls() {
        return tls;
    }

    /** Checks {@code next} and then uses it for connections accepted from now on. */
    void replace(Tls next) {
        check(next);
        tls = next;
    }

    @Override
    public void close() {
        tasks.shutdownNow();
    }

    /**
     * One TLS handshake with {@code tls} against an in-memory client that accepts any certificate,
     * then the certificate's validity dates.
     *
     * @throws IllegalArgumentException saying what is wrong (no key, no common cipher suite, an
     *     unknown protocol name, an expired certificate, ...)
     */
    static void check(Tls tls) {
        SSLEngine server;
        try {
            server = engine(tls);
        } catch (RuntimeException e) { // an unknown protocol or suite, a context never initialised
            throw new IllegalArgumentException("TLS cannot be set up with " + tls + ": " + e.getMessage(), e);
        }
        SSLEngine client;
        try {
            SSLContext probe = SSLContext.getInstance("TLS");
            probe.init(null, new TrustManager[] {new AnyCertificate()}, null);
            client = probe.createSSLEngine("localhost", 443);
            client.setUseClientMode(true);
            client.setEnabledProtocols(server.getEnabledProtocols());
        } catch (java.security.GeneralSecurityException | IllegalArgumentException e) {
            throw new IllegalStateException("no TLS client for the self-test: " + e, e);
        }
        try {
            handshake(client, server);
        } catch (SSLException | RuntimeException e) {
            throw new IllegalArgumentException("TLS does not work with " + tls + " (a handshake in memory failed: "
                    + e.getMessage() + "); check that it has a key and certificate, that they belong together, "
                    + "and the protocols and cipher suites", e);
        }
        try {
            Certificate[] chain = client.getSession().getPeerCertificates();
            if (chain.length > 0 && chain[0] instanceof X509Certificate certificate) {
                try {
                    certificate.checkValidity();
                } catch (CertificateException e) {
                    throw new IllegalArgumentException("the TLS certificate " + certificate.getSubjectX500Principal()
                            + " is not valid now: valid from " + certificate.getNotBefore().toInstant() + " to "
                            + certificate.getNotAfter().toInstant(), e);
                }
            }
        } catch (javax.net.ssl.SSLPeerUnverifiedException e) {
            throw new IllegalArgumentException("TLS with " + tls + " sends no certificate", e);
        }
    }

    /** Drives both engines until both are done with the handshake (a bounded number of steps). */
    private static void handshake(SSLEngine client, SSLEngine server) throws SSLException {
        int packet = Math.max(client.getSession().getPacketBufferSize(), server.getSession().getPacketBufferSize());
        int app = Math.max(client.getSession().getApplicationBufferSize(), server.getSession().getApplicationBufferSize());
        ByteBuffer toServer = ByteBuffer.allocate(4 * packet);
        ByteBuffer toClient = ByteBuffer.allocate(4 * packet);
        ByteBuffer plain = ByteBuffer.allocate(app);
        ByteBuffer empty = ByteBuffer.allocate(0);
        client.beginHandshake();
        server.beginHandshake();
        for (int step = 0; step < 200; step++) {
            boolean clientDone = done(client);
            boolean serverDone = done(server);
            if (clientDone && serverDone) {
                return;
            }
            runTasks(client);
            runTasks(server);
            if (client.getHandshakeStatus() == HandshakeStatus.NEED_WRAP) {
                client.wrap(empty, toServer);
            }
            if (server.getHandshakeStatus() == HandshakeStatus.NEED_WRAP) {
                server.wrap(empty, toClient);
            }
            toServer.flip();
            if (toServer.hasRemaining()) {
                plain.clear();
                server.unwrap(toServer, plain);
            }
            toServer.compact();
            toClient.flip();
            if (toClient.hasRemaining()) {
                plain.clear();
                client.unwrap(toClient, plain);
            }
            toClient.compact();
        }
        throw new SSLException("the handshake did not finish");
    }

    private static boolean done(SSLEngine engine) {
        HandshakeStatus status = engine.getHandshakeStatus();
        return status == HandshakeStatus.NOT_HANDSHAKING || status == HandshakeStatus.FINISHED;
    }

    private static void runTasks(SSLEngine engine) {
        for (Runnable task; (task = engine.getDelegatedTask()) != null; ) {
            task.run();
        }
    }

    /** The self-test's client: it checks the server's key works, not who issued the certificate. */
    private static final class AnyCertificate implements X509TrustManager {
        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType) {
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType) {
        }

        @Override
        public X509Certificate[] getAcceptedIssuers() {
            return new X509Certificate[0];
        }
    }
}
