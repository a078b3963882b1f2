package dev.crater.funding;

import dev.crater.store.Database;
import dev.crater.store.FilterSql;
import dev.crater.store.HeavyQueries;
import dev.crater.store.PagedQuery;
import java.math.BigDecimal;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.jdbi.v3.core.Handle;

/**
 * ACH relationships and transfers in the store. Every state change is one conditional UPDATE
 * ({@code … WHERE status = ?}), so on several nodes sharing PostgreSQL exactly one wins; the cash
 * request a change moves money with is inserted in the same transaction, so the engine books it
 * exactly once or not at all.
 */
public final class FundingStore {

    /** A relationship's stored row; the account number only sealed. */
    public record RelationshipRow(String id, long accountId, String externalId, String routingNumber,
            String accountNumberSealed, String accountNumberLast4, String accountOwnerName, String name,
            String status, String approvalMethod, String bankAccountType, boolean isDefault, long createdAtMs,
            Long cancelAtMs, String cancelReason, String microMac, int approveAttempts) {
    }

    /** A transfer's stored row. */
    public record TransferRow(String id, long accountId, String externalId, String mechanism, boolean isDeposit,
            String status, String comment, BigDecimal amount, BigDecimal fee, BigDecimal totalAmount,
            String achRelationshipId, String detailsJson, String clientKey, String requestDigest, String createdBy,
            long createdAtMs, long dueAtMs, Long transferAtMs, Long holdRequestId, Long creditRequestId,
            Long reversalRequestId, String reversalState) {
    }

    /** A cash request's fate: not applied yet ({@code appliedAtMs} null), applied, or refused with why. */
    public record CashOutcome(Long appliedAtMs, String outcome) {
        public boolean pending() {
            return appliedAtMs == null;
        }

        public boolean applied() {
            return appliedAtMs != null && "applied".equals(outcome);
        }
    }

    /** A cash move a state change makes: {@code amount} signed (negative takes money out). */
    public record CashMove(BigDecimal amount, String description) {
    }

    /** Sortable fields of the transfer list (the first is the default). */
    static final List<FilterSql.Field> TRANSFER_FIELDS = List.of(
            new FilterSql.Field("CreatedAt", "created_at_ms", FilterSql.Type.DATETIME_MS),
            new FilterSql.Field("Amount", "amount", FilterSql.Type.DECIMAL),
            new FilterSql.Field("TotalAmount", "total_amount", FilterSql.Type.DECIMAL),
            new FilterSql.Field("Status", "status", FilterSql.Type.TEXT),
            new FilterSql.Field("Mechanism", "mechanism", FilterSql.Type.TEXT),
            new FilterSql.Field("IsDeposit", "is_deposit", FilterSql.Type.BOOLEAN),
            new FilterSql.Field("TransferDate", "transfer_at_ms", FilterSql.Type.DATETIME_MS),
            new FilterSql.Field("Id", "id", FilterSql.Type.TEXT));

    private final Database db;
    private final PagedQuery<TransferRow> transferPages;

    public FundingStore(Database db, HeavyQueries heavy) {
        this.db = db;
        this.transferPages = new PagedQuery<>(db, heavy, "transfers", TRANSFER_FIELDS, "sortBy", true, true,
                (rs, ctx) -> transfer(rs));
    }

    // ---- relationships ----------------------------------------------------------------------------

    /** Why an insert was refused. */
    public enum Refused { NONE, ACTIVE_LIMIT, EVER_LIMIT }

