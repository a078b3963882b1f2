package dev.crater.orders;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.crater.config.CraterConfig;
import dev.crater.orders.engine.Event;
import dev.crater.orders.engine.Fixed;
import dev.crater.orders.engine.LedgerEntry;
import dev.crater.orders.engine.TxType;
import dev.crater.store.Database;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The shard's writer keeps one connection and its statements across rounds: a failed round must
 * leave nothing behind (one transaction), and the writer must work again on the next round.
 */
class TradingWriterTest {

    @Test
    void aFailedRoundStoresNothingAndTheNextRoundWorks(@TempDir Path dataDir) {
        CraterConfig config = new CraterConfig("127.0.0.1", 0, dataDir, false, "", "", "", Optional.empty(),
                CraterConfig.TOKEN_TTL_DEFAULT, CraterConfig.INTERIM_TTL_MAX, "");
        try (Database db = Database.open(config); TradingWriter writer = new TradingStore(db).writer()) {
            long account = db.jdbi().withHandle(h -> {
                h.execute("INSERT INTO companies (name, name_key, app_key, created_at_ms) VALUES ('c', 'c', 'k', 0)");
                h.execute("""
                        INSERT INTO accounts (company_id, clearing_account, margin_type, owner_type, currency,
                            clearing_firm, enabled, per_trade_commission, per_share_commission,
                            per_contract_commission, opening_request_id, form_data, created_at_ms, modified_at_ms)
                        VALUES (1, 'A1', 'Cash', 'Individual', 'USD', 'Crater', true, '0', '0', '0', 'r', '{}', 0, 0)""");
                return h.createQuery("SELECT id FROM accounts").mapTo(Long.class).one();
            });
            // One good deposit and one for an account that does not exist (a foreign-key failure) in
            // the same round: neither may be stored.
            List<Event> bad = List.of(deposit(1, account, 100), deposit(2, account + 1000, 50));
            assertThatThrownBy(() -> persist(writer, bad)).isInstanceOf(RuntimeException.class);
            assertThat(ledgerRows(db)).isZero();

            // The writer dropped its connection and statements; the next round opens new ones.
            persist(writer, List.of(deposit(3, account, 100)));
            persist(writer, List.of(deposit(4, account, 25)));
            assertThat(ledgerRows(db)).isEqualTo(2);
            int states = db.jdbi().withHandle(h -> h.createQuery(
                    "SELECT COUNT(*) FROM engine_accounts WHERE account_id = :a").bind("a", account)
                    .mapTo(Integer.class).one());
            assertThat(states).isZero();   // no account state was offered
            // Between rounds the writer holds no write lock: another connection can write at once.
            db.jdbi().useHandle(h -> h.execute("UPDATE accounts SET modified_at_ms = 1"));
        }
    }

    private static Event deposit(long ledgerId, long account, long dollars) {
        LedgerEntry entry = new LedgerEntry(ledgerId, account, 0, 0, 1_000, TxType.Payment, dollars * Fixed.SCALE, 0, 0,
                null, false, "deposit");
        return new Event.CashMoved(1_000, account, entry, dollars * Fixed.SCALE, dollars * Fixed.SCALE);
    }

    private static void persist(TradingWriter writer, List<Event> events) {
        writer.persist(events, Map.of(), Map.of(), Set.of(), Map.of(), id -> null, id -> null, Map.of(), 1_000);
    }

    private static int ledgerRows(Database db) {
        return db.jdbi().withHandle(h -> h.createQuery("SELECT COUNT(*) FROM ledger_entries").mapTo(Integer.class).one());
    }
}
