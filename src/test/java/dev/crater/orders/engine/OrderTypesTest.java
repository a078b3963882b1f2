package dev.crater.orders.engine;

import static dev.crater.orders.engine.Harness.AAPL;
import static dev.crater.orders.engine.Harness.fillsOf;
import static dev.crater.orders.engine.Harness.limit;
import static dev.crater.orders.engine.Harness.m;
import static dev.crater.orders.engine.Harness.market;
import static dev.crater.orders.engine.Harness.of;
import static dev.crater.orders.engine.Harness.one;
import static dev.crater.orders.engine.Harness.q;
import static dev.crater.orders.engine.Harness.rejected;
import static dev.crater.orders.engine.Harness.spec;
import static org.assertj.core.api.Assertions.assertThat;

import dev.crater.common.MarginType;
import dev.crater.market.Session;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Matching of every order type and time in force against simulated quotes. */
class OrderTypesTest {
    static final long ACC = 1;
    Harness h;

    @BeforeEach
    void setUp() {
        h = new Harness();
        h.clock(Session.REGULAR);
        h.funded(ACC, MarginType.Margin, "100000");
    }

    /** Buys 100 AAPL at 100.01 to have a position. */
    void own100() {
        h.tick(AAPL, "99.99", 1000, "100.01", 1000, "100.00");
        h.place(ACC, market(900, Side.Buy, 100));
    }

    @Test
    void marketBuyFillsAtTheAskAndSellAtTheBid() {
        h.tick(AAPL, "99.99", 500, "100.01", 300, "100.00");
        List<Event> ev = h.place(ACC, market(10, Side.Buy, 100));
        assertThat(ev.get(0)).isInstanceOf(Event.Accepted.class);
        Event.Fill f = one(ev, Event.Fill.class);
        assertThat(f.price()).isEqualTo(m("100.01"));
        assertThat(f.quantity()).isEqualTo(q(100));
        assertThat(f.status()).isEqualTo(OrderStatus.Filled);
        assertThat(f.entries()).singleElement().satisfies(e -> {
            assertThat(e.type()).isEqualTo(TxType.OrderExecution);
            assertThat(e.value()).isEqualTo(m("-10001"));
        });
        assertThat(h.engine.cash(ACC)).isEqualTo(m("89999"));
        PositionSnapshot p = one(ev, Event.PositionChanged.class).position();
        assertThat(p.quantity()).isEqualTo(q(100));
        assertThat(p.averageOpenPrice()).isEqualTo(m("100.01"));
        assertThat(h.engine.order(10)).isNull();

        Event.Fill s = one(h.place(ACC, market(11, Side.Sell, 100)), Event.Fill.class);
        assertThat(s.price()).isEqualTo(m("99.99"));
        PositionSnapshot after = h.engine.position(ACC, AAPL);
        assertThat(after.quantity()).isZero();
        assertThat(after.realizedPl()).isEqualTo(m("-2"));
        assertThat(after.averageClosePrice()).isEqualTo(m("99.99"));
        assertThat(h.engine.cash(ACC)).isEqualTo(m("99998"));
    }

    @Test
    void partialFillsAcrossTicksLimitedByQuotedSize() {
        h.tick(AAPL, "99.99", 500, "100.01", 300, "100.00");
        List<Event> ev = h.place(ACC, market(10, Side.Buy, 1000));
        assertThat(one(ev, Event.Fill.class).quantity()).isEqualTo(q(300));
        assertThat(h.engine.order(10).leaves()).isEqualTo(q(700));
        Event.Fill f2 = one(h.tick(AAPL, "100.00", 500, "100.02", 500, "100.01"), Event.Fill.class);
        assertThat(f2.quantity()).isEqualTo(q(500));
        assertThat(f2.status()).isEqualTo(OrderStatus.PartiallyFilled);
        Event.Fill f3 = one(h.tick(AAPL, "100.01", 500, "100.03", 400, "100.02"), Event.Fill.class);
        assertThat(f3.quantity()).isEqualTo(q(200));
        assertThat(f3.status()).isEqualTo(OrderStatus.Filled);
        assertThat(f3.averagePrice()).isEqualTo(m("100.019"));
        assertThat(h.engine.position(ACC, AAPL).costBasis()).isEqualTo(m("100019"));
    }

