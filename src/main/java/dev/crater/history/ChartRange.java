package dev.crater.history;

import com.fasterxml.jackson.databind.JsonNode;
import dev.crater.market.BarPeriod;
import dev.crater.market.Candle;
import dev.crater.market.Market;
import dev.crater.market.PathModel;
import dev.crater.market.TradingCalendar;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZonedDateTime;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * Which candles a request means: its {@code Period}, and a time range from {@code StartDate} /
 * {@code EndDate} (Unix seconds), {@code CandlesCount} and the {@code Interval} code
 * (reference 09-historical-data.md §2). Rules, in order:
 * <ol>
 * <li>{@code EndDate} (when positive) ends the range, never later than now; otherwise now.</li>
 * <li>{@code Interval} {@code Candles (0)}, {@code CustomCandles (-11)} or any positive number, or no
 * interval with a positive {@code CandlesCount} and no {@code StartDate}: the last
 * {@code CandlesCount} candles up to the end.</li>
 * <li>{@code Custom (-3)}, or no interval with a {@code StartDate}: from {@code StartDate}.</li>
 * <li>The relative codes count back from the end: {@code Today (-13)} and {@code Day1 (-4)} the
 * last trading day, {@code Day3 (-12)} three trading days, {@code Week1 (-5)} 7 days, {@code Month1
 * (-6)} … {@code Year3 (-10)} calendar months and years, {@code YearToDate (-2)} from 1 January,
 * {@code All (-1)} from the first simulated day. The comparison chart's text codes ({@code TDY, 1D,
 * 1W, 1M, 3M, 6M, YTD, 1Y, 3Y, ALL}) mean the same.</li>
 * <li>A positive {@code CandlesCount} also caps the answer to its newest candles.</li>
 * </ol>
 */
public record ChartRange(BarPeriod period, long fromMs, long toMs, int count) {

    /** Named limit: the most candles one request may ask for by count. */
    public static final int COUNT_MAX = Market.CANDLES_MAX;

    public enum Interval {
        CANDLES(0), ALL(-1), YEAR_TO_DATE(-2), CUSTOM(-3), DAY1(-4), WEEK1(-5), MONTH1(-6), MONTH3(-7), MONTH6(-8),
        YEAR1(-9), YEAR3(-10), CUSTOM_CANDLES(-11), DAY3(-12), TODAY(-13);

        final int code;

        Interval(int code) {
            this.code = code;
        }

        static Optional<Interval> of(JsonNode node) {
            if (node == null || node.isNull() || node.isMissingNode()) {
                return Optional.empty();
            }
            if (node.isNumber() || node.isTextual() && node.asText().trim().matches("-?\\d{1,9}")) {
                int code = node.isNumber() ? node.asInt() : Integer.parseInt(node.asText().trim());
                if (code >= 0) {
                    return Optional.of(CANDLES);
                }
                for (Interval i : values()) {
                    if (i.code == code) {
                        return Optional.of(i);
                    }
                }
                throw new IllegalArgumentException("Interval " + code + " is not a documented code (0, -1 … -13)");
            }
            String text = node.asText().trim().toUpperCase(Locale.ROOT);
            return Optional.of(switch (text) {
                case "TDY", "TODAY" -> TODAY;
                case "1D" -> DAY1;
                case "3D" -> DAY3;
                case "1W" -> WEEK1;
                case "1M" -> MONTH1;
                case "3M" -> MONTH3;
                case "6M" -> MONTH6;
                case "YTD" -> YEAR_TO_DATE;
                case "1Y" -> YEAR1;
                case "3Y" -> YEAR3;
                case "ALL" -> ALL;
                case "CUSTOM" -> CUSTOM;
                case "CANDLES" -> CANDLES;
                default -> throw new IllegalArgumentException("Interval '" + node.asText()
                        + "' is not one of TDY, 1D, 1W, 1M, 3M, 6M, YTD, 1Y, 3Y, ALL or a documented code");
            });
        }
    }

