/**
 * Selkie topics across servers through Redis pub/sub, and room presence across servers: give a
 * {@link dev.selkie.redis.RedisBroker} to {@code WebSocketServer.Builder.broker}.
 */
@SuppressWarnings({"requires-automatic", "requires-transitive-automatic"})
module dev.selkie.redis {
    requires transitive dev.selkie;
    requires org.slf4j;
    // an automatic module (lettuce-core declares Automatic-Module-Name: lettuce.core)
    requires lettuce.core;

    exports dev.selkie.redis;
}
