package dev.crater.accountrequests;

import dev.crater.common.MarginType;
import dev.crater.store.Database;
import java.math.BigDecimal;
import java.util.List;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Optional;
import org.jdbi.v3.core.mapper.RowMapper;

/** Opening requests, their investigations, companies' opening settings and account reset requests. */
public final class AccountRequestStore {

    /** An opening request ({@code account_requests}). */
    public record Request(String id, long companyId, long userId, Long accountId, String formType,
            String accountProvider, String requestType, String status, String comment, long createdAtMs,
            long updatedAtMs) {
    }

    /** A clearing firm's check of an opening request ({@code account_investigations}). */
    public record Investigation(String id, String requestId, long accountId, String status, String comment,
            long createdAtMs, long updatedAtMs) {
    }

    /** What a company's paper accounts open with. */
    public record Settings(BigDecimal startingCash, MarginType marginType) {
    }

    /** A reset request ({@code account_resets}). */
    public record Reset(long id, long accountId, long userId, BigDecimal startingCash, String requestedBy,
            long requestedAtMs, Long appliedAtMs, String outcome) {
    }

    private static final RowMapper<Request> REQUEST = (rs, ctx) -> new Request(rs.getString("id"),
            rs.getLong("company_id"), rs.getLong("user_id"), nullableLong(rs, "account_id"),
            rs.getString("form_type"), rs.getString("account_provider"), rs.getString("request_type"),
            rs.getString("status"), rs.getString("comment"), rs.getLong("created_at_ms"), rs.getLong("updated_at_ms"));

    private static final RowMapper<Investigation> INVESTIGATION = (rs, ctx) -> new Investigation(rs.getString("id"),
            rs.getString("request_id"), rs.getLong("account_id"), rs.getString("status"), rs.getString("comment"),
            rs.getLong("created_at_ms"), rs.getLong("updated_at_ms"));

    private static final RowMapper<Reset> RESET = (rs, ctx) -> new Reset(rs.getLong("id"), rs.getLong("account_id"),
            rs.getLong("user_id"), decimal(rs.getString("starting_cash")), rs.getString("requested_by"),
            rs.getLong("requested_at_ms"), nullableLong(rs, "applied_at_ms"), rs.getString("outcome"));

    private static Long nullableLong(ResultSet rs, String column) throws SQLException {
        long v = rs.getLong(column);
        return rs.wasNull() ? null : v;
    }

    static BigDecimal decimal(String text) {
        return new BigDecimal(text).stripTrailingZeros();
    }

    private final Database db;

    public AccountRequestStore(Database db) {
        this.db = db;
    }

    // ---- opening requests ----------------------------------------------------------------------

    void insert(Request r) {
        db.jdbi().useHandle(h -> h.createUpdate("""
                        INSERT INTO account_requests (id, company_id, user_id, account_id, form_type, account_provider,
                            request_type, status, comment, created_at_ms, updated_at_ms)
                        VALUES (:id, :company, :user, :account, :form, :provider, :type, :status, :comment, :at, :at)""")
                .bind("id", r.id()).bind("company", r.companyId()).bind("user", r.userId())
                .bind("account", r.accountId()).bind("form", r.formType()).bind("provider", r.accountProvider())
                .bind("type", r.requestType()).bind("status", r.status()).bind("comment", r.comment())
                .bind("at", r.createdAtMs()).execute());
    }

    /** Sets a request's account, status and comment. */
    void update(String id, Long accountId, String status, String comment, long nowMs) {
        db.jdbi().useHandle(h -> h.createUpdate("""
                        UPDATE account_requests SET account_id = :account, status = :status,
                            comment = COALESCE(:comment, comment), updated_at_ms = :now WHERE id = :id""")
                .bind("account", accountId).bind("status", status).bind("comment", comment).bind("now", nowMs)
                .bind("id", id).execute());
    }

    /**
     * Moves a request from {@code from} to {@code to} only if it is still in {@code from}: two
     * operators deciding at once, one wins. Returns whether this call moved it.
     */
    boolean transition(String id, String from, String to, String comment, long nowMs) {
        return db.jdbi().withHandle(h -> h.createUpdate("""
                        UPDATE account_requests SET status = :to, comment = COALESCE(:comment, comment),
                            updated_at_ms = :now WHERE id = :id AND status = :from""")
                .bind("to", to).bind("comment", comment).bind("now", nowMs).bind("id", id).bind("from", from)
                .execute()) == 1;
    }

    public Optional<Request> request(String id) {
        return db.jdbi().withHandle(h -> h.createQuery("SELECT * FROM account_requests WHERE id = :id")
                .bind("id", id).map(REQUEST).findOne());
    }

    /** A user's requests, newest first, at most {@code limit}. */
    List<Request> ofUser(long userId, int limit) {
        return db.jdbi().withHandle(h -> h.createQuery("""
                        SELECT * FROM account_requests WHERE user_id = :u ORDER BY created_at_ms DESC, id LIMIT :n""")
                .bind("u", userId).bind("n", limit).map(REQUEST).list());
    }

