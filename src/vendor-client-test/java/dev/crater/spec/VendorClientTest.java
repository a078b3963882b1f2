package dev.crater.spec;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.crater.accounts.Account;
import dev.crater.common.MarginType;
import dev.crater.companies.Company;
import dev.crater.companies.WireShapes;
import dev.crater.testing.Http;
import dev.crater.testing.SpecFacts;
import dev.crater.testing.StoreKind;
import dev.crater.testing.TestServer;
import dev.crater.users.User;
import dev.crater.vendorclient.ApiClient;
import dev.crater.vendorclient.ApiException;
import dev.crater.vendorclient.api.AchRelationshipsApi;
import dev.crater.vendorclient.api.AgreementsApi;
import dev.crater.vendorclient.api.HistoricalTradeDataApi;
import dev.crater.vendorclient.api.LoginApi;
import dev.crater.vendorclient.api.OrdersApi;
import dev.crater.vendorclient.api.PositionsApi;
import dev.crater.vendorclient.api.PriceAlertsApi;
import dev.crater.vendorclient.api.SecuritiesApi;
import dev.crater.vendorclient.api.StreamerApi;
import dev.crater.vendorclient.api.SyncOrdersApi;
import dev.crater.vendorclient.api.TransactionsApi;
import dev.crater.vendorclient.api.TransfersApi;
import dev.crater.vendorclient.api.UserAccountsApi;
import dev.crater.vendorclient.api.UsersApi;
import dev.crater.vendorclient.api.WatchlistsApi;
import dev.crater.vendorclient.model.AgreementItemResource;
import dev.crater.vendorclient.model.ChartCompareRequestModel;
import dev.crater.vendorclient.model.ChartHistoryRequestModel;
import dev.crater.vendorclient.model.ConsolidatedQueryDto;
import dev.crater.vendorclient.model.GetUserFilter;
import dev.crater.vendorclient.model.OrderResource;
import dev.crater.vendorclient.model.PagingResultAchRelationshipResource;
import dev.crater.vendorclient.model.PagingResultOrderResource;
import dev.crater.vendorclient.model.PagingResultPositionResource;
import dev.crater.vendorclient.model.PagingResultTransferResource;
import dev.crater.vendorclient.model.SecurityHistoryRequestSettings;
import dev.crater.vendorclient.model.SecuritySignature;
import dev.crater.vendorclient.model.Succeed;
import java.math.BigDecimal;
import java.net.http.HttpRequest;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;

