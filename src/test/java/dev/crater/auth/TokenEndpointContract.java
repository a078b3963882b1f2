package dev.crater.auth;

import static org.assertj.core.api.Assertions.assertThat;

import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.GreenMailUtil;
import com.icegreen.greenmail.util.ServerSetupTest;
import dev.crater.companies.Company;
import dev.crater.config.SmtpConfig;
import dev.crater.crypto.Secrets;
import dev.crater.testing.Http;
import dev.crater.testing.Mailbox;
import dev.crater.testing.StoreKind;
import dev.crater.testing.TestServer;
import dev.crater.users.User;
import jakarta.mail.internet.MimeMessage;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.jdbi.v3.core.Jdbi;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;

/**
 * Goal: every documented and specified behaviour of {@code POST /api/token} and of the guard in
 * front of the first protected route, {@code GET /api/v1.0/users/{userId}/info} (the route's own
 * answers: {@code users.UserInfoContract}), exact to the byte where the docs give bodies.
 *
 * <p>Method: one real server per store on a random port, a real SMTP server (GreenMail) for the
 * e-mailed codes, plain HTTP requests with the headers the documented Python sample and curl lines
 * send. Each test makes its own company and users, so tests do not depend on each other. The same
 * contract runs on SQLite and on PostgreSQL through the two subclasses.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(value = 120, unit = TimeUnit.SECONDS)
abstract class TokenEndpointContract {
    static final String INVALID_CREDENTIALS = "{\"State\":\"Failed\",\"Step\":\"BaseAuthentication\",\"Reason\":\"Invalid credentials\"}";
    static final String APP_KEY_ERROR = "{\"error\":\"Application key is not defined or does not exist\"}";
    static final String DENIED = "{\"Message\":\"Authorization has been denied for this request.\"}";
    static final String CORRUPTED_TICKET = "{\"State\":\"Failed\",\"Step\":\"VerificationCode\",\"Reason\":\"Corrupted ticket\"}";

    abstract StoreKind store();

    GreenMail mail;
    TestServer server;
    String api;

    @BeforeAll
    void start() {
        mail = new GreenMail(ServerSetupTest.SMTP.dynamicPort());
        mail.start();
        server = TestServer.start(store(), Optional.of(new SmtpConfig("127.0.0.1", mail.getSmtp().getPort(), "", "", "crater@test.example")));
        api = server.api();
    }

    @AfterAll
    void stop() {
        if (server != null) {
            server.close();
        }
        if (mail != null) {
            mail.stop();
        }
    }

    Company company;

    @BeforeEach
    void newCompany() {
        company = server.company();
    }

    // ---- helpers -------------------------------------------------------------------------

    /** The first request of the documented Python sample: Accept, Et-App-Key, Username, Password. */
    Http.Response firstStep(String username, String password) {
        return Http.post(api + "token", "Accept", "application/json", "Et-App-Key", company.appKey(),
                "Username", username, "Password", password);
    }

    /** The second request of the documented 2FA sample. */
    Http.Response secondStep(String username, String interim, String code) {
        return Http.post(api + "token", "Accept", "application/json", "Et-App-Key", company.appKey(),
                "VerificationCode", code, "Username", username, "Password", TestServer.PASSWORD,
                "Authorization", "Bearer " + interim);
    }

    Http.Response pinStep(String username, String interim, String pin) {
        return Http.post(api + "token", "Et-App-Key", company.appKey(), "Username", username,
                "Password", TestServer.PASSWORD, "Authorization", interim == null ? null : "Bearer " + interim,
                "PinCode", pin);
    }

    Http.Response info(String userIdSegment, String token) {
        return Http.get(api + "v1.0/users/" + userIdSegment + "/info", "Accept", "application/json",
                "Et-App-Key", company.appKey(), "Authorization", "Bearer " + token);
    }

    User user(String prefix, String pin, User.TwoFactorMethod twoFactor) {
        return server.user(company, TestServer.username(prefix), pin, twoFactor);
    }

    /** Waits for the next e-mail to {@code address} and returns the 6-digit code in it. */
    String codeMailedTo(String address, int alreadySeen) {
        String code = Mailbox.code(Mailbox.nextBody(mail, address, alreadySeen));
        assertThat(code).hasSize(6);
        return code;
    }

    List<MimeMessage> mailsTo(String address) {
        return Mailbox.to(mail, address);
    }

    // ---- single factor -------------------------------------------------------------------

    @Test
    void singleFactorLoginAnswers200WithStateThenToken() {
        User u = user("plain", null, User.TwoFactorMethod.NONE);
        Http.Response r = firstStep(u.username(), TestServer.PASSWORD);
        assertThat(r.status()).isEqualTo(200);
        assertThat(r.header("Content-Type")).startsWith("application/json");
        assertThat(r.body()).matches("\\{\"State\":\"Succeeded\",\"Token\":\"[A-Za-z0-9_-]{43}\"}");
        Http.Response me = info("@me", r.text("Token"));
        assertThat(me.status()).isEqualTo(200);
        assertThat(me.text("Login")).isEqualTo(u.username());
    }

    @Test
    void curlStyleCallWithContentLengthZeroWorks() {
        User u = user("curl", null, User.TwoFactorMethod.NONE);
        // The JDK client sends "Content-Length: 0" for a body-less POST, exactly as the curl lines do.
        Http.Response r = Http.send("POST", api + "token", "", "Username", u.username(), "Password",
                TestServer.PASSWORD, "Et-App-Key", company.appKey());
        assertThat(r.status()).isEqualTo(200);
        assertThat(r.text("State")).isEqualTo("Succeeded");
    }

    @Test
    void usernameIsCaseInsensitiveButPasswordIsNot() {
        User u = user("Mixed", null, User.TwoFactorMethod.NONE);
        assertThat(firstStep(u.username().toUpperCase(), TestServer.PASSWORD).status()).isEqualTo(200);
        assertThat(firstStep(u.username(), TestServer.PASSWORD.toUpperCase()).body()).isEqualTo(INVALID_CREDENTIALS);
    }

    @Test
    void eachLoginMintsAFreshTokenAndAllStayValid() {
        User u = user("twice", null, User.TwoFactorMethod.NONE);
        String a = server.login(company, u.username());
        String b = server.login(company, u.username());
        assertThat(a).isNotEqualTo(b);
        assertThat(info("@me", a).status()).isEqualTo(200);
        assertThat(info("@me", b).status()).isEqualTo(200);
    }

    // ---- app key --------------------------------------------------------------------------

    @Test
    void missingOrUnknownAppKeyAnswers403WithTheDocumentedBody() {
        User u = user("key", null, User.TwoFactorMethod.NONE);
        Http.Response missing = Http.post(api + "token", "Username", u.username(), "Password", TestServer.PASSWORD);
        assertThat(missing.status()).isEqualTo(403);
        assertThat(missing.body()).isEqualTo(APP_KEY_ERROR);
        Http.Response unknown = Http.post(api + "token", "Et-App-Key", "no-such-key", "Username", u.username(),
                "Password", TestServer.PASSWORD);
        assertThat(unknown.status()).isEqualTo(403);
        assertThat(unknown.body()).isEqualTo(APP_KEY_ERROR);
    }

    @Test
    void anotherCompanysKeyDoesNotFindTheUser() {
        User u = user("other", null, User.TwoFactorMethod.NONE);
        Company other = server.company();
        Http.Response r = Http.post(api + "token", "Et-App-Key", other.appKey(), "Username", u.username(),
                "Password", TestServer.PASSWORD);
        assertThat(r.status()).isEqualTo(401);
        assertThat(r.body()).isEqualTo(INVALID_CREDENTIALS);
    }

    // ---- wrong credentials ------------------------------------------------------------------

    @Test
    void wrongPasswordUnknownUserAndMissingHeadersAnswerTheSameBytes() {
        User u = user("wrong", null, User.TwoFactorMethod.NONE);
        List<Http.Response> answers = List.of(
                firstStep(u.username(), "not the password"),
                firstStep("no-such-user", "not the password"),
                Http.post(api + "token", "Et-App-Key", company.appKey(), "Username", u.username()),
                Http.post(api + "token", "Et-App-Key", company.appKey(), "Password", TestServer.PASSWORD),
                Http.post(api + "token", "Et-App-Key", company.appKey()));
        for (Http.Response r : answers) {
            assertThat(r.status()).isEqualTo(401);
            assertThat(r.body()).isEqualTo(INVALID_CREDENTIALS);
        }
    }

    @Test
    void unknownUserTakesAboutAsLongAsAWrongPassword() {
        User u = user("timing", null, User.TwoFactorMethod.NONE);
        int rounds = 15;
        long[] known = new long[rounds];
        long[] unknown = new long[rounds];
        firstStep(u.username(), "warm up");
        for (int i = 0; i < rounds; i++) {
            long t0 = System.nanoTime();
            firstStep(u.username(), "not the password");
            known[i] = System.nanoTime() - t0;
            long t1 = System.nanoTime();
            firstStep("ghost-" + i, "not the password");
            unknown[i] = System.nanoTime() - t1;
        }
        Arrays.sort(known);
        Arrays.sort(unknown);
        double ratio = (double) unknown[rounds / 2] / known[rounds / 2];
        // Both paths run one Argon2id verification (~30 ms); without the dummy hash the unknown
        // user would answer in well under a millisecond and the ratio would be near zero.
        assertThat(ratio).as("median unknown-user time / median wrong-password time").isBetween(0.7, 1.4);
    }

    @Test
    void disabledUserCannotLogInAndItsTokenStopsWorking() {
        User u = user("disabled", null, User.TwoFactorMethod.NONE);
        String token = server.login(company, u.username());
        server.services().users.setEnabled(u.id(), false);
        assertThat(firstStep(u.username(), TestServer.PASSWORD).body()).isEqualTo(INVALID_CREDENTIALS);
        Http.Response r = info("@me", token);
        assertThat(r.status()).isEqualTo(401);
        assertThat(r.body()).isEqualTo(DENIED);
    }

    // ---- PIN -------------------------------------------------------------------------------

    @Test
    void pinUserIsAskedForThePinThenGetsTheFinalToken() {
        User u = user("pin", "4321", User.TwoFactorMethod.NONE);
        Http.Response first = firstStep(u.username(), TestServer.PASSWORD);
        assertThat(first.status()).isEqualTo(202);
        assertThat(first.body()).matches(
                "\\{\"Step\":\"SecutityPin\",\"Reason\":\"Invalid pin\",\"State\":\"Expecting\",\"Token\":\"[A-Za-z0-9_-]{43}\"}");
        String interim = first.text("Token");

        Http.Response done = pinStep(u.username(), interim, "4321");
        assertThat(done.status()).isEqualTo(200);
        assertThat(done.body()).matches("\\{\"State\":\"Succeeded\",\"Token\":\"[A-Za-z0-9_-]{43}\"}");
        assertThat(done.text("Token")).isNotEqualTo(interim);
        assertThat(info("@me", done.text("Token")).status()).isEqualTo(200);
    }

    @Test
    void pinSentWithTheCredentialsCompletesInOneRoundTrip() {
        User u = user("pin1", "123456", User.TwoFactorMethod.NONE);
        Http.Response r = pinStep(u.username(), null, "123456");
        assertThat(r.status()).isEqualTo(200);
        assertThat(r.text("State")).isEqualTo("Succeeded");
    }

    @Test
    void wrongPinIsExpectingAgainUntilTheAttemptsAreUsedUp() {
        User u = user("pinx", "1111", User.TwoFactorMethod.NONE);
        String interim = firstStep(u.username(), TestServer.PASSWORD).text("Token");
        for (int i = 1; i < AuthService.PIN_FAILURES_MAX; i++) {
            Http.Response r = pinStep(u.username(), interim, "9999");
            assertThat(r.status()).as("wrong PIN %d", i).isEqualTo(202);
            assertThat(r.body()).isEqualTo("{\"Step\":\"SecutityPin\",\"Reason\":\"Invalid pin\",\"State\":\"Expecting\",\"Token\":\"" + interim + "\"}");
        }
        Http.Response last = pinStep(u.username(), interim, "9999");
        assertThat(last.status()).isEqualTo(401);
        assertThat(last.body()).isEqualTo("{\"State\":\"Failed\",\"Step\":\"SecutityPin\",\"Reason\":\"Invalid pin\"}");
        // The interim token is dead: even the right PIN does not complete it.
        Http.Response after = pinStep(u.username(), interim, "1111");
        assertThat(after.status()).isEqualTo(401);
        assertThat(after.text("State")).isEqualTo("Failed");
        assertThat(after.json().has("Token")).isFalse();
    }

    @Test
    void wrongPinInTheFirstCallCountsAndAnswersExpectingWithAnInterimToken() {
        User u = user("pinw", "2222", User.TwoFactorMethod.NONE);
        Http.Response r = pinStep(u.username(), null, "0000");
        assertThat(r.status()).isEqualTo(202);
        assertThat(r.text("Step")).isEqualTo("SecutityPin");
        assertThat(r.text("Reason")).isEqualTo("Invalid pin");
        assertThat(pinStep(u.username(), r.text("Token"), "2222").status()).isEqualTo(200);
    }

    @Test
    void pinOfAPinUserIsNeverSkippedByAWrongPassword() {
        User u = user("pinpw", "3333", User.TwoFactorMethod.NONE);
        Http.Response r = Http.post(api + "token", "Et-App-Key", company.appKey(), "Username", u.username(),
                "Password", "wrong password!", "PinCode", "3333");
        assertThat(r.status()).isEqualTo(401);
        assertThat(r.body()).isEqualTo(INVALID_CREDENTIALS);
    }

    // ---- e-mail two-factor -------------------------------------------------------------------

    @Test
    void twoFactorFlowOfTheDocumentedSample() {
        User u = user("twofa", null, User.TwoFactorMethod.EMAIL);
        int seen = mailsTo(u.email()).size();
        Http.Response first = firstStep(u.username(), TestServer.PASSWORD);
        assertThat(first.status()).isEqualTo(202);
        assertThat(first.body()).matches("\\{\"Step\":\"VerificationCode\",\"Reason\":\"Expecting confirmation code\","
                + "\"State\":\"Expecting\",\"Token\":\"[A-Za-z0-9_-]{43}\"}");
        String interim = first.text("Token");
        String code = codeMailedTo(u.email(), seen);

        // The interim token opens nothing but /token.
        assertThat(info("@me", interim).body()).isEqualTo(DENIED);

        Http.Response second = secondStep(u.username(), interim, code);
        assertThat(second.status()).isEqualTo(200);
        assertThat(second.body()).matches("\\{\"State\":\"Succeeded\",\"Token\":\"[A-Za-z0-9_-]{43}\"}");
        String token = second.text("Token");
        assertThat(token).isNotEqualTo(interim);
        assertThat(info("@me", token).text("Login")).isEqualTo(u.username());
        assertThat(info("@me", interim).status()).isEqualTo(401);
    }

    @Test
    void theCodeMailNamesTheCompanyAndTheLifetime() throws Exception {
        User u = user("mailtext", null, User.TwoFactorMethod.EMAIL);
        int seen = mailsTo(u.email()).size();
        firstStep(u.username(), TestServer.PASSWORD);
        String code = codeMailedTo(u.email(), seen);
        MimeMessage m = mailsTo(u.email()).get(seen);
        assertThat(m.getSubject()).contains(company.name());
        assertThat(GreenMailUtil.getBody(m)).contains(code).contains("10 minutes");
        assertThat(m.getFrom()[0].toString()).isEqualTo("crater@test.example");
    }

    @Test
    void secondStepWithoutAValidInterimTokenIsACorruptedTicket() {
        User u = user("ticket", null, User.TwoFactorMethod.EMAIL);
        int seen = mailsTo(u.email()).size();
        firstStep(u.username(), TestServer.PASSWORD);
        String code = codeMailedTo(u.email(), seen);
        Http.Response noAuth = Http.post(api + "token", "Et-App-Key", company.appKey(), "VerificationCode", code,
                "Username", u.username(), "Password", TestServer.PASSWORD);
        assertThat(noAuth.status()).isEqualTo(401);
        assertThat(noAuth.body()).isEqualTo(CORRUPTED_TICKET);
        Http.Response garbage = secondStep(u.username(), "not-a-ticket", code);
        assertThat(garbage.status()).isEqualTo(401);
        assertThat(garbage.body()).isEqualTo(CORRUPTED_TICKET);
        // No new code was sent for either call.
        assertThat(mailsTo(u.email())).hasSize(seen + 1);
    }

    @Test
    void theOlderDocsTokenHeaderCarriesTheInterimTicketToo() {
        User u = user("legacy", null, User.TwoFactorMethod.EMAIL);
        int seen = mailsTo(u.email()).size();
        String interim = firstStep(u.username(), TestServer.PASSWORD).text("Token");
        String code = codeMailedTo(u.email(), seen);
        Http.Response r = Http.post(api + "token", "Et-App-Key", company.appKey(), "Username", u.username(),
                "Password", TestServer.PASSWORD, "Token", interim, "VerificationCode", code);
        assertThat(r.status()).isEqualTo(200);
    }

    @Test
    void anAuthorizationHeaderWithoutTheBearerWordIsAccepted() {
        // The place-order curl line of the docs sends "Authorization: theToken" with no scheme.
        User u = user("noscheme", null, User.TwoFactorMethod.NONE);
        String token = server.login(company, u.username());
        Http.Response r = Http.get(api + "v1.0/users/@me/info", "Et-App-Key", company.appKey(), "Authorization", token);
        assertThat(r.status()).isEqualTo(200);
    }

    @Test
    void aFinalTokenIsNotAnInterimTicket() {
        User plain = user("final", null, User.TwoFactorMethod.NONE);
        String token = server.login(company, plain.username());
        Http.Response r = secondStep(plain.username(), token, "123456");
        assertThat(r.body()).isEqualTo(CORRUPTED_TICKET);
    }

    @Test
    void wrongCodesAreExpectingUntilFiveThenTheTicketIsDead() {
        User u = user("codes", null, User.TwoFactorMethod.EMAIL);
        int seen = mailsTo(u.email()).size();
        String interim = firstStep(u.username(), TestServer.PASSWORD).text("Token");
        String code = codeMailedTo(u.email(), seen);
        String wrong = code.equals("000000") ? "111111" : "000000";
        for (int i = 1; i < AuthService.CODE_FAILURES_MAX; i++) {
            Http.Response r = secondStep(u.username(), interim, wrong);
            assertThat(r.status()).as("wrong code %d", i).isEqualTo(202);
            assertThat(r.body()).isEqualTo("{\"Step\":\"VerificationCode\",\"Reason\":\"Invalid confirmation code\","
                    + "\"State\":\"Expecting\",\"Token\":\"" + interim + "\"}");
        }
        Http.Response fifth = secondStep(u.username(), interim, wrong);
        assertThat(fifth.status()).isEqualTo(401);
        assertThat(fifth.text("State")).isEqualTo("Failed");
        assertThat(fifth.text("Step")).isEqualTo("VerificationCode");
        Http.Response right = secondStep(u.username(), interim, code);
        assertThat(right.status()).isEqualTo(401);
        assertThat(right.body()).isEqualTo(CORRUPTED_TICKET);
    }

    @Test
    void aCodeWorksOnce() {
        User u = user("once", null, User.TwoFactorMethod.EMAIL);
        int seen = mailsTo(u.email()).size();
        String interim = firstStep(u.username(), TestServer.PASSWORD).text("Token");
        String code = codeMailedTo(u.email(), seen);
        assertThat(secondStep(u.username(), interim, code).status()).isEqualTo(200);
        Http.Response replay = secondStep(u.username(), interim, code);
        assertThat(replay.status()).isEqualTo(401);
        assertThat(replay.body()).isEqualTo(CORRUPTED_TICKET);
    }

    @Test
    void aCodeIsBoundToItsOwnInterimToken() {
        User u = user("bound", null, User.TwoFactorMethod.EMAIL);
        int seen = mailsTo(u.email()).size();
        String interimA = firstStep(u.username(), TestServer.PASSWORD).text("Token");
        String codeA = codeMailedTo(u.email(), seen);
        server.clock.advance(Duration.ofSeconds(31)); // past the resend throttle
        String interimB = firstStep(u.username(), TestServer.PASSWORD).text("Token");
        String codeB = codeMailedTo(u.email(), seen + 1);
        if (!codeA.equals(codeB)) {
            assertThat(secondStep(u.username(), interimB, codeA).status()).isEqualTo(202);
        }
        assertThat(secondStep(u.username(), interimB, codeB).status()).isEqualTo(200);
        assertThat(secondStep(u.username(), interimA, codeA).status()).isEqualTo(200);
    }

    @Test
    void aCodeExpiresAfterTenMinutes() {
        User u = user("expiry", null, User.TwoFactorMethod.EMAIL);
        int seen = mailsTo(u.email()).size();
        String interim = firstStep(u.username(), TestServer.PASSWORD).text("Token");
        String code = codeMailedTo(u.email(), seen);
        server.clock.advance(Duration.ofMinutes(10).plusSeconds(1));
        Http.Response r = secondStep(u.username(), interim, code);
        assertThat(r.status()).isEqualTo(401);
        assertThat(r.body()).isEqualTo(CORRUPTED_TICKET);
    }

    @Test
    void aCodeJustInsideItsLifetimeStillWorks() {
        User u = user("inside", null, User.TwoFactorMethod.EMAIL);
        int seen = mailsTo(u.email()).size();
        String interim = firstStep(u.username(), TestServer.PASSWORD).text("Token");
        String code = codeMailedTo(u.email(), seen);
        server.clock.advance(Duration.ofMinutes(9).plusSeconds(59));
        assertThat(secondStep(u.username(), interim, code).status()).isEqualTo(200);
    }

    @Test
    void aSecondStepForAnotherUsernameIsRefused() {
        User u = user("victim", null, User.TwoFactorMethod.EMAIL);
        User other = user("intruder", null, User.TwoFactorMethod.NONE);
        int seen = mailsTo(u.email()).size();
        String interim = firstStep(u.username(), TestServer.PASSWORD).text("Token");
        String code = codeMailedTo(u.email(), seen);
        Http.Response r = secondStep(other.username(), interim, code);
        assertThat(r.status()).isEqualTo(401);
        assertThat(r.body()).isEqualTo(CORRUPTED_TICKET);
    }

    @Test
    void pinThenCodeForAUserWithBoth() {
        User u = user("both", "5555", User.TwoFactorMethod.EMAIL);
        int seen = mailsTo(u.email()).size();
        Http.Response first = firstStep(u.username(), TestServer.PASSWORD);
        assertThat(first.text("Step")).isEqualTo("SecutityPin");
        assertThat(mailsTo(u.email())).hasSize(seen);
        String interim = first.text("Token");
        Http.Response afterPin = pinStep(u.username(), interim, "5555");
        assertThat(afterPin.status()).isEqualTo(202);
        assertThat(afterPin.body()).isEqualTo("{\"Step\":\"VerificationCode\",\"Reason\":\"Expecting confirmation code\","
                + "\"State\":\"Expecting\",\"Token\":\"" + interim + "\"}");
        String code = codeMailedTo(u.email(), seen);
        assertThat(secondStep(u.username(), interim, code).status()).isEqualTo(200);
    }

    @Test
    void secretsAreStoredOnlyHashed() {
        User u = user("hashed", "8642", User.TwoFactorMethod.EMAIL);
        int seen = mailsTo(u.email()).size();
        String interim = pinStep(u.username(), null, "8642").text("Token");
        String code = codeMailedTo(u.email(), seen);
        String token = secondStep(u.username(), interim, code).text("Token");
        Jdbi jdbi = server.services().database.jdbi();
        String everything = jdbi.withHandle(h -> String.join("\n",
                h.createQuery("SELECT * FROM users").mapToMap().list().toString(),
                h.createQuery("SELECT * FROM tokens").mapToMap().list().toString(),
                h.createQuery("SELECT * FROM login_challenges").mapToMap().list().toString(),
                h.createQuery("SELECT * FROM dev_outbox").mapToMap().list().toString()));
        assertThat(everything).doesNotContain(TestServer.PASSWORD).doesNotContain(token).doesNotContain(interim);
        // A short numeric secret occurs by chance inside hex digests and base64 salts (about one run in
        // two hundred for a 4-digit PIN), so the PIN and the code are looked for as whole values only:
        // a stored plaintext would stand alone or beside punctuation (a column, a JSON string), never
        // glued to other letters or digits.
        assertThat(everything).doesNotContainPattern(standalone("8642")).doesNotContainPattern(standalone(code));
        assertThat(everything).contains(Secrets.sha256(token)).contains("$argon2id$v=19$m=19456,t=2,p=1$");
    }

    private static java.util.regex.Pattern standalone(String secret) {
        return java.util.regex.Pattern.compile("(?<![0-9A-Za-z+/])" + java.util.regex.Pattern.quote(secret) + "(?![0-9A-Za-z+/])");
    }

    // ---- tokens on the protected API -------------------------------------------------------

    @Test
    void finalTokenExpiresAfter24Hours() {
        User u = user("ttl", null, User.TwoFactorMethod.NONE);
        String token = server.login(company, u.username());
        server.clock.advance(Duration.ofHours(24).minusSeconds(10));
        assertThat(info("@me", token).status()).isEqualTo(200);
        server.clock.advance(Duration.ofSeconds(11));
        Http.Response r = info("@me", token);
        assertThat(r.status()).isEqualTo(401);
        assertThat(r.body()).isEqualTo(DENIED);
    }

    @Test
    void protectedRouteNeedsTheAppKeyAndABearerTokenOfTheSameCompany() {
        User u = user("guard", null, User.TwoFactorMethod.NONE);
        String token = server.login(company, u.username());
        String url = api + "v1.0/users/@me/info";
        Http.Response noKey = Http.get(url, "Authorization", "Bearer " + token);
        assertThat(noKey.status()).isEqualTo(403);
        assertThat(noKey.body()).isEqualTo(APP_KEY_ERROR);
        Http.Response noToken = Http.get(url, "Et-App-Key", company.appKey());
        assertThat(noToken.status()).isEqualTo(401);
        assertThat(noToken.body()).isEqualTo(DENIED);
        Http.Response bad = Http.get(url, "Et-App-Key", company.appKey(), "Authorization", "Bearer nope");
        assertThat(bad.body()).isEqualTo(DENIED);
        Http.Response emptyBearer = Http.get(url, "Et-App-Key", company.appKey(), "Authorization", "Bearer ");
        assertThat(emptyBearer.body()).isEqualTo(DENIED);
        Company other = server.company();
        Http.Response foreign = Http.get(url, "Et-App-Key", other.appKey(), "Authorization", "Bearer " + token);
        assertThat(foreign.status()).isEqualTo(401);
        assertThat(foreign.body()).isEqualTo(DENIED);
    }

    // ---- methods and routes -------------------------------------------------------------------

    @Test
    void otherMethodsOnTokenAnswer405() {
        for (String method : List.of("GET", "PUT", "PATCH")) {
            Http.Response r = Http.send(method, api + "token", null, "Et-App-Key", company.appKey());
            assertThat(r.status()).as(method).isEqualTo(405);
            assertThat(r.header("Allow")).isEqualTo("POST, DELETE");
            assertThat(r.text("Message")).contains(method);
        }
    }

    @Test
    void tokenAcceptsATrailingSlash() {
        User u = user("slash", null, User.TwoFactorMethod.NONE);
        Http.Response r = Http.post(api + "token/", "Et-App-Key", company.appKey(), "Username", u.username(),
                "Password", TestServer.PASSWORD);
        assertThat(r.status()).isEqualTo(200);
    }

    @Test
    void unknownRoutesAnswerTheDocumented404() {
        Http.Response r = Http.get(api + "v1.0/nothing/here", "Et-App-Key", company.appKey());
        assertThat(r.status()).isIn(401, 404);
        Http.Response outside = Http.get(api + "nothing");
        assertThat(outside.status()).isEqualTo(404);
        assertThat(outside.body()).isEqualTo("{\"Message\":\"No HTTP resource was found that matches the request URI '"
                + api + "nothing'.\"}");
    }
}
