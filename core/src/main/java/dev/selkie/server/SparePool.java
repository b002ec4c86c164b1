package dev.selkie.server;

import java.util.function.Supplier;

/**
 * A bounded stack of spare objects an event loop reuses (write chunks, outbound queues, handshake
 * stages): {@link #take()} gives a spare or a new one, {@link #give} keeps one unless {@link
 * #capacity} are kept already. So a burst costs allocations once, and an idle loop keeps at most
 * the capacity. Event-loop thread only.
 *
 * @param <T> what is pooled
 */
final class SparePool<T> {
    private final Object[] spares;
    private final Supplier<T> factory;
    private int count;

    SparePool(int capacity, Supplier<T> factory) {
        this.spares = new Object[capacity];
        this.factory = factory;
    }

    /** A spare, or a new one from the factory. */
    @SuppressWarnings("unchecked")
    T take() {
        if (count == 0) {
            return factory.get();
        }
        T spare = (T) spares[--count];
        spares[count] = null;
        return spare;
    }

    /** Keeps {@code spare} for a later {@link #take()} if there is room; the caller has reset it. */
    void give(T spare) {
        if (count < spares.length) {
            spares[count++] = spare;
        }
    }

    /** Spares held. */
    int size() {
        return count;
    }

    /** Most spares held. */
    int capacity() {
        return spares.length;
    }
}
