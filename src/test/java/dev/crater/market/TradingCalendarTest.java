package dev.crater.market;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.DayOfWeek;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/**
 * Goal: {@link TradingCalendar} knows the NYSE holidays and early closes, switches sessions at the
 * documented New York times across daylight saving changes, and its session clock
 * ({@code sessionSeconds}) and trading-day index agree with a naive day-by-day count.
 *
 * <p>Method: compare with the published NYSE calendars for 2025–2027 and a few historical edge
 * cases, probe session boundaries to the second, and check the precomputed functions against
 * brute-force loops at random (seeded) instants.
 */
class TradingCalendarTest {
    static final TradingCalendar CAL = TradingCalendar.nyse();

    static LocalDate d(String iso) {
        return LocalDate.parse(iso);
    }

    /** An instant given as New York local date-time, e.g. {@code ny("2025-06-10T09:30")}. */
    static Instant ny(String localDateTime) {
        return LocalDateTime.parse(localDateTime).atZone(TradingCalendar.ZONE).toInstant();
    }

    /** All weekdays of {@code year} on which the calendar says the exchange is closed. */
    static Map<LocalDate, String> weekdayClosures(int year) {
        Map<LocalDate, String> closures = new TreeMap<>();
        for (LocalDate day = LocalDate.of(year, 1, 1); day.getYear() == year; day = day.plusDays(1)) {
            if (day.getDayOfWeek().getValue() <= 5 && !CAL.isTradingDay(day)) {
                closures.put(day, CAL.holiday(day).orElse("?"));
            }
        }
        return closures;
    }

    // ---------------------------------------------------------------- holidays

    @Test
    void holidays2025MatchNyse() {
        Map<LocalDate, String> expected = new LinkedHashMap<>();
        expected.put(d("2025-01-01"), "New Year's Day");
        expected.put(d("2025-01-20"), "Martin Luther King Jr. Day");
        expected.put(d("2025-02-17"), "Washington's Birthday");
        expected.put(d("2025-04-18"), "Good Friday");
        expected.put(d("2025-05-26"), "Memorial Day");
        expected.put(d("2025-06-19"), "Juneteenth National Independence Day");
        expected.put(d("2025-07-04"), "Independence Day");
        expected.put(d("2025-09-01"), "Labor Day");
        expected.put(d("2025-11-27"), "Thanksgiving Day");
        expected.put(d("2025-12-25"), "Christmas Day");
        assertThat(weekdayClosures(2025)).containsExactlyInAnyOrderEntriesOf(expected);
        // The 2025-01-09 national day of mourning (President Carter) is a one-off closure, not modelled.
        assertThat(CAL.isTradingDay(d("2025-01-09"))).isTrue();
        assertThat(CAL.holiday(d("2025-01-09"))).isEmpty();
    }

    @Test
    void holidays2026MatchNyse() {
        Map<LocalDate, String> expected = new LinkedHashMap<>();
        expected.put(d("2026-01-01"), "New Year's Day");
        expected.put(d("2026-01-19"), "Martin Luther King Jr. Day");
        expected.put(d("2026-02-16"), "Washington's Birthday");
        expected.put(d("2026-04-03"), "Good Friday");
        expected.put(d("2026-05-25"), "Memorial Day");
        expected.put(d("2026-06-19"), "Juneteenth National Independence Day");
        expected.put(d("2026-07-03"), "Independence Day"); // July 4 is a Saturday
        expected.put(d("2026-09-07"), "Labor Day");
        expected.put(d("2026-11-26"), "Thanksgiving Day");
        expected.put(d("2026-12-25"), "Christmas Day");
        assertThat(weekdayClosures(2026)).containsExactlyInAnyOrderEntriesOf(expected);
        assertThat(CAL.holiday(d("2026-07-04"))).as("the Saturday itself is a weekend, not a holiday closure").isEmpty();
        assertThat(CAL.isTradingDay(d("2026-07-04"))).isFalse();
    }

