package dev.crater.orders.engine;

import java.util.ArrayList;
import java.util.List;

/**
 * Open-addressing hash map from {@code long} to object, linear probing with backward-shift deletion: no boxing,
 * no allocation on get/put of existing keys. Iteration order depends on insertion history, so the engine sorts
 * whenever order matters. Key {@code Long.MIN_VALUE} is reserved.
 */
final class LongMap<V> {
    private static final long EMPTY = Long.MIN_VALUE;
    private long[] keys;
    private Object[] vals;
    private int size;
    private int mask;

    LongMap() {
        this(16);
    }

    LongMap(int expected) {
        int cap = Integer.highestOneBit(Math.max(8, expected * 2 - 1)) << 1;
        alloc(cap);
    }

    private void alloc(int cap) {
        keys = new long[cap];
        java.util.Arrays.fill(keys, EMPTY);
        vals = new Object[cap];
        mask = cap - 1;
    }

    private static int slot(long k, int mask) {
        long h = k * 0x9E3779B97F4A7C15L;
        return (int) (h ^ (h >>> 29)) & mask;
    }

    int size() {
        return size;
    }

    @SuppressWarnings("unchecked")
    V get(long k) {
        int i = slot(k, mask);
        while (true) {
            long kk = keys[i];
            if (kk == k) {
                return (V) vals[i];
            }
            if (kk == EMPTY) {
                return null;
            }
            i = (i + 1) & mask;
        }
    }

    boolean containsKey(long k) {
        return get(k) != null;
    }

    @SuppressWarnings("unchecked")
    V put(long k, V v) {
        if (k == EMPTY) {
            throw new IllegalArgumentException("reserved key");
        }
        if ((size + 1) * 2 > keys.length) {
            grow();
        }
        int i = slot(k, mask);
        while (true) {
            long kk = keys[i];
            if (kk == k) {
                V old = (V) vals[i];
                vals[i] = v;
                return old;
            }
            if (kk == EMPTY) {
                keys[i] = k;
                vals[i] = v;
                size++;
                return null;
            }
            i = (i + 1) & mask;
        }
    }

    @SuppressWarnings("unchecked")
    V remove(long k) {
        int i = slot(k, mask);
        while (true) {
            long kk = keys[i];
            if (kk == EMPTY) {
                return null;
            }
            if (kk == k) {
                break;
            }
            i = (i + 1) & mask;
        }
        V old = (V) vals[i];
        int j = i;
        while (true) {
            j = (j + 1) & mask;
            long kj = keys[j];
            if (kj == EMPTY) {
                break;
            }
            int h = slot(kj, mask);
            boolean inRange = i <= j ? (i < h && h <= j) : (i < h || h <= j);
            if (!inRange) {
                keys[i] = kj;
                vals[i] = vals[j];
                i = j;
            }
        }
        keys[i] = EMPTY;
        vals[i] = null;
        size--;
        return old;
    }

    private void grow() {
        long[] ok = keys;
        Object[] ov = vals;
        alloc(ok.length * 2);
        size = 0;
        for (int i = 0; i < ok.length; i++) {
            if (ok[i] != EMPTY) {
                putFresh(ok[i], ov[i]);
            }
        }
    }

    private void putFresh(long k, Object v) {
        int i = slot(k, mask);
        while (keys[i] != EMPTY) {
            i = (i + 1) & mask;
        }
        keys[i] = k;
        vals[i] = v;
        size++;
    }

    /** Slot count, for allocation-free iteration with {@link #valueAt}. */
    int capacity() {
        return keys.length;
    }

    /** The value in slot {@code i}, or null if the slot is empty. */
    @SuppressWarnings("unchecked")
    V valueAt(int i) {
        return (V) vals[i];
    }

    /** A copy of the values (unordered). */
    @SuppressWarnings("unchecked")
    List<V> values() {
        List<V> out = new ArrayList<>(size);
        for (int i = 0; i < keys.length; i++) {
            if (keys[i] != EMPTY) {
                out.add((V) vals[i]);
            }
        }
        return out;
    }
}
