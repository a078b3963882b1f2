package dev.crater.users;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.crater.companies.Company;
import dev.crater.testing.Http;
import dev.crater.testing.SpecFacts;
import dev.crater.testing.StoreKind;
import dev.crater.testing.TestServer;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;

/**
 * Goal: the documented {@code GET /api/v1.0/users/{userId}/info} — its fields in order, {@code @me}
 * and the numeric id alike, with and without the trailing slash and the short {@code v1} prefix, and
 * a caller who reads only itself (another id is 401, a non-Int32 segment the documented 422).
 *
 * <p>Method: one real server per store on a random port; each test makes its own company and users.
 * The same contract runs on SQLite and on PostgreSQL through the two subclasses.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(value = 120, unit = TimeUnit.SECONDS)
abstract class UserInfoContract {
    static final String DENIED = "{\"Message\":\"Authorization has been denied for this request.\"}";

    abstract StoreKind store();

    TestServer server;
    String api;
    Company company;

    @BeforeAll
    void start() {
        server = TestServer.start(store());
        api = server.api();
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
    }

    Http.Response info(String userIdSegment, String token) {
        return Http.get(api + "v1.0/users/" + userIdSegment + "/info", "Accept", "application/json",
                "Et-App-Key", company.appKey(), "Authorization", "Bearer " + token);
    }

    User user(String prefix, String pin, User.TwoFactorMethod twoFactor) {
        return server.user(company, TestServer.username(prefix), pin, twoFactor);
    }

    @Test
    void userInfoHasTheDocumentedFieldsInOrder() {
        User u = user("info", null, User.TwoFactorMethod.NONE);
        String token = server.login(company, u.username());
        Http.Response r = info("@me", token);
        assertThat(r.status()).isEqualTo(200);
        assertThat(r.body()).matches("\\{\"UserId\":" + u.id() + ",\"FirstName\":\"Test\",\"MiddleName\":\"\","
                + "\"LastName\":\"User\",\"Login\":\"" + u.username() + "\",\"Email\":\"" + u.email() + "\","
                + "\"AddedDate\":\"\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{7}Z\",\"Salutation\":\"NoSalutation\","
                + "\"Suffix\":\"NoSuffix\",\"DateOfBirth\":null,\"Role\":0}");
        assertThat(info(String.valueOf(u.id()), token).body()).isEqualTo(r.body());
        assertThat(Http.get(api + "v1/users/@me/info/", "Et-App-Key", company.appKey(), "Authorization",
                "Bearer " + token).body()).isEqualTo(r.body());
    }


    Http.Response patch(String userIdSegment, String token, String body) {
        return Http.send("PATCH", api + "v1.0/users/" + userIdSegment, body, "Content-Type", "application/json",
                "Et-App-Key", company.appKey(), "Authorization", "Bearer " + token);
    }

    static List<String> fieldNames(JsonNode n) {
        List<String> names = new ArrayList<>();
        n.fieldNames().forEachRemaining(names::add);
        return names;
    }

    @Test
    void patchChangesOnlyWhatItNamesAndAnswersTheUserModel() {
        User u = user("patch", null, User.TwoFactorMethod.NONE);
        String token = server.login(company, u.username());
        Http.Response r = patch("@me", token, """
                {"FirstName": " Ada ", "Salutation": "Dr", "Suffix": 0, "TimeZoneInfoId": "Europe/London",
                 "Address": {"StreetAddress1": "1 Main St", "City": "London", "State": 12, "PostalCode": "N1 9GU",
                  "CountryId": 826}}""");
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        JsonNode m = r.json();
        assertThat(fieldNames(m)).containsExactlyElementsOf(SpecFacts.properties("UserModel"));
        assertThat(fieldNames(m.get("Address"))).containsExactlyElementsOf(SpecFacts.properties("UserAddress"));
        assertThat(m.get("Id").asLong()).isEqualTo(u.id());
        assertThat(m.get("FirstName").asText()).isEqualTo("Ada");
        assertThat(m.get("LastName").asText()).as("not named: unchanged").isEqualTo("User");
        assertThat(m.get("Salutation").asText()).isEqualTo("Dr");
        assertThat(m.get("Suffix").asText()).isEqualTo("NoSuffix");
        assertThat(m.get("TimeZoneInfoId").asText()).isEqualTo("Europe/London");
        assertThat(m.get("Address").get("City").asText()).isEqualTo("London");
        assertThat(m.get("Address").get("CountryId").asInt()).isEqualTo(826);
        assertThat(m.get("Address").get("StreetAddress2").isNull()).isTrue();
        assertThat(m.get("EmailAddress").asText()).isEqualTo(u.email());
        assertThat(m.get("Login").asText()).isEqualTo(u.username());
        // The info call shows the new names at once; a second patch keeps what it does not name.
        assertThat(info("@me", token).json().get("FirstName").asText()).isEqualTo("Ada");
        assertThat(info("@me", token).json().get("Salutation").asText()).isEqualTo("Dr");
        JsonNode again = patch(String.valueOf(u.id()), token, "{lastName: 'Lovelace', address: {city: ''}}").json();
        assertThat(again.get("FirstName").asText()).isEqualTo("Ada");
        assertThat(again.get("LastName").asText()).isEqualTo("Lovelace");
        assertThat(again.get("Address").get("City").isNull()).as("an empty text clears").isTrue();
        assertThat(again.get("Address").get("StreetAddress1").asText()).isEqualTo("1 Main St");
        assertThat(again.get("TimeZoneInfoId").asText()).isEqualTo("Europe/London");
        assertThat(patch("@me/", token, "{}").json()).isEqualTo(again);
        // A Windows id (.NET's TimeZoneInfo.Id, what a client of the vendor's server sends) is kept as given.
        assertThat(patch("@me", token, "{\"TimeZoneInfoId\": \"eastern standard time\"}").json()
                .get("TimeZoneInfoId").asText()).isEqualTo("Eastern Standard Time");
        assertThat(UserService.WINDOWS_ZONES.get("Eastern Standard Time").getId()).isEqualTo("America/New_York");
    }

    @Test
    void patchRefusesBadValuesWithoutChangingAnythingAndOnlyForTheCaller() {
        User u = user("patchbad", null, User.TwoFactorMethod.NONE);
        User other = user("patchother", null, User.TwoFactorMethod.NONE);
        String token = server.login(company, u.username());
        String before = info("@me", token).body();
        for (String[] bad : new String[][] {
                {"{\"FirstName\": \"  \"}", "user.FirstName"},
                {"{\"LastName\": \"" + "x".repeat(101) + "\"}", "user.LastName"},
                {"{\"Salutation\": \"Captain\"}", "user.Salutation"},
                {"{\"TimeZoneInfoId\": \"Mars/Olympus\"}", "user.TimeZoneInfoId"},
                {"{\"TimeZoneInfoId\": \"+02:00\"}", "user.TimeZoneInfoId"},
                {"{\"Address\": {\"State\": -1}}", "user.Address.State"},
                {"{\"Address\": {\"CountryId\": \"GB\"}}", "user.CountryId"},
                {"{\"Address\": {\"City\": \"" + "c".repeat(101) + "\"}}", "user.Address.City"},
                {"[1]", "user"}}) {
            Http.Response r = patch("@me", token, bad[0]);
            assertThat(r.status()).as(bad[0] + " → " + r.body()).isEqualTo(422);
            assertThat(fieldNames(r.json().get("ModelState"))).as(bad[0]).containsExactly(bad[1]);
        }
        assertThat(patch("@me", token, null).status()).isEqualTo(422);
        // A profile stored with no address codes (nulls) reads back (found by FuzzTest: a 500 on SQLite).
        assertThat(patch("@me", token, "{}").status()).isEqualTo(200);
        assertThat(patch("@me", token, "{}").status()).isEqualTo(200);
        assertThat(info("@me", token).body()).as("nothing changed").isEqualTo(before);
        Http.Response foreign = patch(String.valueOf(other.id()), token, "{\"FirstName\": \"Mallory\"}");
        assertThat(foreign.status()).isEqualTo(401);
        assertThat(foreign.body()).isEqualTo(DENIED);
    }

    @Test
    void aUserReadsOnlyItself() {
        User u = user("self", null, User.TwoFactorMethod.NONE);
        User other = user("neighbour", null, User.TwoFactorMethod.NONE);
        String token = server.login(company, u.username());
        Http.Response r = info(String.valueOf(other.id()), token);
        assertThat(r.status()).isEqualTo(401);
        assertThat(r.body()).isEqualTo(DENIED);
        Http.Response missing = info("999999", token);
        assertThat(missing.status()).isEqualTo(401);
        Http.Response notInt = info("john", token);
        assertThat(notInt.status()).isEqualTo(422);
        assertThat(notInt.body()).isEqualTo("{\"Message\":\"Validation error occured while processing entity\","
                + "\"ModelState\":{\"userId\":[\"The value 'john' is not valid for Int32.\"]}}");
        assertThat(info("99999999999", token).status()).isEqualTo(422);
    }
}
