package dev.crater.accountrequests;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.crater.accounts.Account;
import dev.crater.common.MarginType;
import dev.crater.companies.Company;
import dev.crater.orders.TradingStore;
import dev.crater.orders.engine.Engine;
import dev.crater.orders.engine.Fixed;
import dev.crater.orders.engine.OrderSnapshot;
import dev.crater.orders.engine.Snapshot;
import dev.crater.market.PathModel;
import dev.crater.market.Session;
import dev.crater.accounts.AccountCloseStore;
import dev.crater.testing.CliRun;
import dev.crater.testing.Http;
import dev.crater.testing.StoreKind;
import dev.crater.testing.TestServer;
import dev.crater.users.User;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;
import java.util.concurrent.TimeUnit;

/**
 * Goal: the account lifecycle of issue 17 over real HTTP — opening (03-accounts.md §2: paper at once
 * with the company's starting cash; another provider through the simulated clearing firm, its KYC
 * investigation (§7) driven by {@code crater admin account-request approve|reject}), the paper-account
 * reset (the owner's {@code POST /accounts/{id}/reset} and {@code crater admin account reset}: orders
 * canceled, positions closed, cash restored, the id and the tokens kept, one ledger line, the engine's
 * invariants and the store's ledger agreeing, the stored state restoring), and the daily close
 * snapshots behind {@code /accounts/{id}/history} and {@code /info}'s previous-close figures, with the
 * clock pinned across several session closes. Every documented error of each call.
 *
 * <p>Method: one server per store, its market clock set before each test (Wednesday 2026-11-18, 11:00
 * New York, the regular session); each test makes its own users and accounts. Runs on SQLite
 * ({@link AccountLifecycleSqliteTest}) and PostgreSQL ({@link AccountLifecyclePostgresTest}).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(value = 120, unit = TimeUnit.SECONDS)
abstract class AccountLifecycleContract {

    static final Instant WEDNESDAY_11AM_NEW_YORK = Instant.parse("2026-11-18T16:00:00Z");
    static final String DENIED = "{\"Message\":\"Authorization has been denied for this request.\"}";
    static final String GUID = "[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}";
    static final String DATE_TIME = "\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}(\\.\\d{1,7})?Z";
    static final List<String> REQUEST_FIELDS = List.of("Id", "UserId", "Status", "FormType", "RequestType",
            "AccountProvider", "CreatedAt", "AccountId");
    static final BigDecimal HUNDRED_K = new BigDecimal("100000");
    static final String PAPER = "{\"FormType\": \"Direct\", \"AccountProvider\": \"PaperTrading\"}";

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

    @BeforeEach
    void regularSession() {
        server.clock.set(WEDNESDAY_11AM_NEW_YORK);
        server.services().market.tick();
    }

    // ---- helpers -------------------------------------------------------------------------------

    /** A logged-in user. */
    record Actor(TestServer server, Company company, User user, String token) {
        String[] headers() {
            return new String[] {"Et-App-Key", company.appKey(), "Authorization", "Bearer " + token,
                    "Content-Type", "application/json"};
        }

        Http.Response call(String method, String path, String body) {
            return Http.send(method, server.api() + "v1.0/" + path, body, headers());
        }

        Http.Response get(String path) {
            return call("GET", path, null);
        }

        Http.Response post(String path, String body) {
            return call("POST", path, body);
        }

        Actor relogin() {
            return new Actor(server, company, user, server.login(company, user.username()));
        }
    }

    Actor actor() {
        String name = TestServer.username("life");
        User u = server.user(company, name, null, User.TwoFactorMethod.NONE);
        return new Actor(server, company, u, server.login(company, name));
    }

    static JsonNode ok(Http.Response r) {
        assertThat(r.status()).as("status of %s", r.body()).isEqualTo(200);
        return r.json();
    }

    static List<String> fieldNames(JsonNode n) {
        List<String> out = new ArrayList<>();
        n.fieldNames().forEachRemaining(out::add);
        return out;
    }

    static BigDecimal dec(JsonNode n) {
        return new BigDecimal(n.asText());
    }

    static <T> T await(Supplier<T> read, Predicate<T> done, String what) {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        T last = read.get();
        while (!done.test(last)) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out waiting for " + what + "; last seen: " + last);
            }
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError(e);
            }
            last = read.get();
        }
        return last;
    }

    /**
     * {@code crater admin …}: run in-process on SQLite; the admin CLI reaches PostgreSQL only through
     * its environment, so there the test calls what the command calls (a refusal: exit code 2).
     */
    CliRun.Result admin(String... args) {
        if (store() == StoreKind.SQLITE) {
            return CliRun.against(server, args);
        }
        var s = server.services();
        try {
            String cmd = args[1] + " " + args[2];
            String out = switch (cmd) {
                case "account-request approve" -> s.accountRequests.approve(args[3], args.length > 5 ? args[5] : null)
                        .id();
                case "account-request reject" -> s.accountRequests.reject(args[3], args.length > 5 ? args[5] : null)
                        .id();
                case "account-request list" -> String.join("\n", s.accountRequests.store().list(null, args[4], 1000)
                        .stream().map(AccountRequestStore.Request::id).toList());
                case "account reset" -> {
                    Account acc = s.accounts.byId(Long.parseLong(args[4]))
                            .orElseThrow(() -> new IllegalArgumentException("no account " + args[4]));
                    yield "Reset request " + s.accountResets.request(acc, acc.openedByUserId(), "crater admin");
                }
                case "account-transfer approve" -> s.accountTransfers.decide(args[3], true,
                        args.length > 5 ? args[5] : null).status();
                case "account-transfer reject" -> s.accountTransfers.decide(args[3], false,
                        args.length > 5 ? args[5] : null).status();
                default -> throw new AssertionError("no PostgreSQL stand-in for " + cmd);
            };
            return new CliRun.Result(0, out, "");
        } catch (IllegalArgumentException e) {
            return new CliRun.Result(2, "", "error: " + e.getMessage());
        }
    }

    BigDecimal cash(Actor a, long accountId) {
        return dec(ok(a.get("accounts/" + accountId + "/info")).get("cash"));
    }

    /** Opens a paper account over the API and waits for its starting cash. */
    long openPaper(Actor a) {
        JsonNode r = ok(a.post("user/@me/account-requests/open", PAPER));
        long id = r.get("AccountId").asLong();
        BigDecimal starting = server.services().accountRequests.settings(company.id()).startingCash();
        await(() -> cash(a, id), c -> c.compareTo(starting) == 0, "the starting cash of account " + id);
        return id;
    }

    JsonNode place(Actor a, long accountId, String body) {
        JsonNode o = ok(a.post("accounts/" + accountId + "/orders", body));
        assertThat(o.has("Id")).as("an accepted order: %s", o).isTrue();
        return o;
    }

    List<JsonNode> transactions(Actor a, long accountId) {
        JsonNode page = ok(a.get("accounts/" + accountId + "/transactions?pageNumber=0&pageSize=500&sortBy=Id"
                + "&isDesc=false"));
        List<JsonNode> out = new ArrayList<>();
        page.get("Result").forEach(out::add);
        return out;
    }

    List<JsonNode> heldPositions(Actor a, long accountId) {
        JsonNode list = ok(a.get("accounts/" + accountId + "/positions?pageNumber=0&pageSize=99&sortField=Id&desc=false"));
        List<JsonNode> out = new ArrayList<>();
        for (JsonNode p : list) {
            if (dec(p.get("Quantity")).signum() != 0) {
                out.add(p);
            }
        }
        return out;
    }

    /**
     * What a restart would rebuild: the stored engine state restored into a new engine (its invariants
     * checked) and the stored ledger's sum per account against the restored cash, as a shard does.
     */
    void assertStoreRestores(long accountId) {
        TradingStore.Stored stored = new TradingStore(server.services().database).load();
        List<OrderSnapshot> live = stored.liveOrders();
        Snapshot s = new Snapshot(server.clock.millis(), Session.CLOSED, 0, server.clock.millis(), stored.maxFillId() + 1,
                stored.maxLedgerId() + 1, live.stream().mapToLong(OrderSnapshot::seq).max().orElse(0) + 1,
                stored.accounts(), stored.positions(), live, List.of());
        Engine e = Engine.restore(s);
        assertThat(e.checkInvariants()).isEmpty();
        BigDecimal sum = stored.ledgerSums().getOrDefault(accountId, BigDecimal.ZERO);
        assertThat(Fixed.of(sum)).as("stored ledger sum vs stored engine cash").isEqualTo(e.cash(accountId));
    }

    // ---- opening -------------------------------------------------------------------------------

    @Test
    void aPaperRequestOpensAnAccountAtOnceWithTheCompanysStartingCash() {
        Actor a = actor();
        JsonNode r = ok(a.post("user/@me/account-requests/open", PAPER));
        assertThat(fieldNames(r)).containsExactlyElementsOf(REQUEST_FIELDS);
        assertThat(r.get("Id").asText()).matches(GUID);
        assertThat(r.get("UserId").isTextual()).isTrue();
        assertThat(r.get("UserId").asText()).isEqualTo(String.valueOf(a.user().id()));
        assertThat(r.get("Status").asText()).isEqualTo("Approved");
        assertThat(r.get("FormType").asText()).isEqualTo("Direct");
        assertThat(r.get("RequestType").asText()).isEqualTo("Open");
        assertThat(r.get("AccountProvider").asText()).isEqualTo("PaperTrading");
        assertThat(r.get("CreatedAt").asText()).matches(DATE_TIME);
        long id = r.get("AccountId").asLong();

        JsonNode accounts = ok(a.get("users/@me/accounts"));
        assertThat(accounts).hasSize(1);
        assertThat(accounts.get(0).get("Id").asLong()).isEqualTo(id);
        assertThat(accounts.get(0).get("Enabled").asBoolean()).isTrue();
        assertThat(accounts.get(0).get("ClearingFirm").asText()).isEqualTo("PaperTrading");
        assertThat(accounts.get(0).get("AccessType").asText()).isEqualTo("Owner");
        JsonNode details = ok(a.get("accounts/" + id + "/details"));
        assertThat(details.get("Id").asText()).as("the opening record names the request").isEqualTo(r.get("Id").asText());
        await(() -> cash(a, id), c -> c.compareTo(HUNDRED_K) == 0, "the default starting cash");

        // The request is listed (a Crater addition), with the numeric user id in the path too.
        JsonNode mine = ok(a.get("users/" + a.user().id() + "/account-requests"));
        assertThat(mine).hasSize(1);
        assertThat(mine.get(0).get("Id").asText()).isEqualTo(r.get("Id").asText());
    }

    @Test
    void aCompanysOpeningSettingsGiveTheStartingCashAndMarginType() {
        Company c = server.company();
        server.services().accountRequests.setSettings(c.id(), new BigDecimal("25000"), MarginType.Cash);
        String name = TestServer.username("set");
        User u = server.user(c, name, null, User.TwoFactorMethod.NONE);
        Actor a = new Actor(server, c, u, server.login(c, name));
        long id = ok(a.post("user/@me/account-requests/open/", PAPER)).get("AccountId").asLong();
        await(() -> cash(a, id), x -> x.compareTo(new BigDecimal("25000")) == 0, "the company's starting cash");
        assertThat(ok(a.get("users/@me/accounts")).get(0).get("MarginType").asText()).isEqualTo("Cash");
        if (store() != StoreKind.SQLITE) {
            return; // the admin CLI runs in-process against SQLite only
        }
        // Through the operator command too.
        CliRun.Result cli = CliRun.against(server, "admin", "account-request", "settings", "--company", c.name(),
                "--starting-cash", "50000");
        assertThat(cli.code()).as(cli.err()).isZero();
        assertThat(server.services().accountRequests.settings(c.id()).startingCash()).isEqualByComparingTo("50000");
        assertThat(server.services().accountRequests.settings(c.id()).marginType()).isEqualTo(MarginType.Cash);
        assertThat(CliRun.against(server, "admin", "account-request", "settings", "--company", c.name(),
                "--starting-cash", "-1").code()).isEqualTo(2);
    }

    @Test
    void openingRefusesBadBodiesAndOtherUsers() {
        Actor a = actor();
        Actor other = actor();
        Http.Response none = a.post("user/@me/account-requests/open", null);
        assertThat(none.status()).as(none.body()).isEqualTo(400);
        assertThat(fieldNames(none.json())).containsExactly("Message", "ModelState");
        Http.Response noForm = a.post("user/@me/account-requests/open", "{\"AccountProvider\": \"PaperTrading\"}");
        assertThat(noForm.status()).as(noForm.body()).isEqualTo(422);
        assertThat(fieldNames(noForm.json().get("ModelState"))).containsExactly("model.FormType");
        Http.Response noProvider = a.post("user/@me/account-requests/open", "{\"formtype\": \"Direct\"}");
        assertThat(noProvider.status()).as(noProvider.body()).isEqualTo(422);
        assertThat(fieldNames(noProvider.json().get("ModelState"))).containsExactly("model.AccountProvider");
        Http.Response badProvider = a.post("user/@me/account-requests/open",
                "{\"FormType\": \"Direct\", \"AccountProvider\": \"Paper Trading; drop\"}");
        assertThat(badProvider.status()).isEqualTo(422);
        Http.Response notJson = a.post("user/@me/account-requests/open", "{FormType");
        assertThat(notJson.status()).isEqualTo(400);

        Http.Response foreign = a.post("user/" + other.user().id() + "/account-requests/open", PAPER);
        assertThat(foreign.status()).isEqualTo(401);
        assertThat(foreign.body()).isEqualTo(DENIED);
        Http.Response word = a.post("user/john/account-requests/open", PAPER);
        assertThat(word.status()).isEqualTo(422);
        assertThat(word.json().get("ModelState").has("userId")).isTrue();
        Http.Response noToken = Http.send("POST", server.api() + "v1.0/user/@me/account-requests/open", PAPER,
                "Et-App-Key", company.appKey(), "Content-Type", "application/json");
        assertThat(noToken.status()).isEqualTo(401);
        Http.Response badKey = Http.send("POST", server.api() + "v1.0/user/@me/account-requests/open", PAPER,
                "Et-App-Key", "nope", "Authorization", "Bearer " + a.token(), "Content-Type", "application/json");
        assertThat(badKey.status()).isEqualTo(403);
        assertThat(ok(a.get("users/@me/accounts"))).as("nothing opened by a refused request").isEmpty();
        assertThat(other.get("users/" + a.user().id() + "/account-requests").status()).isEqualTo(401);
    }

    @Test
    void aClearingFirmsRequestWaitsDisabledUntilAnOperatorApprovesItsInvestigation() {
        Actor a = actor();
        JsonNode r = ok(a.post("user/@me/account-requests/open", "{\"FormType\": \"Direct\", \"AccountProvider\": \"Apex\"}"));
        assertThat(r.get("Status").asText()).isEqualTo("SentToClearing");
        assertThat(r.get("AccountProvider").asText()).isEqualTo("Apex");
        long id = r.get("AccountId").asLong();
        JsonNode acc = ok(a.get("users/@me/accounts")).get(0);
        assertThat(acc.get("Enabled").asBoolean()).isFalse();
        assertThat(acc.get("ClearingFirm").asText()).isEqualTo("Apex");
        String clearing = acc.get("ClearingAccount").asText();

        JsonNode inv = ok(a.get("accounts/" + clearing + "/investigations"));
        assertThat(inv).hasSize(1);
        assertThat(fieldNames(inv.get(0))).containsExactly("Id", "Status", "CreatedDate", "UpdatedDate");
        assertThat(inv.get(0).get("Status").asText()).isEqualTo("Pending");
        assertThat(inv.get(0).get("CreatedDate").asText()).matches(DATE_TIME);
        String invId = inv.get(0).get("Id").asText();
        JsonNode details = ok(a.get("accounts/" + clearing + "/investigations/" + invId + "/details"));
        assertThat(details.get("RequestId").asText()).isEqualTo(r.get("Id").asText());
        assertThat(details.get("AccountProvider").asText()).isEqualTo("Apex");
        assertThat(a.get("accounts/" + clearing + "/investigations/nope/details").status()).isEqualTo(404);
        assertThat(a.get("accounts/ABC/investigations").status()).isEqualTo(401);
        assertThat(actor().get("accounts/" + clearing + "/investigations").status()).isEqualTo(401);

        assertThat(ok(a.get("accounts/" + id + "/details")).get("IsOpened").asBoolean()).isFalse();
        // A disabled account takes no orders.
        Http.Response order = a.post("accounts/" + id + "/orders",
                "{\"Symbol\": \"AAPL\", \"Type\": \"Market\", \"Side\": \"Buy\", \"Quantity\": 1}");
        assertThat(order.status()).as(order.body()).isEqualTo(401);

        CliRun.Result listed = admin("admin", "account-request", "list", "--status", "SentToClearing");
        assertThat(listed.code()).isZero();
        assertThat(listed.out()).contains(r.get("Id").asText());
        CliRun.Result ok = admin("admin", "account-request", "approve", r.get("Id").asText(),
                "--comment", "CIP passed");
        assertThat(ok.code()).as(ok.err()).isZero();
        await(() -> ok(a.get("users/@me/accounts")).get(0).get("Enabled").asBoolean(), e -> e, "the account enabled");
        // The server's access cache may hold the account for a moment (ACCESS_REVALIDATE_MS).
        await(() -> ok(a.get("accounts/" + id + "/details")).get("IsOpened").asBoolean(), o -> o, "opened");
        assertThat(ok(a.get("accounts/" + id + "/details")).get("AccountProvider").asText()).isEqualTo("Apex");
        JsonNode after = ok(a.get("accounts/" + clearing + "/investigations")).get(0);
        assertThat(after.get("Status").asText()).isEqualTo("Accepted");
        assertThat(ok(a.get("accounts/" + clearing + "/investigations/" + invId + "/details")).get("Comment").asText())
                .isEqualTo("CIP passed");
        assertThat(ok(a.get("users/@me/account-requests")).get(0).get("Status").asText()).isEqualTo("Approved");
        // Decided once: a second decision is refused.
        assertThat(admin("admin", "account-request", "reject", r.get("Id").asText()).code())
                .isEqualTo(2);
        assertThat(admin("admin", "account-request", "approve", "no-such-request").code())
                .isEqualTo(2);
    }

    @Test
    void aRejectedRequestLeavesItsAccountDisabled() {
        Actor a = actor();
        JsonNode r = ok(a.post("user/@me/account-requests/open", "{\"FormType\": \"Direct\", \"AccountProvider\": \"Velox\"}"));
        CliRun.Result no = admin("admin", "account-request", "reject", r.get("Id").asText(),
                "--comment", "identity not verified");
        assertThat(no.code()).as(no.err()).isZero();
        assertThat(ok(a.get("users/@me/account-requests")).get(0).get("Status").asText()).isEqualTo("Rejected");
        JsonNode acc = ok(a.get("users/@me/accounts")).get(0);
        assertThat(acc.get("Enabled").asBoolean()).isFalse();
        assertThat(ok(a.get("accounts/" + acc.get("ClearingAccount").asText() + "/investigations")).get(0)
                .get("Status").asText()).isEqualTo("Rejected");
        // A clearing account is not a paper account: no reset.
        Http.Response reset = a.post("accounts/" + acc.get("Id").asLong() + "/reset", null);
        assertThat(reset.status()).as(reset.body()).isEqualTo(409);
    }

    @Test
    void atMostFiveRequestsWaitForTheClearingFirm() {
        Actor a = actor();
        String apex = "{\"FormType\": \"Direct\", \"AccountProvider\": \"Apex\"}";
        for (int i = 0; i < AccountRequests.WAITING_PER_USER_MAX; i++) {
            ok(a.post("user/@me/account-requests/open", apex));
        }
        Http.Response sixth = a.post("user/@me/account-requests/open", apex);
        assertThat(sixth.status()).as(sixth.body()).isEqualTo(409);
        assertThat(sixth.json().get("Message").asText()).contains("At most 5");
        // Paper accounts do not wait.
        ok(a.post("user/@me/account-requests/open", PAPER));
    }

    // ---- reset ---------------------------------------------------------------------------------

    @Test
    void theOwnersResetCancelsOrdersClosesPositionsAndRestoresTheStartingCash() {
        Actor a = actor();
        long id = openPaper(a);
        JsonNode buy = place(a, id, "{\"Symbol\": \"AAPL\", \"Type\": \"Market\", \"Side\": \"Buy\", \"Quantity\": 10}");
        await(() -> heldPositions(a, id).size(), n -> n == 1, "the AAPL position");
        JsonNode resting = place(a, id, "{\"Symbol\": \"MSFT\", \"Type\": \"Limit\", \"Side\": \"Buy\", \"Quantity\": 5,"
                + " \"Price\": 1}");
        assertThat(cash(a, id)).isLessThan(HUNDRED_K);

        Http.Response r = a.post("accounts/" + id + "/reset", null);
        JsonNode body = ok(r);
        assertThat(fieldNames(body)).containsExactly("ResetId", "AccountId", "Status", "Cash", "CanceledOrders",
                "ClosedPositions");
        assertThat(body.get("AccountId").asLong()).isEqualTo(id);
        assertThat(body.get("Status").asText()).isEqualTo("Applied");
        assertThat(dec(body.get("Cash"))).isEqualByComparingTo(HUNDRED_K);
        assertThat(body.get("CanceledOrders").asInt()).isEqualTo(1);
        assertThat(body.get("ClosedPositions").asInt()).isEqualTo(1);

        // The same token, the same account id: cash restored, nothing held, nothing open.
        assertThat(cash(a, id)).isEqualByComparingTo(HUNDRED_K);
        JsonNode info = ok(a.get("accounts/" + id + "/info"));
        assertThat(dec(info.get("pendingOrdersCount"))).isZero();
        assertThat(dec(info.get("marketValue"))).isZero();
        assertThat(heldPositions(a, id)).isEmpty();
        JsonNode canceled = ok(a.get("accounts/" + id + "/orders/" + resting.get("Id").asLong()));
        assertThat(canceled.get("Status").asText()).isEqualTo("Canceled");
        assertThat(ok(a.get("accounts/" + id + "/orders/" + buy.get("Id").asLong())).get("Status").asText())
                .isEqualTo("Filled");

        // The closing order is listed with the account's orders, Filled, a Sell of the ten.
        JsonNode orders = ok(a.get("accounts/" + id + "/orders?pageNumber=0&pageSize=50"));
        JsonNode list = orders.isArray() ? orders : orders.get("Result");
        JsonNode closing = null;
        for (JsonNode o : list) {
            if (o.get("Side").asText().equals("Sell") && o.get("Symbol").asText().equals("AAPL")) {
                closing = o;
            }
        }
        assertThat(closing).as("the closing order in %s", list).isNotNull();
        assertThat(closing.get("Status").asText()).isEqualTo("Filled");
        JsonNode closingById = ok(a.get("accounts/" + id + "/orders/" + closing.get("Id").asLong()));
        assertThat(dec(closingById.get("ExecutedQuantity"))).isEqualByComparingTo("10");
                // In the transactions: the closing sale, then one Payment line "Account reset"; Σ = cash.
        List<JsonNode> tx = transactions(a, id);
        JsonNode last = tx.getLast();
        assertThat(last.get("Type").asText()).isEqualTo("Payment");
        assertThat(last.get("Description").asText()).isEqualTo("Account reset");
        JsonNode sale = tx.get(tx.size() - 2);
        assertThat(sale.get("Type").asText()).isEqualTo("OrderExecution");
        assertThat(dec(sale.get("Quantity"))).isEqualByComparingTo("-10");
        BigDecimal sum = BigDecimal.ZERO;
        for (JsonNode t : tx) {
            sum = sum.add(dec(t.get("Value")));
        }
        assertThat(sum).as("Σ ledger = cash").isEqualByComparingTo(HUNDRED_K);
        List<String> problems = server.services().trading.read(id, Engine::checkInvariants);
        assertThat(problems).isEmpty();
        assertStoreRestores(id);

        // The account trades on after it.
        place(a, id, "{\"Symbol\": \"AAPL\", \"Type\": \"Market\", \"Side\": \"Buy\", \"Quantity\": 1}");
        await(() -> heldPositions(a, id).size(), n -> n == 1, "a new position after the reset");
        // A reset with nothing to undo still writes its line.
        ok(a.post("accounts/" + id + "/reset/", "{}"));
        ok(a.post("accounts/" + id + "/reset", null));
        List<JsonNode> again = transactions(a, id);
        assertThat(again.getLast().get("Description").asText()).isEqualTo("Account reset");
        assertThat(dec(again.getLast().get("Value"))).isZero();
        assertThat(cash(a, id)).isEqualByComparingTo(HUNDRED_K);
        assertStoreRestores(id);
    }

    @Test
    void onlyTheOwnerResets() {
        Actor owner = actor();
        long id = openPaper(owner);
        Actor full = actor();
        Account acc = server.services().accounts.byId(id).orElseThrow();
        server.services().accounts.link(acc, full.user(), Account.AccessType.Full);
        Http.Response r = full.post("accounts/" + id + "/reset", null);
        assertThat(r.status()).isEqualTo(401);
        assertThat(r.body()).isEqualTo(DENIED);
        assertThat(actor().post("accounts/" + id + "/reset", null).status()).isEqualTo(401);
        assertThat(owner.post("accounts/@me/reset", null).status()).isEqualTo(400);
        assertThat(owner.post("accounts/abc/reset", null).status()).isEqualTo(422);
        assertThat(owner.post("accounts/999999999/reset", null).status()).isEqualTo(401);
    }

    @Test
    void theOperatorsResetIsAppliedByTheServerOnce() {
        Actor a = actor();
        long id = openPaper(a);
        place(a, id, "{\"Symbol\": \"KO\", \"Type\": \"Market\", \"Side\": \"Buy\", \"Quantity\": 20}");
        await(() -> heldPositions(a, id).size(), n -> n == 1, "the KO position");
        int before = transactions(a, id).size();
        CliRun.Result cli = admin("admin", "account", "reset", "--account", String.valueOf(id));
        assertThat(cli.code()).as(cli.err()).isZero();
        assertThat(cli.out()).contains("Reset request");
        await(() -> heldPositions(a, id).isEmpty() && cash(a, id).compareTo(HUNDRED_K) == 0, x -> x,
                "the operator's reset applied");
        // Applied once: the housekeeping offering it again changes nothing.
        server.services().accountHousekeeping.run();
        server.services().accountHousekeeping.run();
        List<JsonNode> tx = transactions(a, id);
        assertThat(tx).hasSize(before + 2); // the closing sale and the reset line
        assertThat(tx.stream().filter(t -> "Account reset".equals(t.path("Description").asText())).count())
                .isEqualTo(1);
        assertThat(ok(a.get("users/@me/accounts")).get(0).get("Id").asLong()).isEqualTo(id);
        assertThat(admin("admin", "account", "reset", "--account", "99999999").code()).isEqualTo(2);
    }

    // ---- close snapshots and history -------------------------------------------------------------

    @Test
    void eachSessionCloseIsSnapshottedOnceAndHistoryAndInfoReadIt() {
        Actor a = actor();
        long id = openPaper(a);
        place(a, id, "{\"Symbol\": \"NVDA\", \"Type\": \"Market\", \"Side\": \"Buy\", \"Quantity\": 50}");
        await(() -> heldPositions(a, id).size(), n -> n == 1, "the NVDA position");
        PathModel model = server.services().market.model();
        List<LocalDate> days = List.of(LocalDate.parse("2026-11-18"), LocalDate.parse("2026-11-19"),
                LocalDate.parse("2026-11-20"));
        var closes = new AccountCloseStore(server.services().database);
        for (LocalDate d : days) {
            PathModel.Day day = model.day(d);
            // Before the close nothing of the day; after it, the snapshot, once.
            server.clock.set(Instant.ofEpochMilli(day.regularCloseMs() - 60_000));
            server.services().accountHousekeeping.run();
            assertThat(closes.value(id, d)).as("before the close of %s", d).isEmpty();
            server.clock.set(Instant.ofEpochMilli(day.regularCloseMs() + 30 * 60_000));
            server.services().accountHousekeeping.run();
            BigDecimal taken = closes.value(id, d).orElseThrow(() -> new AssertionError("no close of " + d));
            assertThat(taken).isEqualByComparingTo(server.services().positions.valueAtClose(id, day));
            assertThat(closes.insertIfAbsent(id, d, day.regularCloseMs(), BigDecimal.ONE, 0)).isFalse();
            assertThat(closes.value(id, d).orElseThrow()).isEqualByComparingTo(taken);
        }
        // Monday 11:00: history reads the three closes; today is the live value.
        server.clock.set(Instant.parse("2026-11-23T16:00:00Z"));
        server.services().market.tick();
        Actor b = a.relogin();
        JsonNode hist = ok(b.get("accounts/" + id + "/history?startDate=2026-11-18T12:00:00Z"
                + "&endDate=2026-11-23T20:00:00Z&step=1"));
        assertThat(hist).hasSize(4);
        for (int i = 0; i < 3; i++) {
            assertThat(hist.get(i).get("Date").asText()).isEqualTo(days.get(i) + "T00:00:00Z");
            assertThat(dec(hist.get(i).get("Value"))).isEqualByComparingTo(closes.value(id, days.get(i)).orElseThrow());
        }
        assertThat(hist.get(3).get("Date").asText()).isEqualTo("2026-11-23T00:00:00Z");
        // The snapshot is what is read: a changed Friday close changes the history and /info's change.
        server.services().database.jdbi().useHandle(h -> h.createUpdate(
                        "UPDATE account_value_closes SET value = :v WHERE account_id = :a AND close_date = '2026-11-20'")
                .bind("v", server.services().database.decimal(new BigDecimal("90000"))).bind("a", id).execute());
        JsonNode hist2 = ok(b.get("accounts/" + id + "/history?startDate=2026-11-20T12:00:00Z"
                + "&endDate=2026-11-20T20:00:00Z&step=1"));
        assertThat(dec(hist2.get(0).get("Value"))).isEqualByComparingTo("90000");
        JsonNode info = ok(b.get("accounts/" + id + "/info"));
        BigDecimal equity = dec(info.get("equityTotal"));
        assertThat(dec(info.get("changeAbsolute"))).isEqualByComparingTo(equity.subtract(new BigDecimal("90000")));
        // Several accounts together (POST /accounts/history) sum the snapshots by day.
        JsonNode both = ok(b.post("accounts/history?startDate=2026-11-20T12:00:00Z&endDate=2026-11-20T20:00:00Z",
                "[" + id + "]"));
        assertThat(dec(both.get(0).get("Value"))).isEqualByComparingTo("90000");
    }

    // ---- ACATS transfer requests -----------------------------------------------------------------

    static final List<String> TRANSFER_FIELDS = List.of("Id", "CreatedAt", "AccountProvider", "FromAccount",
            "ToAccount", "InitiatedBy", "AcceptedBy", "Type", "TifId", "AcatsControlNumber", "FormDataReference",
            "Status", "History", "ParticipantImageURL", "TransferInitiator", "PartialTransferProperties");
    static final String FORM = "{\"FormDataReference\": \"{\\\"contraFirm\\\":\\\"0226\\\"}\", \"SyncProcessing\": true}";

    JsonNode transfer(Actor a, String id) {
        for (JsonNode t : ok(a.get("users/@me/account-transfer-requests"))) {
            if (t.get("Id").asText().equals(id)) {
                return t;
            }
        }
        throw new AssertionError("no transfer request " + id);
    }

    @Test
    void aTransferRequestIsSubmittedAndMovesOnTheMarketClock() {
        Actor a = actor();
        long id = openPaper(a);
        JsonNode t = ok(a.post("account-transfer-requests/" + id, null));
        assertThat(fieldNames(t)).containsExactlyElementsOf(TRANSFER_FIELDS);
        assertThat(t.get("Id").asText()).matches(GUID);
        assertThat(t.get("TifId").asText()).matches(GUID);
        assertThat(t.get("Status").asText()).isEqualTo("NEW");
        assertThat(t.get("ToAccount").asText()).isEqualTo(String.valueOf(id));
        assertThat(t.get("AccountProvider").asText()).isEqualTo("None");
        assertThat(t.get("Type").asText()).isEqualTo("UNDEFINED");
        assertThat(t.get("AcatsControlNumber").isIntegralNumber()).isTrue();
        assertThat(t.get("TransferInitiator").get("Login").asText()).isEqualTo(a.user().username());
        assertThat(t.get("History")).hasSize(1);
        assertThat(fieldNames(t.get("History").get(0))).containsExactly("RequestId", "CreatedAt", "Status",
                "ChangedBy", "Comment");
        String rid = t.get("Id").asText();

        String submit = "account-transfer-requests/" + rid + "/submit";
        Http.Response noBody = a.call("PUT", submit, null);
        assertThat(noBody.status()).isEqualTo(400);
        Http.Response noForm = a.call("PUT", submit, "{\"SyncProcessing\": true}");
        assertThat(noForm.status()).as(noForm.body()).isEqualTo(422);
        assertThat(fieldNames(noForm.json().get("ModelState"))).containsExactly("model.FormDataReference");
        assertThat(a.call("PUT", submit, "{\"FormDataReference\": \"x\", \"SyncProcessing\": \"soon\"}").status())
                .isEqualTo(400);
        Http.Response done = a.call("PUT", submit, FORM);
        assertThat(done.status()).as(done.body()).isEqualTo(204);
        assertThat(done.body()).isEmpty();
        assertThat(a.call("PUT", submit, FORM).status()).as("submitted once").isEqualTo(409);
        JsonNode submitted = transfer(a, rid);
        assertThat(submitted.get("Status").asText()).isEqualTo("SUBMITTED");
        assertThat(submitted.get("FormDataReference").asText()).isEqualTo("{\"contraFirm\":\"0226\"}");

        // Before the next session start nothing moves; at it PENDING; at the one after COMPLETE.
        server.clock.set(Instant.parse("2026-11-19T08:59:00Z"));
        server.services().accountHousekeeping.run();
        assertThat(transfer(a, rid).get("Status").asText()).isEqualTo("SUBMITTED");
        server.clock.set(Instant.parse("2026-11-19T09:01:00Z")); // Thursday 04:01 New York
        server.services().accountHousekeeping.run();
        assertThat(transfer(a, rid).get("Status").asText()).isEqualTo("PENDING");
        assertThat(transfer(a, rid).get("AcceptedBy").isNull()).isTrue();
        server.clock.set(Instant.parse("2026-11-20T09:01:00Z"));
        server.services().accountHousekeeping.run();
        Actor b = a.relogin();
        JsonNode complete = transfer(b, rid);
        assertThat(complete.get("Status").asText()).isEqualTo("COMPLETE");
        assertThat(complete.get("AcceptedBy").asText()).isEqualTo("Clearing");
        List<String> statuses = new ArrayList<>();
        complete.get("History").forEach(hi -> statuses.add(hi.get("Status").asText()));
        assertThat(statuses).containsExactly("NEW", "SUBMITTED", "PENDING", "COMPLETE");
        assertThat(complete.get("History").get(3).get("ChangedBy").asText()).isEqualTo("Clearing");
        Http.Response late = b.post("account-transfer-requests/" + rid + "/cancel", "{\"Comment\": \"too late\"}");
        assertThat(late.status()).isEqualTo(409);
    }

    @Test
    void transferRequestsAreCanceledOrDecidedByTheClearingFirmAndOnlyTheOwnersAct() {
        Actor a = actor();
        long id = openPaper(a);
        String r1 = ok(a.post("account-transfer-requests/" + id + "/", null)).get("Id").asText();
        Http.Response cancel = a.post("account-transfer-requests/" + r1 + "/cancel", "{\"Comment\": \"changed my mind\"}");
        assertThat(cancel.status()).as(cancel.body()).isEqualTo(200);
        assertThat(cancel.body()).isEmpty();
        JsonNode canceled = transfer(a, r1);
        assertThat(canceled.get("Status").asText()).isEqualTo("CANCELED");
        assertThat(canceled.get("History").get(1).get("Comment").asText()).isEqualTo("changed my mind");
        assertThat(a.post("account-transfer-requests/" + r1 + "/cancel", null).status()).isEqualTo(409);
        assertThat(admin("admin", "account-transfer", "approve", r1).code()).as("a canceled one").isEqualTo(2);

        String r2 = ok(a.post("account-transfer-requests/" + id, null)).get("Id").asText();
        assertThat(admin("admin", "account-transfer", "approve", r2).code()).as("not submitted yet").isEqualTo(2);
        assertThat(a.call("PUT", "account-transfer-requests/" + r2 + "/submit", FORM).status()).isEqualTo(204);
        CliRun.Result no = admin("admin", "account-transfer", "reject", r2, "--comment", "contra firm refused");
        assertThat(no.code()).as(no.err()).isZero();
        assertThat(transfer(a, r2).get("Status").asText()).isEqualTo("REJECTED");
        String r3 = ok(a.post("account-transfer-requests/" + id, null)).get("Id").asText();
        assertThat(a.call("PUT", "account-transfer-requests/" + r3 + "/submit", FORM).status()).isEqualTo(204);
        assertThat(admin("admin", "account-transfer", "approve", r3).code()).isZero();
        assertThat(transfer(a, r3).get("Status").asText()).isEqualTo("COMPLETE");
        assertThat(ok(a.get("users/@me/account-transfer-requests"))).hasSize(3);

        // Someone else: their own list is empty, the requests are unknown to them, the account refused.
        Actor other = actor();
        String r4 = ok(a.post("account-transfer-requests/" + id, null)).get("Id").asText();
        assertThat(ok(other.get("users/@me/account-transfer-requests"))).isEmpty();
        assertThat(other.get("users/" + a.user().id() + "/account-transfer-requests").status()).isEqualTo(401);
        assertThat(other.post("account-transfer-requests/" + r4 + "/cancel", null).status()).isEqualTo(404);
        assertThat(other.call("PUT", "account-transfer-requests/" + r4 + "/submit", FORM).status()).isEqualTo(404);
        assertThat(other.post("account-transfer-requests/" + id, null).status()).isEqualTo(401);
        assertThat(a.post("account-transfer-requests/no-such-request/cancel", null).status()).isEqualTo(404);
        assertThat(a.post("account-transfer-requests/@me", null).status()).isEqualTo(400);
        assertThat(transfer(a, r4).get("Status").asText()).isEqualTo("NEW");
        // At most five open per account.
        for (int i = 0; i < AccountTransfers.OPEN_PER_ACCOUNT_MAX - 1; i++) {
            ok(a.post("account-transfer-requests/" + id, null));
        }
        Http.Response sixth = a.post("account-transfer-requests/" + id, null);
        assertThat(sixth.status()).as(sixth.body()).isEqualTo(409);
    }
}
