package dev.selkie.server;

import dev.selkie.SendResult;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * One event loop's topic subscriptions: topic to the loop's subscribed connections. Mutated and
 * published to only on the loop's thread, so publishing takes no lock; other threads read only the
 * per-topic counts.
 */
final class TopicRegistry {
    private final Map<String, Subscribers> topics = new ConcurrentHashMap<>();

    private static final class Subscribers {
        final Set<Connection> connections = new HashSet<>();
        volatile int count;
    }

    /** Loop thread. @return whether the connection was not subscribed before */
    boolean subscribe(String topic, Connection connection) {
        Subscribers subscribers = topics.computeIfAbsent(topic, t -> new Subscribers());
        boolean added = subscribers.connections.add(connection);
        subscribers.count = subscribers.connections.size();
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
        }
        return true;
    }

    /**
     * Loop thread: queues the frame to every subscriber (see {@link Connection#offer(SharedMessage, boolean)}).
     *
     * @return the number of subscribers it was queued for
     */
    int publish(String topic, SharedMessage message) {
        Subscribers subscribers = topics.get(topic);
        if (subscribers == null) {
            return 0;
        }
        int queued = 0;
        for (Connection connection : subscribers.connections) {
            if (connection.offer(message, true) != SendResult.DROPPED) {
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
}
