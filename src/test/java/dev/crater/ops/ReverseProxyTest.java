package dev.crater.ops;

import static dev.crater.testing.Eventually.eventually;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.crater.App;
import dev.crater.Services;
import dev.crater.accounts.Account;
import dev.crater.audit.AuditLog;
import dev.crater.common.MarginType;
import dev.crater.companies.Company;
import dev.crater.config.CraterConfig;
import dev.crater.config.MarketConfig;
import dev.crater.config.NetworkConfig;
import dev.crater.config.OpsConfig;
import dev.crater.config.TrustedProxies;
import dev.crater.reference.Security;
import dev.crater.testing.Http;
import dev.crater.testing.MutableClock;
import dev.crater.testing.Postgres;
import dev.crater.testing.TestServer;
import dev.crater.users.User;
import dev.crater.users.UserService;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Goal (issue 16, docs/deployment.md): the committed nginx configuration ({@code deploy/nginx/crater.conf})
 * in front of two Crater nodes on one PostgreSQL serves logins and orders, gives the nodes the real
 * client address (they trust the proxy), carries the streamers' WebSocket upgrade to whichever node
 * it picks (round-robin: a session id issued by one node opens on the other), and keeps serving when
 * a node stops.
 *
 * <p>Method: two real nodes in this JVM on a fresh PostgreSQL schema, with the same master key, the
 * proxy's address as their public URL and 127.0.0.1 (the proxy, and each other) as trusted proxy; a
 * real nginx process started from the committed file with only its lines marked {@code crater-node}
 * and {@code crater-listen} filled in. Clients reach nginx from other loopback addresses (127.0.0.5
 * …), so the address a node records can only be the client's if it came through
 * {@code X-Forwarded-For}. Skipped, saying why, without PostgreSQL or without nginx.
 */
@Timeout(value = 300, unit = TimeUnit.SECONDS)
class ReverseProxyTest {
    static final Path TEMPLATE = Path.of("deploy/nginx/crater.conf");
    static final Instant WEDNESDAY_11_NY = Instant.parse("2026-11-18T16:00:00Z");
    /** Takeover bound, as MultiNodeTest's: a 5 s lease, three 1 s ownership passes, and slack for a slow machine. */
    static final Duration TAKEOVER = Duration.ofSeconds(5 + 3 + 10);
    /** The {@code /token} limit per client address, per node (limiters are in each node's memory). */
    static final int BURST = 4;
    static final ObjectMapper JSON = new ObjectMapper();
    static final Pattern NODE_LINE = Pattern.compile("^(\\s*)server\\s+\\S+(.*?)#\\s*crater-node\\s*$");
    static final Pattern LISTEN_LINE = Pattern.compile("^(\\s*)listen\\s+.*#\\s*crater-listen\\s*$");

    record Node(App app, Path dataDir) {
        Services services() {
            return app.services();
        }
    }

    String pgUrl;
    final List<Node> nodes = new ArrayList<>();
    final MutableClock clock = new MutableClock();
    Process nginx;
    Path nginxDir;
    int proxyPort;
    Company company;

    static Optional<Path> nginxBinary() {
        for (String dir : (System.getenv().getOrDefault("PATH", "") + ":/usr/sbin:/usr/local/sbin:/sbin").split(":")) {
            if (!dir.isEmpty() && Files.isExecutable(Path.of(dir, "nginx"))) {
                return Optional.of(Path.of(dir, "nginx"));
            }
        }
        return Optional.empty();
    }

