package dev.crater.spec;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.crater.accounts.Account;
import dev.crater.common.MarginType;
import dev.crater.companies.Company;
import dev.crater.testing.Http;
import dev.crater.testing.StoreKind;
import dev.crater.testing.TestServer;
import dev.crater.users.User;
import java.io.IOException;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;

/**
 * Goal: every operation of the vendor's own specification is routed — called with valid credentials
 * and the documented parameters it answers anything but the "No HTTP resource" 404 or a 405 — except
 * those in {@link #NOT_YET}, each naming the issue area that will add it. The list only shrinks: an
 * operation on it that Crater answers fails the test until it is taken off.
 *
 * <p>Method: the facts-only extract of {@code openapi.yaml} in the project (see {@link SpecExtract});
 * one real server per store, one company, one user with one funded account; each operation's path
 * parameters filled from that user and account, its required query parameters with values of their
 * type, a JSON body {@code {}} where it takes one. The sign-out ({@code POST /logout}) runs last.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(value = 180, unit = TimeUnit.SECONDS)
abstract class OperationsRoutedContract {

    /** Operations not routed yet, by "METHOD path", with the issue area that adds them. */
    static final Map<String, String> NOT_YET = notYet();

    private static Map<String, String> notYet() {
        Map<String, String> m = new TreeMap<>();
        String products = "mutual funds, IPO, corporate actions, news (issue 18)";
        for (String op : List.of("GET /v{version}/ipo/industries", "GET /v{version}/ipo/security-info",
                "GET /v{version}/ipo/accounts/{accountId}/offerings/active",
                "POST /v{version}/ipo/accounts/{accountId}/offerings/{offeringReference}/subscribe",
                "POST /v{version}/ipo/accounts/{accountId}/offerings/{offeringReference}/unsubscribe",
                "POST /v{version}/accounts/{clearingNumber}/orders/mutual-funds/buy",
                "POST /v{version}/accounts/{clearingNumber}/orders/mutual-funds/sell",
                "POST /v{version}/accounts/{clearingNumber}/orders/mutual-funds/exchange",
                "POST /v{version}/accounts/{clearingNumber}/orders/mutual-funds/liquidate",
                "POST /v{version}/accounts/{clearingNumber}/preview/orders/mutual-funds/buy",
                "POST /v{version}/accounts/{clearingNumber}/preview/orders/mutual-funds/sell",
                "POST /v{version}/accounts/{clearingNumber}/preview/orders/mutual-funds/exchange",
                "POST /v{version}/accounts/{clearingNumber}/preview/orders/mutual-funds/liquidate",
                "DELETE /v{version}/accounts/{clearingNumber}/orders/mutual-funds/{orderId}",
                "GET /v{version}/news", "GET /v{version}/news/corporate-actions")) {
            m.put(op, products);
        }
        return m;
    }

    abstract StoreKind store();

    TestServer server;
    Company company;
    User user;
    Account account;
    String token;
    JsonNode spec;

    @BeforeAll
    void start() throws IOException {
        spec = new ObjectMapper().readTree(SpecExtractTest.committed());
        server = TestServer.start(store());
        company = server.company();
        user = server.user(company, TestServer.username("spec"), null, User.TwoFactorMethod.NONE);
        account = server.services().accounts.open(user, MarginType.Margin, new BigDecimal("100000"),
                BigDecimal.ZERO, BigDecimal.ZERO, BigDecimal.ZERO);
        token = server.login(company, user.username());
    }

    @AfterAll
    void stop() {
        if (server != null) {
            server.close();
        }
    }

    /** "METHOD path" → the operation's facts, in the spec's order, the sign-out last. */
    Map<String, JsonNode> operations() {
        Map<String, JsonNode> ops = new LinkedHashMap<>();
        Map<String, JsonNode> last = new LinkedHashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> p = spec.path("paths").fields(); p.hasNext(); ) {
            Map.Entry<String, JsonNode> path = p.next();
            for (Iterator<Map.Entry<String, JsonNode>> m = path.getValue().fields(); m.hasNext(); ) {
                Map.Entry<String, JsonNode> method = m.next();
                String key = method.getKey().toUpperCase() + " " + path.getKey();
                (path.getKey().equals("/logout") ? last : ops).put(key, method.getValue());
            }
        }
        ops.putAll(last);
        return ops;
    }

    String value(String name, JsonNode parameter) {
        return switch (name) {
            case "version" -> "1.0";
            case "accountId", "clearingNumber" -> String.valueOf(account.id());
            case "userId" -> String.valueOf(user.id());
            case "username" -> user.username();
            case "symbol" -> "AAPL";
            case "alias" -> "main";
            case "mechanism" -> "Ach";
            case "pageNumber" -> "0";
            case "pageSize" -> "10";
            default -> switch (parameter.path("type").asText()) {
                case "integer", "number" -> "1";
                case "boolean" -> "true";
                default -> parameter.has("enum") ? parameter.path("enum").path(0).asText() : "1";
            };
        };
    }

    Http.Response call(String key, JsonNode op) {
        String method = key.substring(0, key.indexOf(' '));
        String path = key.substring(key.indexOf(' ') + 1);
        StringBuilder query = new StringBuilder();
        boolean body = false;
        for (JsonNode p : op.path("parameters")) {
            String name = p.path("name").asText();
            switch (p.path("in").asText()) {
                case "path" -> path = path.replace("{" + name + "}", value(name, p));
                case "query" -> {
                    if (p.path("required").asBoolean()) {
                        query.append(query.isEmpty() ? '?' : '&').append(name).append('=').append(value(name, p));
                    }
                }
                case "body" -> body = true;
                default -> { }
            }
        }
        String url = server.api() + path.substring(1) + query;
        if (path.equals("/token")) {
            return Http.send(method, url, null, "Et-App-Key", company.appKey(), "Username", user.username(),
                    "Password", TestServer.PASSWORD);
        }
        return Http.send(method, url, body ? "{}" : null, "Et-App-Key", company.appKey(),
                "Authorization", "Bearer " + token, "Content-Type", "application/json", "Accept", "application/json");
    }

    /**
     * The vendor operationIds {@code /api/openapi.json} describes: those of a route of the same shape
     * as the vendor's template (the description is made from the routing table). An operation answered
     * only because another route takes its path as a parameter ({@code positions/top} as the ticker
     * TOP) is not among them.
     */
    Set<String> describedVendorOperations() {
        JsonNode doc = Http.get(server.api() + "openapi.json").json();
        Set<String> ids = new HashSet<>();
        doc.path("paths").forEach(methods -> methods.forEach(op -> {
            if (op.path("x-crater-origin").asText().equals("vendor")) {
                ids.add(op.has("x-crater-vendor-operationId") ? op.path("x-crater-vendor-operationId").asText()
                        : op.path("operationId").asText());
                op.path("x-crater-vendor-operationIds").forEach(id -> ids.add(id.asText()));
            }
        }));
        return ids;
    }

    @Test
    void everyRoutedOperationHasARouteOfItsOwnShape() {
        Set<String> described = describedVendorOperations();
        List<String> borrowed = new ArrayList<>();
        operations().forEach((key, op) -> {
            if (!NOT_YET.containsKey(key) && !described.contains(op.path("operationId").asText())) {
                borrowed.add(key + " (" + op.path("operationId").asText() + ")");
            }
        });
        assertThat(borrowed).as("operations answered only by a route of another shape").isEmpty();
    }

    static boolean routed(Http.Response r) {
        return r.status() != 405 && !(r.status() == 404 && r.body().contains("No HTTP resource"));
    }

    @Test
    void everyOperationIsRoutedExceptTheListedOnes() {
        Map<String, JsonNode> ops = operations();
        assertThat(ops).as("operations in the extract").hasSize(121);
        assertThat(ops.keySet()).as("every listed operation is in the spec").containsAll(NOT_YET.keySet());
        List<String> unrouted = new ArrayList<>();
        List<String> routedButListed = new ArrayList<>();
        ops.forEach((key, op) -> {
            Http.Response r = call(key, op);
            assertThat(r.status()).as(key + " " + r.body()).isLessThan(500);
            boolean isRouted = routed(r);
            if (!isRouted && !NOT_YET.containsKey(key)) {
                unrouted.add(key + " → " + r.status());
            }
            if (isRouted && NOT_YET.containsKey(key)) {
                routedButListed.add(key + " → " + r.status() + " (take it off NOT_YET)");
            }
        });
        System.out.printf("spec conformance (%s): %d of %d operations routed, %d listed as not yet%n", store(),
                ops.size() - NOT_YET.size(), ops.size(), NOT_YET.size());
        assertThat(unrouted).as("operations that must be routed").isEmpty();
        assertThat(routedButListed).as("listed operations that are routed now").isEmpty();
    }
}
