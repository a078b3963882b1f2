package dev.crater.orders.engine;

import static dev.crater.orders.engine.Fixed.NONE;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;

/**
 * Snapshot export and restore of the {@link Engine}'s state.
 */
final class Snapshots {
    private final EngineState state;
    private Lifecycle lifecycle;

    Snapshots(EngineState state) {
        this.state = state;
    }

    /** Wires the collaborators (the concerns call each other, so they are connected after construction). */
    void connect(Lifecycle lifecycle) {
        this.lifecycle = lifecycle;
    }

    /** Exports the whole state as plain records in canonical order. */
    Snapshot snapshot() {
        List<AccountBook> accs = state.accounts.values();
        accs.sort(Comparator.comparingLong(a -> a.id));
        List<Snapshot.AccountState> as = new ArrayList<>(accs.size());
        List<PositionSnapshot> ps = new ArrayList<>();
        for (AccountBook a : accs) {
            as.add(new Snapshot.AccountState(a.id, a.marginType, a.plan, a.cash, a.settled, a.reserved, a.ledgerSum,
                    List.copyOf(a.pending), a.createdMs));
            List<Position> pl = a.positions.values();
            pl.sort(Comparator.comparingInt(p -> p.securityId));
            for (Position p : pl) {
                ps.add(p.snapshot());
            }
        }
        List<Order> ol = state.orders.values();
        ol.sort(Comparator.comparingLong(o -> o.id));
        List<OrderSnapshot> os = new ArrayList<>(ol.size());
        List<OrderSnapshot> finished = new ArrayList<>();
        for (Order o : ol) {
            os.add(o.snapshot());
            if (o.kind == OrderKind.ConditionalRoot) {
                for (Order leg : o.legs) {
                    if (!leg.live()) {
                        finished.add(leg.snapshot());
                    }
                }
            }
        }
        finished.sort(Comparator.comparingLong(OrderSnapshot::orderId));
        List<SecBook> bl = state.books.values();
        bl.sort(Comparator.comparingInt(b -> b.id));
        List<Snapshot.QuoteState> qs = new ArrayList<>();
        for (SecBook b : bl) {
            if (b.hasQuote) {
                qs.add(b.snapshot());
            }
        }
        return new Snapshot(state.now, state.session, state.sessionKey, state.sessionSinceMs, state.nextFillId, state.nextLedgerId, state.nextSeq, List.copyOf(as), List.copyOf(ps),
                List.copyOf(os), List.copyOf(finished), List.copyOf(qs));
    }

    /**
     * Loads a snapshot into this (empty) engine state: counters, accounts, positions, quotes, live orders and the
     * finished legs of conditional groups, links legs to their roots and rebuilds the indexes. The caller checks the
     * invariants ({@link Engine#restore}).
     *
     * @throws IllegalStateException if the snapshot is inconsistent
     */
    void restore(Snapshot s) {
        restoreCounters(s);
        restoreAccounts(s);
        restorePositions(s);
        for (Snapshot.QuoteState q : s.quotes()) {
            state.book(q.securityId()).restore(q);
        }
        List<Order> all = restoreOrders(s);
        List<Order> linked = new ArrayList<>(all);
        linked.addAll(restoreFinishedLegs(s));
        sizeRootLegs(all, linked);
        linkLegs(linked);
        fillEndedLegs(all);
        reindex(all);
    }

    private void restoreCounters(Snapshot s) {
        state.now = s.nowMs();
        state.session = s.session();
        state.sessionKey = s.sessionKey();
        state.sessionSinceMs = s.sessionSinceMs();
        state.nextFillId = s.nextFillId();
        state.nextLedgerId = s.nextLedgerId();
        state.nextSeq = s.nextSeq();
    }

    private void restoreAccounts(Snapshot s) {
        for (Snapshot.AccountState as : s.accounts()) {
            AccountBook a = new AccountBook(as.accountId(), as.marginType(), as.commissions(), as.createdMs());
            a.cash = as.cash();
            a.settled = as.settledCash();
            a.reserved = as.reserved();
            a.ledgerSum = as.ledgerSum();
            a.pending.addAll(as.pending());
            state.accounts.put(a.id, a);
        }
    }

    private void restorePositions(Snapshot s) {
        for (PositionSnapshot ps : s.positions()) {
            AccountBook a = state.accounts.get(ps.accountId());
            if (a == null) {
                throw new IllegalStateException("position of unknown account " + ps.accountId());
            }
            Position p = Position.from(ps);
            p.book = state.book(ps.securityId());
            a.positions.put(ps.securityId(), p);
        }
    }

