package dev.crater.orders.engine;

import static org.assertj.core.api.Assertions.assertThat;

import dev.crater.common.MarginType;
import dev.crater.market.Session;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Test driver: applies commands with an advancing time, and after EVERY command asserts the engine's invariants
 * plus two independent cross-checks computed from the events alone: Σ ledger entries per account = the engine's
 * cash, and Σ signed fill quantities per (account, security) = the position quantity.
 */
final class Harness {
    /** 2026-11-18 14:30:00 UTC (09:30 New York). */
    static final long T0 = 1_795_530_600_000L;
    static final int AAPL = 1;
    static final int MSFT = 2;

    Engine engine;
    long time = T0;
    final List<Event> events = new ArrayList<>();
    final List<Command> commands = new ArrayList<>();
    private final Map<Long, Long> ledger = new TreeMap<>();
    private final Map<String, Long> fills = new TreeMap<>();
    private final Map<Long, long[]> fillTotals = new HashMap<>();

    Harness() {
        this.engine = new Engine();
    }

    static long m(String v) {
        return Fixed.of(v);
    }

    static long q(long whole) {
        return Fixed.units(whole);
    }

    /** Applies one command (time must already be stamped) and checks everything. */
    List<Event> run(Command c) {
        List<Event> out = new ArrayList<>();
        engine.apply(c, out);
        commands.add(c);
        events.addAll(out);
        check(out);
        return out;
    }

    void check(List<Event> out) {
        assertThat(engine.checkInvariants()).as("invariants after %s", out).isEmpty();
        for (Event e : out) {
            switch (e) {
                case Event.Fill f -> {
                    for (LedgerEntry le : f.entries()) {
                        assertThat(le.accountId()).isEqualTo(f.accountId());
                        ledger.merge(le.accountId(), le.value(), Long::sum);
                    }
                    assertThat(f.leaves()).isGreaterThanOrEqualTo(0);
                    assertThat(f.status()).isEqualTo(f.leaves() == 0 ? OrderStatus.Filled : OrderStatus.PartiallyFilled);
                    assertThat(f.quantity()).isPositive();
                    long[] tot = fillTotals.computeIfAbsent(f.orderId(), k -> new long[1]);
                    tot[0] += f.quantity();
                    assertThat(f.executed()).isEqualTo(tot[0]);
                    if (f.securityId() != 0) {
                        long signed = f.side().isBuy() ? f.quantity() : -f.quantity();
                        fills.merge(f.accountId() + ":" + f.securityId(), signed, Long::sum);
                    }
                }
                case Event.CashMoved cm -> ledger.merge(cm.accountId(), cm.entry().value(), Long::sum);
                default -> {
                }
            }
        }
        for (Map.Entry<Long, Long> en : ledger.entrySet()) {
            assertThat(engine.cash(en.getKey())).as("cash of %s = Σ ledger events", en.getKey()).isEqualTo(en.getValue());
        }
        for (Map.Entry<String, Long> en : fills.entrySet()) {
            String[] k = en.getKey().split(":");
            PositionSnapshot p = engine.position(Long.parseLong(k[0]), Integer.parseInt(k[1]));
            long qty = p == null ? 0 : p.quantity();
            assertThat(qty).as("position %s = Σ fills", en.getKey()).isEqualTo(en.getValue());
        }
        for (Event e : out) {
            if (e instanceof Event.Fill f && f.leaves() > 0) {
                OrderSnapshot o = engine.order(f.orderId());
                if (o != null) {
                    assertThat(o.leaves()).isEqualTo(f.leaves());
                    assertThat(o.executed()).isEqualTo(f.executed());
                }
            }
        }
    }

    long next() {
        return ++time;
    }

    // -------------------------------------------------------------------------------- command helpers

    List<Event> open(long account, MarginType type) {
        return run(new Command.OpenAccount(next(), account, type, CommissionPlan.FREE));
    }

    List<Event> open(long account, MarginType type, CommissionPlan plan) {
        return run(new Command.OpenAccount(next(), account, type, plan));
    }

    List<Event> deposit(long account, String amount) {
        return run(new Command.Deposit(next(), account, m(amount), "deposit", 1));
    }

    List<Event> funded(long account, MarginType type, String amount) {
        open(account, type);
        return deposit(account, amount);
    }

    List<Event> tick(int sec, String bid, long bidSize, String ask, long askSize, String last) {
        return tick(sec, bid, bidSize, ask, askSize, last, Session.REGULAR, false);
    }

    List<Event> tick(int sec, String bid, long bidSize, String ask, long askSize, String last, Session s, boolean halted) {
        return run(new Command.QuoteTick(next(), sec, m(bid), bidSize, m(ask), askSize, m(last), s, halted));
    }

    /** A 1000×1000 quote around {@code last}, bid = last − 0.01, ask = last + 0.01. */
    List<Event> quote(int sec, String last) {
        long l = m(last);
        return run(new Command.QuoteTick(next(), sec, l - m("0.01"), 1000, l + m("0.01"), 1000, l, Session.REGULAR, false));
    }

    List<Event> place(long account, OrderSpec spec) {
        return run(new Command.Place(next(), account, 7, false, spec));
    }

    List<Event> placeReduceOnly(long account, OrderSpec spec) {
        return run(new Command.Place(next(), account, 7, true, spec));
    }

    List<Event> cancel(long account, long orderId) {
        return run(new Command.Cancel(next(), account, orderId));
    }

    List<Event> replace(long orderId, long quantity, long limit, long stop) {
        return run(new Command.Replace(next(), 0, orderId, quantity, limit, stop, Fixed.NONE, Fixed.NONE, Fixed.NONE));
    }

    List<Event> clock(Session s) {
        return run(new Command.Clock(next(), s));
    }

    List<Event> clockAt(long timeMs, Session s) {
        time = Math.max(time, timeMs);
        return run(new Command.Clock(timeMs, s));
    }

    List<Event> settle() {
        long now = next();
        return run(new Command.Settle(now, now));
    }

    // -------------------------------------------------------------------------------- spec helpers

    static OrderSpec.Builder spec(long id) {
        return OrderSpec.builder(id).security(AAPL, "AAPL");
    }

    static OrderSpec market(long id, Side side, long qty) {
        return spec(id).side(side).type(OrderType.Market).qty(qty).build();
    }

    static OrderSpec limit(long id, Side side, long qty, String price) {
        return spec(id).side(side).type(OrderType.Limit).qty(qty).limit(price).build();
    }

    // -------------------------------------------------------------------------------- event helpers

    static <T extends Event> List<T> of(List<Event> events, Class<T> type) {
        List<T> l = new ArrayList<>();
        for (Event e : events) {
            if (type.isInstance(e)) {
                l.add(type.cast(e));
            }
        }
        return l;
    }

    static <T extends Event> T one(List<Event> events, Class<T> type) {
        List<T> l = of(events, type);
        assertThat(l).as("exactly one %s in %s", type.getSimpleName(), events).hasSize(1);
        return l.get(0);
    }

    static Event.Rejected rejected(List<Event> events) {
        return one(events, Event.Rejected.class);
    }

    static List<Event.Fill> fillsOf(List<Event> events, long orderId) {
        List<Event.Fill> l = new ArrayList<>();
        for (Event.Fill f : of(events, Event.Fill.class)) {
            if (f.orderId() == orderId) {
                l.add(f);
            }
        }
        return l;
    }
}
