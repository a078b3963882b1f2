package dev.crater.bench;

import dev.crater.common.MarginType;
import dev.crater.market.Session;
import dev.crater.orders.engine.Command;
import dev.crater.orders.engine.CommissionPlan;
import dev.crater.orders.engine.Engine;
import dev.crater.orders.engine.Event;
import dev.crater.orders.engine.Fixed;
import dev.crater.orders.engine.Instrument;
import dev.crater.orders.engine.OrderSpec;
import dev.crater.orders.engine.OrderType;
import dev.crater.orders.engine.Side;
import dev.crater.orders.engine.TimeInForce;
import dev.crater.orders.engine.TrailType;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Paper-execution engine commands per second, in process, one thread (one shard): 1,000 accounts (80 % Margin, 10 %
 * Cash, 10 % DayTrader, with commissions), 500 securities, a mix of ~80 % QuoteTicks (random walks), 15 % Places
 * (market, limit around the quote, stop, trailing; buy, sell, short; each account trades its own 8 securities) and
 * 5 % Cancels of recently placed orders. Commands are generated in blocks outside the timed section; the timed
 * section is only {@code engine.apply}. After a warm-up of the same length, prints one line per round:
 * {@code ENGINE round=R commands_per_s=X events_per_s=Y}, then a {@code #} line with the live order count.
 *
 * <pre>java -cp target/classes:target/test-classes dev.crater.bench.EngineRate [seconds] [rounds]</pre>
 */
public final class EngineRate {
    static final int ACCOUNTS = 1_000;
    static final int SECURITIES = 500;
    static final int UNIVERSE = 8;
    static final int BLOCK = 1 << 19;
    static final long TICK = Fixed.of("0.01");
    static final Instrument STOCK = new Instrument(1, true, true, TICK, false, true);

    private final SplittableRandom rnd = new SplittableRandom(20261118L);
    private final long[] price = new long[SECURITIES + 1];
    private final long[] recent = new long[4096];
    private int recentN;
    private long nextOrderId = 1;
    private long time = 1_795_530_600_000L;

    public static void main(String[] args) {
        int seconds = args.length > 0 ? Integer.parseInt(args[0]) : 5;
        int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 3;
        new EngineRate().run(seconds, rounds);
    }

    void run(int seconds, int rounds) {
        Engine engine = new Engine();
        List<Event> out = new ArrayList<>(64);
        for (Command c : setup()) {
            engine.apply(c, out);
        }
        out.clear();
        Command[] block = new Command[BLOCK];
        for (int r = 0; r <= rounds; r++) {
            long commands = 0;
            long events = 0;
            long nanos = 0;
            long budget = seconds * 1_000_000_000L;
            while (nanos < budget) {
                fill(block);
                long start = System.nanoTime();
                for (int i = 0; i < BLOCK; i++) {
                    engine.apply(block[i], out);
                    events += out.size();
                    out.clear();
                }
                nanos += System.nanoTime() - start;
                commands += BLOCK;
            }
            if (r == 0) {
                continue; // warm-up
            }
            double s = nanos / 1e9;
            System.out.printf("ENGINE round=%d commands_per_s=%.0f events_per_s=%.0f%n", r, commands / s, events / s);
            System.out.printf("# round=%d live_orders=%d commands=%d%n", r, engine.liveOrderCount(), commands);
        }
    }

    List<Command> setup() {
        List<Command> l = new ArrayList<>();
        l.add(new Command.Clock(time, Session.REGULAR));
        CommissionPlan plan = new CommissionPlan(Fixed.of("1"), Fixed.of("0.005"), Fixed.of("0.65"));
        for (int a = 1; a <= ACCOUNTS; a++) {
            MarginType mt = a % 10 == 0 ? MarginType.Cash : a % 10 == 1 ? MarginType.DayTrader : MarginType.Margin;
            l.add(new Command.OpenAccount(time, a, mt, plan));
            l.add(new Command.Deposit(time, a, Fixed.units(1_000_000), "initial", a));
        }
        for (int s = 1; s <= SECURITIES; s++) {
            price[s] = Fixed.units(10 + rnd.nextInt(490));
            l.add(tick(s));
        }
        return l;
    }

    void fill(Command[] block) {
        for (int i = 0; i < block.length; i++) {
            time++;
            int r = rnd.nextInt(100);
            if (r < 80) {
                block[i] = tick(1 + rnd.nextInt(SECURITIES));
            } else if (r < 95) {
                block[i] = place();
            } else {
                long id = recentN == 0 ? 1 : recent[rnd.nextInt(Math.min(recentN, recent.length))];
                block[i] = new Command.Cancel(time, 0, id);
            }
        }
    }

    Command.QuoteTick tick(int s) {
        long p = Math.max(TICK * 100, price[s] + TICK * (rnd.nextInt(7) - 3));
        price[s] = p;
        long half = TICK * (1 + rnd.nextInt(2));
        return new Command.QuoteTick(time, s, p - half, 100 + rnd.nextInt(900), p + half, 100 + rnd.nextInt(900), p,
                Session.REGULAR, false);
    }

    Command.Place place() {
        int account = 1 + rnd.nextInt(ACCOUNTS);
        int sec = 1 + (account * 7 + rnd.nextInt(UNIVERSE) * 61) % SECURITIES;
        long id = nextOrderId++;
        recent[recentN++ & (recent.length - 1)] = id;
        int r = rnd.nextInt(100);
        Side side = r < 55 ? Side.Buy : r < 90 ? Side.Sell : Side.SellShort;
        long p = price[sec];
        OrderSpec.Builder b = OrderSpec.builder(id).security(sec, "S" + sec).instrument(STOCK).side(side)
                .qty(1 + rnd.nextInt(100)).tif(rnd.nextBoolean() ? TimeInForce.Day : TimeInForce.GoodTillCancel);
        int t = rnd.nextInt(100);
        long offset = Fixed.floorTo(p / 100 * (rnd.nextInt(201) - 100) / 100, TICK); // within ±1 %
        if (t < 40) {
            b.type(OrderType.Market);
        } else if (t < 90) {
            b.type(OrderType.Limit).limitFixed(Math.max(TICK, p + offset));
        } else if (t < 95) {
            b.type(OrderType.Stop).stopFixed(Math.max(TICK, p + (side.isBuy() ? Math.abs(offset) : -Math.abs(offset)) + TICK));
        } else {
            b.type(OrderType.TrailingStop).trailing("1", TrailType.Persentage);
        }
        return new Command.Place(time, account, account, false, b.build());
    }
}
