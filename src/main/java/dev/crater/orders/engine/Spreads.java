package dev.crater.orders.engine;

import static dev.crater.orders.engine.Fixed.NONE;
import static dev.crater.orders.engine.Fixed.SCALE;
import static dev.crater.orders.engine.OrderLimits.QUANTITY_MAX_UNITS;
import static dev.crater.orders.engine.Sessions.BIT_REG;

import dev.crater.market.Session;
import java.util.List;

/**
 * Option spreads of the {@link Engine}: checking and accepting a spread, and filling whole spreads across all legs
 * at once.
 */
final class Spreads {

    private final EngineState state;
    private Lifecycle lifecycle;
    private Matching matching;
    private OrderEntry orderEntry;
    private Risk risk;

    Spreads(EngineState state) {
        this.state = state;
    }

    /** Wires the collaborators (the concerns call each other, so they are connected after construction). */
    void connect(Lifecycle lifecycle, Matching matching, OrderEntry orderEntry, Risk risk) {
        this.lifecycle = lifecycle;
        this.matching = matching;
        this.orderEntry = orderEntry;
        this.risk = risk;
    }

    OrderEntry.Prepared prepareSpread(OrderEntry.Prepared r, Command.Place p, AccountBook a, OrderSpec s) {
        int n = s.legs().size();
        if (n < 2 || n > OrderLimits.LEGS_MAX) {
            return r.fail(RejectCode.LegsInvalid, "A spread needs 2 to " + OrderLimits.LEGS_MAX + " legs.");
        }
        if (s.quantity() <= 0 || !Fixed.isWhole(s.quantity()) || s.quantity() > QUANTITY_MAX_UNITS) {
            return r.fail(RejectCode.QuantityInvalid, null);
        }
        if (s.tif() == null || s.tif() == TimeInForce.AtTheOpening) {
            return r.fail(RejectCode.TimeInForceInvalid, null);
        }
        Order root = spreadRoot(p, a, s);
        if (checkSpreadRoot(r, root) != null) {
            return r;
        }
        long spreads = root.quantity / SCALE;
        root.legs = new Order[n];
        for (int i = 0; i < n; i++) {
            if (prepareSpreadLeg(r, p, a, s, root, i, spreads) != null) {
                return r;
            }
        }
        long req = risk.requirement(root, root.quantity, false);
        if (req > risk.available(a)) {
            return r.fail(RejectCode.DayTradingBuyingPowerExceeded, null);
        }
        r.root = root;
        r.requirement = req;
        return r;
    }

    /** The root of a spread, New, as the spec describes it. */
    private static Order spreadRoot(Command.Place p, AccountBook a, OrderSpec s) {
        Order root = new Order();
        root.id = s.orderId();
        root.kind = OrderKind.SpreadRoot;
        root.account = a;
        root.accountId = a.id;
        root.userId = p.userId();
        root.symbol = "";
        root.side = s.side() == null ? Side.Buy : s.side();
        root.type = s.type();
        root.timeInForce = s.tif();
        root.quantity = s.quantity();
        root.limit = s.type() == OrderType.Limit ? s.limitPrice() : NONE;
        root.expireAt = s.tif() == TimeInForce.GoodTillDate ? s.expireAtMs() : NONE;
        root.allOrNone = s.allOrNone();
        root.sessions = OrderEntry.mask(s.sessions());
        root.reduceOnly = p.reduceOnly();
        root.perTrade = Fixed.toCents(s.perTradeCommission() != NONE ? s.perTradeCommission() : a.plan.perTrade());
        root.status = OrderStatus.New;
        return root;
    }

    /** Fails {@code r} (and returns it) when the root's price, session or time in force do not fit; null when fine. */
    private OrderEntry.Prepared checkSpreadRoot(OrderEntry.Prepared r, Order root) {
        if (root.type == OrderType.Limit && root.limit == NONE) {
            return r.fail(RejectCode.LimitPriceUndefined, null);
        }
        if (root.sessions != BIT_REG) {
            return r.fail(RejectCode.SessionNotAllowed, "Spreads trade in the regular session only.");
        }
        if (root.timeInForce == TimeInForce.GoodTillDate && (root.expireAt == NONE || root.expireAt <= state.t)) {
            return r.fail(RejectCode.ExpireDateInvalid, null);
        }
        if (root.timeInForce == TimeInForce.Day && state.session != Session.CLOSED
                && !Sessions.remainingToday(root.sessions, state.session)) {
            return r.fail(RejectCode.MarketClosedForDayOrder, null);
        }
        return null;
    }

