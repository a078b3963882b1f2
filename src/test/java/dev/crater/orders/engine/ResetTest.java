package dev.crater.orders.engine;

import static dev.crater.orders.engine.Harness.AAPL;
import static dev.crater.orders.engine.Harness.MSFT;
import static dev.crater.orders.engine.Harness.limit;
import static dev.crater.orders.engine.Harness.m;
import static dev.crater.orders.engine.Harness.market;
import static dev.crater.orders.engine.Harness.of;
import static dev.crater.orders.engine.Harness.one;
import static dev.crater.orders.engine.Harness.q;
import static dev.crater.orders.engine.Harness.rejected;
import static org.assertj.core.api.Assertions.assertThat;

import dev.crater.common.MarginType;
import dev.crater.market.Session;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Goal: {@link Command.Reset} — every live order canceled (groups whole), every position closed by a
 * commission-free Market fill at its mark, cash set to the starting cash by one Payment entry, the
 * invariants holding after it (the {@link Harness} checks them and Σ ledger = cash, Σ fills =
 * positions, after every command), the state restoring from a snapshot; a refused reset changes nothing.
 */
class ResetTest {
    static final long MARGIN = 1;
    static final long CASH = 2;
    Harness h;

    @BeforeEach
    void setUp() {
        h = new Harness();
        h.clock(Session.REGULAR);
        h.open(MARGIN, MarginType.Margin, new CommissionPlan(m("1"), m("0.01"), m("0.65")));
        h.deposit(MARGIN, "50000");
        h.funded(CASH, MarginType.Cash, "20000");
        h.quote(AAPL, "100");
        h.quote(MSFT, "200");
    }

    Command.Reset reset(long account, String cash, List<Long> ids) {
        return new Command.Reset(h.next(), account, 7, m(cash), ids, "Account reset", 99);
    }

    @Test
    void cancelsOrdersClosesPositionsAndRestoresTheCash() {
        h.place(MARGIN, market(10, Side.Buy, 30));
        h.place(MARGIN, Harness.spec(11).security(MSFT, "MSFT").side(Side.SellShort).type(OrderType.Market).qty(10)
                .build());
        h.place(MARGIN, limit(12, Side.Buy, 5, "50"));
        h.place(MARGIN, ConditionalTest.group(13, OrderType.OneCancelOther,
                ConditionalTest.gtcLimit(14, Side.Sell, 30, "150"), ConditionalTest.sellStop(15, 30, "60")));
        h.quote(AAPL, "104");
        h.quote(MSFT, "190");
        assertThat(h.engine.openOrders(MARGIN)).hasSize(4);
        List<Event> ev = h.run(reset(MARGIN, "100000", List.of(500L, 501L, 502L)));

        assertThat(of(ev, Event.Canceled.class)).extracting(Event.Canceled::orderId)
                .containsExactlyInAnyOrder(12L, 14L, 15L);
        assertThat(of(ev, Event.Canceled.class)).allSatisfy(c -> assertThat(c.reason()).isEqualTo("Account reset"));
        assertThat(one(ev, Event.GroupCompleted.class).orderId()).isEqualTo(13L);
        List<Event.Accepted> closing = of(ev, Event.Accepted.class);
        assertThat(closing).extracting(Event.Accepted::orderId).containsExactly(500L, 501L);
        assertThat(closing.get(0).order().side()).isEqualTo(Side.Sell);
        assertThat(closing.get(1).order().side()).isEqualTo(Side.BuyToCover);
        List<Event.Fill> fills = of(ev, Event.Fill.class);
        assertThat(fills).hasSize(2);
        assertThat(fills.get(0).price()).as("at the mark (last)").isEqualTo(m("104"));
        assertThat(fills.get(1).price()).isEqualTo(m("190"));
        assertThat(fills).allSatisfy(f -> {
            assertThat(f.commission()).isZero();
            assertThat(f.status()).isEqualTo(OrderStatus.Filled);
        });
        Event.CashMoved moved = one(ev, Event.CashMoved.class);
        assertThat(moved.entry().type()).isEqualTo(TxType.Payment);
        assertThat(moved.entry().description()).isEqualTo("Account reset");
        assertThat(moved.cashAfter()).isEqualTo(m("100000"));
        assertThat(ev.getLast()).isSameAs(moved);

        assertThat(h.engine.cash(MARGIN)).isEqualTo(m("100000"));
        assertThat(h.engine.reserved(MARGIN)).isZero();
        assertThat(h.engine.openOrders(MARGIN)).isEmpty();
        assertThat(h.engine.positions(MARGIN)).allSatisfy(p -> assertThat(p.quantity()).isZero());
        assertThat(h.engine.balances(MARGIN).equity()).isEqualTo(m("100000"));
        assertThat(Engine.restore(h.engine.snapshot()).checkInvariants()).isEmpty();
        assertThat(h.engine.cash(CASH)).as("other accounts untouched").isEqualTo(m("20000"));
    }

