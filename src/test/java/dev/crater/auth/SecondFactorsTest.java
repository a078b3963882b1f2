package dev.crater.auth;

import static org.assertj.core.api.Assertions.assertThat;

import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.GreenMailUtil;
import com.icegreen.greenmail.util.ServerSetupTest;
import dev.crater.companies.Company;
import dev.crater.config.SmtpConfig;
import dev.crater.testing.Http;
import dev.crater.testing.Mailbox;
import dev.crater.testing.SmsRecorder;
import dev.crater.testing.StoreKind;
import dev.crater.testing.TestServer;
import dev.crater.users.User;
import jakarta.mail.internet.MimeMessage;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;

/**
 * Goal: every second-factor method and rule of the "second factors" work item — SMS codes through
 * an HTTP gateway, authenticator apps (TOTP), recovery codes, the resend throttle, switching
 * methods over the API, and SMS as the factor once a phone is bound (the binding rules themselves:
 * {@code subscriptions.SubscriptionsApiTest}).
 *
 * <p>Method: a real server with a real SMTP server (GreenMail) and a real local HTTP server that
 * records SMS requests; authenticator codes are computed by the test from the enrolled secret at
 * the server's (movable) clock.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class SecondFactorsTest {
    static final String CONFLICT = "\"StatusCode\":409,\"IsSucceed\":false}";

    GreenMail mail;
    SmsRecorder sms;
    TestServer server;
    String api;
    Company company;
    int phones = 100;

    @BeforeAll
    void start() {
        mail = new GreenMail(ServerSetupTest.SMTP.dynamicPort());
        mail.start();
        sms = new SmsRecorder();
        server = TestServer.start(StoreKind.SQLITE,
                Optional.of(new SmtpConfig("127.0.0.1", mail.getSmtp().getPort(), "", "", "crater@test.example")),
                Optional.of(sms.config()));
        api = server.api();
    }

    @AfterAll
    void stop() {
        server.close();
        sms.close();
        mail.stop();
    }

    @BeforeEach
    void newCompany() {
        company = server.company();
        // Each test starts well past any throttle window of the previous one.
        server.clock.advance(Duration.ofHours(2));
    }

    String newPhone() {
        return "+1555010" + String.format("%04d", phones++);
    }

    Http.Response first(String username) {
        return Http.post(api + "token", "Et-App-Key", company.appKey(), "Username", username, "Password", TestServer.PASSWORD);
    }

    Http.Response second(String username, String interim, String code) {
        return Http.post(api + "token", "Et-App-Key", company.appKey(), "Username", username, "Password",
                TestServer.PASSWORD, "Authorization", "Bearer " + interim, "VerificationCode", code);
    }

    String finalToken(User u) {
        Http.Response r = first(u.username());
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        return r.text("Token");
    }

    Http.Response call(String method, String path, String token, String body) {
        return Http.send(method, api + "v1.0/users/@me/" + path, body, "Et-App-Key", company.appKey(),
                "Authorization", "Bearer " + token, "Content-Type", "application/json");
    }

    List<MimeMessage> mailsTo(String address) {
        return Mailbox.to(mail, address);
    }

    String lastMailCode(String address, int alreadySeen) {
        return Mailbox.code(Mailbox.nextBody(mail, address, alreadySeen));
    }

    String totpNow(String secret) {
        return Totp.codeAt(secret, server.clock.instant());
    }

    /** Enrols an authenticator for a user without a second factor; returns secret and recovery codes. */
    record Enrolled(String secret, List<String> recoveryCodes) {
    }

    Enrolled enrol(User u, String token) {
        Http.Response start = call("POST", "security/two-factor/authenticator", token,
                "{\"Password\":\"" + TestServer.PASSWORD + "\"}");
        assertThat(start.status()).as(start.body()).isEqualTo(200);
        String secret = start.text("Secret");
        Http.Response confirm = call("POST", "security/two-factor/authenticator/confirm", token,
                "{\"Code\":\"" + totpNow(secret) + "\"}");
        assertThat(confirm.status()).as(confirm.body()).isEqualTo(200);
        List<String> codes = new ArrayList<>();
        confirm.json().get("RecoveryCodes").forEach(n -> codes.add(n.asText()));
        server.clock.advance(Totp.STEP); // the enrolment code's step is used up
        return new Enrolled(secret, codes);
    }

    // ---- SMS -------------------------------------------------------------------------------

    @Test
    void smsLoginSendsAShortTextThroughTheGatewayAndTheCodeCompletesIt() {
        String phone = newPhone();
        User u = server.userWithPhone(company, TestServer.username("sms"), phone, User.TwoFactorMethod.SMS);
        Http.Response r = first(u.username());
        assertThat(r.status()).isEqualTo(202);
        assertThat(r.text("Step")).isEqualTo("VerificationCode");
        SmsRecorder.Sms text = sms.last(phone);
        assertThat(text.from()).isEqualTo("+15550001111");
        assertThat(text.authorization()).isEqualTo("Basic " + Base64.getEncoder().encodeToString("AC-test:secret-token".getBytes()));
        assertThat(text.body()).hasSizeLessThanOrEqualTo(160).contains(company.name()).contains("10 min");
        assertThat(second(u.username(), r.text("Token"), text.code()).status()).isEqualTo(200);
    }

    @Test
    void aLongCompanyNameIsShortenedToKeepTheTextWithin160Characters() {
        Company longName = server.services().companies.create("A".repeat(170) + " " + System.nanoTime());
        String phone = newPhone();
        User u = server.userWithPhone(longName, TestServer.username("smslong"), phone, User.TwoFactorMethod.SMS);
        Http.Response r = Http.post(api + "token", "Et-App-Key", longName.appKey(), "Username", u.username(),
                "Password", TestServer.PASSWORD);
        assertThat(r.status()).isEqualTo(202);
        assertThat(sms.last(phone).body()).hasSize(160).startsWith("AAAA").contains(sms.last(phone).code());
    }

    @Test
    void aGatewayThatCannotDeliverFailsTheStepWithoutPenalty() {
        String phone = newPhone();
        User u = server.userWithPhone(company, TestServer.username("smsdown"), phone, User.TwoFactorMethod.SMS);
        sms.script(503, 503, 503);
        Http.Response r = first(u.username());
        assertThat(r.status()).isEqualTo(503);
        assertThat(r.body()).isEqualTo("{\"State\":\"Failed\",\"Step\":\"VerificationCode\",\"Reason\":\"Confirmation code could not be sent\"}");
        // Not penalised: the failed send does not count against the resend throttle.
        Http.Response again = first(u.username());
        assertThat(again.status()).isEqualTo(202);
        assertThat(second(u.username(), again.text("Token"), sms.last(phone).code()).status()).isEqualTo(200);
    }

    // ---- throttle --------------------------------------------------------------------------

    @Test
    void newCodesAreAtLeast30SecondsApartAndAtMostFiveAnHour() {
        User u = server.user(company, TestServer.username("throttle"), null, User.TwoFactorMethod.EMAIL);
        assertThat(first(u.username()).status()).isEqualTo(202);
        Http.Response soon = first(u.username());
        assertThat(soon.status()).isEqualTo(429);
        assertThat(soon.header("Retry-After")).isEqualTo("30");
        assertThat(soon.text("State")).isEqualTo("Failed");
        assertThat(soon.text("Step")).isEqualTo("VerificationCode");
        for (int i = 2; i <= CodeThrottle.SENDS_PER_HOUR_MAX; i++) {
            server.clock.advance(Duration.ofSeconds(30));
            assertThat(first(u.username()).status()).as("send %d", i).isEqualTo(202);
        }
        server.clock.advance(Duration.ofSeconds(30));
        Http.Response sixth = first(u.username());
        assertThat(sixth.status()).isEqualTo(429);
        assertThat(Long.parseLong(sixth.header("Retry-After"))).isGreaterThan(30).isLessThanOrEqualTo(3600);
        server.clock.advance(Duration.ofHours(1));
        assertThat(first(u.username()).status()).isEqualTo(202);
    }

    @Test
    void aWrongPasswordNeverRevealsTheThrottle() {
        User u = server.user(company, TestServer.username("throttle2"), null, User.TwoFactorMethod.EMAIL);
        assertThat(first(u.username()).status()).isEqualTo(202);
        Http.Response wrong = Http.post(api + "token", "Et-App-Key", company.appKey(), "Username", u.username(),
                "Password", "wrong password!");
        assertThat(wrong.status()).isEqualTo(401);
        assertThat(wrong.text("Step")).isEqualTo("BaseAuthentication");
    }

    // ---- authenticator apps ------------------------------------------------------------------

    @Test
    void enrolmentReturnsSecretUriAndAQrPngAndNeedsAFirstCode() throws Exception {
        User u = server.user(company, TestServer.username("enrol"), null, User.TwoFactorMethod.NONE);
        String token = finalToken(u);
        Http.Response start = call("POST", "security/two-factor/authenticator", token,
                "{\"Password\":\"" + TestServer.PASSWORD + "\"}");
        assertThat(start.status()).isEqualTo(200);
        String secret = start.text("Secret");
        assertThat(secret).matches("[A-Z2-7]{32}");
        assertThat(start.text("OtpAuthUri")).startsWith("otpauth://totp/").contains("secret=" + secret)
                .contains("issuer=").contains("algorithm=SHA1").contains("digits=6").contains("period=30");
        BufferedImage png = ImageIO.read(new ByteArrayInputStream(Base64.getDecoder().decode(start.text("QrCodePng"))));
        assertThat(png.getWidth()).isEqualTo(256);
        // Not active until confirmed: login is still single-factor.
        assertThat(first(u.username()).status()).isEqualTo(200);
        Http.Response wrong = call("POST", "security/two-factor/authenticator/confirm", token, "{\"Code\":\"000000\"}");
        if (!totpNow(secret).equals("000000")) {
            assertThat(wrong.status()).isEqualTo(409);
            assertThat(wrong.body()).contains("InvalidVerificationCode").endsWith(CONFLICT);
        }
        Http.Response confirm = call("POST", "security/two-factor/authenticator/confirm", token,
                "{\"Code\":\"" + totpNow(secret) + "\"}");
        assertThat(confirm.status()).isEqualTo(200);
        assertThat(confirm.text("Method")).isEqualTo("Totp");
        assertThat(confirm.json().get("RecoveryCodes")).hasSize(10);
        assertThat(call("GET", "security/two-factor", token, null).text("Method")).isEqualTo("Totp");
        assertThat(mailsTo(u.email())).isNotEmpty();
    }

    @Test
    void totpLoginAcceptsTheCurrentAndAdjacentStepsOnceEach() {
        User u = server.user(company, TestServer.username("totp"), null, User.TwoFactorMethod.NONE);
        Enrolled e = enrol(u, finalToken(u));

        Http.Response r = first(u.username());
        assertThat(r.status()).isEqualTo(202);
        assertThat(r.body()).contains("\"Step\":\"VerificationCode\",\"Reason\":\"Expecting confirmation code\"");
        String code = totpNow(e.secret());
        assertThat(second(u.username(), r.text("Token"), code).status()).isEqualTo(200);

        // The same code again (same step) is a replay.
        Http.Response r2 = first(u.username());
        assertThat(second(u.username(), r2.text("Token"), code).status()).isEqualTo(202);

        // One step of drift either way is accepted: the previous step's code, 30 s later.
        server.clock.advance(Totp.STEP.multipliedBy(2));
        String previous = Totp.codeAt(e.secret(), server.clock.instant().minus(Totp.STEP));
        assertThat(second(u.username(), r2.text("Token"), previous).status()).isEqualTo(200);

        // Two steps back is too old.
        server.clock.advance(Totp.STEP.multipliedBy(3));
        Http.Response r3 = first(u.username());
        String tooOld = Totp.codeAt(e.secret(), server.clock.instant().minus(Totp.STEP.multipliedBy(2)));
        String current = totpNow(e.secret());
        if (!tooOld.equals(current) && !tooOld.equals(Totp.codeAt(e.secret(), server.clock.instant().minus(Totp.STEP)))) {
            assertThat(second(u.username(), r3.text("Token"), tooOld).status()).isEqualTo(202);
        }
        String next = Totp.codeAt(e.secret(), server.clock.instant().plus(Totp.STEP));
        assertThat(second(u.username(), r3.text("Token"), next).status()).isEqualTo(200);
    }

    @Test
    void aRecoveryCodeStandsInForAnyMethodOnce() {
        User u = server.user(company, TestServer.username("recover"), null, User.TwoFactorMethod.NONE);
        Enrolled e = enrol(u, finalToken(u));
        String recovery = e.recoveryCodes().get(0);
        assertThat(recovery).matches("[A-Z2-7]{4}-[A-Z2-7]{4}-[A-Z2-7]{4}-[A-Z2-7]{4}");
        Http.Response r = first(u.username());
        assertThat(second(u.username(), r.text("Token"), recovery.toLowerCase()).status()).isEqualTo(200);
        Http.Response r2 = first(u.username());
        assertThat(second(u.username(), r2.text("Token"), recovery).status()).isEqualTo(202);
        assertThat(call("GET", "security/two-factor", second(u.username(), r2.text("Token"), e.recoveryCodes().get(1))
                .text("Token"), null).json().get("RecoveryCodesLeft").asInt()).isEqualTo(8);

        // With e-mail as the method, a recovery code still works (no mail needed).
        String token = finalTokenVia(u, e.recoveryCodes().get(2));
        Http.Response toEmail = call("PUT", "security/two-factor", token, "{\"Method\":\"Email\",\"Password\":\""
                + TestServer.PASSWORD + "\",\"VerificationCode\":\"" + e.recoveryCodes().get(3) + "\"}");
        assertThat(toEmail.status()).as(toEmail.body()).isEqualTo(200);
        Http.Response viaMail = first(u.username());
        assertThat(viaMail.status()).isEqualTo(202);
        assertThat(second(u.username(), viaMail.text("Token"), e.recoveryCodes().get(4)).status()).isEqualTo(200);
    }

    String finalTokenVia(User u, String code) {
        Http.Response r = first(u.username());
        Http.Response done = second(u.username(), r.text("Token"), code);
        assertThat(done.status()).as(done.body()).isEqualTo(200);
        return done.text("Token");
    }

    // ---- switching methods ----------------------------------------------------------------------

    @Test
    void switchingNeedsThePasswordAndACurrentCodeAndIsMailed() {
        User u = server.user(company, TestServer.username("switch"), null, User.TwoFactorMethod.NONE);
        String token = finalToken(u);
        Http.Response settings = call("GET", "security/two-factor", token, null);
        assertThat(settings.body()).isEqualTo("{\"Method\":\"None\",\"PhoneNumber\":null,\"PhoneNumberState\":\"NotLinked\","
                + "\"AuthenticatorEnrolled\":false,\"RecoveryCodesLeft\":0,\"Methods\":[\"None\",\"Email\",\"Sms\",\"Totp\"]}");

        Http.Response wrongPassword = call("PUT", "security/two-factor", token, "{\"Method\":\"Email\",\"Password\":\"nope nope nope\"}");
        assertThat(wrongPassword.status()).isEqualTo(409);
        assertThat(wrongPassword.body()).isEqualTo("{\"Model\":null,\"Errors\":[\"The password is incorrect.\"],"
                + "\"ErrorsCode\":[\"InvalidPassword\"],\"StatusCode\":409,\"IsSucceed\":false}");

        int mails = mailsTo(u.email()).size();
        Http.Response toEmail = call("PUT", "security/two-factor", token,
                "{method:'email', password:'" + TestServer.PASSWORD + "',}");
        assertThat(toEmail.status()).as(toEmail.body()).isEqualTo(200);
        assertThat(toEmail.text("Method")).isEqualTo("Email");
        mail.waitForIncomingEmail(2000, mails + 1);
        assertThat(mailsTo(u.email())).hasSize(mails + 1);
        assertThat(GreenMailUtil.getBody(mailsTo(u.email()).get(mails))).contains("Email").contains("was None");

        // Now a factor is on: switching off needs a current code, which the session alone cannot give.
        Http.Response noCode = call("PUT", "security/two-factor", token,
                "{\"Method\":\"None\",\"Password\":\"" + TestServer.PASSWORD + "\"}");
        assertThat(noCode.status()).isEqualTo(409);
        assertThat(noCode.body()).contains("VerificationCodeRequired");
        int before = mailsTo(u.email()).size();
        Http.Response sent = call("POST", "security/two-factor/code", token, null);
        assertThat(sent.status()).as(sent.body()).isEqualTo(200);
        assertThat(sent.body()).isEqualTo("{\"Channel\":\"Email\",\"ExpiresInSeconds\":600}");
        String code = lastMailCode(u.email(), before);
        Http.Response wrongCode = call("PUT", "security/two-factor", token, "{\"Method\":\"None\",\"Password\":\""
                + TestServer.PASSWORD + "\",\"VerificationCode\":\"" + (code.equals("111111") ? "222222" : "111111") + "\"}");
        assertThat(wrongCode.body()).contains("InvalidVerificationCode");
        Http.Response off = call("PUT", "security/two-factor", token, "{\"Method\":\"None\",\"Password\":\""
                + TestServer.PASSWORD + "\",\"VerificationCode\":\"" + code + "\"}");
        assertThat(off.status()).as(off.body()).isEqualTo(200);
        assertThat(off.text("Method")).isEqualTo("None");
        // Single use.
        Http.Response replay = call("PUT", "security/two-factor", token, "{\"Method\":\"Email\",\"Password\":\""
                + TestServer.PASSWORD + "\"}");
        assertThat(replay.status()).isEqualTo(200);
    }

    @Test
    void smsNeedsABoundNumberAndTotpAnEnrolment() {
        User u = server.user(company, TestServer.username("needs"), null, User.TwoFactorMethod.NONE);
        String token = finalToken(u);
        assertThat(call("PUT", "security/two-factor", token, "{\"Method\":\"Sms\",\"Password\":\"" + TestServer.PASSWORD + "\"}")
                .body()).contains("PhoneNotBound");
        assertThat(call("PUT", "security/two-factor", token, "{\"Method\":\"Totp\",\"Password\":\"" + TestServer.PASSWORD + "\"}")
                .body()).contains("AuthenticatorNotEnrolled");
        Http.Response bad = call("PUT", "security/two-factor", token, "{\"Method\":\"Pigeon\",\"Password\":\"x\"}");
        assertThat(bad.status()).isEqualTo(422);
        assertThat(bad.body()).isEqualTo("{\"Message\":\"Validation error occured while processing entity\","
                + "\"ModelState\":{\"model.Method\":[\"Method must be None, Email, Sms or Totp.\"]}}");
        assertThat(call("PUT", "security/two-factor", token, "{not json").status()).isEqualTo(422);
        assertThat(call("PUT", "security/two-factor", token, null).status()).isEqualTo(422);
    }

    // ---- phone binding (Subscriptions API) --------------------------------------------------

    @Test
    void bindingAPhoneThenChoosingSms() {
        User u = server.user(company, TestServer.username("bind"), null, User.TwoFactorMethod.NONE);
        String token = finalToken(u);
        String phone = newPhone();
        Http.Response none = call("GET", "subscriptions/settings/phonenumber", token, null);
        assertThat(none.body()).isEqualTo("{\"PhoneNumber\":null,\"PhoneNumberState\":\"NotLinked\"}");

        Http.Response started = call("PUT", "subscriptions/settings/phonenumber?phoneNumber=%2B" + phone.substring(1), token, null);
        assertThat(started.status()).as(started.body()).isEqualTo(200);
        assertThat(started.body()).matches("\\{\"m_Item1\":\\{\"PhoneNumber\":\"\\" + phone
                + "\",\"PhoneNumberState\":\"NotVerified\"},\"m_Item2\":\\d+}");
        long tokenId = started.json().get("m_Item2").asLong();
        String code = sms.last(phone).code();
        // Not bound until verified.
        assertThat(call("GET", "subscriptions/settings/phonenumber", token, null).text("PhoneNumberState")).isEqualTo("NotLinked");

        Http.Response wrong = call("PUT", "subscriptions/settings/phonenumber/token/" + tokenId + "?tokenValue="
                + (code.equals("123456") ? "654321" : "123456"), token, null);
        assertThat(wrong.status()).isEqualTo(409);
        Http.Response bound = call("PUT", "subscriptions/settings/phonenumber/token/" + tokenId + "?tokenValue=" + code, token, null);
        assertThat(bound.status()).isEqualTo(200);
        assertThat(bound.body()).isEqualTo("{\"PhoneNumber\":\"" + phone + "\",\"PhoneNumberState\":\"Active\"}");
        assertThat(call("PUT", "subscriptions/settings/phonenumber/token/" + tokenId + "?tokenValue=" + code, token, null)
                .status()).isEqualTo(409);

        Http.Response toSms = call("PUT", "security/two-factor", token, "{\"Method\":\"Sms\",\"Password\":\"" + TestServer.PASSWORD + "\"}");
        assertThat(toSms.status()).as(toSms.body()).isEqualTo(200);
        server.clock.advance(Duration.ofMinutes(1));
        Http.Response login = first(u.username());
        assertThat(login.status()).isEqualTo(202);
        assertThat(second(u.username(), login.text("Token"), sms.last(phone).code()).status()).isEqualTo(200);

        // A stolen session cannot move the codes to another phone while SMS is the factor.
        assertThat(call("DELETE", "subscriptions/settings/phonenumber", token, null).body()).contains("PhoneUsedForTwoFactor");
        assertThat(call("PUT", "subscriptions/settings/phonenumber?phoneNumber=%2B15559999999", token, null).status()).isEqualTo(409);
    }

    @Test
    void theCodeLifetimeIsEnforcedForSmsToo() {
        String phone = newPhone();
        User u = server.userWithPhone(company, TestServer.username("smsexp"), phone, User.TwoFactorMethod.SMS);
        Http.Response r = first(u.username());
        String code = sms.last(phone).code();
        server.clock.advance(Duration.ofMinutes(10).plusSeconds(1));
        assertThat(second(u.username(), r.text("Token"), code).status()).isEqualTo(401);
    }
}
