package dev.crater.auth;

import java.util.Optional;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.mapper.RowMapper;

/** Final bearer tokens, keyed by the SHA-256 of the token text. */
public final class TokenStore {

    /** A stored token; {@code revokedAtMs} is 0 while it is live. */
    public record StoredToken(long id, String tokenHash, long userId, long companyId, long createdAtMs,
                              long expiresAtMs, long revokedAtMs) {
        public boolean liveAt(long nowMs) {
            return revokedAtMs == 0 && nowMs < expiresAtMs;
        }
    }

    private static final RowMapper<StoredToken> MAPPER = (rs, ctx) -> new StoredToken(
            rs.getLong("id"), rs.getString("token_hash"), rs.getLong("user_id"), rs.getLong("company_id"),
            rs.getLong("created_at_ms"), rs.getLong("expires_at_ms"), rs.getLong("revoked_at_ms"));

    private final Jdbi jdbi;

    public TokenStore(Jdbi jdbi) {
        this.jdbi = jdbi;
    }

    public void insert(String tokenHash, long userId, long companyId, long nowMs, long expiresAtMs) {
        jdbi.useHandle(h -> h.createUpdate("""
                        INSERT INTO tokens (token_hash, user_id, company_id, created_at_ms, expires_at_ms)
                        VALUES (:h, :u, :c, :now, :exp)""")
                .bind("h", tokenHash).bind("u", userId).bind("c", companyId)
                .bind("now", nowMs).bind("exp", expiresAtMs)
                .execute());
    }

    public Optional<StoredToken> byHash(String tokenHash) {
        return jdbi.withHandle(h -> h.createQuery("SELECT * FROM tokens WHERE token_hash = :h")
                .bind("h", tokenHash).map(MAPPER).findOne());
    }

    /** Deletes tokens that expired before {@code cutoffMs}; returns how many. */
    public int deleteExpired(long cutoffMs) {
        return jdbi.withHandle(h -> h.createUpdate("DELETE FROM tokens WHERE expires_at_ms < :c")
                .bind("c", cutoffMs).execute());
    }
}
