package dev.selkie.conformance;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.selkie.Compression;
import dev.selkie.testing.EchoServer;
import dev.selkie.testing.RawClient;
import dev.selkie.testing.TestCertificates;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import javax.net.ssl.SSLContext;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The same Autobahn-style cases as {@link ConformanceTest} (categories 1-7, 9 and 10), every one over
 * {@code wss://}: each client handshakes TLS with the echo server before its upgrade, so framing,
 * fragmentation, UTF-8, closing and 16 MiB messages are checked through the TLS transport.
 */
class ConformanceOverTlsTest extends ConformanceTest {
    /** Hides {@link ConformanceTest#start()}: the echo server speaks TLS. */
    @BeforeAll
    static void start() {
        TestCertificates ca = TestCertificates.newCa();
        Path dir;
        try {
            dir = Files.createTempDirectory("selkie-conformance-tls");
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        server = EchoServer.start(MAX, Compression.shared(), ca.server().tls(dir));
        int port = server.port();
        SSLContext trust = ca.clientContext();
        connector = () -> RawClient.open(RawClient.tls(port, trust));
    }

    @Test
    void theServerUnderTestSpeaksOnlyTls() throws IOException {
        try (RawClient plain = new RawClient(server.port())) {
            plain.write(RawClient.upgradeRequest("/"));
            RawClient.HttpReply reply = plain.readResponse();
            assertEquals(400, reply.status());
            assertTrue(reply.body().contains("use https:// or wss://"), reply.body());
        }
    }
}
