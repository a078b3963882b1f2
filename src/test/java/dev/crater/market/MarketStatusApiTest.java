package dev.crater.market;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.crater.companies.Company;
import dev.crater.testing.Http;
import dev.crater.testing.StoreKind;
import dev.crater.testing.TestServer;
import dev.crater.users.User;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Goal: {@code GET /v1.0/crater/market/status} and {@code /calendar} (Crater additions) answer the
 * NYSE sessions and calendar of market time exactly, for any logged-in trader, and refuse ranges past
 * the named limit.
 *
 * <p>Method: one real server on SQLite; its clock is pinned with {@code server.clock.set(…)} to
 * chosen New York times (a regular session, pre- and post-market, a night before a holiday, the
 * holiday, an early-close afternoon, a weekend, a summer day) and every expected instant is written
 * out by hand from the NYSE rules. Tokens live 24 h of the server's clock, so each check logs in at
 * its pinned time.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class MarketStatusApiTest {

    private static TestServer server;
    private static Company company;
    private static String username;

    @BeforeAll
    static void start() {
        server = TestServer.start(StoreKind.SQLITE);
        server.clock.set(ny(2026, 11, 18, 11, 0));
        company = server.company();
        username = TestServer.username("status");
        server.user(company, username, null, User.TwoFactorMethod.NONE);
    }

    @AfterAll
    static void stop() {
        if (server != null) {
            server.close();
        }
    }

    /** A New York wall-clock time as an instant. */
    static Instant ny(int y, int m, int d, int h, int min) {
        return LocalDateTime.of(y, m, d, h, min).atZone(TradingCalendar.ZONE).toInstant();
    }

    private static String[] headers() {
        return new String[] {"Et-App-Key", company.appKey(), "Authorization", "Bearer " + server.login(company, username)};
    }

    private static String url(String path) {
        return server.api() + "v1.0/crater/market/" + path;
    }

    /** The status with the server's clock pinned at {@code t}. */
    private static JsonNode statusAt(Instant t) {
        server.clock.set(t);
        Http.Response r = Http.get(url("status"), headers());
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        return r.json();
    }

    private static JsonNode calendar(String query) {
        Http.Response r = Http.get(url("calendar?" + query), headers());
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        return r.json();
    }

    private static String text(JsonNode n, String field) {
        assertThat(n.has(field)).as("field %s in %s", field, n).isTrue();
        return n.get(field).isNull() ? null : n.get(field).asText();
    }

    private static void sessions(JsonNode s, String session, boolean pre, boolean regular, boolean post) {
        assertThat(text(s, "Session")).isEqualTo(session);
        assertThat(s.get("IsPreMarketOpen").asBoolean()).as("IsPreMarketOpen").isEqualTo(pre);
        assertThat(s.get("IsRegularOpen").asBoolean()).as("IsRegularOpen").isEqualTo(regular);
        assertThat(s.get("IsPostMarketOpen").asBoolean()).as("IsPostMarketOpen").isEqualTo(post);
    }

    @Test
    void duringTheRegularSession() {
        JsonNode s = statusAt(ny(2026, 11, 18, 11, 0)); // a Wednesday, EST (UTC-5)
        assertThat(fieldNames(s)).containsExactly("ServerTime", "MarketTime", "ClockOffsetMs", "TimeZone", "MarketDate",
                "Session", "IsPreMarketOpen", "IsRegularOpen", "IsPostMarketOpen", "IsTradingDay", "Holiday",
                "IsEarlyClose", "TradingDay", "NextSessionChange", "NextSession", "NextRegularOpen", "NextRegularClose");
        assertThat(text(s, "ServerTime")).isEqualTo("2026-11-18T16:00:00.0000000Z");
        assertThat(text(s, "MarketTime")).isEqualTo("2026-11-18T16:00:00.0000000Z");
        assertThat(s.get("ClockOffsetMs").asLong()).isZero();
        assertThat(text(s, "TimeZone")).isEqualTo("America/New_York");
        assertThat(text(s, "MarketDate")).isEqualTo("2026-11-18T00:00:00Z");
        sessions(s, "Regular", false, true, false);
        assertThat(s.get("IsTradingDay").asBoolean()).isTrue();
        assertThat(text(s, "Holiday")).isNull();
        assertThat(s.get("IsEarlyClose").asBoolean()).isFalse();
        JsonNode day = s.get("TradingDay");
        assertThat(text(day, "Date")).isEqualTo("2026-11-18T00:00:00Z");
        assertThat(text(day, "PreMarketOpen")).isEqualTo("2026-11-18T09:00:00.0000000Z");
        assertThat(text(day, "RegularOpen")).isEqualTo("2026-11-18T14:30:00.0000000Z");
        assertThat(text(day, "RegularClose")).isEqualTo("2026-11-18T21:00:00.0000000Z");
        assertThat(text(day, "PostMarketClose")).isEqualTo("2026-11-19T01:00:00.0000000Z");
        assertThat(text(s, "NextSessionChange")).isEqualTo("2026-11-18T21:00:00.0000000Z");
        assertThat(text(s, "NextSession")).isEqualTo("PostMarket");
        assertThat(text(s, "NextRegularOpen")).as("the next open after this one").isEqualTo("2026-11-19T14:30:00.0000000Z");
        assertThat(text(s, "NextRegularClose")).isEqualTo("2026-11-18T21:00:00.0000000Z");
    }

    @Test
    void preAndPostMarket() {
        JsonNode pre = statusAt(ny(2026, 11, 18, 5, 0));
        sessions(pre, "PreMarket", true, false, false);
        assertThat(text(pre, "NextSessionChange")).isEqualTo("2026-11-18T14:30:00.0000000Z");
        assertThat(text(pre, "NextSession")).isEqualTo("Regular");
        assertThat(text(pre, "NextRegularOpen")).isEqualTo("2026-11-18T14:30:00.0000000Z");
        assertThat(text(pre, "NextRegularClose")).isEqualTo("2026-11-18T21:00:00.0000000Z");

        JsonNode post = statusAt(ny(2026, 11, 18, 17, 0));
        sessions(post, "PostMarket", false, false, true);
        assertThat(text(post, "NextSessionChange")).isEqualTo("2026-11-19T01:00:00.0000000Z");
        assertThat(text(post, "NextSession")).isEqualTo("Closed");
        assertThat(text(post, "NextRegularClose")).isEqualTo("2026-11-19T21:00:00.0000000Z");

        // The session bounds are half-open: 09:30:00 is the regular session, 09:29:59.999 is not.
        assertThat(text(statusAt(ny(2026, 11, 18, 9, 30)), "Session")).isEqualTo("Regular");
        assertThat(text(statusAt(ny(2026, 11, 18, 9, 30).minusMillis(1)), "Session")).isEqualTo("PreMarket");
    }

    @Test
    void closedTheNightBeforeAHolidayAndOnIt() {
        // Wednesday 2026-11-25 after 20:00: Thanksgiving (Thursday) is closed, Friday closes early.
        JsonNode night = statusAt(ny(2026, 11, 25, 21, 0));
        sessions(night, "Closed", false, false, false);
        assertThat(night.get("IsTradingDay").asBoolean()).as("the 25th is a trading day").isTrue();
        assertThat(text(night, "NextSessionChange")).isEqualTo("2026-11-27T09:00:00.0000000Z");
        assertThat(text(night, "NextSession")).isEqualTo("PreMarket");
        assertThat(text(night, "NextRegularOpen")).isEqualTo("2026-11-27T14:30:00.0000000Z");
        assertThat(text(night, "NextRegularClose")).as("13:00 New York, an early close")
                .isEqualTo("2026-11-27T18:00:00.0000000Z");

        JsonNode holiday = statusAt(ny(2026, 11, 26, 12, 0));
        sessions(holiday, "Closed", false, false, false);
        assertThat(holiday.get("IsTradingDay").asBoolean()).isFalse();
        assertThat(text(holiday, "Holiday")).isEqualTo("Thanksgiving Day");
        assertThat(holiday.get("TradingDay").isNull()).isTrue();
        assertThat(text(holiday, "NextSessionChange")).isEqualTo("2026-11-27T09:00:00.0000000Z");
    }

    @Test
    void earlyCloseAfternoonAndWeekend() {
        JsonNode friday = statusAt(ny(2026, 11, 27, 14, 0)); // regular ended at 13:00; post-market until 17:00
        sessions(friday, "PostMarket", false, false, true);
        assertThat(friday.get("IsEarlyClose").asBoolean()).isTrue();
        assertThat(text(friday.get("TradingDay"), "RegularClose")).isEqualTo("2026-11-27T18:00:00.0000000Z");
        assertThat(text(friday.get("TradingDay"), "PostMarketClose")).isEqualTo("2026-11-27T22:00:00.0000000Z");
        assertThat(text(friday, "NextSessionChange")).isEqualTo("2026-11-27T22:00:00.0000000Z");
        assertThat(text(friday, "NextSession")).isEqualTo("Closed");
        assertThat(text(friday, "NextRegularOpen")).as("Monday").isEqualTo("2026-11-30T14:30:00.0000000Z");

        JsonNode saturday = statusAt(ny(2026, 11, 28, 12, 0));
        sessions(saturday, "Closed", false, false, false);
        assertThat(saturday.get("IsTradingDay").asBoolean()).isFalse();
        assertThat(text(saturday, "Holiday")).isNull();
        assertThat(text(saturday, "NextSessionChange")).isEqualTo("2026-11-30T09:00:00.0000000Z");
        assertThat(text(saturday, "NextRegularClose")).isEqualTo("2026-11-30T21:00:00.0000000Z");
    }

    @Test
    void summerTimeMovesTheSessionsAnHourEarlierInUtc() {
        JsonNode s = statusAt(ny(2026, 7, 1, 10, 0)); // EDT (UTC-4)
        assertThat(text(s, "MarketTime")).isEqualTo("2026-07-01T14:00:00.0000000Z");
        sessions(s, "Regular", false, true, false);
        assertThat(text(s, "NextRegularClose")).isEqualTo("2026-07-01T20:00:00.0000000Z");
        // Independence Day 2026 is a Saturday: the exchange closes on Friday the 3rd.
        JsonNode observed = statusAt(ny(2026, 7, 3, 10, 0));
        assertThat(text(observed, "Holiday")).isEqualTo("Independence Day");
        assertThat(text(observed, "NextRegularOpen")).isEqualTo("2026-07-06T13:30:00.0000000Z");
    }

    @Test
    void novemberCalendarListsTradingDaysHolidaysAndEarlyCloses() {
        server.clock.set(ny(2026, 11, 18, 11, 0));
        JsonNode c = calendar("from=2026-11-01&to=2026-11-30");
        assertThat(fieldNames(c)).containsExactly("From", "To", "TimeZone", "TradingDays", "Holidays", "EarlyCloses");
        assertThat(text(c, "From")).isEqualTo("2026-11-01T00:00:00Z");
        assertThat(text(c, "To")).isEqualTo("2026-11-30T00:00:00Z");
        // 21 weekdays, less Thanksgiving.
        assertThat(c.get("TradingDays")).hasSize(20);
        JsonNode first = c.get("TradingDays").get(0);
        assertThat(fieldNames(first)).containsExactly("Date", "PreMarketOpen", "RegularOpen", "RegularClose",
                "PostMarketClose", "IsEarlyClose");
        assertThat(text(first, "Date")).isEqualTo("2026-11-02T00:00:00Z");
        assertThat(text(first, "PreMarketOpen")).isEqualTo("2026-11-02T09:00:00.0000000Z");
        assertThat(text(first, "RegularOpen")).isEqualTo("2026-11-02T14:30:00.0000000Z");
        assertThat(text(first, "RegularClose")).isEqualTo("2026-11-02T21:00:00.0000000Z");
        assertThat(text(first, "PostMarketClose")).isEqualTo("2026-11-03T01:00:00.0000000Z");
        List<String> dates = new ArrayList<>();
        c.get("TradingDays").forEach(d -> dates.add(d.get("Date").asText().substring(0, 10)));
        assertThat(dates).doesNotContain("2026-11-26", "2026-11-01", "2026-11-07", "2026-11-08")
                .contains("2026-11-25", "2026-11-27", "2026-11-30");
        assertThat(c.get("Holidays")).hasSize(1);
        assertThat(text(c.get("Holidays").get(0), "Date")).isEqualTo("2026-11-26T00:00:00Z");
        assertThat(text(c.get("Holidays").get(0), "Name")).isEqualTo("Thanksgiving Day");
        assertThat(c.get("EarlyCloses")).hasSize(1);
        JsonNode early = c.get("EarlyCloses").get(0);
        assertThat(text(early, "Date")).isEqualTo("2026-11-27T00:00:00Z");
        assertThat(text(early, "RegularClose")).isEqualTo("2026-11-27T18:00:00.0000000Z");
        assertThat(text(early, "PostMarketClose")).isEqualTo("2026-11-27T22:00:00.0000000Z");
        JsonNode friday = c.get("TradingDays").get(dates.indexOf("2026-11-27"));
        assertThat(friday.get("IsEarlyClose").asBoolean()).isTrue();

        // The docs' date form, and a trailing slash, give the same answer.
        Http.Response slash = Http.get(url("calendar/?from=2026-11-01T00:00:00Z&to=2026-11-30"), headers());
        assertThat(slash.status()).as(slash.body()).isEqualTo(200);
        assertThat(slash.json()).isEqualTo(c);
    }

    @Test
    void aWholeYearAtTheLimitAndOneDayPastIt() {
        server.clock.set(ny(2026, 11, 18, 11, 0));
        LocalDate from = LocalDate.of(2026, 1, 1);
        LocalDate atLimit = from.plusDays(MarketStatus.CALENDAR_DAYS_MAX - 1);
        assertThat(ChronoUnit.DAYS.between(from, atLimit) + 1).isEqualTo(366);
        JsonNode year = calendar("from=" + from + "&to=" + atLimit);
        assertThat(text(year, "To")).isEqualTo("2027-01-01T00:00:00Z");
        // NYSE 2026: 261 weekdays less 10 holidays; 2027-01-01 (New Year's Day, a Friday) is closed too.
        assertThat(year.get("TradingDays")).hasSize(251);
        List<String> names = new ArrayList<>();
        year.get("Holidays").forEach(h -> names.add(h.get("Date").asText().substring(0, 10) + " " + h.get("Name").asText()));
        assertThat(names).containsExactly("2026-01-01 New Year's Day", "2026-01-19 Martin Luther King Jr. Day",
                "2026-02-16 Washington's Birthday", "2026-04-03 Good Friday", "2026-05-25 Memorial Day",
                "2026-06-19 Juneteenth National Independence Day", "2026-07-03 Independence Day",
                "2026-09-07 Labor Day", "2026-11-26 Thanksgiving Day", "2026-12-25 Christmas Day",
                "2027-01-01 New Year's Day");
        List<String> early = new ArrayList<>();
        year.get("EarlyCloses").forEach(e -> early.add(e.get("Date").asText().substring(0, 10)));
        assertThat(early).containsExactly("2026-11-27", "2026-12-24");

        Http.Response past = Http.get(url("calendar?from=" + from + "&to=" + atLimit.plusDays(1)), headers());
        assertThat(past.status()).as(past.body()).isEqualTo(400);
        assertThat(text(past.json(), "Message")).isEqualTo("Validation error occured while processing entity");
        assertThat(past.json().get("ModelState").get("to").get(0).asText())
                .isEqualTo("a calendar covers at most 366 days (from and to included); this range has 367");
    }

    @Test
    void badRangesAreRefusedWith400AndTheDefaultIsThirtyDaysFromToday() {
        server.clock.set(ny(2026, 11, 18, 11, 0));
        String[] h = headers();
        record Bad(String query, String key) {
        }
        for (Bad b : List.of(new Bad("from=2026-11-30&to=2026-11-01", "to"), new Bad("from=yesterday", "from"),
                new Bad("from=2026-11-01T15:00:00Z", "from"), new Bad("to=2026-02-30", "to"),
                new Bad("from=1989-12-31&to=1990-01-05", "from"), new Bad("from=2100-12-30&to=2101-01-01", "to"),
                new Bad("from=%2B999999999-12-31", "from"))) {
            Http.Response r = Http.get(url("calendar?" + b.query()), h);
            assertThat(r.status()).as("%s: %s", b.query(), r.body()).isEqualTo(400);
            assertThat(r.json().get("ModelState").has(b.key())).as("%s: %s", b.query(), r.body()).isTrue();
        }
        JsonNode dflt = calendar("");
        assertThat(text(dflt, "From")).isEqualTo("2026-11-18T00:00:00Z");
        assertThat(text(dflt, "To")).isEqualTo("2026-12-17T00:00:00Z");
        JsonNode last = calendar("from=2100-12-20");
        assertThat(text(last, "To")).as("clamped to the calendar's last date").isEqualTo("2100-12-31T00:00:00Z");
    }

    @Test
    void theRoutesNeedAnAppKeyAndAToken() {
        server.clock.set(ny(2026, 11, 18, 11, 0));
        for (String path : List.of("status", "status/", "calendar", "calendar/")) {
            assertThat(Http.get(url(path)).status()).as(path).isEqualTo(403);
            Http.Response noToken = Http.get(url(path), "Et-App-Key", company.appKey());
            assertThat(noToken.status()).as(path).isEqualTo(401);
            assertThat(noToken.body()).isEqualTo("{\"Message\":\"Authorization has been denied for this request.\"}");
            assertThat(Http.get(url(path), headers()).status()).as(path).isEqualTo(200);
        }
        assertThat(Http.get(server.api() + "v1/crater/market/status", headers()).status()).as("v1").isEqualTo(200);
    }

    static List<String> fieldNames(JsonNode n) {
        List<String> names = new ArrayList<>();
        n.fieldNames().forEachRemaining(names::add);
        return names;
    }
}
