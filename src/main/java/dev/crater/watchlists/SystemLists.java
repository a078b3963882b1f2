package dev.crater.watchlists;

import dev.crater.market.Market;
import dev.crater.market.Quote;
import dev.crater.reference.Security;
import dev.crater.store.Monotonic;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The read-only system watchlists every user sees beside their own: for each of the three listing
 * exchanges the day's ten biggest gainers and ten biggest losers by change from the previous close
 * (in percent), computed from the simulated market's quotes. The lists are recomputed on read when
 * the last computation is older than {@link #REFRESH_MS} (one pass over the exchange's securities,
 * about 3 ms for the shipped master), so they follow the prices, including an operator's sandbox
 * moves, within a few seconds.
 *
 * <p>Ids are fixed ({@link #ID_MIN} + n) at the top of the Int32 range, far above any id the store
 * hands out, so they are the same on every node and never collide with a user's list.
 */
public final class SystemLists {
    private static final Logger LOG = LoggerFactory.getLogger(SystemLists.class);

    /** The first system list id; user list ids stay below it. */
    public static final int ID_MIN = 2_100_000_000;
    /** Securities per system list. */
    public static final int TOP_COUNT = 10;
    /** How old a computed set of lists may be before a read recomputes it. */
    public static final long REFRESH_MS = 2_000;
    /** Their {@code CreateDate}: the day the shipped securities master starts. */
    static final long CREATED_AT_MS = Instant.parse("2026-01-02T00:00:00Z").toEpochMilli();
    /** Scale of the percentage change used for ranking (rounding HALF_EVEN). */
    static final int CHANGE_SCALE = 10;
    static final String SOURCE = "Crater";

    enum Direction { GAIN, LOSS }

    /** One system list's definition; {@code id} is stable. */
    record Definition(int id, String exchange, String exchangeName, Direction direction) {
        String name() {
            return "* Top " + TOP_COUNT + (direction == Direction.GAIN ? " Gain " : " Loss ") + exchangeName;
        }

        String description() {
            return "The " + TOP_COUNT + (direction == Direction.GAIN ? " biggest gainers" : " biggest losers")
                    + " listed on " + exchangeName + " (" + exchange + ") by change from the previous close, in percent.";
        }
    }

    static final List<Definition> DEFINITIONS = List.of(
            new Definition(ID_MIN + 1, "XNAS", "NASDAQ", Direction.GAIN),
            new Definition(ID_MIN + 2, "XNAS", "NASDAQ", Direction.LOSS),
            new Definition(ID_MIN + 3, "XNYS", "NYSE", Direction.GAIN),
            new Definition(ID_MIN + 4, "XNYS", "NYSE", Direction.LOSS),
            new Definition(ID_MIN + 5, "ARCX", "NYSE Arca", Direction.GAIN),
            new Definition(ID_MIN + 6, "ARCX", "NYSE Arca", Direction.LOSS));

    /** A computed system list: its securities, best first. */
    public record SystemList(int id, String name, String description, long computedAtMs, List<Security> securities) {
    }

    private record Computed(long monotonicMs, Map<Integer, SystemList> byId) {
    }

    private final Market market;
    private final InstantSource clock;
    private final Object refreshLock = new Object();
    private volatile Computed computed;

    public SystemLists(Market market, InstantSource clock) {
        this.market = market;
        this.clock = clock;
    }

    public static boolean isSystemId(long id) {
        return id >= ID_MIN;
    }

    /** Every system list, in definition order. */
    public List<SystemList> all() {
        Map<Integer, SystemList> byId = current().byId();
        List<SystemList> out = new ArrayList<>();
        for (Definition d : DEFINITIONS) {
            out.add(byId.get(d.id()));
        }
        return out;
    }

    public Optional<SystemList> byId(long id) {
        return Optional.ofNullable(current().byId().get((int) Math.min(id, Integer.MAX_VALUE)));
    }

    /** True when {@code name} is a system list's name (in any case): users cannot take it. */
    public static boolean isSystemName(String name) {
        return DEFINITIONS.stream().anyMatch(d -> d.name().equalsIgnoreCase(name));
    }

    private Computed current() {
        Computed c = computed;
        if (c != null && Monotonic.millis() - c.monotonicMs() < REFRESH_MS) {
            return c;
        }
        synchronized (refreshLock) {
            c = computed;
            if (c == null || Monotonic.millis() - c.monotonicMs() >= REFRESH_MS) {
                c = compute();
                computed = c;
            }
            return c;
        }
    }


    record Change(Security security, BigDecimal percent) {
    }

    private Computed compute() {
        long marketNowMs = market.nowMs();
        Map<String, List<Change>> byExchange = new HashMap<>();
        for (Definition d : DEFINITIONS) {
            byExchange.putIfAbsent(d.exchange(), new ArrayList<>());
        }
        for (Security s : market.securities().snapshot().all()) {
            List<Change> changes = byExchange.get(s.exchange());
            if (changes == null || !s.enabled()) {
                continue;
            }
            try {
                Quote q = market.quoteAt(s, marketNowMs);
                if (q.previousClose() != null && q.previousClose().signum() > 0) {
                    BigDecimal percent = q.last().subtract(q.previousClose()).multiply(BigDecimal.valueOf(100))
                            .divide(q.previousClose(), CHANGE_SCALE, RoundingMode.HALF_EVEN);
                    changes.add(new Change(s, percent));
                }
            } catch (RuntimeException e) {
                LOG.warn("system watchlists: no quote for {}: {}", s.symbol(), e.toString());
            }
        }
        long nowMs = clock.millis();
        Map<Integer, SystemList> out = new HashMap<>();
        for (Definition d : DEFINITIONS) {
            out.put(d.id(), new SystemList(d.id(), d.name(), d.description(), nowMs,
                    top(byExchange.get(d.exchange()), d.direction())));
        }
        return new Computed(Monotonic.millis(), Map.copyOf(out));
    }

    /** The {@link #TOP_COUNT} biggest moves in one direction (strictly up or down), ties by symbol. */
    static List<Security> top(List<Change> changes, Direction direction) {
        Comparator<Change> byPercent = Comparator.comparing(Change::percent);
        if (direction == Direction.GAIN) {
            byPercent = byPercent.reversed();
        }
        return changes.stream()
                .filter(c -> direction == Direction.GAIN ? c.percent().signum() > 0 : c.percent().signum() < 0)
                .sorted(byPercent.thenComparing(c -> c.security().symbol()))
                .limit(TOP_COUNT)
                .map(Change::security)
                .toList();
    }
}