    @Test
    void weekendHolidaysAreObservedPerNyseRules() {
        // Christmas 2027 is a Saturday: observed Friday Dec 24.
        assertThat(CAL.holiday(d("2027-12-24"))).contains("Christmas Day");
        assertThat(CAL.isTradingDay(d("2027-12-24"))).isFalse();
        // ... and New Year's Day 2028 is a Saturday: not observed, Friday Dec 31 2027 trades.
        assertThat(CAL.isTradingDay(d("2027-12-31"))).isTrue();
        // New Year's Day 2022 was a Saturday and Friday 2021-12-31 was a (full) trading day.
        assertThat(CAL.isTradingDay(d("2021-12-31"))).isTrue();
        assertThat(CAL.earlyClose(d("2021-12-31"))).isEmpty();
        assertThat(CAL.holiday(d("2021-12-31"))).isEmpty();
        assertThat(CAL.holiday(d("2022-01-01"))).isEmpty();
        assertThat(CAL.isTradingDay(d("2022-01-03"))).isTrue();
        // New Year's Day on a Sunday is observed Monday.
        assertThat(CAL.holiday(d("2023-01-02"))).contains("New Year's Day");
        // Juneteenth: first observed 2022 (June 19 a Sunday → Monday June 20); not a holiday in 2021.
        assertThat(CAL.holiday(d("2022-06-20"))).contains("Juneteenth National Independence Day");
        assertThat(CAL.isTradingDay(d("2021-06-18"))).isTrue();
        // Juneteenth 2027 is a Saturday → Friday June 18.
        assertThat(CAL.holiday(d("2027-06-18"))).contains("Juneteenth National Independence Day");
        // Independence Day 2021 was a Sunday → Monday July 5.
        assertThat(CAL.holiday(d("2021-07-05"))).contains("Independence Day");
        // Christmas 2022 was a Sunday → Monday Dec 26.
        assertThat(CAL.holiday(d("2022-12-26"))).contains("Christmas Day");
    }

    @Test
    void goodFridayFollowsGregorianEaster() {
        assertThat(CAL.holiday(d("2000-04-21"))).contains("Good Friday");
        assertThat(CAL.holiday(d("2019-04-19"))).contains("Good Friday");
        assertThat(CAL.holiday(d("2024-03-29"))).contains("Good Friday");
        assertThat(CAL.holiday(d("2038-04-23"))).contains("Good Friday");
        assertThat(CAL.holiday(d("2100-03-26"))).contains("Good Friday");
    }

    @Test
    void everyYearHasAPlausibleNumberOfHolidays() {
        for (int year = 2000; year <= 2100; year++) {
            int expected = (year >= 2022 ? 10 : 9)
                    - (LocalDate.of(year, 1, 1).getDayOfWeek() == DayOfWeek.SATURDAY ? 1 : 0);
            assertThat(weekdayClosures(year)).as("holidays of %d", year).hasSize(expected).doesNotContainValue("?");
        }
    }

    @Test
    void weekendsAreNotTradingDays() {
        assertThat(CAL.isTradingDay(d("2025-06-14"))).isFalse();
        assertThat(CAL.isTradingDay(d("2025-06-15"))).isFalse();
        assertThat(CAL.isTradingDay(d("2025-06-16"))).isTrue();
        // Rules still apply outside the precomputed range.
        assertThat(CAL.isTradingDay(d("2150-12-25"))).isFalse();
        assertThat(CAL.isTradingDay(d("2150-12-24"))).isTrue();
        assertThat(CAL.earlyClose(d("2150-12-24"))).contains(LocalTime.of(13, 0));
    }

    // ---------------------------------------------------------------- early closes

    @Test
    void earlyCloses() {
        for (String day : List.of("2025-07-03", "2025-11-28", "2025-12-24", "2026-11-27", "2026-12-24", "2024-07-03")) {
            assertThat(CAL.earlyClose(d(day))).as(day).contains(LocalTime.of(13, 0));
            assertThat(CAL.regularClose(d(day)).toLocalTime()).as(day).isEqualTo(LocalTime.of(13, 0));
            assertThat(CAL.postMarketClose(d(day)).toLocalTime()).as(day).isEqualTo(LocalTime.of(17, 0));
        }
        // Normal days, holidays and weekends have none.
        for (String day : List.of("2025-07-02", "2025-12-23", "2025-12-26", "2026-07-02", "2026-07-03", "2027-12-24",
                "2025-11-27", "2025-06-14")) {
            assertThat(CAL.earlyClose(d(day))).as(day).isEmpty();
        }
        assertThat(CAL.regularClose(d("2025-06-10")).toLocalTime()).isEqualTo(LocalTime.of(16, 0));
        assertThat(CAL.postMarketClose(d("2025-06-10")).toLocalTime()).isEqualTo(LocalTime.of(20, 0));
    }

