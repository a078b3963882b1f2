package dev.crater.ops;

import static org.assertj.core.api.Assertions.assertThat;

import dev.crater.companies.Company;
import dev.crater.common.MarginType;
import dev.crater.config.OpsConfig;
import dev.crater.metrics.Counter;
import dev.crater.metrics.Metrics;
import dev.crater.store.Database;
import dev.crater.testing.Http;
import dev.crater.testing.StoreKind;
import dev.crater.testing.TestServer;
import dev.crater.users.User;
import java.math.BigDecimal;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jdbi.v3.core.Handle;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Goal: the first part of issue 16's "what an operator runs and watches" — health (live, ready and
 * why not), Prometheus metrics that parse, move with real traffic and stay bounded, their bearer
 * token, and the graceful shutdown's 1001 to streamer sockets.
 *
 * <p>Method: real servers on random ports, real HTTP; the store made unable to answer by holding
 * every connection of its request pool, then by closing it; the exposition checked line by line by
 * a strict parser written here.
 */
class OpsTest {
    static final String TOKEN = "metrics-token-0123456789abcdef";
    static final Duration WAIT = Duration.ofSeconds(15);
    static TestServer server;

    @BeforeAll
    static void start() {
        server = TestServer.start(StoreKind.SQLITE, new OpsConfig(TOKEN));
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    static String base(TestServer s) {
        return "http://127.0.0.1:" + s.port();
    }

    static void await(BooleanSupplier done, String what) {
        long until = System.nanoTime() + WAIT.toNanos();
        while (!done.getAsBoolean()) {
            assertThat(System.nanoTime() < until).as(what + " within " + WAIT).isTrue();
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                throw new AssertionError(e);
            }
        }
    }

    // ---- health ----------------------------------------------------------------------------------

    @Test
    void liveAndReadyNeedNoCredentials() {
        Http.Response live = Http.get(base(server) + "/health/live");
        assertThat(live.status()).isEqualTo(200);
        assertThat(live.body()).isEqualTo("{\"status\":\"UP\",\"checks\":{}}");
        assertThat(live.header("Cache-Control")).isEqualTo("no-store");
        Http.Response ready = Http.get(base(server) + "/health/ready");
        assertThat(ready.status()).isEqualTo(200);
        assertThat(ready.body()).isEqualTo("{\"status\":\"UP\",\"checks\":{\"store\":\"UP\",\"trading\":\"UP\"}}");
    }

    @Test
    void readyFailsWhileTheStoreCannotAnswerAndSaysWhy() {
        try (TestServer s = TestServer.start(StoreKind.SQLITE)) {
            Database db = s.services().database;
            int poolMax = db.pools().getFirst().max();
            List<Handle> held = new ArrayList<>();
            try {
                // Every connection of the request pool in use: SELECT 1 cannot get one within the deadline.
                for (int i = 0; i < poolMax; i++) {
                    Handle h = db.jdbi().open();
                    h.createQuery("SELECT 1").mapTo(Integer.class).one();
                    held.add(h);
                }
                long started = System.nanoTime();
                Http.Response r = Http.get(base(s) + "/health/ready");
                long tookMs = (System.nanoTime() - started) / 1_000_000;
                assertThat(r.status()).as(r.body()).isEqualTo(503);
                assertThat(r.body()).isEqualTo("{\"status\":\"DOWN\",\"checks\":{\"store\":\"DOWN\",\"trading\":\"UP\"}}");
                assertThat(tookMs).as("answered within the deadline, not after the pool's own wait")
                        .isLessThan(Health.STORE_DEADLINE.toMillis() + 1500);
                assertThat(Http.get(base(s) + "/health/live").status()).as("still live").isEqualTo(200);
            } finally {
                held.forEach(Handle::close);
            }
            await(() -> Http.get(base(s) + "/health/ready").status() == 200, "ready again once connections are free");

            // The store gone altogether (its pool closed): not ready, still live.
            db.close();
            Http.Response r = Http.get(base(s) + "/health/ready");
            assertThat(r.status()).isEqualTo(503);
            assertThat(r.json().path("checks").path("store").asText()).isEqualTo("DOWN");
            assertThat(Http.get(base(s) + "/health/live").status()).isEqualTo(200);
        }
    }

    // ---- metrics: protection ---------------------------------------------------------------------

