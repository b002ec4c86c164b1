package dev.selkie.redis;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.selkie.WebSocket;
import dev.selkie.WebSocketListener;
import dev.selkie.WebSocketServer;
import dev.selkie.redis.Clients.Client;
import io.lettuce.core.cluster.RedisClusterClient;
import io.lettuce.core.cluster.SlotHash;
import io.lettuce.core.cluster.api.StatefulRedisClusterConnection;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Cluster mode against a real 3-master Redis Cluster: topics on all three masters, three Selkie
 * servers, sharded pub/sub routed by slot, presence on the cluster.
 */
@Timeout(180)
class RedisClusterTest {
    private static RedisClusterProcess redis;
    private static RedisClusterClient probeClient;
    private static StatefulRedisClusterConnection<String, String> probe;
    private final List<AutoCloseable> closeables = new ArrayList<>();

    @BeforeAll
    static void startCluster() throws Exception {
        redis = RedisClusterProcess.start(3);
        probeClient = RedisClusterClient.create(redis.uris().get(0));
        probe = probeClient.connect();
    }

    @AfterAll
    static void stopCluster() throws Exception {
        if (probe != null) {
            probe.close();
            probeClient.shutdown(Duration.ZERO, Duration.ofSeconds(2));
        }
        if (redis != null) {
            redis.close();
        }
    }

    @AfterEach
    void stopAll() throws Exception {
        for (int i = closeables.size() - 1; i >= 0; i--) {
            closeables.get(i).close();
        }
    }

    /** The port of the master owning a channel's slot. */
    static int owner(String channel) {
        return probeClient.getPartitions().getMasterBySlot(SlotHash.getSlot(channel)).getUri().getPort();
    }

    /** One topic per master, in the order of {@code redis.ports}, plus {@code extra} more on the first. */
    static List<String> topicsOnEveryMaster(String stem) {
        Map<Integer, String> byPort = new LinkedHashMap<>();
        for (int i = 0; byPort.size() < redis.ports.size(); i++) {
            String topic = stem + i;
            byPort.putIfAbsent(owner("selkie:topic:" + topic), topic);
        }
        return redis.ports.stream().map(byPort::get).collect(Collectors.toList());
    }

    static Set<String> shardChannels(int port) {
        return Set.copyOf(probe.getConnection("127.0.0.1", port).sync().pubsubShardChannels());
    }

    RedisBroker broker(String id) {
        RedisBroker broker = RedisBroker.builder(redis.uris()).serverId(id)
                .reconnectDelay(Duration.ofMillis(50), Duration.ofMillis(500)).build();
        closeables.add(broker);
        return broker;
    }

    /** A server whose clients subscribe with "sub:TOPIC" and unsubscribe with "unsub:TOPIC". */
    WebSocketServer server(RedisBroker broker) {
        WebSocketServer server = WebSocketServer.builder().host("127.0.0.1").port(0).broker(broker)
                .listener(new WebSocketListener() {
                    @Override
                    public void onText(WebSocket ws, String text) {
                        if (text.startsWith("sub:")) {
                            ws.subscribe(text.substring(4));
                        } else if (text.startsWith("unsub:")) {
                            ws.unsubscribe(text.substring(6));
                        }
                    }
                }).build();
        server.start();
        closeables.add(server);
        return server;
    }

    Client subscriber(WebSocketServer server, String topic) throws Exception {
        Client client = new Client(server);
        closeables.add(client::close);
        client.ws.sendText("sub:" + topic, true).get(10, TimeUnit.SECONDS);
        return client;
    }

