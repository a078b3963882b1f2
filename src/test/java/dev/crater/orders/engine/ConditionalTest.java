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
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** OneCancelOther, OneTriggerOther, OneTriggerOneCancelOther and option spreads. */
class ConditionalTest {
    static final long ACC = 1;
    static final int CALL100 = 101;
    static final int CALL105 = 102;
    Harness h;

    @BeforeEach
    void setUp() {
        h = new Harness();
        h.clock(Session.REGULAR);
        h.funded(ACC, MarginType.Margin, "100000");
        h.tick(AAPL, "99.99", 1000, "100.01", 1000, "100.00");
    }

    static OrderSpec group(long id, OrderType type, OrderSpec... legs) {
        return OrderSpec.builder(id).security(0, "").type(type).tif(TimeInForce.GoodTillCancel).legs(List.of(legs)).build();
    }

    static OrderSpec sellStop(long id, long qty, String stop) {
        return spec(id).side(Side.Sell).type(OrderType.Stop).stop(stop).qty(qty).tif(TimeInForce.GoodTillCancel).build();
    }

    static OrderSpec gtcLimit(long id, Side side, long qty, String price) {
        return spec(id).side(side).type(OrderType.Limit).limit(price).qty(qty).tif(TimeInForce.GoodTillCancel).build();
    }

    @Test
    void oneCancelOtherFillOfOneCancelsTheOther() {
        h.place(ACC, market(9, Side.Buy, 100));
        List<Event> ev = h.place(ACC, group(20, OrderType.OneCancelOther, gtcLimit(21, Side.Sell, 100, "110"), sellStop(22, 100, "90")));
        assertThat(of(ev, Event.Accepted.class)).extracting(Event.Accepted::orderId).containsExactly(20L, 21L, 22L);
        assertThat(of(ev, Event.Accepted.class)).allMatch(a -> a.status() == OrderStatus.New);
        ev = h.tick(AAPL, "110.00", 1000, "110.02", 1000, "110.01");
        assertThat(fillsOf(ev, 21)).hasSize(1);
        assertThat(one(ev, Event.Canceled.class).orderId()).isEqualTo(22);
        Event.GroupCompleted g = one(ev, Event.GroupCompleted.class);
        assertThat(g.orderId()).isEqualTo(20);
        assertThat(g.status()).isEqualTo(OrderStatus.Filled);
        assertThat(h.engine.openOrders(ACC)).isEmpty();
    }

    @Test
    void oneCancelOtherEvenAPartialFillCancelsTheOther() {
        h.place(ACC, market(9, Side.Buy, 100));
        h.place(ACC, group(20, OrderType.OneCancelOther, gtcLimit(21, Side.Sell, 100, "110"), sellStop(22, 100, "90")));
        List<Event> ev = h.tick(AAPL, "110.00", 40, "110.02", 1000, "110.01");
        assertThat(fillsOf(ev, 21).get(0).quantity()).isEqualTo(q(40));
        assertThat(one(ev, Event.Canceled.class).orderId()).isEqualTo(22);
        assertThat(of(ev, Event.GroupCompleted.class)).isEmpty();
        ev = h.tick(AAPL, "110.00", 100, "110.02", 1000, "110.01");
        assertThat(fillsOf(ev, 21).get(0).status()).isEqualTo(OrderStatus.Filled);
        assertThat(one(ev, Event.GroupCompleted.class).status()).isEqualTo(OrderStatus.Filled);
    }