    /** Resolves a request's settings at market time {@code nowMs}; IllegalArgumentException when unusable. */
    public static ChartRange resolve(String periodText, Long startDate, Long endDate, Integer candlesCount,
            JsonNode interval, long nowMs, TradingCalendar calendar) {
        BarPeriod period = BarPeriod.parse(periodText).orElseThrow(() -> new IllegalArgumentException(
                "Period '" + periodText + "' is not one of 1m, 2m, 3m, 5m, 10m, 15m, 30m, 1h, 2h, 4h, 1D, 1W, 1M, 3M, 6M, 1Y"));
        for (Long d : new Long[] {startDate, endDate}) {
            if (d != null && (d < -1 || d > Integer.MAX_VALUE)) {
                throw new IllegalArgumentException("StartDate and EndDate are Unix seconds (int32), got " + d);
            }
        }
        long to = endDate != null && endDate > 0 ? Math.min(endDate * 1000, nowMs) : nowMs;
        int count = candlesCount == null || candlesCount <= 0 ? 0 : candlesCount;
        if (count > COUNT_MAX) {
            throw new IllegalArgumentException("CandlesCount is at most " + COUNT_MAX);
        }
        boolean hasStart = startDate != null && startDate > 0;
        Interval code = Interval.of(interval).orElse(hasStart ? Interval.CUSTOM : Interval.CANDLES);
        if ((code == Interval.CANDLES || code == Interval.CUSTOM_CANDLES) && count == 0) {
            if (!hasStart) {
                throw new IllegalArgumentException("CandlesCount (a positive number) or StartDate is required");
            }
            code = Interval.CUSTOM;
        }
        ZonedDateTime end = Instant.ofEpochMilli(to).atZone(TradingCalendar.ZONE);
        LocalDate endDay = calendar.tradingDate(Instant.ofEpochMilli(to));
        if (calendar.isTradingDay(endDay) && to < calendar.preMarketOpen(endDay).toInstant().toEpochMilli()) {
            endDay = endDay.minusDays(1); // before the day's first session: the last day is the one before
        }
        long from = switch (code) {
            case CANDLES, CUSTOM_CANDLES -> Long.MIN_VALUE;
            case CUSTOM -> {
                if (!hasStart) {
                    throw new IllegalArgumentException("StartDate is required for a Custom interval");
                }
                yield startDate * 1000;
            }
            case TODAY, DAY1 -> dayStart(calendar, lastTradingDay(calendar, endDay));
            case DAY3 -> dayStart(calendar, calendar.previousTradingDay(calendar.previousTradingDay(
                    lastTradingDay(calendar, endDay))));
            case WEEK1 -> end.minusWeeks(1).toInstant().toEpochMilli();
            case MONTH1 -> end.minusMonths(1).toInstant().toEpochMilli();
            case MONTH3 -> end.minusMonths(3).toInstant().toEpochMilli();
            case MONTH6 -> end.minusMonths(6).toInstant().toEpochMilli();
            case YEAR1 -> end.minusYears(1).toInstant().toEpochMilli();
            case YEAR3 -> end.minusYears(3).toInstant().toEpochMilli();
            case YEAR_TO_DATE -> end.toLocalDate().withDayOfYear(1).atStartOfDay(TradingCalendar.ZONE)
                    .toInstant().toEpochMilli();
            case ALL -> PathModel.FIRST_DAY.atStartOfDay(TradingCalendar.ZONE).toInstant().toEpochMilli();
        };
        if (from != Long.MIN_VALUE && from > to) {
            throw new IllegalArgumentException("StartDate is after EndDate");
        }
        return new ChartRange(period, from, to, count);
    }

    private static LocalDate lastTradingDay(TradingCalendar calendar, LocalDate d) {
        return calendar.isTradingDay(d) ? d : calendar.previousTradingDay(d);
    }

    private static long dayStart(TradingCalendar calendar, LocalDate d) {
        return calendar.preMarketOpen(d).toInstant().toEpochMilli();
    }

    /** True when the range is "the last {@link #count} candles" rather than a time span. */
    public boolean byCount() {
        return fromMs == Long.MIN_VALUE;
    }

    /** The newest {@code count} candles of {@code all} when a count is set. */
    public List<Candle> cap(List<Candle> all) {
        return count > 0 && all.size() > count ? all.subList(all.size() - count, all.size()) : all;
    }
}
