package dev.crater.users;

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
            rs.getString("first_name"),
            rs.getString("middle_name"),
            rs.getString("last_name"),
            User.Salutation.valueOf(rs.getString("salutation")),
            User.Suffix.valueOf(rs.getString("suffix")),
            rs.getString("password_hash"),
            rs.getString("pin_hash"),
            User.TwoFactorMethod.parse(rs.getString("two_factor")),
            rs.getBoolean("enabled"),
            rs.getLong("added_at_ms"));

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
                        INSERT INTO users (company_id, username, username_key, email, phone, first_name, middle_name,
                            last_name, salutation, suffix, password_hash, pin_hash, two_factor, enabled, added_at_ms)
                        VALUES (:companyId, :username, :usernameKey, :email, :phone, :firstName, :middleName,
                            :lastName, :salutation, :suffix, :passwordHash, :pinHash, :twoFactor, :enabled, :addedAtMs)""")
                .bind("companyId", user.companyId())
                .bind("username", user.username())
                .bind("usernameKey", usernameKey(user.username()))
                .bind("email", user.email())
                .bind("phone", user.phone())
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

    public boolean setEnabled(long id, boolean enabled) {
        return jdbi.withHandle(h -> h.createUpdate("UPDATE users SET enabled = :e WHERE id = :id")
                .bind("e", enabled).bind("id", id).execute()) == 1;
    }
}