    /**
     * Inserts {@code rows} for one account at once, unless that would make more than {@code activeMax}
     * relationships not canceled (or more than {@code everMax} in all); the first becomes the
     * default when the account has no default. Serialised per account by a lock on its row.
     */
    public Refused insertRelationships(long accountId, List<RelationshipRow> rows, int activeMax, int everMax) {
        return db.jdbi().inTransaction(h -> {
            lockAccount(h, accountId);
            int active = h.createQuery("SELECT COUNT(*) FROM ach_relationships WHERE account_id = :a"
                    + " AND status NOT IN ('Canceled', 'Error')").bind("a", accountId).mapTo(Integer.class).one();
            int ever = h.createQuery("SELECT COUNT(*) FROM ach_relationships WHERE account_id = :a")
                    .bind("a", accountId).mapTo(Integer.class).one();
            if (active + rows.size() > activeMax) {
                return Refused.ACTIVE_LIMIT;
            }
            if (ever + rows.size() > everMax) {
                return Refused.EVER_LIMIT;
            }
            boolean hasDefault = h.createQuery("SELECT COUNT(*) FROM ach_relationships WHERE account_id = :a"
                    + " AND is_default = :t").bind("a", accountId).bind("t", true).mapTo(Integer.class).one() > 0;
            for (RelationshipRow r : rows) {
                h.createUpdate("""
                        INSERT INTO ach_relationships (id, account_id, external_id, routing_number, account_number_sealed,
                            account_number_last4, account_owner_name, name, status, approval_method, bank_account_type,
                            is_default, created_at_ms, micro_mac, approve_attempts)
                        VALUES (:id, :a, :ext, :routing, :sealed, :last4, :owner, :name, :status, :method, :type,
                            :def, :now, :mac, 0)""")
                        .bind("id", r.id()).bind("a", accountId).bind("ext", r.externalId())
                        .bind("routing", r.routingNumber()).bind("sealed", r.accountNumberSealed())
                        .bind("last4", r.accountNumberLast4()).bind("owner", r.accountOwnerName())
                        .bind("name", r.name()).bind("status", r.status()).bind("method", r.approvalMethod())
                        .bind("type", r.bankAccountType()).bind("def", !hasDefault).bind("now", r.createdAtMs())
                        .bind("mac", r.microMac()).execute();
                hasDefault = true;
            }
            return Refused.NONE;
        });
    }

    public Optional<RelationshipRow> relationship(long accountId, String id) {
        return db.jdbi().withHandle(h -> h.createQuery(
                        "SELECT * FROM ach_relationships WHERE account_id = :a AND id = :id")
                .bind("a", accountId).bind("id", id).map((rs, ctx) -> relationship(rs)).findOne());
    }

    /** Every relationship of an account (at most the named total), oldest first. */
    public List<RelationshipRow> relationships(long accountId) {
        return db.jdbi().withHandle(h -> h.createQuery(
                        "SELECT * FROM ach_relationships WHERE account_id = :a ORDER BY created_at_ms, id")
                .bind("a", accountId).map((rs, ctx) -> relationship(rs)).list());
    }

    /** Makes {@code id} the account's one default, if it is not canceled; false when it is. */
    public boolean setDefault(long accountId, String id) {
        return db.jdbi().inTransaction(h -> {
            lockAccount(h, accountId);
            int ok = h.createQuery("SELECT COUNT(*) FROM ach_relationships WHERE account_id = :a AND id = :id"
                    + " AND status NOT IN ('Canceled', 'Error')").bind("a", accountId).bind("id", id)
                    .mapTo(Integer.class).one();
            if (ok == 0) {
                return false;
            }
            h.createUpdate("UPDATE ach_relationships SET is_default = (id = :id) WHERE account_id = :a")
                    .bind("a", accountId).bind("id", id).execute();
            return true;
        });
    }

    public boolean rename(long accountId, String id, String name) {
        return db.jdbi().withHandle(h -> h.createUpdate("UPDATE ach_relationships SET name = :n"
                        + " WHERE account_id = :a AND id = :id AND status <> 'Canceled'")
                .bind("n", name).bind("a", accountId).bind("id", id).execute()) == 1;
    }

