package dev.crater.orders;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.crater.Services;
import dev.crater.accounts.Account;
import dev.crater.audit.AuditLog;
import dev.crater.common.MarginType;
import dev.crater.companies.Company;
import dev.crater.config.CraterConfig;
import dev.crater.market.MarketSandbox;
import dev.crater.market.TradingCalendar;
import dev.crater.testing.CraterProcess;
import dev.crater.testing.Http;
import dev.crater.testing.Postgres;
import dev.crater.testing.TestServer;
import dev.crater.users.User;
import dev.crater.users.UserService;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.DayOfWeek;
import java.time.Duration;
import java.time.InstantSource;
import java.time.LocalDate;
import java.time.LocalTime;
import java.time.ZonedDateTime;
import java.time.temporal.TemporalAdjusters;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;

/**
 * Goal: issue 16's failover holds for real processes — several {@code crater serve} JVMs on one
 * PostgreSQL schema, under load through every node for the same accounts on every shard:
 * <ul>
 * <li>the node owning shards is killed with SIGKILL {@link #KILLS} times (a new node started after
 * each): every acknowledged order is in the store, no fill is applied twice, every ledger balances,
 * positions are the sum of their fills, and the killed node's shards are served again by a
 * surviving node within {@link #TAKEOVER};</li>
 * <li>an owner paused with SIGSTOP past its lease loses its shard to another node; resumed, it
 * writes nothing for that shard (its in-flight requests are refused, with {@code Retry-After}),
 * stops the shard, and rejoins.</li>
 * </ul>
 *
 * <p>Method: the test JVM creates the schema, a company, a user with {@link #ACCOUNTS_PER_SHARD}
 * funded accounts on each of the eight shards and moves market time into a regular session (so
 * market orders fill against the simulator), then starts {@link #NODES} child JVMs
 * ({@link CraterProcess}) with the same {@code CRATER_*} settings. Clients speak HTTP to the nodes;
 * the store is checked with SQL in one repeatable-read snapshot; who owns a shard is read from
 * {@code engine_shards}. Every wait is a poll with a deadline; every child is killed at the end
 * (and by a shutdown hook if the JVM dies).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class NodeFailoverProcessTest {
    static final int SHARDS = Services.SHARED_TRADING_SHARDS;
    static final int NODES = 3;
    static final int KILLS = 20;
    static final int ACCOUNTS_PER_SHARD = 2;
    static final int LOAD_THREADS = 6;
    static final int PAUSED_SHARD_THREADS = 3;
    /** The new owner's rebuild of the shard, and a busy two-core machine running four JVMs. */
    static final long TAKEOVER_MARGIN_MS = 6_000;
    /**
     * The longest a dead or paused owner's shard may go unserved: its lease runs out (at most
     * {@code LEASE_MS} after its last renewal), the next ownership pass of another node takes it
     * (within a renew interval), that node rebuilds it; one more renew interval for the pass that
     * notices, and the margin.
     */
    static final Duration TAKEOVER = Duration.ofMillis(ShardOwnership.LEASE_MS + 2 * ShardOwnership.RENEW_MS
            + TAKEOVER_MARGIN_MS);
    /** A load thread's pause after a 503 (shorter than its Retry-After: the load keeps pressing). */
    static final long BACKOFF_AFTER_503_MS = 50;
    /** Resting limit orders an account keeps at most: more are cancelled instead (rebuilds stay quick). */
    static final int RESTING_PER_ACCOUNT_MAX = 40;
    static final List<String> CHEAP = List.of("F", "T", "KO", "INTC", "BAC");
    static final BigDecimal DEPOSIT = new BigDecimal("100000");
    static final ObjectMapper JSON = new ObjectMapper();

    String pgUrl;
    final Map<String, String> env = new HashMap<>();
    String[] auth;
    final List<Long> accounts = new ArrayList<>();
    final List<CraterProcess> nodes = new CopyOnWriteArrayList<>();
    final AtomicInteger nodeNames = new AtomicInteger();
    /** Every node started, killed ones too: their output is saved at the end. */
    final List<CraterProcess> everyNode = new CopyOnWriteArrayList<>();

    /** An acknowledged placement: a 200 with an Id. */
    record Ack(long account, String clientId, String body, long id) {
    }

    final Map<String, Ack> acked = new ConcurrentHashMap<>();
    /** Resting limit orders by account, for the cancels. */
    final Map<Long, ConcurrentLinkedQueue<Long>> resting = new ConcurrentHashMap<>();
    /** Answers no node may give: any 5xx but 503, a 503 without Retry-After. */
    final Queue unexpected = new Queue();
    final Map<Integer, AtomicInteger> statuses = new ConcurrentHashMap<>();
    final AtomicInteger transportErrors = new AtomicInteger();

    /** A bounded list of problems (the first ones are the telling ones). */
    static final class Queue {
        static final int KEPT = 50;
        final List<String> items = Collections.synchronizedList(new ArrayList<>());
        final AtomicInteger count = new AtomicInteger();

        void add(String s) {
            count.incrementAndGet();
            if (items.size() < KEPT) {
                items.add(s);
            }
        }
    }

    // ---- set-up --------------------------------------------------------------------------------

    @BeforeAll
    @Timeout(value = 3, unit = TimeUnit.MINUTES)
    void setUp() throws Exception {
        String reason = Postgres.unavailableReason();
        Assumptions.assumeTrue(reason == null, reason);
        pgUrl = Postgres.freshSchemaUrl();
        byte[] key = new byte[32];
        ThreadLocalRandom.current().nextBytes(key);
        byte[] metrics = new byte[24];
        ThreadLocalRandom.current().nextBytes(metrics);
        env.put("CRATER_DB_URL", pgUrl);
        env.put("CRATER_DB_USER", Postgres.USER);
        env.put("CRATER_DB_PASSWORD", Postgres.PASSWORD);
        env.put("CRATER_MASTER_KEY", Base64.getEncoder().encodeToString(key)); // every node of a store shares it
        env.put("CRATER_METRICS_TOKEN", HexFormat.of().formatHex(metrics));
        env.put("CRATER_TOKEN_RATE_BURST", "1000000");
        env.put("CRATER_TOKEN_RATE_PER_SECOND", "1000000");

        Map<String, String> local = new HashMap<>(env);
        local.put("CRATER_DATA_DIR", Files.createTempDirectory("crater-failover-setup-").toString());
        String appKey;
        String username = TestServer.username("failover");
        try (Services s = Services.open(CraterConfig.fromEnvironment(local), InstantSource.system())) {
            Company company = s.companies.create("Failover");
            appKey = company.appKey();
            User u = s.users.create(new UserService.NewUser(company.id(), username, TestServer.PASSWORD,
                    username + "@example.com", null, null, User.TwoFactorMethod.NONE, "Fail", "Over"));
            int[] perShard = new int[SHARDS];
            while (accounts.size() < SHARDS * ACCOUNTS_PER_SHARD) {
                Account a = s.accounts.open(u, MarginType.Margin, DEPOSIT, BigDecimal.ZERO, BigDecimal.ZERO,
                        BigDecimal.ZERO);
                if (perShard[shardOf(a.id())]++ < ACCOUNTS_PER_SHARD) {
                    accounts.add(a.id());
                }
            }
            // Market time: 11:00 New York on a regular weekday ahead, flowing with the wall clock from there.
            LocalDate d = LocalDate.now(TradingCalendar.ZONE).plusDays(14)
                    .with(TemporalAdjusters.next(DayOfWeek.TUESDAY));
            while (!s.market.calendar().isTradingDay(d) || s.market.calendar().earlyClose(d).isPresent()) {
                d = d.plusWeeks(1);
            }
            s.sandbox.clock(AuditLog.Actor.CLI, new MarketSandbox.ClockChange.SetTo(
                    ZonedDateTime.of(d, LocalTime.of(11, 0), TradingCalendar.ZONE).toInstant()));
        }
        accounts.forEach(a -> resting.put(a, new ConcurrentLinkedQueue<>()));

        nodes.add(startNode().awaitListening());
        List<CraterProcess> more = new ArrayList<>();
        for (int i = 1; i < NODES; i++) {
            more.add(startNode());
        }
        more.forEach(CraterProcess::awaitListening);
        nodes.addAll(more);

        CraterProcess first = nodes.get(0);
        Http.Response login = Http.post(first.api() + "token", "Et-App-Key", appKey, "Username", username,
                "Password", TestServer.PASSWORD);
        assertThat(login.status()).as(login.body()).isEqualTo(200);
        auth = new String[] {"Et-App-Key", appKey, "Authorization", "Bearer " + login.text("Token"), "Content-Type",
                "application/json"};
        awaitBalanced();
        for (long account : accounts) {
            eventually("account " + account + " funded", TAKEOVER, () -> {
                Http.Response r = send(randomNode(), "GET", account, "info", null);
                return r != null && r.status() == 200
                        && r.json().path("cash").decimalValue().compareTo(DEPOSIT) == 0;
            });
        }
    }

    @AfterAll
    void tearDown() throws java.io.IOException {
        for (CraterProcess n : nodes) {
            if (n.alive()) {
                n.kill();
            }
        }
        java.nio.file.Path logs = java.nio.file.Path.of("target", "failover-nodes");
        Files.createDirectories(logs);
        for (CraterProcess n : everyNode) {
            Files.writeString(logs.resolve(n.name() + ".log"), n.output());
        }
        if (pgUrl != null) {
            Postgres.dropSchema(pgUrl);
        }
    }

    CraterProcess startNode() {
        CraterProcess n = CraterProcess.start("node-" + nodeNames.incrementAndGet(), env);
        everyNode.add(n);
        return n;
    }

    static int shardOf(long account) {
        return (int) Math.floorMod(account, (long) SHARDS);
    }

    List<Long> accountsOn(int shard) {
        return accounts.stream().filter(a -> shardOf(a) == shard).toList();
    }

    List<CraterProcess> listening() {
        return nodes.stream().filter(n -> n.alive() && n.listening()).toList();
    }

    CraterProcess randomNode() {
        List<CraterProcess> up = listening();
        return up.get(ThreadLocalRandom.current().nextInt(up.size()));
    }

    // ---- talking to the nodes and the store ------------------------------------------------------

    /** An API call for an account through {@code node}; null when the node could not be reached. */
    Http.Response send(CraterProcess node, String method, long account, String path, String body) {
        return send(node, method, account, path, body, auth);
    }

    Http.Response send(CraterProcess node, String method, long account, String path, String body, String[] headers) {
        try {
            Http.Response r = Http.send(method, node.api() + "v1.0/accounts/" + account + "/" + path, body, headers);
            statuses.computeIfAbsent(r.status(), k -> new AtomicInteger()).incrementAndGet();
            if (r.status() == 503 && r.header("Retry-After") == null) {
                unexpected.add("503 without Retry-After from " + node + " for " + method + " " + path + ": " + r.body());
            } else if (r.status() >= 500 && r.status() != 503) {
                unexpected.add(r.status() + " from " + node + " for " + method + " " + path + ": " + r.body());
            }
            return r;
        } catch (RuntimeException e) {
            transportErrors.incrementAndGet();
            return null;
        }
    }

    /** A shard's lease as stored. */
    record Lease(int shard, String url, long epoch, boolean live) {
    }

    Connection db() throws SQLException {
        return DriverManager.getConnection(pgUrl, Postgres.USER, Postgres.PASSWORD);
    }

    Map<Integer, Lease> leases() {
        Map<Integer, Lease> out = new HashMap<>();
        try (Connection c = db(); Statement st = c.createStatement(); ResultSet rs = st.executeQuery(
                "SELECT shard, owner_url, epoch, lease_until_ms >= " + ShardLeases.DB_NOW + " FROM engine_shards")) {
            while (rs.next()) {
                out.put(rs.getInt(1), new Lease(rs.getInt(1), rs.getString(2), rs.getLong(3), rs.getBoolean(4)));
            }
        } catch (SQLException e) {
            throw new AssertionError(e);
        }
        return out;
    }

    Set<Integer> shardsOf(CraterProcess n, Map<Integer, Lease> leases) {
        Set<Integer> out = new TreeSet<>();
        leases.values().forEach(l -> {
            if (l.live() && n.url().equals(l.url())) {
                out.add(l.shard());
            }
        });
        return out;
    }

    /** Every shard leased by a listening node, and every listening node holding at least one. */
    void awaitBalanced() {
        eventually("the shards spread over the nodes", TAKEOVER.multipliedBy(3), () -> {
            Map<Integer, Lease> l = leases();
            List<CraterProcess> up = listening();
            Set<String> urls = new HashSet<>();
            up.forEach(n -> urls.add(n.url()));
            return l.size() == SHARDS && l.values().stream().allMatch(x -> x.live() && urls.contains(x.url()))
                    && up.stream().allMatch(n -> !shardsOf(n, l).isEmpty());
        });
    }

    static void eventually(String what, Duration within, BooleanSupplier condition) {
        eventually(what, within, condition, () -> "");
    }

    /** Polls {@code condition} until {@code within} has passed; the failure tells {@code lastSeen}. */
    static void eventually(String what, Duration within, BooleanSupplier condition, Supplier<String> lastSeen) {
        long deadline = System.nanoTime() + within.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError(what + ": not within " + within + "; last seen: " + lastSeen.get());
            }
            sleep(50);
        }
    }

    static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    // ---- load ------------------------------------------------------------------------------------

    /** One request a load thread sent: what, where, and the answer (status 0: no answer). */
    record Sent(String clientId, long account, CraterProcess node, int status, long id, long endedNanos) {
    }

    /** Client threads placing (market and limit) and cancelling orders until closed. */
    final class Load implements AutoCloseable {
        final AtomicBoolean stop = new AtomicBoolean();
        final List<Thread> threads = new ArrayList<>();
        final String run = Long.toString(System.nanoTime(), 36);

        Load(String name, int count, Supplier<List<Long>> accountsToUse, Supplier<List<CraterProcess>> targets,
                Consumer<Sent> sent) {
            this(name, count, accountsToUse, targets, sent, auth);
        }

        Load(String name, int count, Supplier<List<Long>> accountsToUse, Supplier<List<CraterProcess>> targets,
                Consumer<Sent> sent, String[] headers) {
            for (int t = 0; t < count; t++) {
                int thread = t;
                threads.add(Thread.ofPlatform().daemon().name(name + "-" + t).start(() -> {
                    for (int seq = 0; !stop.get(); seq++) {
                        List<Long> as = accountsToUse.get();
                        List<CraterProcess> ns = targets.get();
                        if (as.isEmpty() || ns.isEmpty()) {
                            sleep(20);
                            continue;
                        }
                        ThreadLocalRandom r = ThreadLocalRandom.current();
                        long account = as.get(r.nextInt(as.size()));
                        CraterProcess node = ns.get(r.nextInt(ns.size()));
                        one(node, account, name + "-" + run + "-" + thread + "-" + seq, r, sent, headers);
                    }
                }));
            }
        }

        @Override
        public void close() {
            stop.set(true);
            for (Thread t : threads) {
                try {
                    t.join(Duration.ofSeconds(45));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                assertThat(t.isAlive()).as("load thread %s ended", t.getName()).isFalse();
            }
        }
    }

    /** One order placed (market buy or sell, resting limit buy) or cancelled, through {@code node}. */
    void one(CraterProcess node, long account, String clientId, ThreadLocalRandom r, Consumer<Sent> sent,
            String[] headers) {
        int dice = r.nextInt(100);
        ConcurrentLinkedQueue<Long> rest = resting.get(account);
        if (dice < 12 || (dice >= 55 && dice < 80 && rest.size() >= RESTING_PER_ACCOUNT_MAX)) {
            Long id = rest.poll();
            if (id != null) {
                Http.Response c = send(node, "DELETE", account, "orders/" + id, null, headers);
                if (c == null || c.status() == 503) {
                    rest.add(id); // cancelled later, or still resting
                    sleep(BACKOFF_AFTER_503_MS);
                }
                return;
            }
        }
        String symbol = CHEAP.get(r.nextInt(CHEAP.size()));
        String body;
        if (dice < 55) {
            body = OrdersHarness.json("Symbol", symbol, "Type", "Market", "Side", "Buy", "Quantity", 1 + r.nextInt(3),
                    "ClientId", clientId);
        } else if (dice < 80) {
            body = OrdersHarness.json("Symbol", symbol, "Type", "Limit", "Side", "Buy", "Quantity", 1, "Price",
                    new BigDecimal("1.00"), "TimeInForce", "GoodTillCancel", "ClientId", clientId);
        } else {
            body = OrdersHarness.json("Symbol", symbol, "Type", "Market", "Side", "Sell", "Quantity", 1,
                    "ClientId", clientId);
        }
        Http.Response resp = send(node, "POST", account, "orders", body, headers);
        if (resp != null && resp.status() == 503) {
            sleep(BACKOFF_AFTER_503_MS);
        }
        long id = 0;
        if (resp != null && resp.status() == 200) {
            JsonNode j = resp.json();
            if (j.has("Id")) {
                id = j.get("Id").asLong();
                acked.put(clientId, new Ack(account, clientId, body, id));
                if (body.contains("\"Limit\"")) {
                    rest.add(id);
                }
            }
        }
        if (sent != null) {
            sent.accept(new Sent(clientId, account, node, resp == null ? 0 : resp.status(), id,
                    System.nanoTime()));
        }
    }

    // ---- what must hold in the store --------------------------------------------------------------

    /**
     * In one repeatable-read snapshot of the store: every order acknowledged before it is there
     * (same account and ClientId); each order's executed quantity is the sum of its fills and at most
     * its quantity; each fill has exactly one ledger line; each position is the sum of its fills; each
     * account's engine cash is the sum of its ledger. Returns the number of fills.
     */
    long checkStore(String when) throws Exception {
        Map<String, Ack> acks = Map.copyOf(acked); // acknowledged, so committed, before the snapshot begins
        List<String> problems = new ArrayList<>();
        long fills;
        try (Connection c = db()) {
            c.setAutoCommit(false);
            c.setTransactionIsolation(Connection.TRANSACTION_REPEATABLE_READ);
            c.setReadOnly(true);
            try (Statement st = c.createStatement()) {
                record Order(long account, String clientId, BigDecimal quantity, BigDecimal executed) {
                }
                Map<Long, Order> orders = new HashMap<>();
                try (ResultSet rs = st.executeQuery(
                        "SELECT id, account_id, client_id, quantity, executed_quantity FROM orders")) {
                    while (rs.next()) {
                        orders.put(rs.getLong(1), new Order(rs.getLong(2), rs.getString(3), rs.getBigDecimal(4),
                                rs.getBigDecimal(5)));
                    }
                }
                for (Ack a : acks.values()) {
                    Order o = orders.get(a.id());
                    if (o == null || o.account() != a.account() || !a.clientId().equals(o.clientId())) {
                        problems.add("acknowledged order " + a.id() + " (" + a.clientId() + ") stored as " + o);
                    }
                }
                Map<Long, BigDecimal> filled = new HashMap<>();
                try (ResultSet rs = st.executeQuery("SELECT order_id, SUM(quantity) FROM fills GROUP BY order_id")) {
                    while (rs.next()) {
                        filled.put(rs.getLong(1), rs.getBigDecimal(2));
                    }
                }
                orders.forEach((id, o) -> {
                    BigDecimal f = filled.getOrDefault(id, BigDecimal.ZERO);
                    if (f.compareTo(o.executed()) != 0 || f.compareTo(o.quantity()) > 0) {
                        problems.add("order " + id + ": quantity " + o.quantity() + ", executed " + o.executed()
                                + ", fills sum to " + f);
                    }
                });
                filled.keySet().stream().filter(id -> !orders.containsKey(id))
                        .forEach(id -> problems.add("fills of order " + id + ", which is not stored"));
                long badFills = count(st, """
                        SELECT COUNT(*) FROM fills f LEFT JOIN (SELECT fill_id, COUNT(*) AS n FROM ledger_entries
                        WHERE type = 'OrderExecution' GROUP BY fill_id) l ON l.fill_id = f.id
                        WHERE COALESCE(l.n, 0) <> 1""");
                long strayLines = count(st, """
                        SELECT COUNT(*) FROM ledger_entries l WHERE l.type = 'OrderExecution'
                        AND NOT EXISTS (SELECT 1 FROM fills f WHERE f.id = l.fill_id)""");
                if (badFills != 0 || strayLines != 0) {
                    problems.add(badFills + " fills without exactly one ledger line; " + strayLines
                            + " execution lines without their fill");
                }
                fills = count(st, "SELECT COUNT(*) FROM fills");

                Map<String, BigDecimal> positions = new HashMap<>();
                try (ResultSet rs = st.executeQuery("SELECT account_id, security_id, quantity FROM positions")) {
                    while (rs.next()) {
                        positions.put(rs.getLong(1) + "/" + rs.getInt(2), rs.getBigDecimal(3));
                    }
                }
                Map<String, BigDecimal> fillSums = new HashMap<>();
                try (ResultSet rs = st.executeQuery("SELECT account_id, security_id, SUM(quantity) FROM ledger_entries"
                        + " WHERE type = 'OrderExecution' GROUP BY account_id, security_id")) {
                    while (rs.next()) {
                        fillSums.put(rs.getLong(1) + "/" + rs.getInt(2), rs.getBigDecimal(3));
                    }
                }
                Set<String> keys = new HashSet<>(positions.keySet());
                keys.addAll(fillSums.keySet());
                for (String k : keys) {
                    BigDecimal p = positions.getOrDefault(k, BigDecimal.ZERO);
                    BigDecimal f = fillSums.getOrDefault(k, BigDecimal.ZERO);
                    if (p.compareTo(f) != 0) {
                        problems.add("position " + k + " is " + p + " but its fills sum to " + f);
                    }
                }

                Map<Long, BigDecimal> ledger = new HashMap<>();
                try (ResultSet rs = st.executeQuery(
                        "SELECT account_id, SUM(value) FROM ledger_entries GROUP BY account_id")) {
                    while (rs.next()) {
                        ledger.put(rs.getLong(1), rs.getBigDecimal(2));
                    }
                }
                try (ResultSet rs = st.executeQuery("SELECT account_id, state_json FROM engine_accounts")) {
                    while (rs.next()) {
                        BigDecimal cash = BigDecimal.valueOf(JSON.readTree(rs.getString(2)).get("cash").asLong(), 6);
                        BigDecimal sum = ledger.getOrDefault(rs.getLong(1), BigDecimal.ZERO);
                        if (cash.compareTo(sum) != 0) {
                            problems.add("account " + rs.getLong(1) + ": engine cash " + cash + ", ledger sums to " + sum);
                        }
                    }
                }
            }
            c.commit();
        }
        assertThat(problems).as("the store %s (%d acknowledged orders)", when, acks.size()).isEmpty();
        return fills;
    }

    static long count(Statement st, String sql) throws SQLException {
        try (ResultSet rs = st.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    /**
     * Waits until every shard of {@code shards} has a live lease of a node other than {@code gone},
     * under a newer epoch than in {@code before}, and that node answers an engine call for one of
     * the shard's accounts; the time it took from {@code sinceNanos}.
     */
    long awaitTakeover(CraterProcess gone, Set<Integer> shards, Map<Integer, Lease> before, long sinceNanos) {
        Set<Integer> served = new HashSet<>();
        List<String> probes = new CopyOnWriteArrayList<>();
        eventually("shards " + shards + " of " + gone + " served by another node", TAKEOVER
                .minusNanos(System.nanoTime() - sinceNanos), () -> {
                    Map<Integer, Lease> now = leases();
                    for (int shard : shards) {
                        Lease l = now.get(shard);
                        if (served.contains(shard) || !l.live() || gone.url().equals(l.url())
                                || l.epoch() <= before.get(shard).epoch()) {
                            continue;
                        }
                        // Asked of the new owner itself (forwarding is the load's and checkThroughTheApi's part).
                        CraterProcess via = listening().stream().filter(n -> n.url().equals(l.url())).findFirst()
                                .orElse(null);
                        if (via == null) {
                            continue; // a node still starting took it: asked once it listens
                        }
                        long asked = System.nanoTime();
                        Http.Response r = send(via, "GET", accountsOn(shard).get(0), "info", null);
                        probes.add("shard " + shard + " via " + via + ": " + (r == null ? "no answer" : r.status())
                                + " after " + TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - asked) + " ms");
                        if (r != null && r.status() == 200) {
                            served.add(shard);
                        }
                    }
                    return served.containsAll(shards);
                }, () -> "leases " + leases() + ", served " + served + ", probes " + probes);
        return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - sinceNanos);
    }

    // ---- SIGKILL -------------------------------------------------------------------------------

    @Test
    @Timeout(value = 5, unit = TimeUnit.MINUTES)
    void theOwnerKilledTwentyTimesUnderLoadLosesNothing() throws Exception {
        awaitBalanced();
        long maxTakeoverMs = 0;
        long totalTakeoverMs = 0;
        CraterProcess starting = null;
        try (Load load = new Load("kill", LOAD_THREADS, () -> accounts, this::listening, null)) {
            eventually("the load is acknowledged", TAKEOVER, () -> acked.size() > 50);
            for (int cycle = 1; cycle <= KILLS; cycle++) {
                if (starting != null && listening().size() < 2) {
                    starting.awaitListening(); // someone must survive the next kill
                }
                // The kill falls on one of several owners (the last node started has its share).
                eventually("every listening node owns a shard", TAKEOVER, () -> {
                    Map<Integer, Lease> l = leases();
                    return listening().stream().allMatch(n -> !shardsOf(n, l).isEmpty());
                });
                Map<Integer, Lease> before = leases();
                CraterProcess victim = listening().stream()
                        .max(java.util.Comparator.comparingInt(n -> shardsOf(n, before).size())).orElseThrow();
                Set<Integer> shards = shardsOf(victim, before);
                assertThat(shards).as("shards of the node killed in cycle %d", cycle).isNotEmpty();
                int acksBefore = acked.size();
                long killed = System.nanoTime();
                victim.kill();
                nodes.remove(victim);
                long ms = awaitTakeover(victim, shards, before, killed);
                maxTakeoverMs = Math.max(maxTakeoverMs, ms);
                totalTakeoverMs += ms;
                checkStore("after kill " + cycle + " of " + victim + " (shards " + shards + ")");
                assertThat(acked.size()).as("orders acknowledged during cycle %d", cycle).isGreaterThan(acksBefore);
                if (starting != null) {
                    starting.awaitListening();
                }
                starting = startNode();
                nodes.add(starting);
                System.out.printf("kill %d: %s held %s; served again after %d ms; %d acknowledged%n", cycle, victim,
                        shards, ms, acked.size());
            }
            starting.awaitListening();
            awaitBalanced();
        }
        awaitBalanced();
        long fills = checkStore("after " + KILLS + " kills");
        checkThroughTheApi();
        System.out.printf("%d kills: %d acknowledged orders, %d fills, takeover max %d ms, mean %d ms (bound %d ms);"
                + " statuses %s, %d transport errors%n", KILLS, acked.size(), fills, maxTakeoverMs,
                totalTakeoverMs / KILLS, TAKEOVER.toMillis(), statuses, transportErrors.get());
        assertThat(fills).as("market orders filled").isGreaterThan(100);
        assertThat(unexpected.items).as("answers no node may give (%d)", unexpected.count.get()).isEmpty();
    }

    /**
     * {@link #send}, again while the answer is the documented 503 with {@code Retry-After} (a shard
     * still moving to its fair-share owner after the last node joined), within {@code TAKEOVER}.
     */
    Http.Response sendSettled(CraterProcess node, String method, long account, String path, String body) {
        long deadline = System.nanoTime() + TAKEOVER.toNanos();
        while (true) {
            Http.Response r = send(node, method, account, path, body);
            if (r == null || r.status() != 503 || r.header("Retry-After") == null || System.nanoTime() > deadline) {
                return r;
            }
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                throw new AssertionError(e);
            }
        }
    }

    /** Through the API of every node: retried ClientIds answer their order; cash is the ledger's sum. */
    void checkThroughTheApi() throws SQLException {
        List<Ack> sample = new ArrayList<>(acked.values());
        Collections.shuffle(sample);
        for (Ack a : sample.subList(0, Math.min(60, sample.size()))) {
            CraterProcess n = randomNode();
            Http.Response r = sendSettled(n, "POST", a.account(), "orders", a.body());
            assertThat(r).isNotNull();
            assertThat(r.status()).as("retry of %s through %s: %s", a.clientId(), n, r.body()).isEqualTo(200);
            assertThat(r.json().path("Id").asLong()).as("retry of %s: %s", a.clientId(), r.body()).isEqualTo(a.id());
        }
        for (long account : accounts) {
            for (CraterProcess n : listening()) {
                Http.Response info = sendSettled(n, "GET", account, "info", null);
                assertThat(info).isNotNull();
                assertThat(info.status()).as("info of %s through %s: %s", account, n, info.body()).isEqualTo(200);
                BigDecimal sum;
                try (Connection c = db(); var ps = c.prepareStatement(
                        "SELECT COALESCE(SUM(value), 0) FROM ledger_entries WHERE account_id = ?")) {
                    ps.setLong(1, account);
                    try (ResultSet rs = ps.executeQuery()) {
                        rs.next();
                        sum = rs.getBigDecimal(1);
                    }
                }
                assertThat(info.json().path("cash").decimalValue()).as("cash of %s through %s", account, n)
                        .isEqualByComparingTo(sum);
            }
        }
    }

    // ---- SIGSTOP -------------------------------------------------------------------------------

    /** Every stored row of a shard's accounts, as text (orders, fills, ledger, positions, engine state). */
    Set<String> rowsOf(int shard) throws SQLException {
        Set<String> rows = new TreeSet<>();
        try (Connection c = db()) {
            c.setAutoCommit(false);
            c.setTransactionIsolation(Connection.TRANSACTION_REPEATABLE_READ);
            try (Statement st = c.createStatement()) {
                String mine = " WHERE MOD(account_id, " + SHARDS + ") = " + shard;
                for (String q : List.of(
                        "SELECT 'order', id, status, executed_quantity, leaves_quantity, updated_at_ms, state_json"
                                + " FROM orders" + mine,
                        "SELECT 'fill', id, order_id, quantity, price FROM fills" + mine,
                        "SELECT 'ledger', id, type, order_id, value FROM ledger_entries" + mine,
                        "SELECT 'position', account_id, security_id, quantity, modified_at_ms FROM positions" + mine,
                        "SELECT 'account', account_id, updated_at_ms, state_json FROM engine_accounts" + mine)) {
                    try (ResultSet rs = st.executeQuery(q)) {
                        int cols = rs.getMetaData().getColumnCount();
                        while (rs.next()) {
                            StringBuilder b = new StringBuilder();
                            for (int i = 1; i <= cols; i++) {
                                b.append(i == 1 ? "" : " ").append(rs.getString(i));
                            }
                            rows.add(b.toString());
                        }
                    }
                }
            }
            c.commit();
        }
        return rows;
    }

    @Test
    @Timeout(value = 3, unit = TimeUnit.MINUTES)
    void aPausedOwnerWritesNothingForTheShardTakenFromItAndRejoins() throws Exception {
        while (listening().size() < NODES) {
            nodes.add(startNode().awaitListening());
        }
        awaitBalanced();
        Map<Integer, Lease> before = leases();
        CraterProcess paused = listening().stream()
                .max(java.util.Comparator.comparingInt(n -> shardsOf(n, before).size())).orElseThrow();
        Set<Integer> pausedShards = shardsOf(paused, before);
        int shard = pausedShards.iterator().next();
        List<Long> mine = accountsOn(shard);
        List<Long> others = accounts.stream().filter(a -> shardOf(a) != shard).toList();
        List<CraterProcess> rest = listening().stream().filter(n -> n != paused).toList();

        // The paused shard's accounts trade only through their owner, the others through the other nodes.
        AtomicBoolean pausing = new AtomicBoolean();
        List<Sent> toPaused = new CopyOnWriteArrayList<>();
        AtomicLong pausedAt = new AtomicLong(Long.MAX_VALUE);
        int acksBefore = acked.size();
        Load general = new Load("others", LOAD_THREADS - PAUSED_SHARD_THREADS, () -> others, () -> rest, null);
        // Marked as forwarded already (OwnerForwarding forwards a request at most once): the paused node
        // answers them itself and never passes them to the new owner, so no one else is asked to write
        // for the shard, and any row of it written after the takeover would be the paused node's.
        String[] unforwarded = java.util.stream.Stream.concat(java.util.Arrays.stream(auth),
                java.util.stream.Stream.of(OwnerForwarding.FORWARDED.defaultCase(), "failover-test"))
                .toArray(String[]::new);
        Load owner = new Load("paused", PAUSED_SHARD_THREADS, () -> pausing.get() ? List.of() : mine,
                () -> List.of(paused), toPaused::add, unforwarded);
        try {
            eventually("orders acknowledged by the owner of shard " + shard, TAKEOVER,
                    () -> toPaused.stream().filter(s -> s.status() == 200).count() > 20);
            long stopped = System.nanoTime();
            paused.pause();
            pausedAt.set(stopped);
            pausing.set(true); // no new requests for the shard (those under way stay under way)
            // One more, sent to the paused owner while its lease still runs: it waits in its socket.
            String lateClientId = "paused-late-" + System.nanoTime();
            String lateBody = OrdersHarness.json("Symbol", "KO", "Type", "Limit", "Side", "Buy", "Quantity", 1,
                    "Price", new BigDecimal("1.00"), "TimeInForce", "GoodTillCancel", "ClientId", lateClientId);
            java.util.concurrent.atomic.AtomicReference<Http.Response> late = new java.util.concurrent.atomic.AtomicReference<>();
            Thread lateSender = Thread.ofPlatform().daemon().name("paused-late").start(
                    () -> late.set(send(paused, "POST", mine.get(0), "orders", lateBody, unforwarded)));
            long ms = awaitTakeover(paused, pausedShards, before, stopped);
            Set<String> atTakeover = rowsOf(shard);
            Lease taken = leases().get(shard);
            System.out.printf("paused %s holding %s (epoch %d of shard %d); taken by %s (epoch %d) after %d ms%n",
                    paused, pausedShards, before.get(shard).epoch(), shard, taken.url(), taken.epoch(), ms);
            long resumed = System.nanoTime();
            paused.resume();
            owner.close(); // every request to the paused node has its answer (or its transport error)
            lateSender.join(Duration.ofSeconds(45));
            assertThat(late.get()).as("the request that waited for the paused node").isNotNull();
            assertThat(late.get().status()).as("the request that waited for the paused node: %s", late.get().body())
                    .isEqualTo(503);
            assertThat(late.get().header("Retry-After")).isNotNull();

            // The resumed node stops the shard: no longer among the shards its metrics report.
            eventually(paused + " no longer runs shard " + shard, TAKEOVER, () -> !runsShard(paused, shard)
                    || leases().get(shard).url().equals(paused.url()));
            // Its next transaction for the shard (a round, or storing its trailing orders as it stops) was refused.
            assertThat(String.join("\n", paused.lines())).as("%s: the fence refused shard %d", paused, shard)
                    .contains("trading shard " + shard + ": trading shard " + shard + " is no longer this node's (epoch "
                            + before.get(shard).epoch() + ")");
            Set<String> afterResume = rowsOf(shard);
            Set<String> added = new TreeSet<>(afterResume);
            added.removeAll(atTakeover);
            Set<String> gone = new TreeSet<>(atTakeover);
            gone.removeAll(afterResume);
            assertThat(added).as("rows of shard %d written after the takeover (none were asked of the new owner;"
                    + " leases now %s)", shard, leases()).isEmpty();
            assertThat(gone).as("rows of shard %d changed after the takeover", shard).isEmpty();

            // What the paused node answered once resumed: orders stored before the takeover, or refusals.
            Set<Long> storedBefore = new HashSet<>();
            for (String row : atTakeover) {
                if (row.startsWith("order ")) {
                    storedBefore.add(Long.parseLong(row.split(" ")[1]));
                }
            }
            Set<String> storedClientIds = new HashSet<>();
            try (Connection c = db(); Statement st = c.createStatement(); ResultSet rs = st.executeQuery(
                    "SELECT client_id FROM orders WHERE MOD(account_id, " + SHARDS + ") = " + shard)) {
                while (rs.next()) {
                    storedClientIds.add(rs.getString(1));
                }
            }
            assertThat(storedClientIds).as("the refused request that waited").doesNotContain(lateClientId);
            int answeredLate = 0;
            int refused = 0;
            for (Sent s : toPaused) {
                if (s.status() == 503) {
                    refused++;
                    assertThat(storedClientIds).as("refused %s", s.clientId()).doesNotContain(s.clientId());
                }
                if (s.endedNanos() > resumed) {
                    answeredLate++;
                    if (s.status() == 200 && s.id() != 0) {
                        assertThat(storedBefore).as("order %s acknowledged by %s once resumed", s.id(), paused)
                                .contains(s.id());
                    }
                }
            }
            System.out.printf("the resumed node answered %d requests for shard %d once resumed; %d refusals (503)"
                    + " in all%n", answeredLate, shard, refused);

            // It rejoins: takes a share of the shards again, and serves (or forwards) every account.
            awaitBalanced();
            assertThat(shardsOf(paused, leases())).as("shards of %s after it rejoined", paused).isNotEmpty();
        } finally {
            pausing.set(true);
            if (pausedAt.get() != Long.MAX_VALUE) {
                paused.resume(); // harmless when it runs already
            }
            owner.close();
            general.close();
        }
        for (int s = 0; s < SHARDS; s++) {
            long account = accountsOn(s).get(0);
            String clientId = "rejoined-" + s + "-" + System.nanoTime();
            String body = OrdersHarness.json("Symbol", "KO", "Type", "Market", "Side", "Buy", "Quantity", 1,
                    "ClientId", clientId);
            java.util.concurrent.atomic.AtomicReference<String> last = new java.util.concurrent.atomic.AtomicReference<>();
            eventually("shard " + s + " trades through the resumed node", TAKEOVER, () -> {
                Http.Response r = send(paused, "POST", account, "orders", body);
                last.set(r == null ? "no answer" : r.status() + " " + r.body() + "; leases " + leases());
                if (r != null && r.status() == 200 && r.json().has("Id")) {
                    acked.put(clientId, new Ack(account, clientId, body, r.json().get("Id").asLong()));
                    return true;
                }
                return false;
            }, last::get);
        }
        assertThat(acked.size()).isGreaterThan(acksBefore);
        checkStore("after the pause");
        checkThroughTheApi();
        assertThat(unexpected.items).as("answers no node may give (%d)", unexpected.count.get()).isEmpty();
    }

    /** Whether the node's metrics list the shard among those it runs. */
    boolean runsShard(CraterProcess n, int shard) {
        Http.Response m = Http.get(n.url() + "/metrics", "Authorization", "Bearer " + env.get("CRATER_METRICS_TOKEN"));
        assertThat(m.status()).as(m.body()).isEqualTo(200);
        return m.body().contains("crater_engine_inbox_depth{shard=\"" + shard + "\"}");
    }
}
