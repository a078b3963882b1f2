package dev.crater.watchlists;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.crater.Main;
import dev.crater.companies.Company;
import dev.crater.market.Quote;
import dev.crater.reference.Security;
import dev.crater.reference.SecurityType;
import dev.crater.testing.Http;
import dev.crater.testing.MutableClock;
import dev.crater.testing.StoreKind;
import dev.crater.testing.TestServer;
import dev.crater.users.User;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;
import picocli.CommandLine;

/**
 * Goal: the system watchlists follow the market. When an operator moves a price with the sandbox
 * ({@code crater admin market set-price}), the security shows up at the top of its exchange's
 * gainers or losers within a few seconds, and leaves the other list; the ranking rule itself
 * (percent change, strictly up or down, ten at most, ties by symbol) is checked on hand-made data.
 *
 * <p>Method: a real server on SQLite, the CLI run in-process against its data directory as in
 * {@code MarketSandboxTest}, and the API read until the list is refreshed.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class SystemListsTest {

    TestServer server;
    String[] headers;

    @BeforeAll
    void start() {
        server = TestServer.start(StoreKind.SQLITE);
        Company c = server.company();
        String name = TestServer.username("system");
        server.user(c, name, null, User.TwoFactorMethod.NONE);
        headers = new String[] {"Et-App-Key", c.appKey(), "Authorization", "Bearer " + server.login(c, name)};
    }

    @AfterAll
    void stop() {
        server.close();
    }

    @BeforeEach
    void startOfTest() {
        server.clock.set(MutableClock.START);
    }

    int cli(String... args) {
        PrintStream originalOut = System.out;
        try (PrintStream capturedOut = new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8)) {
            System.setOut(capturedOut);
            CommandLine cmd = new CommandLine(new Main(server.clock));
            cmd.setOut(new PrintWriter(capturedOut, true));
            cmd.setErr(new PrintWriter(capturedOut, true));
            String[] all = java.util.Arrays.copyOf(args, args.length + 2);
            all[args.length] = "--data-dir";
            all[args.length + 1] = server.dataDir().toString();
            return cmd.execute(all);
        } finally {
            System.setOut(originalOut);
        }
    }

    JsonNode systemList(long id) {
        server.clock.advance(java.time.Duration.ofSeconds(1));
        Http.Response r = Http.get(server.api() + "v1.0/users/@me/watchlists/" + id + "?includeSecurities=true", headers);
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        return r.json();
    }

    static List<String> symbols(JsonNode list) {
        List<String> out = new ArrayList<>();
        list.get("SecurityList").forEach(s -> out.add(s.get("Symbol").asText()));
        return out;
    }

    static void eventually(String what, BooleanSupplier condition) {
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError(what + ": not within 20 s");
            }
            try {
                Thread.sleep(200);
            } catch (InterruptedException e) {
                throw new AssertionError(e);
            }
        }
    }

    @Test
    void aSandboxMoveShowsUpInTheExchangesTopLists() {
        long gainers = SystemLists.ID_MIN + 3;
        long losers = SystemLists.ID_MIN + 4;
        JsonNode before = systemList(gainers);
        assertThat(before.get("Name").asText()).isEqualTo("* Top 10 Gain NYSE");
        Security pick = server.services().securities.snapshot().all().stream()
                .filter(s -> s.exchange().equals("XNYS") && !symbols(before).contains(s.symbol()))
                .findFirst().orElseThrow();
        Quote q = server.services().market.quote(pick.id()).orElseThrow();
        BigDecimal up = q.previousClose().multiply(new BigDecimal("1.5")).setScale(2, RoundingMode.HALF_EVEN);
        assertThat(cli("admin", "market", "set-price", "--symbol", pick.symbol(), "--price", up.toPlainString())).isZero();
        eventually(pick.symbol() + " tops the NYSE gainers", () -> {
            List<String> now = symbols(systemList(gainers));
            return !now.isEmpty() && now.get(0).equals(pick.symbol());
        });
        JsonNode after = systemList(gainers);
        assertThat(after.get("ModifyDate").asText()).isNotEqualTo(before.get("ModifyDate").asText());
        assertThat(after.get("SecurityList").size()).isLessThanOrEqualTo(SystemLists.TOP_COUNT);
        assertThat(symbols(systemList(losers))).doesNotContain(pick.symbol());

        BigDecimal down = q.previousClose().multiply(new BigDecimal("0.5")).setScale(2, RoundingMode.HALF_EVEN);
        assertThat(cli("admin", "market", "set-price", "--symbol", pick.symbol(), "--price", down.toPlainString()))
                .isZero();
        eventually(pick.symbol() + " tops the NYSE losers", () -> {
            List<String> now = symbols(systemList(losers));
            return !now.isEmpty() && now.get(0).equals(pick.symbol());
        });
        assertThat(symbols(systemList(gainers))).doesNotContain(pick.symbol());
        // Other exchanges' lists never show it.
        assertThat(symbols(systemList(SystemLists.ID_MIN + 2))).doesNotContain(pick.symbol());
        assertThat(cli("admin", "market", "clear", "--symbol", pick.symbol())).isZero();
    }

    static Security security(String symbol) {
        return new Security(symbol.hashCode() & 0xFFF, symbol, symbol + " Inc.", "XNYS", "USD", SecurityType.CommonStock,
                2, 0, new BigDecimal("0.01"), true, true, true, true, false, BigDecimal.TEN, Security.ORIGIN_MASTER, 0, 0);
    }

    @Test
    void rankingIsByPercentStrictlyUpOrDownTenAtMostTiesBySymbol() {
        List<SystemLists.Change> changes = new ArrayList<>();
        for (int i = 0; i < 15; i++) {
            changes.add(new SystemLists.Change(security("UP" + (char) ('A' + i)), new BigDecimal(i + 1)));
        }
        changes.add(new SystemLists.Change(security("TIEB"), new BigDecimal("15")));
        changes.add(new SystemLists.Change(security("TIEA"), new BigDecimal("15")));
        changes.add(new SystemLists.Change(security("FLAT"), BigDecimal.ZERO));
        changes.add(new SystemLists.Change(security("DOWNA"), new BigDecimal("-0.5")));
        changes.add(new SystemLists.Change(security("DOWNB"), new BigDecimal("-7")));
        List<String> up = SystemLists.top(changes, SystemLists.Direction.GAIN).stream().map(Security::symbol).toList();
        assertThat(up).containsExactly("TIEA", "TIEB", "UPO", "UPN", "UPM", "UPL", "UPK", "UPJ", "UPI", "UPH");
        List<String> down = SystemLists.top(changes, SystemLists.Direction.LOSS).stream().map(Security::symbol).toList();
        assertThat(down).containsExactly("DOWNB", "DOWNA");
    }
}
