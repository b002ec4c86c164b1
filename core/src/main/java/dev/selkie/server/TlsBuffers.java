package dev.selkie.server;

import java.nio.ByteBuffer;

/**
 * One event loop's TLS working space, made when the loop's first TLS connection needs it: where
 * records are decrypted to ({@link #plaintext}, a heap buffer the connection above may unmask in
 * place) and encrypted to ({@link #ciphertext}, direct, so the socket write needs no copy), and a
 * few spare buffers for the partial record or unwritten ciphertext a connection holds between
 * turns. Sized from the engine's session sizes, growing if an engine asks for more. Loop thread only.
 */
final class TlsBuffers {
    /** Records encrypted per write batch before they go to the socket. */
    private static final int RECORDS_PER_BATCH = 4;
    private static final int MAX_SPARES = 16;

    private ByteBuffer plaintext;
    private ByteBuffer ciphertext;
    private int packetSize;
    private final ByteBuffer[] spares = new ByteBuffer[MAX_SPARES];
    private int spareCount;

    /** Where records are decrypted to: cleared, with room for at least one record's plaintext. */
    ByteBuffer plaintext(int applicationBufferSize) {
        if (plaintext == null || plaintext.capacity() < applicationBufferSize) {
            plaintext = ByteBuffer.allocate(applicationBufferSize);
        }
        return plaintext.clear();
    }

    /** The engine needs more room for one record's plaintext than it said: twice the buffer from now on. */
    void growPlaintext() {
        plaintext = ByteBuffer.allocate(2 * plaintext.capacity());
    }

    /** Where records are encrypted to: cleared, with room for a few records. */
    ByteBuffer ciphertext(int packetBufferSize) {
        if (ciphertext == null || packetSize < packetBufferSize) {
            packetSize = packetBufferSize;
            ciphertext = ByteBuffer.allocateDirect(RECORDS_PER_BATCH * packetBufferSize);
        }
        return ciphertext.clear();
    }

    /** A buffer of at least {@code size} bytes for what one connection must keep; cleared. */
    ByteBuffer take(int size) {
        for (int i = spareCount - 1; i >= 0; i--) {
            ByteBuffer spare = spares[i];
            if (spare.capacity() >= size) {
                spares[i] = spares[--spareCount];
                spares[spareCount] = null;
                return spare.clear();
            }
        }
        return ByteBuffer.allocate(size);
    }

    /** Takes a buffer back from {@link #take}. */
    void give(ByteBuffer buffer) {
        if (spareCount < MAX_SPARES) {
            spares[spareCount++] = buffer;
        }
    }
}
