package dev.selkie.testing;

import dev.selkie.protocol.ExtensionOffer;
import java.io.ByteArrayOutputStream;
import java.util.Arrays;
import java.util.zip.DataFormatException;
import java.util.zip.Deflater;
import java.util.zip.Inflater;

/**
 * A client's permessage-deflate for the tests, written on {@code java.util.zip} alone (not on the
 * server's code): compresses what the client sends as the server's answer demands (a fresh context
 * per message under {@code client_no_context_takeover}) and inflates what the server sends (a fresh
 * context per message under {@code server_no_context_takeover}, else one kept across messages).
 */
public final class ClientDeflate implements AutoCloseable {
    private static final byte[] TAIL = {0, 0, (byte) 0xFF, (byte) 0xFF};

    private final boolean clientNoContextTakeover;
    private final boolean serverNoContextTakeover;
    private final Deflater deflater = new Deflater(6, true);
    private final Inflater inflater = new Inflater(true);

    /** As the server's answer says. */
    public ClientDeflate(ExtensionOffer answer) {
        this.clientNoContextTakeover = answer.has("client_no_context_takeover");
        this.serverNoContextTakeover = answer.has("server_no_context_takeover");
    }

    /** The payload of a compressed message (sync flush, tail stripped). */
    public byte[] compress(byte[] message) {
        if (clientNoContextTakeover) {
            deflater.reset();
        }
        deflater.setInput(message);
        ByteArrayOutputStream out = new ByteArrayOutputStream(message.length / 2 + 64);
        byte[] buf = new byte[8192];
        int n;
        do {
            n = deflater.deflate(buf, 0, buf.length, Deflater.SYNC_FLUSH);
            out.write(buf, 0, n);
        } while (n == buf.length);
        byte[] all = out.toByteArray();
        return Arrays.copyOf(all, all.length - TAIL.length);
    }

    /** The message a compressed payload from the server stands for. */
    public byte[] inflate(byte[] payload) throws DataFormatException {
        if (serverNoContextTakeover) {
            inflater.reset();
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream(payload.length * 4 + 64);
        byte[] buf = new byte[8192];
        for (byte[] input : new byte[][] {payload, TAIL}) {
            inflater.setInput(input);
            int n;
            while ((n = inflater.inflate(buf)) > 0) {
                out.write(buf, 0, n);
            }
        }
        return out.toByteArray();
    }

    /** Whether the server promised to compress every message on its own. */
    public boolean serverNoContextTakeover() {
        return serverNoContextTakeover;
    }

    @Override
    public void close() {
        deflater.end();
        inflater.end();
    }
}
