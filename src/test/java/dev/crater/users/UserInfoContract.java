package dev.crater.users;

import static org.assertj.core.api.Assertions.assertThat;

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
