package dev.selkie.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.nio.ByteBuffer;

/**
 * Feeds arbitrary bytes to {@link ProxyHeaderParser}, whole and split in two at a point the input
 * picks: it never throws, decides the same either way, never takes a byte past a header it
 * accepted (v1: at most 107 bytes, v2: its declared length), and a failure always says why.
 */
class ProxyHeaderParserFuzzTest {
    @FuzzTest(maxDuration = "10m")
    void parseInAnySplit(byte[] input) {
        ProxyHeaderParser whole = new ProxyHeaderParser(4096);
        ByteBuffer all = ByteBuffer.wrap(input);
        ProxyHeaderParser.Status status = whole.feed(all);
        int consumed = all.position();

        int split = input.length == 0 ? 0 : (input[0] & 0xFF) % (input.length + 1);
        ProxyHeaderParser parts = new ProxyHeaderParser(4096);
        ByteBuffer first = ByteBuffer.wrap(input, 0, split);
        ProxyHeaderParser.Status partStatus = parts.feed(first);
        int partConsumed = first.position();
        if (partStatus == ProxyHeaderParser.Status.NEED_MORE) {
            ByteBuffer second = ByteBuffer.wrap(input, split, input.length - split);
            partStatus = parts.feed(second);
            partConsumed = second.position();
        }
        assertEquals(status, partStatus, "the same decision in any split");
        switch (status) {
            case DONE -> {
                assertEquals(consumed, partConsumed, "the same header length");
                assertEquals(whole.header(), parts.header());
                assertTrue(whole.header().version() == 1 ? consumed <= ProxyHeaderParser.V1_MAX : consumed <= 4096);
                assertTrue(whole.header().source().isPresent() == whole.header().destination().isPresent());
            }
            case FAILED -> {
                assertNotNull(whole.error());
                assertNotNull(parts.error());
            }
            case NEED_MORE -> assertEquals(input.length, consumed, "everything taken while the header may go on");
        }
    }
}
