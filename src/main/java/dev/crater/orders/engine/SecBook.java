package dev.crater.orders.engine;

import dev.crater.market.Session;
import java.util.ArrayList;
import java.util.TreeSet;

/**
 * Per-security state: the last quote (with the size not yet consumed by fills on it) and the index of the live
 * orders on the security. Limit orders are sorted by price then priority, stops by trigger price then priority, so a
 * tick only walks orders whose price condition holds; market-ready, trailing, at-the-opening and spread orders are in
 * priority-ordered lists.
 */
final class SecBook {
    static final long MAX_SIZE_UNITS = 1_000_000_000_000L;

    final int id;
    boolean hasQuote;
    long timeMs;
    long bid;
    long bidSize;
    long bidLeft;
    long ask;
    long askSize;
    long askLeft;
    long last;
    Session session = Session.CLOSED;
    /** The session period ({@code SessionKey}) of the last quote. */
    long sessionKey = Long.MIN_VALUE;
    boolean halted;
    int orderCount;
    /** Cached best prices of the sorted indexes (so most ticks never walk a tree). */
    long buyLimitTop = Long.MIN_VALUE;
    long sellLimitTop = Long.MAX_VALUE;
    long buyStopTop = Long.MAX_VALUE;
    long sellStopTop = Long.MIN_VALUE;

    final TreeSet<Order> buyLimits = new TreeSet<>(Order.BUY_LIMIT);
    final TreeSet<Order> sellLimits = new TreeSet<>(Order.SELL_LIMIT);
    final TreeSet<Order> buyStops = new TreeSet<>(Order.BUY_STOP);
    final TreeSet<Order> sellStops = new TreeSet<>(Order.SELL_STOP);
    final ArrayList<Order> ready = new ArrayList<>(4);
    final ArrayList<TrailBook> trails = new ArrayList<>(2);
    final ArrayList<Order> opening = new ArrayList<>(2);
    final ArrayList<Order> spreads = new ArrayList<>(2);

    SecBook(int id) {
        this.id = id;
    }

    /** The trailing book for an order's direction, amount type and tick (created on first use). */
    TrailBook trailBook(Order o) {
        boolean buy = o.isBuy();
        long tick = o.instrument.tickSize();
        for (int i = 0; i < trails.size(); i++) {
            TrailBook t = trails.get(i);
            if (t.matches(buy, o.trailType, tick)) {
                return t;
            }
        }
        TrailBook t = new TrailBook(buy, o.trailType, tick);
        // canonical order (sell before buy, Absolute before Persentage, by tick) so that processing order, hence the
        // order of events, does not depend on history (a restored engine builds its books in another order)
        int at = 0;
        while (at < trails.size() && rank(trails.get(at)) < rank(t)) {
            at++;
        }
        trails.add(at, t);
        return t;
    }

    private static long rank(TrailBook t) {
        return ((t.buy ? 2L : 0L) + t.type.ordinal()) * (1L << 60) / 4 + Math.min(t.tick, (1L << 58) - 1);
    }

    void refreshTops() {
        buyLimitTop = buyLimits.isEmpty() ? Long.MIN_VALUE : buyLimits.first().limit;
        sellLimitTop = sellLimits.isEmpty() ? Long.MAX_VALUE : sellLimits.first().limit;
        buyStopTop = buyStops.isEmpty() ? Long.MAX_VALUE : buyStops.first().stop;
        sellStopTop = sellStops.isEmpty() ? Long.MIN_VALUE : sellStops.first().stop;
    }

    boolean topsConsistent() {
        long bl = buyLimitTop, sl = sellLimitTop, bs = buyStopTop, ss = sellStopTop;
        refreshTops();
        boolean ok = bl == buyLimitTop && sl == sellLimitTop && bs == buyStopTop && ss == sellStopTop;
        buyLimitTop = bl;
        sellLimitTop = sl;
        buyStopTop = bs;
        sellStopTop = ss;
        return ok;
    }

    int trailingCount() {
        int n = 0;
        for (int i = 0; i < trails.size(); i++) {
            n += trails.get(i).size;
        }
        return n;
    }

    void update(Command.QuoteTick q) {
        hasQuote = true;
        timeMs = q.timeMs();
        bid = Math.max(0, q.bid());
        ask = Math.max(0, q.ask());
        last = Math.max(0, q.last());
        bidSize = Math.max(0, Math.min(q.bidSize(), MAX_SIZE_UNITS)) * Fixed.SCALE;
        askSize = Math.max(0, Math.min(q.askSize(), MAX_SIZE_UNITS)) * Fixed.SCALE;
        bidLeft = bidSize;
        askLeft = askSize;
        session = q.session();
        sessionKey = q.sessionKey();
        halted = q.halted();
    }

    Snapshot.QuoteState snapshot() {
        return new Snapshot.QuoteState(id, timeMs, bid, bidSize, bidLeft, ask, askSize, askLeft, last, session, sessionKey, halted);
    }

    void restore(Snapshot.QuoteState q) {
        hasQuote = true;
        timeMs = q.timeMs();
        bid = q.bid();
        bidSize = q.bidSize();
        bidLeft = q.bidLeft();
        ask = q.ask();
        askSize = q.askSize();
        askLeft = q.askLeft();
        last = q.last();
        session = q.session();
        sessionKey = q.sessionKey();
        halted = q.halted();
    }
}