    // ---------------------------------------------------------------- sessions

    @Test
    void sessionBoundariesOnANormalDay() {
        assertThat(CAL.session(ny("2025-06-10T00:00"))).isEqualTo(Session.CLOSED);
        assertThat(CAL.session(ny("2025-06-10T03:59:59"))).isEqualTo(Session.CLOSED);
        assertThat(CAL.session(ny("2025-06-10T04:00"))).isEqualTo(Session.PRE_MARKET);
        assertThat(CAL.session(ny("2025-06-10T09:29:59"))).isEqualTo(Session.PRE_MARKET);
        assertThat(CAL.session(ny("2025-06-10T09:29:59.999999999"))).isEqualTo(Session.PRE_MARKET);
        assertThat(CAL.session(ny("2025-06-10T09:30"))).isEqualTo(Session.REGULAR);
        assertThat(CAL.session(ny("2025-06-10T15:59:59"))).isEqualTo(Session.REGULAR);
        assertThat(CAL.session(ny("2025-06-10T16:00"))).isEqualTo(Session.POST_MARKET);
        assertThat(CAL.session(ny("2025-06-10T19:59:59"))).isEqualTo(Session.POST_MARKET);
        assertThat(CAL.session(ny("2025-06-10T20:00"))).isEqualTo(Session.CLOSED);
        assertThat(CAL.session(ny("2025-06-10T23:59:59"))).isEqualTo(Session.CLOSED);
    }

    @Test
    void sessionBoundariesOnAnEarlyCloseDay() {
        assertThat(CAL.session(ny("2025-11-28T04:00"))).isEqualTo(Session.PRE_MARKET);
        assertThat(CAL.session(ny("2025-11-28T09:30"))).isEqualTo(Session.REGULAR);
        assertThat(CAL.session(ny("2025-11-28T12:59:59"))).isEqualTo(Session.REGULAR);
        assertThat(CAL.session(ny("2025-11-28T13:00"))).isEqualTo(Session.POST_MARKET);
        assertThat(CAL.session(ny("2025-11-28T16:59:59"))).isEqualTo(Session.POST_MARKET);
        assertThat(CAL.session(ny("2025-11-28T17:00"))).isEqualTo(Session.CLOSED);
        assertThat(CAL.session(ny("2025-11-28T18:00"))).isEqualTo(Session.CLOSED);
    }

    @Test
    void weekendsAndHolidaysAreClosedAllDay() {
        for (String day : List.of("2025-06-14", "2025-06-15", "2025-12-25", "2026-07-03")) {
            for (String time : List.of("00:00", "04:00", "09:30", "12:00", "16:00", "19:59:59")) {
                assertThat(CAL.session(ny(day + "T" + time))).as(day + " " + time).isEqualTo(Session.CLOSED);
            }
        }
    }

