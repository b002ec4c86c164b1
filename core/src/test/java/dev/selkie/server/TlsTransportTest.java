package dev.selkie.server;

import dev.selkie.RejectionReason;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.selkie.Tls;
import dev.selkie.protocol.ClientFrames;
import dev.selkie.protocol.Opcode;
import dev.selkie.protocol.ServerFrames;
import dev.selkie.testing.RawClient;
import dev.selkie.testing.TestCertificates;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The TLS transport without a socket: a client {@code SSLEngine} in the test talks to a connection
 * over {@link TlsTransport} over the fake transport, through byte arrays delivered whole, record by
 * record, cut at random points or byte by byte: the handshake (TLS 1.3 and 1.2), the upgrade and
 * echoes inside it, delegated tasks run when the test says (with the next flight already
 * buffered), a TLS 1.3 key update after the handshake, closing from either side, garbage and plain
 * HTTP instead of a ClientHello.
 */
class TlsTransportTest {
    /** A name with a dot: the JDK's client sends no SNI for a bare "localhost". */
    private static final String SERVER_NAME = TestCertificates.DNS_NAME;
    @TempDir
    static Path dir;
    private static TestCertificates ca;
    private static Tls tls;

    /** Delegated tasks wait here until the test runs them. */
    private final ArrayDeque<Runnable> tasks = new ArrayDeque<>();
    private final Random random = new Random(7);

    @BeforeAll
    static void certificates() {
        ca = TestCertificates.newCa();
        tls = ca.server().tls(dir);
    }

    private ConnectionHarness harness() throws Exception {
        TlsSetup setup = new TlsSetup(tls, 1);
        return new ConnectionHarness(new Recorder(true), c -> { },
                (loop, fake) -> new TlsTransport(fake, setup.newEngine(), loop, tasks::add));
    }

    private TlsTransport tlsOf(ConnectionHarness h) {
        return (TlsTransport) h.top;
    }

    /** Delivers {@code bytes} cut as {@code split} says, running the loop (and any queued tasks) after each part. */
    private void deliver(ConnectionHarness h, byte[] bytes, TlsClientEnd.Split split) {
        for (byte[] part : split.apply(bytes, random)) {
            h.deliver(part);
            runTasks(h);
        }
    }

    private void runTasks(ConnectionHarness h) {
        while (!tasks.isEmpty()) {
            tasks.poll().run();
            h.loop.runPending();
        }
    }

    /** Handshakes, sending each client flight cut as {@code split}. */
    private void handshake(ConnectionHarness h, TlsClientEnd client, TlsClientEnd.Split split) throws Exception {
        client.engine.beginHandshake();
        for (int i = 0; i < 20 && !(client.handshakeDone() && tlsOf(h).state() == TlsTransport.State.OPEN); i++) {
            byte[] flight = client.wrap(new byte[0]);
            if (flight.length > 0) {
                deliver(h, flight, split);
            }
            byte[] app = client.unwrap(h.transport.takeWritten());
            assertEquals(0, app.length, "no application data during the handshake");
        }
        assertTrue(client.handshakeDone(), "client handshake done");
        assertEquals(TlsTransport.State.OPEN, tlsOf(h).state());
    }

    /** The upgrade over TLS; returns a reader of the server's frames. */
    private ServerFrames.Reader upgrade(ConnectionHarness h, TlsClientEnd client, TlsClientEnd.Split split)
            throws Exception {
        deliver(h, client.wrap(RawClient.upgradeRequest("/chat").getBytes(StandardCharsets.ISO_8859_1)), split);
        String response = new String(client.unwrap(h.transport.takeWritten()), StandardCharsets.ISO_8859_1);
        assertTrue(response.startsWith("HTTP/1.1 101 "), response);
        assertTrue(response.contains("Sec-WebSocket-Accept: " + RawClient.ACCEPT), response);
        return new ServerFrames.Reader(0);
    }

    private List<ServerFrames.Frame> frames(ConnectionHarness h, TlsClientEnd client, ServerFrames.Reader reader)
            throws Exception {
        return reader.feed(ByteBuffer.wrap(client.unwrap(h.transport.takeWritten())));
    }