    /**
     * Checks leg {@code i} of a spread of {@code spreads} (whole spreads), builds it into {@code root.legs[i]} and
     * checks its quote and position. Fails {@code r} (and returns it) when the leg does not fit; null when fine.
     */
    private OrderEntry.Prepared prepareSpreadLeg(OrderEntry.Prepared r, Command.Place p, AccountBook a, OrderSpec s,
            Order root, int i, long spreads) {
        OrderSpec ls = s.legs().get(i);
        if (!ls.legs().isEmpty() || ls.instrument() == null || !ls.instrument().isOption() || ls.side() == null) {
            return r.fail(RejectCode.LegsInvalid, "Spread legs must be single option legs.");
        }
        if (ls.orderId() <= 0 || ls.orderId() == root.id || state.orders.get(ls.orderId()) != null) {
            return r.fail(RejectCode.DuplicateOrderId, null);
        }
        for (int j = 0; j < i; j++) {
            if (root.legs[j].id == ls.orderId()) {
                return r.fail(RejectCode.DuplicateOrderId, null);
            }
            if (root.legs[j].securityId == ls.securityId()) {
                return r.fail(RejectCode.LegsInvalid, "Spread legs must be distinct securities.");
            }
        }
        if (!ls.instrument().tradable()) {
            return r.fail(RejectCode.SecurityNotTradable, null);
        }
        long q = ls.quantity();
        if (q <= 0 || !Fixed.isWhole(q) || q > QUANTITY_MAX_UNITS || (q / SCALE) % spreads != 0) {
            return r.fail(RejectCode.QuantityInvalid, "Leg quantity must be a whole multiple of the spread quantity.");
        }
        Order leg = spreadLeg(p, a, s, ls, root, i, spreads);
        root.legs[i] = leg;
        SecBook b = leg.book;
        long px = b == null || !b.hasQuote ? 0 : leg.isBuy() ? b.ask : b.bid;
        if (px <= 0) {
            return r.fail(RejectCode.QuotePriceIsInvalid, "Leg " + (i + 1) + " has no usable quote.");
        }
        leg.reservePrice = px;
        RejectCode c = OrderEntry.checkPosition(leg, a, q);
        if (c != null) {
            return r.fail(c, "Leg " + (i + 1) + ": " + c.text());
        }
        return null;
    }

    /** Leg {@code i} of a spread: a Market order on the leg's option, New, its ratio per spread. */
    private Order spreadLeg(Command.Place p, AccountBook a, OrderSpec s, OrderSpec ls, Order root, int i, long spreads) {
        long q = ls.quantity();
        Order leg = new Order();
        leg.id = ls.orderId();
        leg.kind = OrderKind.SpreadLeg;
        leg.account = a;
        leg.accountId = a.id;
        leg.userId = p.userId();
        leg.parentId = root.id;
        leg.legIndex = i;
        leg.root = root;
        leg.securityId = ls.securityId();
        leg.symbol = ls.symbol();
        leg.instrument = ls.instrument();
        leg.side = ls.side();
        leg.type = OrderType.Market;
        leg.timeInForce = root.timeInForce;
        leg.quantity = q;
        leg.ratio = Fixed.units((q / SCALE) / spreads);
        leg.sessions = root.sessions;
        leg.reduceOnly = root.reduceOnly;
        leg.perUnit = s.perContractCommissionCents() != NONE ? Fixed.divRound(s.perContractCommissionCents(), 100)
                : a.plan.perContract();
        leg.perTradeCharged = true;
        leg.status = OrderStatus.New;
        leg.book = state.books.get(leg.securityId);
        leg.createdMs = state.t;
        leg.updatedMs = state.t;
        return leg;
    }

    void acceptSpread(Order root, long req) {
        orderEntry.accept(root, req);
        for (Order leg : root.legs) {
            orderEntry.accept(leg, 0);
        }
        lifecycle.index(root);
        trySpread(root);
        orderEntry.finishImmediate(root);
    }