    @Test
    void ordersOnOneQuoteShareItsSize() {
        h.tick(AAPL, "99.99", 500, "100.01", 300, "100.00");
        assertThat(one(h.place(ACC, market(10, Side.Buy, 200)), Event.Fill.class).quantity()).isEqualTo(q(200));
        assertThat(one(h.place(ACC, market(11, Side.Buy, 200)), Event.Fill.class).quantity()).isEqualTo(q(100));
        assertThat(h.place(ACC, market(12, Side.Buy, 10))).noneMatch(e -> e instanceof Event.Fill);
        List<Event> ev = h.tick(AAPL, "99.99", 500, "100.01", 1000, "100.00");
        assertThat(fillsOf(ev, 11)).singleElement().satisfies(f -> assertThat(f.quantity()).isEqualTo(q(100)));
        assertThat(fillsOf(ev, 12)).hasSize(1);
        assertThat(ev.indexOf(fillsOf(ev, 11).get(0))).isLessThan(ev.indexOf(fillsOf(ev, 12).get(0)));
    }

    @Test
    void limitOrdersRestUntilTheQuoteReachesThem() {
        h.tick(AAPL, "99.99", 500, "100.01", 500, "100.00");
        assertThat(h.place(ACC, limit(10, Side.Buy, 100, "99.50"))).noneMatch(e -> e instanceof Event.Fill);
        assertThat(h.tick(AAPL, "99.50", 500, "99.60", 500, "99.55")).isEmpty();
        Event.Fill f = one(h.tick(AAPL, "99.30", 500, "99.40", 500, "99.35"), Event.Fill.class);
        assertThat(f.price()).as("price improvement to the ask").isEqualTo(m("99.40"));
        assertThat(h.engine.reserved(ACC)).isZero();

        h.place(ACC, limit(11, Side.Sell, 100, "100.50"));
        assertThat(h.tick(AAPL, "100.49", 500, "100.51", 500, "100.50")).isEmpty();
        assertThat(one(h.tick(AAPL, "100.50", 500, "100.52", 500, "100.51"), Event.Fill.class).price())
                .isEqualTo(m("100.50"));
    }

    @Test
    void betterPricedLimitsFillFirst() {
        h.tick(AAPL, "99.99", 500, "100.01", 500, "100.00");
        h.place(ACC, limit(10, Side.Buy, 100, "99.00"));
        h.place(ACC, limit(11, Side.Buy, 100, "99.50"));
        List<Event> ev = h.tick(AAPL, "98.90", 150, "98.95", 150, "98.92");
        assertThat(fillsOf(ev, 11).get(0).quantity()).isEqualTo(q(100));
        assertThat(fillsOf(ev, 10).get(0).quantity()).isEqualTo(q(50));
    }

    @Test
    void stopTriggersOnLastThenFillsAsMarket() {
        own100();
        h.place(ACC, spec(10).side(Side.Sell).type(OrderType.Stop).stop("95").qty(100).tif(TimeInForce.GoodTillCancel).build());
        assertThat(h.tick(AAPL, "95.99", 500, "96.01", 500, "96.00")).isEmpty();
        List<Event> ev = h.tick(AAPL, "94.90", 500, "95.10", 500, "95.00");
        Event.Triggered tr = one(ev, Event.Triggered.class);
        assertThat(tr.kind()).isEqualTo(TriggerKind.Stop);
        assertThat(tr.price()).isEqualTo(m("95"));
        assertThat(one(ev, Event.Fill.class).price()).isEqualTo(m("94.90"));

        h.place(ACC, spec(11).side(Side.Buy).type(OrderType.Stop).stop("105").qty(10).build());
        ev = h.tick(AAPL, "105.40", 500, "105.60", 500, "105.50");
        assertThat(one(ev, Event.Fill.class).price()).isEqualTo(m("105.60"));
    }

    @Test
    void stopLimitBecomesALimitWhenTriggered() {
        own100();
        h.place(ACC, spec(10).side(Side.Sell).type(OrderType.StopLimit).stop("95").limit("94.95").qty(100).build());
        List<Event> ev = h.tick(AAPL, "94.90", 500, "95.10", 500, "95.00");
        assertThat(of(ev, Event.Triggered.class)).hasSize(1);
        assertThat(of(ev, Event.Fill.class)).isEmpty();
        assertThat(h.engine.order(10).triggered()).isTrue();
        assertThat(one(h.tick(AAPL, "94.95", 500, "95.05", 500, "95.00"), Event.Fill.class).price()).isEqualTo(m("94.95"));
    }

