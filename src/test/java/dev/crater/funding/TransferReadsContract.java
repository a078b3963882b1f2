package dev.crater.funding;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.crater.accounts.Account;
import dev.crater.common.MarginType;
import dev.crater.companies.Company;
import dev.crater.testing.Eventually;
import dev.crater.testing.Http;
import dev.crater.testing.StoreKind;
import dev.crater.testing.TestServer;
import dev.crater.users.User;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;

/**
 * Goal: the docs' reads of one transfer (reference 03-accounts.md §4.2 #5-7) — {@code GET
 * /transfers/ach|wire|check/{transferId}} — answer what was sent, in the docs' camelCase shapes
 * (amount, actualAmount with the fee, the relationship, the wire's recipient, intermediary and
 * beneficiary with the account number masked, the check's memos and delivery, CloseAccount, an IRA
 * distribution), to anyone who may read the account; and the documented 409 for an unknown id,
 * another mechanism's transfer or another user's, 422 for an id that is not a GUID.
 *
 * <p>Method: one real server per store, its clock pinned in a regular session; real transfers sent
 * over HTTP by each test's own accounts.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(value = 120, unit = TimeUnit.SECONDS)
abstract class TransferReadsContract {
    static final Duration WAIT = Duration.ofSeconds(20);

    abstract StoreKind store();

    TestServer server;
    Company company;

    @BeforeAll
    void start() {
        server = TestServer.start(store());
        server.clock.set(Instant.parse("2026-11-18T16:00:00Z")); // Wednesday 11:00 New York
        company = server.company();
    }

    @AfterAll
    void stop() {
        if (server != null) {
            server.close();
        }
    }

    record Actor(User user, String token, Account account) {
    }

    Actor actor(MarginType type, String cash) {
        String name = TestServer.username("tread");
        User u = server.user(company, name, null, User.TwoFactorMethod.NONE);
        Account a = server.services().accounts.open(u, type, new BigDecimal(cash), BigDecimal.ZERO, BigDecimal.ZERO,
                BigDecimal.ZERO);
        Actor actor = new Actor(u, server.login(company, name), a);
        Eventually.eventually("the initial deposit", WAIT, () -> call(actor, "GET", "accounts/" + a.id() + "/info", null)
                .json().path("cash").decimalValue().compareTo(new BigDecimal(cash)) == 0);
        return actor;
    }

    Http.Response call(Actor as, String method, String path, String body) {
        return Http.send(method, server.api() + "v1.0/" + path, body, "Et-App-Key", company.appKey(),
                "Authorization", "Bearer " + as.token(), "Content-Type", "application/json");
    }

    String send(Actor a, String mechanism, String body) {
        Http.Response r = call(a, "POST", "accounts/" + a.account().id() + "/transfers/" + mechanism, body);
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        return r.text("Id");
    }

    String instantBank(Actor a) {
        Http.Response r = call(a, "POST", "accounts/" + a.account().id() + "/ach-relationships",
                "{\"RoutingNumber\":\"051000017\",\"AccountNumber\":\"987654321222\",\"AccountOwnerName\":\"Eugeny\","
                        + "\"Name\":\"Citi Bank\",\"ApprovalMethod\":\"Instant\",\"BankAccountType\":\"Checking\"}");
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        assertThat(r.text("Status")).isEqualTo("Approved");
        return r.text("Id");
    }

    JsonNode read(Actor as, String mechanism, String id) {
        Http.Response r = call(as, "GET", "transfers/" + mechanism + "/" + id, null);
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        return r.json();
    }

    static List<String> keys(JsonNode n) {
        List<String> out = new ArrayList<>();
        n.fieldNames().forEachRemaining(out::add);
        return out;
    }

    static final String WIRE = "{\"Amount\":100,\"IsDomesticWire\":true,\"RoutingNumber\":\"021000021\","
            + "\"AccountNumber\":\"123456789\",\"Name\":\"Robert Torro\",\"Address1\":\"1 Main St\",\"City\":\"Boston\","
            + "\"State\":\"MA\",\"ZipCode\":\"02110\",\"Country\":\"US\",\"BankName\":\"Chase\","
            + "\"BankStreetAddress1\":\"270 Park Ave\",\"BankCity\":\"New York\",\"ForFurtherCredit\":true,"
            + "\"IntermediaryName\":\"Mid Bank\",\"IntermediaryAccountNumber\":\"55554444\","
            + "\"IntermediaryAddress1\":\"2 Side St\",\"IntermediaryCity\":\"Chicago\",\"IntermediaryCountry\":\"US\","
            + "\"IntermediaryPostalCode\":\"60601\"";

    @Test
    void eachMechanismsReadAnswersWhatWasSent() {
        Actor a = actor(MarginType.Margin, "10000");
        String bank = instantBank(a);
        String deposit = send(a, "ach", "{\"AchRelationshipId\":\"" + bank + "\",\"Amount\":50,\"IsIncoming\":true}");
        JsonNode d = read(a, "ach", deposit);
        assertThat(keys(d)).containsExactly("transferId", "amount", "actualAmount", "achRelationshipId", "closeAccount",
                "isDeposit", "iraDistribution");
        assertThat(d.get("transferId").asText()).isEqualTo(deposit);
        assertThat(d.get("amount").decimalValue()).isEqualByComparingTo("50");
        assertThat(d.get("actualAmount").decimalValue()).isEqualByComparingTo("50");
        assertThat(d.get("achRelationshipId").asText()).isEqualTo(bank);
        assertThat(d.get("closeAccount").asBoolean()).isFalse();
        assertThat(d.get("isDeposit").asBoolean()).isTrue();
        assertThat(d.get("iraDistribution").isNull()).isTrue();

        String out = send(a, "ach", "{\"AchRelationshipId\":\"" + bank + "\",\"Amount\":20.5,\"IsIncoming\":false}");
        JsonNode w = read(a, "ach", out);
        assertThat(w.get("isDeposit").asBoolean()).isFalse();
        assertThat(w.get("amount").decimalValue()).isEqualByComparingTo("20.5");

        String wire = send(a, "wire", WIRE + "}");
        JsonNode x = read(a, "wire", wire);
        assertThat(keys(x)).containsExactly("transferId", "amount", "actualAmount", "closeAccount", "isDomesticWire",
                "recipient", "forFurtherCredit", "intermediary", "beneficiary", "iraDistribution");
        assertThat(x.get("amount").decimalValue()).isEqualByComparingTo("100");
        assertThat(x.get("actualAmount").decimalValue()).isEqualByComparingTo("125"); // the $25 domestic wire fee
        assertThat(x.get("isDomesticWire").asBoolean()).isTrue();
        assertThat(x.at("/recipient/routingNumber").asText()).isEqualTo("021000021");
        assertThat(x.at("/recipient/name").asText()).isEqualTo("Chase");
        assertThat(x.at("/recipient/address/streetAddress1").asText()).isEqualTo("270 Park Ave");
        assertThat(x.at("/recipient/address/city").asText()).isEqualTo("New York");
        assertThat(x.at("/intermediary/name").asText()).isEqualTo("Mid Bank");
        assertThat(x.at("/intermediary/accountNumber").asText()).isEqualTo("******4444");
        assertThat(x.at("/intermediary/address/city").asText()).isEqualTo("Chicago");
        assertThat(x.at("/beneficiary/accountNumber").asText()).isEqualTo("******6789");
        assertThat(x.at("/beneficiary/name").asText()).isEqualTo("Robert Torro");
        assertThat(x.at("/beneficiary/address/streetAddress1").asText()).isEqualTo("1 Main St");
        assertThat(x.at("/beneficiary/address/postalCode").asText()).isEqualTo("02110");
        assertThat(x.toString()).doesNotContain("123456789").doesNotContain("55554444");

        String check = send(a, "check", "{\"Amount\":100,\"CloseAccount\":false,\"Memos\":[\"one comment\"],"
                + "\"DeliveryMethod\":\"OVERNIGHT\"}");
        JsonNode c = read(a, "check", check);
        assertThat(keys(c)).containsExactly("transferId", "amount", "actualAmount", "closeAccount", "memos",
                "deliveryMethod", "iraDistribution");
        assertThat(c.get("actualAmount").decimalValue()).isEqualByComparingTo("125"); // $25 overnight
        assertThat(c.get("memos").get(0).asText()).isEqualTo("one comment");
        assertThat(c.get("deliveryMethod").asText()).isEqualTo("OVERNIGHT");

        // With a trailing slash, and for a user who may only read the account.
        assertThat(call(a, "GET", "transfers/check/" + check + "/", null).status()).isEqualTo(200);
        String name = TestServer.username("treadro");
        User ro = server.user(company, name, null, User.TwoFactorMethod.NONE);
        server.services().accounts.link(a.account(), ro, Account.AccessType.ReadOnly);
        Actor reader = new Actor(ro, server.login(company, name), a.account());
        assertThat(read(reader, "wire", wire).get("transferId").asText()).isEqualTo(wire);
    }

    @Test
    void closeAccountAndAnIraDistributionAreAnswered() {
        Actor a = actor(MarginType.Margin, "1000");
        String all = send(a, "check", "{\"CloseAccount\":true}");
        JsonNode c = read(a, "check", all);
        assertThat(c.get("closeAccount").asBoolean()).isTrue();
        assertThat(c.get("amount").decimalValue()).isEqualByComparingTo("1000");
        assertThat(c.get("deliveryMethod").asText()).isEqualTo("STANDARD");
        assertThat(c.get("memos").size()).isZero();

        Actor ira = actor(MarginType.MarginIra, "5000");
        String wire = send(ira, "wire", WIRE + ",\"IraDistribution\":{\"Reason\":\"NORMAL\",\"FederalTaxType\":\"FIXED\","
                + "\"StateTaxType\":\"FIXED\",\"FederalTaxAmount\":10.5,\"StateTaxAmount\":2}}");
        JsonNode x = read(ira, "wire", wire);
        assertThat(x.at("/iraDistribution/reason").asText()).isEqualTo("NORMAL");
        assertThat(x.at("/iraDistribution/federalTaxType").asText()).isEqualTo("FIXED");
        assertThat(x.at("/iraDistribution/stateTaxType").asText()).isEqualTo("FIXED");
        assertThat(x.at("/iraDistribution/federalTaxAmount").decimalValue()).isEqualByComparingTo("10.5");
        assertThat(x.at("/iraDistribution/stateTaxAmount").decimalValue()).isEqualByComparingTo("2");
    }

    @Test
    void unknownOthersAndWrongMechanismsAreTheDocumented409() {
        Actor a = actor(MarginType.Margin, "1000");
        Actor other = actor(MarginType.Margin, "0");
        String bank = instantBank(a);
        String deposit = send(a, "ach", "{\"AchRelationshipId\":\"" + bank + "\",\"Amount\":50,\"IsIncoming\":true}");
        for (String[] probe : new String[][] {{"wire", deposit}, {"check", deposit}, {"ach", UUID.randomUUID().toString()}}) {
            Http.Response r = call(a, "GET", "transfers/" + probe[0] + "/" + probe[1], null);
            assertThat(r.status()).as(r.body()).isEqualTo(409);
            assertThat(r.text("Message")).contains(probe[1]);
        }
        Http.Response others = call(other, "GET", "transfers/ach/" + deposit, null);
        assertThat(others.status()).as(others.body()).isEqualTo(409);
        // Another user's transfer is answered exactly as an unknown one is.
        assertThat(others.text("Message")).isEqualTo("No ACH transfer " + deposit + ".");
        String unknown = UUID.randomUUID().toString();
        assertThat(call(a, "GET", "transfers/ach/" + unknown, null).text("Message")).isEqualTo("No ACH transfer " + unknown + ".");
        Http.Response bad = call(a, "GET", "transfers/ach/42", null);
        assertThat(bad.status()).as(bad.body()).isEqualTo(422);
        assertThat(bad.json().path("ModelState").has("transferId")).as(bad.body()).isTrue();
        Http.Response anonymous = Http.send("GET", server.api() + "v1.0/transfers/ach/" + deposit, null,
                "Et-App-Key", company.appKey());
        assertThat(anonymous.status()).isEqualTo(401);
    }
}
