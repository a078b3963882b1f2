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

/** Risk checks at placement, buying power per margin type, settlement, shorts, commissions, ledger, verify. */
class RiskAndMoneyTest {
    static final long MARGIN = 1;
    static final long CASH = 2;
    static final long DT = 3;
    static final long IRA = 4;
    Harness h;

    @BeforeEach
    void setUp() {
        h = new Harness();
        h.clock(Session.REGULAR);
        h.funded(MARGIN, MarginType.Margin, "10000");
        h.funded(CASH, MarginType.Cash, "10000");
        h.funded(DT, MarginType.DayTrader, "10000");
        h.funded(IRA, MarginType.MarginIra, "10000");
        h.tick(AAPL, "99.99", 10_000, "100.00", 10_000, "100.00");
    }

    RejectCode code(long account, OrderSpec s) {
        return rejected(h.place(account, s)).code();
    }

    @Test
    void eachStaticRejection() {
        assertThat(code(9, market(10, Side.Buy, 1))).isEqualTo(RejectCode.AccountNotFound);
        assertThat(code(MARGIN, spec(10).instrument(new Instrument(1, true, true, m("0.01"), false, false)).qty(1).build()))
                .isEqualTo(RejectCode.SecurityNotTradable);
        assertThat(code(MARGIN, market(10, Side.Buy, 0))).isEqualTo(RejectCode.QuantityInvalid);
        assertThat(code(MARGIN, spec(10).quantityFixed(m("1.5")).build())).isEqualTo(RejectCode.QuantityInvalid);
        assertThat(code(MARGIN, spec(10).type(OrderType.Limit).qty(1).build())).isEqualTo(RejectCode.LimitPriceUndefined);
        assertThat(code(MARGIN, spec(10).type(OrderType.Stop).qty(1).build())).isEqualTo(RejectCode.QuotePriceIsInvalid);
        assertThat(code(MARGIN, spec(10).type(OrderType.StopLimit).stop("101").qty(1).build()))
                .isEqualTo(RejectCode.LimitPriceUndefined);
        assertThat(code(MARGIN, limit(10, Side.Buy, 1, "99.995"))).isEqualTo(RejectCode.PriceNotOnTick);
        assertThat(code(MARGIN, spec(10).type(OrderType.TrailingStop).qty(1).build())).isEqualTo(RejectCode.TrailingAmountInvalid);
        assertThat(code(MARGIN, spec(10).type(OrderType.TrailingStop).trailing("100", TrailType.Persentage).qty(1).build()))
                .isEqualTo(RejectCode.TrailingAmountInvalid);
        assertThat(code(MARGIN, spec(10).type(OrderType.Stop).stop("101").qty(1).tif(TimeInForce.ImmediateOrCancel).build()))
                .isEqualTo(RejectCode.TimeInForceInvalid);
        assertThat(code(MARGIN, OrderSpec.builder(10).security(77, "NOQ").qty(1).build())).isEqualTo(RejectCode.QuotePriceIsInvalid);
        assertThat(code(MARGIN, OrderSpec.builder(10).security(77, "NOQ").type(OrderType.TrailingStop)
                .trailing("1", TrailType.Absolute).qty(1).build())).isEqualTo(RejectCode.QuotePriceIsInvalid);
        h.place(MARGIN, limit(10, Side.Buy, 1, "90"));
        assertThat(code(MARGIN, limit(10, Side.Buy, 1, "90"))).isEqualTo(RejectCode.DuplicateOrderId);
        assertThat(code(MARGIN, spec(0).qty(1).build())).isEqualTo(RejectCode.OrderInvalid);
    }

