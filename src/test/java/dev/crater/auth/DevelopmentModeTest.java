package dev.crater.auth;

import static org.assertj.core.api.Assertions.assertThat;

import dev.crater.companies.Company;
import dev.crater.config.CraterConfig;
import dev.crater.demo.DemoData;
import dev.crater.notify.Outbox;
import dev.crater.testing.Http;
import dev.crater.testing.StoreKind;
import dev.crater.testing.TestServer;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;

/**
 * Goal: the out-of-the-box experience. With no SMTP server configured (the demo default) and demo
 * data on, each demo user logs in exactly as the start-up banner says, and e-mailed codes land in
 * the development outbox.
 *
 * <p>Method: a real server with demo data and no SMTP; logins over HTTP; the code is read from the
 * outbox the way {@code ./crater admin outbox} reads it.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class DevelopmentModeTest {
    TestServer server;
    Company demo;

    @BeforeAll
    void start() {
        server = TestServer.start(StoreKind.SQLITE, Optional.empty(), CraterConfig.TOKEN_TTL_DEFAULT, true);
        demo = server.services().companies.byName(DemoData.COMPANY).orElseThrow();
    }

    @AfterAll
    void stop() {
        server.close();
    }

    Http.Response login(String username, String... extra) {
        String[] headers = new String[6 + extra.length];
        System.arraycopy(new String[] {"Et-App-Key", demo.appKey(), "Username", username, "Password", DemoData.PASSWORD},
                0, headers, 0, 6);
        System.arraycopy(extra, 0, headers, 6, extra.length);
        return Http.post(server.api() + "token", headers);
    }

    @Test
    void demoDataHasOneUserPerLoginKindAndIsCreatedOnlyOnce() {
        assertThat(server.services().users.all()).extracting(u -> u.username())
                .containsExactly("demo", "demo-pin", "demo-2fa", "demo-sms", "demo-totp");
        assertThat(DemoData.createIfEmpty(server.services())).isFalse();
    }

    @Test
    void plainDemoUserLogsIn() {
        assertThat(login("demo").status()).isEqualTo(200);
    }

    @Test
    void pinDemoUserLogsInWithThePrintedPin() {
        assertThat(login("demo-pin", "PinCode", DemoData.PIN).status()).isEqualTo(200);
    }

    @Test
    void twoFactorDemoUserGetsItsCodeFromTheOutbox() {
        Http.Response first = login("demo-2fa");
        assertThat(first.status()).isEqualTo(202);
        Outbox.Entry newest = server.services().outbox.newest(Outbox.MESSAGES_KEPT_MAX).stream()
                .filter(e -> e.recipient().equals("demo-2fa@example.com"))
                .findFirst().orElseThrow();
        Matcher m = Pattern.compile("\\b(\\d{6})\\b").matcher(newest.body());
        assertThat(m.find()).isTrue();
        Http.Response second = login("demo-2fa", "Authorization", "Bearer " + first.text("Token"),
                "VerificationCode", m.group(1));
        assertThat(second.status()).isEqualTo(200);
    }

    @Test
    void smsDemoUserGetsItsCodeFromTheOutbox() {
        Http.Response first = login("demo-sms");
        assertThat(first.status()).isEqualTo(202);
        Outbox.Entry text = server.services().outbox.newest(Outbox.MESSAGES_KEPT_MAX).stream()
                .filter(e -> e.channel().equals("sms") && e.recipient().equals("+15555550100"))
                .findFirst().orElseThrow();
        Matcher m = Pattern.compile("\\b(\\d{6})\\b").matcher(text.body());
        assertThat(m.find()).isTrue();
        assertThat(login("demo-sms", "Authorization", "Bearer " + first.text("Token"), "VerificationCode", m.group(1))
                .status()).isEqualTo(200);
    }

    @Test
    void totpDemoUserLogsInWithTheAuthenticatorCodeOfThePrintedSecret() {
        var services = server.services();
        var user = services.users.byUsername(demo.id(), "demo-totp").orElseThrow();
        String secret = services.secretBox.open(user.totpSecretSealed());
        java.io.ByteArrayOutputStream banner = new java.io.ByteArrayOutputStream();
        DemoData.printLogin(services, server.api(), new java.io.PrintStream(banner, true));
        assertThat(banner.toString()).contains("authenticator secret: " + secret).contains("otpauth://totp/");
        Http.Response first = login("demo-totp");
        assertThat(first.status()).isEqualTo(202);
        String code = Totp.codeAt(secret, server.clock.instant());
        assertThat(login("demo-totp", "Authorization", "Bearer " + first.text("Token"), "VerificationCode", code)
                .status()).isEqualTo(200);
    }

    @Test
    void outboxKeepsOnlyTheNewestMessages() {
        Outbox outbox = server.services().outbox;
        for (int i = 0; i <= Outbox.MESSAGES_KEPT_MAX; i++) {
            outbox.record("email", "bulk@example.com", "s" + i, "b" + i);
        }
        List<Outbox.Entry> all = outbox.newest(Outbox.MESSAGES_KEPT_MAX + 50);
        assertThat(all).hasSize(Outbox.MESSAGES_KEPT_MAX);
        assertThat(all.get(0).subject()).isEqualTo("s" + Outbox.MESSAGES_KEPT_MAX);
    }
}