    @Test
    void oneTriggerOtherActivatesTheSecondLegWhenTheFirstIsFilled() {
        List<Event> ev = h.place(ACC, group(20, OrderType.OneTriggerOther, gtcLimit(21, Side.Buy, 100, "99"),
                gtcLimit(22, Side.Sell, 100, "110")));
        assertThat(of(ev, Event.Accepted.class)).extracting(Event.Accepted::status)
                .containsExactly(OrderStatus.New, OrderStatus.New, OrderStatus.Suspended);
        assertThat(h.engine.order(22).status()).isEqualTo(OrderStatus.Suspended);
        ev = h.tick(AAPL, "98.98", 1000, "99.00", 60, "98.99");
        assertThat(of(ev, Event.Triggered.class)).as("partial fill does not trigger").isEmpty();
        ev = h.tick(AAPL, "98.98", 1000, "99.00", 60, "98.99");
        assertThat(fillsOf(ev, 21).get(0).status()).isEqualTo(OrderStatus.Filled);
        Event.Triggered tr = one(ev, Event.Triggered.class);
        assertThat(tr.orderId()).isEqualTo(22);
        assertThat(tr.kind()).isEqualTo(TriggerKind.Activated);
        assertThat(h.engine.order(22).status()).isEqualTo(OrderStatus.New);
        ev = h.tick(AAPL, "110.00", 1000, "110.02", 1000, "110.01");
        assertThat(fillsOf(ev, 22)).hasSize(1);
        assertThat(one(ev, Event.GroupCompleted.class).status()).isEqualTo(OrderStatus.Filled);
        assertThat(h.engine.position(ACC, AAPL).quantity()).isZero();
        assertThat(h.engine.position(ACC, AAPL).realizedPl()).isEqualTo(m("1100"));
    }

    @Test
    void oneTriggerOneCancelOtherBracket() {
        h.place(ACC, group(20, OrderType.OneTriggerOneCancelOther, gtcLimit(21, Side.Buy, 100, "100.01"),
                gtcLimit(22, Side.Sell, 100, "110"), sellStop(23, 100, "95")));
        assertThat(h.engine.position(ACC, AAPL).quantity()).isEqualTo(q(100));
        assertThat(h.engine.order(22).status()).isEqualTo(OrderStatus.New);
        assertThat(h.engine.order(23).status()).isEqualTo(OrderStatus.New);
        List<Event> ev = h.tick(AAPL, "93.90", 1000, "94.10", 1000, "94.00");
        assertThat(fillsOf(ev, 23).get(0).price()).isEqualTo(m("93.90"));
        assertThat(one(ev, Event.Canceled.class).orderId()).isEqualTo(22);
        assertThat(one(ev, Event.GroupCompleted.class).status()).isEqualTo(OrderStatus.Filled);
    }

    @Test
    void cancelingTheParentCancelsLiveAndWaitingLegs() {
        h.place(ACC, group(20, OrderType.OneTriggerOneCancelOther, gtcLimit(21, Side.Buy, 100, "90"),
                gtcLimit(22, Side.Sell, 100, "110"), sellStop(23, 100, "85")));
        List<Event> ev = h.cancel(ACC, 20);
        assertThat(of(ev, Event.Canceled.class)).extracting(Event.Canceled::orderId).containsExactlyInAnyOrder(21L, 22L, 23L);
        assertThat(one(ev, Event.GroupCompleted.class).status()).isEqualTo(OrderStatus.Canceled);
        assertThat(h.engine.openOrders(ACC)).isEmpty();
        assertThat(h.engine.reserved(ACC)).isZero();
    }

    @Test
    void cancelingALegCancelsTheGroup() {
        h.place(ACC, market(9, Side.Buy, 100));
        h.place(ACC, group(20, OrderType.OneCancelOther, gtcLimit(21, Side.Sell, 100, "110"), sellStop(22, 100, "90")));
        List<Event> ev = h.cancel(ACC, 22);
        assertThat(of(ev, Event.Canceled.class)).hasSize(2);
        assertThat(one(ev, Event.GroupCompleted.class).orderId()).isEqualTo(20);
    }

    @Test
    void triggerLegEndingUnfilledCancelsDependents() {
        h.place(ACC, group(20, OrderType.OneTriggerOther,
                spec(21).side(Side.Buy).type(OrderType.Limit).limit("90").qty(10).tif(TimeInForce.Day).build(),
                gtcLimit(22, Side.Sell, 10, "110")));
        List<Event> ev = h.clock(Session.POST_MARKET);
        assertThat(one(ev, Event.Expired.class).orderId()).isEqualTo(21);
        assertThat(one(ev, Event.Canceled.class).orderId()).isEqualTo(22);
        assertThat(one(ev, Event.GroupCompleted.class).status()).isEqualTo(OrderStatus.Expired);
    }

