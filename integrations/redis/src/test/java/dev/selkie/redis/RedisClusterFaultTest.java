package dev.selkie.redis;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.selkie.WebSocket;
import dev.selkie.WebSocketListener;
import dev.selkie.WebSocketServer;
import dev.selkie.redis.Clients.Client;
import io.lettuce.core.cluster.RedisClusterClient;
import io.lettuce.core.cluster.SlotHash;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * One master of a 3-master cluster SIGKILLed and restarted on its port while two topics flow, one
 * on that master and one on another: the other shard's topic keeps flowing, the killed shard's
 * topic has one hole (the outage) and flows again after the restart, nothing duplicated, order
 * kept, one outage counted.
 */
@Timeout(180)
class RedisClusterFaultTest {

    @Test
    void aMasterKilledAndRestartedLosesOnlyItsShardsMessagesDuringTheOutage() throws Exception {
        try (RedisClusterProcess redis = RedisClusterProcess.start(3)) {
            RedisClusterClient probe = RedisClusterClient.create(redis.uris().get(0));
            Map<Integer, String> byPort = new LinkedHashMap<>();
            try {
                probe.refreshPartitions();
                for (int i = 0; byPort.size() < 3; i++) {
                    byPort.putIfAbsent(probe.getPartitions().getMasterBySlot(SlotHash.getSlot("selkie:topic:t" + i))
                            .getUri().getPort(), "t" + i);
                }
            } finally {
                probe.shutdown(Duration.ZERO, Duration.ofSeconds(2));
            }
            String down = byPort.get(redis.ports.get(0)); // on the master that is killed
            String up = byPort.get(redis.ports.get(1));
            List<AutoCloseable> closeables = new ArrayList<>();
            try {
                RedisBroker brokerA = RedisBroker.builder(redis.uris()).serverId("a")
                        .reconnectDelay(Duration.ofMillis(20), Duration.ofMillis(200)).build();
                closeables.add(brokerA);
                RedisBroker brokerB = RedisBroker.builder(redis.uris()).serverId("b")
                        .reconnectDelay(Duration.ofMillis(20), Duration.ofMillis(200)).build();
                closeables.add(brokerB);
                WebSocketServer a = server(brokerA, closeables);
                WebSocketServer b = server(brokerB, closeables);
                Client remote = new Client(b);
                closeables.add(remote::close);
                remote.ws.sendText("sub:" + down, true).get(10, TimeUnit.SECONDS);
                remote.ws.sendText("sub:" + up, true).get(10, TimeUnit.SECONDS);
                await().until(() -> b.subscriberCount(down) == 1 && b.subscriberCount(up) == 1);
                await().pollInterval(Duration.ofMillis(20)).until(() -> {
                    a.publish(down, "warmup");
                    a.publish(up, "warmup");
                    return remote.received.stream().filter(m -> m.equals("t:warmup")).count() >= 2;
                });
                remote.received.clear();

                AtomicBoolean running = new AtomicBoolean(true);
                AtomicInteger sent = new AtomicInteger();
                Thread publisher = new Thread(() -> {
                    while (running.get()) {
                        int n = sent.getAndIncrement();
                        a.publish(down, "d" + n);
                        a.publish(up, "u" + n);
                        LockSupport.parkNanos(500_000); // pacing; not a synchronisation
                    }
                });
                publisher.start();
                await().until(() -> remote.received.size() > 200);
                redis.kill(0);
                await().until(() -> !brokerA.connected());
                int killedAt = sent.get();
                // the other shard goes on while the master is down
                await().atMost(Duration.ofSeconds(20)).until(() -> remote.received.stream()
                        .anyMatch(m -> m.startsWith("t:u") && Integer.parseInt(m.substring(3)) > killedAt + 200));
                redis.restart(0);
                await().atMost(Duration.ofSeconds(30)).until(() -> brokerA.connected() && brokerB.connected());
                int backAt = sent.get();
                await().atMost(Duration.ofSeconds(30)).until(() -> remote.received.stream()
                        .anyMatch(m -> m.startsWith("t:d") && Integer.parseInt(m.substring(3)) > backAt + 100));
                running.set(false);
                publisher.join(10_000);
                int total = sent.get();
                await().until(() -> remote.received.contains("t:u" + (total - 1)));
                await().until(() -> remote.received.contains("t:d" + (total - 1)));

                // late warm-ups aside (several may have crossed before the clear)
                List<String> got = remote.received.stream().filter(m -> !m.equals("t:warmup"))
                        .collect(Collectors.toList());
                assertEquals(got.size(), Set.copyOf(got).size(), "no duplicate");
                List<Integer> ups = numbers(got, "t:u");
                List<Integer> downs = numbers(got, "t:d");
                assertEquals(ups.stream().sorted().collect(Collectors.toList()), ups, "order kept on " + up);
                assertEquals(downs.stream().sorted().collect(Collectors.toList()), downs, "order kept on " + down);
                int holes = 0;
                for (int i = 1; i < downs.size(); i++) {
                    if (downs.get(i) != downs.get(i - 1) + 1) {
                        holes++;
                        assertTrue(downs.get(i - 1) >= killedAt - 2000 && downs.get(i) <= backAt + 2000,
                                "the hole is the outage: " + downs.get(i - 1) + " -> " + downs.get(i));
                    }
                }
                assertEquals(1, holes, "one hole on the killed shard's topic");
                RedisBrokerMetrics m = brokerA.metrics();
                assertEquals(1, m.outages(), m.toString());
                assertTrue(m.unsent() > 0, m.toString());
                assertTrue(m.disconnectedMillis() > 0, m.toString());
            } finally {
                for (int i = closeables.size() - 1; i >= 0; i--) {
                    closeables.get(i).close();
                }
            }
        }
    }

    static List<Integer> numbers(List<String> got, String prefix) {
        return got.stream().filter(m -> m.startsWith(prefix)).map(m -> Integer.parseInt(m.substring(prefix.length())))
                .collect(Collectors.toList());
    }

    static WebSocketServer server(RedisBroker broker, List<AutoCloseable> closeables) {
        WebSocketServer server = WebSocketServer.builder().host("127.0.0.1").port(0).broker(broker)
                .listener(new WebSocketListener() {
                    @Override
                    public void onText(WebSocket ws, String text) {
                        if (text.startsWith("sub:")) {
                            ws.subscribe(text.substring(4));
                        }
                    }
                }).build();
        server.start();
        closeables.add(server);
        return server;
    }
}