    @ParameterizedTest(name = "{0}, {1}")
    @CsvSource({
        "TLSv1.3, WHOLE", "TLSv1.3, RECORDS", "TLSv1.3, RANDOM", "TLSv1.3, BYTES",
        "TLSv1.2, WHOLE", "TLSv1.2, RECORDS", "TLSv1.2, RANDOM", "TLSv1.2, BYTES",
    })
    void handshakeUpgradeEchoesAndCloseInAnySplit(String protocol, TlsClientEnd.Split split) throws Exception {
        ConnectionHarness h = harness();
        TlsClientEnd client = new TlsClientEnd(ca.clientContext(), SERVER_NAME, protocol);
        handshake(h, client, split);
        assertEquals(protocol, client.engine.getSession().getProtocol());
        ServerFrames.Reader reader = upgrade(h, client, split);
        assertEquals(SERVER_NAME, h.recorder.opened.get(0).request().serverName().orElseThrow(), "SNI");
        assertTrue(h.recorder.opened.get(0).request().secure());

        // an echo, a 1 MiB message over many records, and a fragmented one
        deliver(h, client.wrap(ClientFrames.frame(Opcode.TEXT).payload("über TLS").build()), split == TlsClientEnd.Split.BYTES
                ? TlsClientEnd.Split.RANDOM : split);
        assertEquals("über TLS", frames(h, client, reader).get(0).text());
        byte[] big = new byte[1 << 20];
        random.nextBytes(big);
        deliver(h, client.wrap(ClientFrames.frame(Opcode.BINARY).payload(big).build()), TlsClientEnd.Split.RANDOM);
        List<ServerFrames.Frame> echoes = frames(h, client, reader);
        assertEquals(1, echoes.size());
        assertArrayEquals(big, echoes.get(0).payload());
        ByteArrayOutputStream fragmented = new ByteArrayOutputStream();
        fragmented.writeBytes(ClientFrames.frame(Opcode.TEXT).fin(false).payload("frag").build());
        fragmented.writeBytes(ClientFrames.frame(Opcode.CONTINUATION).payload("mented").build());
        deliver(h, client.wrap(fragmented.toByteArray()), split == TlsClientEnd.Split.BYTES ? TlsClientEnd.Split.RANDOM : split);
        assertEquals("fragmented", frames(h, client, reader).get(0).text());

        // the client closes: the server answers, then close_notify and FIN
        deliver(h, client.wrap(ClientFrames.close(1000, "bye")), TlsClientEnd.Split.WHOLE);
        ServerFrames.Frame close = frames(h, client, reader).get(0);
        assertEquals(Opcode.CLOSE, close.opcode());
        assertEquals(1000, close.closeCode());
        assertTrue(client.engine.isInboundDone(), "close_notify came after the close frame");
        assertTrue(h.transport.outputShutdown || h.transport.closed, "then the FIN (or the socket closed)");
        assertFalse(tlsOf(h).holdsBuffers(), "nothing kept per connection at the end");
    }

    @Test
    void delegatedTasksRunOffTheLoopAndTheBufferedRecordsAreUsedWhenTheyAreDone() throws Exception {
        ConnectionHarness h = harness();
        // TLS 1.2: the client's second flight is ClientKeyExchange, ChangeCipherSpec and Finished in
        // one read; the key exchange is a delegated task, and the two records after it wait
        TlsClientEnd client = new TlsClientEnd(ca.clientContext(), SERVER_NAME, "TLSv1.2");
        client.engine.beginHandshake();
        h.deliver(client.wrap(new byte[0])); // ClientHello
        assertFalse(tasks.isEmpty(), "the engine has work for the executor");
        assertFalse(h.transport.isReading(), "no reading while a delegated task runs");
        runTasks(h);
        assertTrue(h.transport.isReading());
        client.unwrap(h.transport.takeWritten()); // ServerHello ... ServerHelloDone
        byte[] secondFlight = client.wrap(new byte[0]);
        assertTrue(TlsClientEnd.records(secondFlight).size() >= 3, "key exchange, change cipher spec, finished");
        h.deliver(secondFlight);
        assertFalse(tasks.isEmpty(), "the key exchange is a task");
        assertTrue(tlsOf(h).holdsBuffers(), "the records after it are kept meanwhile");
        assertEquals(TlsTransport.State.HANDSHAKING, tlsOf(h).state());
        runTasks(h);
        assertEquals(TlsTransport.State.OPEN, tlsOf(h).state(), "the buffered Finished was read after the task");
        client.unwrap(h.transport.takeWritten()); // the server's ChangeCipherSpec and Finished
        assertTrue(client.handshakeDone());
        assertFalse(tlsOf(h).holdsBuffers());
        upgrade(h, client, TlsClientEnd.Split.WHOLE);
    }

