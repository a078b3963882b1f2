package dev.crater.alerts;

import dev.crater.market.Quote;
import java.math.BigDecimal;
import java.util.Objects;

/**
 * A stored price alert: fire once when {@code field} of the security's quote is {@code operator}
 * {@code argument}. {@code revision} grows with every change through the API, so that an evaluator
 * holding an older copy cannot fire the alert on a level the user has since changed.
 *
 * @param expiresAtMs 0 when the alert never expires
 * @param firedAtMs   null until it fired
 * @param firedPrice  the price that crossed the level; null until it fired
 */
public record PriceAlert(long id, long userId, int securityId, Field field, Operator operator, BigDecimal argument,
        State state, int revision, long expiresAtMs, long createdAtMs, long modifiedAtMs, Long firedAtMs,
        BigDecimal firedPrice) {

    public PriceAlert {
        Objects.requireNonNull(field, "field");
        Objects.requireNonNull(operator, "operator");
        Objects.requireNonNull(argument, "argument");
        Objects.requireNonNull(state, "state");
        if (argument.signum() < 0 || expiresAtMs < 0) {
            throw new IllegalArgumentException("negative argument or expiry");
        }
    }

    /** The documented price fields. */
    public enum Field {
        Ask, Bid, Last;

        /** This field of {@code quote}. */
        public BigDecimal of(Quote quote) {
            return switch (this) {
                case Ask -> quote.ask();
                case Bid -> quote.bid();
                case Last -> quote.last();
            };
        }
    }

    /** The documented operators: {@code GTEQ} (≥) and {@code LTEQ} (≤). */
    public enum Operator {
        GTEQ(">="), LTEQ("<=");

        public final String symbol;

        Operator(String symbol) {
            this.symbol = symbol;
        }

        public boolean holds(BigDecimal price, BigDecimal level) {
            int c = price.compareTo(level);
            return this == GTEQ ? c >= 0 : c <= 0;
        }
    }

    /** The documented states, in the documented order (their numbers are the ordinals). */
    public enum State { New, Expired, Completed, Stopped }

    /** True while the alert is waiting to fire at {@code nowMs}. */
    public boolean activeAt(long nowMs) {
        return state == State.New && !expiredAt(nowMs);
    }

    public boolean expiredAt(long nowMs) {
        return expiresAtMs > 0 && expiresAtMs <= nowMs;
    }
}