    @Test
    void sessionTimesFollowDaylightSavingTime() {
        // US DST 2025: starts Sunday March 9, ends Sunday November 2.
        assertThat(CAL.regularOpen(d("2025-03-07")).toInstant()).isEqualTo(Instant.parse("2025-03-07T14:30:00Z"));
        assertThat(CAL.regularOpen(d("2025-03-10")).toInstant()).isEqualTo(Instant.parse("2025-03-10T13:30:00Z"));
        assertThat(CAL.regularOpen(d("2025-10-31")).toInstant()).isEqualTo(Instant.parse("2025-10-31T13:30:00Z"));
        assertThat(CAL.regularOpen(d("2025-11-03")).toInstant()).isEqualTo(Instant.parse("2025-11-03T14:30:00Z"));
        assertThat(CAL.regularClose(d("2025-03-10")).toInstant()).isEqualTo(Instant.parse("2025-03-10T20:00:00Z"));
        assertThat(CAL.regularClose(d("2025-11-03")).toInstant()).isEqualTo(Instant.parse("2025-11-03T21:00:00Z"));
        assertThat(CAL.preMarketOpen(d("2025-03-10")).toInstant()).isEqualTo(Instant.parse("2025-03-10T08:00:00Z"));
        assertThat(CAL.postMarketClose(d("2025-11-03")).toInstant()).isEqualTo(Instant.parse("2025-11-04T01:00:00Z"));

        assertThat(CAL.session(Instant.parse("2025-03-10T13:29:59Z"))).isEqualTo(Session.PRE_MARKET);
        assertThat(CAL.session(Instant.parse("2025-03-10T13:30:00Z"))).isEqualTo(Session.REGULAR);
        assertThat(CAL.session(Instant.parse("2025-11-03T14:29:59Z"))).isEqualTo(Session.PRE_MARKET);
        assertThat(CAL.session(Instant.parse("2025-11-03T14:30:00Z"))).isEqualTo(Session.REGULAR);
        // 00:30 UTC on Nov 4 is still 19:30 on Nov 3 in New York.
        assertThat(CAL.session(Instant.parse("2025-11-04T00:30:00Z"))).isEqualTo(Session.POST_MARKET);
        assertThat(CAL.tradingDate(Instant.parse("2025-11-04T00:30:00Z"))).isEqualTo(d("2025-11-03"));
    }

    @Test
    void sessionTimesRefuseNonTradingDays() {
        for (String day : List.of("2025-06-14", "2025-12-25", "2026-07-03")) {
            assertThatThrownBy(() -> CAL.regularOpen(d(day))).isInstanceOf(IllegalArgumentException.class);
            assertThatThrownBy(() -> CAL.regularClose(d(day))).isInstanceOf(IllegalArgumentException.class);
            assertThatThrownBy(() -> CAL.preMarketOpen(d(day))).isInstanceOf(IllegalArgumentException.class);
            assertThatThrownBy(() -> CAL.postMarketClose(d(day))).isInstanceOf(IllegalArgumentException.class);
        }
        ZonedDateTime open = CAL.regularOpen(d("2025-06-10"));
        assertThat(open.getZone()).isEqualTo(TradingCalendar.ZONE);
        assertThat(open.toLocalDateTime()).isEqualTo(LocalDateTime.parse("2025-06-10T09:30"));
    }

    // ---------------------------------------------------------------- stepping

    @Test
    void nextAndPreviousTradingDay() {
        assertThat(CAL.nextTradingDay(d("2025-06-10"))).isEqualTo(d("2025-06-11"));
        assertThat(CAL.nextTradingDay(d("2025-06-13"))).isEqualTo(d("2025-06-16"));
        assertThat(CAL.nextTradingDay(d("2025-06-14"))).isEqualTo(d("2025-06-16"));
        assertThat(CAL.nextTradingDay(d("2025-12-24"))).isEqualTo(d("2025-12-26"));
        assertThat(CAL.nextTradingDay(d("2026-07-02"))).isEqualTo(d("2026-07-06"));
        assertThat(CAL.previousTradingDay(d("2025-06-16"))).isEqualTo(d("2025-06-13"));
        assertThat(CAL.previousTradingDay(d("2025-01-21"))).isEqualTo(d("2025-01-17"));
        assertThat(CAL.previousTradingDay(d("2026-04-06"))).isEqualTo(d("2026-04-02"));
        assertThat(CAL.previousTradingDay(d("2022-01-03"))).isEqualTo(d("2021-12-31"));
    }

    @Test
    void tradingDateIsTheNewYorkDate() {
        assertThat(CAL.tradingDate(Instant.parse("2025-06-11T03:59:59Z"))).isEqualTo(d("2025-06-10"));
        assertThat(CAL.tradingDate(Instant.parse("2025-06-11T04:00:00Z"))).isEqualTo(d("2025-06-11"));
        assertThat(CAL.tradingDate(Instant.parse("2025-01-11T04:59:59Z"))).isEqualTo(d("2025-01-10"));
    }

