package dev.selkie.server;

import java.lang.reflect.Array;
import java.util.Arrays;

/**
 * A first-in first-out ring of elements, each with a {@code long} beside it (a deadline, a cost),
 * in power-of-two arrays that double when full. Its element array has the element type, so a run of
 * it can be handed to a gathering write as it is ({@link #array()}, {@link #head()}, {@link
 * #contiguous()}). Single-threaded.
 *
 * @param <E> the element type
 */
final class Ring<E> {
    private final int initialCapacity;
    private E[] elements;
    private long[] values;
    private int head;
    private int size;

    /** A ring of {@code initialCapacity} (a power of two) elements of {@code type}. */
    Ring(Class<E> type, int initialCapacity) {
        if (Integer.bitCount(initialCapacity) != 1) {
            throw new IllegalArgumentException("capacity must be a power of two: " + initialCapacity);
        }
        this.initialCapacity = initialCapacity;
        this.elements = newArray(type, initialCapacity);
        this.values = new long[initialCapacity];
    }

    @SuppressWarnings("unchecked")
    private static <E> E[] newArray(Class<E> type, int n) {
        return (E[]) Array.newInstance(type, n);
    }

    /** Appends an element with its value. */
    void add(E element, long value) {
        if (size == elements.length) {
            grow();
        }
        int tail = (head + size) & (elements.length - 1);
        elements[tail] = element;
        values[tail] = value;
        size++;
    }

    boolean isEmpty() {
        return size == 0;
    }

    int size() {
        return size;
    }

    /** The oldest element; the ring must not be empty. */
    E first() {
        return elements[head];
    }

    /** The value of the oldest element; the ring must not be empty. */
    long firstValue() {
        return values[head];
    }

    /** The newest element, or null if the ring is empty. */
    E last() {
        return size == 0 ? null : elements[(head + size - 1) & (elements.length - 1)];
    }

    /** Removes the oldest element; the ring must not be empty. */
    void removeFirst() {
        elements[head] = null;
        head = (head + 1) & (elements.length - 1);
        size--;
        if (size == 0) {
            head = 0;
        }
    }

    /** The element array; its live run starts at {@link #head()}. */
    E[] array() {
        return elements;
    }

    /** Index of the oldest element in {@link #array()}. */
    int head() {
        return head;
    }

    /** How many elements follow {@link #head()} in {@link #array()} before its end or the ring's. */
    int contiguous() {
        return Math.min(size, elements.length - head);
    }

    /** Empties the ring; back to its initial capacity if it had grown past {@code shrinkAbove}. */
    void clear(int shrinkAbove) {
        if (elements.length > shrinkAbove) {
            elements = newArray(componentType(), initialCapacity);
            values = new long[initialCapacity];
        } else if (size > 0) {
            Arrays.fill(elements, null);
        }
        head = 0;
        size = 0;
    }

    @SuppressWarnings("unchecked")
    private Class<E> componentType() {
        return (Class<E>) elements.getClass().getComponentType();
    }

    private void grow() {
        int n = elements.length;
        E[] bigger = newArray(componentType(), n * 2);
        long[] biggerValues = new long[n * 2];
        for (int i = 0; i < size; i++) {
            bigger[i] = elements[(head + i) & (n - 1)];
            biggerValues[i] = values[(head + i) & (n - 1)];
        }
        elements = bigger;
        values = biggerValues;
        head = 0;
    }
}