    /** Fills as many whole spreads as every leg's current quote allows (see the {@link Engine} class comment). */
    void trySpread(Order r) {
        if (r.status != OrderStatus.New && r.status != OrderStatus.PartiallyFilled) {
            return;
        }
        AccountBook a = r.account;
        long leavesN = r.leaves() / SCALE;
        long n = leavesN;
        long net = 0;
        long capN = Long.MAX_VALUE;
        for (Order leg : r.legs) {
            SecBook b = leg.book;
            if (!matching.tradeable(b, r.sessions)) {
                return;
            }
            boolean buy = leg.isBuy();
            long px = buy ? b.ask : b.bid;
            long size = buy ? b.askLeft : b.bidLeft;
            if (px <= 0) {
                return;
            }
            long ratioU = leg.ratio / SCALE;
            n = Math.min(n, size / SCALE / ratioU);
            net = Math.addExact(net, Math.multiplyExact(buy ? px : -px, ratioU));
            Position p = a.positions.get(leg.securityId);
            long pos = p == null ? 0 : p.quantity;
            if (leg.opens()) {
                if (buy ? pos < 0 : pos > 0) {
                    lifecycle.terminate(r, OrderStatus.Canceled, null, "Canceled: a leg's position is in the opposite direction");
                    return;
                }
            } else {
                capN = Math.min(capN, (buy ? -pos : pos) / SCALE / ratioU);
            }
        }
        if (r.type == OrderType.Limit && net > r.limit) {
            return;
        }
        boolean allOrNone = r.allOrNone || r.timeInForce == TimeInForce.FillOrKill;
        if (capN <= 0 || (allOrNone && capN < leavesN)) {
            lifecycle.terminate(r, OrderStatus.Canceled, null, "Canceled: no position left to close");
            return;
        }
        String cancelWhy = null;
        if (n <= 0 || (allOrNone && n < leavesN)) {
            return;
        }
        if (capN < leavesN && n >= capN) {
            n = capN;
            cancelWhy = "Canceled: remainder exceeds the position";
        }
        long avail = risk.available(a) + r.reserved;
        long after = cancelWhy != null ? 0 : risk.requirement(r, (leavesN - n) * SCALE, true);
        if (risk.spreadNeed(r, n) + after > avail) {
            long lo = affordableSpreads(r, n, avail);
            if (lo <= 0 || allOrNone) {
                lifecycle.terminate(r, OrderStatus.Canceled, null, a.cashAccount() ? "Canceled: insufficient settled funds"
                        : "Canceled: insufficient buying power");
                return;
            }
            n = lo;
            cancelWhy = a.cashAccount() ? "Canceled: insufficient settled funds for the remainder"
                    : "Canceled: insufficient buying power for the remainder";
        }
        fillSpreads(r, n, net, cancelWhy);
    }

    /** The most of {@code n} spreads whose fill {@code avail} pays for at the legs' current quotes (binary search). */
    private long affordableSpreads(Order r, long n, long avail) {
        long lo = 0;
        long hi = n;
        while (lo < hi) {
            long mid = (lo + hi + 1) >>> 1;
            if (risk.spreadNeed(r, mid) <= avail) {
                lo = mid;
            } else {
                hi = mid - 1;
            }
        }
        return lo;
    }

    /**
     * Fills {@code n} spreads at net price {@code net}: consumes every leg's quote, fills the legs, books the root's
     * per-trade commission and emits the root's Fill; then retires a filled root or cancels the remainder for
     * {@code cancelWhy}.
     */
    private void fillSpreads(Order r, long n, long net, String cancelWhy) {
        AccountBook a = r.account;
        long feeTrade = r.perTradeCharged ? 0 : r.perTrade;
        r.perTradeCharged = true;
        long[] prices = new long[r.legs.length];
        for (int i = 0; i < r.legs.length; i++) {
            Order leg = r.legs[i];
            SecBook b = leg.book;
            long q = n * leg.ratio;
            if (leg.isBuy()) {
                prices[i] = b.ask;
                b.askLeft -= q;
            } else {
                prices[i] = b.bid;
                b.bidLeft -= q;
            }
        }
        for (int i = 0; i < r.legs.length; i++) {
            matching.fill(r.legs[i], prices[i], n * r.legs[i].ratio, false);
        }
        long qty = n * SCALE;
        r.executed += qty;
        r.executedValue = Math.addExact(r.executedValue, Math.multiplyExact(net, n));
        r.lastPrice = net;
        r.lastQuantity = qty;
        r.updatedMs = state.t;
        r.commissionPaid += feeTrade;
        List<LedgerEntry> entries = List.of();
        long leaves = r.leaves();
        if (feeTrade > 0) {
            entries = List.of(matching.post(a, -1, r.id, TxType.Commission, -feeTrade, 0, leaves,
                    new Fee(Fee.PER_TRADE, feeTrade), false, null));
            a.cash -= feeTrade;
            a.settled = a.cashAccount() ? a.settled - feeTrade : a.cash;
        }
        r.status = leaves == 0 ? OrderStatus.Filled : OrderStatus.PartiallyFilled;
        risk.reReserve(r);
        state.out.add(new Event.Fill(state.t, a.id, r.id, state.takeFillId(), 0, r.side, net, qty, feeTrade, feeTrade, 0, r.executed,
                leaves, Matching.avgPrice(r), r.status, entries, a.cash));
        if (leaves == 0) {
            lifecycle.retire(r);
        } else if (cancelWhy != null) {
            lifecycle.terminate(r, OrderStatus.Canceled, null, cancelWhy);
        }
    }
}
