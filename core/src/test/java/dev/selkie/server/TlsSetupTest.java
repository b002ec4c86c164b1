package dev.selkie.server;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.selkie.Tls;
import dev.selkie.testing.TestCertificates;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.List;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLEngineResult.HandshakeStatus;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The engines a server makes: which suite a default client gets, and suites given in their order. */
class TlsSetupTest {
    @TempDir
    static Path dir;
    private static TestCertificates ca;

    @BeforeAll
    static void certificates() {
        ca = TestCertificates.newCa();
    }

    @Test
    void aes128GcmGoesAheadOfItsAes256CounterpartAndNothingElseMoves() {
        String[] jdkOrder = {
            "TLS_AES_256_GCM_SHA384", "TLS_AES_128_GCM_SHA256", "TLS_CHACHA20_POLY1305_SHA256",
            "TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384", "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256",
            "TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256", "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384",
            "TLS_RSA_WITH_AES_256_CBC_SHA256", "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256",
        };
        assertArrayEquals(new String[] {
            "TLS_AES_128_GCM_SHA256", "TLS_AES_256_GCM_SHA384", "TLS_CHACHA20_POLY1305_SHA256",
            "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256", "TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384",
            "TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256", "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256",
            "TLS_RSA_WITH_AES_256_CBC_SHA256", "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384",
        }, TlsSetup.aes128First(jdkOrder));
        String[] already = {"TLS_AES_128_GCM_SHA256", "TLS_AES_256_GCM_SHA384", "TLS_AES_256_GCM_SHA384_X"};
        assertArrayEquals(already, TlsSetup.aes128First(already));
    }

    @Test
    void aDefaultJdkClientGetsAes128GcmOverTls13AndTls12() throws Exception {
        Tls tls = ca.server().tls(dir);
        for (String protocol : List.of("TLSv1.3", "TLSv1.2")) {
            try (TlsSetup setup = new TlsSetup(tls, 1)) {
                SSLEngine server = setup.newEngine();
                SSLEngine client = ca.clientContext().createSSLEngine(TestCertificates.DNS_NAME, 443);
                client.setUseClientMode(true);
                client.setEnabledProtocols(new String[] {protocol});
                assertTrue(client.getEnabledCipherSuites()[0].contains("AES_256_GCM"),
                        "the JDK client prefers AES-256-GCM: " + client.getEnabledCipherSuites()[0]);
                handshake(client, server);
                assertEquals(protocol, server.getSession().getProtocol());
                assertTrue(server.getSession().getCipherSuite().contains("AES_128_GCM"),
                        server.getSession().getCipherSuite());
            }
        }
    }

    @Test
    void suitesGivenAreUsedInTheirOrder() throws Exception {
        Tls tls = ca.server().tls(dir).cipherSuites("TLS_AES_256_GCM_SHA384", "TLS_AES_128_GCM_SHA256");
        try (TlsSetup setup = new TlsSetup(tls, 1)) {
            SSLEngine server = setup.newEngine();
            assertArrayEquals(new String[] {"TLS_AES_256_GCM_SHA384", "TLS_AES_128_GCM_SHA256"},
                    server.getEnabledCipherSuites());
            SSLEngine client = ca.clientContext().createSSLEngine(TestCertificates.DNS_NAME, 443);
            client.setUseClientMode(true);
            client.setEnabledCipherSuites(new String[] {"TLS_AES_128_GCM_SHA256", "TLS_AES_256_GCM_SHA384"});
            handshake(client, server);
            assertEquals("TLS_AES_256_GCM_SHA384", server.getSession().getCipherSuite(), "the server's order decides");
        }
    }

    /** Both engines in memory until neither has anything left to do. */
    private static void handshake(SSLEngine client, SSLEngine server) throws Exception {
        ByteBuffer toServer = ByteBuffer.allocate(1 << 16);
        ByteBuffer toClient = ByteBuffer.allocate(1 << 16);
        ByteBuffer app = ByteBuffer.allocate(1 << 16);
        client.beginHandshake();
        server.beginHandshake();
        for (int round = 0; round < 50; round++) {
            step(client, toServer, toClient, app);
            step(server, toClient, toServer, app);
            if (client.getHandshakeStatus() == HandshakeStatus.NOT_HANDSHAKING
                    && server.getHandshakeStatus() == HandshakeStatus.NOT_HANDSHAKING
                    && toServer.position() == 0 && toClient.position() == 0) {
                return;
            }
        }
        throw new AssertionError("no handshake in 50 rounds");
    }

    private static void step(SSLEngine engine, ByteBuffer out, ByteBuffer in, ByteBuffer app) throws Exception {
        for (Runnable task; (task = engine.getDelegatedTask()) != null; ) {
            task.run();
        }
        while (engine.getHandshakeStatus() == HandshakeStatus.NEED_WRAP) {
            engine.wrap(ByteBuffer.allocate(0), out);
        }
        in.flip();
        while (in.hasRemaining()) {
            app.clear();
            if (engine.unwrap(in, app).bytesConsumed() == 0) {
                break;
            }
            for (Runnable task; (task = engine.getDelegatedTask()) != null; ) {
                task.run();
            }
        }
        in.compact();
    }
}
