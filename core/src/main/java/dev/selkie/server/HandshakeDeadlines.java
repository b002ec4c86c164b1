package dev.selkie.server;

import java.util.Arrays;

/**
 * The opening-handshake deadlines of one event loop: connections in the order they were accepted,
 * each with its deadline. Every handshake has the same timeout, so the deadlines come in this order
 * and a ring replaces a timer object per connection. A connection that is done with its handshake
 * is not removed; it is dropped when it reaches the front. Loop thread only.
 */
final class HandshakeDeadlines {
    private Connection[] connections = new Connection[16];
    private long[] deadlines = new long[16];
    private int head;
    private int size;

    /** {@code connection} must finish its handshake by {@code deadline} ({@link System#nanoTime()}). */
    void add(Connection connection, long deadline) {
        if (size == connections.length) {
            grow();
        }
        int tail = (head + size) & (connections.length - 1);
        connections[tail] = connection;
        deadlines[tail] = deadline;
        size++;
    }

    /** The oldest connection still in its handshake (those done with it are dropped), or null. */
    Connection first() {
        while (size > 0) {
            Connection c = connections[head];
            if (c.handshaking()) {
                return c;
            }
            removeFirst();
        }
        return null;
    }

    /** The deadline of {@link #first()}; only right after it returned a connection. */
    long firstDeadline() {
        return deadlines[head];
    }

    /** Drops the front entry. */
    void removeFirst() {
        connections[head] = null;
        head = (head + 1) & (connections.length - 1);
        size--;
    }

    void clear() {
        Arrays.fill(connections, null);
        head = 0;
        size = 0;
    }

    private void grow() {
        int n = connections.length;
        Connection[] c = new Connection[n * 2];
        long[] d = new long[n * 2];
        for (int i = 0; i < size; i++) {
            c[i] = connections[(head + i) & (n - 1)];
            d[i] = deadlines[(head + i) & (n - 1)];
        }
        connections = c;
        deadlines = d;
        head = 0;
    }
}