    @Test
    void applicationBytesThatComeWithTheClientsLastFlightAreKept() throws Exception {
        ConnectionHarness h = harness();
        TlsClientEnd client = new TlsClientEnd(ca.clientContext(), SERVER_NAME, "TLSv1.3");
        client.engine.beginHandshake();
        byte[] last = new byte[0];
        for (int i = 0; i < 20 && !client.handshakeDone(); i++) {
            byte[] flight = client.wrap(new byte[0]);
            if (client.handshakeDone()) {
                last = flight; // the client's Finished: not delivered yet
                break;
            }
            deliver(h, flight, TlsClientEnd.Split.WHOLE);
            client.unwrap(h.transport.takeWritten());
        }
        assertTrue(last.length > 0, "the client's last flight");
        byte[] request = client.wrap(RawClient.upgradeRequest("/").getBytes(StandardCharsets.ISO_8859_1));
        deliver(h, concat(last, request), TlsClientEnd.Split.WHOLE); // Finished and the request in one read
        String response = new String(client.unwrap(h.transport.takeWritten()), StandardCharsets.ISO_8859_1);
        assertTrue(response.startsWith("HTTP/1.1 101 "), response);
        assertEquals(TlsTransport.State.OPEN, tlsOf(h).state());
    }

    @Test
    void aTls13KeyUpdateFromTheClientIsHandledAndDataFlowsOn() throws Exception {
        ConnectionHarness h = harness();
        TlsClientEnd client = new TlsClientEnd(ca.clientContext(), SERVER_NAME, "TLSv1.3");
        handshake(h, client, TlsClientEnd.Split.WHOLE);
        ServerFrames.Reader reader = upgrade(h, client, TlsClientEnd.Split.WHOLE);
        client.engine.beginHandshake(); // in TLS 1.3: a KeyUpdate
        byte[] keyUpdate = client.wrap(new byte[0]);
        assertTrue(keyUpdate.length > 0, "the key update record");
        deliver(h, keyUpdate, TlsClientEnd.Split.BYTES);
        client.unwrap(h.transport.takeWritten()); // the server's own KeyUpdate, if it answered with one
        for (int i = 0; i < 3; i++) {
            deliver(h, client.wrap(ClientFrames.frame(Opcode.TEXT).payload("after " + i).build()),
                    TlsClientEnd.Split.RANDOM);
            assertEquals("after " + i, frames(h, client, reader).get(0).text());
        }
    }

    @Test
    void theServerClosesWithACloseFrameThenCloseNotify() throws Exception {
        ConnectionHarness h = harness();
        TlsClientEnd client = new TlsClientEnd(ca.clientContext(), SERVER_NAME);
        handshake(h, client, TlsClientEnd.Split.WHOLE);
        ServerFrames.Reader reader = upgrade(h, client, TlsClientEnd.Split.WHOLE);
        h.recorder.opened.get(0).close(4000, "done");
        h.loop.runPending();
        ServerFrames.Frame close = frames(h, client, reader).get(0);
        assertEquals(4000, close.closeCode());
        deliver(h, client.wrap(ClientFrames.close(4000, "done")), TlsClientEnd.Split.WHOLE);
        client.unwrap(h.transport.takeWritten());
        assertTrue(client.engine.isInboundDone(), "close_notify");
        assertTrue(h.transport.outputShutdown || h.transport.closed);
        assertEquals(4000, h.recorder.closed.get(0).code());
    }

    @Test
    void aCloseNotifyWithoutACloseFrameEndsTheConnectionAsDropped() throws Exception {
        ConnectionHarness h = harness();
        TlsClientEnd client = new TlsClientEnd(ca.clientContext(), SERVER_NAME);
        handshake(h, client, TlsClientEnd.Split.WHOLE);
        upgrade(h, client, TlsClientEnd.Split.WHOLE);
        client.engine.closeOutbound();
        deliver(h, client.wrap(new byte[0]), TlsClientEnd.Split.WHOLE);
        assertTrue(h.transport.closed);
        assertEquals(1006, h.recorder.closed.get(0).code());
    }

    @Test
    void garbageInsteadOfAClientHelloClosesTheConnection() throws Exception {
        ConnectionHarness h = harness();
        byte[] garbage = new byte[300];
        random.nextBytes(garbage);
        garbage[0] = 0x16; // looks like a handshake record, is not one
        h.deliver(garbage);
        runTasks(h);
        assertTrue(h.transport.closed, "closed");
        assertTrue(h.recorder.opened.isEmpty());
        assertEquals(1L, h.loop.metrics().rejectedHandshakes.get(RejectionReason.TLS_HANDSHAKE_FAILED.ordinal()));
    }

    @Test
    void plainHttpOnTheTlsPortGetsAPlaintext400() throws Exception {
        ConnectionHarness h = harness();
        h.deliver("GET / HTTP/1.1\r\nHost: localhost\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
        String answer = new String(h.transport.takeWritten(), StandardCharsets.US_ASCII);
        assertTrue(answer.startsWith("HTTP/1.1 400 Bad Request\r\n"), answer);
        assertTrue(answer.contains("use https:// or wss://"), answer);
        assertTrue(h.transport.outputShutdown, "and the FIN after it");
        assertEquals(1L, h.loop.metrics().rejectedHandshakes.get(RejectionReason.PLAINTEXT_ON_TLS_PORT.ordinal()));
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] out = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }
}