    @Test
    void metricsNeedTheirBearerTokenAndAreOffWithoutOne() {
        Http.Response none = Http.get(base(server) + "/metrics");
        assertThat(none.status()).isEqualTo(401);
        assertThat(none.header("WWW-Authenticate")).isEqualTo("Bearer realm=\"crater-metrics\"");
        assertThat(none.body()).doesNotContain("crater_");
        assertThat(Http.get(base(server) + "/metrics", "Authorization", "Bearer " + TOKEN + "x").status())
                .isEqualTo(401);
        assertThat(Http.get(base(server) + "/metrics", "Authorization", TOKEN).status()).isEqualTo(401);
        Http.Response ok = Http.get(base(server) + "/metrics", "Authorization", "Bearer " + TOKEN);
        assertThat(ok.status()).isEqualTo(200);
        assertThat(ok.header("Content-Type")).isEqualTo("text/plain; version=0.0.4; charset=utf-8");

        try (TestServer off = TestServer.start(StoreKind.SQLITE)) {
            Http.Response r = Http.get(base(off) + "/metrics", "Authorization", "Bearer " + TOKEN);
            assertThat(r.status()).as("no token configured: not served at all").isEqualTo(404);
            assertThat(r.body()).doesNotContain("crater_");
        }
    }

    @Test
    void aShortTokenIsRefused() {
        try {
            new OpsConfig("short");
            throw new AssertionError("a 5-character token was accepted");
        } catch (IllegalArgumentException expected) {
            assertThat(expected.getMessage()).contains("16").doesNotContain("short");
        }
        assertThat(new OpsConfig(TOKEN).toString()).doesNotContain(TOKEN);
        try {
            OpsConfig.fromEnvironment(Map.of("CRATER_LOG_FORMAT", "xml"));
            throw new AssertionError("log format xml was accepted");
        } catch (IllegalArgumentException expected) {
            assertThat(expected.getMessage()).contains("text or json");
        }
        assertThat(OpsConfig.fromEnvironment(Map.of("CRATER_LOG_FORMAT", "json")).metricsOn()).isFalse();
    }

    // ---- metrics: the exposition -----------------------------------------------------------------

    /** One sample: family, name, labels in order, value. */
    record Sample(String name, Map<String, String> labels, double value) {
    }

    static final Pattern HELP = Pattern.compile("# HELP ([a-zA-Z_:][a-zA-Z0-9_:]*) (.*)");
    static final Pattern TYPE = Pattern.compile("# TYPE ([a-zA-Z_:][a-zA-Z0-9_:]*) (counter|gauge|histogram)");
    static final Pattern SAMPLE = Pattern.compile("([a-zA-Z_:][a-zA-Z0-9_:]*)(\\{(.*)\\})? (\\S+)");
    static final Pattern LABEL = Pattern.compile("([a-zA-Z_][a-zA-Z0-9_]*)=\"((?:[^\"\\\\\\n]|\\\\[\\\\\"n])*)\"(,|$)");

