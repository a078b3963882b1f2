package dev.crater.orders;

import static org.assertj.core.api.Assertions.assertThat;

import dev.crater.testing.StoreKind;
import dev.crater.testing.TestServer;
import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * An operator's cash request whose shard round could not be stored (here: the SQLite file held
 * locked by another process for longer than the busy timeout) is applied once the store is writable
 * again — the shard hands it back instead of it staying "in flight" until a restart — and only once.
 */
class CashRetryTest {

    @Test
    void aCashRequestWhoseRoundFailedIsAppliedOnceTheStoreIsWritableAgain() throws Exception {
        try (TestServer server = TestServer.start(StoreKind.SQLITE)) {
            OrdersHarness h = new OrdersHarness(server);
            OrdersHarness.Trader t = h.stranger();   // an account with no cash and no cash request
            assertThat(t.cash()).isZero();
            String url = "jdbc:sqlite:" + server.services().config.sqliteFile().toAbsolutePath();
            try (Connection other = DriverManager.getConnection(url); Statement s = other.createStatement()) {
                s.execute("INSERT INTO cash_requests (account_id, amount, description, requested_at_ms)"
                        + " VALUES (" + t.accountId() + ", '2500', 'wire', 0)");
                // Another process takes the write lock at once and keeps it past the 10 s busy timeout:
                // the shard's round with this deposit fails and its engine is rebuilt from the store.
                s.execute("BEGIN IMMEDIATE");
                s.execute("UPDATE companies SET created_at_ms = created_at_ms");
                Thread.sleep(Duration.ofSeconds(12));
                // While the lock is held the engine either answers (nothing applied) or is busy (503).
                BigDecimal during = t.cashUnlessBusy();
                if (during != null) {
                    assertThat(during).as("nothing applied while the store is locked").isZero();
                }
                try (var rs = s.executeQuery(
                        "SELECT COUNT(*) FROM ledger_entries WHERE account_id = " + t.accountId())) {
                    assertThat(rs.next()).isTrue();
                    assertThat(rs.getInt(1)).as("nothing stored while the store is locked").isZero();
                }
                s.execute("COMMIT");
            }
            BigDecimal cash = OrdersHarness.await(t::cashUnlessBusy, c -> c != null && c.signum() != 0,
                    "the deposit after the lock");
            assertThat(cash).isEqualByComparingTo("2500");
            Thread.sleep(Duration.ofSeconds(2));   // two more housekeeping rounds: still applied once
            assertThat(t.cash()).isEqualByComparingTo("2500");
            int applied = server.services().database.jdbi().withHandle(hd -> hd.createQuery(
                    "SELECT COUNT(*) FROM ledger_entries WHERE account_id = :a").bind("a", t.accountId())
                    .mapTo(Integer.class).one());
            assertThat(applied).isEqualTo(1);
        }
    }
}