    @Test
    void positionAndShortRules() {
        assertThat(code(MARGIN, market(10, Side.Sell, 1))).isEqualTo(RejectCode.InsufficientPosition);
        assertThat(code(MARGIN, market(10, Side.BuyToCover, 1))).isEqualTo(RejectCode.InsufficientPosition);
        assertThat(code(CASH, market(10, Side.SellShort, 1))).isEqualTo(RejectCode.CashAccountCannotShort);
        assertThat(code(IRA, market(10, Side.SellShort, 1))).isEqualTo(RejectCode.ShortSaleNotAllowed);
        assertThat(code(MARGIN, spec(10).side(Side.SellShort).instrument(new Instrument(1, false, true, m("0.01"), false, true))
                .qty(1).build())).isEqualTo(RejectCode.ShortSaleNotAllowed);
        h.place(MARGIN, market(11, Side.Buy, 10));
        assertThat(code(MARGIN, market(12, Side.Sell, 11))).isEqualTo(RejectCode.InsufficientPosition);
        assertThat(code(MARGIN, market(12, Side.SellShort, 1))).isEqualTo(RejectCode.WrongSideForPosition);
        h.place(MARGIN, market(13, Side.Sell, 10));
        h.place(MARGIN, market(14, Side.SellShort, 5));
        assertThat(code(MARGIN, market(15, Side.Buy, 1))).isEqualTo(RejectCode.WrongSideForPosition);
        assertThat(code(MARGIN, market(15, Side.BuyToCover, 6))).isEqualTo(RejectCode.InsufficientPosition);
        assertThat(rejected(h.placeReduceOnly(MARGIN, market(16, Side.SellShort, 1))).code()).isEqualTo(RejectCode.ReduceOnlyViolated);
        assertThat(of(h.placeReduceOnly(MARGIN, market(16, Side.BuyToCover, 5)), Event.Fill.class)).hasSize(1);
    }

    @Test
    void sessionRejections() {
        h.clock(Session.POST_MARKET);
        assertThat(code(MARGIN, limit(10, Side.Buy, 1, "90"))).isEqualTo(RejectCode.MarketClosedForDayOrder);
        assertThat(code(MARGIN, spec(10).type(OrderType.Stop).stop("110").qty(1).sessions(java.util.Set.of(Session.POST_MARKET))
                .build())).isEqualTo(RejectCode.ExtendedHoursLimitOnly);
        assertThat(code(MARGIN, spec(10).type(OrderType.Limit).limit("90").qty(1).sessions(java.util.Set.of(Session.CLOSED))
                .build())).isEqualTo(RejectCode.SessionNotAllowed);
    }

    @Test
    void buyingPowerByMarginType() {
        assertThat(code(CASH, limit(10, Side.Buy, 101, "100"))).isEqualTo(RejectCode.DayTradingBuyingPowerExceeded);
        assertThat(h.place(CASH, limit(10, Side.Buy, 100, "99"))).noneMatch(e -> e instanceof Event.Rejected);
        assertThat(code(CASH, limit(11, Side.Buy, 2, "99"))).as("reservations count").isEqualTo(RejectCode.DayTradingBuyingPowerExceeded);
        assertThat(code(MARGIN, limit(15, Side.Buy, 202, "99.5"))).isEqualTo(RejectCode.DayTradingBuyingPowerExceeded);
        assertThat(h.place(MARGIN, limit(20, Side.Buy, 200, "99.5"))).noneMatch(e -> e instanceof Event.Rejected);
        assertThat(h.engine.reserved(MARGIN)).isEqualTo(m("9950"));
        assertThat(code(DT, limit(30, Side.Buy, 403, "99.5"))).isEqualTo(RejectCode.DayTradingBuyingPowerExceeded);
        assertThat(h.place(DT, limit(30, Side.Buy, 400, "99.5"))).noneMatch(e -> e instanceof Event.Rejected);
        assertThat(code(IRA, limit(40, Side.Buy, 101, "99.5"))).isEqualTo(RejectCode.DayTradingBuyingPowerExceeded);
        assertThat(code(MARGIN, spec(50).side(Side.SellShort).qty(201).build())).isEqualTo(RejectCode.DayTradingBuyingPowerExceeded);
        // options are paid in full, even in margin accounts
        h.tick(101, "4.90", 100, "5.00", 100, "4.95");
        OrderSpec calls = OrderSpec.builder(60).security(101, "AAPL  261218C00100000").instrument(Instrument.option())
                .qty(1).build();
        assertThat(code(DT, calls)).as("DT excess 10000 − 9950 reserved < 500").isEqualTo(RejectCode.DayTradingBuyingPowerExceeded);
        assertThat(h.place(IRA, calls)).noneMatch(e -> e instanceof Event.Rejected);
        assertThat(h.engine.cash(IRA)).isEqualTo(m("9500"));
    }

