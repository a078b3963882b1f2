package dev.crater.funding;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.crater.accounts.Account;
import dev.crater.common.MarginType;
import dev.crater.companies.Company;
import dev.crater.notify.Outbox;
import dev.crater.testing.CliRun;
import dev.crater.testing.Eventually;
import dev.crater.testing.Http;
import dev.crater.testing.StoreKind;
import dev.crater.testing.TestServer;
import dev.crater.users.User;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;

/**
 * Goal: the funding operations of reference 03-accounts.md §4 over real HTTP — ACH relationships
 * (create with micro-deposits told by e-mail, approve, the two-per-account limit, the ABA check,
 * default, rename, cancel, list, Plaid sandbox links) and transfers (ACH deposit arriving at the next
 * session start, withdrawals held at once and refused above the withdrawable cash, cancel with refund,
 * wire fees, check, Zelle, IRA constraints, operator approve/reject/return) — with the ledger
 * invariant (the engine's cash equals the sum of the account's ledger) after every money move, and
 * an idempotent retry that moves money once.
 *
 * <p>Method: one real server per store; time moves only through the test server's clock; every test
 * opens its own accounts. The same contract runs on SQLite and PostgreSQL.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(value = 120, unit = TimeUnit.SECONDS)
abstract class FundingApiContract {
    static final ObjectMapper MAPPER = new ObjectMapper();
    static final Duration WAIT = Duration.ofSeconds(20);

    abstract StoreKind store();

    TestServer server;
    Company company;

    @BeforeAll
    void start() {
        server = TestServer.start(store());
        company = server.company();
    }

    @AfterAll
    void stop() {
        if (server != null) {
            server.close();
        }
    }

    record Actor(User user, String token, Account account) {
        String[] headers(String... more) {
            String[] base = {"Et-App-Key", "", "Authorization", "Bearer " + token};
            String[] all = new String[base.length + more.length];
            System.arraycopy(base, 0, all, 0, base.length);
            System.arraycopy(more, 0, all, base.length, more.length);
            return all;
        }
    }

    Actor actor(MarginType type, String cash) {
        String name = TestServer.username("fund");
        User u = server.user(company, name, null, User.TwoFactorMethod.NONE);
        Account a = server.services().accounts.open(u, type, new BigDecimal(cash), BigDecimal.ZERO, BigDecimal.ZERO,
                BigDecimal.ZERO);
        Actor actor = new Actor(u, server.login(company, name), a);
        if (new BigDecimal(cash).signum() > 0) {
            Eventually.eventually("the initial deposit", WAIT, () -> cash(actor).compareTo(new BigDecimal(cash)) == 0);
        }
        return actor;
    }

    Http.Response call(Actor as, String method, String path, String body, String... headers) {
        String[] h = as.headers(headers);
        h[1] = company.appKey();
        return Http.send(method, server.api() + "v1.0/accounts/" + as.account().id() + "/" + path, body, h);
    }

    BigDecimal cash(Actor a) {
        Http.Response r = call(a, "GET", "info", null);
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        return r.json().get("cash").decimalValue();
    }

    /** The engine's stored cash equals the sum of the account's ledger (and the answer's cash). */
    void ledgerInvariant(Actor a) {
        Eventually.eventually("engine cash equals the ledger for account " + a.account().id(), WAIT, () -> {
            BigDecimal ledger = server.services().database.jdbi().withHandle(h -> h.createQuery(
                            "SELECT value FROM ledger_entries WHERE account_id = :a").bind("a", a.account().id())
                    .mapTo(String.class).list()).stream().map(BigDecimal::new).reduce(BigDecimal.ZERO, BigDecimal::add);
            String state = server.services().database.jdbi().withHandle(h -> h.createQuery(
                            "SELECT state_json FROM engine_accounts WHERE account_id = :a").bind("a", a.account().id())
                    .mapTo(String.class).findOne().orElse(null));
            if (state == null) {
                return false;
            }
            try {
                BigDecimal engine = BigDecimal.valueOf(MAPPER.readTree(state).get("cash").asLong(), 6);
                return engine.compareTo(ledger) == 0 && cash(a).compareTo(ledger) == 0;
            } catch (java.io.IOException e) {
                throw new AssertionError(e);
            }
        });
    }

    static String achBody(String routing, String number, String method) {
        return "{\"RoutingNumber\":\"" + routing + "\",\"AccountNumber\":\"" + number + "\",\"AccountOwnerName\":\"Eugeny\","
                + "\"Name\":\"Citi Bank\",\"ApprovalMethod\":\"" + method + "\",\"BankAccountType\":\"Checking\"}";
    }

    /** An Approved relationship through the micro-deposit flow; returns its id. */
    String linkedBank(Actor a) {
        Http.Response r = call(a, "POST", "ach-relationships", achBody("051000017", "987654321222", "Manual"));
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        String id = r.text("Id");
        int[] amounts = microDeposits(a);
        Http.Response ok = call(a, "POST", "ach-relationships/" + id + "/approve",
                "{\"Amount1\":" + cents(amounts[1]) + ",\"Amount2\":" + cents(amounts[0]) + "}");
        assertThat(ok.status()).as(ok.body()).isEqualTo(200);
        assertThat(ok.text("Status")).isEqualTo("Approved");
        return id;
    }

    static String cents(int c) {
        return BigDecimal.valueOf(c, 2).toPlainString();
    }

    int[] microDeposits(Actor a) {
        List<Outbox.Entry> mails = server.services().outbox.newest(200).stream()
                .filter(e -> e.recipient().equalsIgnoreCase(a.user().email()) && e.subject().contains("micro-deposits"))
                .toList();
        assertThat(mails).isNotEmpty();
        Matcher m = Pattern.compile("\\$0\\.(\\d\\d) and \\$0\\.(\\d\\d)").matcher(mails.getFirst().body());
        assertThat(m.find()).as(mails.getFirst().body()).isTrue();
        return new int[] {Integer.parseInt(m.group(1)), Integer.parseInt(m.group(2))};
    }

    /** The same user logged in again (moving the clock may outlive a token). */
    Actor fresh(Actor a) {
        return new Actor(a.user(), server.login(company, a.user().username()), a.account());
    }

    void toArrival(Transfers.Transfer t) {
        long due = server.services().transfers.arrival(Instant.parse(t.createdAt().replaceAll("(\\.\\d{3})\\d*Z", "$1Z"))
                .toEpochMilli(), 0);
        if (server.clock.millis() < due + 1000) {
            server.clock.set(Instant.ofEpochMilli(due + 1000));
        }
    }

    Transfers.Transfer transfer(Http.Response r) {
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        JsonNode j = r.json();
        return new Transfers.Transfer(j.get("Id").asText(), j.get("AccountId").asLong(), j.get("ExternalId").asText(),
                j.get("Mechanism").asText(), j.get("IsDeposit").asBoolean(), j.get("Status").asText(),
                j.has("Comment") ? j.get("Comment").asText() : null, j.get("Amount").decimalValue(),
                j.get("TotalAmount").decimalValue(), null, j.get("CreatedAt").asText(), null, null);
    }

    String status(Actor a, String transferId) {
        Http.Response r = call(a, "GET", "transfers?pageNumber=0&pageSize=99", null);
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        for (JsonNode t : r.json().get("Result")) {
            if (t.get("Id").asText().equals(transferId)) {
                return t.get("Status").asText();
            }
        }
        throw new AssertionError("transfer " + transferId + " not listed: " + r.body());
    }

    // ---- ACH relationships -------------------------------------------------------------------------

    @Test
    void aManualRelationshipIsApprovedWithItsMicroDepositsOnly() {
        Actor a = actor(MarginType.Margin, "0");
        Http.Response r = call(a, "POST", "ach-relationships", achBody("051000017", "987654321222", "Manual"));
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        JsonNode j = r.json();
        assertThat(j.get("Status").asText()).isEqualTo("Pending");
        assertThat(j.get("AccountId").asLong()).isEqualTo(a.account().id());
        assertThat(j.get("RoutingNumber").asText()).isEqualTo("051000017");
        assertThat(j.get("AccountNumber").asText()).endsWith("1222").doesNotContain("98765");
        assertThat(j.get("Default").asBoolean()).isTrue();
        assertThat(j.get("ApprovalMethod").asText()).isEqualTo("Manual");
        assertThat(j.has("CancelDate")).isFalse();
        String id = j.get("Id").asText();
        int[] amounts = microDeposits(a);
        int wrong = amounts[0] == 1 ? 2 : 1;
        Http.Response bad = call(a, "POST", "ach-relationships/" + id + "/approve",
                "{\"Amount1\":" + cents(wrong) + ",\"Amount2\":" + cents(wrong == 1 ? 3 : 4) + "}");
        assertThat(bad.status()).as(bad.body()).isEqualTo(409);
        assertThat(bad.body()).contains("2 attempt(s) left");
        Http.Response outOfRange = call(a, "POST", "ach-relationships/" + id + "/approve", "{\"Amount1\":1.5,\"Amount2\":0.1}");
        assertThat(outOfRange.status()).isEqualTo(422);
        Http.Response ok = call(a, "POST", "ach-relationships/" + id + "/approve",
                "{\"Amount1\":" + cents(amounts[0]) + ",\"Amount2\":" + cents(amounts[1]) + "}");
        assertThat(ok.status()).as(ok.body()).isEqualTo(200);
        assertThat(ok.text("Status")).isEqualTo("Approved");
        Http.Response again = call(a, "POST", "ach-relationships/" + id + "/approve",
                "{\"Amount1\":" + cents(amounts[0]) + ",\"Amount2\":" + cents(amounts[1]) + "}");
        assertThat(again.status()).isEqualTo(409);
        assertThat(call(a, "GET", "ach-relationships/" + id, null).text("Status")).isEqualTo("Approved");
    }

    @Test
    void threeWrongGuessesPutTheRelationshipInError() {
        Actor a = actor(MarginType.Margin, "0");
        String id = call(a, "POST", "ach-relationships", achBody("051000017", "987654321222", "Manual")).text("Id");
        int[] amounts = microDeposits(a);
        for (int i = 0; i < AchRelationships.GUESSES_MAX; i++) {
            int w = amounts[0] == 1 ? 2 : 1;
            assertThat(call(a, "POST", "ach-relationships/" + id + "/approve", "{\"Amount1\":" + cents(w)
                    + ",\"Amount2\":" + cents(w) + "}").status()).isEqualTo(409);
        }
        assertThat(call(a, "GET", "ach-relationships/" + id, null).text("Status")).isEqualTo("Error");
        assertThat(call(a, "POST", "ach-relationships/" + id + "/approve", "{\"Amount1\":" + cents(amounts[0])
                + ",\"Amount2\":" + cents(amounts[1]) + "}").status()).isEqualTo(409);
    }

    @Test
    void bankNumbersAreChecked() {
        Actor a = actor(MarginType.Margin, "0");
        Http.Response badCheck = call(a, "POST", "ach-relationships", achBody("051000018", "987654321222", "Manual"));
        assertThat(badCheck.status()).isEqualTo(422);
        assertThat(badCheck.body()).contains("model.RoutingNumber");
        Http.Response shortNumber = call(a, "POST", "ach-relationships", achBody("051000017", "123456789", "Manual"));
        assertThat(shortNumber.status()).isEqualTo(422);
        assertThat(shortNumber.body()).contains("model.AccountNumber");
        assertThat(call(a, "POST", "ach-relationships", achBody("051000017", "987654321222", "Sometimes")).status())
                .isEqualTo(422);
        assertThat(call(a, "POST", "ach-relationships", "not json").status()).isEqualTo(400);
        assertThat(BankNumbers.abaRouting("011000015")).isTrue();
        assertThat(BankNumbers.abaRouting("991000011")).isFalse();
    }

    @Test
    void anAccountHasAtMostTwoAndTheDefaultFollowsChanges() {
        Actor a = actor(MarginType.Margin, "0");
        String first = call(a, "POST", "ach-relationships", achBody("051000017", "987654321222", "Instant")).text("Id");
        Http.Response second = call(a, "POST", "ach-relationships", achBody("011000015", "1234567890", "Instant"));
        assertThat(second.json().get("Default").asBoolean()).isFalse();
        assertThat(second.text("Status")).isEqualTo("Approved");
        Http.Response third = call(a, "POST", "ach-relationships", achBody("011000015", "1234567891", "Instant"));
        assertThat(third.status()).as(third.body()).isEqualTo(409);
        assertThat(call(a, "GET", "ach-relationships/default", null).text("Id")).isEqualTo(first);
        assertThat(call(a, "GET", "ach-relationships", null).text("Id")).isEqualTo(first);
        Http.Response set = call(a, "POST", "ach-relationships/" + second.text("Id") + "/default", null);
        assertThat(set.status()).as(set.body()).isEqualTo(200);
        assertThat(call(a, "GET", "ach-relationships/default", null).text("Id")).isEqualTo(second.text("Id"));
        Http.Response renamed = call(a, "PUT", "ach-relationships/" + first, "{\"Name\":\"Bank of Crater\"}");
        assertThat(renamed.text("Name")).isEqualTo("Bank of Crater");
        assertThat(call(a, "DELETE", "ach-relationships/" + first, null).status()).isEqualTo(404);
        Http.Response canceled = call(a, "DELETE", "ach-relationships/" + first + "?reason=closed", null);
        assertThat(canceled.status()).as(canceled.body()).isEqualTo(200);
        assertThat(canceled.text("Status")).isEqualTo("Canceled");
        assertThat(canceled.text("CancelReason")).isEqualTo("closed");
        assertThat(canceled.json().has("CancelDate")).isTrue();
        assertThat(call(a, "DELETE", "ach-relationships/" + first + "?reason=again", null).status()).isEqualTo(409);
        assertThat(call(a, "POST", "ach-relationships/" + first + "/default", null).status()).isEqualTo(409);
        // A slot is free again.
        assertThat(call(a, "POST", "ach-relationships", achBody("011000015", "1234567891", "Manual")).status())
                .isEqualTo(200);
        Http.Response page = call(a, "GET", "ach-relationships?pageNumber=0&pageSize=10&sortBy=CreatedAt&isDesc=false"
                + "&status=Canceled", null);
        assertThat(page.status()).as(page.body()).isEqualTo(200);
        assertThat(page.json().get("TotalCount").asInt()).isEqualTo(1);
        assertThat(page.json().get("Result").get(0).get("Id").asText()).isEqualTo(first);
        Http.Response all = call(a, "GET", "ach-relationships?pageNumber=0&pageSize=10&sortBy=CreatedAt&isDesc=true", null);
        assertThat(all.json().get("TotalCount").asInt()).isEqualTo(3);
        assertThat(call(a, "GET", "ach-relationships?pageNumber=0&pageSize=10&sortBy=Nope&isDesc=true", null).status())
                .isEqualTo(422);
        assertThat(call(a, "GET", "ach-relationships?pageNumber=0&pageSize=10&sortBy=Name&isDesc=true&status=Maybe", null)
                .status()).isEqualTo(422);
        assertThat(call(a, "GET", "ach-relationships/not-a-guid", null).status()).isEqualTo(422);
        assertThat(call(a, "GET", "ach-relationships/" + UUID.randomUUID(), null).status()).isEqualTo(404);
    }

    @Test
    void plaidTakesSandboxTokensOnly() {
        Actor a = actor(MarginType.Margin, "0");
        Http.Response ok = call(a, "POST", "ach-relationships/plaid", "{\"Accounts\":[\"aGdSP4Lj71QRqIenrpvs\"],"
                + "\"BankName\":\"Bank of America\",\"PublicToken\":\"public-sandbox-5c224a01-8314-4491-a06f-39e193d5cddc\","
                + "\"AccountId\":\"" + a.account().id() + "\"}");
        assertThat(ok.status()).as(ok.body()).isEqualTo(200);
        assertThat(ok.text("Status")).isEqualTo("Approved");
        assertThat(ok.text("ApprovalMethod")).isEqualTo("Instant");
        assertThat(BankNumbers.abaRouting(ok.text("RoutingNumber"))).isTrue();
        Http.Response live = call(a, "POST", "ach-relationships/plaid", "{\"Accounts\":[\"x\"],\"BankName\":\"B\","
                + "\"PublicToken\":\"public-production-abc\"}");
        assertThat(live.status()).isEqualTo(422);
        assertThat(live.body()).contains("model.PublicToken");
    }

    @Test
    void anotherUsersAccountIsDenied() {
        Actor a = actor(MarginType.Margin, "0");
        Actor other = actor(MarginType.Margin, "0");
        Http.Response r = Http.send("GET", server.api() + "v1.0/accounts/" + a.account().id() + "/ach-relationships/default",
                null, "Et-App-Key", company.appKey(), "Authorization", "Bearer " + other.token());
        assertThat(r.status()).isEqualTo(401);
        Http.Response t = Http.send("POST", server.api() + "v1.0/accounts/" + a.account().id() + "/transfers/wire",
                "{\"Amount\":1}", "Et-App-Key", company.appKey(), "Authorization", "Bearer " + other.token());
        assertThat(t.status()).isEqualTo(401);
    }

    // ---- transfers ---------------------------------------------------------------------------------

    @Test
    void anAchDepositArrivesAtTheNextSessionStartOnceEvenWhenRetried() {
        Actor a = actor(MarginType.Margin, "100");
        String bank = linkedBank(a);
        String body = "{\"AchRelationshipId\":\"" + bank + "\",\"Amount\":50,\"IsIncoming\":true}";
        Transfers.Transfer t = transfer(call(a, "POST", "transfers/ach", body, "Idempotency-Key", "dep-1"));
        assertThat(t.status()).isEqualTo("Submitted");
        assertThat(t.mechanism()).isEqualTo("ACH");
        assertThat(t.isDeposit()).isTrue();
        Transfers.Transfer retry = transfer(call(a, "POST", "transfers/ach", body, "Idempotency-Key", "dep-1"));
        assertThat(retry.id()).isEqualTo(t.id());
        Http.Response reused = call(a, "POST", "transfers/ach",
                "{\"AchRelationshipId\":\"" + bank + "\",\"Amount\":51,\"IsIncoming\":true}", "Idempotency-Key", "dep-1");
        assertThat(reused.status()).isEqualTo(409);
        assertThat(cash(a)).isEqualByComparingTo("100");
        toArrival(t);
        Actor a2 = fresh(a);
        Eventually.eventually("the deposit completes", WAIT, () -> status(a2, t.id()).equals("Complete"));
        Eventually.eventually("the deposit is booked", WAIT, () -> cash(a2).compareTo(new BigDecimal("150")) == 0);
        ledgerInvariant(a2);
        // A retry after completion still moves nothing.
        assertThat(transfer(call(a2, "POST", "transfers/ach", body, "Idempotency-Key", "dep-1")).id()).isEqualTo(t.id());
        server.services().transferClock.round();
        assertThat(cash(a2)).isEqualByComparingTo("150");
        Http.Response fees = call(a2, "GET", "transfers/" + t.id() + "/fees", null);
        assertThat(fees.status()).isEqualTo(200);
        assertThat(fees.json().get(0).get("Type").asText()).isEqualTo("AchDeposit");
        assertThat(fees.json().get(0).get("CustomerDebitAmount").decimalValue()).isEqualByComparingTo("0");
        assertThat(call(a2, "DELETE", "transfers/" + t.id() + "?comment=late", null).status()).isEqualTo(409);
        // An ACH return takes the funds back with its reason.
        returnTransfer(t.id(), "R01 Insufficient funds");
        assertThat(status(a2, t.id())).isEqualTo("Returned");
        Eventually.eventually("the return is booked", WAIT, () -> cash(a2).compareTo(new BigDecimal("100")) == 0);
        ledgerInvariant(a2);
    }

    @Test
    void aReturnTheAccountCannotCoverIsUndoneAndMovesNothing() {
        Actor a = actor(MarginType.Margin, "0");
        String bank = linkedBank(a);
        Transfers.Transfer t = transfer(call(a, "POST", "transfers/ach",
                "{\"AchRelationshipId\":\"" + bank + "\",\"Amount\":100,\"IsIncoming\":true}"));
        toArrival(t);
        Actor a2 = fresh(a);
        Eventually.eventually("the deposit completes", WAIT, () -> status(a2, t.id()).equals("Complete"));
        Eventually.eventually("the deposit is booked", WAIT, () -> cash(a2).compareTo(new BigDecimal("100")) == 0);
        // Most of it leaves again before the bank's return comes.
        transfer(call(a2, "POST", "transfers/ach", "{\"AchRelationshipId\":\"" + bank + "\",\"Amount\":80,\"IsIncoming\":false}"));
        Eventually.eventually("the hold", WAIT, () -> cash(a2).compareTo(new BigDecimal("20")) == 0);
        assertThatThrownBy(() -> server.services().transfers.returned(t.id(), "R01 Insufficient funds"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("stays Complete")
                .hasMessageContaining("cannot cover");
        assertThat(status(a2, t.id())).isEqualTo("Complete");
        server.services().transferClock.round();
        assertThat(status(a2, t.id())).isEqualTo("Complete");
        assertThat(cash(a2)).isEqualByComparingTo("20");
        ledgerInvariant(a2);
        // Once the account can cover it again, the same return goes through.
        Transfers.Transfer more = transfer(call(a2, "POST", "transfers/ach",
                "{\"AchRelationshipId\":\"" + bank + "\",\"Amount\":100,\"IsIncoming\":true}"));
        toArrival(more);
        Actor a3 = fresh(a2);
        Eventually.eventually("the second deposit is booked", WAIT, () -> cash(a3).compareTo(new BigDecimal("120")) == 0);
        returnTransfer(t.id(), "R01 Insufficient funds");
        assertThat(status(a3, t.id())).isEqualTo("Returned");
        Eventually.eventually("the return is booked", WAIT, () -> cash(a3).compareTo(new BigDecimal("20")) == 0);
        ledgerInvariant(a3);
    }

    void returnTransfer(String id, String reason) {
        operator("return", id, reason, "Returned");
    }

    /** An operator's action: through {@code crater admin transfer} on SQLite (the CLI's store), else the same service. */
    void operator(String action, String id, String reason, String status) {
        if (server.store() == StoreKind.SQLITE) {
            CliRun.Result list = CliRun.against(server, "admin", "transfer", "list");
            assertThat(list.code()).as(list.err()).isEqualTo(0);
            if (!action.equals("return")) {
                assertThat(list.out()).contains(id);
            }
            CliRun.Result r = reason == null ? CliRun.against(server, "admin", "transfer", action, id)
                    : CliRun.against(server, "admin", "transfer", action, id, "--reason", reason);
            assertThat(r.code()).as(r.err()).isEqualTo(0);
            assertThat(r.out()).contains(status);
            CliRun.Result again = reason == null ? CliRun.against(server, "admin", "transfer", action, id)
                    : CliRun.against(server, "admin", "transfer", action, id, "--reason", reason);
            assertThat(again.code()).as("a second " + action).isEqualTo(2);
        } else {
            switch (action) {
                case "approve" -> server.services().transfers.approve(id);
                case "reject" -> server.services().transfers.reject(id, reason);
                default -> server.services().transfers.returned(id, reason);
            }
        }
    }

    @Test
    void aWithdrawalIsHeldAtOnceAndACancelCreditsItBack() {
        Actor a = actor(MarginType.Margin, "1000");
        String bank = linkedBank(a);
        Http.Response tooMuch = call(a, "POST", "transfers/ach",
                "{\"AchRelationshipId\":\"" + bank + "\",\"Amount\":1000.01,\"IsIncoming\":false}");
        assertThat(tooMuch.status()).as(tooMuch.body()).isEqualTo(409);
        assertThat(tooMuch.body()).contains("withdrawable");
        Transfers.Transfer t = transfer(call(a, "POST", "transfers/ach",
                "{\"AchRelationshipId\":\"" + bank + "\",\"Amount\":400,\"IsIncoming\":false}"));
        assertThat(t.status()).isEqualTo("Submitted");
        assertThat(t.isDeposit()).isFalse();
        Eventually.eventually("the hold", WAIT, () -> cash(a).compareTo(new BigDecimal("600")) == 0);
        ledgerInvariant(a);
        assertThat(call(a, "DELETE", "transfers/" + t.id(), null).status()).isEqualTo(404);
        Http.Response cancel = call(a, "DELETE", "transfers/" + t.id() + "?comment=changed%20my%20mind", null);
        assertThat(cancel.status()).as(cancel.body()).isEqualTo(204);
        assertThat(status(a, t.id())).isEqualTo("Canceled");
        Eventually.eventually("the refund", WAIT, () -> cash(a).compareTo(new BigDecimal("1000")) == 0);
        assertThat(call(a, "DELETE", "transfers/" + t.id() + "?comment=again", null).status()).isEqualTo(409);
        ledgerInvariant(a);
    }

    @Test
    void wireCheckAndZelleWithdrawalsWithFees() {
        Actor a = actor(MarginType.Margin, "1000");
        Transfers.Transfer wire = transfer(call(a, "POST", "transfers/wire", "{\"Amount\":100,\"CloseAccount\":false,"
                + "\"IsDomesticWire\":true,\"RoutingNumber\":\"051000017\",\"AccountNumber\":\"123456789\"}"));
        assertThat(wire.mechanism()).isEqualTo("Wire");
        assertThat(wire.totalAmount()).isEqualByComparingTo("125");
        Http.Response fee = call(a, "GET", "transfers/" + wire.id() + "/fees", null);
        assertThat(fee.json().get(0).get("Type").asText()).isEqualTo("WireDomestic");
        assertThat(fee.json().get(0).get("CustomerDebitAmount").decimalValue()).isEqualByComparingTo("25");
        assertThat(call(a, "POST", "transfers/wire", "{\"Amount\":100,\"IsDomesticWire\":true,\"RoutingNumber\":\"123\","
                + "\"AccountNumber\":\"123456789\"}").status()).isEqualTo(400);
        assertThat(call(a, "POST", "transfers/wire", "{\"Amount\":100,\"IsDomesticWire\":false,\"RoutingNumber\":"
                + "\"DEUTDEFF\",\"AccountNumber\":\"DE89370400440532013000\"}").status()).isEqualTo(400);
        Transfers.Transfer check = transfer(call(a, "POST", "transfers/check",
                "{\"Amount\":50,\"CloseAccount\":false,\"Memos\":[\"rent\"],\"DeliveryMethod\":\"OVERNIGHT\"}"));
        assertThat(check.mechanism()).isEqualTo("Check");
        assertThat(check.totalAmount()).isEqualByComparingTo("75");
        assertThat(call(a, "POST", "transfers/check", "{\"Amount\":50,\"DeliveryMethod\":\"PIGEON\"}").status())
                .isEqualTo(400);
        Transfers.Transfer zelle = transfer(call(a, "POST", "transfers/zelle",
                "{\"Name\":\"Ann\",\"Email\":\"ann@example.com\",\"Amount\":10}"));
        assertThat(zelle.mechanism()).isEqualTo("Zelle");
        assertThat(call(a, "POST", "transfers/zelle", "{\"Amount\":10}").status()).isEqualTo(400);
        Eventually.eventually("the holds", WAIT, () -> cash(a).compareTo(new BigDecimal("790")) == 0);
        ledgerInvariant(a);
        // The operator rejects the check: its hold (with the fee) comes back.
        operator("reject", check.id(), "stale address", "Rejected");
        assertThat(status(a, check.id())).isEqualTo("Rejected");
        Eventually.eventually("the check's refund", WAIT, () -> cash(a).compareTo(new BigDecimal("865")) == 0);
        // The wire completes at the next session start; the operator approves the Zelle now.
        operator("approve", zelle.id(), null, "Complete");
        assertThat(status(a, zelle.id())).isEqualTo("Complete");
        toArrival(wire);
        Actor b = fresh(a);
        Eventually.eventually("the wire completes", WAIT, () -> status(b, wire.id()).equals("Complete"));
        assertThat(cash(b)).isEqualByComparingTo("865");
        ledgerInvariant(b);
        Http.Response page = call(b, "GET", "transfers?pageNumber=0&pageSize=2&sortBy=Amount&isDesc=true", null);
        assertThat(page.status()).as(page.body()).isEqualTo(200);
        assertThat(page.json().get("TotalCount").asInt()).isEqualTo(3);
        assertThat(page.json().get("Result").get(0).get("Amount").decimalValue()).isEqualByComparingTo("100");
        assertThat(page.json().get("Result").get(0).get("ClearingAccountNumber").asText())
                .isEqualTo(b.account().clearingAccount());
        assertThat(call(b, "GET", "transfers?pageNumber=0&pageSize=100", null).status()).isEqualTo(422);
        assertThat(call(b, "GET", "transfers?pageNumber=0&pageSize=5&sortBy=Nope", null).status()).isEqualTo(422);
    }

    @Test
    void unapprovedBanksCannotMoveMoneyAndIraWithdrawalsNeedADistribution() {
        Actor a = actor(MarginType.Margin, "100");
        String pending = call(a, "POST", "ach-relationships", achBody("051000017", "987654321222", "Manual")).text("Id");
        Http.Response r = call(a, "POST", "transfers/ach", "{\"AchRelationshipId\":\"" + pending
                + "\",\"Amount\":10,\"IsIncoming\":true}");
        assertThat(r.status()).as(r.body()).isEqualTo(409);
        assertThat(call(a, "POST", "transfers/ach", "{\"AchRelationshipId\":\"" + pending + "\",\"Amount\":10}").status())
                .isEqualTo(400);
        assertThat(call(a, "POST", "transfers/ach", "{\"AchRelationshipId\":\"" + pending
                + "\",\"Amount\":10.001,\"IsIncoming\":true}").status()).isIn(409, 422);
        Http.Response plain = call(a, "GET", "transfers/ira_constraints/ACH/true", null);
        assertThat(plain.status()).isEqualTo(200);
        assertThat(plain.json().get("IsRetirementAccount").asBoolean()).isFalse();
        assertThat(call(a, "GET", "transfers/ira_constraints/Pigeon/true", null).status()).isEqualTo(422);

        Actor ira = actor(MarginType.MarginIra, "500");
        Http.Response c = call(ira, "GET", "transfers/ira_constraints/ACH/true", null);
        assertThat(c.json().get("IsRetirementAccount").asBoolean()).isTrue();
        assertThat(c.json().get("ContributionConstraints").get("ValidContributions").size()).isGreaterThan(0);
        Http.Response d = call(ira, "GET", "transfers/ira_constraints/Wire/false", null);
        assertThat(d.json().get("DistributionConstraints").get("ClosingFee").get("CustomerDebitAmount").decimalValue())
                .isEqualByComparingTo("25");
        Http.Response noDistribution = call(ira, "POST", "transfers/zelle", "{\"Email\":\"a@b.co\",\"Amount\":10}");
        assertThat(noDistribution.status()).isEqualTo(422);
        assertThat(noDistribution.body()).contains("IraDistribution");
        assertThat(call(ira, "POST", "transfers/zelle", "{\"Email\":\"a@b.co\",\"Amount\":10,\"IraDistribution\":"
                + "{\"Reason\":\"NORMAL\",\"FederalTaxType\":\"FIXED\",\"FederalTaxAmount\":0}}").status()).isEqualTo(200);
        ledgerInvariant(ira);
    }

    // ---- transactions ------------------------------------------------------------------------------

    @Test
    void activityReportsAndConsolidatedTransactionsShowTheMoneyMoves() {
        Actor a = actor(MarginType.Margin, "300");
        Transfers.Transfer zelle = transfer(call(a, "POST", "transfers/zelle", "{\"Email\":\"x@example.com\",\"Amount\":20.5}"));
        Eventually.eventually("the hold", WAIT, () -> cash(a).compareTo(new BigDecimal("279.5")) == 0);
        Http.Response act = call(a, "GET", "activity?pageNumber=0&pageSize=10&sortBy=Id&isAsc=true", null);
        assertThat(act.status()).as(act.body()).isEqualTo(200);
        JsonNode rows = act.json().get("Result");
        assertThat(act.json().get("TotalCount").asInt()).isEqualTo(2);
        assertThat(rows.get(0).get("Description").asText()).isEqualTo("Initial deposit");
        assertThat(rows.get(1).get("Value").decimalValue()).isEqualByComparingTo("-20.5");
        assertThat(rows.get(1).get("Description").asText()).contains("Zelle withdrawal").contains(zelle.externalId());
        assertThat(rows.get(1).get("Type").asText()).isEqualTo("Payment");
        Http.Response desc = call(a, "GET", "activity?pageNumber=0&pageSize=10&sortBy=Id&isAsc=false", null);
        assertThat(desc.json().get("Result").get(0).get("Value").decimalValue()).isEqualByComparingTo("-20.5");
        assertThat(call(a, "GET", "activity?pageNumber=0&pageSize=10&sortBy=Id", null).status()).isEqualTo(404);
        assertThat(call(a, "GET", "activity?pageNumber=0&pageSize=10&sortBy=Id&isAsc=true&filter=" + "Value%20%3C", null)
                .status()).isEqualTo(400);
        for (String path : List.of("activity/allowed-types", "transactions/allowed-types")) {
            Http.Response types = call(a, "GET", path, null);
            assertThat(types.status()).isEqualTo(200);
            assertThat(types.body()).contains("\"Payment\"").contains("\"OrderExecution\"").doesNotContain("Undefined");
        }
        Http.Response csv = call(a, "GET", "activity/report?sortBy=Id&isAsc=true&reportEnum=CsvReport", null);
        assertThat(csv.status()).as(csv.body()).isEqualTo(200);
        assertThat(csv.json().size()).isEqualTo(3);
        assertThat(csv.json().get(0).asText()).startsWith("Id,Date,Type");
        assertThat(csv.json().get(2).asText()).contains(",-20.5,");
        Http.Response plain = call(a, "GET", "transaction/report?sortBy=Id&isDesc=true&reportEnum=NotReport"
                + "&filter=Value%20%3C%200", null);
        assertThat(plain.json().size()).isEqualTo(1);
        assertThat(call(a, "GET", "transaction/report?sortBy=Id&isDesc=true&reportEnum=PdfReport", null).status())
                .isEqualTo(422);
        assertThat(call(a, "GET", "transaction/report?sortBy=Id&isDesc=true&reportEnum=Word", null).status())
                .isEqualTo(422);
        Http.Response consolidated = Http.send("POST", server.api() + "v1.0/transactions/consolidated",
                "{\"AccountIds\":[" + a.account().id() + "],\"PageNumber\":0,\"PageSize\":10,\"SortField\":\"Id\","
                        + "\"Desc\":true}", "Et-App-Key", company.appKey(), "Authorization", "Bearer " + a.token());
        assertThat(consolidated.status()).as(consolidated.body()).isEqualTo(200);
        JsonNode first = consolidated.json().get("Result").get(0);
        assertThat(first.get("AccountNumber").asText()).isEqualTo(a.account().clearingAccount());
        assertThat(first.get("NetAmount").decimalValue()).isEqualByComparingTo("-20.5");
        assertThat(first.get("ActivityType").asText()).isEqualTo("Payment");
        assertThat(first.get("CurrencyCode").asText()).isEqualTo("USD");
        Actor other = actor(MarginType.Margin, "0");
        assertThat(Http.send("POST", server.api() + "v1.0/transactions/consolidated", "{\"AccountIds\":["
                + other.account().id() + "]}", "Et-App-Key", company.appKey(), "Authorization", "Bearer " + a.token())
                .status()).isEqualTo(401);
    }

    @Test
    void concurrentRetriesAndClockRoundsMoveTheMoneyOnce() throws Exception {
        Actor a = actor(MarginType.Margin, "0");
        String bank = linkedBank(a);
        String body = "{\"AchRelationshipId\":\"" + bank + "\",\"Amount\":75,\"IsIncoming\":true,\"ClientId\":\"once\"}";
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            List<Future<Http.Response>> sent = new ArrayList<>();
            for (int i = 0; i < 8; i++) {
                sent.add(pool.submit(() -> call(a, "POST", "transfers/ach", body)));
            }
            Set<String> ids = new HashSet<>();
            for (Future<Http.Response> f : sent) {
                ids.add(transfer(f.get()).id());
            }
            assertThat(ids).as("one transfer for one key").hasSize(1);
            Transfers.Transfer t = transfer(call(a, "POST", "transfers/ach", body));
            toArrival(t);
            // Rounds of the clock at once (as several nodes would run them): one completes it.
            List<Future<?>> rounds = new ArrayList<>();
            for (int i = 0; i < 8; i++) {
                rounds.add(pool.submit(() -> server.services().transfers.tick(TransferClock.ROUND_MAX)));
            }
            for (Future<?> f : rounds) {
                f.get();
            }
            Actor b = fresh(a);
            Eventually.eventually("the deposit is booked", WAIT, () -> cash(b).compareTo(new BigDecimal("75")) == 0);
            int requests = server.services().database.jdbi().withHandle(h -> h.createQuery(
                    "SELECT COUNT(*) FROM cash_requests WHERE account_id = :a").bind("a", a.account().id())
                    .mapTo(Integer.class).one());
            assertThat(requests).as("one cash request for the deposit").isEqualTo(1);
            server.services().transferClock.round();
            assertThat(cash(b)).isEqualByComparingTo("75");
            ledgerInvariant(b);
            // Everything withdrawable, by check (CloseAccount without an Amount).
            Transfers.Transfer all = transfer(call(b, "POST", "transfers/check", "{\"CloseAccount\":true}"));
            assertThat(all.amount()).isEqualByComparingTo("75");
            Eventually.eventually("the hold of everything", WAIT, () -> cash(b).signum() == 0);
            assertThat(call(b, "POST", "transfers/check", "{\"CloseAccount\":true}").status()).isEqualTo(409);
            ledgerInvariant(b);
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void onlyTheOwnerMovesMoneyAndRefusalsAreTheDocumentedOnes() {
        Actor owner = actor(MarginType.Margin, "100");
        String bank = call(owner, "POST", "ach-relationships", achBody("051000017", "987654321222", "Instant")).text("Id");
        String name = TestServer.username("full");
        User u = server.user(company, name, null, User.TwoFactorMethod.NONE);
        server.services().accounts.link(owner.account(), u, Account.AccessType.Full);
        Actor full = new Actor(u, server.login(company, name), owner.account());
        assertThat(call(full, "GET", "ach-relationships/" + bank, null).status()).isEqualTo(200);
        assertThat(call(full, "GET", "transfers?pageNumber=0&pageSize=10", null).status()).isEqualTo(200);
        assertThat(call(full, "POST", "transfers/ach", "{\"AchRelationshipId\":\"" + bank
                + "\",\"Amount\":10,\"IsIncoming\":false}").status()).isEqualTo(401);
        assertThat(call(full, "POST", "ach-relationships", achBody("011000015", "1234567890", "Instant")).status())
                .isEqualTo(401);
        assertThat(call(full, "DELETE", "ach-relationships/" + bank + "?reason=x", null).status()).isEqualTo(401);
        // Plaid: at most two accounts per link; AccountId is the path's.
        assertThat(call(owner, "POST", "ach-relationships/plaid", "{\"Accounts\":[\"a\",\"b\",\"c\"],\"BankName\":\"B\","
                + "\"PublicToken\":\"public-sandbox-1\"}").status()).isEqualTo(400);
        assertThat(call(owner, "POST", "ach-relationships/plaid", "{\"Accounts\":[\"a\"],\"BankName\":\"B\","
                + "\"PublicToken\":\"public-sandbox-1\",\"AccountId\":\"1\"}").status()).isEqualTo(400);
        // A canceled relationship can be neither renamed nor used.
        assertThat(call(owner, "DELETE", "ach-relationships/" + bank + "?reason=closed", null).status()).isEqualTo(200);
        assertThat(call(owner, "PUT", "ach-relationships/" + bank, "{\"Name\":\"New\"}").status()).isEqualTo(409);
        assertThat(call(owner, "PUT", "ach-relationships/" + bank, "{\"Name\":\"\"}").status()).isEqualTo(422);
        assertThat(call(owner, "POST", "transfers/ach", "{\"AchRelationshipId\":\"" + bank
                + "\",\"Amount\":10,\"IsIncoming\":true}").status()).isEqualTo(409);
        assertThat(call(owner, "GET", "ach-relationships/default", null).status()).isEqualTo(404);
        assertThat(call(owner, "GET", "transfers/" + UUID.randomUUID() + "/fees", null).status()).isEqualTo(404);
        assertThat(call(owner, "DELETE", "transfers/" + UUID.randomUUID() + "?comment=x", null).status())
                .isEqualTo(404);
        assertThat(call(owner, "POST", "transfers/wire", "{\"Amount\":-5,\"RoutingNumber\":\"051000017\","
                + "\"AccountNumber\":\"123456789\"}").status()).isEqualTo(422);
        assertThat(call(owner, "POST", "transfers/wire", "{\"Amount\":5,\"RoutingNumber\":\"051000017\","
                + "\"AccountNumber\":\"123456789\",\"ForFurtherCredit\":true}").status()).isEqualTo(400);
        ledgerInvariant(owner);
        assertThat(cash(owner)).isEqualByComparingTo("100");
    }
}
