package dev.crater.history;

import dev.crater.market.Candle;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.BinaryOperator;
import java.util.function.IntFunction;
import org.ta4j.core.BarSeries;
import org.ta4j.core.BaseBarSeriesBuilder;
import org.ta4j.core.Indicator;
import org.ta4j.core.indicators.IntraDayMomentumIndexIndicator;
import org.ta4j.core.indicators.ROCIndicator;
import org.ta4j.core.indicators.adx.MinusDMIndicator;
import org.ta4j.core.indicators.adx.PlusDMIndicator;
import org.ta4j.core.indicators.helpers.ClosePriceIndicator;
import org.ta4j.core.indicators.helpers.GainIndicator;
import org.ta4j.core.indicators.helpers.HighPriceIndicator;
import org.ta4j.core.indicators.helpers.LossIndicator;
import org.ta4j.core.indicators.helpers.LowPriceIndicator;
import org.ta4j.core.indicators.helpers.TRIndicator;
import org.ta4j.core.indicators.helpers.TypicalPriceIndicator;
import org.ta4j.core.indicators.helpers.VolumeIndicator;
import org.ta4j.core.indicators.volume.OnBalanceVolumeIndicator;
import org.ta4j.core.num.DecimalNumFactory;
import org.ta4j.core.num.NaN;
import org.ta4j.core.num.Num;
import org.ta4j.core.num.NumFactory;

