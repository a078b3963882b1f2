package dev.crater.orders;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.crater.accounts.Account;
import dev.crater.common.MarginType;
import dev.crater.companies.Company;
import dev.crater.market.Market;
import dev.crater.market.MarketEvent;
import dev.crater.market.Quote;
import dev.crater.reference.Security;
import dev.crater.testing.CliRun;
import dev.crater.testing.Http;
import dev.crater.testing.TestServer;
import dev.crater.users.User;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import java.util.function.Supplier;

/**
 * What the order, position and balance tests share: traders with funded accounts on a
 * {@link TestServer}, HTTP calls in their accounts, order bodies, polling for the engine's
 * asynchronous outcomes, and deterministic market moves (sandbox events stamped with the server's
 * own market time, so they apply at once however the test clock is set).
 */
final class OrdersHarness {

    static final ObjectMapper MAPPER = new ObjectMapper();
    static final String DENIED = "{\"Message\":\"Authorization has been denied for this request.\"}";
    static final String VALIDATION = "Validation error occured while processing entity";
    static final String UNSUPPORTED = "{\"Error\":{\"Code\":\"UnsupportedApiVersion\",\"Message\":"
            + "\"The requested resource with API version '1.0' does not support HTTP method 'GET'.\"}}";
    static final BigDecimal HUNDRED_K = new BigDecimal("100000");

    final TestServer server;
    final Company company;

    OrdersHarness(TestServer server) {
        this.server = server;
        this.company = server.company();
    }

    // ---- traders -------------------------------------------------------------------------------

    /** A logged-in user and one account of theirs (or one they are linked to). */
    record Trader(OrdersHarness h, User user, String token, long accountId) {
        String[] headers() {
            return new String[] {"Et-App-Key", h.company.appKey(), "Authorization", "Bearer " + token, "Accept",
                    "application/json", "Content-Type", "application/json"};
        }

        /** The same account with a new token (tokens last 24 h of the server's clock). */
        Trader relogin() {
            return new Trader(h, user, h.server.login(h.company, user.username()), accountId);
        }

        String url(String path) {
            return h.server.api() + "v1.0/accounts/" + accountId + "/" + path;
        }

        Http.Response get(String path) {
            return Http.get(url(path), headers());
        }

        Http.Response post(String path, String body) {
            return Http.send("POST", url(path), body, headers());
        }

        Http.Response put(String path, String body) {
            return Http.send("PUT", url(path), body, headers());
        }

        Http.Response delete(String path) {
            return Http.send("DELETE", url(path), null, headers());
        }

        /** Places an order the engine accepts and returns the OrderResource. */
        JsonNode place(String body) {
            Http.Response r = post("orders", body);
            assertThat(r.status()).as(r.body()).isEqualTo(200);
            JsonNode j = r.json();
            assertThat(j.has("Id")).as("an accepted order, not a refusal: %s", r.body()).isTrue();
            return j;
        }

        /** Places an order the engine refuses and returns the VerifyOrderModel-shaped answer. */
        JsonNode refused(String body, String code) {
            Http.Response r = post("orders", body);
            assertThat(r.status()).as(r.body()).isEqualTo(200);
            JsonNode j = r.json();
            assertThat(j.path("IsSuccessful").isBoolean()).as(r.body()).isTrue();
            assertThat(j.get("IsSuccessful").asBoolean()).as(r.body()).isFalse();
            assertThat(j.get("ErrorDescription").asText()).as(r.body()).isEqualTo(code);
            assertThat(j.has("Id")).isFalse();
            return j;
        }

        JsonNode verify(String body) {
            Http.Response r = post("preview/orders", body);
            assertThat(r.status()).as(r.body()).isEqualTo(200);
            return r.json();
        }

        JsonNode order(long id) {
            Http.Response r = get("orders/" + id);
            assertThat(r.status()).as(r.body()).isEqualTo(200);
            return r.json();
        }

        /** Polls the order until it satisfies {@code done} (the engine works asynchronously). */
        JsonNode awaitOrder(long id, Predicate<JsonNode> done, String what) {
            return await(() -> order(id), done, "order " + id + " " + what);
        }

        JsonNode awaitStatus(long id, String status) {
            return awaitOrder(id, o -> o.get("Status").asText().equals(status), "to be " + status);
        }

        JsonNode info() {
            Http.Response r = get("info");
            assertThat(r.status()).as(r.body()).isEqualTo(200);
            return r.json();
        }

        BigDecimal cash() {
            return info().get("cash").decimalValue();
        }

