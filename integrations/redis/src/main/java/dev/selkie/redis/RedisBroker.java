package dev.selkie.redis;

import dev.selkie.Broker;
import dev.selkie.PreparedMessage;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * A {@link Broker} on Redis pub/sub: topics span every Selkie server on the same Redis.
 *
 * <p>Skeleton: the implementation follows.
 */
public final class RedisBroker implements Broker, AutoCloseable {
    private final Builder config;
    private final RedisPresence presence = new RedisPresence(this);

    private RedisBroker(Builder config) {
        this.config = config;
    }

    /**
     * A builder for a broker on the Redis at {@code redisUri}, e.g. {@code "redis://127.0.0.1:6379"}
     * (any Lettuce Redis URI: {@code rediss://} for TLS, a password as {@code redis://:secret@host}).
     */
    public static Builder builder(String redisUri) {
        return new Builder(redisUri);
    }

    /** How a {@link RedisBroker} is made: {@link RedisBroker#builder(String)}, the settings, {@link #build()}. */
    public static final class Builder {
        final String redisUri;
        String channelPrefix = "selkie:";
        String serverId;
        boolean sharded;
        Duration reconnectMin = Duration.ofMillis(100);
        Duration reconnectMax = Duration.ofSeconds(5);
        Duration heartbeatEvery = Duration.ofSeconds(5);
        Duration heartbeatExpiry = Duration.ofSeconds(15);

        private Builder(String redisUri) {
            this.redisUri = Objects.requireNonNull(redisUri, "redisUri");
        }

        /**
         * The prefix of every Redis key and channel of this broker (default {@code "selkie:"}): a
         * topic's channel is {@code prefix + "topic:" + topic}. Servers that share topics must use
         * the same prefix; different prefixes keep applications on one Redis apart.
         */
        public Builder channelPrefix(String prefix) {
            this.channelPrefix = Objects.requireNonNull(prefix, "prefix");
            return this;
        }

        /**
         * This server's identity, carried by every message it publishes and held by its presence
         * entries (default: 12 random hex characters). Must be unique among the servers on the Redis
         * and at most 255 UTF-8 bytes.
         */
        public Builder serverId(String id) {
            this.serverId = Objects.requireNonNull(id, "id");
            return this;
        }

        /**
         * Sharded pub/sub ({@code SSUBSCRIBE}/{@code SPUBLISH}, Redis 7) instead of {@code
         * SUBSCRIBE}/{@code PUBLISH} (default {@code false}): for Redis Cluster, where a sharded
         * message stays within the shard that owns its channel's slot instead of going to every node.
         */
        public Builder sharded(boolean on) {
            this.sharded = on;
            return this;
        }

        /**
         * The bounds of the exponential back-off between reconnect attempts after Redis went away
         * (defaults 100 ms and 5 s).
         */
        public Builder reconnectDelay(Duration min, Duration max) {
            this.reconnectMin = Objects.requireNonNull(min, "min");
            this.reconnectMax = Objects.requireNonNull(max, "max");
            return this;
        }

        /**
         * How often this server's presence heartbeat key is refreshed, and after how long without a
         * refresh it expires, taking this server's members out of every room (defaults 5 s and 15 s;
         * {@code expiry} must be longer than {@code every}).
         */
        public Builder presenceHeartbeat(Duration every, Duration expiry) {
            this.heartbeatEvery = Objects.requireNonNull(every, "every");
            this.heartbeatExpiry = Objects.requireNonNull(expiry, "expiry");
            return this;
        }

        /** Connects to Redis and returns the broker, to be given to {@code WebSocketServer.Builder.broker}. */
        public RedisBroker build() {
            return new RedisBroker(this);
        }
    }

    /** This server's identity on Redis (see {@link Builder#serverId}). */
    public String serverId() {
        return config.serverId;
    }

    /** Whether both connections to Redis (subscription and commands) are up. */
    public boolean connected() {
        return false;
    }

    /** A snapshot of this broker's counters. */
    public RedisBrokerMetrics metrics() {
        return new RedisBrokerMetrics(0, 0, 0, 0, 0, 0, false);
    }

    /** Room presence across servers, on this broker's command connection. */
    public RedisPresence presence() {
        return presence;
    }

    /** {@inheritDoc} */
    @Override
    public void start(Inbound inbound) {
    }

    /** {@inheritDoc} */
    @Override
    public void subscribe(String topic) {
    }

    /** {@inheritDoc} */
    @Override
    public void unsubscribe(String topic) {
    }

    /** {@inheritDoc} */
    @Override
    public void publish(String topic, PreparedMessage message) {
    }

    /** {@inheritDoc} */
    @Override
    public void stop() {
    }

    /** Same as {@link #stop()}: closes the connections and stops the heartbeat; idempotent. */
    @Override
    public void close() {
        stop();
    }

    CompletionStage<Boolean> presenceJoin(String room, String member) {
        return CompletableFuture.completedFuture(false);
    }

    CompletionStage<Void> presenceLeave(String room, String member) {
        return CompletableFuture.completedFuture(null);
    }

    CompletionStage<List<String>> presenceMembers(String room) {
        return CompletableFuture.completedFuture(List.of());
    }
}