/**
 * Technical indicators over a candle series, computed with ta4j's {@code DecimalNum} arithmetic (34 significant
 * digits) on a ta4j {@link BarSeries}, and returned as {@link IndicatorPoint}s whose values are rounded to
 * {@value #SCALE} decimals ({@code HALF_EVEN}).
 *
 * <p>ta4j supplies the bar series, the arithmetic and the per-bar building blocks (true range, directional
 * movement, gains/losses, typical price, ROC, OBV, IMI). The smoothing and window steps are composed here rather
 * than taken from ta4j 0.22's ready-made indicators, because those (a) seed EMA/Wilder averages with a single
 * value at the end of the warm-up instead of the classic average of the first n values, so their early values
 * differ from every charting package, and (b) rescan the whole window per bar (SAR rescans the whole series),
 * which is far too slow for the long series an export may ask for. Everything here is O(candles) per indicator
 * whatever its period.
 *
 * <h2>Supported indicators</h2>
 * Values per point, in order ({@code n}, {@code f}, {@code s}, ... are the signature params, defaults in
 * {@link IndicatorSignature}); "first point" is the 0-based candle index of the first emitted point, i.e. the
 * warm-up that is skipped:
 * <ul>
 * <li>{@code SMA|n} — [SMA of close]; first point n−1.</li>
 * <li>{@code EMA|n} — [EMA of close], α = 2/(n+1), seeded with the SMA of the first n closes; first point n−1.</li>
 * <li>{@code Bollinger|n|k} — [middle = SMA(n), upper = middle + k·σ, lower = middle − k·σ], σ the population
 * standard deviation of the last n closes; first point n−1.</li>
 * <li>{@code KeltnerChannels|n|a|m} — [middle = EMA(n) of close, upper = middle + m·ATR(a), lower = middle −
 * m·ATR(a)]; first point max(n−1, a).</li>
 * <li>{@code SAR|step|max} — [parabolic SAR], Wilder's rules: the initial direction is short when bar 1 has a
 * dominant downward directional movement, else long (as TA-Lib); the SAR of bar 1 is bar 0's low (long) / high
 * (short) with bar 1's high / low as extreme point; the acceleration starts at and grows by {@code step} up to
 * {@code max}; the SAR never enters the previous two bars' range; on a reversal it becomes the extreme point of
 * the trend that ended. A param below 1 is used literally, the template's {@code 1|1} (any value ≥ 1) selects the
 * standard 0.02 / 0.20; first point 1.</li>
 * <li>{@code VWAP|n|k} — [VWAP, upper, lower]: rolling volume-weighted average of the typical price
 * (H+L+C)/3 over n bars, bands at ± k volume-weighted standard deviations of the typical price; first point n−1.
 * </li>
 * <li>{@code ADX|n} — [ADX, +DI, −DI], Wilder's definitions (true range and directional movement from the
 * second candle on, Wilder smoothing seeded with the plain average, DX = 0 when +DI + −DI = 0); first point
 * 2n−1.</li>
 * <li>{@code ATR|n} — [ATR], Wilder smoothing of the true range, seeded with the average of the first n true
 * ranges (candles 1..n); first point n.</li>
 * <li>{@code CMF|n} — [Chaikin money flow]: Σ(CLV·volume)/Σvolume over n bars, CLV = ((C−L)−(H−C))/(H−L), 0 when
 * H = L; first point n−1.</li>
 * <li>{@code CHV|n} — [Chaikin volatility]: 100·(E(t) − E(t−n))/E(t−n), E = EMA(n) of H−L; first point 2n−1.</li>
 * <li>{@code CMO|n} — [Chande momentum oscillator] 100·(ΣU − ΣD)/(ΣU + ΣD) over the last n close changes (0 when
 * the price did not move); first point n.</li>
 * <li>{@code BullsBears|n} — [bull power = H − EMA(n), bear power = L − EMA(n)]; first point n−1.</li>
 * <li>{@code EWO|f|s} — [SMA(f) − SMA(s) of close]; first point max(f, s)−1.</li>
 * <li>{@code IMI|n} — [intraday momentum index] over n bars of close − open (ta4j); first point n−1.</li>
 * <li>{@code MACD|f|s|g} — [MACD = EMA(f) − EMA(s), signal = EMA(g) of MACD, histogram = MACD − signal]; first
 * point max(f, s)+g−2.</li>
 * <li>{@code Momentum|n} — [close − close n bars earlier]; first point n.</li>
 * <li>{@code MoneyFlow|n} — [money flow index]: 100·P/(P+N), P and N the sums of typical price × volume over the
 * last n bars whose typical price rose / fell (50 when neither); first point n.</li>
 * <li>{@code OBV} — [on-balance volume], 0 at the first candle (ta4j); first point 0.</li>
 * <li>{@code PPO|f|s|g} — [PPO = 100·(EMA(f) − EMA(s))/EMA(s), signal = EMA(g) of PPO, histogram]; as MACD.</li>
 * <li>{@code PO|f|s|g} — [price oscillator = EMA(f) − EMA(s), signal = EMA(g), histogram]; as MACD.</li>
 * <li>{@code ROC|n} — [100·(close − close n bars earlier)/that close] (ta4j); first point n.</li>
 * <li>{@code RSI|n} — [Wilder's RSI], average gain/loss seeded with the plain average of the first n changes;
 * 100 when there were no losses, 50 when the price did not move at all; first point n.</li>
 * <li>{@code StdDev|n} — [population standard deviation of the last n closes]; first point n−1.</li>
 * <li>{@code StochRSI|n|k|d} — [%K = SMA(k) of 100·(RSI − lowest RSI)/(highest RSI − lowest RSI) over n, %D =
 * SMA(d) of %K], RSI(n) as above; first point 2n+k+d−3.</li>
 * <li>{@code Stochastic|n|k|d} — [%K = SMA(k) of the fast stochastic 100·(C − lowest low)/(highest high − lowest
 * low) over n, %D = SMA(d) of %K]; first point n+k+d−3.</li>
 * <li>{@code WilliamsR|n} — [Williams %R = −100·(highest high − C)/(highest high − lowest low) over n]; first
 * point n−1.</li>
 * </ul>
 * Not implemented (documented names for which {@link #isSupported} is false and {@link #compute} throws
 * {@link UnsupportedOperationException}): {@code EOM} (its volume scale is not documented), {@code KVO} and
 * {@code SMI} (the single documented {@code SMI} param does not pin down its three smoothing lengths).
 *
 * <h2>Points</h2>
 * One point per candle from the first index where every value of the indicator is defined, ascending by date;
 * fewer candles than the warm-up needs give an empty list. A point whose value would be undefined (a division by
 * zero, e.g. a stochastic over a window where high = low) is left out. The trailing "overlay" param of the
 * overlay templates, extra params and {@code UseSignalLine} do not change the result; neither does the
 * signature's {@code Period}: the caller passes candles of that bar size.
 *
 * <h2>Offset</h2>
 * {@link #compute(IndicatorSignature, List, int)} shifts the points by {@code offset} candles: the values computed
 * at candle {@code i} are dated with the time of candle {@code i + offset}; points whose shifted index falls
 * after the last candle (or, for a negative offset, before the first) are dropped. Offset 0 is no shift.
 */
public final class Indicators {