    /**
     * Parses the text format strictly: every line a HELP, a TYPE or a sample; HELP then TYPE once per
     * family, before its samples; each sample of a declared family (histograms: _bucket with le,
     * _sum, _count); label syntax and escapes; a number; no series twice; buckets cumulative, ending
     * in +Inf equal to _count.
     */
    static List<Sample> parse(String text) {
        assertThat(text).endsWith("\n");
        Map<String, String> types = new LinkedHashMap<>();
        Set<String> helped = new HashSet<>();
        Set<String> seen = new HashSet<>();
        List<Sample> out = new ArrayList<>();
        String current = null;
        for (String line : text.split("\n", -1)) {
            if (line.isEmpty()) {
                continue;
            }
            Matcher m;
            if ((m = HELP.matcher(line)).matches()) {
                assertThat(helped.add(m.group(1))).as("one HELP for " + m.group(1)).isTrue();
                current = m.group(1);
                continue;
            }
            if ((m = TYPE.matcher(line)).matches()) {
                assertThat(m.group(1)).as("TYPE right after its HELP").isEqualTo(current);
                assertThat(types.put(m.group(1), m.group(2))).as("one TYPE for " + m.group(1)).isNull();
                continue;
            }
            assertThat(line).as("a sample line").doesNotStartWith("#");
            m = SAMPLE.matcher(line);
            assertThat(m.matches()).as("sample syntax: " + line).isTrue();
            String name = m.group(1);
            String type = types.get(current);
            assertThat(type).as("a TYPE before " + line).isNotNull();
            if (type.equals("histogram")) {
                assertThat(List.of(current + "_bucket", current + "_sum", current + "_count")).as(line).contains(name);
            } else {
                assertThat(name).as(line).isEqualTo(current);
            }
            if (type.equals("counter")) {
                assertThat(name).endsWith("_total");
            }
            Map<String, String> labels = new LinkedHashMap<>();
            if (m.group(3) != null) {
                Matcher l = LABEL.matcher(m.group(3));
                int at = 0;
                while (at < m.group(3).length()) {
                    assertThat(l.find(at) && l.start() == at).as("label syntax at " + at + ": " + line).isTrue();
                    assertThat(labels.put(l.group(1), l.group(2))).as("label once: " + line).isNull();
                    at = l.end();
                }
            }
            double value = switch (m.group(4)) {
                case "+Inf" -> Double.POSITIVE_INFINITY;
                case "-Inf" -> Double.NEGATIVE_INFINITY;
                case "NaN" -> Double.NaN;
                default -> Double.parseDouble(m.group(4));
            };
            assertThat(seen.add(name + labels)).as("series once: " + line).isTrue();
            out.add(new Sample(name, labels, value));
        }
        // Histograms: per series, buckets ascend in le and count, +Inf last and equal to _count.
        Map<String, List<Sample>> buckets = new LinkedHashMap<>();
        Map<String, Double> counts = new LinkedHashMap<>();
        for (Sample s : out) {
            if (s.name().endsWith("_bucket")) {
                Map<String, String> rest = new LinkedHashMap<>(s.labels());
                assertThat(rest.remove("le")).as("le on " + s).isNotNull();
                buckets.computeIfAbsent(s.name().replaceAll("_bucket$", "") + rest, k -> new ArrayList<>()).add(s);
            } else if (s.name().endsWith("_count") && types.containsKey(s.name().replaceAll("_count$", ""))) {
                counts.put(s.name().replaceAll("_count$", "") + s.labels(), s.value());
            }
        }
        buckets.forEach((series, bs) -> {
            double prevLe = Double.NEGATIVE_INFINITY;
            double prevCount = 0;
            for (Sample b : bs) {
                String le = b.labels().get("le");
                double bound = le.equals("+Inf") ? Double.POSITIVE_INFINITY : Double.parseDouble(le);
                assertThat(bound).as("le ascends in " + series).isGreaterThan(prevLe);
                assertThat(b.value()).as("buckets cumulative in " + series).isGreaterThanOrEqualTo(prevCount);
                prevLe = bound;
                prevCount = b.value();
            }
            assertThat(prevLe).as("+Inf last in " + series).isEqualTo(Double.POSITIVE_INFINITY);
            assertThat(counts.get(series)).as("_count of " + series).isEqualTo(prevCount);
        });
        return out;
    }

    static List<Sample> scrape(TestServer s) {
        Http.Response r = Http.get(base(s) + "/metrics", "Authorization", "Bearer " + TOKEN);
        assertThat(r.status()).isEqualTo(200);
        return parse(r.body());
    }

    static double value(List<Sample> samples, String name, String... labelPairs) {
        Map<String, String> want = new LinkedHashMap<>();
        for (int i = 0; i < labelPairs.length; i += 2) {
            want.put(labelPairs[i], labelPairs[i + 1]);
        }
        return samples.stream().filter(s -> s.name().equals(name) && s.labels().entrySet().containsAll(want.entrySet()))
                .mapToDouble(Sample::value).sum();
    }

    @Test
    void theExpositionParsesAndHasEveryFamily() {
        assertThat(Http.get(base(server) + "/health/live").status()).isEqualTo(200);
        List<Sample> all = scrape(server);
        Set<String> names = new HashSet<>();
        all.forEach(s -> names.add(s.name()));
        assertThat(names).contains("crater_engine_round_seconds_count", "crater_engine_round_commands_bucket",
                "crater_engine_inbox_depth", "crater_engine_dropped_quotes_total", "crater_streaming_sockets_open",
                "crater_streaming_quotes_conflated_open_sockets", "crater_store_pool_connections",
                "crater_store_pool_waiting_threads", "crater_lockouts_total", "jvm_memory_heap_used_bytes",
                "jvm_threads_live", "jvm_gc_collections_total", "jvm_gc_collection_seconds_total",
                "process_uptime_seconds", "crater_http_requests_total");
        assertThat(value(all, "crater_store_pool_connections", "state", "max")).isGreaterThan(0);
        assertThat(value(all, "jvm_memory_heap_used_bytes")).isGreaterThan(0);
    }

