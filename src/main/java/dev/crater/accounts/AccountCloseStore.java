package dev.crater.accounts;

import dev.crater.store.Database;
import java.math.BigDecimal;
import java.time.LocalDate;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

/**
 * Each account's value at a trading day's regular close ({@code account_value_closes}): the daily
 * snapshot behind {@code /accounts/{id}/history} and the previous-close figures of
 * {@code /accounts/{id}/info}. One row per account and day: a second taker of the same close (another
 * node, a restart) inserts nothing, whatever it computed.
 */
public final class AccountCloseStore {

    private final Database db;

    public AccountCloseStore(Database db) {
        this.db = db;
    }

    /** Stores the close unless one is stored for that account and day; returns whether this call stored it. */
    public boolean insertIfAbsent(long accountId, LocalDate day, long closeAtMs, BigDecimal value, long nowMs) {
        return db.jdbi().withHandle(h -> h.createUpdate("""
                        INSERT INTO account_value_closes (account_id, close_date, close_at_ms, value, taken_at_ms)
                        VALUES (:a, :d, :c, :v, :now) ON CONFLICT (account_id, close_date) DO NOTHING""")
                .bind("a", accountId).bind("d", day.toString()).bind("c", closeAtMs).bind("v", db.decimal(value))
                .bind("now", nowMs).execute()) == 1;
    }

    /** The account's value at the close of {@code day}, if taken. One primary-key read. */
    public Optional<BigDecimal> value(long accountId, LocalDate day) {
        return db.jdbi().withHandle(h -> h.createQuery(
                        "SELECT value FROM account_value_closes WHERE account_id = :a AND close_date = :d")
                .bind("a", accountId).bind("d", day.toString()).mapTo(String.class).findOne()
                .map(AccountStore::decimal));
    }

    /** The account's closes from {@code from} to {@code to} (both included), by day. */
    public Map<LocalDate, BigDecimal> range(long accountId, LocalDate from, LocalDate to) {
        Map<LocalDate, BigDecimal> out = new TreeMap<>();
        db.jdbi().useHandle(h -> h.createQuery("""
                        SELECT close_date, value FROM account_value_closes
                        WHERE account_id = :a AND close_date >= :f AND close_date <= :t ORDER BY close_date""")
                .bind("a", accountId).bind("f", from.toString()).bind("t", to.toString())
                .map((rs, ctx) -> Map.entry(LocalDate.parse(rs.getString(1)), AccountStore.decimal(rs.getString(2))))
                .forEach(e -> out.put(e.getKey(), e.getValue())));
        return out;
    }

    /** The accounts among {@code accountIds} whose close of {@code day} is taken. */
    public Set<Long> taken(LocalDate day, List<Long> accountIds) {
        Set<Long> wanted = new HashSet<>(accountIds);
        Set<Long> out = new HashSet<>();
        db.jdbi().useHandle(h -> h.createQuery("SELECT account_id FROM account_value_closes WHERE close_date = :d")
                .bind("d", day.toString()).mapTo(Long.class).forEach(id -> {
                    if (wanted.contains(id)) {
                        out.add(id);
                    }
                }));
        return out;
    }
}
