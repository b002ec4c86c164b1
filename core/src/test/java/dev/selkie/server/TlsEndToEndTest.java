package dev.selkie.server;

import dev.selkie.RejectionReason;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.selkie.Tls;
import dev.selkie.WebSocket;
import dev.selkie.WebSocketServer;
import dev.selkie.testing.RawClient;
import dev.selkie.testing.TestCertificates;
import java.io.IOException;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code wss://} over real sockets: the JDK's WebSocket client through the server's TLS (trusting
 * the test CA, checking the host name), a certificate replaced while the server runs, TLS that
 * cannot serve refused at start with a clear message, a stalled TLS handshake closed by the
 * handshake timeout, and a plain port beside the TLS one sharing topics and metrics.
 */
class TlsEndToEndTest extends ServerTestSupport {
    @TempDir
    static Path dir;
    private static TestCertificates ca;

    @BeforeAll
    static void certificates() {
        ca = TestCertificates.newCa();
    }

    private WebSocketServer startTls(Recorder recorder, Tls tls) {
        return start(builder().listener(recorder).tls(tls).maxMessageSize(16 << 20));
    }

    @Test
    void theJdkClientEchoesOverWssAndSeesItsCloseCodeAndTheServersStop() throws Exception {
        WebSocketServer server = startTls(new Recorder(true), ca.server().tls(dir));
        HttpClient http = HttpClient.newBuilder().sslContext(ca.clientContext()).build();
        JdkClientEchoTest.ClientListener first = new JdkClientEchoTest.ClientListener();
        java.net.http.WebSocket ws = http.newWebSocketBuilder()
                .buildAsync(URI.create("wss://localhost:" + server.port() + "/"), first).get(10, TimeUnit.SECONDS);
        ws.sendText("über wss", true).get(10, TimeUnit.SECONDS);
        byte[] big = new byte[1 << 20];
        new Random(3).nextBytes(big);
        ws.sendBinary(ByteBuffer.wrap(big), true).get(10, TimeUnit.SECONDS);
        ws.sendText("frag", false).get(10, TimeUnit.SECONDS);
        ws.sendText("mented", true).get(10, TimeUnit.SECONDS);
        await().atMost(Duration.ofSeconds(10)).until(() -> first.texts.size() == 2 && first.binaries.size() == 1);
        assertEquals("über wss", first.texts.get(0));
        assertEquals("fragmented", first.texts.get(1));
        assertArrayEquals(big, first.binaries.get(0));
        ws.sendClose(4001, "done").get(10, TimeUnit.SECONDS);
        assertEquals(4001, first.closeCode.get(10, TimeUnit.SECONDS), "the close code echoed over TLS");

        JdkClientEchoTest.ClientListener second = new JdkClientEchoTest.ClientListener();
        http.newWebSocketBuilder().buildAsync(URI.create("wss://localhost:" + server.port() + "/"), second)
                .get(10, TimeUnit.SECONDS);
        await().atMost(Duration.ofSeconds(10)).until(() -> server.metrics().openConnections() == 1);
        server.stop(Duration.ofSeconds(5));
        assertEquals(1001, second.closeCode.get(10, TimeUnit.SECONDS), "going away, over TLS");
    }

    private static X509Certificate peerCertificate(RawClient client) throws IOException {
        return (X509Certificate) ((SSLSocket) client.socket).getSession().getPeerCertificates()[0];
    }

    @Test
    void aReplacedCertificateServesNewConnectionsWhileOpenOnesGoOn() throws Exception {
        TestCertificates.Server before = ca.server();
        TestCertificates.Server after = ca.server();
        WebSocketServer server = startTls(new Recorder(true), before.tls(dir));
        SSLContext trust = ca.clientContext();
        try (RawClient old = RawClient.open(RawClient.tls(server.port(), trust))) {
            assertEquals(before.certificate().getSerialNumber(), peerCertificate(old).getSerialNumber());
            server.replaceTls(after.tls(dir));
            try (RawClient fresh = RawClient.open(RawClient.tls(server.port(), trust))) {
                assertEquals(after.certificate().getSerialNumber(), peerCertificate(fresh).getSerialNumber());
                fresh.sendText("new");
                assertEquals("new", fresh.readFrame().text());
            }
            old.sendText("old");
            assertEquals("old", old.readFrame().text(), "the open connection keeps its session");
        }
        IllegalArgumentException uninitialised = assertThrows(IllegalArgumentException.class,
                () -> server.replaceTls(Tls.of(SSLContext.getInstance("TLS"))));
        assertTrue(uninitialised.getMessage().contains("not initialized"), uninitialised.getMessage());
        SSLContext keyless = SSLContext.getInstance("TLS");
        keyless.init(null, null, null);
        IllegalArgumentException refused = assertThrows(IllegalArgumentException.class,
                () -> server.replaceTls(Tls.of(keyless)));
        assertTrue(refused.getMessage().contains("handshake in memory failed"), refused.getMessage());
        try (RawClient still = RawClient.open(RawClient.tls(server.port(), trust))) {
            assertEquals(after.certificate().getSerialNumber(), peerCertificate(still).getSerialNumber(),
                    "a refused replacement changes nothing");
        }
    }

