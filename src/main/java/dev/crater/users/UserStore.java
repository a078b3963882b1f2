package dev.crater.users;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.mapper.RowMapper;

/** User rows. Usernames are unique per company, compared case-insensitively. */
public final class UserStore {
    private static final RowMapper<User> MAPPER = (rs, ctx) -> new User(
            rs.getLong("id"),
            rs.getLong("company_id"),
            rs.getString("username"),
            rs.getString("email"),
            rs.getString("phone"),
            User.PhoneState.valueOf(rs.getString("phone_state")),
            rs.getString("first_name"),
            rs.getString("middle_name"),
            rs.getString("last_name"),
            User.Salutation.valueOf(rs.getString("salutation")),
            User.Suffix.valueOf(rs.getString("suffix")),
            rs.getString("password_hash"),
            rs.getString("pin_hash"),
            User.TwoFactorMethod.parse(rs.getString("two_factor")),
            rs.getBoolean("enabled"),
            rs.getLong("added_at_ms"),
            rs.getString("totp_secret_enc"),
            rs.getLong("totp_last_step"),
            rs.getInt("failed_attempts"),
            rs.getLong("blocked_until_ms"),
            rs.getBoolean("locked"),
            rs.getLong("password_changed_at_ms"),
            rs.getLong("tokens_revoked_through_id"));

    private final Jdbi jdbi;

    public UserStore(Jdbi jdbi) {
        this.jdbi = jdbi;
    }

    static String usernameKey(String username) {
        return username.trim().toLowerCase(Locale.ROOT);
    }

    /** Inserts a user; the id in {@code user} is ignored and the stored row is returned. */
    public User insert(User user) {
        long id = jdbi.withHandle(h -> h.createUpdate("""
                        INSERT INTO users (company_id, username, username_key, email, phone, phone_state, first_name, middle_name,
                            last_name, salutation, suffix, password_hash, pin_hash, two_factor, enabled, added_at_ms,
                            totp_secret_enc, totp_last_step, password_changed_at_ms)
                        VALUES (:companyId, :username, :usernameKey, :email, :phone, :phoneState, :firstName, :middleName,
                            :lastName, :salutation, :suffix, :passwordHash, :pinHash, :twoFactor, :enabled, :addedAtMs,
                            :totp, 0, :addedAtMs)""")
                .bind("companyId", user.companyId())
                .bind("username", user.username())
                .bind("usernameKey", usernameKey(user.username()))
                .bind("email", user.email())
                .bind("phone", user.phone())
                .bind("phoneState", user.phoneState().name())
                .bind("totp", user.totpSecretSealed())
                .bind("firstName", user.firstName())
                .bind("middleName", user.middleName())
                .bind("lastName", user.lastName())
                .bind("salutation", user.salutation().name())
                .bind("suffix", user.suffix().name())
                .bind("passwordHash", user.passwordHash())
                .bind("pinHash", user.pinHash())
                .bind("twoFactor", user.twoFactor().wire())
                .bind("enabled", user.enabled())
                .bind("addedAtMs", user.addedAtMs())
                .executeAndReturnGeneratedKeys("id")
                .mapTo(Long.class)
                .one());
        return byId(id).orElseThrow(() -> new IllegalStateException("user " + id + " vanished after insert"));
    }

    public Optional<User> byId(long id) {
        return jdbi.withHandle(h -> h.createQuery("SELECT * FROM users WHERE id = :id")
                .bind("id", id).map(MAPPER).findOne());
    }

    public Optional<User> byUsername(long companyId, String username) {
        return jdbi.withHandle(h -> h.createQuery("SELECT * FROM users WHERE company_id = :c AND username_key = :u")
                .bind("c", companyId).bind("u", usernameKey(username)).map(MAPPER).findOne());
    }

    public List<User> all() {
        return jdbi.withHandle(h -> h.createQuery("SELECT * FROM users ORDER BY id").map(MAPPER).list());
    }

    public void setTwoFactor(long id, User.TwoFactorMethod method) {
        jdbi.useHandle(h -> h.createUpdate("UPDATE users SET two_factor = :m WHERE id = :id")
                .bind("m", method.wire()).bind("id", id).execute());
    }

    public void setPhone(long id, String phone, User.PhoneState state) {
        jdbi.useHandle(h -> h.createUpdate("UPDATE users SET phone = :p, phone_state = :s WHERE id = :id")
                .bind("p", phone).bind("s", state.name()).bind("id", id).execute());
    }

    public void setTotpSecret(long id, String sealed) {
        jdbi.useHandle(h -> h.createUpdate("UPDATE users SET totp_secret_enc = :t, totp_last_step = 0 WHERE id = :id")
                .bind("t", sealed).bind("id", id).execute());
    }

    /**
     * Records that the authenticator code of time step {@code step} was used. Returns false when
     * that step (or a later one) was already used: a replayed code.
     */
    public boolean useTotpStep(long id, long step) {
        return jdbi.withHandle(h -> h.createUpdate(
                        "UPDATE users SET totp_last_step = :s WHERE id = :id AND totp_last_step < :s")
                .bind("s", step).bind("id", id).execute()) == 1;
    }

    /**
     * Counts one failed login step and applies the policy's wait and lock. Returns the user as
     * stored afterwards.
     */
    public User recordFailure(long id, long nowMs, int freeFailures, long delayMs, long delayMaxMs, int lockAfter) {
        // One statement (every refused login costs the same store work, and this is the most a refusal does).
        return jdbi.withHandle(h -> h.createQuery("""
                        UPDATE users SET failed_attempts = failed_attempts + 1,
                            blocked_until_ms = CASE
                                WHEN failed_attempts + 1 - :free <= 0 THEN 0
                                WHEN (failed_attempts + 1 - :free) * :delay >= :delayMax THEN :now + :delayMax
                                ELSE :now + (failed_attempts + 1 - :free) * :delay END,
                            locked = CASE WHEN failed_attempts + 1 >= :lockAfter THEN TRUE ELSE locked END
                        WHERE id = :id
                        RETURNING *""")
                .bind("free", (long) freeFailures).bind("delay", delayMs).bind("delayMax", delayMaxMs)
                .bind("now", nowMs).bind("lockAfter", (long) lockAfter).bind("id", id)
                .map(MAPPER).one());
    }

