package dev.crater.admin;

import static org.assertj.core.api.Assertions.assertThat;

import dev.crater.App;
import dev.crater.Services;
import dev.crater.config.CraterConfig;
import dev.crater.testing.Http;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Goal: the operator side of "secure by default" — {@code company set-policy}, {@code user unlock},
 * lock state in {@code user list}, and {@code audit} — works against the store a running server
 * uses.
 *
 * <p>Method: the CLI in process (as {@link AdminTwoFactorTest} runs it) beside a real server on the
 * same SQLite store; logins over HTTP.
 */
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class AdminSecurityTest {
    static final String PASSWORD = "operator chosen pass";

    @Test
    void policyLockUnlockAndAuditFromTheCommandLine() throws Exception {
        Path dir = Files.createTempDirectory("crater-admin-sec-");
        String d = dir.toString();
        Matcher key = Pattern.compile("Et-App-Key: (\\S+)")
                .matcher(AdminTwoFactorTest.cli("", "admin", "--create-store", "company", "create", "--name", "Guarded", "--data-dir", d).out());
        assertThat(key.find()).isTrue();

        AdminTwoFactorTest.Run policy = AdminTwoFactorTest.cli("", "admin", "company", "set-policy", "--name", "Guarded",
                "--free-failures", "2", "--failure-delay-seconds", "1", "--failure-delay-max-seconds", "1",
                "--lock-after-failures", "3", "--password-min-length", "14", "--data-dir", d);
        assertThat(policy.code()).as(policy.err()).isZero();
        assertThat(policy.out()).containsPattern("password min length +14\n").containsPattern("lock after failures +3\n")
                .containsPattern("password max age \\(days\\) +never\n").containsPattern("PIN required +no\n");
        AdminTwoFactorTest.Run bad = AdminTwoFactorTest.cli("", "admin", "company", "set-policy", "--name", "Guarded",
                "--password-min-length", "4", "--data-dir", d);
        assertThat(bad.code()).isEqualTo(2);
        assertThat(bad.err()).contains("password minimum length must be 8..64");

        // The new minimum applies at creation: 13 characters are refused, 20 accepted.
        assertThat(AdminTwoFactorTest.cli("thirteen char\n", "admin", "user", "create", "--company", "Guarded",
                "--username", "vic", "--password-stdin", "--email", "vic@example.com", "--data-dir", d).err())
                .contains("password must be 14..256 characters");
        assertThat(AdminTwoFactorTest.cli(PASSWORD + "\n", "admin", "user", "create", "--company", "Guarded",
                "--username", "vic", "--password-stdin", "--email", "vic@example.com", "--data-dir", d).code()).isZero();

        CraterConfig config = new CraterConfig("127.0.0.1", 0, dir, false, "", "", "", Optional.empty(),
                CraterConfig.TOKEN_TTL_DEFAULT, CraterConfig.INTERIM_TTL_MAX, "");
        try (App app = App.start(Services.open(config))) {
            String url = "http://127.0.0.1:" + app.port() + "/api/token";
            for (int i = 0; i < 3; i++) {
                assertThat(Http.post(url, "Et-App-Key", key.group(1), "Username", "vic", "Password", "wrong " + i,
                        "User-Agent", "audit-probe/1.0").status()).isEqualTo(401);
                Thread.sleep(1100); // past the one-second wait, so each failure is evaluated
            }
            assertThat(AdminTwoFactorTest.cli("", "admin", "user", "list", "--data-dir", d).out())
                    .contains("locked (3 failures)");
            assertThat(Http.post(url, "Et-App-Key", key.group(1), "Username", "vic", "Password", PASSWORD).status())
                    .isEqualTo(401);

            AdminTwoFactorTest.Run unlock = AdminTwoFactorTest.cli("", "admin", "user", "unlock", "--company", "Guarded",
                    "--username", "vic", "--data-dir", d);
            assertThat(unlock.out()).containsPattern("Unlocked user \\d+ 'vic'");
            // The server re-reads the user row at login: the unlock from another process applies at once.
            assertThat(Http.post(url, "Et-App-Key", key.group(1), "Username", "vic", "Password", PASSWORD).status())
                    .isEqualTo(200);

            AdminTwoFactorTest.Run audit = AdminTwoFactorTest.cli("", "admin", "audit", "--company", "Guarded",
                    "--user", "vic", "--since", "1h", "--data-dir", d);
            assertThat(audit.code()).as(audit.err()).isZero();
            String out = audit.out();
            assertThat(out).contains("LOGIN_FAILED").contains("BaseAuthentication").contains("ACCOUNT_LOCKED")
                    .contains("LOGIN_THROTTLED").contains("ACCOUNT_UNLOCKED").contains("LOGIN_SUCCEEDED")
                    .contains("127.0.0.1").contains("\"audit-probe/1.0\"").contains("by an operator");
            assertThat(out.indexOf("ACCOUNT_LOCKED")).isLessThan(out.indexOf("ACCOUNT_UNLOCKED"));
            assertThat(out).doesNotContain(PASSWORD).doesNotContain("wrong 0");
            assertThat(AdminTwoFactorTest.cli("", "admin", "audit", "--since", "2099-01-01T00:00:00Z", "--data-dir", d).out())
                    .isEmpty();
            assertThat(AdminTwoFactorTest.cli("", "admin", "audit", "--since", "yesterday", "--data-dir", d).err())
                    .contains("--since must be");
        }
    }
}