    /** Decimals of every returned value. */
    public static final int SCALE = 6;
    private static final int PRECISION = 34;
    private static final NumFactory NUMS = DecimalNumFactory.getInstance(PRECISION);
    private static final Num ZERO = NUMS.zero();
    private static final Num ONE = NUMS.one();
    private static final Num FIFTY = NUMS.numOf(50);
    private static final Num HUNDRED = NUMS.hundred();
    private static final Num NAN = NaN.NaN;
    private static final java.math.MathContext SQRT_CONTEXT = new java.math.MathContext(PRECISION);

    private record Def(List<String> valueNames, Builder builder) {
    }

    @FunctionalInterface
    private interface Builder {
        List<Line> build(Ctx c, IndicatorSignature s);
    }

    private static final Map<String, Def> DEFS;

    static {
        Map<String, Def> d = new LinkedHashMap<>();
        d.put("SMA", new Def(List.of("SMA"), (c, s) -> List.of(c.sma(c.close, s.intParam(0)))));
        d.put("EMA", new Def(List.of("EMA"), (c, s) -> List.of(c.ema(c.close, s.intParam(0)))));
        d.put("Bollinger", new Def(List.of("Middle", "Upper", "Lower"), Indicators::bollinger));
        d.put("KeltnerChannels", new Def(List.of("Middle", "Upper", "Lower"), Indicators::keltner));
        d.put("SAR", new Def(List.of("SAR"), Indicators::sar));
        d.put("VWAP", new Def(List.of("VWAP", "Upper", "Lower"), Indicators::vwap));
        d.put("ADX", new Def(List.of("ADX", "+DI", "-DI"), Indicators::adx));
        d.put("ATR", new Def(List.of("ATR"), (c, s) -> List.of(c.atr(s.intParam(0)))));
        d.put("CMF", new Def(List.of("CMF"), Indicators::cmf));
        d.put("CHV", new Def(List.of("CHV"), Indicators::chv));
        d.put("CMO", new Def(List.of("CMO"), Indicators::cmo));
        d.put("BullsBears", new Def(List.of("Bulls", "Bears"), Indicators::bullsBears));
        d.put("EWO", new Def(List.of("EWO"),
                (c, s) -> List.of(c.op(c.sma(c.close, s.intParam(0)), c.sma(c.close, s.intParam(1)), Num::minus))));
        d.put("IMI", new Def(List.of("IMI"), (c, s) -> List.of(
                c.of(new IntraDayMomentumIndexIndicator(c.series, s.intParam(0)), s.intParam(0) - 1))));
        d.put("MACD", new Def(List.of("MACD", "Signal", "Histogram"), (c, s) -> oscillator(c, s, false)));
        d.put("Momentum", new Def(List.of("Momentum"),
                (c, s) -> List.of(c.op(c.close, c.prev(c.close, s.intParam(0)), Num::minus))));
        d.put("MoneyFlow", new Def(List.of("MFI"), Indicators::moneyFlow));
        d.put("OBV", new Def(List.of("OBV"), (c, s) -> List.of(c.of(new OnBalanceVolumeIndicator(c.series), 0))));
        d.put("PPO", new Def(List.of("PPO", "Signal", "Histogram"), (c, s) -> oscillator(c, s, true)));
        d.put("PO", new Def(List.of("PO", "Signal", "Histogram"), (c, s) -> oscillator(c, s, false)));
        d.put("ROC", new Def(List.of("ROC"),
                (c, s) -> List.of(c.of(new ROCIndicator(c.closeIndicator, s.intParam(0)), s.intParam(0)))));
        d.put("RSI", new Def(List.of("RSI"), (c, s) -> List.of(c.rsi(s.intParam(0)))));
        d.put("StdDev", new Def(List.of("StdDev"), (c, s) -> List.of(c.stdDev(c.close, s.intParam(0)))));
        d.put("StochRSI", new Def(List.of("%K", "%D"), Indicators::stochRsi));
        d.put("Stochastic", new Def(List.of("%K", "%D"), Indicators::stochastic));
        d.put("WilliamsR", new Def(List.of("%R"), Indicators::williamsR));
        for (String name : d.keySet()) {
            if (IndicatorSignature.canonicalName(name) == null) {
                throw new IllegalStateException("not a documented indicator: " + name);
            }
        }
        DEFS = Collections.unmodifiableMap(d);
    }

    private Indicators() {
    }

