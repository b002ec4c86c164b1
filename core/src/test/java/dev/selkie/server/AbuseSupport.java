package dev.selkie.server;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.selkie.testing.RawClient;
import java.io.File;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

/**
 * What the abuse suite measures in the test JVM, where the server runs: live heap after a full
 * collection, open file descriptors, live threads, and a healthy client that keeps echoing while
 * the abuse goes on.
 */
final class AbuseSupport {
    private AbuseSupport() {
    }

    /** Heap in use after a full collection (G1 collects fully on System.gc()). */
    static long liveHeap() {
        MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
        long best = Long.MAX_VALUE;
        for (int i = 0; i < 3; i++) { // the least of three: a collection may race a JIT or a logging buffer
            memory.gc();
            best = Math.min(best, memory.getHeapMemoryUsage().getUsed());
        }
        return best;
    }

    /** Open file descriptors of this process (Linux), or -1 where /proc is missing. */
    static int openDescriptors() {
        String[] fds = new File("/proc/self/fd").list();
        return fds == null ? -1 : fds.length;
    }

    /**
     * Live threads of the server(s) in this JVM (named {@code selkie-}); the JVM's own threads, some
     * of which start lazily (the common cleaner at the first socket), are not the server's to keep.
     */
    static long serverThreads() {
        return Thread.getAllStackTraces().keySet().stream().filter(t -> t.getName().startsWith("selkie-")).count();
    }

    /**
     * A client that echoes one message after another on its own thread until stopped, asserting every
     * answer: the other connections of an abused server must keep being served.
     */
    static final class HealthyClient implements AutoCloseable {
        private final RawClient client;
        private final Thread thread;
        private final AtomicBoolean running = new AtomicBoolean(true);
        private final AtomicInteger echoes = new AtomicInteger();
        private final AtomicReference<Throwable> failure = new AtomicReference<>();

        HealthyClient(int port) throws IOException {
            client = RawClient.open(port);
            thread = new Thread(this::run, "healthy-client");
            thread.setDaemon(true);
            thread.start();
        }

        private void run() {
            try {
                for (int i = 0; running.get(); i++) {
                    String text = "healthy " + i;
                    client.sendText(text);
                    assertEquals(text, client.readFrame().text());
                    echoes.incrementAndGet();
                }
            } catch (Throwable e) {
                failure.set(e);
            }
        }

        /** Round trips completed so far. */
        int echoes() {
            return echoes.get();
        }

        /** Stops the loop and rethrows what went wrong in it, if anything. */
        int stopAndCheck() throws InterruptedException {
            running.set(false);
            thread.join(15_000);
            Throwable e = failure.get();
            if (e != null) {
                throw new AssertionError("the healthy client failed after " + echoes.get() + " echoes", e);
            }
            if (thread.isAlive()) {
                throw new AssertionError("the healthy client hangs after " + echoes.get() + " echoes");
            }
            return echoes.get();
        }

        @Override
        public void close() throws IOException {
            running.set(false);
            client.close();
        }
    }
}
