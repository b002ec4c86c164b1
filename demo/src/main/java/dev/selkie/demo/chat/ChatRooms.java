package dev.selkie.demo.chat;

import dev.selkie.WebSocket;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.LongSupplier;

/**
 * Who is in which room. A name is reserved when the handshake interceptor accepts it (so two handshakes
 * cannot take the same name), bound to its connection when it opens and released when it closes. A
 * reservation whose connection never opened (the client vanished during the handshake) expires.
 *
 * <p>Thread-safe: one lock guards the map; the callbacks given to {@link #bind} and {@link #release} run
 * under it, so room updates are published in the order they happen.
 */
public final class ChatRooms {
    private final Map<String, Map<String, Member>> rooms = new HashMap<>();
    private final LongSupplier nanoClock;
    private final long reservationTtlNanos;

    /**
     * @param nanoClock a monotonic clock in nanoseconds ({@code System::nanoTime})
     * @param reservationTtlNanos how long a reserved name waits for its connection to open
     */
    public ChatRooms(LongSupplier nanoClock, long reservationTtlNanos) {
        this.nanoClock = nanoClock;
        this.reservationTtlNanos = reservationTtlNanos;
    }

    /** Reserves {@code name} in {@code room}; false if somebody has it. */
    public synchronized boolean reserve(String room, String name) {
        Map<String, Member> members = rooms.computeIfAbsent(room, r -> new HashMap<>());
        Member existing = members.get(name);
        boolean pending = existing != null && existing.ws == null;
        if (existing != null && (!pending || nanoClock.getAsLong() - existing.reservedAt < reservationTtlNanos)) {
            return false;
        }
        members.put(name, new Member(nanoClock.getAsLong()));
        return true;
    }

    /**
     * Binds a reserved name to its now open connection and runs {@code then} with the room's users.
     *
     * @return false if the reservation was lost (it expired and somebody else took the name)
     */
    public synchronized boolean bind(String room, String name, WebSocket ws, Consumer<List<String>> then) {
        Map<String, Member> members = rooms.get(room);
        Member member = members == null ? null : members.get(name);
        if (member == null || member.ws != null) {
            return false;
        }
        member.ws = ws;
        then.accept(users(members));
        return true;
    }

    /** Frees the name held by {@code ws}, if it holds it, and runs {@code then} with the remaining users. */
    public synchronized void release(String room, String name, WebSocket ws, Consumer<List<String>> then) {
        Map<String, Member> members = rooms.get(room);
        Member member = members == null ? null : members.get(name);
        if (member == null || member.ws != ws) {
            return;
        }
        members.remove(name);
        if (members.isEmpty()) {
            rooms.remove(room);
        }
        then.accept(users(members));
    }

    /**
     * Drops the reservation of {@code name} in {@code room} if its connection has not opened: when the
     * name turned out to be taken on another server, or ({@code onlyExpired}) when the reservation is
     * older than its time to live and the client is not coming.
     *
     * @return whether a reservation was dropped
     */
    public synchronized boolean cancel(String room, String name, boolean onlyExpired) {
        Map<String, Member> members = rooms.get(room);
        Member member = members == null ? null : members.get(name);
        if (member == null || member.ws != null
                || (onlyExpired && nanoClock.getAsLong() - member.reservedAt < reservationTtlNanos)) {
            return false;
        }
        members.remove(name);
        if (members.isEmpty()) {
            rooms.remove(room);
        }
        return true;
    }

    /** The open connections of a room's users on this server. */
    public synchronized List<WebSocket> sockets(String room) {
        Map<String, Member> members = rooms.get(room);
        if (members == null) {
            return List.of();
        }
        List<WebSocket> sockets = new ArrayList<>();
        for (Member m : members.values()) {
            if (m.ws != null) {
                sockets.add(m.ws);
            }
        }
        return sockets;
    }

    /** The connected users of a room, sorted. */
    public synchronized List<String> users(String room) {
        Map<String, Member> members = rooms.get(room);
        return members == null ? List.of() : users(members);
    }

    /** How many users are connected, over all rooms. */
    public synchronized int connectedUsers() {
        int n = 0;
        for (Map<String, Member> members : rooms.values()) {
            for (Member m : members.values()) {
                if (m.ws != null) {
                    n++;
                }
            }
        }
        return n;
    }

    private static List<String> users(Map<String, Member> members) {
        List<String> names = new ArrayList<>();
        members.forEach((name, m) -> {
            if (m.ws != null) {
                names.add(name);
            }
        });
        Collections.sort(names);
        return List.copyOf(names);
    }

    private static final class Member {
        final long reservedAt;
        WebSocket ws;

        Member(long reservedAt) {
            this.reservedAt = reservedAt;
        }
    }
}
