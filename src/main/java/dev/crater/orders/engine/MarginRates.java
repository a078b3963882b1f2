package dev.crater.orders.engine;

import dev.crater.common.MarginType;
import java.math.BigDecimal;

/**
 * The engine's margin rules as rates, for answers that show them (the verify calls'
 * {@code InitialMarginRate} and {@code MaintenanceMarginRate}): the shares of a value that
 * {@link Risk#initial} reserves for opening it and {@link Risk#maintenance} requires for holding it
 * (the engine rounds each requirement up to the fixed-point unit). {@code MarginRatesTest} keeps the
 * two in step.
 */
public final class MarginRates {
    private static final BigDecimal ONE = BigDecimal.ONE;
    private static final BigDecimal SHORT_OPTION = new BigDecimal("1.5");
    private static final BigDecimal SHORT_STOCK_MIN = new BigDecimal("0.3");
    private static final BigDecimal LONG_STOCK_MAINTENANCE = new BigDecimal("0.25");

    private MarginRates() {
    }

    /** The share of an opening order's value it reserves in an account of {@code type}. */
    public static BigDecimal initial(MarginType type, Instrument instrument, Side side) {
        if (type == MarginType.Cash) {
            return ONE;
        }
        if (instrument.isOption()) {
            return side == Side.SellShort ? SHORT_OPTION : ONE;
        }
        if (side == Side.Buy && !instrument.allowMargin()) {
            return ONE;
        }
        BigDecimal rate = ONE.divide(BigDecimal.valueOf(type.multiplier()));
        return side == Side.SellShort ? rate.max(SHORT_STOCK_MIN) : rate;
    }

    /** The share of a held position's value the account must keep as equity. */
    public static BigDecimal maintenance(Instrument instrument, boolean isLong) {
        if (instrument.isOption()) {
            return isLong ? ONE : SHORT_OPTION;
        }
        if (isLong) {
            return instrument.allowMargin() ? LONG_STOCK_MAINTENANCE : ONE;
        }
        return SHORT_STOCK_MIN;
    }
}
