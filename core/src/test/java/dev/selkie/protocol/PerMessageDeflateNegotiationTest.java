package dev.selkie.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;

import java.nio.ByteBuffer;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** The server's answers to permessage-deflate offers, rule by rule of RFC 7692 section 7. */
class PerMessageDeflateNegotiationTest {
    private static final String SHARED = "permessage-deflate; server_no_context_takeover; client_no_context_takeover";

    private static String answer(PerMessageDeflateNegotiator negotiator, String offers) {
        List<Extension> accepted = Extensions.negotiate(ExtensionsHeader.parse(List.of(offers)), List.of(negotiator));
        return Extensions.answer(accepted);
    }

    private static String answer(String offers) {
        return answer(new PerMessageDeflateNegotiator(6, 0, 0, 1), offers);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        // what browsers and most clients offer
        "permessage-deflate; client_max_window_bits | " + SHARED,
        "permessage-deflate | " + SHARED,
        "PerMessage-Deflate; Client_Max_Window_Bits=10 | " + SHARED,
        "permessage-deflate; client_no_context_takeover | " + SHARED,
        "permessage-deflate; server_no_context_takeover | " + SHARED,
        "permessage-deflate; server_no_context_takeover; client_no_context_takeover | " + SHARED,
        // the server's window: answered as asked (below 15 it then compresses nothing)
        "permessage-deflate; server_max_window_bits=15 | " + SHARED + "; server_max_window_bits=15",
        "permessage-deflate; server_max_window_bits=8 | " + SHARED + "; server_max_window_bits=8",
        "permessage-deflate; server_max_window_bits=\"10\"; client_max_window_bits | " + SHARED
                + "; server_max_window_bits=10",
    })
    void acceptableOffersGetTheRightAnswer(String offer, String expected) {
        assertEquals(expected, answer(offer));
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {
        "permessage-deflate; unknown_param",
        "permessage-deflate; server_no_context_takeover; server_no_context_takeover",
        "permessage-deflate; client_max_window_bits; client_max_window_bits=10",
        "permessage-deflate; server_max_window_bits=8; server_max_window_bits=8",
        "permessage-deflate; server_no_context_takeover=1",
        "permessage-deflate; client_no_context_takeover=true",
        "permessage-deflate; server_max_window_bits",
        "permessage-deflate; server_max_window_bits=7",
        "permessage-deflate; server_max_window_bits=16",
        "permessage-deflate; server_max_window_bits=08",
        "permessage-deflate; server_max_window_bits=\"+9\"",
        "permessage-deflate; server_max_window_bits=abc",
        "permessage-deflate; client_max_window_bits=7",
        "permessage-deflate; client_max_window_bits=100",
        "x-webkit-deflate-frame",
    })
    void invalidOffersAreDeclined(String offer) {
        assertNull(answer(offer));
    }

    @Test
    void aDeclinedOfferFallsThroughToTheNextOne() {
        assertEquals(SHARED + "; server_max_window_bits=12", answer(
                "permessage-deflate; bogus, permessage-deflate; server_max_window_bits=16, "
                        + "permessage-deflate; server_max_window_bits=12, permessage-deflate"));
    }

    @Test
    void theAnswerNeverNamesTheClientsWindowWhenTheOfferDidNot() {
        for (String offer : new String[] {"permessage-deflate", "permessage-deflate; server_max_window_bits=9"}) {
            String answer = answer(offer);
            assertEquals(-1, answer.indexOf("client_max_window_bits"), answer);
        }
    }

    @Test
    void aWindowBelow15IsHonouredBySendingEverythingUncompressed() {
        PerMessageDeflateNegotiator negotiator = new PerMessageDeflateNegotiator(6, 0, 0, 1);
        Extension small = negotiator.accept(ExtensionsHeader.parse(List.of(
                "permessage-deflate; server_max_window_bits=9")).get(0));
        byte[] text = PerMessageDeflateTest.jsonLike(4096);
        assertNull(small.encode(Opcode.TEXT, ByteBuffer.wrap(text)), "sent as is: no window at all");
        assertNull(small.shareKey());
        Extension full = negotiator.accept(new ExtensionOffer("permessage-deflate", List.of()));
        assertNotNull(full.encode(Opcode.TEXT, ByteBuffer.wrap(text)));
        negotiator.close();
    }

    @Test
    void contextTakeoverIsForTheFirstConnectionsUpToTheCapAndNotWhenTheClientAsksOtherwise() {
        PerMessageDeflateNegotiator negotiator = new PerMessageDeflateNegotiator(6, 0, 2, 1);
        String takeover = "permessage-deflate; client_no_context_takeover";
        ExtensionOffer plain = new ExtensionOffer("permessage-deflate", List.of());
        Extension first = negotiator.accept(plain);
        Extension second = negotiator.accept(plain);
        assertEquals(takeover, first.answer());
        assertEquals(takeover, second.answer());
        assertNull(first.shareKey(), "its encoding is its own");
        assertEquals(SHARED, negotiator.accept(plain).answer(), "beyond the cap: shared");
        assertEquals(SHARED, answer(negotiator, "permessage-deflate; server_no_context_takeover"),
                "the client's wish wins");
        first.release();
        assertEquals(1, negotiator.takeoverConnections());
        Extension third = negotiator.accept(plain);
        assertEquals(takeover, third.answer(), "a released slot is taken again");
        second.release();
        third.release();
        third.release(); // idempotent
        assertEquals(0, negotiator.takeoverConnections());
        negotiator.close();
    }

    @Test
    void contextTakeoverCompressesEachMessageWithTheHistoryOfTheOnesBefore() throws Exception {
        PerMessageDeflateNegotiator negotiator = new PerMessageDeflateNegotiator(6, 0, 1, 1);
        Extension takeover = negotiator.accept(new ExtensionOffer("permessage-deflate", List.of()));
        byte[] message = PerMessageDeflateTest.jsonLike(2048);
        java.util.zip.Inflater client = new java.util.zip.Inflater(true); // the client keeps its context
        int firstSize = 0;
        for (int i = 0; i < 3; i++) {
            ByteBuffer compressed = takeover.encode(Opcode.TEXT, ByteBuffer.wrap(message));
            byte[] bytes = new byte[compressed.remaining() + 4];
            compressed.get(bytes, 0, compressed.remaining());
            bytes[bytes.length - 2] = (byte) 0xFF;
            bytes[bytes.length - 1] = (byte) 0xFF;
            client.setInput(bytes);
            byte[] out = new byte[message.length];
            assertEquals(message.length, client.inflate(out));
            assertEquals(new String(message, java.nio.charset.StandardCharsets.US_ASCII),
                    new String(out, java.nio.charset.StandardCharsets.US_ASCII));
            if (i == 0) {
                firstSize = bytes.length;
            } else {
                assertEquals(true, bytes.length < firstSize / 4, "a repeat costs little: " + bytes.length);
            }
        }
        client.end();
        takeover.release();
        negotiator.close();
    }

    @Test
    void sharedModeConnectionsWithTheSameAnswerShareOneExtension() {
        PerMessageDeflateNegotiator negotiator = new PerMessageDeflateNegotiator(6, 0, 0, 1);
        ExtensionOffer plain = new ExtensionOffer("permessage-deflate", List.of());
        assertSame(negotiator.accept(plain), negotiator.accept(plain));
        negotiator.close();
    }
}
