package dev.crater.history;

// Goal: prove that the simulated market is a pure function of (seed, security, market time): two servers with
// separate databases answer the same history requests byte for byte and compute the same quotes; another seed
// gives other prices; prices stand still while no session is open (weekends, exchange holidays, overnight), and
// extended-hours quotes are PRE_MARKET with wider spreads than regular-session quotes.
//
// Method: two TestServers on fresh SQLite stores, both clocks pinned to Wednesday 2026-11-18 15:00 New York;
// HTTP answers compared as text; quotes compared as records; other seeds through PathModel / Market objects
// built the way Services builds them.

import static org.assertj.core.api.Assertions.assertThat;

import dev.crater.companies.Company;
import dev.crater.config.MarketConfig;
import dev.crater.market.PathParameters;
import dev.crater.market.Market;
import dev.crater.market.PathModel;
import dev.crater.market.Quote;
import dev.crater.market.Session;
import dev.crater.market.TradingCalendar;
import dev.crater.reference.Security;
import dev.crater.testing.Http;
import dev.crater.testing.StoreKind;
import dev.crater.testing.TestServer;
import dev.crater.users.User;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class MarketDeterminismTest {

    static final ZoneId NY = ZoneId.of("America/New_York");
    static final Instant NOW = Instant.parse("2026-11-18T20:00:00Z");

    static TestServer a;
    static TestServer b;
    static String[] headersA;
    static String[] headersB;
    static List<Security> twenty;

    @BeforeAll
    static void start() {
        a = TestServer.start(StoreKind.SQLITE);
        b = TestServer.start(StoreKind.SQLITE);
        headersA = login(a);
        headersB = login(b);
        twenty = a.services().securities.snapshot().all().stream()
                .filter(s -> s.enabled())
                .sorted(Comparator.comparingInt(Security::id))
                .limit(20)
                .toList();
        assertThat(twenty).hasSize(20);
        assertThat(a.dataDir()).isNotEqualTo(b.dataDir());
    }

    static String[] login(TestServer server) {
        server.clock.set(NOW);
        Company company = server.company();
        String username = TestServer.username("determinism");
        server.user(company, username, null, User.TwoFactorMethod.NONE);
        String token = server.login(company, username);
        return new String[] {"Et-App-Key", company.appKey(), "Authorization", "Bearer " + token, "Content-Type",
                "application/json"};
    }

    @AfterAll
    static void stop() {
        if (a != null) {
            a.close();
        }
        if (b != null) {
            b.close();
        }
    }

    static long ms(String nyLocal) {
        return LocalDateTime.parse(nyLocal).atZone(NY).toInstant().toEpochMilli();
    }

    static Security on(TestServer server, Security s) {
        return server.services().securities.snapshot().byId(s.id()).orElseThrow();
    }

    static String put(TestServer server, String[] headers, String path, String body) {
        Http.Response r = Http.send("PUT", server.api() + "v1.0/" + path, body, headers);
        assertThat(r.status()).as("%s -> %s", body, r.body()).isEqualTo(200);
        return r.body();
    }

    // ---- two servers, one market -------------------------------------------------------------------

    @Test
    void twoServersAnswerHistoryByteForByte() {
        a.clock.set(NOW);
        b.clock.set(NOW);
        List<String> bodies = List.of(
                HistoryApiTest.SAMPLE,
                HistoryApiTest.settings("MSFT", "{\"CandlesCount\": 200, \"Period\": \"1D\", \"Interval\": 0}",
                        "[{\"Signature\": \"MACD|1D|false|12|26|9\"}, {\"Signature\": \"Bollinger|1D|false|22|2\"}]"),
                HistoryApiTest.settings("NVDA", "{\"CandlesCount\": -1, \"Period\": \"1m\", \"Interval\": -13, "
                        + "\"IncludeNonMarketData\": true}", "[{\"Signature\": \"RSI|1m|false|14\"}]"),
                HistoryApiTest.settings("TSLA", "{\"CandlesCount\": -1, \"Period\": \"1W\", \"Interval\": -10}", "[]"));
        for (String body : bodies) {
            String fromA = put(a, headersA, "history/symbols", body);
            String fromB = put(b, headersB, "history/symbols", body);
            assertThat(fromB).isEqualTo(fromA);
            // Asking again gives the same answer.
            assertThat(put(a, headersA, "history/symbols", body)).isEqualTo(fromA);
        }
        String compare = "{\"Securities\": [{\"Symbol\": \"AAPL\"}, {\"Symbol\": \"MSFT\", \"Exchange\": \"XNAS\", "
                + "\"Currency\": \"USD\", \"Id\": 6}], \"SecuritiesHistorySettings\": {\"Period\": \"1h\", "
                + "\"Interval\": \"1M\"}}";
        assertThat(put(b, headersB, "history/compare", compare)).isEqualTo(put(a, headersA, "history/compare", compare));
    }

    @Test
    void historyDoesNotDependOnWhatWasAskedBefore() {
        String body = HistoryApiTest.settings("AMZN", "{\"CandlesCount\": 50, \"Period\": \"30m\", \"Interval\": 0}",
                "[{\"Signature\": \"EMA|30m|false|10|0\"}]");
        a.clock.set(NOW);
        String first = put(a, headersA, "history/symbols", body);
        // Look elsewhere in time (filling the simulator's caches differently), then come back.
        a.clock.set(Instant.parse("2021-03-10T15:00:00Z"));
        put(a, headersA, "history/symbols", body);
        a.clock.set(NOW);
        assertThat(put(a, headersA, "history/symbols", body)).isEqualTo(first);
        // The past does not change as time goes on: a closed range answers the same later.
        String closed = HistoryApiTest.settings("AMZN", "{\"StartDate\": " + ms("2026-11-02T00:00:00") / 1000
                + ", \"EndDate\": " + ms("2026-11-13T23:00:00") / 1000 + ", \"Period\": \"1h\"}", "[]");
        String before = put(a, headersA, "history/symbols", closed);
        a.clock.set(NOW.plusSeconds(20 * 3600)); // within the token's 24 h
        assertThat(put(a, headersA, "history/symbols", closed)).isEqualTo(before);
        a.clock.set(NOW);
    }

    @Test
    void twoServersComputeTheSameQuotes() {
        long[] instants = {
            NOW.toEpochMilli(),
            NOW.toEpochMilli() + 1_234,
            ms("2026-11-18T07:00:00"), // pre-market
            ms("2026-11-17T17:30:00"), // post-market
            ms("2026-11-21T12:00:00"), // Saturday
            ms("2026-11-26T12:00:00"), // Thanksgiving
            ms("2026-01-02T10:00:00"), // the simulator's anchor day
            ms("2012-06-01T11:00:00"),
            ms("2030-02-04T14:00:00"),
        };
        Market ma = a.services().market;
        Market mb = b.services().market;
        for (Security s : twenty) {
            Security sb = on(b, s);
            assertThat(sb).isEqualTo(s);
            for (long t : instants) {
                Quote qa = ma.quoteAt(s, t);
                Quote qb = mb.quoteAt(sb, t);
                assertThat(qb).as("%s at %s", s.symbol(), Instant.ofEpochMilli(t)).isEqualTo(qa);
                assertThat(qa.bid()).isLessThan(qa.ask());
                assertThat(qa.last()).isBetween(qa.bid(), qa.ask());
            }
        }
    }

    // ---- seeds -------------------------------------------------------------------------------------

    @Test
    void theSeedDecidesThePaths() {
        PathModel same = new PathModel(MarketConfig.SEED_DEFAULT, TradingCalendar.nyse());
        PathModel other = new PathModel(MarketConfig.SEED_DEFAULT + 1, TradingCalendar.nyse());
        Market serverMarket = a.services().market;
        long[] instants = {NOW.toEpochMilli(), ms("2026-06-15T11:11:11"), ms("2019-03-04T15:00:00"),
            ms("2026-11-18T06:00:00")};
        for (Security s : twenty) {
            PathParameters in = PathParameters.of(s);
            int differing = 0;
            for (long t : instants) {
                assertThat(same.level(in, t)).as("%s", s.symbol()).isEqualTo(serverMarket.level(s, t));
                if (other.level(in, t) != same.level(in, t)) {
                    differing++;
                }
            }
            assertThat(differing).as("%s differs under another seed", s.symbol()).isEqualTo(instants.length);
        }
        // Whole markets built like Services builds them: same seed → same quotes, another seed → other prices.
        var services = a.services();
        Market sameMarket = new Market(services.securities, services.marketControl,
                new PathModel(MarketConfig.SEED_DEFAULT, TradingCalendar.nyse()), null, a.clock, 1000);
        Market otherMarket = new Market(services.securities, services.marketControl,
                new PathModel(987_654_321L, TradingCalendar.nyse()), null, a.clock, 1000);
        int differentLast = 0;
        for (Security s : twenty) {
            assertThat(sameMarket.quoteAt(s, NOW.toEpochMilli())).isEqualTo(serverMarket.quoteAt(s, NOW.toEpochMilli()));
            if (otherMarket.quoteAt(s, NOW.toEpochMilli()).last().compareTo(
                    serverMarket.quoteAt(s, NOW.toEpochMilli()).last()) != 0) {
                differentLast++;
            }
        }
        assertThat(differentLast).isGreaterThanOrEqualTo(19);
        // Candles too.
        Security aapl = services.securities.snapshot().bySymbol("AAPL").orElseThrow();
        long from = ms("2026-11-02T00:00:00");
        assertThat(sameMarket.candles(aapl, dev.crater.market.BarPeriod.H1, from, NOW.toEpochMilli(), false))
                .isEqualTo(serverMarket.candles(aapl, dev.crater.market.BarPeriod.H1, from, NOW.toEpochMilli(), false));
        assertThat(otherMarket.candles(aapl, dev.crater.market.BarPeriod.H1, from, NOW.toEpochMilli(), false))
                .isNotEqualTo(serverMarket.candles(aapl, dev.crater.market.BarPeriod.H1, from, NOW.toEpochMilli(), false));
    }

    @Test
    void pathsArePinnedToTheReferencePriceAtTheAnchor() {
        // PathModel: the level at the anchor day's pre-market open is the security's reference price, whatever
        // the seed.
        long anchor = a.services().market.calendar().preMarketOpen(PathModel.ANCHOR).toInstant().toEpochMilli();
        var services = a.services();
        Market otherSeed = new Market(services.securities, services.marketControl,
                new PathModel(42L, TradingCalendar.nyse()), null, a.clock, 1000);
        for (Security s : twenty) {
            assertThat(a.services().market.price(s, anchor)).as(s.symbol()).isEqualByComparingTo(s.referencePrice());
            assertThat(otherSeed.price(s, anchor)).as(s.symbol()).isEqualByComparingTo(s.referencePrice());
        }
    }

    // ---- sessions ----------------------------------------------------------------------------------

    /** Quotes at all {@code instants} have the same prices and the given session. */
    static void assertStill(Market m, Security s, Session session, long... instants) {
        Quote first = m.quoteAt(s, instants[0]);
        for (long t : instants) {
            Quote q = m.quoteAt(s, t);
            String what = s.symbol() + " at " + Instant.ofEpochMilli(t).atZone(NY).toLocalDateTime();
            assertThat(q.session()).as(what).isEqualTo(session);
            assertThat(q.last()).as(what).isEqualByComparingTo(first.last());
            assertThat(q.bid()).as(what).isEqualByComparingTo(first.bid());
            assertThat(q.ask()).as(what).isEqualByComparingTo(first.ask());
            assertThat(m.price(s, t)).as(what).isEqualByComparingTo(m.price(s, instants[0]));
            assertThat(q.volume()).as(what).isEqualTo(first.volume());
        }
    }

    @Test
    void pricesStandStillWhileTheMarketIsClosed() {
        Market m = a.services().market;
        TradingCalendar cal = m.calendar();
        assertThat(cal.isTradingDay(LocalDate.of(2026, 11, 21))).isFalse();
        assertThat(cal.holiday(LocalDate.of(2026, 11, 26))).isPresent();
        for (Security s : twenty) {
            // Friday's post-market close through the weekend to Monday's pre-market open.
            assertStill(m, s, Session.CLOSED, ms("2026-11-20T20:00:00"), ms("2026-11-20T23:59:59"),
                    ms("2026-11-21T00:00:00"), ms("2026-11-21T10:00:00"), ms("2026-11-21T15:30:00"),
                    ms("2026-11-22T12:00:00"), ms("2026-11-23T03:59:59"));
            // Thanksgiving: the whole day, from Wednesday's post-market close to Friday's pre-market open.
            assertStill(m, s, Session.CLOSED, ms("2026-11-25T20:00:00"), ms("2026-11-26T09:30:00"),
                    ms("2026-11-26T12:00:00"), ms("2026-11-26T16:00:00"), ms("2026-11-27T03:59:00"));
            // Overnight: 02:00 New York, and the hours around it.
            assertStill(m, s, Session.CLOSED, ms("2026-11-17T20:00:01"), ms("2026-11-17T23:00:00"),
                    ms("2026-11-18T02:00:00"), ms("2026-11-18T03:59:59"));
            // While a session is open, prices move.
            List<BigDecimal> open = new ArrayList<>();
            for (String t : List.of("2026-11-18T10:00:00", "2026-11-18T11:00:00", "2026-11-18T12:00:00",
                    "2026-11-18T13:00:00", "2026-11-18T14:00:00")) {
                open.add(m.price(s, ms(t)));
            }
            assertThat(open.stream().distinct().count()).as(s.symbol()).isGreaterThan(1);
        }
    }

    @Test
    void preMarketQuotesHaveWiderSpreads() {
        Market m = a.services().market;
        long pre = ms("2026-11-18T07:00:00");
        long regular = ms("2026-11-18T11:00:00");
        long post = ms("2026-11-17T18:00:00");
        BigDecimal preSum = BigDecimal.ZERO;
        BigDecimal regularSum = BigDecimal.ZERO;
        int wider = 0;
        for (Security s : twenty) {
            Quote qp = m.quoteAt(s, pre);
            Quote qr = m.quoteAt(s, regular);
            assertThat(qp.session()).isEqualTo(Session.PRE_MARKET);
            assertThat(qr.session()).isEqualTo(Session.REGULAR);
            assertThat(m.quoteAt(s, post).session()).isEqualTo(Session.POST_MARKET);
            assertThat(qp.open()).as("no regular open yet in the pre-market").isNull();
            assertThat(qr.open()).isNotNull();
            BigDecimal sp = relativeSpread(qp);
            BigDecimal sr = relativeSpread(qr);
            preSum = preSum.add(sp);
            regularSum = regularSum.add(sr);
            if (sp.compareTo(sr) > 0) {
                wider++;
            }
        }
        assertThat(preSum).isGreaterThan(regularSum.multiply(BigDecimal.valueOf(2)));
        assertThat(wider).isGreaterThanOrEqualTo(18);
        // Pre-market prices do move, though less than regular ones.
        Security aapl = a.services().securities.snapshot().bySymbol("AAPL").orElseThrow();
        List<BigDecimal> prices = new ArrayList<>();
        for (int minute = 0; minute < 120; minute += 10) {
            prices.add(m.price(aapl, pre + minute * 60_000L));
        }
        assertThat(prices.stream().distinct().count()).isGreaterThan(1);
    }

    static BigDecimal relativeSpread(Quote q) {
        BigDecimal mid = q.bid().add(q.ask()).divide(BigDecimal.valueOf(2), 10, RoundingMode.HALF_EVEN);
        return q.ask().subtract(q.bid()).divide(mid, 10, RoundingMode.HALF_EVEN);
    }
}
