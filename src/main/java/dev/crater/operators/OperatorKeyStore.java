package dev.crater.operators;

import java.util.List;
import java.util.Locale;
import java.util.Optional;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.mapper.RowMapper;

/** Operator-key rows, keyed by the SHA-256 of the key text. */
public final class OperatorKeyStore {
    private static final RowMapper<OperatorKey> MAPPER = (rs, ctx) -> {
        long revoked = rs.getLong("revoked_at_ms");
        Long revokedAt = rs.wasNull() ? null : revoked;
        return new OperatorKey(rs.getLong("id"), rs.getLong("company_id"), rs.getString("name"),
                rs.getLong("created_at_ms"), revokedAt);
    };

    private final Jdbi jdbi;

    public OperatorKeyStore(Jdbi jdbi) {
        this.jdbi = jdbi;
    }

    static String nameKey(String name) {
        return name.trim().toLowerCase(Locale.ROOT);
    }

    public OperatorKey insert(long companyId, String name, String keyHash, long nowMs) {
        long id = jdbi.withHandle(h -> h.createUpdate("""
                        INSERT INTO operator_keys (company_id, name, name_key, key_hash, created_at_ms, revoked_at_ms)
                        VALUES (:c, :name, :key, :hash, :now, NULL)""")
                .bind("c", companyId).bind("name", name.trim()).bind("key", nameKey(name)).bind("hash", keyHash)
                .bind("now", nowMs)
                .executeAndReturnGeneratedKeys("id").mapTo(Long.class).one());
        return new OperatorKey(id, companyId, name.trim(), nowMs, null);
    }

    /** The key with this hash, live or revoked. */
    public Optional<OperatorKey> byHash(String keyHash) {
        return jdbi.withHandle(h -> h.createQuery("SELECT * FROM operator_keys WHERE key_hash = :h")
                .bind("h", keyHash).map(MAPPER).findOne());
    }

    public Optional<OperatorKey> byId(long companyId, long id) {
        return jdbi.withHandle(h -> h.createQuery("SELECT * FROM operator_keys WHERE id = :id AND company_id = :c")
                .bind("id", id).bind("c", companyId).map(MAPPER).findOne());
    }

    /** The company's newest {@code limit} keys, live and revoked, oldest first. */
    public List<OperatorKey> ofCompany(long companyId, int limit) {
        return jdbi.withHandle(h -> h.createQuery(
                        "SELECT * FROM operator_keys WHERE company_id = :c ORDER BY id DESC LIMIT :n")
                .bind("c", companyId).bind("n", limit).map(MAPPER).list()).reversed();
    }

    public long liveCount(long companyId) {
        return jdbi.withHandle(h -> h.createQuery(
                        "SELECT COUNT(*) FROM operator_keys WHERE company_id = :c AND revoked_at_ms IS NULL")
                .bind("c", companyId).mapTo(Long.class).one());
    }

    public boolean liveNameTaken(long companyId, String name) {
        return jdbi.withHandle(h -> h.createQuery("""
                        SELECT COUNT(*) FROM operator_keys
                        WHERE company_id = :c AND name_key = :key AND revoked_at_ms IS NULL""")
                .bind("c", companyId).bind("key", nameKey(name)).mapTo(Long.class).one()) > 0;
    }

    /** Revokes a live key; false when it was revoked already. */
    public boolean revoke(long companyId, long id, long nowMs) {
        return jdbi.withHandle(h -> h.createUpdate("""
                        UPDATE operator_keys SET revoked_at_ms = :now
                        WHERE id = :id AND company_id = :c AND revoked_at_ms IS NULL""")
                .bind("now", nowMs).bind("id", id).bind("c", companyId).execute()) == 1;
    }
}
