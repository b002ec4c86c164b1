package dev.selkie.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** Cookie parsing, Content-Length rules, the serial dispatcher, timers' order. */
class SmallPartsTest {
    @Test
    void cookiesFromEveryCookieHeaderFirstNameWins() {
        Map<String, String> cookies = RequestView.parseCookies(
                List.of("a=1; b=\"two\";c=3", "a=ignored; flag; d = 4 "));
        assertEquals(Map.of("a", "1", "b", "two", "c", "3", "d", "4"), cookies);
        assertEquals(List.of("a", "b", "c", "d"), new ArrayList<>(cookies.keySet()));
        assertTrue(RequestView.parseCookies(List.of()).isEmpty());
    }

    @Test
    void contentLengthMustBeOneDecimalNumber() {
        assertEquals(0, HttpExchange.contentLength(List.of()));
        assertEquals(42, HttpExchange.contentLength(List.of("42")));
        assertEquals(42, HttpExchange.contentLength(List.of("42", "42")));
        assertEquals(-1, HttpExchange.contentLength(List.of("42", "43")));
        assertEquals(-1, HttpExchange.contentLength(List.of("-1")));
        assertEquals(-1, HttpExchange.contentLength(List.of("1e3")));
        assertEquals(-1, HttpExchange.contentLength(List.of("")));
        assertEquals(-1, HttpExchange.contentLength(List.of("99999999999999999999")));
    }

    static final SerialDispatcher.Owner NO_OWNER = new SerialDispatcher.Owner() {
        @Override
        public void dispatchBelow(long mark) {
        }

        @Override
        public void dispatchRejected(java.util.concurrent.RejectedExecutionException e) {
        }
    };

    @Test
    void serialDispatcherRunsEachConnectionsCallsInOrderOneAtATime() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<SerialDispatcher> dispatchers = new ArrayList<>();
            List<List<Integer>> seen = new ArrayList<>();
            List<AtomicInteger> concurrent = new ArrayList<>();
            AtomicInteger overlap = new AtomicInteger();
            AtomicInteger done = new AtomicInteger();
            for (int d = 0; d < 8; d++) {
                dispatchers.add(new SerialDispatcher(pool, NO_OWNER, 0));
                seen.add(new ArrayList<>());
                concurrent.add(new AtomicInteger());
            }
            for (int i = 0; i < 2000; i++) {
                for (int d = 0; d < 8; d++) {
                    List<Integer> list = seen.get(d);
                    AtomicInteger running = concurrent.get(d);
                    int n = i;
                    dispatchers.get(d).submit(() -> {
                        if (running.incrementAndGet() != 1) {
                            overlap.incrementAndGet();
                        }
                        list.add(n);
                        running.decrementAndGet();
                        done.incrementAndGet();
                    });
                }
            }
            org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(10))
                    .until(() -> done.get() == 8 * 2000);
            pool.shutdown();
            assertTrue(pool.awaitTermination(10, TimeUnit.SECONDS));
            assertEquals(0, overlap.get());
            for (List<Integer> list : seen) {
                assertEquals(2000, list.size());
                for (int i = 0; i < 2000; i++) {
                    assertEquals(i, list.get(i));
                }
            }
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void timersOrderByDeadlineAndCancelLazily() {
        java.util.PriorityQueue<Timer> queue = new java.util.PriorityQueue<>();
        Timer late = new Timer(Long.MAX_VALUE - 10, null, TimerKind.PING.ordinal());
        Timer wrapped = new Timer(Long.MIN_VALUE + 10, null, TimerKind.PONG.ordinal()); // after late, across the wrap
        Timer early = new Timer(Long.MAX_VALUE - 20, null, TimerKind.IDLE.ordinal());
        queue.add(late);
        queue.add(wrapped);
        queue.add(early);
        assertEquals(early, queue.poll());
        assertEquals(late, queue.poll());
        assertEquals(wrapped, queue.poll());
        assertFalse(early.cancelled());
        early.cancel();
        assertTrue(early.cancelled());
    }

    @Test
    void requestViewKeepsEveryHeaderCaseInsensitively() {
        dev.selkie.protocol.HeaderMap headers = new dev.selkie.protocol.HeaderMap();
        headers.add("Host", "example");
        headers.add("X-Multi", "one");
        headers.add("Cookie", "a=1");
        headers.add("x-multi", "two");
        headers.add("Cookie", "b=2");
        dev.selkie.protocol.RequestHead head = new dev.selkie.protocol.RequestHead("GET", "/p?q=1", "/p", "q=1", 1, 1,
                headers);
        java.net.InetSocketAddress from = new java.net.InetSocketAddress("127.0.0.1", 1234);
        RequestView view = new RequestView(head, from, HandshakeStage.Peer.plain(from), null, List.of("chat"));
        assertEquals("GET", view.method());
        assertEquals("/p", view.path());
        assertEquals("q=1", view.query());
        assertEquals("example", view.header("HOST").orElseThrow());
        assertEquals(List.of("one", "two"), view.headers("X-MULTI"));
        assertEquals(List.of(), view.headers("absent"));
        assertFalse(view.header("absent").isPresent());
        assertEquals(Map.of("host", List.of("example"), "x-multi", List.of("one", "two"), "cookie", List.of("a=1", "b=2")),
                view.headers());
        assertEquals(Map.of("a", "1", "b", "2"), view.cookies());
        assertEquals(List.of("chat"), view.offeredSubprotocols());
        assertEquals(0, view.body().length);
        assertEquals(1234, view.remoteAddress().getPort());
    }
}