    /** Whether {@code name} (any letter case) is a documented indicator that this class computes. */
    public static boolean isSupported(String name) {
        String c = IndicatorSignature.canonicalName(name);
        return c != null && DEFS.containsKey(c);
    }

    /** The supported indicator names, canonical spelling. */
    public static List<String> supportedNames() {
        return List.copyOf(DEFS.keySet());
    }

    /**
     * Labels of the values of each point of {@code name} (any case), e.g. {@code [MACD, Signal, Histogram]}.
     *
     * @throws UnsupportedOperationException when the indicator is not supported
     */
    public static List<String> valueNames(String name) {
        return def(name).valueNames();
    }

    /** {@link #compute(IndicatorSignature, List, int)} without offset. */
    public static List<IndicatorPoint> compute(IndicatorSignature sig, List<Candle> candles) {
        return compute(sig, candles, 0);
    }

    /**
     * Computes {@code sig} over {@code candles} (ascending, strictly increasing {@link Candle#time()}).
     *
     * @param offset shift in candles, see the class documentation; may be negative
     * @return the points, ascending by date
     * @throws UnsupportedOperationException when the indicator is documented but not implemented
     * @throws IllegalArgumentException      when the candles are not in strictly ascending time order or have a
     *                                       missing price
     */
    public static List<IndicatorPoint> compute(IndicatorSignature sig, List<Candle> candles, int offset) {
        Objects.requireNonNull(sig, "sig");
        Objects.requireNonNull(candles, "candles");
        Def def = def(sig.name());
        if (candles.isEmpty()) {
            return List.of();
        }
        Ctx c = new Ctx(candles);
        List<Line> lines = def.builder().build(c, sig);
        int start = 0;
        for (Line l : lines) {
            start = Math.max(start, l.start());
        }
        int size = candles.size();
        long from = Math.max(start, -(long) offset);
        long to = Math.min(size - 1L, size - 1L - offset);
        List<IndicatorPoint> out = new ArrayList<>((int) Math.max(0, to - from + 1));
        for (long li = from; li <= to; li++) {
            int i = (int) li;
            List<BigDecimal> values = new ArrayList<>(lines.size());
            for (Line l : lines) {
                Num v = l.v(i);
                if (invalid(v)) {
                    values = null;
                    break;
                }
                values.add(v.bigDecimalValue().setScale(SCALE, RoundingMode.HALF_EVEN));
            }
            if (values != null) {
                out.add(new IndicatorPoint(candles.get((int) (li + offset)).time(), values));
            }
        }
        return out;
    }

    private static Def def(String name) {
        String canonical = IndicatorSignature.canonicalName(name);
        Def def = canonical == null ? null : DEFS.get(canonical);
        if (def == null) {
            throw new UnsupportedOperationException("indicator '" + name + "' is not supported; supported: "
                    + String.join(", ", DEFS.keySet()));
        }
        return def;
    }

    /** Square root via {@link BigDecimal#sqrt}, which measured faster than ta4j's {@code DecimalNum.sqrt}. */
    private static Num sqrt(Num v) {
        return NUMS.numOf(v.bigDecimalValue().sqrt(SQRT_CONTEXT));
    }

    /**
     * Whether {@code v} is missing or NaN. (Not {@code Num.isNaN()}: for a {@code DecimalNum} that converts to
     * {@code double}, which dominated the run time.)
     */
    private static boolean invalid(Num v) {
        return v == null || v instanceof NaN;
    }

    // ---------------------------------------------------------------- indicator definitions

    private static List<Line> bollinger(Ctx c, IndicatorSignature s) {
        int n = s.intParam(0);
        Num k = NUMS.numOf(s.param(1));
        Line middle = c.sma(c.close, n);
        Line width = c.map(c.stdDev(c.close, n), sd -> sd.multipliedBy(k));
        return List.of(middle, c.op(middle, width, Num::plus), c.op(middle, width, Num::minus));
    }

    private static List<Line> keltner(Ctx c, IndicatorSignature s) {
        Line middle = c.ema(c.close, s.intParam(0));
        Num m = NUMS.numOf(s.param(2));
        Line width = c.map(c.atr(s.intParam(1)), atr -> atr.multipliedBy(m));
        return List.of(middle, c.op(middle, width, Num::plus), c.op(middle, width, Num::minus));
    }

