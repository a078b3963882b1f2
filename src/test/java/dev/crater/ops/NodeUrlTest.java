package dev.crater.ops;

import static dev.crater.testing.Eventually.eventually;
import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.crater.accounts.Account;
import dev.crater.common.MarginType;
import dev.crater.companies.Company;
import dev.crater.config.NetworkConfig;
import dev.crater.config.TrustedProxies;
import dev.crater.testing.Http;
import dev.crater.testing.Postgres;
import dev.crater.testing.StoreKind;
import dev.crater.testing.TestServer;
import dev.crater.users.User;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.jdbi.v3.core.Jdbi;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Goal (issue 16): a node started with {@code CRATER_NODE_URL} records that URL — not its bound
 * address — in its lease rows, the other node forwards that node's accounts there, and the forwarded
 * request carries the original client's address as the right-most {@code X-Forwarded-For} entry
 * (what the client itself sent stays to its left, unread by an owner that trusts its nodes).
 *
 * <p>Method: two real Crater nodes on one fresh PostgreSQL schema; the first one's node URL is a
 * small HTTP relay in this JVM that records each request and passes it on to the node (what a
 * network path through another address looks like). Orders over HTTP, from 127.0.0.2 as the client.
 * PostgreSQL variant only: the embedded store has one node.
 */
@Timeout(value = 240, unit = TimeUnit.SECONDS)
class NodeUrlTest {
    static final Instant WEDNESDAY_11_NY = Instant.parse("2026-11-18T16:00:00Z");
    /** Takeover bound, as MultiNodeTest's: a 5 s lease, three 1 s ownership passes, and slack for a slow machine. */
    static final Duration TAKEOVER = Duration.ofSeconds(5 + 3 + 10);
    static final Set<String> NOT_RELAYED = Set.of("connection", "content-length", "expect", "host", "upgrade",
            "http2-settings", "transfer-encoding", "keep-alive", "te");

    record Seen(String method, String path, Map<String, List<String>> headers) {
        String header(String name) {
            return headers.entrySet().stream().filter(e -> e.getKey().equalsIgnoreCase(name))
                    .map(e -> String.join(", ", e.getValue())).findFirst().orElse(null);
        }
    }

    HttpServer relay;
    volatile int target;
    final ConcurrentLinkedQueue<Seen> seen = new ConcurrentLinkedQueue<>();
    final HttpClient relayClient = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    TestServer a;
    TestServer b;

