package dev.crater.audit;

import dev.crater.http.ClientInfo;
import dev.crater.metrics.Counter;
import dev.crater.metrics.Metrics;
import java.time.InstantSource;
import java.util.List;
import org.jdbi.v3.core.Jdbi;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Every authentication event and every operator change (companies, policies, users, accounts,
 * funding, operator keys, the market sandbox), with time, user, company, client address and user
 * agent; an action taken with an operator key also names the key. Callers pass no secrets; the
 * {@code detail} field is for names of steps, methods, reasons, what an operator changed and the
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
        PIN_SET, PIN_RESET_REQUESTED, TWO_FACTOR_CHANGED, PHONE_BOUND, USER_DISABLED, USER_ENABLED, RATE_LIMITED,
        /** An operator changed something from the command line: companies, policies, users, accounts, securities. */
        OPERATOR_COMMAND,
        /** Operator keys: created or revoked (CLI), and a revoked key presented to the API. */
        OPERATOR_KEY_CREATED, OPERATOR_KEY_REVOKED, OPERATOR_KEY_REFUSED,
        /** Sandbox control of the simulated market. */
        MARKET_PRICE_SET, MARKET_MOVED, MARKET_HALTED, MARKET_RESUMED, MARKET_CLEARED, MARKET_CLOCK_SET,
        /** An operator's deposit or withdrawal, recorded for the trading engine. */
        CASH_REQUESTED
    }

    /**
     * Who took an operator action: an operator key (its id, name and company) over the API, or
     * {@link #CLI} ({@code crater admin}, no key), and from which client.
     */
    public record Actor(Long operatorKeyId, String keyName, Long companyId, ClientInfo client) {
        /** {@code crater admin} on the operator's machine. */
        public static final Actor CLI = new Actor(null, null, null, ClientInfo.operator());

        /** How the audit detail names the actor: {@code key 3 'ci-bot'}, or nothing for the CLI. */
        String describe() {
            return operatorKeyId == null ? "" : "key " + operatorKeyId + " '" + keyName + "': ";
        }
    }

    /** One stored event; {@code operatorKeyId} names the operator key that acted, if one did. */
    public record Entry(long id, long atMs, Long companyId, Long userId, String username, Event event, String step,
                        String clientAddress, String userAgent, String detail, Long operatorKeyId) {
    }

    private final Jdbi jdbi;
    private final InstantSource clock;
    private final Counter events;
    private final Counter logins;
    private final Counter lockouts;

    /** An audit log that also counts its events in {@code metrics} (logins by outcome, lockouts, every event). */
    public AuditLog(Jdbi jdbi, InstantSource clock, Metrics metrics) {
        this.jdbi = jdbi;
        this.clock = clock;
        this.events = metrics.counter("crater_audit_events_total", "Audit events recorded, by event.", "event");
        this.logins = metrics.counter("crater_logins_total", "Login steps by outcome (from the audit events): "
                + "succeeded, failed, expecting (a PIN or code is asked for), password_expired, throttled (a failure "
                + "wait or lock refused it), rate_limited (per address).", "outcome");
        this.lockouts = metrics.counter("crater_lockouts_total", "Accounts locked after repeated failures.");
    }

    /** The login outcome an event stands for, or null. */
    private static String loginOutcome(Event event) {
        return switch (event) {
            case LOGIN_SUCCEEDED -> "succeeded";
            case LOGIN_FAILED -> "failed";
            case LOGIN_EXPECTING -> "expecting";
            case PASSWORD_EXPIRED -> "password_expired";
            case LOGIN_THROTTLED -> "throttled";
            case RATE_LIMITED -> "rate_limited";
            default -> null;
        };
    }

    private void count(Event event) {
        events.inc(event.name());
        String outcome = loginOutcome(event);
        if (outcome != null) {
            logins.inc(outcome);
        }
        if (event == Event.ACCOUNT_LOCKED) {
            lockouts.inc();
        }
    }

    /**
     * Records one event. A failure to record is logged, never thrown: auditing must not turn a
     * working login into an error.
     */
    public void record(Long companyId, Long userId, String username, Event event, String step, ClientInfo client,
                       String detail) {
        insert(companyId, userId, username, event, step, client, detail, null);
    }

    /**
     * Records an operator action by {@code actor} concerning {@code companyId} (null when it concerns
     * no one company). Like {@link #record}, a failure to record is logged, never thrown.
     */
    public void record(Long companyId, Actor actor, Event event, String detail) {
        insert(companyId, null, null, event, null, actor.client(), actor.describe() + detail, actor.operatorKeyId());
    }

    private void insert(Long companyId, Long userId, String username, Event event, String step, ClientInfo client,
                        String detail, Long operatorKeyId) {
        count(event);
        try {
            jdbi.useHandle(h -> h.createUpdate("""
                            INSERT INTO audit_events (at_ms, company_id, user_id, username, event, step, client_address,
                                user_agent, detail, operator_key_id)
                            VALUES (:at, :c, :u, :name, :event, :step, :addr, :agent, :detail, :key)""")
                    .bind("at", clock.millis()).bind("c", companyId).bind("u", userId)
                    .bind("name", username == null ? null : cut(username, 100))
                    .bind("event", event.name()).bind("step", step)
                    .bind("addr", client == null ? null : client.address())
                    .bind("agent", client == null ? null : client.userAgent())
                    .bind("detail", detail == null ? null : cut(detail, DETAIL_CHARS_MAX))
                    .bind("key", operatorKeyId)
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
                        rs.getString("client_address"), rs.getString("user_agent"), rs.getString("detail"),
                        nullableLong(rs, "operator_key_id")))
                .list()).reversed();
    }
}