    /** Wilder's parabolic SAR (see the class documentation). */
    private static List<Line> sar(Ctx c, IndicatorSignature s) {
        Num step = NUMS.numOf(s.param(0).compareTo(BigDecimal.ONE) < 0 ? s.param(0) : new BigDecimal("0.02"));
        Num max = NUMS.numOf(s.param(1).compareTo(BigDecimal.ONE) < 0 ? s.param(1) : new BigDecimal("0.2"));
        int size = c.size;
        Num[] out = c.empty();
        if (size < 2) {
            return List.of(new Line(out, 1));
        }
        Num[] high = c.high.values();
        Num[] low = c.low.values();
        Num af = step.min(max);
        // first direction: short when bar 1 has a (positive, dominant) downward directional movement
        Num up = high[1].minus(high[0]);
        Num down = low[0].minus(low[1]);
        boolean isLong = !(down.isPositive() && down.isGreaterThan(up));
        Num ep;
        Num sar;
        if (isLong) {
            ep = high[1];
            sar = low[0];
        } else {
            ep = low[1];
            sar = high[0];
        }
        Num newHigh = high[0];
        Num newLow = low[0];
        for (int i = 1; i < size; i++) {
            Num prevHigh = newHigh;
            Num prevLow = newLow;
            newHigh = high[i];
            newLow = low[i];
            if (isLong) {
                if (newLow.isLessThanOrEqual(sar)) {
                    isLong = false;
                    sar = ep.max(prevHigh).max(newHigh);
                    out[i] = sar;
                    af = step.min(max);
                    ep = newLow;
                    sar = sar.plus(af.multipliedBy(ep.minus(sar))).max(prevHigh).max(newHigh);
                } else {
                    out[i] = sar;
                    if (newHigh.isGreaterThan(ep)) {
                        ep = newHigh;
                        af = af.plus(step).min(max);
                    }
                    sar = sar.plus(af.multipliedBy(ep.minus(sar))).min(prevLow).min(newLow);
                }
            } else {
                if (newHigh.isGreaterThanOrEqual(sar)) {
                    isLong = true;
                    sar = ep.min(prevLow).min(newLow);
                    out[i] = sar;
                    af = step.min(max);
                    ep = newHigh;
                    sar = sar.plus(af.multipliedBy(ep.minus(sar))).min(prevLow).min(newLow);
                } else {
                    out[i] = sar;
                    if (newLow.isLessThan(ep)) {
                        ep = newLow;
                        af = af.plus(step).min(max);
                    }
                    sar = sar.plus(af.multipliedBy(ep.minus(sar))).max(prevHigh).max(newHigh);
                }
            }
        }
        return List.of(new Line(out, 1));
    }

    private static List<Line> vwap(Ctx c, IndicatorSignature s) {
        int n = s.intParam(0);
        Num k = NUMS.numOf(s.param(1));
        Line tp = c.of(new TypicalPriceIndicator(c.series), 0);
        Line sumV = c.sum(c.volume, n);
        Line sumVtp = c.sum(c.op(c.volume, tp, Num::multipliedBy), n);
        Line sumVtp2 = c.sum(c.op(c.volume, tp, (v, p) -> v.multipliedBy(p).multipliedBy(p)), n);
        Line vwap = c.op(sumVtp, sumV, Num::dividedBy);
        Line width = c.fn(vwap.start(), i -> {
            Num mean = vwap.v(i);
            Num variance = sumVtp2.v(i).dividedBy(sumV.v(i)).minus(mean.multipliedBy(mean));
            return variance.isPositive() ? sqrt(variance).multipliedBy(k) : ZERO;
        });
        return List.of(vwap, c.op(vwap, width, Num::plus), c.op(vwap, width, Num::minus));
    }

    private static List<Line> adx(Ctx c, IndicatorSignature s) {
        int n = s.intParam(0);
        Line tr = c.wilder(c.of(new TRIndicator(c.series), 1), n);
        Line plus = c.wilder(c.of(new PlusDMIndicator(c.series), 1), n);
        Line minus = c.wilder(c.of(new MinusDMIndicator(c.series), 1), n);
        Line plusDi = c.op(plus, tr, (a, b) -> a.dividedBy(b).multipliedBy(HUNDRED));
        Line minusDi = c.op(minus, tr, (a, b) -> a.dividedBy(b).multipliedBy(HUNDRED));
        Line dx = c.op(plusDi, minusDi, (p, m) -> {
            Num sum = p.plus(m);
            return sum.isZero() ? ZERO : p.minus(m).abs().dividedBy(sum).multipliedBy(HUNDRED);
        });
        return List.of(c.wilder(dx, n), plusDi, minusDi);
    }

