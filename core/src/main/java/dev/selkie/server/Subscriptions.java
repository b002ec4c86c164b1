package dev.selkie.server;

import java.util.HashSet;
import java.util.Set;

/**
 * The topics one connection is subscribed to, kept in step with its loop's registry. Subscribing
 * and unsubscribing may be asked from any thread: on the loop it is immediate, from elsewhere it is
 * carried to the loop, a subscription counted as on its way meanwhile so that a publish the same
 * thread makes next does not skip the loop. The set is made at the first subscription, changed on
 * the loop thread only, with an immutable copy for readers on any thread.
 */
final class Subscriptions {
    private final EventLoop loop;
    private final TopicRegistry registry;
    private final Connection connection;
    private final SendQueue send;
    /** Made at the first subscription; loop thread. */
    private Set<String> topics;
    private volatile Set<String> snapshot = Set.of();

    Subscriptions(EventLoop loop, Connection connection, SendQueue send) {
        this.loop = loop;
        this.registry = loop.topics();
        this.connection = connection;
        this.send = send;
    }

    /** Any thread. */
    void subscribe(String topic) {
        if (loop.inLoop()) {
            add(topic);
            return;
        }
        registry.subscriptionQueued(); // before the task: a publish this thread makes next must not skip the loop
        loop.execute(() -> {
            try {
                add(topic);
            } finally {
                registry.subscriptionApplied();
            }
        });
    }

    /** Any thread; ordered after this thread's earlier subscriptions. */
    void unsubscribe(String topic) {
        if (loop.inLoop()) {
            remove(topic);
        } else {
            loop.execute(() -> remove(topic));
        }
    }

    private void add(String topic) {
        if (!send.accepting()) {
            return; // closing or closed: it would never be left
        }
        if (topics == null) {
            topics = new HashSet<>(4);
        }
        if (topics.add(topic)) {
            registry.subscribe(topic, connection);
            snapshot = Set.copyOf(topics);
        }
    }

    private void remove(String topic) {
        if (topics != null && topics.remove(topic)) {
            registry.unsubscribe(topic, connection);
            snapshot = Set.copyOf(topics);
        }
    }

    /** Leaves every topic (the connection closed); loop thread. */
    void leaveAll() {
        if (topics == null) {
            return;
        }
        for (String topic : topics) {
            registry.unsubscribe(topic, connection);
        }
        topics = null;
        snapshot = Set.of();
    }

    /** The topics now, unmodifiable; any thread. */
    Set<String> snapshot() {
        return snapshot;
    }
}
