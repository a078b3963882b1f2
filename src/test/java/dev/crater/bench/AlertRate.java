package dev.crater.bench;

import dev.crater.alerts.AlertIndex;
import dev.crater.alerts.PriceAlert;
import dev.crater.market.Quote;
import dev.crater.market.Session;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Price-alert evaluation throughput of the in-memory {@link AlertIndex}, in one thread, no store
 * and no HTTP (the firing's conditional UPDATE and the notifications are not part of it).
 *
 * <ol>
 *   <li><b>Ticks.</b> {@code active} alerts (default 100,000) over {@code securities} securities
 *   (default 500), each at a random level: GTEQ between 101 and 200, LTEQ between 1 and 99, on a
 *   random field (Ask, Bid, Last). Quotes wobble between 99.50 and 100.50, so a tick crosses
 *   nothing and costs what every ordinary quote costs: {@code ticks_per_s} is quotes evaluated per
 *   second, round-robin over the securities. The same is measured with a tenth of the alerts to
 *   show that the cost does not grow with their number.</li>
 *   <li><b>Firing.</b> Every security's price then sweeps up from 100 to 201 and down from 100 to
 *   0.50 in steps of 0.50, so every alert fires exactly once: {@code fired_per_s} is alerts taken
 *   out of the index and handed over per second (ticks included).</li>
 * </ol>
 *
 * Prints one line per round:
 * {@code ALERTS active=100000 securities=500 ticks_per_s=… ticks_per_s_at_10000=… fired_per_s=… puts_per_s=…}
 *
 * <pre>java -cp target/crater.jar:target/test-classes dev.crater.bench.AlertRate [seconds] [rounds] [active] [securities]</pre>
 */
public final class AlertRate {

    static final long SEED = 20_260_102L;
    /** Quotes prepared per security for the tick phase, cycled. */
    static final int QUOTES_PER_SECURITY = 64;

    public static void main(String[] args) {
        int seconds = args.length > 0 ? Integer.parseInt(args[0]) : 5;
        int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 3;
        int active = args.length > 2 ? Integer.parseInt(args[2]) : 100_000;
        int securities = args.length > 3 ? Integer.parseInt(args[3]) : 500;
        if (seconds < 1 || rounds < 1 || active < 10 || securities < 1) {
            throw new IllegalArgumentException("usage: AlertRate [seconds>=1] [rounds>=1] [active>=10] [securities>=1]");
        }
        Quote[][] wobble = wobble(securities);
        for (int r = 0; r <= rounds; r++) {
            boolean warmUp = r == 0;
            int s = warmUp ? 1 : seconds;
            AlertIndex index = new AlertIndex(AlertIndex.Watcher.NONE);
            long began = System.nanoTime();
            put(index, active, securities, SEED + r);
            double putsPerS = active / ((System.nanoTime() - began) / 1e9);
            double ticks = ticksPerSecond(index, wobble, s);
            AlertIndex small = new AlertIndex(AlertIndex.Watcher.NONE);
            put(small, active / 10, securities, SEED + r);
            double ticksSmall = ticksPerSecond(small, wobble, s);
            long[] firing = sweep(index, securities);
            double firedPerS = firing[0] / (firing[1] / 1e9);
            if (firing[0] != active || index.size() != 0) {
                throw new IllegalStateException("fired " + firing[0] + " of " + active + "; " + index.size() + " left");
            }
            if (!warmUp) {
                System.out.printf("ALERTS active=%d securities=%d ticks_per_s=%.0f ticks_per_s_at_%d=%.0f fired_per_s=%.0f"
                        + " puts_per_s=%.0f round=%d%n", active, securities, ticks, active / 10, ticksSmall, firedPerS,
                        putsPerS, r);
            }
        }
    }

    static Quote quote(int securityId, BigDecimal last) {
        BigDecimal cent = new BigDecimal("0.01");
        return new Quote(securityId, "S" + securityId, 0, last.subtract(cent), 100, last.add(cent), 100, last, 0, null,
                last, last, last, Session.REGULAR, false);
    }

    /** Quotes between 99.50 and 100.50 (bid and ask one cent either side): they cross no alert. */
    static Quote[][] wobble(int securities) {
        SplittableRandom random = new SplittableRandom(SEED);
        Quote[][] out = new Quote[securities][QUOTES_PER_SECURITY];
        for (int s = 0; s < securities; s++) {
            for (int q = 0; q < QUOTES_PER_SECURITY; q++) {
                BigDecimal last = BigDecimal.valueOf(9951 + random.nextInt(99), 2);
                out[s][q] = quote(s + 1, last);
            }
        }
        return out;
    }

    static void put(AlertIndex index, int active, int securities, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        PriceAlert.Field[] fields = PriceAlert.Field.values();
        for (int i = 0; i < active; i++) {
            boolean up = random.nextBoolean();
            // Levels in cents: GTEQ 101.00..200.00, LTEQ 1.00..99.00.
            long cents = up ? 10_100 + random.nextInt(9_901) : 100 + random.nextInt(9_801);
            index.put(new AlertIndex.Entry(i + 1, 1, 1, 1 + random.nextInt(securities),
                    fields[random.nextInt(fields.length)], up ? PriceAlert.Operator.GTEQ : PriceAlert.Operator.LTEQ,
                    cents * 1_000_000L, 0));
        }
    }

    static double ticksPerSecond(AlertIndex index, Quote[][] quotes, int seconds) {
        List<AlertIndex.Entry> out = new ArrayList<>();
        long ticks = 0;
        long deadline = System.nanoTime() + seconds * 1_000_000_000L;
        long began = System.nanoTime();
        int q = 0;
        while (System.nanoTime() < deadline) {
            for (Quote[] security : quotes) {
                index.crossed(security[q], out);
            }
            ticks += quotes.length;
            q = (q + 1) % QUOTES_PER_SECURITY;
        }
        double rate = ticks / ((System.nanoTime() - began) / 1e9);
        if (!out.isEmpty()) {
            throw new IllegalStateException("a wobble quote fired " + out.size() + " alerts");
        }
        return rate;
    }

    /** Sweeps every price up to 201 and down to 0.50; returns {fired, nanoseconds}. */
    static long[] sweep(AlertIndex index, int securities) {
        List<AlertIndex.Entry> out = new ArrayList<>();
        long fired = 0;
        long began = System.nanoTime();
        for (long cents = 10_000; cents <= 20_100; cents += 50) {
            BigDecimal last = BigDecimal.valueOf(cents, 2);
            for (int s = 1; s <= securities; s++) {
                fired += index.crossed(quote(s, last), out);
                out.clear();
            }
        }
        for (long cents = 10_000; cents >= 50; cents -= 50) {
            BigDecimal last = BigDecimal.valueOf(cents, 2);
            for (int s = 1; s <= securities; s++) {
                fired += index.crossed(quote(s, last), out);
                out.clear();
            }
        }
        return new long[] {fired, System.nanoTime() - began};
    }
}