    @Test
    void nextSessionChangeOverOneDay() {
        List<Instant> changes = changesFrom(ny("2025-06-10T00:00"), 5);
        assertThat(changes).containsExactly(ny("2025-06-10T04:00"), ny("2025-06-10T09:30"), ny("2025-06-10T16:00"),
                ny("2025-06-10T20:00"), ny("2025-06-11T04:00"));
        // Strictly after: from a boundary, the next one.
        assertThat(CAL.nextSessionChange(ny("2025-06-10T09:30"))).isEqualTo(ny("2025-06-10T16:00"));
        assertThat(CAL.nextSessionChange(ny("2025-06-10T15:59:59.999"))).isEqualTo(ny("2025-06-10T16:00"));
    }

    @Test
    void nextSessionChangeAcrossAWeekendAndAHoliday() {
        assertThat(changesFrom(ny("2025-06-13T17:00"), 2)).containsExactly(ny("2025-06-13T20:00"), ny("2025-06-16T04:00"));
        assertThat(CAL.nextSessionChange(ny("2025-06-14T12:00"))).isEqualTo(ny("2025-06-16T04:00"));
        // Early close on Thursday July 3 2025, holiday Friday, weekend.
        assertThat(changesFrom(ny("2025-07-03T00:00"), 5)).containsExactly(ny("2025-07-03T04:00"), ny("2025-07-03T09:30"),
                ny("2025-07-03T13:00"), ny("2025-07-03T17:00"), ny("2025-07-07T04:00"));
    }

    @Test
    void nextSessionChangeIsWhereTheSessionChanges() {
        Random random = new Random(42);
        Instant from = ny("2019-01-01T00:00");
        long span = Duration.between(from, ny("2028-01-01T00:00")).getSeconds();
        for (int n = 0; n < 2000; n++) {
            Instant t = from.plusSeconds((long) (random.nextDouble() * span)).plusNanos(random.nextInt(1_000_000_000));
            Instant change = CAL.nextSessionChange(t);
            assertThat(change).isAfter(t);
            assertThat(CAL.session(change.minusNanos(1))).as("just before %s", change).isEqualTo(CAL.session(t));
            assertThat(CAL.session(change)).as("at %s", change).isNotEqualTo(CAL.session(t));
        }
    }

