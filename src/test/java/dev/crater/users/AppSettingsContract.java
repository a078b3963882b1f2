package dev.crater.users;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.crater.companies.Company;
import dev.crater.companies.CompanyPolicy;
import dev.crater.testing.CliRun;
import dev.crater.testing.Http;
import dev.crater.testing.StoreKind;
import dev.crater.testing.TestServer;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;

/**
 * Goal: the mobile-app settings (reference 02-users.md §2 #4: app key only, {@code {"Settings": …}},
 * strings except the boolean PinEnabled, which follows the PIN policy; the sign-up button follows
 * whether registration is open; operators' keys over the defaults) and the access settings (§5: a
 * company's entitlements of a category, narrowed by {@code description} and {@code startsWith}, as
 * items or as a name → value map; an unknown category is the documented 400).
 *
 * <p>Method: one real server per store; each test its own company, configured through the service
 * the admin commands call (and the commands themselves on SQLite).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(value = 120, unit = TimeUnit.SECONDS)
abstract class AppSettingsContract {
    abstract StoreKind store();

    TestServer server;
    Company company;
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
    void newCompany() {
        company = server.company();
        User u = server.user(company, TestServer.username("app"), null, User.TwoFactorMethod.NONE);
        token = server.login(company, u.username());
    }

    Http.Response mobile() {
        return Http.get(server.api() + "v1.0/applications/mobile/settings", "Et-App-Key", company.appKey());
    }

    Http.Response access(String path) {
        return Http.get(server.api() + "v1.0/access-types/" + path, "Et-App-Key", company.appKey(),
                "Authorization", "Bearer " + token);
    }

    @Test
    void mobileSettingsAreTheDocumentedKeysWithoutAToken() {
        Http.Response r = mobile();
        assertThat(r.status()).isEqualTo(200);
        JsonNode s = r.json().get("Settings");
        assertThat(r.json().size()).isEqualTo(1);
        assertThat(s.get("compatibleAndroidVersionCode").asText()).isEqualTo("59");
        assertThat(s.get("defaultOrdersPageSize").isTextual()).isTrue();
        assertThat(s.get("maxNumberOrderLegs").asText()).isEqualTo("4");
        assertThat(s.get("tryDemoButtonSettings").asText()).isEqualTo("{\"environments\":[1,1]}");
        assertThat(s.get("enableSignUpButton").asText()).isEqualTo("0");
        assertThat(s.get("PinEnabled").isBoolean()).isTrue();
        assertThat(s.get("PinEnabled").asBoolean()).isFalse();
        assertThat(Http.get(server.api() + "v1/applications/mobile/settings/", "Et-App-Key", "bad").status()).isEqualTo(403);

        server.services().registrations.setHostname(company.id(), "app.broker.example");
        CompanyPolicy p = server.services().companies.policy(company.id());
        server.services().companies.setPolicy(company.id(), new CompanyPolicy(p.passwordMinLength(), p.passwordMaxAgeDays(),
                true, p.freeFailures(), p.failureDelaySeconds(), p.failureDelayMaxSeconds(), p.lockAfterFailures()));
        server.services().appSettings.setMobile(company.id(), "enableTrailingOrders", "0");
        server.services().appSettings.setMobile(company.id(), "brokerColour", "#0a0");
        JsonNode after = mobile().json().get("Settings");
        assertThat(after.get("enableSignUpButton").asText()).isEqualTo("1");
        assertThat(after.get("PinEnabled").asBoolean()).isTrue();
        assertThat(after.get("enableTrailingOrders").asText()).isEqualTo("0");
        assertThat(after.get("brokerColour").asText()).isEqualTo("#0a0");
        server.services().appSettings.setMobile(company.id(), "enableTrailingOrders", null);
        assertThat(mobile().json().at("/Settings/enableTrailingOrders").asText()).isEqualTo("1");
    }

    @Test
    void accessSettingsListAndMapACategory() {
        assertThat(access("Options/allowed").body()).isEqualTo("[]");
        assertThat(access("Options/value").body()).isEqualTo("{}");
        server.services().appSettings.addDemoAccessTypes(company.id());
        server.services().appSettings.setAccessType(company.id(), "theme", "Dark", "Colours", "1", "CHECKBOX");
        Http.Response r = access("Options/allowed");
        assertThat(r.status()).isEqualTo(200);
        JsonNode list = r.json();
        assertThat(list.size()).isEqualTo(4);
        assertThat(list.get(0).toString()).matches("\\{\"Id\":\\d+,\"Name\":\"AllowDepositWithdrawalDetails\",\"Category\":\"Options\","
                + "\"Description\":\"AccountInfo\",\"Options\":\"1\",\"OptionsType\":\"checkBox\"}");
        assertThat(access("options/allowed?startsWith=allowa").json().size()).isEqualTo(1);
        assertThat(access("Options/allowed?description=Nothing").body()).isEqualTo("[]");
        assertThat(access("Options/value?startsWith=AccountInfo").body())
                .isEqualTo("{\"AccountInfoFooter\":\"<span>Paper trading: no real money moves.</span>\"}");
        assertThat(access("Theme/value/").body()).isEqualTo("{\"Dark\":\"1\"}");
        Http.Response bad = access("Colours/allowed");
        assertThat(bad.status()).isEqualTo(400);
        assertThat(bad.body()).isEqualTo("{\"Message\":\"The request is invalid.\"}");
        assertThat(Http.get(server.api() + "v1.0/access-types/Options/allowed", "Et-App-Key", company.appKey()).status())
                .isEqualTo(401);
        // Another company sees none of them.
        company = server.company();
        User u = server.user(company, TestServer.username("app"), null, User.TwoFactorMethod.NONE);
        token = server.login(company, u.username());
        assertThat(access("Options/allowed").body()).isEqualTo("[]");
    }

    @Test
    void operatorsSetThemFromTheCommandLine() {
        if (store() != StoreKind.SQLITE) {
            return;   // the CLI test harness opens the SQLite store of the server's data directory
        }
        CliRun.Result m = CliRun.against(server, "admin", "mobile-settings", "set", "--company", company.name(),
                "--key", "defaultOrdersPageSize", "--value", "25");
        assertThat(m.code()).as(m.err()).isZero();
        assertThat(m.out()).containsPattern("defaultOrdersPageSize +25");
        assertThat(mobile().json().at("/Settings/defaultOrdersPageSize").asText()).isEqualTo("25");
        CliRun.Result pin = CliRun.against(server, "admin", "mobile-settings", "set", "--company", company.name(),
                "--key", "PinEnabled", "--value", "true");
        assertThat(pin.code()).isEqualTo(2);
        CliRun.Result a = CliRun.against(server, "admin", "access-type", "set", "--company", company.name(),
                "--category", "Widget", "--name", "ShowNews", "--options", "1");
        assertThat(a.code()).as(a.err()).isZero();
        assertThat(access("Widget/value").body()).isEqualTo("{\"ShowNews\":\"1\"}");
        assertThat(CliRun.against(server, "admin", "access-type", "remove", "--company", company.name(),
                "--category", "Widget", "--name", "shownews").code()).isZero();
        assertThat(access("Widget/value").body()).isEqualTo("{}");
        assertThat(CliRun.against(server, "admin", "access-type", "set", "--company", company.name(),
                "--category", "Nope", "--name", "X").code()).isEqualTo(2);
    }
}
