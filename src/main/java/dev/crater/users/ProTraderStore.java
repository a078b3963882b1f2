package dev.crater.users;

import java.util.List;
import java.util.Optional;
import org.jdbi.v3.core.Jdbi;

/** The tables {@code pro_trader_invites} and {@code pro_trader_members} (V27). */
public final class ProTraderStore {
    private final Jdbi jdbi;

    public ProTraderStore(Jdbi jdbi) {
        this.jdbi = jdbi;
    }

    /** A member of a company's ProTrader group and when they joined. */
    public record Member(long userId, long companyId, long joinedAtMs) {
    }

    /** An invitation not used yet (its token is not kept). */
    public record Invite(long id, long userId, long createdAtMs, long expiresAtMs) {
    }

    /** Stores a new invitation; an earlier unused one of the same user stops working. */
    public void invite(long companyId, long userId, String tokenHash, long nowMs, long expiresAtMs) {
        jdbi.useTransaction(h -> {
            h.createUpdate("DELETE FROM pro_trader_invites WHERE user_id = :u AND used_at_ms IS NULL")
                    .bind("u", userId).execute();
            h.createUpdate("INSERT INTO pro_trader_invites (company_id, user_id, token_hash, created_at_ms, expires_at_ms)"
                            + " VALUES (:c, :u, :t, :now, :exp)")
                    .bind("c", companyId).bind("u", userId).bind("t", tokenHash).bind("now", nowMs)
                    .bind("exp", expiresAtMs).execute();
        });
    }

    /**
     * Uses the invitation of this token, once, and makes the user a member: the membership when the
     * token is this user's and company's, unused and not expired at {@code nowMs}; empty otherwise.
     */
    public Optional<Member> join(long companyId, long userId, String tokenHash, long nowMs) {
        return jdbi.inTransaction(h -> {
            Optional<Long> invite = h.createQuery("SELECT id FROM pro_trader_invites WHERE token_hash = :t"
                            + " AND user_id = :u AND company_id = :c AND used_at_ms IS NULL AND expires_at_ms > :now")
                    .bind("t", tokenHash).bind("u", userId).bind("c", companyId).bind("now", nowMs)
                    .mapTo(Long.class).findOne();
            if (invite.isEmpty()) {
                return Optional.<Member>empty();
            }
            int n = h.createUpdate("UPDATE pro_trader_invites SET used_at_ms = :now WHERE id = :id AND used_at_ms IS NULL")
                    .bind("now", nowMs).bind("id", invite.get()).execute();
            if (n != 1) {
                return Optional.<Member>empty();
            }
            h.createUpdate("DELETE FROM pro_trader_members WHERE user_id = :u").bind("u", userId).execute();
            h.createUpdate("INSERT INTO pro_trader_members (user_id, company_id, joined_at_ms, invite_id)"
                            + " VALUES (:u, :c, :now, :i)")
                    .bind("u", userId).bind("c", companyId).bind("now", nowMs).bind("i", invite.get()).execute();
            return Optional.of(new Member(userId, companyId, nowMs));
        });
    }

    public Optional<Member> member(long userId) {
        return jdbi.withHandle(h -> h.createQuery("SELECT * FROM pro_trader_members WHERE user_id = :u")
                .bind("u", userId).map((rs, ctx) -> new Member(rs.getLong("user_id"), rs.getLong("company_id"),
                        rs.getLong("joined_at_ms")))
                .findOne());
    }

    /** The company's members, by user id, at most {@code max}. */
    public List<Member> members(long companyId, int max) {
        return jdbi.withHandle(h -> h.createQuery("SELECT * FROM pro_trader_members WHERE company_id = :c"
                        + " ORDER BY user_id LIMIT :max")
                .bind("c", companyId).bind("max", max)
                .map((rs, ctx) -> new Member(rs.getLong("user_id"), rs.getLong("company_id"), rs.getLong("joined_at_ms")))
                .list());
    }

    /** The company's invitations not used yet (expired ones too), by id, at most {@code max}. */
    public List<Invite> pending(long companyId, int max) {
        return jdbi.withHandle(h -> h.createQuery("SELECT * FROM pro_trader_invites WHERE company_id = :c"
                        + " AND used_at_ms IS NULL ORDER BY id LIMIT :max")
                .bind("c", companyId).bind("max", max)
                .map((rs, ctx) -> new Invite(rs.getLong("id"), rs.getLong("user_id"), rs.getLong("created_at_ms"),
                        rs.getLong("expires_at_ms")))
                .list());
    }

    /** Ends a membership and any unused invitation of the user; whether there was either. */
    public boolean remove(long userId) {
        return jdbi.inTransaction(h -> {
            int m = h.createUpdate("DELETE FROM pro_trader_members WHERE user_id = :u").bind("u", userId).execute();
            int i = h.createUpdate("DELETE FROM pro_trader_invites WHERE user_id = :u AND used_at_ms IS NULL")
                    .bind("u", userId).execute();
            return m + i > 0;
        });
    }
}
