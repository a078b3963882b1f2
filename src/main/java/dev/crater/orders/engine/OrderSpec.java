package dev.crater.orders.engine;

import dev.crater.market.Session;
import java.util.Collections;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

/**
 * An order as submitted (the engine's view of CreateOrderResource), all numbers fixed-point ({@link Fixed}).
 *
 * <ul>
 * <li>{@code orderId}: assigned by the caller (the persistence layer), unique among live orders.</li>
 * <li>{@code limitPrice}, {@code stopPrice}, trailing amounts, {@code expireAtMs}: {@link Fixed#NONE} when absent.
 * Trailing percentages are percent values ({@code 5} % = {@code Fixed.units(5)}).</li>
 * <li>{@code sessions}: sessions the order may trade in (the caller maps {@code ExtendedHours}); empty or null
 * means regular only.</li>
 * <li>{@code perTradeCommission} ($ per order) and {@code perContractCommissionCents} (cents per contract/share)
 * come from {@code ExecutionInstructions}; {@link Fixed#NONE} means "use the account plan".</li>
 * <li>{@code legs}: two or three complete orders for OneCancelOther / OneTriggerOther / OneTriggerOneCancelOther;
 * two to four option legs (securityId, symbol, instrument, side, quantity) for a spread whose root is Market or
 * Limit with {@code securityId} 0. Each leg carries its own caller-assigned {@code orderId}.</li>
 * </ul>
 */
public record OrderSpec(long orderId, int securityId, String symbol, Instrument instrument, Side side, OrderType type,
        TimeInForce tif, long quantity, long limitPrice, long stopPrice, long trailingAmount, TrailType trailingAmountType,
        long trailingLimitAmount, TrailType trailingLimitAmountType, long expireAtMs, boolean allOrNone,
        Set<Session> sessions, long perTradeCommission, long perContractCommissionCents, List<OrderSpec> legs) {

    /** The default: regular session only. */
    public static final Set<Session> REGULAR_ONLY = Set.of(Session.REGULAR);

    public OrderSpec {
        sessions = sessions == null || sessions.isEmpty() || (sessions.size() == 1 && sessions.contains(Session.REGULAR))
                ? REGULAR_ONLY : Collections.unmodifiableSet(EnumSet.copyOf(sessions));
        legs = legs == null ? List.of() : List.copyOf(legs);
        symbol = symbol == null ? "" : symbol;
    }

    /** Starts a builder: stock instrument, Buy, Market, Day, regular session, no prices. */
    public static Builder builder(long orderId) {
        return new Builder(orderId);
    }

    /** Fluent builder, mainly for tests and the HTTP mapping. */
    public static final class Builder {
        private final long orderId;
        private int securityId;
        private String symbol = "";
        private Instrument instrument = Instrument.stock();
        private Side side = Side.Buy;
        private OrderType type = OrderType.Market;
        private TimeInForce tif = TimeInForce.Day;
        private long quantity;
        private long limitPrice = Fixed.NONE;
        private long stopPrice = Fixed.NONE;
        private long trailingAmount = Fixed.NONE;
        private TrailType trailingAmountType = TrailType.Absolute;
        private long trailingLimitAmount = Fixed.NONE;
        private TrailType trailingLimitAmountType = TrailType.Absolute;
        private long expireAtMs = Fixed.NONE;
        private boolean allOrNone;
        private Set<Session> sessions = REGULAR_ONLY;
        private long perTrade = Fixed.NONE;
        private long perContractCents = Fixed.NONE;
        private List<OrderSpec> legs = List.of();

        private Builder(long orderId) {
            this.orderId = orderId;
        }

        public Builder security(int securityId, String symbol) {
            this.securityId = securityId;
            this.symbol = symbol;
            return this;
        }

        public Builder instrument(Instrument i) {
            this.instrument = i;
            return this;
        }

        public Builder side(Side s) {
            this.side = s;
            return this;
        }

        public Builder type(OrderType t) {
            this.type = t;
            return this;
        }

        public Builder tif(TimeInForce t) {
            this.tif = t;
            return this;
        }

        /** Quantity in whole shares/contracts. */
        public Builder qty(long whole) {
            this.quantity = Fixed.units(whole);
            return this;
        }

        /** Quantity as a fixed value. */
        public Builder quantityFixed(long q) {
            this.quantity = q;
            return this;
        }

        public Builder limit(String price) {
            this.limitPrice = Fixed.of(price);
            return this;
        }

        public Builder limitFixed(long price) {
            this.limitPrice = price;
            return this;
        }

        public Builder stop(String price) {
            this.stopPrice = Fixed.of(price);
            return this;
        }

        public Builder stopFixed(long price) {
            this.stopPrice = price;
            return this;
        }

        public Builder trailing(String amount, TrailType t) {
            this.trailingAmount = Fixed.of(amount);
            this.trailingAmountType = t;
            return this;
        }

        public Builder trailingLimit(String amount, TrailType t) {
            this.trailingLimitAmount = Fixed.of(amount);
            this.trailingLimitAmountType = t;
            return this;
        }

        public Builder expireAt(long ms) {
            this.expireAtMs = ms;
            return this;
        }

        public Builder allOrNone(boolean aon) {
            this.allOrNone = aon;
            return this;
        }

        public Builder sessions(Set<Session> s) {
            this.sessions = s;
            return this;
        }

        /** ExecutionInstructions PerTradeCommission, dollars per trade. */
        public Builder perTradeCommission(String dollars) {
            this.perTrade = Fixed.of(dollars);
            return this;
        }

        /** ExecutionInstructions PerContractCommission, cents per contract/share. */
        public Builder perContractCommissionCents(String cents) {
            this.perContractCents = Fixed.of(cents);
            return this;
        }

        public Builder legs(List<OrderSpec> l) {
            this.legs = l;
            return this;
        }

        public OrderSpec build() {
            return new OrderSpec(orderId, securityId, symbol, instrument, side, type, tif, quantity, limitPrice,
                    stopPrice, trailingAmount, trailingAmountType, trailingLimitAmount, trailingLimitAmountType,
                    expireAtMs, allOrNone, sessions, perTrade, perContractCents, legs);
        }
    }
}
