package dev.crater.auth;

import java.util.Optional;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.mapper.RowMapper;

/**
 * Logins in progress. Every state change is one conditional UPDATE, so two concurrent requests
 * with the same interim token cannot both finish it, and failures are counted exactly.
 */
public final class ChallengeStore {

    public enum State { OPEN, DONE, DEAD }

    /** A login waiting for a PIN or a verification code. */
    public record Challenge(long id, String tokenHash, long userId, long companyId, Step step, String codeMac,
                            long codeExpiresAtMs, int pinFailures, int codeFailures, State state,
                            long createdAtMs, long expiresAtMs) {
        public boolean openAt(long nowMs) {
            return state == State.OPEN && nowMs < expiresAtMs;
        }
    }

    private static final RowMapper<Challenge> MAPPER = (rs, ctx) -> new Challenge(
            rs.getLong("id"), rs.getString("token_hash"), rs.getLong("user_id"), rs.getLong("company_id"),
            Step.valueOf(rs.getString("step")), rs.getString("code_mac"), rs.getLong("code_expires_at_ms"),
            rs.getInt("pin_failures"), rs.getInt("code_failures"), State.valueOf(rs.getString("state")),
            rs.getLong("created_at_ms"), rs.getLong("expires_at_ms"));

    private final Jdbi jdbi;

    public ChallengeStore(Jdbi jdbi) {
        this.jdbi = jdbi;
    }

    public long insert(String tokenHash, long userId, long companyId, Step step, String codeMac,
                       long codeExpiresAtMs, int pinFailures, long nowMs, long expiresAtMs) {
        return jdbi.withHandle(h -> h.createUpdate("""
                        INSERT INTO login_challenges (token_hash, user_id, company_id, step, code_mac,
                            code_expires_at_ms, pin_failures, code_failures, state, created_at_ms, expires_at_ms)
                        VALUES (:h, :u, :c, :step, :mac, :codeExp, :pinFailures, 0, 'OPEN', :now, :exp)""")
                .bind("h", tokenHash).bind("u", userId).bind("c", companyId).bind("step", step.name())
                .bind("mac", codeMac).bind("codeExp", codeExpiresAtMs).bind("pinFailures", pinFailures)
                .bind("now", nowMs).bind("exp", expiresAtMs)
                .executeAndReturnGeneratedKeys("id").mapTo(Long.class).one());
    }

    public Optional<Challenge> byHash(String tokenHash) {
        return jdbi.withHandle(h -> h.createQuery("SELECT * FROM login_challenges WHERE token_hash = :h")
                .bind("h", tokenHash).map(MAPPER).findOne());
    }

    /** Counts one wrong PIN; kills the challenge when the count reaches {@code max}. Returns the new count. */
    public int pinFailed(long id, int max) {
        return failed(id, "pin_failures", max);
    }

    /** Counts one wrong code; kills the challenge when the count reaches {@code max}. Returns the new count. */
    public int codeFailed(long id, int max) {
        return failed(id, "code_failures", max);
    }

    private int failed(long id, String column, int max) {
        return jdbi.inTransaction(h -> {
            h.createUpdate("UPDATE login_challenges SET " + column + " = " + column + " + 1 WHERE id = :id")
                    .bind("id", id).execute();
            int count = h.createQuery("SELECT " + column + " FROM login_challenges WHERE id = :id")
                    .bind("id", id).mapTo(Integer.class).one();
            if (count >= max) {
                h.createUpdate("UPDATE login_challenges SET state = 'DEAD' WHERE id = :id").bind("id", id).execute();
            }
            return count;
        });
    }

    /**
     * Moves an open challenge from the PIN step to the code step; {@code codeMac} is null for an
     * authenticator-app code, which is computed rather than sent.
     */
    public boolean advanceToCode(long id, String codeMac, long codeExpiresAtMs) {
        return jdbi.withHandle(h -> h.createUpdate("""
                        UPDATE login_challenges SET step = 'VerificationCode', code_mac = :mac, code_expires_at_ms = :exp
                        WHERE id = :id AND state = 'OPEN' AND step = 'SecutityPin'""")
                .bind("mac", codeMac).bind("exp", codeExpiresAtMs).bind("id", id).execute()) == 1;
    }

    /**
     * Marks an open challenge done, once: of several concurrent callers exactly one gets true,
     * and none does after the failure limit killed it.
     */
    public boolean finish(long id, int failuresMax) {
        return jdbi.withHandle(h -> h.createUpdate("""
                        UPDATE login_challenges SET state = 'DONE'
                        WHERE id = :id AND state = 'OPEN' AND code_failures < :max AND pin_failures < :max""")
                .bind("id", id).bind("max", failuresMax).execute()) == 1;
    }

    /** Deletes challenges that expired before {@code cutoffMs}; returns how many. */
    public int deleteExpired(long cutoffMs) {
        return jdbi.withHandle(h -> h.createUpdate("DELETE FROM login_challenges WHERE expires_at_ms < :c")
                .bind("c", cutoffMs).execute());
    }
}