        /**
         * The account's cash, or null while the engine answers 503 "busy" (its shard waiting on a
         * locked store); any other answer fails the test.
         */
        BigDecimal cashUnlessBusy() {
            Http.Response r = get("info");
            if (r.status() == 503) {
                assertThat(r.json().get("Message").asText()).as(r.body()).contains("busy");
                return null;
            }
            assertThat(r.status()).as(r.body()).isEqualTo(200);
            return r.json().get("cash").decimalValue();
        }

        JsonNode positions() {
            Http.Response r = get("positions?pageNumber=0&pageSize=99&sortField=Id&desc=false");
            assertThat(r.status()).as(r.body()).isEqualTo(200);
            return r.json();
        }

        /** The account's position in {@code symbol} (0 when none). */
        BigDecimal position(String symbol) {
            for (JsonNode p : positions()) {
                if (p.get("Symbol").asText().equals(symbol)) {
                    return p.get("Quantity").decimalValue();
                }
            }
            return BigDecimal.ZERO;
        }

        /** Every ledger entry of the account, oldest first (all pages). */
        List<JsonNode> transactions() {
            List<JsonNode> all = new ArrayList<>();
            for (int page = 0; ; page++) {
                Http.Response r = get("transactions?pageNumber=" + page + "&pageSize=500&sortBy=Id&isDesc=false");
                assertThat(r.status()).as(r.body()).isEqualTo(200);
                r.json().get("Result").forEach(all::add);
                if (r.json().get("NextPageLink").asText().isEmpty()) {
                    return all;
                }
            }
        }
    }

    /** What kind of account a test wants: margin type and commission plan, $100,000 deposited. */
    record Spec(MarginType type, BigDecimal perTrade, BigDecimal perShare, BigDecimal perContract) {
    }

    static final Spec MARGIN = new Spec(MarginType.Margin, BigDecimal.ZERO, BigDecimal.ZERO, BigDecimal.ZERO);
    static final Spec COMMISSIONS = new Spec(MarginType.Margin, new BigDecimal("1"), new BigDecimal("0.01"),
            new BigDecimal("0.65"));

    static Spec plain(MarginType type) {
        return new Spec(type, BigDecimal.ZERO, BigDecimal.ZERO, BigDecimal.ZERO);
    }

    /** One user owns the pooled accounts (logging in costs an Argon2 hash; a user may have 100 accounts). */
    private User poolUser;
    private String poolToken;
    private final Map<Spec, java.util.ArrayDeque<Trader>> ready = new java.util.HashMap<>();

    private synchronized Trader open(Spec spec) {
        if (poolUser == null) {
            String name = TestServer.username("pool");
            poolUser = server.user(company, name, null, User.TwoFactorMethod.NONE);
            poolToken = server.login(company, name);
        }
        Account a = server.services().accounts.open(poolUser, spec.type(), HUNDRED_K, spec.perTrade(), spec.perShare(),
                spec.perContract());
        return new Trader(this, poolUser, poolToken, a.id());
    }

    private static void awaitFunded(List<Trader> traders) {
        for (Trader t : traders) {
            await(t::cash, c -> c.compareTo(HUNDRED_K) == 0, "the initial deposit of account " + t.accountId());
        }
    }

    /** Opens accounts ahead (deposits are applied by a housekeeping round, about a second): wait once for all. */
    synchronized void prefund(Map<Spec, Integer> counts) {
        List<Trader> opened = new ArrayList<>();
        counts.forEach((spec, n) -> {
            for (int i = 0; i < n; i++) {
                Trader t = open(spec);
                opened.add(t);
                ready.computeIfAbsent(spec, k -> new java.util.ArrayDeque<>()).add(t);
            }
        });
        awaitFunded(opened);
    }

    /** A fresh funded account of the pool user (one opened ahead when there is one). */
    synchronized Trader trader(Spec spec) {
        java.util.ArrayDeque<Trader> q = ready.get(spec);
        if (q != null && !q.isEmpty()) {
            return q.poll();
        }
        Trader t = open(spec);
        awaitFunded(List.of(t));
        return t;
    }

    /** A Margin account with $100,000 and no commissions. */
    Trader trader() {
        return trader(MARGIN);
    }

    /** A user of the company with no link to any account of the pool user (for access checks). */
    Trader stranger() {
        String name = TestServer.username("str");
        User u = server.user(company, name, null, User.TwoFactorMethod.NONE);
        Account a = server.services().accounts.open(u, MarginType.Margin, BigDecimal.ZERO, BigDecimal.ZERO,
                BigDecimal.ZERO, BigDecimal.ZERO);
        return new Trader(this, u, server.login(company, name), a.id());
    }