    @Test
    void countersMoveWithRequestsLoginsAndOrders() {
        Company company = server.company();
        String name = TestServer.username("ops");
        User user = server.user(company, name, null, User.TwoFactorMethod.NONE);
        List<Sample> before = scrape(server);

        String token = server.login(company, name);
        assertThat(Http.post(server.api() + "token", "Et-App-Key", company.appKey(), "Username", name,
                "Password", "wrong password").status()).isEqualTo(401);
        long account = server.services().accounts.open(user, MarginType.Margin, new BigDecimal("100000"),
                BigDecimal.ZERO, BigDecimal.ZERO, BigDecimal.ZERO).id();
        String[] auth = {"Et-App-Key", company.appKey(), "Authorization", "Bearer " + token,
            "Content-Type", "application/json"};
        String orders = server.api() + "v1.0/accounts/" + account + "/orders";
        await(() -> {
            Http.Response info = Http.get(server.api() + "v1.0/accounts/" + account + "/info", auth);
            return info.status() == 200 && info.json().path("cash").decimalValue().signum() > 0;
        }, "the deposit applied");
        Http.Response placed = Http.send("POST", orders,
                "{\"Symbol\":\"AAPL\",\"Type\":\"Limit\",\"Side\":\"Buy\",\"Quantity\":1,\"Price\":1.00}", auth);
        assertThat(placed.status()).as(placed.body()).isEqualTo(200);
        assertThat(placed.json().has("Id")).as(placed.body()).isTrue();
        Http.Response unknown = Http.send("POST", orders,
                "{\"Symbol\":\"NO-SUCH-SYMBOL\",\"Type\":\"Limit\",\"Side\":\"Buy\",\"Quantity\":1,\"Price\":1.00}", auth);
        assertThat(unknown.status()).as(unknown.body()).isGreaterThanOrEqualTo(400);
        Http.Response one = Http.get(orders + "/" + placed.json().path("Id").asLong(), auth);
        assertThat(one.status()).as(one.body()).isEqualTo(200);

        List<Sample> after = scrape(server);
        String route = "/api/v{version}/accounts/{accountId}/orders";
        String oneRoute = route + "/{orderId}";
        assertThat(value(after, "crater_http_requests_total", "route", oneRoute, "method", "GET", "code", "200")
                - value(before, "crater_http_requests_total", "route", oneRoute, "method", "GET", "code", "200"))
                .isEqualTo(1);
        assertThat(value(after, "crater_http_requests_total", "route", route, "method", "POST")
                - value(before, "crater_http_requests_total", "route", route, "method", "POST")).isEqualTo(2);
        assertThat(value(after, "crater_http_request_duration_seconds_count", "route", route, "method", "POST")
                - value(before, "crater_http_request_duration_seconds_count", "route", route, "method", "POST"))
                .isEqualTo(2);
        assertThat(after.stream().filter(s -> s.name().equals("crater_http_requests_total"))
                .map(s -> s.labels().get("route"))).as("route templates, never raw paths")
                .noneMatch(r -> r.contains("/accounts/" + account));
        assertThat(value(after, "crater_logins_total", "outcome", "succeeded")
                - value(before, "crater_logins_total", "outcome", "succeeded")).isEqualTo(1);
        assertThat(value(after, "crater_logins_total", "outcome", "failed")
                - value(before, "crater_logins_total", "outcome", "failed")).isEqualTo(1);
        assertThat(value(after, "crater_order_placements_total", "outcome", "placed")
                - value(before, "crater_order_placements_total", "outcome", "placed")).isEqualTo(1);
        assertThat(value(after, "crater_order_placements_total", "outcome", "invalid")
                - value(before, "crater_order_placements_total", "outcome", "invalid")).isEqualTo(1);
        assertThat(value(after, "crater_engine_round_seconds_count")
                - value(before, "crater_engine_round_seconds_count")).as("engine rounds").isGreaterThanOrEqualTo(1);
        assertThat(value(after, "crater_engine_round_commands_sum")
                - value(before, "crater_engine_round_commands_sum")).isGreaterThanOrEqualTo(1);
    }

