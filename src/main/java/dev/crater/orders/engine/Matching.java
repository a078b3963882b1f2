package dev.crater.orders.engine;

import static dev.crater.orders.engine.Fixed.NONE;
import static dev.crater.orders.engine.Fixed.SCALE;
import static dev.crater.orders.engine.Order.INDEX_BUY_LIMIT;
import static dev.crater.orders.engine.Order.INDEX_BUY_STOP;
import static dev.crater.orders.engine.Order.INDEX_OPENING;
import static dev.crater.orders.engine.Order.INDEX_READY;
import static dev.crater.orders.engine.Order.INDEX_SELL_LIMIT;
import static dev.crater.orders.engine.Order.INDEX_SELL_STOP;
import static dev.crater.orders.engine.Order.INDEX_SPREAD;
import static dev.crater.orders.engine.Order.INDEX_TRAILING;
import static dev.crater.orders.engine.Sessions.BIT_REG;

import dev.crater.market.Session;
import java.util.Arrays;
import java.util.List;

/**
 * Matching of the {@link Engine} against the simulated market: per-tick processing of a security's book, stop and
 * trailing triggers, fill attempts, and booking fills (position, ledger, cash, events).
 */
final class Matching {
    private final EngineState state;
    private Conditionals conditionals;
    private Lifecycle lifecycle;
    private Risk risk;
    private Spreads spreads;

    Matching(EngineState state) {
        this.state = state;
    }

    /** Wires the collaborators (the concerns call each other, so they are connected after construction). */
    void connect(Conditionals conditionals, Lifecycle lifecycle, Risk risk, Spreads spreads) {
        this.conditionals = conditionals;
        this.lifecycle = lifecycle;
        this.risk = risk;
        this.spreads = spreads;
    }

    boolean tradeable(SecBook b, int sessions) {
        return b != null && b.hasQuote && !b.halted && b.sessionKey == state.sessionKey && b.session == state.session
                && b.timeMs >= state.sessionSinceMs
                && (sessions & (1 << b.session.ordinal())) != 0;
    }

    /** Runs one security after a tick: opening, trailing, stops, market-ready, limits, spreads. */
    void processBook(SecBook b) {
        if (b.halted) {
            return;
        }
        int sbit = 1 << b.session.ordinal();
        if (b.session == Session.REGULAR && !b.opening.isEmpty()) {
            runOpening(b);
        }
        long last = b.last;
        if (!b.trails.isEmpty() && sbit == BIT_REG && last > 0) {
            runTrailing(b, last);
        }
        if (last > 0 && (b.buyStopTop <= last || b.sellStopTop >= last)) {
            Order o = b.buyStops.isEmpty() ? null : b.buyStops.first();
            while (o != null && o.stop <= last) {
                Order next = b.buyStops.higher(o);
                if ((o.sessions & sbit) != 0) {
                    trigger(o, last);
                }
                o = next;
            }
            o = b.sellStops.isEmpty() ? null : b.sellStops.first();
            while (o != null && o.stop >= last) {
                Order next = b.sellStops.higher(o);
                if ((o.sessions & sbit) != 0) {
                    trigger(o, last);
                }
                o = next;
            }
        }
        if (!b.ready.isEmpty()) {
            int n = b.ready.size();
            Order[] arr = copy(b.ready);
            for (int i = 0; i < n; i++) {
                Order o = arr[i];
                if (o.where == INDEX_READY && (o.sessions & sbit) != 0) {
                    attempt(o, b);
                }
            }
            release(arr, n);
        }
        Order o = b.ask > 0 && b.buyLimitTop >= b.ask ? b.buyLimits.first() : null;
        while (o != null && b.askLeft > 0 && b.ask > 0 && o.limit >= b.ask) {
            if ((o.sessions & sbit) != 0) {
                attempt(o, b);
            }
            o = b.buyLimits.higher(o);
        }
        o = b.bid > 0 && b.sellLimitTop <= b.bid ? b.sellLimits.first() : null;
        while (o != null && b.bidLeft > 0 && b.bid > 0 && o.limit <= b.bid) {
            if ((o.sessions & sbit) != 0) {
                attempt(o, b);
            }
            o = b.sellLimits.higher(o);
        }
        if (!b.spreads.isEmpty()) {
            int n = b.spreads.size();
            Order[] arr = copy(b.spreads);
            for (int i = 0; i < n; i++) {
                if (arr[i].where == INDEX_SPREAD) {
                    spreads.trySpread(arr[i]);
                }
            }
            release(arr, n);
        }
    }

