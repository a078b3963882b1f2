package dev.crater.users;

import dev.crater.companies.CompanyPolicy;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.Locale;
import java.util.Set;

/**
 * What makes a password acceptable (NIST SP 800-63B style): a minimum length from the company
 * policy, a generous maximum, not a commonly used password, not the username — and no composition
 * rules.
 *
 * <p>The common-password list is the 30,000 most frequent passwords that ship with zxcvbn4j
 * ({@code com.nulab-inc:zxcvbn}, MIT licence), read from its jar at the first check.
 */
public final class PasswordPolicy {
    static final String COMMON_PASSWORDS_RESOURCE = "/com/nulabinc/zxcvbn/matchers/dictionaries/passwords.txt";
    /** The list must hold at least this many entries, or the server refuses to start. */
    public static final int COMMON_PASSWORDS_MIN = 10_000;
    public static final int PASSWORD_CHARS_MAX = UserService.PASSWORD_CHARS_MAX;

    /** Read at the first check (a node that sets no password never holds the 30,000 strings). */
    private volatile Set<String> common;

    private PasswordPolicy() {
    }

    /**
     * The policy, its common-password list read at the first check. The list's resource must be on
     * the classpath, or the server refuses to start; reading it (about 5 MB of garbage and 50 ms of
     * a cold start) waits for the first password set or changed (issue 16, a lean node).
     */
    public static PasswordPolicy load() {
        if (PasswordPolicy.class.getResource(COMMON_PASSWORDS_RESOURCE) == null) {
            throw new IllegalStateException("common-password list " + COMMON_PASSWORDS_RESOURCE + " is missing");
        }
        return new PasswordPolicy();
    }

    private Set<String> common() {
        Set<String> c = common;
        if (c == null) {
            synchronized (this) {
                c = common;
                if (c == null) {
                    c = readCommon();
                    common = c;
                }
            }
        }
        return c;
    }

    private static Set<String> readCommon() {
        Set<String> words = new HashSet<>(40_000);
        try (InputStream in = PasswordPolicy.class.getResourceAsStream(COMMON_PASSWORDS_RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException("common-password list " + COMMON_PASSWORDS_RESOURCE + " is missing");
            }
            BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
            for (String line = reader.readLine(); line != null; line = reader.readLine()) {
                String w = line.trim();
                if (!w.isEmpty()) {
                    words.add(w.toLowerCase(Locale.ROOT));
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the common-password list", e);
        }
        if (words.size() < COMMON_PASSWORDS_MIN) {
            throw new IllegalStateException("common-password list has only " + words.size() + " entries");
        }
        return Set.copyOf(words);
    }

    public int commonPasswordCount() {
        return common().size();
    }

    /**
     * The first reason {@code password} is not acceptable under {@code policy}, or null when it is.
     * Messages are written for the user.
     */
    public String problem(String password, String username, CompanyPolicy policy) {
        if (password == null || password.isEmpty()) {
            return "Password is required";
        }
        if (password.length() < policy.passwordMinLength()) {
            return "Password must be at least " + policy.passwordMinLength() + " characters";
        }
        if (password.length() > PASSWORD_CHARS_MAX) {
            return "Password must be at most " + PASSWORD_CHARS_MAX + " characters";
        }
        String lower = password.toLowerCase(Locale.ROOT);
        if (common().contains(lower)) {
            return "Password is too common; choose a longer or less predictable one";
        }
        if (username != null && lower.equals(username.toLowerCase(Locale.ROOT))) {
            return "Password must not be the username";
        }
        return null;
    }
}