    @Test
    void trailingStopFollowsTheHighestLast() {
        own100();
        h.place(ACC, spec(10).side(Side.Sell).type(OrderType.TrailingStop).trailing("2", TrailType.Absolute).qty(100)
                .tif(TimeInForce.GoodTillCancel).build());
        assertThat(h.engine.order(10).stopPrice()).isEqualTo(m("98"));
        h.tick(AAPL, "102.99", 500, "103.01", 500, "103.00");
        assertThat(h.engine.order(10).stopPrice()).isEqualTo(m("101"));
        h.tick(AAPL, "101.49", 500, "101.51", 500, "101.50");
        assertThat(h.engine.order(10).stopPrice()).as("never moves down").isEqualTo(m("101"));
        List<Event> ev = h.tick(AAPL, "100.90", 500, "101.10", 500, "101.00");
        assertThat(one(ev, Event.Triggered.class).price()).isEqualTo(m("101"));
        assertThat(one(ev, Event.Fill.class).price()).isEqualTo(m("100.90"));
    }

    @Test
    void trailingPercentBuyStopFollowsTheLowestLastRoundedToTick() {
        h.tick(AAPL, "99.99", 500, "100.01", 500, "100.00");
        h.place(ACC, spec(10).side(Side.Buy).type(OrderType.TrailingStop).trailing("5", TrailType.Persentage).qty(10).build());
        assertThat(h.engine.order(10).stopPrice()).isEqualTo(m("105"));
        h.tick(AAPL, "89.99", 500, "90.01", 500, "90.00");
        assertThat(h.engine.order(10).stopPrice()).isEqualTo(m("94.50"));
        h.tick(AAPL, "33.32", 500, "33.34", 500, "33.33");
        assertThat(h.engine.order(10).stopPrice()).as("33.33 × 1.05 = 34.9965 → 35.00").isEqualTo(m("35.00"));
        Event.Fill f = one(h.tick(AAPL, "34.99", 500, "35.01", 500, "35.00"), Event.Fill.class);
        assertThat(f.price()).isEqualTo(m("35.01"));
    }

    @Test
    void trailingStopLimitFixesItsLimitAtTrigger() {
        h.tick(AAPL, "49.99", 500, "50.01", 500, "50.00");
        h.place(ACC, market(900, Side.Buy, 100));
        h.place(ACC, spec(10).side(Side.Sell).type(OrderType.TrailingStopLimit).trailing("1", TrailType.Absolute)
                .trailingLimit("0.5", TrailType.Absolute).qty(100).build());
        assertThat(h.engine.order(10).stopPrice()).isEqualTo(m("49"));
        h.tick(AAPL, "51.99", 500, "52.01", 500, "52.00");
        List<Event> ev = h.tick(AAPL, "50.40", 500, "51.20", 500, "51.00");
        assertThat(of(ev, Event.Triggered.class)).hasSize(1);
        assertThat(of(ev, Event.Fill.class)).isEmpty();
        assertThat(h.engine.order(10).limitPrice()).isEqualTo(m("50.50"));
        assertThat(one(h.tick(AAPL, "50.60", 500, "50.80", 500, "50.70"), Event.Fill.class).price()).isEqualTo(m("50.60"));
    }

    @Test
    void allOrNoneWaitsForTheWholeQuantity() {
        h.tick(AAPL, "99.99", 500, "100.01", 300, "100.00");
        assertThat(h.place(ACC, spec(10).side(Side.Buy).qty(500).allOrNone(true).build()))
                .noneMatch(e -> e instanceof Event.Fill);
        assertThat(h.tick(AAPL, "99.99", 500, "100.01", 499, "100.00")).isEmpty();
        Event.Fill f = one(h.tick(AAPL, "99.99", 500, "100.01", 600, "100.00"), Event.Fill.class);
        assertThat(f.quantity()).isEqualTo(q(500));
    }

    @Test
    void immediateOrCancelFillsWhatIsThereAndCancelsTheRest() {
        h.tick(AAPL, "99.99", 500, "100.01", 300, "100.00");
        List<Event> ev = h.place(ACC, spec(10).side(Side.Buy).qty(500).tif(TimeInForce.ImmediateOrCancel).build());
        assertThat(one(ev, Event.Fill.class).quantity()).isEqualTo(q(300));
        Event.Canceled c = one(ev, Event.Canceled.class);
        assertThat(c.executed()).isEqualTo(q(300));
        assertThat(h.engine.order(10)).isNull();
        ev = h.place(ACC, spec(11).side(Side.Buy).type(OrderType.Limit).limit("99").qty(5).tif(TimeInForce.ImmediateOrCancel).build());
        assertThat(of(ev, Event.Fill.class)).isEmpty();
        assertThat(one(ev, Event.Canceled.class).executed()).isZero();
    }

