package dev.crater.orders.engine;

import dev.crater.market.Session;
import java.util.EnumSet;
import java.util.Set;

/**
 * Complete state of one live order, used both as the read view and in {@link Snapshot}. {@code sessions} is a bit
 * mask over {@link Session#ordinal()}; {@code seq} is the queue priority (reassigned when an order is (re)queued:
 * accepted, triggered, activated, replaced); {@code trailingBest} the best last price seen by a trailing stop;
 * {@code executedValue} Σ price × units of the fills (average price = executedValue / executed);
 * {@code ratio} the leg quantity per spread for spread legs.
 */
public record OrderSnapshot(long orderId, OrderKind kind, long accountId, long userId, long parentId, int legIndex,
        int securityId, String symbol, Instrument instrument, Side side, OrderType type, TimeInForce tif, long quantity,
        long executed, long limitPrice, long stopPrice, long trailingAmount, TrailType trailingAmountType,
        long trailingLimitAmount, TrailType trailingLimitAmountType, long trailingBest, long expireAtMs,
        boolean allOrNone, int sessions, boolean reduceOnly, long perTradeCommission, long perUnitCommission,
        boolean perTradeCharged, OrderStatus status, boolean triggered, long reservePrice, long reserved,
        long executedValue, long commissionPaid, long lastPrice, long lastQuantity, long ratio, long seq,
        long createdMs, long updatedMs) {

    public long leaves() {
        return quantity - executed;
    }

    /** Average fill price (0 before any fill). */
    public long averagePrice() {
        return executed == 0 ? 0 : Fixed.mulDiv(executedValue, Fixed.SCALE, executed);
    }

    public Set<Session> sessionSet() {
        EnumSet<Session> s = EnumSet.noneOf(Session.class);
        for (Session x : Session.values()) {
            if ((sessions & (1 << x.ordinal())) != 0) {
                s.add(x);
            }
        }
        return s;
    }
}
