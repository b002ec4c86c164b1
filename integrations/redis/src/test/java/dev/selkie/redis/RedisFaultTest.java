package dev.selkie.redis;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.selkie.WebSocketServer;
import dev.selkie.redis.Clients.Client;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * redis-server killed and restarted on the same port while messages flow: local delivery goes on,
 * cross-server delivery comes back without restarting the Selkie servers, losses only inside the
 * outage, no duplicate, order kept.
 */
@Timeout(120)
class RedisFaultTest {

    @ParameterizedTest(name = "sharded={0}")
    @ValueSource(booleans = {false, true})
    void messagesFlowAgainAfterRedisIsKilledAndRestarted(boolean sharded) throws Exception {
        try (RedisProcess redis = RedisProcess.start();
             RedisBroker brokerA = RedisBroker.builder(redis.uri()).serverId("a").sharded(sharded)
                     .reconnectDelay(Duration.ofMillis(20), Duration.ofMillis(200)).build();
             RedisBroker brokerB = RedisBroker.builder(redis.uri()).serverId("b").sharded(sharded)
                     .reconnectDelay(Duration.ofMillis(20), Duration.ofMillis(200)).build();
             WebSocketServer a = Clients.server(brokerA);
             WebSocketServer b = Clients.server(brokerB)) {
            Client local = new Client(a);
            Client remote = new Client(b);
            await().until(() -> a.subscriberCount("room") == 1 && b.subscriberCount("room") == 1);
            // the topic is subscribed in Redis once a message crosses
            await().pollInterval(Duration.ofMillis(20)).until(() -> {
                a.publish("room", "warmup");
                return remote.received.contains("t:warmup");
            });

            AtomicBoolean running = new AtomicBoolean(true);
            AtomicInteger sent = new AtomicInteger();
            Thread publisher = new Thread(() -> {
                while (running.get()) {
                    a.publish("room", "m" + sent.getAndIncrement());
                    LockSupport.parkNanos(200_000); // pacing, a few thousand a second; not a synchronisation
                }
            });
            publisher.start();
            await().until(() -> remote.received.size() > 200);
            redis.kill();
            await().until(() -> !brokerA.connected() && !brokerB.connected());
            int duringOutage = sent.get();
            await().until(() -> sent.get() > duringOutage + 200);
            redis.restart();
            await().atMost(Duration.ofSeconds(30)).until(() -> brokerA.connected() && brokerB.connected());
            int afterOutage = sent.get();
            await().atMost(Duration.ofSeconds(30)).until(() -> remote.received.stream()
                    .anyMatch(m -> m.startsWith("t:m") && Integer.parseInt(m.substring(3)) > afterOutage + 100));
            running.set(false);
            publisher.join(10_000);
            int total = sent.get();
            await().until(() -> local.received.contains("t:m" + (total - 1)));
            await().until(() -> remote.received.contains("t:m" + (total - 1)));

            // local delivery never stopped: everything, in order
            List<String> expected = new ArrayList<>();
            expected.add("t:warmup");
            for (int n = 0; n < total; n++) {
                expected.add("t:m" + n);
            }
            List<String> localGot = new ArrayList<>(local.received);
            localGot.removeIf(m -> m.equals("t:warmup"));
            localGot.add(0, "t:warmup");
            assertEquals(expected, localGot, "local delivery goes on through the outage");

            // across servers: increasing (in order, no duplicate), gaps only around the outage
            List<Integer> remoteGot = new ArrayList<>();
            for (String m : remote.received) {
                if (m.startsWith("t:m")) {
                    remoteGot.add(Integer.parseInt(m.substring(3)));
                }
            }
            for (int i = 1; i < remoteGot.size(); i++) {
                assertTrue(remoteGot.get(i) > remoteGot.get(i - 1), "in order and once: " + remoteGot.get(i));
            }
            List<int[]> gaps = new ArrayList<>();
            for (int i = 1; i < remoteGot.size(); i++) {
                if (remoteGot.get(i) != remoteGot.get(i - 1) + 1) {
                    gaps.add(new int[] {remoteGot.get(i - 1) + 1, remoteGot.get(i) - 1});
                }
            }
            assertEquals(0, remoteGot.get(0), "nothing lost before the outage");
            assertEquals(total - 1, remoteGot.get(remoteGot.size() - 1));
            assertEquals(1, gaps.size(), "one hole, the outage: " + gaps.stream().map(g -> g[0] + ".." + g[1]).toList());
            int[] hole = gaps.get(0);
            assertTrue(hole[0] <= duringOutage && hole[1] >= duringOutage + 200 && hole[1] < afterOutage + 100,
                    "the hole " + hole[0] + ".." + hole[1] + " is the outage (~" + duringOutage + ".." + afterOutage + ")");

            RedisBrokerMetrics m = brokerA.metrics();
            assertEquals(1, m.outages());
            assertTrue(m.unsent() >= 200, "publishes during the outage failed fast: " + m);
            assertTrue(m.disconnectedMillis() > 0);
            assertTrue(m.connected());
            assertEquals(1, brokerB.metrics().outages());
            System.out.printf("fault (sharded=%s): sent %d, hole %d..%d (%d lost), %s%n", sharded, total, hole[0], hole[1],
                    hole[1] - hole[0] + 1, m);
            assertFalse(remoteGot.isEmpty());
            local.close();
            remote.close();
        }
    }
}
