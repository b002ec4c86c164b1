package dev.selkie.server;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.Selector;
import java.util.Optional;

/**
 * The byte stream under one connection: it owns the socket channel, its selection key and interest,
 * whether writes are blocked, the peer's end of stream, gathering writes, half-close and close. The
 * connection above it sees only application bytes ({@link Sink#received}) and hands it queued
 * bytes to write ({@link #write}). A transport may produce no application bytes from a read, and may
 * need to write when the connection did not ask (a TLS transport beside the plain one does both for
 * its handshake and records). Loop thread only.
 */
interface Transport {
    /** What a transport reports to the connection above it. */
    interface Sink {
        /**
         * Application bytes arrived, in a buffer the caller reuses (the loop's read buffer): consume
         * or copy them during the call. The buffer is writable scratch space (the protocol unmasks
         * in place).
         */
        void received(ByteBuffer bytes);

        /** The peer closed its side of the stream (after everything it sent was received). */
        void endOfStream();

        /** Reading or writing failed; the transport is of no further use. */
        void failed(IOException error);

        /** Writes were blocked and the transport can take bytes again: flush. */
        void writable();
    }

    /**
     * Registers the channel with {@code selector}, with {@code attachment} (the connection) on its
     * key; from then on the transport reports to {@code sink}. A transport over another registers
     * that one with itself as the sink.
     */
    void register(Selector selector, Sink sink, Object attachment) throws IOException;

    /** The selector found the channel ready for these operations; reads and writes, reporting to the sink. */
    void ready(int readyOps);

    /**
     * Writes as much of {@code queue} as the transport takes now. When not all fits, the transport
     * waits for the socket to take more and then calls {@link Sink#writable()}.
     *
     * @throws IOException if the connection broke (the sink is not called)
     */
    void write(OutboundQueue queue) throws IOException;

    /** Whether bytes wait for the socket to take more (a write was short; {@link Sink#writable()} will follow). */
    boolean writeBlocked();

    /** Whether to read from the socket (while off, the peer's writes meet TCP backpressure). */
    void reading(boolean on);

    /** Ends the output side (a FIN, after everything written) and keeps reading. */
    void shutdownOutput() throws IOException;

    /** Closes the socket now, dropping anything unwritten. Idempotent. */
    void close();

    /** The peer's address as the socket sees it. */
    InetSocketAddress remoteAddress();

    /** The client's address as a trusted proxy declared it (PROXY protocol), if one did. */
    default Optional<InetSocketAddress> declaredRemoteAddress() {
        return Optional.empty();
    }

    /** The host name the client asked for in its TLS handshake (SNI), if any. */
    default Optional<String> serverName() {
        return Optional.empty();
    }

    /** Whether the bytes travel encrypted (TLS). */
    default boolean secure() {
        return false;
    }
}
