package dev.selkie.server;

import dev.selkie.protocol.HandshakeScratch;
import java.nio.ByteBuffer;

/**
 * What one event loop lends its connections so that they need no buffers of their own while idle:
 * the read buffer every read lands in, the handshake scratch for the 101s, write chunks, outbound
 * queues and handshake stages, each kept in a bounded {@link SparePool}. Loop thread only.
 */
final class LoopPools {
    private static final int READ_BUFFER_SIZE = 64 << 10;
    /** Spare outbound queues kept (each about 100 bytes while its ring is small). */
    private static final int MAX_SPARE_QUEUES = 256;
    /** Spare handshake stages kept (one is enough unless handshakes overlap). */
    private static final int MAX_SPARE_STAGES = 64;

    private final ByteBuffer readBuffer = ByteBuffer.allocate(READ_BUFFER_SIZE);
    private final HandshakeScratch handshakeScratch = new HandshakeScratch();
    /** Size of {@link #textScratch()}. */
    static final int TEXT_SCRATCH_SIZE = 16 << 10;
    private final byte[] textScratch = new byte[TEXT_SCRATCH_SIZE];
    private final ChunkPool chunks = new ChunkPool();
    private final SparePool<OutboundQueue> queues = new SparePool<>(MAX_SPARE_QUEUES, () -> new OutboundQueue(chunks));
    private final SparePool<HandshakeStage> stages;

    LoopPools(ServerConfig config, EventLoop loop) {
        this.stages = new SparePool<>(MAX_SPARE_STAGES, () -> new HandshakeStage(config, loop));
    }

    /** The buffer every read of the loop's connections lands in; its bytes are consumed during the read. */
    ByteBuffer readBuffer() {
        return readBuffer;
    }

    /** SHA-1 and scratch arrays for the 101 answers of the loop's handshakes. */
    private TlsBuffers tlsBuffers;

    /** The loop's TLS working space, made for its first TLS connection. */
    TlsBuffers tlsBuffers() {
        if (tlsBuffers == null) {
            tlsBuffers = new TlsBuffers();
        }
        return tlsBuffers;
    }

    /**
     * Where a text sent on the loop is encoded to UTF-8 for an extension (which does not keep it):
     * valid until the loop's next send.
     */
    byte[] textScratch() {
        return textScratch;
    }

    HandshakeScratch handshakeScratch() {
        return handshakeScratch;
    }

    /** An empty outbound queue, reused if one is spare. */
    OutboundQueue takeQueue() {
        return queues.take();
    }

    /** Takes back a queue that is empty and no longer referenced by its connection. */
    void recycle(OutboundQueue queue) {
        queues.give(queue);
    }

    /** A handshake stage for {@code host}: a spare one, or a new one. */
    HandshakeStage takeStage(HandshakeStage.Host host) {
        HandshakeStage stage = stages.take();
        stage.reset(host);
        return stage;
    }

    /** Takes back a stage done with its connection; it must be unreachable for the connection. */
    void recycle(HandshakeStage stage) {
        stage.reset(null);
        stages.give(stage);
    }
}