    /** How many of a user's requests wait for their clearing firm. */
    int waiting(long userId) {
        return db.jdbi().withHandle(h -> h.createQuery("""
                        SELECT COUNT(*) FROM account_requests WHERE user_id = :u AND status IN ('New', 'SentToClearing')""")
                .bind("u", userId).mapTo(Integer.class).one());
    }

    /** Requests (of one company, or all when null) in {@code status} (all when null), oldest first. */
    public List<Request> list(Long companyId, String status, int limit) {
        // Conditions only for what is given (PostgreSQL cannot type a null parameter in ":c IS NULL").
        String where = (companyId == null ? "1 = 1" : "company_id = :c") + (status == null ? "" : " AND status = :s");
        return db.jdbi().withHandle(h -> {
            var q = h.createQuery("SELECT * FROM account_requests WHERE " + where
                    + " ORDER BY created_at_ms, id LIMIT :n").bind("n", limit);
            if (companyId != null) {
                q.bind("c", companyId);
            }
            if (status != null) {
                q.bind("s", status);
            }
            return q.map(REQUEST).list();
        });
    }

    // ---- investigations ------------------------------------------------------------------------

    void insert(Investigation i) {
        db.jdbi().useHandle(h -> h.createUpdate("""
                        INSERT INTO account_investigations (id, request_id, account_id, status, comment, created_at_ms,
                            updated_at_ms) VALUES (:id, :request, :account, :status, :comment, :at, :at)""")
                .bind("id", i.id()).bind("request", i.requestId()).bind("account", i.accountId())
                .bind("status", i.status()).bind("comment", i.comment()).bind("at", i.createdAtMs()).execute());
    }

    /** Sets the status of the request's investigations still {@code from}. */
    void decideInvestigations(String requestId, String from, String to, String comment, long nowMs) {
        db.jdbi().useHandle(h -> h.createUpdate("""
                        UPDATE account_investigations SET status = :to, comment = COALESCE(:comment, comment),
                            updated_at_ms = :now WHERE request_id = :r AND status = :from""")
                .bind("to", to).bind("comment", comment).bind("now", nowMs).bind("r", requestId).bind("from", from)
                .execute());
    }

    /** An account's investigations, oldest first, at most {@code limit}. */
    List<Investigation> investigations(long accountId, int limit) {
        return db.jdbi().withHandle(h -> h.createQuery("""
                        SELECT * FROM account_investigations WHERE account_id = :a ORDER BY created_at_ms, id LIMIT :n""")
                .bind("a", accountId).bind("n", limit).map(INVESTIGATION).list());
    }

    Optional<Investigation> investigation(long accountId, String id) {
        return db.jdbi().withHandle(h -> h.createQuery(
                        "SELECT * FROM account_investigations WHERE account_id = :a AND id = :id")
                .bind("a", accountId).bind("id", id).map(INVESTIGATION).findOne());
    }

    // ---- opening settings ----------------------------------------------------------------------

    Optional<Settings> settings(long companyId) {
        return db.jdbi().withHandle(h -> h.createQuery(
                        "SELECT starting_cash, margin_type FROM account_opening_settings WHERE company_id = :c")
                .bind("c", companyId)
                .map((rs, ctx) -> new Settings(decimal(rs.getString(1)), MarginType.valueOf(rs.getString(2))))
                .findOne());
    }

    void saveSettings(long companyId, Settings s, long nowMs) {
        db.jdbi().useHandle(h -> h.createUpdate("""
                        INSERT INTO account_opening_settings (company_id, starting_cash, margin_type, updated_at_ms)
                        VALUES (:c, :cash, :margin, :now) ON CONFLICT (company_id) DO UPDATE
                        SET starting_cash = excluded.starting_cash, margin_type = excluded.margin_type,
                            updated_at_ms = excluded.updated_at_ms""")
                .bind("c", companyId).bind("cash", db.decimal(s.startingCash())).bind("margin", s.marginType().name())
                .bind("now", nowMs).execute());
    }

    // ---- resets --------------------------------------------------------------------------------

    long insertReset(long accountId, long userId, BigDecimal cash, String requestedBy, long nowMs) {
        return db.jdbi().withHandle(h -> h.createUpdate("""
                        INSERT INTO account_resets (account_id, user_id, starting_cash, requested_by, requested_at_ms)
                        VALUES (:a, :u, :cash, :by, :now)""")
                .bind("a", accountId).bind("u", userId).bind("cash", db.decimal(cash)).bind("by", requestedBy)
                .bind("now", nowMs).executeAndReturnGeneratedKeys("id").mapTo(Long.class).one());
    }

    Optional<Reset> reset(long id) {
        return db.jdbi().withHandle(h -> h.createQuery("SELECT * FROM account_resets WHERE id = :id")
                .bind("id", id).map(RESET).findOne());
    }

    /** Reset requests not applied yet, oldest first, at most {@code limit}. */
    List<Reset> pendingResets(int limit) {
        return db.jdbi().withHandle(h -> h.createQuery(
                        "SELECT * FROM account_resets WHERE applied_at_ms IS NULL ORDER BY id LIMIT :n")
                .bind("n", limit).map(RESET).list());
    }
}
