package dev.selkie.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.selkie.protocol.HttpHeadParser.Status;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.List;

/**
 * Feeds arbitrary bytes to {@link HttpRequestParser} in one piece and in pseudo-random pieces
 * (derived from the input, so every run is reproducible), under the default limits and under tight
 * ones, and checks: only NEED_MORE / DONE / ERROR with 400 or 431 come out, the split never changes
 * the outcome, the buffer never exceeds the cap, bytes after the head stay unconsumed, and {@link
 * Handshake#check}, the subprotocol and extension helpers and the response encoders accept whatever
 * a DONE head holds.
 */
class HttpRequestParserFuzzTest {
    private static final int[][] LIMITS = {
            {HttpRequestParser.DEFAULT_MAX_HEAD_BYTES, HttpRequestParser.DEFAULT_MAX_HEADER_LINES},
            {200, 4},
    };

    @FuzzTest(maxDuration = "10m")
    void parseInAnySplit(byte[] input) {
        for (int[] limit : LIMITS) {
            Outcome whole = feed(input, limit[0], limit[1], new int[] {input.length});
            Outcome split = feed(input, limit[0], limit[1], chunkSizes(input));
            Outcome bytewise = feed(input, limit[0], limit[1], null);
            whole.assertSameAs(split);
            whole.assertSameAs(bytewise);
            if (whole.status == Status.DONE) {
                exerciseHandshake(whole.head);
            } else if (whole.status == Status.ERROR) {
                assertTrue(HttpResponses.textError(whole.errorStatus, whole.errorReason).remaining() > 0);
            }
        }
    }

    /** Feeds {@code input} in pieces of the given sizes (cycled), or one byte at a time if null. */
    private static Outcome feed(byte[] input, int maxHeadBytes, int maxHeaderLines, int[] sizes) {
        HttpRequestParser parser = new HttpRequestParser(maxHeadBytes, maxHeaderLines);
        ByteBuffer in = ByteBuffer.wrap(input);
        Status status = Status.NEED_MORE;
        int piece = 0;
        while (in.hasRemaining() && status == Status.NEED_MORE) {
            int size = sizes == null ? 1 : Math.max(1, sizes[piece++ % sizes.length]);
            int end = Math.min(input.length, in.position() + size);
            ByteBuffer chunk = in.duplicate().limit(end);
            int before = chunk.position();
            status = parser.feed(chunk);
            assertNotNull(status);
            assertTrue(parser.bufferCapacity() <= maxHeadBytes, "buffer above the cap");
            assertTrue(chunk.position() >= before && chunk.position() <= end, "position moved outside the piece");
            if (status == Status.NEED_MORE) {
                assertEquals(end, chunk.position(), "NEED_MORE must consume the whole piece");
            }
            in.position(chunk.position());
        }
        assertTrue(parser.headBytes() <= maxHeadBytes, "head above the cap");
        assertEquals(in.position(), parser.headBytes(), "consumed exactly the head bytes");
        switch (status) {
            case NEED_MORE:
                return new Outcome(status, in.position(), null, 0, null);
            case DONE:
                return new Outcome(status, in.position(), parser.head(), 0, null);
            case ERROR:
                int code = parser.errorStatus();
                if (code != 400 && code != 431) {
                    fail("error status " + code);
                }
                assertNotNull(parser.errorReason());
                return new Outcome(status, in.position(), null, code, parser.errorReason());
            default:
                throw new AssertionError(status);
        }
    }

    private static void exerciseHandshake(RequestHead head) {
        HandshakeCheck check = Handshake.check(head);
        assertNotNull(check.kind());
        List<String> offered = Handshake.offeredSubprotocols(head);
        String chosen = Handshake.selectSubprotocol(List.of("chat", "superchat"), offered);
        if (chosen != null) {
            assertTrue(offered.contains(chosen));
        }
        try {
            ExtensionsHeader.parse(head.headers().all("sec-websocket-extensions"));
        } catch (IllegalArgumentException expected) {
            // a malformed offer is the peer's problem, not a crash
        }
        switch (check.kind()) {
            case UPGRADE:
                assertNotNull(check.key());
                assertNull(check.reason());
                String accept = Handshake.acceptKey(check.key());
                assertEquals(28, accept.length());
                assertTrue(HttpResponses.switchingProtocols(accept, chosen, null, HeaderFields.EMPTY).remaining() > 0);
                break;
            case REJECT:
                assertTrue(check.status() == 400 || check.status() == 426, "reject status " + check.status());
                assertNotNull(check.reason());
                assertTrue(HttpResponses.handshakeRejection(check).remaining() > 0);
                break;
            case NOT_UPGRADE:
                assertNull(check.key());
                break;
            default:
                throw new AssertionError(check.kind());
        }
    }

    /** Piece sizes from 1 to 16, derived from the input so a finding replays identically. */
    private static int[] chunkSizes(byte[] input) {
        int[] sizes = new int[7];
        int x = Arrays.hashCode(input) | 1;
        for (int i = 0; i < sizes.length; i++) {
            x ^= x << 13;
            x ^= x >>> 17;
            x ^= x << 5;
            sizes[i] = 1 + (x & 15);
        }
        return sizes;
    }

    private static final class Outcome {
        final Status status;
        final int consumed;
        final RequestHead head;
        final int errorStatus;
        final String errorReason;

        Outcome(Status status, int consumed, RequestHead head, int errorStatus, String errorReason) {
            this.status = status;
            this.consumed = consumed;
            this.head = head;
            this.errorStatus = errorStatus;
            this.errorReason = errorReason;
        }

        void assertSameAs(Outcome other) {
            assertEquals(status, other.status, "status depends on the split");
            assertEquals(consumed, other.consumed, "consumed bytes depend on the split");
            assertEquals(errorStatus, other.errorStatus, "error status depends on the split");
            assertEquals(errorReason, other.errorReason, "error reason depends on the split");
            if (head != null) {
                assertEquals(head.method(), other.head.method());
                assertEquals(head.target(), other.head.target());
                assertEquals(head.path(), other.head.path());
                assertEquals(head.query(), other.head.query());
                assertEquals(head.versionMajor(), other.head.versionMajor());
                assertEquals(head.versionMinor(), other.head.versionMinor());
                assertEquals(head.headers().asMap(), other.head.headers().asMap());
            }
        }
    }
}