    @BeforeEach
    void start() throws IOException {
        String reason = Postgres.unavailableReason();
        Assumptions.assumeTrue(reason == null, reason);
        relay = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 50);
        relay.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
        relay.createContext("/", this::relayOne);
        relay.start();
        String relayUrl = "http://127.0.0.1:" + relay.getAddress().getPort();
        a = TestServer.start(StoreKind.POSTGRES, NetworkConfig.DEFAULT.withNodeUrl(relayUrl + "/"));
        target = a.port();
        a.clock.set(WEDNESDAY_11_NY);
        b = TestServer.joining(a);
        b.clock.set(WEDNESDAY_11_NY);
    }

    @AfterEach
    void stop() {
        if (b != null) {
            b.close();
        }
        if (a != null) {
            a.close();
        }
        if (relay != null) {
            relay.stop(0);
        }
        relayClient.close();
    }

    private void relayOne(HttpExchange ex) throws IOException {
        try (ex) {
            seen.add(new Seen(ex.getRequestMethod(), ex.getRequestURI().getRawPath(), Map.copyOf(ex.getRequestHeaders())));
            byte[] body = ex.getRequestBody().readAllBytes();
            HttpRequest.Builder out = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + target
                    + ex.getRequestURI().toString())).method(ex.getRequestMethod(), body.length == 0
                    ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofByteArray(body));
            ex.getRequestHeaders().forEach((name, values) -> {
                if (!NOT_RELAYED.contains(name.toLowerCase(Locale.ROOT))) {
                    values.forEach(v -> out.header(name, v));
                }
            });
            HttpResponse<byte[]> answer;
            try {
                answer = relayClient.send(out.build(), HttpResponse.BodyHandlers.ofByteArray());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                ex.sendResponseHeaders(502, -1);
                return;
            }
            answer.headers().map().forEach((name, values) -> {
                if (!NOT_RELAYED.contains(name.toLowerCase(Locale.ROOT)) && !name.startsWith(":")) {
                    ex.getResponseHeaders().put(name, values);
                }
            });
            ex.sendResponseHeaders(answer.statusCode(), answer.body().length == 0 ? -1 : answer.body().length);
            try (OutputStream o = ex.getResponseBody()) {
                o.write(answer.body());
            }
        }
    }

    @Test
    void theConfiguredNodeUrlIsWhatTheOtherNodeForwardsTo() {
        eventually("the shards are split between the nodes", TAKEOVER.multipliedBy(2),
                () -> a.services().trading.runningShards() == 4 && b.services().trading.runningShards() == 4);
        String relayUrl = "http://127.0.0.1:" + relay.getAddress().getPort();
        String nodeA = a.services().trading.node().orElseThrow();
        String nodeB = b.services().trading.node().orElseThrow();
        Jdbi db = a.services().database.jdbi();
        String recorded = db.withHandle(h -> h.createQuery("SELECT url FROM engine_nodes WHERE node = :n")
                .bind("n", nodeA).mapTo(String.class).one());
        assertThat(recorded).isEqualTo(relayUrl);
        List<String> leasesA = db.withHandle(h -> h.createQuery(
                "SELECT DISTINCT owner_url FROM engine_shards WHERE owner_node = :n").bind("n", nodeA)
                .mapTo(String.class).list());
        assertThat(leasesA).containsExactly(relayUrl);
        List<String> leasesB = db.withHandle(h -> h.createQuery(
                "SELECT DISTINCT owner_url FROM engine_shards WHERE owner_node = :n").bind("n", nodeB)
                .mapTo(String.class).list());
        assertThat(leasesB).as("the other node: its bound address").containsExactly("http://127.0.0.1:" + b.port());

        Company company = a.company();
        String name = TestServer.username("node-url");
        User u = a.user(company, name, null, User.TwoFactorMethod.NONE);
        Account onA = null;
        Account onB = null;
        while (onA == null || onB == null) {
            Account acc = a.services().accounts.open(u, MarginType.Margin, new BigDecimal("100000"), BigDecimal.ZERO,
                    BigDecimal.ZERO, BigDecimal.ZERO);
            if (a.services().trading.local(acc.id())) {
                onA = onA == null ? acc : onA;
            } else if (b.services().trading.local(acc.id())) {
                onB = onB == null ? acc : onB;
            }
        }
        String token = a.login(company, name);
        String[] auth = {"Et-App-Key", company.appKey(), "Authorization", "Bearer " + token, "Content-Type",
                "application/json", "X-Forwarded-For", "6.6.6.6"};
        String order = "{\"Symbol\":\"AAPL\",\"Type\":\"Limit\",\"Side\":\"Buy\",\"Quantity\":1,\"Price\":1,"
                + "\"TimeInForce\":\"GoodTillCancel\"}";
        long accountOnA = onA.id();
        seen.clear();
        eventually("an order for the first node's account, placed on the second, is served", TAKEOVER, () -> {
            Http.Response r = Http.sendFrom("127.0.0.2", "POST", b.api() + "v1.0/accounts/" + accountOnA + "/orders",
                    order, auth);
            return r.status() == 200;
        });
        Seen forwarded = seen.stream().filter(s -> s.path().equals("/api/v1.0/accounts/" + accountOnA + "/orders"))
                .reduce((x, y) -> y).orElseThrow(() -> new AssertionError("not forwarded through the node URL: " + seen));
        assertThat(forwarded.method()).isEqualTo("POST");
        assertThat(forwarded.header("X-Crater-Forwarded-By")).isEqualTo(nodeB);
        assertThat(forwarded.header("X-Forwarded-For")).as("the client's words, then the forwarding node's peer")
                .isEqualTo("6.6.6.6, 127.0.0.2");
        // What an owner that trusts its nodes (CRATER_TRUSTED_PROXIES=127.0.0.1 here) makes of it.
        assertThat(TrustedProxies.parse("127.0.0.1").clientAddress(InetAddress.getLoopbackAddress(),
                List.of(forwarded.header("X-Forwarded-For")))).isEqualTo("127.0.0.2");

        // The other node's accounts do not go through the first node's URL.
        long accountOnB = onB.id();
        seen.clear();
        eventually("an order for the second node's account, placed on the first, is served", TAKEOVER,
                () -> Http.send("POST", a.api() + "v1.0/accounts/" + accountOnB + "/orders", order, auth).status() == 200);
        assertThat(seen).as("nothing for the second node's shards passes the relay").isEmpty();
    }
}
