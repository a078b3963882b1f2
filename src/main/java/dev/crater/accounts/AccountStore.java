package dev.crater.accounts;

import dev.crater.common.MarginType;
import dev.crater.store.Database;
import java.math.BigDecimal;
import java.util.List;
import java.util.Optional;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.mapper.RowMapper;

/** Account rows, user links and operators' cash requests. */
public final class AccountStore {

    private static final RowMapper<Account> ACCOUNT = (rs, ctx) -> new Account(rs.getLong("id"),
            rs.getLong("company_id"), rs.getString("clearing_account"),
            MarginType.valueOf(rs.getString("margin_type")), rs.getString("owner_type"),
            rs.getString("currency"), rs.getString("clearing_firm"), rs.getBoolean("enabled"),
            decimal(rs.getString("per_trade_commission")), decimal(rs.getString("per_share_commission")),
            decimal(rs.getString("per_contract_commission")), rs.getString("opening_request_id"),
            rs.getString("form_data"), rs.getLong("created_at_ms"), rs.getLong("modified_at_ms"),
            rs.getLong("opened_by_user_id"));

    private static final RowMapper<AccountLink> LINK = (rs, ctx) -> new AccountLink(rs.getLong("account_id"),
            rs.getLong("user_id"), Account.AccessType.valueOf(rs.getString("access_type")), rs.getString("alias"),
            rs.getLong("added_at_ms"), rs.getLong("selected_at_ms"));

    /** A pending (or applied) cash movement an operator asked for. */
    public record CashRequest(long id, long accountId, BigDecimal amount, String description, long requestedAtMs,
            Long appliedAtMs) {
    }

    static BigDecimal decimal(String text) {
        return new BigDecimal(text).stripTrailingZeros();
    }

    private final Database db;

    public AccountStore(Database db) {
        this.db = db;
    }

    public Database database() {
        return db;
    }

    /** Inserts an account and its owner link in one transaction; the clearing number is the id. */
    public Account insert(long companyId, MarginType marginType, String currency, BigDecimal perTrade,
            BigDecimal perShare, BigDecimal perContract, String openingRequestId, String formData, long ownerUserId,
            long nowMs) {
        return insert(companyId, marginType, currency, perTrade, perShare, perContract, openingRequestId, formData,
                ownerUserId, nowMs, Account.PAPER_FIRM, true);
    }

    /** As above, at clearing firm {@code firm}, enabled or not (an account waiting for its clearing firm is not). */
    public Account insert(long companyId, MarginType marginType, String currency, BigDecimal perTrade,
            BigDecimal perShare, BigDecimal perContract, String openingRequestId, String formData, long ownerUserId,
            long nowMs, String firm, boolean enabled) {
        return db.jdbi().inTransaction(h -> {
            long id = h.createUpdate("""
                    INSERT INTO accounts (company_id, clearing_account, margin_type, owner_type, currency, clearing_firm,
                        enabled, per_trade_commission, per_share_commission, per_contract_commission,
                        opening_request_id, form_data, created_at_ms, modified_at_ms, opened_by_user_id)
                    VALUES (:company, '', :margin, :owner, :currency, :firm, :enabled, :perTrade, :perShare,
                        :perContract, :request, :form, :now, :now, :openedBy)""")
                    .bind("company", companyId)
                    .bind("margin", marginType.name())
                    .bind("owner", Account.INDIVIDUAL)
                    .bind("currency", currency)
                    .bind("firm", firm)
                    .bind("enabled", enabled)
                    .bind("perTrade", db.decimal(perTrade))
                    .bind("perShare", db.decimal(perShare))
                    .bind("perContract", db.decimal(perContract))
                    .bind("request", openingRequestId)
                    .bind("form", formData)
                    .bind("now", nowMs)
                    .bind("openedBy", ownerUserId)
                    .executeAndReturnGeneratedKeys("id").mapTo(Long.class).one();
            h.createUpdate("UPDATE accounts SET clearing_account = :c WHERE id = :id")
                    .bind("c", String.valueOf(id)).bind("id", id).execute();
            h.createUpdate("""
                    INSERT INTO account_users (account_id, user_id, access_type, alias, added_at_ms)
                    VALUES (:a, :u, 'Owner', NULL, :now)""")
                    .bind("a", id).bind("u", ownerUserId).bind("now", nowMs).execute();
            return h.createQuery("SELECT * FROM accounts WHERE id = :id").bind("id", id).map(ACCOUNT).one();
        });
    }