    /** Cancels it (no longer the default); false when it was canceled already. */
    public boolean cancel(long accountId, String id, String reason, long nowMs) {
        return db.jdbi().withHandle(h -> h.createUpdate("UPDATE ach_relationships SET status = 'Canceled',"
                        + " cancel_at_ms = :now, cancel_reason = :r, is_default = :f, micro_mac = NULL"
                        + " WHERE account_id = :a AND id = :id AND status <> 'Canceled'")
                .bind("now", nowMs).bind("r", reason).bind("f", false).bind("a", accountId).bind("id", id)
                .execute()) == 1;
    }

    /** Approves a pending relationship; false when it is no longer pending. */
    public boolean approve(long accountId, String id) {
        return db.jdbi().withHandle(h -> h.createUpdate("UPDATE ach_relationships SET status = 'Approved',"
                        + " micro_mac = NULL WHERE account_id = :a AND id = :id AND status = 'Pending'")
                .bind("a", accountId).bind("id", id).execute()) == 1;
    }

    /** Counts a wrong guess; the {@code max}th puts the relationship in {@code Error}. */
    public void wrongGuess(long accountId, String id, int max) {
        db.jdbi().useHandle(h -> h.createUpdate("UPDATE ach_relationships SET approve_attempts = approve_attempts + 1,"
                        + " status = CASE WHEN approve_attempts + 1 >= :max THEN 'Error' ELSE status END,"
                        + " is_default = CASE WHEN approve_attempts + 1 >= :max THEN :f ELSE is_default END"
                        + " WHERE account_id = :a AND id = :id AND status = 'Pending'")
                .bind("max", max).bind("f", false).bind("a", accountId).bind("id", id).execute());
    }

    // ---- transfers --------------------------------------------------------------------------------

    /** A new transfer, or the one an earlier request with the same key made ({@code existing}). */
    public record Created(TransferRow transfer, boolean existing) {
    }

    /**
     * Inserts a transfer with, for a withdrawal, its hold (a negative cash request) in the same
     * transaction; a request whose key the account used before gets that transfer back and moves
     * no money. At most {@code openMax} transfers of the account may be open ({@code Submitted}).
     */
    public Optional<Created> insertTransfer(TransferRow t, CashMove hold, int openMax) {
        if (t.clientKey() != null) {
            Optional<TransferRow> before = byClientKey(t.accountId(), t.clientKey());
            if (before.isPresent()) {
                return Optional.of(new Created(before.get(), true));
            }
        }
        try {
            return db.jdbi().inTransaction(h -> {
                lockAccount(h, t.accountId());
                if (t.clientKey() != null) {
                    Optional<TransferRow> before = h.createQuery(
                                    "SELECT * FROM transfers WHERE account_id = :a AND client_key = :k")
                            .bind("a", t.accountId()).bind("k", t.clientKey()).map((rs, ctx) -> transfer(rs)).findOne();
                    if (before.isPresent()) {
                        return Optional.of(new Created(before.get(), true));
                    }
                }
                int open = h.createQuery("SELECT COUNT(*) FROM transfers WHERE account_id = :a AND status = 'Submitted'")
                        .bind("a", t.accountId()).mapTo(Integer.class).one();
                if (open >= openMax) {
                    return Optional.<Created>empty();
                }
                h.createUpdate("""
                        INSERT INTO transfers (id, account_id, external_id, mechanism, is_deposit, status, comment, amount,
                            fee, total_amount, ach_relationship_id, details_json, client_key, request_digest, created_by,
                            created_at_ms, due_at_ms)
                        VALUES (:id, :a, :ext, :mech, :dep, :status, :comment, :amount, :fee, :total, :ach, :details,
                            :key, :digest, :by, :now, :due)""")
                        .bind("id", t.id()).bind("a", t.accountId()).bind("ext", t.externalId())
                        .bind("mech", t.mechanism()).bind("dep", t.isDeposit()).bind("status", t.status())
                        .bind("comment", t.comment()).bind("amount", db.decimal(t.amount()))
                        .bind("fee", db.decimal(t.fee())).bind("total", db.decimal(t.totalAmount()))
                        .bind("ach", t.achRelationshipId()).bind("details", t.detailsJson())
                        .bind("key", t.clientKey()).bind("digest", t.requestDigest()).bind("by", t.createdBy())
                        .bind("now", t.createdAtMs()).bind("due", t.dueAtMs()).execute();
                if (hold != null) {
                    long req = requestCash(h, t.accountId(), hold, t.createdAtMs());
                    h.createUpdate("UPDATE transfers SET hold_request_id = :r WHERE id = :id")
                            .bind("r", req).bind("id", t.id()).execute();
                }
                return Optional.of(new Created(h.createQuery("SELECT * FROM transfers WHERE id = :id")
                        .bind("id", t.id()).map((rs, ctx) -> transfer(rs)).one(), false));
            });
        } catch (RuntimeException e) {
            // Two requests with one key at once: the other one's insert won the unique index.
            if (t.clientKey() != null) {
                Optional<TransferRow> before = byClientKey(t.accountId(), t.clientKey());
                if (before.isPresent()) {
                    return Optional.of(new Created(before.get(), true));
                }
            }
            throw e;
        }
    }

