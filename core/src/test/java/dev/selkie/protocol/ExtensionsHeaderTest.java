package dev.selkie.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.selkie.protocol.ExtensionOffer.Param;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ExtensionsHeaderTest {
    @Test
    void parsesAnExtensionWithoutParameters() {
        assertEquals(List.of(new ExtensionOffer("permessage-deflate", List.of())),
                ExtensionsHeader.parse(List.of("permessage-deflate")));
    }

    @Test
    void parsesParametersWithAndWithoutValuesInOrder() {
        List<ExtensionOffer> offers = ExtensionsHeader.parse(List.of(
                "permessage-deflate; client_max_window_bits; server_max_window_bits=10"));
        assertEquals(List.of(new ExtensionOffer("permessage-deflate", List.of(
                new Param("client_max_window_bits", null), new Param("server_max_window_bits", "10")))), offers);
        ExtensionOffer offer = offers.get(0);
        assertTrue(offer.is("PerMessage-Deflate"));
        assertEquals(Optional.of(new Param("server_max_window_bits", "10")), offer.param("SERVER_MAX_WINDOW_BITS"));
        assertFalse(offer.param("client_max_window_bits").orElseThrow().hasValue());
        assertTrue(offer.has("client_max_window_bits"));
        assertFalse(offer.has("server_no_context_takeover"));
        assertFalse(offer.hasDuplicateParams());
    }

    @Test
    void unquotesQuotedStringValues() {
        List<ExtensionOffer> offers = ExtensionsHeader.parse(List.of("foo; a=\"10\"; b=\"x\\yz\""));
        assertEquals(List.of(new Param("a", "10"), new Param("b", "xyz")), offers.get(0).params());
    }

    @Test
    void keepsSeveralOffersFromSeveralValuesInOrder() {
        List<ExtensionOffer> offers = ExtensionsHeader.parse(List.of(
                "permessage-deflate; client_max_window_bits=12, permessage-deflate", "x-custom;flag"));
        assertEquals(List.of("permessage-deflate", "permessage-deflate", "x-custom"),
                offers.stream().map(ExtensionOffer::name).toList());
        assertEquals("permessage-deflate; client_max_window_bits=12", offers.get(0).toString());
        assertEquals("x-custom; flag", offers.get(2).toString());
    }

    @Test
    void keepsDuplicateParametersSoNegotiationCanDeclineTheOffer() {
        ExtensionOffer offer = ExtensionsHeader.parse(List.of(
                "permessage-deflate; server_max_window_bits=10; Server_Max_Window_Bits=11")).get(0);
        assertEquals(2, offer.params().size());
        assertTrue(offer.hasDuplicateParams());
        assertEquals("10", offer.param("server_max_window_bits").orElseThrow().value());
    }

    @Test
    void toleratesEmptyElementsAndWhiteSpace() {
        assertEquals(List.of("a", "b", "c"), ExtensionsHeader.parse(List.of(" , a, , b,,", "", " \t ", "c ,"))
                .stream().map(ExtensionOffer::name).toList());
        ExtensionOffer offer = ExtensionsHeader.parse(List.of("  foo \t;\tbar = baz ;q= \"1\"  ")).get(0);
        assertEquals(List.of(new Param("bar", "baz"), new Param("q", "1")), offer.params());
        assertEquals(List.of(), ExtensionsHeader.parse(List.of()));
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "foo;",                 // parameter name missing
        "foo; =x",              // parameter name missing
        "foo bar",              // two tokens
        "foo; a=",              // value missing
        "foo; a=\"\"",          // empty quoted value is not a token
        "foo; a=\"b c\"",       // quoted value with a space is not a token
        "foo; a=\"unterminated",
        "foo; a=\"ends in escape\\",
        "foo; a=b=c",
        "\"foo\"",              // quoted extension name
        "foo;;a",
        "fo@o",                 // non-token character
        "foo; a=b c",
        "foo; a=\u00e9",        // obs-text is not a token
        "; x",
        "=",
    })
    void rejectsMalformedValuesWithAMessage(String value) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> ExtensionsHeader.parse(List.of("permessage-deflate", value)));
        assertTrue(e.getMessage().startsWith("malformed Sec-WebSocket-Extensions"), e.getMessage());
    }

    @Test
    void offersAreImmutable() {
        ExtensionOffer offer = ExtensionsHeader.parse(List.of("a; b")).get(0);
        assertThrows(UnsupportedOperationException.class, () -> offer.params().add(new Param("c", null)));
    }
}
