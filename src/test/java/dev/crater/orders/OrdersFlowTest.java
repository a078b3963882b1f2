package dev.crater.orders;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.crater.accounts.Account;
import dev.crater.common.MarginType;
import dev.crater.companies.Company;
import dev.crater.testing.Http;
import dev.crater.testing.StoreKind;
import dev.crater.testing.TestServer;
import dev.crater.users.User;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The documented code samples S3 (place a market order, poll its status until Filled) and S5 (the
 * user's accounts, then each account's positions with the sample's exact query string), plus the
 * ledger and balances those fills must leave behind.
 */
class OrdersFlowTest {

    private static TestServer server;
    private static String[] headers;
    private static long accountId;
    private static String api;

    @BeforeAll
    static void start() throws Exception {
        server = TestServer.start(StoreKind.SQLITE);
        server.clock.set(Instant.parse("2026-11-18T16:00:00Z")); // Wednesday 11:00 New York, regular session
        Company c = server.company();
        String username = TestServer.username("trader");
        User u = server.user(c, username, null, User.TwoFactorMethod.NONE);
        Account a = server.services().accounts.open(u, MarginType.Margin, new BigDecimal("100000"),
                BigDecimal.ZERO, BigDecimal.ZERO, BigDecimal.ZERO);
        accountId = a.id();
        headers = new String[] {"Et-App-Key", c.appKey(), "Authorization", "Bearer " + server.login(c, username),
                "Accept", "application/json"};
        api = server.api() + "v1.0/";
        awaitCash(new BigDecimal("100000"));
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    private static BigDecimal cash() {
        JsonNode info = Http.get(api + "accounts/" + accountId + "/info", headers).json();
        return info.get("cash").decimalValue();
    }

    private static void awaitCash(BigDecimal expected) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (cash().compareTo(expected) != 0) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("cash never became " + expected + ", is " + cash());
            }
            Thread.sleep(100);
        }
    }

    @Test
    void s3MarketOrderThenStatusUntilFilled() throws Exception {
        Http.Response placed = Http.send("POST", api + "accounts/" + accountId + "/orders",
                "{\"Symbol\": \"AAPL\", \"Type\": \"Market\", \"Side\": \"Buy\", \"Quantity\": 100}", headers);
        assertThat(placed.status()).as(placed.body()).isEqualTo(200);
        assertThat(placed.json().has("Id")).as(placed.body()).isTrue();
        long id = placed.json().get("Id").asLong();
        assertThat(id).isPositive();
        String status = null;
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (System.nanoTime() < deadline) {
            JsonNode order = Http.get(api + "accounts/" + accountId + "/orders/" + id, headers).json();
            status = order.get("Status").asText();
            if (status.equals("Filled")) {
                assertThat(order.get("ExecutedQuantity").asInt()).isEqualTo(100);
                assertThat(order.get("LeavesQuantity").asInt()).isZero();
                assertThat(order.get("AveragePrice").decimalValue()).isPositive();
                break;
            }
            Thread.sleep(100);
        }
        assertThat(status).isEqualTo("Filled");

        // The fill moved cash through the ledger: an OrderExecution entry for the trade value.
        JsonNode tx = Http.get(api + "accounts/" + accountId
                + "/transactions?pageNumber=0&pageSize=10&sortBy=Id&isDesc=true", headers).json();
        assertThat(tx.get("TotalCount").asInt()).isGreaterThanOrEqualTo(2);
        assertThat(tx.get("Result").get(0).get("Type").asText()).isEqualTo("OrderExecution");
        assertThat(tx.get("Result").get(0).get("Value").decimalValue()).isNegative();
    }

    @Test
    void s5AccountsThenPositionsWithTheSamplesQueryString() throws Exception {
        Http.send("POST", api + "accounts/" + accountId + "/orders",
                "{\"Symbol\": \"MSFT\", \"Type\": \"Market\", \"Side\": \"Buy\", \"Quantity\": 10}", headers);
        JsonNode accounts = Http.get(api + "users/@me/accounts", headers).json();
        assertThat(accounts.isArray()).isTrue();
        for (JsonNode a : accounts) {
            long id = a.get("Id").asLong();
            Http.Response positions = Http.get(api + "accounts/" + id
                    + "/positions?accoundId=6303&pageNumber=0&pageSize=10&sortField=Id&desc=True", headers);
            assertThat(positions.status()).as(positions.body()).isEqualTo(200);
            assertThat(positions.json().isArray()).isTrue();
            assertThat(positions.json()).anySatisfy(p -> {
                assertThat(p.get("Symbol").asText()).isEqualTo("MSFT");
                assertThat(p.get("Quantity").asInt()).isEqualTo(10);
                assertThat(p.get("SecurityType").asText()).isEqualTo("CommonStock");
            });
        }
    }
}