    private static List<Line> cmf(Ctx c, IndicatorSignature s) {
        int n = s.intParam(0);
        Line mfv = c.fn(0, i -> {
            Num h = c.high.v(i);
            Num l = c.low.v(i);
            Num cl = c.close.v(i);
            Num range = h.minus(l);
            if (range.isZero()) {
                return ZERO;
            }
            return cl.minus(l).minus(h.minus(cl)).dividedBy(range).multipliedBy(c.volume.v(i));
        });
        return List.of(c.op(c.sum(mfv, n), c.sum(c.volume, n), Num::dividedBy));
    }

    private static List<Line> chv(Ctx c, IndicatorSignature s) {
        int n = s.intParam(0);
        Line e = c.ema(c.op(c.high, c.low, Num::minus), n);
        return List.of(c.op(e, c.prev(e, n), (now, then) -> now.minus(then).dividedBy(then).multipliedBy(HUNDRED)));
    }

    private static List<Line> cmo(Ctx c, IndicatorSignature s) {
        int n = s.intParam(0);
        Line up = c.sum(c.of(new GainIndicator(c.closeIndicator), 1), n);
        Line down = c.sum(c.of(new LossIndicator(c.closeIndicator), 1), n);
        return List.of(c.op(up, down, (u, d) -> {
            Num total = u.plus(d);
            return total.isZero() ? ZERO : u.minus(d).dividedBy(total).multipliedBy(HUNDRED);
        }));
    }

    private static List<Line> moneyFlow(Ctx c, IndicatorSignature s) {
        int n = s.intParam(0);
        Line tp = c.of(new TypicalPriceIndicator(c.series), 0);
        Line positive = c.fn(1, i -> tp.v(i).isGreaterThan(tp.v(i - 1)) ? tp.v(i).multipliedBy(c.volume.v(i)) : ZERO);
        Line negative = c.fn(1, i -> tp.v(i).isLessThan(tp.v(i - 1)) ? tp.v(i).multipliedBy(c.volume.v(i)) : ZERO);
        return List.of(c.op(c.sum(positive, n), c.sum(negative, n), (p, m) -> {
            Num total = p.plus(m);
            return total.isZero() ? FIFTY : p.dividedBy(total).multipliedBy(HUNDRED);
        }));
    }

    private static List<Line> bullsBears(Ctx c, IndicatorSignature s) {
        Line e = c.ema(c.close, s.intParam(0));
        return List.of(c.op(c.high, e, Num::minus), c.op(c.low, e, Num::minus));
    }

    /** MACD / PO (absolute) and PPO (percentage): [line, signal, histogram]. */
    private static List<Line> oscillator(Ctx c, IndicatorSignature s, boolean percentage) {
        Line fast = c.ema(c.close, s.intParam(0));
        Line slow = c.ema(c.close, s.intParam(1));
        Line line = percentage
                ? c.op(fast, slow, (f, sl) -> f.minus(sl).dividedBy(sl).multipliedBy(HUNDRED))
                : c.op(fast, slow, Num::minus);
        Line signal = c.ema(line, s.intParam(2));
        return List.of(line, signal, c.op(line, signal, Num::minus));
    }

    private static List<Line> stochRsi(Ctx c, IndicatorSignature s) {
        int n = s.intParam(0);
        Line rsi = c.rsi(n);
        Line k = c.sma(c.stochastic(rsi, c.highest(rsi, n), c.lowest(rsi, n)), s.intParam(1));
        return List.of(k, c.sma(k, s.intParam(2)));
    }

    private static List<Line> stochastic(Ctx c, IndicatorSignature s) {
        int n = s.intParam(0);
        Line k = c.sma(c.stochastic(c.close, c.highest(c.high, n), c.lowest(c.low, n)), s.intParam(1));
        return List.of(k, c.sma(k, s.intParam(2)));
    }

    private static List<Line> williamsR(Ctx c, IndicatorSignature s) {
        int n = s.intParam(0);
        Line highest = c.highest(c.high, n);
        Line lowest = c.lowest(c.low, n);
        return List.of(c.fn(n - 1, i -> {
            Num h = highest.v(i);
            return h.minus(c.close.v(i)).dividedBy(h.minus(lowest.v(i))).multipliedBy(HUNDRED).negate();
        }));
    }

