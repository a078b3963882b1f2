package dev.crater.streaming;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.crater.accounts.Account;
import dev.crater.common.MarginType;
import dev.crater.companies.Company;
import dev.crater.testing.CliRun;
import dev.crater.testing.Http;
import dev.crater.testing.StoreKind;
import dev.crater.testing.TestServer;
import dev.crater.users.User;
import java.math.BigDecimal;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Goal: {@code crater stream} does what an app does against a real server — GET /streamers and
 * /users/@me/info, CreateSession, Subscribe — and prints each message as one JSON line: the quote
 * snapshot, the AccountBalance snapshot; and it ends every failure with one clear line and its exit
 * code (a refused token, a refused key, a timeout, the server closing the socket), never printing the
 * token.
 *
 * <p>Method: a real server on SQLite whose clock stands still (so no quote changes after the
 * snapshot: the timeout case is certain); the command runs in this JVM through {@link CliRun}. Waits
 * are polls with a deadline.
 */
class StreamCommandTest {
    static TestServer server;
    static Company company;

    @BeforeAll
    static void start() {
        server = TestServer.start(StoreKind.SQLITE);
        company = server.company();
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    record Trader(User user, long account, String token) {
    }

    static Trader trader() {
        String name = TestServer.username("stream");
        User u = server.user(company, name, null, User.TwoFactorMethod.NONE);
        Account a = server.services().accounts.open(u, MarginType.Margin, new BigDecimal("50000"), BigDecimal.ZERO,
                BigDecimal.ZERO, BigDecimal.ZERO);
        return new Trader(u, a.id(), server.login(company, name));
    }

    static int aapl() {
        return server.services().securities.snapshot().bySymbol("AAPL").orElseThrow().id();
    }

    static CliRun.Result stream(String token, String... more) {
        List<String> args = new ArrayList<>(List.of("stream", "--api", server.api(), "--app-key",
                company.appKey(), "--token", token));
        args.addAll(List.of(more));
        return CliRun.against(server, args.toArray(String[]::new));
    }

    static List<JsonNode> lines(String out) {
        return out.lines().map(StreamingTest::json).toList();
    }

    @Test
    void theQuoteSnapshotIsPrintedAfterTheCreateSessionReply() {
        Trader t = trader();
        CliRun.Result r = stream(t.token(), "--streamer", "quotes", "--entity", "Quote", "--keys", String.valueOf(aapl()),
                "--count", "1");
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(r.err()).isEmpty();
        List<JsonNode> lines = lines(r.out());
        assertThat(lines).hasSize(2);
        assertThat(lines.get(0).path("Cmd").asText()).isEqualTo("CreateSession.txt");
        assertThat(lines.get(0).path("StatusCode").asText()).isEqualTo("Ok");
        assertThat(lines.get(1).path("EntityType").asText()).isEqualTo("Quote");
        assertThat(lines.get(1).path("Key").asText()).isEqualTo(String.valueOf(aapl()));
        assertThat(r.out()).doesNotContain(t.token());
        // The run closed its socket: the user has none open.
        eventually("the socket is closed", () -> server.services().streaming.openSockets(t.user().id()) == 0);
    }

    @Test
    void theAccountBalanceSnapshotComesFromTheDataStreamer() {
        Trader t = trader();
        CliRun.Result r = stream(t.token(), "--streamer", "data", "--entity", "AccountBalance", "--keys",
                String.valueOf(t.account()), "--count", "1", "--timeout", "20s");
        assertThat(r.code()).as(r.err()).isZero();
        List<JsonNode> lines = lines(r.out());
        assertThat(lines).hasSize(2);
        JsonNode balance = lines.get(1);
        assertThat(balance.path("EntityType").asText()).isEqualTo("AccountBalance");
        assertThat(balance.path("AccountId").asText()).isEqualTo(String.valueOf(t.account()));
        assertThat(StreamingTest.json(balance.path("Items").asText()).isArray()).isTrue();
    }

    @Test
    void aTokenTheServerRefusesEndsWithOneLineAndExitCode1() {
        // Tokens and app keys are base64url: one may begin with '-' and must still be taken as the value.
        String bad = "-Vnot-a-live-token-0123456789";
        CliRun.Result r = stream(bad, "--streamer", "quotes", "--entity", "Quote", "--keys", "4", "--count", "1");
        assertThat(r.code()).isEqualTo(1);
        assertThat(r.out()).isEmpty();
        assertThat(r.err().lines().toList()).hasSize(1);
        assertThat(r.err()).startsWith("error: GET /v1.0/streamers answered 401").doesNotContain(bad);
    }

    @Test
    void aRefusedKeyEndsWithTheStreamersReason() {
        Trader t = trader();
        Trader other = trader();
        CliRun.Result r = stream(t.token(), "--streamer", "data", "--entity", "Order", "--keys",
                String.valueOf(other.account()), "--count", "1");
        assertThat(r.code()).isEqualTo(1);
        assertThat(r.err()).isEqualTo("error: the streamer refused Subscribe.txt of EntityType 'Order' keys '"
                + other.account() + "': UnknownKey\n");
        CliRun.Result q = stream(t.token(), "--streamer", "quotes", "--entity", "Order", "--keys", "4", "--count", "1");
        assertThat(q.code()).isEqualTo(1);
        assertThat(q.err()).contains("refused Subscribe.txt of EntityType 'Order'").contains(": EntityType");
    }

    @Test
    void tooFewMessagesOnAStillMarketTimeOutWithExitCode3() {
        // The clock stands still, so quotes do not change after the snapshot. (The market's first tick
        // after a security is first watched delivers its quote once more, unchanged: hence 3, not 2.)
        Trader t = trader();
        long started = System.nanoTime();
        CliRun.Result r = stream(t.token(), "--streamer", "quotes", "--entity", "Quote", "--keys", String.valueOf(aapl()),
                "--count", "3", "--timeout", "5s");
        assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(20));
        assertThat(r.code()).as(r.err()).isEqualTo(3);
        assertThat(lines(r.out())).hasSizeBetween(2, 3); // the reply and the snapshot were printed as they came
        assertThat(r.err()).matches("error: timed out after 5s waiting for messages \\([12] of 3 messages\\)\n");
    }

