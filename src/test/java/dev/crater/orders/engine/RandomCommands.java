package dev.crater.orders.engine;

import dev.crater.common.MarginType;
import dev.crater.market.Session;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.Set;

/**
 * Seeded generator of a realistic-but-hostile command stream over a few accounts (one of each margin type plus one
 * with commissions), four stocks with different ticks and two options: quotes with random walks, halts and zero sizes;
 * every order type and TIF, conditional groups and spreads, malformed orders, cancels and replaces of live orders,
 * deposits/withdrawals, session changes through a trading day and settlements. It looks at the engine only to pick
 * live orders to cancel/replace, so the stream is a deterministic function of the seed and the engine's state.
 */
final class RandomCommands {
    static final int[] STOCKS = {1, 2, 3, 4};
    static final int[] OPTIONS = {101, 102};
    static final long[] ACCOUNTS = {1, 2, 3, 4, 5};
    private static final Session[] DAY = {Session.PRE_MARKET, Session.REGULAR, Session.POST_MARKET, Session.CLOSED};

    private final Random rnd;
    private final long[] last = new long[110];
    private long time = Harness.T0;
    private long nextId = 1000;
    private int dayStep;
    private int sinceSession;
    private long dayStart = Harness.T0;
    private final List<Command> setup = new ArrayList<>();

    RandomCommands(long seed) {
        rnd = new Random(seed);
        for (int s : STOCKS) {
            last[s] = Fixed.units(20 + s * 15L);
        }
        for (int o : OPTIONS) {
            last[o] = Fixed.of("3.00");
        }
        MarginType[] types = {MarginType.Cash, MarginType.Margin, MarginType.DayTrader, MarginType.MarginIra, MarginType.Margin};
        for (int i = 0; i < ACCOUNTS.length; i++) {
            CommissionPlan plan = i == 4 ? new CommissionPlan(Fixed.of("4.95"), Fixed.of("0.005"), Fixed.of("0.65"))
                    : CommissionPlan.FREE;
            setup.add(new Command.OpenAccount(time, ACCOUNTS[i], types[i], plan));
            setup.add(new Command.Deposit(time, ACCOUNTS[i], Fixed.units(50_000), "initial", i));
        }
        setup.add(new Command.Clock(time, Session.PRE_MARKET));
    }

    List<Command> setup() {
        return setup;
    }

    Command next(Engine engine) {
        time += 1 + rnd.nextInt(1500);
        sinceSession++;
        if (sinceSession > 250 + rnd.nextInt(100)) {
            sinceSession = 0;
            dayStep = (dayStep + 1) % DAY.length;
            if (DAY[dayStep] == Session.PRE_MARKET) {
                dayStart = time;
                return new Command.Settle(time, dayStart);
            }
            return new Command.Clock(time, DAY[dayStep]);
        }
        Session s = DAY[dayStep];
        int r = rnd.nextInt(100);
        if (r < 45) {
            return tick(s);
        }
        if (r < 80) {
            return place(engine);
        }
        if (r < 88) {
            return cancel(engine);
        }
        if (r < 94) {
            return replace(engine);
        }
        if (r < 96) {
            long acc = ACCOUNTS[rnd.nextInt(ACCOUNTS.length)];
            long amt = Fixed.units(rnd.nextInt(20_000) - 8_000);
            return new Command.Deposit(time, acc, amt, "random", nextId++);
        }
        if (r < 97 && rnd.nextInt(3) == 0) {
            // A reset (rarely: it ends the positions the stream trades on): sometimes too few ids for the account's positions (refused, nothing changed).
            long acc = ACCOUNTS[rnd.nextInt(ACCOUNTS.length)];
            java.util.List<Long> ids = new java.util.ArrayList<>();
            for (int i = rnd.nextInt(8); i > 0; i--) {
                ids.add(nextId++);
            }
            return new Command.Reset(time, acc, 7, Fixed.units(40_000 + rnd.nextInt(60_000)), ids, "Account reset",
                    nextId++);
        }
        return new Command.Clock(time, s);
    }

    private Command tick(Session s) {
        boolean option = rnd.nextInt(5) == 0;
        int sec = option ? OPTIONS[rnd.nextInt(OPTIONS.length)] : STOCKS[rnd.nextInt(STOCKS.length)];
        long tick = tickOf(sec);
        long px = last[sec];
        long step = tick * (rnd.nextInt(41) - 20);
        px = Math.max(tick * 10, px + step);
        last[sec] = px;
        long spread = tick * (1 + rnd.nextInt(3));
        long bidSize = rnd.nextInt(10) == 0 ? 0 : rnd.nextInt(600);
        long askSize = rnd.nextInt(10) == 0 ? 0 : rnd.nextInt(600);
        boolean halted = rnd.nextInt(50) == 0;
        return new Command.QuoteTick(time, sec, px - spread, bidSize, px + spread, askSize, px, s, halted);
    }