    @Test
    void marginBuyingPowerFollowsExcess() {
        Balances b = h.engine.balances(DT);
        assertThat(b.dayTradingBuyingPower()).isEqualTo(m("40000"));
        assertThat(h.engine.balances(MARGIN).stockBuyingPower()).isEqualTo(m("20000"));
        h.place(MARGIN, market(10, Side.Buy, 100));
        b = h.engine.balances(MARGIN);
        assertThat(b.cash()).isEqualTo(0);
        assertThat(b.stockLongMarketValue()).isEqualTo(m("10000"));
        assertThat(b.maintenanceMargin()).isEqualTo(m("2500"));
        assertThat(b.excess()).isEqualTo(m("7500"));
        assertThat(b.stockBuyingPower()).as("Reg T: 2 × (equity 10000 − 50 % of 10000 held)").isEqualTo(m("10000"));
        h.tick(AAPL, "79.99", 10_000, "80.00", 10_000, "80.00");
        b = h.engine.balances(MARGIN);
        assertThat(b.openPl()).isEqualTo(m("-2000"));
        assertThat(b.excess()).isEqualTo(m("8000") - m("2000"));
        assertThat(b.stockBuyingPower()).as("2 × (8000 − 4000)").isEqualTo(m("8000"));
        assertThat(code(MARGIN, limit(11, Side.Buy, 101, "80"))).isEqualTo(RejectCode.DayTradingBuyingPowerExceeded);
        assertThat(b.pendingOrdersCount()).isZero();
    }

    @Test
    void everyBookedAmountIsWholeCentsAndSplittingAnOrderKeepsItsCommission() {
        Harness c = new Harness();
        c.clock(Session.REGULAR);
        c.open(1, MarginType.Margin, new CommissionPlan(m("1.005"), m("0.005"), m("0.65")));
        c.deposit(1, "100000");
        // a sub-dollar stock on a 0.0001 tick: 41 × 0.5051 = 20.7091 of principal
        c.tick(AAPL, "0.5049", 41, "0.5051", 41, "0.505");
        List<Event> ev = c.place(1, market(10, Side.Buy, 205));
        for (int i = 0; i < 4; i++) {
            ev.addAll(c.tick(AAPL, "0.5049", 41, "0.5051", 41, "0.505"));
        }
        List<Event.Fill> fills = fillsOf(ev, 10);
        assertThat(fills).hasSize(5);
        long perShare = 0;
        for (Event.Fill f : fills) {
            for (LedgerEntry e : f.entries()) {
                assertThat(e.value() % Fixed.CENT).as("%s is whole cents", e).isZero();
            }
            assertThat(f.entries().get(0).value()).as("principal 20.7091 books as 20.71").isEqualTo(-m("20.71"));
            perShare += f.perContractCommission();
        }
        assertThat(fills.get(0).perTradeCommission()).as("1.005 per trade books as 1.01").isEqualTo(m("1.01"));
        assertThat(perShare).as("205 × 0.005 = 1.025 → 1.03 once, however it is split (41 shares × 0.005 = 0.205 each)")
                .isEqualTo(m("1.03"));
        assertThat(c.engine.cash(1)).isEqualTo(m("100000") - 5 * m("20.71") - m("1.01") - m("1.03"));
        assertThat(c.engine.balances(1).cash() % Fixed.CENT).isZero();
        assertThat(one(c.run(new Command.Deposit(c.next(), 1, m("0.001"), "sub-cent", 9)), Event.Rejected.class).code())
                .isEqualTo(RejectCode.AmountInvalid);
    }

