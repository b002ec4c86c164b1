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
        OutboundQueue queue = new OutboundQueue();
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
        OutboundQueue queue = new OutboundQueue();
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
        OutboundQueue queue = new OutboundQueue();
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
        OutboundQueue a = new OutboundQueue();
        OutboundQueue b = new OutboundQueue();
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
        OutboundQueue queue = new OutboundQueue();
        queue.add(bytes("abc"));
        queue.add(bytes("de"));
        assertEquals(5, queue.clear());
        assertTrue(queue.isEmpty());
        assertEquals(0, queue.bytes());
    }

    @Test
    void moreBuffersThanOneSystemCallTakesAreWrittenInSeveralCalls() throws Exception {
        OutboundQueue queue = new OutboundQueue();
        for (int i = 0; i < 3000; i++) {
            queue.add(bytes("x"));
        }
        FakeChannel channel = new FakeChannel(Integer.MAX_VALUE);
        assertEquals(3000, queue.writeTo(channel));
        assertTrue(queue.isEmpty());
        assertTrue(channel.buffersPerCall.stream().allMatch(n -> n <= 1024), channel.buffersPerCall.toString());
    }
}
