package dev.crater.alerts;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.crater.alerts.PriceAlertModels.PriceAlertEditableModel;
import dev.crater.companies.Company;
import dev.crater.testing.Http;
import dev.crater.testing.StoreKind;
import dev.crater.testing.TestServer;
import dev.crater.users.User;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;

/**
 * Goal: the five price-alert operations of reference 08-price-alerts.md over real HTTP, exact to
 * field names, values, status codes and error bodies: create (the documented example body), get
 * (with {@code Symbol}), the paged list with its four required parameters (and the documented
 * {@code UnsupportedApiVersion} 404 without them), modify, delete (204); Unix-second dates, exact
 * levels, the documented enums by name or number, the 409 for a missing required parameter, 422s
 * for values out of range, the per-user limit at N and N+1, and the access rules.
 *
 * <p>Method: one real server per store with the clock fixed, every test with its own user; levels
 * are far from the market so that nothing fires here (firing is {@link AlertFiringTest}'s). The
 * same contract runs on SQLite ({@link PriceAlertsApiSqliteTest}) and PostgreSQL
 * ({@link PriceAlertsApiPostgresTest}).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(value = 120, unit = TimeUnit.SECONDS)
abstract class PriceAlertsApiContract {

    static final List<String> INFO_FIELDS = List.of("Id", "State", "CreatedDate", "Operator", "SecurityId", "Symbol",
            "Field", "Argument", "ExpirationDate");
    static final Instant NOW = Instant.parse("2026-11-18T15:00:00Z");
    static final long NOW_S = NOW.getEpochSecond();
    static final String DENIED = "{\"Message\":\"Authorization has been denied for this request.\"}";
    static final String UNSUPPORTED = "{\"Error\":{\"Code\":\"UnsupportedApiVersion\",\"Message\":\"The requested "
            + "resource with API version '1.0' does not support HTTP method 'GET'.\"}}";
    /** Far above any simulated price: nothing fires in these tests. */
    static final String HIGH = "100000";

    abstract StoreKind store();

    TestServer server;
    Company company;

    @BeforeAll
    void start() {
        server = TestServer.start(store());
        server.clock.set(NOW);
        company = server.company();
    }

    @AfterAll
    void stop() {
        if (server != null) {
            server.close();
        }
    }

    // ---- helpers -------------------------------------------------------------------------------

    record Actor(User user, String[] headers) {
    }

    Actor actor() {
        String name = TestServer.username("pa");
        User u = server.user(company, name, null, User.TwoFactorMethod.NONE);
        return new Actor(u, new String[] {"Et-App-Key", company.appKey(), "Authorization",
                "Bearer " + server.login(company, name), "Content-Type", "application/json"});
    }

    Http.Response call(Actor a, String method, String path, String body) {
        return Http.send(method, server.api() + "v1.0/users/@me/" + path, body, a.headers());
    }

    static JsonNode ok(Http.Response r) {
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        return r.json();
    }

    static List<String> fieldNames(JsonNode node) {
        List<String> out = new ArrayList<>();
        Iterator<String> it = node.fieldNames();
        it.forEachRemaining(out::add);
        return out;
    }

    static void missing(Http.Response r, String field) {
        assertThat(r.status()).as(r.body()).isEqualTo(409);
        assertThat(r.body()).isEqualTo("{\"Message\":\"The request is missing the required parameter '" + field + "'.\"}");
    }

    static void invalid(Http.Response r, String key) {
        assertThat(r.status()).as(r.body()).isEqualTo(422);
        assertThat(r.json().get("Message").asText()).isEqualTo("Validation error occured while processing entity");
        assertThat(fieldNames(r.json().get("ModelState"))).containsExactly(key);
    }

    static String body(String field, String operator, String securityId, String argument, String expiration,
            String state) {
        List<String> parts = new ArrayList<>();
        if (state != null) {
            parts.add("\"State\": " + state);
        }
        if (operator != null) {
            parts.add("\"Operator\": " + operator);
        }
        if (securityId != null) {
            parts.add("\"SecurityId\": " + securityId);
        }
        if (field != null) {
            parts.add("\"Field\": " + field);
        }
        if (argument != null) {
            parts.add("\"Argument\": " + argument);
        }
        if (expiration != null) {
            parts.add("\"ExpirationDate\": " + expiration);
        }
        return "{" + String.join(", ", parts) + "}";
    }

    JsonNode create(Actor a, String field, String operator, String securityId, String argument, String expiration) {
        return ok(call(a, "POST", "pricealerts", body(field, operator, securityId, argument, expiration, null)));
    }

    // ---- create --------------------------------------------------------------------------------

    @Test
    void createTheDocumentedExample() {
        Actor a = actor();
        long expires = NOW_S + 86_400;
        Http.Response r = call(a, "POST", "pricealerts", "{\"State\": \"New\", \"Operator\": \"GTEQ\", \"SecurityId\": 4,"
                + " \"Field\": \"Bid\", \"Argument\": " + HIGH + ", \"ExpirationDate\": " + expires + "}");
        JsonNode m = ok(r);
        assertThat(fieldNames(m)).containsExactlyElementsOf(INFO_FIELDS);
        assertThat(m.get("Id").asLong()).isPositive();
        assertThat(m.get("State").asText()).isEqualTo("New");
        assertThat(m.get("CreatedDate").asLong()).isEqualTo(NOW_S);
        assertThat(m.get("Operator").asText()).isEqualTo("GTEQ");
        assertThat(m.get("SecurityId").asInt()).isEqualTo(4);
        assertThat(m.get("Symbol").asText()).isEqualTo("AAPL");
        assertThat(m.get("Field").asText()).isEqualTo("Bid");
        assertThat(m.get("Argument").decimalValue()).isEqualByComparingTo(HIGH);
        assertThat(m.get("ExpirationDate").asLong()).isEqualTo(expires);
        assertThat(r.body()).contains("\"Argument\":100000,");
        assertThat(server.services().alerts.monitor().index().get(m.get("Id").asLong())).as("armed").isPresent();
    }

    @Test
    void createAcceptsTheDocumentedSpellingsAndKeepsLevelsExact() {
        Actor a = actor();
        JsonNode lower = ok(call(a, "POST", "pricealerts",
                "{state: 'new', operator: 'lteq', securityId: '6', field: 'last', argument: 0.00000001,}"));
        assertThat(lower.get("Operator").asText()).isEqualTo("LTEQ");
        assertThat(lower.get("Field").asText()).isEqualTo("Last");
        assertThat(lower.get("Symbol").asText()).isEqualTo("MSFT");
        assertThat(lower.get("Argument").decimalValue()).isEqualByComparingTo("0.00000001");
        assertThat(lower.get("ExpirationDate").asLong()).as("no expiry").isZero();
        JsonNode numbers = create(a, "0", "0", "4", "12345.67890123", null);
        assertThat(numbers.get("Field").asText()).isEqualTo("Ask");
        assertThat(numbers.get("Operator").asText()).isEqualTo("GTEQ");
        assertThat(numbers.get("Argument").decimalValue()).isEqualByComparingTo("12345.67890123");
        assertThat(ok(call(a, "GET", "pricealerts/" + numbers.get("Id").asLong(), null)).get("Argument").decimalValue())
                .as("stored exactly").isEqualByComparingTo("12345.67890123");
        // The docs call ExpirationDate "ticks": .NET ticks are read as such.
        long ticks = 621_355_968_000_000_000L + (NOW_S + 3600) * 10_000_000L;
        JsonNode fromTicks = create(a, "\"Ask\"", "\"GTEQ\"", "4", HIGH, String.valueOf(ticks));
        assertThat(fromTicks.get("ExpirationDate").asLong()).isEqualTo(NOW_S + 3600);
        JsonNode stopped = ok(call(a, "POST", "pricealerts", body("\"Ask\"", "\"GTEQ\"", "4", HIGH, null, "\"Stopped\"")));
        assertThat(stopped.get("State").asText()).isEqualTo("Stopped");
        assertThat(server.services().alerts.monitor().index().get(stopped.get("Id").asLong())).as("not armed").isEmpty();
    }

    @Test
    void createRefusesMissingRequiredParametersWith409() {
        Actor a = actor();
        missing(call(a, "POST", "pricealerts", body(null, "\"GTEQ\"", "4", HIGH, null, null)), "Field");
        missing(call(a, "POST", "pricealerts", body("\"Bid\"", null, "4", HIGH, null, null)), "Operator");
        missing(call(a, "POST", "pricealerts", body("\"Bid\"", "\"GTEQ\"", null, HIGH, null, null)), "SecurityId");
        missing(call(a, "POST", "pricealerts", body("\"Bid\"", "\"GTEQ\"", "4", null, null, null)), "Argument");
        missing(call(a, "POST", "pricealerts", "{}"), "Field");
        missing(call(a, "POST", "pricealerts", null), "Field");
        Http.Response unknown = call(a, "POST", "pricealerts", body("\"Bid\"", "\"GTEQ\"", "99999", HIGH, null, null));
        assertThat(unknown.status()).isEqualTo(409);
        assertThat(unknown.body()).isEqualTo("{\"Message\":\"Security was not found\"}");
        assertThat(ok(call(a, "GET", "pricealerts?pageSize=10&pageNumber=0&sortBy=Id&isDesc=false", null))
                .get("TotalCount").asInt()).as("nothing created").isZero();
    }

    @Test
    void createRefusesValuesOutOfRangeWith422() {
        Actor a = actor();
        invalid(call(a, "POST", "pricealerts", body("\"Mid\"", "\"GTEQ\"", "4", HIGH, null, null)), "model.Field");
        invalid(call(a, "POST", "pricealerts", body("\"Bid\"", "\"GT\"", "4", HIGH, null, null)), "model.Operator");
        invalid(call(a, "POST", "pricealerts", body("\"Bid\"", "\"GTEQ\"", "\"AAPL\"", HIGH, null, null)),
                "model.SecurityId");
        invalid(call(a, "POST", "pricealerts", body("\"Bid\"", "\"GTEQ\"", "-1", HIGH, null, null)), "model.SecurityId");
        invalid(call(a, "POST", "pricealerts", body("\"Bid\"", "\"GTEQ\"", "2147483648", HIGH, null, null)),
                "model.SecurityId");
        invalid(call(a, "POST", "pricealerts", body("\"Bid\"", "\"GTEQ\"", "4", "-1", null, null)), "model.Argument");
        invalid(call(a, "POST", "pricealerts", body("\"Bid\"", "\"GTEQ\"", "4", "0.000000001", null, null)),
                "model.Argument");
        invalid(call(a, "POST", "pricealerts", body("\"Bid\"", "\"GTEQ\"", "4", "1000000000.01", null, null)),
                "model.Argument");
        assertThat(create(a, "\"Bid\"", "\"GTEQ\"", "4", "1000000000", null).get("Argument").decimalValue())
                .isEqualByComparingTo("1000000000");
        invalid(call(a, "POST", "pricealerts", body("\"Bid\"", "\"GTEQ\"", "4", HIGH, String.valueOf(NOW_S), null)),
                "model.ExpirationDate");
        invalid(call(a, "POST", "pricealerts", body("\"Bid\"", "\"GTEQ\"", "4", HIGH, "-5", null)),
                "model.ExpirationDate");
        invalid(call(a, "POST", "pricealerts", body("\"Bid\"", "\"GTEQ\"", "4", HIGH,
                String.valueOf(NOW_S + AlertService.LIFETIME_DAYS_MAX * 86_400 + 1), null)), "model.ExpirationDate");
        assertThat(create(a, "\"Bid\"", "\"GTEQ\"", "4", HIGH,
                String.valueOf(NOW_S + AlertService.LIFETIME_DAYS_MAX * 86_400)).get("State").asText()).isEqualTo("New");
        invalid(call(a, "POST", "pricealerts", body("\"Bid\"", "\"GTEQ\"", "4", HIGH, null, "\"Completed\"")),
                "model.State");
        invalid(call(a, "POST", "pricealerts", body("\"Bid\"", "\"GTEQ\"", "4", HIGH, null, "\"Expired\"")),
                "model.State");
        Http.Response notJson = call(a, "POST", "pricealerts", "{\"Field\": ");
        assertThat(notJson.status()).isEqualTo(422);
        assertThat(fieldNames(notJson.json().get("ModelState"))).containsExactly("model");
    }

    @Test
    void aUserHasAtMostFiveHundredAlerts() {
        Actor a = actor();
        PriceAlertEditableModel model = new PriceAlertEditableModel("Last", "GTEQ", new BigDecimal(HIGH), "4", null, null);
        for (int i = 0; i < AlertService.ALERTS_PER_USER_MAX - 1; i++) {
            server.services().alerts.create(a.user().id(), model);
        }
        long last = create(a, "\"Last\"", "\"GTEQ\"", "4", HIGH, null).get("Id").asLong();
        Http.Response over = call(a, "POST", "pricealerts", body("\"Last\"", "\"GTEQ\"", "4", HIGH, null, null));
        assertThat(over.status()).isEqualTo(409);
        assertThat(over.json().get("Message").asText()).contains("at most " + AlertService.ALERTS_PER_USER_MAX);
        assertThat(call(a, "DELETE", "pricealerts/" + last, null).status()).isEqualTo(204);
        create(a, "\"Last\"", "\"GTEQ\"", "4", HIGH, null);
    }

    // ---- get, list -----------------------------------------------------------------------------

    @Test
    void getOneAlert() {
        Actor a = actor();
        Actor b = actor();
        long id = create(a, "\"Last\"", "\"LTEQ\"", "4", "0.5", String.valueOf(NOW_S + 600)).get("Id").asLong();
        JsonNode m = ok(call(a, "GET", "pricealerts/" + id, null));
        assertThat(fieldNames(m)).containsExactlyElementsOf(INFO_FIELDS);
        assertThat(m.toString()).isEqualTo("{\"Id\":" + id + ",\"State\":\"New\",\"CreatedDate\":" + NOW_S
                + ",\"Operator\":\"LTEQ\",\"SecurityId\":4,\"Symbol\":\"AAPL\",\"Field\":\"Last\",\"Argument\":0.5,"
                + "\"ExpirationDate\":" + (NOW_S + 600) + "}");
        assertThat(ok(call(a, "GET", "pricealerts/" + id + "/", null)).get("Id").asLong()).isEqualTo(id);
        Http.Response foreign = call(b, "GET", "pricealerts/" + id, null);
        assertThat(foreign.status()).isEqualTo(409);
        assertThat(foreign.body()).isEqualTo("{\"Message\":\"Price alert " + id + " does not exist.\"}");
        assertThat(call(a, "GET", "pricealerts/999999999", null).status()).isEqualTo(409);
        invalid(call(a, "GET", "pricealerts/abc", null), "alertId");
    }

    @Test
    void listIsPagedAndSortedWithFourRequiredParameters() {
        Actor a = actor();
        List<Long> ids = new ArrayList<>();
        String[] levels = {"300", "100", "200"};
        for (String level : levels) {
            ids.add(create(a, "\"Bid\"", "\"LTEQ\"", "6", "0." + level.charAt(0), null).get("Id").asLong());
        }
        for (String level : levels) {
            ids.add(create(a, "\"Ask\"", "\"GTEQ\"", "4", HIGH + level, null).get("Id").asLong());
        }
        call(a, "PUT", "pricealerts/" + ids.get(1), body("\"Bid\"", "\"LTEQ\"", null, null, null, "\"Stopped\""));
        JsonNode page = ok(call(a, "GET", "pricealerts?pageSize=10&pageNumber=0&sortBy=State&isDesc=true", null));
        assertThat(fieldNames(page)).containsExactly("Result", "NextPageLink", "PreviousPageLink", "TotalCount");
        assertThat(page.get("TotalCount").asInt()).isEqualTo(6);
        assertThat(page.get("NextPageLink").asText()).isEmpty();
        assertThat(page.get("PreviousPageLink").asText()).isEmpty();
        assertThat(page.get("Result").get(0).get("State").asText()).as("Stopped sorts after New").isEqualTo("Stopped");
        assertThat(fieldNames(page.get("Result").get(0))).containsExactlyElementsOf(INFO_FIELDS);

        JsonNode byArgument = ok(call(a, "GET", "pricealerts?pageSize=2&pageNumber=1&sortBy=argument&isDesc=false", null));
        List<Long> got = new ArrayList<>();
        byArgument.get("Result").forEach(m -> got.add(m.get("Id").asLong()));
        assertThat(got).containsExactly(ids.get(0), ids.get(4));
        // Absolute, same query with the next page number (parameter order is the server's).
        assertThat(byArgument.get("NextPageLink").asText())
                .startsWith(server.api() + "v1.0/users/@me/pricealerts?")
                .contains("pageSize=2", "pageNumber=2", "sortBy=argument", "isDesc=false");
        assertThat(byArgument.get("PreviousPageLink").asText()).contains("pageNumber=0");
        JsonNode beyond = ok(call(a, "GET", "pricealerts?pageSize=2&pageNumber=9&sortBy=Id&isDesc=false", null));
        assertThat(beyond.get("Result")).isEmpty();
        assertThat(beyond.get("TotalCount").asInt()).isEqualTo(6);
        JsonNode byIdDesc = ok(call(a, "GET", "pricealerts?pageSize=100&pageNumber=0&sortBy=Id&isDesc=true", null));
        assertThat(byIdDesc.get("Result").get(0).get("Id").asLong()).isEqualTo(ids.get(5));

        for (String without : List.of("pageNumber=0&sortBy=Id&isDesc=true", "pageSize=1&sortBy=Id&isDesc=true",
                "pageSize=1&pageNumber=0&isDesc=true", "pageSize=1&pageNumber=0&sortBy=Id", "")) {
            Http.Response r = call(a, "GET", "pricealerts" + (without.isEmpty() ? "" : "?" + without), null);
            assertThat(r.status()).as(without).isEqualTo(404);
            assertThat(r.body()).isEqualTo(UNSUPPORTED);
        }
        invalid(call(a, "GET", "pricealerts?pageSize=0&pageNumber=0&sortBy=Id&isDesc=true", null), "pageSize");
        invalid(call(a, "GET", "pricealerts?pageSize=" + (AlertService.PAGE_SIZE_MAX + 1)
                + "&pageNumber=0&sortBy=Id&isDesc=true", null), "pageSize");
        assertThat(call(a, "GET", "pricealerts?pageSize=" + AlertService.PAGE_SIZE_MAX
                + "&pageNumber=0&sortBy=Id&isDesc=true", null).status()).isEqualTo(200);
        invalid(call(a, "GET", "pricealerts?pageSize=1&pageNumber=-1&sortBy=Id&isDesc=true", null), "pageNumber");
        invalid(call(a, "GET", "pricealerts?pageSize=1&pageNumber=0&sortBy=Colour&isDesc=true", null), "sortBy");
        invalid(call(a, "GET", "pricealerts?pageSize=1&pageNumber=0&sortBy=Id&isDesc=maybe", null), "isDesc");
        // Another user sees none of them.
        assertThat(ok(call(actor(), "GET", "pricealerts?pageSize=10&pageNumber=0&sortBy=Id&isDesc=false", null))
                .get("TotalCount").asInt()).isZero();
    }

    // ---- modify, delete ------------------------------------------------------------------------

    @Test
    void modifyReplacesTheGivenFields() {
        Actor a = actor();
        JsonNode created = create(a, "\"Bid\"", "\"GTEQ\"", "4", HIGH, String.valueOf(NOW_S + 600));
        long id = created.get("Id").asLong();
        server.clock.set(NOW.plusSeconds(30));
        JsonNode changed = ok(call(a, "PUT", "pricealerts/" + id,
                "{\"State\": \"New\", \"Operator\": \"LTEQ\", \"SecurityId\": 6, \"Field\": \"Last\", \"Argument\": 1.25,"
                        + " \"ExpirationDate\": " + (NOW_S + 7200) + "}"));
        assertThat(changed.toString()).isEqualTo("{\"Id\":" + id + ",\"State\":\"New\",\"CreatedDate\":" + NOW_S
                + ",\"Operator\":\"LTEQ\",\"SecurityId\":6,\"Symbol\":\"MSFT\",\"Field\":\"Last\",\"Argument\":1.25,"
                + "\"ExpirationDate\":" + (NOW_S + 7200) + "}");
        assertThat(server.services().alerts.monitor().index().get(id).orElseThrow().securityId()).isEqualTo(6);
        // Only the required fields: the rest keep their values.
        JsonNode same = ok(call(a, "PUT", "pricealerts/" + id, "{\"Operator\": \"LTEQ\", \"Field\": \"Ask\"}"));
        assertThat(same.get("Argument").decimalValue()).isEqualByComparingTo("1.25");
        assertThat(same.get("Field").asText()).isEqualTo("Ask");
        assertThat(same.get("ExpirationDate").asLong()).isEqualTo(NOW_S + 7200);
        JsonNode forever = ok(call(a, "PUT", "pricealerts/" + id, "{\"Operator\": \"LTEQ\", \"Field\": \"Ask\","
                + " \"ExpirationDate\": 0}"));
        assertThat(forever.get("ExpirationDate").asLong()).isZero();
        JsonNode stopped = ok(call(a, "PUT", "pricealerts/" + id, "{\"Operator\": \"LTEQ\", \"Field\": \"Ask\","
                + " \"State\": \"Stopped\"}"));
        assertThat(stopped.get("State").asText()).isEqualTo("Stopped");
        assertThat(server.services().alerts.monitor().index().get(id)).isEmpty();

        missing(call(a, "PUT", "pricealerts/" + id, "{\"Operator\": \"LTEQ\"}"), "Field");
        missing(call(a, "PUT", "pricealerts/" + id, "{\"Field\": \"Ask\"}"), "Operator");
        invalid(call(a, "PUT", "pricealerts/" + id, "{\"Operator\": \"LTEQ\", \"Field\": \"Ask\", \"State\": \"Completed\"}"),
                "model.State");
        Http.Response unknownSecurity = call(a, "PUT", "pricealerts/" + id,
                "{\"Operator\": \"LTEQ\", \"Field\": \"Ask\", \"SecurityId\": 99999}");
        assertThat(unknownSecurity.status()).isEqualTo(409);
        assertThat(unknownSecurity.body()).isEqualTo("{\"Message\":\"Security was not found\"}");
        Http.Response foreign = call(actor(), "PUT", "pricealerts/" + id, "{\"Operator\": \"LTEQ\", \"Field\": \"Ask\"}");
        assertThat(foreign.status()).isEqualTo(409);
        assertThat(call(a, "PUT", "pricealerts/999999999", "{\"Operator\": \"LTEQ\", \"Field\": \"Ask\"}").status())
                .isEqualTo(409);
        server.clock.set(NOW);
    }

    @Test
    void deleteAnswers204() {
        Actor a = actor();
        long id = create(a, "\"Bid\"", "\"GTEQ\"", "4", HIGH, null).get("Id").asLong();
        assertThat(call(actor(), "DELETE", "pricealerts/" + id, null).status()).as("someone else's").isEqualTo(409);
        Http.Response r = call(a, "DELETE", "pricealerts/" + id, null);
        assertThat(r.status()).isEqualTo(204);
        assertThat(r.body()).isEmpty();
        assertThat(server.services().alerts.monitor().index().get(id)).isEmpty();
        Http.Response again = call(a, "DELETE", "pricealerts/" + id, null);
        assertThat(again.status()).isEqualTo(409);
        assertThat(again.body()).isEqualTo("{\"Message\":\"Price alert " + id + " does not exist.\"}");
        assertThat(call(a, "GET", "pricealerts/" + id, null).status()).isEqualTo(409);
    }

    @Test
    void expiredAlertsReadAsExpired() {
        Actor a = actor();
        long id = create(a, "\"Bid\"", "\"GTEQ\"", "4", HIGH, String.valueOf(NOW_S + 60)).get("Id").asLong();
        server.clock.set(NOW.plusSeconds(61));
        assertThat(ok(call(a, "GET", "pricealerts/" + id, null)).get("State").asText()).isEqualTo("Expired");
        assertThat(ok(call(a, "GET", "pricealerts?pageSize=1&pageNumber=0&sortBy=Id&isDesc=false", null))
                .get("Result").get(0).get("State").asText()).isEqualTo("Expired");
        server.clock.set(NOW);
    }

    @Test
    void accessRules() {
        Actor a = actor();
        Actor b = actor();
        String url = server.api() + "v1.0/users/";
        Http.Response other = Http.send("GET", url + b.user().id() + "/pricealerts?pageSize=1&pageNumber=0&sortBy=Id"
                + "&isDesc=true", null, a.headers());
        assertThat(other.status()).isEqualTo(401);
        assertThat(other.body()).isEqualTo(DENIED);
        Http.Response post = Http.send("POST", url + b.user().id() + "/pricealerts",
                body("\"Bid\"", "\"GTEQ\"", "4", HIGH, null, null), a.headers());
        assertThat(post.status()).isEqualTo(401);
        Http.Response noToken = Http.send("GET", url + "@me/pricealerts/1", null, "Et-App-Key", company.appKey());
        assertThat(noToken.status()).isEqualTo(401);
        Http.Response badKey = Http.send("GET", url + "@me/pricealerts/1", null, "Et-App-Key", "nope", "Authorization",
                a.headers()[3]);
        assertThat(badKey.status()).isEqualTo(403);
        JsonNode own = ok(Http.send("POST", url + a.user().id() + "/pricealerts/",
                body("\"Bid\"", "\"GTEQ\"", "4", HIGH, null, null), a.headers()));
        assertThat(own.get("SecurityId").asInt()).isEqualTo(4);
        // The v1 prefix answers too, and says so in the documented 404.
        Http.Response v1 = Http.send("GET", server.api() + "v1/users/@me/pricealerts", null, a.headers());
        assertThat(v1.status()).isEqualTo(404);
        assertThat(v1.body()).contains("API version '1'");
    }
}
