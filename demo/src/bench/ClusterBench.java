import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Cross-server delivery through a broker, measured from outside: {@code subscribers} connections to
 * the {@code /chat} relay of several bench-servers (spread evenly), one publisher on the first
 * server sending {@code rate} messages per second whose payload carries its send time; every
 * delivery's latency is recorded by the server the subscriber is on (same-server: the first;
 * cross-server: the others). Prints p50/p99 per kind, deliveries per second, and the CPU share of
 * the process {@code --redis-pid} (Redis) over the measured window.
 *
 * <pre>java demo/src/bench/ClusterBench.java --ports 9101,9102 --subscribers 1000 --rate 200 --seconds 10 --redis-pid PID</pre>
 *
 * A single-file program (java's source launcher, JDK only), like the soak scripts beside it: not
 * part of the build.
 */
public final class ClusterBench {
    private static final int PAYLOAD = 64;

    public static void main(String[] args) throws Exception {
        int[] ports = {9101, 9102};
        int subscribers = 1000;
        int rate = 200;
        int seconds = 10;
        int warmup = 3;
        long redisPid = -1;
        for (int i = 0; i < args.length; i += 2) {
            switch (args[i]) {
                case "--ports" -> ports = Arrays.stream(args[i + 1].split(",")).mapToInt(Integer::parseInt).toArray();
                case "--subscribers" -> subscribers = Integer.parseInt(args[i + 1]);
                case "--rate" -> rate = Integer.parseInt(args[i + 1]);
                case "--seconds" -> seconds = Integer.parseInt(args[i + 1]);
                case "--warmup" -> warmup = Integer.parseInt(args[i + 1]);
                case "--redis-pid" -> redisPid = Long.parseLong(args[i + 1]);
                default -> throw new IllegalArgumentException("unknown option " + args[i]);
            }
        }
        Selector selector = Selector.open();
        List<Sub> subs = new ArrayList<>();
        for (int i = 0; i < subscribers; i++) {
            int server = i % ports.length;
            SocketChannel channel = SocketChannel.open(new InetSocketAddress("127.0.0.1", ports[server]));
            channel.configureBlocking(false);
            channel.write(ByteBuffer.wrap(upgrade()));
            Sub sub = new Sub(server);
            channel.register(selector, SelectionKey.OP_READ, sub);
            subs.add(sub);
        }
        SocketChannel publisher = SocketChannel.open(new InetSocketAddress("127.0.0.1", ports[0]));
        publisher.write(ByteBuffer.wrap(upgrade()));
        readHead(publisher);
        // wait until every subscriber is upgraded
        long deadline = System.nanoTime() + 30_000_000_000L;
        while (subs.stream().anyMatch(s -> !s.open)) {
            pump(selector, false);
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("subscribers not upgraded in time");
            }
        }
        // give the servers a moment to subscribe in the broker: probe until a message crosses to every server
        long probeEnd = System.nanoTime() + 10_000_000_000L;
        while (System.nanoTime() < probeEnd) {
            sendFrame(publisher, payload(System.nanoTime()));
            long until = System.nanoTime() + 200_000_000L;
            while (System.nanoTime() < until) {
                pump(selector, false);
            }
            if (subs.stream().allMatch(s -> s.received > 0)) {
                break;
            }
        }
        subs.forEach(s -> s.received = 0);
        Thread drain = new Thread(() -> drainPublisher(publisher), "publisher-drain");
        drain.setDaemon(true);
        drain.start();

        long period = 1_000_000_000L / rate;
        long start = System.nanoTime();
        long measureFrom = start + warmup * 1_000_000_000L;
        long end = measureFrom + seconds * 1_000_000_000L;
        long next = start;
        long cpuBefore = -1;
        boolean measuring = false;
        long received = 0;
        Recorder same = new Recorder();
        Recorder cross = new Recorder();
        while (true) {
            long now = System.nanoTime();
            if (!measuring && now >= measureFrom) {
                measuring = true;
                cpuBefore = cpuTicks(redisPid);
                subs.forEach(s -> s.received = 0);
            }
            if (now >= end) {
                break;
            }
            if (now >= next) {
                sendFrame(publisher, payload(now));
                next += period;
            }
            for (Sub s : pump(selector, true)) {
                if (measuring) {
                    (s.server == 0 ? same : cross).add(s.lastLatency);
                }
            }
        }
        long cpuAfter = cpuTicks(redisPid);
        for (Sub s : subs) {
            received += s.received;
        }
        double clockTicks = 100.0; // USER_HZ on Linux
        System.out.printf("servers=%d subscribers=%d publish_rate=%d/s measured=%ds%n", ports.length, subscribers, rate, seconds);
        System.out.printf("deliveries/s=%.0f (expected %d)%n", received / (double) seconds, (long) rate * subscribers);
        System.out.printf("same-server   p50=%dus p99=%dus n=%d%n", same.percentile(50), same.percentile(99), same.count);
        if (ports.length > 1) {
            System.out.printf("cross-server  p50=%dus p99=%dus n=%d%n", cross.percentile(50), cross.percentile(99), cross.count);
        }
        if (redisPid > 0) {
            System.out.printf("redis CPU=%.1f%% of one core%n", 100.0 * (cpuAfter - cpuBefore) / clockTicks / seconds);
        }
        System.exit(0);
    }

    /** Latencies in microseconds, up to 10 s, one slot per microsecond bucket of a coarse log scale. */
    static final class Recorder {
        final long[] values = new long[4_000_000];
        int count;

        void add(long micros) {
            if (count < values.length) {
                values[count++] = micros;
            }
        }

        long percentile(double p) {
            if (count == 0) {
                return -1;
            }
            long[] sorted = Arrays.copyOf(values, count);
            Arrays.sort(sorted);
            return sorted[(int) Math.min(count - 1, Math.ceil(p / 100.0 * count) - 1)];
        }
    }

    static final class Sub {
        final int server;
        final ByteBuffer in = ByteBuffer.allocate(1 << 16);
        boolean open;
        long received;
        long lastLatency;

        Sub(int server) {
            this.server = server;
        }
    }

    private static final List<Sub> ready = new ArrayList<>();

    /** Reads what is there; returns one entry per delivery (a Sub may appear several times). */
    static List<Sub> pump(Selector selector, boolean record) throws IOException {
        ready.clear();
        selector.selectNow(key -> {
            Sub sub = (Sub) key.attachment();
            try {
                if (((SocketChannel) key.channel()).read(sub.in) < 0) {
                    key.cancel();
                    return;
                }
            } catch (IOException e) {
                key.cancel();
                return;
            }
            sub.in.flip();
            if (!sub.open) {
                int end = indexOf(sub.in, "\r\n\r\n");
                if (end < 0) {
                    sub.in.compact();
                    return;
                }
                sub.in.position(end + 4);
                sub.open = true;
            }
            long now = System.nanoTime();
            while (sub.in.remaining() >= 2) {
                int at = sub.in.position();
                int len = sub.in.get(at + 1) & 0x7F;
                int header = 2;
                if (len == 126) {
                    if (sub.in.remaining() < 4) {
                        break;
                    }
                    len = sub.in.getShort(at + 2) & 0xFFFF;
                    header = 4;
                }
                if (sub.in.remaining() < header + len) {
                    break;
                }
                long sent = Long.parseLong(new String(sub.in.array(), at + header, 19, StandardCharsets.US_ASCII).trim());
                sub.in.position(at + header + len);
                sub.received++;
                sub.lastLatency = (now - sent) / 1000;
                if (record) {
                    ready.add(sub);
                }
            }
            sub.in.compact();
        });
        return ready;
    }

    static int indexOf(ByteBuffer b, String s) {
        byte[] p = s.getBytes(StandardCharsets.US_ASCII);
        outer:
        for (int i = b.position(); i <= b.limit() - p.length; i++) {
            for (int j = 0; j < p.length; j++) {
                if (b.get(i + j) != p[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }

    static byte[] upgrade() {
        return ("GET /chat HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                + "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n")
                .getBytes(StandardCharsets.US_ASCII);
    }

    static void readHead(SocketChannel channel) throws IOException {
        ByteBuffer head = ByteBuffer.allocate(4096);
        while (indexOf(head.duplicate().flip(), "\r\n\r\n") < 0) {
            if (channel.read(head) < 0) {
                throw new IOException("closed during the handshake");
            }
        }
        channel.configureBlocking(true);
    }

    /** The publisher's own copies come back from the relay: read and discard them. */
    static void drainPublisher(SocketChannel channel) {
        ByteBuffer sink = ByteBuffer.allocate(1 << 16);
        try {
            while (channel.read(sink.clear()) >= 0) {
                // discarded
            }
        } catch (IOException e) {
            // the run is over
        }
    }

    static byte[] payload(long nanos) {
        String text = String.format("%19d", nanos);
        return (text + " ".repeat(PAYLOAD - text.length())).getBytes(StandardCharsets.US_ASCII);
    }

    /** One masked text frame (mask 0: a valid mask key that leaves the payload as it is). */
    static void sendFrame(SocketChannel channel, byte[] payload) throws IOException {
        ByteBuffer frame = ByteBuffer.allocate(6 + payload.length);
        frame.put((byte) 0x81).put((byte) (0x80 | payload.length)).putInt(0).put(payload).flip();
        synchronized (channel) {
            while (frame.hasRemaining()) {
                channel.write(frame);
            }
        }
    }

    static long cpuTicks(long pid) throws IOException {
        if (pid <= 0) {
            return 0;
        }
        String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
        String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        return Long.parseLong(f[11]) + Long.parseLong(f[12]); // utime, stime
    }
}
