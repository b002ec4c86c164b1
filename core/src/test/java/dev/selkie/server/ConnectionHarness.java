package dev.selkie.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.selkie.protocol.ClientFrames;
import dev.selkie.protocol.ClientHandshake;
import dev.selkie.protocol.HttpResponseParser;
import dev.selkie.protocol.Opcode;
import dev.selkie.protocol.ServerFrames;
import dev.selkie.testing.RawClient;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.function.Consumer;

/**
 * One connection with no socket and no thread, as Netty's EmbeddedChannel: a detached {@link
 * EventLoop} on a {@link ManualClock}, a {@link FakeTransport} under the {@link Connection}, and the
 * test thread as the loop thread. Every step runs the loop's pending work, so a test reads like a
 * conversation: the client sends, time passes, the server's frames are read back.
 */
final class ConnectionHarness implements AutoCloseable {
    final ManualClock clock = new ManualClock();
    final Recorder recorder;
    final ServerEngine engine;
    final EventLoop loop;
    final FakeTransport transport = new FakeTransport();
    /** What the connection sees: the fake transport, or a transport over it (TLS, PROXY header). */
    final Transport top;
    final Connection connection;
    private ServerFrames.Reader reader = new ServerFrames.Reader(0);
    private boolean headRead;

    ConnectionHarness(Consumer<TestConfig> configure) throws IOException {
        this(new Recorder(true), configure);
    }

    ConnectionHarness(Recorder recorder, Consumer<TestConfig> configure) throws IOException {
        this(recorder, configure, (loop, fake) -> fake);
    }

    /** A harness whose connection runs over {@code stack(loop, fake transport)}. */
    ConnectionHarness(Recorder recorder, Consumer<TestConfig> configure,
                      java.util.function.BiFunction<EventLoop, FakeTransport, Transport> stack) throws IOException {
        this.recorder = recorder;
        TestConfig config = new TestConfig(recorder);
        configure.accept(config);
        engine = new ServerEngine(config.build());
        loop = EventLoop.detached(engine, clock);
        top = stack.apply(loop, transport);
        connection = loop.attach(top);
        connection.register(null);
    }

    /** Ends the loop: the connection closes if it is open, and the loop's selector is closed. */
    @Override
    public void close() {
        loop.closeDetached();
    }

    /** From now on, server frames may carry these RSV bits (an extension was negotiated). */
    ConnectionHarness allowRsv(int bits) {
        reader = new ServerFrames.Reader(bits);
        return this;
    }

    /** Sends the RFC example's upgrade request and checks the 101 as a client must. */
    ConnectionHarness upgrade(String... extraHeaders) {
        deliver(RawClient.upgradeRequest("/", extraHeaders).getBytes(StandardCharsets.ISO_8859_1));
        String head = responseHead();
        HttpResponseParser parser = new HttpResponseParser(16 << 10, 100);
        assertEquals(HttpResponseParser.Status.DONE, parser.feed(ByteBuffer.wrap(head.getBytes(StandardCharsets.ISO_8859_1))));
        ClientHandshake handshake = new ClientHandshake("localhost", "/", Base64.getDecoder().decode(RawClient.KEY),
                List.of(), List.of(), List.of(extraHeaders));
        ClientHandshake.Outcome outcome = handshake.check(parser.head());
        assertTrue(outcome.upgraded(), outcome.error());
        assertEquals(ConnectionState.OPEN, connection.state());
        return this;
    }

    /** The peer's bytes reach the connection (while it reads); then the loop runs. */
    ConnectionHarness deliver(byte[] bytes) {
        transport.deliver(bytes);
        loop.runPending();
        return this;
    }

    ConnectionHarness sendText(String text) {
        return deliver(ClientFrames.frame(Opcode.TEXT).payload(text).build());
    }

    /** The peer reads everything again (as a turn of the loop would, with OP_WRITE ready). */
    ConnectionHarness drainPeer() {
        transport.drainPeer();
        loop.runPending();
        return this;
    }

    /** Time passes; the loop runs what is due. */
    ConnectionHarness advance(Duration by) {
        clock.advance(by);
        loop.runPending();
        return this;
    }

    /** The HTTP response head the server wrote (only before any frame is read). */
    String responseHead() {
        byte[] bytes = transport.takeWritten();
        String all = new String(bytes, StandardCharsets.ISO_8859_1);
        int end = all.indexOf("\r\n\r\n");
        assertTrue(end > 0, "no response head in: " + all);
        String head = all.substring(0, end + 4);
        if (head.startsWith("HTTP/1.1 101 ")) { // frames may follow at once; an HTTP body is dropped
            headRead = true;
            pending.addAll(reader.feed(ByteBuffer.wrap(java.util.Arrays.copyOfRange(bytes, end + 4, bytes.length))));
        }
        return head;
    }

    private final List<ServerFrames.Frame> pending = new ArrayList<>();

    /** The frames the server wrote since the last call. */
    List<ServerFrames.Frame> frames() {
        assertTrue(headRead, "read the response head first");
        pending.addAll(reader.feed(ByteBuffer.wrap(transport.takeWritten())));
        List<ServerFrames.Frame> frames = new ArrayList<>(pending);
        pending.clear();
        return frames;
    }

    /** The one frame the server wrote since the last call. */
    ServerFrames.Frame frame() {
        List<ServerFrames.Frame> frames = frames();
        assertEquals(1, frames.size(), "frames: " + frames.size());
        return frames.get(0);
    }

    /** The close code of the one frame written since the last call, which must be a close frame. */
    int closeCode() {
        ServerFrames.Frame frame = frame();
        assertEquals(Opcode.CLOSE, frame.opcode(), "a close frame");
        return frame.closeCode();
    }
}
