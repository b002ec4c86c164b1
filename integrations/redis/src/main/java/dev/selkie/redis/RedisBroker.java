package dev.selkie.redis;

import dev.selkie.Broker;
import dev.selkie.PreparedMessage;
import io.lettuce.core.AbstractRedisClient;
import io.lettuce.core.ClientOptions;
import io.lettuce.core.RedisChannelHandler;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisConnectionStateListener;
import io.lettuce.core.RedisFuture;
import io.lettuce.core.RedisURI;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.SetArgs;
import io.lettuce.core.api.StatefulConnection;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.cluster.ClusterClientOptions;
import io.lettuce.core.cluster.ClusterTopologyRefreshOptions;
import io.lettuce.core.cluster.RedisClusterClient;
import io.lettuce.core.cluster.SlotHash;
import io.lettuce.core.cluster.api.StatefulRedisClusterConnection;
import io.lettuce.core.cluster.api.async.RedisClusterAsyncCommands;
import io.lettuce.core.cluster.models.partitions.Partitions;
import io.lettuce.core.cluster.models.partitions.RedisClusterNode;
import io.lettuce.core.cluster.pubsub.RedisClusterPubSubAdapter;
import io.lettuce.core.cluster.pubsub.StatefulRedisClusterPubSubConnection;
import io.lettuce.core.codec.ByteArrayCodec;
import io.lettuce.core.pubsub.RedisPubSubAdapter;
import io.lettuce.core.pubsub.StatefulRedisPubSubConnection;
import io.lettuce.core.resource.ClientResources;
import io.lettuce.core.resource.DefaultClientResources;
import io.lettuce.core.resource.Delay;
import java.net.SocketAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.LongAdder;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A {@link Broker} on Redis pub/sub: a topic published on one Selkie server reaches its subscribers
 * on every server on the same Redis. Give it to {@code WebSocketServer.Builder.broker}; one broker
 * per server.
 *
 * <pre>{@code
 * RedisBroker redis = RedisBroker.builder("redis://10.0.0.5:6379").build();
 * WebSocketServer server = WebSocketServer.builder().port(8080).broker(redis).route("/chat", chat).build();
 * server.start();
 * server.publish("room:42", "hello");       // this server's subscribers now, the others' through Redis
 * redis.presence().join("room:42", "ada");  // who is online, across servers
 * }</pre>
 *
 * <h2>How</h2>
 * Two connections per server ({@link Builder#build()} opens both, with Lettuce): one subscription
 * connection, which subscribes a topic's channel ({@code prefix + "topic:" + topic}) when the topic
 * gets its first subscriber on this server and unsubscribes it when it loses its last, so a topic
 * without local subscribers costs this server nothing; and one command connection for {@code
 * PUBLISH} (or {@code SPUBLISH} with {@link Builder#sharded}) and presence. A message on the wire is
 * a version byte, the type (text or binary), the origin server's id, a per-origin sequence number
 * and the payload bytes. A message of this server that comes back is dropped ({@link
 * RedisBrokerMetrics#ownDropped()}): its local subscribers had it at once. A message of another
 * server is delivered to the local subscribers framed once. No call blocks: the server's threads
 * only queue commands to Lettuce's I/O threads.
 *
 * <h2>Delivery guarantees</h2>
 * Redis pub/sub is at-most-once and so is this broker:
 * <ul>
 *   <li><b>Never lost:</b> local delivery. A server's own subscribers get its messages directly,
 *       whether Redis is up or not.</li>
 *   <li><b>Lost during an outage</b> (from the moment a connection to Redis breaks until both are
 *       up again and the topics are subscribed again): messages this server publishes (they fail
 *       at once, are not buffered and are counted in {@link RedisBrokerMetrics#unsent()}), and
 *       messages other servers publish while this server's subscription connection is down (Redis
 *       keeps no pub/sub backlog). A message in flight when the connection broke (written, not
 *       yet acknowledged) is either lost, or delivered once (Lettuce re-sends it after the
 *       reconnect; receivers drop it if they had it already).</li>
 *   <li><b>Never:</b> a duplicate (receivers drop any message whose sequence number they have seen
 *       for that origin and topic), or a reordering: while connected, one server's messages to one
 *       topic arrive at every other server in the order it published them (one command connection,
 *       one subscription connection).</li>
 *   <li>No order between different publishers, and nothing across a restart of Redis itself
 *       beyond the above.</li>
 * </ul>
 *
 * <h2>Faults</h2>
 * When Redis goes away, local delivery goes on. Lettuce reconnects with exponential back-off
 * ({@link Builder#reconnectDelay}) and subscribes the subscribed channels again by itself; a
 * subscribe or unsubscribe asked for during the outage is queued and sent after the reconnect in
 * order. An outage is logged once at WARN when it starts (with the cause) and once at INFO when it
 * ends (with its duration and the number of unsent messages), never per message; {@link #metrics()}
 * counts outages, the time disconnected and unsent messages.
 *
 * <h2>Redis Cluster</h2>
 * {@link #builder(List)} (or {@link Builder#cluster(boolean) cluster(true)}) takes the seed URIs of
 * a Redis Cluster (Redis 7 or later) and uses sharded pub/sub: a topic's channel hashes to a slot
 * like a key, {@code SSUBSCRIBE} goes to the master that owns the slot (Lettuce's cluster pub/sub
 * connection keeps one subscription connection per master that has a subscribed topic of this
 * server), and {@code SPUBLISH} goes to the same master, which delivers the message only within
 * its shard, so the cost of a message does not grow with the number of nodes. Presence uses
 * single-key commands and single-key scripts only and works on a cluster unchanged.
 *
 * <pre>{@code
 * RedisBroker redis = RedisBroker.builder(List.of("redis://10.0.0.5:7000", "redis://10.0.0.6:7000")).build();
 * }</pre>
 *
 * In cluster mode a connection to one master breaking is an outage of this broker (logged once,
 * counted once, until every connection is up again), but only the topics whose slots that master
 * owns are affected: publishes to other shards go on, and a publish to the unreachable shard is
 * rejected at once and counted in {@link RedisBrokerMetrics#unsent()}. When a slot moves (a
 * failover promoting a replica, or resharding), Lettuce follows the new topology (periodic and
 * adaptive refresh) and this broker subscribes the moved topics again on their new master: at
 * once when the old master says so ({@code SUNSUBSCRIBE} pushed by Redis), otherwise at the next
 * presence heartbeat after Lettuce has seen the new topology. The delivery guarantees above hold
 * per topic, as a topic lives on one shard.
 *
 * <p>Threads: Lettuce's I/O threads (2) and one daemon thread of this broker for the presence
 * heartbeat; {@link #stop()} ends them all.
 */
public final class RedisBroker implements Broker, AutoCloseable {
    /**
     * A builder for a broker on the Redis at {@code redisUri}, e.g. {@code "redis://127.0.0.1:6379"}
     * (any Lettuce Redis URI: {@code rediss://} for TLS, a password as {@code redis://:secret@host}).
     */
    public static Builder builder(String redisUri) {
        return new Builder(List.of(Objects.requireNonNull(redisUri, "redisUri")), false);
    }

    /**
     * A builder for a broker on the Redis Cluster reached through {@code seedUris} (one or more of
     * its nodes, e.g. {@code "redis://10.0.0.5:7000"}; Lettuce discovers the others), in cluster
     * mode: sharded pub/sub routed by slot, see {@link Builder#cluster(boolean)}.
     *
     * @throws IllegalArgumentException if {@code seedUris} is empty
     */
    public static Builder builder(List<String> seedUris) {
        List<String> seeds = List.copyOf(Objects.requireNonNull(seedUris, "seedUris"));
        if (seeds.isEmpty()) {
            throw new IllegalArgumentException("seedUris: at least one");
        }
        return new Builder(seeds, true);
    }

    /**
     * How a {@link RedisBroker} is made: {@link RedisBroker#builder(String)} (or {@link
     * RedisBroker#builder(List)} for Redis Cluster), the settings, {@link #build()}.
     */
    public static final class Builder {
        final List<String> uris;
        boolean cluster;
        String channelPrefix = "selkie:";
        String serverId;
        boolean sharded;
        Duration reconnectMin = Duration.ofMillis(100);
        Duration reconnectMax = Duration.ofSeconds(5);
        Duration heartbeatEvery = Duration.ofSeconds(5);
        Duration heartbeatExpiry = Duration.ofSeconds(15);

        private Builder(List<String> uris, boolean cluster) {
            this.uris = uris;
            this.cluster = cluster;
        }

        /**
         * Redis Cluster mode (default {@code false} with {@link RedisBroker#builder(String)}, {@code
         * true} with {@link RedisBroker#builder(List)}): the URIs are seeds of a Redis Cluster
         * (Redis 7 or later), connected with Lettuce's {@code RedisClusterClient}; topics use
         * sharded pub/sub ({@code SSUBSCRIBE}/{@code SPUBLISH}) routed to the master that owns the
         * channel's slot, whatever {@link #sharded} says; presence commands are routed by key.
         */
        public Builder cluster(boolean on) {
            this.cluster = on;
            return this;
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
         * SUBSCRIBE}/{@code PUBLISH} on a single Redis (default {@code false}). On Redis Cluster
         * use {@link #cluster(boolean)} (or {@link RedisBroker#builder(List)}), which is always
         * sharded and routes each channel to the master owning its slot; this setting alone keeps
         * one standalone connection and does not follow a cluster's slots.
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

        /**
         * Connects to Redis (both connections, blocking for the connect; in cluster mode also
         * loading the topology) and returns the broker, to be given to {@code
         * WebSocketServer.Builder.broker}.
         *
         * @throws io.lettuce.core.RedisConnectionException if Redis cannot be reached
         * @throws IllegalArgumentException if a setting is out of range
         */
        public RedisBroker build() {
            if (reconnectMin.isNegative() || reconnectMin.isZero() || reconnectMax.compareTo(reconnectMin) < 0) {
                throw new IllegalArgumentException("reconnectDelay: need 0 < min <= max");
            }
            if (heartbeatEvery.isNegative() || heartbeatEvery.isZero() || heartbeatExpiry.compareTo(heartbeatEvery) <= 0) {
                throw new IllegalArgumentException("presenceHeartbeat: need 0 < every < expiry");
            }
            if (!cluster && uris.size() != 1) {
                throw new IllegalArgumentException("several URIs need cluster(true)");
            }
            String id = serverId != null ? serverId : randomId();
            int idLength = id.getBytes(StandardCharsets.UTF_8).length;
            if (idLength == 0 || idLength > 255) {
                throw new IllegalArgumentException("serverId: 1 to 255 UTF-8 bytes");
            }
            return new RedisBroker(this, id);
        }

        private static String randomId() {
            byte[] bytes = new byte[6];
            new SecureRandom().nextBytes(bytes);
            return HexFormat.of().formatHex(bytes);
        }
    }

    private static final Logger log = LoggerFactory.getLogger(RedisBroker.class);
    static final byte WIRE_VERSION = 1;
    private static final byte BINARY = 1;
    /** Compare-and-delete: removes the field if the given server holds it. */
    private static final String DELETE_IF_HELD = "if redis.call('HGET', KEYS[1], ARGV[1]) == ARGV[2] then "
            + "return redis.call('HDEL', KEYS[1], ARGV[1]) end return 0";
    /** Compare-and-set: takes the field over from the given (dead) server. */
    private static final String TAKE_OVER = "if redis.call('HGET', KEYS[1], ARGV[1]) == ARGV[2] then "
            + "redis.call('HSET', KEYS[1], ARGV[1], ARGV[3]) return 1 end return 0";

    private final String serverId;
    private final byte[] serverIdBytes;
    private final long instance;
    private final String prefix;
    private final boolean cluster;
    private final boolean sharded;
    private final String uriText;
    private final Duration heartbeatExpiry;
    private final byte[] heartbeatKey;
    private final ClientResources resources;
    private final AbstractRedisClient subClient;
    private final AbstractRedisClient cmdClient;
    /** A {@link StatefulRedisClusterPubSubConnection} in cluster mode. */
    private final StatefulRedisPubSubConnection<byte[], byte[]> sub;
    /** A {@link StatefulRedisClusterConnection} in cluster mode. */
    private final StatefulConnection<byte[], byte[]> cmd;
    /** {@code cmd.async()}: routed by key in cluster mode. */
    private final RedisClusterAsyncCommands<byte[], byte[]> commands;
    private final ScheduledExecutorService scheduler;
    private final RedisPresence presence = new RedisPresence(this);

    private volatile Inbound inbound;
    private final AtomicBoolean closed = new AtomicBoolean();
    private final Set<String> topics = ConcurrentHashMap.newKeySet();
    /** Orders changes of {@link #topics} with the (S)SUBSCRIBE/(S)UNSUBSCRIBE commands queued for them. */
    private final Object subscriptionLock = new Object();
    /** Cluster mode: topic -> id of the master that confirmed its SSUBSCRIBE. */
    private final Map<String, String> subscribedAt = new ConcurrentHashMap<>();
    /** topic -> origin (id + instance) -> last sequence seen; on the subscription connections' threads. */
    private final Map<String, Map<String, Long>> lastSeen = new ConcurrentHashMap<>();
    /** room -> members this server holds, to leave them on close and to re-join them after Redis lost them. */
    private final Map<String, Set<String>> held = new ConcurrentHashMap<>();

    private final Object publishLock = new Object();
    private long sequence;
    private final LongAdder published = new LongAdder();
    private final LongAdder received = new LongAdder();
    private final LongAdder ownDropped = new LongAdder();
    private final LongAdder unsent = new LongAdder();

    private final Object state = new Object();
    /**
     * Guarded by {@link #state}: every connection seen going down, and whether it is up now (true)
     * or down (false); one per client standalone, one per node and client in cluster mode.
     */
    private final Map<RedisChannelHandler<?, ?>, Link> links = new IdentityHashMap<>();
    private volatile boolean subUp;
    private volatile boolean cmdUp;
    private boolean watching;
    private boolean inOutage;
    private long outageStartNanos;
    private long disconnectedNanos;
    private long outages;
    private long unsentAtOutageStart;
    private volatile Throwable lastCause;
    private volatile boolean heartbeatStopped;

    /** A connection's kind (subscriptions or commands), its address and whether it is up. */
    private static final class Link {
        final boolean subscriptions;
        SocketAddress address;
        boolean up;

        Link(boolean subscriptions) {
            this.subscriptions = subscriptions;
        }
    }

    private RedisBroker(Builder config, String serverId) {
        this.serverId = serverId;
        this.serverIdBytes = serverId.getBytes(StandardCharsets.UTF_8);
        this.instance = new SecureRandom().nextLong();
        this.prefix = config.channelPrefix;
        this.cluster = config.cluster;
        this.sharded = config.cluster || config.sharded;
        this.heartbeatExpiry = config.heartbeatExpiry;
        this.heartbeatKey = bytes(prefix + "server:" + serverId);
        List<RedisURI> uris = config.uris.stream().map(RedisURI::create).collect(Collectors.toList());
        this.uriText = (cluster ? "Redis Cluster " : "Redis at ")
                + uris.stream().map(u -> u.getHost() + ":" + u.getPort()).collect(Collectors.joining(","));
        this.resources = DefaultClientResources.builder()
                .ioThreadPoolSize(2)
                .computationThreadPoolSize(1)
                .reconnectDelay(Delay.exponential(config.reconnectMin, config.reconnectMax, 2, TimeUnit.MILLISECONDS))
                .build();
        boolean ok = false;
        AbstractRedisClient subscriptions = null;
        AbstractRedisClient commandClient = null;
        ScheduledThreadPoolExecutor beat = null;
        try {
            // subscriptions asked for during an outage are queued and sent, in order, after the
            // reconnect (which subscribes the channels Lettuce knows of first);
            // publishes during an outage fail at once (counted as unsent), never replayed late
            if (cluster) {
                // the topology is refreshed periodically and on MOVED/ASK/reconnects, so that a
                // failover is followed (the moved topics are then subscribed again, see heartbeat)
                ClusterTopologyRefreshOptions refresh = ClusterTopologyRefreshOptions.builder()
                        .enablePeriodicRefresh(config.heartbeatEvery.compareTo(Duration.ofSeconds(1)) < 0
                                ? Duration.ofSeconds(1) : config.heartbeatEvery)
                        .enableAllAdaptiveRefreshTriggers()
                        .build();
                RedisClusterClient s = RedisClusterClient.create(resources, uris);
                s.setOptions(ClusterClientOptions.builder().autoReconnect(true).topologyRefreshOptions(refresh)
                        .disconnectedBehavior(ClientOptions.DisconnectedBehavior.ACCEPT_COMMANDS).build());
                RedisClusterClient c = RedisClusterClient.create(resources, uris);
                c.setOptions(ClusterClientOptions.builder().autoReconnect(true).topologyRefreshOptions(refresh)
                        .disconnectedBehavior(ClientOptions.DisconnectedBehavior.REJECT_COMMANDS)
                        .requestQueueSize(100_000).build());
                subscriptions = s;
                commandClient = c;
            } else {
                RedisClient s = RedisClient.create(resources, uris.get(0));
                s.setOptions(ClientOptions.builder().autoReconnect(true)
                        .disconnectedBehavior(ClientOptions.DisconnectedBehavior.ACCEPT_COMMANDS).build());
                RedisClient c = RedisClient.create(resources, uris.get(0));
                c.setOptions(ClientOptions.builder().autoReconnect(true)
                        .disconnectedBehavior(ClientOptions.DisconnectedBehavior.REJECT_COMMANDS)
                        .requestQueueSize(100_000).build());
                subscriptions = s;
                commandClient = c;
            }
            subscriptions.addListener(new StateListener(true));
            commandClient.addListener(new StateListener(false));
            this.subClient = subscriptions;
            this.cmdClient = commandClient;
            if (cluster) {
                StatefulRedisClusterPubSubConnection<byte[], byte[]> clusterSub =
                        ((RedisClusterClient) subscriptions).connectPubSub(ByteArrayCodec.INSTANCE);
                // messages of the per-master subscription connections, with the node they came from
                clusterSub.addListener(new RedisClusterPubSubAdapter<>() {
                    @Override
                    public void smessage(RedisClusterNode node, byte[] channel, byte[] message) {
                        onMessage(channel, message);
                    }

                    @Override
                    public void ssubscribed(RedisClusterNode node, byte[] channel, long count) {
                        String topic = topicOf(channel);
                        if (topic != null && node != null && node.getNodeId() != null) {
                            subscribedAt.put(topic, node.getNodeId());
                        }
                    }

                    @Override
                    public void sunsubscribed(RedisClusterNode node, byte[] channel, long count) {
                        onShardUnsubscribed(channel);
                    }
                });
                StatefulRedisClusterConnection<byte[], byte[]> clusterCmd =
                        ((RedisClusterClient) commandClient).connect(ByteArrayCodec.INSTANCE);
                // one connection per master now: Lettuce opens them on first use, and with
                // REJECT_COMMANDS a command for a connection still being opened would be rejected
                for (RedisClusterNode node : clusterCmd.getPartitions()) {
                    if (node.is(RedisClusterNode.NodeFlag.UPSTREAM)) {
                        clusterCmd.getConnection(node.getUri().getHost(), node.getUri().getPort());
                    }
                }
                this.sub = clusterSub;
                this.cmd = clusterCmd;
                this.commands = clusterCmd.async();
            } else {
                StatefulRedisPubSubConnection<byte[], byte[]> plainSub =
                        ((RedisClient) subscriptions).connectPubSub(ByteArrayCodec.INSTANCE);
                plainSub.addListener(new RedisPubSubAdapter<>() {
                    @Override
                    public void message(byte[] channel, byte[] message) {
                        onMessage(channel, message);
                    }

                    @Override
                    public void smessage(byte[] channel, byte[] message) {
                        onMessage(channel, message);
                    }
                });
                StatefulRedisConnection<byte[], byte[]> plainCmd =
                        ((RedisClient) commandClient).connect(ByteArrayCodec.INSTANCE);
                this.sub = plainSub;
                this.cmd = plainCmd;
                this.commands = plainCmd.async();
            }
            try {
                this.commands.set(heartbeatKey, serverIdBytes, SetArgs.Builder.px(heartbeatExpiry.toMillis()))
                        .get(cmd.getTimeout().toMillis(), TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new io.lettuce.core.RedisConnectionException("interrupted while connecting", e);
            } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
                throw new io.lettuce.core.RedisConnectionException("the first heartbeat failed: " + e, e);
            }
            synchronized (state) {
                subUp = true;
                cmdUp = true;
                watching = true;
            }
            beat = new ScheduledThreadPoolExecutor(1, runnable -> {
                Thread thread = new Thread(runnable, "selkie-redis-heartbeat-" + serverId);
                thread.setDaemon(true);
                return thread;
            });
            beat.setRemoveOnCancelPolicy(true);
            long every = config.heartbeatEvery.toMillis();
            beat.scheduleAtFixedRate(this::heartbeat, every, every, TimeUnit.MILLISECONDS);
            this.scheduler = beat;
            ok = true;
        } finally {
            if (!ok) {
                if (beat != null) {
                    beat.shutdownNow();
                }
                shutdownClient(subscriptions);
                shutdownClient(commandClient);
                resources.shutdown(0, 2, TimeUnit.SECONDS);
            }
        }
    }

    /** This server's identity on Redis (see {@link Builder#serverId}). */
    public String serverId() {
        return serverId;
    }

    /**
     * Whether both connections to Redis (subscription and commands) are up; in cluster mode,
     * whether every connection of this broker to a node of the cluster is up.
     */
    public boolean connected() {
        return subUp && cmdUp && !closed.get();
    }

    /** A snapshot of this broker's counters. */
    public RedisBrokerMetrics metrics() {
        long outageCount;
        long disconnected;
        synchronized (state) {
            outageCount = outages;
            disconnected = disconnectedNanos + (inOutage ? System.nanoTime() - outageStartNanos : 0);
        }
        return new RedisBrokerMetrics(published.sum(), received.sum(), ownDropped.sum(), unsent.sum(),
                outageCount, TimeUnit.NANOSECONDS.toMillis(disconnected), connected());
    }

    /** Whether this broker is in Redis Cluster mode (see {@link Builder#cluster(boolean)}). */
    public boolean cluster() {
        return cluster;
    }

    /** Room presence across servers, on this broker's command connection. */
    public RedisPresence presence() {
        return presence;
    }

    /** {@inheritDoc} */
    @Override
    public void start(Inbound inbound) {
        this.inbound = Objects.requireNonNull(inbound, "inbound");
    }

    /** {@inheritDoc} Queues the {@code SUBSCRIBE} (or {@code SSUBSCRIBE}); does not wait for it. */
    @Override
    public void subscribe(String topic) {
        if (closed.get()) {
            return;
        }
        byte[] channel = channel(topic);
        RedisFuture<Void> future;
        synchronized (subscriptionLock) {
            topics.add(topic);
            future = sharded ? sub.async().ssubscribe(channel) : sub.async().subscribe(channel);
        }
        future.whenComplete((ignored, failure) -> {
            if (failure != null && !closed.get()) {
                log.debug("Subscribing {} failed", topic, failure);
            }
        });
    }

    /** {@inheritDoc} Queues the {@code UNSUBSCRIBE} (or {@code SUNSUBSCRIBE}); does not wait for it. */
    @Override
    public void unsubscribe(String topic) {
        if (closed.get()) {
            return;
        }
        byte[] channel = channel(topic);
        RedisFuture<Void> future;
        synchronized (subscriptionLock) {
            topics.remove(topic);
            lastSeen.remove(topic);
            subscribedAt.remove(topic);
            future = sharded ? sub.async().sunsubscribe(channel) : sub.async().unsubscribe(channel);
        }
        future.whenComplete((ignored, failure) -> {
            if (failure != null && !closed.get()) {
                log.debug("Unsubscribing {} failed", topic, failure);
            }
        });
    }

    /**
     * {@inheritDoc} Queues the {@code PUBLISH} (or {@code SPUBLISH}); does not wait for it. While
     * Redis is unreachable the message is not sent and counted in {@link RedisBrokerMetrics#unsent()}.
     */
    @Override
    public void publish(String topic, PreparedMessage message) {
        if (closed.get()) {
            return;
        }
        ByteBuffer payload = message.payload();
        int head = 3 + serverIdBytes.length + 16;
        byte[] wire = new byte[head + payload.remaining()];
        wire[0] = WIRE_VERSION;
        wire[1] = message.isText() ? 0 : BINARY;
        wire[2] = (byte) serverIdBytes.length;
        System.arraycopy(serverIdBytes, 0, wire, 3, serverIdBytes.length);
        ByteBuffer out = ByteBuffer.wrap(wire, 3 + serverIdBytes.length, wire.length - 3 - serverIdBytes.length);
        out.putLong(instance);
        int seqAt = out.position();
        out.position(head);
        out.put(payload);
        byte[] channel = channel(topic);
        RedisFuture<Long> future;
        // the sequence number and the order of the writes on the connection must agree
        synchronized (publishLock) {
            ByteBuffer.wrap(wire).putLong(seqAt, ++sequence);
            // standalone: nothing is reachable; in cluster mode only the shard of an unreachable
            // master is, and the command fails at once there (REJECT_COMMANDS)
            if (!cmdUp && !cluster) {
                unsent.increment();
                return;
            }
            try {
                future = sharded ? commands.spublish(channel, wire) : commands.publish(channel, wire);
            } catch (RuntimeException e) {
                unsent.increment();
                return;
            }
        }
        future.whenComplete((receivers, failure) -> {
            if (failure != null) {
                unsent.increment();
            } else {
                published.increment();
            }
        });
    }

    /**
     * {@inheritDoc} Removes this server's heartbeat key and its presence entries (waiting up to 2
     * s for Redis), closes both connections and ends Lettuce's threads and the heartbeat thread.
     * Idempotent.
     */
    @Override
    public void stop() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        inbound = null;
        scheduler.shutdownNow();
        if (cmdUp || cluster) {
            try {
                List<CompletableFuture<?>> removals = new ArrayList<>();
                removals.add(commands.del(heartbeatKey).toCompletableFuture());
                held.forEach((room, members) -> {
                    for (String member : members) {
                        removals.add(deleteIfHeld(room, member, serverId).toCompletableFuture());
                    }
                });
                CompletableFuture.allOf(removals.toArray(CompletableFuture[]::new)).get(2, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (Exception e) {
                log.debug("Removing this server's presence from Redis failed", e);
            }
        }
        held.clear();
        shutdownClient(subClient);
        shutdownClient(cmdClient);
        try {
            java.util.concurrent.Future<?> done = resources.shutdown(0, 2, TimeUnit.SECONDS);
            done.get(3, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Exception e) {
            log.debug("Shutting down Lettuce's resources failed", e);
        }
    }

    /** Same as {@link #stop()}: closes the connections and stops the heartbeat; idempotent. */
    @Override
    public void close() {
        stop();
    }

    private static void shutdownClient(AbstractRedisClient client) {
        if (client != null) {
            try {
                client.shutdown(0, 2, TimeUnit.SECONDS);
            } catch (RuntimeException e) {
                log.debug("Shutting down a Redis client failed", e);
            }
        }
    }

    private byte[] channel(String topic) {
        return bytes(prefix + "topic:" + topic);
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    /** The topic of one of this broker's channels, or null. */
    private String topicOf(byte[] channel) {
        String name = new String(channel, StandardCharsets.UTF_8);
        String topicPrefix = prefix + "topic:";
        return name.startsWith(topicPrefix) ? name.substring(topicPrefix.length()) : null;
    }

    /** On a subscription connection's I/O thread. */
    private void onMessage(byte[] channel, byte[] wire) {
        Inbound in = inbound;
        if (in == null) {
            return;
        }
        String topic = topicOf(channel);
        if (topic == null || wire.length < 3 || wire[0] != WIRE_VERSION) {
            log.debug("Ignoring a message on {} that is not of this broker's format",
                    new String(channel, StandardCharsets.UTF_8));
            return;
        }
        int idLength = wire[2] & 0xFF;
        int head = 3 + idLength + 16;
        if (wire.length < head) {
            return;
        }
        ByteBuffer in16 = ByteBuffer.wrap(wire, 3 + idLength, 16);
        long originInstance = in16.getLong();
        long seq = in16.getLong();
        if (originInstance == instance && idLength == serverIdBytes.length
                && ByteBuffer.wrap(wire, 3, idLength).equals(ByteBuffer.wrap(serverIdBytes))) {
            ownDropped.increment();
            return;
        }
        if (!topics.contains(topic)) {
            return;
        }
        String origin = new String(wire, 3, idLength, StandardCharsets.UTF_8) + "/" + originInstance;
        Map<String, Long> seen = lastSeen.computeIfAbsent(topic, t -> new HashMap<>());
        // one topic comes from one connection, except for a moment after its slot moved
        synchronized (seen) {
            Long last = seen.get(origin);
            if (last != null && seq <= last) {
                return; // a copy re-sent after a reconnect, already delivered
            }
            seen.put(origin, seq);
        }
        ByteBuffer payload = ByteBuffer.wrap(wire, head, wire.length - head);
        try {
            in.deliver(topic, (wire[1] & BINARY) != 0 ? PreparedMessage.binary(payload) : PreparedMessage.utf8(payload));
            received.increment();
        } catch (IllegalArgumentException e) {
            log.debug("Dropping a text message on {} that is not UTF-8", topic);
        }
    }

    private final class StateListener implements RedisConnectionStateListener {
        private final boolean subscriptions;

        StateListener(boolean subscriptions) {
            this.subscriptions = subscriptions;
        }

        @Override
        public void onRedisConnected(RedisChannelHandler<?, ?> connection, SocketAddress address) {
            changed(connection, address, subscriptions, true);
        }

        @Override
        public void onRedisDisconnected(RedisChannelHandler<?, ?> connection) {
            changed(connection, null, subscriptions, false);
        }

        @Override
        public void onRedisExceptionCaught(RedisChannelHandler<?, ?> connection, Throwable cause) {
            lastCause = cause;
        }
    }

    private void changed(RedisChannelHandler<?, ?> connection, SocketAddress address, boolean subscriptions,
            boolean up) {
        synchronized (state) {
            if (!watching || closed.get()) {
                return;
            }
            Link link = links.get(connection);
            if (!up && connection.isClosed()) {
                // closed on purpose (e.g. a node that left the cluster): no longer waited for
                links.remove(connection);
            } else {
                if (link == null) {
                    link = new Link(subscriptions);
                    links.put(connection, link);
                }
                link.up = up;
                if (address != null) {
                    link.address = address;
                }
            }
            boolean sAll = true;
            boolean cAll = true;
            for (Link l : links.values()) {
                if (!l.up) {
                    if (l.subscriptions) {
                        sAll = false;
                    } else {
                        cAll = false;
                    }
                }
            }
            subUp = sAll;
            cmdUp = cAll;
            boolean both = sAll && cAll;
            if (!both && !inOutage) {
                inOutage = true;
                outages++;
                outageStartNanos = System.nanoTime();
                unsentAtOutageStart = unsent.sum();
                Throwable cause = lastCause;
                SocketAddress where = link != null ? link.address : null;
                log.warn("{} unreachable ({} connection{} lost: {}); messages are delivered to this server's "
                        + "subscribers only until it is back; reconnecting", uriText,
                        subscriptions ? "subscription" : "command", where != null ? " to " + where : "",
                        cause != null ? cause.toString() : "connection closed");
            } else if (both && inOutage) {
                inOutage = false;
                long took = System.nanoTime() - outageStartNanos;
                disconnectedNanos += took;
                lastCause = null;
                log.info("{} reachable again after {} ms; {} messages were not sent to other servers meanwhile",
                        uriText, TimeUnit.NANOSECONDS.toMillis(took), unsent.sum() - unsentAtOutageStart);
                refreshPresence(); // at once: Redis may have lost the presence of this server
            }
        }
    }

    /**
     * Cluster mode, on an I/O thread: a shard channel was unsubscribed. If this server did not ask
     * for it (the topic is still wanted), its slot moved away from that master: subscribe again,
     * which goes to the slot's master in the current topology.
     */
    private void onShardUnsubscribed(byte[] channel) {
        String topic = topicOf(channel);
        if (topic == null || closed.get() || !topics.contains(topic)) {
            return;
        }
        subscribedAt.remove(topic);
        log.debug("Redis unsubscribed {} (its slot moved); subscribing it again", topic);
        resubscribe(topic);
    }

    private void resubscribe(String topic) {
        synchronized (subscriptionLock) {
            if (!topics.contains(topic)) {
                return; // unsubscribed meanwhile: must not come back in Redis
            }
            resubscribeLocked(topic);
        }
    }

    private void resubscribeLocked(String topic) {
        try {
            sub.async().ssubscribe(channel(topic)).whenComplete((ignored, failure) -> {
                if (failure != null && !closed.get()) {
                    log.debug("Subscribing {} again failed", topic, failure);
                    subscribedAt.remove(topic); // tried again at the next heartbeat
                }
            });
        } catch (RuntimeException e) {
            log.debug("Subscribing {} again failed", topic, e);
        }
    }

    /**
     * Cluster mode, on the heartbeat thread: subscribes again every wanted topic whose slot is owned,
     * in the topology Lettuce knows now, by another master than the one it was subscribed on (a
     * failover or resharding moved it while that master could not tell).
     */
    private void followSlots() {
        Partitions partitions = ((RedisClusterClient) subClient).getPartitions();
        for (String topic : topics) {
            String at = subscribedAt.get(topic);
            RedisClusterNode owner = partitions.getMasterBySlot(SlotHash.getSlot(channel(topic)));
            if (owner == null || (at != null && at.equals(owner.getNodeId()))) {
                continue;
            }
            log.debug("{} is now served by {}; subscribing it there", topic, owner.getUri());
            subscribedAt.remove(topic);
            resubscribe(topic);
        }
    }

    /** Tests: the heartbeat stops as if this server had crashed (its key then expires). */
    void stopHeartbeatForTest() {
        scheduler.shutdownNow();
        heartbeatStopped = true;
    }

    // ---- presence ----

    private byte[] roomKey(String room) {
        return bytes(prefix + "presence:" + room);
    }

    private byte[] serverKey(String id) {
        return bytes(prefix + "server:" + id);
    }

    /** On the heartbeat thread: follow the cluster's slots (cluster mode), refresh presence. */
    private void heartbeat() {
        if (closed.get() || heartbeatStopped) {
            return;
        }
        if (cluster) {
            try {
                followSlots();
            } catch (RuntimeException e) {
                log.debug("Following the cluster's slots failed", e);
            }
        }
        refreshPresence();
    }

    /** Refreshes this server's heartbeat key, and re-joins its members if Redis forgot them. */
    private void refreshPresence() {
        if (closed.get() || !cmdUp || heartbeatStopped) {
            return;
        }
        try {
            commands.setGet(heartbeatKey, serverIdBytes, SetArgs.Builder.px(heartbeatExpiry.toMillis()))
                    .whenComplete((previous, failure) -> {
                        if (failure == null && previous == null && !closed.get()) {
                            // the key had expired or Redis restarted: our members may be gone too
                            held.forEach((room, members) -> {
                                for (String member : Set.copyOf(members)) {
                                    presenceJoin(room, member);
                                }
                            });
                        }
                    });
        } catch (RuntimeException e) {
            log.debug("Heartbeat failed", e);
        }
    }

    private CompletionStage<Long> deleteIfHeld(String room, String member, String holder) {
        return commands.<Long>eval(DELETE_IF_HELD, ScriptOutputType.INTEGER, new byte[][] {roomKey(room)},
                bytes(member), bytes(holder));
    }

    CompletionStage<Boolean> presenceJoin(String room, String member) {
        Objects.requireNonNull(room, "room");
        Objects.requireNonNull(member, "member");
        return join(room, member, 3).thenApply(joined -> {
            if (joined && !closed.get()) {
                held.computeIfAbsent(room, r -> ConcurrentHashMap.newKeySet()).add(member);
            }
            return joined;
        });
    }

    private CompletionStage<Boolean> join(String room, String member, int attempts) {
        if (closed.get()) {
            return CompletableFuture.failedFuture(new IllegalStateException("broker closed"));
        }
        RedisClusterAsyncCommands<byte[], byte[]> async = commands;
        byte[] key = roomKey(room);
        byte[] field = bytes(member);
        return async.hsetnx(key, field, serverIdBytes).thenCompose(set -> {
            if (set) {
                return CompletableFuture.completedFuture(true);
            }
            return async.hget(key, field).thenCompose(holder -> {
                if (holder == null) {
                    return attempts > 1 ? join(room, member, attempts - 1) : CompletableFuture.completedFuture(false);
                }
                if (java.util.Arrays.equals(holder, serverIdBytes)) {
                    return CompletableFuture.completedFuture(true);
                }
                return async.exists(serverKey(new String(holder, StandardCharsets.UTF_8))).thenCompose(live -> {
                    if (live > 0) {
                        return CompletableFuture.completedFuture(false);
                    }
                    // its server is dead: take the name over, unless someone else just did
                    return async.<Long>eval(TAKE_OVER, ScriptOutputType.INTEGER, new byte[][] {key}, field, holder,
                            serverIdBytes).thenCompose(took -> took == 1 ? CompletableFuture.completedFuture(true)
                                    : attempts > 1 ? join(room, member, attempts - 1)
                                    : CompletableFuture.completedFuture(false));
                });
            });
        });
    }

    CompletionStage<Void> presenceLeave(String room, String member) {
        Objects.requireNonNull(room, "room");
        Objects.requireNonNull(member, "member");
        Set<String> members = held.get(room);
        if (members != null) {
            members.remove(member);
            if (members.isEmpty()) {
                held.remove(room, members);
            }
        }
        if (closed.get()) {
            return CompletableFuture.failedFuture(new IllegalStateException("broker closed"));
        }
        return deleteIfHeld(room, member, serverId).thenApply(n -> null);
    }

    CompletionStage<List<String>> presenceMembers(String room) {
        Objects.requireNonNull(room, "room");
        if (closed.get()) {
            return CompletableFuture.failedFuture(new IllegalStateException("broker closed"));
        }
        RedisClusterAsyncCommands<byte[], byte[]> async = commands;
        return async.hgetall(roomKey(room)).thenCompose(entries -> {
            Map<String, String> byMember = new HashMap<>();
            entries.forEach((field, holder) -> byMember.put(new String(field, StandardCharsets.UTF_8),
                    new String(holder, StandardCharsets.UTF_8)));
            Set<String> servers = new HashSet<>(byMember.values());
            servers.remove(serverId);
            Map<String, CompletableFuture<Long>> alive = new HashMap<>();
            for (String server : servers) {
                alive.put(server, async.exists(serverKey(server)).toCompletableFuture());
            }
            return CompletableFuture.allOf(alive.values().toArray(CompletableFuture[]::new)).thenApply(done -> {
                List<String> members = new ArrayList<>();
                byMember.forEach((member, holder) -> {
                    if (holder.equals(serverId) || alive.get(holder).join() > 0) {
                        members.add(member);
                    } else {
                        deleteIfHeld(room, member, holder); // lazily, unless it was taken over meanwhile
                    }
                });
                members.sort(null);
                return members;
            });
        });
    }
}
