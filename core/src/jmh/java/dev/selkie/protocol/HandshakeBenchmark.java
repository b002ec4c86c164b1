package dev.selkie.protocol;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;

/**
 * The server side of one opening handshake on bytes, as the event loop runs it for a new connection:
 * a fresh {@link HttpRequestParser} fed the whole request head from a heap read buffer, {@link
 * Handshake#check}, the offered subprotocols, {@link Handshake#selectSubprotocol}, the accept key and
 * the 101 response. Run with {@code -prof gc}: {@code gc.alloc.rate.norm} is the garbage (plus what
 * the connection keeps) per handshake.
 *
 * <p>Requests: {@code chrome} is what a current Chrome sends (543 bytes, 13 header fields, two
 * subprotocols offered, one of which the server supports); {@code wsload} is the minimal request of
 * the benchmark kit's load generator (178 bytes, 6 header fields, no subprotocol).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class HandshakeBenchmark {
    static final String CHROME = "GET /chat?room=lobby HTTP/1.1\r\n"
            + "Host: localhost:8080\r\n"
            + "Connection: Upgrade\r\n"
            + "Pragma: no-cache\r\n"
            + "Cache-Control: no-cache\r\n"
            + "User-Agent: Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) "
            + "Chrome/131.0.0.0 Safari/537.36\r\n"
            + "Upgrade: websocket\r\n"
            + "Origin: http://localhost:8080\r\n"
            + "Sec-WebSocket-Version: 13\r\n"
            + "Accept-Encoding: gzip, deflate, br, zstd\r\n"
            + "Accept-Language: en-US,en;q=0.9\r\n"
            + "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
            + "Sec-WebSocket-Extensions: permessage-deflate; client_max_window_bits\r\n"
            + "Sec-WebSocket-Protocol: superchat, chat\r\n"
            + "\r\n";
    static final String WSLOAD = "GET /echo HTTP/1.1\r\n"
            + "Host: 127.0.0.1:14481\r\n"
            + "Upgrade: websocket\r\n"
            + "Connection: Upgrade\r\n"
            + "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
            + "Sec-WebSocket-Version: 13\r\n"
            + "User-Agent: wsload\r\n"
            + "\r\n";
    private static final List<String> SUPPORTED = List.of("chat");
    private static final int MAX_HEAD_BYTES = 8 << 10;
    private static final int MAX_HEADER_LINES = 128;

    @Param({"chrome", "wsload"})
    public String request;

    private ByteBuffer input;
    private HandshakeScratch scratch;
    private HttpRequestParser parser;
    private final byte[] out = new byte[4096];

    @Setup(Level.Trial)
    public void setUp() {
        byte[] bytes = ("chrome".equals(request) ? CHROME : WSLOAD).getBytes(StandardCharsets.ISO_8859_1);
        input = ByteBuffer.allocate(64 << 10);
        input.put(bytes).flip();
        scratch = new HandshakeScratch();
        parser = new HttpRequestParser(MAX_HEAD_BYTES, MAX_HEADER_LINES);
    }

    /** Without a reused scratch: the accept key as a String (a SHA-1 digest per call), then the response. */
    @Benchmark
    public void handshake(Blackhole blackhole) {
        input.position(0);
        HttpRequestParser parser = new HttpRequestParser(MAX_HEAD_BYTES, MAX_HEADER_LINES);
        parser.feed(input);
        RequestHead head = parser.head();
        HandshakeCheck check = Handshake.check(head);
        List<String> offered = Handshake.offeredSubprotocols(head);
        String subprotocol = Handshake.selectSubprotocol(SUPPORTED, offered);
        ByteBuffer response = HttpResponses.switchingProtocols(Handshake.acceptKey(check.key()), subprotocol,
                null, null);
        blackhole.consume(head);
        blackhole.consume(offered);
        blackhole.consume(response);
    }

    /** The same with one {@link HandshakeScratch} per event loop: digest and accept key without garbage. */
    @Benchmark
    public void handshakeWithScratch(Blackhole blackhole) {
        input.position(0);
        HttpRequestParser parser = new HttpRequestParser(MAX_HEAD_BYTES, MAX_HEADER_LINES);
        parser.feed(input);
        RequestHead head = parser.head();
        HandshakeCheck check = Handshake.check(head);
        List<String> offered = Handshake.offeredSubprotocols(head);
        String subprotocol = Handshake.selectSubprotocol(SUPPORTED, offered);
        ByteBuffer response = HttpResponses.switchingProtocols(scratch, check.key(), subprotocol, null, null);
        blackhole.consume(head);
        blackhole.consume(offered);
        blackhole.consume(response);
    }

    /**
     * What the server does: a reused parser, the key checked and hashed straight from the request's
     * bytes, the 101 written into a reused output array (the server's write chunk).
     */
    @Benchmark
    public void handshakeAsTheServerRunsIt(Blackhole blackhole) {
        input.position(0);
        parser.reset();
        parser.feed(input);
        RequestHead head = parser.head();
        HandshakeCheck check = Handshake.check(head, scratch);
        List<String> offered = Handshake.offeredSubprotocols(head);
        String subprotocol = Handshake.selectSubprotocol(SUPPORTED, offered);
        int length = HttpResponses.switchingProtocolsLength(subprotocol, null, null);
        HttpResponses.writeSwitchingProtocols(scratch, head.headers(), subprotocol, null, null, out, 0, length);
        blackhole.consume(check);
        blackhole.consume(head);
        blackhole.consume(offered);
        blackhole.consume(out);
    }
}