    /** Moves trailing stops with the last price and triggers the reached ones (trailing orders are regular-only). */
    private void runTrailing(SecBook b, long last) {
        for (int i = 0; i < b.trails.size(); i++) {
            TrailBook tb = b.trails.get(i);
            if (tb.size == 0) {
                continue;
            }
            tb.track(last);
            Order o;
            while ((o = tb.nextTriggered(last)) != null) {
                trigger(o, last);
            }
        }
    }

    private void runOpening(SecBook b) {
        int n = b.opening.size();
        Order[] arr = copy(b.opening);
        for (int i = 0; i < n; i++) {
            Order o = arr[i];
            if (o.where != INDEX_OPENING) {
                continue;
            }
            attempt(o, b);
            if (o.live()) {
                lifecycle.terminate(o, OrderStatus.Canceled, null, "Canceled: AtTheOpening remainder not filled at the open");
            }
        }
        release(arr, n);
    }

    private Order[] copy(List<Order> list) {
        int n = list.size();
        if (state.depth == state.scratch.length) {
            state.scratch = Arrays.copyOf(state.scratch, state.depth * 2);
        }
        Order[] a = state.scratch[state.depth];
        if (a == null || a.length < n) {
            a = new Order[Math.max(16, n * 2)];
            state.scratch[state.depth] = a;
        }
        for (int i = 0; i < n; i++) {
            a[i] = list.get(i);
        }
        state.depth++;
        return a;
    }

    private void release(Order[] a, int n) {
        Arrays.fill(a, 0, n, null);
        state.depth--;
    }

    /** Immediate attempt for an order just accepted, activated or replaced, against its security's last quote. */
    void tryOrder(Order o) {
        if (o.kind == OrderKind.SpreadRoot) {
            spreads.trySpread(o);
            return;
        }
        SecBook b = o.book;
        if (!tradeable(b, o.sessions)) {
            return;
        }
        switch (o.where) {
            case INDEX_READY, INDEX_BUY_LIMIT, INDEX_SELL_LIMIT -> attempt(o, b);
            case INDEX_BUY_STOP -> {
                if (b.last > 0 && b.last >= o.stop) {
                    trigger(o, b.last);
                    attempt(o, b);
                }
            }
            case INDEX_SELL_STOP -> {
                if (b.last > 0 && b.last <= o.stop) {
                    trigger(o, b.last);
                    attempt(o, b);
                }
            }
            case INDEX_TRAILING -> {
                o.syncTrail();
                long last = b.last;
                if (last > 0 && (o.isBuy() ? last >= o.stop : last <= o.stop)) {
                    trigger(o, last);
                    attempt(o, b);
                }
            }
            default -> {
            }
        }
    }

    private static long offset(long base, long amount, TrailType type) {
        return type == TrailType.Persentage ? Fixed.mulDiv(base, amount, Fixed.units(100)) : amount;
    }

    /** best + offset rounded up (buy) or best − offset rounded down (sell) to the tick. */
    static long trailStop(Order o) {
        return Order.trailStop(o.isBuy(), o.trailBest, o.trailAmount, o.trailType, o.instrument.tickSize());
    }

    static long trailLimit(Order o) {
        long off = offset(o.stop, o.trailLimitOffset, o.trailLimitType);
        long tick = o.instrument.tickSize();
        return o.isBuy() ? Fixed.ceilTo(o.stop + off, tick) : Fixed.floorTo(o.stop - off, tick);
    }

