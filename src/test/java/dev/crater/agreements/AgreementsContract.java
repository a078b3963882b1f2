package dev.crater.agreements;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.crater.companies.Company;
import dev.crater.http.Dates;
import dev.crater.testing.CliRun;
import dev.crater.testing.Http;
import dev.crater.testing.StoreKind;
import dev.crater.testing.TestServer;
import dev.crater.users.User;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;

/**
 * Goal: agreements (reference 02-users.md §4, the spec's Agreements_GetUnsignedAgreements and
 * Agreements_SignPlatformAgreement) — the company's live agreements the user has not signed in their
 * current version, in the documented shape plus what signing needs; signing records the version and
 * the server clock's time, once; a revised agreement is unsigned again, a retired one not asked; an
 * agreement of another company or none is 404; the caller's own only.
 *
 * <p>Method: one real server per store, its clock pinned; agreements set up as operators do (the
 * service the admin command calls, and the command itself on SQLite).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(value = 120, unit = TimeUnit.SECONDS)
abstract class AgreementsContract {
    abstract StoreKind store();

    TestServer server;
    Company company;
    User user;
    String token;

    @BeforeAll
    void start() {
        server = TestServer.start(store());
    }

    @AfterAll
    void stop() {
        if (server != null) {
            server.close();
        }
    }

    @BeforeEach
    void newUser() {
        company = server.company();
        user = server.user(company, TestServer.username("ag"), null, User.TwoFactorMethod.NONE);
        token = server.login(company, user.username());
        server.clock.advance(Duration.ofMinutes(3));
    }

    Http.Response call(String method, String path) {
        return Http.send(method, server.api() + path, null, "Et-App-Key", company.appKey(),
                "Authorization", "Bearer " + token);
    }

    @Test
    void aCompanyWithoutAgreementsAsksNothing() {
        Http.Response r = call("GET", "v1.0/users/@me/agreements");
        assertThat(r.status()).isEqualTo(200);
        assertThat(r.body()).isEqualTo("[]");
    }

    @Test
    void signingRecordsTheVersionAndTheTimeOnce() {
        List<Agreement> demo = server.services().agreements.addDemoSet(company.id());
        long platform = demo.get(0).id();
        long data = demo.get(1).id();
        Http.Response r = call("GET", "v1.0/users/@me/agreements/");
        assertThat(r.status()).isEqualTo(200);
        assertThat(r.body()).isEqualTo("[{\"Type\":\"Platform\",\"CanSkip\":false,\"Id\":" + platform
                + ",\"Name\":\"Platform terms of use\",\"Version\":1,\"Url\":\"https://example.com/terms\"},"
                + "{\"Type\":\"Quotemedia\",\"CanSkip\":true,\"Id\":" + data
                + ",\"Name\":\"Market data subscriber agreement (QuoteMedia)\",\"Version\":1,\"Url\":\"https://example.com/market-data\"}]");

        String signedAt = Dates.iso(server.clock.millis());
        Http.Response s = call("POST", "v1.0/users/" + user.id() + "/agreements/" + platform + "/sign");
        assertThat(s.status()).as(s.body()).isEqualTo(200);
        assertThat(s.body()).isEqualTo("{\"AgreementId\":" + platform + ",\"Version\":1,\"SignedDate\":\"" + signedAt + "\"}");
        assertThat(call("GET", "v1.0/users/@me/agreements").json().size()).isEqualTo(1);
        server.clock.advance(Duration.ofHours(1));
        assertThat(call("POST", "v1/users/@me/agreements/" + platform + "/sign/").body()).contains(signedAt);
        List<Agreement.Signature> stored = server.services().agreements.signatures(user.id());
        assertThat(stored).containsExactly(new Agreement.Signature(user.id(), platform, 1, java.time.Instant.parse(signedAt).toEpochMilli()));

        server.services().agreements.revise(company.id(), platform);
        JsonNode again = call("GET", "v1.0/users/@me/agreements").json();
        assertThat(again.size()).isEqualTo(2);
        assertThat(again.get(0).get("Version").asInt()).isEqualTo(2);
        Http.Response v2 = call("POST", "v1.0/users/@me/agreements/" + platform + "/sign");
        assertThat(v2.json().get("Version").asInt()).isEqualTo(2);
        assertThat(v2.json().get("SignedDate").asText()).isEqualTo(Dates.iso(server.clock.millis()));

        server.services().agreements.setRetired(company.id(), data, true);
        assertThat(call("GET", "v1.0/users/@me/agreements").body()).isEqualTo("[]");
        Http.Response retired = call("POST", "v1.0/users/@me/agreements/" + data + "/sign");
        assertThat(retired.status()).isEqualTo(404);
        assertThat(retired.body()).isEqualTo("{\"Message\":\"No agreement " + data + " to sign.\"}");
    }

    @Test
    void anotherCompanysAgreementOrUserIsRefused() {
        Company other = server.company();
        long foreign = server.services().agreements.addDemoSet(other.id()).get(0).id();
        assertThat(call("POST", "v1.0/users/@me/agreements/" + foreign + "/sign").status()).isEqualTo(404);
        assertThat(call("POST", "v1.0/users/@me/agreements/999999/sign").status()).isEqualTo(404);
        Http.Response notInt = call("POST", "v1.0/users/@me/agreements/terms/sign");
        assertThat(notInt.status()).isEqualTo(422);
        assertThat(notInt.body()).contains("agreementId");
        User second = server.user(company, TestServer.username("ag"), null, User.TwoFactorMethod.NONE);
        assertThat(call("GET", "v1.0/users/" + second.id() + "/agreements").status()).isEqualTo(401);
        assertThat(call("POST", "v1.0/users/" + second.id() + "/agreements/" + foreign + "/sign").status()).isEqualTo(401);
        assertThat(Http.get(server.api() + "v1.0/users/@me/agreements", "Et-App-Key", company.appKey()).status())
                .isEqualTo(401);
    }

    @Test
    void operatorsManageAgreementsFromTheCommandLine() {
        if (store() != StoreKind.SQLITE) {
            return;   // the CLI test harness opens the SQLite store of the server's data directory
        }
        CliRun.Result add = CliRun.against(server, "admin", "agreement", "add", "--company", company.name(),
                "--type", "quodd", "--name", "Quodd market data", "--can-skip");
        assertThat(add.code()).as(add.err()).isZero();
        assertThat(add.out()).contains("Quodd").contains("Quodd market data").contains("live");
        long id = server.services().agreements.ofCompany(company.id()).get(0).id();
        assertThat(call("GET", "v1.0/users/@me/agreements").body()).contains("\"Type\":\"Quodd\",\"CanSkip\":true");
        call("POST", "v1.0/users/@me/agreements/" + id + "/sign");
        CliRun.Result sig = CliRun.against(server, "admin", "agreement", "signatures", "--company", company.name(),
                "--username", user.username());
        assertThat(sig.out()).contains(id + " ").contains(Dates.iso(server.clock.millis()));
        CliRun.Result bad = CliRun.against(server, "admin", "agreement", "add", "--company", company.name(),
                "--type", "Other", "--name", "x");
        assertThat(bad.code()).isEqualTo(2);
        assertThat(bad.err()).contains("Platform, Quotemedia or Quodd");
        CliRun.Result revise = CliRun.against(server, "admin", "agreement", "revise", "--company", company.name(),
                "--id", String.valueOf(id));
        assertThat(revise.code()).isZero();
        assertThat(call("GET", "v1.0/users/@me/agreements").json().get(0).get("Version").asInt()).isEqualTo(2);
    }
}
