package dev.crater.history;

import dev.crater.market.Candle;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Duration;
import java.time.Instant;
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
import org.ta4j.core.indicators.CMOIndicator;
import org.ta4j.core.indicators.CachedIndicator;
import org.ta4j.core.indicators.IntraDayMomentumIndexIndicator;
import org.ta4j.core.indicators.ParabolicSarIndicator;
import org.ta4j.core.indicators.ROCIndicator;
import org.ta4j.core.indicators.RecursiveCachedIndicator;
import org.ta4j.core.indicators.StochasticOscillatorKIndicator;
import org.ta4j.core.indicators.WilliamsRIndicator;
import org.ta4j.core.indicators.adx.MinusDMIndicator;
import org.ta4j.core.indicators.adx.PlusDMIndicator;
import org.ta4j.core.indicators.averages.SMAIndicator;
import org.ta4j.core.indicators.bollinger.BollingerBandsLowerIndicator;
import org.ta4j.core.indicators.bollinger.BollingerBandsMiddleIndicator;
import org.ta4j.core.indicators.bollinger.BollingerBandsUpperIndicator;
import org.ta4j.core.indicators.helpers.ClosePriceIndicator;
import org.ta4j.core.indicators.helpers.GainIndicator;
import org.ta4j.core.indicators.helpers.HighPriceIndicator;
import org.ta4j.core.indicators.helpers.LossIndicator;
import org.ta4j.core.indicators.helpers.LowPriceIndicator;
import org.ta4j.core.indicators.helpers.OpenPriceIndicator;
import org.ta4j.core.indicators.helpers.TRIndicator;
import org.ta4j.core.indicators.helpers.TypicalPriceIndicator;
import org.ta4j.core.indicators.helpers.VolumeIndicator;
import org.ta4j.core.indicators.statistics.StandardDeviationIndicator;
import org.ta4j.core.indicators.volume.MoneyFlowIndexIndicator;
import org.ta4j.core.indicators.volume.OnBalanceVolumeIndicator;
import org.ta4j.core.indicators.volume.VWAPIndicator;
import org.ta4j.core.num.DecimalNumFactory;
import org.ta4j.core.num.NaN;
import org.ta4j.core.num.Num;
import org.ta4j.core.num.NumFactory;

