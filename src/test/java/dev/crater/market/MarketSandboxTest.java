package dev.crater.market;

import static org.assertj.core.api.Assertions.assertThat;

import dev.crater.companies.Company;
import dev.crater.reference.Security;
import dev.crater.testing.Http;
import dev.crater.testing.StoreKind;
import dev.crater.testing.CliRun;
import dev.crater.testing.TestServer;
import dev.crater.users.User;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Sandbox control of a running server through {@code crater admin market …} and
 * {@code crater admin security …}, run in-process against the server's own data directory: the
 * server sees each change within about a second, through the quote interface and the API.
 */
class MarketSandboxTest {

    private static TestServer server;
    private static String[] headers;

    @BeforeAll
    static void start() {
        server = TestServer.start(StoreKind.SQLITE);
        Company c = server.company();
        String user = TestServer.username("sandbox");
        server.user(c, user, null, User.TwoFactorMethod.NONE);
        headers = new String[] {"Et-App-Key", c.appKey(), "Authorization", "Bearer " + server.login(c, user)};
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    record Cli(int code, String out, String err) {
    }

    private static Cli cli(String... args) {
        CliRun.Result r = CliRun.against(server, args);
        return new Cli(r.code(), r.out(), r.err());
    }

    private static void eventually(BooleanSupplier condition) {
        long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("condition not met within 5 s");
            }
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                throw new AssertionError(e);
            }
        }
    }

    private static Security security(String symbol) {
        return server.services().securities.snapshot().bySymbol(symbol).orElseThrow();
    }

    private static Quote quote(String symbol) {
        return server.services().market.quote(security(symbol).id()).orElseThrow();
    }

    @Test
    void setPriceIsSeenByTheServerAndThePathGoesOnFromThere() {
        Cli r = cli("admin", "market", "set-price", "--symbol", "KO", "--price", "123.45");
        assertThat(r.code()).as(r.err()).isZero();
        eventually(() -> quote("KO").last().subtract(new BigDecimal("123.45")).abs()
                .compareTo(new BigDecimal("2")) < 0);
        Quote q = quote("KO");
        assertThat(q.bid()).isLessThan(q.ask());
        assertThat(q.bid()).isLessThanOrEqualTo(q.last());
        assertThat(q.ask()).isGreaterThanOrEqualTo(q.last());
        assertThat(cli("admin", "market", "clear", "--symbol", "KO").code()).isZero();
    }

    @Test
    void haltFreezesThePriceUntilResumed() {
        assertThat(cli("admin", "market", "halt", "--symbol", "PEP").code()).isZero();
        eventually(() -> quote("PEP").halted());
        assertThat(cli("admin", "market", "halt", "--symbol", "PEP").code()).as("halted twice").isEqualTo(2);
        Security pep = security("PEP");
        Market market = server.services().market;
        long now = market.nowMs();
        // Frozen: the same price over the next hours of market time, whatever the session.
        BigDecimal at = market.price(pep, now);
        for (int h = 1; h <= 6; h++) {
            assertThat(market.price(pep, now + h * 3_600_000L)).isEqualTo(at);
            assertThat(market.halted(pep, now + h * 3_600_000L)).isTrue();
        }
        assertThat(cli("admin", "market", "resume", "--symbol", "PEP").code()).isZero();
        eventually(() -> !quote("PEP").halted());
        assertThat(cli("admin", "market", "resume", "--symbol", "PEP").code()).as("not halted").isEqualTo(2);
        assertThat(cli("admin", "market", "clear", "--symbol", "PEP").code()).isZero();
    }

    @Test
    void moveFollowsThePathPointByPoint() {
        Cli r = cli("admin", "market", "move", "--symbol", "MCD", "--path", "300@1h,350@2h");
        assertThat(r.code()).as(r.err()).isZero();
        Security mcd = security("MCD");
        Market market = server.services().market;
        MarketEvent path = server.services().marketControl.state().events().stream()
                .filter(e -> e.securityId() == mcd.id() && e.kind() == MarketEvent.Kind.PATH).findFirst().orElseThrow();
        assertThat(path.points()).hasSize(3);
        long p1 = path.points().get(1).atMs();
        long p2 = path.points().get(2).atMs();
        assertThat(p2 - p1).isEqualTo(3_600_000L);
        eventually(() -> market.price(mcd, p1).compareTo(new BigDecimal("300")) == 0);
        assertThat(market.price(mcd, (p1 + p2) / 2)).isEqualByComparingTo("325");
        assertThat(market.price(mcd, p2)).isEqualByComparingTo("350");
        // Before the first point: on the way from the price at the start to 300.
        assertThat(market.price(mcd, path.startsAtMs())).isEqualByComparingTo(path.points().get(0).price());
        assertThat(cli("admin", "market", "move", "--symbol", "MCD", "--path", "300@2h,350@1h").code())
                .as("offsets must increase").isEqualTo(2);
        assertThat(cli("admin", "market", "move", "--symbol", "MCD").code()).isEqualTo(2);
        assertThat(cli("admin", "market", "clear", "--symbol", "MCD").code()).isZero();
    }

    @Test
    void clockJumpMovesMarketTime() {
        Market market = server.services().market;
        long before = market.nowMs();
        Cli r = cli("admin", "market", "clock", "--jump", "3d");
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(r.out()).contains("market time");
        eventually(() -> market.nowMs() - before >= Duration.ofDays(3).toMillis() - 10_000);
        assertThat(cli("admin", "market", "clock", "--set", "2026-11-18T15:00:00Z").code()).isZero();
        eventually(() -> Math.abs(market.nowMs() - Instant.parse("2026-11-18T15:00:00Z").toEpochMilli()) < 1000);
        assertThat(market.session(market.nowMs())).isEqualTo(Session.REGULAR);
        assertThat(cli("admin", "market", "clock", "--set", "yesterday").code()).isEqualTo(2);
        assertThat(cli("admin", "market", "clock", "--reset").code()).isZero();
        eventually(() -> Math.abs(market.nowMs() - server.clock.millis()) < 1000);
    }

    @Test
    void operatorsAddAndChangeSecurities() {
        Cli r = cli("admin", "security", "add", "--symbol", "CRTR", "--name", "Crater Test Corp.", "--price", "42.50",
                "--exchange", "XNYS", "--optionable");
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(r.out()).containsPattern("Added security \\d{4} CRTR");
        String api = server.api() + "v1.0/";
        eventually(() -> Http.get(api + "equities/CRTR", headers).status() == 200);
        var json = Http.get(api + "equities/CRTR", headers).json();
        assertThat(json.get("Id").asInt()).isGreaterThanOrEqualTo(Security.OPERATOR_ID_MIN);
        assertThat(json.get("Exchange").asText()).isEqualTo("XNYS");
        assertThat(json.get("AllowTrade").asBoolean()).isTrue();
        assertThat(quote("CRTR").last().doubleValue()).isBetween(10.0, 200.0);
        assertThat(Http.get(api + "options/expirations?underlying=CRTR", headers).status()).isEqualTo(200);

        assertThat(cli("admin", "security", "add", "--symbol", "CRTR", "--name", "x", "--price", "1").code())
                .as("duplicate symbol").isEqualTo(2);
        assertThat(cli("admin", "security", "add", "--symbol", "BAD SYMBOL", "--name", "x", "--price", "1").code())
                .isEqualTo(2);
        assertThat(cli("admin", "security", "add", "--symbol", "NEG", "--name", "x", "--price", "-1").code())
                .isEqualTo(2);

        assertThat(cli("admin", "security", "set", "--symbol", "CRTR", "--allow-trade", "false").code()).isZero();
        eventually(() -> !Http.get(api + "equities/CRTR", headers).json().get("AllowTrade").asBoolean());
        var notTradable = Http.get(api + "equities?pageNumber=0&pageSize=10&sortField=Id&desc=false&filter="
                + "AllowTrade%20%3D%20false", headers).json();
        assertThat(notTradable.get("TotalCount").asInt()).isEqualTo(1);
        assertThat(notTradable.get("Result").get(0).get("Symbol").asText()).isEqualTo("CRTR");

        Cli list = cli("admin", "security", "list", "--type", "ETF");
        assertThat(list.out()).contains("SPY").doesNotContain("AAPL");
        assertThat(cli("admin", "security", "show", "--symbol", "AAPL").out()).contains("Apple Inc.", "bid");
        assertThat(cli("admin", "market", "quote", "--symbol", "NOPE").code()).isEqualTo(2);
    }

    @Test
    void subscribersHearChangedQuotesOfWatchedSecuritiesOnly() {
        Market market = server.services().market;
        List<Quote> heard = new CopyOnWriteArrayList<>();
        Security xom = security("XOM");
        Security cvx = security("CVX");
        try (QuoteSource.Subscription sub = market.subscribe(heard::add)) {
            sub.watch(xom.id());
            market.tick();
            assertThat(heard).isNotEmpty().allMatch(q -> q.securityId() == xom.id());
            int before = heard.size();
            market.tick(); // same market second: nothing changed, nothing delivered
            assertThat(heard).hasSize(before);
            assertThat(cli("admin", "market", "set-price", "--symbol", "XOM", "--price", "77.77").code()).isZero();
            eventually(() -> {
                server.clock.advance(Duration.ofSeconds(1));
                market.tick();
                return heard.getLast().last().subtract(new BigDecimal("77.77")).abs().doubleValue() < 1.5;
            });
            assertThat(heard).noneMatch(q -> q.securityId() == cvx.id());
        }
        int after = heard.size();
        server.clock.advance(Duration.ofMinutes(5));
        market.tick();
        assertThat(heard).as("closed subscription hears nothing").hasSize(after);
        assertThat(cli("admin", "market", "clear", "--symbol", "XOM").code()).isZero();
    }
}
