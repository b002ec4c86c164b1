package dev.selkie.server;

import dev.selkie.PreparedMessage;
import dev.selkie.SlowConsumerPolicy;
import dev.selkie.WebSocket;
import dev.selkie.WebSocketListener;
import dev.selkie.WebSocketServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
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
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * One publish to a topic of {@code subscribers} connections of a real server on loopback, from the
 * benchmark thread (as an application thread publishes), made of a {@link PreparedMessage} framed
 * once before the run ({@code prepared}) or of a {@code String} each time ({@code string}). The
 * clients are plain sockets that one reader thread drains and discards. Run with {@code -prof gc}:
 * {@code gc.alloc.rate.norm} is the memory a publish allocates in the whole JVM (the benchmark
 * thread, the event loop and the reader, which allocates nothing per read), so the prepared case
 * shows what a publish costs beyond encoding: the task handed to the loop, nothing per recipient
 * (small frames are copied into each connection's write chunk).
 *
 * <p>Publishes faster than the sockets drain are dropped under {@link SlowConsumerPolicy#DROP}
 * (counted, nothing allocated): the figure to read is allocation per publish, not throughput.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class PublishBenchmark {
    private static final String TOPIC = "room";

    @Param({"100"})
    public int subscribers;

    @Param({"64"})
    public int payloadSize;

    @Param({"prepared", "string"})
    public String kind;

    private WebSocketServer server;
    private final List<SocketChannel> clients = new ArrayList<>();
    private Thread reader;
    private volatile boolean running = true;
    private PreparedMessage prepared;
    private String text;
    /** A subscriber whose subscriptions serve as a barrier: see {@link #publish}. */
    private volatile WebSocket control;
    private int sinceBarrier;
    private boolean barrierUp;

    @Setup(Level.Trial)
    public void setUp() throws Exception {
        server = WebSocketServer.builder().host("127.0.0.1").port(0)
                .slowConsumerPolicy(SlowConsumerPolicy.DROP)
                .listener(new WebSocketListener() {
                    @Override
                    public void onOpen(WebSocket ws) {
                        ws.subscribe(TOPIC);
                        control = ws;
                    }
                }).build();
        server.start();
        Selector selector = Selector.open();
        byte[] request = ("GET / HTTP/1.1\r\nHost: localhost\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                + "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n")
                .getBytes(StandardCharsets.US_ASCII);
        for (int i = 0; i < subscribers; i++) {
            SocketChannel channel = SocketChannel.open(new InetSocketAddress("127.0.0.1", server.port()));
            channel.write(ByteBuffer.wrap(request));
            channel.configureBlocking(false);
            channel.register(selector, SelectionKey.OP_READ);
            clients.add(channel);
        }
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (server.subscriberCount(TOPIC) < subscribers) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("subscribers: " + server.subscriberCount(TOPIC));
            }
            Thread.onSpinWait();
        }
        reader = new Thread(() -> drain(selector), "bench-reader");
        reader.start();
        text = "x".repeat(payloadSize);
        prepared = PreparedMessage.text(text);
    }

    private void drain(Selector selector) {
        ByteBuffer sink = ByteBuffer.allocateDirect(1 << 20);
        java.util.function.Consumer<SelectionKey> read = key -> {
            sink.clear();
            try {
                ((SocketChannel) key.channel()).read(sink);
            } catch (IOException e) {
                key.cancel();
            }
        };
        try (selector) {
            while (running) {
                selector.select(read, 100); // no iterator per select
            }
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    @TearDown(Level.Trial)
    public void tearDown() throws Exception {
        running = false;
        reader.join();
        for (SocketChannel client : clients) {
            client.close();
        }
        server.stop(Duration.ofSeconds(2));
    }

    /**
     * Publishes; every {@value #BATCH} publishes waits until the loop has run them, so that the
     * loop's task queue never grows (a publish from another thread is a task for the loop): a
     * subscription made from this thread is a task behind them, and {@link WebSocket#topics()}
     * shows it once made. Its cost is shared by the batch.
     */
    @Benchmark
    public int publish() {
        int queued = "prepared".equals(kind) ? server.publish(TOPIC, prepared) : server.publish(TOPIC, text);
        if (++sinceBarrier == BATCH) {
            sinceBarrier = 0;
            barrierUp = !barrierUp;
            if (barrierUp) {
                control.subscribe("barrier");
            } else {
                control.unsubscribe("barrier");
            }
            while (control.topics().contains("barrier") != barrierUp) {
                Thread.onSpinWait();
            }
        }
        return queued;
    }

    private static final int BATCH = 256;
}
