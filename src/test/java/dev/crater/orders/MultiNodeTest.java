package dev.crater.orders;

import static dev.crater.testing.Eventually.eventually;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.crater.Services;
import dev.crater.accounts.Account;
import dev.crater.common.MarginType;
import dev.crater.companies.Company;
import dev.crater.testing.Http;
import dev.crater.testing.Postgres;
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
import org.jdbi.v3.core.Jdbi;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Goal: issue 16's shard ownership — two nodes on one PostgreSQL split the trading shards by lease,
 * an account's orders placed through either node reach its one owner (forwarded), ids never collide,
 * a node that stops hands its shards over, and a node whose lease was taken cannot write.
 *
 * <p>Method: two real Crater servers in this JVM on one fresh PostgreSQL schema, each on its own
 * port, clock set alike; orders over HTTP; every wait is a poll with a deadline.
 */
class MultiNodeTest {
    static final Instant WEDNESDAY_11_NY = Instant.parse("2026-11-18T16:00:00Z");
    /** Takeover bound: a lease runs out, then the next ownership pass takes it (and some slack for a slow machine). */
    static final Duration TAKEOVER = Duration.ofMillis(ShardOwnership.LEASE_MS + 3 * ShardOwnership.RENEW_MS + 10_000);

    TestServer a;
    TestServer b;
    Company company;

    @BeforeEach
    void start() {
        String reason = Postgres.unavailableReason();
        Assumptions.assumeTrue(reason == null, reason);
        a = TestServer.start(StoreKind.POSTGRES);
        a.clock.set(WEDNESDAY_11_NY);
        b = TestServer.joining(a);
        b.clock.set(WEDNESDAY_11_NY);
        company = a.company();
    }

    @AfterEach
    void stop() {
        if (b != null) {
            b.close();
        }
        if (a != null) {
            a.close();
        }
    }

    record Trader(User user, List<Long> accounts, String token) {
        String[] auth() {
            return new String[] {"Et-App-Key", company().appKey(), "Authorization", "Bearer " + token, "Content-Type",
                    "application/json"};
        }

        Company company() {
            return COMPANY.get();
        }
    }

    static final ThreadLocal<Company> COMPANY = new ThreadLocal<>();

    /** A user with one funded account on each of the eight shards. */
    Trader trader() {
        COMPANY.set(company);
        String name = TestServer.username("nodes");
        User u = a.user(company, name, null, User.TwoFactorMethod.NONE);
        List<Long> ids = new ArrayList<>();
        Set<Integer> shards = new HashSet<>();
        while (shards.size() < Services.SHARED_TRADING_SHARDS) {
            Account acc = a.services().accounts.open(u, MarginType.Margin, new BigDecimal("100000"), BigDecimal.ZERO,
                    BigDecimal.ZERO, BigDecimal.ZERO);
            if (shards.add(a.services().trading.shardOf(acc.id()))) {
                ids.add(acc.id());
            }
        }
        return new Trader(u, ids, a.login(company, name));
    }

    static Http.Response place(TestServer node, Trader t, long account, String body) {
        return Http.send("POST", node.api() + "v1.0/accounts/" + account + "/orders", body, t.auth());
    }

    static String restingBuy() {
        return "{\"Symbol\":\"AAPL\",\"Type\":\"Limit\",\"Side\":\"Buy\",\"Quantity\":1,\"Price\":1,"
                + "\"TimeInForce\":\"GoodTillCancel\"}";
    }

    int running(TestServer n) {
        return n.services().trading.runningShards();
    }

