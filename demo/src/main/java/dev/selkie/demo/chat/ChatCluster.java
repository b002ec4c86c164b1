package dev.selkie.demo.chat;

import dev.selkie.Broker;
import dev.selkie.PreparedMessage;
import dev.selkie.demo.json.Json;
import dev.selkie.demo.json.JsonException;
import dev.selkie.demo.RedisConnection;
import dev.selkie.redis.RedisBroker;
import dev.selkie.redis.RedisPresence;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BiConsumer;
import java.util.function.Function;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The chat's side of a {@link RedisBroker}: the server's broker (every topic goes through to Redis),
 * plus who is online across servers ({@link RedisPresence}) and how a join or leave on one server
 * updates the users lists of the others.
 *
 * <p>Presence events travel on a topic of their own per room, {@code presence:<room>}, from server to
 * server only: a server publishes {@code {"event":"join","name":".."}} straight to the Redis broker
 * when one of its users joined or left (so its own clients never see that raw event), and is
 * subscribed to it exactly while it is subscribed to the room's topic {@code room:<room>} (the core
 * tells the broker when a room gets its first and loses its last local user). A server receiving an
 * event reads the room's members from Redis again and sends its own users of the room a {@code
 * presence} message with that list. Each server reads and sends one room at a time, in order, so the
 * last list its users get was read after the last change it heard of: the lists converge even when
 * joins on two servers cross.
 *
 * <p>Redis unreachable: every presence call gives up after {@link #TIMEOUT} and the caller falls back to
 * this server's own users (names are then unique on this server only); logged once per outage.
 */
final class ChatCluster implements Broker {
    /** How long a presence call may take before the server goes on with its local view. */
    static final Duration TIMEOUT = Duration.ofSeconds(2);

    private static final Logger log = LoggerFactory.getLogger(ChatCluster.class);
    private static final String ROOM_TOPIC = "room:";
    private static final String PRESENCE_TOPIC = "presence:";

    private final RedisConnection redis;
    private final BiConsumer<String, PresenceEvent> onRemoteEvent;
    private final AtomicBoolean degraded = new AtomicBoolean();
    /** Set by {@link #stop}: the connections closing then leave their rooms without Redis (it drops them itself). */
    private volatile boolean stopped;
    /** Per room: the tail of its chain of presence updates on this server. */
    private final Map<String, CompletableFuture<Void>> chains = new HashMap<>();

    /** A join or leave heard from another server. */
    record PresenceEvent(String event, String name) {
    }

    /**
     * @param redis the connection to Redis (started and stopped by the server, through this)
     * @param onRemoteEvent called with the room and the event when another server's user joined or left
     */
    ChatCluster(RedisConnection redis, BiConsumer<String, PresenceEvent> onRemoteEvent) {
        this.redis = redis;
        this.onRemoteEvent = onRemoteEvent;
    }

    RedisConnection redis() {
        return redis;
    }

    // --- Broker: everything goes to Redis; presence topics follow room topics and are taken off on the way in

    @Override
    public void start(Inbound inbound) {
        redis.start((topic, message) -> {
            if (topic.startsWith(PRESENCE_TOPIC)) {
                heard(topic.substring(PRESENCE_TOPIC.length()), message);
                return 0;
            }
            return inbound.deliver(topic, message);
        });
    }

    @Override
    public void subscribe(String topic) {
        redis.subscribe(topic);
        if (topic.startsWith(ROOM_TOPIC)) {
            redis.subscribe(PRESENCE_TOPIC + topic.substring(ROOM_TOPIC.length()));
        }
    }

    @Override
    public void unsubscribe(String topic) {
        redis.unsubscribe(topic);
        if (topic.startsWith(ROOM_TOPIC)) {
            redis.unsubscribe(PRESENCE_TOPIC + topic.substring(ROOM_TOPIC.length()));
        }
    }

    @Override
    public void publish(String topic, PreparedMessage message) {
        redis.publish(topic, message);
    }

    @Override
    public void stop() {
        stopped = true;
        redis.stop();
    }

    // --- presence

    /** Takes {@code name} in {@code room} across servers: false if a live server holds it; true if Redis is away. */
    CompletionStage<Boolean> join(String room, String name) {
        return call(p -> p.join(room, name), true);
    }

    /** Frees {@code name} in {@code room} across servers (best effort). */
    CompletionStage<Void> leave(String room, String name) {
        return call(p -> p.leave(room, name), null);
    }

    /** The room's users on every server, or {@code local} if Redis does not answer. */
    CompletionStage<List<String>> members(String room, Supplier<List<String>> local) {
        return call(p -> p.members(room), null).thenApply(users -> users != null ? users : local.get());
    }

    /** Tells the other servers that {@code name} joined or left {@code room}. */
    void announce(String room, String event, String name) {
        String json = Json.object(o -> o.put("event", event).put("name", name));
        try {
            redis.publish(PRESENCE_TOPIC + room, PreparedMessage.text(json));
        } catch (RuntimeException e) {
            log.debug("Could not tell the other servers that {} {} room {}: {}", name, event, room, e.toString());
        }
    }

    /**
     * Runs {@code step} for {@code room} after every step queued for it before has completed (whatever
     * its outcome), so that this server's presence updates of a room go out in the order they happened.
     */
    void inOrder(String room, Function<Void, CompletionStage<Void>> step) {
        CompletableFuture<Void> turn = new CompletableFuture<>();
        CompletableFuture<Void> done = turn.thenCompose(step).exceptionally(e -> {
            log.warn("Presence update of room {} failed", room, e);
            return null;
        });
        CompletableFuture<Void> previous;
        synchronized (chains) {
            previous = chains.put(room, done);
        }
        done.whenComplete((v, e) -> {
            synchronized (chains) {
                chains.remove(room, done); // nothing queued after it: the room's chain is done
            }
        });
        // outside the lock: the step may run at once, on this thread
        if (previous == null) {
            turn.complete(null);
        } else {
            previous.whenComplete((v, e) -> turn.complete(null));
        }
    }

    private void heard(String room, PreparedMessage message) {
        try {
            ChatProtocol.checkRoom(room);
            Map<String, Object> fields = Json.parseObject(
                    StandardCharsets.UTF_8.decode(message.payload()).toString());
            Object event = fields.get("event");
            Object name = fields.get("name");
            if (!("join".equals(event) || "leave".equals(event)) || !(name instanceof String)) {
                throw new ChatProtocolException("not a presence event");
            }
            onRemoteEvent.accept(room, new PresenceEvent((String) event, ChatProtocol.checkName((String) name)));
        } catch (ChatProtocolException | JsonException | RuntimeException e) {
            log.debug("Ignored a presence event for room {} from another server: {}", room, e.toString());
        }
    }

    /** {@code call}'s result, or {@code fallback} if it fails or takes longer than {@link #TIMEOUT}. */
    private <T> CompletionStage<T> call(Function<RedisPresence, CompletionStage<T>> call, T fallback) {
        RedisBroker broker = redis.broker();
        if (stopped || broker == null) { // stopping, or Redis not reached yet (RedisConnection says so)
            return CompletableFuture.completedFuture(fallback);
        }
        CompletableFuture<T> result;
        try {
            result = call.apply(broker.presence()).toCompletableFuture();
        } catch (RuntimeException e) {
            result = CompletableFuture.failedFuture(e);
        }
        return result.copy().orTimeout(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS).handle((value, error) -> {
            if (error == null) {
                if (degraded.compareAndSet(true, false)) {
                    log.info("Redis presence answers again: users lists span the servers again");
                }
                return value;
            }
            if (degraded.compareAndSet(false, true)) {
                log.warn("Redis presence does not answer ({}): users lists and name checks are this server's own "
                        + "until it is back", error instanceof java.util.concurrent.CompletionException
                        && error.getCause() != null ? error.getCause().toString() : error.toString());
            }
            return fallback;
        });
    }
}