    @Test
    void unknownPathsAndLabelValuesCannotGrowTheSeries() {
        int seriesBefore = (int) scrape(server).stream().filter(s -> s.name().equals("crater_http_requests_total"))
                .count();
        for (int i = 0; i < 300; i++) {
            assertThat(Http.get(base(server) + "/no/such/path/" + i + "?q=" + i).status()).isEqualTo(404);
            assertThat(Http.get(server.api() + "v1.0/no-such-" + i).status()).isIn(401, 403, 404);
        }
        List<Sample> after = scrape(server);
        List<Sample> requests = after.stream().filter(s -> s.name().equals("crater_http_requests_total")).toList();
        assertThat(requests.size() - seriesBefore).as("600 distinct paths, a handful of new series").isLessThan(6);
        assertThat(value(after, "crater_http_requests_total", "route", "unmatched", "code", "404"))
                .isGreaterThanOrEqualTo(300);

        // The bound itself: past SERIES_PER_FAMILY_MAX label sets, the rest count under "other".
        Metrics m = new Metrics();
        Counter c = m.counter("t_total", "t", "key");
        for (int i = 0; i < Metrics.SERIES_PER_FAMILY_MAX + 100; i++) {
            c.inc("k" + i);
        }
        List<Sample> own = parse(m.scrape());
        assertThat(own).hasSize(Metrics.SERIES_PER_FAMILY_MAX + 1);
        assertThat(value(own, "t_total", "key", Metrics.OTHER)).isEqualTo(100);
        c.inc("a\"quoted\\\nvalue");   // escapes parse
        assertThat(parse(m.scrape())).hasSize(Metrics.SERIES_PER_FAMILY_MAX + 1);
    }

    // ---- graceful shutdown -----------------------------------------------------------------------

    static final class Socket implements WebSocket.Listener {
        final LinkedBlockingQueue<String> messages = new LinkedBlockingQueue<>();
        final CompletableFuture<Integer> closed = new CompletableFuture<>();
        StringBuilder part = new StringBuilder();

        @Override
        public void onOpen(WebSocket ws) {
            ws.request(1);
        }

        @Override
        public CompletionStage<?> onText(WebSocket ws, CharSequence data, boolean last) {
            part.append(data);
            if (last) {
                messages.add(part.toString());
                part = new StringBuilder();
            }
            ws.request(1);
            return null;
        }

        @Override
        public CompletionStage<?> onClose(WebSocket ws, int statusCode, String reason) {
            closed.complete(statusCode);
            return null;
        }

        @Override
        public void onError(WebSocket ws, Throwable error) {
            closed.complete(-1);
        }
    }

    @Test
    void shutdownClosesStreamerSocketsWithGoingAway() throws Exception {
        TestServer s = TestServer.start(StoreKind.SQLITE);
        try {
            Company company = s.company();
            String name = TestServer.username("bye");
            User user = s.user(company, name, null, User.TwoFactorMethod.NONE);
            String token = s.login(company, name);
            Http.Response streamers = Http.get(s.api() + "v1.0/streamers", "Et-App-Key", company.appKey(),
                    "Authorization", "Bearer " + token);
            assertThat(streamers.status()).as(streamers.body()).isEqualTo(200);
            var address = streamers.json().path("QuoteAddresses").get(0);
            Socket socket = new Socket();
            HttpClient.newHttpClient().newWebSocketBuilder().buildAsync(URI.create(address.path("Url").asText()
                    + "/CreateSession.txt?User=" + user.id() + ":x&Password=" + address.path("SessionId").asText()
                    + "&HttpClientType=WebSocket"), socket).join();
            String first = socket.messages.poll(WAIT.toMillis(), TimeUnit.MILLISECONDS);
            assertThat(first).as("the CreateSession reply").contains("\"StatusCode\":\"Ok\"");
            await(() -> s.services().streaming.totals().sockets() == 1, "the socket registered");

            s.app().close();
            assertThat(socket.closed.get(WAIT.toMillis(), TimeUnit.MILLISECONDS)).as("close code").isEqualTo(1001);
        } finally {
            s.close();
        }
    }
}