    @Test
    void cashAccountCannotSpendUnsettledProceedsUntilSettlement() {
        h.place(CASH, market(10, Side.Buy, 100));
        assertThat(h.engine.settledCash(CASH)).isZero();
        h.tick(AAPL, "100.00", 10_000, "100.01", 10_000, "100.00");
        h.place(CASH, market(11, Side.Sell, 100));
        assertThat(h.engine.cash(CASH)).isEqualTo(m("10000"));
        assertThat(h.engine.settledCash(CASH)).isZero();
        assertThat(h.engine.pendingCash(CASH)).isEqualTo(m("10000"));
        assertThat(code(CASH, market(12, Side.Buy, 1))).isEqualTo(RejectCode.DayTradingBuyingPowerExceeded);
        assertThat(rejected(h.run(new Command.Deposit(h.next(), CASH, m("-1"), "wd", 5))).code()).isEqualTo(RejectCode.InsufficientFunds);
        assertThat(h.run(new Command.Settle(h.next(), h.time - 100))).isEmpty();
        List<Event> ev = h.settle();
        Event.Settled s = one(ev, Event.Settled.class);
        assertThat(s.amount()).isEqualTo(m("10000"));
        assertThat(h.engine.settledCash(CASH)).isEqualTo(m("10000"));
        assertThat(of(h.place(CASH, market(12, Side.Buy, 1)), Event.Fill.class)).hasSize(1);
    }

    @Test
    void cashAccountBuyIsCappedBySettledCashAtFillTime() {
        h.tick(AAPL, "99.99", 10_000, "100.00", 10_000, "100.00", Session.REGULAR, true);
        h.place(CASH, market(10, Side.Buy, 100));
        assertThat(h.engine.reserved(CASH)).isEqualTo(m("10000"));
        List<Event> ev = h.tick(AAPL, "100.99", 10_000, "101.00", 10_000, "101.00");
        assertThat(one(ev, Event.Fill.class).quantity()).isEqualTo(q(99));
        assertThat(one(ev, Event.Canceled.class).reason()).contains("insufficient settled funds");
        assertThat(h.engine.settledCash(CASH)).isEqualTo(m("10000") - m("9999"));
    }

    @Test
    void shortAndCoverWithRealizedProfit() {
        h.tick(AAPL, "50.00", 10_000, "50.01", 10_000, "50.00");
        h.place(MARGIN, market(10, Side.SellShort, 100));
        PositionSnapshot p = h.engine.position(MARGIN, AAPL);
        assertThat(p.quantity()).isEqualTo(q(-100));
        assertThat(p.costBasis()).isEqualTo(m("5000"));
        assertThat(p.averageOpenPrice()).isEqualTo(m("50"));
        assertThat(h.engine.cash(MARGIN)).isEqualTo(m("15000"));
        assertThat(h.engine.balances(MARGIN).maintenanceMargin()).isEqualTo(m("1500"));
        h.tick(AAPL, "44.99", 10_000, "45.00", 10_000, "45.00");
        h.place(MARGIN, market(11, Side.BuyToCover, 40));
        h.place(MARGIN, market(12, Side.BuyToCover, 60));
        p = h.engine.position(MARGIN, AAPL);
        assertThat(p.quantity()).isZero();
        assertThat(p.realizedPl()).isEqualTo(m("500"));
        assertThat(p.averageClosePrice()).isEqualTo(m("45"));
        assertThat(h.engine.cash(MARGIN)).isEqualTo(m("10500"));
        assertThat(h.engine.balances(MARGIN).closePl()).isEqualTo(m("500"));
    }

    @Test
    void closingFillIsCappedAtThePosition() {
        h.place(MARGIN, market(10, Side.Buy, 100));
        h.place(MARGIN, limit(11, Side.Sell, 100, "120"));
        h.place(MARGIN, limit(12, Side.Sell, 60, "110"));
        List<Event> ev = h.tick(AAPL, "120.00", 10_000, "120.01", 10_000, "120.00");
        assertThat(fillsOf(ev, 12).get(0).quantity()).isEqualTo(q(60));
        assertThat(fillsOf(ev, 11).get(0).quantity()).isEqualTo(q(40));
        assertThat(one(ev, Event.Canceled.class).orderId()).isEqualTo(11);
        assertThat(h.engine.position(MARGIN, AAPL).quantity()).isZero();
    }

