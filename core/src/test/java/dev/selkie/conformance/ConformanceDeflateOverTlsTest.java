package dev.selkie.conformance;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.selkie.Compression;
import dev.selkie.testing.EchoServer;
import dev.selkie.testing.RawClient;
import dev.selkie.testing.TestCertificates;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import javax.net.ssl.SSLContext;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The permessage-deflate cases of {@link ConformanceDeflateTest} (Autobahn categories 12 and 13, the
 * shared and the context-takeover mode), every one over {@code wss://}: compressed frames inside TLS
 * records, fragmented either way.
 */
class ConformanceDeflateOverTlsTest extends ConformanceDeflateTest {
    private static SSLContext trust;

    /** Hides {@link ConformanceDeflateTest#start()}: both echo servers speak TLS. */
    @BeforeAll
    static void start() {
        TestCertificates ca = TestCertificates.newCa();
        Path dir;
        try {
            dir = Files.createTempDirectory("selkie-conformance-deflate-tls");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        shared = EchoServer.start(MAX, Compression.shared(), ca.server().tls(dir));
        takeover = EchoServer.start(MAX, Compression.contextTakeover(1000), ca.server().tls(dir));
        trust = ca.clientContext();
        connector = (port, offer) -> RawClient.openOffering(RawClient.tls(port, trust), offer);
    }

    @Test
    void theServersUnderTestSpeakOnlyTls() throws IOException {
        for (int port : new int[] {shared.port(), takeover.port()}) {
            try (RawClient plain = new RawClient(port)) {
                plain.write(RawClient.upgradeRequest("/"));
                assertEquals(400, plain.readResponse().status());
            }
        }
    }
}