    /** A completed login: the failure count starts again. */
    public void resetFailures(long id) {
        jdbi.useHandle(h -> h.createUpdate(
                        "UPDATE users SET failed_attempts = 0, blocked_until_ms = 0 WHERE id = :id AND failed_attempts > 0")
                .bind("id", id).execute());
    }

    /** Lifts a lock and any wait (operator unlock, or a password reset by the owner). */
    public void unlock(long id) {
        jdbi.useHandle(h -> h.createUpdate(
                        "UPDATE users SET failed_attempts = 0, blocked_until_ms = 0, locked = FALSE WHERE id = :id")
                .bind("id", id).execute());
    }

    /** Voids every token issued so far and every login in progress. */
    public void revokeTokens(long id) {
        jdbi.useTransaction(h -> revokeAll(h, id));
    }

    private static void revokeAll(org.jdbi.v3.core.Handle h, long id) {
        h.createUpdate("""
                        UPDATE users SET tokens_revoked_through_id =
                            (SELECT COALESCE(MAX(t.id), 0) FROM tokens t WHERE t.user_id = :id)
                        WHERE id = :id""")
                .bind("id", id).execute();
        h.createUpdate("UPDATE login_challenges SET state = 'DEAD' WHERE user_id = :id AND state = 'OPEN'")
                .bind("id", id).execute();
        // Whoever knew the old password may have made their address known: every address is new again.
        h.createUpdate("DELETE FROM login_origins WHERE user_id = :id").bind("id", id).execute();
    }

    /** Stores a new password hash, records when, and voids every earlier token and login in progress. */
    public void setPassword(long id, String passwordHash, long nowMs) {
        jdbi.useTransaction(h -> {
            h.createUpdate("UPDATE users SET password_hash = :h, password_changed_at_ms = :now WHERE id = :id")
                    .bind("h", passwordHash).bind("now", nowMs).bind("id", id).execute();
            revokeAll(h, id);
        });
    }

    /** Removes the PIN (an operator's PIN reset). */
    /** What the user set about themselves beyond their names; {@link UserProfile#NONE} when nothing. */
    public UserProfile profile(long id) {
        return jdbi.withHandle(h -> h.createQuery("SELECT * FROM user_profiles WHERE user_id = :id").bind("id", id)
                .map((rs, ctx) -> new UserProfile(rs.getString("street_address1"), rs.getString("street_address2"),
                        rs.getString("city"), nullableInt(rs, "state"), rs.getString("postal_code"),
                        nullableInt(rs, "country_id"), rs.getString("time_zone")))
                .findOne().orElse(UserProfile.NONE));
    }

    private static Integer nullableInt(ResultSet rs, String column) throws SQLException {
        int v = rs.getInt(column);
        return rs.wasNull() ? null : v;
    }

    /** Stores the user's names and profile together. */
    public void updateProfile(long id, String firstName, String middleName, String lastName, User.Salutation salutation,
            User.Suffix suffix, UserProfile p, long nowMs) {
        jdbi.useTransaction(h -> {
            h.createUpdate("""
                            UPDATE users SET first_name = :f, middle_name = :m, last_name = :l, salutation = :sa,
                                suffix = :su WHERE id = :id""")
                    .bind("f", firstName).bind("m", middleName).bind("l", lastName).bind("sa", salutation.name())
                    .bind("su", suffix.name()).bind("id", id).execute();
            h.createUpdate("""
                            INSERT INTO user_profiles (user_id, street_address1, street_address2, city, state, postal_code,
                                country_id, time_zone, modified_at_ms)
                            VALUES (:id, :s1, :s2, :c, :st, :pc, :co, :tz, :now)
                            ON CONFLICT (user_id) DO UPDATE SET street_address1 = excluded.street_address1,
                                street_address2 = excluded.street_address2, city = excluded.city, state = excluded.state,
                                postal_code = excluded.postal_code, country_id = excluded.country_id,
                                time_zone = excluded.time_zone, modified_at_ms = excluded.modified_at_ms""")
                    .bind("id", id).bind("s1", p.streetAddress1()).bind("s2", p.streetAddress2()).bind("c", p.city())
                    .bind("st", p.state()).bind("pc", p.postalCode()).bind("co", p.countryId())
                    .bind("tz", p.timeZone()).bind("now", nowMs).execute();
        });
    }

    public void clearPin(long id) {
        jdbi.useHandle(h -> h.createUpdate("UPDATE users SET pin_hash = NULL, pin_image = NULL, pin_phrase = NULL WHERE id = :id")
                .bind("id", id).execute());
    }

    public void setPin(long id, String pinHash, String image, String phrase) {
        jdbi.useHandle(h -> h.createUpdate("UPDATE users SET pin_hash = :h, pin_image = :i, pin_phrase = :p WHERE id = :id")
                .bind("h", pinHash).bind("i", image).bind("p", phrase).bind("id", id).execute());
    }

    public boolean setEnabled(long id, boolean enabled) {
        return jdbi.withHandle(h -> h.createUpdate("UPDATE users SET enabled = :e WHERE id = :id")
                .bind("e", enabled).bind("id", id).execute()) == 1;
    }
}
