package dev.crater.streaming;

import java.util.Arrays;

/**
 * A map from {@code int} keys to values, open addressing with linear probing: no boxed keys and no
 * entry objects. The quote sockets keep two per socket (pending quotes, last sent quote), touched
 * for every quote message by the ticker and the writers; as {@code HashMap<Integer, …>} they were
 * about 40 % of the streaming server's CPU in bench/streaming.sh (a node and an {@code Integer} per
 * entry, each a cache miss). Not thread-safe: callers hold their socket's lock. Bounded by its
 * callers (a socket's keys, {@link StreamerLimits#SUBSCRIPTIONS_PER_SOCKET_MAX}).
 */
final class IntMap<V> {
    private static final int MIN_CAPACITY = 8;

    private int[] keys;
    private Object[] values;
    private int size;
    private int mask;

    IntMap() {
        keys = new int[MIN_CAPACITY];
        values = new Object[MIN_CAPACITY];
        mask = MIN_CAPACITY - 1;
    }

    int size() {
        return size;
    }

    boolean isEmpty() {
        return size == 0;
    }

    /** The value of {@code key}, or null. */
    @SuppressWarnings("unchecked")
    V get(int key) {
        for (int i = slot(key); ; i = (i + 1) & mask) {
            Object v = values[i];
            if (v == null) {
                return null;
            }
            if (keys[i] == key) {
                return (V) v;
            }
        }
    }

    boolean containsKey(int key) {
        return get(key) != null;
    }

    /** Sets {@code key} to {@code value} (not null); the value it had, or null. */
    @SuppressWarnings("unchecked")
    V put(int key, V value) {
        if (value == null) {
            throw new IllegalArgumentException("IntMap holds no null values");
        }
        int i = slot(key);
        for (; values[i] != null; i = (i + 1) & mask) {
            if (keys[i] == key) {
                V before = (V) values[i];
                values[i] = value;
                return before;
            }
        }
        keys[i] = key;
        values[i] = value;
        if (++size * 2 > keys.length) {   // load factor at most 1/2: short probes
            resize(keys.length * 2);
        }
        return null;
    }

    /** Removes {@code key}; the value it had, or null. */
    @SuppressWarnings("unchecked")
    V remove(int key) {
        int i = slot(key);
        for (; values[i] != null; i = (i + 1) & mask) {
            if (keys[i] == key) {
                V before = (V) values[i];
                deleteAt(i);
                return before;
            }
        }
        return null;
    }

    void clear() {
        if (size > 0) {
            Arrays.fill(values, null);
            size = 0;
        }
        if (keys.length > 64) {   // a socket that once held many keys does not keep the big arrays
            keys = new int[MIN_CAPACITY];
            values = new Object[MIN_CAPACITY];
            mask = MIN_CAPACITY - 1;
        }
    }

    /** Backward-shift deletion: the entries after {@code i} in its run move up, so no tombstones. */
    private void deleteAt(int i) {
        size--;
        int hole = i;
        for (int j = (i + 1) & mask; values[j] != null; j = (j + 1) & mask) {
            int home = slot(keys[j]);
            // j's entry may fill the hole when its home is not in (hole, j] (cyclically).
            boolean movable = hole <= j ? (home <= hole || home > j) : (home <= hole && home > j);
            if (movable) {
                keys[hole] = keys[j];
                values[hole] = values[j];
                hole = j;
            }
        }
        values[hole] = null;
    }

    private int slot(int key) {
        int h = key * 0x9E3779B9;   // Fibonacci hashing: consecutive security ids spread out
        return (h ^ (h >>> 16)) & mask;
    }

    private void resize(int capacity) {
        int[] oldKeys = keys;
        Object[] oldValues = values;
        keys = new int[capacity];
        values = new Object[capacity];
        mask = capacity - 1;
        for (int i = 0; i < oldKeys.length; i++) {
            if (oldValues[i] != null) {
                int j = slot(oldKeys[i]);
                while (values[j] != null) {
                    j = (j + 1) & mask;
                }
                keys[j] = oldKeys[i];
                values[j] = oldValues[i];
            }
        }
    }
}