/**
 * Technical indicators over a candle series, computed with ta4j ({@code DecimalNum}, 34 significant digits) and
 * returned as {@link IndicatorPoint}s whose values are rounded to {@value #SCALE} decimals ({@code HALF_EVEN}).
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
 * <li>{@code SAR|step|max} — [parabolic SAR] (ta4j); a param below 1 is used literally as the acceleration
 * step (also the start) / the maximum acceleration, the template's {@code 1|1} (any value ≥ 1) selects the
 * standard 0.02 / 0.20; first point 1.</li>
 * <li>{@code VWAP|n|k} — [VWAP, upper, lower]: rolling volume-weighted average of the typical price
 * (H+L+C)/3 over n bars, bands at ± k volume-weighted standard deviations of the typical price; first point n−1.
 * </li>
 * <li>{@code ADX|n} — [ADX, +DI, −DI], Wilder's definitions (true range and directional movement from the
 * second candle on, Wilder smoothing seeded with the plain average); first point 2n−1.</li>
 * <li>{@code ATR|n} — [ATR], Wilder smoothing of the true range, seeded with the average of the first n true
 * ranges (candles 1..n); first point n.</li>
 * <li>{@code CMF|n} — [Chaikin money flow]: Σ(CLV·volume)/Σvolume over n bars, CLV = ((C−L)−(H−C))/(H−L), 0 when
 * H = L; first point n−1.</li>
 * <li>{@code CHV|n} — [Chaikin volatility]: 100·(E(t) − E(t−n))/E(t−n), E = EMA(n) of H−L; first point 2n−1.</li>
 * <li>{@code CMO|n} — [Chande momentum oscillator] over the last n close changes (ta4j); first point n.</li>
 * <li>{@code BullsBears|n} — [bull power = H − EMA(n), bear power = L − EMA(n)]; first point n−1.</li>
 * <li>{@code EWO|f|s} — [SMA(f) − SMA(s) of close]; first point max(f, s)−1.</li>
 * <li>{@code IMI|n} — [intraday momentum index] over n bars of close − open (ta4j); first point n−1.</li>
 * <li>{@code MACD|f|s|g} — [MACD = EMA(f) − EMA(s), signal = EMA(g) of MACD, histogram = MACD − signal]; first
 * point max(f, s)+g−2.</li>
 * <li>{@code Momentum|n} — [close − close n bars earlier]; first point n.</li>
 * <li>{@code MoneyFlow|n} — [money flow index] (ta4j); first point n.</li>
 * <li>{@code OBV} — [on-balance volume], 0 at the first candle (ta4j); first point 0.</li>
 * <li>{@code PPO|f|s|g} — [PPO = 100·(EMA(f) − EMA(s))/EMA(s), signal = EMA(g) of PPO, histogram]; as MACD.</li>
 * <li>{@code PO|f|s|g} — [price oscillator = EMA(f) − EMA(s), signal = EMA(g), histogram]; as MACD.</li>
 * <li>{@code ROC|n} — [100·(close − close n bars earlier)/that close] (ta4j); first point n.</li>
 * <li>{@code RSI|n} — [Wilder's RSI], average gain/loss seeded with the plain average of the first n changes;
 * 100 when there were no losses, 50 when the price did not move at all; first point n.</li>
 * <li>{@code StdDev|n} — [population standard deviation of the last n closes] (ta4j); first point n−1.</li>
 * <li>{@code StochRSI|n|k|d} — [%K = SMA(k) of 100·(RSI − lowest RSI)/(highest RSI − lowest RSI) over n, %D =
 * SMA(d) of %K], RSI(n) as above; first point 2n+k+d−3.</li>
 * <li>{@code Stochastic|n|k|d} — [%K = SMA(k) of the fast stochastic 100·(C − lowest low)/(highest high − lowest
 * low) over n, %D = SMA(d) of %K]; first point n+k+d−3.</li>
 * <li>{@code WilliamsR|n} — [Williams %R, −100..0] (ta4j); first point n−1.</li>
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
        d.put("CMO", new Def(List.of("CMO"),
                (c, s) -> List.of(c.ta(new CMOIndicator(c.closeInd, s.intParam(0)), s.intParam(0)))));
        d.put("BullsBears", new Def(List.of("Bulls", "Bears"), Indicators::bullsBears));
        d.put("EWO", new Def(List.of("EWO"),
                (c, s) -> List.of(c.op(c.sma(c.close, s.intParam(0)), c.sma(c.close, s.intParam(1)), Num::minus))));
        d.put("IMI", new Def(List.of("IMI"), (c, s) -> List.of(
                c.ta(new IntraDayMomentumIndexIndicator(c.series, s.intParam(0)), s.intParam(0) - 1))));
        d.put("MACD", new Def(List.of("MACD", "Signal", "Histogram"), (c, s) -> oscillator(c, s, false)));
        d.put("Momentum", new Def(List.of("Momentum"),
                (c, s) -> List.of(c.op(c.close, c.prev(c.close, s.intParam(0)), Num::minus))));
        d.put("MoneyFlow", new Def(List.of("MFI"), (c, s) -> List.of(
                c.ta(new MoneyFlowIndexIndicator(c.series, s.intParam(0)), s.intParam(0)))));
        d.put("OBV", new Def(List.of("OBV"), (c, s) -> List.of(c.ta(new OnBalanceVolumeIndicator(c.series), 0))));
        d.put("PPO", new Def(List.of("PPO", "Signal", "Histogram"), (c, s) -> oscillator(c, s, true)));
        d.put("PO", new Def(List.of("PO", "Signal", "Histogram"), (c, s) -> oscillator(c, s, false)));
        d.put("ROC", new Def(List.of("ROC"),
                (c, s) -> List.of(c.ta(new ROCIndicator(c.closeInd, s.intParam(0)), s.intParam(0)))));
        d.put("RSI", new Def(List.of("RSI"), (c, s) -> List.of(c.rsi(s.intParam(0)))));
        d.put("StdDev", new Def(List.of("StdDev"), (c, s) -> List.of(
                c.ta(new StandardDeviationIndicator(c.closeInd, s.intParam(0)), s.intParam(0) - 1))));
        d.put("StochRSI", new Def(List.of("%K", "%D"), Indicators::stochRsi));
        d.put("Stochastic", new Def(List.of("%K", "%D"), Indicators::stochastic));
        d.put("WilliamsR", new Def(List.of("%R"), (c, s) -> List.of(
                c.ta(new WilliamsRIndicator(c.series, s.intParam(0)), s.intParam(0) - 1))));
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
                Num v = l.ind().getValue(i);
                if (Num.isNaNOrNull(v)) {
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

    // ---------------------------------------------------------------- indicator definitions

    private static List<Line> bollinger(Ctx c, IndicatorSignature s) {
        int n = s.intParam(0);
        Num k = c.num(s.param(1));
        var middle = new BollingerBandsMiddleIndicator(new SMAIndicator(c.closeInd, n));
        var sd = new StandardDeviationIndicator(c.closeInd, n);
        return List.of(c.ta(middle, n - 1), c.ta(new BollingerBandsUpperIndicator(middle, sd, k), n - 1),
                c.ta(new BollingerBandsLowerIndicator(middle, sd, k), n - 1));
    }

    private static List<Line> keltner(Ctx c, IndicatorSignature s) {
        Line middle = c.ema(c.close, s.intParam(0));
        Line atr = c.atr(s.intParam(1));
        Num m = c.num(s.param(2));
        return List.of(middle, c.op(middle, atr, (a, b) -> a.plus(b.multipliedBy(m))),
                c.op(middle, atr, (a, b) -> a.minus(b.multipliedBy(m))));
    }

    private static List<Line> sar(Ctx c, IndicatorSignature s) {
        Num step = s.param(0).compareTo(BigDecimal.ONE) < 0 ? c.num(s.param(0)) : c.num(new BigDecimal("0.02"));
        Num max = s.param(1).compareTo(BigDecimal.ONE) < 0 ? c.num(s.param(1)) : c.num(new BigDecimal("0.2"));
        return List.of(c.ta(new ParabolicSarIndicator(c.series, step, max, step), 1));
    }

    private static List<Line> vwap(Ctx c, IndicatorSignature s) {
        int n = s.intParam(0);
        Num k = c.num(s.param(1));
        Line vwap = c.ta(new VWAPIndicator(c.series, n), n - 1);
        Line tp = c.ta(new TypicalPriceIndicator(c.series), 0);
        Line sumV = c.sum(c.volume, n);
        Line sumVtp2 = c.sum(c.op(c.volume, tp, (v, p) -> v.multipliedBy(p).multipliedBy(p)), n);
        Line variance = c.fn(n - 1, i -> {
            Num mean = vwap.v(i);
            Num var = sumVtp2.v(i).dividedBy(sumV.v(i)).minus(mean.multipliedBy(mean));
            return var.isNegative() ? c.zero : var;
        });
        Line band = c.fn(n - 1, i -> variance.v(i).sqrt().multipliedBy(k));
        return List.of(vwap, c.op(vwap, band, Num::plus), c.op(vwap, band, Num::minus));
    }

    private static List<Line> adx(Ctx c, IndicatorSignature s) {
        int n = s.intParam(0);
        Line tr = c.wilder(c.ta(new TRIndicator(c.series), 1), n);
        Line plus = c.wilder(c.ta(new PlusDMIndicator(c.series), 1), n);
        Line minus = c.wilder(c.ta(new MinusDMIndicator(c.series), 1), n);
        Line plusDi = c.op(plus, tr, (a, b) -> a.dividedBy(b).multipliedBy(c.hundred));
        Line minusDi = c.op(minus, tr, (a, b) -> a.dividedBy(b).multipliedBy(c.hundred));
        Line dx = c.op(plusDi, minusDi, (p, m) -> {
            Num sum = p.plus(m);
            return sum.isZero() ? c.zero : p.minus(m).abs().dividedBy(sum).multipliedBy(c.hundred);
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
                return c.zero;
            }
            return cl.minus(l).minus(h.minus(cl)).dividedBy(range).multipliedBy(c.volume.v(i));
        });
        return List.of(c.op(c.sum(mfv, n), c.sum(c.volume, n), Num::dividedBy));
    }

    private static List<Line> chv(Ctx c, IndicatorSignature s) {
        int n = s.intParam(0);
        Line e = c.ema(c.op(c.high, c.low, Num::minus), n);
        Line prev = c.prev(e, n);
        return List.of(c.op(e, prev, (now, then) -> now.minus(then).dividedBy(then).multipliedBy(c.hundred)));
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
                ? c.op(fast, slow, (f, sl) -> f.minus(sl).dividedBy(sl).multipliedBy(c.hundred))
                : c.op(fast, slow, Num::minus);
        Line signal = c.ema(line, s.intParam(2));
        return List.of(line, signal, c.op(line, signal, Num::minus));
    }

    private static List<Line> stochRsi(Ctx c, IndicatorSignature s) {
        int n = s.intParam(0);
        Line rsi = c.rsi(n);
        Line high = c.highest(rsi, n);
        Line low = c.lowest(rsi, n);
        Line raw = c.fn(Math.max(high.start(), rsi.start()), i -> {
            Num l = low.v(i);
            return rsi.v(i).minus(l).dividedBy(high.v(i).minus(l)).multipliedBy(c.hundred);
        });
        Line k = c.sma(raw, s.intParam(1));
        return List.of(k, c.sma(k, s.intParam(2)));
    }

    private static List<Line> stochastic(Ctx c, IndicatorSignature s) {
        int n = s.intParam(0);
        Line fast = c.ta(new StochasticOscillatorKIndicator(c.series, n), n - 1);
        Line k = c.sma(fast, s.intParam(1));
        return List.of(k, c.sma(k, s.intParam(2)));
    }

    // ---------------------------------------------------------------- building blocks

    /** An indicator together with the first index from which its values are meaningful. */
    private record Line(Indicator<Num> ind, int start) {
        Num v(int i) {
            return ind.getValue(i);
        }
    }

    /** One computation: the bar series built from the candles and helpers composing {@link Line}s over it. */
    private static final class Ctx {
        final BarSeries series;
        final Num zero;
        final Num hundred;
        final Indicator<Num> closeInd;
        final Line close;
        final Line open;
        final Line high;
        final Line low;
        final Line volume;

        Ctx(List<Candle> candles) {
            series = new BaseBarSeriesBuilder().withName("crater").withNumFactory(NUMS).build();
            long previous = Long.MIN_VALUE;
            for (int i = 0; i < candles.size(); i++) {
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
            zero = NUMS.zero();
            hundred = NUMS.hundred();
            closeInd = new ClosePriceIndicator(series);
            close = new Line(closeInd, 0);
            open = new Line(new OpenPriceIndicator(series), 0);
            high = new Line(new HighPriceIndicator(series), 0);
            low = new Line(new LowPriceIndicator(series), 0);
            volume = new Line(new VolumeIndicator(series), 0);
        }

        Num num(BigDecimal v) {
            return NUMS.numOf(v);
        }

        Line ta(Indicator<Num> ind, int start) {
            return new Line(ind, start);
        }

        Line fn(int start, IntFunction<Num> f) {
            return new Line(new Fn(series, start, f), start);
        }

        /** Element-wise {@code op(a, b)}; NaN when either side is NaN or the result is undefined. */
        Line op(Line a, Line b, BinaryOperator<Num> op) {
            return fn(Math.max(a.start(), b.start()), i -> {
                Num x = a.v(i);
                Num y = b.v(i);
                return Num.isNaNOrNull(x) || Num.isNaNOrNull(y) ? NaN.NaN : op.apply(x, y);
            });
        }

        Line prev(Line x, int n) {
            return fn(x.start() + n, i -> x.v(i - n));
        }

        Line sum(Line x, int n) {
            return new Line(new WindowSum(x, n), x.start() + n - 1);
        }

        Line sma(Line x, int n) {
            Line s = sum(x, n);
            Num count = NUMS.numOf(n);
            return fn(s.start(), i -> s.v(i).dividedBy(count));
        }

        /** EMA with α = 2/(n+1), seeded with the SMA of the first n values. */
        Line ema(Line x, int n) {
            return new Line(new SeededAverage(x, n, NUMS.two().dividedBy(NUMS.numOf(n + 1))), x.start() + n - 1);
        }

        /** Wilder's smoothing (α = 1/n), seeded with the SMA of the first n values. */
        Line wilder(Line x, int n) {
            return new Line(new SeededAverage(x, n, NUMS.one().dividedBy(NUMS.numOf(n))), x.start() + n - 1);
        }

        Line highest(Line x, int n) {
            return fn(x.start() + n - 1, i -> extreme(x, n, i, true));
        }

        Line lowest(Line x, int n) {
            return fn(x.start() + n - 1, i -> extreme(x, n, i, false));
        }

        private static Num extreme(Line x, int n, int i, boolean max) {
            Num best = null;
            for (int j = i - n + 1; j <= i; j++) {
                Num v = x.v(j);
                if (Num.isNaNOrNull(v)) {
                    return NaN.NaN;
                }
                if (best == null || (max ? v.isGreaterThan(best) : v.isLessThan(best))) {
                    best = v;
                }
            }
            return best;
        }

        /** True range from the second candle on, Wilder-smoothed: first value at index n. */
        Line atr(int n) {
            return wilder(ta(new TRIndicator(series), 1), n);
        }

        /** Wilder's RSI: first value at index n. */
        Line rsi(int n) {
            Line gain = wilder(ta(new GainIndicator(closeInd), 1), n);
            Line loss = wilder(ta(new LossIndicator(closeInd), 1), n);
            return op(gain, loss, (g, l) -> {
                if (l.isZero()) {
                    return g.isZero() ? NUMS.numOf(50) : hundred;
                }
                return hundred.minus(hundred.dividedBy(NUMS.one().plus(g.dividedBy(l))));
            });
        }
    }

    /** A computed indicator: NaN before {@code start}, and whenever an input is NaN. */
    private static final class Fn extends CachedIndicator<Num> {
        private final int start;
        private final IntFunction<Num> f;

        Fn(BarSeries series, int start, IntFunction<Num> f) {
            super(series);
            this.start = start;
            this.f = f;
        }

        @Override
        protected Num calculate(int i) {
            if (i < start) {
                return NaN.NaN;
            }
            try {
                Num v = f.apply(i);
                return v == null ? NaN.NaN : v;
            } catch (ArithmeticException e) {
                return NaN.NaN;
            }
        }

        @Override
        public int getCountOfUnstableBars() {
            return start;
        }
    }

    /**
     * Sum of the last n values; NaN while any of them is NaN. Incremental (previous sum + new − dropped) when the
     * previous sum is defined, otherwise summed afresh, so a NaN in the input only spoils the n sums that see it.
     */
    private static final class WindowSum extends RecursiveCachedIndicator<Num> {
        private final Line src;
        private final int n;
        private final int first;

        WindowSum(Line src, int n) {
            super(src.ind());
            this.src = src;
            this.n = n;
            this.first = src.start() + n - 1;
        }

        @Override
        protected Num calculate(int i) {
            if (i < first) {
                return NaN.NaN;
            }
            if (i > first) {
                Num previous = getValue(i - 1);
                Num added = src.v(i);
                Num dropped = src.v(i - n);
                if (!Num.isNaNOrNull(previous) && !Num.isNaNOrNull(added) && !Num.isNaNOrNull(dropped)) {
                    return previous.plus(added).minus(dropped);
                }
            }
            Num total = NUMS.zero();
            for (int j = i - n + 1; j <= i; j++) {
                Num v = src.v(j);
                if (Num.isNaNOrNull(v)) {
                    return NaN.NaN;
                }
                total = total.plus(v);
            }
            return total;
        }

        @Override
        public int getCountOfUnstableBars() {
            return first;
        }
    }

    /**
     * Exponential smoothing {@code prev + α·(x − prev)} seeded with the plain average of the first n values (the
     * classic EMA and Wilder seeding, unlike ta4j's own EMA/MMA which restart from a single value). After a NaN
     * input it re-seeds from the next n defined values.
     */
    private static final class SeededAverage extends RecursiveCachedIndicator<Num> {
        private final Line src;
        private final int n;
        private final Num alpha;
        private final int seed;

        SeededAverage(Line src, int n, Num alpha) {
            super(src.ind());
            this.src = src;
            this.n = n;
            this.alpha = alpha;
            this.seed = src.start() + n - 1;
        }

        @Override
        protected Num calculate(int i) {
            if (i < seed) {
                return NaN.NaN;
            }
            Num x = src.v(i);
            if (Num.isNaNOrNull(x)) {
                return NaN.NaN;
            }
            if (i > seed) {
                Num previous = getValue(i - 1);
                if (!Num.isNaNOrNull(previous)) {
                    return previous.plus(alpha.multipliedBy(x.minus(previous)));
                }
            }
            Num total = NUMS.zero();
            for (int j = i - n + 1; j <= i; j++) {
                Num v = src.v(j);
                if (Num.isNaNOrNull(v)) {
                    return NaN.NaN;
                }
                total = total.plus(v);
            }
            return total.dividedBy(NUMS.numOf(n));
        }

        @Override
        public int getCountOfUnstableBars() {
            return seed;
        }
    }
}
