package dev.crater.registration;

import java.util.List;
import java.util.Optional;
import org.jdbi.v3.core.Jdbi;

/** The tables {@code registration_settings} and {@code registrations} (V17). */
public final class RegistrationStore {
    private final Jdbi jdbi;

    public RegistrationStore(Jdbi jdbi) {
        this.jdbi = jdbi;
    }

    /** A company's registration settings: the host its {@code origin} must name, and its schema text. */
    public record Settings(String hostname, String fields) {
        public static final Settings NONE = new Settings(null, "");
    }

    public Settings settings(long companyId) {
        return jdbi.withHandle(h -> h.createQuery("SELECT hostname, fields FROM registration_settings WHERE company_id = :c")
                .bind("c", companyId)
                .map((rs, ctx) -> new Settings(rs.getString("hostname"), rs.getString("fields")))
                .findOne()).orElse(Settings.NONE);
    }

    public void setSettings(long companyId, Settings s, long nowMs) {
        jdbi.useTransaction(h -> {
            int n = h.createUpdate("UPDATE registration_settings SET hostname = :h, fields = :f, modified_at_ms = :t"
                            + " WHERE company_id = :c")
                    .bind("c", companyId).bind("h", s.hostname()).bind("f", s.fields()).bind("t", nowMs).execute();
            if (n == 0) {
                h.createUpdate("INSERT INTO registration_settings (company_id, hostname, fields, modified_at_ms)"
                                + " VALUES (:c, :h, :f, :t)")
                        .bind("c", companyId).bind("h", s.hostname()).bind("f", s.fields()).bind("t", nowMs).execute();
            }
        });
    }

    /** The logins of the company's users with this e-mail address (any case), oldest first, at most {@code max}. */
    public List<String> loginsByEmail(long companyId, String email, int max) {
        return jdbi.withHandle(h -> h.createQuery("SELECT username FROM users WHERE company_id = :c"
                        + " AND LOWER(email) = LOWER(:e) ORDER BY id LIMIT :max")
                .bind("c", companyId).bind("e", email).bind("max", max)
                .mapTo(String.class).list());
    }

    /** Whether a user of the company has this login (any case) — the documented "e-mail equals a login" check. */
    public boolean loginExists(long companyId, String login) {
        return jdbi.withHandle(h -> h.createQuery("SELECT COUNT(*) FROM users WHERE company_id = :c AND username_key = :u")
                .bind("c", companyId).bind("u", login.trim().toLowerCase(java.util.Locale.ROOT))
                .mapTo(Integer.class).one()) > 0;
    }

    public void insert(long userId, String tokenHash, long nowMs, long expiresAtMs) {
        jdbi.useHandle(h -> h.createUpdate("INSERT INTO registrations (user_id, token_hash, created_at_ms, expires_at_ms)"
                        + " VALUES (:u, :t, :now, :exp)")
                .bind("u", userId).bind("t", tokenHash).bind("now", nowMs).bind("exp", expiresAtMs).execute());
    }

    /**
     * Marks the registration of this token confirmed, once: the user id when the token is known,
     * of this company, unconfirmed and not expired at {@code nowMs}; empty otherwise.
     */
    public Optional<Long> confirm(long companyId, String tokenHash, long nowMs) {
        return jdbi.inTransaction(h -> {
            Optional<Long> user = h.createQuery("SELECT r.user_id FROM registrations r JOIN users u ON u.id = r.user_id"
                            + " WHERE r.token_hash = :t AND u.company_id = :c"
                            + " AND r.confirmed_at_ms IS NULL AND r.expires_at_ms > :now")
                    .bind("t", tokenHash).bind("c", companyId).bind("now", nowMs).mapTo(Long.class).findOne();
            if (user.isEmpty()) {
                return Optional.<Long>empty();
            }
            int n = h.createUpdate("UPDATE registrations SET confirmed_at_ms = :now WHERE user_id = :u"
                            + " AND confirmed_at_ms IS NULL")
                    .bind("now", nowMs).bind("u", user.get()).execute();
            return n == 1 ? user : Optional.<Long>empty();
        });
    }

    /** A user's registration: when it was made and confirmed (null: not yet); empty for users an operator made. */
    public record Registration(long userId, long createdAtMs, long expiresAtMs, Long confirmedAtMs) {
    }

    public Optional<Registration> byUser(long userId) {
        return jdbi.withHandle(h -> h.createQuery("SELECT * FROM registrations WHERE user_id = :u").bind("u", userId)
                .map((rs, ctx) -> new Registration(rs.getLong("user_id"), rs.getLong("created_at_ms"),
                        rs.getLong("expires_at_ms"), rs.getObject("confirmed_at_ms") == null ? null : rs.getLong("confirmed_at_ms")))
                .findOne());
    }
}
