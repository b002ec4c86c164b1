package dev.selkie.redis;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.selkie.WebSocketServer;
import dev.selkie.redis.Clients.Client;
import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Topics across three Selkie servers through one real redis-server, plain and sharded pub/sub. */
@Timeout(120)
class RedisBrokerTest {
    private RedisProcess redis;
    private final List<AutoCloseable> closeables = new ArrayList<>();
    private RedisClient probeClient;
    private StatefulRedisConnection<String, String> probe;

    @BeforeEach
    void startRedis() throws Exception {
        redis = RedisProcess.start();
        probeClient = RedisClient.create(redis.uri());
        probe = probeClient.connect();
    }

    @AfterEach
    void stopAll() throws Exception {
        for (int i = closeables.size() - 1; i >= 0; i--) {
            closeables.get(i).close();
        }
        if (probe != null) {
            probe.close();
            probeClient.shutdown(Duration.ZERO, Duration.ofSeconds(2));
        }
        if (redis != null) {
            redis.close();
        }
    }

    RedisBroker broker(boolean sharded, String id) {
        RedisBroker broker = RedisBroker.builder(redis.uri()).serverId(id).sharded(sharded)
                .reconnectDelay(Duration.ofMillis(50), Duration.ofMillis(500)).build();
        closeables.add(broker);
        return broker;
    }

    WebSocketServer server(RedisBroker broker) {
        WebSocketServer server = Clients.server(broker);
        closeables.add(server);
        return server;
    }

    Client client(WebSocketServer server) throws Exception {
        Client client = new Client(server);
        closeables.add(client::close);
        return client;
    }

    Set<String> channels(boolean sharded) {
        return Set.copyOf(sharded ? probe.sync().pubsubShardChannels() : probe.sync().pubsubChannels());
    }

    @ParameterizedTest(name = "sharded={0}")
    @ValueSource(booleans = {false, true})
    void everySubscriberOnEveryServerGetsEveryMessageOnceInPublisherOrder(boolean sharded) throws Exception {
        RedisBroker[] brokers = {broker(sharded, "a"), broker(sharded, "b"), broker(sharded, "c")};
        WebSocketServer[] servers = new WebSocketServer[3];
        List<Client> clients = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            servers[i] = server(brokers[i]);
            clients.add(client(servers[i]));
            clients.add(client(servers[i]));
        }
        await().until(() -> channels(sharded).equals(Set.of("selkie:topic:room")));
        for (WebSocketServer server : servers) {
            await().until(() -> server.subscriberCount("room") == 2);
        }
        int perPublisher = 300;
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
                for (int n = 0; n < perPublisher; n++) {
                    server.publish("room", name + "-" + n);
                }
            });
            thread.start();
            publishers.add(thread);
        }
        go.countDown();
        for (Thread thread : publishers) {
            thread.join(30_000);
        }
        servers[1].publish("room", ByteBuffer.wrap(new byte[] {0, 1, (byte) 0xFF}));
        servers[2].publish("room", "last");
        for (Client client : clients) {
            await().atMost(Duration.ofSeconds(30)).until(() -> client.received.contains("t:last"));
            List<String> got = client.received;
            assertEquals(3 * perPublisher + 2, got.size(), "each message once");
            assertEquals(got.size(), Set.copyOf(got).size(), "no duplicate");
            for (int p = 0; p < 3; p++) {
                String name = "t:p" + p + "-";
                List<String> ofPublisher = got.stream().filter(m -> m.startsWith(name)).collect(Collectors.toList());
                List<String> expected = new ArrayList<>();
                for (int n = 0; n < perPublisher; n++) {
                    expected.add(name + n);
                }
                assertEquals(expected, ofPublisher, "in the order of publisher " + p);
            }
            assertTrue(got.contains("b:" + new String(new byte[] {0, 1, (byte) 0xFF}, StandardCharsets.ISO_8859_1)),
                    "binary stays binary");
        }
        for (RedisBroker broker : brokers) {
            RedisBrokerMetrics m = broker.metrics();
            await().until(() -> broker.metrics().published() >= perPublisher);
            assertTrue(m.connected());
            assertEquals(0, m.unsent());
            assertEquals(0, m.outages());
        }
        // each server's own messages came back from Redis once and were dropped
        await().until(() -> brokers[0].metrics().ownDropped() == perPublisher);
        await().until(() -> brokers[0].metrics().received() == 2 * perPublisher + 2);
    }

    @ParameterizedTest(name = "sharded={0}")
    @ValueSource(booleans = {false, true})
    void aTopicIsSubscribedInRedisOnlyWhileItHasLocalSubscribers(boolean sharded) throws Exception {
        RedisBroker quietBroker = broker(sharded, "quiet");
        RedisBroker busyBroker = broker(sharded, "busy");
        WebSocketServer quiet = server(quietBroker);
        WebSocketServer busy = server(busyBroker);
        assertEquals(Set.of(), channels(sharded), "no subscriber anywhere: nothing subscribed");
        Client reader = client(busy);
        await().until(() -> channels(sharded).equals(Set.of("selkie:topic:room")));
        assertEquals(1L, (sharded ? probe.sync().pubsubShardNumsub("selkie:topic:room")
                : probe.sync().pubsubNumsub("selkie:topic:room")).get("selkie:topic:room"),
                "only the server with a subscriber subscribed");
        assertEquals(0, quiet.publish("room", "one"));
        await().until(() -> reader.received.equals(List.of("t:one")));

        reader.ws.sendText("unsub", true);
        await().until(() -> channels(sharded).isEmpty());
        quiet.publish("room", "two");
        Client second = client(busy); // subscribes again: the channel comes back
        await().until(() -> channels(sharded).equals(Set.of("selkie:topic:room")));
        quiet.publish("room", "three");
        await().until(() -> second.received.equals(List.of("t:three")));
        assertEquals(List.of("t:one"), reader.received, "nothing after unsubscribe");

        second.close();
        await().until(() -> channels(sharded).isEmpty());
        Client third = client(busy);
        await().until(() -> channels(sharded).equals(Set.of("selkie:topic:room")));
        busy.stop(Duration.ofSeconds(2)); // stops the broker too
        await().until(() -> channels(sharded).isEmpty());
        assertFalse(busyBroker.connected());
        quiet.publish("room", "four");
        assertEquals(List.of(), third.received.stream().filter(m -> m.equals("t:four")).collect(Collectors.toList()));
    }

    @Test
    void closeLeavesNoThreadBehind() throws Exception {
        Set<Thread> before = Thread.getAllStackTraces().keySet();
        RedisBroker broker = RedisBroker.builder(redis.uri()).build();
        assertEquals(12, broker.serverId().length());
        assertTrue(broker.connected());
        broker.presence().join("r", "m").toCompletableFuture().get();
        broker.close();
        broker.close(); // idempotent
        await().atMost(Duration.ofSeconds(10)).until(() -> Thread.getAllStackTraces().keySet().stream()
                .filter(t -> !before.contains(t) && t.isAlive())
                .noneMatch(t -> t.getName().startsWith("lettuce") || t.getName().startsWith("selkie-redis")));
        assertEquals(0L, probe.sync().exists("selkie:server:" + broker.serverId()));
        assertEquals(0L, probe.sync().hlen("selkie:presence:r"));
    }
}