    // ---------------------------------------------------------------- building blocks

    /**
     * A computed series: one value per candle, NaN where undefined; {@code start} is the first index from which
     * values are defined (later ones may still be NaN after a division by zero).
     */
    private record Line(Num[] values, int start) {
        Num v(int i) {
            return values[i];
        }
    }

    /** One computation: the ta4j bar series built from the candles and O(n) operations on {@link Line}s. */
    private static final class Ctx {
        final int size;
        final BarSeries series;
        final Indicator<Num> closeIndicator;
        final Line close;
        final Line high;
        final Line low;
        final Line volume;

        Ctx(List<Candle> candles) {
            size = candles.size();
            series = new BaseBarSeriesBuilder().withName("crater").withNumFactory(NUMS).build();
            long previous = Long.MIN_VALUE;
            for (int i = 0; i < size; i++) {
                Candle k = candles.get(i);
                if (k == null || k.open() == null || k.high() == null || k.low() == null || k.close() == null) {
                    throw new IllegalArgumentException("candle " + i + " is missing or has a missing price");
                }
                if (i > 0 && k.time() <= previous) {
                    throw new IllegalArgumentException("candles must be in strictly ascending time order (candle "
                            + i + " at " + k.time() + " follows " + previous + ")");
                }
                previous = k.time();
                series.barBuilder()
                        .timePeriod(Duration.ofSeconds(1))
                        .endTime(Instant.ofEpochSecond(k.time()).plusSeconds(1))
                        .openPrice(NUMS.numOf(k.open()))
                        .highPrice(NUMS.numOf(k.high()))
                        .lowPrice(NUMS.numOf(k.low()))
                        .closePrice(NUMS.numOf(k.close()))
                        .volume(NUMS.numOf(k.volume()))
                        .add();
            }
            closeIndicator = new ClosePriceIndicator(series);
            close = of(closeIndicator, 0);
            high = of(new HighPriceIndicator(series), 0);
            low = of(new LowPriceIndicator(series), 0);
            volume = of(new VolumeIndicator(series), 0);
        }

        Num[] empty() {
            Num[] a = new Num[size];
            java.util.Arrays.fill(a, NAN);
            return a;
        }

        /** Evaluates a ta4j indicator (ascending, so its own caches stay shallow) from {@code start} on. */
        Line of(Indicator<Num> ind, int start) {
            Num[] a = empty();
            for (int i = Math.max(0, start); i < size; i++) {
                a[i] = ind.getValue(i);
            }
            return new Line(a, start);
        }

        /** {@code f(i)} from {@code start} on; NaN where {@code f} fails arithmetically. */
        Line fn(int start, IntFunction<Num> f) {
            Num[] a = empty();
            for (int i = Math.max(0, start); i < size; i++) {
                try {
                    Num v = f.apply(i);
                    a[i] = v == null ? NAN : v;
                } catch (ArithmeticException e) {
                    a[i] = NAN;
                }
            }
            return new Line(a, start);
        }

        Line map(Line x, java.util.function.UnaryOperator<Num> f) {
            return fn(x.start(), i -> invalid(x.v(i)) ? NAN : f.apply(x.v(i)));
        }

        /** Element-wise {@code op(a, b)}; NaN when either side is NaN. */
        Line op(Line a, Line b, BinaryOperator<Num> op) {
            return fn(Math.max(a.start(), b.start()), i -> {
                Num x = a.v(i);
                Num y = b.v(i);
                return invalid(x) || invalid(y) ? NAN : op.apply(x, y);
            });
        }

        Line prev(Line x, int n) {
            return fn(x.start() + n, i -> x.v(i - n));
        }

        /** Sum of the last n values; NaN while any of them is NaN. Running total, exact for decimal inputs. */
        Line sum(Line x, int n) {
            int first = x.start() + n - 1;
            Num[] a = empty();
            Num total = ZERO;
            int invalid = 0;
            for (int i = Math.max(0, x.start()); i < size; i++) {
                Num v = x.v(i);
                if (invalid(v)) {
                    invalid++;
                } else {
                    total = total.plus(v);
                }
                int drop = i - n;
                if (drop >= x.start()) {
                    Num d = x.v(drop);
                    if (invalid(d)) {
                        invalid--;
                    } else {
                        total = total.minus(d);
                    }
                }
                if (i >= first && invalid == 0) {
                    a[i] = total;
                }
            }
            return new Line(a, first);
        }

