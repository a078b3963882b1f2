package dev.crater.orders.engine;

import dev.crater.market.Session;
import dev.crater.market.SessionKey;
import java.util.List;
import java.util.TreeSet;

/**
 * The mutable state of one {@link Engine}, shared by the classes that implement its concerns: accounts, live
 * orders, per-security books, the expiry index, the clock and session, the id counters, and the context of the command
 * being applied (its time and event buffer). Plain fields, no behaviour beyond creating books on first use.
 */
final class EngineState {
    final LongMap<AccountBook> accounts = new LongMap<>(64);
    final LongMap<Order> orders = new LongMap<>(1024);
    final LongMap<SecBook> books = new LongMap<>(256);
    final TreeSet<Order> gtd = new TreeSet<>(Order.BY_EXPIRY);
    long gtdMin = Long.MAX_VALUE;
    long now;
    Session session = Session.CLOSED;
    /** The session period ({@link SessionKey}) the engine is in: the trading day and its phase. */
    long sessionKey = Long.MIN_VALUE;
    /** Time of the last session change: quotes older than this are stale and never traded against. */
    long sessionSinceMs = Long.MIN_VALUE;
    long nextFillId = 1;
    long nextLedgerId = 1;
    long nextSeq = 1;
    /**
     * The step between the fill (and ledger) ids this engine gives: the number of trading shards,
     * so that each shard's ids stay in its own residue class and no two shards (or nodes) collide.
     */
    long idStride = 1;

    long takeFillId() {
        long id = nextFillId;
        nextFillId = Math.addExact(nextFillId, idStride);
        return id;
    }

    long takeLedgerId() {
        long id = nextLedgerId;
        nextLedgerId = Math.addExact(nextLedgerId, idStride);
        return id;
    }

    // Per-command context (not state).
    long t;
    List<Event> out;
    Order[][] scratch = new Order[8][];
    int depth;

    SecBook book(int securityId) {
        SecBook b = books.get(securityId);
        if (b == null) {
            b = new SecBook(securityId);
            books.put(securityId, b);
        }
        return b;
    }
}
