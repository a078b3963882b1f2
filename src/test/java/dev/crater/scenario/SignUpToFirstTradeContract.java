package dev.crater.scenario;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.crater.common.MarginType;
import dev.crater.companies.Company;
import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetupTest;
import dev.crater.config.SmtpConfig;
import dev.crater.testing.Eventually;
import dev.crater.testing.Http;
import dev.crater.testing.Mailbox;
import dev.crater.testing.StoreKind;
import dev.crater.testing.TestServer;
import java.io.IOException;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;

/**
 * Goal: issue 17's whole path through the public API, as a broker's app walks it — a stranger
 * registers, confirms the e-mailed token, logs in, signs the agreements, opens a paper account (with
 * no starting cash, so every dollar comes from the bank), links a bank through micro-deposits,
 * deposits by ACH (credited at the next session start), trades, withdraws (held at once) and cancels
 * a second, pending withdrawal (credited back) — with the ledger invariant (the engine's stored cash
 * equals the sum of the account's ledger, and the balance answer) after every money move.
 *
 * <p>Method: one real server per store (SQLite here, PostgreSQL in the twin) with GreenMail as its
 * SMTP server, where the test reads the confirmation token and the micro-deposit amounts as the user
 * would; the clock is pinned (a Wednesday in the regular session) and moved only by the
 * test; only HTTP calls act, except the operator's two settings (the company's registration host and
 * starting cash), which an operator makes with {@code crater admin}.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(value = 180, unit = TimeUnit.SECONDS)
abstract class SignUpToFirstTradeContract {
    static final ObjectMapper MAPPER = new ObjectMapper();
    static final Duration WAIT = Duration.ofSeconds(30);
    static final String HOST = "app.broker.example";
    static final String PASSWORD = "violet staple horizon";

    abstract StoreKind store();

    GreenMail mail;
    TestServer server;
    Company company;

    @BeforeAll
    void start() {
        mail = new GreenMail(ServerSetupTest.SMTP.dynamicPort());
        mail.start();
        server = TestServer.start(store(),
                Optional.of(new SmtpConfig("127.0.0.1", mail.getSmtp().getPort(), "", "", "crater@test.example")));
        company = server.company();
        server.services().registrations.setHostname(company.id(), HOST);
        server.services().accountRequests.setSettings(company.id(), BigDecimal.ZERO, MarginType.Margin);
        server.services().agreements.addDemoSet(company.id());
    }

    @AfterAll
    void stop() {
        if (server != null) {
            server.close();
        }
        if (mail != null) {
            mail.stop();
        }
    }

    /** The signed-in user: its token and one account. */
    final class Session {
        final String login;
        String token;
        long account;

        Session(String login) {
            this.login = login;
            signIn();
        }

        void signIn() {
            Http.Response r = Http.post(server.api() + "token", "Et-App-Key", company.appKey(), "Username", login,
                    "Password", PASSWORD);
            assertThat(r.status()).as(r.body()).isEqualTo(200);
            token = r.text("Token");
        }

        Http.Response call(String method, String path, String body, String... more) {
            String[] base = {"Et-App-Key", company.appKey(), "Authorization", "Bearer " + token,
                    "Content-Type", "application/json"};
            String[] all = new String[base.length + more.length];
            System.arraycopy(base, 0, all, 0, base.length);
            System.arraycopy(more, 0, all, base.length, more.length);
            return Http.send(method, server.api() + "v1.0/" + path, body, all);
        }

        JsonNode ok(String method, String path, String body, String... more) {
            Http.Response r = call(method, path, body, more);
            assertThat(r.status()).as(method + " " + path + ": " + r.body()).isEqualTo(200);
            return r.body().isEmpty() ? null : r.json();
        }

        BigDecimal cash() {
            return ok("GET", "accounts/" + account + "/info", null).get("cash").decimalValue();
        }

        String transferStatus(String id) {
            for (JsonNode t : ok("GET", "accounts/" + account + "/transfers?pageNumber=0&pageSize=50", null).get("Result")) {
                if (t.get("Id").asText().equals(id)) {
                    return t.get("Status").asText();
                }
            }
            throw new AssertionError("transfer " + id + " is not listed");
        }
    }

    static String find(String pattern, String text, int group) {
        Matcher m = Pattern.compile(pattern).matcher(text);
        assertThat(m.find()).as(pattern + " in: " + text).isTrue();
        return m.group(group);
    }

    /** Engine cash (stored state) = the sum of the account's ledger = the balance answer's cash = {@code expected}. */
    void ledgerBalances(Session s, String expected) {
        Eventually.eventually("account " + s.account + " holds " + expected + " in the engine, the ledger and /info",
                WAIT, () -> {
                    BigDecimal ledger = server.services().database.jdbi().withHandle(h -> h.createQuery(
                                    "SELECT value FROM ledger_entries WHERE account_id = :a").bind("a", s.account)
                            .mapTo(String.class).list()).stream().map(BigDecimal::new)
                            .reduce(BigDecimal.ZERO, BigDecimal::add);
                    String state = server.services().database.jdbi().withHandle(h -> h.createQuery(
                                    "SELECT state_json FROM engine_accounts WHERE account_id = :a").bind("a", s.account)
                            .mapTo(String.class).findOne().orElse(null));
                    BigDecimal engine;
                    try {
                        // No stored state yet: the engine has not booked anything for the account.
                        engine = state == null ? BigDecimal.ZERO
                                : BigDecimal.valueOf(MAPPER.readTree(state).get("cash").asLong(), 6);
                    } catch (IOException e) {
                        throw new AssertionError(e);
                    }
                    BigDecimal want = new BigDecimal(expected);
                    return engine.compareTo(ledger) == 0 && ledger.compareTo(want) == 0 && s.cash().compareTo(want) == 0;
                });
    }

    @Test
    void registerSignOpenLinkDepositTradeWithdrawAndCancel() {
        String login = TestServer.username("signup");
        String email = login + "@example.org";

        // 1. Register (the documented body, the company's host as origin) and confirm the e-mailed token.
        Http.Response schema = Http.get(server.api() + "v1.0/registration/schema", "Et-App-Key", company.appKey());
        assertThat(schema.status()).isEqualTo(200);
        Http.Response registered = Http.send("POST", server.api() + "v1.0/registration/",
                "{\"Credentials\": {\"Login\": \"" + login + "\", \"Email\": \"" + email + "\", \"Password\": \"" + PASSWORD
                        + "\"}, \"Name\": {\"FirstName\": \"Robert\", \"LastName\": \"Torro\"}}",
                "Et-App-Key", company.appKey(), "Content-Type", "application/json", "origin", "https://" + HOST);
        assertThat(registered.status()).as(registered.body()).isEqualTo(200);
        assertThat(registered.text("Login")).isEqualTo(login);
        assertThat(Http.post(server.api() + "token", "Et-App-Key", company.appKey(), "Username", login,
                "Password", PASSWORD).status()).as("no sign-in before the e-mail is confirmed").isNotEqualTo(200);
        String confirmation = find("confirmation token: (\\S+)", Mailbox.nextBody(mail, email, 0), 1);
        Http.Response confirmed = Http.send("POST", server.api() + "v1.0/registration/confirm",
                "{\"Token\": \"" + confirmation + "\"}", "Et-App-Key", company.appKey(), "Content-Type", "application/json");
        assertThat(confirmed.status()).as(confirmed.body()).isEqualTo(200);
        Session s = new Session(login);

        // 2. Sign every agreement the company asks for.
        JsonNode unsigned = s.ok("GET", "users/@me/agreements", null);
        assertThat(unsigned.size()).isPositive();
        for (JsonNode a : unsigned) {
            s.ok("POST", "users/@me/agreements/" + a.get("Id").asLong() + "/sign", null);
        }
        assertThat(s.ok("GET", "users/@me/agreements", null).size()).isZero();

        // 3. Open a paper account: open at once, with the company's starting cash (none here).
        JsonNode opened = s.ok("POST", "user/@me/account-requests/open", "{\"FormType\":\"Direct\",\"AccountProvider\":\"PaperTrading\"}");
        s.account = opened.get("AccountId").asLong();
        assertThat(s.account).isPositive();
        JsonNode mine = s.ok("GET", "users/@me/accounts", null);
        assertThat(mine.findValues("Id").stream().map(JsonNode::asLong)).contains(s.account);
        ledgerBalances(s, "0");

        // 4. Link a bank: the two micro-deposit amounts arrive by e-mail; approving with them approves it.
        JsonNode bank = s.ok("POST", "accounts/" + s.account + "/ach-relationships",
                "{\"RoutingNumber\":\"051000017\",\"AccountNumber\":\"987654321222\",\"AccountOwnerName\":\"Robert Torro\","
                        + "\"Name\":\"Citi Bank\",\"ApprovalMethod\":\"Manual\",\"BankAccountType\":\"Checking\"}");
        assertThat(bank.get("Status").asText()).isEqualTo("Pending");
        String bankId = bank.get("Id").asText();
        String micro = Mailbox.nextBody(mail, email, 1);
        String first = find("\\$(0\\.\\d\\d) and \\$(0\\.\\d\\d)", micro, 1);
        String second = find("\\$(0\\.\\d\\d) and \\$(0\\.\\d\\d)", micro, 2);
        JsonNode approved = s.ok("POST", "accounts/" + s.account + "/ach-relationships/" + bankId + "/approve",
                "{\"Amount1\":" + first + ",\"Amount2\":" + second + "}");
        assertThat(approved.get("Status").asText()).isEqualTo("Approved");

        // 5. Deposit by ACH: submitted now, credited at the next session start; a retry moves nothing more.
        String deposit = "{\"AchRelationshipId\":\"" + bankId + "\",\"Amount\":25000,\"IsIncoming\":true}";
        JsonNode dep = s.ok("POST", "accounts/" + s.account + "/transfers/ach", deposit, "Idempotency-Key", "first-deposit");
        assertThat(dep.get("Status").asText()).isEqualTo("Submitted");
        assertThat(s.ok("POST", "accounts/" + s.account + "/transfers/ach", deposit, "Idempotency-Key", "first-deposit")
                .get("Id").asText()).isEqualTo(dep.get("Id").asText());
        ledgerBalances(s, "0");
        // Thursday 10:00 New York: past the next session start, inside the regular session.
        server.clock.set(Instant.parse("2026-11-19T15:00:00Z"));
        s.signIn();
        Eventually.eventually("the deposit completes", WAIT, () -> s.transferStatus(dep.get("Id").asText()).equals("Complete"));
        ledgerBalances(s, "25000");

        // 6. Trade: a market buy fills against the simulator; cash moves by the fill and its commission.
        JsonNode order = s.ok("POST", "accounts/" + s.account + "/orders",
                "{\"Symbol\":\"AAPL\",\"Type\":\"Market\",\"Side\":\"Buy\",\"Quantity\":10,\"TimeInforce\":\"Day\"}");
        long orderId = order.get("Id").asLong();
        Eventually.eventually("the order fills", WAIT, () -> {
            server.clock.advance(Duration.ofMillis(200));
            return s.ok("GET", "accounts/" + s.account + "/orders/" + orderId, null).get("Status").asText().equals("Filled");
        });
        Eventually.eventually("the position", WAIT, () -> s.ok("GET", "accounts/" + s.account + "/positions?pageNumber=0&pageSize=50&sortField=Id&desc=true", null)
                .findValues("Symbol").stream().anyMatch(v -> v.asText().equals("AAPL")));
        BigDecimal afterTrade = s.cash();
        assertThat(afterTrade).isLessThan(new BigDecimal("25000")).isPositive();
        ledgerBalances(s, afterTrade.toPlainString());

        // 7. Withdraw: held at once; more than the withdrawable cash is refused and moves nothing.
        Http.Response tooMuch = s.call("POST", "accounts/" + s.account + "/transfers/ach",
                "{\"AchRelationshipId\":\"" + bankId + "\",\"Amount\":25000,\"IsIncoming\":false}");
        assertThat(tooMuch.status()).as(tooMuch.body()).isEqualTo(409);
        ledgerBalances(s, afterTrade.toPlainString());
        JsonNode out = s.ok("POST", "accounts/" + s.account + "/transfers/ach",
                "{\"AchRelationshipId\":\"" + bankId + "\",\"Amount\":1000,\"IsIncoming\":false}");
        assertThat(out.get("Status").asText()).isEqualTo("Submitted");
        BigDecimal afterWithdrawal = afterTrade.subtract(new BigDecimal("1000"));
        ledgerBalances(s, afterWithdrawal.toPlainString());

        // 8. A second withdrawal, cancelled while pending: credited back, once.
        JsonNode again = s.ok("POST", "accounts/" + s.account + "/transfers/ach",
                "{\"AchRelationshipId\":\"" + bankId + "\",\"Amount\":500,\"IsIncoming\":false}");
        ledgerBalances(s, afterWithdrawal.subtract(new BigDecimal("500")).toPlainString());
        Http.Response cancel = s.call("DELETE", "accounts/" + s.account + "/transfers/" + again.get("Id").asText()
                + "?comment=changed%20my%20mind", null);
        assertThat(cancel.status()).as(cancel.body()).isEqualTo(204);
        assertThat(s.transferStatus(again.get("Id").asText())).isEqualTo("Canceled");
        assertThat(s.call("DELETE", "accounts/" + s.account + "/transfers/" + again.get("Id").asText()
                + "?comment=again", null).status()).isEqualTo(409);
        ledgerBalances(s, afterWithdrawal.toPlainString());
        assertThat(s.transferStatus(out.get("Id").asText())).isIn("Submitted", "Complete");
        assertThat(s.transferStatus(dep.get("Id").asText())).isEqualTo("Complete");
    }
}
