package dev.crater.audit;

import dev.crater.http.ClientInfo;
import java.time.InstantSource;
import java.util.List;
import org.jdbi.v3.core.Jdbi;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Every authentication event and every operator change (companies, policies, users, accounts,
 * funding, the market sandbox), with time, user, company, client address and user agent. Callers
 * pass no secrets; the {@code detail} field is for names of steps, methods, reasons and the
 * operator's command with secret values masked.
 */
public final class AuditLog {
    private static final Logger LOG = LoggerFactory.getLogger(AuditLog.class);
    public static final int DETAIL_CHARS_MAX = 300;
    /** Rows returned by one query at most. */
    public static final int QUERY_ROWS_MAX = 10_000;

    /** What happened. */
    public enum Event {
        LOGIN_SUCCEEDED, LOGIN_FAILED, LOGIN_EXPECTING, LOGIN_THROTTLED, ACCOUNT_LOCKED, ACCOUNT_UNLOCKED,
        TOKEN_REVOKED, TOKENS_REVOKED, PASSWORD_CHANGED, PASSWORD_RESET_REQUESTED, PASSWORD_RESET, PASSWORD_EXPIRED,
        PIN_SET, TWO_FACTOR_CHANGED, PHONE_BOUND, USER_DISABLED, USER_ENABLED, RATE_LIMITED,
        /** An operator changed something from the command line: companies, policies, users, accounts, cash, the sandbox. */
        OPERATOR_COMMAND
    }

    /** One stored event. */
    public record Entry(long id, long atMs, Long companyId, Long userId, String username, Event event, String step,
                        String clientAddress, String userAgent, String detail) {
    }

    private final Jdbi jdbi;
    private final InstantSource clock;

    public AuditLog(Jdbi jdbi, InstantSource clock) {
        this.jdbi = jdbi;
        this.clock = clock;
    }

    /**
     * Records one event. A failure to record is logged, never thrown: auditing must not turn a
     * working login into an error.
     */
    public void record(Long companyId, Long userId, String username, Event event, String step, ClientInfo client,
                       String detail) {
        try {
            jdbi.useHandle(h -> h.createUpdate("""
                            INSERT INTO audit_events (at_ms, company_id, user_id, username, event, step, client_address,
                                user_agent, detail)
                            VALUES (:at, :c, :u, :name, :event, :step, :addr, :agent, :detail)""")
                    .bind("at", clock.millis()).bind("c", companyId).bind("u", userId)
                    .bind("name", username == null ? null : cut(username, 100))
                    .bind("event", event.name()).bind("step", step)
                    .bind("addr", client == null ? null : client.address())
                    .bind("agent", client == null ? null : client.userAgent())
                    .bind("detail", detail == null ? null : cut(detail, DETAIL_CHARS_MAX))
                    .execute());
        } catch (RuntimeException e) {
            LOG.error("audit event {} for user {} could not be stored", event, userId, e);
        }
    }

    private static Long nullableLong(java.sql.ResultSet rs, String column) throws java.sql.SQLException {
        long v = rs.getLong(column);
        return rs.wasNull() ? null : v;
    }

    private static String cut(String s, int max) {
        return s.length() <= max ? s : s.substring(0, max);
    }

    /** Events since {@code sinceMs}, optionally of one user, oldest first, at most {@code limit}. */
    public List<Entry> query(Long userId, long sinceMs, int limit) {
        int n = Math.min(Math.max(limit, 1), QUERY_ROWS_MAX);
        return jdbi.withHandle(h -> h.createQuery("SELECT * FROM audit_events WHERE at_ms >= :since"
                        + (userId == null ? "" : " AND user_id = :u") + " ORDER BY id DESC LIMIT :n")
                .bind("since", sinceMs).bind("u", userId).bind("n", n)
                .map((rs, ctx) -> new Entry(rs.getLong("id"), rs.getLong("at_ms"),
                        nullableLong(rs, "company_id"), nullableLong(rs, "user_id"),
                        rs.getString("username"), Event.valueOf(rs.getString("event")), rs.getString("step"),
                        rs.getString("client_address"), rs.getString("user_agent"), rs.getString("detail")))
                .list()).reversed();
    }
}