    static long tickOf(int sec) {
        return sec == 4 ? Fixed.of("0.05") : Fixed.of("0.01");
    }

    private Instrument inst(int sec) {
        if (sec >= 100) {
            return Instrument.option();
        }
        return new Instrument(1, sec != 3, sec != 2, tickOf(sec), false, rnd.nextInt(200) != 0);
    }

    private long price(int sec, int spreadTicks) {
        long tick = tickOf(sec);
        long p = last[sec] + tick * (rnd.nextInt(2 * spreadTicks + 1) - spreadTicks);
        if (rnd.nextInt(40) == 0) {
            p += tick / 2; // off tick
        }
        return Math.max(tick, p);
    }

    private OrderSpec single(Engine engine, long acc, long id, int sec, boolean leg) {
        OrderType[] types = {OrderType.Market, OrderType.Market, OrderType.Limit, OrderType.Limit, OrderType.Limit,
                OrderType.Stop, OrderType.StopLimit, OrderType.TrailingStop, OrderType.TrailingStopLimit};
        OrderType type = types[rnd.nextInt(types.length)];
        Side[] sides = {Side.Buy, Side.Buy, Side.Buy, Side.Sell, Side.Sell, Side.SellShort, Side.BuyToCover};
        Side side = sides[rnd.nextInt(sides.length)];
        boolean simple = type == OrderType.Market || type == OrderType.Limit;
        TimeInForce tif;
        int tr = rnd.nextInt(100);
        if (leg || (!simple && rnd.nextInt(15) != 0)) {
            tif = tr < 45 ? TimeInForce.Day : tr < 90 ? TimeInForce.GoodTillCancel : TimeInForce.GoodTillDate;
        } else {
            tif = tr < 35 ? TimeInForce.Day : tr < 70 ? TimeInForce.GoodTillCancel : tr < 80 ? TimeInForce.GoodTillDate
                    : tr < 88 ? TimeInForce.ImmediateOrCancel : tr < 95 ? TimeInForce.FillOrKill : TimeInForce.AtTheOpening;
        }
        long qty = rnd.nextInt(40) == 0 ? 0 : 1 + rnd.nextInt(sec >= 100 ? 10 : 200);
        if (rnd.nextInt(15) == 0) {
            qty = 500 + rnd.nextInt(5000);
        }
        PositionSnapshot pos = engine.position(acc, sec);
        if (pos != null && pos.quantity() != 0 && rnd.nextInt(10) < 6) {
            side = pos.quantity() > 0 ? Side.Sell : Side.BuyToCover;
            qty = 1 + rnd.nextInt((int) Math.min(1000, Math.abs(pos.quantity()) / Fixed.SCALE));
        }
        OrderSpec.Builder b = OrderSpec.builder(id).security(sec, "S" + sec).instrument(inst(sec)).side(side).type(type)
                .tif(tif).qty(qty);
        if (type == OrderType.Limit || type == OrderType.StopLimit) {
            b.limitFixed(price(sec, 40));
        }
        if (type == OrderType.Stop || type == OrderType.StopLimit) {
            b.stopFixed(price(sec, 40));
        }
        if (type.trailing()) {
            if (rnd.nextBoolean()) {
                b.trailing(String.valueOf(1 + rnd.nextInt(5)), TrailType.Persentage);
            } else {
                b.trailing(Fixed.format(tickOf(sec) * (1 + rnd.nextInt(50))), TrailType.Absolute);
            }
            b.trailingLimit(Fixed.format(tickOf(sec) * rnd.nextInt(10)), TrailType.Absolute);
        }
        if (tif == TimeInForce.GoodTillDate) {
            b.expireAt(time + rnd.nextInt(400_000) - 20_000);
        }
        if (rnd.nextInt(10) == 0) {
            b.allOrNone(true);
        }
        if (rnd.nextInt(6) == 0 && (type == OrderType.Limit || rnd.nextInt(10) == 0)) {
            b.sessions(rnd.nextBoolean() ? Set.of(Session.PRE_MARKET, Session.REGULAR, Session.POST_MARKET)
                    : Set.of(Session.REGULAR, Session.POST_MARKET));
        }
        if (rnd.nextInt(10) == 0) {
            b.perTradeCommission("1").perContractCommissionCents("0.5");
        }
        return b.build();
    }

