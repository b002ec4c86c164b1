package dev.selkie.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.selkie.testing.RawClient;
import dev.selkie.protocol.ServerFrames;
import dev.selkie.CloseCodes;
import dev.selkie.WebSocketServer;
import dev.selkie.protocol.ClientFrames;
import dev.selkie.protocol.Opcode;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * A graceful stop under load: 200 clients with messages in flight all get close 1001, answer it,
 * and the server's stop returns well within its timeout.
 */
class AbuseGracefulStopTest extends ServerTestSupport {
    private static final int CLIENTS = 200;
    private static final Duration STOP_TIMEOUT = Duration.ofSeconds(5);

    @Test
    void everyClientGets1001AndStopReturnsInTime() throws Exception {
        Recorder recorder = new Recorder(true);
        WebSocketServer server = start(builder().listener(recorder).loops(2));
        ConcurrentLinkedQueue<Integer> codes = new ConcurrentLinkedQueue<>();
        ConcurrentLinkedQueue<Throwable> failures = new ConcurrentLinkedQueue<>();
        CountDownLatch busy = new CountDownLatch(CLIENTS);
        List<Thread> threads = new ArrayList<>();
        for (int i = 0; i < CLIENTS; i++) {
            RawClient client = RawClient.open(server.port());
            Thread thread = new Thread(() -> talkUntilClosed(client, busy, codes, failures), "stop-client-" + i);
            thread.setDaemon(true);
            threads.add(thread);
        }
        threads.forEach(Thread::start);
        assertTrue(busy.await(30, TimeUnit.SECONDS), "every client exchanged messages");

        long started = System.nanoTime();
        server.stop(STOP_TIMEOUT);
        long took = System.nanoTime() - started;
        for (Thread thread : threads) {
            thread.join(10_000);
        }
        assertTrue(failures.isEmpty(), () -> failures.peek().toString());
        assertEquals(CLIENTS, codes.size());
        assertTrue(codes.stream().allMatch(code -> code == CloseCodes.GOING_AWAY), codes.toString());
        assertTrue(took < STOP_TIMEOUT.toNanos(), "stop took " + TimeUnit.NANOSECONDS.toMillis(took) + " ms");
        assertEquals(CLIENTS, recorder.closed.size());
        awaitNoSelkieThreads();
    }

    /** Keeps four messages in flight until the server's close frame comes; answers it. */
    private static void talkUntilClosed(RawClient client, CountDownLatch busy, ConcurrentLinkedQueue<Integer> codes,
                                        ConcurrentLinkedQueue<Throwable> failures) {
        try (client) {
            byte[] message = ClientFrames.text("in flight");
            for (int i = 0; i < 4; i++) {
                client.write(message);
            }
            for (int received = 0; ; received++) {
                ServerFrames.Frame frame = client.readFrame();
                if (frame.opcode() == Opcode.CLOSE) {
                    codes.add(frame.closeCode());
                    client.write(ClientFrames.close(frame.closeCode(), ""));
                    return;
                }
                if (received == 10) {
                    busy.countDown();
                }
                client.write(message);
            }
        } catch (Throwable e) {
            failures.add(e);
        }
    }
}
