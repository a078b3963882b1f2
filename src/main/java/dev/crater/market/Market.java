package dev.crater.market;

import dev.crater.store.Revalidated;
import dev.crater.reference.Securities;
import dev.crater.reference.Security;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Instant;
import java.time.InstantSource;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.IntFunction;
import java.util.function.LongToDoubleFunction;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The simulated market: quotes and candles of every security from the deterministic
 * {@link PathModel} (or a replayed CSV), shifted by the operators' sandbox events, on market time.
 * It is the server's {@link QuoteSource}: a ticker computes the quotes of watched securities every
 * {@code tickMs} and hands the changed ones to subscribers.
 */
public final class Market implements QuoteSource, AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(Market.class);

    /** Named limits. */
    public static final int CANDLES_MAX = 20_000;
    public static final int WATCHED_PER_SUBSCRIPTION_MAX = 100_000;
    public static final int SUBSCRIPTIONS_MAX = 1_000;
    /** How long a running server may go on using market control state (clock, overrides) another process changed. */
    public static final long STATE_REVALIDATE_MS = 1000;
    private static final int CACHE_MAX = 50_000;
    /** Grid depth for a day's high/low in quotes: 1,024 points per trading day. */
    private static final int DAY_STATS_DEPTH = 10;
    /** Aim for at most this many path samples per candle. */
    private static final int SAMPLES_PER_CANDLE = 512;
    static final BigDecimal SUB_DOLLAR_TICK = new BigDecimal("0.0001");

    private final Securities securities;
    private final MarketControlStore control;
    private final PathModel model;
    private final ReplayBars replay;
    private final MarketClock clock;
    private final TradingCalendar calendar;
    private final long tickMs;
    /** Whether each security's quote changes at its own phase of the second ({@link #phased}, a tick below one second). */
    private final boolean phased;

    private record ControlState(long version, long offsetMs, Map<Integer, List<MarketEvent>> events) {
    }

    /** The sandbox state (clock offset, scheduled events), re-read when its stored version changes. */
    private final Revalidated<ControlState> state;
    private final ConcurrentHashMap<Integer, PathParameters> instruments = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<Integer, Overrides> overrides = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<Long, long[]> minuteVolumes = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<Integer, DayStats> dayStats = new ConcurrentHashMap<>();
    private final CopyOnWriteArrayList<Sub> subscriptions = new CopyOnWriteArrayList<>();
    private final ConcurrentHashMap<Integer, Quote> lastDelivered = new ConcurrentHashMap<>();
    private volatile IntFunction<Optional<Quote>> derivatives = id -> Optional.empty();
    private Thread ticker;
    private volatile boolean running;

    public Market(Securities securities, MarketControlStore control, PathModel model, ReplayBars replay,
            InstantSource serverClock, long tickMs) {
        this.securities = securities;
        this.control = control;
        this.state = new Revalidated<>(new Revalidated.Source<>() {
            @Override
            public long version() {
                return control.version();
            }

            @Override
            public ControlState load(long version) {
                return loadState(version);
            }
        }, STATE_REVALIDATE_MS);
        this.model = model;
        this.replay = replay;
        this.calendar = model.calendar();
        this.tickMs = tickMs;
        this.phased = phased(tickMs);
        this.clock = new MarketClock(serverClock, () -> state().offsetMs());
    }

    public MarketClock clock() {
        return clock;
    }

    public long nowMs() {
        return clock.millis();
    }

    public TradingCalendar calendar() {
        return calendar;
    }

    public PathModel model() {
        return model;
    }

    public Securities securities() {
        return securities;
    }

    /** Quotes of securities that are not rows (options) come from here. */
    public void derivativeQuotes(IntFunction<Optional<Quote>> source) {
        this.derivatives = source;
    }

    /** The session at market time {@code ms} (the calendar's answer, from the cached day shapes). */
    public Session session(long ms) {
        PathModel.Day day = model.day(model.dateAt(ms));
        if (day == null) {
            return calendar.session(Instant.ofEpochMilli(ms));
        }
        if (ms < day.preOpenMs() || ms >= day.postCloseMs()) {
            return Session.CLOSED;
        }
        if (ms < day.regularOpenMs()) {
            return Session.PRE_MARKET;
        }
        return ms < day.regularCloseMs() ? Session.REGULAR : Session.POST_MARKET;
    }

    /**
     * The session period containing market time {@code ms} ({@link SessionKey}): after a trading
     * day's post-market close the market is in the night before the next trading day.
     */
    public long sessionKey(long ms) {
        LocalDate date = model.dateAt(ms);
        PathModel.Day day = model.day(date);
        if (day == null) {
            return SessionKey.of(calendar.tradingDayIndex(date), Session.CLOSED);
        }
        if (ms >= day.postCloseMs()) {
            return SessionKey.of(day.index() + 1, Session.CLOSED);
        }
        return SessionKey.of(day.index(), session(ms));
    }

    // ---- control state -------------------------------------------------------------------------

    private ControlState state() {
        return state.get();
    }

    /** The sandbox state at {@code version}; a new version drops the price overrides and day statistics built on the old. */
    private ControlState loadState(long version) {
        MarketControlStore.State loaded = control.state();
        Map<Integer, List<MarketEvent>> bySecurity = new HashMap<>();
        for (MarketEvent e : loaded.events()) {
            bySecurity.computeIfAbsent(e.securityId(), k -> new ArrayList<>()).add(e);
        }
        overrides.clear();
        dayStats.clear();
        return new ControlState(loaded.version(), loaded.clockOffsetMs(), Map.copyOf(bySecurity));
    }

    /** Re-reads the sandbox state now (after this process changed it). */
    public void refresh() {
        state.invalidate();
        securities.invalidate();
        state();
    }

    // ---- prices --------------------------------------------------------------------------------

    /** Annualised volatility of the security's simulated path (for option pricing). */
    public double annualVolatility(Security s) {
        return instrument(s).sigmaDay() * Math.sqrt(PathParameters.TRADING_DAYS_PER_YEAR);
    }

    /** The simulator's parameters for {@code s}. */
    public PathParameters instrument(Security s) {
        PathParameters in = instruments.get(s.id());
        if (in == null || !in.symbol().equals(s.symbol())
                || in.referenceLog() != Math.log(Math.max(1e-9, s.referencePrice().doubleValue()))) {
            in = PathParameters.of(s);
            if (instruments.size() >= CACHE_MAX) {
                instruments.clear();
            }
            instruments.put(s.id(), in);
        }
        return in;
    }

    private LongToDoubleFunction base(Security s) {
        if (replay != null && replay.covers(s.symbol())) {
            return ms -> Math.log(replay.price(s.symbol(), ms));
        }
        PathParameters in = instrument(s);
        return ms -> model.level(in, ms);
    }

    private Overrides overrides(Security s) {
        ControlState st = state();
        List<MarketEvent> events = st.events().get(s.id());
        if (events == null) {
            return Overrides.NONE;
        }
        return overrides.computeIfAbsent(s.id(), id -> Overrides.of(events, base(s)));
    }

    /** The log level of {@code s} at market time {@code ms}, operator events included. */
    public double level(Security s, long ms) {
        return overrides(s).level(ms, base(s));
    }

    public boolean halted(Security s, long ms) {
        return overrides(s).halted(ms);
    }

    /** The tick a price is quoted in: the security's tick, or 0.0001 below one dollar. */
    public static BigDecimal tick(Security s, double price) {
        return price < 1.0 ? SUB_DOLLAR_TICK.min(s.tickSize()) : s.tickSize();
    }

    static BigDecimal round(double price, BigDecimal tick, RoundingMode mode) {
        BigDecimal ticks = BigDecimal.valueOf(price).divide(tick, 0, mode);
        BigDecimal p = ticks.multiply(tick);
        if (p.signum() <= 0) {
            p = tick;
        }
        return p.stripTrailingZeros().setScale(Math.max(2, tick.stripTrailingZeros().scale()), RoundingMode.UNNECESSARY);
    }

    /** The last-trade price at {@code ms}, rounded to the tick. */
    public BigDecimal price(Security s, long ms) {
        double p = Math.exp(level(s, ms));
        return round(p, tick(s, p), RoundingMode.HALF_EVEN);
    }

    // ---- quotes --------------------------------------------------------------------------------

    @Override
    public Optional<Quote> quote(int securityId) {
        Optional<Security> s = securities.snapshot().byId(securityId);
        if (s.isEmpty()) {
            return derivatives.apply(securityId);
        }
        return Optional.of(quoteAt(s.get(), nowMs()));
    }

    /**
     * Whether quotes at a ticker period of {@code tickMs} change at per-security phases: below one
     * second. At the default tick (one second and more) every quote changes at each whole second, as
     * it always did.
     */
    public static boolean phased(long tickMs) {
        return tickMs < 1000;
    }

    /** Whether this market's quotes change at per-security phases ({@link #phased(long)}). */
    public boolean phased() {
        return phased;
    }

    /**
     * The phase of the security with path key {@code key} (see {@link PathParameters#key}) within the
     * second, 0..999 ms: at a fast tick its quote changes once a second at this offset from each whole
     * second. A pure function of its arguments, spread evenly over the second across securities.
     */
    public static long phaseMs(long seed, long key) {
        return Math.floorMod(Noise.hash(seed, key, Noise.PHASE, 0), 1000);
    }

    /**
     * The quote of {@code s} at market time {@code ms}, changing once a second. At the default tick (one
     * second and more) it is the quote of the whole second, exactly as before. At a faster tick
     * ({@link #phased}) each security changes at its own phase of the second ({@link #phaseMs}) — as
     * real securities' quotes change at their own instants, not all at once — so a tick carries the
     * changes of about tick/1000 of the securities instead of all of them at each second's start;
     * but a session boundary or a sandbox event of the security (a price set, a path point, a halt
     * or its end) since the phase's instant starts the quote at once (its time is that instant), so
     * operators' changes show without waiting for the phase. Bid and ask sizes are drawn once per
     * (phase) second.
     */
    public Quote quoteAt(Security s, long ms) {
        PathParameters in = instrument(s);
        long index;
        long t;
        if (phased) {
            long phase = phaseMs(model.seed(), in.key());
            index = Math.floorDiv(ms - phase, 1000);
            t = latestChange(s, index * 1000 + phase, ms);
        } else {
            index = Math.floorDiv(ms, 1000);
            t = index * 1000;
        }
        double mid = Math.exp(level(s, t));
        BigDecimal tick = tick(s, mid);
        Session session = session(t);
        double half = Math.max(tick.doubleValue() / 2, mid * in.halfSpread() * (session == Session.REGULAR ? 1 : 3));
        BigDecimal bid = round(mid - half, tick, RoundingMode.FLOOR);
        BigDecimal ask = round(mid + half, tick, RoundingMode.CEILING);
        if (ask.subtract(bid).compareTo(tick) < 0) {
            ask = bid.add(tick);
        }
        BigDecimal last = round(mid, tick, RoundingMode.HALF_EVEN).max(bid).min(ask);
        long bidSize = size(model.seed(), in.key(), index, false);
        long askSize = size(model.seed(), in.key(), index, true);

        LocalDate date = model.dateAt(t);
        PathModel.Day day = model.day(date);
        if (day == null || t < day.preOpenMs()) {
            day = model.day(calendar.previousTradingDay(date));
        }
        BigDecimal open = null;
        BigDecimal high = last;
        BigDecimal low = last;
        long volume = 0;
        BigDecimal previousClose = last;
        if (day != null) {
            long end = Math.min(t, day.postCloseMs());
            DayStats stats = dayStats(s, day, end);
            if (t >= day.regularOpenMs()) {
                open = stats.open;
            }
            high = round(Math.exp(stats.high), tick, RoundingMode.HALF_EVEN).max(last);
            low = round(Math.exp(stats.low), tick, RoundingMode.HALF_EVEN).min(last);
            volume = volume(s, day.preOpenMs(), end);
            previousClose = stats.previousClose == null ? last : stats.previousClose;
        }
        return new Quote(s.id(), s.symbol(), t, bid, bidSize, ask, askSize, last, volume, open, high, low,
                previousClose, session, halted(s, t));
    }

    /**
     * The latest instant in [{@code from}, {@code ms}] at which the quote of {@code s} must start
     * anew: {@code from} (its phase's instant), or a later session boundary of the day, or a later
     * breakpoint of the security's sandbox events.
     */
    private long latestChange(Security s, long from, long ms) {
        long[] t = {from};
        PathModel.Day day = model.day(model.dateAt(ms));
        if (day != null) {
            for (long b : new long[] {day.preOpenMs(), day.regularOpenMs(), day.regularCloseMs(), day.postCloseMs()}) {
                if (b > t[0] && b <= ms) {
                    t[0] = b;
                }
            }
        }
        Overrides ov = overrides(s);
        if (!ov.isEmpty()) {
            ov.breakpoints(from + 1, ms, b -> t[0] = Math.max(t[0], b));
        }
        return t[0];
    }

    /**
     * The bid ({@code ask} false) or ask size of the instrument with path key {@code key} (see
     * {@link PathParameters#key}) in quote second {@code index} (the epoch second; at a fast tick the
     * number of the security's phase second, {@code floor((ms - phase) / 1000)}): 100 to 2,000, a pure
     * function of its arguments.
     */
    public static long size(long seed, long key, long index, boolean ask) {
        return 100 * (1 + Math.floorMod(Noise.hash(seed, key, Noise.SIZE, index * 2 + (ask ? 1 : 0)), 20));
    }

    /**
     * A security's running day statistics: the day's open and previous close, and the high and low
     * log levels from the pre-market open up to {@code upToMs}. Quotes move forward in time, so each
     * one extends the range by the few grid points since the last (amortised O(1)); a quote earlier
     * than the cached range rebuilds it (1,024 points for the part before the current minute).
     */
    private static final class DayStats {
        final int dayIndex;
        final BigDecimal open;
        final BigDecimal previousClose;
        long upToMs;
        double high;
        double low;

        DayStats(int dayIndex, BigDecimal open, BigDecimal previousClose, long upToMs, double high, double low) {
            this.dayIndex = dayIndex;
            this.open = open;
            this.previousClose = previousClose;
            this.upToMs = upToMs;
            this.high = high;
            this.low = low;
        }
    }

    private DayStats dayStats(Security s, PathModel.Day day, long end) {
        DayStats st = dayStats.get(s.id());
        if (st == null || st.dayIndex != day.index() || st.upToMs > end) {
            long minuteStart = Math.max(day.preOpenMs(), Math.floorDiv(end, 60_000) * 60_000);
            double[] acc = {Double.NEGATIVE_INFINITY, Double.POSITIVE_INFINITY};
            sample(s, day.preOpenMs(), minuteStart, DAY_STATS_DEPTH, (ms, level) -> {
                acc[0] = Math.max(acc[0], level);
                acc[1] = Math.min(acc[1], level);
            });
            PathModel.Day prev = model.day(calendar.previousTradingDay(day.date()));
            st = new DayStats(day.index(), price(s, day.regularOpenMs()),
                    prev == null ? null : price(s, prev.regularCloseMs()), minuteStart, acc[0], acc[1]);
            if (dayStats.size() >= CACHE_MAX) {
                dayStats.clear();
            }
            dayStats.put(s.id(), st);
        }
        synchronized (st) {
            if (end > st.upToMs) {
                double[] acc = {st.high, st.low};
                sample(s, st.upToMs, end, PathModel.GRID_BITS, (ms, level) -> {
                    acc[0] = Math.max(acc[0], level);
                    acc[1] = Math.min(acc[1], level);
                });
                st.high = acc[0];
                st.low = acc[1];
                st.upToMs = end;
            }
            return st;
        }
    }

    // ---- sampling, candles, volume -------------------------------------------------------------

    /** Emits path levels covering [from, to] (extremes included at the depth's resolution). */
    void sample(Security s, long from, long to, int depth, PathModel.PointSink sink) {
        if (from > to) {
            return;
        }
        Overrides ov = overrides(s);
        LongToDoubleFunction base = base(s);
        PathModel.PointSink adjusted = ov.isEmpty() ? sink : (ms, level) -> {
            if (!ov.fixedAt(ms)) {
                sink.point(ms, ov.level(ms, t -> level));
            }
        };
        sink.point(from, ov.level(from, base));
        if (replay != null && replay.covers(s.symbol())) {
            replay.scan(s.symbol(), from, to, adjusted);
        } else {
            PathParameters in = instrument(s);
            LocalDate d = model.dateAt(from);
            LocalDate last = model.dateAt(to);
            for (; !d.isAfter(last); d = d.plusDays(1)) {
                PathModel.Day day = model.day(d);
                if (day != null && day.postCloseMs() >= from && day.preOpenMs() <= to) {
                    model.scan(in, day, from, to, depth, adjusted);
                }
            }
        }
        if (!ov.isEmpty()) {
            ov.breakpoints(from, to, t -> {
                sink.point(t, ov.level(t, base));
                if (t > from) {
                    sink.point(t - 1, ov.level(t - 1, base));
                }
            });
        }
        sink.point(to, ov.level(to, base));
    }

    /** Volume of {@code s} traded in [from, to). */
    public long volume(Security s, long from, long to) {
        if (to <= from) {
            return 0;
        }
        if (replay != null && replay.covers(s.symbol())) {
            return replay.volume(s.symbol(), from, to);
        }
        PathParameters in = instrument(s);
        long total = 0;
        LocalDate d = model.dateAt(from);
        LocalDate last = model.dateAt(to);
        for (; !d.isAfter(last); d = d.plusDays(1)) {
            PathModel.Day day = model.day(d);
            if (day == null || day.postCloseMs() <= from || day.preOpenMs() >= to) {
                continue;
            }
            long[] prefix = minuteVolumes(in, day);
            total += cumulative(prefix, day, Math.min(to, day.postCloseMs()))
                    - cumulative(prefix, day, Math.max(from, day.preOpenMs()));
        }
        return total;
    }

    private static long cumulative(long[] prefix, PathModel.Day day, long ms) {
        long offset = ms - day.preOpenMs();
        int minute = (int) (offset / 60_000);
        if (minute >= prefix.length - 1) {
            return prefix[prefix.length - 1];
        }
        long inMinute = prefix[minute + 1] - prefix[minute];
        return prefix[minute] + inMinute * (offset % 60_000) / 60_000;
    }

    /** Prefix sums of the day's per-minute volumes (index m = volume before minute m). */
    private long[] minuteVolumes(PathParameters in, PathModel.Day day) {
        long key = (in.key() * 31 + day.index()) ^ model.seed();
        long[] cached = minuteVolumes.get(key);
        if (cached != null) {
            return cached;
        }
        int minutes = (int) ((day.postCloseMs() - day.preOpenMs()) / 60_000);
        int preMinutes = (int) ((day.regularOpenMs() - day.preOpenMs()) / 60_000);
        int regMinutes = (int) ((day.regularCloseMs() - day.regularOpenMs()) / 60_000);
        double dayFactor = Math.exp(0.3 * Noise.normal(model.seed(), in.key(), Noise.VOLUME, day.index() * 2048L)
                - 0.045);
        double perMinute = in.dailyVolume() * dayFactor / (regMinutes * (5.0 / 3.0));
        long[] prefix = new long[minutes + 1];
        for (int m = 0; m < minutes; m++) {
            double shape;
            if (m >= preMinutes && m < preMinutes + regMinutes) {
                double r = (m - preMinutes + 0.5) / regMinutes;
                shape = 1.0 + 2.0 * (2 * r - 1) * (2 * r - 1);
            } else {
                shape = 0.03;
            }
            double noise = Math.exp(0.5 * Noise.normal(model.seed(), in.key(), Noise.VOLUME,
                    day.index() * 2048L + m + 1) - 0.125);
            prefix[m + 1] = prefix[m] + Math.round(perMinute * shape * noise);
        }
        if (minuteVolumes.size() >= CACHE_MAX) {
            minuteVolumes.clear();
        }
        minuteVolumes.put(key, prefix);
        return prefix;
    }

    /**
     * Candles of {@code s} with bars starting in [fromMs, toMs], none in the future (the newest
     * may still be forming). Intraday bars split each trading day's window — the regular session, or
     * 04:00–20:00 with {@code includeExtended} — from its start; longer bars group trading days.
     *
     * @throws IllegalArgumentException when more than {@link #CANDLES_MAX} bars would be produced
     */
    public List<Candle> candles(Security s, BarPeriod period, long fromMs, long toMs, boolean includeExtended) {
        long now = nowMs();
        long to = Math.min(toMs, now);
        List<Candle> out = new ArrayList<>();
        if (to < fromMs) {
            return out;
        }
        LocalDate first = calendar.tradingDate(Instant.ofEpochMilli(fromMs));
        LocalDate last = calendar.tradingDate(Instant.ofEpochMilli(to));
        if (period.intraday()) {
            long len = period.minutes() * 60_000L;
            for (LocalDate d = first; !d.isAfter(last); d = d.plusDays(1)) {
                PathModel.Day day = model.day(d);
                if (day == null) {
                    continue;
                }
                long start = includeExtended ? day.preOpenMs() : day.regularOpenMs();
                long end = includeExtended ? day.postCloseMs() : day.regularCloseMs();
                for (long b = start; b < end; b += len) {
                    if (b < fromMs || b > to || b >= now) {
                        continue; // outside the range, or not begun yet (no empty bar at "now")
                    }
                    long bEnd = Math.min(b + len, end);
                    out.add(candle(s, b, bEnd, now, day, b >= day.regularOpenMs() && b < day.regularCloseMs()));
                    if (out.size() > CANDLES_MAX) {
                        throw new IllegalArgumentException("more than " + CANDLES_MAX + " candles requested");
                    }
                }
            }
            return out;
        }
        // Day and longer: one daily bar per trading day, grouped.
        Candle open = null;
        long group = Long.MIN_VALUE;
        List<Candle> days = new ArrayList<>();
        for (LocalDate d = first; !d.isAfter(last); d = d.plusDays(1)) {
            PathModel.Day day = model.day(d);
            if (day == null) {
                continue;
            }
            long start = includeExtended ? day.preOpenMs() : day.regularOpenMs();
            long end = includeExtended ? day.postCloseMs() : day.regularCloseMs();
            if (start > now) {
                break;
            }
            Candle daily = candle(s, start, end, now, day, true);
            long g = period.group(d);
            if (open == null || g != group) {
                if (open != null) {
                    days.add(open);
                }
                open = daily;
                group = g;
            } else {
                open = new Candle(open.time(), open.open(), open.high().max(daily.high()), open.low().min(daily.low()),
                        daily.close(), open.volume() + daily.volume(), true);
            }
            if (days.size() > CANDLES_MAX) {
                throw new IllegalArgumentException("more than " + CANDLES_MAX + " candles requested");
            }
        }
        if (open != null) {
            days.add(open);
        }
        return days;
    }

    private Candle candle(Security s, long from, long to, long now, PathModel.Day day, boolean market) {
        long end = Math.min(to, now);
        long gridPoints = (long) ((day.gridX(end) - day.gridX(from)) + 1);
        int depth = PathModel.GRID_BITS;
        while (depth > 4 && (gridPoints >> (PathModel.GRID_BITS - depth)) > SAMPLES_PER_CANDLE) {
            depth--;
        }
        double[] acc = {Double.NEGATIVE_INFINITY, Double.POSITIVE_INFINITY};
        sample(s, from, end, depth, (ms, level) -> {
            acc[0] = Math.max(acc[0], level);
            acc[1] = Math.min(acc[1], level);
        });
        BigDecimal open = price(s, from);
        BigDecimal close = price(s, end);
        double mid = Math.exp(level(s, end));
        BigDecimal tick = tick(s, mid);
        BigDecimal high = round(Math.exp(acc[0]), tick, RoundingMode.HALF_EVEN).max(open).max(close);
        BigDecimal low = round(Math.exp(acc[1]), tick, RoundingMode.HALF_EVEN).min(open).min(close);
        return new Candle(from / 1000, open, high, low, close, volume(s, from, end), market);
    }

    // ---- ticker and subscriptions --------------------------------------------------------------

    private final class Sub implements Subscription {
        final Listener listener;
        final Set<Integer> watched = ConcurrentHashMap.newKeySet();

        Sub(Listener listener) {
            this.listener = listener;
        }

        @Override
        public void watch(int securityId) {
            if (watched.size() >= WATCHED_PER_SUBSCRIPTION_MAX && !watched.contains(securityId)) {
                throw new IllegalStateException("a subscription watches at most " + WATCHED_PER_SUBSCRIPTION_MAX
                        + " securities");
            }
            watched.add(securityId);
        }

        @Override
        public void unwatch(int securityId) {
            watched.remove(securityId);
        }

        @Override
        public void close() {
            subscriptions.remove(this);
        }
    }

    @Override
    public Subscription subscribe(Listener listener) {
        if (subscriptions.size() >= SUBSCRIPTIONS_MAX) {
            throw new IllegalStateException("at most " + SUBSCRIPTIONS_MAX + " quote subscriptions");
        }
        Sub sub = new Sub(listener);
        subscriptions.add(sub);
        return sub;
    }

    /** Computes the watched quotes at the current market time and delivers the changed ones. */
    public void tick() {
        if (subscriptions.isEmpty()) {
            return;
        }
        Set<Integer> ids = new java.util.HashSet<>();
        for (Sub sub : subscriptions) {
            ids.addAll(sub.watched);
        }
        long now = nowMs();
        for (int id : ids) {
            Optional<Quote> q;
            try {
                Optional<Security> s = securities.snapshot().byId(id);
                q = s.isPresent() ? Optional.of(quoteAt(s.get(), now)) : derivatives.apply(id);
            } catch (RuntimeException e) {
                LOG.warn("quote of security {} failed: {}", id, e.toString());
                continue;
            }
            if (q.isEmpty()) {
                continue;
            }
            Quote quote = q.get();
            Quote before = lastDelivered.put(id, quote);
            if (before != null && before.sameMarketAs(quote)) {
                continue;
            }
            for (Sub sub : subscriptions) {
                if (sub.watched.contains(id)) {
                    try {
                        sub.listener.onQuote(quote);
                    } catch (RuntimeException e) {
                        LOG.warn("quote listener failed on security {}: {}", id, e.toString());
                    }
                }
            }
        }
        for (Sub sub : subscriptions) {
            try {
                sub.listener.onTickEnd();
            } catch (RuntimeException e) {
                LOG.warn("quote listener failed at the end of a tick: {}", e.toString());
            }
        }
        if (lastDelivered.size() > CACHE_MAX) {
            lastDelivered.clear();
        }
    }

    /** Starts the ticker thread. */
    public synchronized void start() {
        if (running) {
            return;
        }
        running = true;
        ticker = Thread.ofPlatform().daemon().name("market-ticker").start(() -> {
            while (running) {
                try {
                    tick();
                } catch (RuntimeException e) {
                    LOG.warn("market tick failed: {}", e.toString());
                }
                try {
                    Thread.sleep(tickMs);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
        });
    }

    @Override
    public synchronized void close() {
        running = false;
        if (ticker != null) {
            ticker.interrupt();
            try {
                ticker.join(2000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