    @BeforeEach
    void start() throws Exception {
        String reason = Postgres.unavailableReason();
        Assumptions.assumeTrue(reason == null, reason);
        Optional<Path> binary = nginxBinary();
        Assumptions.assumeTrue(binary.isPresent(), "nginx is not installed (apt-get install nginx; .ci/run installs it):"
                + " the reverse-proxy test needs a real nginx");
        clock.set(WEDNESDAY_11_NY);
        try (ServerSocket free = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            proxyPort = free.getLocalPort();
        }
        pgUrl = Postgres.freshSchemaUrl();
        byte[] key = new byte[32];
        new SecureRandom().nextBytes(key);
        String masterKey = Base64.getEncoder().encodeToString(key); // one key for every node
        for (int i = 0; i < 2; i++) {
            Path dir = Files.createTempDirectory("crater-proxy-node-");
            CraterConfig config = new CraterConfig("127.0.0.1", 0, dir, false, pgUrl, Postgres.USER, Postgres.PASSWORD,
                    Optional.empty(), CraterConfig.TOKEN_TTL_DEFAULT, CraterConfig.INTERIM_TTL_MAX,
                    "http://127.0.0.1:" + proxyPort, Optional.empty(), masterKey, new CraterConfig.Rate(BURST, 0.0001),
                    MarketConfig.DEFAULT);
            nodes.add(new Node(App.start(Services.open(config, clock), OpsConfig.DEFAULT,
                    NetworkConfig.DEFAULT.withTrustedProxies(TrustedProxies.parse("127.0.0.1"))), dir));
        }
        nginxDir = Files.createTempDirectory("crater-nginx-");
        Path conf = writeConfig(nginxDir, List.of("127.0.0.1:" + nodes.get(0).app().port(),
                "127.0.0.1:" + nodes.get(1).app().port()));
        Files.createDirectories(nginxDir.resolve("logs"));
        nginx = new ProcessBuilder(binary.get().toString(), "-p", nginxDir + "/", "-e", nginxDir.resolve("logs/error.log")
                .toString(), "-c", conf.toString(), "-g", "daemon off;").redirectErrorStream(true)
                .redirectOutput(nginxDir.resolve("logs/stdout.log").toFile()).start();
        eventually("nginx listens on " + proxyPort, Duration.ofSeconds(20), () -> {
            if (!nginx.isAlive()) {
                throw new AssertionError("nginx ended: " + log("stdout.log") + log("error.log"));
            }
            try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress("127.0.0.1", proxyPort), 500);
                return true;
            } catch (IOException e) {
                return false;
            }
        });
        company = nodes.get(0).services().companies.create("Proxy Co " + proxyPort);
    }

    /** The committed template with its marked lines filled in, inside a minimal main configuration. */
    Path writeConfig(Path dir, List<String> upstreams) throws IOException {
        List<String> out = new ArrayList<>();
        boolean inNodes = false;
        int nodeLines = 0;
        int listenLines = 0;
        for (String line : Files.readAllLines(TEMPLATE)) {
            Matcher node = NODE_LINE.matcher(line);
            if (node.matches()) {
                if (!inNodes) {
                    for (String u : upstreams) {
                        out.add(node.group(1) + "server " + u + node.group(2).stripTrailing());
                    }
                    nodeLines++;
                }
                inNodes = true;
                continue;
            }
            inNodes = false;
            if (LISTEN_LINE.matcher(line).matches()) {
                out.add("    listen 127.0.0.1:" + proxyPort + ";");
                listenLines++;
                continue;
            }
            out.add(line);
        }
        assertThat(nodeLines).as("upstream lists marked crater-node in " + TEMPLATE).isEqualTo(1);
        assertThat(listenLines).as("listen line marked crater-listen in " + TEMPLATE).isEqualTo(1);
        Path site = dir.resolve("crater.conf");
        Files.write(site, out);
        Path main = dir.resolve("nginx.conf");
        boolean root = "root".equals(System.getProperty("user.name"));
        Files.writeString(main, (root ? "user root;\n" : "") + """
                worker_processes 1;
                pid %1$s/nginx.pid;
                events { worker_connections 256; }
                http {
                    access_log %1$s/logs/access.log;
                    client_body_temp_path %1$s/tmp-body;
                    proxy_temp_path %1$s/tmp-proxy;
                    fastcgi_temp_path %1$s/tmp-fastcgi;
                    uwsgi_temp_path %1$s/tmp-uwsgi;
                    scgi_temp_path %1$s/tmp-scgi;
                    include %2$s;
                }
                """.formatted(dir, site));
        return main;
    }

    String log(String name) {
        try {
            Path p = nginxDir.resolve("logs").resolve(name);
            return Files.exists(p) ? "\n" + name + ":\n" + Files.readString(p) : "";
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @AfterEach
    void stop() throws Exception {
        if (nginx != null) {
            nginx.destroy();
            if (!nginx.waitFor(20, TimeUnit.SECONDS)) {
                nginx.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        }
        for (Node n : nodes) {
            n.app().close();
        }
        if (pgUrl != null) {
            Postgres.dropSchema(pgUrl);
        }
    }

    String proxy() {
        return "http://127.0.0.1:" + proxyPort + "/api/";
    }

    record Trader(User user, List<Long> accounts) {
    }

    Trader trader() {
        Services s = nodes.get(0).services();
        String name = TestServer.username("proxied");
        User u = s.users.create(new UserService.NewUser(company.id(), name, TestServer.PASSWORD, name + "@example.com",
                null, null, User.TwoFactorMethod.NONE, "Test", "User"));
        List<Long> ids = new ArrayList<>();
        Set<Integer> shards = new HashSet<>();
        while (shards.size() < Services.SHARED_TRADING_SHARDS) {
            Account acc = s.accounts.open(u, MarginType.Margin, new BigDecimal("100000"), BigDecimal.ZERO, BigDecimal.ZERO,
                    BigDecimal.ZERO);
            if (shards.add(s.trading.shardOf(acc.id()))) {
                ids.add(acc.id());
            }
        }
        return new Trader(u, ids);
    }

    Http.Response login(String from, String username, String password) {
        return Http.sendFrom(from, "POST", proxy() + "token", null, "Et-App-Key", company.appKey(), "Username", username,
                "Password", password);
    }

    String[] auth(String token) {
        return new String[] {"Et-App-Key", company.appKey(), "Authorization", "Bearer " + token, "Content-Type",
                "application/json"};
    }

    static final String RESTING_BUY = "{\"Symbol\":\"AAPL\",\"Type\":\"Limit\",\"Side\":\"Buy\",\"Quantity\":1,"
            + "\"Price\":1,\"TimeInForce\":\"GoodTillCancel\"}";

    void shardsSplit() {
        eventually("the shards are split between the nodes", TAKEOVER.multipliedBy(2),
                () -> nodes.get(0).services().trading.runningShards() == 4
                        && nodes.get(1).services().trading.runningShards() == 4);
    }

    List<String> audited(String username) {
        return nodes.get(0).services().audit.query(null, 0, 10_000).stream().filter(e -> username.equals(e.username()))
                .map(AuditLog.Entry::clientAddress).toList();
    }

    @Test
    void loginOrdersAndStreamersWorkThroughTheProxyWithTheClientsAddress() throws Exception {
        shardsSplit();
        Trader t = trader();
        Http.Response in = login("127.0.0.5", t.user().username(), TestServer.PASSWORD);
        assertThat(in.status()).as(in.body()).isEqualTo(200);
        String token = in.text("Token");
        assertThat(audited(t.user().username())).as("the node saw the client, not the proxy").contains("127.0.0.5")
                .doesNotContain("127.0.0.1");

        // Orders for an account on each shard, through the proxy, whichever node nginx picks.
        for (long account : t.accounts()) {
            eventually("an order for account " + account + " through the proxy", TAKEOVER, () -> {
                Http.Response r = Http.sendFrom("127.0.0.5", "POST", proxy() + "v1.0/accounts/" + account + "/orders",
                        RESTING_BUY, auth(token));
                // A stored order has an Id; until the account's opening deposit is applied (within a second
                // or two) the answer is the documented 200 refusal, DayTradingBuyingPowerExceeded.
                return r.status() == 200 && r.json().path("Id").asLong() > 0;
            });
        }
        // And listed through the proxy, whichever node answers.
        for (long account : t.accounts()) {
            Http.Response list = Http.sendFrom("127.0.0.5", "GET", proxy() + "v1.0/accounts/" + account
                    + "/orders?pageNumber=0&pageSize=10", null, auth(token));
            assertThat(list.status()).as(list.body()).isEqualTo(200);
            assertThat(list.body()).contains("\"Symbol\":\"AAPL\"");
        }

        // The limiter's budget is the client's, not the proxy's: one client runs out, another does not.
        int tries = 0;
        int status = 0;
        while (status != 429 && tries++ < 2 * BURST + 2) {
            status = login("127.0.0.7", "nobody", "wrong").status();
        }
        assertThat(status).as("the first client is limited (per node: %d each)", BURST).isEqualTo(429);
        assertThat(login("127.0.0.8", "nobody-else", "wrong").status()).as("a second client behind the same proxy")
                .isEqualTo(401);

        // The streamers: Urls through the proxy; round-robin sends the REST call and the socket to either
        // node, so in four tries ids issued by one node open on the other (ids are in the store).
        Security aapl = nodes.get(0).services().securities.snapshot().all().stream()
                .filter(s -> s.symbol().equals("AAPL")).findFirst().orElseThrow();
        for (int i = 0; i < 4; i++) {
            JsonNode quotes = Http.sendFrom("127.0.0.5", "GET", proxy() + "v1.0/streamers", null, auth(token)).json()
                    .path("QuoteAddresses").get(0);
            String url = quotes.path("Url").asText();
            assertThat(url).isEqualTo("ws://127.0.0.1:" + proxyPort + "/api/streamer/quotes");
            List<String> got = streamQuote("127.0.0.5", url + "/CreateSession.txt?User=" + t.user().id() + "&Password="
                    + quotes.path("SessionId").asText() + "&HttpClientType=WebSocket", aapl.id());
            assertThat(got.get(0)).as("CreateSession through the proxy, try " + i).contains("\"StatusCode\":\"Ok\"");
            assertThat(got.get(1)).contains("\"EntityType\":\"Quote\"").contains("\"Key\":\"" + aapl.id() + "\"");
        }
    }

    /** Opens a quote socket from {@code from}, subscribes to {@code securityId}; CreateSession's answer and the quote. */
    List<String> streamQuote(String from, String url, int securityId) throws Exception {
        HttpClient client = HttpClient.newBuilder().localAddress(InetAddress.getByName(from))
                .connectTimeout(Duration.ofSeconds(5)).build();
        LinkedBlockingQueue<String> messages = new LinkedBlockingQueue<>();
        WebSocket ws = client.newWebSocketBuilder().buildAsync(URI.create(url), new WebSocket.Listener() {
            StringBuilder part = new StringBuilder();

            @Override
            public CompletionStage<?> onText(WebSocket w, CharSequence data, boolean last) {
                part.append(data);
                if (last) {
                    messages.add(part.toString());
                    part = new StringBuilder();
                }
                w.request(1);
                return null;
            }
        }).get(10, TimeUnit.SECONDS);
        try {
            List<String> got = new ArrayList<>();
            String created = messages.poll(10, TimeUnit.SECONDS);
            assertThat(created).as("CreateSession's answer through the proxy")
                    .isNotNull().contains("\"StatusCode\":\"Ok\"");
            got.add(created);
            String sessionId = JSON.readTree(created).path("SessionId").asText();
            ws.sendText("{\"Cmd\":\"Subscribe.txt\",\"SessionId\":\"" + sessionId + "\",\"Keys\":\"" + securityId
                    + "\",\"EntityType\":\"Quote\",\"HttpClientType\":\"WebSocket\"}", true).get(10, TimeUnit.SECONDS);
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (System.nanoTime() < deadline) {
                String m = messages.poll(100, TimeUnit.MILLISECONDS);
                if (m != null && m.contains("\"EntityType\":\"Quote\"")) {
                    got.add(m);
                    return got;
                }
            }
            throw new AssertionError("no quote through the proxy; got " + got + " " + messages);
        } finally {
            ws.sendClose(1000, "").exceptionally(e -> null);
            ws.abort();
            client.close();
        }
    }

    @Test
    void aStoppedNodeLeavesTheOtherServingEveryRequest() {
        shardsSplit();
        Trader t = trader();
        Http.Response in = login("127.0.0.5", t.user().username(), TestServer.PASSWORD);
        assertThat(in.status()).as(in.body()).isEqualTo(200);
        String token = in.text("Token");
        for (int i = 0; i < 4; i++) {
            assertThat(Http.sendFrom("127.0.0.5", "GET", proxy() + "v1.0/users/@me/info", null, auth(token)).status())
                    .isEqualTo(200);
        }
        nodes.remove(1).app().close();
        // Reads: every one is answered, those nginx sent to the stopped node retried on the other.
        for (int i = 0; i < 20; i++) {
            Http.Response r = Http.sendFrom("127.0.0.5", "GET", proxy() + "v1.0/users/@me/info", null, auth(token));
            assertThat(r.status()).as("read %d after the stop: %s%s", i, r.body(), log("error.log")).isEqualTo(200);
        }
        // Logins (POST): the stopped node refuses connections, so nothing was sent and nginx retries them too.
        for (int i = 0; i < 6; i++) {
            Http.Response r = login("127.0.0." + (20 + i), t.user().username(), TestServer.PASSWORD);
            assertThat(r.status()).as("login %d after the stop: %s%s", i, r.body(), log("error.log")).isEqualTo(200);
        }
        // Orders: the stopped node's shards move to the remaining node within the takeover bound.
        for (long account : t.accounts()) {
            eventually("account " + account + " trades through the proxy on the remaining node", TAKEOVER,
                    () -> {
                        Http.Response r = Http.sendFrom("127.0.0.5", "POST", proxy() + "v1.0/accounts/" + account
                                + "/orders", RESTING_BUY, auth(token));
                        return r.status() == 200 && r.json().path("Id").asLong() > 0;
                    });
        }
        assertThat(nodes.get(0).services().trading.runningShards()).isEqualTo(Services.SHARED_TRADING_SHARDS);
    }
}
