package dev.crater.orders.engine;

import static dev.crater.orders.engine.Fixed.NONE;
import static dev.crater.orders.engine.Order.INDEX_NONE;
import static dev.crater.orders.engine.OrderLimits.QUANTITY_MAX_UNITS;

/**
 * Cancel and Replace commands of the {@link Engine}.
 */
final class CancelReplace {
    private final EngineState state;
    private Conditionals conditionals;
    private Lifecycle lifecycle;
    private Matching matching;
    private Risk risk;

    CancelReplace(EngineState state) {
        this.state = state;
    }

    /** Wires the collaborators (the concerns call each other, so they are connected after construction). */
    void connect(Conditionals conditionals, Lifecycle lifecycle, Matching matching, Risk risk) {
        this.conditionals = conditionals;
        this.lifecycle = lifecycle;
        this.matching = matching;
        this.risk = risk;
    }

    void onCancel(Command.Cancel c) {
        Order o = state.orders.get(c.orderId());
        if (o == null || (c.accountId() != 0 && o.accountId != c.accountId())) {
            lifecycle.reject(c.accountId(), c.orderId(), RejectCode.OrderNotFound, null);
            return;
        }
        if (o.kind == OrderKind.SpreadLeg) {
            lifecycle.reject(o.accountId, c.orderId(), RejectCode.OrderNotCancelable, "Cancel the spread, not a leg.");
            return;
        }
        if (o.kind == OrderKind.Single && o.root != null) {
            o = o.root;
        }
        if (o.kind == OrderKind.ConditionalRoot) {
            for (int i = o.legs.length - 1; i >= 0; i--) {
                lifecycle.terminate(o.legs[i], OrderStatus.Canceled, null, "Canceled by user");
            }
            conditionals.completeIfDone(o);
            return;
        }
        lifecycle.terminate(o, OrderStatus.Canceled, null, "Canceled by user");
    }

    void onReplace(Command.Replace r) {
        Order o = state.orders.get(r.orderId());
        if (o == null || (r.accountId() != 0 && o.accountId != r.accountId())) {
            lifecycle.reject(r.accountId(), r.orderId(), RejectCode.OrderNotFound, null);
            return;
        }
        RejectCode c = checkReplace(o, r);
        if (c != null) {
            lifecycle.reject(o.accountId, o.id, c, null);
            return;
        }
        long q = r.quantity() == NONE ? o.quantity : r.quantity();
        AccountBook a = o.account;
        // Tentatively apply on an unindexed order; restore on failure.
        long oq = o.quantity, ol = o.limit, os = o.stop, ota = o.trailAmount, otl = o.trailLimitOffset, oe = o.expireAt;
        long orp = o.reservePrice;
        int where = o.where;
        boolean newExpiry = r.expireAtMs() != NONE;
        lifecycle.unindex(o);
        if (newExpiry) {
            state.gtd.remove(o);
        }
        applyReplace(o, r, q);
        long req = risk.requirement(o, o.leaves(), o.perTradeCharged);
        if (o.opens() && req > o.reserved && req - o.reserved > risk.available(a)) {
            o.quantity = oq;
            o.limit = ol;
            o.stop = os;
            o.trailAmount = ota;
            o.trailLimitOffset = otl;
            o.expireAt = oe;
            o.reservePrice = orp;
            if (newExpiry) {
                state.gtd.add(o);
            }
            if (where != INDEX_NONE) {
                lifecycle.index(o);
            }
            lifecycle.reject(o.accountId, o.id, RejectCode.DayTradingBuyingPowerExceeded, null);
            return;
        }
        if (newExpiry) {
            state.gtd.add(o);
            state.gtdMin = state.gtd.first().expireAt;
        }
        o.sequence = state.nextSeq++;
        o.updatedMs = state.t;
        risk.reReserve(o);
        lifecycle.index(o);
        state.out.add(new Event.Replaced(state.t, o.accountId, o.id, o.snapshot()));
        matching.tryOrder(o);
    }