    private void trigger(Order o, long price) {
        lifecycle.unindex(o);
        o.triggered = true;
        if (o.type == OrderType.TrailingStopLimit) {
            o.limit = trailLimit(o);
        }
        o.sequence = state.nextSeq++;
        o.updatedMs = state.t;
        state.out.add(new Event.Triggered(state.t, o.accountId, o.id, TriggerKind.Stop, price));
        lifecycle.index(o);
    }

    private static long effectiveLimit(Order o) {
        return switch (o.type) {
            case Limit -> o.limit;
            case StopLimit, TrailingStopLimit -> o.triggered ? o.limit : NONE;
            default -> NONE;
        };
    }

    /** One fill attempt of a single order against the current quote of its security. */
    private void attempt(Order o, SecBook b) {
        if (o.status != OrderStatus.New && o.status != OrderStatus.PartiallyFilled) {
            return;
        }
        long leaves = o.leaves();
        boolean buy = o.isBuy();
        long px = buy ? b.ask : b.bid;
        long size = buy ? b.askLeft : b.bidLeft;
        if (px <= 0 || size <= 0) {
            return;
        }
        long lim = effectiveLimit(o);
        if (lim != NONE && (buy ? px > lim : px < lim)) {
            return;
        }
        boolean allOrNone = o.allOrNone || o.timeInForce == TimeInForce.FillOrKill;
        if (allOrNone && size < leaves) {
            return;
        }
        long qty = Math.min(leaves, size);
        AccountBook a = o.account;
        Position p = a.positions.get(o.securityId);
        long pos = p == null ? 0 : p.quantity;
        String cancelWhy = null;
        if (o.opens()) {
            if (buy ? pos < 0 : pos > 0) {
                lifecycle.terminate(o, OrderStatus.Canceled, null, "Canceled: the position is in the opposite direction");
                return;
            }
        } else {
            long cap = buy ? -pos : pos;
            if (cap <= 0 || (allOrNone && cap < leaves)) {
                lifecycle.terminate(o, OrderStatus.Canceled, null, "Canceled: no position left to close");
                return;
            }
            if (cap < leaves && cap <= qty) {
                qty = cap;
                cancelWhy = "Canceled: remainder exceeds the position";
            }
        }
        long units = qty / SCALE;
        if (o.opens()) {
            long avail = risk.available(a) + o.reserved;
            long rest = cancelWhy != null ? 0 : (leaves - qty) / SCALE;
            if (risk.openingNeed(o, px, units, rest) > avail) {
                long max = risk.affordableUnits(o, px, units, avail);
                if (max <= 0 || allOrNone) {
                    lifecycle.terminate(o, OrderStatus.Canceled, null, a.cashAccount() ? "Canceled: insufficient settled funds"
                            : "Canceled: insufficient buying power");
                    return;
                }
                qty = max * SCALE;
                cancelWhy = a.cashAccount() ? "Canceled: insufficient settled funds for the remainder"
                        : "Canceled: insufficient buying power for the remainder";
            }
        } else if (a.cashAccount() && commissionExceedsSettled(o, a, px, units)) {
            lifecycle.terminate(o, OrderStatus.Canceled, null, "Canceled: insufficient settled funds for the commission");
            return;
        }
        if (buy) {
            b.askLeft -= qty;
        } else {
            b.bidLeft -= qty;
        }
        fill(o, px, qty, true);
        if (cancelWhy != null && o.live()) {
            lifecycle.terminate(o, OrderStatus.Canceled, null, cancelWhy);
        }
    }

    /**
     * Whether a closing fill of {@code units} at {@code px} in cash account {@code a} costs more in commissions than
     * it brings in and the account's settled cash (less the other orders' reservations) cannot pay the difference.
     */
    private static boolean commissionExceedsSettled(Order o, AccountBook a, long px, long units) {
        long avail = a.settled - (a.reserved - o.reserved);
        long fees = (o.perTradeCharged ? 0 : o.perTrade) + Risk.unitFee(o.perUnit, o.executed / SCALE, units);
        long value = Risk.principal(px, units, o.instrument.contractSize());
        return fees - value > 0 && fees - value > avail;
    }

