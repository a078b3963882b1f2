package dev.crater.market;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.function.LongToDoubleFunction;

/**
 * The operator events of one security turned into regimes over market time. Each event starts a
 * regime that lasts until the next event starts; within it the level is either fixed by the event
 * (a path, a halt) or the base path shifted so that it continues from where the event left it.
 * Everything is precomputed at construction from the (deterministic) base path, so the level at a
 * time is a binary search and an addition.
 */
final class Overrides {

    private record Regime(MarketEvent event, long start, long fixedUntil, double fixedLevel, double shift) {
    }

    private final List<Regime> regimes;
    private final List<long[]> halts;

    private Overrides(List<Regime> regimes, List<long[]> halts) {
        this.regimes = regimes;
        this.halts = halts;
    }

    static final Overrides NONE = new Overrides(List.of(), List.of());

    boolean isEmpty() {
        return regimes.isEmpty();
    }

    /** Builds the regimes of {@code events} (one security) over {@code base} (base log level by ms). */
    static Overrides of(List<MarketEvent> events, LongToDoubleFunction base) {
        if (events.isEmpty()) {
            return NONE;
        }
        List<MarketEvent> sorted = new ArrayList<>(events);
        sorted.sort(Comparator.comparingLong(MarketEvent::startsAtMs).thenComparingLong(MarketEvent::id));
        List<Regime> regimes = new ArrayList<>();
        List<long[]> halts = new ArrayList<>();
        Overrides sofar = NONE;
        for (MarketEvent e : sorted) {
            long t0 = e.startsAtMs();
            Regime r = switch (e.kind()) {
                case SET -> new Regime(e, t0, t0, 0, Math.log(e.price().doubleValue()) - base.applyAsDouble(t0));
                case PATH -> {
                    MarketEvent.Point last = e.points().getLast();
                    yield new Regime(e, t0, last.atMs(), Double.NaN,
                            Math.log(last.price().doubleValue()) - base.applyAsDouble(last.atMs()));
                }
                case HALT -> {
                    double frozen = sofar.level(t0 - 1, base);
                    long end = e.endsAtMs() == null ? Long.MAX_VALUE : e.endsAtMs();
                    halts.add(new long[] {t0, end});
                    yield new Regime(e, t0, end, frozen,
                            end == Long.MAX_VALUE ? 0 : frozen - base.applyAsDouble(end));
                }
            };
            regimes.add(r);
            sofar = new Overrides(List.copyOf(regimes), List.of());
        }
        return new Overrides(List.copyOf(regimes), List.copyOf(halts));
    }

    /** The log level at {@code ms}: the base path unless an event's regime covers it. */
    double level(long ms, LongToDoubleFunction base) {
        Regime r = regimeAt(ms);
        if (r == null) {
            return base.applyAsDouble(ms);
        }
        if (ms < r.fixedUntil()) {
            if (r.event().kind() == MarketEvent.Kind.PATH) {
                return pathLevel(r.event().points(), ms);
            }
            return r.fixedLevel();
        }
        if (r.event().kind() == MarketEvent.Kind.PATH && ms == r.fixedUntil()) {
            return pathLevel(r.event().points(), ms);
        }
        return base.applyAsDouble(ms) + r.shift();
    }

    /** True when the base path is replaced (not just shifted) at {@code ms}. */
    boolean fixedAt(long ms) {
        Regime r = regimeAt(ms);
        return r != null && ms < r.fixedUntil();
    }

    boolean halted(long ms) {
        for (long[] h : halts) {
            if (ms >= h[0] && ms < h[1]) {
                return true;
            }
        }
        return false;
    }

    /** Starts and ends of regimes and path points inside [from, to], to sample candles exactly. */
    void breakpoints(long from, long to, java.util.function.LongConsumer sink) {
        for (Regime r : regimes) {
            if (r.start() >= from && r.start() <= to) {
                sink.accept(r.start());
            }
            if (r.fixedUntil() != Long.MAX_VALUE && r.fixedUntil() >= from && r.fixedUntil() <= to) {
                sink.accept(r.fixedUntil());
            }
            for (MarketEvent.Point p : r.event().points()) {
                if (p.atMs() >= from && p.atMs() <= to) {
                    sink.accept(p.atMs());
                }
            }
        }
    }

    private Regime regimeAt(long ms) {
        int lo = 0;
        int hi = regimes.size() - 1;
        Regime found = null;
        while (lo <= hi) {
            int mid = (lo + hi) >>> 1;
            Regime r = regimes.get(mid);
            if (r.start() <= ms) {
                found = r;
                lo = mid + 1;
            } else {
                hi = mid - 1;
            }
        }
        return found;
    }

    private static double pathLevel(List<MarketEvent.Point> points, long ms) {
        MarketEvent.Point prev = points.getFirst();
        if (ms <= prev.atMs()) {
            return Math.log(prev.price().doubleValue());
        }
        for (MarketEvent.Point p : points) {
            if (ms <= p.atMs()) {
                double f = (double) (ms - prev.atMs()) / Math.max(1, p.atMs() - prev.atMs());
                double price = prev.price().doubleValue()
                        + (p.price().doubleValue() - prev.price().doubleValue()) * f;
                return Math.log(price);
            }
            prev = p;
        }
        return Math.log(prev.price().doubleValue());
    }
}