    private Command place(Engine engine) {
        long acc = rnd.nextInt(30) == 0 ? 99 : ACCOUNTS[rnd.nextInt(ACCOUNTS.length)];
        long id = nextId++;
        int kind = rnd.nextInt(100);
        OrderSpec spec;
        if (kind < 8) {
            OrderType[] g = {OrderType.OneCancelOther, OrderType.OneTriggerOther, OrderType.OneTriggerOneCancelOther};
            OrderType t = g[rnd.nextInt(g.length)];
            int n = t == OrderType.OneTriggerOneCancelOther ? 3 : 2;
            if (rnd.nextInt(20) == 0) {
                n = 1;
            }
            List<OrderSpec> legs = new ArrayList<>();
            int sec = STOCKS[rnd.nextInt(STOCKS.length)];
            for (int i = 0; i < n; i++) {
                legs.add(single(engine, acc, nextId++, rnd.nextInt(4) == 0 ? STOCKS[rnd.nextInt(STOCKS.length)] : sec, true));
            }
            spec = OrderSpec.builder(id).security(0, "").type(t).tif(TimeInForce.GoodTillCancel).legs(legs).build();
        } else if (kind < 12) {
            long qty = 1 + rnd.nextInt(5);
            boolean open = rnd.nextBoolean();
            List<OrderSpec> legs = List.of(
                    OrderSpec.builder(nextId++).security(101, "C101").instrument(Instrument.option())
                            .side(open ? Side.Buy : Side.Sell).qty(qty).build(),
                    OrderSpec.builder(nextId++).security(102, "C102").instrument(Instrument.option())
                            .side(open ? Side.SellShort : Side.BuyToCover).qty(qty * (1 + rnd.nextInt(2))).build());
            OrderSpec.Builder b = OrderSpec.builder(id).security(0, "").type(rnd.nextBoolean() ? OrderType.Market : OrderType.Limit)
                    .qty(qty).tif(rnd.nextBoolean() ? TimeInForce.Day : TimeInForce.GoodTillCancel).legs(legs);
            b.limitFixed(Fixed.of("0.50") * (rnd.nextInt(9) - 2));
            spec = b.build();
        } else {
            boolean option = rnd.nextInt(8) == 0;
            int sec = option ? OPTIONS[rnd.nextInt(OPTIONS.length)] : STOCKS[rnd.nextInt(STOCKS.length)];
            spec = single(engine, acc, id, sec, false);
        }
        return new Command.Place(time, acc, 7, rnd.nextInt(25) == 0, spec);
    }

    private OrderSnapshot randomLive(Engine engine) {
        List<OrderSnapshot> open = engine.openOrders(ACCOUNTS[rnd.nextInt(ACCOUNTS.length)]);
        return open.isEmpty() ? null : open.get(rnd.nextInt(open.size()));
    }

    private Command cancel(Engine engine) {
        OrderSnapshot o = randomLive(engine);
        long id = o == null || rnd.nextInt(15) == 0 ? 1 + rnd.nextInt((int) nextId) : o.orderId();
        return new Command.Cancel(time, o == null ? 0 : o.accountId(), id);
    }

    private Command replace(Engine engine) {
        OrderSnapshot o = randomLive(engine);
        if (o == null) {
            return new Command.Replace(time, 0, nextId + 5, Fixed.units(1), Fixed.NONE, Fixed.NONE, Fixed.NONE,
                    Fixed.NONE, Fixed.NONE);
        }
        int sec = o.securityId() == 0 ? 1 : o.securityId();
        long qty = rnd.nextBoolean() ? Fixed.NONE : o.executed() + Fixed.units(rnd.nextInt(100));
        long limit = o.type().hasLimit() && rnd.nextBoolean() ? price(sec, 30) : Fixed.NONE;
        long stop = (o.type() == OrderType.Stop || o.type() == OrderType.StopLimit) && rnd.nextBoolean()
                ? price(sec, 30) : Fixed.NONE;
        long trail = o.type().trailing() && rnd.nextBoolean() ? tickOf(sec) * (1 + rnd.nextInt(20)) : Fixed.NONE;
        long exp = o.tif() == TimeInForce.GoodTillDate && rnd.nextBoolean() ? time + rnd.nextInt(300_000) : Fixed.NONE;
        return new Command.Replace(time, o.accountId(), o.orderId(), qty, limit, stop, trail, Fixed.NONE, exp);
    }
}
