package dev.crater.market;

import java.math.BigDecimal;

/**
 * One bar of the simulated (or replayed) market: prices are exact decimals rounded to the
 * security's tick, {@code time} is the bar's start in Unix seconds.
 *
 * @param market true when the bar lies in the regular session (09:30–16:00 New York)
 */
public record Candle(long time, BigDecimal open, BigDecimal high, BigDecimal low, BigDecimal close, long volume,
        boolean market) {
}