        Line sma(Line x, int n) {
            Num count = NUMS.numOf(n);
            return map(sum(x, n), t -> t.dividedBy(count));
        }

        /** Population standard deviation of the last n values: sqrt(Σx²/n − mean²). */
        Line stdDev(Line x, int n) {
            Num count = NUMS.numOf(n);
            Line mean = sma(x, n);
            Line squares = sum(map(x, v -> v.multipliedBy(v)), n);
            return op(squares, mean, (sq, m) -> {
                Num variance = sq.dividedBy(count).minus(m.multipliedBy(m));
                return variance.isPositive() ? sqrt(variance) : ZERO;
            });
        }

        /** EMA with α = 2/(n+1), seeded with the SMA of the first n values. */
        Line ema(Line x, int n) {
            return smooth(x, n, NUMS.two().dividedBy(NUMS.numOf(n + 1)));
        }

        /** Wilder's smoothing (α = 1/n), seeded with the SMA of the first n values. */
        Line wilder(Line x, int n) {
            return smooth(x, n, ONE.dividedBy(NUMS.numOf(n)));
        }

        /**
         * {@code prev + α·(x − prev)}, seeded with the plain average of the first n values. A NaN input gives NaN
         * and the smoothing restarts from the average of the next n defined values.
         */
        private Line smooth(Line x, int n, Num alpha) {
            Line avg = sma(x, n);
            Num[] a = empty();
            Num previous = NAN;
            for (int i = Math.max(0, avg.start()); i < size; i++) {
                Num v = x.v(i);
                if (invalid(v)) {
                    previous = NAN;
                } else if (invalid(previous)) {
                    previous = avg.v(i);
                } else {
                    previous = previous.plus(alpha.multipliedBy(v.minus(previous)));
                }
                a[i] = previous;
            }
            return new Line(a, avg.start());
        }

        Line highest(Line x, int n) {
            return extreme(x, n, true);
        }

        Line lowest(Line x, int n) {
            return extreme(x, n, false);
        }

        /** Sliding maximum / minimum with a monotonic deque; NaN while the window holds a NaN. */
        private Line extreme(Line x, int n, boolean max) {
            int first = x.start() + n - 1;
            Num[] a = empty();
            ArrayDeque<Integer> window = new ArrayDeque<>();
            int lastInvalid = Integer.MIN_VALUE;
            for (int i = Math.max(0, x.start()); i < size; i++) {
                Num v = x.v(i);
                if (invalid(v)) {
                    lastInvalid = i;
                    window.clear();
                } else {
                    while (!window.isEmpty()) {
                        Num tail = x.v(window.peekLast());
                        if (max ? tail.isLessThanOrEqual(v) : tail.isGreaterThanOrEqual(v)) {
                            window.pollLast();
                        } else {
                            break;
                        }
                    }
                    window.addLast(i);
                }
                while (!window.isEmpty() && window.peekFirst() <= i - n) {
                    window.pollFirst();
                }
                if (i >= first && lastInvalid <= i - n && !window.isEmpty()) {
                    a[i] = x.v(window.peekFirst());
                }
            }
            return new Line(a, first);
        }

        /** 100·(x − lowest)/(highest − lowest); NaN when highest = lowest. */
        Line stochastic(Line x, Line highest, Line lowest) {
            return fn(Math.max(x.start(), highest.start()), i -> {
                Num h = highest.v(i);
                Num l = lowest.v(i);
                Num v = x.v(i);
                if (invalid(h) || invalid(l) || invalid(v)) {
                    return NAN;
                }
                return v.minus(l).dividedBy(h.minus(l)).multipliedBy(HUNDRED);
            });
        }

        /** True range from the second candle on, Wilder-smoothed: first value at index n. */
        Line atr(int n) {
            return wilder(of(new TRIndicator(series), 1), n);
        }

        /** Wilder's RSI: first value at index n. */
        Line rsi(int n) {
            Line gain = wilder(of(new GainIndicator(closeIndicator), 1), n);
            Line loss = wilder(of(new LossIndicator(closeIndicator), 1), n);
            return op(gain, loss, (g, l) -> {
                if (l.isZero()) {
                    return g.isZero() ? FIFTY : HUNDRED;
                }
                return HUNDRED.minus(HUNDRED.dividedBy(ONE.plus(g.dividedBy(l))));
            });
        }
    }
}