    @Test
    void commissionsFromThePlanAndOverrides() {
        Harness c = new Harness();
        c.clock(Session.REGULAR);
        c.open(1, MarginType.Margin, new CommissionPlan(m("4.95"), m("0.005"), m("0.65")));
        c.deposit(1, "100000");
        c.tick(AAPL, "99.99", 300, "100.00", 300, "100.00");
        List<Event> ev = c.place(1, market(10, Side.Buy, 500));
        Event.Fill f = one(ev, Event.Fill.class);
        assertThat(f.perTradeCommission()).isEqualTo(m("4.95"));
        assertThat(f.perContractCommission()).isEqualTo(m("1.5"));
        assertThat(f.entries()).extracting(LedgerEntry::type)
                .containsExactly(TxType.OrderExecution, TxType.Commission, TxType.Commission);
        assertThat(f.entries().get(1).fee()).isEqualTo(new Fee(Fee.PER_TRADE, m("4.95")));
        assertThat(f.entries().get(2).fee()).isEqualTo(new Fee(Fee.PER_CONTRACT, m("1.5")));
        Event.Fill f2 = one(c.tick(AAPL, "99.99", 300, "100.00", 300, "100.00"), Event.Fill.class);
        assertThat(f2.perTradeCommission()).as("per trade once per order").isZero();
        assertThat(f2.commission()).isEqualTo(m("1"));
        assertThat(c.engine.cash(1)).isEqualTo(m("100000") - m("50000") - m("4.95") - m("2.5"));

        OrderSpec o = spec(11).side(Side.Sell).qty(100).perTradeCommission("1").perContractCommissionCents("0.5").build();
        Event.Fill f3 = one(c.place(1, o), Event.Fill.class);
        assertThat(f3.perTradeCommission()).isEqualTo(m("1"));
        assertThat(f3.perContractCommission()).as("0.5 cent × 100").isEqualTo(m("0.5"));

        c.tick(101, "4.90", 100, "5.00", 100, "4.95");
        Event.Fill f4 = one(c.place(1, OrderSpec.builder(12).security(101, "C").instrument(Instrument.option()).qty(3).build()),
                Event.Fill.class);
        assertThat(f4.perContractCommission()).isEqualTo(m("1.95"));
        assertThat(f4.entries().get(0).value()).isEqualTo(m("-1500"));
    }

    @Test
    void depositsAndWithdrawals() {
        Event.CashMoved cm = one(h.deposit(MARGIN, "500"), Event.CashMoved.class);
        assertThat(cm.entry().type()).isEqualTo(TxType.Payment);
        assertThat(cm.entry().securityId()).isEqualTo(-1);
        assertThat(cm.cashAfter()).isEqualTo(m("10500"));
        assertThat(one(h.run(new Command.Deposit(h.next(), MARGIN, m("-10500"), "all", 9)), Event.CashMoved.class)
                .cashAfter()).isZero();
        assertThat(rejected(h.run(new Command.Deposit(h.next(), MARGIN, m("-1"), "x", 10))).code()).isEqualTo(RejectCode.InsufficientFunds);
        assertThat(rejected(h.run(new Command.Deposit(h.next(), MARGIN, 0, "x", 11))).code()).isEqualTo(RejectCode.AmountInvalid);
        assertThat(rejected(h.run(new Command.Deposit(h.next(), 99, m("1"), "x", 12))).ref()).isEqualTo(12);
        assertThat(rejected(h.open(MARGIN, MarginType.Cash)).code()).isEqualTo(RejectCode.DuplicateAccount);
    }

