package dev.crater.streaming;

import java.util.List;

/**
 * A quote socket's quotes waiting for its writer: at most one per key (a newer quote replaces the
 * pending one: conflation), taken oldest key first, so a socket with more keys than a batch takes
 * serves every key in turn. An {@link IntMap} of the frames and a ring of their keys in the order they
 * first became pending (a key removed and made pending again before its old place was reached
 * keeps that earlier place: never a later one); not thread-safe (the socket's lock guards it). Bounded by the socket's keys:
 * the ring holds each pending key once, plus keys removed since they were queued, which are skipped
 * when reached and compacted away once they outnumber the pending ones.
 */
final class PendingQuotes {
    private static final int MIN_RING = 8;

    private final IntMap<QuoteFrame> byKey = new IntMap<>();
    /** Keys in the order they became pending; a power-of-two ring. */
    private int[] ring = new int[MIN_RING];
    private int head;
    private int count;

    int size() {
        return byKey.size();
    }

    boolean isEmpty() {
        return byKey.isEmpty();
    }

    /** Makes {@code f} its key's pending quote; true when it replaced one (a conflated quote). */
    boolean put(QuoteFrame f) {
        int key = f.quote.securityId();
        if (byKey.put(key, f) != null) {
            return true;
        }
        append(key);
        return false;
    }

    /** Drops the key's pending quote, if any (an unsubscribe). */
    void remove(int key) {
        if (byKey.remove(key) != null && count > 2 * byKey.size() + MIN_RING) {
            compact();
        }
    }

    /** Moves up to {@code max} pending quotes to {@code out}, oldest key first. */
    void take(int max, List<QuoteFrame> out) {
        int taken = 0;
        while (taken < max && count > 0) {
            int key = ring[head];
            head = (head + 1) & (ring.length - 1);
            count--;
            QuoteFrame f = byKey.remove(key);
            if (f != null) {
                out.add(f);
                taken++;
            }
        }
        if (count == 0) {
            head = 0;
        }
    }

    void clear() {
        byKey.clear();
        head = 0;
        count = 0;
        if (ring.length > 64) {
            ring = new int[MIN_RING];
        }
    }

    private void append(int key) {
        if (count == ring.length) {
            if (count > 2 * byKey.size() + MIN_RING) {
                compact();
            }
            if (count == ring.length) {
                grow();
            }
        }
        ring[(head + count) & (ring.length - 1)] = key;
        count++;
    }

    private void grow() {
        int[] bigger = new int[ring.length * 2];
        for (int i = 0; i < count; i++) {
            bigger[i] = ring[(head + i) & (ring.length - 1)];
        }
        ring = bigger;
        head = 0;
    }

    /** Keeps each pending key once, at its first place: drops removed keys and repeats. */
    private void compact() {
        IntMap<Boolean> kept = new IntMap<>();
        int[] fresh = new int[ring.length];
        int n = 0;
        for (int i = 0; i < count; i++) {
            int key = ring[(head + i) & (ring.length - 1)];
            if (byKey.containsKey(key) && kept.put(key, Boolean.TRUE) == null) {
                fresh[n++] = key;
            }
        }
        ring = fresh;
        head = 0;
        count = n;
    }
}
