package dev.selkie.server;

import dev.selkie.Broker;
import dev.selkie.PreparedMessage;
import dev.selkie.WebSocket;
import java.nio.ByteBuffer;
import java.util.Collection;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A server's fan-out: messages framed once for many recipients, broadcast to the loops' connections
 * or published to a topic's subscribers on every loop, handed to the server's broker (if any), and
 * what the broker delivers from other servers. Any thread.
 */
public final class Fanout {
    private static final Logger log = LoggerFactory.getLogger(Fanout.class);
    private static final RateLimitedLog brokerFailed = new RateLimitedLog(log);

    private final ServerEngine engine;
    private final ServerConfig config;

    Fanout(ServerEngine engine) {
        this.engine = engine;
        this.config = engine.config();
    }

    /** A text message framed for this server (its outgoing fragment size). */
    public SharedMessage text(String text) {
        return SharedMessage.text(Objects.requireNonNull(text, "text"), config.outgoingFragmentSize());
    }

    /** A binary message framed for this server; the buffer's position is not changed. */
    public SharedMessage binary(ByteBuffer data) {
        return SharedMessage.binary(Objects.requireNonNull(data, "data"), config.outgoingFragmentSize());
    }

    /**
     * Queues a message to every open connection, or to {@code recipients}; encoded once.
     *
     * @param recipients null for every open connection
     * @throws IllegalArgumentException if a recipient is not a connection of this server
     */
    public void broadcast(SharedMessage message, Collection<? extends WebSocket> recipients) {
        message = message.forFragmentSize(config.outgoingFragmentSize());
        if (recipients == null) {
            for (EventLoop loop : engine.loops()) {
                loop.broadcast(message);
            }
            return;
        }
        for (WebSocket ws : recipients) {
            Connection connection = connectionOf(ws);
            connection.offer(message, connection.loop().inLoop());
        }
    }

    /**
     * Queues a message to every subscriber of {@code topic} but {@code except}; encoded once. A loop
     * that is not the caller's gets the message as a task when it has subscribers or a subscription
     * is on its way to it, so a subscribe and then a publish from one thread reach the subscriber.
     *
     * @param except a connection of this server to leave out, or null
     * @return subscribers on the calling loop it was queued for, plus the subscribers other loops
     *     had when it was handed to them
     * @throws IllegalArgumentException if {@code except} is not a connection of this server
     */
    public int publish(String topic, SharedMessage message, WebSocket except) {
        return publish(topic, message, except, true);
    }

    /** What the broker delivers from other servers: to local subscribers only, never forwarded again. */
    int deliverFromBroker(String topic, PreparedMessage message) {
        return publish(topic, ApiBridge.shared(Objects.requireNonNull(message, "message")), null, false);
    }

    /** @param forward whether the broker (if any) gets it too: false for what the broker delivers */
    private int publish(String topic, SharedMessage message, WebSocket except, boolean forward) {
        Objects.requireNonNull(topic, "topic");
        Connection left = except == null ? null : connectionOf(except);
        SharedMessage framed = message.forFragmentSize(config.outgoingFragmentSize());
        int count = 0;
        for (EventLoop loop : engine.loops()) {
            TopicRegistry registry = loop.topics();
            if (loop.inLoop()) {
                count += registry.publish(topic, framed, left);
            } else if (registry.mayHaveSubscribers(topic)) {
                count += registry.count(topic);
                loop.execute(() -> registry.publish(topic, framed, left));
            }
        }
        Broker broker = config.broker();
        if (forward && broker != null) {
            try {
                broker.publish(topic, ApiBridge.prepared(message));
            } catch (RuntimeException e) {
                brokerFailed.warn("the broker failed to publish to {}", topic, e);
            }
        }
        return count;
    }

    private Connection connectionOf(WebSocket ws) {
        if (!(ws instanceof Session session) || session.connection().loop().engine() != engine) {
            throw new IllegalArgumentException("not a connection of this server: " + ws);
        }
        return session.connection();
    }

    /**
     * Whether a publish to {@code topic} may reach anyone: the calling loop has subscribers, or
     * another loop has or has a subscription on its way. False means it can be skipped unencoded.
     */
    public boolean anySubscriber(String topic) {
        Objects.requireNonNull(topic, "topic");
        if (config.broker() != null) {
            return true; // the other servers' subscribers count too
        }
        for (EventLoop loop : engine.loops()) {
            if (loop.inLoop() ? loop.topics().count(topic) > 0 : loop.topics().mayHaveSubscribers(topic)) {
                return true;
            }
        }
        return false;
    }

    /** Connections subscribed to {@code topic} now (as last recorded by each loop). */
    public int subscriberCount(String topic) {
        int count = 0;
        for (EventLoop loop : engine.loops()) {
            count += loop.topics().count(topic);
        }
        return count;
    }
}
