package dev.crater.orders.engine;

import java.util.Comparator;

/** Mutable engine-internal order state; see {@link OrderSnapshot} for the meaning of the fields. */
final class Order {
    /** Where the order is indexed in its {@link SecBook}. */
    static final int INDEX_NONE = 0, INDEX_READY = 1, INDEX_BUY_LIMIT = 2, INDEX_SELL_LIMIT = 3, INDEX_BUY_STOP = 4,
            INDEX_SELL_STOP = 5, INDEX_TRAILING = 6, INDEX_OPENING = 7, INDEX_SPREAD = 8;

    static final Comparator<Order> BUY_LIMIT = (a, b) -> a.limit != b.limit ? Long.compare(b.limit, a.limit)
            : Long.compare(a.sequence, b.sequence);
    static final Comparator<Order> SELL_LIMIT = (a, b) -> a.limit != b.limit ? Long.compare(a.limit, b.limit)
            : Long.compare(a.sequence, b.sequence);
    static final Comparator<Order> BUY_STOP = (a, b) -> a.stop != b.stop ? Long.compare(a.stop, b.stop)
            : Long.compare(a.sequence, b.sequence);
    static final Comparator<Order> SELL_STOP = (a, b) -> a.stop != b.stop ? Long.compare(b.stop, a.stop)
            : Long.compare(a.sequence, b.sequence);
    static final Comparator<Order> BY_EXPIRY = (a, b) -> a.expireAt != b.expireAt ? Long.compare(a.expireAt, b.expireAt)
            : Long.compare(a.id, b.id);

    long id;
    OrderKind kind;
    long accountId;
    long userId;
    long parentId = -1;
    int legIndex = -1;
    int securityId;
    String symbol;
    Instrument instrument;
    Side side;
    OrderType type;
    TimeInForce timeInForce;
    long quantity;
    long executed;
    long limit = Fixed.NONE;
    long stop = Fixed.NONE;
    long trailAmount = Fixed.NONE;
    TrailType trailType = TrailType.Absolute;
    long trailLimitOffset = Fixed.NONE;
    TrailType trailLimitType = TrailType.Absolute;
    long trailBest = Fixed.NONE;
    long expireAt = Fixed.NONE;
    boolean allOrNone;
    int sessions;
    boolean reduceOnly;
    long perTrade;
    long perUnit;
    boolean perTradeCharged;
    OrderStatus status = OrderStatus.PendingNew;
    boolean triggered;
    long reservePrice;
    long reserved;
    long executedValue;
    long commissionPaid;
    long lastPrice;
    long lastQuantity;
    long ratio;
    long sequence;
    long createdMs;
    long updatedMs;

    int where;
    TrailBook.Group trailingGroup;
    AccountBook account;
    SecBook book;
    Order root;
    Order[] legs;

    long leaves() {
        return quantity - executed;
    }

    boolean live() {
        return status.live();
    }

    boolean isBuy() {
        return side.isBuy();
    }

    boolean opens() {
        return side.opens();
    }

    /** Trailing stop of a {@code buy}/sell order at {@code best}: best ± offset, rounded away from the market to the tick. */
    static long trailStop(boolean buy, long best, long amount, TrailType type, long tick) {
        long off = type == TrailType.Persentage ? Fixed.mulDiv(best, amount, Fixed.units(100)) : amount;
        return buy ? Fixed.ceilTo(best + off, tick) : Fixed.floorTo(best - off, tick);
    }

    /** Materialises trailBest/stop from the trailing group while the order sits in a {@link TrailBook}. */
    void syncTrail() {
        if (trailingGroup != null) {
            trailBest = trailingGroup.best;
            stop = trailStop(isBuy(), trailBest, trailAmount, trailType, instrument.tickSize());
        }
    }

    OrderSnapshot snapshot() {
        syncTrail();
        return new OrderSnapshot(id, kind, accountId, userId, parentId, legIndex, securityId, symbol, instrument, side,
                type, timeInForce, quantity, executed, limit, stop, trailAmount, trailType, trailLimitOffset,
                trailLimitType, trailBest, expireAt, allOrNone, sessions, reduceOnly, perTrade, perUnit, perTradeCharged,
                status, triggered, reservePrice, reserved, executedValue, commissionPaid, lastPrice, lastQuantity, ratio,
                sequence, createdMs, updatedMs);
    }

    static Order from(OrderSnapshot s) {
        Order o = new Order();
        o.id = s.orderId();
        o.kind = s.kind();
        o.accountId = s.accountId();
        o.userId = s.userId();
        o.parentId = s.parentId();
        o.legIndex = s.legIndex();
        o.securityId = s.securityId();
        o.symbol = s.symbol();
        o.instrument = s.instrument();
        o.side = s.side();
        o.type = s.type();
        o.timeInForce = s.tif();
        o.quantity = s.quantity();
        o.executed = s.executed();
        o.limit = s.limitPrice();
        o.stop = s.stopPrice();
        o.trailAmount = s.trailingAmount();
        o.trailType = s.trailingAmountType();
        o.trailLimitOffset = s.trailingLimitAmount();
        o.trailLimitType = s.trailingLimitAmountType();
        o.trailBest = s.trailingBest();
        o.expireAt = s.expireAtMs();
        o.allOrNone = s.allOrNone();
        o.sessions = s.sessions();
        o.reduceOnly = s.reduceOnly();
        o.perTrade = s.perTradeCommission();
        o.perUnit = s.perUnitCommission();
        o.perTradeCharged = s.perTradeCharged();
        o.status = s.status();
        o.triggered = s.triggered();
        o.reservePrice = s.reservePrice();
        o.reserved = s.reserved();
        o.executedValue = s.executedValue();
        o.commissionPaid = s.commissionPaid();
        o.lastPrice = s.lastPrice();
        o.lastQuantity = s.lastQuantity();
        o.ratio = s.ratio();
        o.sequence = s.seq();
        o.createdMs = s.createdMs();
        o.updatedMs = s.updatedMs();
        return o;
    }
}
