package dev.selkie.server;

import java.io.IOException;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A listening socket (with the {@link TransportStack} its connections get), served by one event loop: accepts connections and deals them round-robin
 * to the server's loops. When {@code accept()} fails (typically: out of file descriptors) it stops
 * accepting for a moment, since the listening socket stays readable and the loop would otherwise
 * spin on it, and warns at most once per interval. Loop thread only.
 */
final class Acceptor implements Timer.Owner {
    private static final Logger log = LoggerFactory.getLogger(Acceptor.class);
    private static final int MAX_ACCEPTS_PER_TURN = 256;
    /** How long accepting pauses after {@code accept()} failed. */
    static final long PAUSE_NANOS = TimeUnit.MILLISECONDS.toNanos(100);

    private final ServerEngine engine;
    private final ServerSocketChannel channel;
    private final TransportStack stack;
    private final Clock clock;
    private Deadlines deadlines;
    private SelectionKey key;
    private boolean paused;
    /** Accept failures are logged at WARN at most once per interval; in between at DEBUG. */
    private final RateLimitedLog warnings;

    Acceptor(ServerEngine engine, ServerSocketChannel channel, TransportStack stack, Clock clock) {
        this.engine = engine;
        this.channel = channel;
        this.stack = stack;
        this.clock = clock;
        this.warnings = new RateLimitedLog(log, clock, RateLimitedLog.INTERVAL);
    }

    /** Registers with the serving loop's selector (before the loop runs). */
    void register(Selector selector, Deadlines loopDeadlines) throws IOException {
        deadlines = loopDeadlines;
        key = channel.register(selector, SelectionKey.OP_ACCEPT, this);
    }

    /** The listening socket is readable: accepts what is pending, up to a bound per turn. */
    void acceptReady() {
        for (int i = 0; i < MAX_ACCEPTS_PER_TURN; i++) {
            SocketChannel accepted;
            try {
                accepted = channel.accept();
            } catch (IOException e) {
                pause(e);
                return;
            }
            if (accepted == null) {
                return;
            }
            engine.nextLoop().adopt(accepted, stack);
        }
    }

    private void pause(IOException e) {
        long at = clock.nanoTime();
        warnings.warn("accept failed: {}; accepting pauses {} ms after each failure", e.toString(),
                TimeUnit.NANOSECONDS.toMillis(PAUSE_NANOS));
        paused = true;
        if (key.isValid()) {
            key.interestOps(0);
        }
        deadlines.schedule(this, 0, at + PAUSE_NANOS);
    }

    @Override
    public void timerExpired(int kind) {
        paused = false;
        if (key.isValid()) {
            key.interestOps(SelectionKey.OP_ACCEPT);
        }
    }

    /** Whether accepting is paused after a failure (for tests). */
    boolean paused() {
        return paused;
    }

    /** Stops accepting for good and closes the listening socket. */
    void close() {
        if (key != null) {
            key.cancel();
        }
        try {
            channel.close();
        } catch (IOException e) {
            log.debug("closing the listening socket: {}", e.toString());
        }
    }
}