    public Optional<Account> byId(long id) {
        return db.jdbi().withHandle(h -> h.createQuery("SELECT * FROM accounts WHERE id = :id")
                .bind("id", id).map(ACCOUNT).findOne());
    }

    public List<Account> all() {
        return db.jdbi().withHandle(h -> h.createQuery("SELECT * FROM accounts ORDER BY id").map(ACCOUNT).list());
    }

    public List<Account> byCompany(long companyId) {
        return db.jdbi().withHandle(h -> h.createQuery("SELECT * FROM accounts WHERE company_id = :c ORDER BY id")
                .bind("c", companyId).map(ACCOUNT).list());
    }

    public Optional<AccountLink> link(long accountId, long userId) {
        return db.jdbi().withHandle(h -> h.createQuery(
                        "SELECT * FROM account_users WHERE account_id = :a AND user_id = :u")
                .bind("a", accountId).bind("u", userId).map(LINK).findOne());
    }

    /** The user's links, in account order. */
    public List<AccountLink> linksOfUser(long userId) {
        return db.jdbi().withHandle(h -> h.createQuery(
                        "SELECT * FROM account_users WHERE user_id = :u ORDER BY account_id")
                .bind("u", userId).map(LINK).list());
    }

    /** The account's links, owners first, then by when they were added. */
    public List<AccountLink> linksOfAccount(long accountId) {
        return db.jdbi().withHandle(h -> h.createQuery("""
                        SELECT * FROM account_users WHERE account_id = :a
                        ORDER BY CASE WHEN access_type = 'Owner' THEN 0 ELSE 1 END, added_at_ms, user_id""")
                .bind("a", accountId).map(LINK).list());
    }

    /** What a guarded link change did. */
    public enum LinkChange {
        DONE, LAST_OWNER, NOT_LINKED, ACCOUNT_FULL, USER_FULL
    }

    /**
     * Takes the account's write lock for the rest of the transaction: its first statement writes the
     * account row, so on PostgreSQL concurrent changes of the same account queue on the row lock and
     * on SQLite the transaction holds the database's write lock before it reads anything. Checks
     * made after it (the last owner, the limits) cannot be raced.
     */
    private static void lockAccount(Handle h, long accountId) {
        h.createUpdate("UPDATE accounts SET modified_at_ms = modified_at_ms WHERE id = :a").bind("a", accountId)
                .execute();
    }

    private static long owners(Handle h, long accountId) {
        return h.createQuery("SELECT COUNT(*) FROM account_users WHERE account_id = :a AND access_type = 'Owner'")
                .bind("a", accountId).mapTo(Long.class).one();
    }

    private static Optional<String> accessOf(Handle h, long accountId, long userId) {
        return h.createQuery("SELECT access_type FROM account_users WHERE account_id = :a AND user_id = :u")
                .bind("a", accountId).bind("u", userId).mapTo(String.class).findOne();
    }

    /**
     * Adds or changes a link atomically: the last owner is never demoted, and a new link respects
     * {@code usersMax} per account and {@code accountsMax} per user.
     */
    public LinkChange upsertLink(long accountId, long userId, Account.AccessType type, int usersMax, int accountsMax,
            long nowMs) {
        return db.jdbi().inTransaction(h -> {
            lockAccount(h, accountId);
            Optional<String> current = accessOf(h, accountId, userId);
            if (current.isPresent()) {
                if (current.get().equals(Account.AccessType.Owner.name()) && type != Account.AccessType.Owner
                        && owners(h, accountId) <= 1) {
                    return LinkChange.LAST_OWNER;
                }
                h.createUpdate("UPDATE account_users SET access_type = :t WHERE account_id = :a AND user_id = :u")
                        .bind("t", type.name()).bind("a", accountId).bind("u", userId).execute();
                return LinkChange.DONE;
            }
            long users = h.createQuery("SELECT COUNT(*) FROM account_users WHERE account_id = :a")
                    .bind("a", accountId).mapTo(Long.class).one();
            if (users >= usersMax) {
                return LinkChange.ACCOUNT_FULL;
            }
            long accounts = h.createQuery("SELECT COUNT(*) FROM account_users WHERE user_id = :u")
                    .bind("u", userId).mapTo(Long.class).one();
            if (accounts >= accountsMax) {
                return LinkChange.USER_FULL;
            }
            h.createUpdate("INSERT INTO account_users (account_id, user_id, access_type, alias, added_at_ms) "
                            + "VALUES (:a, :u, :t, NULL, :now)")
                    .bind("a", accountId).bind("u", userId).bind("t", type.name()).bind("now", nowMs).execute();
            return LinkChange.DONE;
        });
    }

