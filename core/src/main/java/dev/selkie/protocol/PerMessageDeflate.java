package dev.selkie.protocol;

import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.zip.DataFormatException;
import java.util.zip.Deflater;
import java.util.zip.Inflater;

/**
 * permessage-deflate (RFC 7692) as negotiated for one connection by {@link
 * PerMessageDeflateNegotiator}, on the server's side.
 *
 * <p>Inbound, the client resets its compressor after every message ({@code
 * client_no_context_takeover}, which the server always answers), so a message is inflated on its
 * own with an {@link Inflater} borrowed from the {@link ZlibPool} and reset after it: a connection
 * holds no inflate state between messages. The inflated message grows in bounded steps in the
 * {@link MessageSink}, which refuses bytes past the maximum message size (1009) and invalid UTF-8 of
 * text (1007) as they come out; corrupt compressed data is 1007.
 *
 * <p>Outbound, in the shared mode ({@code server_no_context_takeover}) a message is compressed from
 * a fresh {@link Deflater} borrowed from the pool, so the bytes depend on the message alone and may
 * be shared by every connection in that mode ({@link #shareKey()}); in the context-takeover mode the
 * connection has a deflater of its own, made at its first compressed message and ended when the
 * connection ends. Messages below the threshold, and messages that would not get smaller, are sent
 * uncompressed (RSV1 clear), as RFC 7692 allows for any message. If the client limited the server's
 * window below 15 bits ({@code server_max_window_bits}), which {@code java.util.zip} cannot do,
 * nothing is compressed: the limit is then honoured trivially.
 */
public final class PerMessageDeflate implements Extension {
    /** What a sync flush leaves at the end of a compressed message, which RFC 7692 strips (section 7.2.1). */
    private static final byte[] TAIL = {0, 0, (byte) 0xFF, (byte) 0xFF};

    private final String answer;
    private final ZlibPool pool;
    /** Compressed output of messages up to about 16 KiB goes here first: one array per sending thread. */
    private static final int ENCODE_SCRATCH_SIZE = 16 << 10;
    private static final ThreadLocal<byte[]> ENCODE_SCRATCH = ThreadLocal.withInitial(() -> new byte[ENCODE_SCRATCH_SIZE]);
    private final int threshold;
    private final boolean compress;
    /** The shared-mode key, or null in the context-takeover mode. */
    private final Object shareKey;
    /** Context takeover: this connection's deflater (made at the first compressed message), and who counts them. */
    private final PerMessageDeflateNegotiator owner;
    private Deflater own;
    private boolean released;

    PerMessageDeflate(String answer, ZlibPool pool, int threshold, boolean compress, Object shareKey,
                      PerMessageDeflateNegotiator owner) {
        this.answer = answer;
        this.pool = pool;
        this.threshold = threshold;
        this.compress = compress;
        this.shareKey = shareKey;
        this.owner = owner;
    }

    @Override
    public String answer() {
        return answer;
    }

    @Override
    public int rsvBits() {
        return 0x40;
    }

    /** The shared mode's key (the encoding depends on the message alone); null with context takeover. */
    @Override
    public Object shareKey() {
        return shareKey;
    }

    @Override
    public boolean decode(ByteBuffer in, MessageSink out) {
        Inflater inflater = pool.inflater();
        try {
            inflater.setInput(in);
            if (!inflate(inflater, out)) {
                return false;
            }
            if (inflater.finished()) {
                return true; // a block with BFINAL set ended the data (RFC 7692 section 7.2.3.4)
            }
            inflater.setInput(TAIL);
            return inflate(inflater, out);
        } catch (DataFormatException e) {
            throw new ExtensionException(CloseStatus.INVALID_PAYLOAD, "invalid compressed data");
        } finally {
            pool.give(inflater);
        }
    }

    /** Inflates what the inflater has into the sink, growing it as output comes; false if the sink refused. */
    private static boolean inflate(Inflater inflater, MessageSink out) throws DataFormatException {
        while (true) {
            if (out.room() == 0) {
                if (out.full()) { // at the limit: one more byte is too many
                    byte[] probe = new byte[1];
                    return inflater.inflate(probe) == 0 || out.reserve(1);
                }
                out.reserve(1);
            }
            int n = inflater.inflate(out.array(), out.size(), out.room());
            if (n > 0) {
                if (!out.commit(n)) {
                    return false;
                }
            } else if (inflater.needsDictionary()) {
                throw new ExtensionException(CloseStatus.INVALID_PAYLOAD, "compressed data needs a dictionary");
            } else {
                return true; // needs input, or finished
            }
        }
    }

    @Override
    public ByteBuffer encode(int opcode, ByteBuffer payload) {
        if (!compress || payload.remaining() < threshold) {
            return null;
        }
        if (shareKey != null) {
            Deflater deflater = pool.deflater();
            try {
                ByteBuffer compressed = deflate(deflater, payload);
                // from a fresh context a message may as well go plain when that is no bigger
                return compressed.remaining() < payload.remaining() ? compressed : null;
            } finally {
                pool.give(deflater);
            }
        }
        synchronized (this) { // context takeover: one deflater, one message at a time, in order
            if (released) {
                return null;
            }
            if (own == null) {
                own = new Deflater(pool.level(), true);
            }
            // always compressed: the deflater's history now holds the message, so must the client's
            return deflate(own, payload);
        }
    }

    /**
     * Compresses the payload with a sync flush and strips the flush's 4-byte tail (RFC 7692 section
     * 7.2.1): into the thread's scratch array when the worst case fits it (the caller frames the
     * result at once, see {@link Extension#encode}), else into an array of its own.
     */
    private static ByteBuffer deflate(Deflater deflater, ByteBuffer payload) {
        int length = payload.remaining();
        deflater.setInput(payload.duplicate());
        byte[] out = length + 64 <= ENCODE_SCRATCH_SIZE ? ENCODE_SCRATCH.get() : new byte[length + 64];
        int n = 0;
        while (true) {
            n += deflater.deflate(out, n, out.length - n, Deflater.SYNC_FLUSH);
            if (n < out.length) {
                break; // the flush is complete when the output did not fill the buffer
            }
            out = Arrays.copyOf(out, out.length * 2);
        }
        return ByteBuffer.wrap(out, 0, n - TAIL.length);
    }

    @Override
    public void release() {
        if (shareKey != null) {
            return; // a shared-mode instance serves many connections and holds nothing of theirs
        }
        synchronized (this) {
            if (released) {
                return;
            }
            released = true;
            if (own != null) {
                own.end();
                own = null;
            }
        }
        if (owner != null) {
            owner.takeoverEnded();
        }
    }
}
