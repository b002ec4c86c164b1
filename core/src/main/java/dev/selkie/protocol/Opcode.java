package dev.selkie.protocol;

/** Frame opcodes of RFC 6455 section 5.2. */
public final class Opcode {
    /** 0x0: a further frame of a fragmented message. */
    public static final int CONTINUATION = 0x0;
    /** 0x1: the first (or only) frame of a UTF-8 text message. */
    public static final int TEXT = 0x1;
    /** 0x2: the first (or only) frame of a binary message. */
    public static final int BINARY = 0x2;
    /** 0x8: a close frame, optionally with a status code and reason. */
    public static final int CLOSE = 0x8;
    /** 0x9: a ping; the peer answers with a pong carrying the same payload. */
    public static final int PING = 0x9;
    /** 0xA: a pong, in answer to a ping or unsolicited as a heartbeat. */
    public static final int PONG = 0xA;

    private Opcode() {
    }

    /** Whether the opcode is a control opcode (close, ping, pong, or reserved 0xB-0xF). */
    public static boolean isControl(int opcode) {
        return (opcode & 0x8) != 0;
    }

    /** Whether the opcode is one RFC 6455 reserves for future use (0x3-0x7 and 0xB-0xF). */
    public static boolean isReserved(int opcode) {
        return (opcode >= 0x3 && opcode <= 0x7) || opcode >= 0xB;
    }
}
