package dev.crater.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.crater.accounts.Account;
import dev.crater.common.MarginType;
import dev.crater.common.Refusal;
import dev.crater.companies.Company;
import dev.crater.http.HttpSupport;
import dev.crater.reference.Security;
import dev.crater.store.HeavyQueries;
import dev.crater.testing.Http;
import dev.crater.testing.StoreKind;
import dev.crater.testing.TestServer;
import dev.crater.users.User;
import dev.crater.watchlists.WatchlistService;
import java.math.BigDecimal;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;

/**
 * Goal: issue 12 item 2 — expensive reads have a cost bound that protects everyone else. Over real
 * HTTP against one SQLite server:
 *
 * <ul>
 * <li>an options filter that names no scope an index answers (the 60 {@code Description
 * contains} terms, or {@code Id > 0}) is refused with the documented 400 at once instead of testing
 * all ~1.5 million generated contracts; a scope larger than {@link HeavyQueries#ROWS_MAX} is
 * refused the same way; a scoped filter still answers;</li>
 * <li>while every heavy-query permit is held, filtered lists (options, orders, positions,
 * transactions) answer 503 with {@code Retry-After}, and cheap reads (the unfiltered first page of
 * orders, {@code users/@me/info}) do not wait for them;</li>
 * <li>the deadline stops an in-memory scan and a running SQL statement, answered 400, not 5xx;</li>
 * <li>{@code watchlists?includeSecurities=true} answers at most
 * {@link WatchlistService#SECURITIES_INCLUDED_MAX} securities at once (the 29.3 MB answer).</li>
 * </ul>
 *
 * On the code before this change the options and watchlist requests answered 200 (after seconds of
 * scanning) and nothing answered 503; the permit and deadline tests did not compile (no
 * {@link HeavyQueries}).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class CostBoundsTest {

    TestServer server;
    Company company;
    User user;
    String token;
    long accountId;

    @BeforeAll
    void start() {
        server = TestServer.start(StoreKind.SQLITE);
        server.clock.set(java.time.Instant.parse("2026-11-18T15:00:00Z"));
        company = server.company();
        String name = TestServer.username("cost");
        user = server.user(company, name, null, User.TwoFactorMethod.NONE);
        token = server.login(company, name);
        Account a = server.services().accounts.open(user, MarginType.Margin, BigDecimal.ZERO, BigDecimal.ZERO,
                BigDecimal.ZERO, BigDecimal.ZERO);
        accountId = a.id();
    }

    @AfterAll
    void stop() {
        if (server != null) {
            server.close();
        }
    }

    @AfterEach
    void restoreBounds() {
        server.services().heavyQueries.deadline(HeavyQueries.DEADLINE);
        server.services().heavyQueries.permitWait(HeavyQueries.PERMIT_WAIT);
    }

    Http.Response get(String path) {
        return Http.get(server.api() + "v1.0/" + path, "Et-App-Key", company.appKey(), "Authorization",
                "Bearer " + token);
    }

    static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20");
    }

    static String options(String filter) {
        return "options?pageNumber=0&pageSize=10&sortField=Id&desc=false&filter=" + enc(filter);
    }

    /** The filter: 60 {@code Description contains} terms joined by {@code or}, under 2,000 characters. */
    static String sixtyTerms() {
        return IntStream.range(0, 60).mapToObj(i -> "Description contains 'zz" + i + "'")
                .collect(Collectors.joining(" or "));
    }

    /** A body cut short for assertion messages (the old code answered megabytes). */
    static String brief(Http.Response r) {
        return r.body().length() > 300 ? r.body().substring(0, 300) + "…" : r.body();
    }

    static void assertTooCostly(Http.Response r, String fragment) {
        assertThat(r.status()).as(brief(r)).isEqualTo(400);
        assertThat(r.json().get("Message").asText()).contains(fragment);
        assertThat(r.header("X-Request-Id")).isNull();
    }

    // ---- options: scope or refusal -----------------------------------------------------------

    @Test
    void anOptionsFilterWithoutAScopeIsRefused() {
        assertThat(sixtyTerms().length()).isLessThan(2_000);
        long t0 = System.nanoTime();
        assertTooCostly(get(options(sixtyTerms())), "must name its scope");
        assertTooCostly(get(options("Id > 0")), "must name its scope");
        assertTooCostly(get(options("StrikePrice between 100 and 200 and OptionType = 'Call'")), "must name its scope");
        // A scope under 'or' is no scope: either side could match anywhere.
        assertTooCostly(get(options("UnderlyingAssetSymbol = 'AAPL' or OptionType = 'Call'")), "must name its scope");
        // Refused before any scan: the old code took seconds for each of these.
        assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofSeconds(5));
    }

    @Test
    void aScopeLargerThanTheRowCapIsRefused() {
        StringBuilder f = new StringBuilder("UnderlyingAssetSymbol in (");
        int n = 0;
        for (Security s : server.services().securities.snapshot().all()) {
            if (!s.optionable() || f.length() > 1_900) {
                continue;
            }
            f.append(n++ == 0 ? "" : ",").append('\'').append(s.symbol()).append('\'');
        }
        f.append(')');
        assertThat(n).isGreaterThan(100);
        assertTooCostly(get(options(f.toString())), "at most " + HeavyQueries.ROWS_MAX + " are examined");
    }

    @Test
    void aScopedFilterStillAnswers() {
        JsonNode all = ok(options("UnderlyingAssetSymbol = 'AAPL'"));
        int chain = all.get("TotalCount").asInt();
        assertThat(chain).isPositive();
        // The terms inside one underlying: examined, nothing matches.
        JsonNode none = ok(options("UnderlyingAssetSymbol = 'AAPL' and (" + sixtyTerms() + ")"));
        assertThat(none.get("TotalCount").asInt()).isZero();
        JsonNode calls = ok("options?pageNumber=0&pageSize=10&sortField=StrikePrice&desc=true&filter="
                + enc("UnderlyingAssetSymbol = 'AAPL' and OptionType = 'Call'"));
        assertThat(calls.get("TotalCount").asInt()).isEqualTo(chain / 2);
        // A series, and single contracts by id and by symbol, are scopes too.
        JsonNode first = all.get("Result").get(0);
        JsonNode series = ok(options("SeriesId = " + first.get("SeriesId").asInt()));
        assertThat(series.get("Result").get(0)).isEqualTo(first);
        assertThat(ok(options("Id in (" + first.get("Id").asInt() + ")")).get("Result")).containsExactly(first);
        assertThat(ok(options("Symbol = '" + first.get("Symbol").asText() + "' and OptionType = '"
                + first.get("OptionType").asText() + "'")).get("Result")).containsExactly(first);
    }

    JsonNode ok(String path) {
        Http.Response r = get(path);
        assertThat(r.status()).as("%s -> %s", path, brief(r)).isEqualTo(200);
        return r.json();
    }

    // ---- the concurrency limit ----------------------------------------------------------------

    @Test
    void heavyReadsBeyondThePermitsAre503WithRetryAfterAndCheapReadsGoOn() {
        HeavyQueries heavy = server.services().heavyQueries;
        heavy.permitWait(Duration.ofMillis(50));
        String account = "accounts/" + accountId + "/";
        List<String> heavyReads = List.of(
                options("UnderlyingAssetSymbol = 'AAPL'"),
                account + "orders?pageNumber=0&pageSize=10&filter=" + enc("Symbol = 'AAPL'"),
                account + "orders?pageNumber=0&pageSize=10&sortField=Price",
                account + "transactions?pageNumber=0&pageSize=10&sortBy=Id&isDesc=false&filter=" + enc("Value > 0"),
                account + "transactions?pageNumber=0&pageSize=10&sortBy=Value&isDesc=true",
                account + "transactions?pageNumber=20000&pageSize=1&sortBy=Id&isDesc=false",
                account + "positions?pageNumber=0&pageSize=10&sortField=Id&desc=false&filter=" + enc("Symbol = 'AAPL'"));
        List<HeavyQueries.Permit> held = new ArrayList<>();
        try {
            for (int i = 0; i < heavy.permitsMax(); i++) {
                held.add(heavy.acquire());
            }
            for (String path : heavyReads) {
                Http.Response r = get(path);
                assertThat(r.status()).as("%s -> %s", path, brief(r)).isEqualTo(503);
                assertThat(r.header("Retry-After")).as(path).isNotNull();
                assertThat(r.json().get("Message").asText()).contains("busy");
            }
            // Cheap reads take no permit.
            ok("users/@me/info");
            ok(account + "orders?pageNumber=0&pageSize=10");
            ok(account + "transactions?pageNumber=0&pageSize=10&sortBy=Id&isDesc=true");
            ok(account + "positions?pageNumber=0&pageSize=10&sortField=Quantity&desc=false");
            ok("equities?pageNumber=0&pageSize=10&sortField=Id&desc=false&filter=" + enc("Symbol = 'AAPL'"));
        } finally {
            held.forEach(HeavyQueries.Permit::close);
        }
        for (String path : heavyReads) {
            ok(path);
        }
    }

    // ---- the deadline ---------------------------------------------------------------------------

    @Test
    void theDeadlineStopsAScanAndAStatementWithA400() {
        HeavyQueries heavy = server.services().heavyQueries;
        heavy.deadline(Duration.ZERO);
        String account = "accounts/" + accountId + "/";
        assertTooCostly(get(options("UnderlyingAssetSymbol = 'AAPL'")), "ran longer than 0 ms");
        assertTooCostly(get(account + "orders?pageNumber=0&pageSize=10&filter=" + enc("Symbol = 'AAPL'")),
                "ran longer than");
        assertTooCostly(get(account + "transactions?pageNumber=0&pageSize=10&sortBy=Id&isDesc=false&filter="
                + enc("Value > 0")), "ran longer than");
        assertTooCostly(get(account + "positions?pageNumber=0&pageSize=10&sortField=Id&desc=false&filter="
                + enc("Symbol = 'AAPL'")), "ran longer than");
    }

    @Test
    void aRunningStatementIsCancelledAtTheDeadline() {
        // A real statement on the server's own pool that would run for minutes: counting to 10^10.
        HeavyQueries heavy = server.services().heavyQueries;
        heavy.deadline(Duration.ofMillis(200));
        long t0 = System.nanoTime();
        assertThatThrownBy(() -> heavy.run(budget -> server.services().database.jdbi().withHandle(h -> h
                .createQuery("WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < 10000000000) "
                        + "SELECT COUNT(*) FROM c")
                .addCustomizer(budget.statementDeadline()).mapTo(Long.class).one())))
                .isInstanceOfSatisfying(Refusal.class, e -> assertThat(HttpSupport.answer(e).status()).isEqualTo(400));
        assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofSeconds(10));
        // The connection it ran on serves the next request normally.
        heavy.deadline(HeavyQueries.DEADLINE);
        for (int i = 0; i < 10; i++) {
            ok("accounts/" + accountId + "/transactions?pageNumber=0&pageSize=10&sortBy=Value&isDesc=false");
        }
    }

    // ---- watchlists -----------------------------------------------------------------------------

    @Test
    void includeSecuritiesIsBoundedAcrossLists() {
        String name = TestServer.username("wl");
        User u = server.user(company, name, null, User.TwoFactorMethod.NONE);
        String t = server.login(company, name);
        String lists = server.api() + "v1.0/users/@me/watchlists";
        List<Integer> ids = server.services().securities.snapshot().all().stream().filter(Security::enabled)
                .map(Security::id).limit(WatchlistService.SECURITIES_PER_LIST_MAX).toList();
        int full = WatchlistService.SECURITIES_INCLUDED_MAX / ids.size() + 1;
        long lastId = 0;
        for (int i = 0; i < full; i++) {
            Http.Response r = Http.send("POST", lists + "?resultIncludeSecurities=false",
                    "{\"Name\": \"list " + i + "\", \"Securities\": " + ids + "}", "Et-App-Key", company.appKey(),
                    "Authorization", "Bearer " + t, "Content-Type", "application/json");
            assertThat(r.status()).as(r.body()).isEqualTo(200);
            lastId = r.json().get("Id").asLong();
        }
        Http.Response refused = Http.get(lists + "?includeSecurities=true", "Et-App-Key", company.appKey(),
                "Authorization", "Bearer " + t);
        assertThat(refused.status()).as(brief(refused)).isEqualTo(409);
        assertThat(refused.json().get("Message").asText()).contains("at most " + WatchlistService.SECURITIES_INCLUDED_MAX);
        Http.Response names = Http.get(lists + "?includeSecurities=false", "Et-App-Key", company.appKey(),
                "Authorization", "Bearer " + t);
        assertThat(names.status()).isEqualTo(200);
        assertThat(names.body().length()).isLessThan(100_000);
        Http.Response one = Http.get(lists + "/" + lastId + "?includeSecurities=true", "Et-App-Key", company.appKey(),
                "Authorization", "Bearer " + t);
        assertThat(one.status()).isEqualTo(200);
        assertThat(one.json().get("SecurityList")).hasSize(ids.size());
        assertThat(u.id()).isPositive();
    }
}
