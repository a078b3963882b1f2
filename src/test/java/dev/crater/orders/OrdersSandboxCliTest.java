package dev.crater.orders;

import static dev.crater.orders.OrdersHarness.dec;
import static dev.crater.orders.OrdersHarness.limit;
import static dev.crater.orders.OrdersHarness.market;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.crater.market.Session;
import dev.crater.market.TradingCalendar;
import dev.crater.orders.OrdersHarness.Cli;
import dev.crater.orders.OrdersHarness.Trader;
import dev.crater.testing.StoreKind;
import dev.crater.testing.TestServer;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalTime;
import java.time.ZonedDateTime;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;

/**
 * Goal: orders react to what an operator does with {@code crater admin market …} and
 * {@code crater admin security …} on a running server (run in-process against its SQLite data
 * directory, as MarketSandboxTest does): a price set through the CLI fills a resting limit order, a
 * halt stops trading until resumed, a security made untradable is refused.
 *
 * <p>Method: the CLI runs on the server's own clock, which starts on a fixed Wednesday and moves a
 * second before every CLI call and while waiting (so the ticker sees time pass); market time is
 * moved into a regular session of a later Wednesday with {@code crater admin market clock --set},
 * which shifts market time for the server too.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class OrdersSandboxCliTest {

    TestServer server;
    OrdersHarness h;

    @BeforeAll
    void start() {
        server = TestServer.start(StoreKind.SQLITE);
        sync();
        LocalDate wednesday = LocalDate.of(2026, 12, 9);
        TradingCalendar cal = server.services().market.calendar();
        while (!cal.isTradingDay(wednesday) || cal.earlyClose(wednesday).isPresent()) {
            wednesday = wednesday.plusWeeks(1);
        }
        Instant eleven = ZonedDateTime.of(wednesday, LocalTime.of(11, 0), TradingCalendar.ZONE).toInstant();
        Cli c = cli("admin", "market", "clock", "--set", eleven.toString());
        assertThat(c.code()).as(c.err()).isZero();
        OrdersHarness.await(() -> {
            sync();
            return server.services().market.session(server.services().market.nowMs());
        }, s -> s == Session.REGULAR, "market time in the regular session");
        h = new OrdersHarness(server);
        h.prefund(Map.of(OrdersHarness.MARGIN, 5));
    }

    @AfterAll
    void stop() {
        if (server != null) {
            server.close();
        }
    }

    @BeforeEach
    void realTime() {
        sync();
    }

    /** Time passes: the server's clock (the CLI's too) moves on a second. */
    void sync() {
        server.clock.advance(java.time.Duration.ofSeconds(1));
    }

    Cli cli(String... args) {
        sync();
        return OrdersHarness.cli(server, args);
    }

    JsonNode awaitOrder(Trader t, long id, Predicate<JsonNode> done, String what) {
        return OrdersHarness.await(() -> {
            sync();
            return t.order(id);
        }, done, "order " + id + " " + what);
    }

    static boolean is(JsonNode o, String status) {
        return o.get("Status").asText().equals(status);
    }

    static long id(JsonNode o) {
        return o.get("Id").asLong();
    }

    @Test
    void aPriceSetThroughTheCliFillsARestingLimitOrder() {
        Trader t = h.trader();
        BigDecimal p0 = h.quote("KO").last();
        BigDecimal lim = p0.subtract(new BigDecimal("5")).setScale(2, RoundingMode.HALF_EVEN);
        JsonNode o = t.place(limit("KO", "Buy", 10, lim));
        assertThat(o.get("Status").asText()).isEqualTo("New");
        Cli c = cli("admin", "market", "set-price", "--symbol", "KO", "--price",
                p0.subtract(new BigDecimal("8")).toPlainString());
        assertThat(c.code()).as(c.err()).isZero();
        try {
            JsonNode filled = awaitOrder(t, id(o), x -> is(x, "Filled"), "to fill after set-price");
            assertThat(dec(filled.get("AveragePrice"))).isLessThanOrEqualTo(lim);
            assertThat(t.position("KO")).isEqualByComparingTo("10");
        } finally {
            assertThat(cli("admin", "market", "clear", "--symbol", "KO").code()).isZero();
        }
    }

    @Test
    void nothingTradesWhileHaltedAndTheOrderFillsOnResume() {
        Trader t = h.trader();
        assertThat(cli("admin", "market", "halt", "--symbol", "PEP").code()).isZero();
        try {
            OrdersHarness.await(() -> {
                sync();
                return h.quote("PEP").halted();
            }, x -> x, "PEP halted");
            JsonNode o = t.place(market("PEP", "Buy", 3));
            assertThat(o.get("Status").asText()).isEqualTo("New");
            sync();
            server.services().market.tick();
            assertThat(t.order(id(o)).get("Status").asText()).as("halted").isEqualTo("New");
            assertThat(cli("admin", "market", "resume", "--symbol", "PEP").code()).isZero();
            awaitOrder(t, id(o), x -> is(x, "Filled"), "to fill on resume");
            assertThat(t.position("PEP")).isEqualByComparingTo("3");
        } finally {
            cli("admin", "market", "clear", "--symbol", "PEP");
        }
    }

    @Test
    void aSecurityMadeUntradableThroughTheCliIsRefused() {
        Trader t = h.trader();
        Cli off = cli("admin", "security", "set", "--symbol", "T", "--allow-trade", "false");
        assertThat(off.code()).as(off.err()).isZero();
        try {
            OrdersHarness.await(() -> t.post("orders", market("T", "Buy", 1)).json(),
                    r -> r.path("ErrorDescription").asText().equals("SecurityNotTradable"),
                    "T to be refused as not tradable");
            assertThat(t.verify(limit("T", "Buy", 1, new BigDecimal("5"))).get("ErrorDescription").asText())
                    .isEqualTo("SecurityNotTradable");
        } finally {
            assertThat(cli("admin", "security", "set", "--symbol", "T", "--allow-trade", "true").code()).isZero();
        }
        OrdersHarness.await(() -> t.post("orders", limit("T", "Buy", 1, new BigDecimal("5"))).json(),
                r -> r.has("Id"), "T tradable again");
    }

    @Test
    void goodTillDateAfterTheMarketClockWasMovedBack() throws InterruptedException {
        Trader t = h.trader();
        long offset0 = offset();
        assertThat(cli("admin", "market", "clock", "--jump", "3d").code()).isZero();
        OrdersHarness.await(this::offset, o -> o > offset0 + 2 * DAY, "market time 3 days ahead");
        Thread.sleep(2500); // the housekeeping clock takes the engine there
        assertThat(cli("admin", "market", "clock", "--jump", "-3d").code()).isZero();
        OrdersHarness.await(this::offset, o -> o < offset0 + DAY, "market time back");
        String tomorrow = Instant.ofEpochMilli(server.services().market.nowMs() + DAY).toString();
        JsonNode o = t.post("orders", limit("KO", "Buy", 1, new BigDecimal("10"), "TimeInforce", "GoodTillDate",
                "ExpireDate", tomorrow)).json();
        assertThat(o.has("Id")).as(o.toString()).isTrue();
    }

    static final long DAY = 86_400_000L;

    /** Market time minus the wall clock. */
    long offset() {
        sync();
        return server.services().market.nowMs() - server.clock.millis();
    }
}