    /** The live orders, registered with their accounts, in snapshot order. */
    private List<Order> restoreOrders(Snapshot s) {
        List<Order> all = new ArrayList<>(s.orders().size());
        for (OrderSnapshot os : s.orders()) {
            Order o = Order.from(os);
            AccountBook a = state.accounts.get(o.accountId);
            if (a == null) {
                throw new IllegalStateException("order " + o.id + " of unknown account " + o.accountId);
            }
            o.account = a;
            if (o.kind == OrderKind.Single || o.kind == OrderKind.SpreadLeg) {
                o.book = state.book(o.securityId);
            }
            state.orders.put(o.id, o);
            a.open.put(o.id, o);
            all.add(o);
        }
        return all;
    }

    /** The ended legs of live conditional groups (not registered: they only stand in their root's leg array). */
    private List<Order> restoreFinishedLegs(Snapshot s) {
        List<Order> finished = new ArrayList<>(s.finishedLegs().size());
        for (OrderSnapshot os : s.finishedLegs()) {
            Order o = Order.from(os);
            if (o.live()) {
                throw new IllegalStateException("finished leg " + o.id + " is live");
            }
            o.account = state.accounts.get(o.accountId);
            o.book = state.book(o.securityId);
            finished.add(o);
        }
        return finished;
    }

    /** Gives every root a leg array as long as its highest leg index seen. */
    private static void sizeRootLegs(List<Order> all, List<Order> linked) {
        for (Order root : all) {
            if (root.kind == OrderKind.ConditionalRoot || root.kind == OrderKind.SpreadRoot) {
                int n = 0;
                for (Order x : linked) {
                    if (x.parentId == root.id) {
                        n = Math.max(n, x.legIndex + 1);
                    }
                }
                root.legs = new Order[n];
            }
        }
    }

    private void linkLegs(List<Order> linked) {
        for (Order o : linked) {
            if (o.parentId != -1) {
                Order root = state.orders.get(o.parentId);
                if (root == null || root.legs == null || o.legIndex < 0 || o.legIndex >= root.legs.length) {
                    throw new IllegalStateException("order " + o.id + " has no root " + o.parentId);
                }
                o.root = root;
                root.legs[o.legIndex] = o;
            }
        }
    }

    /** Completes the leg arrays of conditional roots with stand-ins for legs that ended; spreads miss none. */
    private static void fillEndedLegs(List<Order> all) {
        for (Order o : all) {
            if (o.legs == null) {
                continue;
            }
            int expected = o.kind == OrderKind.ConditionalRoot
                    ? (o.type == OrderType.OneTriggerOneCancelOther ? 3 : 2) : o.legs.length;
            if (o.legs.length < expected) {
                o.legs = Arrays.copyOf(o.legs, expected);
            }
            for (int i = 0; i < o.legs.length; i++) {
                if (o.legs[i] != null) {
                    continue;
                }
                if (o.kind != OrderKind.ConditionalRoot) {
                    throw new IllegalStateException("root " + o.id + " misses leg " + i);
                }
                o.legs[i] = endedLeg(o, i);
            }
        }
    }

    /**
     * A conditional leg that already ended is not in the snapshot (only live orders are):
     * it stands in as a canceled leg, which is all the root's rules look at.
     */
    private static Order endedLeg(Order o, int i) {
        Order ended = new Order();
        ended.kind = OrderKind.Single;
        ended.status = OrderStatus.Canceled;
        ended.account = o.account;
        ended.accountId = o.accountId;
        ended.parentId = o.id;
        ended.legIndex = i;
        ended.root = o;
        ended.type = OrderType.Limit;
        ended.side = Side.Buy;
        ended.timeInForce = TimeInForce.GoodTillCancel;
        ended.symbol = "";
        return ended;
    }

    /** Rebuilds the expiry index and the book indexes in priority order. */
    private void reindex(List<Order> all) {
        all.sort(Comparator.comparingLong(o -> o.sequence));
        for (Order o : all) {
            if (o.expireAt != NONE) {
                state.gtd.add(o);
            }
            if (o.status == OrderStatus.New || o.status == OrderStatus.PartiallyFilled) {
                lifecycle.index(o);
            }
        }
        state.gtdMin = state.gtd.isEmpty() ? Long.MAX_VALUE : state.gtd.first().expireAt;
    }
}
