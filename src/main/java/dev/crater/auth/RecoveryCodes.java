package dev.crater.auth;

import dev.crater.crypto.Secrets;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;
import org.jdbi.v3.core.Jdbi;

/**
 * Single-use recovery codes: {@link #COUNT} per user, 80 random bits each, written as four groups
 * of four Base32 characters ({@code ABCD-EFGH-JKLM-NPQR}). Shown once; only their SHA-256 is stored
 * (80 bits is beyond offline guessing). One stands in for the verification code of any method.
 */
public final class RecoveryCodes {
    public static final int COUNT = 10;
    static final String ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
    static final int GROUPS = 4;
    static final int GROUP_CHARS = 4;
    private static final Pattern SHAPE = Pattern.compile("[A-Za-z2-7]{4}(-?[A-Za-z2-7]{4}){3}");
    private static final SecureRandom RANDOM = new SecureRandom();

    private final Jdbi jdbi;

    public RecoveryCodes(Jdbi jdbi) {
        this.jdbi = jdbi;
    }

    /** True when {@code text} has the shape of a recovery code (so it is not a 6-digit code). */
    public static boolean looksLikeOne(String text) {
        return text != null && SHAPE.matcher(text.trim()).matches();
    }

    static String normalise(String code) {
        return code.trim().replace("-", "").toUpperCase(Locale.ROOT);
    }

    /** Replaces the user's codes with {@link #COUNT} new ones and returns them, the only time they are seen. */
    public List<String> regenerate(long userId) {
        List<String> codes = new ArrayList<>(COUNT);
        for (int i = 0; i < COUNT; i++) {
            StringBuilder sb = new StringBuilder();
            for (int g = 0; g < GROUPS; g++) {
                if (g > 0) {
                    sb.append('-');
                }
                for (int c = 0; c < GROUP_CHARS; c++) {
                    sb.append(ALPHABET.charAt(RANDOM.nextInt(ALPHABET.length())));
                }
            }
            codes.add(sb.toString());
        }
        jdbi.useTransaction(h -> {
            h.createUpdate("DELETE FROM recovery_codes WHERE user_id = :u").bind("u", userId).execute();
            for (String code : codes) {
                h.createUpdate("INSERT INTO recovery_codes (user_id, code_hash, used_at_ms) VALUES (:u, :h, 0)")
                        .bind("u", userId).bind("h", Secrets.sha256(normalise(code))).execute();
            }
        });
        return codes;
    }

    /** Uses a code: true exactly once per code, for its own user. */
    public boolean consume(long userId, String code, long nowMs) {
        if (!looksLikeOne(code)) {
            return false;
        }
        return jdbi.withHandle(h -> h.createUpdate("""
                        UPDATE recovery_codes SET used_at_ms = :now
                        WHERE user_id = :u AND code_hash = :h AND used_at_ms = 0""")
                .bind("now", nowMs).bind("u", userId).bind("h", Secrets.sha256(normalise(code))).execute()) == 1;
    }

    public int remaining(long userId) {
        return jdbi.withHandle(h -> h.createQuery("SELECT COUNT(*) FROM recovery_codes WHERE user_id = :u AND used_at_ms = 0")
                .bind("u", userId).mapTo(Integer.class).one());
    }
}