    @Test
    void dependentLegFailingItsChecksAtActivationIsRejected() {
        h.place(ACC, group(20, OrderType.OneTriggerOther, gtcLimit(21, Side.Buy, 10, "100.01"),
                gtcLimit(22, Side.Sell, 20, "110")));
        Event.Rejected r = rejected(h.events);
        assertThat(r.ref()).isEqualTo(22);
        assertThat(r.code()).isEqualTo(RejectCode.InsufficientPosition);
        assertThat(one(h.events, Event.GroupCompleted.class).status()).isEqualTo(OrderStatus.Rejected);
    }

    @Test
    void legsRules() {
        assertThat(rejected(h.place(ACC, group(20, OrderType.OneCancelOther, market(21, Side.Buy, 1), market(22, Side.Buy, 1))))
                .code()).isEqualTo(RejectCode.LegsInvalid);
        assertThat(rejected(h.place(ACC, group(20, OrderType.OneTriggerOther, market(21, Side.Buy, 1), gtcLimit(22, Side.Sell, 1, "110"))))
                .code()).isEqualTo(RejectCode.LegsInvalid);
        assertThat(rejected(h.place(ACC, group(20, OrderType.OneTriggerOneCancelOther, gtcLimit(21, Side.Buy, 1, "90"),
                gtcLimit(22, Side.Sell, 1, "110")))).code()).isEqualTo(RejectCode.LegsInvalid);
        assertThat(rejected(h.place(ACC, group(20, OrderType.OneCancelOther, gtcLimit(21, Side.Buy, 1, "90"),
                gtcLimit(21, Side.Buy, 1, "91")))).code()).isEqualTo(RejectCode.DuplicateOrderId);
        assertThat(rejected(h.place(ACC, group(20, OrderType.OneCancelOther, gtcLimit(21, Side.Buy, 1, "90"),
                spec(22).side(Side.Buy).type(OrderType.Limit).limit("91").qty(1).tif(TimeInForce.ImmediateOrCancel).build())))
                .code()).isEqualTo(RejectCode.TimeInForceInvalid);
        assertThat(rejected(h.place(ACC, group(20, OrderType.OneCancelOther, gtcLimit(21, Side.Buy, 1, "90"),
                gtcLimit(22, Side.Sell, 1, "110")))).code()).as("active OCO legs need their position")
                .isEqualTo(RejectCode.InsufficientPosition);
        assertThat(h.engine.openOrders(ACC)).isEmpty();
    }

    @Test
    void ocoBuyLegsReserveBoth() {
        h.place(ACC, group(20, OrderType.OneCancelOther, gtcLimit(21, Side.Buy, 100, "90"),
                spec(22).side(Side.Buy).type(OrderType.Stop).stop("110").qty(100).tif(TimeInForce.GoodTillCancel).build()));
        assertThat(h.engine.reserved(ACC)).isEqualTo(m("4500") + m("5500"));
    }

    // ---------------------------------------------------------------------------------- spreads

    void optionQuotes(String askLong) {
        h.tick(CALL100, "5.00", 50, askLong, 50, "5.10");
        h.tick(CALL105, "2.00", 50, "2.10", 50, "2.05");
    }

    static OrderSpec leg(long id, int sec, Side side, long qty) {
        return OrderSpec.builder(id).security(sec, "AAPL  261218C00" + sec).instrument(Instrument.option()).side(side)
                .qty(qty).build();
    }

    static OrderSpec vertical(long id, OrderType type, String limit, long qty) {
        OrderSpec.Builder b = OrderSpec.builder(id).security(0, "").type(type).qty(qty).tif(TimeInForce.GoodTillCancel)
                .legs(List.of(leg(id + 1, CALL100, Side.Buy, qty), leg(id + 2, CALL105, Side.SellShort, qty)));
        if (limit != null) {
            b.limit(limit);
        }
        return b.build();
    }