    @Test
    void withoutACountTheTimeoutEndsAWatchNormally() {
        Trader t = trader();
        CliRun.Result r = stream(t.token(), "--streamer", "quotes", "--entity", "Quote", "--keys", String.valueOf(aapl()),
                "--timeout", "5s");
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(r.err()).isEmpty();
        List<JsonNode> lines = lines(r.out());
        assertThat(lines.size()).isGreaterThanOrEqualTo(2);
        assertThat(lines.subList(1, lines.size())).allMatch(n -> n.path("EntityType").asText().equals("Quote"));
    }

    @Test
    void theServerClosingTheSocketEndsTheRunWithItsCodeAndReason() throws Exception {
        Trader t = trader();
        CompletableFuture<CliRun.Result> run = CompletableFuture.supplyAsync(() -> stream(t.token(), "--streamer",
                "quotes", "--entity", "Quote", "--keys", String.valueOf(aapl()), "--timeout", "60s"));
        eventually("the stream subscribed", () -> server.services().streaming.stats().stream()
                .anyMatch(s -> s.userId() == t.user().id() && s.subscriptions() == 1));
        Http.Response logout = Http.send("DELETE", server.api() + "token", null, "Et-App-Key", company.appKey(),
                "Authorization", "Bearer " + t.token());
        assertThat(logout.status()).as(logout.body()).isLessThan(300);
        CliRun.Result r = run.get(20, TimeUnit.SECONDS);
        assertThat(r.code()).isEqualTo(1);
        assertThat(r.err()).isEqualTo("error: the streamer closed the socket: 1008 logged out\n");
    }

    @Test
    void anUnreachableServerIsOneLineAndExitCode1() throws Exception {
        int port;
        try (ServerSocket free = new ServerSocket(0)) {
            port = free.getLocalPort();
        }
        CliRun.Result r = CliRun.against(server, "stream", "--api", "http://127.0.0.1:" + port + "/api", "--app-key",
                "k", "--token", "t", "--streamer", "data", "--entity", "Order", "--keys", "1", "--count", "1");
        assertThat(r.code()).isEqualTo(1);
        assertThat(r.err()).isEqualTo("error: could not reach http://127.0.0.1:" + port + "/api/: connection refused\n");
    }

    @Test
    void badOptionsAreUsageErrors() {
        Trader t = new Trader(null, 0, "checked-before-any-call"); // options are checked before any request
        assertThat(stream(t.token(), "--streamer", "news", "--entity", "Quote", "--keys", "4").code()).isEqualTo(2);
        CliRun.Result count = stream(t.token(), "--streamer", "quotes", "--entity", "Quote", "--keys", "4", "--count", "0");
        assertThat(count.code()).isEqualTo(2);
        assertThat(count.err()).isEqualTo("error: --count is 1 to " + StreamCommand.COUNT_MAX + "\n");
        CliRun.Result timeout = stream(t.token(), "--streamer", "quotes", "--entity", "Quote", "--keys", "4",
                "--timeout", "25h");
        assertThat(timeout.code()).isEqualTo(2);
        assertThat(timeout.err()).contains("--timeout");
    }

    @Test
    void theTokenComesFromTheOptionElseTheEnvironment() {
        assertThat(StreamCommand.token("abc", Map.of(StreamCommand.TOKEN_ENV, "env"))).isEqualTo("abc");
        assertThat(StreamCommand.token(null, Map.of(StreamCommand.TOKEN_ENV, "env"))).isEqualTo("env");
        assertThat(StreamCommand.token(null, Map.of())).isNull();
        assertThat(StreamCommand.token(" ", Map.of(StreamCommand.TOKEN_ENV, " "))).isNull();
    }

    static void eventually(String what, BooleanSupplier condition) {
        TradeStreamingTest.eventually(what, condition);
    }
}
