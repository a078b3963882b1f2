package dev.crater.orders;

import static dev.crater.orders.OrdersHarness.dec;
import static dev.crater.orders.OrdersHarness.fieldNames;
import static dev.crater.orders.OrdersHarness.limit;
import static dev.crater.orders.OrdersHarness.market;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.crater.common.MarginType;
import dev.crater.market.Quote;
import dev.crater.market.Session;
import dev.crater.market.TradingCalendar;
import dev.crater.orders.OrdersHarness.Trader;
import dev.crater.testing.StoreKind;
import dev.crater.testing.TestServer;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalTime;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;

/**
 * Goal: the time rules of the engine's javadoc over HTTP as market time moves through a trading
 * week: extended-hours sessions (PRE, REGPOST) and orders waiting for the regular session,
 * AtTheOpening at the open, Day orders expiring at the close of their last session (16:00 New York
 * for regular-only orders, 20:00 for those allowing post-market), GoodTillDate expiring at its
 * date, GTC staying, orders placed while the market is closed queued for the next day, and the
 * account value history growing one item per trading day.
 *
 * <p>Method: one SQLite server whose clock the tests move forward only, through a full trading week
 * (Monday to Wednesday) chosen at least two weeks after today so market time is always ahead of the
 * wall clock (the engine's notion of "now" never runs backwards). The housekeeping task turns the
 * clock into session changes within about a second; tests wait for the outcome.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class OrderSessionsTest {

    TestServer server;
    OrdersHarness h;
    LocalDate monday;
    Trader weekTrader;

    @BeforeAll
    void start() {
        server = TestServer.start(StoreKind.SQLITE);
        TradingCalendar cal = server.services().market.calendar();
        LocalDate d = LocalDate.of(2026, 11, 30); // a Monday; the loop finds the next three plain trading days
        while (!(cal.isTradingDay(d) && cal.isTradingDay(d.plusDays(1)) && cal.isTradingDay(d.plusDays(2))
                && cal.earlyClose(d).isEmpty() && cal.earlyClose(d.plusDays(1)).isEmpty())) {
            d = d.plusWeeks(1);
        }
        monday = d;
        set(monday, "07:55");
        h = new OrdersHarness(server);
        h.prefund(Map.of(OrdersHarness.MARGIN, 8, OrdersHarness.plain(MarginType.Cash), 1));
        weekTrader = h.trader();
    }

    @AfterAll
    void stop() {
        if (server != null) {
            server.close();
        }
    }

    static Instant ny(LocalDate d, String time) {
        return ZonedDateTime.of(d, LocalTime.parse(time), TradingCalendar.ZONE).toInstant();
    }

    /** Market time → {@code time} New York on {@code d}; the watched quotes go to the engine. */
    void set(LocalDate d, String time) {
        server.clock.set(ny(d, time));
        if (h != null) {
            server.services().market.tick();
        }
    }

    Session session() {
        return server.services().market.session(server.services().market.nowMs());
    }

    static BigDecimal times(BigDecimal p, String f) {
        return p.multiply(new BigDecimal(f)).setScale(2, RoundingMode.HALF_EVEN);
    }

    @Test
    @Order(1)
    void preMarketLimitOrdersTradeWhileOthersWaitForTheOpen() {
        set(monday, "08:00");
        assertThat(session()).isEqualTo(Session.PRE_MARKET);
        Trader t = weekTrader;
        Quote q = h.quote("AAPL");
        assertThat(q.session()).isEqualTo(Session.PRE_MARKET);

        JsonNode pre = t.place(limit("AAPL", "Buy", 5, q.ask().add(BigDecimal.ONE), "ExtendedHours", "PRE"));
        assertThat(pre.get("Status").asText()).isEqualTo("Filled");
        assertThat(dec(pre.get("AveragePrice"))).isEqualByComparingTo(q.ask());
        assertThat(pre.get("ExtendedHours").asText()).isEqualTo("PRE");

        BigDecimal generous = times(q.last(), "1.2");
        JsonNode regular = t.place(limit("AAPL", "Buy", 5, generous));
        assertThat(regular.get("Status").asText()).as("regular session only").isEqualTo("New");
        JsonNode marketOrder = t.place(market("AAPL", "Buy", 5));
        assertThat(marketOrder.get("Status").asText()).isEqualTo("New");
        JsonNode opening = t.place(market("AAPL", "Buy", 5).replace("}", ",\"TimeInforce\":\"AtTheOpening\"}"));
        assertThat(opening.get("Status").asText()).isEqualTo("New");
        assertThat(opening.get("TimeInForce").asText()).isEqualTo("AtTheOpening");
        t.refused(market("AAPL", "Buy", 1).replace("}", ",\"ExtendedHours\":\"PRE\"}"), "ExtendedHoursLimitOnly");

        set(monday, "09:30:01");
        assertThat(session()).isEqualTo(Session.REGULAR);
        t.awaitStatus(id(regular), "Filled");
        t.awaitStatus(id(marketOrder), "Filled");
        JsonNode opened = t.awaitStatus(id(opening), "Filled");
        assertThat(dec(opened.get("ExecutedQuantity"))).isEqualByComparingTo("5");
        assertThat(t.position("AAPL")).isEqualByComparingTo("20");
    }

    static long id(JsonNode o) {
        return o.get("Id").asLong();
    }

    List<Long> afterClose = new ArrayList<>();

    @Test
    @Order(2)
    void dayOrdersExpireAtTheCloseOfTheirLastSession() {
        set(monday, "15:59");
        Trader t = h.trader();
        BigDecimal rest = times(h.quote("MSFT").last(), "0.7");
        JsonNode regularOnly = t.place(limit("MSFT", "Buy", 1, rest));
        assertThat(regularOnly.get("ExpireDate").asText()).isEqualTo(ny(monday, "16:00").toString());
        JsonNode preReg = t.place(limit("MSFT", "Buy", 1, rest, "ExtendedHours", "PREREG"));
        JsonNode regPost = t.place(limit("MSFT", "Buy", 1, rest, "ExtendedHours", "REGPOST"));
        assertThat(regPost.get("ExpireDate").asText()).isEqualTo(ny(monday, "20:00").toString());
        JsonNode gtc = t.place(limit("MSFT", "Buy", 1, rest, "TimeInforce", "GTC"));
        JsonNode gtd = t.place(limit("MSFT", "Buy", 1, rest, "TimeInforce", "GoodTillDate", "ExpireDate",
                ny(monday.plusDays(1), "10:00").toString()));
        assertThat(gtd.get("Status").asText()).isEqualTo("New");

        // A cash account sells what it bought: the proceeds are unsettled until the next trading day.
        cashTrader = h.trader(OrdersHarness.plain(MarginType.Cash));
        cashTrader.place(market("KO", "Buy", 100));
        JsonNode sold = cashTrader.place(market("KO", "Sell", 100));
        assertThat(sold.get("Status").asText()).isEqualTo("Filled");
        cashProceeds = dec(sold.get("AveragePrice")).multiply(new BigDecimal("100"));
        JsonNode today = cashTrader.info();
        cashAfterTrades = dec(today.get("cash"));
        assertThat(dec(today.get("pendingCash"))).isEqualByComparingTo(cashProceeds);
        assertThat(dec(today.get("stockBuyingPower"))).isEqualByComparingTo(cashAfterTrades.subtract(cashProceeds));

        set(monday, "16:00:30");
        assertThat(session()).isEqualTo(Session.POST_MARKET);
        JsonNode expired = t.awaitStatus(id(regularOnly), "Expired");
        assertThat(expired.get("Description").asText()).isEqualTo("Expired: Day order at the close of its last session");
        assertThat(expired.get("RequestStatus").asText()).isEqualTo("Complete");
        assertThat(dec(expired.get("LeavesQuantity"))).isEqualByComparingTo("0");
        t.awaitStatus(id(preReg), "Expired");
        assertThat(t.order(id(regPost)).get("Status").asText()).isEqualTo("New");
        assertThat(t.order(id(gtc)).get("Status").asText()).isEqualTo("New");
        assertThat(t.order(id(gtd)).get("Status").asText()).isEqualTo("New");
        assertThat(count(t, "Status in (12)")).isEqualTo(2);

        // In the post-market session: regular-only Day orders have nothing left today; REGPOST trades.
        Quote post = h.quote("MSFT");
        assertThat(post.session()).isEqualTo(Session.POST_MARKET);
        t.refused(limit("MSFT", "Buy", 1, rest), "MarketClosedForDayOrder");
        t.refused(market("MSFT", "Buy", 1), "MarketClosedForDayOrder");
        t.refused(limit("MSFT", "Buy", 1, rest, "TimeInforce", "AtTheOpening"), "OpeningPassed");
        JsonNode late = t.place(limit("MSFT", "Buy", 2, post.ask().add(BigDecimal.ONE), "ExtendedHours", "REGPOST"));
        assertThat(late.get("Status").asText()).isEqualTo("Filled");
        assertThat(dec(late.get("AveragePrice"))).isEqualByComparingTo(post.ask());
        JsonNode postOnly = t.place(limit("MSFT", "Buy", 1, rest, "ExtendedHours", "POST"));
        assertThat(postOnly.get("Status").asText()).isEqualTo("New");

        set(monday, "20:00:30");
        assertThat(session()).isEqualTo(Session.CLOSED);
        t.awaitStatus(id(regPost), "Expired");
        t.awaitStatus(id(postOnly), "Expired");
        assertThat(t.order(id(gtc)).get("Status").asText()).isEqualTo("New");
        afterClose.add(id(gtc));
        afterClose.add(id(gtd));
        afterClose.add(t.accountId());
    }

    static int count(Trader t, String filter) {
        return t.get("orders?pageNumber=0&pageSize=100&filter=" + OrdersHarness.enc(filter)).json().get("TotalCount")
                .asInt();
    }

    Trader cashTrader;
    BigDecimal cashProceeds;
    BigDecimal cashAfterTrades;

    @Test
    @Order(3)
    void cashAccountSaleProceedsSettleAtTheNextTradingDay() {
        assertThat(cashTrader).as("traded on Monday by the previous test").isNotNull();
        set(monday.plusDays(1), "04:00:05");
        Trader next = cashTrader.relogin();
        JsonNode settled = OrdersHarness.await(next::info, i -> dec(i.get("pendingCash")).signum() == 0,
                "the sale to settle at the next pre-market open");
        assertThat(dec(settled.get("stockBuyingPower"))).isEqualByComparingTo(dec(settled.get("cash")));
        assertThat(dec(settled.get("cash"))).isEqualByComparingTo(cashAfterTrades);
    }

    @Test
    @Order(4)
    void goodTillDateExpiresAtItsDateWhileGoodTillCancelStays() {
        assertThat(afterClose).hasSize(3);
        set(monday.plusDays(1), "09:59:50");
        Trader t = new Trader(h, weekTrader.user(), weekTrader.token(), afterClose.get(2)).relogin();
        assertThat(t.order(afterClose.get(1)).get("Status").asText()).isEqualTo("New");
        set(monday.plusDays(1), "10:00:01");
        JsonNode gtd = t.awaitStatus(afterClose.get(1), "Expired");
        assertThat(gtd.get("Description").asText()).isEqualTo("Expired: GoodTillDate");
        assertThat(t.order(afterClose.get(0)).get("Status").asText()).isEqualTo("New");
        // A GoodTillDate already past is refused.
        t.refused(limit("MSFT", "Buy", 1, new BigDecimal("10"), "TimeInforce", "GoodTillDate", "ExpireDate",
                ny(monday.plusDays(1), "09:00").toString()), "ExpireDateInvalid");
    }

    @Test
    @Order(5)
    void ordersPlacedWhileClosedWaitForTheNextTradingDay() {
        LocalDate tuesday = monday.plusDays(1);
        set(tuesday, "21:00");
        assertThat(session()).isEqualTo(Session.CLOSED);
        Trader t = h.trader().relogin();
        Quote q = h.quote("KO");
        JsonNode day = t.place(limit("KO", "Buy", 3, times(q.last(), "1.2")));
        assertThat(day.get("Status").asText()).isEqualTo("New");
        assertThat(day.get("ExpireDate").asText()).as("the close of the next trading day")
                .isEqualTo(ny(tuesday.plusDays(1), "16:00").toString());
        JsonNode pre = t.place(limit("KO", "Buy", 2, times(q.last(), "1.2"), "ExtendedHours", "PRE"));
        assertThat(pre.get("Status").asText()).isEqualTo("New");
        JsonNode opening = t.place(limit("KO", "Buy", 1, times(q.last(), "1.2"), "TimeInforce", "AtTheOpening"));
        assertThat(opening.get("Status").asText()).isEqualTo("New");

        set(tuesday.plusDays(1), "04:00:01");
        assertThat(session()).isEqualTo(Session.PRE_MARKET);
        t.awaitStatus(id(pre), "Filled");
        assertThat(t.order(id(day)).get("Status").asText()).isEqualTo("New");
        set(tuesday.plusDays(1), "09:30:01");
        t.awaitStatus(id(day), "Filled");
        t.awaitStatus(id(opening), "Filled");
        assertThat(t.position("KO")).isEqualByComparingTo("6");
    }

    @Test
    @Order(6)
    void historyHasOneItemPerTradingDayOfTheWeek() {
        LocalDate wednesday = monday.plusDays(2);
        set(wednesday, "11:00");
        Trader t = weekTrader.relogin();
        JsonNode items = t.get("history?startDate=" + ny(monday.minusDays(3), "12:00") + "&endDate="
                + ny(wednesday, "11:00") + "&step=1").json();
        List<String> dates = new ArrayList<>();
        for (JsonNode item : items) {
            assertThat(fieldNames(item)).containsExactly("Date", "Value");
            dates.add(item.get("Date").asText());
        }
        assertThat(dates).containsExactly(monday.minusDays(3) + "T00:00:00Z", monday + "T00:00:00Z",
                monday.plusDays(1) + "T00:00:00Z", wednesday + "T00:00:00Z");
        assertThat(dec(items.get(0).get("Value"))).as("the Friday before the account").isEqualByComparingTo("0");
        for (int i = 1; i < 4; i++) {
            // $100,000 of cash and AAPL shares: the value moves only with AAPL.
            assertThat(dec(items.get(i).get("Value"))).isBetween(new BigDecimal("90000"), new BigDecimal("110000"));
        }
    }
}
