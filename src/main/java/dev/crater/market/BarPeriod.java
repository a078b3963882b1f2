package dev.crater.market;

import java.time.LocalDate;
import java.time.temporal.IsoFields;
import java.util.Optional;

/**
 * The documented bar sizes ({@code Period}): minutes and hours split each trading day's session from
 * its start; days are one trading day's session; weeks, months and years group trading days by
 * calendar week (Monday first), month, quarter-aligned 3 months, half year and year.
 */
public enum BarPeriod {
    M1("1m", 1), M2("2m", 2), M3("3m", 3), M5("5m", 5), M10("10m", 10), M15("15m", 15), M30("30m", 30),
    H1("1h", 60), H2("2h", 120), H4("4h", 240), D1("1D", 0), W1("1W", 0), MO1("1M", 0), MO3("3M", 0),
    MO6("6M", 0), Y1("1Y", 0);

    private final String code;
    private final int minutes;

    BarPeriod(String code, int minutes) {
        this.code = code;
        this.minutes = minutes;
    }

    public String code() {
        return code;
    }

    /** Bar length in minutes for intraday periods; 0 for a day or longer. */
    public int minutes() {
        return minutes;
    }

    public boolean intraday() {
        return minutes > 0;
    }

    /** By its documented code; {@code 1m} (minute) and {@code 1M} (month) differ only in case. */
    public static Optional<BarPeriod> parse(String code) {
        if (code == null) {
            return Optional.empty();
        }
        String c = code.trim();
        for (BarPeriod p : values()) {
            if (p.code.equals(c)) {
                return Optional.of(p);
            }
        }
        // Unambiguous case variants: hours, days, weeks, years.
        for (BarPeriod p : values()) {
            if (p.code.equalsIgnoreCase(c) && !p.code.endsWith("m") && !p.code.endsWith("M")) {
                return Optional.of(p);
            }
        }
        return Optional.empty();
    }

    /** For periods of a day or more: the group a trading day belongs to (days of one bar share it). */
    public long group(LocalDate d) {
        return switch (this) {
            case D1 -> d.toEpochDay();
            case W1 -> d.get(IsoFields.WEEK_BASED_YEAR) * 100L + d.get(IsoFields.WEEK_OF_WEEK_BASED_YEAR);
            case MO1 -> d.getYear() * 100L + d.getMonthValue();
            case MO3 -> d.getYear() * 100L + (d.getMonthValue() - 1) / 3;
            case MO6 -> d.getYear() * 100L + (d.getMonthValue() - 1) / 6;
            case Y1 -> d.getYear();
            default -> throw new IllegalStateException(code + " is intraday");
        };
    }

    /** Approximate bar length in seconds, for sizing requests by a count of candles. */
    public long approximateSeconds() {
        return switch (this) {
            case D1 -> 86_400L;
            case W1 -> 7 * 86_400L;
            case MO1 -> 31 * 86_400L;
            case MO3 -> 92 * 86_400L;
            case MO6 -> 183 * 86_400L;
            case Y1 -> 366 * 86_400L;
            default -> minutes * 60L;
        };
    }
}
