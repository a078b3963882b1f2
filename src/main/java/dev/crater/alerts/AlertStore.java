package dev.crater.alerts;

import dev.crater.store.Database;
import java.math.BigDecimal;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.jdbi.v3.core.Handle;

/**
 * Price alert rows. The state changes the evaluator makes are conditional UPDATEs, so whichever of
 * several nodes, ticks or sweeps gets there first wins and the others change nothing: an alert
 * completes once and expires once.
 */
public final class AlertStore {

    private final Database db;

    public AlertStore(Database db) {
        this.db = db;
    }

    private static BigDecimal decimal(String text) {
        return text == null ? null : new BigDecimal(text).stripTrailingZeros();
    }

    static PriceAlert row(ResultSet rs) throws SQLException {
        long firedAt = rs.getLong("fired_at_ms");
        Long firedAtMs = rs.wasNull() ? null : firedAt;
        return new PriceAlert(rs.getLong("id"), rs.getLong("user_id"), (int) rs.getLong("security_id"),
                PriceAlert.Field.valueOf(rs.getString("field")), PriceAlert.Operator.valueOf(rs.getString("operator")),
                decimal(rs.getString("argument")), PriceAlert.State.valueOf(rs.getString("state")),
                rs.getInt("revision"), rs.getLong("expires_at_ms"), rs.getLong("created_at_ms"),
                rs.getLong("modified_at_ms"), firedAtMs, decimal(rs.getString("fired_price")));
    }

    /** What {@link #insert} did. */
    public record Inserted(boolean limited, PriceAlert alert) {
    }

    /** Stores a new alert (id and revision assigned here) unless the user has {@code perUserMax} already. */
    public Inserted insert(PriceAlert a, int perUserMax) {
        return db.jdbi().inTransaction(h -> {
            lockUser(h, a.userId());
            int count = h.createQuery("SELECT COUNT(*) FROM price_alerts WHERE user_id = :u").bind("u", a.userId())
                    .mapTo(Integer.class).one();
            if (count >= perUserMax) {
                return new Inserted(true, null);
            }
            long id = h.createUpdate("""
                            INSERT INTO price_alerts (user_id, security_id, field, operator, argument, state, revision,
                                expires_at_ms, created_at_ms, modified_at_ms)
                            VALUES (:u, :s, :field, :op, :arg, :state, 1, :exp, :now, :now)""")
                    .bind("u", a.userId()).bind("s", a.securityId()).bind("field", a.field().name())
                    .bind("op", a.operator().name()).bind("arg", db.decimal(a.argument()))
                    .bind("state", a.state().name()).bind("exp", a.expiresAtMs()).bind("now", a.createdAtMs())
                    .executeAndReturnGeneratedKeys("id").mapTo(Long.class).one();
            return new Inserted(false, find(h, a.userId(), id).orElseThrow());
        });
    }

    public Optional<PriceAlert> byId(long userId, long id) {
        return db.jdbi().withHandle(h -> find(h, userId, id));
    }

    private static Optional<PriceAlert> find(Handle h, long userId, long id) {
        return h.createQuery("SELECT * FROM price_alerts WHERE id = :id AND user_id = :u")
                .bind("id", id).bind("u", userId).map((rs, ctx) -> row(rs)).findOne();
    }

    /** Every alert of the user, by id. */
    public List<PriceAlert> ofUser(long userId) {
        return db.jdbi().withHandle(h -> h.createQuery("SELECT * FROM price_alerts WHERE user_id = :u ORDER BY id")
                .bind("u", userId).map((rs, ctx) -> row(rs)).list());
    }

    /**
     * Replaces the editable fields and bumps the revision (which disarms any copy an evaluator
     * holds); a fired alert set back to New forgets its firing.
     *
     * @return the stored alert, empty when it is not the user's
     */
    public Optional<PriceAlert> update(PriceAlert a, long nowMs) {
        return db.jdbi().inTransaction(h -> {
            int n = h.createUpdate("""
                            UPDATE price_alerts SET security_id = :s, field = :field, operator = :op, argument = :arg,
                                state = :state, expires_at_ms = :exp, modified_at_ms = :now, revision = revision + 1,
                                fired_at_ms = CASE WHEN :keepFired THEN fired_at_ms ELSE NULL END,
                                fired_price = CASE WHEN :keepFired THEN fired_price ELSE NULL END
                            WHERE id = :id AND user_id = :u""")
                    .bind("s", a.securityId()).bind("field", a.field().name()).bind("op", a.operator().name())
                    .bind("arg", db.decimal(a.argument())).bind("state", a.state().name())
                    .bind("keepFired", a.state() == PriceAlert.State.Completed)
                    .bind("exp", a.expiresAtMs()).bind("now", nowMs).bind("id", a.id()).bind("u", a.userId())
                    .execute();
            return n == 0 ? Optional.<PriceAlert>empty() : find(h, a.userId(), a.id());
        });
    }

