package dev.selkie.server;

import dev.selkie.Broker;
import dev.selkie.TopicListener;
import java.util.HashMap;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The server-wide view of topics: for each topic, how many event loops have subscribers to it, so
 * that the {@link Broker} and the {@link TopicListener} hear of a topic's first subscriber and its
 * last exactly once per server. Loops report only their own transitions (their first subscriber, their last), which are
 * rare next to subscribes and publishes, under one lock, so that the listener sees the transitions
 * in the order they happened.
 */
final class ServerTopics {
    private static final Logger log = LoggerFactory.getLogger(ServerTopics.class);

    private final TopicListener listener;
    private final Broker broker;
    private final Map<String, Integer> loopsWithSubscribers = new HashMap<>();

    /** @param listener the application's, or null; @param broker the server's, or null */
    ServerTopics(TopicListener listener, Broker broker) {
        this.listener = listener;
        this.broker = broker;
    }

    /** A loop got its first subscriber of {@code topic}; loop thread. */
    void loopGained(String topic) {
        if (listener == null && broker == null) {
            return;
        }
        synchronized (loopsWithSubscribers) {
            if (loopsWithSubscribers.merge(topic, 1, Integer::sum) == 1) {
                tell(topic, true);
            }
        }
    }

    /** A loop lost its last subscriber of {@code topic}; loop thread. */
    void loopLost(String topic) {
        if (listener == null && broker == null) {
            return;
        }
        synchronized (loopsWithSubscribers) {
            if (loopsWithSubscribers.merge(topic, -1, Integer::sum) == 0) {
                loopsWithSubscribers.remove(topic);
                tell(topic, false);
            }
        }
    }

    private void tell(String topic, boolean active) {
        if (broker != null) {
            try {
                if (active) {
                    broker.subscribe(topic);
                } else {
                    broker.unsubscribe(topic);
                }
            } catch (RuntimeException e) {
                log.warn("the broker failed to {} {}", active ? "subscribe" : "unsubscribe", topic, e);
            }
        }
        if (listener != null) {
            try {
                if (active) {
                    listener.onFirstSubscriber(topic);
                } else {
                    listener.onNoSubscribers(topic);
                }
            } catch (RuntimeException e) {
                log.warn("the topic listener failed for {}", topic, e);
            }
        }
    }
}
