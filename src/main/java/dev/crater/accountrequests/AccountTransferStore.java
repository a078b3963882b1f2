package dev.crater.accountrequests;

import dev.crater.store.Database;
import java.util.List;
import java.util.Optional;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.mapper.RowMapper;

/** ACATS transfer requests ({@code account_transfer_requests}) and their status history. */
public final class AccountTransferStore {

    /** A transfer request. */
    public record Transfer(String id, long accountId, long initiatedBy, String status, String tifId,
            long acatsControlNumber, String formData, Long submittedAtMs, long createdAtMs, long updatedAtMs) {
    }

    /** One status change. */
    public record Change(String requestId, long createdAtMs, String status, String changedBy, String comment) {
    }

    private static final RowMapper<Transfer> TRANSFER = (rs, ctx) -> {
        long submitted = rs.getLong("submitted_at_ms");
        Long submittedAt = rs.wasNull() ? null : submitted;
        return new Transfer(rs.getString("id"), rs.getLong("account_id"), rs.getLong("initiated_by"),
                rs.getString("status"), rs.getString("tif_id"), rs.getLong("acats_control_number"),
                rs.getString("form_data"), submittedAt, rs.getLong("created_at_ms"), rs.getLong("updated_at_ms"));
    };

    private static final RowMapper<Change> CHANGE = (rs, ctx) -> new Change(rs.getString("request_id"),
            rs.getLong("created_at_ms"), rs.getString("status"), rs.getString("changed_by"), rs.getString("comment"));

    private final Database db;

    public AccountTransferStore(Database db) {
        this.db = db;
    }

    private static void history(Handle h, String id, long at, String status, String by, String comment) {
        h.createUpdate("""
                        INSERT INTO account_transfer_history (request_id, created_at_ms, status, changed_by, comment)
                        VALUES (:r, :at, :s, :by, :c)""")
                .bind("r", id).bind("at", at).bind("s", status).bind("by", by).bind("c", comment).execute();
    }

    void insert(Transfer t, String by) {
        db.jdbi().useTransaction(h -> {
            h.createUpdate("""
                            INSERT INTO account_transfer_requests (id, account_id, initiated_by, status, tif_id,
                                acats_control_number, form_data, submitted_at_ms, created_at_ms, updated_at_ms)
                            VALUES (:id, :a, :u, :s, :tif, :acats, NULL, NULL, :at, :at)""")
                    .bind("id", t.id()).bind("a", t.accountId()).bind("u", t.initiatedBy()).bind("s", t.status())
                    .bind("tif", t.tifId()).bind("acats", t.acatsControlNumber()).bind("at", t.createdAtMs())
                    .execute();
            history(h, t.id(), t.createdAtMs(), t.status(), by, null);
        });
    }

    /**
     * Moves a request from one of {@code from} to {@code to} (with its form when given) and records
     * the change, only if it is still in one of {@code from}; returns whether this call moved it.
     */
    boolean transition(String id, List<String> from, String to, String formData, Long submittedAtMs, String by,
            String comment, long nowMs) {
        return db.jdbi().inTransaction(h -> {
            int n = h.createUpdate("""
                            UPDATE account_transfer_requests SET status = :to, updated_at_ms = :now,
                                form_data = COALESCE(:form, form_data),
                                submitted_at_ms = COALESCE(:submitted, submitted_at_ms)
                            WHERE id = :id AND status IN (<from>)""")
                    .bind("to", to).bind("now", nowMs).bind("form", formData).bind("submitted", submittedAtMs)
                    .bind("id", id).bindList("from", from).execute();
            if (n == 1) {
                history(h, id, nowMs, to, by, comment);
            }
            return n == 1;
        });
    }

    public Optional<Transfer> transfer(String id) {
        return db.jdbi().withHandle(h -> h.createQuery("SELECT * FROM account_transfer_requests WHERE id = :id")
                .bind("id", id).map(TRANSFER).findOne());
    }

    /** The requests of these accounts, newest first, at most {@code limit}. */
    List<Transfer> ofAccounts(List<Long> accountIds, int limit) {
        if (accountIds.isEmpty()) {
            return List.of();
        }
        return db.jdbi().withHandle(h -> h.createQuery("""
                        SELECT * FROM account_transfer_requests WHERE account_id IN (<a>)
                        ORDER BY created_at_ms DESC, id LIMIT :n""")
                .bindList("a", accountIds).bind("n", limit).map(TRANSFER).list());
    }

    /** Requests in one of {@code statuses}, oldest first, at most {@code limit}. */
    public List<Transfer> inStatus(List<String> statuses, int limit) {
        return db.jdbi().withHandle(h -> h.createQuery("""
                        SELECT * FROM account_transfer_requests WHERE status IN (<s>) ORDER BY created_at_ms, id
                        LIMIT :n""")
                .bindList("s", statuses).bind("n", limit).map(TRANSFER).list());
    }

    List<Change> history(String id, int limit) {
        return db.jdbi().withHandle(h -> h.createQuery("""
                        SELECT * FROM account_transfer_history WHERE request_id = :r ORDER BY id LIMIT :n""")
                .bind("r", id).bind("n", limit).map(CHANGE).list());
    }

    /** Open requests of an account (not final). */
    int open(long accountId) {
        return db.jdbi().withHandle(h -> h.createQuery("""
                        SELECT COUNT(*) FROM account_transfer_requests WHERE account_id = :a
                        AND status IN ('NEW', 'SUBMITTED', 'PENDING')""")
                .bind("a", accountId).mapTo(Integer.class).one());
    }
}
