package dev.selkie.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.selkie.protocol.Extension;
import dev.selkie.protocol.MessageSink;
import dev.selkie.protocol.Opcode;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** A message for many recipients is framed once and encoded once per share key, whoever asks first. */
class SharedMessageTest {
    /** Reverses the payload and counts how often it was asked to. */
    private static final class CountingExtension implements Extension {
        final AtomicInteger encodes = new AtomicInteger();
        final Object key;

        CountingExtension(Object key) {
            this.key = key;
        }

        @Override
        public String answer() {
            return "x-reverse";
        }

        @Override
        public int rsvBits() {
            return 0x40;
        }

        @Override
        public boolean decode(ByteBuffer in, MessageSink out) {
            throw new UnsupportedOperationException();
        }

        @Override
        public ByteBuffer encode(int opcode, ByteBuffer payload) {
            encodes.incrementAndGet();
            byte[] bytes = new byte[payload.remaining()];
            for (int i = bytes.length - 1; i >= 0; i--) {
                bytes[i] = payload.get();
            }
            return ByteBuffer.wrap(bytes);
        }

        @Override
        public Object shareKey() {
            return key;
        }
    }

    @Test
    void recipientsOnManyThreadsGetOneEncodingAndTheSameBytes() throws Exception {
        SharedMessage message = SharedMessage.text("abcdef", 0);
        Object key = new Object();
        CountingExtension first = new CountingExtension(key);
        CountingExtension second = new CountingExtension(key); // another connection's instance, same key
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Callable<ByteBuffer>> asks = new ArrayList<>();
            for (int i = 0; i < 1000; i++) {
                CountingExtension extension = i % 2 == 0 ? first : second;
                asks.add(() -> message.encodedFor(extension));
            }
            List<Future<ByteBuffer>> results = pool.invokeAll(asks);
            ByteBuffer one = results.get(0).get();
            for (Future<ByteBuffer> result : results) {
                assertSame(one, result.get(), "one encoding, shared");
            }
            assertEquals(1, first.encodes.get() + second.encodes.get(), "encoded once for 1,000 recipients");
            assertTrue(one.isReadOnly());
            assertEquals(0xC1, one.get(0) & 0xFF, "FIN, RSV1, text");
            assertEquals("fedcba", StandardCharsets.UTF_8.decode(one.duplicate().position(2)).toString());
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void thePlainFramesAreOneReadOnlyEncodingForEveryRecipientWithoutExtensions() {
        SharedMessage message = SharedMessage.binary(ByteBuffer.wrap(new byte[] {1, 2, 3}), 0);
        assertSame(message.plain(), message.plain());
        assertTrue(message.plain().isReadOnly());
        assertEquals(Opcode.BINARY, message.opcode());
        assertEquals(3, message.payloadLength());
    }
}
