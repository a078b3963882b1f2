package dev.crater.operators;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.crater.accounts.Account;
import dev.crater.audit.AuditLog;
import dev.crater.common.MarginType;
import dev.crater.companies.Company;
import dev.crater.crypto.Secrets;
import dev.crater.market.TradingCalendar;
import dev.crater.testing.CliRun;
import dev.crater.testing.Http;
import dev.crater.testing.SecretsLedger;
import dev.crater.testing.StoreKind;
import dev.crater.testing.TestServer;
import dev.crater.users.User;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Goal: operators control the sandbox over HTTP (Crater additions under {@code /v1.0/crater/sandbox/})
 * with an operator key made by {@code crater admin company operator-key create}: every operation of
 * {@code crater admin market …} and account funding does what the CLI's does (a quote moves, the
 * market clock moves, a halt stops trading, a deposit reaches the balance), only with a live key of
 * the right company, refusing bad input with a 400 ModelState and never a 5xx; every operation is
 * audited with the key; the key is stored only as its SHA-256.
 *
 * <p>Method: one real server on SQLite, its clock pinned to a Wednesday 11:00 New York (a regular
 * session) before each test and moved only by the test; the CLI runs in-process against the server's
 * data directory (it shares only the database file). Effects are read back through the trader API
 * (order verification quotes, orders, the balance map, the market status) and the audit table.
 */
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class OperatorApiTest {

    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final String DENIED = "{\"Message\":\"Authorization has been denied for this request.\"}";
    private static final Pattern KEY_LINE = Pattern.compile("X-Crater-Operator-Key: (\\S+)");
    private static final Pattern CREATED = Pattern.compile("Created operator key (\\d+) ");
    /** Wednesday 2026-11-18 11:00 New York (16:00Z): the regular session. */
    private static final Instant WEDNESDAY_11 = LocalDateTime.of(2026, 11, 18, 11, 0)
            .atZone(TradingCalendar.ZONE).toInstant();

    private static TestServer server;
    private static Company company;
    private static Company other;
    private static User trader;
    private static Account tradingAccount;
    private static Account fundedAccount;
    private static Account otherAccount;
    private static String key;
    private static long keyId;
    private static String otherKey;

    record Cli(int code, String out, String err) {
    }

    @BeforeAll
    static void start() {
        server = TestServer.start(StoreKind.SQLITE);
        server.clock.set(WEDNESDAY_11);
        company = server.company();
        other = server.company();
        trader = server.user(company, TestServer.username("trader"), null, User.TwoFactorMethod.NONE);
        User stranger = server.user(other, TestServer.username("stranger"), null, User.TwoFactorMethod.NONE);
        BigDecimal cash = new BigDecimal("100000");
        tradingAccount = server.services().accounts.open(trader, MarginType.Margin, cash, BigDecimal.ZERO,
                BigDecimal.ZERO, BigDecimal.ZERO);
        fundedAccount = server.services().accounts.open(trader, MarginType.Cash, cash, BigDecimal.ZERO,
                BigDecimal.ZERO, BigDecimal.ZERO);
        otherAccount = server.services().accounts.open(stranger, MarginType.Cash, cash, BigDecimal.ZERO,
                BigDecimal.ZERO, BigDecimal.ZERO);

        Cli created = cli("admin", "company", "operator-key", "create", "--company", company.name(), "--name", "ci-bot");
        assertThat(created.code()).as(created.err()).isZero();
        key = secret(created);
        keyId = id(created);
        Cli second = cli("admin", "company", "operator-key", "create", "--company", other.name(), "--name", "ci-bot");
        assertThat(second.code()).as("names are unique per company only: %s", second.err()).isZero();
        otherKey = secret(second);

        await(() -> cash(tradingAccount.id()), c -> c.compareTo(cash) == 0, "the trading account's initial deposit");
        await(() -> cash(fundedAccount.id()), c -> c.compareTo(cash) == 0, "the funded account's initial deposit");
    }

    @AfterAll
    static void stop() {
        if (server != null) {
            server.close();
        }
    }

    @BeforeEach
    void pin() {
        server.clock.set(WEDNESDAY_11);
    }

    // ---- helpers ---------------------------------------------------------------------------------

    private static Cli cli(String... args) {
        CliRun.Result r = CliRun.against(server, args);
        return new Cli(r.code(), r.out(), r.err());
    }

    /** The key a {@code create} printed (recorded for the suite's secrets scan). */
    private static String secret(Cli created) {
        Matcher m = KEY_LINE.matcher(created.out());
        assertThat(m.find()).as(created.out()).isTrue();
        SecretsLedger.record(m.group(1), "operator key printed by the CLI");
        return m.group(1);
    }

    private static long id(Cli created) {
        Matcher m = CREATED.matcher(created.out());
        assertThat(m.find()).as(created.out()).isTrue();
        return Long.parseLong(m.group(1));
    }

    private static Http.Response op(String method, String path, String body, String operatorKey) {
        return Http.send(method, server.api() + "v1.0/crater/sandbox/" + path, body, "X-Crater-Operator-Key",
                operatorKey, "Content-Type", "application/json");
    }

    private static JsonNode ok(Http.Response r) {
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        return r.json();
    }

    private static String[] traderHeaders() {
        return new String[] {"Et-App-Key", company.appKey(), "Authorization",
                "Bearer " + server.login(company, trader.username()), "Content-Type", "application/json"};
    }

    private static String json(Object... pairs) {
        Map<String, Object> m = new java.util.LinkedHashMap<>();
        for (int i = 0; i < pairs.length; i += 2) {
            m.put((String) pairs[i], pairs[i + 1]);
        }
        try {
            return MAPPER.writeValueAsString(m);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new AssertionError(e);
        }
    }

    /** The security's quote as a trader sees it: the Quotes of an order verification, at market time now. */
    private static JsonNode traderQuote(String symbol) {
        Http.Response r = Http.send("POST", server.api() + "v1.0/accounts/" + tradingAccount.id() + "/preview/orders",
                json("Symbol", symbol, "Type", "Limit", "Price", 1, "Side", "Buy", "Quantity", 1), traderHeaders());
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        JsonNode quotes = r.json().get("Quotes");
        assertThat(quotes).as(r.body()).hasSize(1);
        return quotes.get(0);
    }

    private static BigDecimal cash(long accountId) {
        Http.Response r = Http.get(server.api() + "v1.0/accounts/" + accountId + "/info", traderHeaders());
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        return new BigDecimal(r.json().get("cash").asText());
    }

    private static JsonNode marketStatus() {
        return ok(Http.get(server.api() + "v1.0/crater/market/status", traderHeaders()));
    }

    private static <T> T await(Supplier<T> read, Predicate<T> done, String what) {
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        T last = read.get();
        while (!done.test(last)) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("not within 20 s: " + what + " (last seen: " + last + ")");
            }
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                throw new AssertionError(e);
            }
            last = read.get();
        }
        return last;
    }

    private static List<AuditLog.Entry> audit(AuditLog.Event event) {
        return server.services().audit.query(null, 0, AuditLog.QUERY_ROWS_MAX).stream()
                .filter(e -> e.event() == event).toList();
    }

    private static void assertAuditedByKey(AuditLog.Event event, String detail) {
        List<AuditLog.Entry> rows = audit(event).stream().filter(e -> e.detail().contains(detail)).toList();
        assertThat(rows).as("%s with %s", event, detail).isNotEmpty();
        AuditLog.Entry e = rows.getLast();
        assertThat(e.operatorKeyId()).isEqualTo(keyId);
        assertThat(e.companyId()).isEqualTo(company.id());
        assertThat(e.userId()).isNull();
        assertThat(e.clientAddress()).isEqualTo("127.0.0.1");
        assertThat(e.detail()).startsWith("key " + keyId + " 'ci-bot': ");
        assertThat(e.atMs()).as("stamped with the server's clock").isEqualTo(server.clock.millis());
    }

    private static List<String> fieldNames(JsonNode n) {
        List<String> names = new java.util.ArrayList<>();
        n.fieldNames().forEachRemaining(names::add);
        return names;
    }

    private static void assertValidation(Http.Response r, String key) {
        assertThat(r.status()).as(r.body()).isEqualTo(400);
        assertThat(r.json().get("Message").asText()).isEqualTo("Validation error occured while processing entity");
        assertThat(r.json().get("ModelState").has(key)).as("ModelState key %s in %s", key, r.body()).isTrue();
    }

    // ---- market operations -----------------------------------------------------------------------

    @Test
    void setPriceMovesTheQuoteTradersSee() {
        try {
            JsonNode r = ok(op("POST", "market/set-price", json("Symbol", "ko", "Price", new BigDecimal("123.45")), key));
            assertThat(fieldNames(r)).containsExactly("Symbol", "Operation", "MarketTime", "Price", "Quote");
            assertThat(fieldNames(r.get("Quote"))).containsExactly("Symbol", "SecurityId", "Time", "Bid", "Ask", "Last",
                    "Session", "IsHalted");
            assertThat(r.get("Symbol").asText()).isEqualTo("KO");
            assertThat(r.get("Operation").asText()).isEqualTo("SetPrice");
            assertThat(r.get("MarketTime").asText()).isEqualTo("2026-11-18T16:00:00.0000000Z");
            assertThat(r.get("Price").decimalValue()).isEqualByComparingTo("123.45");
            assertThat(r.get("Quote").get("Last").decimalValue()).isEqualByComparingTo("123.45");
            assertThat(r.get("Quote").get("Session").asText()).isEqualTo("Regular");
            assertThat(r.get("Quote").get("IsHalted").asBoolean()).isFalse();
            JsonNode seen = traderQuote("KO");
            assertThat(new BigDecimal(seen.get("Last").asText())).isEqualByComparingTo("123.45");
            assertThat(new BigDecimal(seen.get("Bid").asText())).isLessThan(new BigDecimal(seen.get("Ask").asText()));
            assertAuditedByKey(AuditLog.Event.MARKET_PRICE_SET, "KO set to 123.45 at market time 2026-11-18T16:00:00Z");

            // A trailing slash, a price as a string and keys in any case are accepted.
            JsonNode again = ok(op("POST", "market/set-price/", "{\"symbol\":\"KO\",\"price\":\"99.5\"}", key));
            assertThat(again.get("Quote").get("Last").decimalValue()).isEqualByComparingTo("99.50");
        } finally {
            ok(op("POST", "market/clear", json("Symbol", "KO"), key));
        }
    }

    @Test
    void moveFollowsThePathAsMarketTimeGoesOn() {
        try {
            JsonNode r = ok(op("POST", "market/move", "{\"Symbol\":\"MCD\",\"Path\":[{\"Price\":300,\"After\":\"1h\"},"
                    + "{\"Price\":350,\"After\":\"PT2H\"}]}", key));
            assertThat(r.get("Operation").asText()).isEqualTo("Move");
            assertThat(fieldNames(r)).containsExactly("Symbol", "Operation", "MarketTime", "Points", "Quote");
            JsonNode points = r.get("Points");
            assertThat(points).hasSize(3);
            assertThat(points.get(0).get("Time").asText()).isEqualTo("2026-11-18T16:00:00.0000000Z");
            assertThat(points.get(1).get("Time").asText()).isEqualTo("2026-11-18T17:00:00.0000000Z");
            assertThat(points.get(1).get("Price").decimalValue()).isEqualByComparingTo("300");
            assertThat(points.get(2).get("Time").asText()).isEqualTo("2026-11-18T18:00:00.0000000Z");
            assertAuditedByKey(AuditLog.Event.MARKET_MOVED, "MCD moves along 2 point(s)");

            server.clock.set(WEDNESDAY_11.plus(Duration.ofHours(1)));
            assertThat(new BigDecimal(traderQuote("MCD").get("Last").asText())).isEqualByComparingTo("300");
            server.clock.set(WEDNESDAY_11.plus(Duration.ofMinutes(90)));
            assertThat(new BigDecimal(traderQuote("MCD").get("Last").asText())).isEqualByComparingTo("325");
            server.clock.set(WEDNESDAY_11.plus(Duration.ofHours(2)));
            assertThat(new BigDecimal(traderQuote("MCD").get("Last").asText())).isEqualByComparingTo("350");

            JsonNode toOver = ok(op("POST", "market/move", json("Symbol", "MCD", "To", 360, "Over", "10m"), key));
            assertThat(toOver.get("Points")).hasSize(2);
            assertThat(toOver.get("Points").get(1).get("Time").asText()).isEqualTo("2026-11-18T18:10:00.0000000Z");
        } finally {
            ok(op("POST", "market/clear", json("Symbol", "MCD"), key));
        }
        assertValidation(op("POST", "market/move", "{\"Symbol\":\"MCD\",\"Path\":[{\"Price\":300,\"After\":\"2h\"},"
                + "{\"Price\":350,\"After\":\"1h\"}]}", key), "request.Path");
        assertValidation(op("POST", "market/move", json("Symbol", "MCD"), key), "request.To");
        assertValidation(op("POST", "market/move", json("Symbol", "MCD", "To", 300, "Over", "soon"), key), "request.Over");
        assertValidation(op("POST", "market/move", json("Symbol", "MCD", "To", 300, "Over", "99999999d"), key),
                "request.Over");
        assertValidation(op("POST", "market/move", json("Symbol", "MCD", "To", 300, "Over", "1h", "Path", List.of()),
                key), "request.Path");
        assertValidation(op("POST", "market/move", "{\"Symbol\":\"MCD\",\"Path\":[{\"Price\":300}]}", key),
                "request.Path[0].After");
        StringBuilder tooLong = new StringBuilder("{\"Symbol\":\"MCD\",\"Path\":[");
        for (int i = 1; i <= 1000; i++) {
            tooLong.append(i > 1 ? "," : "").append("{\"Price\":300,\"After\":\"").append(i).append("m\"}");
        }
        assertValidation(op("POST", "market/move", tooLong + "]}", key), "request.Path");
        assertThat(server.services().marketControl.state().events()).as("nothing stored by refused moves").isEmpty();
    }

    @Test
    void haltStopsTradingUntilResumed() {
        String[] t = traderHeaders();
        String orders = server.api() + "v1.0/accounts/" + tradingAccount.id() + "/orders";
        try {
            JsonNode halted = ok(op("POST", "market/halt", json("Symbol", "PEP"), key));
            assertThat(halted.get("Quote").get("IsHalted").asBoolean()).isTrue();
            assertThat(traderQuote("PEP").get("IsHalted").asBoolean()).isTrue();
            Http.Response twice = op("POST", "market/halt", json("Symbol", "PEP"), key);
            assertThat(twice.status()).as(twice.body()).isEqualTo(409);
            assertThat(twice.body()).isEqualTo("{\"Message\":\"PEP is halted already\"}");
            assertAuditedByKey(AuditLog.Event.MARKET_HALTED, "PEP halted at market time 2026-11-18T16:00:00Z");

            Http.Response placed = Http.send("POST", orders, json("Symbol", "PEP", "Type", "Market", "Side", "Buy",
                    "Quantity", 3), t);
            assertThat(placed.status()).as(placed.body()).isEqualTo(200);
            long id = placed.json().get("Id").asLong();
            assertThat(placed.json().get("Status").asText()).as("nothing trades while halted").isEqualTo("New");
            server.services().market.tick();
            assertThat(Http.get(orders + "/" + id, t).json().get("Status").asText()).isEqualTo("New");

            JsonNode resumed = ok(op("POST", "market/resume", json("Symbol", "PEP"), key));
            assertThat(resumed.get("Quote").get("IsHalted").asBoolean()).isFalse();
            assertAuditedByKey(AuditLog.Event.MARKET_RESUMED, "PEP resumed");
            await(() -> Http.get(orders + "/" + id, t).json().get("Status").asText(), "Filled"::equals,
                    "the order to fill once PEP resumed");
            Http.Response notHalted = op("POST", "market/resume", json("Symbol", "PEP"), key);
            assertThat(notHalted.status()).as(notHalted.body()).isEqualTo(409);
        } finally {
            JsonNode cleared = ok(op("POST", "market/clear", json("Symbol", "PEP"), key));
            assertThat(fieldNames(cleared)).containsExactly("Symbol", "Operation", "MarketTime", "EventsRemoved", "Quote");
            assertThat(cleared.get("EventsRemoved").asInt()).isEqualTo(1);
            assertAuditedByKey(AuditLog.Event.MARKET_CLEARED, "removed 1 event(s) of PEP");
        }
    }

    @Test
    void clockMovesMarketTimeForTraders() {
        try {
            JsonNode now = ok(op("GET", "market/clock", null, key));
            assertThat(now.get("ClockOffsetMs").asLong()).isZero();
            assertThat(now.get("MarketTime").asText()).isEqualTo("2026-11-18T16:00:00.0000000Z");
            assertThat(now.get("Session").asText()).isEqualTo("Regular");

            JsonNode jumped = ok(op("POST", "market/clock", json("Jump", "2h"), key));
            assertThat(jumped.get("ClockOffsetMs").asLong()).isEqualTo(7_200_000L);
            assertThat(jumped.get("ServerTime").asText()).isEqualTo("2026-11-18T16:00:00.0000000Z");
            assertThat(jumped.get("MarketTime").asText()).isEqualTo("2026-11-18T18:00:00.0000000Z");
            JsonNode status = marketStatus();
            assertThat(status.get("ClockOffsetMs").asLong()).isEqualTo(7_200_000L);
            assertThat(status.get("MarketTime").asText()).isEqualTo("2026-11-18T18:00:00.0000000Z");
            assertThat(status.get("ServerTime").asText()).isEqualTo("2026-11-18T16:00:00.0000000Z");
            assertAuditedByKey(AuditLog.Event.MARKET_CLOCK_SET, "offset PT0S -> PT2H");

            JsonNode saturday = ok(op("POST", "market/clock/", json("Set", "2026-11-21T17:00:00Z"), key));
            assertThat(saturday.get("MarketTime").asText()).isEqualTo("2026-11-21T17:00:00.0000000Z");
            assertThat(saturday.get("Session").asText()).isEqualTo("Closed");
            assertThat(marketStatus().get("Session").asText()).isEqualTo("Closed");
            assertThat(server.services().market.nowMs()).isEqualTo(Instant.parse("2026-11-21T17:00:00Z").toEpochMilli());

            assertValidation(op("POST", "market/clock", json("Jump", "1h", "Reset", true), key), "request.Jump");
            assertValidation(op("POST", "market/clock", "{}", key), "request.Jump");
            assertValidation(op("POST", "market/clock", json("Jump", "later"), key), "request.Jump");
            assertValidation(op("POST", "market/clock", json("Jump", 3600), key), "request.Jump");
            assertValidation(op("POST", "market/clock", json("Set", "yesterday"), key), "request.Set");
            assertValidation(op("POST", "market/clock", json("Set", "2300-01-01T00:00:00Z"), key), "request.Set");
            assertValidation(op("POST", "market/clock", json("Jump", "-9999d"), key), "request.Jump");
            assertValidation(op("POST", "market/clock", json("Reset", false), key), "request.Reset");
            assertThat(marketStatus().get("MarketTime").asText()).as("refusals change nothing")
                    .isEqualTo("2026-11-21T17:00:00.0000000Z");
        } finally {
            JsonNode reset = ok(op("POST", "market/clock", json("Reset", true), key));
            assertThat(reset.get("ClockOffsetMs").asLong()).isZero();
        }
        assertThat(marketStatus().get("MarketTime").asText()).isEqualTo("2026-11-18T16:00:00.0000000Z");
    }

    @Test
    void badMarketInputIsA400AndUnknownSymbolsA404() {
        assertValidation(op("POST", "market/set-price", "not json", key), "request");
        assertValidation(op("POST", "market/set-price", "", key), "request");
        assertValidation(op("POST", "market/set-price", "[1]", key), "request");
        assertValidation(op("POST", "market/set-price", json("Price", 10), key), "request.Symbol");
        assertValidation(op("POST", "market/set-price", json("Symbol", 4, "Price", 10), key), "request.Symbol");
        assertValidation(op("POST", "market/set-price", json("Symbol", "KO"), key), "request.Price");
        for (Object price : List.of(-1, 0, "abc", "1000000000.01", true)) {
            assertValidation(op("POST", "market/set-price", json("Symbol", "KO", "Price", price), key), "request.Price");
        }
        Http.Response unknown = op("POST", "market/halt", json("Symbol", "NOPE"), key);
        assertThat(unknown.status()).isEqualTo(404);
        assertThat(unknown.body()).isEqualTo("{\"Message\":\"No security with symbol 'NOPE'.\"}");
        assertThat(server.services().marketControl.state().events()).isEmpty();
    }

    // ---- funding ---------------------------------------------------------------------------------

    @Test
    void depositsAndWithdrawalsReachTheBalance() {
        BigDecimal before = cash(fundedAccount.id());
        Http.Response r = op("POST", "accounts/fund", json("AccountId", fundedAccount.id(), "Amount",
                new BigDecimal("5000.25"), "Description", "Wire in"), key);
        assertThat(r.status()).as(r.body()).isEqualTo(202);
        assertThat(r.json().get("AccountId").asLong()).isEqualTo(fundedAccount.id());
        assertThat(r.json().get("Amount").decimalValue()).isEqualByComparingTo("5000.25");
        assertThat(r.json().get("Description").asText()).isEqualTo("Wire in");
        assertThat(r.json().get("Status").asText()).isEqualTo("Pending");
        long requestId = r.json().get("CashRequestId").asLong();
        BigDecimal deposited = before.add(new BigDecimal("5000.25"));
        await(() -> cash(fundedAccount.id()), c -> c.compareTo(deposited) == 0, "the deposit in the balance");
        assertAuditedByKey(AuditLog.Event.CASH_REQUESTED, "cash request " + requestId + ": 5000.25 for account "
                + fundedAccount.id());

        Http.Response out = op("POST", "accounts/fund/", json("AccountId", String.valueOf(fundedAccount.id()), "Amount",
                "-250.50"), key);
        assertThat(out.status()).as(out.body()).isEqualTo(202);
        assertThat(out.json().get("Description").asText()).isEqualTo("Withdrawal");
        BigDecimal withdrawn = deposited.subtract(new BigDecimal("250.50"));
        await(() -> cash(fundedAccount.id()), c -> c.compareTo(withdrawn) == 0, "the withdrawal in the balance");

        // Only the key's company's accounts: another company's and unknown ones are both 404.
        for (long account : new long[] {otherAccount.id(), 999_999}) {
            Http.Response refused = op("POST", "accounts/fund", json("AccountId", account, "Amount", 1), key);
            assertThat(refused.status()).as(refused.body()).isEqualTo(404);
            assertThat(refused.body()).isEqualTo("{\"Message\":\"No account " + account
                    + " in this operator key's company.\"}");
        }
        assertThat(op("POST", "accounts/fund", json("AccountId", otherAccount.id(), "Amount", 1), otherKey).status())
                .as("the other company's own key").isEqualTo(202);

        assertValidation(op("POST", "accounts/fund", json("Amount", 1), key), "request.AccountId");
        assertValidation(op("POST", "accounts/fund", json("AccountId", "seven", "Amount", 1), key), "request.AccountId");
        assertValidation(op("POST", "accounts/fund", json("AccountId", fundedAccount.id()), key), "request.Amount");
        for (Object amount : List.of(0, "1.234", "1000000000.01", "lots")) {
            assertValidation(op("POST", "accounts/fund", json("AccountId", fundedAccount.id(), "Amount", amount), key),
                    "request.Amount");
        }
        assertValidation(op("POST", "accounts/fund", json("AccountId", fundedAccount.id(), "Amount", 1,
                "Description", " "), key), "request.Description");
        assertValidation(op("POST", "accounts/fund", json("AccountId", fundedAccount.id(), "Amount", 1,
                "Description", "x".repeat(201)), key), "request.Description");
        assertThat(cash(fundedAccount.id())).as("refusals book nothing").isEqualByComparingTo(withdrawn);
    }

    // ---- keys and authentication -----------------------------------------------------------------

    @Test
    void onlyALiveOperatorKeyOpensTheOperatorRoutes() {
        String body = json("Symbol", "XOM");
        Http.Response none = Http.send("GET", server.api() + "v1.0/crater/sandbox/market/clock", null);
        assertThat(none.status()).isEqualTo(401);
        assertThat(none.body()).isEqualTo(DENIED);
        Http.Response wrong = op("POST", "market/halt", body, key.substring(0, key.length() - 1) + "x");
        assertThat(wrong.status()).isEqualTo(401);
        assertThat(wrong.body()).isEqualTo(DENIED);
        assertThat(op("POST", "market/halt", body, "x".repeat(OperatorKeys.KEY_CHARS_MAX + 1)).status()).isEqualTo(401);

        // A trader's app key and bearer token open nothing here, in either header.
        String[] t = traderHeaders();
        Http.Response asTrader = Http.send("POST", server.api() + "v1.0/crater/sandbox/market/halt", body, t);
        assertThat(asTrader.status()).isEqualTo(401);
        assertThat(asTrader.body()).isEqualTo(DENIED);
        String token = t[3].substring("Bearer ".length());
        assertThat(op("POST", "market/halt", body, token).status()).isEqualTo(401);
        assertThat(op("POST", "accounts/fund", json("AccountId", tradingAccount.id(), "Amount", 1), token).status())
                .isEqualTo(401);
        assertThat(server.services().marketControl.state().events()).as("nothing was halted").isEmpty();

        // Unknown operator paths: the key is checked first, then 404.
        assertThat(op("GET", "market/nothing", null, null).status()).isEqualTo(401);
        Http.Response unknown = op("GET", "market/nothing", null, key);
        assertThat(unknown.status()).isEqualTo(404);
        assertThat(unknown.body()).startsWith("{\"Message\":\"No HTTP resource was found that matches the request URI");
        assertThat(Http.send("GET", server.api() + "v1/crater/sandbox/market/clock", null, "X-Crater-Operator-Key", key)
                .status()).as("v1").isEqualTo(200);

        // Any company's key may move the market: securities are shared.
        assertThat(op("GET", "market/clock", null, otherKey).status()).isEqualTo(200);

        // A revoked key is refused at once, and its use is audited.
        Cli created = cli("admin", "company", "operator-key", "create", "--company", company.name(), "--name", "temp");
        String temp = secret(created);
        long tempId = id(created);
        assertThat(op("GET", "market/clock", null, temp).status()).isEqualTo(200);
        Cli revoked = cli("admin", "company", "operator-key", "revoke", "--company", company.name(), "--id",
                String.valueOf(tempId));
        assertThat(revoked.code()).as(revoked.err()).isZero();
        Http.Response afterRevoke = op("GET", "market/clock", null, temp);
        assertThat(afterRevoke.status()).isEqualTo(401);
        assertThat(afterRevoke.body()).isEqualTo(DENIED);
        AuditLog.Entry refused = audit(AuditLog.Event.OPERATOR_KEY_REFUSED).getLast();
        assertThat(refused.operatorKeyId()).isEqualTo(tempId);
        assertThat(refused.clientAddress()).isEqualTo("127.0.0.1");
        assertThat(cli("admin", "company", "operator-key", "revoke", "--company", company.name(), "--id",
                String.valueOf(tempId)).code()).as("revoked twice").isEqualTo(2);
        assertThat(cli("admin", "company", "operator-key", "revoke", "--company", other.name(), "--id",
                String.valueOf(keyId)).code()).as("another company's key").isEqualTo(2);
        assertThat(op("GET", "market/clock", null, key).status()).as("still live").isEqualTo(200);
    }

    @Test
    void keysAreCreatedListedAndStoredOnlyAsHashes() {
        Cli list = cli("admin", "company", "operator-key", "list", "--company", company.name());
        assertThat(list.code()).as(list.err()).isZero();
        assertThat(list.out()).contains("ci-bot").contains("live").doesNotContain(key)
                .doesNotContain(key.substring(OperatorKeys.KEY_PREFIX.length()));
        assertThat(key).startsWith(OperatorKeys.KEY_PREFIX).hasSize(OperatorKeys.KEY_PREFIX.length() + 43);

        List<Map<String, Object>> rows = server.services().database.jdbi().withHandle(h -> h.createQuery(
                "SELECT * FROM operator_keys WHERE id = :id").bind("id", keyId).mapToMap().list());
        assertThat(rows).hasSize(1);
        assertThat(rows.get(0).get("key_hash")).isEqualTo(Secrets.sha256(key));
        for (Object v : rows.get(0).values()) {
            assertThat(String.valueOf(v)).doesNotContain(key.substring(OperatorKeys.KEY_PREFIX.length()));
        }
        assertThat(server.services().audit.query(null, 0, AuditLog.QUERY_ROWS_MAX))
                .noneMatch(e -> String.valueOf(e.detail()).contains(key.substring(OperatorKeys.KEY_PREFIX.length())));
        AuditLog.Entry made = audit(AuditLog.Event.OPERATOR_KEY_CREATED).stream()
                .filter(e -> e.detail().equals("key " + keyId + " 'ci-bot' created")).findFirst().orElseThrow();
        assertThat(made.clientAddress()).isEqualTo("cli");
        assertThat(made.companyId()).isEqualTo(company.id());

        assertThat(cli("admin", "company", "operator-key", "create", "--company", company.name(), "--name", "CI-BOT")
                .code()).as("a live name, in any case").isEqualTo(2);
        assertThat(cli("admin", "company", "operator-key", "create", "--company", company.name(), "--name", " ")
                .code()).isEqualTo(2);
        assertThat(cli("admin", "company", "operator-key", "create", "--company", "No Such Company", "--name", "x")
                .code()).isEqualTo(2);
    }

    @Test
    void theCliRunsTheSameAuditedOperations() {
        Cli cleared = cli("admin", "market", "clear", "--symbol", "CVX");
        assertThat(cleared.code()).as(cleared.err()).isZero();
        AuditLog.Entry e = audit(AuditLog.Event.MARKET_CLEARED).stream()
                .filter(x -> x.detail().equals("removed 0 event(s) of CVX")).findFirst().orElseThrow();
        assertThat(e.operatorKeyId()).isNull();
        assertThat(e.clientAddress()).isEqualTo("cli");

        Cli funded = cli("admin", "account", "fund", "--account", String.valueOf(fundedAccount.id()), "--amount", "-1");
        assertThat(funded.code()).as(funded.err()).isZero();
        AuditLog.Entry cash = audit(AuditLog.Event.CASH_REQUESTED).getLast();
        assertThat(cash.detail()).endsWith(": -1 for account " + fundedAccount.id());
        assertThat(cash.clientAddress()).isEqualTo("cli");
        assertThat(cash.companyId()).isEqualTo(company.id());
        String description = server.services().database.jdbi().withHandle(h -> h.createQuery(
                        "SELECT description FROM cash_requests WHERE account_id = :a ORDER BY id DESC LIMIT 1")
                .bind("a", fundedAccount.id()).mapTo(String.class).one());
        assertThat(description).as("the CLI's default description follows the sign").isEqualTo("Withdrawal");
    }
}
