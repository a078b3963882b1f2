package dev.crater.reference;

import java.math.BigDecimal;

/**
 * One row of the securities master (equities, ETFs, operator-added internal securities). Options
 * are not rows: they are generated from their underlying (see {@code securities.OptionChains}).
 *
 * @param referencePrice the simulator's starting level at its anchor date (not market data)
 * @param origin         {@code master} (shipped data file) or {@code operator} (added by an admin)
 */
public record Security(int id, String symbol, String description, String exchange, String currency,
        SecurityType type, int precision, int volumePrecision, BigDecimal tickSize, boolean enabled,
        boolean allowTrade, boolean allowMargin, boolean allowShort, boolean optionable, BigDecimal referencePrice,
        String origin, long addedAtMs, long modifiedAtMs) {

    public static final String ORIGIN_MASTER = "master";
    public static final String ORIGIN_OPERATOR = "operator";

    /** The first id an operator-added security gets; ids below it belong to the shipped data file. */
    public static final int OPERATOR_ID_MIN = 1000;
}
