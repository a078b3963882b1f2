package dev.crater.subscriptions;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.crater.companies.Company;
import dev.crater.testing.Http;
import dev.crater.testing.SmsRecorder;
import dev.crater.testing.StoreKind;
import dev.crater.testing.TestServer;
import dev.crater.users.User;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;

/**
 * Goal: the documented Subscriptions API — binding a phone number with an SMS code (its rules:
 * E.164 numbers, five wrong codes end a verification, Int32 token ids, removal) and the list of
 * notification subscriptions per channel and type.
 *
 * <p>Method: a real server with a real local HTTP server that records the SMS requests.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class SubscriptionsApiTest {
    SmsRecorder sms;
    TestServer server;
    String api;
    Company company;
    int phones = 100;

    @BeforeAll
    void start() {
        sms = new SmsRecorder();
        server = TestServer.start(StoreKind.SQLITE, Optional.empty(), Optional.of(sms.config()));
        api = server.api();
    }

    @AfterAll
    void stop() {
        server.close();
        sms.close();
    }

    @BeforeEach
    void newCompany() {
        company = server.company();
        // Each test starts well past any throttle window of the previous one.
        server.clock.advance(Duration.ofHours(2));
    }

    String newPhone() {
        return "+1555010" + String.format("%04d", phones++);
    }

    String finalToken(User u) {
        Http.Response r = Http.post(api + "token", "Et-App-Key", company.appKey(), "Username", u.username(),
                "Password", TestServer.PASSWORD);
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        return r.text("Token");
    }

    Http.Response call(String method, String path, String token, String body) {
        return Http.send(method, api + "v1.0/users/@me/" + path, body, "Et-App-Key", company.appKey(),
                "Authorization", "Bearer " + token, "Content-Type", "application/json");
    }

    @Test
    void phoneBindingRules() {
        User u = server.user(company, TestServer.username("rules"), null, User.TwoFactorMethod.NONE);
        String token = finalToken(u);
        Http.Response bad = call("PUT", "subscriptions/settings/phonenumber?phoneNumber=555-0100", token, null);
        assertThat(bad.status()).isEqualTo(422);
        assertThat(bad.body()).contains("phoneNumber").contains("E.164");
        assertThat(call("PUT", "subscriptions/settings/phonenumber", token, null).status()).isEqualTo(422);
        String phone = newPhone();
        long id = call("PUT", "subscriptions/settings/phonenumber?phoneNumber=%2B" + phone.substring(1), token, null)
                .json().get("m_Item2").asLong();
        String code = sms.last(phone).code();
        String wrong = code.equals("000000") ? "111111" : "000000";
        for (int i = 0; i < 5; i++) {
            call("PUT", "subscriptions/settings/phonenumber/token/" + id + "?tokenValue=" + wrong, token, null);
        }
        // Five wrong codes kill the verification: the right one no longer binds.
        assertThat(call("PUT", "subscriptions/settings/phonenumber/token/" + id + "?tokenValue=" + code, token, null)
                .body()).contains("VerificationNotFound");
        assertThat(call("PUT", "subscriptions/settings/phonenumber/token/abc?tokenValue=1", token, null).status()).isEqualTo(422);
        // Delete works when SMS is not the factor.
        assertThat(call("DELETE", "subscriptions/settings/phonenumber", token, null).status()).isEqualTo(204);
    }


    @Test
    void subscriptionsListEveryChannelAndType() {
        String phone = newPhone();
        User u = server.userWithPhone(company, TestServer.username("subs"), phone, User.TwoFactorMethod.NONE);
        String token = finalToken(u);
        Http.Response all = Http.get(api + "v1.0/users/" + u.id() + "/subscriptions", "Et-App-Key", company.appKey(),
                "Authorization", "Bearer " + token);
        assertThat(all.status()).isEqualTo(200);
        JsonNode list = all.json();
        assertThat(list).hasSize(24);
        assertThat(list.get(0).toString()).isEqualTo("{\"Channel\":\"Email\",\"SubscriptionType\":\"OrderExecution\",\"State\":\"Active\"}");
        Http.Response texts = call("GET", "subscriptions?channelType=MobileText", token, null);
        assertThat(texts.json()).hasSize(6);
        texts.json().forEach(n -> assertThat(n.get("State").asText()).isEqualTo("Active"));
        assertThat(call("GET", "subscriptions?channelType=Fax", token, null).status()).isEqualTo(422);
    }
}
