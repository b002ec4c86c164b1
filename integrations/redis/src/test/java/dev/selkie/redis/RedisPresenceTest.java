package dev.selkie.redis;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Presence across servers: members of two brokers, leave, close, a crashed server's members expire. */
@Timeout(60)
class RedisPresenceTest {

    static <T> T get(java.util.concurrent.CompletionStage<T> stage) throws Exception {
        return stage.toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    @Test
    void membersAcrossServersLeaveCloseAndCrash() throws Exception {
        try (RedisProcess redis = RedisProcess.start()) {
            RedisClient probeClient = RedisClient.create(redis.uri());
            try (StatefulRedisConnection<String, String> probe = probeClient.connect();
                 RedisBroker a = RedisBroker.builder(redis.uri()).serverId("a")
                         .presenceHeartbeat(Duration.ofMillis(100), Duration.ofMillis(400)).build();
                 RedisBroker b = RedisBroker.builder(redis.uri()).serverId("b")
                         .presenceHeartbeat(Duration.ofMillis(100), Duration.ofMillis(400)).build()) {
                RedisPresence pa = a.presence();
                RedisPresence pb = b.presence();
                assertTrue(get(pa.join("lobby", "zoe")));
                assertTrue(get(pb.join("lobby", "ada")));
                assertTrue(get(pa.join("lobby", "bob")));
                assertTrue(get(pb.join("kitchen", "cat")));
                assertFalse(get(pb.join("lobby", "zoe")), "held by a live server");
                assertTrue(get(pa.join("lobby", "zoe")), "joining again on the same server");
                assertEquals(List.of("ada", "bob", "zoe"), get(pa.members("lobby")));
                assertEquals(List.of("ada", "bob", "zoe"), get(pb.members("lobby")));
                assertEquals(List.of("cat"), get(pa.members("kitchen")));

                get(pb.leave("lobby", "zoe")); // not b's: left alone
                get(pa.leave("lobby", "bob"));
                assertEquals(List.of("ada", "zoe"), get(pb.members("lobby")));

                // b "crashes": its heartbeat stops (deleted here; expiry does the same)
                try (RedisBroker c = RedisBroker.builder(redis.uri()).serverId("c")
                        .presenceHeartbeat(Duration.ofMillis(100), Duration.ofMillis(400)).build()) {
                    assertTrue(get(c.presence().join("lobby", "eve")));
                    assertEquals(List.of("ada", "eve", "zoe"), get(pa.members("lobby")));
                    c.close(); // a clean close removes its members at once
                    assertEquals(List.of("ada", "zoe"), get(pa.members("lobby")));
                    assertEquals(0L, probe.sync().exists("selkie:server:c"));
                }

                // a crashed server: entries of a server "ghost" whose heartbeat key is never refreshed
                probe.sync().hset("selkie:presence:lobby", "ghost-member", "ghost");
                probe.sync().set("selkie:server:ghost", "ghost", io.lettuce.core.SetArgs.Builder.px(400));
                assertEquals(List.of("ada", "ghost-member", "zoe"), get(pa.members("lobby")));
                long crashed = System.nanoTime();
                await().atMost(Duration.ofSeconds(5)).until(() -> get(pa.members("lobby")).equals(List.of("ada", "zoe")));
                long tookMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - crashed);
                assertTrue(tookMillis < 2_000, "gone within the expiry: " + tookMillis + " ms");
                assertFalse(probe.sync().hexists("selkie:presence:lobby", "ghost-member"), "removed lazily");
                // the name of a dead server's member can be taken over
                probe.sync().hset("selkie:presence:lobby", "ghost-member", "ghost");
                assertTrue(get(pb.join("lobby", "ghost-member")), "taken over from a dead server");

                // b's heartbeat key deleted (as if it expired): b's members disappear for a ...
                probe.sync().del("selkie:server:b");
                // ... until b's next heartbeat notices and joins them again
                await().atMost(Duration.ofSeconds(5)).until(() -> probe.sync().exists("selkie:server:b") == 1
                        && get(pa.members("lobby")).equals(List.of("ada", "ghost-member", "zoe")));

                b.close();
                assertEquals(List.of("zoe"), get(pa.members("lobby")), "a closed server's members are gone");
                assertEquals(List.of(), get(pa.members("kitchen")));
            } finally {
                probeClient.shutdown(Duration.ZERO, Duration.ofSeconds(2));
            }
        }
    }

    @Test
    void aServerWhoseHeartbeatExpiredDisappearsWithinTheExpiry() throws Exception {
        try (RedisProcess redis = RedisProcess.start();
             RedisBroker watcher = RedisBroker.builder(redis.uri()).serverId("watcher").build()) {
            RedisBroker doomed = RedisBroker.builder(redis.uri()).serverId("doomed")
                    .presenceHeartbeat(Duration.ofMillis(100), Duration.ofMillis(500)).build();
            assertTrue(get(doomed.presence().join("room", "dan")));
            assertEquals(List.of("dan"), get(watcher.presence().members("room")));
            // a "crash": the heartbeat stops without the clean close, so the key expires
            RedisClient probeClient = RedisClient.create(redis.uri());
            try (StatefulRedisConnection<String, String> probe = probeClient.connect()) {
                doomed.stopHeartbeatForTest();
                long crashed = System.nanoTime();
                await().atMost(Duration.ofSeconds(5)).until(() -> get(watcher.presence().members("room")).isEmpty());
                long tookMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - crashed);
                assertTrue(tookMillis <= 500 + 300, "within the expiry (500 ms): " + tookMillis + " ms");
                assertEquals(0L, probe.sync().hlen("selkie:presence:room"), "removed from the hash lazily");
            } finally {
                probeClient.shutdown(Duration.ZERO, Duration.ofSeconds(2));
                doomed.close();
            }
        }
    }
}