/**
 * Goal (issue 14): a client generated from the vendor's spec by a real generator logs in with the
 * documented flow and calls every implemented read operation without a deserialization error.
 *
 * <p>Method: the Maven profile {@code vendor-client} (on unless {@code -DskipVendorClient}) runs
 * openapi-generator 7.25.0 ({@code java}, library {@code native}: java.net.http and Jackson) on the
 * project's Swagger 2.0 extract of the spec and compiles the client into the test classes; this test
 * lives in its own source folder, {@code src/vendor-client-test}, so no other test depends on generated
 * code. One real SQLite server with realistic data (a funded account, a filled and an open order, so a
 * position, a watchlist, a price alert), made over plain HTTP; then, with the generated client only,
 * as its user would write it: {@code LoginApi.getToken} with the {@code Et-App-Key}, {@code Username}
 * and {@code Password} headers, then each read operation through its generated method, its answer
 * read into the generated models by the client's own (default) Jackson mapper.
 *
 * <p>The read operations are every {@code GET} of the spec that Crater routes (all but
 * {@link OperationsRoutedContract#NOT_YET}) and the read-only {@code POST}/{@code PUT} operations in
 * {@link #READS_BY_OTHER_METHODS}. Completeness is checked from what the client sends: every request
 * passes the client's request interceptor, each call must send exactly one request matching the
 * operation it is said to be, and the operations so called must be exactly those read operations —
 * a newly routed {@code GET} fails this test until it is called here. Every failure (an error
 * answer, an answer the models cannot read, a wrong request) is collected; all are printed and the
 * list must be empty.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class VendorClientTest {

    /**
     * Read-only operations that are not {@code GET}s. {@code POST /history/export} is left out: it is
     * a file download (an .xlsx), which the spec declares as a JSON object.
     */
    static final List<String> READS_BY_OTHER_METHODS = List.of(
            "POST /v{version}/accounts/balance/consolidated",
            "POST /v{version}/accounts/history",
            "POST /v{version}/orders/consolidated",
            "POST /v{version}/positions/consolidated",
            "POST /v{version}/users/info",
            "PUT /v{version}/history/symbols",
            "PUT /v{version}/history/compare");
    static final String LOGIN = "POST /token";
    static final String V = "1.0";
    /** Market time: a Wednesday in the regular session (11:00 New York), so a market order fills. */
    static final Instant WEDNESDAY_11AM_NEW_YORK = Instant.parse("2026-11-18T16:00:00Z");

    TestServer server;
    Company company;
    User user;
    Account account;
    int aapl;
    int filledOrderId;
    int openOrderId;
    int watchlistId;
    int alertId;
    int optionId;
    String optionSymbol;
    UUID bankId;
    UUID transferId;

    /** What the generated client sent, as "METHOD /path" (the path as sent, under /api). */
    final List<String> sent = Collections.synchronizedList(new ArrayList<>());
    /** The operations called, as "METHOD template" of the spec. */
    final Set<String> called = new TreeSet<>();
    final List<String> failures = new ArrayList<>();

    // ---- the data, made over plain HTTP -----------------------------------------------------------

    @BeforeAll
    void start() {
        server = TestServer.start(StoreKind.SQLITE);
        server.clock.set(WEDNESDAY_11AM_NEW_YORK);
        company = server.company();
        // A broker whose apps are generated from the vendor's spec chooses the spec's shapes for the two answers
        // whose docs and spec differ in kind (the positions list, an account's users).
        server.services().companies.setWireShapes(company.id(), WireShapes.SPEC);
        user = server.user(company, TestServer.username("vendor"), null, User.TwoFactorMethod.NONE);
        account = server.services().accounts.open(user, MarginType.Margin, new BigDecimal("100000"), BigDecimal.ZERO,
                BigDecimal.ZERO, BigDecimal.ZERO);
        aapl = server.services().securities.snapshot().bySymbol("AAPL").orElseThrow().id();
        String token = server.login(company, user.username());
        awaitFunded(token);
        server.clock.advance(Duration.ofSeconds(1));
        server.services().market.tick();

        JsonNode filled = ok(http(token, "POST", "accounts/" + account.id() + "/orders",
                "{\"Symbol\": \"AAPL\", \"Type\": \"Market\", \"Side\": \"Buy\", \"Quantity\": 10}"));
        filledOrderId = filled.get("Id").asInt();
        assertThat(filled.get("Status").asText()).as(filled.toString()).isEqualTo("Filled");
        JsonNode open = ok(http(token, "POST", "accounts/" + account.id() + "/orders",
                "{\"Symbol\": \"AAPL\", \"Type\": \"Limit\", \"Side\": \"Buy\", \"Quantity\": 5, \"Price\": 1.00}"));
        openOrderId = open.get("Id").asInt();
        assertThat(open.get("Status").asText()).as(open.toString()).isIn("PendingNew", "New");
        watchlistId = ok(http(token, "POST", "users/" + user.id() + "/watchlists?resultIncludeSecurities=true",
                "{\"Name\": \"Tech\", \"Securities\": [" + aapl + "]}")).get("Id").asInt();
        alertId = ok(http(token, "POST", "users/" + user.id() + "/pricealerts",
                "{\"SecurityId\": " + aapl + ", \"Field\": \"Bid\", \"Operator\": \"GTEQ\", \"Argument\": 100000}"))
                .get("Id").asInt();
        JsonNode option = ok(http(token, "GET", "options/optionChain/AAPL", null))
                .get("Expirations").get(0).get("Options").get(0);
        optionId = option.get("Id").asInt();
        optionSymbol = option.get("Symbol").asText();
        // Funding (issue 17): a linked bank (approved at once) and a deposit from it; agreements to sign.
        server.services().agreements.addDemoSet(company.id());
        bankId = UUID.fromString(ok(http(token, "POST", "accounts/" + account.id() + "/ach-relationships",
                "{\"RoutingNumber\":\"051000017\",\"AccountNumber\":\"987654321222\",\"AccountOwnerName\":\"Vendor\","
                        + "\"Name\":\"Citi Bank\",\"ApprovalMethod\":\"Instant\",\"BankAccountType\":\"Checking\"}"))
                .get("Id").asText());
        transferId = UUID.fromString(ok(http(token, "POST", "accounts/" + account.id() + "/transfers/ach",
                "{\"AchRelationshipId\":\"" + bankId + "\",\"Amount\":100,\"IsIncoming\":true}")).get("Id").asText());
    }

    @AfterAll
    void stop() {
        if (server != null) {
            server.close();
        }
    }

    Http.Response http(String token, String method, String path, String body) {
        return Http.send(method, server.api() + "v1.0/" + path, body, "Et-App-Key", company.appKey(), "Authorization",
                "Bearer " + token, "Content-Type", "application/json", "Accept", "application/json");
    }

    static JsonNode ok(Http.Response r) {
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        return r.json();
    }

    /** The initial deposit is applied by a housekeeping round (about a second). */
    void awaitFunded(String token) {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (ok(http(token, "GET", "accounts/" + account.id() + "/info", null)).get("cash").decimalValue()
                .compareTo(new BigDecimal("100000")) != 0) {
            assertThat(System.nanoTime()).as("the initial deposit is applied").isLessThan(deadline);
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError(e);
            }
        }
    }

    // ---- the generated client -----------------------------------------------------------------------

    ApiClient client() {
        ApiClient client = new ApiClient();
        client.updateBaseUri(server.api().replaceAll("/$", ""));
        client.setRequestInterceptor(request -> {
            HttpRequest r = request.copy().build();
            sent.add(r.method() + " " + r.uri().getRawPath());
        });
        return client;
    }

    /** One generated call, which may throw the client's {@link ApiException}. */
    interface Call<T> {
        T run() throws ApiException;
    }

    /**
     * Runs {@code call} as the spec's {@code operation} ("METHOD template"): it must send exactly one
     * request, to that operation, and answer a 2xx the generated models read. Failures are collected.
     */
    <T> T call(String operation, Call<T> call) {
        int before = sent.size();
        T answer = null;
        try {
            answer = call.run();
        } catch (ApiException e) {
            failures.add(operation + ": " + describe(e));
        } catch (RuntimeException e) {
            failures.add(operation + ": " + e);
        }
        List<String> requests = List.copyOf(sent.subList(before, sent.size()));
        if (requests.size() == 1 && matches(operation, requests.get(0))) {
            called.add(operation);
        } else {
            failures.add(operation + ": the client sent " + requests + ", not one request of this operation");
        }
        return answer;
    }

    /** An error answer by its status and body; an answer the models could not read by the reader's message. */
    static String describe(ApiException e) {
        if (e.getCode() == 0 && e.getCause() != null) {
            return "not read by the generated models: " + e.getCause();
        }
        return "HTTP " + e.getCode() + " " + e.getResponseBody();
    }

    /** Whether a sent "METHOD /api/path" is the spec's "METHOD template" (path parameters any one segment). */
    static boolean matches(String operation, String request) {
        String method = operation.substring(0, operation.indexOf(' '));
        String template = "/api" + operation.substring(operation.indexOf(' ') + 1).replace("v{version}", "v" + V);
        StringBuilder regex = new StringBuilder(Pattern.quote(method + " "));
        for (String part : template.split("(?=\\{)|(?<=\\})")) {
            regex.append(part.startsWith("{") ? "[^/]+" : Pattern.quote(part));
        }
        return request.matches(regex.toString());
    }

    /** A check on the data read back, collected like the failures of the calls. */
    void check(boolean ok, String what) {
        if (!ok) {
            failures.add("read back: " + what);
        }
    }

    /** Every GET of the spec that Crater routes, the read-only others, and the login. */
    static Set<String> expectedOperations() {
        Set<String> ops = new TreeSet<>();
        SpecFacts.facts().path("paths").properties().forEach(path -> path.getValue().properties().forEach(method -> {
            String op = method.getKey().toUpperCase() + " " + path.getKey();
            if (method.getKey().equals("get") && !OperationsRoutedContract.NOT_YET.containsKey(op)) {
                ops.add(op);
            }
        }));
        ops.addAll(READS_BY_OTHER_METHODS);
        ops.add(LOGIN);
        return ops;
    }

    // ---- the test -----------------------------------------------------------------------------------

    @Test
    void aGeneratedClientLogsInAndReadsEveryImplementedReadOperation() {
        Set<String> expected = expectedOperations();
        Set<String> inSpec = new TreeSet<>();
        SpecFacts.facts().path("paths").properties().forEach(path -> path.getValue().properties()
                .forEach(method -> inSpec.add(method.getKey().toUpperCase() + " " + path.getKey())));
        assertThat(inSpec).as("the read-only operations named here are in the spec")
                .containsAll(READS_BY_OTHER_METHODS);

        ApiClient client = client();
        String auth = login(client);
        assertThat(auth).as("the documented login gives a token; failures: %s", failures).isNotNull();

        userAccounts(new UserAccountsApi(client), auth);
        orders(new OrdersApi(client), auth);
        syncOrders(new SyncOrdersApi(client), auth);
        positions(new PositionsApi(client), auth);
        transactions(new TransactionsApi(client), auth);
        securities(new SecuritiesApi(client), auth);
        history(new HistoricalTradeDataApi(client), auth);
        users(new UsersApi(client), auth);
        watchlists(new WatchlistsApi(client), auth);
        priceAlerts(new PriceAlertsApi(client), auth);
        streamers(new StreamerApi(client), auth);
        achRelationships(new AchRelationshipsApi(client), auth);
        transfers(new TransfersApi(client), auth);
        agreements(new AgreementsApi(client), auth);

        Set<String> missing = new TreeSet<>(expected);
        missing.removeAll(called);
        Set<String> extra = new TreeSet<>(called);
        extra.removeAll(expected);
        missing.forEach(op -> failures.add(op + ": a read operation Crater implements, not called by this test"));
        extra.forEach(op -> failures.add(op + ": called, but not an implemented read operation"));
        System.out.printf("vendor client: %d of %d read operations called, %d failures%n",
                called.stream().filter(op -> !op.equals(LOGIN)).count(), expected.size() - 1, failures.size());
        failures.forEach(f -> System.out.println("  FAIL " + f));
        assertThat(failures).as("failures of the generated client (%d)", failures.size()).isEmpty();
    }

    /** The documented flow: POST /api/token with the Et-App-Key, Username and Password headers. */
    String login(ApiClient client) {
        Succeed answer = call(LOGIN, () -> new LoginApi(client).getToken(company.appKey(), user.username(),
                TestServer.PASSWORD, null, null, null, null, null, null, null));
        if (answer == null || answer.getToken() == null) {
            failures.add(LOGIN + ": no token in " + answer);
            return null;
        }
        return "Bearer " + answer.getToken();
    }

    int accountId() {
        return (int) account.id();
    }

    int userId() {
        return (int) user.id();
    }

    static OffsetDateTime utc(Instant t) {
        return t.atOffset(ZoneOffset.UTC);
    }

    void userAccounts(UserAccountsApi api, String auth) {
        String key = company.appKey();
        OffsetDateTime now = utc(server.clock.instant());
        call("GET /v{version}/accounts/all", () -> api.userAccountsGetAccounts(0, 10, V, auth, key, null, null, null, null,
                null));
        call("GET /v{version}/accounts/{accountId}", () -> api.userAccountsGetAccountsById(accountId(), V, auth, key));
        call("GET /v{version}/accounts/{accountId}/details", () -> api.userAccountsGetAccountInfo(accountId(), V, auth,
                key));
        call("GET /v{version}/accounts/{accountId}/info", () -> api.userAccountsGetAccountBalanceInfo(accountId(), V, auth,
                key));
        call("GET /v{version}/accounts/{accountId}/history", () -> api.userAccountsGetAccountHistory(accountId(),
                now.minusDays(14), now.plusDays(1), 1, V, auth, key));
        call("GET /v{version}/accounts/{accountId}/users", () -> api.userAccountsGetAccountUsers(accountId(), V, auth, key));
        call("GET /v{version}/users/{userId}/accounts", () -> api.userAccountsGetUserAccounts(userId(), V, auth, key));
        call("POST /v{version}/accounts/balance/consolidated", () -> api.userAccountsGetConsolidatedBalance(V, auth, key,
                List.of(accountId())));
        call("POST /v{version}/accounts/history", () -> api.userAccountsGetAccountsHistory(now.minusDays(14),
                now.plusDays(1), V, auth, key, List.of(accountId())));
    }

    void orders(OrdersApi api, String auth) {
        String key = company.appKey();
        PagingResultOrderResource list = call("GET /v{version}/accounts/{accountId}/orders",
                () -> api.ordersGetOrders(accountId(), 0, 10, V, auth, key, null, null, null, null, null));
        if (list != null) {
            check(list.getResult() != null && list.getResult().stream().map(OrderResource::getId).toList()
                    .containsAll(List.of(filledOrderId, openOrderId)), "the order list holds the filled and the open order");
        }
        OrderResource filled = call("GET /v{version}/accounts/{accountId}/orders/{orderId}",
                () -> api.ordersGetOrder(accountId(), filledOrderId, V, auth, key));
        if (filled != null) {
            check(filled.getStatus() != null && filled.getStatus().getValue().equals("Filled"),
                    "the filled order reads as Filled: " + filled.getStatus());
        }
        call("GET /v{version}/accounts/{accountId}/orders/{orderId}/details",
                () -> api.ordersGetOrderDetails(accountId(), filledOrderId, V, auth, key));
        call("GET /v{version}/accounts/{accountId}/verified/orders/{orderId}",
                () -> api.ordersGetVerifiedOrder(accountId(), openOrderId, V, auth, key));
        call("GET /v{version}/accounts/{accountId}/preview/limits/{symbol}",
                () -> api.ordersGetOrderLimits(accountId(), "AAPL", V, auth, key, null));
        call("POST /v{version}/orders/consolidated", () -> api.ordersGetOrdersConsolidated(V, auth, key,
                new ConsolidatedQueryDto().accountIds(List.of(accountId())).pageNumber(0).pageSize(10), null));
    }

    void syncOrders(SyncOrdersApi api, String auth) {
        String key = company.appKey();
        call("GET /v{version}/accounts/{accountId}/syncorders",
                () -> api.syncOrdersGetOrders(accountId(), 0, 10, V, auth, key, null, null, null));
        call("GET /v{version}/accounts/{accountId}/syncorders/{orderId}",
                () -> api.syncOrdersGetOrder(accountId(), openOrderId, V, auth, key));
    }

    void positions(PositionsApi api, String auth) {
        String key = company.appKey();
        PagingResultPositionResource list = call("GET /v{version}/accounts/{accountId}/positions",
                () -> api.positionsGetPositions(accountId(), 0, 10, "Id", false, V, auth, key, null, null));
        if (list != null) {
            check(list.getResult() != null && list.getResult().stream().anyMatch(p -> "AAPL".equals(p.getSymbol())),
                    "the position list holds the AAPL position");
        }
        // The spec repeats the operationId Positions_GetPositions for the groups; the generator suffixes it.
        call("GET /v{version}/accounts/{accountId}/positions/groups",
                () -> api.positionsGetPositions_0(accountId(), V, auth, key));
        call("GET /v{version}/accounts/{accountId}/positions/top",
                () -> api.positionsGetTopPositions(accountId(), V, auth, key, 5));
        call("GET /v{version}/accounts/{accountId}/positions/{symbol}",
                () -> api.positionsGetPositionBySymbol(accountId(), "AAPL", V, auth, key, null, null));
        call("POST /v{version}/positions/consolidated", () -> api.positionsGetConsolidatedPositions(V, auth, key,
                new ConsolidatedQueryDto().accountIds(List.of(accountId())).pageNumber(0).pageSize(10), null));
    }

    void transactions(TransactionsApi api, String auth) {
        String key = company.appKey();
        call("GET /v{version}/accounts/{accountId}/transactions",
                () -> api.transactionsGetTransactionsPage(accountId(), 10, 0, "Id", true, V, auth, key, null, null));
        call("GET /v{version}/accounts/{accountId}/activity",
                () -> api.transactionsGetActivityPage(accountId(), 10, 0, "Id", false, V, auth, key, null));
        call("GET /v{version}/accounts/{accountId}/activity/allowed-types",
                () -> api.transactionsGetAllowedActivities(accountId(), V, auth, key));
        call("GET /v{version}/accounts/{accountId}/activity/report",
                () -> api.transactionsGetActivityReport(accountId(), "Id", false, "CsvReport", V, auth, key, null));
        call("GET /v{version}/accounts/{accountId}/transaction/report",
                () -> api.transactionsGetTransactionReport(accountId(), "Id", true, "CsvReport", V, auth, key, null, null));
        call("GET /v{version}/accounts/{accountId}/transactions/allowed-types",
                () -> api.transactionsGetAllowedTransactions(accountId(), V, auth, key));
    }

    void achRelationships(AchRelationshipsApi api, String auth) {
        String key = company.appKey();
        PagingResultAchRelationshipResource page = call("GET /v{version}/accounts/{accountId}/ach-relationships",
                () -> api.achRelationshipsGetAchRelationshipsPage(accountId(), 10, 0, "Id", false, V, auth, key, null));
        if (page != null) {
            check(page.getResult() != null && page.getResult().stream().anyMatch(r -> bankId.equals(r.getId())),
                    "the relationship list holds the linked bank");
        }
        call("GET /v{version}/accounts/{accountId}/ach-relationships/default",
                () -> api.achRelationshipsGetDefaultAchRelationship(accountId(), V, auth, key));
        call("GET /v{version}/accounts/{accountId}/ach-relationships/{id}",
                () -> api.achRelationshipsGetAchRelationship(accountId(), bankId, V, auth, key));
    }

    void transfers(TransfersApi api, String auth) {
        String key = company.appKey();
        PagingResultTransferResource page = call("GET /v{version}/accounts/{accountId}/transfers",
                () -> api.transfersGetAchRelationshipsPage(accountId(), 10, 0, "Id", false, V, auth, key));
        if (page != null) {
            check(page.getResult() != null && page.getResult().stream().anyMatch(t -> transferId.equals(t.getId())),
                    "the transfer list holds the deposit");
        }
        call("GET /v{version}/accounts/{accountId}/transfers/{id}/fees",
                () -> api.transfersGetTransferFees(accountId(), transferId, V, auth, key));
        call("GET /v{version}/accounts/{accountId}/transfers/ira_constraints/{mechanism}/{isDeposit}",
                () -> api.transfersGetAllowedIraConstraint(accountId(), "ACH", true, V, auth, key));
    }

    void agreements(AgreementsApi api, String auth) {
        List<AgreementItemResource> unsigned = call("GET /v{version}/users/{userId}/agreements",
                () -> api.agreementsGetUnsignedAgreements(userId(), V, auth, company.appKey()));
        if (unsigned != null) {
            check(!unsigned.isEmpty(), "the demo agreements are listed as unsigned");
        }
    }

    void securities(SecuritiesApi api, String auth) {
        String key = company.appKey();
        call("GET /v{version}/equities", () -> api.securitiesGetEquities(0, 10, "Id", false, V, auth, key, null));
        call("GET /v{version}/equities/lookup", () -> api.securitiesGetEquitiesByMask("AA", 5, V, auth, key, null));
        call("GET /v{version}/equities/{id}", () -> api.securitiesGetEquityById(aapl, V, auth, key));
        call("GET /v{version}/equities/{symbol}", () -> api.securitiesGetEquityBySymbol("AAPL", V, auth, key, null, null));
        call("GET /v{version}/equities/{symbol}/logo", () -> {
            api.securitiesGetEquityLogoBySymbol("AAPL", V, auth, key);
            return null;
        });
        call("GET /v{version}/options", () -> api.securitiesGetOptions(0, 10, "Id", false, V, auth, key,
                "UnderlyingAssetSymbol = 'AAPL'"));
        call("GET /v{version}/options/expirations", () -> api.securitiesGetOptionsExpirations("AAPL", V, auth, key, null,
                null));
        call("GET /v{version}/options/optionChain/{symbol}", () -> api.securitiesGetOptionChain("AAPL", V, auth, key, null,
                null, null));
        call("GET /v{version}/options/{id}", () -> api.securitiesGetOptionById(optionId, V, auth, key));
        call("GET /v{version}/options/{symbol}", () -> api.securitiesGetOptionBySymbol(optionSymbol, V, auth, key, null,
                null));
        call("GET /v{version}/currencyRate", () -> api.securitiesGetCurrencyRate("USD", "USD", V, auth, key));
    }

    void history(HistoricalTradeDataApi api, String auth) {
        String key = company.appKey();
        int now = (int) server.clock.instant().getEpochSecond();
        SecurityHistoryRequestSettings lastDay = new SecurityHistoryRequestSettings().startDate(now - 86400).endDate(now)
                .candlesCount(-1).period("5m").interval(-5).includeNonMarketData(false);
        call("PUT /v{version}/history/symbols", () -> api.historicalTradeDataGetChartBasicData(V, auth, key,
                new ChartHistoryRequestModel().security(new SecuritySignature().symbol("AAPL"))
                        .securityHistorySettings(lastDay)));
        call("PUT /v{version}/history/compare", () -> api.historicalTradeDataGetChartCompareData(V, auth, key,
                new ChartCompareRequestModel().securities(List.of(new SecuritySignature().symbol("AAPL"),
                        new SecuritySignature().symbol("MSFT"))).securitiesHistorySettings(lastDay)));
    }

    void users(UsersApi api, String auth) {
        String key = company.appKey();
        call("GET /v{version}/users/{userId}/info", () -> api.usersGetUserInfo(userId(), V, auth, key));
        call("GET /v{version}/users/{userId}/balance-info", () -> api.usersGetUserBalanceInfo(userId(), V, auth, key));
        call("GET /v{version}/users/{userId}/settings/trading", () -> api.usersGetUserTradingSettings(userId(), V, auth,
                key));
        call("POST /v{version}/users/info", () -> api.usersGetUserByEmail(V, auth, key,
                new GetUserFilter().email(user.email())));
    }

    void watchlists(WatchlistsApi api, String auth) {
        String key = company.appKey();
        call("GET /v{version}/users/{userId}/watchlists", () -> api.watchlistsGetUserWatchlists(userId(), true, V, auth,
                key));
        call("GET /v{version}/users/{userId}/watchlists/{watchlistId}", () -> api.watchlistsGetWatchlist(userId(),
                watchlistId, true, V, auth, key));
    }

    void priceAlerts(PriceAlertsApi api, String auth) {
        String key = company.appKey();
        call("GET /v{version}/users/{userId}/pricealerts", () -> api.priceAlertsGetPriceAlerts(userId(), 10, 0, "Id", false,
                V, auth, key));
        call("GET /v{version}/users/{userId}/pricealerts/{alertId}", () -> api.priceAlertsGetPriceAlert(userId(), alertId,
                V, auth, key));
    }

    void streamers(StreamerApi api, String auth) {
        call("GET /v{version}/streamers", () -> api.streamerGetStreamersData(V, auth, company.appKey()));
    }
}
