package dev.selkie;

/**
 * Hears when a topic becomes active on this server (its first subscriber, on any event loop) and
 * when it becomes inactive (its last subscriber left or closed): once per server, not per
 * connection. The place to subscribe a topic in an external broker and to unsubscribe it again
 * (see {@link WebSocketServer.Builder#topicListener}).
 *
 * <p>Calls for one server are made one at a time, in the order the transitions happened, on the
 * event-loop thread that made the transition; they must be quick and must not block (hand slow
 * work to a thread of your own). A topic that flaps (last subscriber leaves, a new one comes) gets
 * {@code onNoSubscribers} then {@code onFirstSubscriber} again, never two of a kind in a row. An
 * exception thrown here is logged and otherwise ignored.
 */
public interface TopicListener {
    /** {@code topic} got its first subscriber on this server. */
    default void onFirstSubscriber(String topic) {
    }

    /** {@code topic} lost its last subscriber on this server. */
    default void onNoSubscribers(String topic) {
    }
}
