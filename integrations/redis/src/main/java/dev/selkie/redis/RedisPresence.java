package dev.selkie.redis;

import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletionStage;

/**
 * Who is online in a room, whichever server they are on: a Redis hash per room ({@code prefix +
 * "presence:" + room}, field = member name, value = the id of the server that holds it) and a
 * heartbeat key per server ({@code prefix + "server:" + id}, refreshed by the broker every {@code
 * presenceHeartbeat} and expiring after {@code expiry}). A member of a server whose heartbeat key
 * has expired (a crashed server, or one cut off from Redis) is not listed and is removed from the
 * hash the next time the room is read, so it disappears within the expiry; a closed server removes
 * its members at once.
 *
 * <p>Obtained from {@link RedisBroker#presence()}; shares the broker's command connection. Every
 * method is asynchronous and never blocks (call it from an event-loop thread as well); its stage
 * completes on a Lettuce I/O thread, exceptionally when Redis is unreachable. Thread-safe.
 */
public final class RedisPresence {
    private final RedisBroker broker;

    RedisPresence(RedisBroker broker) {
        this.broker = Objects.requireNonNull(broker, "broker");
    }

    /**
     * Joins {@code member} to {@code room} on this server. The name is taken unless it is held in
     * that room by another live server (one whose heartbeat key exists) — a name held by a dead
     * server is taken over. Joining again a name this server holds already succeeds.
     *
     * @return {@code true} if this server holds the name now, {@code false} if a live server holds it
     */
    public CompletionStage<Boolean> join(String room, String member) {
        return broker.presenceJoin(room, member);
    }

    /**
     * Removes {@code member} from {@code room} if this server holds it (a name held by another
     * server is left alone).
     */
    public CompletionStage<Void> leave(String room, String member) {
        return broker.presenceLeave(room, member);
    }

    /**
     * The members of {@code room} across all servers, sorted, without the members of servers whose
     * heartbeat has expired (they are removed from the room's hash on the way).
     */
    public CompletionStage<List<String>> members(String room) {
        return broker.presenceMembers(room);
    }
}
