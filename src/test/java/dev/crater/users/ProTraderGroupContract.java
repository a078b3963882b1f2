package dev.crater.users;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetupTest;
import dev.crater.companies.Company;
import dev.crater.config.SmtpConfig;
import dev.crater.http.Dates;
import dev.crater.testing.CliRun;
import dev.crater.testing.Http;
import dev.crater.testing.Mailbox;
import dev.crater.testing.SecretsLedger;
import dev.crater.testing.StoreKind;
import dev.crater.testing.TestServer;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;

/**
 * Goal: the ProTrader group (the spec's Users_AddUserToGroup). An operator's invitation e-mails the
 * user a token; {@code POST /users/@me/group?confirmationToken=…} (or the caller's own id) adds the
 * caller once, only with their own unused, unexpired token (anything else the 400 {"Message"}); another
 * user's id is the 401 of every /users route; membership shows in the caller's ClientsAccess settings
 * until an operator removes it; the admin commands invite, list and remove.
 *
 * <p>Method: one real server per store, each test its own company and users, logging in fresh (the
 * expiry test moves the server's clock past the invitation's lifetime); tokens read from the outbox.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(value = 120, unit = TimeUnit.SECONDS)
abstract class ProTraderGroupContract {
    private static final Pattern TOKEN = Pattern.compile("Your confirmation token: (\\S+)");

    abstract StoreKind store();

    GreenMail mail;
    TestServer server;
    Company company;
    User user;
    String token;

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
    void newCompany() {
        company = server.company();
        user = server.user(company, TestServer.username("pro"), null, User.TwoFactorMethod.NONE);
        token = server.login(company, user.username());
    }

    Http.Response join(String userId, String confirmationToken, String bearer) {
        String q = confirmationToken == null ? ""
                : "?confirmationToken=" + URLEncoder.encode(confirmationToken, StandardCharsets.UTF_8);
        return Http.send("POST", server.api() + "v1.0/users/" + userId + "/group" + q, null,
                "Et-App-Key", company.appKey(), "Authorization", "Bearer " + bearer);
    }

    Http.Response access(String path, String bearer) {
        return Http.get(server.api() + "v1.0/access-types/" + path, "Et-App-Key", company.appKey(),
                "Authorization", "Bearer " + bearer);
    }

    /**
     * An operator's invitation of {@code u} (through the service the admin command calls): its token, checked
     * to be the one e-mailed, and recorded so that the suite's secrets scan looks for it in logs and stores.
     */
    String invite(User u) {
        int seen = Mailbox.to(mail, u.email()).size();
        ProTraderGroup.Invitation i = server.services().proTrader.invite(company, u);
        assertThat(i.mailed()).isTrue();
        assertThat(i.expiresAtMs()).isEqualTo(server.clock.millis() + ProTraderGroup.INVITE_TTL.toMillis());
        SecretsLedger.record(i.token(), "ProTrader confirmation token");
        assertThat(mailedToken(Mailbox.nextBody(mail, u.email(), seen))).isEqualTo(i.token());
        return i.token();
    }

    static String mailedToken(String body) {
        Matcher m = TOKEN.matcher(body);
        assertThat(m.find()).as(body).isTrue();
        return m.group(1);
    }

    static void assertFailed(Http.Response r) {
        assertThat(r.status()).as(r.body()).isEqualTo(400);
        assertThat(r.json().size()).isEqualTo(1);
        assertThat(r.text("Message")).isEqualTo(ProTraderGroup.FAILED);
    }

    @Test
    void theInvitedUserJoinsOnceWithTheMailedTokenAndTheirAccessSettingsShowIt() {
        assertThat(access("ClientsAccess/value", token).body()).isEqualTo("{}");
        String invitation = invite(user);

        long joinedAt = server.clock.millis();
        Http.Response r = join("@me", invitation, token);
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        assertThat(r.json().get("UserId").asLong()).isEqualTo(user.id());
        assertThat(r.text("Group")).isEqualTo("ProTrader");
        assertThat(r.text("JoinedAt")).isEqualTo(Dates.iso(joinedAt));
        assertThat(server.services().proTrader.member(user.id()).orElseThrow().joinedAtMs()).isEqualTo(joinedAt);

        assertThat(access("ClientsAccess/value", token).body()).isEqualTo("{\"ProTraderGroup\":\"1\"}");
        JsonNode allowed = access("ClientsAccess/allowed", token).json();
        assertThat(allowed.size()).isEqualTo(1);
        assertThat(allowed.get(0).get("Id").asLong()).isZero();
        assertThat(allowed.get(0).get("Name").asText()).isEqualTo("ProTraderGroup");
        assertThat(allowed.get(0).get("Category").asText()).isEqualTo("ClientsAccess");
        assertThat(allowed.get(0).get("OptionsType").asText()).isEqualTo("checkBox");
        assertThat(access("ClientsAccess/value?startsWith=protrader", token).body()).contains("ProTraderGroup");
        assertThat(access("ClientsAccess/value?startsWith=Allow", token).body()).isEqualTo("{}");
        assertThat(access("Options/value", token).body()).isEqualTo("{}");

        // Once only.
        assertFailed(join("@me", invitation, token));

        // Another member of the company is not affected; they join by their own id (v1, trailing slash).
        User other = server.user(company, TestServer.username("pro"), null, User.TwoFactorMethod.NONE);
        String otherToken = server.login(company, other.username());
        assertThat(access("ClientsAccess/value", otherToken).body()).isEqualTo("{}");
        String t = invite(other);
        Http.Response own = Http.send("POST", server.api() + "v1/users/" + other.id() + "/group/?confirmationToken=" + t,
                null, "Et-App-Key", company.appKey(), "Authorization", "Bearer " + otherToken);
        assertThat(own.status()).as(own.body()).isEqualTo(200);
        assertThat(server.services().proTrader.members(company.id())).hasSize(2);

        // An operator removes a member: the entitlement goes, and joining again needs a new invitation.
        assertThat(server.services().proTrader.remove(user)).isTrue();
        assertThat(access("ClientsAccess/value", token).body()).isEqualTo("{}");
        assertFailed(join("@me", invitation, token));
        assertThat(server.services().proTrader.remove(user)).isFalse();
    }

    @Test
    void aWrongMissingExpiredSupersededOrAnotherUsersTokenIsTheDocumented400() {
        String invitation = invite(user);
        assertFailed(join("@me", null, token));
        assertFailed(join("@me", "", token));
        assertFailed(join("@me", "not-the-token", token));
        assertFailed(join("@me", "x".repeat(500), token));

        // Another user of the company (or of another company) cannot use it.
        User other = server.user(company, TestServer.username("pro"), null, User.TwoFactorMethod.NONE);
        assertFailed(join("@me", invitation, server.login(company, other.username())));
        Company elsewhere = server.company();
        User stranger = server.user(elsewhere, TestServer.username("pro"), null, User.TwoFactorMethod.NONE);
        Http.Response foreign = Http.send("POST", server.api() + "v1.0/users/@me/group?confirmationToken="
                        + invitation, null, "Et-App-Key", elsewhere.appKey(),
                "Authorization", "Bearer " + server.login(elsewhere, stranger.username()));
        assertFailed(foreign);
        assertThat(server.services().proTrader.member(other.id())).isEmpty();
        assertThat(server.services().proTrader.member(stranger.id())).isEmpty();

        // A new invitation replaces the earlier one.
        String second = invite(user);
        assertFailed(join("@me", invitation, token));

        // Expired: usable up to its lifetime, not at its end.
        server.clock.advance(ProTraderGroup.INVITE_TTL);
        String fresh = server.login(company, user.username());
        assertFailed(join("@me", second, fresh));
        assertThat(server.services().proTrader.member(user.id())).isEmpty();

        String third = invite(user);
        server.clock.advance(ProTraderGroup.INVITE_TTL.minus(Duration.ofSeconds(1)));
        Http.Response ok = join("@me", third, server.login(company, user.username()));
        assertThat(ok.status()).as(ok.body()).isEqualTo(200);
    }

    @Test
    void anotherUsersIdIsThe401OfEveryUserRouteAndCredentialsAreChecked() {
        User other = server.user(company, TestServer.username("pro"), null, User.TwoFactorMethod.NONE);
        String t = invite(user);
        Http.Response denied = join(String.valueOf(other.id()), t, token);
        Http.Response info = Http.get(server.api() + "v1.0/users/" + other.id() + "/info",
                "Et-App-Key", company.appKey(), "Authorization", "Bearer " + token);
        assertThat(denied.status()).isEqualTo(401);
        assertThat(info.status()).isEqualTo(401);
        assertThat(denied.body()).isEqualTo(info.body());
        assertThat(server.services().proTrader.member(other.id())).isEmpty();

        Http.Response notInt = join("abc", t, token);
        assertThat(notInt.status()).as(notInt.body()).isEqualTo(422);
        assertThat(join("@me", t, "not-a-token").status()).isEqualTo(401);
        assertThat(Http.send("POST", server.api() + "v1.0/users/@me/group?confirmationToken=" + t, null,
                "Et-App-Key", "wrong", "Authorization", "Bearer " + token).status()).isEqualTo(403);
        assertThat(server.services().proTrader.member(user.id())).isEmpty();
        // Still unused after all of that.
        assertThat(join("@me", t, token).status()).isEqualTo(200);
    }

    @Test
    void operatorsCannotSetTheGroupsEntitlementByHand() {
        assertThat(org.assertj.core.api.Assertions.catchThrowable(() -> server.services().appSettings.setAccessType(
                company.id(), "ClientsAccess", "protradergroup", "", "1", "checkBox")))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void theAdminCommandsInviteListAndRemove() {
        if (store() != StoreKind.SQLITE) {
            return;   // the CLI test harness opens the SQLite store of the server's data directory
        }
        CliRun.Result invite = CliRun.against(server, "admin", "user", "pro-trader", "invite", "--company", company.name(),
                "--username", user.username());
        assertThat(invite.code()).as(invite.err()).isZero();
        // The command's own store has no SMTP server configured: its mail is in the development outbox.
        String mailed = mailedToken(server.services().outbox.newest(50).stream()
                .filter(m -> m.recipient().equalsIgnoreCase(user.email()) && m.subject().contains("ProTrader"))
                .findFirst().orElseThrow().body());
        assertThat(invite.out()).contains(mailed).contains("E-mailed to " + user.email());

        CliRun.Result invited = CliRun.against(server, "admin", "user", "pro-trader", "list", "--company", company.name());
        assertThat(invited.code()).as(invited.err()).isZero();
        assertThat(invited.out()).containsPattern(user.id() + " +" + Pattern.quote(user.username()) + " +invited")
                .doesNotContain(mailed);

        assertThat(join("@me", mailed, token).status()).isEqualTo(200);
        CliRun.Result members = CliRun.against(server, "admin", "user", "pro-trader", "list", "--company", company.name());
        assertThat(members.out()).containsPattern(user.id() + " +" + Pattern.quote(user.username()) + " +member +"
                + Pattern.quote(Dates.iso(server.clock.millis())));

        CliRun.Result again = CliRun.against(server, "admin", "user", "pro-trader", "invite", "--company", company.name(),
                "--username", user.username());
        assertThat(again.code()).isEqualTo(2);
        assertThat(again.err()).contains("already in the ProTrader group");
        assertThat(CliRun.against(server, "admin", "user", "pro-trader", "invite", "--company", company.name(),
                "--username", "nobody-here").code()).isEqualTo(2);

        CliRun.Result remove = CliRun.against(server, "admin", "user", "pro-trader", "remove", "--company", company.name(),
                "--username", user.username());
        assertThat(remove.code()).as(remove.err()).isZero();
        assertThat(access("ClientsAccess/value", token).body()).isEqualTo("{}");
        assertThat(CliRun.against(server, "admin", "user", "pro-trader", "list", "--company", company.name()).out())
                .doesNotContain(user.username());
        assertThat(CliRun.against(server, "admin", "user", "pro-trader", "remove", "--company", company.name(),
                "--username", user.username()).code()).isEqualTo(2);
        assertThat(join("@me", mailed, token).status()).isEqualTo(400);
    }
}
