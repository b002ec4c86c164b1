package dev.selkie.demo;

import dev.selkie.Broker;
import dev.selkie.PreparedMessage;
import dev.selkie.redis.RedisBroker;
import java.time.Duration;
import java.util.LinkedHashSet;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The demos' broker for {@code --redis}: a {@link RedisBroker}, or, when Redis could not be reached at
 * start ({@link RedisBroker.Builder#build()} fails then), none yet and another attempt in the background
 * with back-off (0.5 s doubling up to 5 s) until one succeeds. Meanwhile the server serves its own
 * clients: publishes stay local and the topics subscribed are remembered and subscribed in Redis once it
 * is there. After that first connect, outages are the {@code RedisBroker}'s (it reconnects itself).
 */
public final class RedisConnection implements Broker {
    private static final Logger log = LoggerFactory.getLogger(RedisConnection.class);
    private static final Duration FIRST_RETRY = Duration.ofMillis(500);
    private static final Duration MAX_RETRY = Duration.ofSeconds(5);

    private final String uri;
    private final Supplier<RedisBroker> connect;
    private final Object lock = new Object();
    /** Null until connected; set once. */
    private volatile RedisBroker broker;
    // guarded by lock
    private final Set<String> topics = new LinkedHashSet<>();
    private Inbound inbound;
    private boolean stopped;
    private ScheduledExecutorService retries;

    private RedisConnection(String uri, Supplier<RedisBroker> connect) {
        this.uri = uri;
        this.connect = connect;
    }

    /**
     * Connects to Redis now with {@code connect}; if that fails, logs a warning and tries again once the
     * server started.
     */
    public static RedisConnection open(String uri, Supplier<RedisBroker> connect) {
        RedisConnection c = new RedisConnection(uri, connect);
        try {
            c.broker = connect.get();
        } catch (RuntimeException e) { // Lettuce's RedisConnectionException, typically
            log.warn("Redis at {} is not reachable ({}): serving this server's own clients only, trying again in "
                    + "the background", uri, rootMessage(e));
        }
        return c;
    }

    /** {@code RedisBroker.builder(uri)} with the demos' settings. */
    public static RedisConnection open(String uri, String serverId) {
        return open(uri, () -> RedisBroker.builder(uri).channelPrefix("selkie:").serverId(serverId).sharded(false)
                .presenceHeartbeat(Duration.ofSeconds(5), Duration.ofSeconds(15)).build());
    }

    /** The broker, or null while Redis has not been reached yet. */
    public RedisBroker broker() {
        return broker;
    }

    /** Whether connected to Redis now. */
    public boolean connected() {
        RedisBroker b = broker;
        return b != null && b.connected();
    }

    /** The Redis URI. */
    public String uri() {
        return uri;
    }

    @Override
    public void start(Inbound inbound) {
        synchronized (lock) {
            this.inbound = inbound;
            if (broker != null) {
                broker.start(inbound);
                return;
            }
            retries = Executors.newSingleThreadScheduledExecutor(r -> {
                Thread t = new Thread(r, "selkie-demo-redis-connect");
                t.setDaemon(true);
                return t;
            });
            retries.schedule(() -> retry(FIRST_RETRY), FIRST_RETRY.toMillis(), TimeUnit.MILLISECONDS);
        }
    }

    private void retry(Duration delay) {
        RedisBroker b;
        try {
            b = connect.get();
        } catch (RuntimeException e) {
            Duration next = delay.multipliedBy(2).compareTo(MAX_RETRY) > 0 ? MAX_RETRY : delay.multipliedBy(2);
            log.debug("Redis at {} still not reachable ({}); next attempt in {} ms", uri, rootMessage(e), next.toMillis());
            synchronized (lock) {
                if (!stopped) {
                    retries.schedule(() -> retry(next), next.toMillis(), TimeUnit.MILLISECONDS);
                }
            }
            return;
        }
        synchronized (lock) {
            if (stopped) {
                b.close();
                return;
            }
            b.start(inbound);
            topics.forEach(b::subscribe);
            broker = b;
            retries.shutdown();
        }
        log.info("Connected to Redis at {}: topics are shared with the other servers now", uri);
    }

    @Override
    public void subscribe(String topic) {
        synchronized (lock) {
            topics.add(topic);
            if (broker != null) {
                broker.subscribe(topic);
            }
        }
    }

    @Override
    public void unsubscribe(String topic) {
        synchronized (lock) {
            topics.remove(topic);
            if (broker != null) {
                broker.unsubscribe(topic);
            }
        }
    }

    @Override
    public void publish(String topic, PreparedMessage message) {
        RedisBroker b = broker;
        if (b != null) {
            b.publish(topic, message);
        } // else: not connected yet, the message stays on this server
    }

    @Override
    public void stop() {
        RedisBroker b;
        synchronized (lock) {
            stopped = true;
            if (retries != null) {
                retries.shutdownNow();
            }
            b = broker;
        }
        if (b != null) {
            b.close();
        }
    }

    private static String rootMessage(Throwable e) {
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        return root == e ? String.valueOf(e.getMessage()) : e.getMessage() + ": " + root.getMessage();
    }
}
