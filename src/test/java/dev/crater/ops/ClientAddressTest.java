package dev.crater.ops;

import static org.assertj.core.api.Assertions.assertThat;

import dev.crater.App;
import dev.crater.Services;
import dev.crater.audit.AuditLog;
import dev.crater.companies.Company;
import dev.crater.config.CraterConfig;
import dev.crater.config.MarketConfig;
import dev.crater.config.NetworkConfig;
import dev.crater.config.OpsConfig;
import dev.crater.config.TrustedProxies;
import dev.crater.testing.Http;
import dev.crater.testing.MutableClock;
import dev.crater.testing.RawHttp;
import dev.crater.testing.StoreKind;
import dev.crater.testing.TestServer;
import java.net.InetAddress;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;

/**
 * Goal (issue 16): the address the login limiter and the audit log see is the TCP peer's, unless
 * the peer is a trusted proxy ({@code CRATER_TRUSTED_PROXIES}); then it is the right-most untrusted
 * {@code X-Forwarded-For} entry. A client that sends the header itself changes nothing, a malformed
 * header is ignored (never a 5xx), and the streamers' WebSocket upgrade follows the same rule.
 *
 * <p>Method: a real server on SQLite trusting only 127.0.0.1, with a {@code /token} limit of
 * {@link #BURST} per address on a clock that stands still (no refill during the test); clients
 * connect from 127.0.0.1 (the "proxy") and from other loopback addresses (on Linux all of
 * 127.0.0.0/8 is the loopback), and the audit log is read for the address recorded.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class ClientAddressTest {
    static final int BURST = 3;
    static final AtomicInteger NAMES = new AtomicInteger();

    App app;
    Company company;
    String token;

    @BeforeAll
    void start() throws Exception {
        Path dir = Files.createTempDirectory("crater-client-address-");
        CraterConfig config = new CraterConfig("127.0.0.1", 0, dir, false, "", "", "", Optional.empty(),
                CraterConfig.TOKEN_TTL_DEFAULT, CraterConfig.INTERIM_TTL_MAX, "", Optional.empty(), "",
                new CraterConfig.Rate(BURST, 0.0001), MarketConfig.DEFAULT);
        app = App.start(Services.open(config, new MutableClock()), OpsConfig.DEFAULT,
                NetworkConfig.DEFAULT.withTrustedProxies(TrustedProxies.parse("127.0.0.1")));
        company = app.services().companies.create("Proxy Co");
    }

    @AfterAll
    void stop() {
        if (app != null) {
            app.close();
        }
    }

    String url() {
        return "http://127.0.0.1:" + app.port() + "/api/token";
    }

    static String name() {
        return "nobody-" + NAMES.incrementAndGet();
    }

    /** A failed login of {@code user} from {@code from}, with {@code forwardedFor} if not null. */
    Http.Response login(String from, String user, String forwardedFor) {
        return Http.sendFrom(from, "POST", url(), null, "Et-App-Key", company.appKey(), "Username", user, "Password",
                "wrong password", "X-Forwarded-For", forwardedFor);
    }

    /** The addresses the audit log recorded for {@code user}, waiting up to a few seconds for one. */
    Set<String> audited(String user) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (true) {
            Set<String> found = app.services().audit.query(null, 0, 10_000).stream()
                    .filter(e -> user.equals(e.username())).map(AuditLog.Entry::clientAddress)
                    .collect(Collectors.toSet());
            if (!found.isEmpty() || System.nanoTime() > deadline) {
                return found;
            }
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                throw new AssertionError(e);
            }
        }
    }

    @Test
    void aForgedHeaderFromAnUntrustedPeerChangesNothing() {
        String user = name();
        assertThat(login("127.0.0.2", user, "203.0.113.10").status()).isEqualTo(401);
        assertThat(audited(user)).containsExactly("127.0.0.2");
        // One bucket for the peer, whatever address each request claims.
        for (int i = 1; i < BURST; i++) {
            assertThat(login("127.0.0.2", name(), "203.0.113." + (20 + i)).status()).isEqualTo(401);
        }
        String limited = name();
        Http.Response r = login("127.0.0.2", limited, "203.0.113.99");
        assertThat(r.status()).as(r.body()).isEqualTo(429);
        assertThat(audited(limited)).containsExactly("127.0.0.2");
    }

    @Test
    void behindTheTrustedProxyTheClientIsTheAddressItAppended() {
        String user = name();
        assertThat(login("127.0.0.1", user, "198.51.100.1").status()).isEqualTo(401);
        assertThat(audited(user)).containsExactly("198.51.100.1");
        String chained = name();
        assertThat(login("127.0.0.1", chained, "6.6.6.6, 198.51.100.2").status()).isEqualTo(401);
        assertThat(audited(chained)).as("what the client wrote left of the proxy's entry is not read")
                .containsExactly("198.51.100.2");
        String viaNode = name();
        assertThat(login("127.0.0.1", viaNode, "198.51.100.3, 127.0.0.1").status()).isEqualTo(401);
        assertThat(audited(viaNode)).as("trusted hops are passed").containsExactly("198.51.100.3");
        // Each client behind the proxy has its own budget.
        for (int i = 0; i < BURST - 1; i++) {
            assertThat(login("127.0.0.1", name(), "198.51.100.1").status()).isEqualTo(401);
        }
        assertThat(login("127.0.0.1", name(), "198.51.100.1").status()).isEqualTo(429);
        assertThat(login("127.0.0.1", name(), "198.51.100.4").status()).as("another client's budget").isEqualTo(401);
    }

    @Test
    void aMalformedHeaderIsIgnoredAndNeverA5xx() {
        for (String bad : List.of("unknown", "198.51.100.7, not-an-ip", "1.2.3.999", ",,,", "[2001:db8::1",
                "example.com", "x".repeat(2000), String.join(",", java.util.Collections.nCopies(200, "127.0.0.1")),
                "2001:db8::1%25eth0")) {
            String user = name();
            Http.Response r = login("127.0.0.9", user, "198.51.100.8");
            assertThat(r.status()).isLessThan(500);
            Http.Response viaProxy = Http.sendFrom("127.0.0.1", "POST", url(), null, "Et-App-Key", company.appKey(),
                    "Username", user, "Password", "wrong", "X-Forwarded-For", bad);
            assertThat(viaProxy.status()).as("'%s': %s", bad, viaProxy.body()).isIn(401, 429);
            assertThat(audited(user)).as("'%s'", bad).containsExactlyInAnyOrder("127.0.0.9", "127.0.0.1");
        }
        // Bytes no HTTP client would send, over a raw socket from the trusted address.
        String user = name();
        RawHttp.Response raw = RawHttp.send(app.port(), "POST /api/token HTTP/1.1\r\nHost: x\r\nEt-App-Key: "
                + company.appKey() + "\r\nUsername: " + user + "\r\nPassword: wrong\r\nX-Forwarded-For: \u00ff\u00fe,\t\r\n"
                + "X-Forwarded-For: 198.51.100.9 198.51.100.10\r\nContent-Length: 0\r\nConnection: close\r\n\r\n");
        assertThat(raw.status()).as(raw.head()).isIn(401, 429);
        assertThat(audited(user)).containsExactly("127.0.0.1");
        // The header limits hold for this header as for any: 16 KiB of headers at most (431).
        Http.Response huge = login("127.0.0.1", name(), "198.51.100.11, ".repeat(1200) + "198.51.100.12");
        assertThat(huge.status()).isEqualTo(431);
    }

    @Test
    void theStreamerUpgradeFollowsTheSameRule() throws Exception {
        String forged = name();
        String proxied = name();
        assertThat(streamerLogin("127.0.0.3", forged, "203.0.113.50")).contains("\"StatusCode\":\"Error\"");
        assertThat(audited(forged)).containsExactly("127.0.0.3");
        assertThat(streamerLogin("127.0.0.1", proxied, "6.6.6.6, 198.51.100.50")).contains("\"StatusCode\":\"Error\"");
        assertThat(audited(proxied)).containsExactly("198.51.100.50");
    }

    /** CreateSession option 1 (login and password) with a wrong password; the first message. */
    String streamerLogin(String from, String user, String forwardedFor) throws Exception {
        HttpClient client = HttpClient.newBuilder().localAddress(InetAddress.getByName(from))
                .connectTimeout(Duration.ofSeconds(5)).build();
        LinkedBlockingQueue<String> messages = new LinkedBlockingQueue<>();
        String uri = "ws://127.0.0.1:" + app.port() + "/api/streamer/quotes/CreateSession.txt?User="
                + URLEncoder.encode(user, StandardCharsets.UTF_8) + "&Password=wrong&Et-App-Key="
                + URLEncoder.encode(company.appKey(), StandardCharsets.UTF_8);
        WebSocket ws = client.newWebSocketBuilder().header("X-Forwarded-For", forwardedFor)
                .buildAsync(URI.create(uri), new WebSocket.Listener() {
                    @Override
                    public CompletionStage<?> onText(WebSocket w, CharSequence data, boolean last) {
                        messages.add(data.toString());
                        w.request(1);
                        return null;
                    }
                }).get(10, TimeUnit.SECONDS);
        try {
            String first = messages.poll(10, TimeUnit.SECONDS);
            assertThat(first).as("CreateSession's answer").isNotNull();
            return first;
        } finally {
            ws.abort();
            client.close();
        }
    }

    @Test
    void withoutTrustedProxiesTheHeaderIsIgnoredEvenFromLoopback() {
        try (TestServer plain = TestServer.start(StoreKind.SQLITE)) {
            Company c = plain.company();
            String user = name();
            Http.Response r = Http.sendFrom("127.0.0.1", "POST", plain.api() + "token", null, "Et-App-Key", c.appKey(),
                    "Username", user, "Password", "wrong", "X-Forwarded-For", "198.51.100.77");
            assertThat(r.status()).isEqualTo(401);
            assertThat(plain.services().audit.query(null, 0, 1000)).filteredOn(e -> user.equals(e.username()))
                    .extracting(AuditLog.Entry::clientAddress).containsOnly("127.0.0.1");
        }
    }
}
