package dev.crater.admin;

import static org.assertj.core.api.Assertions.assertThat;

import dev.crater.App;
import dev.crater.Main;
import dev.crater.Services;
import dev.crater.auth.Totp;
import dev.crater.config.CraterConfig;
import dev.crater.testing.Http;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import picocli.CommandLine;

/**
 * Goal: {@code crater admin user set-two-factor} lets an operator switch a user's method — totp
 * prints a working secret and recovery codes, sms needs and binds a phone number.
 *
 * <p>Method: run the CLI in process on a temporary store, then log in over HTTP against a server
 * on the same store.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class AdminTwoFactorTest {
    static final String PASSWORD = "operator chosen pass";

    record Run(int code, String out, String err) {
    }

    static synchronized Run cli(String stdin, String... args) {
        PrintStream out = System.out;
        PrintStream err = System.err;
        InputStream in = System.in;
        ByteArrayOutputStream o = new ByteArrayOutputStream();
        ByteArrayOutputStream e = new ByteArrayOutputStream();
        try {
            System.setOut(new PrintStream(o, true, StandardCharsets.UTF_8));
            System.setErr(new PrintStream(e, true, StandardCharsets.UTF_8));
            System.setIn(new ByteArrayInputStream(stdin.getBytes(StandardCharsets.UTF_8)));
            CommandLine cl = new CommandLine(new Main());
            cl.setErr(new java.io.PrintWriter(System.err, true));
            int code = cl.execute(args);
            return new Run(code, o.toString(StandardCharsets.UTF_8), e.toString(StandardCharsets.UTF_8));
        } finally {
            System.setOut(out);
            System.setErr(err);
            System.setIn(in);
        }
    }

    @Test
    void operatorEnrolsAnAuthenticatorAndBindsAPhone() throws Exception {
        Path dir = Files.createTempDirectory("crater-admin-2fa-");
        String d = dir.toString();
        Run company = cli("", "admin", "--create-store", "company", "create", "--name", "Ops", "--data-dir", d);
        Matcher key = Pattern.compile("Et-App-Key: (\\S+)").matcher(company.out());
        assertThat(key.find()).isTrue();
        assertThat(cli(PASSWORD + "\n", "admin", "user", "create", "--company", "Ops", "--username", "olga",
                "--password-stdin", "--email", "olga@example.com", "--data-dir", d).code()).isZero();

        Run sms = cli("", "admin", "user", "set-two-factor", "--company", "Ops", "--username", "olga", "--method", "sms",
                "--data-dir", d);
        assertThat(sms.code()).isEqualTo(2);
        assertThat(sms.err()).contains("needs a bound phone number");
        assertThat(cli("", "admin", "user", "set-two-factor", "--company", "Ops", "--username", "olga", "--method", "sms",
                "--phone", "555", "--data-dir", d).err()).contains("E.164");
        assertThat(cli("", "admin", "user", "set-two-factor", "--company", "Ops", "--username", "olga", "--method", "sms",
                "--phone", "+13105550100", "--data-dir", d).code()).isZero();

        Run totp = cli("", "admin", "user", "set-two-factor", "--company", "Ops", "--username", "olga", "--method", "totp",
                "--data-dir", d);
        assertThat(totp.code()).as(totp.err()).isZero();
        Matcher secret = Pattern.compile("Authenticator secret: ([A-Z2-7]+)").matcher(totp.out());
        assertThat(secret.find()).isTrue();
        assertThat(totp.out()).contains("otpauth://totp/");
        assertThat(Pattern.compile("(?m)^  [A-Z2-7]{4}-[A-Z2-7]{4}-[A-Z2-7]{4}-[A-Z2-7]{4}$").matcher(totp.out()).results().count())
                .isEqualTo(10);
        assertThat(cli("", "admin", "user", "list", "--data-dir", d).out()).contains("totp");

        CraterConfig config = new CraterConfig("127.0.0.1", 0, dir, false, "", "", "", Optional.empty(),
                CraterConfig.TOKEN_TTL_DEFAULT, CraterConfig.INTERIM_TTL_MAX, "");
        try (App app = App.start(Services.open(config))) {
            String api = "http://127.0.0.1:" + app.port() + "/api/";
            Http.Response first = Http.post(api + "token", "Et-App-Key", key.group(1), "Username", "olga", "Password", PASSWORD);
            assertThat(first.status()).isEqualTo(202);
            String code = Totp.codeAt(secret.group(1), Instant.now());
            Http.Response done = Http.post(api + "token", "Et-App-Key", key.group(1), "Username", "olga", "Password", PASSWORD,
                    "Authorization", "Bearer " + first.text("Token"), "VerificationCode", code);
            assertThat(done.status()).as(done.body()).isEqualTo(200);
        }
    }
}
