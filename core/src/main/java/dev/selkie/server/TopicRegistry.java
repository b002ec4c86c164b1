package dev.selkie.server;

import dev.selkie.SendResult;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One event loop's topic subscriptions: topic to the loop's subscribed connections. Mutated and
 * published to only on the loop's thread, so publishing takes no lock; other threads read only the
 * per-topic counts, and the number of subscriptions handed to the loop and not yet made, so that a
 * publish from another thread never skips a loop a subscription is on its way to (operations one
 * thread issues take effect in the order issued).
 */
final class TopicRegistry {
    private final Map<String, Subscribers> topics = new ConcurrentHashMap<>();
    private final ServerTopics server;
    /** Subscriptions queued to the loop by other threads and not yet made. */
    private final AtomicInteger inFlight = new AtomicInteger();

    private static final class Subscribers {
        final Set<Connection> connections = new HashSet<>();
        volatile int count;
    }

    TopicRegistry(ServerTopics server) {
        this.server = server;
    }

    /** Loop thread. @return whether the connection was not subscribed before */
    boolean subscribe(String topic, Connection connection) {
        Subscribers subscribers = topics.computeIfAbsent(topic, t -> new Subscribers());
        boolean added = subscribers.connections.add(connection);
        subscribers.count = subscribers.connections.size();
        if (added && subscribers.count == 1) {
            server.loopGained(topic);
        }
        return added;
    }

    /** Loop thread. @return whether the connection was subscribed */
    boolean unsubscribe(String topic, Connection connection) {
        Subscribers subscribers = topics.get(topic);
        if (subscribers == null || !subscribers.connections.remove(connection)) {
            return false;
        }
        subscribers.count = subscribers.connections.size();
        if (subscribers.count == 0) {
            topics.remove(topic);
            server.loopLost(topic);
        }
        return true;
    }

    /**
     * Loop thread: queues the frame to every subscriber but {@code except} (see {@link
     * Connection#offer(SharedMessage, boolean)}).
     *
     * @param except a connection to leave out, or null
     * @return the number of subscribers it was queued for
     */
    int publish(String topic, SharedMessage message, Connection except) {
        Subscribers subscribers = topics.get(topic);
        if (subscribers == null) {
            return 0;
        }
        int queued = 0;
        for (Connection connection : subscribers.connections) {
            if (connection != except && connection.offer(message, true) != SendResult.DROPPED) {
                queued++;
            }
        }
        return queued;
    }

    /** Any thread: subscribers now (as last written by the loop). */
    int count(String topic) {
        Subscribers subscribers = topics.get(topic);
        return subscribers == null ? 0 : subscribers.count;
    }

    /** Any thread, before handing a subscription to the loop. */
    void subscriptionQueued() {
        inFlight.incrementAndGet();
    }

    /** Loop thread, once the queued subscription is made (or moot). */
    void subscriptionApplied() {
        inFlight.decrementAndGet();
    }

    /**
     * Any thread: whether a publish to {@code topic} from another thread must be handed to this
     * loop: it has subscribers, or a subscription (of any topic) is on its way to it.
     */
    boolean mayHaveSubscribers(String topic) {
        return inFlight.get() > 0 || count(topic) > 0;
    }
}
