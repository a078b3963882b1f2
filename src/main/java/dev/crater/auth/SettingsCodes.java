package dev.crater.auth;

import dev.crater.crypto.SecretBox;
import dev.crater.crypto.Secrets;
import java.util.Optional;
import org.jdbi.v3.core.Jdbi;

/**
 * Codes that prove the current e-mail or SMS factor before a security setting changes: one pending
 * per user, MAC'd under the master key, at most {@link #FAILURES_MAX} wrong tries, single use.
 */
public final class SettingsCodes {
    public static final int FAILURES_MAX = 5;

    private final Jdbi jdbi;
    private final SecretBox box;

    public SettingsCodes(Jdbi jdbi, SecretBox box) {
        this.jdbi = jdbi;
        this.box = box;
    }

    private String mac(long userId, String code) {
        return box.mac("settings:" + userId + ":" + code);
    }

    /** Stores a new pending code for the user, replacing any earlier one. */
    public void put(long userId, String code, long expiresAtMs) {
        jdbi.useTransaction(h -> {
            h.createUpdate("DELETE FROM settings_codes WHERE user_id = :u").bind("u", userId).execute();
            h.createUpdate("INSERT INTO settings_codes (user_id, code_mac, failures, expires_at_ms) VALUES (:u, :m, 0, :e)")
                    .bind("u", userId).bind("m", mac(userId, code)).bind("e", expiresAtMs).execute();
        });
    }

    /** Uses the pending code: true once for the right, unexpired code; a wrong one counts a failure. */
    public boolean consume(long userId, String code, long nowMs) {
        return jdbi.inTransaction(h -> {
            Optional<Row> row = h.createQuery("SELECT code_mac, failures, expires_at_ms FROM settings_codes WHERE user_id = :u")
                    .bind("u", userId)
                    .map((rs, ctx) -> new Row(rs.getString(1), rs.getInt(2), rs.getLong(3)))
                    .findOne();
            if (row.isEmpty() || row.get().failures() >= FAILURES_MAX || nowMs >= row.get().expiresAtMs()) {
                return false;
            }
            if (Secrets.equal(mac(userId, code.trim()), row.get().codeMac())) {
                h.createUpdate("DELETE FROM settings_codes WHERE user_id = :u").bind("u", userId).execute();
                return true;
            }
            h.createUpdate("UPDATE settings_codes SET failures = failures + 1 WHERE user_id = :u").bind("u", userId).execute();
            return false;
        });
    }

    private record Row(String codeMac, int failures, long expiresAtMs) {
    }
}