    @Test
    void verticalSpreadFillsAllLegsTogetherAtTheNetOfTheQuotes() {
        optionQuotes("5.20");
        List<Event> ev = h.place(ACC, vertical(30, OrderType.Limit, "3.10", 10));
        assertThat(of(ev, Event.Accepted.class)).hasSize(3);
        assertThat(of(ev, Event.Fill.class)).as("net 3.20 > limit 3.10").isEmpty();
        ev = h.tick(CALL100, "5.00", 50, "5.10", 50, "5.05");
        assertThat(fillsOf(ev, 31).get(0).price()).isEqualTo(m("5.10"));
        assertThat(fillsOf(ev, 32).get(0).price()).isEqualTo(m("2.00"));
        Event.Fill root = fillsOf(ev, 30).get(0);
        assertThat(root.price()).isEqualTo(m("3.10"));
        assertThat(root.quantity()).isEqualTo(q(10));
        assertThat(root.status()).isEqualTo(OrderStatus.Filled);
        assertThat(h.engine.position(ACC, CALL100).quantity()).isEqualTo(q(10));
        assertThat(h.engine.position(ACC, CALL105).quantity()).isEqualTo(q(-10));
        assertThat(h.engine.cash(ACC)).isEqualTo(m("100000") - m("3100"));
        assertThat(h.engine.openOrders(ACC)).isEmpty();
    }

    @Test
    void spreadFillsArePartialAcrossTicksByQuotedSize() {
        optionQuotes("5.20");
        h.tick(CALL105, "2.00", 4, "2.10", 50, "2.05");
        List<Event> ev = h.place(ACC, vertical(30, OrderType.Market, null, 10));
        assertThat(fillsOf(ev, 30).get(0).quantity()).isEqualTo(q(4));
        ev = h.tick(CALL105, "2.00", 50, "2.10", 50, "2.05");
        assertThat(fillsOf(ev, 30).get(0).quantity()).isEqualTo(q(6));
        assertThat(fillsOf(ev, 30).get(0).averagePrice()).isEqualTo(m("3.20"));
    }

    @Test
    void spreadLegRatiosAndCommissions() {
        Harness c = new Harness();
        c.clock(Session.REGULAR);
        c.open(ACC, MarginType.Margin, new CommissionPlan(m("1"), m("0.005"), m("0.65")));
        c.deposit(ACC, "100000");
        c.tick(CALL100, "5.00", 50, "5.20", 50, "5.10");
        c.tick(CALL105, "2.00", 50, "2.10", 50, "2.05");
        OrderSpec s = OrderSpec.builder(30).security(0, "").type(OrderType.Market).qty(5).tif(TimeInForce.Day)
                .legs(List.of(leg(31, CALL100, Side.Buy, 5), leg(32, CALL105, Side.SellShort, 10))).build();
        List<Event> ev = c.place(ACC, s);
        Event.Fill root = fillsOf(ev, 30).get(0);
        assertThat(root.price()).as("5.20 − 2 × 2.00").isEqualTo(m("1.20"));
        assertThat(root.perTradeCommission()).isEqualTo(m("1"));
        assertThat(fillsOf(ev, 32).get(0).perContractCommission()).isEqualTo(m("6.5"));
        assertThat(c.engine.cash(ACC)).isEqualTo(m("100000") - m("2600") + m("2000") - m("1") - m("3.25") - m("6.5"));
    }

    @Test
    void spreadRules() {
        optionQuotes("5.20");
        assertThat(rejected(h.place(ACC, OrderSpec.builder(30).security(0, "").type(OrderType.Limit).qty(1)
                .legs(List.of(leg(31, CALL100, Side.Buy, 1), leg(32, CALL105, Side.SellShort, 1))).build())).code())
                .isEqualTo(RejectCode.LimitPriceUndefined);
        assertThat(rejected(h.place(ACC, OrderSpec.builder(30).security(0, "").type(OrderType.Market).qty(2)
                .legs(List.of(leg(31, CALL100, Side.Buy, 3), leg(32, CALL105, Side.SellShort, 2))).build())).code())
                .isEqualTo(RejectCode.QuantityInvalid);
        assertThat(rejected(h.place(ACC, OrderSpec.builder(30).security(0, "").type(OrderType.Market).qty(1)
                .legs(List.of(leg(31, CALL100, Side.Buy, 1), spec(32).side(Side.Sell).qty(1).build())).build())).code())
                .isEqualTo(RejectCode.LegsInvalid);
        assertThat(rejected(h.place(ACC, OrderSpec.builder(30).security(0, "").type(OrderType.Stop).qty(1)
                .legs(List.of(leg(31, CALL100, Side.Buy, 1), leg(32, CALL105, Side.SellShort, 1))).build())).code())
                .isEqualTo(RejectCode.LegsInvalid);
        h.tick(CALL100, "0", 0, "0", 0, "5.10");
        assertThat(rejected(h.place(ACC, vertical(30, OrderType.Market, null, 1))).code()).isEqualTo(RejectCode.QuotePriceIsInvalid);
        Harness cash = new Harness();
        cash.clock(Session.REGULAR);
        cash.funded(2, MarginType.Cash, "100000");
        cash.tick(CALL100, "5.00", 50, "5.20", 50, "5.10");
        cash.tick(CALL105, "2.00", 50, "2.10", 50, "2.05");
        assertThat(rejected(cash.place(2, vertical(30, OrderType.Market, null, 1))).code())
                .isEqualTo(RejectCode.CashAccountCannotShort);
    }