    private Optional<TransferRow> byClientKey(long accountId, String key) {
        return db.jdbi().withHandle(h -> h.createQuery("SELECT * FROM transfers WHERE account_id = :a AND client_key = :k")
                .bind("a", accountId).bind("k", key).map((rs, ctx) -> transfer(rs)).findOne());
    }

    public Optional<TransferRow> transfer(long accountId, String id) {
        return db.jdbi().withHandle(h -> h.createQuery("SELECT * FROM transfers WHERE account_id = :a AND id = :id")
                .bind("a", accountId).bind("id", id).map((rs, ctx) -> transfer(rs)).findOne());
    }

    /** A transfer by id, whatever its account (operators). */
    public Optional<TransferRow> transfer(String id) {
        return db.jdbi().withHandle(h -> h.createQuery("SELECT * FROM transfers WHERE id = :id")
                .bind("id", id).map((rs, ctx) -> transfer(rs)).findOne());
    }

    public PagedQuery.Page<TransferRow> transfers(long accountId, PagedQuery.Request request) {
        return transferPages.page("account_id = :account", Map.of("account", accountId), request);
    }

    /** Open transfers of every account, oldest first, at most {@code limit} (operators' listing). */
    public List<TransferRow> open(int limit) {
        return db.jdbi().withHandle(h -> h.createQuery(
                        "SELECT * FROM transfers WHERE status = 'Submitted' ORDER BY created_at_ms, id LIMIT :n")
                .bind("n", limit).map((rs, ctx) -> transfer(rs)).list());
    }

    public Optional<CashOutcome> cashOutcome(long requestId) {
        return db.jdbi().withHandle(h -> h.createQuery("SELECT applied_at_ms, outcome FROM cash_requests WHERE id = :id")
                .bind("id", requestId).map((rs, ctx) -> new CashOutcome(nullableLong(rs, "applied_at_ms"),
                        rs.getString("outcome"))).findOne());
    }

