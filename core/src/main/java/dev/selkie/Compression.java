package dev.selkie;

/**
 * Whether and how the server accepts permessage-deflate (RFC 7692) when a client offers it
 * (browsers always do). Immutable; see {@link WebSocketServer.Builder#compression(Compression)}.
 *
 * <p>In the default {@link #shared() shared} mode a connection holds no zlib state at all, not even
 * while it exchanges messages: every message is inflated and compressed on its own, with zlib
 * contexts the server lends for one message at a time (about one of each per event loop), and a
 * broadcast or publish is compressed once for all its recipients in this mode. The {@link
 * #contextTakeover(int) context-takeover} mode compresses better on long sessions of similar
 * messages, at about 256 KiB of native memory per connection that has sent a compressed message (a
 * zlib deflate context of its own, ended when it closes), for at most the given number of
 * connections; the ones beyond get the shared mode.
 */
public final class Compression {
    private static final Compression OFF = new Compression(false, 0, 6, 256);

    private final boolean enabled;
    private final int maxTakeoverConnections;
    private final int level;
    private final int threshold;

    private Compression(boolean enabled, int maxTakeoverConnections, int level, int threshold) {
        this.enabled = enabled;
        this.maxTakeoverConnections = maxTakeoverConnections;
        this.level = level;
        this.threshold = threshold;
    }

    /** No compression: offers are declined, which RFC 6455 allows; clients then talk uncompressed. */
    public static Compression off() {
        return OFF;
    }

    /**
     * The default: permessage-deflate with {@code server_no_context_takeover} and {@code
     * client_no_context_takeover}, level 6, messages of 256 bytes or more compressed.
     */
    public static Compression shared() {
        return new Compression(true, 0, 6, 256);
    }

    /**
     * Context takeover for the server's compressor on up to {@code maxConnections} connections at
     * once (each then keeps a deflate context of about 256 KiB of native memory once it has sent a
     * compressed message); the others get the shared mode. Inbound messages are still inflated on
     * their own ({@code client_no_context_takeover}).
     */
    public static Compression contextTakeover(int maxConnections) {
        if (maxConnections <= 0) {
            throw new IllegalArgumentException("maxConnections must be > 0: " + maxConnections);
        }
        return new Compression(true, maxConnections, 6, 256);
    }

    /** A copy with this deflate level: 1 (fastest) to 9 (smallest); default 6. */
    public Compression level(int deflateLevel) {
        if (deflateLevel < 1 || deflateLevel > 9) {
            throw new IllegalArgumentException("level must be 1-9: " + deflateLevel);
        }
        return new Compression(enabled, maxTakeoverConnections, deflateLevel, threshold);
    }

    /** A copy that sends messages smaller than {@code bytes} uncompressed; default 256. */
    public Compression threshold(int bytes) {
        if (bytes < 0) {
            throw new IllegalArgumentException("threshold must be >= 0: " + bytes);
        }
        return new Compression(enabled, maxTakeoverConnections, level, bytes);
    }

    /** Whether permessage-deflate is accepted at all. */
    public boolean enabled() {
        return enabled;
    }

    /** Connections that may use context takeover at once; 0 in the shared mode. */
    public int maxTakeoverConnections() {
        return maxTakeoverConnections;
    }

    /** The deflate level. */
    public int level() {
        return level;
    }

    /** The smallest message, in bytes, that is compressed. */
    public int threshold() {
        return threshold;
    }

    @Override
    public String toString() {
        return !enabled ? "Compression[off]" : "Compression[" + (maxTakeoverConnections == 0 ? "shared"
                : "context takeover for " + maxTakeoverConnections) + ", level " + level + ", threshold " + threshold
                + "]";
    }
}
