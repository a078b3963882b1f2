package dev.crater.security;

import static org.assertj.core.api.Assertions.assertThat;

import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.GreenMailUtil;
import com.icegreen.greenmail.util.ServerSetupTest;
import dev.crater.App;
import dev.crater.Services;
import dev.crater.audit.AuditLog;
import dev.crater.companies.Company;
import dev.crater.companies.CompanyPolicy;
import dev.crater.config.CraterConfig;
import dev.crater.config.SmtpConfig;
import dev.crater.testing.Http;
import dev.crater.testing.Mailbox;
import dev.crater.testing.StoreKind;
import dev.crater.testing.TestServer;
import dev.crater.users.User;
import jakarta.mail.internet.MimeMessage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.jdbi.v3.core.statement.SqlLogger;
import org.jdbi.v3.core.statement.SqlStatements;
import org.jdbi.v3.core.statement.StatementContext;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;

/**
 * Goal: the "secure by default" rules hold with no configuration — guessing is slowed and then
 * stopped per account across every step, without an oracle; per-address rate limits; password and
 * PIN policies; expiry; revocation; the audit trail.
 *
 * <p>Method: a real server with GreenMail, a movable clock, and logins over HTTP. Password hashes
 * are counted through the server's hasher to prove refused attempts evaluate none; SQL statements are
 * counted through JDBI to prove the token check does not read the store per request.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class SecureDefaultsTest {
    static final String INVALID_CREDENTIALS = "{\"State\":\"Failed\",\"Step\":\"BaseAuthentication\",\"Reason\":\"Invalid credentials\"}";
    static final String DENIED = "{\"Message\":\"Authorization has been denied for this request.\"}";
    static final String NEW_PASSWORD = "a brand new passphrase 42";

    GreenMail mail;
    TestServer server;
    String api;
    Company company;

    @BeforeAll
    void start() {
        mail = new GreenMail(ServerSetupTest.SMTP.dynamicPort());
        mail.start();
        server = TestServer.start(StoreKind.SQLITE,
                Optional.of(new SmtpConfig("127.0.0.1", mail.getSmtp().getPort(), "", "", "crater@test.example")));
        api = server.api();
    }

    @AfterAll
    void stop() {
        server.close();
        mail.stop();
    }

    @BeforeEach
    void newCompany() {
        company = server.company();
        server.clock.advance(Duration.ofHours(2));
    }

    Http.Response login(String username, String password, String... extra) {
        List<String> h = new ArrayList<>(List.of("Et-App-Key", company.appKey(), "Username", username, "Password", password));
        h.addAll(Arrays.asList(extra));
        return Http.post(api + "token", h.toArray(String[]::new));
    }

    Http.Response info(String token) {
        return Http.get(api + "v1.0/users/@me/info", "Et-App-Key", company.appKey(), "Authorization", "Bearer " + token);
    }

    Http.Response send(String method, String path, String token, String body) {
        return Http.send(method, api + path, body, "Et-App-Key", company.appKey(),
                "Authorization", token == null ? null : "Bearer " + token, "Content-Type", "application/json");
    }

    User user(String prefix) {
        return server.user(company, TestServer.username(prefix), null, User.TwoFactorMethod.NONE);
    }

    /** The newest e-mail to {@code address}, waiting for the first one if none arrived yet. */
    String lastMail(String address) {
        List<MimeMessage> all = Mailbox.to(mail, address);
        return all.isEmpty() ? Mailbox.nextBody(mail, address, 0) : GreenMailUtil.getBody(all.get(all.size() - 1));
    }

    User stored(User u) {
        return server.services().users.fresh(u.id()).orElseThrow();
    }

    // ---- guessing ------------------------------------------------------------------------------

    @Test
    void twoHundredWrongPasswordsNeverYieldATokenAndOnlyTheAllowedOnesAreEvaluated() {
        User u = user("guess");
        long evaluatedBefore = server.services().hasher.evaluations();
        long hashesBefore = server.services().hasher.hashes();
        for (int i = 0; i < 200; i++) {
            Http.Response r = login(u.username(), "wrong guess number " + i);
            assertThat(r.status()).isEqualTo(401);
            assertThat(r.body()).isEqualTo(INVALID_CREDENTIALS);
        }
        long evaluated = server.services().hasher.evaluations() - evaluatedBefore;
        // Five free failures, the sixth starts the first wait; the other 194 are refused unread
        // (each still spends one hash, so a refusal costs and takes what a check does).
        assertThat(evaluated).isEqualTo(CompanyPolicy.DEFAULTS.freeFailures() + 1);
        assertThat(server.services().hasher.hashes() - hashesBefore).isEqualTo(200);
        // The right password during the wait is refused the same way, and is not evaluated either.
        assertThat(login(u.username(), TestServer.PASSWORD).body()).isEqualTo(INVALID_CREDENTIALS);
        assertThat(server.services().hasher.evaluations() - evaluatedBefore).isEqualTo(evaluated);
        // After the wait (one minute for the first failure past the free ones) the owner gets in.
        server.clock.advance(Duration.ofSeconds(CompanyPolicy.DEFAULTS.failureDelaySeconds()));
        assertThat(login(u.username(), TestServer.PASSWORD).status()).isEqualTo(200);
        assertThat(stored(u).failedAttempts()).isZero();
    }

    @Test
    void waitsGrowByOneStepPerFailureUpToTheCeiling() {
        User u = user("grow");
        CompanyPolicy p = CompanyPolicy.DEFAULTS;
        for (int i = 1; i <= p.freeFailures(); i++) {
            login(u.username(), "wrong " + i);
            assertThat(stored(u).blockedUntilMs()).as("after free failure %d", i).isZero();
        }
        long expectedMax = p.failureDelayMaxSeconds() * 1000L;
        for (int over = 1; over <= 20; over++) {
            login(u.username(), "wrong past free " + over);
            User s = stored(u);
            long wait = s.blockedUntilMs() - server.clock.millis();
            assertThat(wait).as("wait after %d failures past the free ones", over)
                    .isEqualTo(Math.min(over * p.failureDelaySeconds() * 1000L, expectedMax));
            server.clock.advance(Duration.ofMillis(wait));
        }
        assertThat(stored(u).locked()).isFalse();
    }

    @Test
    void failuresCountAcrossPasswordPinAndCodeAndNewCodesDoNotResetThem() {
        User u = server.services().users.create(new dev.crater.users.UserService.NewUser(company.id(),
                TestServer.username("steps"), TestServer.PASSWORD, TestServer.username("steps") + "@example.com", null,
                "2468", User.TwoFactorMethod.EMAIL, "S", "T"));
        login(u.username(), "wrong password 1");                               // 1: password
        login(u.username(), TestServer.PASSWORD, "PinCode", "0000");           // 2: PIN in the first call
        String interim = login(u.username(), TestServer.PASSWORD).text("Token");
        Http.Response pin = login(u.username(), TestServer.PASSWORD, "Authorization", "Bearer " + interim, "PinCode", "1111");
        assertThat(pin.status()).isEqualTo(202);                               // 3: PIN step
        Http.Response toCode = login(u.username(), TestServer.PASSWORD, "Authorization", "Bearer " + interim, "PinCode", "2468");
        assertThat(toCode.text("Step")).isEqualTo("VerificationCode");
        login(u.username(), TestServer.PASSWORD, "Authorization", "Bearer " + interim, "VerificationCode", "00000000"); // 4
        // A new code (a new login after the resend interval) does not reset the count.
        server.clock.advance(Duration.ofSeconds(31));
        String second = login(u.username(), TestServer.PASSWORD, "PinCode", "2468").text("Token");
        login(u.username(), TestServer.PASSWORD, "Authorization", "Bearer " + second, "VerificationCode", "00000000");  // 5
        assertThat(stored(u).failedAttempts()).isEqualTo(5);
        login(u.username(), TestServer.PASSWORD, "Authorization", "Bearer " + second, "VerificationCode", "11111111");  // 6
        User after = stored(u);
        assertThat(after.failedAttempts()).isEqualTo(6);
        assertThat(after.blockedUntilMs()).isGreaterThan(server.clock.millis());
        // During the wait even the right code is refused, in the documented Failed shape.
        String code = codeIn(lastMail(u.email()));
        Http.Response refused = login(u.username(), TestServer.PASSWORD, "Authorization", "Bearer " + second,
                "VerificationCode", code);
        assertThat(refused.status()).isEqualTo(401);
        assertThat(refused.body()).isEqualTo("{\"State\":\"Failed\",\"Step\":\"VerificationCode\",\"Reason\":\"Invalid confirmation code\"}");
        server.clock.advance(Duration.ofMinutes(1));
        assertThat(login(u.username(), TestServer.PASSWORD, "Authorization", "Bearer " + second, "VerificationCode", code)
                .status()).isEqualTo(200);
        assertThat(stored(u).failedAttempts()).isZero();
    }

    static String codeIn(String body) {
        return Mailbox.code(body);
    }

    @Test
    void enoughFailuresLockTheAccountTellTheOwnerAndOnlyAnOperatorOrAResetLiftIt() {
        server.services().companies.setPolicy(company.id(), new CompanyPolicy(12, 0, false, 2, 1, 1, 6));
        User u = user("lock");
        for (int i = 0; i < 6; i++) {
            login(u.username(), "wrong " + i);
            server.clock.advance(Duration.ofSeconds(2));
        }
        assertThat(stored(u).locked()).isTrue();
        assertThat(lastMail(u.email())).contains("locked").contains("6 failed sign-in attempts");
        server.clock.advance(Duration.ofDays(30));
        assertThat(login(u.username(), TestServer.PASSWORD).body()).isEqualTo(INVALID_CREDENTIALS);
        server.services().users.unlock(u.id());
        assertThat(login(u.username(), TestServer.PASSWORD).status()).isEqualTo(200);

        // Locked again; this time the owner resets the password, which unlocks it.
        for (int i = 0; i < 6; i++) {
            login(u.username(), "wrong again " + i);
            server.clock.advance(Duration.ofSeconds(2));
        }
        assertThat(stored(u).locked()).isTrue();
        resetPassword(u, NEW_PASSWORD);
        assertThat(stored(u).locked()).isFalse();
        assertThat(login(u.username(), NEW_PASSWORD).status()).isEqualTo(200);
    }

    /** The documented four-step reset, driven over HTTP. */
    void resetPassword(User u, String newPassword) {
        server.clock.advance(Duration.ofMinutes(1));
        int seen = Mailbox.to(mail, u.email()).size();
        Http.Response step1 = send("POST", "v1.0/users/password/reset", null, "{\"User\":\"" + u.username() + "\"}");
        assertThat(step1.body()).isEqualTo("{\"Errors\":[],\"IsSucceed\":false}");
        // The code is e-mailed after the answer (the answer must not wait for the mail server).
        String code = Mailbox.resetCode(Mailbox.nextBody(mail, u.email(), seen));
        Http.Response step2 = send("GET", "v1.0/users/password/secret-question?username=" + u.username(), null, null);
        assertThat(step2.body()).isEqualTo("{\"Model\":\"\",\"Errors\":[],\"IsSucceed\":true}");
        Http.Response step3 = send("POST", "v1.0/users/identifiers/reset/code", null,
                "{\"Code\":\"" + code + "\",\"Identifier\":\"ResetPassword\"}");
        assertThat(step3.status()).as(step3.body()).isEqualTo(200);
        assertThat(step3.body()).matches("\\{\"Model\":\"[A-Za-z0-9_-]{43}\",\"Errors\":\\[],\"ErrorsCode\":\\[],"
                + "\"StatusCode\":\"Continue\",\"IsSucceed\":true}");
        Http.Response step4 = send("PUT", "v1.0/users/passwords/reset/", null, "{\"Token\":\"" + step3.text("Model")
                + "\",\"Password\":\"" + newPassword + "\",\"PasswordConfirmation\":\"" + newPassword + "\"}");
        assertThat(step4.status()).as(step4.body()).isEqualTo(200);
        assertThat(step4.body()).isEqualTo("{\"Errors\":[],\"IsSucceed\":true}");
        // The reset token works once.
        assertThat(send("PUT", "v1.0/users/passwords/reset/", null, "{\"Token\":\"" + step3.text("Model")
                + "\",\"Password\":\"yet another passphrase\",\"PasswordConfirmation\":\"yet another passphrase\"}").status())
                .isEqualTo(409);
    }

    @Test
    void passwordResetAnswersTheSameForUnknownUsersAndCodesWorkOnce() {
        User u = user("reset");
        String token = server.login(company, u.username());
        Http.Response unknown = send("POST", "v1.0/users/password/reset", null, "{\"User\":\"nobody-here\"}");
        assertThat(unknown.status()).isEqualTo(200);
        assertThat(unknown.body()).isEqualTo("{\"Errors\":[],\"IsSucceed\":false}");
        resetPassword(u, NEW_PASSWORD);
        assertThat(info(token).body()).isEqualTo(DENIED);          // every token revoked
        assertThat(login(u.username(), TestServer.PASSWORD).body()).isEqualTo(INVALID_CREDENTIALS);
        Http.Response badCode = send("POST", "v1.0/users/identifiers/reset/code", null, "{\"Code\":\"12345678\",\"Identifier\":\"ResetPassword\"}");
        assertThat(badCode.status()).isEqualTo(409);
        assertThat(badCode.body()).contains("InvalidCode");
        assertThat(send("POST", "v1.0/users/password/reset", null, "{}").status()).isEqualTo(422);
    }

    @Test
    void anUnknownUserAndAWrongPasswordAreIndistinguishable() {
        int tries = 100;
        List<User> users = new ArrayList<>();
        for (int i = 0; i < 25; i++) {
            users.add(user("timing"));
        }
        long[] wrong = new long[tries];
        long[] unknown = new long[tries];
        login(users.get(0).username(), "warm-up");
        String wrongBody = null;
        String unknownBody = null;
        for (int i = 0; i < tries; i++) {
            // Four wrong passwords per user stay inside the free failures: every one is a real check.
            User u = users.get(i % users.size());
            long t0 = System.nanoTime();
            Http.Response w = login(u.username(), "not the password " + i);
            wrong[i] = System.nanoTime() - t0;
            long t1 = System.nanoTime();
            Http.Response n = login("no-such-user-" + i, "not the password " + i);
            unknown[i] = System.nanoTime() - t1;
            assertThat(w.status()).isEqualTo(n.status()).isEqualTo(401);
            wrongBody = w.body();
            unknownBody = n.body();
        }
        assertThat(wrongBody).isEqualTo(unknownBody).isEqualTo(INVALID_CREDENTIALS);
        double a = median(wrong);
        double b = median(unknown);
        assertThat(Math.abs(a - b) / Math.max(a, b)).as("relative difference of medians %.1f ms vs %.1f ms", a / 1e6, b / 1e6)
                .isLessThan(0.10);
    }

    @Test
    void aRefusedAttemptTakesAboutAsLongAsARealOne() {
        User blocked = user("refused");
        for (int i = 0; i < 6; i++) {
            login(blocked.username(), "wrong " + i);
        }
        assertThat(stored(blocked).refusingAt(server.clock.millis())).isTrue();
        long[] refused = new long[30];
        long[] real = new long[30];
        for (int i = 0; i < 30; i++) {
            long t0 = System.nanoTime();
            login(blocked.username(), "anything " + i);
            refused[i] = System.nanoTime() - t0;
            long t1 = System.nanoTime();
            login("ghost-" + i, "anything " + i);
            real[i] = System.nanoTime() - t1;
        }
        double a = median(refused);
        double b = median(real);
        assertThat(Math.abs(a - b) / Math.max(a, b)).as("%.1f ms vs %.1f ms", a / 1e6, b / 1e6).isLessThan(0.25);
    }

    static double median(long[] values) {
        long[] copy = values.clone();
        Arrays.sort(copy);
        return copy[copy.length / 2];
    }

    @Test
    void perAddressRateLimitAnswers429WithRetryAfter() throws Exception {
        Path dir = Files.createTempDirectory("crater-rate-");
        CraterConfig config = new CraterConfig("127.0.0.1", 0, dir, false, "", "", "", Optional.empty(),
                CraterConfig.TOKEN_TTL_DEFAULT, CraterConfig.INTERIM_TTL_MAX, "", Optional.empty(), "",
                new CraterConfig.Rate(5, 0.5), dev.crater.config.MarketConfig.DEFAULT);
        try (App app = App.start(Services.open(config))) {
            Company c = app.services().companies.create("Rate Co");
            String url = "http://127.0.0.1:" + app.port() + "/api/token";
            for (int i = 0; i < 5; i++) {
                assertThat(Http.post(url, "Et-App-Key", c.appKey(), "Username", "x", "Password", "y").status()).isEqualTo(401);
            }
            Http.Response limited = Http.post(url, "Et-App-Key", c.appKey(), "Username", "x", "Password", "y");
            assertThat(limited.status()).isEqualTo(429);
            assertThat(limited.header("Retry-After")).isEqualTo("2");
            assertThat(limited.body()).isEqualTo("{\"State\":\"Failed\",\"Step\":\"BaseAuthentication\","
                    + "\"Reason\":\"Too many requests, try again later\"}");
            Thread.sleep(2100);
            assertThat(Http.post(url, "Et-App-Key", c.appKey(), "Username", "x", "Password", "y").status()).isEqualTo(401);
            assertThat(app.services().audit.query(null, 0, 100)).extracting(AuditLog.Entry::event)
                    .contains(AuditLog.Event.RATE_LIMITED);
        }
    }

    // ---- policies -------------------------------------------------------------------------------

    @Test
    void passwordChangeFollowsThePolicyAndRevokesEveryToken() {
        User u = user("change");
        String token = server.login(company, u.username());
        String other = server.login(company, u.username());
        Http.Response missing = send("PUT", "v1.0/users/@me/password/change", token, "{\"Password\":\"x\"}");
        assertThat(missing.status()).isEqualTo(422);
        assertThat(missing.body()).isEqualTo("{\"Message\":\"Validation error occured while processing entity\","
                + "\"ModelState\":{\"userPassword.OldPassword\":[\"Password is required\"]}}");
        assertThat(change(token, TestServer.PASSWORD, "too short", "too short").body()).contains("at least 12 characters");
        assertThat(change(token, TestServer.PASSWORD, "1qaz2wsx3edc", "1qaz2wsx3edc").body()).contains("too common");
        assertThat(change(token, TestServer.PASSWORD, NEW_PASSWORD, NEW_PASSWORD + "!").body()).contains("do not match");
        assertThat(change(token, "wrong old password", NEW_PASSWORD, NEW_PASSWORD).body())
                .contains("userPassword.OldPassword").contains("incorrect");
        assertThat(stored(u).failedAttempts()).isEqualTo(1);
        Http.Response ok = change(token, TestServer.PASSWORD, NEW_PASSWORD, NEW_PASSWORD);
        assertThat(ok.status()).as(ok.body()).isEqualTo(200);
        assertThat(info(token).body()).isEqualTo(DENIED);
        assertThat(info(other).body()).isEqualTo(DENIED);
        assertThat(login(u.username(), TestServer.PASSWORD).body()).isEqualTo(INVALID_CREDENTIALS);
        assertThat(login(u.username(), NEW_PASSWORD).status()).isEqualTo(200);
        assertThat(lastMail(u.email())).contains("password was changed");
    }

    Http.Response change(String token, String old, String password, String confirm) {
        return send("PUT", "v1.0/users/@me/password/change", token,
                "{\"OldPassword\":\"" + old + "\",\"Password\":\"" + password + "\",\"PasswordConfirm\":\"" + confirm + "\"}");
    }

    @Test
    void commonPasswordsAreRefusedAtCreation() {
        assertThat(server.services().passwordPolicy.commonPasswordCount()).isGreaterThanOrEqualTo(10_000);
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> server.services().users.create(
                        new dev.crater.users.UserService.NewUser(company.id(), "weak", "q1w2e3r4t5y6", "weak@example.com",
                                null, null, User.TwoFactorMethod.NONE, null, null)))
                .hasMessageContaining("too common");
        // Sixty-four characters and more are fine: no composition rules, generous maximum.
        String longPassword = "x".repeat(40) + " a long passphrase without rules";
        assertThat(server.services().users.create(new dev.crater.users.UserService.NewUser(company.id(), "long",
                longPassword, "long@example.com", null, null, User.TwoFactorMethod.NONE, null, null))).isNotNull();
        assertThat(login("long", longPassword).status()).isEqualTo(200);
    }

    @Test
    void anExpiredPasswordGetsATokenThatOnlyChangesIt() {
        server.services().companies.setPolicy(company.id(), new CompanyPolicy(12, 30, false, 5, 60, 900, 100));
        User u = user("expired");
        String before = server.login(company, u.username());
        server.clock.advance(Duration.ofDays(31));
        Http.Response r = login(u.username(), TestServer.PASSWORD);
        assertThat(r.status()).isEqualTo(202);
        assertThat(r.body()).matches("\\{\"Step\":\"BaseAuthentication\",\"Reason\":\"Your Password has expired and must be changed\","
                + "\"State\":\"Expecting\",\"Token\":\"[A-Za-z0-9_-]{43}\"}");
        String changeToken = r.text("Token");
        assertThat(info(changeToken).body()).isEqualTo(DENIED);
        Http.Response same = send("PUT", "v1.0/users/passwords/reset/", null, "{\"Token\":\"" + changeToken
                + "\",\"Password\":\"" + TestServer.PASSWORD + "\",\"PasswordConfirmation\":\"" + TestServer.PASSWORD + "\"}");
        assertThat(same.status()).isEqualTo(409);
        Http.Response updated = send("PUT", "v1.0/users/passwords/reset", null, "{\"Token\":\"" + changeToken
                + "\",\"Password\":\"" + NEW_PASSWORD + "\",\"PasswordConfirmation\":\"" + NEW_PASSWORD + "\"}");
        assertThat(updated.body()).isEqualTo("{\"Errors\":[],\"IsSucceed\":true}");
        assertThat(info(before).body()).isEqualTo(DENIED);
        Http.Response normal = login(u.username(), NEW_PASSWORD);
        assertThat(normal.status()).isEqualTo(200);
        assertThat(info(normal.text("Token")).status()).isEqualTo(200);
    }

    @Test
    void aRequiredPinMustBeSetWithATokenThatOpensOnlyThePinCalls() {
        server.services().companies.setPolicy(company.id(), new CompanyPolicy(12, 0, true, 5, 60, 900, 100));
        User u = user("nopin");
        Http.Response r = login(u.username(), TestServer.PASSWORD);
        assertThat(r.status()).isEqualTo(202);
        assertThat(r.body()).matches("\\{\"Step\":\"SecutityPin\",\"Reason\":\"PIN code is not init\",\"State\":\"Expecting\","
                + "\"Token\":\"[A-Za-z0-9_-]{43}\"}");
        String setup = r.text("Token");
        assertThat(info(setup).body()).isEqualTo(DENIED);
        Http.Response images = send("GET", "v1.0/assets/security-images", setup, null);
        assertThat(images.status()).isEqualTo(200);
        assertThat(images.json().get("Model")).hasSize(23);
        assertThat(images.json().get("Model").get(1).get("FileName").asText()).isEqualTo("baloon.png");
        assertThat(images.json().get("IsSucceed").asBoolean()).isTrue();

        Http.Response badPin = send("GET", "v1.0/users/pincode/change", setup,
                "{\"Token\":\"" + setup + "\",\"Pin\":\"12a4\",\"ImageName\":\"apple.png\",\"PersonalPhrase\":\"hi\"}");
        assertThat(badPin.status()).isEqualTo(422);
        Http.Response badImage = send("GET", "v1.0/users/pincode/change", setup,
                "{\"Pin\":1234,\"ImageName\":\"balloon.png\",\"PersonalPhrase\":\"hi\"}");
        assertThat(badImage.status()).isEqualTo(422);
        // The documented call is a GET with a body; the PIN may be a JSON number.
        Http.Response set = send("GET", "v1.0/users/pincode/change", setup,
                "{\"Token\":\"" + setup + "\",\"Pin\":7531,\"ImageName\":\"coockies.png\",\"PersonalPhrase\":\"my tea\"}");
        assertThat(set.status()).as(set.body()).isEqualTo(200);
        assertThat(set.body()).isEqualTo("{\"Errors\":[],\"ErrorsCode\":[],\"StatusCode\":\"Continue\",\"IsSucceed\":true}");
        assertThat(send("POST", "v1.0/users/pincode/change", setup, "{\"Pin\":\"1111\",\"ImageName\":\"apple.png\","
                + "\"PersonalPhrase\":\"again\"}").status()).isEqualTo(401);
        Http.Response withPin = login(u.username(), TestServer.PASSWORD, "PinCode", "7531");
        assertThat(withPin.status()).isEqualTo(200);
        // A full token may change the PIN, but only with the old one.
        String full = withPin.text("Token");
        assertThat(send("PUT", "v1.0/users/pincode/change", full, "{\"Pin\":\"8642\",\"ImageName\":\"fish.png\","
                + "\"PersonalPhrase\":\"new\"}").body()).contains("InvalidPin");
        assertThat(send("PUT", "v1.0/users/pincode/change", full, "{\"Pin\":\"8642\",\"OldPin\":\"7531\","
                + "\"ImageName\":\"fish.png\",\"PersonalPhrase\":\"new\"}").status()).isEqualTo(200);
        assertThat(login(u.username(), TestServer.PASSWORD, "PinCode", "8642").status()).isEqualTo(200);
    }

    @Test
    void aPinResetMailsACodeWhoseTokenSetsANewPinOnce() {
        User u = server.user(company, TestServer.username("pinreset"), "2468", User.TwoFactorMethod.NONE);
        Http.Response signedIn = login(u.username(), TestServer.PASSWORD, "PinCode", "2468");
        assertThat(signedIn.status()).as(signedIn.body()).isEqualTo(200);
        String full = signedIn.text("Token");
        int seen = Mailbox.to(mail, u.email()).size();
        Http.Response start = send("POST", "v1.0/users/@me/pincode", full, null);
        assertThat(start.status()).as(start.body()).isEqualTo(200);
        assertThat(start.body()).isEmpty();
        String mailed = Mailbox.nextBody(mail, u.email(), seen);
        assertThat(mailed).contains("PIN code reset code");
        String code = Mailbox.resetCode(mailed);
        assertThat(stored(u).hasPin()).as("the PIN stays until a new one is set").isTrue();
        // A second request at once is throttled: the spec's 409, an array of one reason.
        Http.Response again = send("POST", "v1.0/users/" + u.id() + "/pincode/", full, null);
        assertThat(again.status()).isEqualTo(409);
        assertThat(again.json().isArray()).isTrue();
        assertThat(again.json().get(0).asText()).contains("try again");

        // The code opens only a PIN change: as a password-reset code it is the usual refusal.
        Http.Response asPassword = send("POST", "v1.0/users/identifiers/reset/code", null,
                "{\"Code\":\"" + code + "\",\"Identifier\":\"ResetPassword\"}");
        assertThat(asPassword.status()).isEqualTo(409);
        assertThat(asPassword.body()).contains("InvalidCode");
        Http.Response redeemed = send("POST", "v1.0/users/identifiers/reset/code", null,
                "{\"Code\":\"" + code + "\",\"Identifier\":\"resetpincode\"}");
        assertThat(redeemed.status()).as(redeemed.body()).isEqualTo(200);
        String setup = redeemed.text("Model");
        assertThat(info(setup).body()).as("a set-up token opens only the PIN calls").isEqualTo(DENIED);
        Http.Response set = send("PUT", "v1.0/users/pincode/change", setup,
                "{\"Pin\":\"97531\",\"ImageName\":\"fish.png\",\"PersonalPhrase\":\"reset\"}");
        assertThat(set.status()).as(set.body()).isEqualTo(200);
        assertThat(send("PUT", "v1.0/users/pincode/change", setup,
                "{\"Pin\":\"1357\",\"ImageName\":\"fish.png\",\"PersonalPhrase\":\"twice\"}").status())
                .as("the token works once").isEqualTo(401);
        assertThat(login(u.username(), TestServer.PASSWORD, "PinCode", "97531").status()).isEqualTo(200);
        assertThat(login(u.username(), TestServer.PASSWORD, "PinCode", "2468").status()).isNotEqualTo(200);
        assertThat(send("POST", "v1.0/users/identifiers/reset/code", null,
                "{\"Code\":\"" + code + "\",\"Identifier\":\"ResetPinCode\"}").status()).as("used").isEqualTo(409);
        assertThat(server.services().audit.query(u.id(), 0, 100)).anyMatch(e ->
                e.event() == AuditLog.Event.PIN_RESET_REQUESTED);

        // No PIN: nothing to reset. Another user's id: the documented 401. Unknown identifiers: 409.
        User plain = user("nopinreset");
        Http.Response none = send("POST", "v1.0/users/@me/pincode", server.login(company, plain.username()), null);
        assertThat(none.status()).isEqualTo(409);
        assertThat(none.json().get(0).asText()).contains("no PIN");
        assertThat(send("POST", "v1.0/users/" + plain.id() + "/pincode", full, null).body()).isEqualTo(DENIED);
        assertThat(send("POST", "v1.0/users/identifiers/reset/code", null,
                "{\"Code\":\"" + code + "\",\"Identifier\":\"ResetEverything\"}").body())
                .contains("UnsupportedIdentifier");
    }

    // ---- tokens ---------------------------------------------------------------------------------

    @Test
    void logoutRevokesThePresentedTokenAtOnce() {
        signOutRevokesOnlyThePresentedToken("DELETE", "token", "token", "logout");
    }

    @Test
    void theSpecsSignOutRevokesThePresentedTokenToo() {
        String other = signOutRevokesOnlyThePresentedToken("POST", "logout", "logout/", "signout");
        Http.Response get = send("GET", "logout", other, null);
        assertThat(get.status()).isEqualTo(405);
        assertThat(get.header("Allow")).isEqualTo("POST");
        assertThat(info(other).status()).as("a refused method revokes nothing").isEqualTo(200);
    }

    /**
     * Signs out with one of two tokens of a fresh user through {@code method path}: 204, that token
     * dead at once (401 when presented again, at {@code againPath}), the other still live, and 403
     * without an app key. Returns the live one.
     */
    private String signOutRevokesOnlyThePresentedToken(String method, String path, String againPath, String prefix) {
        User u = user(prefix);
        String token = server.login(company, u.username());
        String other = server.login(company, u.username());
        Http.Response out = send(method, path, token, null);
        assertThat(out.status()).isEqualTo(204);
        assertThat(info(token).body()).isEqualTo(DENIED);
        assertThat(info(other).status()).isEqualTo(200);
        assertThat(send(method, againPath, token, null).status()).as("already revoked").isEqualTo(401);
        assertThat(Http.send(method, api + path, null, "Authorization", "Bearer " + other).status()).isEqualTo(403);
        return other;
    }

    @Test
    void disablingAUserRevokesAllItsTokensAtOnce() {
        User u = user("disable");
        String token = server.login(company, u.username());
        server.services().users.setEnabled(u.id(), false);
        assertThat(info(token).body()).isEqualTo(DENIED);
        server.services().users.setEnabled(u.id(), true);
        assertThat(info(token).body()).as("re-enabling does not bring old tokens back").isEqualTo(DENIED);
        assertThat(login(u.username(), TestServer.PASSWORD).status()).isEqualTo(200);
    }

    @Test
    void theTokenCheckDoesNotReadTheStoreOnEveryRequest() {
        User u = user("hot");
        String token = server.login(company, u.username());
        assertThat(info(token).status()).isEqualTo(200); // warm the caches
        AtomicInteger statements = new AtomicInteger();
        SqlStatements config = server.services().database.jdbi().getConfig(SqlStatements.class);
        SqlLogger previous = config.getSqlLogger();
        config.setSqlLogger(new SqlLogger() {
            @Override
            public void logBeforeExecution(StatementContext context) {
                statements.incrementAndGet();
            }
        });
        try {
            for (int i = 0; i < 100; i++) {
                assertThat(info(token).status()).isEqualTo(200);
            }
        } finally {
            config.setSqlLogger(previous);
        }
        // At most a re-read of the token, user and key rows when the cache interval passes.
        assertThat(statements.get()).isLessThanOrEqualTo(3);
    }

    // ---- audit ----------------------------------------------------------------------------------

    @Test
    void authenticationEventsAreAuditedWithoutSecrets() {
        User u = user("audited");
        login(u.username(), "wrong password here");
        String token = login(u.username(), TestServer.PASSWORD).text("Token");
        send("DELETE", "token", token, null);
        server.services().users.unlock(u.id());
        List<AuditLog.Entry> events = server.services().audit.query(u.id(), 0, 100);
        assertThat(events).extracting(AuditLog.Entry::event).containsSubsequence(
                AuditLog.Event.LOGIN_FAILED, AuditLog.Event.LOGIN_SUCCEEDED, AuditLog.Event.TOKEN_REVOKED);
        AuditLog.Entry failed = events.get(0);
        assertThat(failed.step()).isEqualTo("BaseAuthentication");
        assertThat(failed.clientAddress()).isEqualTo("127.0.0.1");
        assertThat(failed.userAgent()).contains("Java-http-client");
        assertThat(failed.companyId()).isEqualTo(company.id());
        assertThat(failed.atMs()).isEqualTo(server.clock.millis());
        String all = events.toString();
        assertThat(all).doesNotContain(TestServer.PASSWORD).doesNotContain("wrong password here").doesNotContain(token);
    }
}
