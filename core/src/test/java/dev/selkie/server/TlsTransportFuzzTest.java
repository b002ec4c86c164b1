package dev.selkie.server;

import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.selkie.Tls;
import dev.selkie.testing.TestCertificates;
import java.nio.file.Files;
import java.util.ArrayDeque;

/**
 * Arbitrary bytes into the TLS transport's record handling, without a socket: as a client's first
 * flight (after a TLS record type byte, so they reach the engine), and as records after a complete
 * handshake and upgrade. Whatever comes, nothing escapes the connection (no exception out of the
 * loop), the delegated tasks end, and the connection is either still serving or closed, holding
 * no buffer once closed.
 */
class TlsTransportFuzzTest {
    private static final TestCertificates CA = TestCertificates.newCa();
    private static final TlsSetup SETUP;

    static {
        try {
            Tls tls = CA.server().tls(Files.createTempDirectory("selkie-tls-fuzz"));
            SETUP = new TlsSetup(tls, 1); // its executor stays unused: the test runs the tasks itself
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private final ArrayDeque<Runnable> tasks = new ArrayDeque<>();

    private ConnectionHarness harness() throws Exception {
        return new ConnectionHarness(new Recorder(true), c -> { },
                (loop, fake) -> new TlsTransport(fake, SETUP.newEngine(), loop, tasks::add));
    }

    private void feed(ConnectionHarness h, byte[] bytes) {
        int at = 0;
        int chunk = 1 + (bytes.length == 0 ? 0 : (bytes[0] & 0x7F)); // the input picks its own read size
        while (at < bytes.length && !h.transport.closed) {
            int n = Math.min(chunk, bytes.length - at);
            h.deliver(java.util.Arrays.copyOfRange(bytes, at, at + n));
            at += n;
            for (int i = 0; i < 100 && !tasks.isEmpty(); i++) {
                tasks.poll().run();
                h.loop.runPending();
            }
        }
        assertTrue(tasks.isEmpty(), "delegated tasks end");
        TlsTransport tls = (TlsTransport) h.top;
        if (h.transport.closed) {
            assertTrue(!tls.holdsBuffers(), "a closed connection holds no buffer");
        }
    }

    @FuzzTest(maxDuration = "10m")
    void aFirstFlight(byte[] input) throws Exception {
        byte[] bytes = new byte[input.length + 3];
        bytes[0] = 0x16; // a handshake record
        bytes[1] = 0x03;
        bytes[2] = 0x01;
        System.arraycopy(input, 0, bytes, 3, input.length);
        try (ConnectionHarness h = harness()) { // each run closes its loop's selector: no descriptor kept
            feed(h, bytes);
        }
    }

    @FuzzTest(maxDuration = "10m")
    void recordsAfterTheHandshake(byte[] input) throws Exception {
        try (ConnectionHarness h = harness()) {
            recordsAfterTheHandshake(h, input);
        }
    }

    private void recordsAfterTheHandshake(ConnectionHarness h, byte[] input) throws Exception {
        TlsClientEnd client = new TlsClientEnd(CA.clientContext(), TestCertificates.DNS_NAME, "TLSv1.3");
        client.engine.beginHandshake();
        for (int i = 0; i < 20 && !(client.handshakeDone() && ((TlsTransport) h.top).state() == TlsTransport.State.OPEN); i++) {
            byte[] flight = client.wrap(new byte[0]);
            if (flight.length > 0) {
                feed(h, flight);
            }
            client.unwrap(h.transport.takeWritten());
        }
        // a valid record first when the input asks for one, so that later garbage meets a used connection
        if (input.length > 0 && (input[0] & 1) == 1) {
            feed(h, client.wrap(dev.selkie.testing.RawClient.upgradeRequest("/").getBytes(java.nio.charset.StandardCharsets.ISO_8859_1)));
        }
        byte[] records = input.clone();
        if (records.length >= 5) {
            records[0] = 0x17; // application data
            records[1] = 0x03;
            records[2] = 0x03;
        }
        feed(h, records);
    }
}