    /** Books one execution: position, ledger, cash, order state, events, then group rules. */
    void fill(Order o, long px, long qty, boolean chargePerTrade) {
        AccountBook a = o.account;
        Position p = a.positions.get(o.securityId);
        if (p == null) {
            p = new Position(a.id, o.securityId, o.symbol, o.instrument, state.t);
            p.book = o.book;
            a.positions.put(o.securityId, p);
        }
        long units = qty / SCALE;
        long notional = Risk.principal(px, units, o.instrument.contractSize());
        long feeTrade = 0;
        if (chargePerTrade && !o.perTradeCharged) {
            feeTrade = o.perTrade;
            o.perTradeCharged = true;
        }
        long feeUnit = Risk.unitFee(o.perUnit, o.executed / SCALE, units);
        long fees = feeTrade + feeUnit;
        boolean buy = o.isBuy();
        long signed = buy ? qty : -qty;
        boolean dayTrade = p.apply(signed, notional, px, units, state.t);
        o.executed += qty;
        o.executedValue = Math.addExact(o.executedValue, Math.multiplyExact(px, units));
        o.lastPrice = px;
        o.lastQuantity = qty;
        o.updatedMs = state.t;
        o.commissionPaid += fees;
        long leaves = o.leaves();
        long execValue = buy ? -notional : notional;
        LedgerEntry e1 = post(a, o.securityId, o.id, TxType.OrderExecution, execValue, signed, leaves, null, dayTrade, null);
        LedgerEntry e2 = feeTrade > 0 ? post(a, o.securityId, o.id, TxType.Commission, -feeTrade, 0, leaves,
                new Fee(Fee.PER_TRADE, feeTrade), dayTrade, null) : null;
        LedgerEntry e3 = feeUnit > 0 ? post(a, o.securityId, o.id, TxType.Commission, -feeUnit, 0, leaves,
                new Fee(Fee.PER_CONTRACT, feeUnit), dayTrade, null) : null;
        List<LedgerEntry> entries = e2 == null ? (e3 == null ? List.of(e1) : List.of(e1, e3))
                : (e3 == null ? List.of(e1, e2) : List.of(e1, e2, e3));
        a.cash = Math.addExact(a.cash, execValue - fees);
        if (a.cashAccount()) {
            if (buy) {
                a.settled -= notional + fees;
            } else {
                long net = notional - fees;
                if (net > 0) {
                    addPending(a, net);
                } else {
                    a.settled += net;
                }
            }
        } else {
            a.settled = a.cash;
        }
        o.status = leaves == 0 ? OrderStatus.Filled : OrderStatus.PartiallyFilled;
        risk.reReserve(o);
        state.out.add(new Event.Fill(state.t, a.id, o.id, state.takeFillId(), o.securityId, o.side, px, qty, fees, feeTrade, feeUnit,
                o.executed, leaves, avgPrice(o), o.status, entries, a.cash));
        state.out.add(new Event.PositionChanged(state.t, a.id, p.snapshot()));
        if (leaves == 0) {
            lifecycle.retire(o);
        }
        if (o.root != null && o.kind == OrderKind.Single) {
            conditionals.afterLegFill(o);
        }
    }

    private void addPending(AccountBook a, long amount) {
        Snapshot.PendingSettlement last = a.pending.peekLast();
        if (last != null && last.tradeTimeMs() == state.now) {
            a.pending.pollLast();
            a.pending.addLast(new Snapshot.PendingSettlement(state.now, last.amount() + amount));
        } else {
            a.pending.addLast(new Snapshot.PendingSettlement(state.now, amount));
        }
    }

    static long avgPrice(Order o) {
        return o.executed == 0 ? 0 : Fixed.mulDiv(o.executedValue, SCALE, o.executed);
    }

    LedgerEntry post(AccountBook a, int securityId, long orderId, TxType type, long value, long quantity,
            long leaves, Fee fee, boolean dayTrade, String description) {
        a.ledgerSum = Math.addExact(a.ledgerSum, value);
        return new LedgerEntry(state.takeLedgerId(), a.id, securityId, orderId, state.t, type, value, quantity, leaves, fee,
                dayTrade, description);
    }
}
