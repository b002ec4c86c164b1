package dev.selkie.server;

import java.util.HashSet;
import java.util.Set;

/**
 * The topics one connection is subscribed to, kept in step with its loop's registry; changed on the
 * loop thread only, with an immutable copy for readers on any thread.
 */
final class Subscriptions {
    private final TopicRegistry registry;
    private final Connection connection;
    private final Set<String> topics = new HashSet<>(4);
    private volatile Set<String> snapshot = Set.of();

    Subscriptions(TopicRegistry registry, Connection connection) {
        this.registry = registry;
        this.connection = connection;
    }

    void add(String topic) {
        if (topics.add(topic)) {
            registry.subscribe(topic, connection);
            snapshot = Set.copyOf(topics);
        }
    }

    void remove(String topic) {
        if (topics.remove(topic)) {
            registry.unsubscribe(topic, connection);
            snapshot = Set.copyOf(topics);
        }
    }

    /** Leaves every topic (the connection closed). */
    void leaveAll() {
        for (String topic : topics) {
            registry.unsubscribe(topic, connection);
        }
        topics.clear();
        snapshot = Set.of();
    }

    /** The topics now, unmodifiable; any thread. */
    Set<String> snapshot() {
        return snapshot;
    }
}
