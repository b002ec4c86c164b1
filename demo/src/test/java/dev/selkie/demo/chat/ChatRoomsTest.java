package dev.selkie.demo.chat;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.selkie.HttpRequest;
import dev.selkie.SendResult;
import dev.selkie.WebSocket;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
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
    void boundUsersAreListedSortedAndReleasedUsersLeave() {
        WebSocket bob = new NoSocket();
        WebSocket alice = new NoSocket();
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
        WebSocket first = new NoSocket();
        rooms.reserve("r", "ann");
        rooms.bind("r", "ann", first, users -> { });
        List<List<String>> seen = new ArrayList<>();
        rooms.release("r", "ann", new NoSocket(), seen::add);
        assertTrue(seen.isEmpty());
        assertEquals(List.of("ann"), rooms.users("r"));
    }

    @Test
    void anOpenConnectionKeepsItsNameForever() {
        rooms.reserve("r", "ann");
        rooms.bind("r", "ann", new NoSocket(), users -> { });
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
        assertFalse(rooms.bind("r", "ghost", new NoSocket(), users -> { }));
        rooms.reserve("r", "ann");
        assertTrue(rooms.bind("r", "ann", new NoSocket(), users -> { }));
        assertFalse(rooms.bind("r", "ann", new NoSocket(), users -> { }));
    }

    @Test
    void emptyRoomsDisappear() {
        WebSocket ws = new NoSocket();
        rooms.reserve("r", "ann");
        rooms.bind("r", "ann", ws, users -> { });
        rooms.release("r", "ann", ws, users -> assertEquals(List.of(), users));
        assertEquals(List.of(), rooms.users("r"));
        assertEquals(0, rooms.connectedUsers());
    }

    /** A connection that is only an identity. */
    private static final class NoSocket implements WebSocket {
        @Override public SendResult send(String text) { throw new UnsupportedOperationException(); }
        @Override public SendResult send(ByteBuffer data) { throw new UnsupportedOperationException(); }
        @Override public SendResult send(byte[] data) { throw new UnsupportedOperationException(); }
        @Override public SendResult ping() { throw new UnsupportedOperationException(); }
        @Override public SendResult ping(ByteBuffer payload) { throw new UnsupportedOperationException(); }
        @Override public void close() { throw new UnsupportedOperationException(); }
        @Override public void close(int code, String reason) { throw new UnsupportedOperationException(); }
        @Override public boolean isOpen() { return true; }
        @Override public void pauseReading() { throw new UnsupportedOperationException(); }
        @Override public void resumeReading() { throw new UnsupportedOperationException(); }
        @Override public boolean readingPaused() { return false; }
        @Override public long bufferedAmount() { return 0; }
        @Override public InetSocketAddress remoteAddress() { return new InetSocketAddress("127.0.0.1", 1); }
        @Override public HttpRequest request() { throw new UnsupportedOperationException(); }
        @Override public Optional<String> subprotocol() { return Optional.empty(); }
        @Override public <T> T attachment() { return null; }
        @Override public void attachment(Object attachment) { throw new UnsupportedOperationException(); }
        @Override public void subscribe(String topic) { throw new UnsupportedOperationException(); }
        @Override public void unsubscribe(String topic) { throw new UnsupportedOperationException(); }
    }
}
