package dev.crater.spec;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.crater.accounts.Account;
import dev.crater.common.MarginType;
import dev.crater.companies.Company;
import dev.crater.companies.WireShapes;
import dev.crater.market.Quote;
import dev.crater.reference.Security;
import dev.crater.testing.Http;
import dev.crater.testing.StoreKind;
import dev.crater.testing.TestServer;
import dev.crater.users.User;
import java.io.IOException;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;

/**
 * Goal: every answer Crater gives to an operation of the vendor's specification is what a client
 * generated from that specification can read — each 2xx JSON answer validates against the
 * operation's response model ({@link SpecModels}: names in the spec's case, JSON types and formats,
 * enum names, every property present), and every request body that is valid per the spec's request
 * model (all its property names, realistic values) is accepted, while a body with a value of the
 * wrong type is a 4xx, never a 5xx.
 *
 * <p>Method: one real server per store with realistic data — a user with a funded Margin account
 * holding two positions (filled market orders), open limit orders, watchlists, price alerts, an
 * alias, and other users to link — on a Wednesday in the regular session so that market orders
 * fill. Every operation of the extract that is routed (not in
 * {@link OperationsRoutedContract#NOT_YET}) is called; the ones that change something get an object
 * of their own (an order to cancel, a watchlist to delete), so the calls do not depend on their
 * order. Operations whose answer does not validate yet, for a documented reason, are in
 * {@link #DEVIATIONS}; the list only shrinks. The counts (answers valid, properties answered per
 * model) are printed; docs/api-compatibility.md quotes them. With {@code -Dcrater.spec.verbose=true} every
 * invalid answer's problems are printed too.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(value = 240, unit = TimeUnit.SECONDS)
abstract class SpecConformanceContract {

    /** Wednesday 2026-11-18, 11:00 New York: the regular session, so market orders fill. */
    static final Instant WEDNESDAY_11AM_NEW_YORK = Instant.parse("2026-11-18T16:00:00Z");
    static final BigDecimal DEPOSIT = new BigDecimal("100000");
    static final String NEW_PASSWORD = "a brand new horse battery 7";
    /** The expiry of the good-till-date orders: a month after the test's market time. */
    static final String EXPIRY = "2026-12-18T21:00:00Z";

    /**
     * Operations whose 2xx answer does not validate against the spec's model, with the reason; the
     * decision behind each is in docs/api-compatibility.md. The list only shrinks: an operation on
     * it whose answers all validate fails the test until it is taken off.
     */
    static final Map<String, String> DEVIATIONS = Map.of();

    /**
     * The models whose documented examples leave keys without a value out, and so do Crater's answers: the
     * token answers (Succeed), WatchlistModel, the verify answers (VerifyOrderModel's error fields in a
     * success) and TransactionMapModel ({@code Fee} and {@code Description}, optional in the docs). Every
     * other answer has every property of its model, null where Crater has no value.
     */
    static final Set<String> OMITS_EMPTY_KEYS = Set.of("Succeed", "WatchlistModel", "OrderPreviewResource",
            "OrderVerifiedResource", "TransactionMapModel", "AchRelationshipResource");

    abstract StoreKind store();

    static final ObjectMapper MAPPER = new ObjectMapper();

    TestServer server;
    Company company;
    SpecModels models;
    JsonNode spec;

    /** The names the calls fill in: ids of what the set-up made, by role. */
    final Map<String, String> ids = new TreeMap<>();
    /** Bearer tokens by user role. */
    final Map<String, String> tokens = new TreeMap<>();

    // ---- set-up: realistic data ------------------------------------------------------------------

    @BeforeAll
    void start() throws IOException {
        spec = MAPPER.readTree(SpecExtractTest.committed());
        models = new SpecModels(spec, OMITS_EMPTY_KEYS);
        server = TestServer.start(store());
        server.clock.set(WEDNESDAY_11AM_NEW_YORK);
        company = server.company();
        // The spec's shapes for the two answers whose docs and spec differ in kind (positions list, account
        // users): a broker with generated clients chooses them; the docs' arrays, the default, are held by
        // PositionsApiContract and AccountsApiContract.
        server.services().companies.setWireShapes(company.id(), WireShapes.SPEC);
        User owner = user("owner");
        Account account = server.services().accounts.open(owner, MarginType.Margin, DEPOSIT, BigDecimal.ZERO,
                BigDecimal.ZERO, BigDecimal.ZERO);
        ids.put("accountId", String.valueOf(account.id()));
        ids.put("userId", String.valueOf(owner.id()));
        ids.put("username", owner.username());
        // Other users: one linked now (to be removed), two to link by id and by login, one who changes
        // their password, one for the PIN reset, one for the sign-out.
        User removable = user("removable");
        server.services().accounts.link(account, removable, Account.AccessType.ReadOnly);
        ids.put("removableUserId", String.valueOf(removable.id()));
        ids.put("linkUserId", String.valueOf(user("link").id()));
        ids.put("linkUsername", user("login").username());
        ids.put("passwordUserId", String.valueOf(user("password").id()));
        User pinUser = user("pin");
        // The PIN reset needs a PIN to reset (set after the login, which would otherwise ask for it).
        server.services().users.setPin(pinUser.id(), "97531", "fish.png", "conformance");
        ids.put("pinUserId", String.valueOf(pinUser.id()));
        tokens.put("logout", server.login(company, owner.username()));
        await(() -> cash(), c -> c != null && c.compareTo(DEPOSIT) == 0, "the deposit to be booked");

        // Two positions (filled market orders) and open limit orders, one per operation that changes one.
        nextSecond();
        long aapl = placed(market("AAPL", 10));
        long msft = placed(market("MSFT", 5));
        await(() -> order(aapl), o -> o.path("Status").asText().equals("Filled"), "the AAPL buy to fill");
        await(() -> order(msft), o -> o.path("Status").asText().equals("Filled"), "the MSFT buy to fill");
        ids.put("filledOrderId", String.valueOf(aapl));
        for (String role : List.of("open", "cancel", "replace", "syncCancel", "syncReplace")) {
            ids.put(role + "OrderId", String.valueOf(placed(restingLimit("AAPL", 2))));
        }

        // An option contract of AAPL (the chain's first strike of the first expiration).
        JsonNode chain = ok("GET", "v1.0/options/optionChain/AAPL?filter=" + enc("Range = 1"), null);
        JsonNode option = chain.path("Expirations").path(0).path("Options").path(0);
        ids.put("optionId", option.path("Id").asText());
        ids.put("optionSymbol", option.path("Symbol").asText());
        ids.put("aaplId", String.valueOf(security("AAPL").id()));
        ids.put("msftId", String.valueOf(security("MSFT").id()));
        ids.put("agreementId", String.valueOf(server.services().agreements.addDemoSet(company.id()).get(0).id()));

        // Watchlists: one to read, and one per operation that changes one.
        for (String role : List.of("read", "delete", "rename", "removeTicker", "addTicker", "removeId", "addId")) {
            String securities = role.startsWith("add") ? "[" + ids.get("aaplId") + "]"
                    : "[" + ids.get("aaplId") + ", " + ids.get("msftId") + "]";
            JsonNode w = ok("POST", "v1.0/users/" + ids.get("userId") + "/watchlists?resultIncludeSecurities=false",
                    "{\"Name\": \"List " + role + "\", \"Securities\": " + securities + "}");
            ids.put(role + "WatchlistId", w.path("Id").asText());
        }

        // Price alerts: one to read, one to modify, one to delete; far from the price, so none fires.
        for (String role : List.of("read", "modify", "delete")) {
            JsonNode a = ok("POST", "v1.0/users/" + ids.get("userId") + "/pricealerts",
                    "{\"SecurityId\": " + ids.get("aaplId") + ", \"Field\": \"Last\", \"Operator\": \"GTEQ\", "
                            + "\"Argument\": " + far("AAPL") + ", \"ExpirationDate\": 0, \"State\": \"New\"}");
            ids.put(role + "AlertId", a.path("Id").asText());
        }
        ok("PUT", "v1.0/accounts/" + ids.get("accountId") + "/alias/Main", null);

        // Funding (issue 17): a linked bank to read, change and move money with, one awaiting its
        // micro-deposits; a second account of the owner's for the calls that add or cancel a link (at
        // most two per account); a deposit whose fees are read and one to cancel.
        String bank = "{\"RoutingNumber\": \"051000017\", \"AccountNumber\": \"987654321222\","
                + " \"AccountOwnerName\": \"Ada Lovelace\", \"Name\": \"Citi Bank\", \"ApprovalMethod\": \"%s\","
                + " \"BankAccountType\": \"Checking\"}";
        String funding = "v1.0/accounts/" + ids.get("accountId");
        ids.put("readAchId", ok("POST", funding + "/ach-relationships", String.format(bank, "Instant")).path("Id").asText());
        ids.put("approveAchId", ok("POST", funding + "/ach-relationships", String.format(bank, "Manual")).path("Id")
                .asText());
        String mail = server.services().outbox.newest(50).stream()
                .filter(m -> m.recipient().equalsIgnoreCase(owner.email()) && m.subject().contains("micro-deposits"))
                .findFirst().orElseThrow().body();
        java.util.regex.Matcher amounts = java.util.regex.Pattern.compile("\\$(0\\.\\d\\d) and \\$(0\\.\\d\\d)")
                .matcher(mail);
        assertThat(amounts.find()).as(mail).isTrue();
        ids.put("microAmount1", amounts.group(1));
        ids.put("microAmount2", amounts.group(2));
        Account second = server.services().accounts.open(owner, MarginType.Margin, BigDecimal.ZERO, BigDecimal.ZERO,
                BigDecimal.ZERO, BigDecimal.ZERO);
        ids.put("achAccountId", String.valueOf(second.id()));
        ids.put("plaidAccountId", String.valueOf(server.services().accounts.open(owner, MarginType.Margin, BigDecimal.ZERO,
                BigDecimal.ZERO, BigDecimal.ZERO, BigDecimal.ZERO).id()));
        ids.put("deleteAchId", ok("POST", "v1.0/accounts/" + second.id() + "/ach-relationships",
                String.format(bank, "Instant")).path("Id").asText());
        String deposit = "{\"AchRelationshipId\": \"" + ids.get("readAchId") + "\", \"Amount\": 25, \"IsIncoming\": true}";
        ids.put("feeTransferId", ok("POST", funding + "/transfers/ach", deposit).path("Id").asText());
        ids.put("cancelTransferId", ok("POST", funding + "/transfers/ach", deposit).path("Id").asText());
        // The ProTrader group: an operator's invitation of the owner, whose token the group call sends.
        ids.put("proTraderToken", server.services().proTrader.invite(company, owner).token());
    }

    /** Whether a funding call goes to the second account (the calls that add or cancel a link; Plaid has a third). */
    boolean onSecondAccount(String operation) {
        return operation.equals("DELETE /v{version}/accounts/{accountId}/ach-relationships/{id}")
                || operation.equals("POST /v{version}/accounts/{accountId}/ach-relationships");
    }

    @AfterAll
    void stop() {
        if (server != null) {
            server.close();
        }
    }

    private User user(String role) {
        User u = server.user(company, TestServer.username("conf-" + role), null, User.TwoFactorMethod.NONE);
        tokens.put(role, server.login(company, u.username()));
        return u;
    }

    Security security(String symbol) {
        return server.services().securities.snapshot().bySymbol(symbol).orElseThrow();
    }

    Quote quote(String symbol) {
        return server.services().market.quote(security(symbol).id()).orElseThrow();
    }

    /** One second of market time passes; the engine sees fresh quoted sizes. */
    void nextSecond() {
        server.clock.advance(Duration.ofSeconds(1));
        server.services().market.tick();
    }

    /** A limit buy 20 % below the last price, good till a date a month ahead: it rests. */
    String restingLimit(String symbol, int quantity) {
        return "{\"Symbol\": \"" + symbol + "\", \"Type\": \"Limit\", \"Side\": \"Buy\", \"Quantity\": " + quantity
                + ", \"Price\": " + restingPrice(symbol) + ", \"TimeInForce\": \"GoodTillDate\", \"ExpireDate\": \""
                + EXPIRY + "\"}";
    }

    static String market(String symbol, int quantity) {
        return "{\"Symbol\": \"" + symbol + "\", \"Type\": \"Market\", \"Side\": \"Buy\", \"Quantity\": " + quantity
                + "}";
    }

    /** Twice the last price: an alert level that is not reached. */
    String far(String symbol) {
        return quote(symbol).last().multiply(BigDecimal.TWO).setScale(2, RoundingMode.HALF_EVEN).toPlainString();
    }

    long placed(String body) {
        JsonNode o = ok("POST", "v1.0/accounts/" + ids.get("accountId") + "/orders", body);
        assertThat(o.has("Id")).as("an accepted order: %s", o).isTrue();
        return o.path("Id").asLong();
    }

    JsonNode order(long id) {
        return ok("GET", "v1.0/accounts/" + ids.get("accountId") + "/orders/" + id, null);
    }

    BigDecimal cash() {
        Http.Response r = send("GET", "v1.0/accounts/" + ids.get("accountId") + "/info", null, tokens.get("owner"));
        return r.status() == 200 ? r.json().path("cash").decimalValue() : null;
    }

    static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20");
    }

    Http.Response send(String method, String path, String body, String token) {
        return Http.send(method, server.api() + path, body, "Et-App-Key", company.appKey(), "Authorization",
                "Bearer " + token, "Content-Type", "application/json", "Accept", "application/json");
    }

    JsonNode ok(String method, String path, String body) {
        Http.Response r = send(method, path, body, tokens.get("owner"));
        assertThat(r.status()).as("%s %s %s → %s", method, path, body, r.body()).isBetween(200, 299);
        return r.body().isBlank() ? MAPPER.nullNode() : r.json();
    }

    static <T> T await(Supplier<T> read, Predicate<T> done, String what) {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        T last = read.get();
        while (!done.test(last)) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out waiting for " + what + "; last seen: " + last);
            }
            try {
                Thread.sleep(50); // polling the engine's asynchronous outcome, bounded by the deadline
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError(e);
            }
            last = read.get();
        }
        return last;
    }

    // ---- the calls -----------------------------------------------------------------------------------

    /** One request of an operation: who sends it, where, with what body. */
    record Call(String operation, String method, String path, String body, String as, String note) {
    }

    /** "METHOD path" → the operation's facts, in the spec's order. */
    Map<String, JsonNode> operations() {
        Map<String, JsonNode> ops = new LinkedHashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> p = spec.path("paths").fields(); p.hasNext(); ) {
            Map.Entry<String, JsonNode> path = p.next();
            for (Iterator<Map.Entry<String, JsonNode>> m = path.getValue().fields(); m.hasNext(); ) {
                Map.Entry<String, JsonNode> method = m.next();
                ops.put(method.getKey().toUpperCase() + " " + path.getKey(), method.getValue());
            }
        }
        return ops;
    }

    /** The routed operations: every operation of the extract but those not built yet. */
    Map<String, JsonNode> routed() {
        Map<String, JsonNode> ops = operations();
        ops.keySet().removeAll(OperationsRoutedContract.NOT_YET.keySet());
        return ops;
    }

    /** The body schema of an operation, or null when it takes none. */
    static JsonNode bodySchema(JsonNode op) {
        for (JsonNode p : op.path("parameters")) {
            if (p.path("in").asText().equals("body")) {
                return p.path("schema");
            }
        }
        return null;
    }

    /** The role whose token sends {@code operation}, and the path parameters it names. */
    String as(String operation) {
        if (operation.endsWith("/password/change")) {
            return "password";
        }
        if (operation.endsWith("/pincode")) {
            return "pin";
        }
        if (operation.equals("POST /logout")) {
            return "logout";
        }
        return "owner";
    }

    /** The value of path parameter {@code name} in {@code operation}. */
    String pathValue(String operation, String name) {
        String role = as(operation);
        boolean sync = operation.contains("/syncorders/");
        return switch (name) {
            case "version" -> "1.0";
            case "accountId", "clearingNumber" -> ids.get(operation.endsWith("/ach-relationships/plaid") ? "plaidAccountId"
                    : onSecondAccount(operation) ? "achAccountId" : "accountId");
            case "userId" -> switch (role) {
                case "password" -> ids.get("passwordUserId");
                case "pin" -> ids.get("pinUserId");
                default -> operation.contains("/accounts/{accountId}/users/{userId}")
                        ? ids.get(operation.startsWith("DELETE") ? "removableUserId" : "linkUserId")
                        : ids.get("userId");
            };
            case "username" -> ids.get("linkUsername");
            case "orderId" -> {
                if (operation.startsWith("DELETE")) {
                    yield ids.get(sync ? "syncCancelOrderId" : "cancelOrderId");
                }
                if (operation.startsWith("PUT") && !operation.contains("/preview/")) {
                    yield ids.get(sync ? "syncReplaceOrderId" : "replaceOrderId");
                }
                yield ids.get(operation.contains("/preview/") || operation.contains("/verified/")
                        ? "openOrderId" : "filledOrderId");
            }
            case "watchlistId" -> ids.get(watchlistRole(operation) + "WatchlistId");
            case "alertId" -> ids.get((operation.startsWith("DELETE") ? "delete"
                    : operation.startsWith("PUT") ? "modify" : "read") + "AlertId");
            case "securityId" -> ids.get("msftId");
            case "id" -> operation.contains("/options/") ? ids.get("optionId")
                    : operation.contains("/transfers/") ? ids.get("feeTransferId")
                    : operation.contains("/ach-relationships/") ? ids.get(operation.startsWith("DELETE") ? "deleteAchId"
                            : operation.endsWith("/approve") ? "approveAchId" : "readAchId")
                    : ids.get("aaplId");
            case "transferId" -> ids.get("cancelTransferId");
            case "mechanism" -> "ACH";
            case "isDeposit" -> "true";
            case "symbol" -> operation.contains("/options/{symbol}") ? ids.get("optionSymbol") : "AAPL";
            case "alias" -> "Trading";
            case "agreementId" -> ids.get("agreementId");
            default -> throw new AssertionError("no value for path parameter " + name + " of " + operation);
        };
    }

    static String watchlistRole(String operation) {
        boolean delete = operation.startsWith("DELETE");
        if (operation.endsWith("/securities/{securityId}")) {
            return delete ? "removeId" : "addId";
        }
        if (operation.endsWith("/securities")) {
            return delete ? "removeTicker" : "addTicker";
        }
        if (operation.endsWith("/name")) {
            return "rename";
        }
        return delete ? "delete" : "read";
    }

    /** The query string of {@code operation}: its required parameters, with realistic values. */
    String query(String operation, JsonNode op) {
        Map<String, String> q = new LinkedHashMap<>();
        for (JsonNode p : op.path("parameters")) {
            if (p.path("in").asText().equals("query") && p.path("required").asBoolean()) {
                String name = p.path("name").asText();
                q.put(name, queryValue(operation, name, p));
            }
        }
        StringBuilder s = new StringBuilder();
        q.forEach((k, v) -> s.append(s.isEmpty() ? '?' : '&').append(k).append('=').append(enc(v)));
        return s.toString();
    }

    String queryValue(String operation, String name, JsonNode parameter) {
        return switch (name) {
            case "pageNumber" -> "0";
            case "pageSize" -> "10";
            case "sortField", "sortBy" -> "Id";
            case "desc", "isDesc" -> "false";
            case "startDate" -> "2026-11-01";
            case "endDate" -> "2026-11-18";
            case "step" -> "1";
            case "mask" -> "AA";
            case "count" -> "5";
            case "underlying" -> "AAPL";
            case "includeSecurities", "resultIncludeSecurities" -> "true";
            case "name" -> "Renamed list";
            case "accessType" -> "Full";
            case "currency" -> "USD";
            case "confirmationToken" -> ids.get("proTraderToken");
            case "targetCurrency" -> "USD";
            default -> switch (parameter.path("type").asText()) {
                case "integer", "number" -> "1";
                case "boolean" -> "true";
                default -> parameter.has("enum") ? parameter.path("enum").path(0).asText() : "AAPL";
            };
        };
    }

    /** The calls of {@code operation}: usually one; reads of an order also read an open one. */
    List<Call> calls(String operation, JsonNode op) {
        List<Call> calls = new ArrayList<>();
        calls.add(call(operation, op, Map.of(), ""));
        if (operation.equals("GET /v{version}/accounts/{accountId}/orders/{orderId}")
                || operation.equals("GET /v{version}/accounts/{accountId}/syncorders/{orderId}")) {
            calls.add(call(operation, op, Map.of("orderId", ids.get("openOrderId")), "(an open order)"));
        }
        return calls;
    }

    /** The call of {@code operation} with the path values of {@link #pathValue}, or those of {@code given}. */
    Call call(String operation, JsonNode op, Map<String, String> given, String note) {
        String path = operation.substring(operation.indexOf(' ') + 1);
        String method = operation.substring(0, operation.indexOf(' '));
        for (JsonNode p : op.path("parameters")) {
            if (p.path("in").asText().equals("path")) {
                String name = p.path("name").asText();
                String value = given.containsKey(name) ? given.get(name) : pathValue(operation, name);
                path = path.replace("{" + name + "}", enc(value));
            }
        }
        JsonNode body = bodySchema(op);
        String bodyText = body == null ? null : validBody(operation, body).toString();
        return new Call(operation, method, path.substring(1) + query(operation, op), bodyText, as(operation), note);
    }

    // ---- request bodies ------------------------------------------------------------------------------

    /** A body valid per the spec's request model, with every property of the model set. */
    JsonNode validBody(String operation, JsonNode schema) {
        String model = SpecModels.refName(schema);
        if (model == null) {
            // The spec's plain bodies are arrays of account ids.
            assertThat(schema.path("type").asText()).as(operation).isEqualTo("array");
            return JsonNodeFactory.instance.arrayNode().add(Long.parseLong(ids.get("accountId")));
        }
        boolean sync = operation.contains("syncorders");
        String body = switch (model) {
            case "CreateOrderResource" -> "{\"ClientId\": \"conf-" + operation.hashCode() + (sync ? "s" : "") + "\","
                    + " \"Comment\": \"conformance\", \"Exchange\": \"Auto\", \"ExecInst\": \"None\","
                    + " \"ExecutionInstructions\": {}, \"ExpireDate\": \"" + EXPIRY + "\", \"ExtendedHours\": \"\","
                    + " \"Legs\": [], \"ParentId\": 0, \"Price\": " + restingPrice("AAPL") + ", \"Quantity\": 1,"
                    + " \"Side\": \"Buy\", \"StopPrice\": 0, \"Symbol\": \"AAPL\", \"TimeInforce\": \"GoodTillDate\","
                    + " \"Token\": \"\", \"TrailingLimitAmount\": 0, \"TrailingLimitAmountType\": \"Absolute\","
                    + " \"TrailingStopAmount\": 0, \"TrailingStopAmountType\": \"Absolute\", \"Type\": \"Limit\","
                    + " \"ValidationsToBypass\": 0}";
            case "ModifyOrderResource" -> "{\"ClientId\": \"\", \"Comment\": \"replaced\", \"ExecutionInstructions\": {},"
                    + " \"ExpireDate\": \"" + EXPIRY + "\", \"ExtendedHours\": \"\", \"Id\": "
                    + pathValue(operation, "orderId") + ", \"Legs\": [], \"Price\": " + restingPrice("AAPL") + ","
                    + " \"Quantity\": 3, \"StopPrice\": 0, \"TimeInForce\": \"GoodTillDate\","
                    + " \"TrailingLimitAmount\": 0, \"TrailingLimitAmountType\": \"Absolute\", \"TrailingStopAmount\": 0,"
                    + " \"TrailingStopAmountType\": \"Absolute\", \"Type\": \"Limit\", \"ValidationsToBypass\": 0}";
            case "PriceAlertEditableModel" -> "{\"Argument\": " + far("AAPL") + ", \"ExpirationDate\": "
                    + (WEDNESDAY_11AM_NEW_YORK.getEpochSecond() + 30 * 86_400) + ", \"Field\": \"Bid\","
                    + " \"Operator\": \"GTEQ\", \"SecurityId\": " + ids.get("aaplId") + ", \"State\": \"New\"}";
            case "CreateWatchlistModel" -> "{\"Name\": \"Created list\", \"Securities\": [" + ids.get("aaplId") + ", "
                    + ids.get("msftId") + "]}";
            case "SecuritySignature" -> "{\"Currency\": \"USD\", \"Exchange\": \"XNAS\", \"Symbol\": \""
                    + (operation.startsWith("DELETE") ? "MSFT" : "AMZN") + "\"}";
            case "ChangeUserPasswordResource" -> "{\"OldPassword\": \"" + TestServer.PASSWORD + "\", \"Password\": \""
                    + NEW_PASSWORD + "\", \"PasswordConfirm\": \"" + NEW_PASSWORD + "\"}";
            case "ChartHistoryRequestModel" -> "{\"IndicatorsHistorySettings\": [{\"CandlesCount\": -1, \"EndDate\": "
                    + "1795450000, \"IncludeNonMarketData\": false, \"Interval\": -5, \"Offset\": 5, \"Period\": \"1D\","
                    + " \"Signature\": \"MACD|1D|false|12|26|9\", \"StartDate\": 1790000000}],"
                    + " \"Security\": {\"Currency\": \"USD\", \"Exchange\": \"XNAS\", \"Symbol\": \"AAPL\"},"
                    + " \"SecurityHistorySettings\": {\"CandlesCount\": -1, \"EndDate\": 1795450000,"
                    + " \"IncludeNonMarketData\": false, \"Interval\": -5, \"Period\": \"1D\", \"StartDate\": 1790000000}}";
            case "ChartCompareRequestModel" -> "{\"Securities\": [{\"Currency\": \"USD\", \"Exchange\": \"XNAS\","
                    + " \"Symbol\": \"AAPL\"}, {\"Currency\": \"USD\", \"Exchange\": \"XNAS\", \"Symbol\": \"MSFT\"}],"
                    + " \"SecuritiesHistorySettings\": {\"CandlesCount\": -1, \"EndDate\": 1795450000,"
                    + " \"IncludeNonMarketData\": false, \"Interval\": -5, \"Period\": \"1D\", \"StartDate\": 1790000000}}";
            case "HistoricalTradeDataExportDataModel" -> "{\"DefaultFileName\": \"AAPL_1D.xlsx\", \"Indicators\":"
                    + " [{\"Args\": [], \"Name\": \"Volume\", \"Text\": \"Vol\", \"Type\": \"Volume\"}], \"Securities\": ["
                    + ids.get("aaplId") + "], \"TimeFrame\": {\"CandlesCount\": -1, \"EndDate\": 1795450000,"
                    + " \"IncludeNonMarketData\": false, \"Period\": \"1D\", \"StartDate\": 1790000000}}";
            case "ConsolidatedQueryDto" -> "{\"AccountIds\": [" + ids.get("accountId") + "], \"Desc\": false,"
                    + " \"PageNumber\": 0, \"PageSize\": 10, \"SortField\": \"Id\"}";
            case "CreateAchRelationshipResource" -> "{\"AccountNumber\": \"1234567890\", \"AccountOwnerName\": \"Ada\","
                    + " \"ApprovalMethod\": \"Manual\", \"BankAccountType\": \"Savings\", \"Name\": \"Chase\","
                    + " \"RoutingNumber\": \"011000015\"}";
            case "CreateAchRelationshipsPlaidResource" -> "{\"AccountId\": \"" + ids.get("plaidAccountId") + "\","
                    + " \"Accounts\": [\"aGdSP4Lj71QRqIenrpvs\"], \"BankName\": \"Bank of America\","
                    + " \"PublicToken\": \"public-sandbox-5c224a01-8314-4491-a06f-39e193d5cddc\"}";
            case "UpdateAchRelationshipResource" -> "{\"Name\": \"Renamed bank\"}";
            case "ApproveAchRelationshipResource" -> "{\"Amount1\": " + ids.get("microAmount1") + ", \"Amount2\": "
                    + ids.get("microAmount2") + ", \"Amount3\": 0}";
            case "AchTransferEditableResource" -> "{\"AchRelationshipId\": \"" + ids.get("readAchId") + "\","
                    + " \"Amount\": 10, \"CloseAccount\": false, \"DaysToHoldFunds\": 0, \"ExecTimeType\": \"Regular\","
                    + " \"IraContribution\": {\"ContributionYear\": 2026, \"Type\": \"REGULAR\"},"
                    + " \"IraDistribution\": " + IRA_DISTRIBUTION + ", \"IsIncoming\": true}";
            case "WireTransferEditableResource" -> "{\"AccountNumber\": \"123456789\", \"Address1\": \"1 Main Street\","
                    + " \"Address2\": \"\", \"Amount\": 10, \"BankCity\": \"Richmond\", \"BankCountry\": \"US\","
                    + " \"BankName\": \"Citi Bank\", \"BankState\": \"VA\", \"BankStreetAddress1\": \"701 E Byrd St\","
                    + " \"BankStreetAddress2\": \"\", \"BankZipCode\": \"23219\", \"City\": \"New York\","
                    + " \"CloseAccount\": false, \"Comment\": \"rent\", \"Country\": \"US\", \"ExecTimeType\": \"Regular\","
                    + " \"ForFurtherCredit\": true, \"IntermediaryAccountNumber\": \"55555555\","
                    + " \"IntermediaryAddress1\": \"2 Wall St\", \"IntermediaryAddress2\": \"\","
                    + " \"IntermediaryCity\": \"New York\", \"IntermediaryCountry\": \"US\","
                    + " \"IntermediaryName\": \"Ada Lovelace\", \"IntermediaryPostalCode\": \"10005\","
                    + " \"IntermediaryState\": \"NY\", \"IraDistribution\": " + IRA_DISTRIBUTION + ","
                    + " \"IsDomesticWire\": true, \"Name\": \"Ada Lovelace\", \"RoutingNumber\": \"051000017\","
                    + " \"State\": \"NY\", \"ZipCode\": \"10001\"}";
            case "CheckRequestEditableResource" -> "{\"Amount\": 10, \"CloseAccount\": false, \"DeliveryMethod\":"
                    + " \"STANDARD\", \"ExecTimeType\": \"Regular\", \"IraDistribution\": " + IRA_DISTRIBUTION + ","
                    + " \"Memos\": [\"rent\"]}";
            case "ZelleTransferEditableResource" -> "{\"Amount\": 10, \"CloseAccount\": false, \"Email\":"
                    + " \"ada@example.com\", \"ExecTimeType\": \"Regular\", \"IraDistribution\": " + IRA_DISTRIBUTION + ","
                    + " \"Mobile\": \"+12125550100\", \"Name\": \"Ada Lovelace\"}";
            case "GetUserFilter" -> "{\"Email\": \"" + ids.get("username") + "@example.com\"}";
            case "PatchUserModel" -> "{\"Address\": {\"City\": \"New York\", \"CountryId\": 1,"
                    + " \"PostalCode\": \"10001\", \"State\": 1, \"StreetAddress1\": \"1 Main Street\","
                    + " \"StreetAddress2\": \"\"}, \"FirstName\": \"Ada\", \"LastName\": \"Lovelace\","
                    + " \"Middle\": \"King\", \"Salutation\": \"Ms\", \"Suffix\": \"NoSuffix\","
                    + " \"TimeZoneInfoId\": \"Eastern Standard Time\"}";
            case "UserTradingSettingsModel" -> "{\"Instruments\": {"
                    + "\"Stocks\": {\"OrderType\": \"Limit\", \"Quantity\": 10, \"DurationType\": \"Day\","
                    + " \"ExchangeType\": \"XNAS\", \"ExtendedHoursType\": \"None\", \"AON\": false},"
                    + " \"Options\": {\"OrderType\": \"Market\", \"Quantity\": 5, \"DurationType\": \"GoodTillCancel\","
                    + " \"ExchangeType\": \"Auto\", \"ExtendedHoursType\": \"None\", \"AON\": false, \"Spreads\": 1},"
                    + " \"Forex\": {\"OrderType\": \"Market\", \"Quantity\": 1, \"DurationType\": \"Day\","
                    + " \"ExchangeType\": \"Auto\", \"ExtendedHoursType\": \"None\", \"AON\": true}},"
                    + " \"QuantityStepIncrementMultiplier\": 1, \"PriceStepIncrementMultiplier\": 2,"
                    + " \"DoNotCloseTradePopupOnOrderPlacement\": true, \"SkipVerifyOrder\": \"Show\","
                    + " \"SkipVerifyCancelOrder\": \"DoNotShow\", \"SkipVerifyClosingPosition\": \"ShowIfAnError\","
                    + " \"SkipVerifyOrderReplace\": \"Show\", \"SkipPlaceOrderStatus\": \"Show\","
                    + " \"SkipCancelOrderStatus\": \"Show\", \"SkipClosingPositionStatus\": \"Show\","
                    + " \"SkipOrderReplaceStatus\": \"Show\", \"MaxStocksQuantity\": 100000, \"MaxOptionsQuantity\": 99}";
            default -> throw new AssertionError("no realistic body for the request model " + model + " of " + operation);
        };
        try {
            return MAPPER.readTree(body);
        } catch (IOException e) {
            throw new AssertionError(body, e);
        }
    }

    static final String IRA_DISTRIBUTION = "{\"FederalTaxAmount\": 0, \"FederalTaxType\": \"FIXED\","
            + " \"HasStateWithholdingWaiver\": false, \"Reason\": \"NORMAL\", \"StateTaxAmount\": 0,"
            + " \"StateTaxType\": \"FIXED\"}";

    String restingPrice(String symbol) {
        return quote(symbol).last().multiply(new BigDecimal("0.8")).setScale(2, RoundingMode.HALF_EVEN).toPlainString();
    }

    // ---- the checks ------------------------------------------------------------------------------------

    /** What one call answered and what the check of it found. */
    record Answer(Call call, int status, boolean json, SpecModels.Result result) {
    }

    static boolean isJson(Http.Response r) {
        String type = r.header("Content-Type");
        return type != null && type.toLowerCase().contains("json") && !r.body().isBlank();
    }

    /** The schema of the {@code status} answer of {@code op}, or null when the spec gives none. */
    static JsonNode responseSchema(JsonNode op, int status) {
        JsonNode r = op.path("responses").path(String.valueOf(status));
        return r.isObject() && r.has("schema") ? r.path("schema") : null;
    }

    Http.Response send(Call c) {
        if (c.operation().equals("POST /token")) {
            return Http.send("POST", server.api() + c.path(), null, "Et-App-Key", company.appKey(), "Username",
                    ids.get("username"), "Password", TestServer.PASSWORD);
        }
        return send(c.method(), c.path(), c.body(), tokens.get(c.as()));
    }

    @Test
    void everyAnswerValidatesAgainstItsModelAndEveryValidBodyIsAccepted() {
        Map<String, JsonNode> ops = routed();
        List<Answer> answers = new ArrayList<>();
        List<String> refused = new ArrayList<>();
        List<Map.Entry<String, JsonNode>> ordered = new ArrayList<>(ops.entrySet());
        // The sign-out revokes a token of its own, but runs last all the same.
        ordered.sort((a, b) -> Boolean.compare(a.getKey().equals("POST /logout"), b.getKey().equals("POST /logout")));
        for (Map.Entry<String, JsonNode> e : ordered) {
            for (Call c : calls(e.getKey(), e.getValue())) {
                nextSecond();
                Http.Response r = send(c);
                assertThat(r.status()).as("%s %s → %s", c.method(), c.path(), r.body()).isLessThan(500);
                if (r.status() < 200 || r.status() > 299) {
                    refused.add(c.operation() + " " + c.note() + " → " + r.status() + " " + cut(r.body()));
                    continue;
                }
                JsonNode schema = responseSchema(e.getValue(), r.status());
                if (!isJson(r) || schema == null) {
                    answers.add(new Answer(c, r.status(), false, null));
                    continue;
                }
                answers.add(new Answer(c, r.status(), true, models.check(r.json(), schema)));
            }
        }
        Report report = report(answers);
        System.out.print(report.text());
        assertThat(refused).as("calls with a body valid per the spec's model, and reads, that were refused").isEmpty();
        assertThat(report.unexpectedlyInvalid()).as("answers that do not validate against the spec's model").isEmpty();
        assertThat(report.deviationsNowValid()).as("DEVIATIONS whose answers validate now: take them off").isEmpty();
    }

    static String cut(String s) {
        return s.length() > 300 ? s.substring(0, 300) + "…" : s;
    }

    /** The counts, and what the assertions need. */
    record Report(String text, List<String> unexpectedlyInvalid, List<String> deviationsNowValid) {
    }

    Report report(List<Answer> answers) {
        StringBuilder out = new StringBuilder();
        List<String> invalid = new ArrayList<>();
        Map<String, Boolean> deviationValid = new TreeMap<>();
        SpecModels.Result all = new SpecModels.Result();
        int jsonAnswers = 0;
        int valid = 0;
        int wellTyped = 0;
        for (Answer a : answers) {
            if (!a.json()) {
                continue;
            }
            jsonAnswers++;
            SpecModels.Result r = a.result();
            all.merge(r);
            valid += r.valid() ? 1 : 0;
            wellTyped += r.typeProblems().isEmpty() ? 1 : 0;
            String op = a.call().operation();
            if (DEVIATIONS.containsKey(op)) {
                deviationValid.merge(op, r.valid(), Boolean::logicalAnd);
            } else if (!r.valid()) {
                List<String> problems = r.summary();
                invalid.add(op + " " + a.call().note() + ": " + problems.size() + " problems, first "
                        + problems.subList(0, Math.min(8, problems.size())));
                if (Boolean.getBoolean("crater.spec.verbose")) {
                    out.append("  INVALID ").append(op).append(' ').append(a.call().note()).append(": ")
                            .append(problems).append('\n');
                }
            }
        }
        int seen = 0;
        int defined = 0;
        StringBuilder perModel = new StringBuilder();
        for (Map.Entry<String, Integer> m : all.defined.entrySet()) {
            int s = all.seen.getOrDefault(m.getKey(), Set.of()).size();
            seen += s;
            defined += m.getValue();
            perModel.append(String.format("  %-40s %3d of %3d%n", m.getKey(), s, m.getValue()));
        }
        out.append(String.format("spec conformance (%s): %d of %d operations routed; %d of %d 2xx JSON answers valid"
                        + " (%d well-typed: names, types and enums, ignoring missing properties); %d of %d model"
                        + " properties answered%n", store(), routed().size(), operations().size(), valid, jsonAnswers,
                wellTyped, seen, defined));
        out.append(perModel);
        if (!all.extras.isEmpty()) {
            out.append("  properties Crater sends that the spec's models do not define: ").append(all.extras)
                    .append('\n');
        }
        List<String> nowValid = new ArrayList<>();
        deviationValid.forEach((op, ok) -> {
            if (ok) {
                nowValid.add(op);
            }
        });
        for (String op : DEVIATIONS.keySet()) {
            if (!deviationValid.containsKey(op)) {
                nowValid.add(op + " (no JSON answer was checked)");
            }
        }
        return new Report(out.toString(), invalid, nowValid);
    }

    // ---- invalid bodies ----------------------------------------------------------------------------

    /**
     * For every property of every request model, the valid body with that one value replaced by one of
     * another JSON type (an object for a scalar, a string for an array or object): a 4xx, never a 5xx
     * nor an acceptance.
     */
    @Test
    void aValueOfTheWrongTypeInAnyPropertyOfARequestBodyIsA4xx() {
        List<String> accepted = new ArrayList<>();
        int sent = 0;
        for (Map.Entry<String, JsonNode> e : routed().entrySet()) {
            String operation = e.getKey();
            JsonNode schema = bodySchema(e.getValue());
            if (schema == null) {
                continue;
            }
            // Invalid bodies go to objects that valid bodies only read, so that nothing changes here.
            Call valid = calls(operation, e.getValue()).getFirst();
            JsonNode body = readTree(valid.body());
            for (Map.Entry<String, JsonNode> wrong : wrongTyped(body, schema).entrySet()) {
                sent++;
                Http.Response r = send(valid.method(), valid.path(), wrong.getValue().toString(), tokens.get(valid.as()));
                assertThat(r.status()).as("%s with %s → %s", operation, wrong.getKey(), r.body()).isLessThan(500);
                if (r.status() < 400) {
                    accepted.add(operation + " with " + wrong.getKey() + " → " + r.status() + " " + cut(r.body()));
                }
            }
        }
        System.out.printf("spec conformance (%s): %d bodies with one value of the wrong type sent, %d accepted%n",
                store(), sent, accepted.size());
        assertThat(accepted).as("bodies with a value of the wrong type that were accepted").isEmpty();
    }

    static JsonNode readTree(String s) {
        try {
            return MAPPER.readTree(s);
        } catch (IOException e) {
            throw new AssertionError(s, e);
        }
    }

    /** Property name → the body with that property's value replaced by one of the wrong JSON type. */
    Map<String, JsonNode> wrongTyped(JsonNode body, JsonNode schema) {
        Map<String, JsonNode> out = new LinkedHashMap<>();
        String model = SpecModels.refName(schema);
        if (model == null) {
            out.put("(the body itself: an object for an array)", JsonNodeFactory.instance.objectNode().put("Id", 1));
            return out;
        }
        JsonNode properties = models.definition(model).path("properties");
        for (Iterator<Map.Entry<String, JsonNode>> it = properties.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> p = it.next();
            ObjectNode copy = body.deepCopy();
            JsonNode wrong = wrongValue(p.getValue());
            copy.set(p.getKey(), wrong);
            out.put(p.getKey() + " = " + wrong, copy);
        }
        return out;
    }

    static JsonNode wrongValue(JsonNode propertySchema) {
        String type = propertySchema.path("type").asText(SpecModels.refName(propertySchema) != null ? "object" : "");
        return switch (type) {
            case "array", "object" -> JsonNodeFactory.instance.textNode("not a " + type);
            default -> {
                ObjectNode o = JsonNodeFactory.instance.objectNode();
                o.put("not", "a " + type);
                yield o;
            }
        };
    }

    /** The realistic bodies this test sends are themselves valid per their models and set every property. */
    @Test
    void theRealisticBodiesUseEveryPropertyOfTheirModel() {
        List<String> problems = new ArrayList<>();
        for (Map.Entry<String, JsonNode> e : routed().entrySet()) {
            JsonNode schema = bodySchema(e.getValue());
            if (schema == null) {
                continue;
            }
            SpecModels.Result r = models.check(validBody(e.getKey(), schema), schema);
            if (!r.valid() || !r.extras.isEmpty()) {
                problems.add(e.getKey() + ": " + r.problems + " extras " + r.extras);
            }
        }
        assertThat(problems).isEmpty();
    }
}
