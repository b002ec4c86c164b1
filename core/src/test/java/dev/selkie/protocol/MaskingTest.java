package dev.selkie.protocol;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import org.junit.jupiter.api.Test;

/** Unmasking with long XOR must equal the byte-wise definition for every length, offset, key phase and buffer kind. */
class MaskingTest {
    private static byte[] reference(byte[] masked, int from, int len, int key, long frameOffset) {
        byte[] out = new byte[len];
        for (int i = 0; i < len; i++) {
            long j = frameOffset + i;
            out[i] = (byte) (masked[from + i] ^ (key >>> (24 - 8 * (int) (j & 3))));
        }
        return out;
    }

    @Test
    void allLengthsOffsetsAndPhases() {
        int key = 0xA1B2C3D4;
        byte[] data = FrameEncoderTest.pattern(64);
        for (int len = 0; len <= 40; len++) {
            for (int from = 0; from < 5; from++) {
                for (long phase = 0; phase < 5; phase++) {
                    byte[] expected = reference(data, from, len, key, phase);
                    int rotated = Masking.rotate(key, phase);

                    byte[] fromArray = new byte[len + 3];
                    Masking.unmask(data, from, fromArray, 3, len, rotated);
                    assertArrayEquals(expected, java.util.Arrays.copyOfRange(fromArray, 3, len + 3));

                    for (ByteOrder order : new ByteOrder[] {ByteOrder.BIG_ENDIAN, ByteOrder.LITTLE_ENDIAN}) {
                        ByteBuffer direct = ByteBuffer.allocateDirect(data.length).order(order);
                        direct.put(data).clear();
                        byte[] out = new byte[len];
                        Masking.unmask(direct, from, out, 0, len, rotated);
                        assertArrayEquals(expected, out);

                        Masking.unmaskInPlace(direct, from, len, rotated);
                        byte[] inPlace = new byte[len];
                        direct.get(from, inPlace);
                        assertArrayEquals(expected, inPlace);
                    }

                    ByteBuffer heap = ByteBuffer.wrap(data.clone());
                    Masking.unmaskInPlace(heap, from, len, rotated);
                    byte[] inPlace = new byte[len];
                    heap.get(from, inPlace);
                    assertArrayEquals(expected, inPlace);
                }
            }
        }
    }

    @Test
    void chunkedUnmaskingContinuesThePhase() {
        int key = 0x01020304;
        byte[] masked = FrameEncoderTest.pattern(50);
        byte[] expected = reference(masked, 0, 50, key, 0);
        byte[] out = new byte[50];
        int[] chunks = {3, 1, 9, 2, 17, 18};
        int at = 0;
        for (int n : chunks) {
            Masking.unmask(masked, at, out, at, n, Masking.rotate(key, at));
            at += n;
        }
        assertArrayEquals(expected, out);
    }
}
