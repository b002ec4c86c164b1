package dev.selkie.protocol;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;

/**
 * Incremental UTF-8 validation with a deterministic finite automaton in the style of Björn
 * Höhrmann's decoder: every byte maps to one of 12 classes, and a (state, class) table gives the next
 * state. The state is a plain int the caller keeps between chunks, so a message may be validated
 * in pieces split anywhere, and the first invalid byte is noticed when it arrives.
 *
 * <p>Accepted are exactly the well-formed sequences of the Unicode standard (table 3-7): no overlong
 * forms, no surrogates (ED A0..BF), nothing above U+10FFFF.
 */
final class Utf8Validator {
    /** Start state, and the state after a complete character. */
    static final int ACCEPT = 0;
    /** Sticky state after an invalid byte. */
    static final int REJECT = 1;

    // states: how many continuation bytes are missing, and which range the next one must be in
    private static final int NEED_1 = 2; // one more 80..BF
    private static final int NEED_2 = 3; // two more 80..BF
    private static final int NEED_3 = 4; // three more 80..BF
    private static final int AFTER_E0 = 5; // A0..BF, then one more (no overlong 3-byte forms)
    private static final int AFTER_ED = 6; // 80..9F, then one more (no surrogates)
    private static final int AFTER_F0 = 7; // 90..BF, then two more (no overlong 4-byte forms)
    private static final int AFTER_F4 = 8; // 80..8F, then two more (nothing above U+10FFFF)
    private static final int STATES = 9;

    // byte classes
    private static final int ASCII = 0;
    private static final int CONT_80_8F = 1;
    private static final int CONT_90_9F = 2;
    private static final int CONT_A0_BF = 3;
    private static final int INVALID = 4; // C0, C1, F5..FF
    private static final int LEAD_2 = 5; // C2..DF
    private static final int LEAD_E0 = 6;
    private static final int LEAD_3 = 7; // E1..EC, EE, EF
    private static final int LEAD_ED = 8;
    private static final int LEAD_F0 = 9;
    private static final int LEAD_4 = 10; // F1..F3
    private static final int LEAD_F4 = 11;
    private static final int CLASSES = 12;

    private static final byte[] CLASS_OF = new byte[256];
    private static final byte[] NEXT = new byte[STATES * CLASSES];

    private static final VarHandle LONG = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.BIG_ENDIAN);
    private static final long HIGH_BITS = 0x8080_8080_8080_8080L;

    static {
        for (int b = 0; b < 256; b++) {
            CLASS_OF[b] = (byte) classOf(b);
        }
        java.util.Arrays.fill(NEXT, (byte) REJECT);
        next(ACCEPT, ASCII, ACCEPT);
        next(ACCEPT, LEAD_2, NEED_1);
        next(ACCEPT, LEAD_E0, AFTER_E0);
        next(ACCEPT, LEAD_3, NEED_2);
        next(ACCEPT, LEAD_ED, AFTER_ED);
        next(ACCEPT, LEAD_F0, AFTER_F0);
        next(ACCEPT, LEAD_4, NEED_3);
        next(ACCEPT, LEAD_F4, AFTER_F4);
        for (int cont = CONT_80_8F; cont <= CONT_A0_BF; cont++) {
            next(NEED_1, cont, ACCEPT);
            next(NEED_2, cont, NEED_1);
            next(NEED_3, cont, NEED_2);
        }
        next(AFTER_E0, CONT_A0_BF, NEED_1);
        next(AFTER_ED, CONT_80_8F, NEED_1);
        next(AFTER_ED, CONT_90_9F, NEED_1);
        next(AFTER_F0, CONT_90_9F, NEED_2);
        next(AFTER_F0, CONT_A0_BF, NEED_2);
        next(AFTER_F4, CONT_80_8F, NEED_2);
    }

    private Utf8Validator() {
    }

    private static int classOf(int b) {
        if (b < 0x80) {
            return ASCII;
        } else if (b < 0x90) {
            return CONT_80_8F;
        } else if (b < 0xA0) {
            return CONT_90_9F;
        } else if (b < 0xC0) {
            return CONT_A0_BF;
        } else if (b < 0xC2) {
            return INVALID;
        } else if (b < 0xE0) {
            return LEAD_2;
        } else if (b == 0xE0) {
            return LEAD_E0;
        } else if (b == 0xED) {
            return LEAD_ED;
        } else if (b < 0xF0) {
            return LEAD_3;
        } else if (b == 0xF0) {
            return LEAD_F0;
        } else if (b < 0xF4) {
            return LEAD_4;
        } else if (b == 0xF4) {
            return LEAD_F4;
        }
        return INVALID;
    }

    private static void next(int state, int byteClass, int nextState) {
        NEXT[state * CLASSES + byteClass] = (byte) nextState;
    }

    /** The state after one more byte. */
    static int step(int state, byte b) {
        return NEXT[state * CLASSES + CLASS_OF[b & 0xFF]];
    }

    /**
     * Feeds {@code len} bytes of {@code a} from {@code off} to the automaton in {@code state} and
     * returns the state after them: {@link #REJECT} as soon as a byte is invalid, {@link #ACCEPT}
     * if they end on a character boundary, another state if a character is unfinished.
     */
    static int validate(int state, byte[] a, int off, int len) {
        int i = off;
        int end = off + len;
        while (i < end) {
            if (state == ACCEPT) {
                // ASCII fast path: 8 bytes per step while none has its high bit set
                while (i + 8 <= end && ((long) LONG.get(a, i) & HIGH_BITS) == 0) {
                    i += 8;
                }
                while (i < end && a[i] >= 0) {
                    i++;
                }
                if (i == end) {
                    break;
                }
            }
            state = NEXT[state * CLASSES + CLASS_OF[a[i] & 0xFF]];
            if (state == REJECT) {
                return REJECT;
            }
            i++;
        }
        return state;
    }

    /** Whether the bytes are complete, well-formed UTF-8. */
    static boolean isValid(byte[] a, int off, int len) {
        return validate(ACCEPT, a, off, len) == ACCEPT;
    }
}