    @Test
    void twoNodesShareTheShardsAndEitherServesEveryAccount() {
        eventually("the shards are split between the nodes", TAKEOVER.multipliedBy(2),
                () -> running(a) == 4 && running(b) == 4);
        Trader t = trader();
        for (long account : t.accounts()) {
            eventually("account " + account + " funded", TAKEOVER, () -> {
                JsonNode info = Http.get(b.api() + "v1.0/accounts/" + account + "/info", t.auth()).json();
                return info.path("cash").decimalValue().compareTo(new BigDecimal("100000")) == 0;
            });
        }
        Set<Long> orderIds = new HashSet<>();
        for (long account : t.accounts()) {
            for (TestServer node : List.of(a, b)) {
                Http.Response r = place(node, t, account, restingBuy());
                assertThat(r.status()).as(r.body()).isEqualTo(200);
                assertThat(orderIds.add(r.json().path("Id").asLong())).as("a new id").isTrue();
            }
            // Filled through the other node: fill and ledger ids of every shard in one table, none twice.
            Http.Response m = place(account % 2 == 0 ? a : b, t, account,
                    "{\"Symbol\":\"AAPL\",\"Type\":\"Market\",\"Side\":\"Buy\",\"Quantity\":2}");
            assertThat(m.status()).as(m.body()).isEqualTo(200);
            orderIds.add(m.json().path("Id").asLong());
        }
        assertThat(orderIds).hasSize(3 * t.accounts().size());
        for (long account : t.accounts()) {
            for (TestServer node : List.of(a, b)) {
                JsonNode list = Http.get(node.api() + "v1.0/accounts/" + account
                        + "/orders?pageNumber=0&pageSize=10", t.auth()).json();
                assertThat(list.toString()).contains("\"Symbol\":\"AAPL\"");
            }
        }
        Jdbi db = a.services().database.jdbi();
        eventually("every market order filled", TAKEOVER, () -> db.withHandle(h -> h.createQuery(
                "SELECT COUNT(*) FROM orders WHERE type = 'Market' AND status = 'Filled'").mapTo(Integer.class).one())
                == t.accounts().size());
        // Every account's ledger sums to its engine cash: the owners' invariant, read through either node.
        for (long account : t.accounts()) {
            BigDecimal ledger = db.withHandle(h -> h.createQuery(
                    "SELECT COALESCE(SUM(value), 0) FROM ledger_entries WHERE account_id = :a").bind("a", account)
                    .mapTo(BigDecimal.class).one());
            JsonNode info = Http.get(a.api() + "v1.0/accounts/" + account + "/info", t.auth()).json();
            assertThat(info.path("cash").decimalValue()).isEqualByComparingTo(ledger);
        }
    }

    @Test
    void aStoppingNodeHandsItsShardsOver() {
        eventually("the shards are split between the nodes", TAKEOVER.multipliedBy(2),
                () -> running(a) == 4 && running(b) == 4);
        Trader t = trader();
        b.close();
        b = null;
        eventually("the first node runs every shard", TAKEOVER, () -> running(a) == 8);
        for (long account : t.accounts()) {
            eventually("account " + account + " trades on the remaining node", TAKEOVER,
                    () -> place(a, t, account, restingBuy()).status() == 200);
        }
    }

    @Test
    void aNodeWhoseLeaseWasTakenCannotWrite() {
        eventually("the shards are split between the nodes", TAKEOVER.multipliedBy(2),
                () -> running(a) == 4 && running(b) == 4);
        Trader t = trader();
        long account = t.accounts().stream().filter(id -> a.services().trading.local(id)).findFirst().orElseThrow();
        int shard = a.services().trading.shardOf(account);
        eventually("funded", TAKEOVER, () -> Http.get(a.api() + "v1.0/accounts/" + account + "/info", t.auth()).json()
                .path("cash").decimalValue().signum() > 0);
        int before = a.services().database.jdbi().withHandle(h -> h.createQuery(
                "SELECT COUNT(*) FROM orders WHERE account_id = :a").bind("a", account).mapTo(Integer.class).one());
        // What a takeover after a pause looks like to the paused owner: the row has a new epoch and owner.
        a.services().database.jdbi().useHandle(h -> h.execute("UPDATE engine_shards SET owner_node = 'elsewhere',"
                + " epoch = epoch + 1, lease_until_ms = " + ShardLeases.DB_NOW + " + 60000 WHERE shard = ?", shard));
        Http.Response r = place(a, t, account, restingBuy());
        assertThat(r.status()).as(r.body()).isEqualTo(503);
        int after = a.services().database.jdbi().withHandle(h -> h.createQuery(
                "SELECT COUNT(*) FROM orders WHERE account_id = :a").bind("a", account).mapTo(Integer.class).one());
        assertThat(after).as("nothing stored by the fenced node").isEqualTo(before);
        eventually("the fenced node stopped the shard", TAKEOVER, () -> !a.services().trading.local(account));
    }