    /**
     * Moves a transfer from {@code from} to {@code to} (the transfer date set to now when it
     * completes); {@code cash}, when given, is requested in the same transaction — as the credit
     * ({@code to} Complete) or the reversal (otherwise). {@code reversalDue} marks a reversal to be
     * requested later (a withdrawal's hold not applied yet). False when another change won.
     */
    public boolean move(String id, String from, String to, String comment, CashMove cash, boolean reversalDue,
            long nowMs) {
        return db.jdbi().inTransaction(h -> {
            int n = h.createUpdate("UPDATE transfers SET status = :to, comment = COALESCE(:c, comment),"
                            + " transfer_at_ms = CASE WHEN :to = 'Complete' THEN :now ELSE transfer_at_ms END,"
                            + " reversal_state = CASE WHEN :due THEN 'due' ELSE reversal_state END"
                            + " WHERE id = :id AND status = :from")
                    .bind("to", to).bind("c", comment).bind("now", nowMs).bind("due", reversalDue)
                    .bind("id", id).bind("from", from).execute();
            if (n != 1) {
                return false;
            }
            if (cash != null) {
                long accountId = h.createQuery("SELECT account_id FROM transfers WHERE id = :id").bind("id", id)
                        .mapTo(Long.class).one();
                long req = requestCash(h, accountId, cash, nowMs);
                String column = "Complete".equals(to) ? "credit_request_id" : "reversal_request_id";
                h.createUpdate("UPDATE transfers SET " + column + " = :r"
                                + ("Complete".equals(to) ? "" : ", reversal_state = 'done'") + " WHERE id = :id")
                        .bind("r", req).bind("id", id).execute();
            }
            return true;
        });
    }

    /** Requests a due reversal (once: the state moves from due to done in the same transaction). */
    public boolean reverseDue(String id, CashMove cash, long nowMs) {
        return db.jdbi().inTransaction(h -> {
            int n = h.createUpdate("UPDATE transfers SET reversal_state = 'done' WHERE id = :id AND reversal_state = 'due'")
                    .bind("id", id).execute();
            if (n != 1) {
                return false;
            }
            long accountId = h.createQuery("SELECT account_id FROM transfers WHERE id = :id").bind("id", id)
                    .mapTo(Long.class).one();
            long req = requestCash(h, accountId, cash, nowMs);
            h.createUpdate("UPDATE transfers SET reversal_request_id = :r WHERE id = :id").bind("r", req)
                    .bind("id", id).execute();
            return true;
        });
    }

    /** A due reversal that is not needed (the hold was refused, so nothing was taken). */
    public void dropDue(String id) {
        db.jdbi().useHandle(h -> h.createUpdate(
                "UPDATE transfers SET reversal_state = 'none' WHERE id = :id AND reversal_state = 'due'")
                .bind("id", id).execute());
    }

    /** Submitted transfers due by {@code nowMs}, oldest first, at most {@code limit}. */
    public List<TransferRow> due(long nowMs, int limit) {
        return db.jdbi().withHandle(h -> h.createQuery("SELECT * FROM transfers WHERE status = 'Submitted'"
                        + " AND due_at_ms <= :now ORDER BY due_at_ms, id LIMIT :n")
                .bind("now", nowMs).bind("n", limit).map((rs, ctx) -> transfer(rs)).list());
    }

    /** Submitted withdrawals whose hold the engine refused, at most {@code limit}. */
    public List<TransferRow> refusedHolds(int limit) {
        return db.jdbi().withHandle(h -> h.createQuery("SELECT t.* FROM transfers t JOIN cash_requests c"
                        + " ON c.id = t.hold_request_id WHERE t.status = 'Submitted' AND c.applied_at_ms IS NOT NULL"
                        + " AND c.outcome <> 'applied' ORDER BY t.created_at_ms LIMIT :n")
                .bind("n", limit).map((rs, ctx) -> transfer(rs)).list());
    }

    /** Returned deposits whose debit the engine refused (the account could not cover it), at most {@code limit}. */
    public List<TransferRow> refusedReturns(int limit) {
        return db.jdbi().withHandle(h -> h.createQuery("SELECT t.* FROM transfers t JOIN cash_requests c"
                        + " ON c.id = t.reversal_request_id WHERE t.status = 'Returned' AND t.is_deposit = :yes"
                        + " AND c.applied_at_ms IS NOT NULL AND c.outcome <> 'applied' ORDER BY t.created_at_ms LIMIT :n")
                .bind("yes", true).bind("n", limit).map((rs, ctx) -> transfer(rs)).list());
    }

