package dev.selkie.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.junit.jupiter.api.Test;

/** The UTF-8 automaton against the JDK's strict decoder, exhaustively for short sequences. */
class Utf8ValidatorTest {
    private final CharsetDecoder strict = StandardCharsets.UTF_8.newDecoder()
            .onMalformedInput(CodingErrorAction.REPORT)
            .onUnmappableCharacter(CodingErrorAction.REPORT);

    private boolean jdkValid(byte[] bytes) {
        try {
            strict.reset().decode(ByteBuffer.wrap(bytes));
            return true;
        } catch (CharacterCodingException e) {
            return false;
        }
    }

    private static boolean valid(byte[] bytes) {
        return Utf8Validator.isValid(bytes, 0, bytes.length);
    }

    @Test
    void everyCodePointEncodedIsValidAndSurrogatesAreNot() {
        for (int cp = 0; cp <= 0x10FFFF; cp++) {
            if (cp >= 0xD800 && cp <= 0xDFFF) {
                byte[] surrogate = {(byte) 0xED, (byte) (0x80 | ((cp >> 6) & 0x3F)), (byte) (0x80 | (cp & 0x3F))};
                assertEquals(false, valid(surrogate), Integer.toHexString(cp));
                continue;
            }
            byte[] utf8 = new String(Character.toChars(cp)).getBytes(StandardCharsets.UTF_8);
            if (Utf8Validator.validate(Utf8Validator.ACCEPT, utf8, 0, utf8.length) != Utf8Validator.ACCEPT) {
                throw new AssertionError("U+" + Integer.toHexString(cp) + " rejected");
            }
        }
    }

    @Test
    void allOneTwoAndThreeByteSequencesAgreeWithTheJdk() {
        for (int a = 0; a < 256; a++) {
            assertEquals(jdkValid(new byte[] {(byte) a}), valid(new byte[] {(byte) a}), "byte " + a);
            for (int b = 0; b < 256; b++) {
                byte[] two = {(byte) a, (byte) b};
                if (jdkValid(two) != valid(two)) {
                    throw new AssertionError(RecordingHandler.hex(two));
                }
            }
        }
        for (int a = 0xC0; a < 0x100; a++) {
            for (int b = 0; b < 256; b++) {
                for (int c = 0; c < 256; c += (b >= 0x80 && b < 0xC0) ? 1 : 17) {
                    byte[] three = {(byte) a, (byte) b, (byte) c};
                    if (jdkValid(three) != valid(three)) {
                        throw new AssertionError(RecordingHandler.hex(three));
                    }
                }
            }
        }
    }

    @Test
    void fourByteSequencesAroundTheEdgesAgreeWithTheJdk() {
        int[] tails = {0x00, 0x7F, 0x80, 0x8F, 0x90, 0x9F, 0xA0, 0xBF, 0xC0, 0xFF};
        for (int a = 0xF0; a < 0x100; a++) {
            for (int b = 0; b < 256; b++) {
                for (int c : tails) {
                    for (int d : tails) {
                        byte[] four = {(byte) a, (byte) b, (byte) c, (byte) d};
                        if (jdkValid(four) != valid(four)) {
                            throw new AssertionError(RecordingHandler.hex(four));
                        }
                    }
                }
            }
        }
    }

    @Test
    void rejectsTheClassicInvalidForms() {
        String[] invalid = {
            "c0 af", "c1 bf", "e0 80 af", "e0 9f bf", "f0 80 80 af", "f0 8f bf bf", // overlong
            "ed a0 80", "ed ad bf", "ed ae 80", "ed b0 80", "ed bf bf", "ed a0 80 ed b0 80", // surrogates
            "f4 90 80 80", "f7 bf bf bf", "f8 88 80 80 80", "fc 84 80 80 80 80", // above U+10FFFF
            "80", "bf", "fe", "ff", "c2 41", "e2 28 a1", // stray/missing continuation
        };
        for (String s : invalid) {
            assertEquals(Utf8Validator.REJECT, validate(ClientFrames.hex(s)), s);
        }
    }

    @Test
    void truncatedSequenceIsNeitherAcceptedNorRejected() {
        for (String s : new String[] {"c3", "e2 82", "f0 9f 98", "f4 8f bf", "ed 9f"}) {
            int state = validate(ClientFrames.hex(s));
            assertNotEquals(Utf8Validator.ACCEPT, state, s);
            assertNotEquals(Utf8Validator.REJECT, state, s);
        }
    }

    @Test
    void asciiFastPathStopsAtTheFirstHighByte() {
        byte[] a = "0123456789abcdefghij".getBytes(StandardCharsets.US_ASCII);
        for (int i = 0; i < a.length; i++) {
            byte[] b = a.clone();
            b[i] = (byte) 0x80;
            assertEquals(Utf8Validator.REJECT, validate(b), "at " + i);
            b[i] = (byte) 0xC3;
            assertEquals(i == a.length - 1 ? 2 : Utf8Validator.REJECT, validate(b), "at " + i);
        }
    }

    private static int validate(byte[] b) {
        return Utf8Validator.validate(Utf8Validator.ACCEPT, b, 0, b.length);
    }

    @Property(tries = 3000)
    void agreesWithTheJdkOnRandomBytesInAnySplit(@ForAll("utf8ish") byte[] bytes, @ForAll("fraction") double cut) {
        int at = (int) (cut * bytes.length);
        int state = Utf8Validator.validate(Utf8Validator.ACCEPT, bytes, 0, at);
        if (state != Utf8Validator.REJECT) {
            state = Utf8Validator.validate(state, bytes, at, bytes.length - at);
        }
        assertEquals(jdkValid(bytes), state == Utf8Validator.ACCEPT, () -> RecordingHandler.hex(bytes));
        assertEquals(validate(bytes), state);
    }

    @Provide
    Arbitrary<byte[]> utf8ish() {
        Arbitrary<Byte> biased = Arbitraries.frequencyOf(
                net.jqwik.api.Tuple.of(5, Arbitraries.bytes().between((byte) 0x20, (byte) 0x7E)),
                net.jqwik.api.Tuple.of(4, Arbitraries.integers().between(0x80, 0xBF).map(i -> (byte) (int) i)),
                net.jqwik.api.Tuple.of(3, Arbitraries.integers().between(0xC0, 0xFF).map(i -> (byte) (int) i)),
                net.jqwik.api.Tuple.of(3, Arbitraries.of((byte) 0xE0, (byte) 0xED, (byte) 0xF0, (byte) 0xF4)));
        Arbitrary<byte[]> valid = Arbitraries.strings().withCharRange('\u0000', '\uFFFF').ofMaxLength(20)
                .map(s -> s.getBytes(StandardCharsets.UTF_8));
        Arbitrary<byte[]> noisy = biased.array(byte[].class).ofMaxSize(24);
        return Arbitraries.oneOf(valid, noisy);
    }

    @Provide
    Arbitrary<Double> fraction() {
        return Arbitraries.doubles().between(0, 1);
    }
}
