package dev.crater.market;

import java.time.DayOfWeek;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalTime;
import java.time.Month;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.time.temporal.TemporalAdjusters;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The US equities (NYSE) trading calendar: which days the exchange is open, when each session
 * starts and ends, and a "session time" clock that only runs while some session is open.
 *
 * <h2>Sessions</h2>
 * All times are New York local time ({@link #ZONE}), so they follow US daylight saving time
 * automatically (the regular open is 14:30Z in winter and 13:30Z in summer). On a trading day:
 * <ul>
 *   <li>{@link Session#PRE_MARKET} 04:00–09:30,</li>
 *   <li>{@link Session#REGULAR} 09:30–16:00 (09:30–13:00 on early-close days),</li>
 *   <li>{@link Session#POST_MARKET} 16:00–20:00 (13:00–17:00 on early-close days),</li>
 *   <li>{@link Session#CLOSED} otherwise, and all day on weekends and holidays.</li>
 * </ul>
 * Every interval is half-open: a session starts at its first instant and ends just before the next
 * one starts. The extended-hours times are the usual broker/ECN hours, not an NYSE rule.
 *
 * <h2>Holidays</h2>
 * Computed from the NYSE rules (no table), meant for the years 2000–2100:
 * <ul>
 *   <li>New Year's Day, January 1; on a Sunday observed Monday January 2; on a Saturday <em>not</em>
 *       observed (NYSE does not close on the preceding Friday, December 31);</li>
 *   <li>Martin Luther King Jr. Day, third Monday of January (from 1998);</li>
 *   <li>Washington's Birthday, third Monday of February;</li>
 *   <li>Good Friday, the Friday before Easter Sunday (Gregorian computus);</li>
 *   <li>Memorial Day, last Monday of May;</li>
 *   <li>Juneteenth National Independence Day, June 19 (from 2022);</li>
 *   <li>Independence Day, July 4;</li>
 *   <li>Labor Day, first Monday of September;</li>
 *   <li>Thanksgiving Day, fourth Thursday of November;</li>
 *   <li>Christmas Day, December 25.</li>
 * </ul>
 * Juneteenth, Independence Day and Christmas falling on a Saturday are observed on the Friday
 * before, on a Sunday on the Monday after.
 *
 * <h2>Early closes</h2>
 * The regular session ends at 13:00 (and the post-market at 17:00) on July 3 when it is a trading
 * day and July 4 is a weekday, on the day after Thanksgiving, and on December 24 when it is a
 * trading day.
 *
 * <h2>Limits</h2>
 * <ul>
 *   <li>One-off closures are <em>not</em> modelled: national days of mourning (e.g. 2004-06-11,
 *       2007-01-02, 2018-12-05, 2025-01-09), the 2001-09-11..14 closure, Hurricane Sandy
 *       (2012-10-29/30), and any future unscheduled closure. Neither are one-off early closes or
 *       early closes NYSE chose not to hold in some years.</li>
 *   <li>The same rules are applied to the years before 2000 and after 2100 (e.g. for
 *       {@link #session(Instant)}), where they may not match what the exchange did or will do.</li>
 *   <li>{@link #sessionSeconds(Instant)} and {@link #tradingDayIndex(LocalDate)} use arrays
 *       precomputed for the New York dates 1990-01-01 to 2100-12-31 and throw
 *       {@link IllegalArgumentException} outside that range.</li>
 * </ul>
 *
 * <p>Instances are immutable and thread-safe, do no I/O and read no clock: every method takes the
 * date or instant it needs. Use {@link #nyse()}.
 */
public final class TradingCalendar {
    /** The exchange time zone. */
    public static final ZoneId ZONE = ZoneId.of("America/New_York");
    /** Start of the pre-market session. */
    public static final LocalTime PRE_MARKET_OPEN = LocalTime.of(4, 0);
    /** Start of the regular session. */
    public static final LocalTime REGULAR_OPEN = LocalTime.of(9, 30);
    /** End of the regular session on a normal trading day. */
    public static final LocalTime REGULAR_CLOSE = LocalTime.of(16, 0);
    /** End of the post-market session on a normal trading day. */
    public static final LocalTime POST_MARKET_CLOSE = LocalTime.of(20, 0);
    /** End of the regular session on an early-close day. */
    public static final LocalTime EARLY_CLOSE = LocalTime.of(13, 0);
    /** End of the post-market session on an early-close day. */
    public static final LocalTime EARLY_POST_MARKET_CLOSE = LocalTime.of(17, 0);
    /** First year covered by the precomputed arrays ({@link #sessionSeconds}, {@link #tradingDayIndex}). */
    public static final int FIRST_YEAR = 1990;
    /** Last year covered by the precomputed arrays ({@link #sessionSeconds}, {@link #tradingDayIndex}). */
    public static final int LAST_YEAR = 2100;
    /** The trading day with {@link #tradingDayIndex(LocalDate)} 0. */
    public static final LocalDate EPOCH_DATE = LocalDate.of(2000, 1, 3);
    /** The instant at which {@link #sessionSeconds(Instant)} is 0: 2000-01-03 04:00 New York. */
    public static final Instant SESSION_EPOCH = ZonedDateTime.of(EPOCH_DATE, PRE_MARKET_OPEN, ZONE).toInstant();

    private static final byte NON_TRADING = 0;
    private static final byte FULL_DAY = 1;
    private static final byte EARLY_CLOSE_DAY = 2;

    private static final LocalDate FIRST_DATE = LocalDate.of(FIRST_YEAR, 1, 1);
    private static final LocalDate LAST_DATE = LocalDate.of(LAST_YEAR, 12, 31);

    /** Observed holidays (date → name) of each year FIRST_YEAR..LAST_YEAR. */
    private final List<Map<LocalDate, String>> holidaysByYear;
    /** Kind of each day from FIRST_DATE (NON_TRADING, FULL_DAY or EARLY_CLOSE_DAY). */
    private final byte[] kind;
    /** tradingDaysBefore[i] = trading days in [FIRST_DATE, FIRST_DATE + i); length days + 1. */
    private final int[] tradingDaysBefore;
    /** sessionSecondsBefore[i] = seconds of open session in [FIRST_DATE, FIRST_DATE + i); length days + 1. */
    private final long[] sessionSecondsBefore;
    private final int epochTradingDays;
    private final long epochSessionSeconds;

    private static final class Holder {
        static final TradingCalendar NYSE = new TradingCalendar();
    }

    /** The NYSE calendar (a shared singleton). */
    public static TradingCalendar nyse() {
        return Holder.NYSE;
    }

    private TradingCalendar() {
        List<Map<LocalDate, String>> years = new ArrayList<>(LAST_YEAR - FIRST_YEAR + 1);
        for (int y = FIRST_YEAR; y <= LAST_YEAR; y++) {
            years.add(computeHolidays(y));
        }
        holidaysByYear = List.copyOf(years);

        int days = (int) (LAST_DATE.toEpochDay() - FIRST_DATE.toEpochDay() + 1);
        kind = new byte[days];
        tradingDaysBefore = new int[days + 1];
        sessionSecondsBefore = new long[days + 1];
        LocalDate d = FIRST_DATE;
        for (int i = 0; i < days; i++, d = d.plusDays(1)) {
            byte k = kindByRule(d, holidaysByYear.get(d.getYear() - FIRST_YEAR));
            kind[i] = k;
            long seconds = 0;
            if (k != NON_TRADING) {
                // Wall-clock length: New York changes its clocks at 02:00, before the pre-market
                // opens, so no session contains a change (TradingCalendarTest checks every day
                // against the zone's rules). No ZonedDateTime per day: 40,000 of them took a
                // tenth of a second of every start (issue 16).
                seconds = Duration.between(PRE_MARKET_OPEN, postMarketCloseTime(k)).getSeconds();
            }
            tradingDaysBefore[i + 1] = tradingDaysBefore[i] + (k != NON_TRADING ? 1 : 0);
            sessionSecondsBefore[i + 1] = sessionSecondsBefore[i] + seconds;
        }
        int epoch = dayIndex(EPOCH_DATE);
        epochTradingDays = tradingDaysBefore[epoch];
        epochSessionSeconds = sessionSecondsBefore[epoch];
    }

    // ---------------------------------------------------------------- days

    /** True on weekdays that are not NYSE full-day holidays. */
    public boolean isTradingDay(LocalDate d) {
        return kindOf(d) != NON_TRADING;
    }

    /**
     * The name of the holiday for which the exchange is closed on {@code d}, if any. The name is
     * reported on the weekday the exchange actually closes (the observed date): for example
     * Independence Day 2026 is reported on Friday 2026-07-03, not on Saturday 2026-07-04, and a
     * New Year's Day falling on a Saturday is reported on no day at all.
     */
    public Optional<String> holiday(LocalDate d) {
        return Optional.ofNullable(holidaysOf(d.getYear()).get(d));
    }

    /** The early close time of the regular session (13:00 New York) if {@code d} is an early-close trading day. */
    public Optional<LocalTime> earlyClose(LocalDate d) {
        return kindOf(d) == EARLY_CLOSE_DAY ? Optional.of(EARLY_CLOSE) : Optional.empty();
    }

    /** The first trading day strictly after {@code d}. */
    public LocalDate nextTradingDay(LocalDate d) {
        LocalDate next = d.plusDays(1);
        while (!isTradingDay(next)) {
            next = next.plusDays(1);
        }
        return next;
    }

    /** The last trading day strictly before {@code d}. */
    public LocalDate previousTradingDay(LocalDate d) {
        LocalDate previous = d.minusDays(1);
        while (!isTradingDay(previous)) {
            previous = previous.minusDays(1);
        }
        return previous;
    }

    /** The New York calendar date of {@code t}. */
    public LocalDate tradingDate(Instant t) {
        return LocalDate.ofInstant(t, ZONE);
    }

    // ---------------------------------------------------------------- session times

    /** Start of the pre-market session (04:00) of trading day {@code d}; IllegalArgumentException otherwise. */
    public ZonedDateTime preMarketOpen(LocalDate d) {
        requireTradingDay(d);
        return ZonedDateTime.of(d, PRE_MARKET_OPEN, ZONE);
    }

    /** Start of the regular session (09:30) of trading day {@code d}; IllegalArgumentException otherwise. */
    public ZonedDateTime regularOpen(LocalDate d) {
        requireTradingDay(d);
        return ZonedDateTime.of(d, REGULAR_OPEN, ZONE);
    }

    /** End of the regular session (16:00, or 13:00 on early-close days) of trading day {@code d}; IllegalArgumentException otherwise. */
    public ZonedDateTime regularClose(LocalDate d) {
        return ZonedDateTime.of(d, regularCloseTime(requireTradingDay(d)), ZONE);
    }

    /** End of the post-market session (20:00, or 17:00 on early-close days) of trading day {@code d}; IllegalArgumentException otherwise. */
    public ZonedDateTime postMarketClose(LocalDate d) {
        return ZonedDateTime.of(d, postMarketCloseTime(requireTradingDay(d)), ZONE);
    }

    /** The session in effect at {@code t}. */
    public Session session(Instant t) {
        LocalDate d = tradingDate(t);
        byte k = kindOf(d);
        if (k == NON_TRADING || t.isBefore(at(d, PRE_MARKET_OPEN))) {
            return Session.CLOSED;
        }
        if (t.isBefore(at(d, REGULAR_OPEN))) {
            return Session.PRE_MARKET;
        }
        if (t.isBefore(at(d, regularCloseTime(k)))) {
            return Session.REGULAR;
        }
        if (t.isBefore(at(d, postMarketCloseTime(k)))) {
            return Session.POST_MARKET;
        }
        return Session.CLOSED;
    }

    /**
     * The first instant strictly after {@code t} at which {@link #session(Instant)} changes: the
     * next pre-market open, regular open, regular close or post-market close. Useful to expire Day
     * orders at the close.
     */
    public Instant nextSessionChange(Instant t) {
        for (LocalDate d = tradingDate(t); ; d = d.plusDays(1)) {
            byte k = kindOf(d);
            if (k == NON_TRADING) {
                continue;
            }
            for (LocalTime boundary : new LocalTime[] {PRE_MARKET_OPEN, REGULAR_OPEN, regularCloseTime(k), postMarketCloseTime(k)}) {
                Instant b = at(d, boundary);
                if (b.isAfter(t)) {
                    return b;
                }
            }
        }
    }

    /** The first regular-session open strictly after {@code t}. */
    public Instant nextRegularOpen(Instant t) {
        LocalDate d = tradingDate(t);
        if (isTradingDay(d)) {
            Instant open = regularOpen(d).toInstant();
            if (open.isAfter(t)) {
                return open;
            }
        }
        return regularOpen(nextTradingDay(d)).toInstant();
    }

    // ---------------------------------------------------------------- session clock

    /**
     * Whole seconds during which some session (pre-market, regular or post-market) was open between
     * {@link #SESSION_EPOCH} and {@code t}: negative before the epoch, constant while the market is
     * closed, increasing by one per second while it is open (16 hours over a normal trading day, 13
     * over an early-close day). The price simulator advances prices on this clock. O(1).
     *
     * @throws IllegalArgumentException if the New York date of {@code t} is outside 1990–2100
     */
    public long sessionSeconds(Instant t) {
        LocalDate d = tradingDate(t);
        int i = dayIndex(d);
        long seconds = sessionSecondsBefore[i] - epochSessionSeconds;
        byte k = kind[i];
        if (k != NON_TRADING) {
            Instant open = at(d, PRE_MARKET_OPEN);
            if (t.isAfter(open)) {
                Instant close = at(d, postMarketCloseTime(k));
                // Duration.getSeconds() floors, so a partial second does not count yet.
                seconds += Duration.between(open, t.isBefore(close) ? t : close).getSeconds();
            }
        }
        return seconds;
    }

    /**
     * Number of trading days from {@link #EPOCH_DATE} (index 0) to {@code d}: the index of {@code d}
     * if it is a trading day, otherwise the index of the next trading day; negative before the epoch.
     * O(1).
     *
     * @throws IllegalArgumentException if {@code d} is outside 1990–2100
     */
    public int tradingDayIndex(LocalDate d) {
        return tradingDaysBefore[dayIndex(d)] - epochTradingDays;
    }

    // ---------------------------------------------------------------- internals

    private static Instant at(LocalDate d, LocalTime time) {
        return ZonedDateTime.of(d, time, ZONE).toInstant();
    }

    private static LocalTime regularCloseTime(byte kind) {
        return kind == EARLY_CLOSE_DAY ? EARLY_CLOSE : REGULAR_CLOSE;
    }

    private static LocalTime postMarketCloseTime(byte kind) {
        return kind == EARLY_CLOSE_DAY ? EARLY_POST_MARKET_CLOSE : POST_MARKET_CLOSE;
    }

    private byte requireTradingDay(LocalDate d) {
        byte k = kindOf(d);
        if (k == NON_TRADING) {
            throw new IllegalArgumentException(d + " is not a trading day");
        }
        return k;
    }

    private static boolean inRange(LocalDate d) {
        return !d.isBefore(FIRST_DATE) && !d.isAfter(LAST_DATE);
    }

    private int dayIndex(LocalDate d) {
        if (!inRange(d)) {
            throw new IllegalArgumentException(d + " is outside the supported range " + FIRST_DATE + ".." + LAST_DATE);
        }
        return (int) (d.toEpochDay() - FIRST_DATE.toEpochDay());
    }

    private byte kindOf(LocalDate d) {
        return inRange(d) ? kind[dayIndex(d)] : kindByRule(d, computeHolidays(d.getYear()));
    }

    private Map<LocalDate, String> holidaysOf(int year) {
        return year >= FIRST_YEAR && year <= LAST_YEAR ? holidaysByYear.get(year - FIRST_YEAR) : computeHolidays(year);
    }

    private static byte kindByRule(LocalDate d, Map<LocalDate, String> holidays) {
        if (isWeekend(d) || holidays.containsKey(d)) {
            return NON_TRADING;
        }
        int day = d.getDayOfMonth();
        boolean early = switch (d.getMonth()) {
            case JULY -> day == 3 && !isWeekend(d.plusDays(1));
            case NOVEMBER -> d.equals(thanksgiving(d.getYear()).plusDays(1));
            case DECEMBER -> day == 24;
            default -> false;
        };
        return early ? EARLY_CLOSE_DAY : FULL_DAY;
    }

    /** The observed NYSE holidays of {@code year} (all fall inside that year), date → name. */
    private static Map<LocalDate, String> computeHolidays(int year) {
        Map<LocalDate, String> h = new HashMap<>();
        LocalDate newYear = LocalDate.of(year, 1, 1);
        if (newYear.getDayOfWeek() == DayOfWeek.SUNDAY) {
            h.put(newYear.plusDays(1), "New Year's Day");
        } else if (newYear.getDayOfWeek() != DayOfWeek.SATURDAY) {
            h.put(newYear, "New Year's Day");
        } // Saturday: NYSE does not close on Friday December 31 of the previous year.
        if (year >= 1998) {
            h.put(nthWeekday(year, Month.JANUARY, 3, DayOfWeek.MONDAY), "Martin Luther King Jr. Day");
        }
        h.put(nthWeekday(year, Month.FEBRUARY, 3, DayOfWeek.MONDAY), "Washington's Birthday");
        h.put(easterSunday(year).minusDays(2), "Good Friday");
        h.put(LocalDate.of(year, Month.MAY, 1).with(TemporalAdjusters.lastInMonth(DayOfWeek.MONDAY)), "Memorial Day");
        if (year >= 2022) {
            h.put(observed(LocalDate.of(year, Month.JUNE, 19)), "Juneteenth National Independence Day");
        }
        h.put(observed(LocalDate.of(year, Month.JULY, 4)), "Independence Day");
        h.put(nthWeekday(year, Month.SEPTEMBER, 1, DayOfWeek.MONDAY), "Labor Day");
        h.put(thanksgiving(year), "Thanksgiving Day");
        h.put(observed(LocalDate.of(year, Month.DECEMBER, 25)), "Christmas Day");
        return Collections.unmodifiableMap(h);
    }

    private static LocalDate thanksgiving(int year) {
        return nthWeekday(year, Month.NOVEMBER, 4, DayOfWeek.THURSDAY);
    }

    private static LocalDate nthWeekday(int year, Month month, int n, DayOfWeek dow) {
        return LocalDate.of(year, month, 1).with(TemporalAdjusters.dayOfWeekInMonth(n, dow));
    }

    /** Saturday → preceding Friday, Sunday → following Monday. */
    private static LocalDate observed(LocalDate d) {
        return switch (d.getDayOfWeek()) {
            case SATURDAY -> d.minusDays(1);
            case SUNDAY -> d.plusDays(1);
            default -> d;
        };
    }

    private static boolean isWeekend(LocalDate d) {
        DayOfWeek dow = d.getDayOfWeek();
        return dow == DayOfWeek.SATURDAY || dow == DayOfWeek.SUNDAY;
    }

    /** Easter Sunday in the Gregorian calendar (anonymous Gregorian algorithm, Meeus/Jones/Butcher). */
    static LocalDate easterSunday(int year) {
        int a = year % 19;
        int b = year / 100;
        int c = year % 100;
        int d = b / 4;
        int e = b % 4;
        int f = (b + 8) / 25;
        int g = (b - f + 1) / 3;
        int h = (19 * a + b - d - g + 15) % 30;
        int i = c / 4;
        int k = c % 4;
        int l = (32 + 2 * e + 2 * i - h - k) % 7;
        int m = (a + 11 * h + 22 * l) / 451;
        int month = (h + l - 7 * m + 114) / 31;
        int day = (h + l - 7 * m + 114) % 31 + 1;
        return LocalDate.of(year, month, day);
    }
}
