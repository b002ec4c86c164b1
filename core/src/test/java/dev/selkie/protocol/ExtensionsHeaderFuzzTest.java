package dev.selkie.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Feeds arbitrary field values (the input split at LF into several values, read as ISO-8859-1 like
 * header bytes) to {@link ExtensionsHeader#parse}: it either throws IllegalArgumentException with a
 * message or returns offers made of tokens, which, written back in canonical form, parse to the
 * same offers.
 */
class ExtensionsHeaderFuzzTest {
    @FuzzTest(maxDuration = "10m")
    void parseAnyValue(byte[] input) {
        List<String> values = Arrays.asList(new String(input, StandardCharsets.ISO_8859_1).split("\n", -1));
        List<ExtensionOffer> offers;
        try {
            offers = ExtensionsHeader.parse(values);
        } catch (IllegalArgumentException e) {
            assertNotNull(e.getMessage());
            return;
        }
        List<String> canonical = new ArrayList<>();
        for (ExtensionOffer offer : offers) {
            assertTrue(HttpChars.isToken(offer.name()), offer.name());
            for (ExtensionOffer.Param param : offer.params()) {
                assertTrue(HttpChars.isToken(param.name()), param.name());
                assertTrue(param.value() == null || HttpChars.isToken(param.value()), param.value());
                assertTrue(offer.has(param.name()));
            }
            canonical.add(offer.toString());
        }
        assertEquals(offers, ExtensionsHeader.parse(List.of(String.join(", ", canonical))));
    }
}
