package dev.crater.orders;

import static dev.crater.orders.OrdersHarness.DENIED;
import static dev.crater.orders.OrdersHarness.VALIDATION;
import static dev.crater.orders.OrdersHarness.dec;
import static dev.crater.orders.OrdersHarness.enc;
import static dev.crater.orders.OrdersHarness.fieldNames;
import static dev.crater.orders.OrdersHarness.json;
import static dev.crater.orders.OrdersHarness.limit;
import static dev.crater.orders.OrdersHarness.map;
import static dev.crater.orders.OrdersHarness.market;
import static dev.crater.orders.OrdersHarness.write;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.crater.accounts.Account;
import dev.crater.common.MarginType;
import dev.crater.market.Quote;
import dev.crater.orders.OrdersHarness.Trader;
import dev.crater.testing.Http;
import dev.crater.testing.StoreKind;
import dev.crater.testing.TestServer;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;

/**
 * Goal: the orders routes of reference 04-orders.md end to end over real HTTP, against the paper
 * engine: verify, place, get and list of every order type (Market, Limit, Stop, StopLimit,
 * TrailingStop, TrailingStopLimit, OCO/OTO/OTOCO, a two-leg option spread), each time in force and
 * session rule, every documented validation answer (422 ModelState for unreadable bodies, 200
 * VerifyOrderModel refusals for orders the engine will not take), verify answers with commissions,
 * replace and verify-replace, cancel, ClientId idempotency (also under concurrency), the paged and
 * filtered list, the {@code syncorders} variants, validate-by-id, and who may trade in an account.
 *
 * <p>Method: one server per store; market time is frozen on a Wednesday in the regular session
 * (2026-11-18 16:00Z = 11:00 New York) and moves one second before each test so the quoted sizes
 * are fresh. Every test opens its own accounts. Prices are read from the simulated market at the
 * moment of the order; where a test needs the market to move it jumps one security's price with a
 * sandbox event (each such test owns its symbol), so fills are deterministic. The same contract runs
 * on SQLite ({@link OrdersApiSqliteTest}) and PostgreSQL ({@link OrdersApiPostgresTest}).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(value = 60, unit = TimeUnit.SECONDS)
abstract class OrdersApiContract {

    static final Instant WEDNESDAY_11AM_NEW_YORK = Instant.parse("2026-11-18T16:00:00Z");
    static final String CLOSE_UTC = "2026-11-18T21:00:00Z";
    static final String POST_CLOSE_UTC = "2026-11-19T01:00:00Z";
    static final List<String> ORDER_FIELDS = List.of("Id", "SecurityId", "Symbol", "AccountId", "UserId", "Quantity",
            "Price", "StopPrice", "ClientId", "OrigClientId", "ParentClientId", "ExecutedQuantity", "LastPrice",
            "LastQuantity", "LeavesQuantity", "AveragePrice", "Side", "Date", "CreateDate", "TransactionDate",
            "SettDate", "SettlementDate", "Status", "ExecutionStatus", "Type", "InitialType", "RequestStatus", "Target",
            "TransType", "TimeInForce", "ExecInst", "ExpireDate", "Description", "Comment", "CounterPartyOrderId",
            "RequestId", "StateId", "ParentId", "ParentRequestId", "Legs", "Exchange", "ExecutionVenue", "ExecBrocker",
            "ExecId", "LastMarket", "ExtendedHours", "IsExternal", "ExecutionInstructions", "TrailingStopAmount",
            "TrailingStopAmountType", "TrailingLimitAmount", "TrailingLimitAmountType", "Token", "ValidationsToBypass",
            // then the properties only the vendor spec defines, in its order
            "AccountHolderName", "AccountName", "BrokerServiceCommission", "ClearingAccount", "ContingentDirection",
            "ContingentPriceType", "ContingentSecurityId", "ContingentSymbol", "ContingentThreshold", "Currency",
            "Cusip", "ErrorDescriptionText", "ExecInstNum", "LocateRefId", "Name", "Precision", "QuantityQualifier",
            "ReinvestAction", "SecurityType", "UnderlyingExpirationDate", "UnderlyingExpirationType", "UnderlyingId",
            "UnderlyingOptionType", "UnderlyingStrike", "UnderlyingSymbol", "UserName", "VolumePrecision");
    /** The verify answers' spec-only keys that Crater has values for (OrderPreviewResource). */
    static final List<String> VERIFY_SPEC_FIELDS = List.of("CommissionRates", "CurrencyRate", "InitialMarginRate",
            "MaintenanceMarginRate", "MarginRate");
    static final String DATE_TIME = "\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}(\\.\\d{1,7})?Z";

    abstract StoreKind store();

    TestServer server;
    OrdersHarness h;

    @BeforeAll
    void start() {
        server = TestServer.start(store());
        server.clock.set(WEDNESDAY_11AM_NEW_YORK);
        h = new OrdersHarness(server);
        h.prefund(Map.of(OrdersHarness.MARGIN, 48, OrdersHarness.COMMISSIONS, 5,
                OrdersHarness.plain(MarginType.Cash), 2, OrdersHarness.plain(MarginType.MarginIra), 2,
                OrdersHarness.plain(MarginType.DayTrader), 1));
    }

    @AfterAll
    void stop() {
        if (server != null) {
            server.close();
        }
    }

    @BeforeEach
    void freshQuotes() {
        h.nextSecond();
    }

    // ---- helpers -------------------------------------------------------------------------------

    Trader withCommissions() {
        return h.trader(OrdersHarness.COMMISSIONS);
    }

    static BigDecimal px(String s) {
        return new BigDecimal(s);
    }

    BigDecimal last(String symbol) {
        return h.quote(symbol).last();
    }

    static BigDecimal plus(BigDecimal p, String d) {
        return p.add(new BigDecimal(d)).setScale(2, RoundingMode.HALF_EVEN);
    }

    static void assertModelState(Http.Response r, String key) {
        assertThat(r.status()).as(r.body()).isEqualTo(422);
        JsonNode j = r.json();
        assertThat(j.get("Message").asText()).isEqualTo(VALIDATION);
        assertThat(fieldNames(j.get("ModelState"))).as(r.body()).containsExactly(key);
        assertThat(j.get("ModelState").get(key).isArray()).isTrue();
        assertThat(j.get("ModelState").get(key).get(0).asText()).isNotBlank();
    }

    static long id(JsonNode order) {
        return order.get("Id").asLong();
    }

    // ---- Market, Limit, Stop, StopLimit, TrailingStop, TrailingStopLimit -------------------------

    @Test
    void marketOrderFillsAtTheAskAndReadsBackAsTheDocumentedOrderResource() {
        Trader t = h.trader();
        Quote q = h.quote("AAPL");
        JsonNode o = t.place(market("AAPL", "Buy", 10));
        assertThat(fieldNames(o)).containsExactlyElementsOf(ORDER_FIELDS);
        assertThat(o.get("Id").isIntegralNumber()).isTrue();
        assertThat(o.get("SecurityId").asInt()).isEqualTo(4);
        assertThat(o.get("Symbol").asText()).isEqualTo("AAPL");
        assertThat(o.get("AccountId").asLong()).isEqualTo(t.accountId());
        assertThat(o.get("UserId").asLong()).isEqualTo(t.user().id());
        assertThat(o.get("Type").asText()).isEqualTo("Market");
        assertThat(o.get("InitialType").asText()).isEqualTo("Market");
        assertThat(o.get("Side").asText()).isEqualTo("Buy");
        assertThat(o.get("TimeInForce").asText()).isEqualTo("Day");
        assertThat(o.get("Status").asText()).isEqualTo("Filled");
        assertThat(o.get("ExecutionStatus").asText()).isEqualTo("Filled");
        assertThat(o.get("RequestStatus").asText()).isEqualTo("Complete");
        assertThat(dec(o.get("Quantity"))).isEqualByComparingTo("10");
        assertThat(dec(o.get("ExecutedQuantity"))).isEqualByComparingTo("10");
        assertThat(dec(o.get("LeavesQuantity"))).isEqualByComparingTo("0");
        // A buy fills at the ask of the current quote.
        assertThat(dec(o.get("AveragePrice"))).isEqualByComparingTo(q.ask());
        assertThat(dec(o.get("LastPrice"))).isEqualByComparingTo(q.ask());
        assertThat(dec(o.get("LastQuantity"))).isEqualByComparingTo("10");
        assertThat(dec(o.get("Price"))).isEqualByComparingTo("0");
        assertThat(dec(o.get("StopPrice"))).isEqualByComparingTo("0");
        // No instruction: the spec's enum name (the docs' example shows 0), and the spec's number beside it.
        assertThat(o.get("ExecInst").asText()).isEqualTo("None");
        assertThat(o.get("ExecInstNum").asLong()).isZero();
        assertThat(o.get("ExpireDate").asText()).isEqualTo(CLOSE_UTC);
        assertThat(o.get("SettDate").asText()).isEqualTo("2026-11-19T00:00:00Z");
        assertThat(o.get("SettlementDate").asText()).isEqualTo("2026-11-19T00:00:00Z");
        assertThat(o.get("CreateDate").asText()).matches(DATE_TIME);
        assertThat(o.get("ParentId").asLong()).isEqualTo(-1);
        assertThat(o.get("Legs").isArray()).isTrue();
        assertThat(o.get("Legs")).isEmpty();
        assertThat(o.get("Exchange").asText()).isEqualTo("Auto");
        assertThat(o.get("ExecutionInstructions").has("CreateOrderRequestTimeUnix")).isTrue();
        // The spec-only properties Crater has values for: the security's, the account's and the user's.
        assertThat(o.get("Name").asText()).isEqualTo("AAPL");
        assertThat(o.get("Currency").asText()).isEqualTo("USD");
        assertThat(o.get("SecurityType").asText()).isEqualTo("CommonStock");
        assertThat(o.get("Precision").isInt()).isTrue();
        assertThat(o.get("QuantityQualifier").asText()).isEqualTo("Shares");
        assertThat(o.get("ClearingAccount").asText()).isEqualTo(String.valueOf(t.accountId()));
        assertThat(o.get("UserName").asText()).isEqualTo(t.user().username());
        assertThat(o.get("AccountHolderName").asText()).isEqualTo("Test User");
        assertThat(dec(o.get("BrokerServiceCommission"))).isEqualByComparingTo("0");
        assertThat(o.get("UnderlyingSymbol").isNull()).as("an equity has no underlying").isTrue();

        // Get and list answer the same resource.
        assertThat(t.order(id(o))).isEqualTo(o);
        JsonNode list = t.get("orders?pageNumber=0&pageSize=10").json();
        assertThat(list.get("TotalCount").asInt()).isEqualTo(1);
        assertThat(list.get("Result").get(0)).isEqualTo(o);
        assertThat(t.position("AAPL")).isEqualByComparingTo("10");
    }

    @Test
    void s3PythonSampleBodyThenStatusByName() {
        Trader t = h.trader();
        Http.Response placed = t.post("orders", "{\"Symbol\": \"AAPL\", \"Type\": \"Market\", \"Side\": \"Buy\", \"Quantity\": 100}");
        assertThat(placed.status()).isEqualTo(200);
        long id = placed.json().get("Id").asLong();
        JsonNode status = t.get("orders/" + id).json().get("Status");
        assertThat(status.isTextual()).isTrue();
        assertThat(status.asText()).isIn("PendingNew", "New", "PartiallyFilled", "Filled");
        t.awaitStatus(id, "Filled");
    }

    /** The S3 CURL twin exactly as documented: a trailing comma before "}" and the non-enum "GTC". */
    static final String S3_CURL_BODY = "{\"Symbol\": \"AAPL\", \"ExpireDate\": \"2019-12-20T10:07:59.181Z\", "
            + "\"Type\": \"TrailingStopLimit\", \"Side\": \"Buy\", \"ExecInst\": \"AllOrNone\", \"TimeInforce\": \"GTC\", "
            + "\"Quantity\": 1, \"Exchange\": \"XNAS\", \"TrailingLimitAmountType\": \"Absolute\", "
            + "\"TrailingLimitAmount\": 4, \"ExtendedHours\": \"REGPOST\", \"TrailingStopAmountType\": \"Absolute\", "
            + "\"TrailingStopAmount\": 10,}";

    @Test
    void s3CurlTwinIsReadLenientlyAndTakenAsSent() {
        Trader t = h.trader();
        BigDecimal lastPrice = last("AAPL");
        // Lenient JSON (the trailing comma) and the "GTC" alias are read; a TrailingStopLimit has a limit
        // price, so REGPOST (extended hours) is allowed for it.
        JsonNode exact = t.place(S3_CURL_BODY);
        assertThat(exact.get("Type").asText()).isEqualTo("TrailingStopLimit");
        assertThat(exact.get("TimeInForce").asText()).isEqualTo("GoodTillCancel");
        assertThat(exact.get("ExtendedHours").asText()).isEqualTo("REGPOST");
        assertThat(exact.get("ExecInst").asText()).isEqualTo("AllOrNone");
        assertThat(exact.get("ExecInstNum").asLong()).as("AllOrNone's FIX flag").isEqualTo(65536);
        assertThat(dec(exact.get("StopPrice"))).isEqualByComparingTo(lastPrice.add(BigDecimal.TEN));
        assertThat(t.verify(S3_CURL_BODY).get("IsSuccessful").asBoolean()).isTrue();
        assertThat(t.delete("orders/" + id(exact)).status()).isEqualTo(204);
        // Extended hours still need a limit price: not for Stop, TrailingStop or Market orders.
        t.refused(S3_CURL_BODY.replace("TrailingStopLimit", "TrailingStop"), "ExtendedHoursLimitOnly");

        // The same body without ExtendedHours is taken as sent.
        String body = S3_CURL_BODY.replace("\"ExtendedHours\": \"REGPOST\", ", "");
        JsonNode o = t.place(body);
        assertThat(o.get("Type").asText()).isEqualTo("TrailingStopLimit");
        assertThat(o.get("TimeInForce").asText()).isEqualTo("GoodTillCancel");
        assertThat(o.get("ExecInst").asText()).isEqualTo("AllOrNone");
        assertThat(o.get("Exchange").asText()).isEqualTo("XNAS");
        assertThat(o.get("Status").asText()).isEqualTo("New");
        assertThat(dec(o.get("TrailingStopAmount"))).isEqualByComparingTo("10");
        assertThat(o.get("TrailingStopAmountType").asText()).isEqualTo("Absolute");
        assertThat(dec(o.get("TrailingLimitAmount"))).isEqualByComparingTo("4");
        assertThat(o.get("TrailingLimitAmountType").asText()).isEqualTo("Absolute");
        // A buy trailing stop starts at the last price plus the amount; GTC ignores the 2019 ExpireDate.
        assertThat(dec(o.get("StopPrice"))).isEqualByComparingTo(lastPrice.add(BigDecimal.TEN));
        assertThat(o.get("ExpireDate").isNull()).isTrue();
        assertThat(t.delete("orders/" + id(o)).status()).isEqualTo(204);
    }

    @Test
    void s3CurlTwinExactlyAsDocumentedPlacesAnOrder() {
        Trader t = h.trader();
        Http.Response r = t.post("orders", S3_CURL_BODY);
        assertThat(r.status()).isEqualTo(200);
        assertThat(r.json().has("Id")).as(r.body()).isTrue();
    }

    @Test
    void limitOrderRestsThenFillsAtTheQuoteWhenThePriceCrosses() {
        Trader t = h.trader();
        BigDecimal p0 = last("KO");
        BigDecimal limitPrice = plus(p0, "-5");
        JsonNode o = t.place(limit("KO", "Buy", 10, limitPrice));
        assertThat(o.get("Status").asText()).isEqualTo("New");
        assertThat(o.get("RequestStatus").asText()).isEqualTo("Executing");
        assertThat(dec(o.get("Price"))).isEqualByComparingTo(limitPrice);
        assertThat(dec(o.get("LeavesQuantity"))).isEqualByComparingTo("10");
        assertThat(dec(o.get("ExecutedQuantity"))).isEqualByComparingTo("0");
        assertThat(o.get("SettDate").asText()).isEqualTo("0001-01-01T00:00:00Z");
        assertThat(t.info().get("pendingOrdersCount").asInt()).isEqualTo(1);

        h.nextSecond();
        assertThat(t.order(id(o)).get("Status").asText()).as("still above the limit").isEqualTo("New");

        h.setPrice("KO", plus(p0, "-8").toPlainString());
        JsonNode filled = t.awaitStatus(id(o), "Filled");
        BigDecimal avg = dec(filled.get("AveragePrice"));
        // At the quote, not at the limit: the price improvement goes to the client.
        assertThat(avg).isLessThanOrEqualTo(limitPrice);
        assertThat(avg.subtract(plus(p0, "-8")).abs()).isLessThan(new BigDecimal("0.5"));
        assertThat(dec(filled.get("LeavesQuantity"))).isEqualByComparingTo("0");
        assertThat(filled.get("ExecId").asText()).isNotBlank();
        assertThat(t.position("KO")).isEqualByComparingTo("10");
        assertThat(t.cash()).isEqualByComparingTo(OrdersHarness.HUNDRED_K.subtract(avg.multiply(BigDecimal.TEN)));
        assertThat(t.info().get("pendingOrdersCount").asInt()).isZero();
    }

    @Test
    void stopOrderTriggersOnTheLastPriceAndSellsAtTheBid() {
        Trader t = h.trader();
        t.place(market("IBM", "Buy", 10));
        BigDecimal p0 = last("IBM");
        JsonNode stop = t.place(json("Symbol", "IBM", "Type", "Stop", "Side", "Sell", "Quantity", 10, "StopPrice",
                plus(p0, "-20")));
        assertThat(stop.get("Status").asText()).isEqualTo("New");
        assertThat(dec(stop.get("StopPrice"))).isEqualByComparingTo(plus(p0, "-20"));
        assertThat(dec(stop.get("Price"))).isEqualByComparingTo("0");

        h.setPrice("IBM", plus(p0, "-10").toPlainString());
        h.nextSecond();
        assertThat(t.order(id(stop)).get("Status").asText()).as("above the stop").isEqualTo("New");

        h.setPrice("IBM", plus(p0, "-40").toPlainString());
        JsonNode filled = t.awaitStatus(id(stop), "Filled");
        assertThat(filled.get("Type").asText()).isEqualTo("Stop");
        assertThat(dec(filled.get("AveragePrice")).subtract(plus(p0, "-40")).abs()).isLessThan(new BigDecimal("1"));
        assertThat(t.position("IBM")).isEqualByComparingTo("0");
    }

    @Test
    void stopLimitTriggersThenFillsOnlyWithinItsLimit() {
        Trader t = h.trader();
        BigDecimal p0 = last("CVX");
        JsonNode o = t.place(json("Symbol", "CVX", "Type", "StopLimit", "Side", "Buy", "Quantity", 5, "StopPrice",
                plus(p0, "10"), "Price", plus(p0, "12")));
        assertThat(o.get("Status").asText()).isEqualTo("New");
        assertThat(dec(o.get("StopPrice"))).isEqualByComparingTo(plus(p0, "10"));
        assertThat(dec(o.get("Price"))).isEqualByComparingTo(plus(p0, "12"));

        h.setPrice("CVX", plus(p0, "11").toPlainString());
        JsonNode filled = t.awaitStatus(id(o), "Filled");
        assertThat(dec(filled.get("AveragePrice"))).isLessThanOrEqualTo(plus(p0, "12"))
                .isGreaterThanOrEqualTo(plus(p0, "10"));
        assertThat(t.position("CVX")).isEqualByComparingTo("5");
    }

    @Test
    void trailingStopFollowsTheBestPriceThenTriggers() {
        Trader t = h.trader();
        t.place(market("XOM", "Buy", 10));
        BigDecimal p0 = last("XOM");
        JsonNode o = t.place(json("Symbol", "XOM", "Type", "TrailingStop", "Side", "Sell", "Quantity", 10,
                "TrailingStopAmount", 5, "TrailingStopAmountType", "Absolute", "TimeInforce", "GoodTillCancel"));
        assertThat(o.get("Status").asText()).isEqualTo("New");
        assertThat(dec(o.get("StopPrice"))).as("last − amount").isEqualByComparingTo(p0.subtract(new BigDecimal("5")));
        assertThat(dec(o.get("TrailingStopAmount"))).isEqualByComparingTo("5");

        // Up 10: the stop follows to about p0 + 5 ...
        h.setPrice("XOM", plus(p0, "10").toPlainString());
        h.nextSecond();
        assertThat(t.order(id(o)).get("Status").asText()).isEqualTo("New");
        // ... so a fall to p0 + 2 (far above the initial stop) triggers it.
        h.setPrice("XOM", plus(p0, "2").toPlainString());
        JsonNode filled = t.awaitStatus(id(o), "Filled");
        assertThat(dec(filled.get("AveragePrice"))).isGreaterThan(p0);
        assertThat(t.position("XOM")).isEqualByComparingTo("0");
    }

    @Test
    void trailingStopPriceShownFollowsTheMarket() {
        Trader t = h.trader();
        t.place(market("MCD", "Buy", 10));
        BigDecimal p0 = last("MCD");
        JsonNode o = t.place(json("Symbol", "MCD", "Type", "TrailingStop", "Side", "Sell", "Quantity", 10,
                "TrailingStopAmount", 5, "TimeInforce", "GTC"));
        h.setPrice("MCD", plus(p0, "10").toPlainString());
        h.nextSecond();
        assertThat(last("MCD")).isGreaterThan(plus(p0, "9"));
        // The stop follows the best last price: about p0 + 10 − 5.
        t.awaitOrder(id(o), x -> dec(x.get("StopPrice")).compareTo(plus(p0, "4")) >= 0, "its stop to follow the price");
    }

    @Test
    void trailingStopLimitInPercentStartsFromTheLastPrice() {
        Trader t = h.trader();
        BigDecimal p0 = last("AAPL");
        JsonNode o = t.place(json("Symbol", "AAPL", "Type", "TrailingStopLimit", "Side", "Buy", "Quantity", 2,
                "TrailingStopAmount", 5, "TrailingStopAmountType", "Persentage", "TrailingLimitAmount", 1,
                "TrailingLimitAmountType", "Absolute"));
        assertThat(o.get("TrailingStopAmountType").asText()).isEqualTo("Persentage");
        // Buy stops round up to the tick: last × 1.05.
        BigDecimal expected = p0.multiply(new BigDecimal("1.05")).setScale(2, RoundingMode.CEILING);
        assertThat(dec(o.get("StopPrice"))).isEqualByComparingTo(expected);
        JsonNode v = t.verify(json("Symbol", "AAPL", "Type", "TrailingStopLimit", "Side", "Buy", "Quantity", 2,
                "TrailingStopAmount", 10, "TrailingStopAmountType", "Absolute", "TrailingLimitAmount", 4,
                "TrailingLimitAmountType", "Absolute"));
        assertThat(v.get("IsSuccessful").asBoolean()).as(v.toString()).isTrue();
        // Reserved at its limit: last + 10 + 4 per share.
        assertThat(dec(v.get("Cost"))).isEqualByComparingTo(p0.add(new BigDecimal("14")).multiply(new BigDecimal("2")));
        t.refused(json("Symbol", "AAPL", "Type", "TrailingStop", "Side", "Buy", "Quantity", 1), "TrailingAmountInvalid");
        t.refused(json("Symbol", "AAPL", "Type", "TrailingStop", "Side", "Buy", "Quantity", 1, "TrailingStopAmount",
                100, "TrailingStopAmountType", "Persentage"), "TrailingAmountInvalid");
    }

    @Test
    void everyOrderTypeVerifiesPlacesAndListsWithItsPrices() {
        Trader t = h.trader();
        t.place(market("AAPL", "Buy", 3));
        Quote q = h.quote("AAPL");
        BigDecimal p = q.last();
        Map<String, String> bodies = new java.util.LinkedHashMap<>();
        bodies.put("Market", market("AAPL", "Buy", 2));
        bodies.put("Limit", limit("AAPL", "Buy", 2, plus(p, "-40")));
        bodies.put("Stop", json("Symbol", "AAPL", "Type", "Stop", "Side", "Buy", "Quantity", 2, "StopPrice",
                plus(p, "40")));
        bodies.put("StopLimit", json("Symbol", "AAPL", "Type", "StopLimit", "Side", "Buy", "Quantity", 2, "StopPrice",
                plus(p, "40"), "Price", plus(p, "41")));
        bodies.put("TrailingStop", json("Symbol", "AAPL", "Type", "TrailingStop", "Side", "Sell", "Quantity", 1,
                "TrailingStopAmount", 3));
        bodies.put("TrailingStopLimit", json("Symbol", "AAPL", "Type", "TrailingStopLimit", "Side", "Sell", "Quantity",
                1, "TrailingStopAmount", 3, "TrailingLimitAmount", 1));
        // What verify costs each at: the ask, the limit, the stop, the stop-limit's limit, the trailing stop/limit.
        Map<String, BigDecimal> cost = Map.of("Market", q.ask().multiply(new BigDecimal("2")),
                "Limit", plus(p, "-40").multiply(new BigDecimal("2")),
                "Stop", plus(p, "40").multiply(new BigDecimal("2")),
                "StopLimit", plus(p, "41").multiply(new BigDecimal("2")),
                "TrailingStop", plus(p, "-3"),
                "TrailingStopLimit", plus(p, "-4"));
        Map<String, Long> placed = new java.util.LinkedHashMap<>();
        for (Map.Entry<String, String> b : bodies.entrySet()) {
            JsonNode v = t.verify(b.getValue());
            assertThat(v.get("IsSuccessful").asBoolean()).as(b.getKey() + ": " + v).isTrue();
            assertThat(dec(v.get("Cost"))).as(b.getKey()).isEqualByComparingTo(cost.get(b.getKey()));
            JsonNode o = t.place(b.getValue());
            assertThat(o.get("Type").asText()).isEqualTo(b.getKey());
            assertThat(o.get("InitialType").asText()).isEqualTo(b.getKey());
            assertThat(o.get("Status").asText()).as(b.getKey()).isEqualTo(b.getKey().equals("Market") ? "Filled" : "New");
            placed.put(b.getKey(), id(o));
        }
        assertThat(dec(t.order(placed.get("Limit")).get("Price"))).isEqualByComparingTo(plus(p, "-40"));
        assertThat(dec(t.order(placed.get("Stop")).get("StopPrice"))).isEqualByComparingTo(plus(p, "40"));
        JsonNode stopLimit = t.order(placed.get("StopLimit"));
        assertThat(dec(stopLimit.get("StopPrice"))).isEqualByComparingTo(plus(p, "40"));
        assertThat(dec(stopLimit.get("Price"))).isEqualByComparingTo(plus(p, "41"));
        assertThat(dec(t.order(placed.get("TrailingStop")).get("StopPrice"))).isEqualByComparingTo(plus(p, "-3"));
        for (String type : bodies.keySet()) {
            JsonNode list = t.get("orders?pageNumber=0&pageSize=10&filter=" + enc("Type = '" + type + "'")).json();
            assertThat(list.get("TotalCount").asInt()).as(type).isEqualTo(type.equals("Market") ? 2 : 1);
        }
        assertThat(count(t, "Type in (0, 1)")).as("Market and Limit by number").isEqualTo(3);
        assertThat(count(t, "Side = 'Sell'")).isEqualTo(2);
        assertThat(t.info().get("pendingOrdersCount").asInt()).isEqualTo(5);
    }

    @Test
    void aLargeMarketOrderFillsAcrossQuotesWithThePerTradeCommissionOnce() {
        Trader t = withCommissions();
        Quote q = h.quote("F");
        JsonNode o = t.place(market("F", "Buy", 3000));
        assertThat(o.get("Status").asText()).isEqualTo("PartiallyFilled");
        assertThat(dec(o.get("ExecutedQuantity"))).isEqualByComparingTo(BigDecimal.valueOf(q.askSize()));
        JsonNode done = o;
        for (int i = 0; i < 40 && !done.get("Status").asText().equals("Filled"); i++) {
            h.nextSecond();
            try {
                Thread.sleep(30);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            done = t.order(id(o));
        }
        assertThat(done.get("Status").asText()).isEqualTo("Filled");
        List<JsonNode> mine = t.transactions().stream().filter(x -> x.get("OrderStateId").asLong() == id(o)).toList();
        List<JsonNode> executions = mine.stream().filter(x -> x.get("Type").asText().equals("OrderExecution")).toList();
        assertThat(executions.size()).as("several fills").isGreaterThan(1);
        BigDecimal shares = executions.stream().map(x -> dec(x.get("Quantity"))).reduce(BigDecimal.ZERO, BigDecimal::add);
        assertThat(shares).isEqualByComparingTo("3000");
        BigDecimal paid = executions.stream().map(x -> dec(x.get("Value")).negate()).reduce(BigDecimal.ZERO,
                BigDecimal::add);
        // The average price is the volume-weighted price of the fills.
        assertThat(dec(done.get("AveragePrice")).multiply(new BigDecimal("3000")).subtract(paid).abs())
                .isLessThan(new BigDecimal("0.5"));
        List<JsonNode> perTrade = mine.stream().filter(x -> x.has("Fee")
                && x.get("Fee").get("CommissionId").asText().equals("Per Trade Commission")).toList();
        assertThat(perTrade).hasSize(1);
        BigDecimal perShare = mine.stream().filter(x -> x.has("Fee")
                && x.get("Fee").get("CommissionId").asText().equals("Per Contract Commission"))
                .map(x -> dec(x.get("Fee").get("Value"))).reduce(BigDecimal.ZERO, BigDecimal::add);
        assertThat(perShare).isEqualByComparingTo("30");
        assertThat(t.cash()).isEqualByComparingTo(OrdersHarness.HUNDRED_K.subtract(paid).subtract(new BigDecimal("31")));
    }

    // ---- time in force, AllOrNone, sessions ----------------------------------------------------

    @Test
    void timeInForceValuesAndAliases() {
        Trader t = h.trader();
        BigDecimal rest = plus(last("AAPL"), "-50");
        assertThat(t.place(limit("AAPL", "Buy", 1, rest)).get("ExpireDate").asText()).isEqualTo(CLOSE_UTC);
        for (String gtc : List.of("GoodTillCancel", "GTC", "gtc", "1")) {
            JsonNode o = t.place(limit("AAPL", "Buy", 1, rest, "TimeInforce", gtc));
            assertThat(o.get("TimeInForce").asText()).as(gtc).isEqualTo("GoodTillCancel");
            assertThat(o.get("ExpireDate").isNull()).isTrue();
        }
        // Both spellings of the key.
        assertThat(t.place(limit("AAPL", "Buy", 1, rest, "TimeInForce", "GTC")).get("TimeInForce").asText())
                .isEqualTo("GoodTillCancel");
        JsonNode gtd = t.place(limit("AAPL", "Buy", 1, rest, "TimeInforce", "GoodTillDate", "ExpireDate",
                "2030-01-15T21:00:00Z"));
        assertThat(gtd.get("TimeInForce").asText()).isEqualTo("GoodTillDate");
        assertThat(gtd.get("ExpireDate").asText()).isEqualTo("2030-01-15T21:00:00Z");
        assertThat(t.place(limit("AAPL", "Buy", 1, rest, "TimeInforce", "GTD", "ExpireDate",
                "2030-01-15T16:00:00-05:00")).get("ExpireDate").asText()).isEqualTo("2030-01-15T21:00:00Z");
        t.refused(limit("AAPL", "Buy", 1, rest, "TimeInforce", "GoodTillDate", "ExpireDate", "2020-01-15T21:00:00Z"),
                "ExpireDateInvalid");
        t.refused(limit("AAPL", "Buy", 1, rest, "TimeInforce", "GoodTillDate"), "ExpireDateInvalid");
        // The regular session has opened: an at-the-opening order is too late.
        t.refused(limit("AAPL", "Buy", 1, rest, "TimeInforce", "AtTheOpening"), "OpeningPassed");
        t.refused(market("AAPL", "Buy", 1).replace("}", ",\"TimeInforce\":\"OPG\"}"), "OpeningPassed");
        assertModelState(t.post("orders", limit("AAPL", "Buy", 1, rest, "TimeInforce", "GoodTillCrossing")),
                "placeParams.TimeInforce");
        assertModelState(t.post("orders", limit("AAPL", "Buy", 1, rest, "TimeInforce", "Forever")),
                "placeParams.TimeInforce");
    }

    @Test
    void goodTillDateForTomorrowInMarketTimeIsAccepted() {
        Trader t = h.trader();
        JsonNode o = t.place(limit("AAPL", "Buy", 1, plus(last("AAPL"), "-50"), "TimeInforce", "GoodTillDate",
                "ExpireDate", "2026-11-19T21:00:00Z"));
        assertThat(o.get("Status").asText()).isEqualTo("New");
    }

    @Test
    void immediateOrCancelAndFillOrKill() {
        Trader t = h.trader();
        Quote q = h.quote("AAPL");
        JsonNode ioc = t.place(limit("AAPL", "Buy", 1, plus(q.last(), "-50"), "TimeInforce", "ImmediateOrCancel"));
        assertThat(ioc.get("Status").asText()).isEqualTo("Canceled");
        assertThat(ioc.get("Description").asText()).isEqualTo("Canceled: ImmediateOrCancel remainder");
        assertThat(dec(ioc.get("LeavesQuantity"))).isEqualByComparingTo("0");
        JsonNode iocFill = t.place(limit("AAPL", "Buy", 1, plus(q.ask(), "1"), "TimeInforce", "IOC"));
        assertThat(iocFill.get("Status").asText()).isEqualTo("Filled");
        assertThat(dec(iocFill.get("AveragePrice"))).isEqualByComparingTo(q.ask());

        JsonNode fok = t.place(limit("AAPL", "Buy", 1, plus(q.last(), "-50"), "TimeInforce", "FillOrKill"));
        assertThat(fok.get("Status").asText()).isEqualTo("Canceled");
        assertThat(fok.get("Description").asText()).isEqualTo("Canceled: FillOrKill could not fill completely");
        JsonNode fokFill = t.place(market("AAPL", "Buy", 2).replace("}", ",\"TimeInforce\":\"FOK\"}"));
        assertThat(fokFill.get("Status").asText()).isEqualTo("Filled");
        assertThat(fokFill.get("TimeInForce").asText()).isEqualTo("FillOrKill");

        // More than one quote offers: FillOrKill cancels without a fill, IOC fills what is offered.
        Trader big = h.trader();
        Quote f = h.quote("F");
        JsonNode kill = big.place(market("F", "Buy", 3000).replace("}", ",\"TimeInforce\":\"FillOrKill\"}"));
        assertThat(kill.get("Status").asText()).isEqualTo("Canceled");
        assertThat(dec(kill.get("ExecutedQuantity"))).isEqualByComparingTo("0");
        JsonNode part = big.place(market("F", "Buy", 3000).replace("}", ",\"TimeInforce\":\"ImmediateOrCancel\"}"));
        assertThat(part.get("Status").asText()).isEqualTo("Canceled");
        assertThat(dec(part.get("ExecutedQuantity"))).isEqualByComparingTo(BigDecimal.valueOf(f.askSize()));
        assertThat(big.position("F")).isEqualByComparingTo(BigDecimal.valueOf(f.askSize()));
    }

    @Test
    void allOrNoneWaitsForTheWholeQuantityWhereAPlainOrderFillsPartially() {
        Trader aon = h.trader();
        Trader plain = h.trader();
        Quote q = h.quote("F");
        assertThat(q.askSize()).isLessThan(3000);
        JsonNode whole = aon.place(limit("F", "Buy", 3000, plus(q.ask(), "0.5"), "ExecInst", "AllOrNone"));
        assertThat(whole.get("ExecInst").asText()).isEqualTo("AllOrNone");
        assertThat(whole.get("Status").asText()).isEqualTo("New");
        assertThat(dec(whole.get("ExecutedQuantity"))).isEqualByComparingTo("0");

        JsonNode partial = plain.place(limit("F", "Buy", 3000, plus(q.ask(), "0.5")));
        assertThat(partial.get("Status").asText()).isEqualTo("PartiallyFilled");
        assertThat(dec(partial.get("ExecutedQuantity"))).isEqualByComparingTo(BigDecimal.valueOf(q.askSize()));
        assertThat(dec(partial.get("LeavesQuantity"))).isEqualByComparingTo(BigDecimal.valueOf(3000 - q.askSize()));
        assertThat(plain.position("F")).isEqualByComparingTo(BigDecimal.valueOf(q.askSize()));
        assertThat(aon.order(id(whole)).get("Status").asText()).isEqualTo("New");
        assertThat(aon.delete("orders/" + id(whole)).status()).isEqualTo(204);
        assertThat(plain.delete("orders/" + id(partial)).status()).isEqualTo(204);
        JsonNode canceled = plain.order(id(partial));
        assertThat(canceled.get("Status").asText()).isEqualTo("Canceled");
        assertThat(dec(canceled.get("ExecutedQuantity"))).isEqualByComparingTo(BigDecimal.valueOf(q.askSize()));
    }

    @Test
    void extendedHoursSessionsDuringTheRegularSession() {
        Trader t = h.trader();
        BigDecimal rest = plus(last("AAPL"), "-50");
        JsonNode regPost = t.place(limit("AAPL", "Buy", 1, rest, "ExtendedHours", "REGPOST"));
        assertThat(regPost.get("ExtendedHours").asText()).isEqualTo("REGPOST");
        assertThat(regPost.get("ExpireDate").asText()).as("Day order allowing post-market").isEqualTo(POST_CLOSE_UTC);
        JsonNode preReg = t.place(limit("AAPL", "Buy", 1, rest, "ExtendedHours", "PREREG"));
        assertThat(preReg.get("ExpireDate").asText()).isEqualTo(CLOSE_UTC);
        assertThat(t.place(limit("AAPL", "Buy", 1, rest, "ExtendedHours", "REG")).get("Status").asText())
                .isEqualTo("New");
        // Pre-market only: none of its sessions remains today (a Day order), GTC waits for tomorrow.
        t.refused(limit("AAPL", "Buy", 1, rest, "ExtendedHours", "PRE"), "MarketClosedForDayOrder");
        assertThat(t.place(limit("AAPL", "Buy", 1, rest, "ExtendedHours", "PRE", "TimeInforce", "GTC"))
                .get("Status").asText()).isEqualTo("New");
        t.refused(market("AAPL", "Buy", 1).replace("}", ",\"ExtendedHours\":\"REGPOST\"}"), "ExtendedHoursLimitOnly");
        assertModelState(t.post("orders", limit("AAPL", "Buy", 1, rest, "ExtendedHours", "NIGHT")),
                "placeParams.ExtendedHours");
    }

    // ---- conditional orders and spreads --------------------------------------------------------

    @Test
    void oneCancelsOtherFillOfOneLegCancelsTheOther() {
        Trader t = h.trader();
        t.place(market("JNJ", "Buy", 10));
        BigDecimal p0 = last("JNJ");
        JsonNode root = t.place(write(map("Symbol", "", "Type", "OneCancelOther", "Legs", List.of(
                map("Symbol", "JNJ", "Type", "Limit", "Side", "Sell", "Quantity", 10, "Price", plus(p0, "20")),
                map("Symbol", "JNJ", "Type", "Stop", "Side", "Sell", "Quantity", 10, "StopPrice", plus(p0, "-20"))))));
        assertThat(root.get("Type").asText()).isEqualTo("OneCancelOther");
        assertThat(root.get("Symbol").asText()).isEmpty();
        assertThat(root.get("Status").asText()).isEqualTo("New");
        JsonNode legs = root.get("Legs");
        assertThat(legs).hasSize(2);
        for (JsonNode leg : legs) {
            assertThat(fieldNames(leg)).containsExactlyElementsOf(ORDER_FIELDS);
            assertThat(leg.get("ParentId").asLong()).isEqualTo(id(root));
            assertThat(leg.get("Status").asText()).isEqualTo("New");
            assertThat(leg.get("Symbol").asText()).isEqualTo("JNJ");
        }
        long takeProfit = id(legs.get(0));
        long stopLoss = id(legs.get(1));
        assertThat(t.order(takeProfit).get("ParentId").asLong()).as("a leg by id").isEqualTo(id(root));
        // Only the root is listed; its legs are nested.
        JsonNode list = t.get("orders?pageNumber=0&pageSize=10&sortField=Id&desc=true").json();
        assertThat(list.get("TotalCount").asInt()).isEqualTo(2);
        assertThat(list.get("Result").get(0).get("Legs")).hasSize(2);

        h.setPrice("JNJ", plus(p0, "25").toPlainString());
        t.awaitStatus(takeProfit, "Filled");
        assertThat(t.awaitStatus(stopLoss, "Canceled").get("Status").asText()).isEqualTo("Canceled");
        JsonNode done = t.awaitStatus(id(root), "Filled");
        assertThat(done.get("Legs").get(0).get("Status").asText()).isEqualTo("Filled");
        assertThat(done.get("Legs").get(1).get("Status").asText()).isEqualTo("Canceled");
        assertThat(t.position("JNJ")).isEqualByComparingTo("0");
    }

    @Test
    void oneTriggersOtherActivatesTheSecondLegWhenTheFirstFills() {
        Trader t = h.trader();
        BigDecimal p0 = last("WMT");
        JsonNode root = t.place(write(map("Symbol", "", "Type", "OneTriggerOther", "Legs", List.of(
                map("Symbol", "WMT", "Type", "Limit", "Side", "Buy", "Quantity", 10, "Price", plus(p0, "-5")),
                map("Symbol", "WMT", "Type", "Limit", "Side", "Sell", "Quantity", 10, "Price", plus(p0, "30"))))));
        assertThat(root.get("Type").asText()).isEqualTo("OneTriggerOther");
        long trigger = id(root.get("Legs").get(0));
        long dependent = id(root.get("Legs").get(1));
        assertThat(root.get("Legs").get(0).get("Status").asText()).isEqualTo("New");
        assertThat(root.get("Legs").get(1).get("Status").asText()).isEqualTo("Suspended");

        h.setPrice("WMT", plus(p0, "-8").toPlainString());
        t.awaitStatus(trigger, "Filled");
        t.awaitStatus(dependent, "New");
        assertThat(t.position("WMT")).isEqualByComparingTo("10");
        // Canceling the root cancels what is left of the group.
        assertThat(t.delete("orders/" + id(root)).status()).isEqualTo(204);
        t.awaitStatus(dependent, "Canceled");
        assertThat(t.order(id(root)).get("Status").asText()).isEqualTo("Canceled");
        assertThat(t.position("WMT")).isEqualByComparingTo("10");
    }

    @Test
    void oneTriggersOneCancelsOtherHasThreeLegsAndCancelsAsAGroup() {
        Trader t = h.trader();
        BigDecimal p0 = last("AAPL");
        JsonNode root = t.place(write(map("Symbol", "", "Type", "OneTriggerOneCancelOther", "Legs", List.of(
                map("Symbol", "AAPL", "Type", "Limit", "Side", "Buy", "Quantity", 5, "Price", plus(p0, "-40")),
                map("Symbol", "AAPL", "Type", "Limit", "Side", "Sell", "Quantity", 5, "Price", plus(p0, "40")),
                map("Symbol", "AAPL", "Type", "Stop", "Side", "Sell", "Quantity", 5, "StopPrice", plus(p0, "-60"))))));
        assertThat(root.get("Type").asText()).isEqualTo("OneTriggerOneCancelOther");
        assertThat(root.get("Legs")).hasSize(3);
        assertThat(root.get("Legs").get(0).get("Status").asText()).isEqualTo("New");
        assertThat(root.get("Legs").get(1).get("Status").asText()).isEqualTo("Suspended");
        assertThat(root.get("Legs").get(2).get("Status").asText()).isEqualTo("Suspended");
        // Verify takes the same body.
        JsonNode v = t.verify(write(map("Symbol", "", "Type", "OTOCO", "Legs", List.of(
                map("Symbol", "AAPL", "Type", "Limit", "Side", "Buy", "Quantity", 5, "Price", plus(p0, "-40")),
                map("Symbol", "AAPL", "Type", "Limit", "Side", "Sell", "Quantity", 5, "Price", plus(p0, "40")),
                map("Symbol", "AAPL", "Type", "Stop", "Side", "Sell", "Quantity", 5, "StopPrice", plus(p0, "-60"))))));
        assertThat(v.get("IsSuccessful").asBoolean()).as(v.toString()).isTrue();
        assertThat(t.delete("orders/" + id(root)).status()).isEqualTo(204);
        JsonNode canceled = t.awaitStatus(id(root), "Canceled");
        for (JsonNode leg : canceled.get("Legs")) {
            assertThat(leg.get("Status").asText()).isEqualTo("Canceled");
        }
        assertThat(t.delete("orders/" + id(root)).status()).isEqualTo(409);
    }

    @Test
    void cancelingOneLegCancelsTheWholeGroup() {
        Trader t = h.trader();
        BigDecimal p0 = last("AAPL");
        JsonNode root = t.place(write(map("Symbol", "", "Type", "OCO", "Legs", List.of(
                map("Symbol", "AAPL", "Type", "Limit", "Side", "Buy", "Quantity", 1, "Price", plus(p0, "-40")),
                map("Symbol", "AAPL", "Type", "Stop", "Side", "Buy", "Quantity", 1, "StopPrice", plus(p0, "40"))))));
        long leg = id(root.get("Legs").get(0));
        assertThat(t.delete("orders/" + leg).status()).isEqualTo(204);
        JsonNode after = t.awaitStatus(id(root), "Canceled");
        assertThat(after.get("Legs").get(0).get("Status").asText()).isEqualTo("Canceled");
        assertThat(after.get("Legs").get(1).get("Status").asText()).isEqualTo("Canceled");
        assertThat(t.info().get("pendingOrdersCount").asInt()).isZero();
    }

    @Test
    void aLegThatCanBeReplacedCanBePreviewedAndValidated() {
        Trader t = h.trader();
        BigDecimal p0 = last("AAPL");
        JsonNode root = t.place(write(map("Symbol", "", "Type", "OneCancelOther", "Legs", List.of(
                map("Symbol", "AAPL", "Type", "Limit", "Side", "Buy", "Quantity", 1, "Price", plus(p0, "-40")),
                map("Symbol", "AAPL", "Type", "Stop", "Side", "Buy", "Quantity", 1, "StopPrice", plus(p0, "40"))))));
        long leg = id(root.get("Legs").get(0));
        Http.Response replaced = t.put("orders/" + leg, json("Id", leg, "Price", plus(p0, "-41")));
        assertThat(replaced.status()).as(replaced.body()).isEqualTo(200);
        Http.Response preview = t.put("preview/orders/" + leg, json("Id", leg, "Price", plus(p0, "-42")));
        assertThat(preview.status()).as(preview.body()).isEqualTo(200);
        assertThat(preview.json().get("IsSuccessful").asBoolean()).isTrue();
        Http.Response validated = t.get("verified/orders/" + leg);
        assertThat(validated.status()).as(validated.body()).isEqualTo(200);
    }

    @Test
    void conditionalLegRules() {
        Trader t = h.trader();
        BigDecimal p0 = last("AAPL");
        t.refused(write(map("Symbol", "", "Type", "OneCancelOther", "Legs", List.of(
                map("Symbol", "AAPL", "Type", "Market", "Side", "Buy", "Quantity", 1),
                map("Symbol", "AAPL", "Type", "Market", "Side", "Buy", "Quantity", 1)))), "LegsInvalid");
        t.refused(write(map("Symbol", "", "Type", "OneTriggerOther", "Legs", List.of(
                map("Symbol", "AAPL", "Type", "Market", "Side", "Buy", "Quantity", 1),
                map("Symbol", "AAPL", "Type", "Limit", "Side", "Sell", "Quantity", 1, "Price", plus(p0, "40"))))),
                "LegsInvalid");
        t.refused(write(map("Symbol", "", "Type", "OneTriggerOneCancelOther", "Legs", List.of(
                map("Symbol", "AAPL", "Type", "Limit", "Side", "Buy", "Quantity", 1, "Price", plus(p0, "-40")),
                map("Symbol", "AAPL", "Type", "Limit", "Side", "Sell", "Quantity", 1, "Price", plus(p0, "40"))))),
                "LegsInvalid");
        t.refused(write(map("Symbol", "", "Type", "OneCancelOther", "Legs", List.of(
                map("Symbol", "AAPL", "Type", "Limit", "Side", "Buy", "Quantity", 1, "Price", plus(p0, "-40"),
                        "TimeInforce", "IOC"),
                map("Symbol", "AAPL", "Type", "Limit", "Side", "Buy", "Quantity", 1, "Price", plus(p0, "-41"))))),
                "TimeInForceInvalid");
        assertModelState(t.post("orders", write(map("Symbol", "", "Type", "OneCancelOther", "Legs", List.of(
                map("Symbol", "AAPL", "Type", "Limit", "Side", "Buy", "Quantity", 1, "Price", plus(p0, "-40")),
                map("Type", "Limit", "Side", "Buy", "Quantity", 1, "Price", plus(p0, "-41")))))),
                "placeParams.Legs[1].Symbol");
        assertThat(t.get("orders?pageNumber=0&pageSize=10").json().get("TotalCount").asInt()).isZero();
    }

    /** Two call strikes of AAPL's nearest expiration, from the documented option chain. */
    List<String> callSpread(Trader t) {
        JsonNode chain = Http.get(server.api() + "v1.0/options/optionChain/AAPL", t.headers()).json();
        JsonNode first = chain.get("Expirations").get(0);
        BigDecimal central = dec(first.get("CentralStrike"));
        List<String> calls = new ArrayList<>();
        for (JsonNode o : first.get("Options")) {
            if (o.get("OptionType").asText().equals("Call") && dec(o.get("StrikePrice")).compareTo(central) >= 0) {
                calls.add(o.get("Symbol").asText());
            }
        }
        assertThat(calls.size()).isGreaterThanOrEqualTo(2);
        return calls.subList(0, 2);
    }

    @Test
    void optionSpreadLegsAsDocumentedOnlySymbolQuantitySide() {
        Trader t = h.trader();
        List<String> legs = callSpread(t);
        Http.Response r = t.post("orders", write(map("Symbol", "", "Type", "Limit", "Price", 50, "Quantity", 1,
                "TimeInForce", "Day", "Legs", List.of(map("Symbol", legs.get(0), "Quantity", 1, "Side", "Buy"),
                        map("Symbol", legs.get(1), "Quantity", 1, "Side", "SellShort")))));
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        assertThat(r.json().get("Id").isIntegralNumber()).as(r.body()).isTrue();
    }

    @Test
    void twoLegOptionSpreadFillsAllLegsTogetherWithPerContractCommission() {
        Trader t = withCommissions();
        List<String> legs = callSpread(t);
        // Legs typed as well (a Type on a spread leg is accepted; the documented bare legs are tested above).
        String body = write(map("Symbol", "", "Type", "Limit", "Price", 50, "Quantity", 2, "Legs", List.of(
                map("Symbol", legs.get(0), "Type", "Market", "Quantity", 2, "Side", "Buy"),
                map("Symbol", legs.get(1), "Type", "Market", "Quantity", 2, "Side", "SellShort"))));
        JsonNode root = t.place(body);
        assertThat(root.get("Symbol").asText()).isEmpty();
        assertThat(root.get("Status").asText()).isEqualTo("Filled");
        assertThat(root.get("Legs")).hasSize(2);
        JsonNode buyLeg = root.get("Legs").get(0);
        JsonNode sellLeg = root.get("Legs").get(1);
        assertThat(buyLeg.get("Symbol").asText()).isEqualTo(legs.get(0));
        assertThat(buyLeg.get("Status").asText()).isEqualTo("Filled");
        assertThat(sellLeg.get("Side").asText()).isEqualTo("SellShort");
        // Net debit per spread = long leg's price − short leg's price.
        assertThat(dec(root.get("AveragePrice"))).isEqualByComparingTo(
                dec(buyLeg.get("AveragePrice")).subtract(dec(sellLeg.get("AveragePrice"))));
        assertThat(dec(root.get("AveragePrice"))).isLessThanOrEqualTo(new BigDecimal("50"));
        assertThat(t.position(legs.get(0))).isEqualByComparingTo("2");
        assertThat(t.position(legs.get(1))).isEqualByComparingTo("-2");
        BigDecimal value = dec(root.get("AveragePrice")).multiply(new BigDecimal("200"));
        assertThat(t.cash()).isEqualByComparingTo(OrdersHarness.HUNDRED_K.subtract(value).subtract(new BigDecimal("3.6")));
        // Verify answers the per-trade commission once and the per-contract one per leg contract.
        JsonNode v = t.verify(body);
        assertThat(v.get("IsSuccessful").asBoolean()).as(v.toString()).isTrue();
        assertThat(dec(v.get("Commissions").get("Per Trade Commission"))).isEqualByComparingTo("1");
        // 0.65 per contract, 2 legs × 2 contracts.
        assertThat(dec(v.get("Commissions").get("Per Contract Commission"))).isEqualByComparingTo("2.6");
        assertThat(dec(v.get("Commission"))).isEqualByComparingTo("3.6");
        assertThat(v.get("Quotes")).hasSize(2);
        // Spreads: Market or Limit roots only, 2-4 distinct legs.
        t.refused(write(map("Symbol", "", "Type", "Stop", "StopPrice", 5, "Quantity", 1, "Legs", List.of(
                map("Symbol", legs.get(0), "Type", "Market", "Quantity", 1, "Side", "Buy"),
                map("Symbol", legs.get(1), "Type", "Market", "Quantity", 1, "Side", "SellShort")))), "LegsInvalid");
        t.refused(write(map("Symbol", "", "Type", "Limit", "Price", 5, "Quantity", 1, "Legs", List.of(
                map("Symbol", legs.get(0), "Type", "Market", "Quantity", 1, "Side", "Buy"),
                map("Symbol", legs.get(0), "Type", "Market", "Quantity", 1, "Side", "Buy")))), "LegsInvalid");
    }

    // ---- validation: 422 ModelState --------------------------------------------------------------

    @Test
    void malformedBodiesAre422ModelStateUnderPlaceParams() {
        Trader t = h.trader();
        Map<String, String> cases = new java.util.LinkedHashMap<>();
        cases.put("{\"Type\":\"Market\",\"Side\":\"Buy\",\"Quantity\":1}", "placeParams.Symbol");
        cases.put("{\"Symbol\":\"\",\"Type\":\"Market\",\"Side\":\"Buy\",\"Quantity\":1}", "placeParams.Symbol");
        cases.put("{\"Symbol\":\"ZZZZZZ\",\"Type\":\"Market\",\"Side\":\"Buy\",\"Quantity\":1}", "placeParams.Symbol");
        cases.put("{\"Symbol\":\"AAPL\",\"Side\":\"Buy\",\"Quantity\":1}", "placeParams.Type");
        cases.put("{\"Symbol\":\"AAPL\",\"Type\":\"Market\",\"Quantity\":1}", "placeParams.Side");
        cases.put("{\"Symbol\":\"AAPL\",\"Type\":\"Market\",\"Side\":\"Buy\"}", "placeParams.Quantity");
        cases.put("{\"Symbol\":\"AAPL\",\"Type\":\"Bogus\",\"Side\":\"Buy\",\"Quantity\":1}", "placeParams.Type");
        cases.put("{\"Symbol\":\"AAPL\",\"Type\":\"Pegged\",\"Side\":\"Buy\",\"Quantity\":1}", "placeParams.Type");
        cases.put("{\"Symbol\":\"AAPL\",\"Type\":\"Market\",\"Side\":\"Sideways\",\"Quantity\":1}", "placeParams.Side");
        cases.put("{\"Symbol\":\"AAPL\",\"Type\":\"Market\",\"Side\":\"Buy\",\"Quantity\":-1}", "placeParams.Quantity");
        cases.put("{\"Symbol\":\"AAPL\",\"Type\":\"Market\",\"Side\":\"Buy\",\"Quantity\":0}", "placeParams.Quantity");
        cases.put("{\"Symbol\":\"AAPL\",\"Type\":\"Market\",\"Side\":\"Buy\",\"Quantity\":\"ten\"}", "placeParams.Quantity");
        cases.put("{\"Symbol\":\"AAPL\",\"Type\":\"Limit\",\"Side\":\"Buy\",\"Quantity\":1,\"Price\":-5}", "placeParams.Price");
        cases.put("{\"Symbol\":\"AAPL\",\"Type\":\"Stop\",\"Side\":\"Buy\",\"Quantity\":1,\"StopPrice\":-5}",
                "placeParams.StopPrice");
        cases.put("{\"Symbol\":\"AAPL\",\"Type\":\"Market\",\"Side\":\"Buy\",\"Quantity\":1,\"ExecInst\":\"Sometimes\"}",
                "placeParams.ExecInst");
        cases.put("{\"Symbol\":\"AAPL\",\"Type\":\"TrailingStop\",\"Side\":\"Buy\",\"Quantity\":1,"
                + "\"TrailingStopAmount\":1,\"TrailingStopAmountType\":\"Bogus\"}", "placeParams.TrailingStopAmountType");
        cases.put("{\"Symbol\":\"AAPL\",\"Type\":\"Limit\",\"Side\":\"Buy\",\"Quantity\":1,\"Price\":100,"
                + "\"TimeInforce\":\"GoodTillDate\",\"ExpireDate\":\"next week\"}", "placeParams.ExpireDate");
        cases.put("{\"Symbol\":\"AAPL\",\"Type\":\"Market\",\"Side\":\"Buy\",\"Quantity\":1,"
                + "\"ExecutionInstructions\":{\"PerTradeCommission\":\"free\"}}", "placeParams.ExecutionInstructions");
        cases.put("{\"Symbol\":\"AAPL\",\"Type\":\"Market\"", "placeParams");
        cases.put("[1,2,3]", "placeParams");
        for (Map.Entry<String, String> c : cases.entrySet()) {
            assertModelState(t.post("orders", c.getKey()), c.getValue());
            assertModelState(t.post("preview/orders", c.getKey()), c.getValue());
        }
        assertModelState(t.post("orders", ""), "placeParams");
        assertThat(t.get("orders?pageNumber=0&pageSize=10").json().get("TotalCount").asInt()).as("nothing stored")
                .isZero();
    }

    @Test
    void enumsAreReadByNameInAnyCaseOrByTheirDocumentedNumber() {
        Trader t = h.trader();
        BigDecimal rest = plus(last("AAPL"), "-50");
        JsonNode o = t.place("{\"symbol\":\"aapl\",\"type\":\"limit\",\"side\":\"BUY\",\"quantity\":1,\"price\":"
                + rest + ",\"timeInForce\":\"goodTillCancel\"}");
        assertThat(o.get("Type").asText()).isEqualTo("Limit");
        assertThat(o.get("Side").asText()).isEqualTo("Buy");
        assertThat(o.get("Symbol").asText()).isEqualTo("AAPL");
        assertThat(o.get("TimeInForce").asText()).isEqualTo("GoodTillCancel");
        JsonNode n = t.place("{\"Symbol\":\"AAPL\",\"Type\":1,\"Side\":0,\"Quantity\":1,\"Price\":" + rest
                + ",\"TimeInforce\":1,\"ExecInst\":0}");
        assertThat(n.get("Type").asText()).isEqualTo("Limit");
        assertThat(n.get("Side").asText()).isEqualTo("Buy");
        assertThat(n.get("TimeInForce").asText()).isEqualTo("GoodTillCancel");
        assertThat(n.get("ExecInst").asInt()).isZero();
    }

    // ---- validation: VerifyOrderModel refusals ---------------------------------------------------

    static void assertRefusalShape(JsonNode j, String code) {
        assertThat(j.get("IsSuccessful").asBoolean()).isFalse();
        assertThat(j.get("ErrorDescription").asText()).isEqualTo(code);
        assertThat(j.get("ErrorDescriptionText").asText()).isNotBlank();
        assertThat(j.get("ErrorDescriptionArgs").isArray()).isTrue();
        assertThat(j.get("Commissions").isObject()).isTrue();
        assertThat(j.get("Commissions")).isEmpty();
        assertThat(dec(j.get("Commission"))).isEqualByComparingTo("0");
    }

    @Test
    void ordersTheEngineRefusesAnswerTheDocumentedVerifyOrderModelCodes() {
        Trader t = h.trader();
        BigDecimal p = last("AAPL");
        Map<String, String> cases = new java.util.LinkedHashMap<>();
        cases.put(json("Symbol", "AAPL", "Type", "Limit", "Side", "Buy", "Quantity", 1), "LimitPriceUndefined");
        cases.put(json("Symbol", "AAPL", "Type", "StopLimit", "Side", "Buy", "Quantity", 1, "StopPrice", plus(p, "5")),
                "LimitPriceUndefined");
        cases.put(json("Symbol", "AAPL", "Type", "Stop", "Side", "Buy", "Quantity", 1), "QuotePriceIsInvalid");
        // Value above buying power (Margin: 2 × $100,000).
        cases.put(limit("AAPL", "Buy", 2001, new BigDecimal("100")), "DayTradingBuyingPowerExceeded");
        cases.put(market("AAPL", "Sell", 1), "InsufficientPosition");
        cases.put(market("AAPL", "BuyToCover", 1), "InsufficientPosition");
        cases.put(limit("AAPL", "Buy", 1, new BigDecimal("100.001")), "PriceNotOnTick");
        cases.put(json("Symbol", "AAPL", "Type", "Stop", "Side", "Buy", "Quantity", 1, "StopPrice", "300.005"),
                "PriceNotOnTick");
        cases.put(market("AAPL", "Buy", 1).replace("\"Quantity\":1", "\"Quantity\":1.5"), "QuantityInvalid");
        for (Map.Entry<String, String> c : cases.entrySet()) {
            assertRefusalShape(t.refused(c.getKey(), c.getValue()), c.getValue());
            JsonNode v = t.verify(c.getKey());
            assertRefusalShape(v, c.getValue());
            assertThat(v.get("Quotes")).as("verify shows the quotes").isNotEmpty();
        }
        // Nothing refused is stored.
        assertThat(t.get("orders?pageNumber=0&pageSize=10").json().get("TotalCount").asInt()).isZero();
        assertThat(t.info().get("cash").decimalValue()).isEqualByComparingTo(OrdersHarness.HUNDRED_K);
    }

    @Test
    void cashAccountsCannotSellShortMarginAccountsCan() {
        Trader cash = h.trader(OrdersHarness.plain(MarginType.Cash));
        assertRefusalShape(cash.refused(market("AAPL", "SellShort", 5), "CashAccountCannotShort"),
                "CashAccountCannotShort");
        assertThat(cash.verify(market("AAPL", "SellShort", 5)).get("ErrorDescription").asText())
                .isEqualTo("CashAccountCannotShort");
        Trader ira = h.trader(OrdersHarness.plain(MarginType.MarginIra));
        ira.refused(market("AAPL", "SellShort", 5), "ShortSaleNotAllowed");
        Trader margin = h.trader();
        Quote q = h.quote("AAPL");
        JsonNode shortSale = margin.place(market("AAPL", "SellShort", 5));
        assertThat(shortSale.get("Status").asText()).isEqualTo("Filled");
        assertThat(dec(shortSale.get("AveragePrice"))).isEqualByComparingTo(q.bid());
        assertThat(margin.position("AAPL")).isEqualByComparingTo("-5");
        // A short position only closes with BuyToCover; Buy would open the other direction.
        margin.refused(market("AAPL", "Buy", 1), "WrongSideForPosition");
        margin.refused(market("AAPL", "BuyToCover", 6), "InsufficientPosition");
        assertThat(margin.place(market("AAPL", "BuyToCover", 5)).get("Status").asText()).isEqualTo("Filled");
        assertThat(margin.position("AAPL")).isEqualByComparingTo("0");
    }

    @Test
    void cashAccountSaleProceedsAreUnsettledAndCannotBeSpentTheSameDay() {
        Trader t = h.trader(OrdersHarness.plain(MarginType.Cash));
        JsonNode buy = t.place(market("AAPL", "Buy", 100));
        JsonNode sell = t.place(market("AAPL", "Sell", 100));
        BigDecimal proceeds = dec(sell.get("AveragePrice")).multiply(new BigDecimal("100"));
        BigDecimal cash = OrdersHarness.HUNDRED_K.subtract(dec(buy.get("AveragePrice")).multiply(new BigDecimal("100")))
                .add(proceeds);
        JsonNode info = t.info();
        assertThat(dec(info.get("cash"))).isEqualByComparingTo(cash);
        assertThat(dec(info.get("pendingCash"))).as("unsettled sale proceeds").isEqualByComparingTo(proceeds);
        BigDecimal settled = cash.subtract(proceeds);
        assertThat(dec(info.get("stockBuyingPower"))).isEqualByComparingTo(settled);
        int affordable = settled.divide(new BigDecimal("100"), 0, RoundingMode.FLOOR).intValue();
        t.refused(limit("AAPL", "Buy", affordable + 1, new BigDecimal("100")), "DayTradingBuyingPowerExceeded");
        assertThat(t.place(limit("AAPL", "Buy", affordable, new BigDecimal("100"))).get("Status").asText())
                .isEqualTo("New");
    }

    @Test
    void buyingPowerPerMarginType() {
        BigDecimal hundred = new BigDecimal("100"); // far below AAPL: limit orders rest, reserved at their limit
        Map<MarginType, Integer> maxShares = Map.of(MarginType.Cash, 1000, MarginType.Margin,
                2000, MarginType.DayTrader, 4000, MarginType.MarginIra, 1000);
        for (Map.Entry<MarginType, Integer> e : maxShares.entrySet()) {
            Trader t = h.trader(OrdersHarness.plain(e.getKey()));
            String over = limit("AAPL", "Buy", e.getValue() + 1, hundred);
            assertThat(t.verify(over).get("ErrorDescription").asText()).as(e.getKey().name())
                    .isEqualTo("DayTradingBuyingPowerExceeded");
            t.refused(over, "DayTradingBuyingPowerExceeded");
            JsonNode ok = t.place(limit("AAPL", "Buy", e.getValue(), hundred));
            assertThat(ok.get("Status").asText()).as(e.getKey().name()).isEqualTo("New");
            // The reservation is used up: one more share is too much.
            t.refused(limit("AAPL", "Buy", 1, hundred), "DayTradingBuyingPowerExceeded");
            assertThat(t.delete("orders/" + id(ok)).status()).isEqualTo(204);
            assertThat(t.place(limit("AAPL", "Buy", 1, hundred)).get("Status").asText()).isEqualTo("New");
        }
    }

    @Test
    void aSecurityThatIsNotTradableIsRefused() {
        Trader t = h.trader();
        h.setAllowTrade("VZ", false);
        try {
            t.refused(market("VZ", "Buy", 1), "SecurityNotTradable");
            t.refused(limit("VZ", "Buy", 1, new BigDecimal("10")), "SecurityNotTradable");
            assertThat(t.verify(market("VZ", "Buy", 1)).get("ErrorDescription").asText())
                    .isEqualTo("SecurityNotTradable");
        } finally {
            h.setAllowTrade("VZ", true);
        }
        assertThat(t.place(limit("VZ", "Buy", 1, new BigDecimal("10"))).get("Status").asText()).isEqualTo("New");
    }

    // ---- verify --------------------------------------------------------------------------------

    @Test
    void verifyAnswersCostCommissionsAndQuotes() {
        Trader t = withCommissions();
        Quote q = h.quote("AAPL");
        JsonNode v = t.verify(limit("AAPL", "Buy", 10, new BigDecimal("100")));
        List<String> names = new ArrayList<>(List.of("IsSuccessful", "Commission", "Commissions", "Cost", "NetCost",
                "TotalCost", "Quotes", "MarginChange"));
        names.addAll(VERIFY_SPEC_FIELDS);
        assertThat(fieldNames(v)).containsExactlyElementsOf(names);
        // The spec's rates: the account's plan ($1 a trade, $0.01 a share), Reg T for a Margin account.
        assertThat(dec(v.get("CommissionRates").get("Per Trade Commission"))).isEqualByComparingTo("1");
        assertThat(dec(v.get("CommissionRates").get("Per Contract Commission"))).isEqualByComparingTo("0.01");
        assertThat(dec(v.get("CurrencyRate"))).isEqualByComparingTo("1");
        assertThat(dec(v.get("InitialMarginRate"))).isEqualByComparingTo("0.5");
        assertThat(dec(v.get("MaintenanceMarginRate"))).isEqualByComparingTo("0.25");
        assertThat(v.get("IsSuccessful").asBoolean()).isTrue();
        assertThat(dec(v.get("Commission"))).isEqualByComparingTo("1.1");
        assertThat(fieldNames(v.get("Commissions"))).containsExactly("Per Trade Commission", "Per Contract Commission");
        assertThat(dec(v.get("Commissions").get("Per Trade Commission"))).isEqualByComparingTo("1");
        assertThat(dec(v.get("Commissions").get("Per Contract Commission"))).isEqualByComparingTo("0.1");
        assertThat(dec(v.get("Cost"))).isEqualByComparingTo("1000");
        assertThat(dec(v.get("NetCost"))).isEqualByComparingTo("1001.1");
        assertThat(dec(v.get("TotalCost"))).isEqualByComparingTo("1.1");
        // Margin: half the value plus commissions.
        assertThat(dec(v.get("MarginChange"))).isEqualByComparingTo("501.1");
        JsonNode quote = v.get("Quotes").get(0);
        assertThat(v.get("Quotes")).hasSize(1);
        assertThat(quote.get("Symbol").asText()).isEqualTo("AAPL");
        assertThat(quote.get("SecurityId").asInt()).isEqualTo(4);
        assertThat(quote.get("Key").isInt()).as("the spec's int32 Key").isTrue();
        assertThat(quote.get("Key").asInt()).isEqualTo(4);
        assertThat(quote.get("LastExchange").asText()).isEqualTo("XNAS");
        assertThat(dec(quote.get("Ask"))).isEqualByComparingTo(q.ask());
        assertThat(dec(quote.get("Bid"))).isEqualByComparingTo(q.bid());
        assertThat(dec(quote.get("Last"))).isEqualByComparingTo(q.last());
        assertThat(quote.has("Volume")).isTrue();
        assertThat(quote.has("OpenInterest")).isTrue();
        assertThat(quote.get("Timestamp").asText()).matches(DATE_TIME);

        // A sale: the commission comes off the proceeds.
        t.place(market("AAPL", "Buy", 10));
        JsonNode sell = t.verify(limit("AAPL", "Sell", 4, new BigDecimal("500")));
        assertThat(dec(sell.get("Cost"))).isEqualByComparingTo("2000");
        assertThat(dec(sell.get("Commission"))).isEqualByComparingTo("1.04");
        assertThat(dec(sell.get("NetCost"))).isEqualByComparingTo("1998.96");
        assertThat(dec(sell.get("MarginChange"))).isEqualByComparingTo("0");
        // A market buy is costed at the ask.
        JsonNode mkt = t.verify(market("AAPL", "Buy", 3));
        assertThat(dec(mkt.get("Cost"))).isEqualByComparingTo(q.ask().multiply(new BigDecimal("3")));
    }

    @Test
    void executionInstructionsOverrideTheAccountsCommissions() {
        Trader free = h.trader();
        JsonNode none = free.verify(limit("AAPL", "Buy", 10, new BigDecimal("100")));
        assertThat(dec(none.get("Commission"))).isEqualByComparingTo("0");
        assertThat(dec(none.get("NetCost"))).isEqualByComparingTo("1000");

        String perTrade = limit("AAPL", "Buy", 10, new BigDecimal("100"), "ExecutionInstructions",
                Map.of("PerTradeCommission", "1"));
        JsonNode v = free.verify(perTrade);
        assertThat(dec(v.get("Commissions").get("Per Trade Commission"))).isEqualByComparingTo("1");
        assertThat(dec(v.get("Commission"))).isEqualByComparingTo("1");
        assertThat(dec(v.get("NetCost"))).isEqualByComparingTo("1001");
        // PerContractCommission is in cents per share/contract.
        JsonNode cents = free.verify(limit("AAPL", "Buy", 10, new BigDecimal("100"), "ExecutionInstructions",
                Map.of("PerContractCommission", "1")));
        assertThat(dec(cents.get("Commissions").get("Per Contract Commission"))).isEqualByComparingTo("0.1");

        Trader paying = withCommissions();
        JsonNode over = paying.verify(limit("AAPL", "Buy", 10, new BigDecimal("100"), "ExecutionInstructions",
                Map.of("PerTradeCommission", "2.5")));
        assertThat(dec(over.get("Commissions").get("Per Trade Commission"))).isEqualByComparingTo("2.5");
        assertThat(dec(over.get("Commissions").get("Per Contract Commission"))).isEqualByComparingTo("0.1");

        // Placed with the override: the order echoes the instructions; the ledger charges them.
        JsonNode o = free.place(market("AAPL", "Buy", 10).replace("}",
                ",\"ExecutionInstructions\":{\"PerTradeCommission\":\"1\"}}"));
        assertThat(o.get("ExecutionInstructions").get("PerTradeCommission").asText()).isEqualTo("1");
        List<JsonNode> fees = free.transactions().stream().filter(x -> x.get("Type").asText().equals("Commission"))
                .toList();
        assertThat(fees).hasSize(1);
        assertThat(fees.get(0).get("Fee").get("CommissionId").asText()).isEqualTo("Per Trade Commission");
        assertThat(dec(fees.get(0).get("Value"))).isEqualByComparingTo("-1");
        assertThat(fees.get(0).get("OrderStateId").asLong()).isEqualTo(id(o));
    }

    @Test
    void verifyOfAMarketOrderInASecurityNobodyTradedYet() {
        Trader t = h.trader();
        JsonNode v = t.verify(market("ORCL", "Buy", 10));
        assertThat(v.get("IsSuccessful").asBoolean()).as(v.toString()).isTrue();
        assertThat(dec(v.get("Cost"))).isEqualByComparingTo(h.quote("ORCL").ask().multiply(BigDecimal.TEN));
        JsonNode trailing = t.verify(json("Symbol", "ORCL", "Type", "TrailingStop", "Side", "Buy", "Quantity", 1,
                "TrailingStopAmount", 5));
        assertThat(trailing.get("IsSuccessful").asBoolean()).as(trailing.toString()).isTrue();
    }

    // ---- replace, cancel -------------------------------------------------------------------------

    @Test
    void replaceChangesPriceAndQuantityAndVerifyReplacePreviewsIt() {
        Trader t = h.trader();
        BigDecimal p0 = last("MSFT");
        JsonNode o = t.place(limit("MSFT", "Buy", 10, plus(p0, "-30")));
        long oid = id(o);

        JsonNode preview = t.put("preview/orders/" + oid, json("Id", oid, "Quantity", 20, "Price", plus(p0, "-31")))
                .json();
        assertThat(preview.get("IsSuccessful").asBoolean()).as(preview.toString()).isTrue();
        assertThat(dec(preview.get("Cost"))).isEqualByComparingTo(plus(p0, "-31").multiply(new BigDecimal("20")));
        assertThat(t.order(oid).get("Quantity").asInt()).as("a preview changes nothing").isEqualTo(10);
        JsonNode tooBig = t.put("preview/orders/" + oid, json("Id", oid, "Quantity", 1000, "Price", plus(p0, "-31")))
                .json();
        assertThat(tooBig.get("ErrorDescription").asText()).isEqualTo("DayTradingBuyingPowerExceeded");

        Http.Response r = t.put("orders/" + oid, json("Id", oid, "Quantity", 5, "Price", plus(p0, "-31")));
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        JsonNode replaced = r.json();
        assertThat(fieldNames(replaced)).containsExactlyElementsOf(ORDER_FIELDS);
        assertThat(id(replaced)).isEqualTo(oid);
        assertThat(dec(replaced.get("Quantity"))).isEqualByComparingTo("5");
        assertThat(dec(replaced.get("LeavesQuantity"))).isEqualByComparingTo("5");
        assertThat(dec(replaced.get("Price"))).isEqualByComparingTo(plus(p0, "-31"));
        assertThat(replaced.get("Status").asText()).isEqualTo("New");
        assertThat(replaced.get("ExecutionStatus").asText()).isEqualTo("Replaced");
        assertThat(replaced.get("Target").asText()).isEqualTo("Modify");
        assertThat(replaced.get("TransType").asText()).isEqualTo("Correct");
        assertThat(t.order(oid)).isEqualTo(replaced);

        // Price only (quantity kept, no Id in the body): now marketable, it fills.
        Http.Response repriced = t.put("orders/" + oid, json("Price", plus(h.quote("MSFT").ask(), "1")));
        assertThat(repriced.status()).as(repriced.body()).isEqualTo(200);
        assertThat(dec(repriced.json().get("Quantity"))).isEqualByComparingTo("5");
        h.nextSecond();
        JsonNode marketable = t.awaitStatus(oid, "Filled");
        assertThat(dec(marketable.get("ExecutedQuantity"))).isEqualByComparingTo("5");
        Http.Response late = t.put("orders/" + oid, json("Id", oid, "Quantity", 5, "Price", p0));
        assertThat(late.status()).as(late.body()).isEqualTo(409);
        assertThat(late.json().get("Message").asText()).isNotBlank();

        Http.Response unknown = t.put("orders/99999999", json("Id", 99999999, "Quantity", 5, "Price", p0));
        assertThat(unknown.status()).isEqualTo(404);
        assertModelState(t.put("orders/" + oid, json("Id", oid + 1, "Quantity", 5, "Price", p0)), "modifyParams.Id");
        assertModelState(t.put("orders/" + oid, json("Id", oid, "Quantity", -5, "Price", p0)),
                "modifyParams.Quantity");
        assertModelState(t.put("orders/" + oid, "{\"Id\":"), "modifyParams");
        assertModelState(t.put("preview/orders/" + oid, "{\"Id\":"), "modifyParams");
    }

    @Test
    void verifyReplaceReportsBadValuesUnderModifyParams() {
        Trader t = h.trader();
        long oid = id(t.place(limit("AAPL", "Buy", 1, plus(last("AAPL"), "-40"))));
        assertModelState(t.put("orders/" + oid, json("Id", oid, "Price", -1)), "modifyParams.Price");
        assertModelState(t.put("preview/orders/" + oid, json("Id", oid, "Price", -1)), "modifyParams.Price");
    }

    @Test
    void cancelIs204ThenTheOrderIsCanceledAndASecondCancelIs409() {
        Trader t = h.trader();
        JsonNode o = t.place(limit("AAPL", "Buy", 10, plus(last("AAPL"), "-40")));
        Http.Response r = t.delete("orders/" + id(o));
        assertThat(r.status()).isEqualTo(204);
        assertThat(r.body()).isEmpty();
        JsonNode canceled = t.order(id(o));
        assertThat(canceled.get("Status").asText()).isEqualTo("Canceled");
        assertThat(canceled.get("ExecutionStatus").asText()).isEqualTo("Canceled");
        assertThat(canceled.get("RequestStatus").asText()).isEqualTo("Complete");
        assertThat(canceled.get("Description").asText()).isEqualTo("Canceled by user");
        assertThat(dec(canceled.get("LeavesQuantity"))).isEqualByComparingTo("0");
        assertThat(t.info().get("pendingOrdersCount").asInt()).isZero();

        Http.Response again = t.delete("orders/" + id(o));
        assertThat(again.status()).isEqualTo(409);
        assertThat(again.json().get("Message").asText()).contains("no longer open");

        JsonNode filled = t.place(market("AAPL", "Buy", 1));
        assertThat(filled.get("Status").asText()).isEqualTo("Filled");
        assertThat(t.delete("orders/" + id(filled)).status()).isEqualTo(409);
        assertThat(t.order(id(filled)).get("Status").asText()).isEqualTo("Filled");

        assertThat(t.delete("orders/99999999").status()).isEqualTo(404);
        assertThat(t.get("orders/99999999").status()).isEqualTo(404);
        assertModelState(t.get("orders/abc"), "orderId");
        // The same order id seen from another account does not exist there.
        Trader other = h.trader();
        assertThat(other.get("orders/" + id(o)).status()).isEqualTo(404);
        assertThat(other.delete("orders/" + id(o)).status()).isEqualTo(404);
    }

    // ---- ClientId ----------------------------------------------------------------------------------

    @Test
    void aRetriedClientIdAnswersTheOriginalOrder() {
        Trader t = h.trader();
        BigDecimal rest = plus(last("AAPL"), "-40");
        JsonNode first = t.place(limit("AAPL", "Buy", 1, rest, "ClientId", "cl-retry-1"));
        assertThat(first.get("ClientId").asText()).isEqualTo("cl-retry-1");
        assertThat(first.get("OrigClientId").asText()).isEqualTo("cl-retry-1");
        JsonNode again = t.place(limit("AAPL", "Buy", 1, rest, "ClientId", "cl-retry-1"));
        assertThat(again).isEqualTo(first);
        // Another order under the same ClientId is a conflict, not a retry: 409, nothing placed.
        Http.Response different = t.post("orders", limit("AAPL", "Buy", 7, plus(rest, "-1"), "ClientId", "cl-retry-1"));
        assertThat(different.status()).as(different.body()).isEqualTo(409);
        assertThat(different.body()).isEqualTo(clientIdConflict("cl-retry-1", id(first)));
        // ClientIds are per account.
        Trader other = h.trader();
        JsonNode elsewhere = other.place(limit("AAPL", "Buy", 1, rest, "ClientId", "cl-retry-1"));
        assertThat(id(elsewhere)).isNotEqualTo(id(first));
        JsonNode list = t.get("orders?pageNumber=0&pageSize=10&filter=" + enc("ClientId = 'cl-retry-1'")).json();
        assertThat(list.get("TotalCount").asInt()).isEqualTo(1);
        // A refused order does not take the ClientId.
        t.refused(limit("AAPL", "Buy", 1, new BigDecimal("1.001"), "ClientId", "cl-retry-2"), "PriceNotOnTick");
        assertThat(t.place(limit("AAPL", "Buy", 1, rest, "ClientId", "cl-retry-2")).get("Status").asText())
                .isEqualTo("New");
    }

    static String clientIdConflict(String clientId, long orderId) {
        return "{\"IsSuccessful\":false,\"ErrorDescription\":\"DuplicateClientId\",\"ErrorDescriptionText\":"
                + "\"ClientId '" + clientId + "' is already used by order " + orderId + ", placed with other parameters.\","
                + "\"ErrorDescriptionArgs\":[\"" + clientId + "\",\"" + orderId + "\"],\"Commission\":0,\"Commissions\":{},"
                + "\"Cost\":0,\"NetCost\":0,\"MarginChange\":0}";
    }

    @Test
    void aClientIdReusedForAnyOtherOrderIsAConflictAndPlacesNothing() {
        Trader t = h.trader();
        BigDecimal rest = plus(last("AAPL"), "-40");
        String clientId = "cl-conflict";
        JsonNode first = t.place(limit("AAPL", "Buy", 2, rest, "ClientId", clientId, "TimeInforce", "GTC",
                "Comment", "first"));
        List<String> others = List.of(
                limit("AAPL", "Buy", 3, rest, "ClientId", clientId, "TimeInforce", "GTC", "Comment", "first"),
                limit("AAPL", "Sell", 2, rest, "ClientId", clientId, "TimeInforce", "GTC", "Comment", "first"),
                limit("AAPL", "Buy", 2, plus(rest, "-1"), "ClientId", clientId, "TimeInforce", "GTC", "Comment", "first"),
                limit("MSFT", "Buy", 2, rest, "ClientId", clientId, "TimeInforce", "GTC", "Comment", "first"),
                limit("AAPL", "Buy", 2, rest, "ClientId", clientId, "TimeInforce", "Day", "Comment", "first"),
                limit("AAPL", "Buy", 2, rest, "ClientId", clientId, "TimeInforce", "GTC", "Comment", "second"),
                limit("AAPL", "Buy", 2, rest, "ClientId", clientId, "TimeInforce", "GTC", "Comment", "first",
                        "ExecInst", "AllOrNone"),
                limit("AAPL", "Buy", 2, rest, "ClientId", clientId, "TimeInforce", "GTC", "Comment", "first",
                        "ExtendedHours", "REGPOST"),
                json("Symbol", "AAPL", "Type", "Stop", "Side", "Buy", "Quantity", 2, "StopPrice", plus(last("AAPL"), "40"),
                        "ClientId", clientId, "TimeInforce", "GTC", "Comment", "first"));
        for (String body : others) {
            Http.Response r = t.post("orders", body);
            assertThat(r.status()).as(body + " → " + r.body()).isEqualTo(409);
            assertThat(r.body()).as(body).isEqualTo(clientIdConflict(clientId, id(first)));
            // The same answer on the syncorders twin.
            assertThat(t.post("syncorders", body).body()).isEqualTo(clientIdConflict(clientId, id(first)));
        }
        JsonNode list = t.get("orders?pageNumber=0&pageSize=100").json();
        assertThat(list.get("TotalCount").asInt()).as("nothing else was placed").isEqualTo(1);
        // A malformed body is a malformed body first, whatever its ClientId.
        Http.Response malformed = t.post("orders", json("Symbol", "AAPL", "Type", "Limit", "Side", "Buy", "Quantity", -1,
                "Price", rest, "ClientId", clientId));
        assertThat(malformed.status()).isEqualTo(422);
    }

    @Test
    void aRetryOfTheSameOrderInOtherSpellingsAnswersTheOriginal() {
        Trader t = h.trader();
        BigDecimal rest = plus(last("AAPL"), "-40");
        String clientId = "cl-spelling";
        JsonNode first = t.place(json("Symbol", "AAPL", "ClientId", clientId, "Type", "Limit", "Side", "Buy",
                "Quantity", 2, "Price", rest, "TimeInforce", "GTC"));
        // Key case, enum case and aliases, number forms, defaults written out, white space: the same order.
        String same = "{\"clientid\":\" " + clientId + " \",\"symbol\":\"AAPL\",\"TYPE\":\"limit\",\"side\":\"buy\","
                + "\"quantity\":2.000,\"price\":" + rest.setScale(6, RoundingMode.UNNECESSARY).toPlainString() + ","
                + "\"TimeInForce\":\"GoodTillCancel\",\"ExecInst\":\"0\",\"Exchange\":\"Auto\",\"ExtendedHours\":\"\","
                + "\"StopPrice\":0,\"Comment\":\"\"}";
        Http.Response again = t.post("orders", same);
        assertThat(again.status()).as(again.body()).isEqualTo(200);
        assertThat(id(again.json())).isEqualTo(id(first));
        // Still a retry after the order was replaced: a retry repeats the placement, not the current state.
        assertThat(t.put("orders/" + id(first), json("Quantity", 3)).status()).isEqualTo(200);
        Http.Response afterReplace = t.post("orders", same);
        assertThat(afterReplace.status()).as(afterReplace.body()).isEqualTo(200);
        assertThat(id(afterReplace.json())).isEqualTo(id(first));
        assertThat(dec(afterReplace.json().get("Quantity"))).isEqualByComparingTo("3");
    }

    @Test
    void concurrentPlacementsOfTwoOrdersUnderOneClientIdMakeOneAndRefuseTheOther() throws Exception {
        Trader t = h.trader();
        BigDecimal rest = plus(last("AAPL"), "-40");
        int threads = 12;
        String clientId = "cl-race-mixed";
        String one = limit("AAPL", "Buy", 1, rest, "ClientId", clientId);
        String two = limit("AAPL", "Buy", 2, rest, "ClientId", clientId);
        CyclicBarrier barrier = new CyclicBarrier(threads);
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            List<Future<Http.Response>> answers = new ArrayList<>();
            List<String> bodies = new ArrayList<>();
            for (int i = 0; i < threads; i++) {
                String body = i % 2 == 0 ? one : two;
                bodies.add(body);
                answers.add(pool.submit(() -> {
                    barrier.await(10, TimeUnit.SECONDS);
                    return t.post("orders", body);
                }));
            }
            List<Http.Response> got = new ArrayList<>();
            for (Future<Http.Response> f : answers) {
                got.add(f.get(30, TimeUnit.SECONDS));
            }
            JsonNode list = t.get("orders?pageNumber=0&pageSize=10&filter=" + enc("ClientId = '" + clientId + "'")).json();
            assertThat(list.get("TotalCount").asInt()).isEqualTo(1);
            JsonNode order = list.get("Result").get(0);
            String winner = dec(order.get("Quantity")).intValue() == 1 ? one : two;
            for (int i = 0; i < threads; i++) {
                Http.Response r = got.get(i);
                if (bodies.get(i).equals(winner)) {
                    assertThat(r.status()).as(r.body()).isEqualTo(200);
                    assertThat(r.json().get("Id").asLong()).isEqualTo(order.get("Id").asLong());
                } else {
                    assertThat(r.status()).as(r.body()).isEqualTo(409);
                    assertThat(r.body()).isEqualTo(clientIdConflict(clientId, order.get("Id").asLong()));
                }
            }
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void concurrentPlacementsWithOneClientIdMakeOneOrder() throws Exception {
        Trader t = h.trader();
        BigDecimal rest = plus(last("AAPL"), "-40");
        int threads = 12;
        for (int round = 0; round < 3; round++) {
            String clientId = "cl-race-" + round;
            String body = limit("AAPL", "Buy", 1, rest, "ClientId", clientId);
            String route = round % 2 == 0 ? "orders" : "syncorders";
            CyclicBarrier barrier = new CyclicBarrier(threads);
            ExecutorService pool = Executors.newFixedThreadPool(threads);
            try {
                List<Future<Http.Response>> answers = new ArrayList<>();
                for (int i = 0; i < threads; i++) {
                    answers.add(pool.submit(() -> {
                        barrier.await(10, TimeUnit.SECONDS);
                        return t.post(route, body);
                    }));
                }
                Set<Long> ids = new HashSet<>();
                for (Future<Http.Response> f : answers) {
                    Http.Response r = f.get(30, TimeUnit.SECONDS);
                    assertThat(r.status()).as(r.body()).isEqualTo(200);
                    ids.add(r.json().get("Id").asLong());
                }
                assertThat(ids).as("one order for ClientId %s", clientId).hasSize(1);
                JsonNode list = t.get("orders?pageNumber=0&pageSize=10&filter=" + enc("ClientId = '" + clientId + "'"))
                        .json();
                assertThat(list.get("TotalCount").asInt()).isEqualTo(1);
                assertThat(list.get("Result").get(0).get("Id").asLong()).isEqualTo(ids.iterator().next());
            } finally {
                pool.shutdownNow();
            }
        }
        assertThat(t.get("orders?pageNumber=0&pageSize=100").json().get("TotalCount").asInt()).isEqualTo(3);
    }

    // ---- list, paging, sorting, filters ----------------------------------------------------------

    @Test
    void listPagesSortsAndFiltersAsDocumented() {
        Trader t = h.trader();
        BigDecimal rest = plus(last("AAPL"), "-40");
        List<Long> ids = new ArrayList<>();
        for (int q = 1; q <= 4; q++) {
            ids.add(id(t.place(limit("AAPL", "Buy", q, rest))));
        }
        ids.add(id(t.place(limit("MSFT", "Buy", 9, plus(last("MSFT"), "-40")))));
        assertThat(t.delete("orders/" + ids.get(1)).status()).isEqualTo(204);

        // The documented example: pageNumber=0&pageSize=2&sortField=Id&desc=true.
        JsonNode p0 = t.get("orders?pageNumber=0&pageSize=2&sortField=Id&desc=true").json();
        assertThat(fieldNames(p0)).containsExactly("Result", "NextPageLink", "PreviousPageLink", "TotalCount");
        assertThat(p0.get("TotalCount").asInt()).isEqualTo(5);
        assertThat(p0.get("Result").get(0).get("Id").asLong()).isEqualTo(ids.get(4));
        assertThat(p0.get("Result").get(1).get("Id").asLong()).isEqualTo(ids.get(3));
        assertLink(p0.get("NextPageLink").asText(), t, "pageNumber=1", "pageSize=2", "sortField=Id", "desc=true");
        assertThat(p0.get("PreviousPageLink").asText()).isEmpty();
        JsonNode p2 = t.get("orders?pageNumber=2&pageSize=2&sortField=Id&desc=True").json();
        assertThat(p2.get("Result")).hasSize(1);
        assertThat(p2.get("Result").get(0).get("Id").asLong()).isEqualTo(ids.get(0));
        assertThat(p2.get("NextPageLink").asText()).isEmpty();
        assertThat(p2.get("PreviousPageLink").asText()).contains("pageNumber=1");
        assertThat(t.get("orders?pageNumber=9&pageSize=2").json().get("Result")).isEmpty();

        List<Integer> quantities = new ArrayList<>();
        t.get("orders?pageNumber=0&pageSize=100&sortField=Quantity&desc=false").json().get("Result")
                .forEach(o -> quantities.add(o.get("Quantity").asInt()));
        assertThat(quantities).containsExactly(1, 2, 3, 4, 9);
        List<Long> ascending = new ArrayList<>();
        t.get("orders?pageNumber=0&pageSize=100").json().get("Result").forEach(o -> ascending.add(o.get("Id").asLong()));
        assertThat(ascending).containsExactlyElementsOf(ids);

        // Paging limits: pageSize at most 100; pageNumber and pageSize required.
        assertThat(t.get("orders?pageNumber=0&pageSize=100").status()).isEqualTo(200);
        assertModelState(t.get("orders?pageNumber=0&pageSize=101"), "pageSize");
        assertModelState(t.get("orders?pageNumber=0&pageSize=0"), "pageSize");
        assertModelState(t.get("orders?pageNumber=-1&pageSize=10"), "pageNumber");
        Http.Response noSize = t.get("orders?pageNumber=0");
        assertThat(noSize.status()).isEqualTo(404);
        assertThat(noSize.json().get("Message").asText())
                .startsWith("No HTTP resource was found that matches the request URI '");
        assertThat(t.get("orders?pageSize=10").status()).isEqualTo(404);
        assertThat(t.get("orders").status()).isEqualTo(404);
        assertModelState(t.get("orders?pageNumber=0&pageSize=10&sortField=Nonsense"), "sortField");

        // Filters from the docs.
        assertThat(count(t, "Status in (0,1,2,3,4,5,6,7,8,9,20)")).isEqualTo(5);
        assertThat(count(t, "Status in (0,1)")).isEqualTo(4);
        assertThat(count(t, "Status in (4)")).isEqualTo(1);
        assertThat(count(t, "Status = 'Canceled'")).isEqualTo(1);
        assertThat(count(t, "SecurityId = 4")).isEqualTo(4);
        assertThat(count(t, "SecurityId = 4 and Status in (0,1,2)")).isEqualTo(3);
        assertThat(count(t, "CreateDate between #2026-11-18T00:00:00# and #2026-11-19T00:00:00#")).isEqualTo(5);
        assertThat(count(t, "CreateDate between #2019-03-13T18:31:42# and #2019-03-17T18:31:42#")).isZero();
        assertThat(count(t, "CreateDate >= #2026-11-18T15:00:00Z#")).isEqualTo(5);
        assertThat(count(t, "Quantity between 2 and 4")).isEqualTo(3);
        assertThat(count(t, "Symbol = 'MSFT'")).isEqualTo(1);
        assertThat(count(t, "Id in (" + ids.get(0) + ", " + ids.get(4) + ")")).isEqualTo(2);
        for (String bad : List.of("Status in (0,1", "Nonsense = 1", "SecurityId = 'x' and", "CreateDate > #yesterday#")) {
            Http.Response r = t.get("orders?pageNumber=0&pageSize=10&filter=" + enc(bad));
            assertThat(r.status()).as(bad + " → " + r.body()).isEqualTo(400);
            assertThat(r.json().get("Message").asText()).as(bad).isNotBlank();
        }
    }

    /** An absolute link to the account's orders with exactly these query parameters (in any order). */
    void assertLink(String link, Trader t, String... params) {
        String prefix = server.api() + "v1.0/accounts/" + t.accountId() + "/orders?";
        assertThat(link).startsWith(prefix);
        assertThat(link.substring(prefix.length()).split("&")).containsExactlyInAnyOrder(params);
    }

    static int count(Trader t, String filter) {
        Http.Response r = t.get("orders?pageNumber=0&pageSize=100&filter=" + enc(filter));
        assertThat(r.status()).as(filter + " → " + r.body()).isEqualTo(200);
        return r.json().get("TotalCount").asInt();
    }

    // ---- syncorders, validate-by-id ----------------------------------------------------------------

    @Test
    void syncordersVariantsBehaveLikeOrders() {
        Trader t = h.trader();
        BigDecimal rest = plus(last("AAPL"), "-40");
        JsonNode v = t.post("preview/syncorders", limit("AAPL", "Buy", 2, rest)).json();
        assertThat(v.get("IsSuccessful").asBoolean()).isTrue();
        assertThat(dec(v.get("Cost"))).isEqualByComparingTo(rest.multiply(new BigDecimal("2")));
        Http.Response placed = t.post("syncorders", limit("AAPL", "Buy", 2, rest));
        assertThat(placed.status()).isEqualTo(200);
        long oid = placed.json().get("Id").asLong();
        assertThat(t.get("syncorders/" + oid).json()).isEqualTo(t.order(oid));
        JsonNode list = t.get("syncorders?pageNumber=0&pageSize=10").json();
        assertThat(list.get("TotalCount").asInt()).isEqualTo(1);
        assertThat(list.get("NextPageLink").asText()).isEmpty();
        JsonNode pv = t.put("preview/syncorders/" + oid, json("Id", oid, "Quantity", 3, "Price", rest)).json();
        assertThat(dec(pv.get("Cost"))).isEqualByComparingTo(rest.multiply(new BigDecimal("3")));
        JsonNode replaced = t.put("syncorders/" + oid, json("Id", oid, "Quantity", 3, "Price", rest)).json();
        assertThat(dec(replaced.get("Quantity"))).isEqualByComparingTo("3");
        assertThat(t.delete("syncorders/" + oid).status()).isEqualTo(204);
        assertThat(t.order(oid).get("Status").asText()).isEqualTo("Canceled");
        assertThat(t.delete("syncorders/" + oid).status()).isEqualTo(409);
        // Trailing slashes are accepted.
        assertThat(t.get("orders/" + oid + "/").status()).isEqualTo(200);
        assertThat(t.post("syncorders/", limit("AAPL", "Buy", 1, rest)).status()).isEqualTo(200);
        assertModelState(t.post("syncorders", "{}"), "placeParams.Type");
        t.refused(limit("AAPL", "Buy", 1, new BigDecimal("1.001")), "PriceNotOnTick");
        assertThat(t.post("syncorders", limit("AAPL", "Buy", 1, new BigDecimal("1.001"))).json()
                .get("ErrorDescription").asText()).isEqualTo("PriceNotOnTick");
    }

    @Test
    void validateByIdAnswersTheDocumentedEnvelope() {
        Trader t = withCommissions();
        BigDecimal rest = plus(last("AAPL"), "-40");
        long oid = id(t.place(limit("AAPL", "Buy", 10, rest)));
        Http.Response r = t.get("verified/orders/" + oid);
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        JsonNode env = r.json();
        // The documented envelope, then the spec's OrderVerifiedResource beside it.
        List<String> names = new ArrayList<>(List.of("Model", "Errors", "IsSucceed", "IsSuccessful", "Commission",
                "Commissions", "Cost", "NetCost", "TotalCost", "Quotes", "MarginChange"));
        names.addAll(VERIFY_SPEC_FIELDS);
        names.add("OrderId");
        assertThat(fieldNames(env)).containsExactlyElementsOf(names);
        assertThat(env.get("OrderId").asLong()).isEqualTo(oid);
        assertThat(env.get("Errors").isArray()).isTrue();
        assertThat(env.get("Errors")).isEmpty();
        assertThat(env.get("IsSucceed").asBoolean()).isTrue();
        JsonNode m = env.get("Model");
        assertThat(fieldNames(m)).containsExactly("OrderId", "IsSuccessful", "Commission", "Commissions", "Cost",
                "NetCost", "TotalCost", "Quotes", "MarginChange");
        assertThat(m.get("OrderId").asLong()).isEqualTo(oid);
        assertThat(m.get("IsSuccessful").asBoolean()).isTrue();
        assertThat(dec(m.get("Cost"))).isEqualByComparingTo(rest.multiply(BigDecimal.TEN));
        assertThat(dec(m.get("Commission"))).isEqualByComparingTo("1.1");
        assertThat(dec(m.get("Commissions").get("Per Trade Commission"))).isEqualByComparingTo("1");
        assertThat(m.get("Quotes").get(0).get("Symbol").asText()).isEqualTo("AAPL");
        assertThat(t.get("verified/orders/99999999").status()).isEqualTo(404);
        assertThat(h.trader().get("verified/orders/" + oid).status()).as("another account").isEqualTo(404);
    }

    @Test
    void validateByIdAfterAReplaceChecksTheReplacedOrder() {
        Trader t = h.trader();
        BigDecimal rest = plus(last("AAPL"), "-40");
        long oid = id(t.place(limit("AAPL", "Buy", 10, rest)));
        BigDecimal newPrice = plus(rest, "-1");
        assertThat(t.put("orders/" + oid, json("Id", oid, "Quantity", 5, "Price", newPrice)).status()).isEqualTo(200);
        JsonNode m = t.get("verified/orders/" + oid).json().get("Model");
        assertThat(dec(m.get("Cost"))).isEqualByComparingTo(newPrice.multiply(new BigDecimal("5")));
    }

    // ---- who may trade -----------------------------------------------------------------------------

    @Test
    void readOnlyUsersCannotTradeAndStrangersCannotTouchTheAccount() {
        Trader owner = h.trader();
        JsonNode resting = owner.place(limit("AAPL", "Buy", 1, plus(last("AAPL"), "-40")));
        Trader viewer = h.linked(owner, Account.AccessType.ReadOnly);
        String body = market("AAPL", "Buy", 1);
        for (Http.Response r : List.of(viewer.post("orders", body), viewer.post("preview/orders", body),
                viewer.post("syncorders", body), viewer.delete("orders/" + id(resting)),
                viewer.put("orders/" + id(resting), json("Id", id(resting), "Quantity", 2, "Price", 100)),
                viewer.put("preview/orders/" + id(resting), json("Id", id(resting), "Quantity", 2, "Price", 100)))) {
            assertThat(r.status()).as(r.body()).isEqualTo(401);
            assertThat(r.body()).isEqualTo(DENIED);
        }
        assertThat(viewer.get("orders?pageNumber=0&pageSize=10").json().get("TotalCount").asInt()).isEqualTo(1);
        assertThat(viewer.get("orders/" + id(resting)).status()).isEqualTo(200);
        assertThat(viewer.get("verified/orders/" + id(resting)).status()).isEqualTo(200);
        assertThat(owner.order(id(resting)).get("Status").asText()).isEqualTo("New");

        // Another user's account: 401 with the documented body, for reads and trades alike.
        Trader stranger = h.stranger();
        Trader intruder = new Trader(h, stranger.user(), stranger.token(), owner.accountId());
        for (Http.Response r : List.of(intruder.post("orders", body), intruder.post("preview/orders", body),
                intruder.get("orders?pageNumber=0&pageSize=10"), intruder.get("orders/" + id(resting)),
                intruder.delete("orders/" + id(resting)), intruder.get("verified/orders/" + id(resting)),
                intruder.get("info"), intruder.get("positions?pageNumber=0&pageSize=10&sortField=Id&desc=true"))) {
            assertThat(r.status()).as(r.body()).isEqualTo(401);
            assertThat(r.body()).isEqualTo(DENIED);
        }
        Http.Response me = Http.send("POST", server.api() + "v1.0/accounts/@me/orders", body, owner.headers());
        assertThat(me.status()).isEqualTo(400);
        assertThat(me.body()).isEqualTo("{\"Message\":\"The request is invalid.\"}");
    }

    @Test
    void closePositionsOnlyUsersMayOnlyReduceWhatIsHeld() {
        Trader owner = h.trader();
        owner.place(market("AAPL", "Buy", 10));
        Trader closer = h.linked(owner, Account.AccessType.ClosePositionsOnly);
        closer.refused(market("AAPL", "Buy", 1), "ReduceOnlyViolated");
        closer.refused(limit("MSFT", "Buy", 1, new BigDecimal("100")), "ReduceOnlyViolated");
        closer.refused(market("AAPL", "SellShort", 1), "ReduceOnlyViolated");
        assertThat(closer.verify(market("AAPL", "Buy", 1)).get("ErrorDescription").asText())
                .isEqualTo("ReduceOnlyViolated");
        closer.refused(market("AAPL", "Sell", 11), "InsufficientPosition");
        JsonNode sold = closer.place(market("AAPL", "Sell", 4));
        assertThat(sold.get("Status").asText()).isEqualTo("Filled");
        assertThat(sold.get("UserId").asLong()).isEqualTo(closer.user().id());
        assertThat(owner.position("AAPL")).isEqualByComparingTo("6");
        JsonNode rest = closer.place(limit("AAPL", "Sell", 6, plus(last("AAPL"), "50")));
        assertThat(closer.delete("orders/" + id(rest)).status()).isEqualTo(204);
    }
}