    @Test
    void fillOrKillIsAllAtOnceOrNothing() {
        h.tick(AAPL, "99.99", 500, "100.01", 300, "100.00");
        List<Event> ev = h.place(ACC, spec(10).side(Side.Buy).qty(500).tif(TimeInForce.FillOrKill).build());
        assertThat(of(ev, Event.Fill.class)).isEmpty();
        assertThat(of(ev, Event.Canceled.class)).hasSize(1);
        ev = h.place(ACC, spec(11).side(Side.Buy).qty(300).tif(TimeInForce.FillOrKill).build());
        assertThat(one(ev, Event.Fill.class).quantity()).isEqualTo(q(300));
        assertThat(of(ev, Event.Canceled.class)).isEmpty();
    }

    @Test
    void atTheOpeningTriesOnceOnTheFirstRegularQuote() {
        Harness p = new Harness();
        p.clock(Session.PRE_MARKET);
        p.funded(ACC, MarginType.Margin, "100000");
        p.tick(AAPL, "99.99", 500, "100.01", 500, "100.00", Session.PRE_MARKET, false);
        List<Event> ev = p.place(ACC, spec(10).side(Side.Buy).qty(100).tif(TimeInForce.AtTheOpening).build());
        assertThat(of(ev, Event.Fill.class)).isEmpty();
        assertThat(p.tick(AAPL, "99.99", 500, "100.01", 500, "100.00", Session.PRE_MARKET, false)).isEmpty();
        ev = p.tick(AAPL, "100.49", 500, "100.51", 40, "100.50", Session.REGULAR, false);
        assertThat(one(ev, Event.Fill.class).quantity()).isEqualTo(q(40));
        assertThat(one(ev, Event.Canceled.class).executed()).isEqualTo(q(40));
        assertThat(rejected(p.place(ACC, spec(11).side(Side.Buy).qty(1).tif(TimeInForce.AtTheOpening).build())).code())
                .isEqualTo(RejectCode.OpeningPassed);
    }

    @Test
    void atTheOpeningIsCanceledWhenTheOpenPassesWithoutAQuote() {
        Harness p = new Harness();
        p.clock(Session.PRE_MARKET);
        p.funded(ACC, MarginType.Margin, "100000");
        p.tick(AAPL, "99.99", 500, "100.01", 500, "100.00", Session.PRE_MARKET, false);
        p.place(ACC, spec(10).side(Side.Buy).type(OrderType.Limit).limit("100").qty(100).tif(TimeInForce.AtTheOpening).build());
        p.clock(Session.REGULAR);
        assertThat(one(p.clock(Session.POST_MARKET), Event.Canceled.class).orderId()).isEqualTo(10);
    }

    @Test
    void nothingTradesWhileHalted() {
        h.tick(AAPL, "99.99", 500, "100.01", 500, "100.00", Session.REGULAR, true);
        assertThat(h.place(ACC, market(10, Side.Buy, 100))).noneMatch(e -> e instanceof Event.Fill);
        assertThat(h.tick(AAPL, "99.99", 500, "100.01", 500, "100.00", Session.REGULAR, true)).isEmpty();
        assertThat(one(h.tick(AAPL, "99.99", 500, "100.02", 500, "100.00"), Event.Fill.class).price()).isEqualTo(m("100.02"));
    }

    @Test
    void ordersTradeOnlyInTheirSessions() {
        Harness p = new Harness();
        p.clock(Session.PRE_MARKET);
        p.funded(ACC, MarginType.Margin, "100000");
        p.tick(AAPL, "99.99", 500, "100.01", 500, "100.00", Session.PRE_MARKET, false);
        assertThat(p.place(ACC, limit(10, Side.Buy, 10, "101"))).noneMatch(e -> e instanceof Event.Fill);
        List<Event> ev = p.place(ACC, spec(11).side(Side.Buy).type(OrderType.Limit).limit("101").qty(10)
                .sessions(Set.of(Session.PRE_MARKET, Session.REGULAR)).build());
        assertThat(one(ev, Event.Fill.class).price()).isEqualTo(m("100.01"));
        assertThat(p.tick(AAPL, "99.99", 500, "100.01", 500, "100.00", Session.PRE_MARKET, false)).isEmpty();
        assertThat(fillsOf(p.tick(AAPL, "99.99", 500, "100.01", 500, "100.00"), 10)).hasSize(1);
        assertThat(rejected(p.place(ACC, spec(12).side(Side.Buy).qty(1).sessions(Set.of(Session.PRE_MARKET)).build()))
                .code()).isEqualTo(RejectCode.ExtendedHoursLimitOnly);
    }

