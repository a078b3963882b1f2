package dev.crater.history;

import java.math.BigDecimal;
import java.util.List;
import java.util.Objects;

/**
 * One computed indicator value set, the {@code IndicatorHistoryMapModel} of the wire format.
 *
 * @param date   Unix seconds of the candle the values belong to (after any offset shift)
 * @param values the indicator's values at that candle, each rounded to 6 decimals (e.g. MACD: macd, signal,
 *               histogram); immutable
 */
public record IndicatorPoint(long date, List<BigDecimal> values) {

    public IndicatorPoint {
        values = List.copyOf(Objects.requireNonNull(values, "values"));
    }
}