    @Test
    void aCashAccountsUnsettledProceedsAreGoneWithTheReset() {
        h.place(CASH, market(20, Side.Buy, 10));
        h.place(CASH, market(21, Side.Sell, 4));
        assertThat(h.engine.pendingCash(CASH)).isPositive();
        h.run(reset(CASH, "20000", List.of(600L)));
        assertThat(h.engine.cash(CASH)).isEqualTo(m("20000"));
        assertThat(h.engine.settledCash(CASH)).isEqualTo(m("20000"));
        assertThat(h.engine.pendingCash(CASH)).isZero();
    }

    @Test
    void anEmptyAccountStillGetsItsLine() {
        List<Event> ev = h.run(reset(CASH, "20000", List.of()));
        assertThat(one(ev, Event.CashMoved.class).entry().value()).isZero();
        ev = h.run(reset(CASH, "5000", List.of()));
        assertThat(one(ev, Event.CashMoved.class).entry().value()).isEqualTo(m("-15000"));
        assertThat(h.engine.cash(CASH)).isEqualTo(m("5000"));
    }

    @Test
    void aRefusedResetChangesNothing() {
        h.place(MARGIN, market(30, Side.Buy, 10));
        h.place(MARGIN, limit(31, Side.Buy, 5, "50"));
        Snapshot before = h.engine.snapshot();
        assertThat(rejected(h.run(reset(9, "100", List.of()))).code()).isEqualTo(RejectCode.AccountNotFound);
        assertThat(rejected(h.run(reset(MARGIN, "-1", List.of(700L)))).code()).isEqualTo(RejectCode.AmountInvalid);
        assertThat(rejected(h.run(reset(MARGIN, "1.001", List.of(700L)))).code()).isEqualTo(RejectCode.AmountInvalid);
        assertThat(rejected(h.run(reset(MARGIN, "100", List.of()))).code()).isEqualTo(RejectCode.ResetIdsShort);
        // An id of a live order is not free.
        assertThat(rejected(h.run(reset(MARGIN, "100", List.of(31L)))).code()).isEqualTo(RejectCode.ResetIdsShort);
        Event.Rejected r = rejected(h.run(reset(MARGIN, "100", List.of(-5L, 0L))));
        assertThat(r.ref()).as("the request id").isEqualTo(99);
        Snapshot after = h.engine.snapshot();
        assertThat(after.accounts()).isEqualTo(before.accounts());
        assertThat(after.positions()).isEqualTo(before.positions());
        assertThat(after.orders()).isEqualTo(before.orders());
        assertThat(after.nextLedgerId()).isEqualTo(before.nextLedgerId());
        assertThat(h.engine.openOrders(MARGIN)).hasSize(1);
        assertThat(h.engine.position(MARGIN, AAPL).quantity()).isEqualTo(q(10));
    }
}