    @Test
    void staleQuoteFromAnotherSessionIsNotTraded() {
        h.tick(AAPL, "99.99", 500, "100.01", 500, "100.00");
        h.clock(Session.POST_MARKET);
        h.clock(Session.CLOSED);
        h.clock(Session.PRE_MARKET);
        h.clock(Session.REGULAR);
        assertThat(h.place(ACC, market(10, Side.Buy, 1))).noneMatch(e -> e instanceof Event.Fill);
        assertThat(fillsOf(h.quote(AAPL, "100"), 10)).hasSize(1);
    }

    @Test
    void dayOrdersExpireAtTheCloseOfTheirLastSession() {
        h.tick(AAPL, "99.99", 500, "100.01", 500, "100.00");
        h.place(ACC, limit(10, Side.Buy, 10, "90"));
        h.place(ACC, spec(11).side(Side.Buy).type(OrderType.Limit).limit("90").qty(10)
                .sessions(Set.of(Session.REGULAR, Session.POST_MARKET)).build());
        h.place(ACC, spec(12).side(Side.Buy).type(OrderType.Limit).limit("90").qty(10).tif(TimeInForce.GoodTillCancel).build());
        List<Event> ev = h.clock(Session.POST_MARKET);
        assertThat(one(ev, Event.Expired.class).orderId()).isEqualTo(10);
        assertThat(rejected(h.place(ACC, limit(13, Side.Buy, 10, "90"))).code()).isEqualTo(RejectCode.MarketClosedForDayOrder);
        ev = h.clock(Session.CLOSED);
        assertThat(one(ev, Event.Expired.class).orderId()).isEqualTo(11);
        assertThat(h.engine.order(12)).isNotNull();
        assertThat(h.engine.reserved(ACC)).as("margin: 10 × 90 / 2").isEqualTo(m("450"));
    }

    @Test
    void dayOrderPlacedOvernightWaitsForTheNextDay() {
        h.clock(Session.POST_MARKET);
        h.clock(Session.CLOSED);
        h.place(ACC, limit(10, Side.Buy, 10, "101"));
        assertThat(h.clock(Session.PRE_MARKET)).isEmpty();
        h.clock(Session.REGULAR);
        assertThat(fillsOf(h.quote(AAPL, "100"), 10)).hasSize(1);
    }

    @Test
    void goodTillDateExpiresAtItsTime() {
        h.tick(AAPL, "99.99", 500, "100.01", 500, "100.00");
        long at = h.time + 60_000;
        h.place(ACC, spec(10).side(Side.Buy).type(OrderType.Limit).limit("90").qty(10).tif(TimeInForce.GoodTillDate)
                .expireAt(at).build());
        assertThat(h.clockAt(at - 1, Session.REGULAR)).isEmpty();
        assertThat(one(h.clockAt(at, Session.REGULAR), Event.Expired.class).orderId()).isEqualTo(10);
        assertThat(rejected(h.place(ACC, spec(11).side(Side.Buy).type(OrderType.Limit).limit("90").qty(1)
                .tif(TimeInForce.GoodTillDate).expireAt(at - 5).build())).code()).isEqualTo(RejectCode.ExpireDateInvalid);
    }

    @Test
    void cancelRules() {
        h.tick(AAPL, "99.99", 500, "100.01", 500, "100.00");
        h.place(ACC, limit(10, Side.Buy, 10, "90"));
        assertThat(rejected(h.cancel(2, 10)).code()).isEqualTo(RejectCode.OrderNotFound);
        Event.Canceled c = one(h.cancel(ACC, 10), Event.Canceled.class);
        assertThat(c.reason()).isEqualTo("Canceled by user");
        assertThat(rejected(h.cancel(ACC, 10)).code()).isEqualTo(RejectCode.OrderNotFound);
        assertThat(h.engine.reserved(ACC)).isZero();
    }

