package dev.selkie.server;

import dev.selkie.AttributeKey;
import java.util.Arrays;
import java.util.Map;

/**
 * One connection's typed state: a few key/value pairs in one array (connections keep a handful at
 * most, and none costs nothing), searched by key identity. Any thread; a lock per connection that
 * is practically never contended.
 */
final class Attributes {
    private static final Object[] NONE = new Object[0];
    /** Keys at even, values at odd indexes. */
    private Object[] pairs;

    Attributes(Map<AttributeKey<?>, Object> initial) {
        if (initial.isEmpty()) {
            pairs = NONE;
            return;
        }
        pairs = new Object[initial.size() * 2];
        int i = 0;
        for (Map.Entry<AttributeKey<?>, Object> entry : initial.entrySet()) {
            pairs[i++] = entry.getKey();
            pairs[i++] = entry.getValue();
        }
    }

    /** The value under {@code key}, or null. */
    @SuppressWarnings("unchecked") // only put(key of T, T) and HandshakeDecision.with(key of T, T) store values
    synchronized <T> T get(AttributeKey<T> key) {
        int at = indexOf(key);
        return at < 0 ? null : (T) pairs[at + 1];
    }

    /** Stores {@code value}, or removes the key if it is null; returns the previous value or null. */
    @SuppressWarnings("unchecked") // as above
    synchronized <T> T put(AttributeKey<T> key, T value) {
        int at = indexOf(key);
        if (at >= 0) {
            T previous = (T) pairs[at + 1];
            if (value != null) {
                pairs[at + 1] = value;
            } else { // the last pair moves into the hole
                int last = pairs.length - 2;
                pairs[at] = pairs[last];
                pairs[at + 1] = pairs[last + 1];
                pairs = last == 0 ? NONE : Arrays.copyOf(pairs, last);
            }
            return previous;
        }
        if (value != null) {
            int end = pairs.length;
            pairs = Arrays.copyOf(pairs, end + 2);
            pairs[end] = key;
            pairs[end + 1] = value;
        }
        return null;
    }

    private int indexOf(AttributeKey<?> key) {
        for (int i = 0; i < pairs.length; i += 2) {
            if (pairs[i] == key) {
                return i;
            }
        }
        return -1;
    }
}
