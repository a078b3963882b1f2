package dev.crater.users;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.crater.companies.Company;
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
 * Goal: a user's trading settings (reference 02-users.md §2 #2, #3; the spec's
 * UserTradingSettingsModel) — the documented defaults, a PUT that changes what it names, keeps the
 * rest and answers the settings as stored, the documented 422 ModelState for each bad value — and the
 * exchanges (#5): {@code Auto} and the venues of Crater's securities, which the settings must name.
 * Only the caller's own ({@code @me} or their id; another id is 401).
 *
 * <p>Method: one real server per store; each test its own company and user.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(value = 120, unit = TimeUnit.SECONDS)
abstract class UserSettingsContract {
    static final String DEFAULTS = "{\"Instruments\":{"
            + "\"Stocks\":{\"OrderType\":\"Market\",\"Quantity\":100,\"DurationType\":\"Day\",\"ExchangeType\":\"Auto\",\"AON\":false,\"ExtendedHoursType\":null},"
            + "\"Options\":{\"OrderType\":\"Market\",\"Quantity\":50,\"DurationType\":\"Day\",\"ExchangeType\":\"Auto\",\"AON\":false,\"Spreads\":1,\"ExtendedHoursType\":null},"
            + "\"Forex\":{\"OrderType\":\"Market\",\"Quantity\":1,\"DurationType\":\"Day\",\"ExchangeType\":\"Auto\",\"AON\":false,\"ExtendedHoursType\":null}},"
            + "\"QuantityStepIncrementMultiplier\":1,\"PriceStepIncrementMultiplier\":1,\"DoNotCloseTradePopupOnOrderPlacement\":false,"
            + "\"SkipVerifyOrder\":\"Show\",\"SkipVerifyCancelOrder\":\"Show\",\"SkipVerifyClosingPosition\":\"Show\",\"SkipVerifyOrderReplace\":\"Show\","
            + "\"SkipPlaceOrderStatus\":\"Show\",\"SkipCancelOrderStatus\":\"Show\",\"SkipClosingPositionStatus\":\"Show\",\"SkipOrderReplaceStatus\":\"Show\","
            + "\"MaxStocksQuantity\":10000000,\"MaxOptionsQuantity\":99}";

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
        user = server.user(company, TestServer.username("ts"), null, User.TwoFactorMethod.NONE);
        token = server.login(company, user.username());
    }

    Http.Response call(String method, String path, String body) {
        return Http.send(method, server.api() + path, body, "Et-App-Key", company.appKey(),
                "Authorization", "Bearer " + token, "Content-Type", "application/json");
    }

    @Test
    void aNewUserHasTheDocumentedDefaults() {
        Http.Response r = call("GET", "v1.0/users/@me/settings/trading", null);
        assertThat(r.status()).isEqualTo(200);
        assertThat(r.body()).isEqualTo(DEFAULTS);
        assertThat(call("GET", "v1/users/" + user.id() + "/settings/trading/", null).body()).isEqualTo(DEFAULTS);
    }

    @Test
    void aPutChangesWhatItNamesAndKeepsTheRest() {
        Http.Response r = call("PUT", "v1.0/users/@me/settings/trading", "{\"instruments\": {\"stocks\": {\"OrderType\": \"limit\","
                + " \"Quantity\": 25, \"ExchangeType\": \"xnas\", \"AON\": true}, \"Options\": {\"Spreads\": 3, \"DurationType\": 1}},"
                + " \"SkipVerifyOrder\": \"DoNotShow\", \"SkipPlaceOrderStatus\": 2, \"MaxOptionsQuantity\": 500,"
                + " \"DoNotCloseTradePopupOnOrderPlacement\": true}");
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        JsonNode s = r.json();
        assertThat(s.at("/Instruments/Stocks").toString()).isEqualTo("{\"OrderType\":\"Limit\",\"Quantity\":25,"
                + "\"DurationType\":\"Day\",\"ExchangeType\":\"XNAS\",\"AON\":true,\"ExtendedHoursType\":null}");
        assertThat(s.at("/Instruments/Options/Spreads").asInt()).isEqualTo(3);
        assertThat(s.at("/Instruments/Options/DurationType").asText()).isEqualTo("GoodTillCancel");
        assertThat(s.get("SkipVerifyOrder").asText()).isEqualTo("DoNotShow");
        assertThat(s.get("SkipPlaceOrderStatus").asText()).isEqualTo("ShowIfAnError");
        assertThat(s.get("MaxOptionsQuantity").asInt()).isEqualTo(500);
        assertThat(s.get("DoNotCloseTradePopupOnOrderPlacement").asBoolean()).isTrue();
        assertThat(s.get("MaxStocksQuantity").asInt()).isEqualTo(10_000_000);
        assertThat(call("GET", "v1.0/users/@me/settings/trading", null).body()).isEqualTo(r.body());
        // Another user of the company still has the defaults.
        User other = server.user(company, TestServer.username("ts"), null, User.TwoFactorMethod.NONE);
        token = server.login(company, other.username());
        assertThat(call("GET", "v1.0/users/@me/settings/trading", null).body()).isEqualTo(DEFAULTS);
    }

    @Test
    void badValuesAreTheDocumented422() {
        assertThat(bad("{\"Instruments\": {\"Stocks\": {\"OrderType\": \"Bogus\"}}}"))
                .contains("\"tradingSettings.Instruments.Stocks.OrderType\"");
        assertThat(bad("{\"Instruments\": {\"Options\": {\"Quantity\": 100}}}"))
                .contains("\"tradingSettings.Instruments.Options.Quantity\":[\"Quantity must not exceed the maximum quantity 99.\"]");
        assertThat(bad("{\"Instruments\": {\"Stocks\": {\"Quantity\": 0}}}")).contains("Quantity must be 1..");
        assertThat(bad("{\"Instruments\": {\"Forex\": {\"ExchangeType\": \"NOWHERE\"}}}"))
                .contains("tradingSettings.Instruments.Forex.ExchangeType");
        assertThat(bad("{\"Instruments\": {\"Stocks\": {\"AON\": \"yes\"}}}")).contains("AON must be true or false.");
        assertThat(bad("{\"SkipVerifyOrder\": \"Sometimes\"}")).contains("Show, DoNotShow, ShowIfAnError");
        assertThat(bad("{\"MaxStocksQuantity\": 1.5}")).contains("MaxStocksQuantity must be a whole number.");
        assertThat(bad("{\"Instruments\": []}")).contains("Instruments must be an object.");
        assertThat(bad("not json")).contains("\"tradingSettings\"");
        assertThat(bad("")).contains("A request body is required.");
        assertThat(call("GET", "v1.0/users/@me/settings/trading", null).body()).isEqualTo(DEFAULTS);
    }

    String bad(String body) {
        Http.Response r = call("PUT", "v1.0/users/@me/settings/trading", body);
        assertThat(r.status()).as(r.body()).isEqualTo(422);
        assertThat(r.body()).startsWith("{\"Message\":\"Validation error occured while processing entity\",\"ModelState\":{");
        return r.body();
    }

    @Test
    void onlyTheCallersOwn() {
        User other = server.user(company, TestServer.username("ts"), null, User.TwoFactorMethod.NONE);
        assertThat(call("GET", "v1.0/users/" + other.id() + "/settings/trading", null).status()).isEqualTo(401);
        assertThat(call("PUT", "v1.0/users/" + other.id() + "/settings/trading", "{}").status()).isEqualTo(401);
        assertThat(call("GET", "v1.0/users/" + other.id() + "/exchanges", null).status()).isEqualTo(401);
        assertThat(call("GET", "v1.0/users/john/settings/trading", null).status()).isEqualTo(422);
        assertThat(Http.get(server.api() + "v1.0/users/@me/exchanges", "Et-App-Key", company.appKey()).status())
                .isEqualTo(401);
    }

    @Test
    void theExchangesAreAutoAndTheVenuesOfTheListedSecurities() {
        Http.Response r = call("GET", "v1.0/users/@me/exchanges", null);
        assertThat(r.status()).isEqualTo(200);
        JsonNode list = r.json();
        assertThat(list.get(0).asText()).isEqualTo("Auto");
        assertThat(list.toString()).contains("\"XNYS\"", "\"XNAS\"", "\"ARCX\"", "\"OPRAC\"");
        java.util.Set<String> venues = new java.util.HashSet<>();
        server.services().securities.snapshot().all().forEach(s -> venues.add(s.exchange()));
        assertThat(list.size()).isEqualTo(venues.size() + (venues.contains("OPRAC") ? 1 : 2));
        assertThat(call("GET", "v1.0/users/@me/exchanges/", null).body()).isEqualTo(r.body());
    }
}
