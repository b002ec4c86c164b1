package dev.selkie.protocol;

import java.util.ArrayDeque;
import java.util.zip.Deflater;
import java.util.zip.Inflater;

/**
 * The zlib contexts permessage-deflate borrows for one message at a time: raw-deflate {@link
 * Deflater}s of one level and {@link Inflater}s, made when none is spare and kept up to a bound, so
 * that a server holds about one of each per thread that compresses or inflates at once (its event
 * loops, and the threads that send from elsewhere), never one per connection. Each is reset before
 * it is lent. Native memory is released deterministically: a context beyond the bound is ended when
 * it comes back, and {@link #close} ends every spare; one given back after that is ended at once.
 * Thread-safe.
 */
public final class ZlibPool implements AutoCloseable {
    private final int level;
    private final int maxSpare;
    private final ArrayDeque<Deflater> deflaters = new ArrayDeque<>();
    private final ArrayDeque<Inflater> inflaters = new ArrayDeque<>();
    private int created;
    private boolean closed;

    /**
     * @param level the deflate level, 0-9
     * @param maxSpare contexts of each kind kept when not in use
     */
    public ZlibPool(int level, int maxSpare) {
        if (level < 0 || level > 9) {
            throw new IllegalArgumentException("deflate level must be 0-9: " + level);
        }
        this.level = level;
        this.maxSpare = maxSpare;
    }

    /** A deflater, reset, for one message; give it back with {@link #give(Deflater)}. */
    public Deflater deflater() {
        synchronized (this) {
            Deflater spare = deflaters.poll();
            if (spare != null) {
                return spare;
            }
            created++;
        }
        return new Deflater(level, true);
    }

    /** An inflater, reset, for one message; give it back with {@link #give(Inflater)}. */
    public Inflater inflater() {
        synchronized (this) {
            Inflater spare = inflaters.poll();
            if (spare != null) {
                return spare;
            }
            created++;
        }
        return new Inflater(true);
    }

    /** Takes back a deflater (reset here), or ends it if enough are spare or the pool is closed. */
    public void give(Deflater deflater) {
        deflater.reset();
        synchronized (this) {
            if (!closed && deflaters.size() < maxSpare) {
                deflaters.push(deflater);
                return;
            }
        }
        deflater.end();
    }

    /** Takes back an inflater (reset here), or ends it if enough are spare or the pool is closed. */
    public void give(Inflater inflater) {
        inflater.reset();
        synchronized (this) {
            if (!closed && inflaters.size() < maxSpare) {
                inflaters.push(inflater);
                return;
            }
        }
        inflater.end();
    }

    /** The deflate level. */
    public int level() {
        return level;
    }

    /** Contexts made so far, both kinds (for tests and metrics). */
    public synchronized int created() {
        return created;
    }

    /** Contexts kept spare now, both kinds. */
    public synchronized int spares() {
        return deflaters.size() + inflaters.size();
    }

    /** Ends every spare context; contexts given back later are ended at once. Idempotent. */
    @Override
    public void close() {
        synchronized (this) {
            closed = true;
        }
        Deflater d;
        Inflater i;
        while ((d = pollDeflater()) != null) {
            d.end();
        }
        while ((i = pollInflater()) != null) {
            i.end();
        }
    }

    private synchronized Deflater pollDeflater() {
        return deflaters.poll();
    }

    private synchronized Inflater pollInflater() {
        return inflaters.poll();
    }
}