    @Test
    void spreadCancelAndLegCancel() {
        optionQuotes("5.20");
        h.place(ACC, vertical(30, OrderType.Limit, "1.00", 10));
        assertThat(h.engine.reserved(ACC)).as("long leg 5.20×1000 + short leg 150 % of 2.00×1000").isEqualTo(m("8200"));
        assertThat(rejected(h.cancel(ACC, 31)).code()).isEqualTo(RejectCode.OrderNotCancelable);
        List<Event> ev = h.cancel(ACC, 30);
        assertThat(of(ev, Event.Canceled.class)).extracting(Event.Canceled::orderId).containsExactly(31L, 32L, 30L);
        assertThat(h.engine.reserved(ACC)).isZero();
    }

    @Test
    void spreadImmediateOrCancel() {
        optionQuotes("5.20");
        OrderSpec s = OrderSpec.builder(30).security(0, "").type(OrderType.Limit).limit("1").qty(1)
                .tif(TimeInForce.ImmediateOrCancel)
                .legs(List.of(leg(31, CALL100, Side.Buy, 1), leg(32, CALL105, Side.SellShort, 1))).build();
        List<Event> ev = h.place(ACC, s);
        assertThat(of(ev, Event.Fill.class)).isEmpty();
        assertThat(of(ev, Event.Canceled.class)).hasSize(3);
    }

    @Test
    void buyToCloseAndSellToCloseSpreadLegsRespectPositions() {
        optionQuotes("5.20");
        h.place(ACC, vertical(30, OrderType.Market, null, 2));
        OrderSpec close = OrderSpec.builder(40).security(0, "").type(OrderType.Market).qty(2).tif(TimeInForce.Day)
                .legs(List.of(leg(41, CALL100, Side.Sell, 2), leg(42, CALL105, Side.BuyToCover, 2))).build();
        List<Event> ev = h.place(ACC, close);
        assertThat(fillsOf(ev, 40).get(0).price()).as("credit: −5.00 + 2.10").isEqualTo(m("-2.90"));
        assertThat(h.engine.position(ACC, CALL100).quantity()).isZero();
        assertThat(h.engine.position(ACC, CALL105).quantity()).isZero();
        assertThat(rejected(h.place(ACC, OrderSpec.builder(50).security(0, "").type(OrderType.Market).qty(1)
                .legs(List.of(leg(51, CALL100, Side.Sell, 1), leg(52, CALL105, Side.BuyToCover, 1))).build())).code())
                .isEqualTo(RejectCode.InsufficientPosition);
    }

    @Test
    void legsCanTradeOtherSecuritiesThanEachOther() {
        h.tick(Harness.MSFT, "49.99", 1000, "50.01", 1000, "50.00");
        h.place(ACC, group(20, OrderType.OneCancelOther, gtcLimit(21, Side.Buy, 10, "95"),
                OrderSpec.builder(22).security(Harness.MSFT, "MSFT").side(Side.Buy).type(OrderType.Limit).limit("49")
                        .qty(10).tif(TimeInForce.GoodTillCancel).build()));
        List<Event> ev = h.tick(Harness.MSFT, "48.98", 1000, "48.99", 1000, "48.99");
        assertThat(fillsOf(ev, 22)).hasSize(1);
        assertThat(one(ev, Event.Canceled.class).orderId()).isEqualTo(21);
        assertThat(limit(1, Side.Buy, 1, "1")).isNotNull();
    }
}