    @Test
    void verifyReportsCostsWithoutChangingState() {
        Harness c = new Harness();
        c.clock(Session.REGULAR);
        c.open(1, MarginType.Margin, new CommissionPlan(m("1"), m("0.00001"), m("0.65")));
        c.deposit(1, "100000");
        c.tick(AAPL, "2.37", 300, "2.38", 300, "2.38");
        long hash = c.engine.stateHash();
        Verification v = c.engine.verify(new Command.Place(c.next(), 1, 7, false, market(10, Side.Buy, 100)));
        assertThat(v.successful()).isTrue();
        assertThat(v.cost()).isEqualTo(m("238"));
        assertThat(v.commission()).as("0.001 per-share commission books as 0.00 (whole cents)").isEqualTo(m("1"));
        assertThat(v.commissions()).containsEntry(Fee.PER_TRADE, m("1")).containsEntry(Fee.PER_CONTRACT, 0L);
        assertThat(v.netCost()).isEqualTo(m("239"));
        assertThat(v.marginChange()).isEqualTo(m("119") + m("1"));
        Verification bad = c.engine.verify(new Command.Place(c.next(), 1, 7, false, market(10, Side.Sell, 100)));
        assertThat(bad.successful()).isFalse();
        assertThat(bad.code()).isEqualTo(RejectCode.InsufficientPosition);
        assertThat(bad.commissions()).isEmpty();
        assertThat(c.engine.stateHash()).isEqualTo(hash);
        assertThat(c.engine.verify(new Command.Place(c.next(), 1, 7, false,
                OrderSpec.builder(11).security(5, "NEW").qty(1).build())).code()).isEqualTo(RejectCode.QuotePriceIsInvalid);
        assertThat(c.engine.stateHash()).isEqualTo(hash);
    }

    @Test
    void dayTradeFlagOnClosingTheSameDay() {
        h.place(MARGIN, market(10, Side.Buy, 10));
        Event.Fill f = one(h.place(MARGIN, market(11, Side.Sell, 10)), Event.Fill.class);
        assertThat(f.entries().get(0).dayTrade()).isTrue();
        h.place(MARGIN, market(12, Side.Buy, 10));
        List<Event> ev = h.settle();
        assertThat(one(ev, Event.PositionChanged.class).position().dayQuantity()).isZero();
        f = one(h.place(MARGIN, market(13, Side.Sell, 10)), Event.Fill.class);
        assertThat(f.entries().get(0).dayTrade()).isFalse();
    }

    @Test
    void reservationsFollowFillsAndAreReleased() {
        Harness c = new Harness();
        c.clock(Session.REGULAR);
        c.open(1, MarginType.Cash, new CommissionPlan(m("2"), m("0.01"), 0));
        c.deposit(1, "10000");
        c.tick(AAPL, "99.99", 10, "100.00", 10, "100.00");
        c.place(1, limit(10, Side.Buy, 50, "100"));
        assertThat(c.engine.reserved(1)).as("40 × 100 + 0.40 per share (10 already filled, per-trade paid)").isEqualTo(m("4000.40"));
        c.cancel(1, 10);
        assertThat(c.engine.reserved(1)).isZero();
        assertThat(c.engine.settledCash(1)).isEqualTo(m("10000") - m("1000") - m("2") - m("0.10"));
    }

    @Test
    void writingOptionsNeedsAMarginAccountAndReserves150Percent() {
        h.tick(101, "4.90", 100, "5.00", 100, "4.95");
        OrderSpec write = OrderSpec.builder(70).security(101, "AAPL  261218C00100000").instrument(Instrument.option())
                .side(Side.SellShort).type(OrderType.Limit).limit("6").qty(1).build();
        assertThat(code(CASH, write)).isEqualTo(RejectCode.CashAccountCannotShort);
        assertThat(h.place(MARGIN, write)).noneMatch(e -> e instanceof Event.Rejected);
        assertThat(h.engine.reserved(MARGIN)).as("600 × 150 %").isEqualTo(m("900"));
        Event.Fill f = one(h.tick(101, "6.00", 100, "6.10", 100, "6.05"), Event.Fill.class);
        assertThat(f.entries().get(0).value()).isEqualTo(m("600"));
        assertThat(h.engine.position(MARGIN, 101).quantity()).isEqualTo(q(-1));
        assertThat(h.engine.balances(MARGIN).optionShortMarketValue()).isEqualTo(m("-605"));
        assertThat(h.engine.balances(MARGIN).maintenanceMargin()).isEqualTo(m("907.5"));
    }
}