    @Test
    void topicsOnThreeMastersReachEverySubscriberOnceInPublisherOrder() throws Exception {
        List<String> topics = topicsOnEveryMaster("room");
        String quiet = "quiet";
        assertEquals(3, Set.copyOf(topics).size());
        assertEquals(3, topics.stream().map(t -> owner("selkie:topic:" + t)).distinct().count(),
                "the topics' slots are on all three masters");

        RedisBroker[] brokers = {broker("a"), broker("b"), broker("c")};
        assertTrue(brokers[0].cluster());
        WebSocketServer[] servers = new WebSocketServer[3];
        Map<String, List<Client>> clients = new HashMap<>();
        for (int s = 0; s < 3; s++) {
            servers[s] = server(brokers[s]);
            for (String topic : topics) {
                clients.computeIfAbsent(topic, t -> new ArrayList<>()).add(subscriber(servers[s], topic));
            }
        }
        for (WebSocketServer server : servers) {
            for (String topic : topics) {
                await().until(() -> server.subscriberCount(topic) == 1);
            }
        }
        // each channel is subscribed on the master owning its slot, by all three servers, and only there
        for (int i = 0; i < 3; i++) {
            int port = redis.ports.get(i);
            String channel = "selkie:topic:" + topics.get(i);
            await().until(() -> shardChannels(port).equals(Set.of(channel)));
            await().until(() -> probe.getConnection("127.0.0.1", port).sync().pubsubShardNumsub(channel)
                    .get(channel) == 3L);
        }

        int perTopic = 200;
        CountDownLatch go = new CountDownLatch(1);
        List<Thread> publishers = new ArrayList<>();
        for (int p = 0; p < 3; p++) {
            WebSocketServer server = servers[p];
            String name = "p" + p;
            Thread thread = new Thread(() -> {
                try {
                    go.await();
                } catch (InterruptedException e) {
                    return;
                }
                for (int n = 0; n < perTopic; n++) {
                    for (String topic : topics) {
                        server.publish(topic, name + "-" + n);
                    }
                    server.publish(quiet, name + "-" + n); // nobody subscribed anywhere
                }
                for (String topic : topics) {
                    server.publish(topic, name + "-end");
                }
            });
            thread.start();
            publishers.add(thread);
        }
        go.countDown();
        for (Thread thread : publishers) {
            thread.join(60_000);
        }
        for (String topic : topics) {
            for (Client client : clients.get(topic)) {
                await().atMost(Duration.ofSeconds(60)).until(() -> client.received.containsAll(
                        List.of("t:p0-end", "t:p1-end", "t:p2-end")));
                List<String> got = client.received;
                assertEquals(3 * (perTopic + 1), got.size(), "each message once on " + topic);
                assertEquals(got.size(), Set.copyOf(got).size(), "no duplicate");
                for (int p = 0; p < 3; p++) {
                    String name = "t:p" + p + "-";
                    List<String> ofPublisher = got.stream().filter(m -> m.startsWith(name)).collect(Collectors.toList());
                    List<String> expected = new ArrayList<>();
                    for (int n = 0; n < perTopic; n++) {
                        expected.add(name + n);
                    }
                    expected.add(name + "end");
                    assertEquals(expected, ofPublisher, "in the order of publisher " + p + " on " + topic);
                }
            }
        }
        int quietOwner = owner("selkie:topic:" + quiet);
        assertFalse(shardChannels(quietOwner).contains("selkie:topic:" + quiet),
                "a topic without local subscribers is not subscribed");
        for (RedisBroker broker : brokers) {
            // 3 topics + quiet, perTopic + 1 each (quiet: perTopic), all acknowledged by the masters
            await().until(() -> broker.metrics().published() == 4L * perTopic + 3);
            RedisBrokerMetrics m = broker.metrics();
            assertTrue(m.connected(), m.toString());
            assertEquals(0, m.unsent());
            assertEquals(0, m.outages());
            await().until(() -> broker.metrics().ownDropped() == 3L * (perTopic + 1));
            await().until(() -> broker.metrics().received() == 2L * 3 * (perTopic + 1));
        }

        // the first topic loses its subscribers on two servers: only the third stays subscribed
        int firstPort = redis.ports.get(0);
        String first = "selkie:topic:" + topics.get(0);
        clients.get(topics.get(0)).get(0).ws.sendText("unsub:" + topics.get(0), true);
        clients.get(topics.get(0)).get(1).close();
        await().until(() -> probe.getConnection("127.0.0.1", firstPort).sync().pubsubShardNumsub(first)
                .get(first) == 1L);
        clients.get(topics.get(0)).get(2).close();
        await().until(() -> shardChannels(firstPort).isEmpty());
        assertEquals(Set.of("selkie:topic:" + topics.get(1)), shardChannels(redis.ports.get(1)));
        servers[1].publish(topics.get(1), "after");
        for (Client client : clients.get(topics.get(1))) {
            await().until(() -> client.received.contains("t:after"));
        }
    }

    @Test
    void presenceWorksOnTheCluster() throws Exception {
        List<String> rooms = topicsOnEveryMaster("lobby"); // only to spread the rooms; keys differ
        RedisBroker a = broker("a");
        RedisBroker b = broker("b");
        Set<Integer> owners = new java.util.HashSet<>();
        for (String room : rooms) {
            owners.add(owner("selkie:presence:" + room));
            assertTrue(get(a.presence().join(room, "ada")));
            assertTrue(get(b.presence().join(room, "bob")));
            assertFalse(get(b.presence().join(room, "ada")), "held by a live server");
        }
        assertTrue(owners.size() > 1, "the rooms' keys are on more than one master");
        for (String room : rooms) {
            assertEquals(List.of("ada", "bob"), get(a.presence().members(room)));
            assertEquals(List.of("ada", "bob"), get(b.presence().members(room)));
        }
        get(a.presence().leave(rooms.get(0), "ada"));
        assertEquals(List.of("bob"), get(b.presence().members(rooms.get(0))));
        b.close(); // removes its members at once
        for (String room : rooms.subList(1, rooms.size())) {
            assertEquals(List.of("ada"), get(a.presence().members(room)));
        }
        assertEquals(0L, probe.sync().exists("selkie:server:b"));
    }

    static <T> T get(java.util.concurrent.CompletionStage<T> stage) throws Exception {
        return stage.toCompletableFuture().get(10, TimeUnit.SECONDS);
    }
}