    @Test
    void replaceChangesPriceAndQuantityAndCanFillAtOnce() {
        h.tick(AAPL, "99.99", 500, "100.01", 500, "100.00");
        h.place(ACC, limit(10, Side.Buy, 10, "90"));
        List<Event> ev = h.replace(10, q(20), m("95"), Fixed.NONE);
        OrderSnapshot o = one(ev, Event.Replaced.class).order();
        assertThat(o.quantity()).isEqualTo(q(20));
        assertThat(o.limitPrice()).isEqualTo(m("95"));
        assertThat(h.engine.reserved(ACC)).as("margin 2x: 20 × 95 / 2").isEqualTo(m("950"));
        ev = h.replace(10, Fixed.NONE, m("100.01"), Fixed.NONE);
        assertThat(one(ev, Event.Fill.class).price()).isEqualTo(m("100.01"));
    }

    @Test
    void replaceRules() {
        h.tick(AAPL, "99.99", 500, "100.01", 5, "100.00");
        h.place(ACC, market(10, Side.Buy, 10));
        assertThat(rejected(h.replace(10, q(20), Fixed.NONE, Fixed.NONE)).code()).isEqualTo(RejectCode.OrderNotReplaceable);
        h.place(ACC, limit(11, Side.Buy, 10, "100.01"));
        assertThat(h.engine.order(11)).isNotNull();
        h.tick(AAPL, "99.99", 500, "100.01", 9, "100.00");
        assertThat(h.engine.order(10)).as("the market order was first in line").isNull();
        assertThat(h.engine.order(11).executed()).isEqualTo(q(4));
        assertThat(rejected(h.replace(11, q(4), Fixed.NONE, Fixed.NONE)).code()).isEqualTo(RejectCode.QuantityInvalid);
        assertThat(rejected(h.replace(11, Fixed.NONE, Fixed.NONE, m("99"))).code()).isEqualTo(RejectCode.ReplaceFieldInvalid);
        assertThat(rejected(h.replace(11, Fixed.NONE, m("99.005"), Fixed.NONE)).code()).isEqualTo(RejectCode.PriceNotOnTick);
        assertThat(rejected(h.replace(99, q(4), Fixed.NONE, Fixed.NONE)).code()).isEqualTo(RejectCode.OrderNotFound);
        assertThat(rejected(h.replace(11, q(100_000), Fixed.NONE, Fixed.NONE)).code())
                .isEqualTo(RejectCode.DayTradingBuyingPowerExceeded);
        assertThat(h.engine.order(11).quantity()).as("failed replace leaves the order unchanged").isEqualTo(q(10));
    }

    @Test
    void replaceLosesQueuePriority() {
        h.tick(AAPL, "99.99", 500, "100.01", 500, "100.00");
        h.place(ACC, limit(10, Side.Buy, 10, "99"));
        h.place(ACC, limit(11, Side.Buy, 10, "99"));
        h.replace(10, q(11), Fixed.NONE, Fixed.NONE);
        List<Event> ev = h.tick(AAPL, "98.98", 500, "98.99", 10, "98.99");
        assertThat(fillsOf(ev, 11)).hasSize(1);
        assertThat(fillsOf(ev, 10)).isEmpty();
    }

    @Test
    void replaceGoodTillDateMovesTheExpiry() {
        h.tick(AAPL, "99.99", 500, "100.01", 500, "100.00");
        long at = h.time + 60_000;
        h.place(ACC, spec(10).side(Side.Buy).type(OrderType.Limit).limit("90").qty(10).tif(TimeInForce.GoodTillDate)
                .expireAt(at).build());
        h.run(new Command.Replace(h.next(), ACC, 10, Fixed.NONE, Fixed.NONE, Fixed.NONE, Fixed.NONE, Fixed.NONE, at + 60_000));
        assertThat(h.clockAt(at, Session.REGULAR)).isEmpty();
        assertThat(one(h.clockAt(at + 60_000, Session.REGULAR), Event.Expired.class).orderId()).isEqualTo(10);
    }

    @Test
    void replaceTrailingAmountRecomputesTheStop() {
        own100();
        h.place(ACC, spec(10).side(Side.Sell).type(OrderType.TrailingStop).trailing("2", TrailType.Absolute).qty(100).build());
        h.run(new Command.Replace(h.next(), ACC, 10, Fixed.NONE, Fixed.NONE, Fixed.NONE, m("1"), Fixed.NONE, Fixed.NONE));
        assertThat(h.engine.order(10).stopPrice()).isEqualTo(m("99"));
    }
}