    /** Removes a link atomically; the last owner is never removed. */
    public LinkChange removeLink(long accountId, long userId) {
        return db.jdbi().inTransaction(h -> {
            lockAccount(h, accountId);
            Optional<String> current = accessOf(h, accountId, userId);
            if (current.isEmpty()) {
                return LinkChange.NOT_LINKED;
            }
            if (current.get().equals(Account.AccessType.Owner.name()) && owners(h, accountId) <= 1) {
                return LinkChange.LAST_OWNER;
            }
            h.createUpdate("DELETE FROM account_users WHERE account_id = :a AND user_id = :u")
                    .bind("a", accountId).bind("u", userId).execute();
            return LinkChange.DONE;
        });
    }

    public void setAlias(long accountId, long userId, String alias) {
        db.jdbi().useHandle(h -> h.createUpdate(
                        "UPDATE account_users SET alias = :alias WHERE account_id = :a AND user_id = :u")
                .bind("alias", alias).bind("a", accountId).bind("u", userId).execute());
    }

    /** Removes the user's own alias for the account. */
    public void clearAlias(long accountId, long userId) {
        db.jdbi().useHandle(h -> h.createUpdate(
                        "UPDATE account_users SET alias = NULL WHERE account_id = :a AND user_id = :u")
                .bind("a", accountId).bind("u", userId).execute());
    }

    /** Marks the account as the one the user selected last. */
    public void select(long accountId, long userId, long nowMs) {
        db.jdbi().useHandle(h -> h.createUpdate(
                        "UPDATE account_users SET selected_at_ms = :now WHERE account_id = :a AND user_id = :u")
                .bind("now", nowMs).bind("a", accountId).bind("u", userId).execute());
    }

    public void setEnabled(long accountId, boolean enabled, long nowMs) {
        db.jdbi().useHandle(h -> h.createUpdate(
                        "UPDATE accounts SET enabled = :e, modified_at_ms = :now WHERE id = :id")
                .bind("e", enabled).bind("now", nowMs).bind("id", accountId).execute());
    }

    /** Records an operator's deposit (positive) or withdrawal (negative), to be applied by the engine. */
    public long requestCash(long accountId, BigDecimal amount, String description, long nowMs) {
        return db.jdbi().withHandle(h -> h.createUpdate("""
                        INSERT INTO cash_requests (account_id, amount, description, requested_at_ms, applied_at_ms)
                        VALUES (:a, :amount, :d, :now, NULL)""")
                .bind("a", accountId).bind("amount", db.decimal(amount)).bind("d", description).bind("now", nowMs)
                .executeAndReturnGeneratedKeys("id").mapTo(Long.class).one());
    }

    /** How many of the account's cash requests are not applied yet. */
    public int pendingCashOf(long accountId) {
        return db.jdbi().withHandle(h -> h.createQuery(
                        "SELECT COUNT(*) FROM cash_requests WHERE account_id = :a AND applied_at_ms IS NULL")
                .bind("a", accountId).mapTo(Integer.class).one());
    }

    /** Cash requests not applied yet, oldest first, at most {@code limit}. */
    public List<CashRequest> pendingCash(int limit) {
        return db.jdbi().withHandle(h -> h.createQuery("""
                        SELECT * FROM cash_requests WHERE applied_at_ms IS NULL ORDER BY id LIMIT :limit""")
                .bind("limit", limit)
                .map((rs, ctx) -> new CashRequest(rs.getLong("id"), rs.getLong("account_id"),
                        decimal(rs.getString("amount")), rs.getString("description"), rs.getLong("requested_at_ms"),
                        null))
                .list());
    }
}
