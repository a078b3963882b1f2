package dev.crater.securities;

import dev.crater.reference.Security;
import dev.crater.market.Market;
import dev.crater.market.PathModel;
import dev.crater.market.Quote;
import dev.crater.market.Session;
import dev.crater.market.TradingCalendar;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.DayOfWeek;
import java.time.Instant;
import java.time.LocalDate;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.time.temporal.TemporalAdjusters;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Listed option chains for every optionable underlying, generated on demand and priced from the
 * simulated underlying with Black–Scholes.
 *
 * <p>Listing rules: every Friday (Thursday when the Friday is an exchange holiday) up to 52 weeks
 * ahead is an expiration; the third Friday of a month is {@code Regular} (monthly), the others
 * {@code Weekly}. A series is listed 53 weeks before it expires; its strikes are fixed then, around
 * the underlying's simulated close of that day (±40 %, in the usual increments: 0.5 below $5, 1
 * below $25, 2.5 below $100, 5 below $250, 10 below $500, 20 below $1,000, 50 above), so a contract
 * never changes once listed and operators' price changes do not move strikes.
 *
 * <p>Ids: {@code 2^30 + (underlyingId << 19 | week << 9 | strikeIndex << 1 | right)}, with
 * {@code week} counted from {@link #WEEK_EPOCH}: underlyings with ids below {@link #UNDERLYING_ID_LIMIT}
 * can have options, until about 2044. SeriesId is {@code underlyingId * 1024 + week}.
 */
public final class OptionChains {

    public static final int ID_BASE = 1 << 30;
    public static final int UNDERLYING_ID_LIMIT = 1 << 11;
    public static final LocalDate WEEK_EPOCH = LocalDate.of(2025, 1, 3);
    static final int WEEKS_LIMIT = 1 << 10;
    static final int STRIKES_MAX = 255;
    /** How far ahead expirations are listed, and how long before expiry a series is listed. */
    static final int WEEKS_AHEAD = 52;
    static final int LISTED_WEEKS_BEFORE = 53;
    static final double RATE = 0.04;
    private static final Pattern OSI = Pattern.compile(
            "^([A-Z0-9.]{1,6})\\s*(\\d{2})(\\d{2})(\\d{2})([CP])(\\d{8})$");
    private static final DateTimeFormatter OSI_DATE = DateTimeFormatter.ofPattern("yyMMdd");
    private static final DateTimeFormatter DESCRIPTION_DATE = DateTimeFormatter.ofPattern("MM/dd/yy");

    private final Market market;
    private final TradingCalendar calendar;

    public OptionChains(Market market) {
        this.market = market;
        this.calendar = market.calendar();
        market.derivativeQuotes(id -> byId(id).map(c -> quote(c, market.nowMs())));
    }

    public static boolean isOptionId(long id) {
        return id >= ID_BASE;
    }

    /** The OSI root: the symbol without punctuation, at most 6 characters. */
    static String root(Security s) {
        String r = s.symbol().replace(".", "").replace("/", "").toUpperCase(Locale.ROOT);
        return r.length() > 6 ? r.substring(0, 6) : r;
    }

    /** The expiration date of week {@code w} (its Friday, or Thursday when Friday is a holiday). */
    LocalDate expiration(int week) {
        LocalDate friday = WEEK_EPOCH.plusWeeks(week);
        LocalDate d = friday;
        while (!calendar.isTradingDay(d) && d.isAfter(friday.minusDays(4))) {
            d = d.minusDays(1);
        }
        return d;
    }

    static int weekOf(LocalDate expiration) {
        LocalDate friday = expiration.with(TemporalAdjusters.nextOrSame(DayOfWeek.FRIDAY));
        return (int) ChronoUnit.WEEKS.between(WEEK_EPOCH, friday);
    }

    OptionContract.ExpirationType type(int week) {
        LocalDate friday = WEEK_EPOCH.plusWeeks(week);
        LocalDate third = friday.with(TemporalAdjusters.dayOfWeekInMonth(3, DayOfWeek.FRIDAY));
        return friday.equals(third) ? OptionContract.ExpirationType.Regular : OptionContract.ExpirationType.Weekly;
    }

    /** The strike grid of a series: first strike, increment and count. */
    record Grid(BigDecimal first, BigDecimal increment, int count, LocalDate listedOn) {
        BigDecimal strike(int index) {
            return first.add(increment.multiply(BigDecimal.valueOf(index)));
        }
    }

    /** Named limit: strike grids kept (one per underlying and expiration); cleared when full. */
    static final int GRIDS_CACHED_MAX = 200_000;
    private final java.util.concurrent.ConcurrentHashMap<Long, Grid> grids = new java.util.concurrent.ConcurrentHashMap<>();

    Grid grid(Security underlying, int week) {
        long key = ((long) underlying.id() << 32 | week) ^ ((long) underlying.referencePrice().hashCode() << 12);
        Grid g = grids.get(key);
        if (g == null) {
            g = computeGrid(underlying, week);
            if (grids.size() >= GRIDS_CACHED_MAX) {
                grids.clear();
            }
            grids.put(key, g);
        }
        return g;
    }

    private Grid computeGrid(Security underlying, int week) {
        LocalDate expiration = expiration(week);
        LocalDate listed = expiration.minusWeeks(LISTED_WEEKS_BEFORE);
        while (!calendar.isTradingDay(listed)) {
            listed = listed.plusDays(1);
        }
        PathModel model = market.model();
        PathModel.Day day = model.day(listed);
        double center = day == null ? underlying.referencePrice().doubleValue()
                : Math.exp(model.level(market.instrument(underlying), day.regularCloseMs()));
        BigDecimal inc = increment(center);
        double incD = inc.doubleValue();
        int half = Math.min((STRIKES_MAX - 1) / 2, (int) Math.round(0.4 * center / incD));
        long centerSteps = Math.round(center / incD);
        long firstSteps = Math.max(1, centerSteps - half);
        int count = (int) Math.min(STRIKES_MAX, centerSteps + half - firstSteps + 1);
        return new Grid(inc.multiply(BigDecimal.valueOf(firstSteps)), inc, count, listed);
    }

    static BigDecimal increment(double price) {
        if (price < 5) {
            return new BigDecimal("0.5");
        }
        if (price < 25) {
            return BigDecimal.ONE;
        }
        if (price < 100) {
            return new BigDecimal("2.5");
        }
        if (price < 250) {
            return BigDecimal.valueOf(5);
        }
        if (price < 500) {
            return BigDecimal.TEN;
        }
        if (price < 1000) {
            return BigDecimal.valueOf(20);
        }
        return BigDecimal.valueOf(50);
    }

    private static boolean optionable(Security s) {
        return s.optionable() && s.enabled() && s.id() > 0 && s.id() < UNDERLYING_ID_LIMIT;
    }

    OptionContract contract(Security u, int week, Grid grid, int strikeIndex, OptionContract.Right right) {
        int id = ID_BASE + (u.id() << 19 | week << 9 | strikeIndex << 1 | right.ordinal());
        LocalDate exp = expiration(week);
        BigDecimal strike = grid.strike(strikeIndex).stripTrailingZeros();
        long milli = strike.movePointRight(3).longValueExact();
        String root = root(u);
        StringBuilder sym = new StringBuilder(21).append(root);
        while (sym.length() < 6) {
            sym.append(' ');
        }
        sym.append(exp.format(OSI_DATE)).append(right == OptionContract.Right.Call ? 'C' : 'P');
        String digits = Long.toString(milli);
        sym.append("00000000", 0, Math.max(0, 8 - digits.length())).append(digits);
        String symbol = sym.toString();
        String description = (right == OptionContract.Right.Call ? "CALL " : "PUT ") + u.description() + " $"
                + strike.setScale(8, RoundingMode.UNNECESSARY).toPlainString() + " EXP " + exp.format(DESCRIPTION_DATE);
        return new OptionContract(id, u, exp, type(week), strike, right, u.id() * 1024 + week, symbol, description,
                grid.listedOn());
    }

    /** The contract with this id, listed or expired; empty when the id encodes no contract. */
    public Optional<OptionContract> byId(long id) {
        if (id < ID_BASE || id > Integer.MAX_VALUE) {
            return Optional.empty();
        }
        int code = (int) (id - ID_BASE);
        int u = code >>> 19;
        int week = (code >>> 9) & (WEEKS_LIMIT - 1);
        int strikeIndex = (code >>> 1) & 0xFF;
        OptionContract.Right right = OptionContract.Right.values()[code & 1];
        Optional<Security> underlying = market.securities().snapshot().byId(u);
        if (underlying.isEmpty() || !optionable(underlying.get())) {
            return Optional.empty();
        }
        if (!listedOrExpired(week)) {
            return Optional.empty();
        }
        Grid grid = grid(underlying.get(), week);
        if (strikeIndex >= grid.count()) {
            return Optional.empty();
        }
        return Optional.of(contract(underlying.get(), week, grid, strikeIndex, right));
    }

    /** Why a symbol is not an option: it is an underlying's ticker (the documented 409) or nothing. */
    public enum Miss {
        NOT_FOUND, IS_UNDERLYING
    }

    /**
     * The contract with this OSI symbol: root padded with spaces to 6 characters (also accepted:
     * unpadded, or any number of spaces), YYMMDD, C/P, strike × 1000 in 8 digits.
     */
    public Optional<OptionContract> bySymbol(String text) {
        Matcher m = OSI.matcher(text.trim().toUpperCase(Locale.ROOT));
        if (!m.matches()) {
            return Optional.empty();
        }
        Optional<Security> u = market.securities().snapshot().all().stream()
                .filter(s -> optionable(s) && root(s).equals(m.group(1).replace(".", "")))
                .findFirst();
        if (u.isEmpty()) {
            return Optional.empty();
        }
        LocalDate exp;
        try {
            exp = LocalDate.of(2000 + Integer.parseInt(m.group(2)), Integer.parseInt(m.group(3)),
                    Integer.parseInt(m.group(4)));
        } catch (java.time.DateTimeException e) {
            return Optional.empty();
        }
        int week = weekOf(exp);
        if (week < 0 || week >= WEEKS_LIMIT || !expiration(week).equals(exp) || !listedOrExpired(week)) {
            return Optional.empty();
        }
        Grid grid = grid(u.get(), week);
        BigDecimal strike = new BigDecimal(m.group(6)).movePointLeft(3);
        BigDecimal steps = strike.subtract(grid.first()).divide(grid.increment(), 6, RoundingMode.UNNECESSARY);
        if (steps.signum() < 0 || steps.stripTrailingZeros().scale() > 0 || steps.intValue() >= grid.count()) {
            return Optional.empty();
        }
        OptionContract.Right right = m.group(5).equals("C") ? OptionContract.Right.Call : OptionContract.Right.Put;
        return Optional.of(contract(u.get(), week, grid, steps.intValue(), right));
    }

    /** Contracts exist once listed (up to 52 weeks ahead) and stay resolvable after they expire. */
    private boolean listedOrExpired(int week) {
        return !expiration(week).isAfter(today().plusWeeks(WEEKS_AHEAD));
    }

    /** The weeks whose expirations are listed on {@code today}: from today up to 52 weeks ahead. */
    List<Integer> listedWeeks(LocalDate today) {
        List<Integer> weeks = new ArrayList<>();
        int first = Math.max(0, weekOf(today));
        for (int w = first; w < WEEKS_LIMIT && w <= first + WEEKS_AHEAD; w++) {
            if (!expiration(w).isBefore(today) && !expiration(w).isAfter(today.plusWeeks(WEEKS_AHEAD))) {
                weeks.add(w);
            }
        }
        return weeks;
    }

    public LocalDate today() {
        return calendar.tradingDate(Instant.ofEpochMilli(market.nowMs()));
    }

    /** Listed expirations of an underlying; empty when it has no options. */
    public List<Integer> expirations(Security underlying) {
        return optionable(underlying) ? listedWeeks(today()) : List.of();
    }

    public LocalDate expirationDate(int week) {
        return expiration(week);
    }

    public OptionContract.ExpirationType expirationType(int week) {
        return type(week);
    }

    /** Every contract of one series (one underlying, one expiration), by strike then call/put. */
    public List<OptionContract> series(Security underlying, int week) {
        Grid grid = grid(underlying, week);
        List<OptionContract> out = new ArrayList<>(grid.count() * 2);
        for (int i = 0; i < grid.count(); i++) {
            out.add(contract(underlying, week, grid, i, OptionContract.Right.Call));
            out.add(contract(underlying, week, grid, i, OptionContract.Right.Put));
        }
        return out;
    }

    /** Streams every listed contract in id order (underlying, expiration, strike, right). */
    public void forEachListed(Consumer<OptionContract> sink) {
        LocalDate today = today();
        List<Integer> weeks = listedWeeks(today);
        for (Security u : market.securities().snapshot().all()) {
            if (!optionable(u)) {
                continue;
            }
            for (int w : weeks) {
                series(u, w).forEach(sink);
            }
        }
    }

    /** How many contracts are listed now. */
    public long listedCount() {
        List<Integer> weeks = listedWeeks(today());
        long n = 0;
        for (Security u : market.securities().snapshot().all()) {
            if (optionable(u)) {
                for (int w : weeks) {
                    n += 2L * grid(u, w).count();
                }
            }
        }
        return n;
    }

    /** Listed contracts {@code offset … offset+limit-1} in id order (or reverse id order), built lazily. */
    public List<OptionContract> listedPage(long offset, int limit, boolean descending) {
        List<Integer> weeks = new ArrayList<>(listedWeeks(today()));
        List<Security> us = new ArrayList<>(market.securities().snapshot().all().stream()
                .filter(OptionChains::optionable).sorted(java.util.Comparator.comparingInt(Security::id)).toList());
        if (descending) {
            java.util.Collections.reverse(weeks);
            java.util.Collections.reverse(us);
        }
        List<OptionContract> out = new ArrayList<>();
        long skip = offset;
        for (Security u : us) {
            for (int w : weeks) {
                int size = 2 * grid(u, w).count();
                if (skip >= size) {
                    skip -= size;
                    continue;
                }
                List<OptionContract> series = series(u, w);
                if (descending) {
                    java.util.Collections.reverse(series);
                }
                for (int i = (int) skip; i < series.size() && out.size() < limit; i++) {
                    out.add(series.get(i));
                }
                skip = 0;
                if (out.size() >= limit) {
                    return out;
                }
            }
        }
        return out;
    }

    /** Listed contracts of the given underlyings only (an index for filters naming them). */
    public void forEachListed(List<Security> underlyings, Consumer<OptionContract> sink) {
        List<Integer> weeks = listedWeeks(today());
        for (Security u : underlyings.stream().sorted(java.util.Comparator.comparingInt(Security::id)).toList()) {
            if (optionable(u)) {
                for (int w : weeks) {
                    series(u, w).forEach(sink);
                }
            }
        }
    }

    // ---- pricing -------------------------------------------------------------------------------

    /** The option's quote at market time {@code ms}, from its underlying's quote. */
    public Quote quote(OptionContract c, long ms) {
        Quote u = market.quoteAt(c.underlying(), ms);
        double sigma = market.annualVolatility(c.underlying());
        long expiryMs = expiryMs(c);
        double s = u.last().doubleValue();
        double mid = price(c, s, sigma, expiryMs - u.timeMs());
        BigDecimal tick = new BigDecimal("0.01");
        double half = Math.max(0.01, mid * 0.02);
        BigDecimal bid = roundDown(mid - half, tick);
        BigDecimal ask = roundUp(mid + half, tick).max(bid.add(tick));
        BigDecimal last = BigDecimal.valueOf(mid).setScale(2, RoundingMode.HALF_EVEN).max(bid).min(ask);
        BigDecimal previousClose = BigDecimal.valueOf(price(c, u.previousClose().doubleValue(), sigma,
                expiryMs - u.timeMs() + 86_400_000L)).setScale(2, RoundingMode.HALF_EVEN);
        BigDecimal open = u.open() == null ? null
                : BigDecimal.valueOf(price(c, u.open().doubleValue(), sigma, expiryMs - u.timeMs()))
                        .setScale(2, RoundingMode.HALF_EVEN);
        double atHigh = price(c, u.high().doubleValue(), sigma, expiryMs - u.timeMs());
        double atLow = price(c, u.low().doubleValue(), sigma, expiryMs - u.timeMs());
        BigDecimal high = BigDecimal.valueOf(Math.max(atHigh, atLow)).setScale(2, RoundingMode.HALF_EVEN).max(last);
        BigDecimal low = BigDecimal.valueOf(Math.min(atHigh, atLow)).setScale(2, RoundingMode.HALF_EVEN).min(last);
        double moneyness = Math.abs(Math.log(c.strike().doubleValue() / s));
        long volume = Math.round(u.volume() * 0.0004 * Math.exp(-8 * moneyness));
        boolean expired = u.timeMs() >= expiryMs;
        Session session = u.session() == Session.REGULAR && !expired ? Session.REGULAR : Session.CLOSED;
        return new Quote(c.id(), c.symbol(), u.timeMs(), bid, 10L * (1 + (c.id() & 7)), ask, 10L * (1 + (c.id() >> 3 & 7)),
                last, volume, open, high, low, previousClose, session, u.halted());
    }

    /** Expiry: the regular close of the expiration day, New York time. */
    public long expiryMs(OptionContract c) {
        return calendar.isTradingDay(c.expiration()) ? calendar.regularClose(c.expiration()).toInstant().toEpochMilli()
                : c.expiration().atTime(16, 0).atZone(TradingCalendar.ZONE).toInstant().toEpochMilli();
    }

    /** Black–Scholes value per share, with a mild volatility smile; intrinsic value once expired. */
    static double price(OptionContract c, double s, double sigmaAtm, long msToExpiry) {
        double k = c.strike().doubleValue();
        boolean call = c.right() == OptionContract.Right.Call;
        if (msToExpiry <= 0) {
            return Math.max(0, call ? s - k : k - s);
        }
        double t = msToExpiry / (365.25 * 86_400_000.0);
        double sigma = sigmaAtm * (1 + 0.8 * Math.abs(Math.log(k / s)));
        double sqrtT = Math.sqrt(t);
        double d1 = (Math.log(s / k) + (RATE + 0.5 * sigma * sigma) * t) / (sigma * sqrtT);
        double d2 = d1 - sigma * sqrtT;
        double discount = Math.exp(-RATE * t);
        double value = call ? s * cdf(d1) - k * discount * cdf(d2) : k * discount * cdf(-d2) - s * cdf(-d1);
        return Math.max(0, value);
    }

    /** Standard normal distribution function (Zelen &amp; Severo 26.2.17, error below 7.5e-8). */
    static double cdf(double x) {
        if (x < -10) {
            return 0;
        }
        if (x > 10) {
            return 1;
        }
        double t = 1 / (1 + 0.2316419 * Math.abs(x));
        double poly = t * (0.319381530 + t * (-0.356563782 + t * (1.781477937 + t * (-1.821255978 + t * 1.330274429))));
        double tail = Math.exp(-x * x / 2) / Math.sqrt(2 * Math.PI) * poly;
        return x >= 0 ? 1 - tail : tail;
    }

    private static BigDecimal roundDown(double v, BigDecimal tick) {
        if (v <= 0) {
            return BigDecimal.ZERO.setScale(2);
        }
        return BigDecimal.valueOf(v).divide(tick, 0, RoundingMode.FLOOR).multiply(tick).setScale(2);
    }

    private static BigDecimal roundUp(double v, BigDecimal tick) {
        return BigDecimal.valueOf(Math.max(v, 0.01)).divide(tick, 0, RoundingMode.CEILING).multiply(tick).setScale(2);
    }
}
