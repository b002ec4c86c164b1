package dev.selkie.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.GatheringByteChannel;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class OutboundQueueTest {
    /** A channel that takes at most {@code budget} bytes per write and records each call. */
    static final class FakeChannel implements GatheringByteChannel {
        final ByteArrayOutputStream written = new ByteArrayOutputStream();
        final List<Integer> buffersPerCall = new ArrayList<>();
        int budget;

        FakeChannel(int budget) {
            this.budget = budget;
        }

        @Override
        public long write(ByteBuffer[] srcs, int offset, int length) {
            buffersPerCall.add(length);
            long total = 0;
            for (int i = offset; i < offset + length && budget > 0; i++) {
                ByteBuffer src = srcs[i];
                int n = Math.min(src.remaining(), budget);
                byte[] bytes = new byte[n];
                src.get(bytes);
                written.writeBytes(bytes);
                budget -= n;
                total += n;
            }
            return total;
        }

        @Override
        public long write(ByteBuffer[] srcs) {
            return write(srcs, 0, srcs.length);
        }

        @Override
        public int write(ByteBuffer src) {
            return (int) write(new ByteBuffer[] {src}, 0, 1);
        }

        @Override
        public boolean isOpen() {
            return true;
        }

        @Override
        public void close() {
        }
    }

    private static ByteBuffer bytes(String s) {
        return ByteBuffer.wrap(s.getBytes(StandardCharsets.US_ASCII));
    }

    @Test
    void manySmallBuffersGoOutInOneGatheringWrite() throws Exception {
        OutboundQueue queue = new OutboundQueue(new ChunkPool());
        StringBuilder expected = new StringBuilder();
        for (int i = 0; i < 100; i++) {
            queue.add(bytes("m" + i + ";"));
            expected.append("m").append(i).append(';');
        }
        assertEquals(expected.length(), queue.bytes());
        FakeChannel channel = new FakeChannel(Integer.MAX_VALUE);
        assertEquals(expected.length(), queue.writeTo(channel));
        assertEquals(List.of(100), channel.buffersPerCall);
        assertEquals(expected.toString(), channel.written.toString(StandardCharsets.US_ASCII));
        assertTrue(queue.isEmpty());
        assertEquals(0, queue.bytes());
    }

    @Test
    void partialWritesKeepTheRestInOrder() throws Exception {
        OutboundQueue queue = new OutboundQueue(new ChunkPool());
        queue.add(bytes("abcdef"));
        queue.add(bytes("ghij"));
        FakeChannel channel = new FakeChannel(4);
        assertEquals(4, queue.writeTo(channel));
        assertFalse(queue.isEmpty());
        assertEquals(6, queue.bytes());
        channel.budget = 3;
        assertEquals(3, queue.writeTo(channel));
        assertEquals(3, queue.bytes());
        assertEquals(1, queue.size());
        channel.budget = 100;
        assertEquals(3, queue.writeTo(channel));
        assertEquals("abcdefghij", channel.written.toString(StandardCharsets.US_ASCII));
        assertTrue(queue.isEmpty());
    }

    @Test
    void wrapsAroundAndGrowsWithoutLosingOrder() throws Exception {
        OutboundQueue queue = new OutboundQueue(new ChunkPool());
        FakeChannel channel = new FakeChannel(0);
        StringBuilder expected = new StringBuilder();
        int next = 0;
        for (int round = 0; round < 50; round++) {
            for (int i = 0; i < round % 13 + 1; i++) {
                String s = Integer.toString(next++, 36) + ",";
                expected.append(s);
                queue.add(bytes(s));
            }
            channel.budget = round * 3 % 17;
            queue.writeTo(channel);
        }
        channel.budget = Integer.MAX_VALUE;
        queue.writeTo(channel);
        assertEquals(expected.toString(), channel.written.toString(StandardCharsets.US_ASCII));
    }

    @Test
    void sharedBroadcastViewsAreIndependent() throws Exception {
        ByteBuffer frame = bytes("shared").asReadOnlyBuffer();
        OutboundQueue a = new OutboundQueue(new ChunkPool());
        OutboundQueue b = new OutboundQueue(new ChunkPool());
        a.add(frame.duplicate());
        b.add(frame.duplicate());
        FakeChannel ca = new FakeChannel(3);
        FakeChannel cb = new FakeChannel(100);
        a.writeTo(ca);
        b.writeTo(cb);
        assertEquals("sha", ca.written.toString(StandardCharsets.US_ASCII));
        assertEquals("shared", cb.written.toString(StandardCharsets.US_ASCII));
        assertEquals(0, frame.position());
    }

    @Test
    void clearDropsEverything() {
        OutboundQueue queue = new OutboundQueue(new ChunkPool());
        queue.add(bytes("abc"));
        queue.add(bytes("de"));
        assertEquals(5, queue.clear());
        assertTrue(queue.isEmpty());
        assertEquals(0, queue.bytes());
    }

    @Test
    void moreBuffersThanOneSystemCallTakesAreWrittenInSeveralCalls() throws Exception {
        OutboundQueue queue = new OutboundQueue(new ChunkPool());
        for (int i = 0; i < 3000; i++) {
            queue.add(bytes("x"));
        }
        FakeChannel channel = new FakeChannel(Integer.MAX_VALUE);
        assertEquals(3000, queue.writeTo(channel));
        assertTrue(queue.isEmpty());
        assertTrue(channel.buffersPerCall.stream().allMatch(n -> n <= 1024), channel.buffersPerCall.toString());
    }
    /** Appends {@code s} the way a small frame is encoded into the queue's chunk. */
    private static void appendInPlace(OutboundQueue queue, String s) {
        byte[] b = s.getBytes(StandardCharsets.US_ASCII);
        ByteBuffer chunk = queue.room(b.length);
        System.arraycopy(b, 0, chunk.array(), chunk.arrayOffset() + chunk.limit(), b.length);
        queue.commit(b.length);
    }

    @Test
    void smallFramesShareOneChunkAndTheChunkGoesBackOnceWritten() throws Exception {
        ChunkPool pool = new ChunkPool();
        OutboundQueue queue = new OutboundQueue(pool);
        for (int i = 0; i < 16; i++) {
            appendInPlace(queue, "frame" + i + ";");
        }
        assertEquals(1, queue.size(), "one chunk for all sixteen");
        FakeChannel channel = new FakeChannel(10);
        queue.writeTo(channel);
        appendInPlace(queue, "late;"); // appended behind the unwritten rest of the same chunk
        assertEquals(1, queue.size());
        assertEquals(0, pool.spares());
        channel.budget = Integer.MAX_VALUE;
        queue.writeTo(channel);
        StringBuilder expected = new StringBuilder();
        for (int i = 0; i < 16; i++) {
            expected.append("frame").append(i).append(';');
        }
        assertEquals(expected + "late;", channel.written.toString(StandardCharsets.US_ASCII));
        assertTrue(queue.isEmpty());
        assertEquals(1, pool.spares(), "the written chunk is back in the pool");
        ByteBuffer reused = pool.take();
        assertEquals(0, reused.position());
        assertEquals(0, reused.limit());
    }

    @Test
    void chunksAndOtherBuffersInterleaveInOrderUnderPartialWrites() throws Exception {
        java.util.Random random = new java.util.Random(42);
        for (int trial = 0; trial < 200; trial++) {
            ChunkPool pool = new ChunkPool();
            OutboundQueue queue = new OutboundQueue(pool);
            FakeChannel channel = new FakeChannel(0);
            StringBuilder expected = new StringBuilder();
            for (int step = 0; step < 60; step++) {
                int size = 1 + random.nextInt(random.nextBoolean() ? 40 : ChunkPool.CHUNK_SIZE);
                String s = Character.toString('a' + step % 26).repeat(size);
                expected.append(s);
                if (random.nextInt(3) == 0) {
                    queue.add(bytes(s)); // a frame from another thread or a broadcast view
                } else {
                    appendInPlace(queue, s);
                }
                assertEquals(expected.length() - channel.written.size(), queue.bytes());
                if (random.nextInt(4) == 0) {
                    channel.budget = random.nextInt(3 * ChunkPool.CHUNK_SIZE);
                    queue.writeTo(channel);
                }
            }
            channel.budget = Integer.MAX_VALUE;
            queue.writeTo(channel);
            assertEquals(expected.toString(), channel.written.toString(StandardCharsets.US_ASCII), "trial " + trial);
            assertTrue(queue.isEmpty());
        }
    }

    @Test
    void clearGivesChunksBack() {
        ChunkPool pool = new ChunkPool();
        OutboundQueue queue = new OutboundQueue(pool);
        appendInPlace(queue, "abc");
        queue.add(bytes("de"));
        appendInPlace(queue, "fg");
        assertEquals(3, queue.size());
        assertEquals(7, queue.clear());
        assertEquals(2, pool.spares());
        assertTrue(queue.isEmpty());
    }
}