    @Test
    void tlsThatCannotServeFailsAtStartOrLoadWithAClearMessage() throws Exception {
        Path[] expired = ca.expiredServer().writePem(dir);
        GeneralSecurityException expiredPem = assertThrows(GeneralSecurityException.class,
                () -> Tls.fromPem(expired[0], expired[1]));
        assertTrue(expiredPem.getMessage().contains("expired on"), expiredPem.getMessage());

        Path[] one = ca.server().writePem(dir);
        Path[] other = ca.server().writePem(dir);
        GeneralSecurityException mismatch = assertThrows(GeneralSecurityException.class,
                () -> Tls.fromPem(one[0], other[1]));
        assertTrue(mismatch.getMessage().contains("does not belong to the certificate"), mismatch.getMessage());

        SSLContext noKey = SSLContext.getInstance("TLS");
        noKey.init(null, null, null);
        WebSocketServer keyless = builder().listener(new Recorder(false)).tls(Tls.of(noKey)).build();
        IllegalArgumentException refused = assertThrows(IllegalArgumentException.class, keyless::start);
        assertTrue(refused.getMessage().contains("check that it has a key and certificate"), refused.getMessage());

        WebSocketServer unknownProtocol = builder().listener(new Recorder(false))
                .tls(ca.server().tls(dir).protocols("TLSv9")).build();
        IllegalArgumentException protocol = assertThrows(IllegalArgumentException.class, unknownProtocol::start);
        assertTrue(protocol.getMessage().contains("TLSv9"), protocol.getMessage());
    }

    @Test
    void aStalledTlsHandshakeIsClosedByTheHandshakeTimeout() throws Exception {
        WebSocketServer server = start(builder().listener(new Recorder(false)).tls(ca.server().tls(dir))
                .handshakeTimeout(Duration.ofMillis(300)));
        try (Socket socket = new Socket("127.0.0.1", server.port())) {
            socket.setSoTimeout(10_000);
            socket.getOutputStream().write(new byte[] {0x16, 0x03, 0x01, 0x02, 0x00, 0x01}); // a ClientHello begins
            assertEquals(-1, socket.getInputStream().read(), "closed, not waited for forever");
        }
        await().atMost(Duration.ofSeconds(10)).until(() -> server.metrics().rejectedHandshakes(RejectionReason.HANDSHAKE_TIMEOUT) == 1L);
    }

    @Test
    void aPlainPortBesideTheTlsPortSharesTopicsAndMetrics() throws Exception {
        Recorder recorder = new Recorder(false) {
            @Override
            public void onOpen(WebSocket ws) {
                ws.subscribe("room");
                super.onOpen(ws);
            }
        };
        WebSocketServer server = start(builder().listener(recorder).tls(ca.server().tls(dir)).plainPort(0));
        assertTrue(server.plainPort() > 0 && server.plainPort() != server.port());
        try (RawClient secure = RawClient.open(RawClient.tls(server.port(), ca.clientContext()));
             RawClient plain = RawClient.open(server.plainPort())) {
            await().atMost(Duration.ofSeconds(10)).until(() -> server.subscriberCount("room") == 2);
            assertEquals(2, server.publish("room", "to both"));
            assertEquals("to both", secure.readFrame().text());
            assertEquals("to both", plain.readFrame().text());
            assertEquals(2, server.metrics().openConnections());
            assertEquals(1, recorder.opened.stream().filter(ws -> ws.request().secure()).count(), "one over TLS");
            assertEquals(1, recorder.opened.stream().filter(ws -> !ws.request().secure()).count(), "one plain");
        }
    }
}
