package dev.crater.auth;

import dev.crater.access.Scope;
import java.util.Optional;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.mapper.RowMapper;

/** Final bearer tokens, keyed by the SHA-256 of the token text. */
public final class TokenStore {

    /** A stored token; {@code revokedAtMs} is 0 while it is live. */
    public record StoredToken(long id, String tokenHash, long userId, long companyId, long createdAtMs,
                              long expiresAtMs, long revokedAtMs, Scope scope) {
        public boolean liveAt(long nowMs) {
            return revokedAtMs == 0 && nowMs < expiresAtMs;
        }
    }

    private static final RowMapper<StoredToken> MAPPER = (rs, ctx) -> new StoredToken(
            rs.getLong("id"), rs.getString("token_hash"), rs.getLong("user_id"), rs.getLong("company_id"),
            rs.getLong("created_at_ms"), rs.getLong("expires_at_ms"), rs.getLong("revoked_at_ms"),
            Scope.valueOf(rs.getString("scope")));

    private final Jdbi jdbi;

    public TokenStore(Jdbi jdbi) {
        this.jdbi = jdbi;
    }

    public void insert(String tokenHash, long userId, long companyId, long nowMs, long expiresAtMs, Scope scope) {
        jdbi.useHandle(h -> h.createUpdate("""
                        INSERT INTO tokens (token_hash, user_id, company_id, created_at_ms, expires_at_ms, revoked_at_ms, scope)
                        VALUES (:h, :u, :c, :now, :exp, 0, :scope)""")
                .bind("h", tokenHash).bind("u", userId).bind("c", companyId)
                .bind("now", nowMs).bind("exp", expiresAtMs).bind("scope", scope.name())
                .execute());
    }

    /** Revokes one token; returns whether it was live. */
    public boolean revoke(String tokenHash, long nowMs) {
        return jdbi.withHandle(h -> h.createUpdate(
                        "UPDATE tokens SET revoked_at_ms = :now WHERE token_hash = :h AND "
                                + "(revoked_at_ms IS NULL OR revoked_at_ms = 0)")
                .bind("now", nowMs).bind("h", tokenHash).execute()) == 1;
    }

    public Optional<StoredToken> byHash(String tokenHash) {
        return jdbi.withHandle(h -> h.createQuery("SELECT * FROM tokens WHERE token_hash = :h")
                .bind("h", tokenHash).map(MAPPER).findOne());
    }

    /** The token's row, or empty when it is unknown, expired, revoked or of another scope. */
    public Optional<StoredToken> live(String tokenHash, Scope scope, long nowMs) {
        return byHash(tokenHash).filter(t -> t.scope() == scope && t.liveAt(nowMs));
    }

    /** Deletes tokens that expired before {@code cutoffMs}; returns how many. */
    public int deleteExpired(long cutoffMs) {
        return jdbi.withHandle(h -> h.createUpdate("DELETE FROM tokens WHERE expires_at_ms < :c")
                .bind("c", cutoffMs).execute());
    }
}