    static List<Instant> changesFrom(Instant t, int count) {
        List<Instant> changes = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            t = CAL.nextSessionChange(t);
            changes.add(t);
        }
        return changes;
    }

    // ---------------------------------------------------------------- session clock

    @Test
    void sessionSecondsAtTheEpoch() {
        assertThat(TradingCalendar.SESSION_EPOCH).isEqualTo(Instant.parse("2000-01-03T09:00:00Z"));
        assertThat(CAL.sessionSeconds(TradingCalendar.SESSION_EPOCH)).isZero();
        assertThat(CAL.sessionSeconds(ny("2000-01-03T03:00"))).isZero();
        assertThat(CAL.sessionSeconds(ny("2000-01-03T04:00:01"))).isEqualTo(1);
        assertThat(CAL.sessionSeconds(ny("2000-01-03T04:00:01.999"))).as("whole seconds only").isEqualTo(1);
        assertThat(CAL.sessionSeconds(ny("1999-12-31T19:59:59"))).isEqualTo(-1);
        assertThat(CAL.sessionSeconds(ny("1999-12-31T20:00"))).isZero();
        assertThat(CAL.sessionSeconds(ny("1999-12-31T04:00"))).isEqualTo(-16 * 3600);
    }

    @Test
    void sessionSecondsPerDay() {
        assertThat(daySeconds("2025-06-10")).isEqualTo(16 * 3600);
        assertThat(daySeconds("2025-03-10")).as("first day of DST").isEqualTo(16 * 3600);
        assertThat(daySeconds("2025-11-03")).as("first day after DST").isEqualTo(16 * 3600);
        assertThat(daySeconds("2025-11-28")).isEqualTo(13 * 3600);
        assertThat(daySeconds("2025-12-24")).isEqualTo(13 * 3600);
        assertThat(daySeconds("2025-12-25")).isZero();
        // Linear within the open sessions.
        assertThat(CAL.sessionSeconds(ny("2025-06-10T09:30")) - CAL.sessionSeconds(ny("2025-06-10T04:00")))
                .isEqualTo(5 * 3600 + 30 * 60);
    }

    @Test
    void everySessionLastsItsWallClockLengthInTheZonesRealTime() {
        // The calendar sums wall-clock session lengths (no ZonedDateTime per day at start): right
        // only while New York never changes its clocks between 04:00 and 20:00 of a trading day.
        for (LocalDate day = LocalDate.of(TradingCalendar.FIRST_YEAR, 1, 1);
             day.getYear() <= TradingCalendar.LAST_YEAR; day = day.plusDays(1)) {
            if (!CAL.isTradingDay(day)) {
                continue;
            }
            long real = java.time.Duration.between(CAL.preMarketOpen(day), CAL.postMarketClose(day)).getSeconds();
            long counted = CAL.sessionSeconds(CAL.postMarketClose(day).toInstant())
                    - CAL.sessionSeconds(CAL.preMarketOpen(day).toInstant());
            assertThat(counted).as("session seconds of %s", day).isEqualTo(real);
        }
    }

    static long daySeconds(String day) {
        LocalDate date = d(day);
        return CAL.sessionSeconds(date.plusDays(1).atStartOfDay(TradingCalendar.ZONE).toInstant())
                - CAL.sessionSeconds(date.atStartOfDay(TradingCalendar.ZONE).toInstant());
    }

    @Test
    void sessionSecondsIsConstantOverAWeekendAndOvernight() {
        long friday = CAL.sessionSeconds(ny("2025-06-13T20:00"));
        assertThat(CAL.sessionSeconds(ny("2025-06-13T23:00"))).isEqualTo(friday);
        assertThat(CAL.sessionSeconds(ny("2025-06-14T12:00"))).isEqualTo(friday);
        assertThat(CAL.sessionSeconds(ny("2025-06-15T23:59:59"))).isEqualTo(friday);
        assertThat(CAL.sessionSeconds(ny("2025-06-16T04:00"))).isEqualTo(friday);
        assertThat(CAL.sessionSeconds(ny("2025-06-16T04:00:01"))).isEqualTo(friday + 1);
        // Across the spring-forward weekend too.
        assertThat(CAL.sessionSeconds(ny("2025-03-10T04:00"))).isEqualTo(CAL.sessionSeconds(ny("2025-03-07T20:00")));
    }

    @Test
    void sessionSecondsMatchesABruteForceCount() {
        Random random = new Random(7);
        List<Instant> samples = new ArrayList<>();
        sample(samples, random, ny("2019-01-01T00:00"), ny("2028-01-01T00:00"), 300);
        sample(samples, random, ny("1996-01-01T00:00"), ny("2000-01-04T00:00"), 40);
        sample(samples, random, ny("2099-06-01T00:00"), ny("2100-12-31T23:59:59"), 20);
        samples.sort(null);
        long previous = Long.MIN_VALUE;
        for (Instant t : samples) {
            long actual = CAL.sessionSeconds(t);
            assertThat(actual).as("sessionSeconds(%s)", t).isEqualTo(bruteSessionSeconds(t));
            assertThat(actual).as("monotonic at %s", t).isGreaterThanOrEqualTo(previous);
            previous = actual;
        }
    }

    static void sample(List<Instant> samples, Random random, Instant from, Instant to, int count) {
        long span = Duration.between(from, to).getSeconds();
        for (int i = 0; i < count; i++) {
            samples.add(from.plusSeconds((long) (random.nextDouble() * span)).plusNanos(random.nextInt(1_000_000_000)));
        }
    }

    /** Day by day from the epoch, with the session hours written out independently of the calendar. */
    static long bruteSessionSeconds(Instant t) {
        LocalDate date = CAL.tradingDate(t);
        long total = 0;
        if (!t.isBefore(TradingCalendar.SESSION_EPOCH)) {
            for (LocalDate day = LocalDate.of(2000, 1, 3); !day.isAfter(date); day = day.plusDays(1)) {
                total += openSecondsUpTo(day, t);
            }
        } else {
            for (LocalDate day = date; day.isBefore(LocalDate.of(2000, 1, 3)); day = day.plusDays(1)) {
                total -= fullDaySeconds(day) - openSecondsUpTo(day, t);
            }
        }
        return total;
    }

    static long fullDaySeconds(LocalDate day) {
        if (!CAL.isTradingDay(day)) {
            return 0;
        }
        return CAL.earlyClose(day).isPresent() ? 13 * 3600 : 16 * 3600;
    }

    static long openSecondsUpTo(LocalDate day, Instant t) {
        long full = fullDaySeconds(day);
        if (full == 0) {
            return 0;
        }
        Duration sinceOpen = Duration.between(day.atTime(4, 0).atZone(TradingCalendar.ZONE).toInstant(), t);
        return sinceOpen.isNegative() ? 0 : Math.min(full, sinceOpen.getSeconds());
    }

    @Test
    void sessionSecondsIsMonotonicSecondBySecondAroundBoundaries() {
        for (String start : List.of("2025-06-10T03:59:50", "2025-06-10T19:59:50", "2025-11-28T16:59:50", "2025-03-10T03:59:50")) {
            Instant t = ny(start);
            long previous = CAL.sessionSeconds(t);
            for (int i = 0; i < 20; i++) {
                t = t.plusSeconds(1);
                long now = CAL.sessionSeconds(t);
                long expected = CAL.session(t.minusSeconds(1)) == Session.CLOSED ? previous : previous + 1;
                assertThat(now).as("at %s", t).isEqualTo(expected);
                previous = now;
            }
        }
    }

    @Test
    void sessionSecondsRefusesDatesOutsideTheRange() {
        assertThat(CAL.sessionSeconds(ny("1990-01-02T12:00"))).isNegative();
        assertThat(CAL.sessionSeconds(ny("2100-12-31T23:59:59"))).isPositive();
        assertThatThrownBy(() -> CAL.sessionSeconds(ny("1989-12-31T23:59:59"))).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> CAL.sessionSeconds(ny("2101-01-01T00:00"))).isInstanceOf(IllegalArgumentException.class);
    }

    // ---------------------------------------------------------------- trading-day index

    @Test
    void tradingDayIndexCountsTradingDays() {
        assertThat(CAL.tradingDayIndex(d("2000-01-03"))).isZero();
        assertThat(CAL.tradingDayIndex(d("2000-01-04"))).isEqualTo(1);
        assertThat(CAL.tradingDayIndex(d("2000-01-01"))).as("Saturday → next trading day").isZero();
        assertThat(CAL.tradingDayIndex(d("1999-12-31"))).isEqualTo(-1);
        assertThat(CAL.tradingDayIndex(d("2025-06-14"))).isEqualTo(CAL.tradingDayIndex(d("2025-06-16")));
        assertThat(CAL.tradingDayIndex(d("2025-06-16")) - CAL.tradingDayIndex(d("2025-06-13"))).isEqualTo(1);
    }

    @Test
    void tradingDayIndexIsConsistentWithNextTradingDayOverTheWholeRange() {
        LocalDate day = CAL.nextTradingDay(LocalDate.of(1989, 12, 31));
        int index = CAL.tradingDayIndex(day);
        LocalDate last = LocalDate.of(2100, 12, 31);
        while (true) {
            LocalDate next = CAL.nextTradingDay(day);
            if (next.isAfter(last)) {
                break;
            }
            for (LocalDate between = day.plusDays(1); between.isBefore(next); between = between.plusDays(1)) {
                assertThat(CAL.tradingDayIndex(between)).as("non-trading %s", between).isEqualTo(index + 1);
            }
            assertThat(CAL.tradingDayIndex(next)).as("index of %s", next).isEqualTo(index + 1);
            day = next;
            index++;
        }
        assertThat(CAL.tradingDayIndex(d("2000-01-03"))).isZero();
    }

    @Test
    void tradingDayIndexRefusesDatesOutsideTheRange() {
        assertThatThrownBy(() -> CAL.tradingDayIndex(d("1989-12-31"))).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> CAL.tradingDayIndex(d("2101-01-01"))).isInstanceOf(IllegalArgumentException.class);
        CAL.tradingDayIndex(d("1990-01-01"));
        CAL.tradingDayIndex(d("2100-12-31"));
    }

    @Test
    void isASingleton() {
        assertThat(TradingCalendar.nyse()).isSameAs(CAL);
    }
}
