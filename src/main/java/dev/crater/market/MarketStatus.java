package dev.crater.market;

import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import dev.crater.http.Dates;
import java.time.Instant;
import java.time.LocalDate;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * What the simulated market is doing, for the Crater routes {@code GET /v1.0/crater/market/status}
 * and {@code /calendar}: the market clock, the session now, the next session boundaries, and the
 * NYSE trading calendar of a date range. Everything is computed from the market's clock (the server's
 * clock plus the sandbox offset) and {@link TradingCalendar}; nothing reads the wall clock.
 *
 * <p>Instants are written as the API writes date-times ({@link Dates#iso}); calendar dates, which
 * are New York dates, as the docs write dates ({@code 2026-11-26T00:00:00Z}).
 */
public final class MarketStatus {

    /** Named limits: days in one calendar answer (both ends counted), and the days shown by default. */
    public static final int CALENDAR_DAYS_MAX = 366;
    public static final int CALENDAR_DAYS_DEFAULT = 30;
    /** The dates a calendar may cover: the years {@link TradingCalendar} precomputes. */
    public static final LocalDate CALENDAR_FIRST = LocalDate.of(TradingCalendar.FIRST_YEAR, 1, 1);
    public static final LocalDate CALENDAR_LAST = LocalDate.of(TradingCalendar.LAST_YEAR, 12, 31);

    /** A trading day and its sessions' bounds (each session runs from its open to just before the next bound). */
    @JsonPropertyOrder({"Date", "PreMarketOpen", "RegularOpen", "RegularClose", "PostMarketClose", "IsEarlyClose"})
    public record TradingDay(String date, String preMarketOpen, String regularOpen, String regularClose,
            String postMarketClose, boolean isEarlyClose) {
    }

    /** A weekday the exchange is closed for a holiday (the observed date), with the holiday's name. */
    @JsonPropertyOrder({"Date", "Name"})
    public record Holiday(String date, String name) {
    }

    /** A trading day whose regular session ends at 13:00 and post-market at 17:00 New York time. */
    @JsonPropertyOrder({"Date", "RegularClose", "PostMarketClose"})
    public record EarlyClose(String date, String regularClose, String postMarketClose) {
    }

    /** The calendar of [From, To]. */
    @JsonPropertyOrder({"From", "To", "TimeZone", "TradingDays", "Holidays", "EarlyCloses"})
    public record Calendar(String from, String to, String timeZone, List<TradingDay> tradingDays,
            List<Holiday> holidays, List<EarlyClose> earlyCloses) {
    }

    /** The market now. */
    @JsonPropertyOrder({"ServerTime", "MarketTime", "ClockOffsetMs", "TimeZone", "MarketDate", "Session",
            "IsPreMarketOpen", "IsRegularOpen", "IsPostMarketOpen", "IsTradingDay", "Holiday", "IsEarlyClose",
            "TradingDay", "NextSessionChange", "NextSession", "NextRegularOpen", "NextRegularClose"})
    public record Status(String serverTime, String marketTime, long clockOffsetMs, String timeZone, String marketDate,
            String session, boolean isPreMarketOpen, boolean isRegularOpen, boolean isPostMarketOpen,
            boolean isTradingDay, String holiday, boolean isEarlyClose, TradingDay tradingDay,
            String nextSessionChange, String nextSession, String nextRegularOpen, String nextRegularClose) {
    }

    private final MarketClock clock;
    private final TradingCalendar calendar;

    public MarketStatus(Market market) {
        this.clock = market.clock();
        this.calendar = market.calendar();
    }

    /** The session's name on the wire: {@code Closed}, {@code PreMarket}, {@code Regular}, {@code PostMarket}. */
    public static String name(Session s) {
        return switch (s) {
            case CLOSED -> "Closed";
            case PRE_MARKET -> "PreMarket";
            case REGULAR -> "Regular";
            case POST_MARKET -> "PostMarket";
        };
    }

    /** A New York calendar date as the docs write dates: {@code 2026-11-26T00:00:00Z}. */
    public static String date(LocalDate d) {
        return d + "T00:00:00Z";
    }

    /** The New York date of market time now. */
    public LocalDate marketDate() {
        return calendar.tradingDate(Instant.ofEpochMilli(clock.millis()));
    }

    /** The market at this moment of market time. */
    public Status now() {
        long serverMs = clock.base().millis();
        long offsetMs = clock.offsetMs();
        Instant t = Instant.ofEpochMilli(serverMs + offsetMs);
        LocalDate d = calendar.tradingDate(t);
        Session session = calendar.session(t);
        boolean tradingDay = calendar.isTradingDay(d);
        Instant change = calendar.nextSessionChange(t);
        return new Status(Dates.iso(serverMs), Dates.iso(t.toEpochMilli()), offsetMs, TradingCalendar.ZONE.getId(),
                date(d), name(session), session == Session.PRE_MARKET, session == Session.REGULAR,
                session == Session.POST_MARKET, tradingDay, calendar.holiday(d).orElse(null),
                calendar.earlyClose(d).isPresent(), tradingDay ? tradingDay(d) : null, iso(change),
                name(calendar.session(change)), iso(nextRegularOpen(t)), iso(nextRegularClose(t)));
    }

    /** The first regular open strictly after {@code t}. */
    Instant nextRegularOpen(Instant t) {
        return calendar.nextRegularOpen(t);
    }

    /** The first regular close strictly after {@code t} (today's while the day's regular close is ahead). */
    Instant nextRegularClose(Instant t) {
        LocalDate d = calendar.tradingDate(t);
        if (calendar.isTradingDay(d)) {
            Instant close = calendar.regularClose(d).toInstant();
            if (close.isAfter(t)) {
                return close;
            }
        }
        return calendar.regularClose(calendar.nextTradingDay(d)).toInstant();
    }

    /**
     * The calendar of the New York dates [from, to]: trading days with their session bounds,
     * holidays by name, early closes.
     *
     * @throws IllegalArgumentException when {@code to} is before {@code from}, the range has more than
     *         {@link #CALENDAR_DAYS_MAX} days, or a date is outside {@link #CALENDAR_FIRST}..{@link #CALENDAR_LAST}
     */
    public Calendar calendar(LocalDate from, LocalDate to) {
        for (LocalDate d : new LocalDate[] {from, to}) {
            if (d.isBefore(CALENDAR_FIRST) || d.isAfter(CALENDAR_LAST)) {
                throw new IllegalArgumentException("dates are " + CALENDAR_FIRST + " to " + CALENDAR_LAST);
            }
        }
        if (to.isBefore(from)) {
            throw new IllegalArgumentException("to must not be before from");
        }
        long days = ChronoUnit.DAYS.between(from, to) + 1;
        if (days > CALENDAR_DAYS_MAX) {
            throw new IllegalArgumentException("a calendar covers at most " + CALENDAR_DAYS_MAX
                    + " days (from and to included); this range has " + days);
        }
        List<TradingDay> trading = new ArrayList<>();
        List<Holiday> holidays = new ArrayList<>();
        List<EarlyClose> early = new ArrayList<>();
        for (LocalDate d = from; !d.isAfter(to); d = d.plusDays(1)) {
            Optional<String> holiday = calendar.holiday(d);
            if (holiday.isPresent()) {
                holidays.add(new Holiday(date(d), holiday.get()));
            }
            if (!calendar.isTradingDay(d)) {
                continue;
            }
            TradingDay day = tradingDay(d);
            trading.add(day);
            if (day.isEarlyClose()) {
                early.add(new EarlyClose(day.date(), day.regularClose(), day.postMarketClose()));
            }
        }
        return new Calendar(date(from), date(to), TradingCalendar.ZONE.getId(), List.copyOf(trading),
                List.copyOf(holidays), List.copyOf(early));
    }

    private TradingDay tradingDay(LocalDate d) {
        return new TradingDay(date(d), iso(calendar.preMarketOpen(d).toInstant()),
                iso(calendar.regularOpen(d).toInstant()), iso(calendar.regularClose(d).toInstant()),
                iso(calendar.postMarketClose(d).toInstant()), calendar.earlyClose(d).isPresent());
    }

    private static String iso(Instant t) {
        return Dates.iso(t.toEpochMilli());
    }
}
