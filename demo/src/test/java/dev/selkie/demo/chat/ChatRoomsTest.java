package dev.selkie.demo.chat;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.selkie.WebSocket;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class ChatRoomsTest {
    private static final long TTL = Duration.ofSeconds(30).toNanos();

    private final AtomicLong now = new AtomicLong(1_000);
    private final ChatRooms rooms = new ChatRooms(now::get, TTL);

    @Test
    void aNameIsTakenOncePerRoom() {
        assertTrue(rooms.reserve("lobby", "alice"));
        assertFalse(rooms.reserve("lobby", "alice"));
        assertTrue(rooms.reserve("other", "alice"));
        assertTrue(rooms.reserve("lobby", "bob"));
    }

    @Test
    void aPendingReservationCanBeCancelledAndAnExpiredOneOnlyOnceExpired() {
        rooms.reserve("lobby", "alice");
        assertTrue(rooms.cancel("lobby", "alice", false), "taken on another server: dropped at once");
        assertTrue(rooms.reserve("lobby", "alice"), "free again");
        assertFalse(rooms.cancel("lobby", "alice", true), "not expired yet");
        now.addAndGet(TTL);
        assertTrue(rooms.cancel("lobby", "alice", true));
        rooms.reserve("lobby", "bob");
        assertTrue(rooms.bind("lobby", "bob", noSocket(), users -> { }));
        now.addAndGet(TTL);
        assertFalse(rooms.cancel("lobby", "bob", true), "an open connection's name is never cancelled");
        assertEquals(List.of("bob"), rooms.users("lobby"));
    }

    @Test
    void boundUsersAreListedSortedAndReleasedUsersLeave() {
        WebSocket bob = noSocket();
        WebSocket alice = noSocket();
        List<List<String>> seen = new ArrayList<>();
        rooms.reserve("lobby", "bob");
        rooms.reserve("lobby", "alice");
        assertTrue(rooms.bind("lobby", "bob", bob, seen::add));
        assertEquals(List.of("bob"), rooms.users("lobby"), "a reserved name is not online yet");
        assertTrue(rooms.bind("lobby", "alice", alice, seen::add));
        assertEquals(List.of(List.of("bob"), List.of("alice", "bob")), seen);
        assertEquals(2, rooms.connectedUsers());

        rooms.release("lobby", "bob", bob, seen::add);
        assertEquals(List.of("alice"), seen.get(2));
        assertEquals(List.of("alice"), rooms.users("lobby"));
        assertTrue(rooms.reserve("lobby", "bob"), "a released name is free again");
    }

    @Test
    void releaseByAnotherConnectionIsIgnored() {
        WebSocket first = noSocket();
        rooms.reserve("r", "ann");
        rooms.bind("r", "ann", first, users -> { });
        List<List<String>> seen = new ArrayList<>();
        rooms.release("r", "ann", noSocket(), seen::add);
        assertTrue(seen.isEmpty());
        assertEquals(List.of("ann"), rooms.users("r"));
    }

    @Test
    void anOpenConnectionKeepsItsNameForever() {
        rooms.reserve("r", "ann");
        rooms.bind("r", "ann", noSocket(), users -> { });
        now.addAndGet(TTL * 10);
        assertFalse(rooms.reserve("r", "ann"));
    }

    @Test
    void aReservationWhoseConnectionNeverOpenedExpires() {
        rooms.reserve("r", "ann");
        now.addAndGet(TTL - 1);
        assertFalse(rooms.reserve("r", "ann"));
        now.addAndGet(1);
        assertTrue(rooms.reserve("r", "ann"), "expired reservation is taken over");
    }

    @Test
    void bindFailsWithoutReservationOrTwice() {
        assertFalse(rooms.bind("r", "ghost", noSocket(), users -> { }));
        rooms.reserve("r", "ann");
        assertTrue(rooms.bind("r", "ann", noSocket(), users -> { }));
        assertFalse(rooms.bind("r", "ann", noSocket(), users -> { }));
    }

    @Test
    void emptyRoomsDisappear() {
        WebSocket ws = noSocket();
        rooms.reserve("r", "ann");
        rooms.bind("r", "ann", ws, users -> { });
        rooms.release("r", "ann", ws, users -> assertEquals(List.of(), users));
        assertEquals(List.of(), rooms.users("r"));
        assertEquals(0, rooms.connectedUsers());
    }

    /** A connection that is only an identity (a proxy: it keeps up with the interface as it grows). */
    private static WebSocket noSocket() {
        return (WebSocket) java.lang.reflect.Proxy.newProxyInstance(WebSocket.class.getClassLoader(),
                new Class<?>[] {WebSocket.class}, (proxy, method, args) -> switch (method.getName()) {
                    case "isOpen" -> true;
                    case "remoteAddress" -> new InetSocketAddress("127.0.0.1", 1);
                    case "hashCode" -> System.identityHashCode(proxy);
                    case "equals" -> proxy == args[0];
                    case "toString" -> "NoSocket@" + Integer.toHexString(System.identityHashCode(proxy));
                    default -> throw new UnsupportedOperationException(method.getName());
                });
    }
}
