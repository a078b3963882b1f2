package dev.crater.feedback;

import static org.assertj.core.api.Assertions.assertThat;

import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.GreenMailUtil;
import com.icegreen.greenmail.util.ServerSetupTest;
import dev.crater.companies.Company;
import dev.crater.config.SmtpConfig;
import dev.crater.testing.CliRun;
import dev.crater.testing.Http;
import dev.crater.testing.Mailbox;
import dev.crater.testing.StoreKind;
import dev.crater.testing.TestServer;
import dev.crater.users.User;
import jakarta.mail.internet.MimeMessage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;

/**
 * Goal: {@code POST /v1.0/feedbacks} (reference 10 §2) — the SubmitFeedbackModel echoed as the README
 * example shows, stored with its attachments, e-mailed to the company's support address (and only
 * stored when it has none), a 422 ModelState for each bad field (no comment, too many attachments,
 * data that is not base64), 401 without a token, a per-user hourly limit (429); operators list it
 * and save its attachments with {@code crater admin feedback}.
 *
 * <p>Method: one real server per store with GreenMail as its SMTP server and a pinned clock.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(value = 180, unit = TimeUnit.SECONDS)
abstract class FeedbackContract {
    static final byte[] PNG = {(byte) 0x89, 'P', 'N', 'G', 13, 10, 26, 10, 0, 0, 0, 13};

    abstract StoreKind store();

    GreenMail mail;
    TestServer server;
    Company company;
    User user;
    String token;
    String support;

    @BeforeAll
    void start() {
        mail = new GreenMail(ServerSetupTest.SMTP.dynamicPort());
        mail.start();
        server = TestServer.start(store(),
                Optional.of(new SmtpConfig("127.0.0.1", mail.getSmtp().getPort(), "", "", "crater@test.example")));
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

    @BeforeEach
    void newUser() {
        company = server.company();
        support = TestServer.username("support") + "@broker.example";
        server.services().feedback.setSupportEmail(company.id(), support);
        user = server.user(company, TestServer.username("fb"), null, User.TwoFactorMethod.NONE);
        token = server.login(company, user.username());
        server.clock.advance(Duration.ofMinutes(2));
    }

    Http.Response send(String method, String body) {
        return Http.send(method, server.api() + "v1.0/feedbacks", body, "Et-App-Key", company.appKey(),
                "Authorization", "Bearer " + token, "Content-Type", "application/json", "User-Agent", "CraterTest/1.0");
    }

    static String body(String subject, String comment, String images) {
        return "{\"BuildVersion\": \"iOS 1.7\", \"Comment\": \"" + comment + "\", \"Contacts\": \"+1 310 555 0100\","
                + " \"Subject\": \"" + subject + "\", \"ImagesToUpload\": " + images + "}";
    }

    static String image(String name, String data) {
        return "{\"Name\": \"" + name + "\", \"Data\": \"" + data + "\", \"Type\": \"png\"}";
    }

    @Test
    void feedbackIsEchoedStoredAndMailedToSupport() throws Exception {
        String data = Base64.getEncoder().encodeToString(PNG);
        Http.Response r = send("POST", body("Chart freezes", "The chart stops after an hour.", "[" + image("screenshot1", data) + "]"));
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        assertThat(r.body()).isEqualTo("{\"BuildVersion\":\"iOS 1.7\",\"Comment\":\"The chart stops after an hour.\","
                + "\"Contacts\":\"+1 310 555 0100\",\"Subject\":\"Chart freezes\",\"ImagesToUpload\":[{\"Name\":\"screenshot1\","
                + "\"Data\":\"" + data + "\",\"Type\":\"png\"}]}");
        List<Feedback> stored = server.services().feedback.newest(company.id(), 10);
        assertThat(stored).hasSize(1);
        Feedback f = stored.get(0);
        assertThat(f.userId()).isEqualTo(user.id());
        assertThat(f.createdAtMs()).isEqualTo(server.clock.millis());
        assertThat(f.userAgent()).isEqualTo("CraterTest/1.0");
        assertThat(f.files()).extracting(Feedback.File::name, Feedback.File::sizeBytes).containsExactly(
                org.assertj.core.groups.Tuple.tuple("screenshot1", (long) PNG.length));

        String mailBody = Mailbox.nextBody(mail, support, 0);
        MimeMessage m = Mailbox.to(mail, support).get(0);
        assertThat(m.getSubject()).isEqualTo("[" + company.name() + " feedback #" + f.id() + "] Chart freezes");
        assertThat(mailBody).contains("From: " + user.username() + " (user " + user.id())
                .contains("Build: iOS 1.7").contains("The chart stops after an hour.").contains("screenshot1.png (12 bytes)");
        assertThat(server.services().feedback.byId(f.id()).orElseThrow().mailState()).isEqualTo("sent");
        assertThat(GreenMailUtil.getBody(m)).doesNotContain(data);

        // The README's PUT, and a trailing slash.
        Http.Response put = Http.send("PUT", server.api() + "v1/feedbacks/", body("Second", "Also this.", "[]"),
                "Et-App-Key", company.appKey(), "Authorization", "Bearer " + token, "Content-Type", "application/json");
        assertThat(put.status()).isEqualTo(200);
        assertThat(server.services().feedback.newest(company.id(), 10)).hasSize(2);
    }

    @Test
    void withoutASupportAddressFeedbackIsStoredOnly() {
        server.services().feedback.setSupportEmail(company.id(), "");
        assertThat(send("POST", body("No one", "Is anyone there?", "null")).status()).isEqualTo(200);
        Feedback f = server.services().feedback.newest(company.id(), 1).get(0);
        assertThat(f.mailState()).isEqualTo("none");
        assertThat(Mailbox.to(mail, support)).isEmpty();
    }

    @Test
    void badFeedbackIsTheDocumented422() {
        String data = Base64.getEncoder().encodeToString(PNG);
        assertThat(bad(body("s", "", "[]"))).contains("\"feedback.Comment\":[\"Comment is required.\"]");
        String six = "[" + String.join(",", java.util.Collections.nCopies(6, image("a", data))) + "]";
        assertThat(bad(body("s", "c", six))).contains("\"feedback.ImagesToUpload\":[\"At most 5 attachments.\"]");
        assertThat(bad(body("s", "c", "[" + image("a", "@@not base64@@") + "]")))
                .contains("\"feedback.ImagesToUpload[0].Data\":[\"Data is not base64.\"]");
        assertThat(bad(body("s", "c", "[{\"Name\": \"a\", \"Data\": \"" + data + "\", \"Type\": \"../x\"}]")))
                .contains("feedback.ImagesToUpload[0].Type");
        assertThat(bad(body("x".repeat(201), "c", "[]"))).contains("feedback.Subject");
        assertThat(bad("{\"Comment\": 5, \"ImagesToUpload\": \"no\"}")).contains("feedback.ImagesToUpload");
        assertThat(bad("")).contains("A request body is required.");
        assertThat(server.services().feedback.newest(company.id(), 10)).isEmpty();
        assertThat(Http.send("POST", server.api() + "v1.0/feedbacks", body("s", "c", "[]"), "Et-App-Key", company.appKey(),
                "Content-Type", "application/json").status()).isEqualTo(401);
    }

    String bad(String body) {
        Http.Response r = send("POST", body);
        assertThat(r.status()).as(r.body()).isEqualTo(422);
        return r.body();
    }

    @Test
    void oneUserSendsAtMostTwentyAnHour() {
        for (int i = 0; i < FeedbackService.PER_USER_PER_WINDOW_MAX; i++) {
            assertThat(send("POST", body("n" + i, "c", "[]")).status()).isEqualTo(200);
        }
        Http.Response r = send("POST", body("over", "c", "[]"));
        assertThat(r.status()).isEqualTo(429);
        assertThat(r.body()).contains("\"ErrorsCode\":[\"TooManyFeedbacks\"]");
        server.clock.advance(FeedbackService.RATE_WINDOW.plusSeconds(1));
        assertThat(send("POST", body("later", "c", "[]")).status()).isEqualTo(200);
    }

    @Test
    void operatorsListShowAndSaveFeedback() throws Exception {
        if (store() != StoreKind.SQLITE) {
            return;   // the CLI test harness opens the SQLite store of the server's data directory
        }
        String data = Base64.getEncoder().encodeToString(PNG);
        send("POST", body("Login slow", "It takes ages.", "[" + image("shot", data) + "]"));
        long id = server.services().feedback.newest(company.id(), 1).get(0).id();
        CliRun.Result list = CliRun.against(server, "admin", "feedback", "list", "--company", company.name());
        assertThat(list.code()).as(list.err()).isZero();
        assertThat(list.out()).contains("Support address: " + support).containsPattern(id + " +\\S+ +" + user.id() + " +sent +1 +Login slow");
        Path dir = Files.createTempDirectory("crater-feedback-");
        CliRun.Result show = CliRun.against(server, "admin", "feedback", "show", "--id", String.valueOf(id),
                "--save-to", dir.toString());
        assertThat(show.code()).as(show.err()).isZero();
        assertThat(show.out()).contains("from " + user.username()).contains("It takes ages.");
        assertThat(Files.readAllBytes(dir.resolve("0-shot.png"))).isEqualTo(PNG);
        CliRun.Result set = CliRun.against(server, "admin", "feedback", "set-support", "--company", company.name(),
                "--email", "not an address");
        assertThat(set.code()).isEqualTo(2);
        CliRun.Result set2 = CliRun.against(server, "admin", "feedback", "set-support", "--company", company.name(),
                "--email", "help@broker.example");
        assertThat(set2.code()).isZero();
        assertThat(server.services().feedback.supportEmail(company.id())).contains("help@broker.example");
    }
}
