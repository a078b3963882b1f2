package dev.crater.orders;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.crater.Main;
import dev.crater.market.TradingCalendar;
import dev.crater.testing.Http;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.DayOfWeek;
import java.time.LocalDate;
import java.time.LocalTime;
import java.time.ZonedDateTime;
import java.time.temporal.TemporalAdjusters;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;
import picocli.CommandLine;

/**
 * Goal: an acknowledged order survives a crash. {@code crater serve} runs as a separate JVM on a
 * SQLite data directory; several clients place (and cancel) orders as fast as they can, the process
 * is killed with SIGKILL in the middle of it, and a new process on the same directory must start —
 * its start-up rebuild of the engine checks the stored state and refuses an unsound store — and
 * show: every acknowledged order with its ClientId; the same Id for a retried ClientId; a ledger
 * that sums to the balance map's cash; positions equal to the sum of their fills; orders whose
 * executed quantities equal their fills; no duplicate ledger ids. Twice.
 *
 * <p>Method: before the first start, {@code crater admin market clock --set} moves market time into
 * a regular session of a future weekday (market time flows with the wall clock from there), so
 * market orders really fill while the load runs. The demo user's funded Margin account trades.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class CrashRestartTest {

    static final Pattern LISTENING = Pattern.compile("Crater is listening on \\S+:(\\d+)");
    static final Pattern APP_KEY = Pattern.compile("Demo company .*Et-App-Key: (\\S+)");
    static final List<String> CHEAP = List.of("F", "T", "KO", "INTC", "BAC");
    static final int THREADS = 6;

    Path dataDir;
    Node node;

    /** A running {@code crater serve} process and what it printed. */
    static final class Node {
        final Process process;
        final ConcurrentLinkedDeque<String> lines = new ConcurrentLinkedDeque<>();
        final CompletableFuture<Integer> port = new CompletableFuture<>();
        final CompletableFuture<String> appKey = new CompletableFuture<>();

        Node(Process process) {
            this.process = process;
            Thread.ofPlatform().daemon().name("crater-child-output").start(() -> {
                try (BufferedReader r = new BufferedReader(new InputStreamReader(process.getInputStream(),
                        StandardCharsets.UTF_8))) {
                    for (String line; (line = r.readLine()) != null; ) {
                        lines.add(line);
                        if (lines.size() > 400) {
                            lines.pollFirst();
                        }
                        Matcher m = LISTENING.matcher(line);
                        if (m.find()) {
                            port.complete(Integer.parseInt(m.group(1)));
                        }
                        Matcher k = APP_KEY.matcher(line);
                        if (k.find()) {
                            appKey.complete(k.group(1));
                        }
                    }
                } catch (IOException e) {
                    // the process died
                }
                port.completeExceptionally(new IllegalStateException("the server exited"));
                appKey.completeExceptionally(new IllegalStateException("the server exited"));
            });
        }

        String output() {
            return String.join("\n", lines);
        }
    }

    Node startNode() {
        String classPath = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        ProcessBuilder b = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx512m", "-cp", classPath, Main.class.getName(), "serve", "--host", "127.0.0.1", "--port", "0",
                "--data-dir", dataDir.toString()).redirectErrorStream(true);
        b.environment().keySet().removeIf(k -> k.startsWith("CRATER_"));
        b.environment().put("CRATER_TOKEN_RATE_BURST", "1000000");
        b.environment().put("CRATER_TOKEN_RATE_PER_SECOND", "1000000");
        try {
            Node n = new Node(b.start());
            try {
                n.port.get(30, TimeUnit.SECONDS);
                n.appKey.get(5, TimeUnit.SECONDS);
            } catch (Exception e) {
                n.process.destroyForcibly();
                throw new AssertionError("the server did not start:\n" + n.output(), e);
            }
            return n;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @BeforeAll
    void setUp() throws IOException {
        dataDir = Files.createTempDirectory("crater-crash-");
        // Market time: 11:00 New York on a weekday two weeks ahead (a regular session for hours).
        LocalDate d = LocalDate.now(TradingCalendar.ZONE).plusDays(14).with(TemporalAdjusters.next(DayOfWeek.TUESDAY));
        TradingCalendar cal = TradingCalendar.nyse();
        while (!cal.isTradingDay(d) || cal.earlyClose(d).isPresent()) {
            d = d.plusWeeks(1);
        }
        String at = ZonedDateTime.of(d, LocalTime.of(11, 0), TradingCalendar.ZONE).toInstant().toString();
        int code = new CommandLine(new Main()).execute("admin", "--create-store", "market", "clock", "--set", at, "--data-dir",
                dataDir.toString());
        assertThat(code).isZero();
    }

    @AfterAll
    void tearDown() {
        if (node != null) {
            node.process.destroyForcibly();
        }
    }

    // ---- a client of the child -------------------------------------------------------------------

    record Client(String base, String[] headers, long accountId) {
        String url(String path) {
            return base + "v1.0/accounts/" + accountId + "/" + path;
        }

        Http.Response get(String path) {
            return Http.get(url(path), headers);
        }

        Http.Response post(String path, String body) {
            return Http.send("POST", url(path), body, headers);
        }
    }

    Client client(Node n) throws Exception {
        String base = "http://127.0.0.1:" + n.port.get() + "/api/";
        String key = n.appKey.get();
        Http.Response login = Http.post(base + "token", "Et-App-Key", key, "Username", "demo", "Password",
                "crater-demo-pass");
        assertThat(login.status()).as(login.body()).isEqualTo(200);
        String[] headers = {"Et-App-Key", key, "Authorization", "Bearer " + login.text("Token"), "Content-Type",
                "application/json"};
        JsonNode accounts = Http.get(base + "v1.0/users/@me/accounts", headers).json();
        assertThat(accounts.isArray()).isTrue();
        return new Client(base, headers, accounts.get(0).get("Id").asLong());
    }

    /** An acknowledged placement: what was sent and the Id answered. */
    record Ack(String clientId, String body, long id) {
    }

    final Map<String, Ack> acked = new ConcurrentHashMap<>();

    /** Places and cancels from several threads until the process is killed; returns how many were acknowledged. */
    int loadThenKill(Node n, Client c, long loadMs) throws Exception {
        AtomicBoolean stop = new AtomicBoolean();
        AtomicInteger acks = new AtomicInteger();
        String run = Long.toString(System.nanoTime(), 36);
        ExecutorService pool = Executors.newFixedThreadPool(THREADS);
        for (int th = 0; th < THREADS; th++) {
            int thread = th;
            pool.submit(() -> {
                List<Long> resting = new ArrayList<>();
                for (int seq = 0; !stop.get(); seq++) {
                    ThreadLocalRandom r = ThreadLocalRandom.current();
                    String symbol = CHEAP.get(r.nextInt(CHEAP.size()));
                    String clientId = "crash-" + run + "-" + thread + "-" + seq;
                    String body;
                    int dice = r.nextInt(100);
                    try {
                        if (dice < 10 && !resting.isEmpty()) {
                            long id = resting.remove(r.nextInt(resting.size()));
                            Http.send("DELETE", c.url("orders/" + id), null, c.headers());
                            continue;
                        } else if (dice < 55) {
                            body = OrdersHarness.json("Symbol", symbol, "Type", "Market", "Side", "Buy", "Quantity",
                                    1 + r.nextInt(3), "ClientId", clientId);
                        } else if (dice < 80) {
                            body = OrdersHarness.json("Symbol", symbol, "Type", "Limit", "Side", "Buy", "Quantity", 1,
                                    "Price", new BigDecimal("1.00"), "TimeInforce", "GTC", "ClientId", clientId);
                        } else {
                            body = OrdersHarness.json("Symbol", symbol, "Type", "Market", "Side", "Sell", "Quantity", 1,
                                    "ClientId", clientId);
                        }
                        Http.Response resp = c.post("orders", body);
                        if (resp.status() == 200 && resp.json().has("Id")) {
                            long id = resp.json().get("Id").asLong();
                            acked.put(clientId, new Ack(clientId, body, id));
                            acks.incrementAndGet();
                            if (body.contains("\"Limit\"")) {
                                resting.add(id);
                            }
                        }
                    } catch (RuntimeException e) {
                        if (stop.get()) {
                            return; // the server is gone
                        }
                    }
                }
            });
        }
        Thread.sleep(loadMs);
        n.process.destroyForcibly(); // SIGKILL, mid-load
        assertThat(n.process.waitFor(10, TimeUnit.SECONDS)).isTrue();
        stop.set(true);
        pool.shutdown();
        assertThat(pool.awaitTermination(40, TimeUnit.SECONDS)).isTrue();
        return acks.get();
    }

    // ---- what must hold after a restart ---------------------------------------------------------

    void checkRecovered(Client c) throws Exception {
        // Every acknowledged order is there with its ClientId.
        for (Ack a : acked.values()) {
            Http.Response r = c.get("orders/" + a.id());
            assertThat(r.status()).as("acknowledged order %s (%s) after restart: %s", a.id(), a.clientId(), r.body())
                    .isEqualTo(200);
            assertThat(r.json().get("ClientId").asText()).isEqualTo(a.clientId());
        }
        // A retried ClientId answers the original order.
        List<Ack> sample = new ArrayList<>(acked.values());
        java.util.Collections.shuffle(sample);
        for (Ack a : sample.subList(0, Math.min(40, sample.size()))) {
            Http.Response r = c.post("orders", a.body());
            assertThat(r.status()).as(r.body()).isEqualTo(200);
            assertThat(r.json().path("Id").asLong()).as("retry of %s: %s", a.clientId(), r.body()).isEqualTo(a.id());
        }

        List<JsonNode> ledger = new ArrayList<>();
        for (int page = 0; ; page++) {
            JsonNode p = c.get("transactions?pageNumber=" + page + "&pageSize=1000&sortBy=Id&isDesc=false").json();
            p.get("Result").forEach(ledger::add);
            if (p.get("NextPageLink").asText().isEmpty()) {
                break;
            }
        }
        Set<Long> ledgerIds = new HashSet<>();
        BigDecimal sum = BigDecimal.ZERO;
        Map<Integer, BigDecimal> filledBySecurity = new HashMap<>();
        Map<Long, BigDecimal> filledByOrder = new HashMap<>();
        for (JsonNode x : ledger) {
            assertThat(ledgerIds.add(x.get("Id").asLong())).as("duplicate ledger id %s", x.get("Id")).isTrue();
            sum = sum.add(x.get("Value").decimalValue());
            if (x.get("Type").asText().equals("OrderExecution")) {
                BigDecimal q = x.get("Quantity").decimalValue();
                filledBySecurity.merge(x.get("SecurityId").asInt(), q, BigDecimal::add);
                filledByOrder.merge(x.get("OrderStateId").asLong(), q.abs(), BigDecimal::add);
            }
        }
        assertThat(filledByOrder).as("market orders filled before the crash").hasSizeGreaterThan(10);
        JsonNode info = c.get("info").json();
        System.out.printf("recovered: %d acknowledged orders, %d ledger entries, %d orders with fills, cash %s%n",
                acked.size(), ledger.size(), filledByOrder.size(), info.get("cash"));
        assertThat(info.get("cash").decimalValue()).as("cash = Σ ledger")
                .isEqualByComparingTo(sum.setScale(2, java.math.RoundingMode.HALF_EVEN));

        Map<Integer, BigDecimal> positions = new HashMap<>();
        for (JsonNode p : c.get("positions?pageNumber=0&pageSize=99&sortField=Id&desc=false").json()) {
            positions.put(p.get("SecurityId").asInt(), p.get("Quantity").decimalValue());
        }
        filledBySecurity.forEach((security, q) -> {
            if (q.signum() != 0) {
                assertThat(positions.get(security)).as("position of security %s", security).isNotNull();
                assertThat(positions.get(security)).as("position of %s = Σ fills", security).isEqualByComparingTo(q);
            }
        });
        positions.forEach((security, q) -> assertThat(filledBySecurity.getOrDefault(security, BigDecimal.ZERO))
                .as("fills of position %s", security).isEqualByComparingTo(q));

        int total = -1;
        int seen = 0;
        for (int page = 0; total < 0 || page * 100 < total; page++) {
            JsonNode p = c.get("orders?pageNumber=" + page + "&pageSize=100&sortField=Id&desc=false").json();
            total = p.get("TotalCount").asInt();
            for (JsonNode o : p.get("Result")) {
                seen++;
                BigDecimal executed = o.get("ExecutedQuantity").decimalValue();
                assertThat(executed).as("order %s executed = Σ its fills", o.get("Id"))
                        .isEqualByComparingTo(filledByOrder.getOrDefault(o.get("Id").asLong(), BigDecimal.ZERO));
                assertThat(executed).isLessThanOrEqualTo(o.get("Quantity").decimalValue());
            }
        }
        assertThat(seen).isEqualTo(total).isGreaterThanOrEqualTo(acked.size());
    }

    /** The SQLite file as the SIGKILL left it, read directly: no duplicated fills, ledger lines or ClientIds. */
    void checkStoreAsKilled() throws java.sql.SQLException {
        try (java.sql.Connection db = java.sql.DriverManager.getConnection("jdbc:sqlite:" + dataDir.resolve("crater.db"));
                java.sql.Statement st = db.createStatement()) {
            assertThat(count(st, """
                    SELECT COUNT(*) FROM (SELECT fill_id FROM ledger_entries WHERE type = 'OrderExecution'
                    GROUP BY fill_id HAVING COUNT(*) > 1)""")).as("fills booked twice").isZero();
            assertThat(count(st, """
                    SELECT COUNT(*) FROM fills f WHERE (SELECT COUNT(*) FROM ledger_entries l
                    WHERE l.fill_id = f.id AND l.type = 'OrderExecution') <> 1""")).as("fills without one ledger line")
                    .isZero();
            assertThat(count(st, """
                    SELECT COUNT(*) FROM (SELECT account_id, client_id FROM orders WHERE client_id IS NOT NULL
                    GROUP BY account_id, client_id HAVING COUNT(*) > 1)""")).as("ClientIds with two orders").isZero();
            assertThat(count(st, "SELECT COUNT(*) FROM fills")).isPositive();
        }
    }

    static long count(java.sql.Statement st, String sql) throws java.sql.SQLException {
        try (java.sql.ResultSet rs = st.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    @Test
    void acknowledgedOrdersAndTheLedgerSurviveSigkillTwice() throws Exception {
        node = startNode();
        Client first = client(node);
        OrdersHarness.await(() -> first.get("info").json().get("cash").decimalValue(),
                cash -> cash.compareTo(new BigDecimal("100000")) == 0, "the demo account's deposit");
        Client c = first;

        for (int cycle = 1; cycle <= 2; cycle++) {
            int before = acked.size();
            int acks = loadThenKill(node, c, 2500);
            assertThat(acks).as("orders acknowledged in cycle %s", cycle).isGreaterThan(20);
            checkStoreAsKilled();
            node = startNode();
            Client after = client(node);
            checkRecovered(after);
            // The restarted server trades on.
            Http.Response more = after.post("orders", OrdersHarness.json("Symbol", "KO", "Type", "Market", "Side",
                    "Buy", "Quantity", 1, "ClientId", "after-restart-" + cycle));
            assertThat(more.status()).as(more.body()).isEqualTo(200);
            assertThat(more.json().has("Id")).as(more.body()).isTrue();
            acked.put("after-restart-" + cycle, new Ack("after-restart-" + cycle, OrdersHarness.json("Symbol", "KO",
                    "Type", "Market", "Side", "Buy", "Quantity", 1, "ClientId", "after-restart-" + cycle),
                    more.json().get("Id").asLong()));
            assertThat(acked.size()).isGreaterThan(before);
            c = after;
        }
    }
}
