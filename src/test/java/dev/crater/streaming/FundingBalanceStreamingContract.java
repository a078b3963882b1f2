package dev.crater.streaming;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.crater.accounts.Account;
import dev.crater.common.MarginType;
import dev.crater.companies.Company;
import dev.crater.streaming.StreamingTest.Client;
import dev.crater.testing.Eventually;
import dev.crater.testing.Http;
import dev.crater.testing.StoreKind;
import dev.crater.testing.TestServer;
import dev.crater.users.User;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;

/**
 * Goal: a funding money move reaches the trade-data streamer as the account's balance change (issue
 * 17: "all money moves go through the engine's ledger, so … streaming balance updates … stay
 * consistent"): an ACH withdrawal's hold, a canceled withdrawal's refund and an ACH deposit arriving
 * at the next session start each show up as an {@code AccountBalance} message whose
 * {@code CashBalance} is the account's cash after the move, equal to {@code /info}'s.
 *
 * <p>Method: a real server per store with its clock pinned in a regular session; a WebSocket client
 * subscribed to the account's balance; transfers sent over HTTP; the deposit's arrival by moving the
 * test clock to the next session start (the transfer clock runs on it). Every wait has a deadline.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(value = 120, unit = TimeUnit.SECONDS)
abstract class FundingBalanceStreamingContract {
    abstract StoreKind store();

    TestServer server;
    Company company;

    @BeforeAll
    void start() {
        server = TestServer.start(store());
        server.clock.set(Instant.parse("2026-11-18T16:00:00Z")); // Wednesday 11:00 New York, regular session
        company = server.company();
    }

    @AfterAll
    void stop() {
        if (server != null) {
            server.close();
        }
    }

    String[] auth(String token) {
        return new String[] {"Et-App-Key", company.appKey(), "Authorization", "Bearer " + token, "Content-Type",
                "application/json"};
    }

    String api(String path) {
        return server.api() + "v1.0/" + path;
    }

    BigDecimal cash(String token, long account) {
        return Http.get(api("accounts/" + account + "/info"), auth(token)).json().path("cash").decimalValue();
    }

    static Predicate<JsonNode> balance(String cash) {
        return n -> n.path("EntityType").asText().equals("AccountBalance")
                && new BigDecimal(n.path("CashBalance").asText()).compareTo(new BigDecimal(cash)) == 0;
    }

    String transfer(String token, long account, String bank, String amount, boolean incoming) {
        Http.Response r = Http.send("POST", api("accounts/" + account + "/transfers/ach"), "{\"AchRelationshipId\":\""
                + bank + "\",\"Amount\":" + amount + ",\"IsIncoming\":" + incoming + "}", auth(token));
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        assertThat(r.text("Status")).isEqualTo("Submitted");
        return r.text("Id");
    }

    @Test
    void holdsRefundsAndArrivingDepositsAreStreamedAsBalanceChanges() {
        String name = TestServer.username("fstream");
        User u = server.user(company, name, null, User.TwoFactorMethod.NONE);
        Account a = server.services().accounts.open(u, MarginType.Margin, new BigDecimal("1000000"), BigDecimal.ZERO,
                BigDecimal.ZERO, BigDecimal.ZERO);
        String token = server.login(company, name);
        long id = a.id();
        Eventually.eventually("the initial deposit", Duration.ofSeconds(15),
                () -> cash(token, id).compareTo(new BigDecimal("1000000")) == 0);
        Http.Response bank = Http.send("POST", api("accounts/" + id + "/ach-relationships"),
                "{\"RoutingNumber\":\"051000017\",\"AccountNumber\":\"987654321222\",\"AccountOwnerName\":\"Eugeny\","
                        + "\"Name\":\"Citi Bank\",\"ApprovalMethod\":\"Instant\",\"BankAccountType\":\"Checking\"}",
                auth(token));
        assertThat(bank.status()).as(bank.body()).isEqualTo(200);
        String bankId = bank.text("Id");

        JsonNode addresses = StreamingTest.json(Http.get(api("streamers"), auth(token)).body()).path("DataAddresses").get(0);
        Client c = StreamingTest.connect(StreamingTest.wsUrl(addresses.path("Url").asText(), Long.toString(u.id()),
                addresses.path("SessionId").asText()), true);
        JsonNode first = c.next();
        assertThat(first.path("StatusCode").asText()).as(first.toString()).isEqualTo("Ok");
        c.sessionId = first.path("SessionId").asText();
        c.send("{\"Cmd\":\"Subscribe.txt\",\"SessionId\":\"" + c.sessionId + "\",\"Keys\":\"" + id
                + "\",\"EntityType\":\"AccountBalance\",\"HttpClientType\":\"WebSocket\"}");
        JsonNode snapshot = c.until(n -> n.path("EntityType").asText().equals("AccountBalance")).getLast();
        assertThat(new BigDecimal(snapshot.path("CashBalance").asText())).isEqualByComparingTo("1000000");

        // An ACH withdrawal is held at once: the balance message shows the cash without it.
        transfer(token, id, bankId, "250", false);
        c.until(balance("999750"));
        assertThat(cash(token, id)).isEqualByComparingTo("999750");

        // A withdrawal held and then canceled: the hold, then its refund.
        String pending = transfer(token, id, bankId, "100", false);
        c.until(balance("999650"));
        Http.Response cancel = Http.send("DELETE", api("accounts/" + id + "/transfers/" + pending + "?comment=changed%20my%20mind"),
                null, auth(token));
        assertThat(cancel.status()).as(cancel.body()).isEqualTo(204);
        c.until(balance("999750"));

        // A deposit moves no cash until its funds arrive at the next session start (Thursday 04:00 New York).
        transfer(token, id, bankId, "500", true);
        assertThat(cash(token, id)).isEqualByComparingTo("999750");
        server.clock.set(Instant.parse("2026-11-19T09:00:05Z"));
        c.until(balance("1000250"));
        assertThat(cash(server.login(company, name), id)).isEqualByComparingTo("1000250");
        c.ws.sendClose(1000, "").join();
    }
}
