package dev.crater.orders.engine;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Trailing stops of one security, one direction, one amount type and one tick size, organised so that a tick costs
 * O(log n) unless something triggers or a new extreme merges groups.
 *
 * <p>All trailing orders trade in the regular session only (extended hours are for Limit orders), so every order's
 * "best last since placement" is the extreme of the same price path over a window ending now: an older order's best
 * is always at least as extreme as a newer one's. Orders with an equal best form a {@link Group} whose members are
 * sorted by trailing amount (for a fixed best the stop is monotonic in the amount, absolute or percent). A new
 * extreme {@code L} merges every group whose best is below it (sell side; above for buys) into one group with best
 * {@code L} (small groups move into the largest, so each order moves O(log n) times in total). Groups are indexed by
 * their most reachable stop (sell: highest; buy: lowest), so triggering is a prefix walk.
 *
 * <p>An order's {@code trailBest}/{@code stop} fields are only materialised from its group when it leaves the book or
 * is viewed ({@link Order#syncTrail()}).
 */
final class TrailBook {
    final boolean buy;
    final TrailType type;
    final long tick;
    final TreeMap<Long, Group> byBest = new TreeMap<>();
    final TreeSet<Group> byStop;
    int size;
    /** Cached: the least extreme best (sell: lowest; buy: highest) and the most reachable stop. */
    long edgeBest;
    long topStop;
    private final ArrayList<Group> merging = new ArrayList<>();

    /** Orders sharing one best price. */
    static final class Group {
        long best;
        long stop;
        final TreeSet<Order> members = new TreeSet<>(BY_AMOUNT);
    }

    static final Comparator<Order> BY_AMOUNT = (a, b) -> a.trailAmount != b.trailAmount
            ? Long.compare(a.trailAmount, b.trailAmount) : Long.compare(a.sequence, b.sequence);

    TrailBook(boolean buy, TrailType type, long tick) {
        this.buy = buy;
        this.type = type;
        this.tick = tick;
        Comparator<Group> c = buy
                ? (x, y) -> x.stop != y.stop ? Long.compare(x.stop, y.stop) : Long.compare(x.best, y.best)
                : (x, y) -> x.stop != y.stop ? Long.compare(y.stop, x.stop) : Long.compare(x.best, y.best);
        this.byStop = new TreeSet<>(c);
        refresh();
    }

    private void refresh() {
        if (byBest.isEmpty()) {
            edgeBest = buy ? Long.MIN_VALUE : Long.MAX_VALUE;
            topStop = buy ? Long.MAX_VALUE : Long.MIN_VALUE;
        } else {
            edgeBest = buy ? byBest.lastKey() : byBest.firstKey();
            topStop = byStop.first().stop;
        }
    }

    boolean matches(boolean isBuy, TrailType t, long tickSize) {
        return buy == isBuy && type == t && tick == tickSize;
    }

    private void restop(Group g) {
        g.stop = Order.trailStop(buy, g.best, g.members.first().trailAmount, type, tick);
    }

    void add(Order o) {
        Group g = byBest.get(o.trailBest);
        if (g == null) {
            g = new Group();
            g.best = o.trailBest;
            byBest.put(g.best, g);
        } else {
            byStop.remove(g);
        }
        g.members.add(o);
        o.trailingGroup = g;
        restop(g);
        byStop.add(g);
        size++;
        refresh();
    }

    void remove(Order o) {
        o.syncTrail();
        Group g = o.trailingGroup;
        byStop.remove(g);
        if (!g.members.remove(o)) {
            throw new IllegalStateException("trailing order " + o.id + " missing from its group");
        }
        o.trailingGroup = null;
        if (g.members.isEmpty()) {
            byBest.remove(g.best);
        } else {
            restop(g);
            byStop.add(g);
        }
        size--;
        refresh();
    }

    /** Moves every group whose best is beaten by {@code last} to best = {@code last}. */
    void track(long last) {
        if (size == 0 || (buy ? edgeBest <= last : edgeBest >= last)) {
            return;
        }
        List<Group> gs = merging;
        gs.clear();
        while (!byBest.isEmpty()) {
            Long k = buy ? byBest.lastKey() : byBest.firstKey();
            if (buy ? k < last : k > last) {
                break;
            }
            gs.add(byBest.get(k));
            byBest.remove(k);
        }
        Group base = gs.get(0);
        for (Group g : gs) {
            if (g.members.size() > base.members.size()) {
                base = g;
            }
        }
        for (Group g : gs) {
            byStop.remove(g);
        }
        for (Group g : gs) {
            if (g != base) {
                for (Order o : g.members) {
                    o.trailingGroup = base;
                }
                base.members.addAll(g.members);
            }
        }
        base.best = last;
        restop(base);
        byBest.put(last, base);
        byStop.add(base);
        gs.clear();
        refresh();
    }

    /** The next order whose stop {@code last} reaches, or null. */
    Order nextTriggered(long last) {
        if (size == 0 || (buy ? last < topStop : last > topStop)) {
            return null;
        }
        Group g = byStop.first();
        boolean hit = buy ? last >= g.stop : last <= g.stop;
        return hit ? g.members.first() : null;
    }

    /** Consistency of groups and stops; appends problems. */
    void check(List<String> errs, int securityId) {
        int n = 0;
        for (Group g : byBest.values()) {
            if (g.members.isEmpty() || !byStop.contains(g)) {
                errs.add("security " + securityId + ": trailing group " + g.best + " empty or unindexed");
                continue;
            }
            long s = Order.trailStop(buy, g.best, g.members.first().trailAmount, type, tick);
            if (s != g.stop) {
                errs.add("security " + securityId + ": trailing group stop " + g.stop + " != " + s);
            }
            for (Order o : g.members) {
                if (o.trailingGroup != g) {
                    errs.add("order " + o.id + ": wrong trailing group");
                }
            }
            n += g.members.size();
        }
        long eb = edgeBest, ts = topStop;
        refresh();
        if (eb != edgeBest || ts != topStop) {
            errs.add("security " + securityId + ": trailing cache stale");
        }
        if (n != size || byStop.size() != byBest.size()) {
            errs.add("security " + securityId + ": trailing book size " + size + " != " + n);
        }
    }
}