    /**
     * Makes a returned deposit Complete again (its debit was refused), keeping its completion time; the
     * refused request stays linked until a later return replaces it. Conditional: one caller wins.
     */
    public boolean undoReturn(String id, String comment) {
        return db.jdbi().withHandle(h -> h.createUpdate(
                        "UPDATE transfers SET status = 'Complete', comment = :c WHERE id = :id AND status = 'Returned'")
                .bind("c", comment).bind("id", id).execute()) == 1;
    }

    /** Transfers with a reversal waiting for the hold's outcome, at most {@code limit}. */
    public List<TransferRow> dueReversals(int limit) {
        return db.jdbi().withHandle(h -> h.createQuery(
                        "SELECT * FROM transfers WHERE reversal_state = 'due' ORDER BY created_at_ms LIMIT :n")
                .bind("n", limit).map((rs, ctx) -> transfer(rs)).list());
    }

    // ---- helpers ----------------------------------------------------------------------------------

    /** Serialises writers of one account's funding rows (PostgreSQL: a row lock; SQLite: the write lock). */
    private static void lockAccount(Handle h, long accountId) {
        h.createUpdate("UPDATE accounts SET modified_at_ms = modified_at_ms WHERE id = :a").bind("a", accountId)
                .execute();
    }

    /** The engine's cash-request path (the cash_requests table AccountService.requestCash writes), in {@code h}'s transaction. */
    private long requestCash(Handle h, long accountId, CashMove cash, long nowMs) {
        return h.createUpdate("INSERT INTO cash_requests (account_id, amount, description, requested_at_ms, applied_at_ms)"
                        + " VALUES (:a, :amount, :d, :now, NULL)")
                .bind("a", accountId).bind("amount", db.decimal(cash.amount())).bind("d", cash.description())
                .bind("now", nowMs).executeAndReturnGeneratedKeys("id").mapTo(Long.class).one();
    }

    private static RelationshipRow relationship(ResultSet rs) throws SQLException {
        return new RelationshipRow(rs.getString("id"), rs.getLong("account_id"), rs.getString("external_id"),
                rs.getString("routing_number"), rs.getString("account_number_sealed"),
                rs.getString("account_number_last4"), rs.getString("account_owner_name"), rs.getString("name"),
                rs.getString("status"), rs.getString("approval_method"), rs.getString("bank_account_type"),
                rs.getBoolean("is_default"), rs.getLong("created_at_ms"), nullableLong(rs, "cancel_at_ms"),
                rs.getString("cancel_reason"), rs.getString("micro_mac"), rs.getInt("approve_attempts"));
    }

    private static TransferRow transfer(ResultSet rs) throws SQLException {
        return new TransferRow(rs.getString("id"), rs.getLong("account_id"), rs.getString("external_id"),
                rs.getString("mechanism"), rs.getBoolean("is_deposit"), rs.getString("status"),
                rs.getString("comment"), decimal(rs, "amount"), decimal(rs, "fee"), decimal(rs, "total_amount"),
                rs.getString("ach_relationship_id"), rs.getString("details_json"), rs.getString("client_key"),
                rs.getString("request_digest"), rs.getString("created_by"), rs.getLong("created_at_ms"),
                rs.getLong("due_at_ms"), nullableLong(rs, "transfer_at_ms"), nullableLong(rs, "hold_request_id"),
                nullableLong(rs, "credit_request_id"), nullableLong(rs, "reversal_request_id"),
                rs.getString("reversal_state"));
    }

    private static BigDecimal decimal(ResultSet rs, String column) throws SQLException {
        String s = rs.getString(column);
        return s == null ? null : new BigDecimal(s).stripTrailingZeros();
    }

    private static Long nullableLong(ResultSet rs, String column) throws SQLException {
        long v = rs.getLong(column);
        return rs.wasNull() ? null : v;
    }
}
