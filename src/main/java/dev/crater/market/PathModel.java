package dev.crater.market;

import java.time.Instant;
import java.time.LocalDate;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The simulated price paths: a pure function of (seed, instrument, market time), with no state but
 * caches. Prices move only while a session (pre-market, regular, post-market) is open and stand
 * still while the market is closed.
 *
 * <p>Construction, in log price:
 * <ul>
 * <li>Day level: the level at each trading day's pre-market open is a random walk over trading
 * days, {@code L(k+1) = L(k) + mu - sigma²/2 + sigma·z(k)}, pinned to the instrument's reference
 * price at {@link #ANCHOR} and extended forward and backward from it.</li>
 * <li>Within the day: a Brownian bridge from {@code L(k)} to {@code L(k+1)} on a grid of
 * 2^16 points, built by midpoint subdivision, so the value at any grid point costs 16 normals and
 * any range can be scanned at any resolution. Time maps to the grid through a variance clock: a
 * second outside the regular session carries {@link #EXTENDED_WEIGHT} of the variance of a regular
 * second, so pre- and post-market prices drift less.</li>
 * <li>Between grid points the level is interpolated linearly, so a scan of the grid points of a
 * range gives its exact extremes.</li>
 * </ul>
 * Supported dates: {@link #FIRST_DAY} to {@link #LAST_DAY}; outside them the path is flat at the
 * nearest end.
 */
public final class PathModel {

    public static final LocalDate ANCHOR = LocalDate.of(2026, 1, 2);
    public static final LocalDate FIRST_DAY = LocalDate.of(2000, 1, 3);
    public static final LocalDate LAST_DAY = LocalDate.of(2099, 12, 31);
    public static final int GRID_BITS = 16;
    public static final int GRID = 1 << GRID_BITS;
    static final double EXTENDED_WEIGHT = 0.1;
    private static final int CHUNK = 256;
    /** Named limit: instruments whose day levels are cached; the cache is cleared when full. */
    static final int CACHED_INSTRUMENTS_MAX = 8192;

    private final long seed;
    private final TradingCalendar calendar;
    private final int firstIndex;
    private final int lastIndex;
    private final int anchorIndex;
    private final ConcurrentHashMap<Long, double[]> chunkStarts = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<Long, double[]> chunkDetail = new ConcurrentHashMap<>();

    public PathModel(long seed, TradingCalendar calendar) {
        this.seed = seed;
        this.calendar = calendar;
        this.firstIndex = calendar.tradingDayIndex(FIRST_DAY);
        this.lastIndex = calendar.tradingDayIndex(calendar.previousTradingDay(LAST_DAY.plusDays(1)));
        this.anchorIndex = calendar.tradingDayIndex(ANCHOR);
    }

    public long seed() {
        return seed;
    }

    public TradingCalendar calendar() {
        return calendar;
    }

    private double step(PathParameters in, int k) {
        double s = in.sigmaDay();
        return in.muDay() - 0.5 * s * s + s * Noise.normal(seed, in.key(), Noise.DAY, k);
    }

    private double[] starts(PathParameters in) {
        double[] s = chunkStarts.get(in.key() ^ Double.doubleToLongBits(in.referenceLog()));
        if (s != null) {
            return s;
        }
        int chunks = (lastIndex + 1 - firstIndex) / CHUNK + 2;
        double[] levels = new double[chunks];
        // Walk from the anchor outwards: forward sums up, backward subtracts the steps.
        double level = in.referenceLog();
        int anchorChunk = (anchorIndex - firstIndex) / CHUNK;
        int anchorChunkStart = firstIndex + anchorChunk * CHUNK;
        double back = level;
        for (int k = anchorIndex - 1; k >= firstIndex; k--) {
            back -= step(in, k);
            if ((k - firstIndex) % CHUNK == 0) {
                levels[(k - firstIndex) / CHUNK] = back;
            }
        }
        if (anchorIndex == anchorChunkStart) {
            levels[anchorChunk] = level;
        }
        double fwd = level;
        for (int k = anchorIndex; k < firstIndex + (chunks - 1) * CHUNK; k++) {
            fwd += step(in, k);
            if ((k + 1 - firstIndex) % CHUNK == 0) {
                levels[(k + 1 - firstIndex) / CHUNK] = fwd;
            }
        }
        if (chunkStarts.size() >= CACHED_INSTRUMENTS_MAX) {
            chunkStarts.clear();
        }
        chunkStarts.put(in.key() ^ Double.doubleToLongBits(in.referenceLog()), levels);
        return levels;
    }

    /** The log level at the pre-market open of trading day {@code k} (= the close of day k-1). */
    public double dayLevel(PathParameters in, int k) {
        int kk = Math.max(firstIndex, Math.min(lastIndex + 1, k));
        int chunk = (kk - firstIndex) / CHUNK;
        long cacheKey = in.key() ^ Double.doubleToLongBits(in.referenceLog());
        double[] detail = chunkDetail.get(cacheKey);
        if (detail == null || (int) detail[0] != chunk) {
            double[] d = new double[CHUNK + 2];
            d[0] = chunk;
            double level = starts(in)[chunk];
            int start = firstIndex + chunk * CHUNK;
            for (int i = 0; i <= CHUNK; i++) {
                d[i + 1] = level;
                level += step(in, start + i);
            }
            if (chunkDetail.size() >= CACHED_INSTRUMENTS_MAX) {
                chunkDetail.clear();
            }
            chunkDetail.put(cacheKey, d);
            detail = d;
        }
        return detail[kk - firstIndex - chunk * CHUNK + 1];
    }

    /** The shape of one trading day on the variance clock. */
    public record Day(LocalDate date, int index, long preOpenMs, long regularOpenMs, long regularCloseMs, long postCloseMs,
            double totalVariance) {

        /** Grid position (0..GRID) of market time {@code ms} within the day. */
        double gridX(long ms) {
            double v;
            if (ms <= regularOpenMs) {
                v = EXTENDED_WEIGHT * (ms - preOpenMs);
            } else if (ms <= regularCloseMs) {
                v = EXTENDED_WEIGHT * (regularOpenMs - preOpenMs) + (ms - regularOpenMs);
            } else {
                v = EXTENDED_WEIGHT * (regularOpenMs - preOpenMs) + (regularCloseMs - regularOpenMs)
                        + EXTENDED_WEIGHT * (ms - regularCloseMs);
            }
            return Math.max(0.0, Math.min(GRID, v / totalVariance * GRID));
        }

        /** Market time (ms) of grid position {@code x}: the inverse of {@link #gridX}. */
        long timeAt(double x) {
            double v = x / GRID * totalVariance;
            double pre = EXTENDED_WEIGHT * (regularOpenMs - preOpenMs);
            double reg = regularCloseMs - regularOpenMs;
            if (v <= pre) {
                return preOpenMs + Math.round(v / EXTENDED_WEIGHT);
            }
            if (v <= pre + reg) {
                return regularOpenMs + Math.round(v - pre);
            }
            return regularCloseMs + Math.round((v - pre - reg) / EXTENDED_WEIGHT);
        }
    }

    /** A New York calendar date with its bounds in epoch ms and its trading day (null when closed). */
    private record Span(long fromMs, long toMs, LocalDate date, Day day) {
    }

    /** Named limit: days whose shape is cached; the cache is cleared when full. */
    static final int CACHED_DAYS_MAX = 50_000;
    private final ConcurrentHashMap<LocalDate, Span> spans = new ConcurrentHashMap<>();
    private volatile Span lastSpan;

    private Span span(LocalDate date) {
        Span s = spans.get(date);
        if (s == null) {
            long from = date.atStartOfDay(TradingCalendar.ZONE).toInstant().toEpochMilli();
            long to = date.plusDays(1).atStartOfDay(TradingCalendar.ZONE).toInstant().toEpochMilli();
            s = new Span(from, to, date, computeDay(date));
            if (spans.size() >= CACHED_DAYS_MAX) {
                spans.clear();
            }
            spans.put(date, s);
        }
        return s;
    }

    private Span spanAt(long ms) {
        Span s = lastSpan;
        if (s != null && ms >= s.fromMs() && ms < s.toMs()) {
            return s;
        }
        s = span(calendar.tradingDate(Instant.ofEpochMilli(ms)));
        lastSpan = s;
        return s;
    }

    /** The New York date of market time {@code ms} (cached: no time-zone arithmetic on the hot path). */
    public LocalDate dateAt(long ms) {
        return spanAt(ms).date();
    }

    /** The trading day {@code date}'s shape, or null when the exchange does not trade that day. */
    public Day day(LocalDate date) {
        return span(date).day();
    }

    private Day computeDay(LocalDate date) {
        if (!calendar.isTradingDay(date) || date.isBefore(FIRST_DAY) || date.isAfter(LAST_DAY)) {
            return null;
        }
        long pre = calendar.preMarketOpen(date).toInstant().toEpochMilli();
        long open = calendar.regularOpen(date).toInstant().toEpochMilli();
        long close = calendar.regularClose(date).toInstant().toEpochMilli();
        long post = calendar.postMarketClose(date).toInstant().toEpochMilli();
        double total = EXTENDED_WEIGHT * (open - pre) + (close - open) + EXTENDED_WEIGHT * (post - close);
        return new Day(date, calendar.tradingDayIndex(date), pre, open, close, post, total);
    }

    /** The base log level at market time {@code ms}. */
    public double level(PathParameters in, long ms) {
        Span span = spanAt(ms);
        LocalDate date = span.date();
        if (date.isBefore(FIRST_DAY)) {
            return dayLevel(in, firstIndex);
        }
        if (date.isAfter(LAST_DAY)) {
            return dayLevel(in, lastIndex + 1);
        }
        Day day = span.day();
        if (day == null) {
            return dayLevel(in, calendar.tradingDayIndex(date));
        }
        if (ms <= day.preOpenMs()) {
            return dayLevel(in, day.index());
        }
        if (ms >= day.postCloseMs()) {
            return dayLevel(in, day.index() + 1);
        }
        return levelWithin(in, day, day.gridX(ms));
    }

    /** The level at grid position {@code x} of {@code day}, interpolated between grid points. */
    double levelWithin(PathParameters in, Day day, double x) {
        double start = dayLevel(in, day.index());
        double delta = dayLevel(in, day.index() + 1) - start;
        int j = (int) Math.floor(x);
        double frac = x - j;
        double a = start + bridge(in, day.index(), delta, j);
        if (frac == 0.0 || j >= GRID) {
            return a;
        }
        double b = start + bridge(in, day.index(), delta, j + 1);
        return a + (b - a) * frac;
    }

    private double sigmaGrid(PathParameters in) {
        return in.sigmaDay() / Math.sqrt(GRID);
    }

    private double midpoint(PathParameters in, int k, int lo, int hi, double a, double b, int mid) {
        return (a + b) * 0.5 + sigmaGrid(in) * Math.sqrt((hi - lo) * 0.25)
                * Noise.normal(seed, in.key(), Noise.BRIDGE, (long) k * (GRID * 2L) + mid);
    }

    /** The bridge's offset from the day's start level at grid point j (0..GRID). */
    private double bridge(PathParameters in, int k, double delta, int j) {
        int lo = 0;
        int hi = GRID;
        double a = 0.0;
        double b = delta;
        while (true) {
            if (j == lo) {
                return a;
            }
            if (j == hi) {
                return b;
            }
            int mid = (lo + hi) >>> 1;
            double m = midpoint(in, k, lo, hi, a, b, mid);
            if (j < mid) {
                hi = mid;
                b = m;
            } else {
                lo = mid;
                a = m;
            }
        }
    }

    /** Receives grid points of a scan. */
    @FunctionalInterface
    public interface PointSink {
        void point(long ms, double level);
    }

    /**
     * Emits the grid points of {@code day} between market times {@code fromMs} and {@code toMs}
     * (inclusive) whose index is a multiple of {@code 2^(GRID_BITS - depth)}, plus the exact levels at
     * both ends of the range. Cost is proportional to the points emitted.
     */
    public void scan(PathParameters in, Day day, long fromMs, long toMs, int depth, PointSink sink) {
        long from = Math.max(fromMs, day.preOpenMs());
        long to = Math.min(toMs, day.postCloseMs());
        if (from > to) {
            return;
        }
        double xFrom = day.gridX(from);
        double xTo = day.gridX(to);
        double start = dayLevel(in, day.index());
        double delta = dayLevel(in, day.index() + 1) - start;
        sink.point(from, levelWithin(in, day, xFrom));
        int step = 1 << (GRID_BITS - Math.max(0, Math.min(GRID_BITS, depth)));
        walk(in, day, start, 0, GRID, 0.0, delta, (int) Math.ceil(xFrom), (int) Math.floor(xTo), step, sink);
        sink.point(to, levelWithin(in, day, xTo));
    }

    private void walk(PathParameters in, Day day, double start, int lo, int hi, double a, double b, int jFrom, int jTo,
            int step, PointSink sink) {
        if (hi < jFrom || lo > jTo) {
            return;
        }
        if (hi - lo <= step) {
            if (lo >= jFrom && lo <= jTo) {
                sink.point(day.timeAt(lo), start + a);
            }
            if (hi >= jFrom && hi <= jTo) {
                sink.point(day.timeAt(hi), start + b);
            }
            return;
        }
        int mid = (lo + hi) >>> 1;
        double m = midpoint(in, day.index(), lo, hi, a, b, mid);
        walk(in, day, start, lo, mid, a, m, jFrom, jTo, step, sink);
        walk(in, day, start, mid, hi, m, b, jFrom, jTo, step, sink);
    }
}
