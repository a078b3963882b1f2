package dev.crater.orders.engine;

import static dev.crater.orders.engine.Harness.m;
import static org.assertj.core.api.Assertions.assertThat;

import dev.crater.common.MarginType;
import dev.crater.market.Session;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Property: whatever sequence of orders, bursts, cancels, fills, sells and shorts an account sends, with or without
 * commissions, every opening fill leaves the account within its margin type's limit. The limit is stated here,
 * independently of the engine: the initial requirement of everything held (long and short marginable stock 50 %
 * Margin, 25 % DayTrader, 100 % MarginIra and Cash; long options 100 %, short options 150 %; the engine may charge
 * more, e.g. 30 % for a DayTrader's short stock, never less) plus what open orders
 * reserve never exceeds equity. With prices that do not move after the opening quotes, that gives a leverage
 * bound at the end of the run: stock value ≤ 2 × equity (Margin), 4 × (DayTrader), 1 × (MarginIra, Cash).
 *
 * <p>The run (a $10,000 Margin account with a commission plan, 50 ten-share market buys at once) reached
 * 3.75× because held positions were judged at the 25 % maintenance rate while new orders reserved the 50 % initial
 * rate, and because an order that waited for liquidity filled at a later, higher ask than it had reserved.
 */
class MarginLimitsTest {
    private static final long[] MARGIN = {1, 2};
    private static final long[] DAY = {3, 4};
    private static final long IRA = 5;
    private static final long CASH = 6;
    private static final long[] ALL = {1, 2, 3, 4, 5, 6};
    private static final int[] STOCKS = {1, 2, 3};
    private static final int OPTION = 101;
    private static final CommissionPlan PLAN = new CommissionPlan(m("4.95"), m("0.005"), m("0.65"));

    static List<Long> seeds() {
        List<Long> l = new ArrayList<>();
        for (long s = 1; s <= 40; s++) {
            l.add(s * 7919);
        }
        return l;
    }

    /**
     * The adversarial run's case: 50 ten-share market buys at once on $10,000 (each filling as it arrives, then
     * liquidity trickling in with the ask rising). Before the fix 21 filled: $37,428 of stock, 3.75× equity.
     */
    @ParameterizedTest(name = "{0} shares offered per quote")
    @ValueSource(ints = {1000, 30})
    void fiftyTenShareBuysAtOnceStayWithinRegT(int offered) {
        Harness h = new Harness();
        h.clock(Session.REGULAR);
        h.open(1, MarginType.Margin, PLAN);
        h.deposit(1, "10000");
        long last = m("178.20");
        quote(h, 1, last, offered);
        assertThat(Harness.rejected(h.place(1, Harness.market(1, Side.Buy, 117))).code())
                .isEqualTo(RejectCode.DayTradingBuyingPowerExceeded);
        for (int i = 0; i < 50; i++) {
            h.place(1, OrderSpec.builder(100 + i).security(1, "AAPL").side(Side.Buy).type(OrderType.Market).qty(10)
                    .build());
        }
        for (int i = 0; i < 60; i++) {
            last += m("0.25");
            quote(h, 1, last, offered);
        }
        Balances b = h.engine.balances(1);
        assertThat(b.stockLongMarketValue()).as("stock %s on equity %s", Fixed.format(b.stockLongMarketValue()),
                Fixed.format(b.equity())).isLessThanOrEqualTo(2 * b.equity()).isPositive();
        assertThat(requirement(1, b) + h.engine.reserved(1)).isLessThanOrEqualTo(b.equity());
    }

    @ParameterizedTest(name = "static prices, seed {0}")
    @MethodSource("seeds")
    void leverageStaysWithinTheMarginTypeWhenPricesStandStill(long seed) {
        run(seed, false);
    }

    @ParameterizedTest(name = "moving prices, seed {0}")
    @MethodSource("seeds")
    void everyOpeningFillLeavesTheAccountWithinItsLimit(long seed) {
        run(seed, true);
    }

    private void run(long seed, boolean moves) {
        Random rnd = new Random(seed);
        Harness h = new Harness();
        h.clock(Session.REGULAR);
        for (long a : ALL) {
            MarginType type = a <= 2 ? MarginType.Margin : a <= 4 ? MarginType.DayTrader
                    : a == IRA ? MarginType.MarginIra : MarginType.Cash;
            boolean commissions = a % 2 == 0 || a >= 5;
            h.open(a, type, commissions ? PLAN : CommissionPlan.FREE);
            h.deposit(a, "10000");
        }
        long[] last = new long[OPTION + 1];
        for (int s : STOCKS) {
            last[s] = m(String.valueOf(20 + 30 * s)) + m("0.37") * s;
        }
        last[OPTION] = m("3.10");
        for (int s : STOCKS) {
            quote(h, s, last[s], 20 + rnd.nextInt(200));
        }
        quote(h, OPTION, last[OPTION], 30);
        long nextId = 10_000;
        List<Long> placed = new ArrayList<>();
        for (int step = 0; step < 400; step++) {
            int what = rnd.nextInt(100);
            List<Event> out;
            if (what < 12) {
                int s = rnd.nextInt(4) == 0 ? OPTION : STOCKS[rnd.nextInt(STOCKS.length)];
                if (moves) {
                    long tick = s == OPTION ? m("0.05") : m("0.01");
                    last[s] = Math.max(s == OPTION ? m("0.50") : m("5"), last[s] + tick * (rnd.nextInt(401) - 200));
                }
                out = quote(h, s, last[s], 10 + rnd.nextInt(300));
            } else if (what < 16) {
                List<OrderSnapshot> open = new ArrayList<>();
                for (long a : ALL) {
                    open.addAll(h.engine.openOrders(a));
                }
                if (open.isEmpty()) {
                    continue;
                }
                OrderSnapshot o = open.get(rnd.nextInt(open.size()));
                out = h.cancel(o.accountId(), o.orderId());
            } else {
                long a = ALL[rnd.nextInt(ALL.length)];
                int burst = rnd.nextInt(10) == 0 ? 20 + rnd.nextInt(40) : 1;
                OrderSpec spec = order(rnd, h.engine, a, nextId, last);
                for (int i = 0; i < burst && spec != null; i++) {
                    OrderSpec one = i == 0 ? spec : copy(spec, nextId);
                    out = h.place(a, one);
                    placed.add(nextId);
                    nextId++;
                    checkAfter(h, out, seed);
                }
                continue;
            }
            checkAfter(h, out, seed);
        }
        if (!moves) {
            for (long a : ALL) {
                Balances b = h.engine.balances(a);
                long stock = b.stockLongMarketValue() - b.stockShortMarketValue();
                int limit = a <= 2 ? 2 : a <= 4 ? 4 : 1;
                assertThat(stock).as("seed %d: account %d holds %s of stock on %s equity (limit %d×)", seed, a,
                        Fixed.format(stock), Fixed.format(b.equity()), limit)
                        .isLessThanOrEqualTo(Math.multiplyExact(b.equity(), limit));
            }
        }
        assertThat(placed).isNotEmpty();
    }

    /**
     * After a command, every account with an opening fill in it and no closing fill (a closing fill may pay a
     * commission larger than the requirement it frees, and is never refused) holds requirement + reserved ≤ equity.
     */
    private static void checkAfter(Harness h, List<Event> out, long seed) {
        for (long a : ALL) {
            boolean opened = false;
            boolean closed = false;
            for (Event e : out) {
                if (e instanceof Event.Fill f && f.accountId() == a && f.securityId() != 0) {
                    OrderSnapshot o = orderOf(h, f.orderId());
                    boolean opens = o == null ? f.side() == Side.Buy || f.side() == Side.SellShort
                            : o.side() == Side.Buy || o.side() == Side.SellShort;
                    opened |= opens;
                    closed |= !opens;
                }
            }
            if (!opened || closed) {
                continue;
            }
            Balances b = h.engine.balances(a);
            long need = requirement(a, b) + h.engine.reserved(a);
            assertThat(need).as("seed %d: account %d needs %s (held + open) on equity %s after %s", seed, a,
                    Fixed.format(need), Fixed.format(b.equity()), brief(out)).isLessThanOrEqualTo(b.equity());
            if (a == CASH) {
                assertThat(b.cash()).isNotNegative();
            }
        }
    }

    private static String brief(List<Event> out) {
        StringBuilder b = new StringBuilder();
        for (Event e : out) {
            if (e instanceof Event.Fill f) {
                b.append(String.format("fill#%d a%d %s %s@%s; ", f.orderId(), f.accountId(), f.side(),
                        Fixed.format(f.quantity()), Fixed.format(f.price())));
            } else {
                b.append(e.getClass().getSimpleName()).append("; ");
            }
        }
        return b.toString();
    }

    private static OrderSnapshot orderOf(Harness h, long id) {
        return h.engine.order(id);
    }

    /** The initial requirement of what the account holds, from the balance figures (all test stocks marginable). */
    private static long requirement(long a, Balances b) {
        long longStock = b.stockLongMarketValue();
        long shortStock = Math.abs(b.stockShortMarketValue());
        long stockPart = a <= 2 ? Math.ceilDiv(longStock + shortStock, 2)
                : a <= 4 ? Math.ceilDiv(longStock + shortStock, 4) : longStock + shortStock;
        return stockPart + b.optionLongMarketValue() + Math.ceilDiv(Math.abs(b.optionShortMarketValue()) * 3, 2);
    }

    private static List<Event> quote(Harness h, int s, long last, long size) {
        long spread = s == OPTION ? m("0.05") : m("0.01");
        return h.run(new Command.QuoteTick(h.next(), s, last - spread, size, last + spread, size, last, Session.REGULAR,
                false));
    }

    private static OrderSpec order(Random rnd, Engine engine, long a, long id, long[] last) {
        boolean option = rnd.nextInt(6) == 0;
        int s = option ? OPTION : STOCKS[rnd.nextInt(STOCKS.length)];
        PositionSnapshot p = engine.position(a, s);
        long held = p == null ? 0 : p.quantity() / Fixed.SCALE;
        Side side;
        long qty;
        int pick = rnd.nextInt(10);
        if (held > 0 && pick < 3) {
            side = Side.Sell;
            qty = 1 + rnd.nextInt((int) Math.min(held, 200));
        } else if (held < 0 && pick < 3) {
            side = Side.BuyToCover;
            qty = 1 + rnd.nextInt((int) Math.min(-held, 200));
        } else if (held <= 0 && pick < 5 && a <= 4) {
            side = Side.SellShort;
            qty = 1 + rnd.nextInt(option ? 3 : 60);
        } else if (held >= 0) {
            side = Side.Buy;
            qty = 1 + rnd.nextInt(option ? 5 : 60);
        } else {
            return null;
        }
        OrderSpec.Builder b = OrderSpec.builder(id).security(s, "S" + s).side(side).qty(qty);
        if (option) {
            b.instrument(Instrument.option());
        }
        int type = rnd.nextInt(4);
        if (type == 0) {
            long off = (side.isBuy() ? 1 : -1) * (s == OPTION ? m("0.05") : m("0.01")) * rnd.nextInt(30);
            b.type(OrderType.Limit).limitFixed(Math.max(m("0.05"), last[s] + off));
        } else if (type == 1 && side.isBuy()) {
            b.type(OrderType.Stop).stopFixed(last[s] + (s == OPTION ? m("0.05") : m("0.01")) * (1 + rnd.nextInt(20)));
        } else {
            b.type(OrderType.Market);
        }
        return b.build();
    }

    private static OrderSpec copy(OrderSpec s, long id) {
        OrderSpec.Builder b = OrderSpec.builder(id).security(s.securityId(), s.symbol()).side(s.side()).type(s.type())
                .quantityFixed(s.quantity());
        if (s.instrument() != null) {
            b.instrument(s.instrument());
        }
        if (s.limitPrice() != Fixed.NONE) {
            b.limitFixed(s.limitPrice());
        }
        if (s.stopPrice() != Fixed.NONE) {
            b.stopFixed(s.stopPrice());
        }
        return b.build();
    }
}
