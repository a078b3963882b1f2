package dev.crater.streaming;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.crater.accounts.Account;
import dev.crater.common.MarginType;
import dev.crater.companies.Company;
import dev.crater.reference.Security;
import dev.crater.streaming.StreamingTest.Client;
import dev.crater.testing.Http;
import dev.crater.testing.StoreKind;
import dev.crater.testing.TestServer;
import dev.crater.users.User;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Goal: the trade-data streamer of issue 15 — every entity type (Order, Position, AccountBalance,
 * UserBalance, Watchlist, WatchlistContent, and Crater's PriceAlert) with its exact field set and
 * formats, snapshot then changes, refusal of other users' keys, no change lost or doubled while
 * the socket is open, and a reader that does not read being closed rather than dropping messages.
 *
 * <p>Method: a real server on SQLite with the clock in a regular session, real orders through the
 * HTTP API, java.net.http.WebSocket clients on the data streamer; every wait is a poll with a
 * deadline.
 */
class TradeStreamingTest {
    static TestServer server;
    static Company company;

    static final List<String> ORDER_KEYS = List.of("EntityType", "Id", "SecurityId", "Quantity", "Price",
            "ExecutedQuantity", "LastPrice", "LastQuantity", "LeavesQuantity", "AveragePrice", "Side", "CreateDate",
            "Date", "DateOffset", "DateText", "TransactionDate", "TransactionDateText", "Status", "ExecutionStatus",
            "Type", "Description", "Comment", "TimeInForce", "AccountId", "StopPrice", "ExecInst", "ExpireDate",
            "SecurityType", "Symbol", "Exchange", "Currency", "Name", "UnderlyingSymbol", "UnderlyingId",
            "UnderlyingStrike", "UnderlyingOptionType", "UnderlyingExpirationDate", "UnderlyingExpirationType",
            "TrailingStopAmountType", "TrailingStopAmount", "TrailingLimitAmountType", "TrailingLimitAmount",
            "RejectReason", "ParentId", "InitialType");
    static final List<String> POSITION_KEYS = List.of("EntityType", "Id", "AccountId", "SecurityId", "CostBasis",
            "DailyCostBasis", "CreateDate", "CreateDateOffset", "ModifyDate", "ModifyDateOffset", "Quantity",
            "RealizedProfitLoss", "AverageOpenPrice", "AverageClosePrice", "SecurityType", "Symbol", "Exchange",
            "Currency", "Name", "CompanyName", "UnderlyingSymbol", "UnderlyingId", "UnderlyingStrike",
            "UnderlyingOptionType", "UnderlyingExpirationDate", "UnderlyingExpirationType");
    static final List<String> BALANCE_KEYS = List.of("EntityType", "AccountId", "CashBalance", "PendingCash",
            "PendingOrdersCount", "Items");

    @BeforeAll
    static void start() {
        server = TestServer.start(StoreKind.SQLITE);
        server.clock.set(Instant.parse("2026-11-18T16:00:00Z")); // Wednesday 11:00 New York, regular session
        company = server.company();
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    /** A user with a funded margin account and a token. */
    record Trader(User user, long account, String token) {
        String[] auth() {
            return new String[] {"Et-App-Key", company.appKey(), "Authorization", "Bearer " + token, "Content-Type",
                    "application/json"};
        }

        String api(String path) {
            return server.api() + "v1.0/" + path;
        }
    }

    static Trader trader() {
        String name = TestServer.username("trade");
        User u = server.user(company, name, null, User.TwoFactorMethod.NONE);
        Account a = server.services().accounts.open(u, MarginType.Margin, new BigDecimal("1000000"), BigDecimal.ZERO,
                BigDecimal.ZERO, BigDecimal.ZERO);
        Trader t = new Trader(u, a.id(), server.login(company, name));
        eventually("the deposit is applied", () -> Http.get(t.api("accounts/" + a.id() + "/info"), t.auth()).json()
                .path("cash").decimalValue().compareTo(new BigDecimal("1000000")) == 0);
        return t;
    }

    /** A data-streamer socket that passed CreateSession. */
    static Client dataSocket(Trader t, boolean reading) {
        Http.Response r = Http.get(t.api("streamers"), t.auth());
        JsonNode d = StreamingTest.json(r.body()).path("DataAddresses").get(0);
        Client c = StreamingTest.connect(StreamingTest.wsUrl(d.path("Url").asText(), Long.toString(t.user().id()),
                d.path("SessionId").asText()), reading);
        if (reading) {
            JsonNode first = c.next();
            assertThat(first.path("StatusCode").asText()).as(first.toString()).isEqualTo("Ok");
            c.sessionId = first.path("SessionId").asText();
        }
        return c;
    }

    static void command(Client c, String cmd, String entity, String keys) {
        c.send("{\"Cmd\":\"" + cmd + "\",\"SessionId\":\"" + c.sessionId + "\",\"Keys\":\"" + keys
                + "\",\"EntityType\":\"" + entity + "\",\"HttpClientType\":\"WebSocket\"}");
    }

    static JsonNode place(Trader t, String body) {
        Http.Response r = Http.send("POST", t.api("accounts/" + t.account() + "/orders"), body, t.auth());
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        return r.json();
    }

    /** A buy limit far under the market: it rests. */
    static long restingBuy(Trader t, String symbol) {
        return place(t, "{\"Symbol\":\"" + symbol + "\",\"Type\":\"Limit\",\"Side\":\"Buy\",\"Quantity\":3,"
                + "\"Price\":1,\"TimeInForce\":\"GoodTillCancel\"}").path("Id").asLong();
    }

    static long marketBuy(Trader t, String symbol, int quantity) {
        return place(t, "{\"Symbol\":\"" + symbol + "\",\"Type\":\"Market\",\"Side\":\"Buy\",\"Quantity\":" + quantity
                + "}").path("Id").asLong();
    }

    static Predicate<JsonNode> entity(String type) {
        return n -> n.path("EntityType").asText().equals(type);
    }

    static Predicate<JsonNode> order(long id, String status) {
        return n -> entity("Order").test(n) && n.path("Id").asText().equals(Long.toString(id))
                && n.path("Status").asText().equals(status);
    }

    static List<String> keys(JsonNode n) {
        List<String> out = new ArrayList<>();
        n.fieldNames().forEachRemaining(out::add);
        return out;
    }

    static void allStrings(JsonNode n) {
        n.fields().forEachRemaining(e -> assertThat(e.getValue().isTextual()).as(e.getKey() + " in " + n).isTrue());
    }

    static void eventually(String what, java.util.function.BooleanSupplier condition) {
        long deadline = System.nanoTime() + Duration.ofSeconds(15).toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError(what + ": not within 15 s");
            }
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                throw new AssertionError(e);
            }
        }
    }

    // ---- orders ------------------------------------------------------------------------------------

    @Test
    void orderSnapshotThenEveryChangeInTheDocumentedShape() {
        Trader t = trader();
        long resting = restingBuy(t, "AAPL");
        Client c = dataSocket(t, true);
        command(c, "Subscribe.txt", "Order", Long.toString(t.account()));
        JsonNode snap = c.until(order(resting, "New")).getLast();
        assertThat(keys(snap)).containsExactlyElementsOf(ORDER_KEYS);
        allStrings(snap);
        assertThat(snap.path("Quantity").asText()).isEqualTo("3.00000");
        assertThat(snap.path("Price").asText()).isEqualTo("1.00000");
        assertThat(snap.path("LeavesQuantity").asText()).isEqualTo("3.00000");
        assertThat(snap.path("Side").asText()).isEqualTo("Buy");
        assertThat(snap.path("Type").asText()).isEqualTo("Limit");
        assertThat(snap.path("TimeInForce").asText()).isEqualTo("GoodTillCancel");
        assertThat(snap.path("ExecInst").asText()).isEqualTo("0");
        assertThat(snap.path("AccountId").asText()).isEqualTo(Long.toString(t.account()));
        assertThat(snap.path("Symbol").asText()).isEqualTo("AAPL");
        assertThat(snap.path("UnderlyingId").asText()).isEqualTo("-1");
        assertThat(snap.path("UnderlyingExpirationDate").asText()).isEqualTo("-62135596800000");
        assertThat(snap.path("UnderlyingOptionType").asText()).isEqualTo("Undefined");
        assertThat(snap.path("ExpireDate").asText()).isEqualTo("-62135596800000");
        assertThat(snap.path("CreateDate").asText()).isEqualTo(Long.toString(server.services().market.nowMs()));
        // 11:00 in New York on a November Wednesday: UTC-5.
        assertThat(snap.path("DateOffset").asText()).isEqualTo("-18000000");
        assertThat(snap.path("DateText").asText()).isEqualTo("11/18/2026 11:00:00");

        // A market order: placed and filled in one stored round, each change its own message, in order.
        long filled = marketBuy(t, "AAPL", 10);
        JsonNode accepted = c.until(n -> entity("Order").test(n) && n.path("Id").asText().equals(Long.toString(filled)))
                .getLast();
        assertThat(accepted.path("Status").asText()).isEqualTo("New");
        assertThat(accepted.path("Type").asText()).isEqualTo("Market");
        JsonNode fill = c.next();
        assertThat(fill.path("Id").asText()).isEqualTo(Long.toString(filled));
        assertThat(fill.path("Status").asText()).isEqualTo("Filled");
        assertThat(fill.path("ExecutedQuantity").asText()).isEqualTo("10.00000");
        assertThat(fill.path("LeavesQuantity").asText()).isEqualTo("0.00000");
        assertThat(fill.path("LastQuantity").asText()).isEqualTo("10.00000");
        assertThat(new BigDecimal(fill.path("AveragePrice").asText())).isPositive();
        assertThat(fill.path("AveragePrice").asText()).matches("\\d+\\.\\d{5}");

        // Cancel the resting one: its Canceled message.
        Http.Response cancel = Http.send("DELETE", t.api("accounts/" + t.account() + "/orders/" + resting), null,
                t.auth());
        assertThat(cancel.status()).as(cancel.body()).isIn(200, 204);
        JsonNode canceled = c.until(n -> entity("Order").test(n) && n.path("Id").asText().equals(Long.toString(resting)))
                .getLast();
        assertThat(canceled.path("Status").asText()).isEqualTo("Canceled");
        assertThat(canceled.path("LeavesQuantity").asText()).isEqualTo("0.00000");
        c.ws.sendClose(1000, "").join();
    }

    @Test
    void noChangeIsLostOrDoubledWhileTheSocketIsOpen() throws Exception {
        Trader t = trader();
        Client c = dataSocket(t, true);
        command(c, "Subscribe.txt", "Order", Long.toString(t.account()));
        long marker = restingBuy(t, "MSFT");
        c.until(order(marker, "New"));
        int n = 60;
        ExecutorService pool = Executors.newFixedThreadPool(4);
        List<Future<Long>> placed = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            placed.add(pool.submit(() -> restingBuy(t, "MSFT")));
        }
        Set<Long> ids = new HashSet<>();
        for (Future<Long> f : placed) {
            ids.add(f.get());
        }
        pool.shutdown();
        Map<Long, Integer> seen = new HashMap<>();
        while (seen.size() < n) {
            JsonNode m = c.next();
            if (entity("Order").test(m)) {
                long id = m.path("Id").asLong();
                assertThat(ids).as("only the placed orders").contains(id);
                seen.merge(id, 1, Integer::sum);
            }
        }
        assertThat(seen.keySet()).isEqualTo(ids);
        assertThat(seen.values()).as("one New message per order").containsOnly(1);
        c.ws.sendClose(1000, "").join();
    }

    // ---- positions and balances ----------------------------------------------------------------------

    @Test
    void positionsAndBalancesSnapshotThenChanges() throws Exception {
        Trader t = trader();
        long first = marketBuy(t, "IBM", 5);
        eventually("filled", () -> Http.get(t.api("accounts/" + t.account() + "/orders/" + first), t.auth()).json()
                .path("Status").asText().equals("Filled"));
        Client c = dataSocket(t, true);
        command(c, "Subscribe.txt", "Position", Long.toString(t.account()));
        JsonNode snap = c.until(entity("Position")).getLast();
        assertThat(keys(snap)).containsExactlyElementsOf(POSITION_KEYS);
        allStrings(snap);
        assertThat(snap.path("Symbol").asText()).isEqualTo("IBM");
        assertThat(snap.path("Quantity").asText()).isEqualTo("5.00000");
        assertThat(snap.path("AccountId").asText()).isEqualTo(Long.toString(t.account()));
        assertThat(snap.path("CreateDateOffset").asText()).isEqualTo("-18000000");
        Http.Response listed = Http.get(t.api("accounts/" + t.account()
                + "/positions?pageNumber=0&pageSize=10&sortField=Id&desc=true"),
                t.auth());
        JsonNode rest = listed.json().get(0);
        assertThat(rest).as(listed.body()).isNotNull();
        assertThat(snap.path("Id").asText()).isEqualTo(rest.path("Id").asText());

        command(c, "Subscribe.txt", "AccountBalance", Long.toString(t.account()));
        JsonNode bal = c.until(entity("AccountBalance")).getLast();
        assertThat(keys(bal)).containsExactlyElementsOf(BALANCE_KEYS);
        allStrings(bal);
        JsonNode items = StreamingTest.json(bal.path("Items").asText());
        JsonNode info = Http.get(t.api("accounts/" + t.account() + "/info"), t.auth()).json();
        List<String> names = new ArrayList<>();
        for (JsonNode item : items) {
            assertThat(keys(item)).containsExactly("Name", "Value");
            assertThat(item.path("Value").isNumber()).isTrue();
            names.add(item.path("Name").asText());
        }
        List<String> infoKeys = new ArrayList<>(keys(info));
        assertThat(names).containsExactlyElementsOf(infoKeys);
        assertThat(new BigDecimal(bal.path("CashBalance").asText())).isEqualByComparingTo(info.path("cash")
                .decimalValue());

        marketBuy(t, "IBM", 2);
        JsonNode moved = c.until(n -> entity("Position").test(n) && n.path("Quantity").asText().equals("7.00000"))
                .getLast();
        assertThat(moved.path("Id").asText()).isEqualTo(snap.path("Id").asText());
        JsonNode after = c.until(entity("AccountBalance")).getLast();
        assertThat(new BigDecimal(after.path("CashBalance").asText()))
                .isLessThan(new BigDecimal(bal.path("CashBalance").asText()));
        c.ws.sendClose(1000, "").join();
    }

    @Test
    void userBalanceSumsTheUsersAccounts() {
        Trader t = trader();
        Client c = dataSocket(t, true);
        command(c, "Subscribe.txt", "UserBalance", Long.toString(t.user().id()));
        JsonNode snap = c.until(entity("UserBalance")).getLast();
        assertThat(keys(snap)).containsExactlyElementsOf(BALANCE_KEYS);
        assertThat(snap.path("AccountId").asText()).isEqualTo(Long.toString(t.user().id()));
        assertThat(new BigDecimal(snap.path("CashBalance").asText())).isEqualByComparingTo("1000000");
        marketBuy(t, "AAPL", 1);
        JsonNode after = c.until(entity("UserBalance")).getLast();
        assertThat(new BigDecimal(after.path("CashBalance").asText())).isLessThan(new BigDecimal("1000000"));
        c.ws.sendClose(1000, "").join();
    }

    // ---- watchlists --------------------------------------------------------------------------------

    @Test
    void watchlistsAndTheirContents() {
        Trader t = trader();
        Client c = dataSocket(t, true);
        command(c, "Subscribe.txt", "Watchlist", Long.toString(t.user().id()));
        Http.Response created = Http.send("POST", t.api("users/@me/watchlists?resultIncludeSecurities=false"),
                "{\"Name\":\"Tech\"}", t.auth());
        assertThat(created.status()).as(created.body()).isEqualTo(200);
        long list = created.json().path("Id").asLong();
        JsonNode made = c.until(entity("Watchlist")).getLast();
        assertThat(keys(made)).containsExactly("EntityType", "id", "Key", "CreateDate", "ModifyDate", "Description",
                "IsDeleted", "Name", "Type", "UserId");
        allStrings(made);
        assertThat(made.path("id").asText()).isEqualTo(Long.toString(list));
        assertThat(made.path("Key").asText()).isEqualTo(Long.toString(t.user().id()));
        assertThat(made.path("Name").asText()).isEqualTo("Tech");
        assertThat(made.path("IsDeleted").asText()).isEqualTo("False");
        assertThat(made.path("Type").asText()).isEqualTo("UserList");
        assertThat(made.path("ModifyDate").asText()).isEqualTo("11/18/2026 16:00:00");

        Security aapl = server.services().securities.snapshot().bySymbol("AAPL").orElseThrow();
        command(c, "Subscribe.txt", "WatchlistContent", Long.toString(list));
        JsonNode empty = c.until(entity("WatchlistContent")).getLast();
        assertThat(keys(empty)).containsExactly("EntityType", "Key", "AddedSymbols", "RemovedSymbols");
        assertThat(empty.path("AddedSymbols").asText()).isEqualTo("null");
        Http.Response added = Http.send("PUT", t.api("users/@me/watchlists/" + list + "/securities/" + aapl.id()), null,
                t.auth());
        assertThat(added.status()).as(added.body()).isEqualTo(200);
        JsonNode add = c.until(entity("WatchlistContent")).getLast();
        assertThat(add.path("Key").asText()).isEqualTo(Long.toString(list));
        assertThat(add.path("AddedSymbols").asText()).isEqualTo(Integer.toString(aapl.id()));
        assertThat(add.path("RemovedSymbols").asText()).isEqualTo("null");
        Http.send("DELETE", t.api("users/@me/watchlists/" + list + "/securities/" + aapl.id()), null, t.auth());
        JsonNode removed = c.until(entity("WatchlistContent")).getLast();
        assertThat(removed.path("AddedSymbols").asText()).isEqualTo("null");
        assertThat(removed.path("RemovedSymbols").asText()).isEqualTo(Integer.toString(aapl.id()));

        Http.send("PUT", t.api("users/@me/watchlists/" + list + "/name?name=Chips"), null, t.auth());
        assertThat(c.until(entity("Watchlist")).getLast().path("Name").asText()).isEqualTo("Chips");
        Http.Response deleted = Http.send("DELETE", t.api("users/@me/watchlists/" + list), null, t.auth());
        assertThat(deleted.status()).as(deleted.body()).isIn(200, 204);
        JsonNode gone = c.until(entity("Watchlist")).getLast();
        assertThat(gone.path("IsDeleted").asText()).isEqualTo("True");
        assertThat(gone.path("Name").asText()).isEqualTo("Chips");

        // A new socket's snapshot lists the user's lists as they are.
        Http.send("POST", t.api("users/@me/watchlists?resultIncludeSecurities=false"), "{\"Name\":\"Kept\"}",
                t.auth());
        Client d = dataSocket(t, true);
        command(d, "Subscribe.txt", "Watchlist", Long.toString(t.user().id()));
        assertThat(d.until(entity("Watchlist")).getLast().path("Name").asText()).isEqualTo("Kept");
        c.ws.sendClose(1000, "").join();
        d.ws.sendClose(1000, "").join();
    }

    // ---- price alerts ------------------------------------------------------------------------------

    @Test
    void aFiredPriceAlertIsStreamed() {
        Trader t = trader();
        Security s = server.services().securities.snapshot().bySymbol("ORCL").orElseThrow();
        Client c = dataSocket(t, true);
        command(c, "Subscribe.txt", "PriceAlert", Long.toString(t.user().id()));
        setPrice(s, "100");
        Http.Response r = Http.send("POST", t.api("users/@me/pricealerts"), "{\"Field\":\"Last\",\"Operator\":\"GTEQ\","
                + "\"SecurityId\":" + s.id() + ",\"Argument\":150}", t.auth());
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        long alert = r.json().path("Id").asLong();
        setPrice(s, "151");
        JsonNode fired = c.until(entity("PriceAlert")).getLast();
        assertThat(keys(fired)).containsExactly("EntityType", "Key", "Id", "State", "SecurityId", "Symbol", "Field",
                "Operator", "Argument", "Price", "QuoteDate", "Date");
        allStrings(fired);
        assertThat(fired.path("Id").asText()).isEqualTo(Long.toString(alert));
        assertThat(fired.path("Key").asText()).isEqualTo(Long.toString(t.user().id()));
        assertThat(fired.path("Symbol").asText()).isEqualTo("ORCL");
        assertThat(fired.path("Operator").asText()).isEqualTo("GTEQ");
        assertThat(fired.path("Argument").asText()).isEqualTo("150");
        assertThat(fired.path("Price").asText()).isEqualTo("151");
        c.ws.sendClose(1000, "").join();
    }

    static void setPrice(Security s, String price) {
        StreamingTest.setPrice(server, s, price);
    }

    // ---- refusals ----------------------------------------------------------------------------------

    @Test
    void keysTheUserMayNotSeeAreRefusedAlike() {
        Trader me = trader();
        Trader other = trader();
        Http.Response list = Http.send("POST", other.api("users/@me/watchlists?resultIncludeSecurities=false"),
                "{\"Name\":\"Theirs\"}", other.auth());
        long theirList = list.json().path("Id").asLong();
        Client c = dataSocket(me, true);
        String[][] foreign = {
            {"Order", Long.toString(other.account())},
            {"Position", Long.toString(other.account())},
            {"AccountBalance", "999999999"},
            {"UserBalance", Long.toString(other.user().id())},
            {"Watchlist", Long.toString(other.user().id())},
            {"WatchlistContent", Long.toString(theirList)},
            {"PriceAlert", "x"},
        };
        for (String[] f : foreign) {
            command(c, "Subscribe.txt", f[0], f[1]);
            JsonNode r = c.next();
            assertThat(r.toString()).isEqualTo("{\"Cmd\":\"Subscribe.txt\",\"StatusCode\":\"Error\",\"EntityType\":\""
                    + f[0] + "\",\"Keys\":\"" + f[1] + "\",\"Reason\":\"UnknownKey\"}");
        }
        command(c, "Subscribe.txt", "Quote", "5");
        assertThat(c.next().path("Reason").asText()).isEqualTo("EntityType");
        // Mixed: the visible key is served, the other refused.
        command(c, "Subscribe.txt", "AccountBalance", other.account() + ";" + me.account());
        List<JsonNode> got = List.of(c.next(), c.next());
        assertThat(got).anySatisfy(n -> assertThat(n.path("AccountId").asText())
                .isEqualTo(Long.toString(me.account())));
        assertThat(got).anySatisfy(n -> assertThat(n.path("Keys").asText()).isEqualTo(Long.toString(other.account())));
        // Nothing of the other user's trading reaches this socket.
        marketBuy(other, "AAPL", 1);
        marketBuy(me, "AAPL", 1);
        List<JsonNode> until = c.until(n -> entity("AccountBalance").test(n) && new BigDecimal(n.path("CashBalance")
                .asText()).compareTo(new BigDecimal("1000000")) < 0);
        assertThat(until).allSatisfy(n -> assertThat(n.path("AccountId").asText())
                .isEqualTo(Long.toString(me.account())));
        c.ws.sendClose(1000, "").join();
    }

    @Test
    void unsubscribeStopsTheMessages() {
        Trader t = trader();
        Client c = dataSocket(t, true);
        command(c, "Subscribe.txt", "AccountBalance", Long.toString(t.account()));
        c.until(entity("AccountBalance"));
        command(c, "Unsubscribe.txt", "AccountBalance", Long.toString(t.account()));
        command(c, "Subscribe.txt", "Order", Long.toString(t.account()));
        long id = restingBuy(t, "AAPL");
        List<JsonNode> seen = c.until(order(id, "New"));
        assertThat(seen).noneMatch(entity("AccountBalance"));
        eventually("no subscriber left", () -> server.services().streaming.trade
                .subscribers(TradeData.Entity.AccountBalance, t.account()) == 0);
        c.ws.sendClose(1000, "").join();
        eventually("the socket's subscriptions end with it", () -> server.services().streaming.trade
                .subscribers(TradeData.Entity.Order, t.account()) == 0);
    }

    // ---- slow readers --------------------------------------------------------------------------------

    @Test
    void aReaderThatDoesNotReadIsClosedNotSkipped() throws Exception {
        StreamingService s = server.services().streaming;
        Trader t = trader();
        int n = 100;
        for (int i = 0; i < n; i++) {
            restingBuy(t, "AAPL");
        }
        // Many commands, on a clock that stands still: a command budget that does not run out here.
        s.useLimits(StreamerLimits.DEFAULTS.withTradeFramesQueued(n).withCommandRate(1_000_000, 1_000_000,
                StreamerLimits.RATE_LIMITED_MAX));
        Http.Response r = Http.get(t.api("streamers"), t.auth());
        JsonNode d = StreamingTest.json(r.body()).path("DataAddresses").get(0);
        String url = StreamingTest.wsUrl(d.path("Url").asText(), Long.toString(t.user().id()),
                d.path("SessionId").asText());
        try (RawWebSocket stalled = new RawWebSocket(url, 4096)) {
            Client reader = dataSocket(t, true);
            String session = StreamingTest.json(stalled.readText()).path("SessionId").asText();
            String subscribe = "{\"Cmd\":\"Subscribe.txt\",\"SessionId\":\"" + session + "\",\"Keys\":\""
                    + t.account() + "\",\"EntityType\":\"Order\"}";
            String unsubscribe = subscribe.replace("Subscribe.txt", "Unsubscribe.txt");
            // Each subscribe sends a snapshot of n open orders. The reader takes them as they come, so at
            // most n wait for it (the limit: it stays open); the stalled socket is never read, its unsent
            // messages pass n once the network's buffers are full, and it is closed instead of losing any.
            eventually("the stalled socket is closed", () -> {
                try {
                    stalled.sendText(subscribe);
                    stalled.sendText(unsubscribe);
                } catch (java.io.IOException closed) {
                    return true;
                }
                command(reader, "Subscribe.txt", "Order", Long.toString(t.account()));
                command(reader, "Unsubscribe.txt", "Order", Long.toString(t.account()));
                for (int i = 0; i < n; i++) {
                    assertThat(reader.next().path("EntityType").asText()).isEqualTo("Order");
                }
                return s.stats().stream().filter(x -> x.userId() == t.user().id()).count() == 1;
            });
            assertThat(reader.closed).isNotDone();
            reader.ws.sendClose(1000, "").join();
        } finally {
            s.useLimits(StreamerLimits.DEFAULTS);
        }
    }
}