    @Test
    void aTokenRevokedOnOneNodeIsRefusedOnTheOtherWithinASecond() {
        COMPANY.set(company);
        String name = TestServer.username("nodes");
        a.user(company, name, null, User.TwoFactorMethod.NONE);
        String token = a.login(company, name);
        String[] auth = {"Et-App-Key", company.appKey(), "Authorization", "Bearer " + token};
        assertThat(Http.get(b.api() + "v1.0/users/@me/info", auth).status()).isEqualTo(200); // cached on b now
        Http.Response out = Http.send("DELETE", a.api() + "token", null, auth);
        assertThat(out.status()).as(out.body()).isIn(200, 204);
        long start = System.nanoTime();
        eventually("b refuses the revoked token", Duration.ofSeconds(2),
                () -> Http.get(b.api() + "v1.0/users/@me/info", auth).status() == 401);
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(2));
    }

    @Test
    void aStreamingClientOnOneNodeSeesFillsMadeOnTheOther() throws Exception {
        eventually("the shards are split between the nodes", TAKEOVER.multipliedBy(2),
                () -> running(a) == 4 && running(b) == 4);
        Trader t = trader();
        long account = t.accounts().stream().filter(id -> a.services().trading.local(id)).findFirst().orElseThrow();
        eventually("funded", TAKEOVER, () -> Http.get(a.api() + "v1.0/accounts/" + account + "/info", t.auth()).json()
                .path("cash").decimalValue().signum() > 0);
        JsonNode d = Http.get(b.api() + "v1.0/streamers", t.auth()).json().path("DataAddresses").get(0);
        Socket socket = open(d.path("Url").asText(), t.user().id(), d.path("SessionId").asText());
        var messages = socket.messages();
        socket.send("Order", "Subscribe.txt", account);
        // b tells a that it watches the account; then a's fills reach b's socket.
        eventually("a knows b watches the account", TAKEOVER, () -> {
            Http.Response r = place(a, t, account, "{\"Symbol\":\"AAPL\",\"Type\":\"Market\",\"Side\":\"Buy\","
                    + "\"Quantity\":1}");
            assertThat(r.status()).as(r.body()).isEqualTo(200);
            String id = r.json().path("Id").asText();
            long deadline = System.nanoTime() + Duration.ofSeconds(2).toNanos();
            while (System.nanoTime() < deadline) {
                String m;
                try {
                    m = messages.poll(100, java.util.concurrent.TimeUnit.MILLISECONDS);
                } catch (InterruptedException e) {
                    throw new AssertionError(e);
                }
                if (m != null && m.contains("\"Id\":\"" + id + "\"") && m.contains("\"Status\":\"Filled\"")) {
                    return true;
                }
            }
            return false;
        });
        socket.ws().sendClose(1000, "").join();
    }

    /** A trade-data socket of the user on {@code url} (a streamer's Url), its messages queued as they come. */
    record Socket(java.net.http.WebSocket ws, java.util.concurrent.BlockingQueue<String> messages, String sessionId) {
        void send(String entity, String cmd, Object keys) {
            ws.sendText("{\"Cmd\":\"" + cmd + "\",\"SessionId\":\"" + sessionId + "\",\"Keys\":\"" + keys
                    + "\",\"EntityType\":\"" + entity + "\"}", true).join();
        }

        /** The next message that contains every one of {@code parts}, within {@code within}. */
        String await(Duration within, String... parts) throws InterruptedException {
            long deadline = System.nanoTime() + within.toNanos();
            while (System.nanoTime() < deadline) {
                String m = messages.poll(100, java.util.concurrent.TimeUnit.MILLISECONDS);
                if (m != null && java.util.Arrays.stream(parts).allMatch(m::contains)) {
                    return m;
                }
            }
            throw new AssertionError("no message with " + java.util.Arrays.toString(parts) + " within " + within);
        }
    }

    static Socket open(String url, long userId, String streamerSessionId) throws Exception {
        var messages = new java.util.concurrent.LinkedBlockingQueue<String>();
        var ws = java.net.http.HttpClient.newHttpClient().newWebSocketBuilder().buildAsync(java.net.URI.create(
                url + "/CreateSession.txt?User=" + userId + "&Password=" + streamerSessionId
                        + "&HttpClientType=WebSocket"),
                new java.net.http.WebSocket.Listener() {
                    StringBuilder part = new StringBuilder();

                    @Override
                    public java.util.concurrent.CompletionStage<?> onText(java.net.http.WebSocket w, CharSequence data,
                            boolean last) {
                        part.append(data);
                        if (last) {
                            messages.add(part.toString());
                            part = new StringBuilder();
                        }
                        w.request(1);
                        return null;
                    }
                }).join();
        JsonNode created = new com.fasterxml.jackson.databind.ObjectMapper().readTree(
                messages.poll(10, java.util.concurrent.TimeUnit.SECONDS));
        assertThat(created.path("StatusCode").asText()).as(created.toString()).isEqualTo("Ok");
        return new Socket(ws, messages, created.path("SessionId").asText());
    }

    /** The URL {@code given} (a streamer's, issued by one node) on {@code node}'s port instead. */
    static String onNode(String given, TestServer node) {
        java.net.URI u = java.net.URI.create(given);
        return u.getScheme() + "://" + u.getHost() + ":" + node.port() + u.getRawPath();
    }

    @Test
    void aStreamerIdIssuedByOneNodeOpensASocketOnTheOtherAndItStreamsBalancesOfTheFirst() throws Exception {
        eventually("the shards are split between the nodes", TAKEOVER.multipliedBy(2),
                () -> running(a) == 4 && running(b) == 4);
        Trader t = trader();
        long account = t.accounts().stream().filter(id -> a.services().trading.local(id)).findFirst().orElseThrow();
        eventually("funded", TAKEOVER, () -> Http.get(a.api() + "v1.0/accounts/" + account + "/info", t.auth()).json()
                .path("cash").decimalValue().signum() > 0);
        // The id comes from a; the socket opens on b (a load balancer may send the two calls anywhere).
        JsonNode d = Http.get(a.api() + "v1.0/streamers", t.auth()).json().path("DataAddresses").get(0);
        Socket s = open(onNode(d.path("Url").asText(), b), t.user().id(), d.path("SessionId").asText());
        // b does not run the account's shard: the snapshot's figures come from a's engine.
        s.send("AccountBalance", "Subscribe.txt", account);
        String snapshot = s.await(Duration.ofSeconds(10), "\"AccountBalance\"", "\"AccountId\":\"" + account + "\"");
        assertThat(snapshot).contains("\"CashBalance\":\"100000\"").contains("\"PendingOrdersCount\":\"0\"");
        // A change stored on a reaches b's socket, with a's figures after it.
        eventually("a knows b watches the account, and the change reaches b", TAKEOVER, () -> {
            Http.Response r = place(a, t, account, restingBuy());
            assertThat(r.status()).as(r.body()).isEqualTo(200);
            try {
                s.await(Duration.ofSeconds(2), "\"AccountBalance\"", "\"AccountId\":\"" + account + "\"",
                        "\"PendingOrdersCount\":\"");
                return true;
            } catch (AssertionError notYet) {
                return false;
            } catch (InterruptedException e) {
                throw new AssertionError(e);
            }
        });
        Http.Response r = place(a, t, account, restingBuy());
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        long pending = Http.get(a.api() + "v1.0/accounts/" + account + "/info", t.auth()).json()
                .path("pendingOrdersCount").asLong();
        assertThat(pending).isPositive();
        s.await(Duration.ofSeconds(10), "\"AccountBalance\"", "\"PendingOrdersCount\":\"" + pending + "\"");
        // The user's balance over accounts on both nodes' shards, from b.
        s.send("UserBalance", "Subscribe.txt", t.user().id());
        String user = s.await(Duration.ofSeconds(10), "\"UserBalance\"");
        assertThat(user).contains("\"CashBalance\":\"" + (100000 * t.accounts().size()) + "\"");
        s.ws().sendClose(1000, "").join();
    }

    @Test
    void aConsolidatedBalanceSumsAccountsWhoseShardsRunOnEitherNode() {
        eventually("the shards are split between the nodes", TAKEOVER.multipliedBy(2),
                () -> running(a) == 4 && running(b) == 4);
        Trader t = trader();
        for (long account : t.accounts()) {
            eventually("account " + account + " funded", TAKEOVER, () -> Http.get(a.api() + "v1.0/accounts/" + account
                    + "/info", t.auth()).json().path("cash").decimalValue().signum() > 0);
        }
        for (TestServer node : List.of(a, b)) {
            Http.Response r = Http.send("POST", node.api() + "v1.0/accounts/balance/consolidated",
                    t.accounts().toString(), t.auth());
            assertThat(r.status()).as(r.body()).isEqualTo(200);
            assertThat(r.json().path("cash").decimalValue())
                    .isEqualByComparingTo(new BigDecimal(100000L * t.accounts().size()));
            JsonNode mine = Http.get(node.api() + "v1.0/users/@me/balance-info", t.auth()).json();
            assertThat(mine.path("cash").decimalValue()).isEqualByComparingTo(new BigDecimal(100000L * t.accounts().size()));
        }
    }

    @Test
    void anEngineReadBetweenNodesNeedsTheNodesSignature() {
        eventually("the shards are split between the nodes", TAKEOVER.multipliedBy(2),
                () -> running(a) == 4 && running(b) == 4);
        Trader t = trader();
        long account = t.accounts().stream().filter(id -> b.services().trading.local(id)).findFirst().orElseThrow();
        String path = NodeReads.BALANCES_PATH + "/" + account;
        String url = "http://127.0.0.1:" + b.port() + path;
        eventually("funded", TAKEOVER, () -> Http.get(url, signed(a, path, a.clock.millis())).status() == 200
                && Http.get(url, signed(a, path, a.clock.millis())).json().path("cash").asLong() > 0);
        assertThat(Http.get(url).status()).as("unsigned").isEqualTo(403);
        assertThat(Http.get(url, t.auth()).status()).as("a user's token is not a node's signature").isEqualTo(403);
        String[] forged = signed(a, path, a.clock.millis());
        forged[5] = forged[5].substring(0, 63) + (forged[5].charAt(63) == '0' ? '1' : '0');
        Http.Response f = Http.get(url, forged);
        assertThat(f.status()).as("a forged MAC").isEqualTo(403);
        assertThat(f.body()).doesNotContain("cash");
        long stale = a.clock.millis() - NodeReads.SKEW_MS - 1_000;
        assertThat(Http.get(url, signed(a, path, stale)).status()).as("an old signature").isEqualTo(403);
        String other = NodeReads.BALANCES_PATH + "/" + (account + 1);
        assertThat(Http.get(url, signed(a, other, a.clock.millis())).status()).as("signed for another path")
                .isEqualTo(403);
    }

    static String[] signed(TestServer from, String path, long atMs) {
        String node = from.services().trading.node().orElseThrow();
        return new String[] {"X-Crater-Node", node, "X-Crater-Node-Time", Long.toString(atMs), "X-Crater-Node-Mac",
                from.services().secretBox.nodeMac(NodeReads.signed("GET", path, node, atMs))};
    }

    @Test
    void aNodeWithAnotherMasterKeyRefusesToStart() {
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> TestServer.joiningWithAnotherKey(a))
                .satisfies(e -> {
                    Throwable root = e;
                    while (root.getCause() != null) {
                        root = root.getCause();
                    }
                    assertThat(root).isInstanceOf(IllegalStateException.class)
                            .hasMessageContaining("same CRATER_MASTER_KEY");
                });
    }

    @Test
    void sandboxPricesAndTheSimulatedClockAgreeOnEveryNode() {
        var sandboxA = a.services().sandbox;
        var aapl = sandboxA.security("AAPL");
        BigDecimal price = new BigDecimal("123.45");
        sandboxA.setPrice(dev.crater.audit.AuditLog.Actor.CLI, aapl, price);
        eventually("b quotes the price set on a", Duration.ofSeconds(10), () -> b.services().market.quote(aapl.id())
                .map(q -> q.last().compareTo(price) == 0).orElse(false));
        Instant friday = Instant.parse("2026-11-20T15:30:00Z");
        sandboxA.clock(dev.crater.audit.AuditLog.Actor.CLI, new dev.crater.market.MarketSandbox.ClockChange.SetTo(friday));
        eventually("b's market time follows a's sandbox clock", Duration.ofSeconds(10),
                () -> Math.abs(b.services().sandbox.clock().marketMs() - friday.toEpochMilli()) < 1_000);
        assertThat(b.services().market.session(b.services().market.nowMs()))
                .isEqualTo(a.services().market.session(a.services().market.nowMs()));
    }
}
