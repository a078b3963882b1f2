package dev.crater.history;

// Goal: prove over real HTTP that the historical-data endpoints of 09-historical-data.md answer the documented
// sample bodies with the documented shapes, that every Period and Interval code is understood (and the ones that
// cannot be served are a 409 with a message, never a 500), that the candles agree with the quotes of the same
// simulated market, and that the comparison chart and the Excel export carry the same numbers as the candles.
//
// Method: one server on a fresh SQLite store with market time pinned to Wednesday 2026-11-18 15:00 New York
// (regular session); requests are sent as JSON text; numbers are read back as exact decimals.

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.crater.companies.Company;
import dev.crater.market.Candle;
import dev.crater.market.Market;
import dev.crater.reference.Security;
import dev.crater.testing.Http;
import dev.crater.testing.StoreKind;
import dev.crater.testing.TestServer;
import dev.crater.users.User;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.dhatim.fastexcel.reader.Cell;
import org.dhatim.fastexcel.reader.CellType;
import org.dhatim.fastexcel.reader.ReadableWorkbook;
import org.dhatim.fastexcel.reader.ReadingOptions;
import org.dhatim.fastexcel.reader.Row;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class HistoryApiTest {

    static final ZoneId NY = ZoneId.of("America/New_York");
    /** Wednesday 15:00 New York, regular session. */
    static final Instant NOW = Instant.parse("2026-11-18T20:00:00Z");
    static final long NOW_S = NOW.getEpochSecond();
    static final List<String> PERIODS = List.of("1m", "2m", "3m", "5m", "10m", "15m", "30m", "1h", "2h", "4h", "1D",
            "1W", "1M", "3M", "6M", "1Y");
    static final Set<String> CANDLE_FIELDS = Set.of("ValuationLevels", "IsMarket", "Volume", "OpenInterest", "Time",
            "DateTime", "Open", "High", "Low", "Close");
    static final ObjectMapper DECIMALS = new ObjectMapper().enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
            .enable(DeserializationFeature.USE_BIG_INTEGER_FOR_INTS);

    /**
     * The newest documented sample body (§2) with AAPL for VMSFT and its dates moved into 2026: security range
     * 2026-10-01T04:00:00Z .. 2026-10-08T14:27:32Z, MACD range 2026-06-22T04:00:00Z .. 2026-09-21T16:00:44Z.
     */
    static final String SAMPLE = """
            {"Security": {"Symbol": "AAPL"},
             "SecurityHistorySettings": {"StartDate": 1790827200, "EndDate": 1791469652, "CandlesCount": -1, "Period": "5m", "Interval": -5, "IncludeNonMarketData": false},
             "IndicatorsHistorySettings": [{"Signature": "MACD|4h|false|12|26|9", "StartDate": 1782100800, "EndDate": 1790006444, "Period": "4h", "Offset": 5}]}
            """;
    /** The newest documented sample body exactly as written. */
    static final String SAMPLE_AS_DOCUMENTED = """
            {"Security": {"Symbol": "VMSFT"},
             "SecurityHistorySettings": {"StartDate": 1569902400, "EndDate": 1570544852, "CandlesCount": -1, "Period": "5m", "Interval": -5, "IncludeNonMarketData": false},
             "IndicatorsHistorySettings": [{"Signature": "MACD|4h|false|12|26|9", "StartDate": 1542776400, "EndDate": 1550764844, "Period": "4h", "Offset": 5}]}
            """;

    static TestServer server;
    static String[] headers;
    static String base;
    static Market market;
    static Security aapl;
    static Security msft;

    @BeforeAll
    static void start() {
        server = TestServer.start(StoreKind.SQLITE);
        server.clock.set(NOW);
        Company company = server.company();
        String username = TestServer.username("history");
        server.user(company, username, null, User.TwoFactorMethod.NONE);
        String token = server.login(company, username);
        headers = new String[] {"Et-App-Key", company.appKey(), "Authorization", "Bearer " + token, "Content-Type",
                "application/json", "Accept", "application/json"};
        base = server.api() + "v1.0/";
        market = server.services().market;
        aapl = server.services().securities.snapshot().bySymbol("AAPL").orElseThrow();
        msft = server.services().securities.snapshot().bySymbol("MSFT").orElseThrow();
        assertThat(aapl.id()).isEqualTo(4);
        assertThat(msft.id()).isEqualTo(6);
        assertThat(market.nowMs()).isEqualTo(NOW.toEpochMilli());
    }

    @AfterAll
    static void stop() {
        if (server != null) {
            server.close();
        }
    }

    // ---- helpers -------------------------------------------------------------------------------

    static Http.Response put(String path, String body) {
        return Http.send("PUT", base + path, body, headers);
    }

    static JsonNode decimals(Http.Response r) {
        try {
            return DECIMALS.readTree(r.body());
        } catch (IOException e) {
            throw new AssertionError("not JSON: " + r.body(), e);
        }
    }

    /** A 200 answer of /history/symbols, parsed with exact decimals. */
    static JsonNode symbols(String body) {
        Http.Response r = put("history/symbols", body);
        assertThat(r.status()).as("%s -> %s", body, r.body()).isEqualTo(200);
        return decimals(r);
    }

    static String settings(String symbol, String settingsJson, String indicatorsJson) {
        return "{\"Security\": {\"Symbol\": \"" + symbol + "\"}, \"SecurityHistorySettings\": " + settingsJson
                + ", \"IndicatorsHistorySettings\": " + indicatorsJson + "}";
    }

    static JsonNode candlesOf(JsonNode chart) {
        assertThat(chart.get("SecurityHistory").isArray()).isTrue();
        assertThat(chart.get("SecurityHistory")).hasSize(1);
        return chart.get("SecurityHistory").get(0);
    }

    static JsonNode candles(String symbol, String settingsJson) {
        return candlesOf(symbols(settings(symbol, settingsJson, "[]")));
    }

    static BigDecimal dec(JsonNode n, String field) {
        JsonNode v = n.get(field);
        assertThat(v).as("%s in %s", field, n).isNotNull();
        assertThat(v.isNumber()).as("%s in %s is a number", field, n).isTrue();
        return v.decimalValue();
    }

    static long time(JsonNode candle) {
        return candle.get("Time").asLong();
    }

    static LocalDate nyDate(long epochSecond) {
        return Instant.ofEpochSecond(epochSecond).atZone(NY).toLocalDate();
    }

    static long epoch(String nyLocal) {
        return LocalDateTime.parse(nyLocal).atZone(NY).toEpochSecond();
    }

    static void assertMessage(Http.Response r, int status) {
        assertThat(r.status()).as(r.body()).isEqualTo(status);
        JsonNode j = r.json();
        assertThat(j.hasNonNull("Message")).as(r.body()).isTrue();
        assertThat(j.get("Message").asText()).isNotBlank();
    }

    static void assertModelState(Http.Response r) {
        assertThat(r.status()).as(r.body()).isEqualTo(422);
        JsonNode j = r.json();
        assertThat(j.has("ModelState")).as(r.body()).isTrue();
        assertThat(j.get("ModelState").isObject()).isTrue();
        assertThat(j.get("ModelState").size()).isPositive();
    }

    /** Checks one candle's documented shape and its price order. */
    static void assertCandleShape(JsonNode c) {
        Set<String> names = new HashSet<>();
        c.fieldNames().forEachRemaining(names::add);
        assertThat(names).as("fields of %s", c).isEqualTo(CANDLE_FIELDS);
        assertThat(c.get("ValuationLevels").isArray()).isTrue();
        assertThat(c.get("ValuationLevels")).isEmpty();
        assertThat(c.get("IsMarket").isBoolean()).isTrue();
        assertThat(c.get("Volume").isNumber()).isTrue();
        assertThat(c.get("Volume").asLong()).isNotNegative();
        assertThat(c.get("OpenInterest").isIntegralNumber()).isTrue();
        assertThat(c.get("OpenInterest").asInt()).isZero();
        assertThat(c.get("Time").isIntegralNumber()).isTrue();
        assertThat(c.get("DateTime").asText()).isEqualTo(Instant.ofEpochSecond(time(c)).toString());
        assertThat(c.get("DateTime").asText()).endsWith("Z");
        BigDecimal open = dec(c, "Open");
        BigDecimal high = dec(c, "High");
        BigDecimal low = dec(c, "Low");
        BigDecimal close = dec(c, "Close");
        assertThat(low.signum()).isPositive();
        assertThat(low).as("low <= open in %s", c).isLessThanOrEqualTo(open);
        assertThat(low).as("low <= close in %s", c).isLessThanOrEqualTo(close);
        assertThat(high).as("high >= open in %s", c).isGreaterThanOrEqualTo(open);
        assertThat(high).as("high >= close in %s", c).isGreaterThanOrEqualTo(close);
    }

    /** Ascending times; within one New York day, intraday candles are spaced by exactly the period. */
    static void assertSeries(JsonNode candles, long periodSeconds) {
        for (int i = 0; i < candles.size(); i++) {
            assertCandleShape(candles.get(i));
            if (i > 0) {
                long a = time(candles.get(i - 1));
                long b = time(candles.get(i));
                assertThat(b).as("times ascending at %d", i).isGreaterThan(a);
                if (periodSeconds > 0 && nyDate(a).equals(nyDate(b))) {
                    assertThat(b - a).as("spacing at %d", i).isEqualTo(periodSeconds);
                }
            }
        }
    }

    // ---- /history/symbols: the documented sample --------------------------------------------------

    @Test
    void documentedSampleWithAaplAnswersTheDocumentedShape() {
        Http.Response r = put("history/symbols", SAMPLE);
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        assertThat(r.header("Content-Type")).startsWith("application/json");
        JsonNode chart = decimals(r);
        Set<String> top = new HashSet<>();
        chart.fieldNames().forEachRemaining(top::add);
        assertThat(top).containsExactlyInAnyOrder("SecurityHistory", "IndicatorsHistory", "SupportResistanceHistory");

        // Interval -5 (Week1) counts one week back from EndDate (Thu 2026-10-08 10:27:32 New York); StartDate
        // is superseded by the interval code.
        JsonNode candles = candlesOf(chart);
        assertSeries(candles, 300);
        long from = Instant.ofEpochSecond(1791469652L).minus(Duration.ofDays(7)).getEpochSecond();
        for (JsonNode c : candles) {
            assertThat(time(c)).isBetween(from, 1791469652L);
            assertThat(c.get("IsMarket").asBoolean()).isTrue();
            LocalDateTime local = LocalDateTime.ofInstant(Instant.ofEpochSecond(time(c)), NY);
            assertThat(local.toLocalTime()).isBetween(java.time.LocalTime.of(9, 30), java.time.LocalTime.of(15, 55));
        }
        assertThat(time(candles.get(0))).isEqualTo(epoch("2026-10-01T10:30:00"));
        assertThat(time(candles.get(candles.size() - 1))).isEqualTo(epoch("2026-10-08T10:25:00"));
        // Thu from 10:30 (66 bars), Fri, Mon, Tue, Wed (78 each), Thu 09:30..10:25 (12).
        assertThat(candles).hasSize(66 + 4 * 78 + 12);

        // One series for the one indicator: MACD gives three values per point, newest first, inside its own range.
        JsonNode indicators = chart.get("IndicatorsHistory");
        assertThat(indicators.isArray()).isTrue();
        assertThat(indicators).hasSize(1);
        JsonNode macd = indicators.get(0);
        assertThat(macd.size()).isGreaterThan(50);
        long previous = Long.MAX_VALUE;
        for (JsonNode p : macd) {
            Set<String> names = new HashSet<>();
            p.fieldNames().forEachRemaining(names::add);
            assertThat(names).containsExactlyInAnyOrder("Date", "Values");
            long date = p.get("Date").asLong();
            assertThat(date).as("newest first").isLessThan(previous);
            previous = date;
            assertThat(date).isBetween(1782100800L, 1790006444L);
            assertThat(p.get("Values")).hasSize(3);
            for (JsonNode v : p.get("Values")) {
                assertThat(v.isNumber()).isTrue();
            }
        }
        // The points sit on 4h candles of that range.
        JsonNode fourHours = candles("AAPL",
                "{\"StartDate\": 1782100800, \"EndDate\": 1790006444, \"CandlesCount\": -1, \"Period\": \"4h\"}");
        Set<Long> times = new HashSet<>();
        fourHours.forEach(c -> times.add(time(c)));
        macd.forEach(p -> assertThat(times).contains(p.get("Date").asLong()));
        // Offset 5 shifts values five candles later: the newest point is dated with the newest candle.
        assertThat(macd.get(0).get("Date").asLong()).isEqualTo(time(fourHours.get(fourHours.size() - 1)));

        JsonNode sr = chart.get("SupportResistanceHistory");
        assertThat(sr.isObject()).isTrue();
        assertThat(sr.get("Levels").isArray()).isTrue();
        assertThat(sr.get("Levels").size()).isPositive();
        for (JsonNode level : sr.get("Levels")) {
            assertThat(dec(level, "BottomPrice")).isLessThanOrEqualTo(dec(level, "TopPrice"));
            assertThat(level.get("GreenCandles").isArray()).isTrue();
            assertThat(level.get("RedCandles").isArray()).isTrue();
        }
        assertThat(dec(sr, "SupportPrice")).isLessThanOrEqualTo(dec(sr, "ResistancePrice"));
    }

    @Test
    void trailingSlashAnswersTheSame() {
        Http.Response plain = put("history/symbols", SAMPLE);
        Http.Response slash = put("history/symbols/", SAMPLE);
        assertThat(plain.status()).isEqualTo(200);
        assertThat(slash.status()).as(slash.body()).isEqualTo(200);
        assertThat(slash.body()).isEqualTo(plain.body());
    }

    @Test
    void documentedSampleAsWrittenIsAnUnknownSecurity() {
        Http.Response r = put("history/symbols", SAMPLE_AS_DOCUMENTED);
        assertMessage(r, 409);
        assertThat(r.json().get("Message").asText()).contains("VMSFT");
        assertMessage(put("history/symbols/", SAMPLE_AS_DOCUMENTED), 409);
        // Known symbol on the wrong exchange is unknown too.
        assertMessage(put("history/symbols", "{\"Security\": {\"Symbol\": \"AAPL\", \"Exchange\": \"XNYS\"},"
                + " \"SecurityHistorySettings\": {\"CandlesCount\": 5, \"Period\": \"1D\", \"Interval\": 0},"
                + " \"IndicatorsHistorySettings\": []}"), 409);
    }

    @Test
    void extendedHoursCandlesAreNotMarketCandles() {
        // Tuesday 2026-11-17, the whole day: 04:00-09:30 pre-market, 09:30-16:00 regular, 16:00-20:00 post-market.
        String day = "{\"StartDate\": " + epoch("2026-11-17T00:00:00") + ", \"EndDate\": " + epoch("2026-11-17T23:59:00")
                + ", \"CandlesCount\": -1, \"Period\": \"5m\", \"Interval\": -3, \"IncludeNonMarketData\": %s}";
        JsonNode extended = candles("AAPL", day.formatted("true"));
        assertSeries(extended, 300);
        assertThat(extended).hasSize(16 * 12);
        long open = epoch("2026-11-17T09:30:00");
        long close = epoch("2026-11-17T16:00:00");
        int pre = 0;
        int regular = 0;
        int post = 0;
        for (JsonNode c : extended) {
            long t = time(c);
            boolean inRegular = t >= open && t < close;
            assertThat(c.get("IsMarket").asBoolean()).as("IsMarket of %s", c).isEqualTo(inRegular);
            if (t < open) {
                pre++;
            } else if (inRegular) {
                regular++;
            } else {
                post++;
            }
        }
        assertThat(pre).isEqualTo(66);
        assertThat(regular).isEqualTo(78);
        assertThat(post).isEqualTo(48);
        assertThat(time(extended.get(0))).isEqualTo(epoch("2026-11-17T04:00:00"));

        JsonNode regularOnly = candles("AAPL", day.formatted("false"));
        assertThat(regularOnly).hasSize(78);
        regularOnly.forEach(c -> assertThat(c.get("IsMarket").asBoolean()).isTrue());
        // The regular candles are the same with or without the extended ones.
        Map<Long, JsonNode> byTime = new HashMap<>();
        extended.forEach(c -> byTime.put(time(c), c));
        regularOnly.forEach(c -> assertThat(byTime.get(time(c))).isEqualTo(c));
    }

    // ---- periods, counts, interval codes ---------------------------------------------------------

    @Test
    void everyPeriodAnswersTheLastTenCandles() {
        Map<String, JsonNode> byPeriod = new LinkedHashMap<>();
        for (String period : PERIODS) {
            JsonNode candles = candles("AAPL",
                    "{\"CandlesCount\": 10, \"Period\": \"" + period + "\", \"Interval\": 0, \"IncludeNonMarketData\": false}");
            assertThat(candles).as(period).hasSize(10);
            byPeriod.put(period, candles);
            long seconds = switch (period) {
                case "1m", "2m", "3m", "5m", "10m", "15m", "30m" -> 60L * Integer.parseInt(period.replace("m", ""));
                case "1h", "2h", "4h" -> 3600L * Integer.parseInt(period.replace("h", ""));
                default -> 0;
            };
            assertSeries(candles, seconds);
            long last = time(candles.get(9));
            assertThat(last).as("%s: no candle in the future", period).isLessThanOrEqualTo(NOW_S);
            if (seconds > 0) {
                // The newest candle is the last one begun before now (a bar starting exactly now is empty).
                assertThat(NOW_S - last).as(period).isPositive().isLessThanOrEqualTo(seconds);
            }
        }
        // Daily and longer: one candle per trading day, week, month, quarter, half year and year.
        assertDistinctGroups(byPeriod.get("1D"), d -> d.toString());
        assertDistinctGroups(byPeriod.get("1W"), d -> d.get(java.time.temporal.IsoFields.WEEK_BASED_YEAR) + "-"
                + d.get(java.time.temporal.IsoFields.WEEK_OF_WEEK_BASED_YEAR));
        assertDistinctGroups(byPeriod.get("1M"), d -> d.getYear() + "-" + d.getMonthValue());
        assertDistinctGroups(byPeriod.get("3M"), d -> d.getYear() + "-Q" + (d.getMonthValue() - 1) / 3);
        assertDistinctGroups(byPeriod.get("6M"), d -> d.getYear() + "-H" + (d.getMonthValue() - 1) / 6);
        assertDistinctGroups(byPeriod.get("1Y"), d -> String.valueOf(d.getYear()));
        assertThat(nyDate(time(byPeriod.get("1D").get(9)))).isEqualTo(LocalDate.of(2026, 11, 18));
        assertThat(nyDate(time(byPeriod.get("1M").get(9))).getMonthValue()).isEqualTo(11);
        assertThat(nyDate(time(byPeriod.get("1M").get(0)))).isEqualTo(LocalDate.of(2026, 2, 2));
        assertThat(nyDate(time(byPeriod.get("1Y").get(0))).getYear()).isEqualTo(2017);
        // 1m (minute) and 1M (month) differ.
        assertThat(time(byPeriod.get("1m").get(9)) - time(byPeriod.get("1m").get(8))).isEqualTo(60);
        assertThat(byPeriod.get("1m")).isNotEqualTo(byPeriod.get("1M"));
        // Period codes are case-sensitive where they must be; unambiguous variants are accepted.
        assertThat(candles("AAPL", "{\"CandlesCount\": 3, \"Period\": \"1d\", \"Interval\": 0}"))
                .isEqualTo(candles("AAPL", "{\"CandlesCount\": 3, \"Period\": \"1D\", \"Interval\": 0}"));
    }

    private static void assertDistinctGroups(JsonNode candles, java.util.function.Function<LocalDate, String> group) {
        Set<String> groups = new HashSet<>();
        for (JsonNode c : candles) {
            LocalDate d = nyDate(time(c));
            assertThat(groups.add(group.apply(d))).as("one candle per group, %s", d).isTrue();
            assertThat(c.get("IsMarket").asBoolean()).isTrue();
            assertThat(LocalDateTime.ofInstant(Instant.ofEpochSecond(time(c)), NY).toLocalTime())
                    .isEqualTo(java.time.LocalTime.of(9, 30));
        }
    }

    @Test
    void countWithoutIntervalAndCountAboveLimit() {
        JsonNode noInterval = candles("AAPL", "{\"CandlesCount\": 10, \"Period\": \"5m\"}");
        assertThat(noInterval).isEqualTo(candles("AAPL", "{\"CandlesCount\": 10, \"Period\": \"5m\", \"Interval\": 0}"));
        assertMessage(put("history/symbols", settings("AAPL",
                "{\"CandlesCount\": 20001, \"Period\": \"1m\", \"Interval\": 0}", "[]")), 409);
        // Neither a count nor a start: nothing to answer.
        assertMessage(put("history/symbols", settings("AAPL",
                "{\"CandlesCount\": -1, \"Period\": \"1m\", \"Interval\": 0}", "[]")), 409);
    }

    @Test
    void everyIntervalCodeAnswers() {
        long start = epoch("2026-11-02T00:00:00");
        Map<Integer, JsonNode> byCode = new LinkedHashMap<>();
        for (int code = 0; code >= -13; code--) {
            JsonNode candles = candles("AAPL", "{\"StartDate\": " + start + ", \"EndDate\": " + NOW_S
                    + ", \"CandlesCount\": -1, \"Period\": \"1D\", \"Interval\": " + code
                    + ", \"IncludeNonMarketData\": false}");
            assertThat(candles.size()).as("Interval %d", code).isPositive();
            assertSeries(candles, 0);
            assertThat(nyDate(time(candles.get(candles.size() - 1)))).as("Interval %d", code)
                    .isEqualTo(LocalDate.of(2026, 11, 18));
            byCode.put(code, candles);
        }
        // 0 (Candles) and -11 (CustomCandles) without a count fall back to StartDate, as -3 (Custom) does.
        assertThat(byCode.get(0)).isEqualTo(byCode.get(-3));
        assertThat(byCode.get(-11)).isEqualTo(byCode.get(-3));
        assertThat(byCode.get(-3)).hasSize(13); // 2026-11-02 .. 2026-11-18
        assertThat(byCode.get(-4)).hasSize(1); // Day1
        assertThat(byCode.get(-13)).hasSize(1); // Today
        assertThat(byCode.get(-12)).hasSize(3); // Day3: Mon 16, Tue 17, Wed 18
        assertThat(nyDate(time(byCode.get(-12).get(0)))).isEqualTo(LocalDate.of(2026, 11, 16));
        assertThat(byCode.get(-5)).hasSize(6); // Week1: Wed 11 .. Wed 18
        assertThat(nyDate(time(byCode.get(-6).get(0)))).isEqualTo(LocalDate.of(2026, 10, 19)); // Month1
        assertThat(nyDate(time(byCode.get(-7).get(0)))).isEqualTo(LocalDate.of(2026, 8, 18)); // Month3
        assertThat(nyDate(time(byCode.get(-8).get(0)))).isEqualTo(LocalDate.of(2026, 5, 18)); // Month6
        assertThat(nyDate(time(byCode.get(-9).get(0)))).isEqualTo(LocalDate.of(2025, 11, 18)); // Year1
        assertThat(nyDate(time(byCode.get(-10).get(0)))).isEqualTo(LocalDate.of(2023, 11, 20)); // Year3 (18th: Sat)
        assertThat(nyDate(time(byCode.get(-2).get(0)))).isEqualTo(LocalDate.of(2026, 1, 2)); // YTD
        assertThat(nyDate(time(byCode.get(-1).get(0)))).isEqualTo(LocalDate.of(2000, 1, 3)); // All
        assertThat(byCode.get(-1).size()).isGreaterThan(6000);

        // Intraday today: -13 with 1m is the regular session so far (bars 09:30 .. 14:59; now is 15:00).
        JsonNode today = candles("AAPL", "{\"CandlesCount\": -1, \"Period\": \"1m\", \"Interval\": -13}");
        assertThat(today).hasSize(330);
        assertSeries(today, 60);

        // Too many one-minute candles: 409 with a message, not 500.
        for (int code : new int[] {-1, -9, -10}) {
            Http.Response r = put("history/symbols", settings("AAPL",
                    "{\"CandlesCount\": -1, \"Period\": \"1m\", \"Interval\": " + code + "}", "[]"));
            assertMessage(r, 409);
        }
    }

    @Test
    void intervalAsText() {
        assertThat(candles("AAPL", "{\"CandlesCount\": -1, \"Period\": \"1D\", \"Interval\": \"1M\"}"))
                .isEqualTo(candles("AAPL", "{\"CandlesCount\": -1, \"Period\": \"1D\", \"Interval\": -6}"));
        assertThat(candles("AAPL", "{\"CandlesCount\": -1, \"Period\": \"1D\", \"Interval\": \"-5\"}"))
                .isEqualTo(candles("AAPL", "{\"CandlesCount\": -1, \"Period\": \"1D\", \"Interval\": -5}"));
    }

    @Test
    void unusableSettingsAreConflicts() {
        for (String bad : List.of(
                "{\"CandlesCount\": 10, \"Period\": \"7m\", \"Interval\": 0}",
                "{\"CandlesCount\": 10, \"Period\": \"\", \"Interval\": 0}",
                "{\"CandlesCount\": 10, \"Interval\": 0}",
                "{\"CandlesCount\": 10, \"Period\": \"1D\", \"Interval\": -14}",
                "{\"CandlesCount\": 10, \"Period\": \"1D\", \"Interval\": \"XYZ\"}",
                "{\"CandlesCount\": 10, \"Period\": \"1D\", \"Interval\": \"-99\"}",
                "{\"StartDate\": " + NOW_S + ", \"EndDate\": " + (NOW_S - 86_400) + ", \"Period\": \"1D\", \"Interval\": -3}",
                "{\"CandlesCount\": -1, \"Period\": \"1D\", \"Interval\": -3}")) {
            Http.Response r = put("history/symbols", settings("AAPL", bad, "[]"));
            assertThat(r.status()).as("%s -> %s", bad, r.body()).isEqualTo(409);
            assertMessage(r, 409);
        }
    }

    @Test
    void malformedBodiesAreModelStateErrors() {
        assertModelState(put("history/symbols", "{\"Security\": {\"Symbol\": \"AAPL\"}, \"SecurityHistorySettings\": {"));
        assertModelState(put("history/symbols", "this is not json"));
        assertModelState(put("history/symbols", ""));
        assertModelState(put("history/symbols", "{\"SecurityHistorySettings\": {\"CandlesCount\": 10, \"Period\": \"1D\"}}"));
        assertModelState(put("history/symbols", "{\"Security\": {\"Symbol\": \"AAPL\"}}"));
        assertModelState(put("history/symbols", "{\"Security\": {\"Symbol\": \"AAPL\"}, "
                + "\"SecurityHistorySettings\": {\"CandlesCount\": \"ten\", \"Period\": \"1D\"}}"));
    }

    @Test
    void lenientBodyIsAccepted() {
        String strict = settings("AAPL", "{\"CandlesCount\": 10, \"Period\": \"5m\", \"Interval\": 0, "
                + "\"IncludeNonMarketData\": false}", "[{\"Signature\": \"SMA|5m|false|10|0\"}]");
        String lenient = """
                {security: {symbol: 'AAPL',},
                 securityhistorysettings: {candlescount: 10, period: '5m', interval: 0, includenonmarketdata: false,},
                 indicatorshistorysettings: [{signature: 'SMA|5m|false|10|0',},],}
                """;
        Http.Response a = put("history/symbols", strict);
        Http.Response b = put("history/symbols", lenient);
        assertThat(a.status()).as(a.body()).isEqualTo(200);
        assertThat(b.status()).as(b.body()).isEqualTo(200);
        assertThat(b.body()).isEqualTo(a.body());
        assertThat(candlesOf(decimals(b))).hasSize(10);
    }

    @Test
    void requestsNeedTheAppKeyAndAToken() {
        Http.Response noToken = Http.send("PUT", base + "history/symbols", SAMPLE, headers[0], headers[1],
                "Content-Type", "application/json");
        assertThat(noToken.status()).isEqualTo(401);
        Http.Response noKey = Http.send("PUT", base + "history/symbols", SAMPLE, headers[2], headers[3],
                "Content-Type", "application/json");
        assertThat(noKey.status()).isEqualTo(403);
    }

    // ---- indicators ------------------------------------------------------------------------------

    @Test
    void indicatorSignaturesGiveTheirValueCounts() {
        Map<String, Integer> expected = new LinkedHashMap<>();
        expected.put("SMA|1h|false|10|0", 1);
        expected.put("EMA|1h|false|10|0", 1);
        expected.put("RSI|1h|false|10", 1);
        expected.put("Bollinger|1h|false|22|2", 3);
        expected.put("Bollinger|1h|false|22|2|0", 3);
        expected.put("MACD|1h|false|12|26|9", 3);
        expected.put("macd|1h|FALSE|12|26|9", 3);
        StringBuilder list = new StringBuilder("[");
        for (String sig : expected.keySet()) {
            list.append(list.length() > 1 ? ", " : "").append("{\"Signature\": \"").append(sig).append("\"}");
        }
        list.append("]");
        JsonNode chart = symbols(settings("AAPL",
                "{\"CandlesCount\": 60, \"Period\": \"1h\", \"Interval\": 0, \"IncludeNonMarketData\": false}",
                list.toString()));
        JsonNode series = chart.get("IndicatorsHistory");
        assertThat(series).hasSize(expected.size());
        int i = 0;
        for (Map.Entry<String, Integer> e : expected.entrySet()) {
            JsonNode points = series.get(i++);
            assertThat(points.size()).as(e.getKey()).isPositive();
            long previous = Long.MAX_VALUE;
            for (JsonNode p : points) {
                assertThat(p.get("Values")).as(e.getKey()).hasSize(e.getValue());
                assertThat(p.get("Date").asLong()).as("newest first").isLessThan(previous);
                previous = p.get("Date").asLong();
            }
        }
        // The lower-case spelling is the same indicator.
        assertThat(series.get(6)).isEqualTo(series.get(5));
        // SMA 10 at the newest candle is the mean of the last ten closes.
        JsonNode candles = candlesOf(chart);
        BigDecimal sum = BigDecimal.ZERO;
        for (int k = candles.size() - 10; k < candles.size(); k++) {
            sum = sum.add(dec(candles.get(k), "Close"));
        }
        JsonNode newest = series.get(0).get(0);
        assertThat(newest.get("Date").asLong()).isEqualTo(time(candles.get(candles.size() - 1)));
        assertThat(newest.get("Values").get(0).decimalValue())
                .isEqualByComparingTo(sum.divide(BigDecimal.TEN, Indicators.SCALE, RoundingMode.HALF_EVEN));
        // RSI lies in [0, 100]; Bollinger upper >= middle >= lower.
        series.get(2).forEach(p -> assertThat(p.get("Values").get(0).decimalValue())
                .isBetween(BigDecimal.ZERO, BigDecimal.valueOf(100)));
        series.get(3).forEach(p -> {
            BigDecimal middle = p.get("Values").get(0).decimalValue();
            BigDecimal upper = p.get("Values").get(1).decimalValue();
            BigDecimal lower = p.get("Values").get(2).decimalValue();
            assertThat(upper).isGreaterThanOrEqualTo(middle);
            assertThat(middle).isGreaterThanOrEqualTo(lower);
        });
    }

    @Test
    void indicatorOnACountRangeCoversOnlyTheReturnedCandles() {
        JsonNode chart = symbols(settings("AAPL", "{\"CandlesCount\": 10, \"Period\": \"1h\", \"Interval\": 0}",
                "[{\"Signature\": \"SMA|1h|false|10|0\"}]"));
        JsonNode candles = candlesOf(chart);
        assertThat(candles).hasSize(10);
        Set<Long> times = new HashSet<>();
        candles.forEach(c -> times.add(time(c)));
        JsonNode points = chart.get("IndicatorsHistory").get(0);
        assertThat(points.size()).isBetween(1, 10);
        points.forEach(p -> assertThat(times).contains(p.get("Date").asLong()));
    }

    @Test
    void unusableSignaturesAreConflicts() {
        for (String sig : List.of("garbage", "", "MACD", "MACD|4h", "Foo|1h|false|10", "MACD|7x|false|12|26|9",
                "MACD|1h|maybe|12|26|9", "SMA|1h|false|abc", "SMA|1h|false|0", "SMA|1h|false|100000",
                "EOM|1h|false|14", "KVO|1h|false|34|55|13", "SMI|1h|false|3")) {
            Http.Response r = put("history/symbols", settings("AAPL",
                    "{\"CandlesCount\": 30, \"Period\": \"1h\", \"Interval\": 0}",
                    "[{\"Signature\": \"" + sig + "\"}]"));
            assertThat(r.status()).as("%s -> %s", sig, r.body()).isEqualTo(409);
            assertMessage(r, 409);
        }
        Http.Response missing = put("history/symbols", settings("AAPL",
                "{\"CandlesCount\": 30, \"Period\": \"1h\", \"Interval\": 0}", "[{\"Period\": \"1h\"}]"));
        assertThat(missing.status()).as("a missing Signature is a validation error").isEqualTo(422);
        assertThat(missing.json().get("ModelState").fieldNames().next()).contains("Signature");
    }

    @Test
    void nullIndicatorEntryIsAClientError() {
        Http.Response r = put("history/symbols", settings("AAPL", "{\"CandlesCount\": 3, \"Period\": \"1D\"}",
                "[null]"));
        assertThat(r.status()).as(r.body()).isIn(409, 422);
    }

    @Test
    void nullExportIndicatorEntryIsAClientError() {
        Download d = export("{\"Securities\": [4], \"Indicators\": [null], "
                + "\"TimeFrame\": {\"candlesCount\": 5, \"period\": \"1D\"}}");
        assertThat(d.status()).as(new String(d.body())).isEqualTo(422);
    }

    @Test
    void todayBeforeThePreMarketOpenIsNotAConflict() {
        server.clock.set(Instant.parse("2026-11-18T07:00:00Z")); // Wednesday 02:00 New York
        try {
            for (int code : new int[] {-13, -4}) {
                Http.Response r = put("history/symbols", settings("AAPL",
                        "{\"CandlesCount\": -1, \"Period\": \"5m\", \"Interval\": " + code + "}", "[]"));
                assertThat(r.status()).as("Interval %d -> %s", code, r.body()).isEqualTo(200);
            }
            Http.Response day1 = put("history/symbols", settings("AAPL",
                    "{\"CandlesCount\": -1, \"Period\": \"5m\", \"Interval\": -4}", "[]"));
            assertThat(candlesOf(decimals(day1)).size()).as("Day1 shows the last session").isPositive();
            for (String text : List.of("TDY", "1D")) {
                Http.Response r = put("history/compare", "{\"Securities\": [" + AAPL_SIG + "], "
                        + "\"SecuritiesHistorySettings\": {\"Period\": \"5m\", \"Interval\": \"" + text + "\"}}");
                assertThat(r.status()).as("%s -> %s", text, r.body()).isEqualTo(200);
            }
        } finally {
            server.clock.set(NOW);
        }
    }

    @Test
    void outOfRangeDatesAreRefused() {
        Http.Response start = put("history/symbols", settings("AAPL",
                "{\"StartDate\": 9223372036854775807, \"CandlesCount\": -1, \"Period\": \"1Y\", \"Interval\": -3}", "[]"));
        assertThat(start.status()).as(start.body()).isIn(409, 422);
        Http.Response end = put("history/symbols", settings("AAPL",
                "{\"EndDate\": 9223372036854775807, \"CandlesCount\": 3, \"Period\": \"1D\", \"Interval\": 0}", "[]"));
        assertThat(end.status()).as(end.body()).isIn(200, 409, 422);
        if (end.status() == 200) {
            // An end beyond now means now: the last three days, not nothing.
            assertThat(candlesOf(decimals(end))).hasSize(3);
        }
    }

    // ---- consistency with quotes -----------------------------------------------------------------

    @Test
    void minuteCandlesAgreeWithQuotesAndPrices() {
        JsonNode today = candles("AAPL", "{\"CandlesCount\": -1, \"Period\": \"1m\", \"Interval\": -13}");
        JsonNode last = today.get(today.size() - 1);
        assertThat(time(last)).as("the last bar begun before now").isEqualTo(NOW_S - 60);
        BigDecimal quoteLast = market.quoteAt(aapl, NOW.toEpochMilli()).last();
        assertThat(dec(last, "Close")).isEqualByComparingTo(quoteLast);
        assertThat(dec(last, "Close")).isEqualByComparingTo(market.price(aapl, NOW.toEpochMilli()));
        // Inside every closed minute, the price at any instant lies within the minute's low and high.
        for (int i = 0; i < today.size() - 1; i += 7) {
            JsonNode c = today.get(i);
            assertThat(dec(c, "Open")).isEqualByComparingTo(market.price(aapl, time(c) * 1000));
            assertThat(dec(c, "Close")).isEqualByComparingTo(market.price(aapl, time(c) * 1000 + 60_000));
            for (long offsetMs : new long[] {1, 13_579, 30_000, 47_321, 59_999}) {
                BigDecimal p = market.price(aapl, time(c) * 1000 + offsetMs);
                assertThat(p).as("price in candle %s at +%d ms", c, offsetMs)
                        .isBetween(dec(c, "Low"), dec(c, "High"));
            }
        }
        // The quote's day range covers the session's candles.
        var quote = market.quoteAt(aapl, NOW.toEpochMilli());
        BigDecimal maxHigh = BigDecimal.ZERO;
        BigDecimal minLow = null;
        for (JsonNode c : today) {
            maxHigh = maxHigh.max(dec(c, "High"));
            minLow = minLow == null ? dec(c, "Low") : minLow.min(dec(c, "Low"));
        }
        assertThat(quote.open()).isEqualByComparingTo(dec(today.get(0), "Open"));
        assertThat(quote.high()).isGreaterThanOrEqualTo(maxHigh.multiply(new BigDecimal("0.999")));
        assertThat(quote.low()).isLessThanOrEqualTo(minLow.multiply(new BigDecimal("1.001")));
    }

    @Test
    void dailyCandleAgreesWithItsMinuteCandles() {
        String range = "\"StartDate\": " + epoch("2026-11-17T00:00:00") + ", \"EndDate\": " + epoch("2026-11-17T23:59:00")
                + ", \"CandlesCount\": -1, \"Interval\": -3";
        JsonNode daily = candles("AAPL", "{" + range + ", \"Period\": \"1D\"}");
        JsonNode minutes = candles("AAPL", "{" + range + ", \"Period\": \"1m\"}");
        assertThat(daily).hasSize(1);
        assertThat(minutes).hasSize(390);
        JsonNode day = daily.get(0);
        assertThat(time(day)).isEqualTo(epoch("2026-11-17T09:30:00"));
        assertThat(time(day)).isEqualTo(time(minutes.get(0)));
        assertThat(dec(day, "Open")).isEqualByComparingTo(dec(minutes.get(0), "Open"));
        assertThat(dec(day, "Close")).isEqualByComparingTo(dec(minutes.get(389), "Close"));
        long volume = 0;
        BigDecimal maxHigh = BigDecimal.ZERO;
        BigDecimal minLow = null;
        for (JsonNode m : minutes) {
            volume += m.get("Volume").asLong();
            maxHigh = maxHigh.max(dec(m, "High"));
            minLow = minLow == null ? dec(m, "Low") : minLow.min(dec(m, "Low"));
        }
        assertThat(day.get("Volume").asLong()).isEqualTo(volume);
        // The daily bar samples its path more coarsely than 390 one-minute bars do, so its high can only be
        // lower (and its low higher) than the minutes', by a small amount: tolerance 0.2 % of the price.
        BigDecimal tolerance = maxHigh.multiply(new BigDecimal("0.002"));
        assertThat(dec(day, "High")).isLessThanOrEqualTo(maxHigh);
        assertThat(dec(day, "High")).isGreaterThanOrEqualTo(maxHigh.subtract(tolerance));
        assertThat(dec(day, "Low")).isGreaterThanOrEqualTo(minLow);
        assertThat(dec(day, "Low")).isLessThanOrEqualTo(minLow.add(tolerance));
        // Today's daily candle is still forming: it closes at the current quote.
        JsonNode todayDaily = candles("AAPL", "{\"CandlesCount\": 1, \"Period\": \"1D\", \"Interval\": 0}");
        assertThat(dec(todayDaily.get(0), "Close")).isEqualByComparingTo(market.quoteAt(aapl, NOW.toEpochMilli()).last());
    }

    @Test
    void candlesMatchTheSimulator() {
        JsonNode http = candles("AAPL", "{\"CandlesCount\": 20, \"Period\": \"15m\", \"Interval\": 0}");
        long from = time(http.get(0)) * 1000;
        List<Candle> direct = market.candles(aapl, dev.crater.market.BarPeriod.M15, from, NOW.toEpochMilli(), false);
        assertThat(direct).hasSize(20);
        for (int i = 0; i < 20; i++) {
            Candle c = direct.get(i);
            JsonNode h = http.get(i);
            assertThat(time(h)).isEqualTo(c.time());
            assertThat(dec(h, "Open")).isEqualByComparingTo(c.open());
            assertThat(dec(h, "High")).isEqualByComparingTo(c.high());
            assertThat(dec(h, "Low")).isEqualByComparingTo(c.low());
            assertThat(dec(h, "Close")).isEqualByComparingTo(c.close());
            assertThat(h.get("Volume").asLong()).isEqualTo(c.volume());
        }
    }

    // ---- /history/compare ----------------------------------------------------------------------------

    static final String AAPL_SIG = "{\"Symbol\": \"AAPL\"}";
    static final String MSFT_SIG = "{\"Symbol\": \"MSFT\", \"Exchange\": \"XNAS\", \"Currency\": \"USD\", \"Id\": 6}";

    static JsonNode compare(String securities, String settingsJson) {
        Http.Response r = put("history/compare", "{\"Securities\": [" + securities + "], \"SecuritiesHistorySettings\": "
                + settingsJson + "}");
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        JsonNode j = decimals(r);
        assertThat(j.isArray()).isTrue();
        return j;
    }

    static void assertComparePoints(JsonNode points) {
        assertThat(points.size()).isPositive();
        BigDecimal first = dec(points.get(0), "Price");
        long previous = Long.MIN_VALUE;
        for (int i = 0; i < points.size(); i++) {
            JsonNode p = points.get(i);
            Set<String> names = new HashSet<>();
            p.fieldNames().forEachRemaining(names::add);
            assertThat(names).containsExactlyInAnyOrder("Volume", "Time", "Difference", "Price", "ValuationLevels",
                    "IsMarket", "OpenInterest", "DateTime", "Open", "High", "Low", "Close");
            assertThat(p.get("Time").asLong()).isGreaterThan(previous);
            previous = p.get("Time").asLong();
            assertThat(p.get("Volume").asLong()).isNotNegative();
            BigDecimal expected = dec(p, "Price").divide(first, 30, RoundingMode.HALF_EVEN).subtract(BigDecimal.ONE)
                    .multiply(BigDecimal.valueOf(100)).setScale(5, RoundingMode.HALF_EVEN);
            assertThat(dec(p, "Difference")).as("Difference of %s", p).isEqualByComparingTo(expected);
        }
        assertThat(points.get(0).get("Difference").decimalValue()).isEqualByComparingTo(BigDecimal.ZERO);
    }

    /** Compare points of one security equal the closes, volumes and times of its candles. */
    static void assertSameAsCandles(JsonNode points, JsonNode candles) {
        assertThat(points).hasSameSizeAs(candles);
        for (int i = 0; i < points.size(); i++) {
            assertThat(points.get(i).get("Time").asLong()).isEqualTo(time(candles.get(i)));
            assertThat(dec(points.get(i), "Price")).isEqualByComparingTo(dec(candles.get(i), "Close"));
            assertThat(points.get(i).get("Volume").asLong()).isEqualTo(candles.get(i).get("Volume").asLong());
        }
    }

    @Test
    void compareWithDatesAndPeriod() {
        String settings = "{\"StartDate\": " + epoch("2026-11-02T00:00:00") + ", \"EndDate\": " + NOW_S
                + ", \"Period\": \"1D\"}";
        JsonNode both = compare(AAPL_SIG + ", " + MSFT_SIG, settings);
        assertThat(both).hasSize(2);
        assertComparePoints(both.get(0));
        assertComparePoints(both.get(1));
        assertSameAsCandles(both.get(0), candles("AAPL", settings));
        assertSameAsCandles(both.get(1), candles("MSFT", settings));
        assertThat(both.get(0)).hasSize(13);
        // Request order is answer order.
        JsonNode reversed = compare(MSFT_SIG + ", " + AAPL_SIG, settings);
        assertThat(reversed.get(0)).isEqualTo(both.get(1));
        assertThat(reversed.get(1)).isEqualTo(both.get(0));
        assertThat(put("history/compare/", "{\"Securities\": [" + AAPL_SIG + ", " + MSFT_SIG
                + "], \"SecuritiesHistorySettings\": " + settings + "}").status()).isEqualTo(200);
    }

    @Test
    void compareWithCountAndPeriod() {
        JsonNode both = compare(AAPL_SIG + ", " + MSFT_SIG, "{\"CandlesCount\": 10, \"Period\": \"1h\"}");
        assertThat(both).hasSize(2);
        for (JsonNode points : both) {
            assertThat(points).hasSize(10);
            assertComparePoints(points);
        }
        assertSameAsCandles(both.get(0), candles("AAPL", "{\"CandlesCount\": 10, \"Period\": \"1h\", \"Interval\": 0}"));
        // Interval 1 (any non-negative code) means "by count" as well.
        JsonNode withInterval = compare(AAPL_SIG + ", " + MSFT_SIG,
                "{\"CandlesCount\": 10, \"Period\": \"1h\", \"Interval\": 1}");
        assertThat(withInterval).isEqualTo(both);
    }

    @Test
    void compareWithTextInterval() {
        JsonNode month = compare(AAPL_SIG + ", " + MSFT_SIG, "{\"Period\": \"1D\", \"Interval\": \"1M\"}");
        assertThat(month).hasSize(2);
        for (JsonNode points : month) {
            assertComparePoints(points);
        }
        assertSameAsCandles(month.get(1), candles("MSFT", "{\"CandlesCount\": -1, \"Period\": \"1D\", \"Interval\": -6}"));
        for (String text : List.of("TDY", "1D", "1W", "3M", "6M", "YTD", "1Y", "3Y", "ALL")) {
            JsonNode r = compare(AAPL_SIG, "{\"Period\": \"1D\", \"Interval\": \"" + text + "\"}");
            assertThat(r).hasSize(1);
            assertComparePoints(r.get(0));
        }
    }

    @Test
    void compareErrors() {
        assertMessage(put("history/compare", "{\"Securities\": [" + AAPL_SIG + ", {\"Symbol\": \"VMSFT\"}], "
                + "\"SecuritiesHistorySettings\": {\"CandlesCount\": 10, \"Period\": \"1h\"}}"), 409);
        assertMessage(put("history/compare", "{\"Securities\": [" + AAPL_SIG + "], "
                + "\"SecuritiesHistorySettings\": {\"CandlesCount\": 10, \"Period\": \"9h\"}}"), 409);
        assertModelState(put("history/compare", "{\"Securities\": [], "
                + "\"SecuritiesHistorySettings\": {\"CandlesCount\": 10, \"Period\": \"1h\"}}"));
        assertModelState(put("history/compare", "{\"Securities\": [" + AAPL_SIG + "]"));
    }

    // ---- /history/export -----------------------------------------------------------------------------

    record Download(int status, String contentType, String disposition, byte[] body) {
    }

    static Download export(String body) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + "history/export"))
                .timeout(Duration.ofSeconds(30)).POST(HttpRequest.BodyPublishers.ofString(body));
        for (int i = 0; i < headers.length; i += 2) {
            b.header(headers[i], headers[i + 1]);
        }
        try (HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build()) {
            HttpResponse<byte[]> r = client.send(b.build(), HttpResponse.BodyHandlers.ofByteArray());
            return new Download(r.statusCode(), r.headers().firstValue("Content-Type").orElse(null),
                    r.headers().firstValue("Content-Disposition").orElse(null), r.body());
        } catch (IOException e) {
            throw new AssertionError(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    /** Sheet name → rows. */
    static Map<String, List<Row>> workbook(byte[] xlsx) throws IOException {
        Map<String, List<Row>> sheets = new LinkedHashMap<>();
        try (ReadableWorkbook wb = new ReadableWorkbook(new ByteArrayInputStream(xlsx), new ReadingOptions(true, false))) {
            for (var s : wb.getSheets().toList()) {
                sheets.put(s.getName(), s.read());
            }
        }
        return sheets;
    }

    /** The documented example body (§5), dates moved into 2026: 2026-03-05T05:00:00Z .. 2026-11-05T14:51:52Z. */
    static String exportBody(String securities, String extraIndicators) {
        return "{\"Securities\": [" + securities + "], \"Indicators\": [{\"name\": \"Volume\", \"args\": [], "
                + "\"type\": \"Volume\", \"text\": \"Vol\"}" + extraIndicators + "], \"TimeFrame\": {\"startDate\": "
                + "1772686800, \"endDate\": 1793890312, \"candlesCount\": -1, \"period\": \"4h\", "
                + "\"includeNonMarketData\": false}, \"DefaultFileName\": "
                + "\"AAPL_4%20hours_From_03.05.2018_To_03.05.2019.xlsx\"}";
    }

    static final String EXPORT_RANGE = "{\"StartDate\": 1772686800, \"EndDate\": 1793890312, \"CandlesCount\": -1, "
            + "\"Period\": \"4h\", \"IncludeNonMarketData\": false}";

    static List<String> headerRow(Row row) {
        List<String> out = new ArrayList<>();
        for (int c = 0; c < row.getCellCount(); c++) {
            out.add(row.getCell(c).asString());
        }
        return out;
    }

    static void assertRowsMatchCandles(List<Row> rows, JsonNode candles) {
        assertThat(rows).hasSize(candles.size() + 1);
        for (int i = 0; i < candles.size(); i++) {
            Row row = rows.get(i + 1);
            JsonNode c = candles.get(i);
            Cell date = row.getCell(0);
            assertThat(date.getType()).isEqualTo(CellType.NUMBER);
            assertThat(date.asDate()).isEqualTo(LocalDateTime.ofEpochSecond(time(c), 0, ZoneOffset.UTC));
            String[] fields = {"Open", "High", "Low", "Close"};
            for (int k = 0; k < 4; k++) {
                Cell cell = row.getCell(1 + k);
                assertThat(cell.getType()).isEqualTo(CellType.NUMBER);
                assertThat(cell.asNumber()).as("row %d %s", i + 1, fields[k]).isEqualByComparingTo(dec(c, fields[k]));
            }
            assertThat(row.getCell(5).getType()).isEqualTo(CellType.NUMBER);
            assertThat(row.getCell(5).asNumber().longValueExact()).isEqualTo(c.get("Volume").asLong());
        }
    }

    @Test
    void exportOfTheDocumentedExample() throws IOException {
        Download d = export(exportBody("4", ""));
        assertThat(d.status()).as(new String(d.body())).isEqualTo(200);
        assertThat(d.contentType()).isEqualTo("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet");
        assertThat(d.disposition()).isEqualTo("attachment; filename=\"AAPL_4 hours_From_03.05.2018_To_03.05.2019.xlsx\"");
        assertThat(d.body()).startsWith('P', 'K');
        Map<String, List<Row>> sheets = workbook(d.body());
        assertThat(sheets.keySet()).containsExactly("AAPL");
        List<Row> rows = sheets.get("AAPL");
        assertThat(headerRow(rows.get(0))).containsExactly("Date", "Open", "High", "Low", "Close", "Volume");
        JsonNode candles = candles("AAPL", EXPORT_RANGE);
        assertThat(candles.size()).isGreaterThan(300); // two 4h bars per trading day over eight months
        assertRowsMatchCandles(rows, candles);
    }

    @Test
    void exportWithAnIndicatorColumn() throws IOException {
        Download d = export(exportBody("4", ", {\"name\": \"SMA\", \"args\": [10], \"type\": \"SMA\", \"text\": \"SMA 10\"}"));
        assertThat(d.status()).as(new String(d.body())).isEqualTo(200);
        List<Row> rows = workbook(d.body()).get("AAPL");
        assertThat(headerRow(rows.get(0))).containsExactly("Date", "Open", "High", "Low", "Close", "Volume", "SMA 10");
        JsonNode candles = candles("AAPL", EXPORT_RANGE);
        assertRowsMatchCandles(rows, candles);
        // The column holds the same SMA as the candles endpoint computes over the same range.
        JsonNode chart = symbols(settings("AAPL", EXPORT_RANGE, "[{\"Signature\": \"SMA|4h|false|10\", \"StartDate\": "
                + "1772686800, \"EndDate\": 1793890312, \"Period\": \"4h\"}]"));
        Map<Long, BigDecimal> sma = new HashMap<>();
        chart.get("IndicatorsHistory").get(0).forEach(p -> sma.put(p.get("Date").asLong(),
                p.get("Values").get(0).decimalValue()));
        assertThat(sma).isNotEmpty();
        int filled = 0;
        for (int i = 0; i < candles.size(); i++) {
            Row row = rows.get(i + 1);
            BigDecimal expected = sma.get(time(candles.get(i)));
            var cell = row.getCellCount() > 6 ? row.getCell(6) : null;
            if (expected == null) {
                assertThat(cell == null || cell.getType() == CellType.EMPTY).isTrue();
            } else {
                assertThat(cell).isNotNull();
                assertThat(cell.asNumber()).isEqualByComparingTo(expected);
                filled++;
            }
        }
        assertThat(filled).isEqualTo(sma.size());
    }

    @Test
    void exportOfTwoSecuritiesHasTwoSheets() throws IOException {
        Download d = export(exportBody("4, 6", ""));
        assertThat(d.status()).isEqualTo(200);
        Map<String, List<Row>> sheets = workbook(d.body());
        assertThat(sheets.keySet()).containsExactly("AAPL", "MSFT");
        assertRowsMatchCandles(sheets.get("AAPL"), candles("AAPL", EXPORT_RANGE));
        assertRowsMatchCandles(sheets.get("MSFT"), candles("MSFT", EXPORT_RANGE));
    }

    @Test
    void exportErrors() {
        Download unknown = export(exportBody("99999", ""));
        assertThat(unknown.status()).isEqualTo(422);
        assertThat(new String(unknown.body())).contains("ModelState");
        Download none = export(exportBody("", ""));
        assertThat(none.status()).isEqualTo(422);
        Download badPeriod = export(exportBody("4", "").replace("\"4h\"", "\"4x\""));
        assertThat(badPeriod.status()).isIn(409, 422);
        assertThat(badPeriod.status()).isNotEqualTo(500);
        Download badIndicator = export(exportBody("4", ", {\"name\": \"NoSuch\", \"args\": [], \"type\": \"x\"}"));
        assertThat(badIndicator.status()).isEqualTo(422);
        Download malformed = export("{\"Securities\": [4");
        assertThat(malformed.status()).isEqualTo(422);
    }

    @Test
    void exportFileNameIsSane() {
        Download d = export(exportBody("4", "").replace("AAPL_4%20hours_From_03.05.2018_To_03.05.2019.xlsx",
                "../../etc/passwd\\r\\nX-Evil: 1"));
        assertThat(d.status()).isEqualTo(200);
        String disposition = d.disposition();
        assertThat(disposition).startsWith("attachment; filename=\"").endsWith(".xlsx\"");
        String name = disposition.substring("attachment; filename=\"".length(), disposition.length() - 1);
        assertThat(name).doesNotContain("/", "\\", "\"", "\r", "\n").doesNotStartWith(".");
        Download unnamed = export(exportBody("4", "").replace("\"AAPL_4%20hours_From_03.05.2018_To_03.05.2019.xlsx\"",
                "null"));
        assertThat(unnamed.status()).isEqualTo(200);
        assertThat(unnamed.disposition()).isEqualTo("attachment; filename=\"history.xlsx\"");
    }
}