    /** Another user of the company, linked to {@code owner}'s account with {@code access}. */
    Trader linked(Trader owner, Account.AccessType access) {
        String name = TestServer.username("lnk");
        User u = server.user(company, name, null, User.TwoFactorMethod.NONE);
        Account a = server.services().accounts.byId(owner.accountId()).orElseThrow();
        server.services().accounts.link(a, u, access);
        return new Trader(this, u, server.login(company, name), owner.accountId());
    }

    // ---- bodies --------------------------------------------------------------------------------

    /** A JSON object from name/value pairs (values: strings, numbers, booleans, lists, maps). */
    static String json(Object... pairs) {
        return write(map(pairs));
    }

    static Map<String, Object> map(Object... pairs) {
        Map<String, Object> m = new LinkedHashMap<>();
        for (int i = 0; i < pairs.length; i += 2) {
            m.put((String) pairs[i], pairs[i + 1]);
        }
        return m;
    }

    static String write(Object o) {
        try {
            return MAPPER.writeValueAsString(o);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    static String market(String symbol, String side, int qty) {
        return json("Symbol", symbol, "Type", "Market", "Side", side, "Quantity", qty);
    }

    static String limit(String symbol, String side, int qty, BigDecimal price, Object... extra) {
        Map<String, Object> m = map("Symbol", symbol, "Type", "Limit", "Side", side, "Quantity", qty, "Price", price);
        m.putAll(map(extra));
        return write(m);
    }

    // ---- market --------------------------------------------------------------------------------

    Security security(String symbol) {
        return server.services().securities.snapshot().bySymbol(symbol).orElseThrow();
    }

    /** The simulated market's quote of {@code symbol} now (market time). */
    Quote quote(String symbol) {
        return server.services().market.quote(security(symbol).id()).orElseThrow();
    }

    /**
     * One second of market time passes and the watched quotes go to the engine: the quoted sizes
     * (consumed by fills) are fresh again.
     */
    void nextSecond() {
        server.clock.advance(Duration.ofSeconds(1));
        server.services().market.tick();
    }

    /**
     * Jumps {@code symbol}'s price to {@code price} at the current market time (the sandbox event
     * {@code crater admin market set-price} stores, stamped with the server's market clock rather
     * than the CLI's wall clock), then lets a second pass so the engine trades on it.
     */
    void setPrice(String symbol, String price) {
        Market m = server.services().market;
        long now = m.nowMs();
        server.services().marketControl.add(new MarketEvent(0, security(symbol).id(), MarketEvent.Kind.SET, now, null,
                new BigDecimal(price), List.of()), now);
        m.refresh();
        nextSecond();
    }

    /** Sets a security's AllowTrade flag, as {@code crater admin security set --allow-trade} does. */
    void setAllowTrade(String symbol, boolean allow) {
        Security x = security(symbol);
        server.services().securities.update(new Security(x.id(), x.symbol(), x.description(), x.exchange(),
                x.currency(), x.type(), x.precision(), x.volumePrecision(), x.tickSize(), x.enabled(), allow,
                x.allowMargin(), x.allowShort(), x.optionable(), x.referencePrice(), x.origin(), x.addedAtMs(),
                server.clock.millis()));
        server.services().market.refresh();
    }

    // ---- the admin CLI, in-process, on the server's data directory (SQLite) ----------------------

    record Cli(int code, String out, String err) {
    }

    static Cli cli(TestServer server, String... args) {
        CliRun.Result r = CliRun.against(server, args);
        return new Cli(r.code(), r.out(), r.err());
    }

    // ---- waiting -------------------------------------------------------------------------------

    static <T> T await(Supplier<T> read, Predicate<T> done, String what) {
        long deadline = System.nanoTime() + Duration.ofSeconds(8).toNanos();
        T last = read.get();
        while (!done.test(last)) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out waiting for " + what + "; last seen: " + last);
            }
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError(e);
            }
            last = read.get();
        }
        return last;
    }

    static List<String> fieldNames(JsonNode n) {
        List<String> names = new ArrayList<>();
        n.fieldNames().forEachRemaining(names::add);
        return names;
    }

    static BigDecimal dec(JsonNode n) {
        return n.decimalValue();
    }

    static String enc(String s) {
        return java.net.URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20");
    }
}
