package dev.crater.accountrequests;

import static dev.crater.testing.Eventually.eventually;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.crater.companies.Company;
import dev.crater.market.PathModel;
import dev.crater.orders.engine.Engine;
import dev.crater.testing.Http;
import dev.crater.testing.Postgres;
import dev.crater.testing.StoreKind;
import dev.crater.testing.TestServer;
import dev.crater.users.User;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Goal: a reset is stored as the engine did it, so the node that takes the account's shard over
 * rebuilds it (the rebuild refuses a store whose ledger disagrees with the engine's cash, or whose
 * state breaks an invariant) and answers the reset state; and two nodes taking the same session
 * close store it once.
 *
 * <p>Method: two nodes on one PostgreSQL schema, the shards split between them; a paper account on
 * the second node's shard, traded and reset through the first (forwarded to the owner); the second
 * node stops, the first takes every shard and is asked.
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class ResetTakeoverPostgresTest {

    static final Instant WEDNESDAY_11_NY = Instant.parse("2026-11-18T16:00:00Z");
    static final Duration TAKEOVER = Duration.ofSeconds(30);

    TestServer a;
    TestServer b;

    @BeforeEach
    void start() {
        String reason = Postgres.unavailableReason();
        Assumptions.assumeTrue(reason == null, reason);
        a = TestServer.start(StoreKind.POSTGRES);
        a.clock.set(WEDNESDAY_11_NY);
        b = TestServer.joining(a);
        b.clock.set(WEDNESDAY_11_NY);
    }

    @AfterEach
    void stop() {
        if (b != null) {
            b.close();
        }
        if (a != null) {
            a.close();
        }
    }

    @Test
    void theNodeTakingTheShardOverServesTheResetStateAndClosesAreStoredOnce() {
        eventually("the shards are split between the nodes", TAKEOVER.multipliedBy(2),
                () -> a.services().trading.runningShards() == 4 && b.services().trading.runningShards() == 4);
        Company company = a.company();
        String name = TestServer.username("takeover");
        User u = a.user(company, name, null, User.TwoFactorMethod.NONE);
        String token = a.login(company, name);
        String[] auth = {"Et-App-Key", company.appKey(), "Authorization", "Bearer " + token, "Content-Type",
                "application/json"};
        String paper = "{\"FormType\": \"Direct\", \"AccountProvider\": \"PaperTrading\"}";
        long id = 0;
        for (int i = 0; i < 20 && id == 0; i++) {
            Http.Response r = Http.send("POST", a.api() + "v1.0/user/@me/account-requests/open", paper, auth);
            assertThat(r.status()).as(r.body()).isEqualTo(200);
            long opened = r.json().get("AccountId").asLong();
            if (b.services().trading.local(opened)) {
                id = opened;
            }
        }
        assertThat(id).as("an account on the second node's shards").isPositive();
        long account = id;
        String base = a.api() + "v1.0/accounts/" + account + "/";
        eventually("funded", TAKEOVER, () -> Http.get(base + "info", auth).json().path("cash").decimalValue()
                .compareTo(new BigDecimal("100000")) == 0);
        Http.Response buy = Http.send("POST", base + "orders",
                "{\"Symbol\": \"AAPL\", \"Type\": \"Market\", \"Side\": \"Buy\", \"Quantity\": 10}", auth);
        assertThat(buy.status()).as(buy.body()).isEqualTo(200);
        Http.Response rest = Http.send("POST", base + "orders",
                "{\"Symbol\": \"MSFT\", \"Type\": \"Limit\", \"Side\": \"Buy\", \"Quantity\": 3, \"Price\": 1,"
                        + " \"TimeInForce\": \"GoodTillCancel\"}", auth);
        assertThat(rest.status()).as(rest.body()).isEqualTo(200);
        eventually("the AAPL position", TAKEOVER, () -> Http.get(base + "info", auth).json().path("marketValue")
                .decimalValue().signum() > 0);

        Http.Response reset = Http.send("POST", base + "reset", null, auth);
        assertThat(reset.status()).as(reset.body()).isEqualTo(200);
        assertThat(reset.json().get("ClosedPositions").asInt()).isEqualTo(1);
        assertThat(reset.json().get("CanceledOrders").asInt()).isEqualTo(1);

        b.close();
        b = null;
        eventually("the first node runs every shard", TAKEOVER, () -> a.services().trading.runningShards() == 8);
        JsonNode info = Http.get(base + "info", auth).json();
        assertThat(info.get("cash").decimalValue()).isEqualByComparingTo("100000");
        assertThat(info.get("marketValue").decimalValue()).isZero();
        assertThat(info.get("pendingOrdersCount").decimalValue()).isZero();
        assertThat(a.services().trading.read(account, Engine::checkInvariants)).isEmpty();
        BigDecimal ledger = a.services().database.jdbi().withHandle(h -> h.createQuery(
                "SELECT COALESCE(SUM(value), 0) FROM ledger_entries WHERE account_id = :a").bind("a", account)
                .mapTo(BigDecimal.class).one());
        assertThat(ledger).isEqualByComparingTo("100000");
        // And it trades on.
        Http.Response again = Http.send("POST", base + "orders",
                "{\"Symbol\": \"AAPL\", \"Type\": \"Market\", \"Side\": \"Buy\", \"Quantity\": 1}", auth);
        assertThat(again.status()).as(again.body()).isEqualTo(200);

        // Two nodes taking the same close: one row per account and day.
        TestServer c = TestServer.joining(a);
        try {
            PathModel.Day day = a.services().market.model().day(LocalDate.parse("2026-11-18"));
            Instant after = Instant.ofEpochMilli(day.regularCloseMs() + AccountCloses.ORPHAN_GRACE_MS + 1000);
            a.clock.set(after);
            c.clock.set(after);
            a.services().accountHousekeeping.run();
            c.services().accountHousekeeping.run();
            a.services().accountHousekeeping.run();
            int rows = a.services().database.jdbi().withHandle(h -> h.createQuery(
                    "SELECT COUNT(*) FROM account_value_closes WHERE account_id = :a AND close_date = '2026-11-18'")
                    .bind("a", account).mapTo(Integer.class).one());
            assertThat(rows).isEqualTo(1);
        } finally {
            c.close();
        }
    }
}
