package dev.crater.streaming;

import dev.crater.store.Database;
import java.util.Optional;
import org.jdbi.v3.core.Jdbi;

/**
 * {@code streamer_grants}: the streamer session ids issued by {@code GET /streamers} and the recover
 * call, each as the SHA-256 of the id, bound to its login token. In the store, not in a node's memory,
 * so a client may open its socket on any node sharing the store (issue 16) — the node a load balancer
 * picks, not necessarily the one that answered the REST call.
 */
final class StreamerGrantStore {
    private final Jdbi jdbi;

    StreamerGrantStore(Database db) {
        this.jdbi = db.jdbi();
    }

    /** Stores {@code g} and drops the user's oldest ids beyond {@code perUser}, in one transaction. */
    void issue(StreamingService.Grant g, long nowMs, int perUser) {
        jdbi.useTransaction(h -> {
            h.createUpdate("INSERT INTO streamer_grants (id_hash, user_id, company_id, token_hash, kind, issued_ms)"
                            + " VALUES (:id, :u, :c, :t, :k, :at)")
                    .bind("id", g.idHash()).bind("u", g.userId()).bind("c", g.companyId())
                    .bind("t", g.tokenHash()).bind("k", g.kind().name()).bind("at", nowMs).execute();
            h.createUpdate("DELETE FROM streamer_grants WHERE user_id = :u AND seq NOT IN (SELECT seq FROM"
                            + " streamer_grants WHERE user_id = :u ORDER BY seq DESC LIMIT :n)")
                    .bind("u", g.userId()).bind("n", perUser).execute();
        });
    }

    /** The grant of an id's hash, if it is still issued. */
    Optional<StreamingService.Grant> byHash(String idHash) {
        return jdbi.withHandle(h -> h.createQuery("SELECT id_hash, user_id, company_id, token_hash, kind FROM"
                        + " streamer_grants WHERE id_hash = :id")
                .bind("id", idHash)
                .map((rs, ctx) -> new StreamingService.Grant(rs.getString(1), rs.getLong(2), rs.getLong(3),
                        rs.getString(4), StreamerKind.valueOf(rs.getString(5))))
                .findOne());
    }

    /** The recover call: the token's ids of {@code kind} are dropped. */
    void dropKind(long userId, String tokenHash, StreamerKind kind) {
        jdbi.useHandle(h -> h.createUpdate("DELETE FROM streamer_grants WHERE user_id = :u AND token_hash = :t"
                        + " AND kind = :k")
                .bind("u", userId).bind("t", tokenHash).bind("k", kind.name()).execute());
    }

    /** The token ended (logout): every id issued on it is dropped. */
    int dropToken(String tokenHash) {
        return jdbi.withHandle(h -> h.createUpdate("DELETE FROM streamer_grants WHERE token_hash = :t")
                .bind("t", tokenHash).execute());
    }

    /**
     * Drops the ids whose login token is gone, revoked or expired (housekeeping: such ids open nothing
     * anyway, since every CreateSession checks the token; this keeps the table to live ones).
     */
    int dropDead(long nowMs) {
        return jdbi.withHandle(h -> h.createUpdate("DELETE FROM streamer_grants WHERE NOT EXISTS (SELECT 1 FROM"
                        + " tokens t WHERE t.token_hash = streamer_grants.token_hash AND t.revoked_at_ms IS NULL"
                        + " AND t.expires_at_ms > :now)")
                .bind("now", nowMs).execute());
    }

    /** Ids issued to the user (tests). */
    int count(long userId) {
        return jdbi.withHandle(h -> h.createQuery("SELECT COUNT(*) FROM streamer_grants WHERE user_id = :u")
                .bind("u", userId).mapTo(Integer.class).one());
    }
}
