package dev.crater.accounts;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.crater.common.MarginType;
import dev.crater.companies.Company;
import dev.crater.config.CraterConfig;
import dev.crater.demo.DemoData;
import dev.crater.testing.Http;
import dev.crater.testing.StoreKind;
import dev.crater.testing.TestServer;
import dev.crater.users.User;
import java.io.IOException;
import java.math.BigDecimal;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Goal: the demo data gives every demo user exactly one funded paper Margin account ($100,000 asked
 * for as a deposit), and the S5 flow works for the documented demo login as printed at start-up.
 *
 * <p>Method: one real server on SQLite started with demo data; {@code demo} logs in with the printed
 * password; the other demo users (PIN, e-mail, SMS, TOTP second factors) are checked in the store.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class DemoAccountsTest {

    private static TestServer server;
    private static Company demo;

    @BeforeAll
    static void start() {
        server = TestServer.start(StoreKind.SQLITE, Optional.empty(), CraterConfig.TOKEN_TTL_DEFAULT, true);
        demo = server.services().companies.byName(DemoData.COMPANY).orElseThrow();
    }

    @AfterAll
    static void stop() {
        if (server != null) {
            server.close();
        }
    }

    @Test
    void everyDemoUserHasExactlyOneFundedMarginAccount() {
        List<String> names = List.of("demo", "demo-pin", "demo-2fa", "demo-sms", "demo-totp");
        assertThat(DemoData.USERS.stream().map(DemoData.DemoUser::username).toList()).containsExactlyElementsOf(names);
        AccountService accounts = server.services().accounts;
        for (String name : names) {
            User u = server.services().users.byUsername(demo.id(), name).orElseThrow();
            List<AccountService.AccountAccess> mine = accounts.accountsOf(u.id());
            assertThat(mine).as(name).hasSize(1);
            Account a = mine.get(0).account();
            assertThat(mine.get(0).link().accessType()).as(name).isEqualTo(Account.AccessType.Owner);
            assertThat(a.marginType()).as(name).isEqualTo(MarginType.Margin);
            assertThat(a.companyId()).isEqualTo(demo.id());
            assertThat(a.clearingFirm()).isEqualTo("PaperTrading");
            assertThat(a.enabled()).isTrue();
            assertThat(accounts.links(a.id())).as(name + ": only its owner").hasSize(1);
            List<String> cash = server.services().accounts.store().database().jdbi().withHandle(h -> h.createQuery(
                            "SELECT amount FROM cash_requests WHERE account_id = :a").bind("a", a.id())
                    .map((rs, ctx) -> new BigDecimal(rs.getString("amount")).stripTrailingZeros().toPlainString())
                    .list());
            assertThat(cash).as(name + ": the $100,000 deposit").containsExactly("100000");
        }
        assertThat(accounts.store().byCompany(demo.id())).hasSize(names.size());
    }

    @Test
    void theDemoLoginSeesItsAccountAsInTheS5Sample() throws IOException {
        Http.Response login = Http.post(server.api() + "token", "Et-App-Key", demo.appKey(), "Username", "demo",
                "Password", DemoData.PASSWORD);
        assertThat(login.status()).as(login.body()).isEqualTo(200);
        String[] headers = {"Accept", "application/json", "Et-App-Key", demo.appKey(), "Authorization",
                "Bearer " + login.text("Token")};
        Http.Response r = Http.get(server.api() + "v1.0/users/@me/accounts", headers);
        assertThat(r.status()).isEqualTo(200);
        JsonNode list = r.json();
        assertThat(list.isArray()).isTrue();
        assertThat(list).hasSize(1);
        JsonNode a = list.get(0);
        assertThat(a.get("Id").isIntegralNumber()).isTrue();
        assertThat(a.get("ClearingAccount").asText()).isEqualTo(a.get("Id").asText());
        assertThat(a.get("AccessType").asText()).isEqualTo("Owner");
        assertThat(a.get("MarginType").asText()).isEqualTo("Margin");
        assertThat(a.get("OwnerType").asText()).isEqualTo("IndividualCustomer");
        assertThat(a.get("ClearingFirm").asText()).isEqualTo("PaperTrading");
        assertThat(a.get("Owners")).hasSize(1);
        JsonNode owner = a.get("Owners").get(0);
        assertThat(owner.get("Login").asText()).isEqualTo("demo");
        assertThat(owner.get("Email").asText()).isEqualTo("demo@example.com");
        assertThat(owner.get("FirstName").asText()).isEqualTo("Demo");
        assertThat(owner.get("LastName").asText()).isEqualTo("demo");

        // Same answer by numeric id; the opening record says Margin and $100,000.
        long userId = owner.get("UserId").asLong();
        assertThat(Http.get(server.api() + "v1.0/users/" + userId + "/accounts", headers).json()).isEqualTo(list);
        JsonNode details = Http.get(server.api() + "v1.0/accounts/" + a.get("Id").asLong() + "/details", headers).json();
        assertThat(details.get("User").asText()).isEqualTo(String.valueOf(userId));
        assertThat(new ObjectMapper().readTree(details.get("FormDataReference").asText()))
                .isEqualTo(new ObjectMapper().readTree("{\"marginType\":\"Margin\",\"cash\":\"100000\"}"));

        // Another demo user's account is not demo's.
        User pin = server.services().users.byUsername(demo.id(), "demo-pin").orElseThrow();
        long pinAccount = server.services().accounts.accountsOf(pin.id()).get(0).account().id();
        Http.Response foreign = Http.get(server.api() + "v1.0/accounts/" + pinAccount + "/details", headers);
        assertThat(foreign.status()).isEqualTo(401);
        assertThat(foreign.body()).isEqualTo("{\"Message\":\"Authorization has been denied for this request.\"}");
    }
}