    /** Sets the replaced fields on the (unindexed) order, then the stop and reservation price that follow from them. */
    private static void applyReplace(Order o, Command.Replace r, long q) {
        o.quantity = q;
        if (r.limitPrice() != NONE) {
            o.limit = r.limitPrice();
        }
        if (r.stopPrice() != NONE) {
            o.stop = r.stopPrice();
        }
        if (r.trailingAmount() != NONE) {
            o.trailAmount = r.trailingAmount();
        }
        if (r.trailingLimitAmount() != NONE) {
            o.trailLimitOffset = r.trailingLimitAmount();
        }
        if (r.expireAtMs() != NONE) {
            o.expireAt = r.expireAtMs();
        }
        switch (o.type) {
            case Limit, StopLimit -> o.reservePrice = o.limit;
            case Stop -> o.reservePrice = o.stop;
            case TrailingStop -> {
                o.stop = Matching.trailStop(o);
                o.reservePrice = o.stop;
            }
            case TrailingStopLimit -> {
                if (!o.triggered) {
                    o.stop = Matching.trailStop(o);
                    o.reservePrice = Matching.trailLimit(o);
                }
            }
            default -> {
            }
        }
    }

    private RejectCode checkReplace(Order o, Command.Replace r) {
        if (o.kind != OrderKind.Single || o.status == OrderStatus.Suspended) {
            return RejectCode.OrderNotReplaceable;
        }
        if (o.type == OrderType.Market || (o.triggered && (o.type == OrderType.Stop || o.type == OrderType.TrailingStop))) {
            return RejectCode.OrderNotReplaceable;
        }
        long tick = o.instrument.tickSize();
        long q = r.quantity() == NONE ? o.quantity : r.quantity();
        if (q <= o.executed || !Fixed.isWhole(q) || q > QUANTITY_MAX_UNITS) {
            return RejectCode.QuantityInvalid;
        }
        if (r.limitPrice() != NONE) {
            boolean applies = o.type == OrderType.Limit || o.type == OrderType.StopLimit;
            if (!applies) {
                return RejectCode.ReplaceFieldInvalid;
            }
            if (r.limitPrice() <= 0) {
                return RejectCode.LimitPriceUndefined;
            }
            if (!Fixed.onTick(r.limitPrice(), tick)) {
                return RejectCode.PriceNotOnTick;
            }
        }
        if (r.stopPrice() != NONE) {
            if (!(o.type == OrderType.Stop || o.type == OrderType.StopLimit) || o.triggered) {
                return RejectCode.ReplaceFieldInvalid;
            }
            if (r.stopPrice() <= 0) {
                return RejectCode.QuotePriceIsInvalid;
            }
            if (!Fixed.onTick(r.stopPrice(), tick)) {
                return RejectCode.PriceNotOnTick;
            }
        }
        if (r.trailingAmount() != NONE) {
            if (!o.type.trailing() || o.triggered) {
                return RejectCode.ReplaceFieldInvalid;
            }
            RejectCode c = OrderEntry.checkTrail(r.trailingAmount(), o.trailType, tick, false);
            if (c != null) {
                return c;
            }
        }
        if (r.trailingLimitAmount() != NONE) {
            if (o.type != OrderType.TrailingStopLimit || o.triggered) {
                return RejectCode.ReplaceFieldInvalid;
            }
            RejectCode c = OrderEntry.checkTrail(r.trailingLimitAmount(), o.trailLimitType, tick, true);
            if (c != null) {
                return c;
            }
        }
        if (r.expireAtMs() != NONE) {
            if (o.timeInForce != TimeInForce.GoodTillDate) {
                return RejectCode.ReplaceFieldInvalid;
            }
            if (r.expireAtMs() <= state.t) {
                return RejectCode.ExpireDateInvalid;
            }
        }
        if (!o.opens()) {
            return OrderEntry.checkPosition(o, o.account, q - o.executed);
        }
        return null;
    }
}
