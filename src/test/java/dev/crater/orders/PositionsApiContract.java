package dev.crater.orders;

import static dev.crater.orders.OrdersHarness.UNSUPPORTED;
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
import dev.crater.companies.WireShapes;
import dev.crater.market.Quote;
import dev.crater.orders.OrdersHarness.Trader;
import dev.crater.testing.Http;
import dev.crater.testing.StoreKind;
import dev.crater.testing.TestServer;
import dev.crater.users.User;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.DayOfWeek;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;

/**
 * Goal: what the fills leave behind, over HTTP: positions (05-positions.md — the list as a bare
 * array with the S5 query string, by symbol, security groups), the balance map (03-accounts.md
 * §1.1, exact keys and figures consistent with the fills and current quotes), the account value
 * history (§1 #5) and the transaction ledger (§5), all checked against each other: quantities and
 * cost basis against the orders' fills, realized P/L against the round trip, cash against the sum of
 * the ledger.
 *
 * <p>Method: one server per store, market time frozen on Wednesday 2026-11-18 11:00 New York (one
 * second more before each test); every test trades in fresh accounts, so the figures of each are
 * known exactly. Runs on SQLite ({@link PositionsApiSqliteTest}) and PostgreSQL
 * ({@link PositionsApiPostgresTest}).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(value = 60, unit = TimeUnit.SECONDS)
abstract class PositionsApiContract {

    static final List<String> POSITION_FIELDS = List.of("Id", "AccountId", "SecurityId", "Symbol", "Name",
            "CompanyName", "SecurityCurrency", "SecurityType", "ContractSize", "CostBasis", "DailyCostBasis",
            "CreateDate", "ModifyDate", "Quantity", "RealizedProfitLoss", "AverageOpenPrice", "AverageClosePrice",
            "StopLossPrice", "TakeProfitPrice", "DailyCloseProfitLoss", "ExcessChanges", "DayQuantity",
            "MarketValueEOD",
            // then the properties only the vendor spec defines, in its order
            "AccountHolderName", "AccountName", "ClearingAccount", "Currency", "Cusip", "EODPrice", "LoanedQuantity",
            "MarginType", "OpenQuantity", "TickSize", "UnderlyingExpirationDate", "UnderlyingExpirationType",
            "UnderlyingId", "UnderlyingOptionType", "UnderlyingStrike", "UnderlyingSymbol", "UnrealizedProfitLoss",
            "VolumePrecision");
    /** 03-accounts.md §1.1, newest example, in its order. */
    static final List<String> BALANCE_KEYS = List.of("cash", "netCash", "excess", "changeAbsolute", "changePercent",
            "equityTotal", "pendingOrdersCount", "netLiquidity", "stockLongMarketValue", "stockShortMarketValue",
            "optionLongMarketValue", "optionShortMarketValue", "forexLongMarketValue", "forexShortMarketValue",
            "dayTrades", "stockBuyingPower", "optionBuyingPower", "forexBuyingPower", "dayTradingBuyingPower",
            "pendingCash", "maintenanceMargin", "optionMaintenanceMargin", "openPL", "openPLDay", "openPLPercent",
            "closePL", "marketValue", "totalPL");
    static final List<String> TRANSACTION_FIELDS = List.of("Id", "SecurityId", "OrderStateId", "AccountId", "Date",
            "Value", "Quantity", "LeavesQuantity", "Type", "IsDayTrade",
            // then the spec-only properties an execution has values for
            "MarginType", "OrderId", "Price", "SettlementDate", "Symbol");
    static final Set<String> GROUP_NAMES = Set.of("FixedIncome", "Equity", "Forex", "Futures", "Other", "Options",
            "Index", "Cryptocurrency", "Cash");
    static final BigDecimal CENT = new BigDecimal("0.011");
    static final String LIST = "positions?pageNumber=0&pageSize=99&sortField=Id&desc=false";

    abstract StoreKind store();

    TestServer server;
    OrdersHarness h;

    @BeforeAll
    void start() {
        server = TestServer.start(store());
        server.clock.set(OrdersApiContract.WEDNESDAY_11AM_NEW_YORK);
        h = new OrdersHarness(server);
        h.prefund(Map.of(OrdersHarness.MARGIN, 14, OrdersHarness.COMMISSIONS, 6,
                OrdersHarness.plain(MarginType.DayTrader), 1, OrdersHarness.plain(MarginType.Cash), 1));
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

    static long id(JsonNode o) {
        return o.get("Id").asLong();
    }

    static void close(BigDecimal actual, BigDecimal expected, String what) {
        assertThat(actual.subtract(expected).abs()).as("%s: %s vs expected %s", what, actual, expected)
                .isLessThanOrEqualTo(CENT);
    }

    static BigDecimal value(JsonNode order) {
        return dec(order.get("AveragePrice")).multiply(dec(order.get("ExecutedQuantity")));
    }

    JsonNode position(Trader t, String symbol) {
        for (JsonNode p : t.get(LIST).json()) {
            if (p.get("Symbol").asText().equals(symbol)) {
                return p;
            }
        }
        throw new AssertionError("no position in " + symbol);
    }

    /** Two call strikes of AAPL's nearest expiration. */
    List<String> calls(Trader t) {
        JsonNode first = Http.get(server.api() + "v1.0/options/optionChain/AAPL", t.headers()).json()
                .get("Expirations").get(0);
        List<String> calls = new ArrayList<>();
        for (JsonNode o : first.get("Options")) {
            if (o.get("OptionType").asText().equals("Call")
                    && dec(o.get("StrikePrice")).compareTo(dec(first.get("CentralStrike"))) >= 0) {
                calls.add(o.get("Symbol").asText());
            }
        }
        return calls.subList(0, 2);
    }

    /** A call spread (long the first strike, short the second), legs typed as Crater needs. */
    JsonNode spread(Trader t, List<String> legs, int qty) {
        return t.place(write(map("Symbol", "", "Type", "Market", "Quantity", qty, "Legs", List.of(
                map("Symbol", legs.get(0), "Type", "Market", "Quantity", qty, "Side", "Buy"),
                map("Symbol", legs.get(1), "Type", "Market", "Quantity", qty, "Side", "SellShort")))));
    }

    // ---- positions -----------------------------------------------------------------------------

    @Test
    void buyTenSellFourLeavesSixWithTheRealizedProfitOfTheFour() {
        Trader t = h.trader();
        Quote q1 = h.quote("HD");
        JsonNode buy = t.place(market("HD", "Buy", 10));
        BigDecimal p1 = dec(buy.get("AveragePrice"));
        assertThat(p1).isEqualByComparingTo(q1.ask());
        h.setPrice("HD", q1.last().add(new BigDecimal("7")).toPlainString());
        Quote q2 = h.quote("HD");
        JsonNode sell = t.place(market("HD", "Sell", 4));
        BigDecimal p2 = dec(sell.get("AveragePrice"));
        assertThat(p2).isEqualByComparingTo(q2.bid());

        JsonNode p = position(t, "HD");
        assertThat(fieldNames(p)).containsExactlyElementsOf(POSITION_FIELDS);
        assertThat(p.get("AccountId").asLong()).isEqualTo(t.accountId());
        assertThat(p.get("SecurityId").asInt()).isEqualTo(h.security("HD").id());
        assertThat(p.get("Name").asText()).isEqualTo("HD");
        assertThat(p.get("CompanyName").asText()).isEqualTo(h.security("HD").description());
        assertThat(p.get("SecurityCurrency").asText()).isEqualTo("USD");
        assertThat(p.get("SecurityType").asText()).isEqualTo("CommonStock");
        assertThat(dec(p.get("ContractSize"))).isEqualByComparingTo("1");
        assertThat(dec(p.get("Quantity"))).isEqualByComparingTo("6");
        // The spec's UnrealizedProfitLoss: the six at the last price less their cost; EODPrice the previous close.
        Quote now = h.quote("HD");
        assertThat(dec(p.get("UnrealizedProfitLoss")))
                .isEqualByComparingTo(now.last().multiply(new BigDecimal("6")).subtract(dec(p.get("CostBasis"))));
        assertThat(dec(p.get("EODPrice"))).isEqualByComparingTo(now.previousClose());
        assertThat(p.get("ClearingAccount").asText()).isEqualTo(String.valueOf(t.accountId()));
        assertThat(dec(p.get("CostBasis"))).isEqualByComparingTo(p1.multiply(new BigDecimal("6")));
        assertThat(dec(p.get("AverageOpenPrice"))).isEqualByComparingTo(p1);
        assertThat(dec(p.get("AverageClosePrice"))).isEqualByComparingTo(p2);
        BigDecimal realized = p2.subtract(p1).multiply(new BigDecimal("4"));
        assertThat(dec(p.get("RealizedProfitLoss"))).isEqualByComparingTo(realized);
        assertThat(dec(p.get("DailyCloseProfitLoss"))).isEqualByComparingTo(realized);
        assertThat(dec(p.get("DayQuantity"))).as("shares traded today").isEqualByComparingTo("14");
        assertThat(dec(p.get("StopLossPrice"))).isEqualByComparingTo("0");
        assertThat(dec(p.get("TakeProfitPrice"))).isEqualByComparingTo("0");
        assertThat(dec(p.get("MarketValueEOD"))).isEqualByComparingTo(q2.previousClose().multiply(new BigDecimal("6")));
        assertThat(p.get("CreateDate").asText()).matches(OrdersApiContract.DATE_TIME);
        assertThat(p.get("ModifyDate").asText()).matches(OrdersApiContract.DATE_TIME);

        JsonNode info = t.info();
        assertThat(dec(info.get("closePL"))).isEqualByComparingTo(realized.setScale(2, RoundingMode.HALF_EVEN));
        assertThat(info.get("dayTrades").asInt()).as("bought and sold the same day").isEqualTo(1);
        close(dec(info.get("cash")), OrdersHarness.HUNDRED_K.subtract(value(buy)).add(value(sell)), "cash");
        // Realized P/L as a position of zero shares: it leaves the list.
        t.place(market("HD", "Sell", 6));
        for (JsonNode x : t.get(LIST).json()) {
            assertThat(x.get("Symbol").asText()).isNotEqualTo("HD");
        }
        assertThat(t.get("positions/HD").json()).isEmpty();
    }

    @Test
    void positionsListIsABareArrayWithTheS5QueryString() {
        Trader t = h.trader();
        t.place(market("AAPL", "Buy", 3));
        t.place(market("MSFT", "Buy", 7));
        t.place(market("KO", "SellShort", 5));
        Http.Response s5 = t.get("positions?accoundId=6303&pageNumber=0&pageSize=10&sortField=Id&desc=True");
        assertThat(s5.status()).as(s5.body()).isEqualTo(200);
        JsonNode all = s5.json();
        assertThat(all.isArray()).isTrue();
        assertThat(all).hasSize(3);
        List<Long> ids = new ArrayList<>();
        all.forEach(p -> ids.add(p.get("Id").asLong()));
        assertThat(ids).isSortedAccordingTo((a, b) -> Long.compare(b, a));
        JsonNode ko = position(t, "KO");
        assertThat(dec(ko.get("Quantity"))).as("a short position").isEqualByComparingTo("-5");
        assertThat(dec(ko.get("CostBasis"))).isPositive();

        assertThat(t.get("positions?pageNumber=0&pageSize=10&sortField=Id&desc=true").json()).isEqualTo(all);
        List<Integer> quantities = new ArrayList<>();
        t.get("positions?pageNumber=0&pageSize=10&sortField=Quantity&desc=false").json()
                .forEach(p -> quantities.add(p.get("Quantity").asInt()));
        assertThat(quantities).containsExactly(-5, 3, 7);
        JsonNode page1 = t.get("positions?pageNumber=1&pageSize=2&sortField=Quantity&desc=false").json();
        assertThat(page1).hasSize(1);
        assertThat(page1.get(0).get("Quantity").asInt()).isEqualTo(7);

        assertThat(t.get("positions?pageNumber=0&pageSize=99&sortField=Id&desc=true").status()).isEqualTo(200);
        assertModelState(t.get("positions?pageNumber=0&pageSize=100&sortField=Id&desc=true"), "pageSize");
        assertModelState(t.get("positions?pageNumber=0&pageSize=10&sortField=Id&desc=maybe"), "desc");
        assertModelState(t.get("positions?pageNumber=0&pageSize=10&sortField=Nonsense&desc=true"), "sortField");
        for (String missing : List.of("pageSize=10&sortField=Id&desc=true", "pageNumber=0&sortField=Id&desc=true",
                "pageNumber=0&pageSize=10&desc=true", "pageNumber=0&pageSize=10&sortField=Id")) {
            Http.Response r = t.get("positions?" + missing);
            assertThat(r.status()).as(missing).isEqualTo(404);
            assertThat(r.json().get("Message").asText()).startsWith("No HTTP resource was found");
        }

        assertThat(filter(t, "Symbol = 'AAPL'")).containsExactly("AAPL");
        assertThat(filter(t, "SecurityId = 4")).containsExactly("AAPL");
        assertThat(filter(t, "Quantity >= 5")).containsExactly("MSFT");
        assertThat(filter(t, "Quantity between 1 and 10")).containsExactlyInAnyOrder("AAPL", "MSFT");
        assertThat(filter(t, "Symbol in ('AAPL', 'KO')")).containsExactlyInAnyOrder("AAPL", "KO");
        assertThat(filter(t, "CreateDate between #2026-11-18T00:00:00# and #2026-11-19T00:00:00#")).hasSize(3);
        assertThat(filter(t, "CreateDate between #2019-03-13T18:31:42# and #2019-03-17T18:31:42#")).isEmpty();
        assertThat(filter(t, "ModifyDate >= #2026-11-18T00:00:00#")).hasSize(3);
        Http.Response bad = t.get("positions?pageNumber=0&pageSize=10&sortField=Id&desc=true&filter=" + enc("Qty > "));
        assertThat(bad.status()).isEqualTo(400);
        assertThat(bad.json().get("Message").asText()).isNotBlank();
    }

    static void assertModelState(Http.Response r, String key) {
        assertThat(r.status()).as(r.body()).isEqualTo(422);
        assertThat(r.json().get("Message").asText()).isEqualTo(VALIDATION);
        assertThat(fieldNames(r.json().get("ModelState"))).containsExactly(key);
    }

    static List<String> filter(Trader t, String f) {
        Http.Response r = t.get("positions?pageNumber=0&pageSize=10&sortField=Id&desc=true&filter=" + enc(f));
        assertThat(r.status()).as(f + " → " + r.body()).isEqualTo(200);
        List<String> symbols = new ArrayList<>();
        r.json().forEach(p -> symbols.add(p.get("Symbol").asText()));
        return symbols;
    }

    @Test
    void positionsBySymbol() {
        Trader t = h.trader();
        t.place(market("AAPL", "Buy", 3));
        List<String> legs = calls(t);
        spread(t, legs, 1);
        JsonNode aapl = t.get("positions/AAPL").json();
        assertThat(aapl.isArray()).isTrue();
        assertThat(aapl).hasSize(1);
        assertThat(aapl.get(0)).isEqualTo(position(t, "AAPL"));
        assertThat(t.get("positions/aapl").json()).isEqualTo(aapl);
        assertThat(t.get("positions/AAPL/").json()).isEqualTo(aapl);
        assertThat(t.get("positions/AAPL?currency=USD&exchange=XNAS").json()).isEqualTo(aapl);
        assertThat(t.get("positions/AAPL?currency=EUR").json()).isEmpty();
        assertThat(t.get("positions/MSFT").json()).isEmpty();
        assertThat(t.get("positions/ZZZZZZ").json()).isEmpty();
        Http.Response byId = t.get("positions/4");
        assertThat(byId.status()).as("an internal id is not a ticker").isEqualTo(422);
        JsonNode option = t.get("positions/" + enc(legs.get(0))).json();
        assertThat(option).hasSize(1);
        assertThat(option.get(0).get("SecurityType").asText()).isEqualTo("Option");
        assertThat(dec(option.get(0).get("ContractSize"))).isEqualByComparingTo("100");
        assertThat(dec(option.get(0).get("Quantity"))).isEqualByComparingTo("1");
        // The spec's Underlying* describe the contract; MarginType tells the long leg from the short one.
        assertThat(option.get(0).get("UnderlyingSymbol").asText()).isEqualTo("AAPL");
        assertThat(option.get(0).get("UnderlyingId").asInt()).isEqualTo(h.security("AAPL").id());
        assertThat(option.get(0).get("UnderlyingOptionType").asText()).isIn("Call", "Put");
        assertThat(option.get(0).get("UnderlyingStrike").isNumber()).isTrue();
        assertThat(option.get(0).get("UnderlyingExpirationType").asText()).isIn("Regular", "Weekly");
        assertThat(option.get(0).get("UnderlyingExpirationDate").isIntegralNumber()).isTrue();
        assertThat(option.get(0).get("MarginType").asText()).isEqualTo("Margin");
        assertThat(t.get("positions/" + enc(legs.get(1))).json().get(0).get("MarginType").asText())
                .isEqualTo("Short");
        assertThat(aapl.get(0).get("UnderlyingSymbol").isNull()).as("a share has no underlying").isTrue();
        assertThat(dec(t.get("positions/" + enc(legs.get(1))).json().get(0).get("Quantity")))
                .isEqualByComparingTo("-1");
    }

    @Test
    void securityGroupsAddUpToTheBalanceMap() {
        Trader t = h.trader();
        t.place(market("AAPL", "Buy", 3));
        t.place(market("MSFT", "Buy", 2));
        spread(t, calls(t), 2);
        Http.Response r = t.get("positions/groups");
        assertThat(r.status()).isEqualTo(200);
        JsonNode groups = r.json();
        assertThat(groups.isArray()).isTrue();
        Map<String, BigDecimal> byName = new HashMap<>();
        for (JsonNode g : groups) {
            assertThat(fieldNames(g)).containsExactly("Name", "MarketValue");
            assertThat(GROUP_NAMES).contains(g.get("Name").asText());
            assertThat(byName.put(g.get("Name").asText(), dec(g.get("MarketValue")))).isNull();
        }
        assertThat(byName.keySet()).containsExactlyInAnyOrder("Equity", "Options", "Cash");
        JsonNode info = t.info();
        BigDecimal equity = h.quote("AAPL").last().multiply(new BigDecimal("3"))
                .add(h.quote("MSFT").last().multiply(new BigDecimal("2")));
        close(byName.get("Equity"), equity, "Equity group");
        close(byName.get("Equity"), dec(info.get("stockLongMarketValue")), "Equity group vs balance map");
        close(byName.get("Options"), dec(info.get("optionLongMarketValue")).add(dec(info.get("optionShortMarketValue"))),
                "Options group");
        close(byName.get("Cash"), dec(info.get("cash")), "Cash group");
        // A fresh account: only cash.
        JsonNode empty = h.trader().get("positions/groups").json();
        assertThat(empty).hasSize(1);
        assertThat(empty.get(0).get("Name").asText()).isEqualTo("Cash");
        assertThat(dec(empty.get(0).get("MarketValue"))).isEqualByComparingTo("100000");
    }

    // ---- balance map ---------------------------------------------------------------------------

    @Test
    void balanceMapHasTheDocumentedKeysAndFiguresConsistentWithTheFills() {
        Trader t = h.trader(OrdersHarness.COMMISSIONS);
        JsonNode fresh = t.info();
        assertThat(fieldNames(fresh)).containsExactlyElementsOf(BALANCE_KEYS);
        fresh.fields().forEachRemaining(e -> assertThat(e.getValue().isNumber()).as(e.getKey()).isTrue());
        assertThat(dec(fresh.get("cash"))).isEqualByComparingTo("100000");
        assertThat(dec(fresh.get("equityTotal"))).isEqualByComparingTo("100000");
        assertThat(dec(fresh.get("excess"))).isEqualByComparingTo("100000");
        assertThat(dec(fresh.get("stockBuyingPower"))).as("Margin: 2 × excess").isEqualByComparingTo("200000");
        assertThat(dec(fresh.get("optionBuyingPower"))).isEqualByComparingTo("100000");

        List<JsonNode> fills = new ArrayList<>();
        fills.add(t.place(market("AAPL", "Buy", 10)));
        fills.add(t.place(market("MSFT", "Buy", 5)));
        fills.add(t.place(market("KO", "SellShort", 3)));
        fills.add(t.place(market("AAPL", "Sell", 4)));
        BigDecimal restPrice = h.quote("PG").last().subtract(new BigDecimal("30")).setScale(2, RoundingMode.HALF_EVEN);
        JsonNode resting = t.place(limit("PG", "Buy", 10, restPrice));
        assertThat(resting.get("Status").asText()).isEqualTo("New");

        BigDecimal expectedCash = OrdersHarness.HUNDRED_K;
        BigDecimal commissions = BigDecimal.ZERO;
        for (JsonNode f : fills) {
            assertThat(f.get("Status").asText()).isEqualTo("Filled");
            String side = f.get("Side").asText();
            boolean buy = side.equals("Buy") || side.equals("BuyToCover");
            expectedCash = buy ? expectedCash.subtract(value(f)) : expectedCash.add(value(f));
            // $1 per trade + $0.01 per share.
            commissions = commissions.add(BigDecimal.ONE).add(new BigDecimal("0.01").multiply(dec(f.get("Quantity"))));
        }
        expectedCash = expectedCash.subtract(commissions);

        JsonNode info = t.info();
        assertThat(fieldNames(info)).containsExactlyElementsOf(BALANCE_KEYS);
        close(dec(info.get("cash")), expectedCash, "cash = 100000 − buys + sells − commissions");
        BigDecimal ledger = t.transactions().stream().map(x -> dec(x.get("Value"))).reduce(BigDecimal.ZERO,
                BigDecimal::add);
        assertThat(dec(info.get("cash"))).as("cash = Σ ledger").isEqualByComparingTo(ledger.setScale(2,
                RoundingMode.HALF_EVEN));
        assertThat(dec(info.get("netCash"))).isEqualByComparingTo(dec(info.get("cash")));

        BigDecimal aapl = h.quote("AAPL").last();
        BigDecimal msft = h.quote("MSFT").last();
        BigDecimal ko = h.quote("KO").last();
        BigDecimal longValue = aapl.multiply(new BigDecimal("6")).add(msft.multiply(new BigDecimal("5")));
        BigDecimal shortValue = ko.multiply(new BigDecimal("-3"));
        close(dec(info.get("stockLongMarketValue")), longValue, "stockLongMarketValue");
        close(dec(info.get("stockShortMarketValue")), shortValue, "stockShortMarketValue");
        assertThat(dec(info.get("optionLongMarketValue"))).isEqualByComparingTo("0");
        assertThat(dec(info.get("optionShortMarketValue"))).isEqualByComparingTo("0");
        assertThat(dec(info.get("forexLongMarketValue"))).isEqualByComparingTo("0");
        assertThat(dec(info.get("forexShortMarketValue"))).isEqualByComparingTo("0");
        assertThat(dec(info.get("forexBuyingPower"))).isEqualByComparingTo("0");
        close(dec(info.get("marketValue")), longValue.add(shortValue), "marketValue");
        close(dec(info.get("equityTotal")), dec(info.get("cash")).add(dec(info.get("marketValue"))),
                "equityTotal = cash + marketValue");
        assertThat(dec(info.get("netLiquidity"))).isEqualByComparingTo(dec(info.get("equityTotal")));
        // Maintenance: 25 % of long stock, 30 % of short stock.
        BigDecimal maintenance = longValue.multiply(new BigDecimal("0.25"))
                .add(shortValue.abs().multiply(new BigDecimal("0.30")));
        close(dec(info.get("maintenanceMargin")), maintenance, "maintenanceMargin");
        close(dec(info.get("excess")), dec(info.get("equityTotal")).subtract(dec(info.get("maintenanceMargin"))),
                "excess = equity − maintenance");
        // Buying power (Reg T): equity − 50 % of every stock position held − the resting order's reservation
        // (half its value plus its commissions).
        BigDecimal reserved = restPrice.multiply(new BigDecimal("5")).add(new BigDecimal("1.1"));
        BigDecimal regT = dec(info.get("equityTotal"))
                .subtract(longValue.add(shortValue.abs()).multiply(new BigDecimal("0.5")));
        close(dec(info.get("optionBuyingPower")), regT.subtract(reserved), "optionBuyingPower");
        close(dec(info.get("stockBuyingPower")), dec(info.get("optionBuyingPower")).multiply(new BigDecimal("2")),
                "stockBuyingPower");
        // A Margin account's day-trading buying power is its Reg T figure: the engine lets it use no more.
        assertThat(dec(info.get("dayTradingBuyingPower"))).isEqualByComparingTo(dec(info.get("stockBuyingPower")));
        assertThat(info.get("pendingOrdersCount").asInt()).isEqualTo(1);
        assertThat(dec(info.get("pendingCash"))).isEqualByComparingTo("0");
        assertThat(info.get("dayTrades").asInt()).isEqualTo(1);

        BigDecimal p1 = dec(fills.get(0).get("AveragePrice"));
        BigDecimal p2 = dec(fills.get(3).get("AveragePrice"));
        BigDecimal realized = p2.subtract(p1).multiply(new BigDecimal("4"));
        close(dec(info.get("closePL")), realized, "closePL");
        BigDecimal openPl = aapl.subtract(p1).multiply(new BigDecimal("6"))
                .add(msft.subtract(dec(fills.get(1).get("AveragePrice"))).multiply(new BigDecimal("5")))
                .add(dec(fills.get(2).get("AveragePrice")).subtract(ko).multiply(new BigDecimal("3")));
        close(dec(info.get("openPL")), openPl, "openPL");
        close(dec(info.get("totalPL")), openPl.add(realized), "totalPL = openPL + realized");
        BigDecimal openDay = aapl.subtract(h.quote("AAPL").previousClose()).multiply(new BigDecimal("6"))
                .add(msft.subtract(h.quote("MSFT").previousClose()).multiply(new BigDecimal("5")))
                .add(ko.subtract(h.quote("KO").previousClose()).multiply(new BigDecimal("-3")));
        close(dec(info.get("openPLDay")), openDay, "openPLDay");
        // The positions list agrees with the fills.
        assertThat(t.position("AAPL")).isEqualByComparingTo("6");
        assertThat(t.position("MSFT")).isEqualByComparingTo("5");
        assertThat(t.position("KO")).isEqualByComparingTo("-3");
    }

    @Test
    void cashInTheBalanceMapIsExactlyTheLedgerSumWithSubCentCommissions() {
        Trader t = h.trader(new OrdersHarness.Spec(MarginType.Margin, new BigDecimal("1.005"),
                new BigDecimal("0.005"), new BigDecimal("0.65")));
        t.place(market("AAPL", "Buy", 205));
        t.place(market("MSFT", "Buy", 3));
        t.place(market("AAPL", "Sell", 41));
        BigDecimal ledger = BigDecimal.ZERO;
        for (JsonNode x : t.transactions()) {
            BigDecimal v = dec(x.get("Value"));
            assertThat(v.stripTrailingZeros().scale()).as("%s books whole cents", x).isLessThanOrEqualTo(2);
            ledger = ledger.add(v);
        }
        assertThat(dec(t.info().get("cash"))).as("cash = Σ ledger, exactly").isEqualByComparingTo(ledger);
    }

    @Test
    void buyingPowerFiguresPerMarginType() {
        JsonNode dayTrader = h.trader(OrdersHarness.plain(MarginType.DayTrader)).info();
        assertThat(dec(dayTrader.get("stockBuyingPower"))).isEqualByComparingTo("400000");
        assertThat(dec(dayTrader.get("dayTradingBuyingPower"))).as("4 × excess").isEqualByComparingTo("400000");
        JsonNode cash = h.trader(OrdersHarness.plain(MarginType.Cash)).info();
        assertThat(dec(cash.get("stockBuyingPower"))).isEqualByComparingTo("100000");
        assertThat(dec(cash.get("optionBuyingPower"))).isEqualByComparingTo("100000");
    }

    @Test
    void marginAccountsShowTheirRegTFigureAsDayTradingBuyingPower() {
        assertThat(dec(h.trader().info().get("dayTradingBuyingPower"))).as("2 × $100,000").isEqualByComparingTo("200000");
    }

    @Test
    void changeAbsoluteIsTheChangeOfAccountValueSinceThePreviousClose() {
        Trader t = h.trader(OrdersHarness.COMMISSIONS);
        t.place(market("AAPL", "Buy", 10));
        t.place(market("MSFT", "Buy", 10));
        JsonNode info = t.info();
        close(dec(info.get("changeAbsolute")), dec(info.get("equityTotal")).subtract(OrdersHarness.HUNDRED_K),
                "changeAbsolute");
    }

    @Test
    void shortOptionsShowAnOptionMarginRequirementInNetCash() {
        Trader t = h.trader();
        spread(t, calls(t), 2);
        JsonNode info = t.info();
        assertThat(dec(info.get("optionMaintenanceMargin"))).isPositive();
        close(dec(info.get("netCash")), dec(info.get("cash")).subtract(dec(info.get("optionMaintenanceMargin"))),
                "netCash");
    }

    @Test
    void optionPositionsAreValuedAtOneHundredTimesTheQuote() {
        Trader t = h.trader();
        List<String> legs = calls(t);
        JsonNode root = spread(t, legs, 2);
        assertThat(root.get("Status").asText()).isEqualTo("Filled");
        JsonNode info = t.info();
        BigDecimal longLast = h.server.services().market.quote(position(t, legs.get(0)).get("SecurityId").asInt())
                .orElseThrow().last();
        BigDecimal shortLast = h.server.services().market.quote(position(t, legs.get(1)).get("SecurityId").asInt())
                .orElseThrow().last();
        close(dec(info.get("optionLongMarketValue")), longLast.multiply(new BigDecimal("200")), "optionLong");
        close(dec(info.get("optionShortMarketValue")), shortLast.multiply(new BigDecimal("-200")), "optionShort");
        JsonNode longLeg = position(t, legs.get(0));
        assertThat(dec(longLeg.get("CostBasis"))).isEqualByComparingTo(
                dec(root.get("Legs").get(0).get("AveragePrice")).multiply(new BigDecimal("200")));
        assertThat(longLeg.get("CompanyName").asText()).startsWith("CALL Apple Inc.");
    }

    // ---- transactions --------------------------------------------------------------------------

    @Test
    void transactionsHoldEveryDepositFillAndFeeAndSumToCash() {
        Trader t = h.trader(OrdersHarness.COMMISSIONS);
        JsonNode b1 = t.place(market("AAPL", "Buy", 10));
        JsonNode s1 = t.place(market("AAPL", "Sell", 4));
        JsonNode b2 = t.place(market("MSFT", "Buy", 5));
        List<JsonNode> all = t.transactions();
        assertThat(all).hasSize(1 + 3 * 3);
        Set<Long> ids = new HashSet<>();
        for (JsonNode x : all) {
            assertThat(ids.add(x.get("Id").asLong())).as("unique ledger id").isTrue();
            assertThat(x.get("AccountId").asLong()).isEqualTo(t.accountId());
            assertThat(x.get("Date").asText()).matches(OrdersApiContract.DATE_TIME);
        }
        JsonNode deposit = all.get(0);
        assertThat(fieldNames(deposit)).containsExactly("Id", "SecurityId", "OrderStateId", "AccountId", "Date", "Value",
                "Quantity", "LeavesQuantity", "Type", "IsDayTrade", "Description", "MarginType");
        assertThat(deposit.get("Type").asText()).isEqualTo("Payment");
        assertThat(deposit.get("SecurityId").asInt()).isEqualTo(-1);
        assertThat(deposit.get("OrderStateId").asLong()).isZero();
        assertThat(dec(deposit.get("Value"))).isEqualByComparingTo("100000");
        assertThat(deposit.get("Description").asText()).isEqualTo("Initial deposit");

        for (JsonNode order : List.of(b1, s1, b2)) {
            List<JsonNode> mine = all.stream().filter(x -> x.get("OrderStateId").asLong() == id(order)).toList();
            assertThat(mine).hasSize(3);
            JsonNode exec = mine.stream().filter(x -> x.get("Type").asText().equals("OrderExecution")).findFirst()
                    .orElseThrow();
            assertThat(fieldNames(exec)).containsExactlyElementsOf(TRANSACTION_FIELDS);
            boolean buy = order.get("Side").asText().equals("Buy");
            BigDecimal qty = dec(order.get("ExecutedQuantity"));
            assertThat(dec(exec.get("Quantity"))).isEqualByComparingTo(buy ? qty : qty.negate());
            assertThat(dec(exec.get("Value"))).isEqualByComparingTo(buy ? value(order).negate() : value(order));
            assertThat(exec.get("SecurityId").asInt()).isEqualTo(order.get("SecurityId").asInt());
            assertThat(dec(exec.get("LeavesQuantity"))).isEqualByComparingTo("0");
            assertThat(exec.get("OrderId").asLong()).isEqualTo(id(order));
            assertThat(dec(exec.get("Price"))).isEqualByComparingTo(dec(order.get("AveragePrice")));
            assertThat(exec.get("Symbol").asText()).isEqualTo(order.get("Symbol").asText());
            assertThat(exec.get("SettlementDate").asText()).isEqualTo(order.get("SettlementDate").asText());
            assertThat(exec.get("MarginType").asText()).isEqualTo("Margin");
            Map<String, BigDecimal> fees = new HashMap<>();
            for (JsonNode fee : mine) {
                if (fee.get("Type").asText().equals("Commission")) {
                    JsonNode f = fee.get("Fee");
                    assertThat(fieldNames(f)).containsExactly("Id", "CommissionId", "Value", "Seizure", "Leverage",
                            "ValueType");
                    assertThat(dec(f.get("Value"))).isEqualByComparingTo(dec(fee.get("Value")).negate());
                    fees.put(f.get("CommissionId").asText(), dec(f.get("Value")));
                }
            }
            assertThat(fees).containsOnlyKeys("Per Trade Commission", "Per Contract Commission");
            assertThat(fees.get("Per Trade Commission")).isEqualByComparingTo("1");
            assertThat(fees.get("Per Contract Commission")).isEqualByComparingTo(qty.multiply(new BigDecimal("0.01")));
        }
        JsonNode sellExec = all.stream().filter(x -> x.get("OrderStateId").asLong() == id(s1)
                && x.get("Type").asText().equals("OrderExecution")).findFirst().orElseThrow();
        assertThat(sellExec.get("IsDayTrade").asBoolean()).as("sold what was bought today").isTrue();
        BigDecimal sum = all.stream().map(x -> dec(x.get("Value"))).reduce(BigDecimal.ZERO, BigDecimal::add);
        assertThat(t.cash()).isEqualByComparingTo(sum.setScale(2, RoundingMode.HALF_EVEN));

        // Sorting and filters from the docs.
        List<BigDecimal> values = new ArrayList<>();
        t.get("transactions?pageNumber=0&pageSize=100&sortBy=Value&isDesc=true").json().get("Result")
                .forEach(x -> values.add(dec(x.get("Value"))));
        assertThat(values).hasSize(10).isSortedAccordingTo((a, b) -> b.compareTo(a));
        JsonNode aapl = t.get("transactions?pageNumber=0&pageSize=100&sortBy=Id&isDesc=false&filter="
                + enc("SecurityId = 4")).json();
        assertThat(aapl.get("TotalCount").asInt()).isEqualTo(6);
        aapl.get("Result").forEach(x -> assertThat(x.get("SecurityId").asInt()).isEqualTo(4));
        JsonNode payments = t.get("transactions?pageNumber=0&pageSize=10&sortBy=Id&isDesc=true&filter="
                + enc("Type = 'Payment'")).json();
        assertThat(payments.get("TotalCount").asInt()).isEqualTo(1);
        assertThat(payments.get("Result").get(0)).isEqualTo(deposit);
        assertThat(txCount(t, "Type = 4")).as("Payment by its number").isEqualTo(1);
        assertThat(txCount(t, "Type = 'Commission'")).isEqualTo(6);
        assertThat(txCount(t, "Quantity between 0 and 1000")).isEqualTo(9);
        assertThat(txCount(t, "SecurityId = 4 and Type = 'OrderExecution'")).isEqualTo(2);
        assertThat(txCount(t, "Date >= #2026-11-18T00:00:00#")).isEqualTo(10);
        assertThat(txCount(t, "Date < #2026-11-18T00:00:00#")).isZero();
        assertThat(t.get("transactions?pageNumber=0&pageSize=10&sortBy=Id&isDesc=true&filter=" + enc("Type = "))
                .status()).isEqualTo(400);

        // Paging: PagingResult with links; the README's trailing-slash template works too.
        JsonNode p = t.get("transactions/?pageNumber=1&pageSize=3&sortBy=Id&isDesc=true").json();
        assertThat(fieldNames(p)).containsExactly("Result", "NextPageLink", "PreviousPageLink", "TotalCount");
        assertThat(p.get("TotalCount").asInt()).isEqualTo(10);
        assertThat(p.get("Result")).hasSize(3);
        assertThat(p.get("NextPageLink").asText()).contains("pageNumber=2");
        assertThat(p.get("PreviousPageLink").asText()).contains("pageNumber=0");

        // Every required parameter missing: the documented UnsupportedApiVersion 404.
        for (String q : List.of("pageSize=10&sortBy=Id&isDesc=true", "pageNumber=0&sortBy=Id&isDesc=true",
                "pageNumber=0&pageSize=10&isDesc=true", "pageNumber=0&pageSize=10&sortBy=Id", "")) {
            Http.Response r = t.get("transactions?" + q);
            assertThat(r.status()).as(q).isEqualTo(404);
            assertThat(r.body()).isEqualTo(UNSUPPORTED);
        }
    }

    static int txCount(Trader t, String filter) {
        Http.Response r = t.get("transactions?pageNumber=0&pageSize=100&sortBy=Id&isDesc=true&filter=" + enc(filter));
        assertThat(r.status()).as(filter + " → " + r.body()).isEqualTo(200);
        return r.json().get("TotalCount").asInt();
    }

    // ---- history -------------------------------------------------------------------------------

    @Test
    void historyHasOneValuePerTradingDayAndNeedsAllThreeParameters() {
        Trader t = h.trader();
        t.place(market("AAPL", "Buy", 10));
        for (String q : List.of("", "?startDate=2026-11-01T00:00:00Z&endDate=2026-11-18T20:00:00Z",
                "?startDate=2026-11-01T00:00:00Z&step=1", "?endDate=2026-11-18T20:00:00Z&step=1")) {
            Http.Response r = t.get("history" + q);
            assertThat(r.status()).as(q).isEqualTo(404);
            assertThat(r.json().get("Message").asText()).startsWith("No HTTP resource was found that matches");
        }
        // Saturday to Wednesday: Monday, Tuesday, Wednesday.
        JsonNode week = t.get("history?startDate=2026-11-14T12:00:00Z&endDate=2026-11-18T20:00:00Z&step=1").json();
        assertThat(week.isArray()).isTrue();
        List<String> dates = new ArrayList<>();
        for (JsonNode item : week) {
            assertThat(fieldNames(item)).containsExactly("Date", "Value");
            dates.add(item.get("Date").asText());
        }
        assertThat(dates).containsExactly("2026-11-16T00:00:00Z", "2026-11-17T00:00:00Z", "2026-11-18T00:00:00Z");
        // The account did not exist before today.
        assertThat(dec(week.get(0).get("Value"))).isEqualByComparingTo("0");
        assertThat(dec(week.get(1).get("Value"))).isEqualByComparingTo("0");
        assertThat(dec(week.get(2).get("Value"))).isPositive();

        JsonNode month = t.get("history?startDate=2026-11-01T12:00:00.0000000Z&endDate=2026-11-18T20:00:00Z&step=1")
                .json();
        Set<String> seen = new HashSet<>();
        LocalDate previous = null;
        for (JsonNode item : month) {
            LocalDate d = LocalDate.parse(item.get("Date").asText().substring(0, 10));
            assertThat(seen.add(d.toString())).isTrue();
            assertThat(d.getDayOfWeek()).isNotIn(DayOfWeek.SATURDAY, DayOfWeek.SUNDAY);
            assertThat(server.services().market.calendar().isTradingDay(d)).isTrue();
            if (previous != null) {
                assertThat(d).isAfter(previous);
            }
            previous = d;
        }
        assertThat(month).as("trading days 2026-11-02 … 2026-11-18").hasSize(13);
        assertThat(t.get("history?startDate=2026-11-18T20:00:00Z&endDate=2026-11-01T00:00:00Z&step=1").status())
                .isEqualTo(422);
        assertThat(t.get("history?startDate=yesterday&endDate=2026-11-18T20:00:00Z&step=1").status()).isEqualTo(422);
    }

    @Test
    void historyValuesTodayAtTheCurrentPrices() {
        Trader t = h.trader();
        t.place(market("NVDA", "Buy", 100));
        JsonNode week = t.get("history?startDate=2026-11-16T12:00:00Z&endDate=2026-11-18T20:00:00Z&step=1").json();
        BigDecimal today = dec(week.get(week.size() - 1).get("Value"));
        close(today, dec(t.info().get("equityTotal")), "today's history value vs equityTotal");
    }

    @Test
    void historyFollowsTheLedgerThroughEarlierDays() {
        // The value of a day is the cash booked by its close plus what was held then at that close.
        Trader t = h.trader();
        JsonNode buy = t.place(market("AAPL", "Buy", 10));
        JsonNode week = t.get("history?startDate=2026-11-18T12:00:00Z&endDate=2026-11-18T20:00:00Z&step=1").json();
        assertThat(week).hasSize(1);
        BigDecimal cash = OrdersHarness.HUNDRED_K.subtract(value(buy));
        assertThat(dec(week.get(0).get("Value"))).isGreaterThan(cash);
        assertThat(dec(week.get(0).get("Value"))).isLessThan(cash.add(dec(buy.get("AveragePrice"))
                .multiply(new BigDecimal("20"))));
    }

    @Test
    void aCompanyThatChoseTheSpecsShapesGetsThePositionsListAsAPagingResult() {
        Trader t = h.trader();
        t.place(market("AAPL", "Buy", 2));
        t.place(market("MSFT", "Buy", 3));
        assertThat(t.get(LIST).json().isArray()).as("the docs' bare array by default").isTrue();
        server.services().companies.setWireShapes(h.company.id(), WireShapes.SPEC);
        try {
            JsonNode page = t.get("positions?pageNumber=0&pageSize=1&sortField=Id&desc=false").json();
            assertThat(fieldNames(page)).containsExactly("Result", "NextPageLink", "PreviousPageLink", "TotalCount");
            assertThat(page.get("TotalCount").asInt()).isEqualTo(2);
            assertThat(page.get("Result")).hasSize(1);
            assertThat(fieldNames(page.get("Result").get(0))).containsExactlyElementsOf(POSITION_FIELDS);
            assertThat(page.get("NextPageLink").asText()).contains("pageNumber=1");
        } finally {
            server.services().companies.setWireShapes(h.company.id(), WireShapes.DOCS);
        }
        assertThat(t.get(LIST).json().isArray()).isTrue();
    }

    @Test
    void topPositionsAreTheLargestByMarketValue() {
        Trader t = h.trader();
        t.place(market("AAPL", "Buy", 30));
        t.place(market("KO", "Buy", 1));
        t.place(market("MSFT", "SellShort", 20));
        JsonNode top = t.get("positions/top?count=2").json();
        assertThat(top).hasSize(2);
        for (JsonNode g : top) {
            assertThat(fieldNames(g)).containsExactly("Name", "MarketValue");
        }
        BigDecimal aapl = h.quote("AAPL").last().multiply(new BigDecimal("30"));
        BigDecimal msft = h.quote("MSFT").last().multiply(new BigDecimal("-20"));
        List<String> names = List.of(top.get(0).get("Name").asText(), top.get(1).get("Name").asText());
        assertThat(names).as("the two largest, by size").containsExactlyElementsOf(
                aapl.compareTo(msft.abs()) >= 0 ? List.of("AAPL", "MSFT") : List.of("MSFT", "AAPL"));
        JsonNode short_ = top.get(names.indexOf("MSFT"));
        close(dec(short_.get("MarketValue")), msft, "a short position's value is negative");
        assertThat(t.get("positions/top/").json()).as("default count 5: all three").hasSize(3);
        assertModelState(t.get("positions/top?count=0"), "count");
        assertModelState(t.get("positions/top?count=100"), "count");
        assertModelState(t.get("positions/top?count=x"), "count");
    }

    // ---- the spec's consolidated orders and positions, order details, order limits --------------

    /** A user of the company linked (Full) to {@code accounts}, besides an empty account of their own. */
    Trader linkedTo(Trader... accounts) {
        Trader u = h.stranger();
        for (Trader a : accounts) {
            server.services().accounts.link(server.services().accounts.byId(a.accountId()).orElseThrow(), u.user(),
                    Account.AccessType.Full);
        }
        return u;
    }

    Http.Response consolidated(Trader as, String what, String body) {
        return Http.send("POST", server.api() + "v1.0/" + what + "/consolidated", body, as.headers());
    }

    static Set<Long> ids(JsonNode page) {
        Set<Long> out = new HashSet<>();
        page.get("Result").forEach(o -> out.add(o.get("Id").asLong()));
        return out;
    }

    @Test
    void consolidatedOrdersArePagedAcrossTheNamedAccountsOrAllOfTheCallers() {
        Trader a = h.trader();
        Trader b = h.trader();
        long buyA = id(a.place(market("AAPL", "Buy", 3)));
        long buyB = id(b.place(market("MSFT", "Buy", 2)));
        long restingB = id(b.place(limit("KO", "Buy", 1, new BigDecimal("1"))));
        Trader u = linkedTo(a, b);

        JsonNode all = consolidated(u, "orders", "{}").json();
        assertThat(fieldNames(all)).containsExactly("Result", "NextPageLink", "PreviousPageLink", "TotalCount");
        assertThat(ids(all)).containsExactlyInAnyOrder(buyA, buyB, restingB);
        assertThat(all.get("TotalCount").asInt()).isEqualTo(3);
        JsonNode named = consolidated(u, "orders", json("AccountIds", List.of(b.accountId(), b.accountId()),
                "SortField", "Id", "Desc", true, "PageNumber", 0, "PageSize", 1)).json();
        assertThat(named.get("TotalCount").asInt()).as("b's two orders, the repeated id once").isEqualTo(2);
        assertThat(ids(named)).containsExactly(restingB);
        assertThat(ids(consolidated(u, "orders", json("AccountIds", List.of(b.accountId()), "PageNumber", 1,
                "PageSize", 1, "SortField", "Id", "Desc", true)).json())).containsExactly(buyB);
        // The filter query parameter applies across the accounts.
        assertThat(ids(Http.send("POST", server.api() + "v1.0/orders/consolidated?filter=" + enc("Symbol = 'AAPL'"),
                "{\"AccountIds\": []}", u.headers()).json())).containsExactly(buyA);
        // The pool user, not linked to u's own account, is refused it; malformed bodies are 422.
        Http.Response foreign = consolidated(a, "orders", json("AccountIds", List.of(a.accountId(), u.accountId())));
        assertThat(foreign.status()).isEqualTo(401);
        assertThat(foreign.body()).isEqualTo(OrdersHarness.DENIED);
        assertModelState(consolidated(u, "orders", json("PageSize", 0)), "dto.PageSize");
        assertModelState(consolidated(u, "orders", json("PageSize", 101)), "dto.PageSize");
        assertModelState(consolidated(u, "orders", json("AccountIds", "x")), "dto.AccountIds");
        assertModelState(consolidated(u, "orders", null), "dto");
        assertThat(consolidated(u, "orders", json("SortField", "Nope")).status()).isEqualTo(422);
        assertThat(consolidated(u, "orders", "{}").status()).isEqualTo(200);
        // A user with no account at all gets an empty page.
        String name = TestServer.username("none");
        User nobody = server.user(h.company, name, null, User.TwoFactorMethod.NONE);
        Trader none = new Trader(h, nobody, server.login(h.company, name), 0);
        JsonNode empty = consolidated(none, "orders", "{}").json();
        assertThat(empty.get("Result")).isEmpty();
        assertThat(empty.get("TotalCount").asInt()).isZero();
    }

    @Test
    void consolidatedPositionsAreTheOpenPositionsOfTheAccountsWithTheirTotal() {
        Trader a = h.trader();
        Trader b = h.trader();
        a.place(market("AAPL", "Buy", 3));
        b.place(market("MSFT", "Buy", 2));
        b.place(market("KO", "Buy", 4));
        b.place(market("KO", "Sell", 4));
        Trader u = linkedTo(a, b);
        JsonNode all = consolidated(u, "positions", "{}").json();
        assertThat(all.get("TotalCount").asInt()).as("KO was closed").isEqualTo(2);
        Map<String, Long> byAccount = new HashMap<>();
        for (JsonNode p : all.get("Result")) {
            assertThat(fieldNames(p)).containsExactlyElementsOf(POSITION_FIELDS);
            byAccount.put(p.get("Symbol").asText(), p.get("AccountId").asLong());
        }
        assertThat(byAccount).containsExactlyInAnyOrderEntriesOf(Map.of("AAPL", a.accountId(), "MSFT", b.accountId()));
        JsonNode onlyB = consolidated(u, "positions", json("AccountIds", List.of(b.accountId()))).json();
        assertThat(onlyB.get("Result")).hasSize(1);
        assertThat(onlyB.get("Result").get(0).get("Symbol").asText()).isEqualTo("MSFT");
        assertThat(Http.send("POST", server.api() + "v1.0/positions/consolidated/?filter=" + enc("Quantity > 2"),
                "{}", u.headers()).json().get("TotalCount").asInt()).isEqualTo(1);
        assertThat(consolidated(a, "positions", json("AccountIds", List.of(u.accountId()))).status()).isEqualTo(401);
        assertModelState(consolidated(u, "positions", json("PageNumber", -1)), "dto.PageNumber");
    }

    @Test
    void orderDetailsListTheExecutionsOfTheOrder() {
        Trader t = h.trader();
        JsonNode resting = t.place(limit("KO", "Buy", 5, new BigDecimal("1")));
        assertThat(t.get("orders/" + id(resting) + "/details").json()).as("no execution yet").isEmpty();
        JsonNode buy = t.place(market("AAPL", "Buy", 7));
        JsonNode details = t.get("orders/" + id(buy) + "/details/").json();
        assertThat(details).hasSize(1);
        JsonNode d = details.get(0);
        assertThat(d.get("Id").asLong()).isEqualTo(id(buy));
        assertThat(d.get("Symbol").asText()).isEqualTo("AAPL");
        assertThat(d.get("SecurityType").asText()).isEqualTo("CommonStock");
        assertThat(d.get("Login").asText()).isEqualTo(t.user().username());
        assertThat(dec(d.get("LastQuantity"))).isEqualByComparingTo("7");
        assertThat(dec(d.get("ExecutedQuantity"))).isEqualByComparingTo("7");
        assertThat(dec(d.get("LeavesQuantity"))).isEqualByComparingTo("0");
        assertThat(dec(d.get("LastPrice"))).isEqualByComparingTo(dec(buy.get("AveragePrice")));
        assertThat(dec(d.get("AveragePrice"))).isEqualByComparingTo(dec(buy.get("AveragePrice")));
        assertThat(d.get("IsCompleted").asBoolean()).isTrue();
        assertThat(d.get("Status").asText()).isEqualTo("Filled");
        assertThat(d.get("ExecId").asText()).isNotBlank();
        // The model's dates are integers: Unix seconds (Crater's int64 dates) of the execution and of the order.
        assertThat(d.get("Date").isIntegralNumber()).isTrue();
        assertThat(d.get("Date").asLong()).isEqualTo(d.get("TransactionDate").asLong())
                .isEqualTo(Instant.parse(buy.get("TransactionDate").asText()).getEpochSecond());
        assertThat(d.get("CreateDate").asLong()).isEqualTo(Instant.parse(buy.get("CreateDate").asText()).getEpochSecond());
        assertThat(Instant.parse(d.get("TransactionDateText").asText()).getEpochSecond()).isEqualTo(d.get("Date").asLong());
        assertThat(d.get("Currency").asText()).isEqualTo(buy.get("Currency").asText());
        assertThat(d.get("ExecInst").asLong()).isEqualTo(buy.get("ExecInstNum").asLong());
        assertThat(d.has("UnderlyingSymbol") && d.get("UnderlyingSymbol").isNull()).as("not an option").isTrue();

        assertThat(t.get("orders/" + (id(buy) + 100000) + "/details").status()).isEqualTo(404);
        Trader other = h.stranger();
        assertThat(Http.get(t.url("orders/" + id(buy) + "/details"), other.headers()).status()).isEqualTo(401);
    }

    @Test
    void orderLimitsAreWhatTheBuyingPowerAndTheHoldingsAllow() {
        Trader t = h.trader();
        t.place(market("AAPL", "Buy", 10));
        BigDecimal power = dec(t.info().get("stockBuyingPower"));
        JsonNode at100 = t.get("preview/limits/AAPL?price=100").json();
        assertThat(fieldNames(at100)).containsExactly("AccountId", "BuyLimit", "BuyPrice", "SellLimit", "SellPrice",
                "Symbol");
        assertThat(at100.get("AccountId").asLong()).isEqualTo(t.accountId());
        assertThat(at100.get("Symbol").asText()).isEqualTo("AAPL");
        BigDecimal buyable = power.divide(new BigDecimal("100"), 0, RoundingMode.DOWN);
        assertThat(dec(at100.get("BuyLimit"))).isEqualByComparingTo(buyable);
        assertThat(dec(at100.get("BuyPrice"))).isEqualByComparingTo("100");
        assertThat(dec(at100.get("SellLimit"))).as("held plus what a margin account may short")
                .isEqualByComparingTo(buyable.add(BigDecimal.TEN));
        // Without a price: the ask for buying, the bid for selling.
        Quote q = h.quote("AAPL");
        JsonNode quoted = t.get("preview/limits/aapl").json();
        assertThat(dec(quoted.get("BuyPrice"))).isEqualByComparingTo(q.ask());
        assertThat(dec(quoted.get("SellPrice"))).isEqualByComparingTo(q.bid());
        // A cash account sells only what it holds.
        Trader cash = h.trader(OrdersHarness.plain(MarginType.Cash));
        cash.place(market("MSFT", "Buy", 4));
        assertThat(dec(cash.get("preview/limits/MSFT?price=10").json().get("SellLimit"))).isEqualByComparingTo("4");

        assertThat(t.get("preview/limits/NOSUCHSYMBOL").status()).isEqualTo(404);
        assertModelState(t.get("preview/limits/AAPL?price=abc"), "price");
        assertModelState(t.get("preview/limits/AAPL?price=-1"), "price");
        assertThat(Http.get(t.url("preview/limits/AAPL"), h.stranger().headers()).status()).isEqualTo(401);
    }

    static Instant at(String s) {
        return Instant.parse(s);
    }
}