    public boolean delete(long userId, long id) {
        return db.jdbi().withHandle(h -> h.createUpdate("DELETE FROM price_alerts WHERE id = :id AND user_id = :u")
                .bind("id", id).bind("u", userId).execute()) == 1;
    }

    /**
     * Completes the alert if it is still New, still at {@code revision} and not expired at
     * {@code nowMs}: the single point where an alert fires.
     *
     * @return true for exactly one caller per firing
     */
    public boolean complete(long id, int revision, long nowMs, BigDecimal price) {
        return db.jdbi().withHandle(h -> h.createUpdate("""
                        UPDATE price_alerts SET state = 'Completed', fired_at_ms = :now, fired_price = :price,
                            modified_at_ms = :now
                        WHERE id = :id AND state = 'New' AND revision = :rev
                            AND (expires_at_ms = 0 OR expires_at_ms > :now)""")
                .bind("now", nowMs).bind("price", db.decimal(price)).bind("id", id).bind("rev", revision)
                .execute()) == 1;
    }

    /** Moves up to {@code limit} New alerts past their expiry to Expired; returns their ids. */
    public List<Long> expireDue(long nowMs, int limit) {
        return expire(null, nowMs, limit);
    }

    /** As {@link #expireDue} for one user's alerts (the lazy expiry on read). */
    public List<Long> expireDue(long userId, long nowMs, int limit) {
        return expire(userId, nowMs, limit);
    }

    private List<Long> expire(Long userId, long nowMs, int limit) {
        // Read first, outside a transaction: on SQLite every transaction takes the write lock, and
        // most reads (the lazy expiry runs on every alert read) find nothing to expire.
        List<Long> due = db.jdbi().withHandle(h -> {
            var query = h.createQuery("SELECT id FROM price_alerts WHERE state = 'New' AND expires_at_ms > 0"
                            + " AND expires_at_ms <= :now" + (userId == null ? "" : " AND user_id = :u")
                            + " ORDER BY expires_at_ms LIMIT :limit")
                    .bind("now", nowMs).bind("limit", limit);
            if (userId != null) {
                query.bind("u", userId.longValue());
            }
            return query.mapTo(Long.class).list();
        });
        if (due.isEmpty()) {
            return due;
        }
        return db.jdbi().inTransaction(h -> {
            List<Long> expired = new ArrayList<>();
            for (long id : due) {
                int n = h.createUpdate("""
                                UPDATE price_alerts SET state = 'Expired', modified_at_ms = :now
                                WHERE id = :id AND state = 'New' AND expires_at_ms > 0 AND expires_at_ms <= :now""")
                        .bind("now", nowMs).bind("id", id).execute();
                if (n == 1) {
                    expired.add(id);
                }
            }
            return expired;
        });
    }

    /** Every alert that can fire at {@code nowMs} (New, not expired), as index entries. */
    public List<AlertIndex.Entry> active(long nowMs) {
        return db.jdbi().withHandle(h -> h.createQuery(
                        "SELECT * FROM price_alerts WHERE state = 'New' AND (expires_at_ms = 0 OR expires_at_ms > :now)")
                .bind("now", nowMs).map((rs, ctx) -> AlertIndex.Entry.of(row(rs))).list());
    }

    /** Serialises one user's inserts on PostgreSQL, so the per-user limit holds under concurrency. */
    private void lockUser(Handle h, long userId) {
        if (db.dialect() == Database.Dialect.POSTGRES) {
            h.createQuery("SELECT id FROM users WHERE id = :u FOR UPDATE").bind("u", userId).mapTo(Long.class).findOne();
        }
    }
}
