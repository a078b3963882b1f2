package dev.crater.history;

// Goal: prove that indicator signatures are parsed as 09-historical-data.md documents them (names in any
// case, case-sensitive periods, defaults for missing params, named limits at N and N+1, clear errors naming
// the bad part) and that Indicators.compute returns the classic values of SMA, EMA, RSI, MACD and Bollinger
// (plus spot checks of ATR, ADX, Stochastic, Williams %R, Momentum), skipping exactly the warm-up, rounded to
// 6 decimals, ascending, and shifted correctly by an offset.
//
// Method: a fixed 30-close series (the well-known Wilder RSI example closes), high = close + 0.5,
// low = close − 0.5, hourly candles. Expected values were computed independently with exact decimal
// arithmetic (Python's decimal module, 50 digits) from the textbook definitions written next to each test,
// then rounded HALF_EVEN to 6 places. E.g. SMA(5) at index 4 = (44.34+44.09+44.15+43.61+44.33)/5 = 44.104;
// EMA(5) seeds with that SMA and continues with α = 1/3: 44.104 + (44.83 − 44.104)/3 = 44.346.

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.crater.market.Candle;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class IndicatorsTest {

    private static final String[] CLOSES = ("44.34 44.09 44.15 43.61 44.33 44.83 45.10 45.42 45.84 46.08 45.89 46.03 "
            + "45.61 46.28 46.28 46.00 46.03 46.41 46.22 45.64 46.21 46.25 45.71 46.45 45.78 45.35 44.03 44.18 44.22 "
            + "44.57").split(" ");
    private static final long T0 = 1_542_801_600L;
    private static final long STEP = 3600;

    private static final List<Candle> SERIES = series(CLOSES.length);

    private static List<Candle> series(int count) {
        List<Candle> out = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            BigDecimal c = new BigDecimal(CLOSES[i % CLOSES.length]).add(BigDecimal.valueOf(i / CLOSES.length));
            BigDecimal open = i == 0 ? c : new BigDecimal(CLOSES[(i - 1) % CLOSES.length])
                    .add(BigDecimal.valueOf((i - 1) / CLOSES.length));
            out.add(new Candle(T0 + i * STEP, open, c.add(new BigDecimal("0.5")), c.subtract(new BigDecimal("0.5")), c,
                    1000 + 10L * i, true));
        }
        return out;
    }

    private static List<IndicatorPoint> compute(String signature) {
        return Indicators.compute(IndicatorSignature.parse(signature), SERIES);
    }

    private static List<String> values(IndicatorPoint p) {
        return p.values().stream().map(BigDecimal::toPlainString).collect(Collectors.toList());
    }

    private static IndicatorPoint at(List<IndicatorPoint> points, int candleIndex) {
        long t = T0 + candleIndex * STEP;
        return points.stream().filter(p -> p.date() == t).findFirst()
                .orElseThrow(() -> new AssertionError("no point for candle " + candleIndex));
    }

    // ------------------------------------------------------------------ values

    @Test
    void smaIsThePlainAverageFromIndexNMinus1() {
        List<IndicatorPoint> points = compute("SMA|1h|false|5|0");
        assertThat(points).hasSize(26);
        assertThat(points.getFirst().date()).isEqualTo(T0 + 4 * STEP);
        assertThat(values(points.get(0))).containsExactly("44.104000");
        assertThat(values(points.get(1))).containsExactly("44.202000");
        assertThat(values(points.get(2))).containsExactly("44.404000");
        assertThat(values(points.get(3))).containsExactly("44.658000");
    }

    @Test
    void emaIsSeededWithTheSmaThenSmoothedWithTwoOverNPlusOne() {
        List<IndicatorPoint> points = compute("EMA|1h|false|5|0");
        assertThat(points).hasSize(26);
        assertThat(points.getFirst().date()).isEqualTo(T0 + 4 * STEP);
        assertThat(values(points.get(0))).containsExactly("44.104000");
        assertThat(values(points.get(1))).containsExactly("44.346000");
        assertThat(values(points.get(2))).containsExactly("44.597333");
        assertThat(values(points.get(3))).containsExactly("44.871556");
        assertThat(values(points.getLast())).containsExactly("44.623640");
    }

    @Test
    void rsiIsWildersWithSmaSeededAverages() {
        // Average gain/loss of changes 1..14 seed at index 14, then avg = (prev·13 + x)/14.
        // (StockCharts' published table for these closes shows 70.53, 66.32, ... because it rounds the
        // intermediate averages to 2 decimals.)
        List<IndicatorPoint> points = compute("RSI|1h|false|14");
        List<String> expected = List.of("70.464135", "66.249619", "66.480942", "69.346853", "66.294713", "57.915021",
                "62.880718", "63.208789", "56.011585", "62.339929", "54.670971", "50.386815", "40.019424", "41.492635",
                "41.902430", "45.499497");
        assertThat(points).hasSize(expected.size());
        assertThat(points.getFirst().date()).isEqualTo(T0 + 14 * STEP);
        assertThat(points.stream().map(p -> p.values().getFirst().toPlainString())).containsExactlyElementsOf(expected);
    }

    @Test
    void macdHasLineSignalAndHistogramFromTheFirstSignalValue() {
        // MACD = EMA(5) − EMA(10), defined from index 9; signal = EMA(4) of MACD seeded with the average of
        // MACD at 9..12, so the first point is index 12.
        List<IndicatorPoint> points = compute("MACD|4h|false|5|10|4");
        assertThat(points).hasSize(18);
        assertThat(points.getFirst().date()).isEqualTo(T0 + 12 * STEP);
        assertThat(values(points.get(0))).containsExactly("0.457722", "0.599333", "-0.141611");
        assertThat(values(points.get(1))).containsExactly("0.460994", "0.543997", "-0.083003");
        assertThat(values(points.get(2))).containsExactly("0.434840", "0.500334", "-0.065494");
        assertThat(values(points.getLast())).containsExactly("-0.375821", "-0.343413", "-0.032409");
    }

    @Test
    void bollingerIsSmaPlusMinusKPopulationStandardDeviations() {
        for (String sig : List.of("Bollinger|1h|false|5|2", "Bollinger|1h|false|5|2|0")) {
            List<IndicatorPoint> points = compute(sig);
            assertThat(points).hasSize(26);
            assertThat(values(at(points, 4))).containsExactly("44.104000", "44.635504", "43.572496");
            assertThat(values(at(points, 5))).containsExactly("44.202000", "44.990152", "43.413848");
            assertThat(values(at(points, 29))).containsExactly("44.470000", "45.418515", "43.521485");
        }
    }

    @Test
    void spotChecksOfOtherIndicators() {
        // ATR(3): Wilder smoothing of true ranges 1..3 seeded at index 3.
        List<IndicatorPoint> atr = compute("ATR|1h|false|3");
        assertThat(atr.getFirst().date()).isEqualTo(T0 + 3 * STEP);
        assertThat(values(atr.get(0))).containsExactly("1.013333");
        assertThat(values(atr.get(1))).containsExactly("1.082222");
        assertThat(values(atr.getLast())).containsExactly("1.097413");
        // ADX(5): first at 2n−1 = 9; values ADX, +DI, −DI.
        List<IndicatorPoint> adx = compute("ADX|1h|false|5");
        assertThat(adx.getFirst().date()).isEqualTo(T0 + 9 * STEP);
        assertThat(values(adx.getFirst())).containsExactly("44.937973", "28.264548", "6.336713");
        assertThat(values(adx.getLast())).containsExactly("33.269022", "14.737176", "23.184961");
        // Stochastic(5,3,3): slow %K = SMA3 of fast %K (from index 4) → 6, %D = SMA3 of %K → 8.
        List<IndicatorPoint> st = compute("Stochastic|1h|false|5|3|3");
        assertThat(st.getFirst().date()).isEqualTo(T0 + 8 * STEP);
        assertThat(values(st.get(0))).containsExactly("80.735255", "78.858524");
        assertThat(values(st.get(1))).containsExactly("80.021288", "80.208132");
        assertThat(values(st.getLast())).containsExactly("29.641448", "22.786249");
        // Williams %R(5) = −100·(HH − C)/(HH − LL).
        List<IndicatorPoint> wr = compute("WilliamsR|1h|false|5");
        assertThat(wr.getFirst().date()).isEqualTo(T0 + 4 * STEP);
        assertThat(values(wr.getFirst())).containsExactly("-29.479769");
        assertThat(values(wr.getLast())).containsExactly("-55.172414");
        // Momentum(3) = C(t) − C(t−3).
        List<IndicatorPoint> mom = compute("Momentum|1h|false|3");
        assertThat(mom.getFirst().date()).isEqualTo(T0 + 3 * STEP);
        assertThat(values(mom.getFirst())).containsExactly("-0.730000");
        assertThat(values(mom.getLast())).containsExactly("0.540000");
    }

    @Test
    void parabolicSarFollowsWildersRulesThroughTwoReversals() {
        // (high, low) per bar; step 0.02, max 0.2 (the template's 1|1).
        String[][] bars = {{"10", "9"}, {"11", "10"}, {"12", "11"}, {"13", "12"}, {"12.5", "9"}, {"12", "8.5"},
                {"13", "12"}, {"14", "13"}, {"15", "14"}};
        List<Candle> candles = new ArrayList<>();
        for (int i = 0; i < bars.length; i++) {
            BigDecimal h = new BigDecimal(bars[i][0]);
            BigDecimal l = new BigDecimal(bars[i][1]);
            candles.add(new Candle(T0 + i * STEP, l, h, l, h, 100, true));
        }
        // bar 1: high rose, low rose → long; SAR = low0 = 9, EP = 11.
        //        next: 9 + 0.02·(11 − 9) = 9.04, but not above the lows of bars 0 and 1 → 9.
        // bar 2: SAR 9; new high 12 → EP 12, AF 0.04; next 9 + 0.04·3 = 9.12 (lows 10, 11 allow it).
        // bar 3: SAR 9.12; EP 13, AF 0.06; next 9.12 + 0.06·(13 − 9.12) = 9.3528.
        // bar 4: low 9 ≤ 9.3528 → short; SAR = old EP 13 (not below highs 13, 12.5); EP 9, AF 0.02;
        //        next 13 + 0.02·(9 − 13) = 12.92, not below the highs of bars 3 and 4 → 13.
        // bar 5: SAR 13; EP 8.5, AF 0.04; next 13 + 0.04·(8.5 − 13) = 12.82 (highs 12.5, 12 allow it).
        // bar 6: high 13 ≥ 12.82 → long; SAR = old EP 8.5 (not above lows 8.5, 12); EP 13, AF 0.02;
        //        next 8.5 + 0.02·(13 − 8.5) = 8.59, not above the lows of bars 5 and 6 → 8.5.
        // bar 7: SAR 8.5; EP 14, AF 0.04; next 8.5 + 0.04·(14 − 8.5) = 8.72.
        // bar 8: SAR 8.72.
        List<IndicatorPoint> sar = Indicators.compute(IndicatorSignature.parse("SAR|1h|false|1|1"), candles);
        assertThat(sar.stream().map(p -> p.values().getFirst().toPlainString())).containsExactly("9.000000",
                "9.000000", "9.120000", "13.000000", "13.000000", "8.500000", "8.500000", "8.720000");
        assertThat(sar.getFirst().date()).isEqualTo(T0 + STEP);
        assertThat(Indicators.compute(IndicatorSignature.parse("SAR|1h|false|0.02|0.2"), candles)).isEqualTo(sar);
        // step 0.1: bar 2 → EP 12, AF 0.2, next 9 + 0.2·(12 − 9) = 9.6 for bar 3
        List<IndicatorPoint> fast = Indicators.compute(IndicatorSignature.parse("SAR|1h|false|0.1|0.5"), candles);
        assertThat(values(fast.get(2))).containsExactly("9.600000");
    }

    @Test
    void everySupportedIndicatorRunsWithItsDefaultsAndSkipsExactlyItsWarmUp() {
        List<Candle> candles = series(120);
        // first point (candle index) with the documented defaults
        var expectedStart = new java.util.LinkedHashMap<String, Integer>();
        expectedStart.put("SMA", 9);
        expectedStart.put("EMA", 9);
        expectedStart.put("Bollinger", 21);
        expectedStart.put("KeltnerChannels", 19);
        expectedStart.put("SAR", 1);
        expectedStart.put("VWAP", 9);
        expectedStart.put("ADX", 19);
        expectedStart.put("ATR", 10);
        expectedStart.put("CMF", 9);
        expectedStart.put("CHV", 19);
        expectedStart.put("CMO", 10);
        expectedStart.put("BullsBears", 11);
        expectedStart.put("EWO", 34);
        expectedStart.put("IMI", 13);
        expectedStart.put("MACD", 33);
        expectedStart.put("Momentum", 10);
        expectedStart.put("MoneyFlow", 10);
        expectedStart.put("OBV", 0);
        expectedStart.put("PPO", 25);
        expectedStart.put("PO", 25);
        expectedStart.put("ROC", 10);
        expectedStart.put("RSI", 10);
        expectedStart.put("StdDev", 9);
        expectedStart.put("StochRSI", 31);
        expectedStart.put("Stochastic", 17);
        expectedStart.put("WilliamsR", 9);
        assertThat(Indicators.supportedNames()).containsExactlyInAnyOrderElementsOf(expectedStart.keySet());
        for (var e : expectedStart.entrySet()) {
            String name = e.getKey();
            List<IndicatorPoint> points = Indicators.compute(IndicatorSignature.parse(name + "|1h|false"), candles);
            assertThat(points).as(name).hasSize(120 - e.getValue());
            assertThat(points.getFirst().date()).as(name).isEqualTo(T0 + e.getValue() * STEP);
            for (int i = 0; i < points.size(); i++) {
                IndicatorPoint p = points.get(i);
                assertThat(p.date()).as(name).isEqualTo(T0 + (e.getValue() + i) * STEP);
                assertThat(p.values()).as(name).hasSize(Indicators.valueNames(name).size());
                assertThat(p.values()).as(name).allSatisfy(v -> assertThat(v.scale()).isEqualTo(6));
            }
        }
    }

    @Test
    void tooFewCandlesGiveNoPointsAndExactlyEnoughGiveOne() {
        IndicatorSignature sma = IndicatorSignature.parse("SMA|1h|false|5");
        assertThat(Indicators.compute(sma, List.of())).isEmpty();
        assertThat(Indicators.compute(sma, SERIES.subList(0, 4))).isEmpty();
        List<IndicatorPoint> one = Indicators.compute(sma, SERIES.subList(0, 5));
        assertThat(one).hasSize(1);
        assertThat(one.getFirst().date()).isEqualTo(T0 + 4 * STEP);
        IndicatorSignature rsi = IndicatorSignature.parse("RSI|1h|false|14");
        assertThat(Indicators.compute(rsi, SERIES.subList(0, 14))).isEmpty();
        assertThat(Indicators.compute(rsi, SERIES.subList(0, 15))).hasSize(1);
    }

    @Test
    void offsetMovesValuesForwardAndDropsThoseBeyondTheLastCandle() {
        IndicatorSignature sma = IndicatorSignature.parse("SMA|1h|false|5|0");
        List<IndicatorPoint> plain = Indicators.compute(sma, SERIES);
        List<IndicatorPoint> shifted = Indicators.compute(sma, SERIES, 2);
        assertThat(shifted).hasSize(plain.size() - 2);
        for (int i = 0; i < shifted.size(); i++) {
            assertThat(shifted.get(i).date()).isEqualTo(plain.get(i).date() + 2 * STEP);
            assertThat(shifted.get(i).values()).isEqualTo(plain.get(i).values());
        }
        assertThat(shifted.getFirst().date()).isEqualTo(T0 + 6 * STEP);
        assertThat(values(shifted.getFirst())).containsExactly("44.104000");
        assertThat(shifted.getLast().date()).isEqualTo(T0 + 29 * STEP);
        assertThat(shifted.getLast().values()).isEqualTo(plain.get(plain.size() - 3).values());

        List<IndicatorPoint> back = Indicators.compute(sma, SERIES, -1);
        assertThat(back).hasSize(plain.size());
        assertThat(back.getFirst().date()).isEqualTo(T0 + 3 * STEP);
        assertThat(back.getFirst().values()).isEqualTo(plain.getFirst().values());

        assertThat(Indicators.compute(sma, SERIES, 0)).isEqualTo(plain);
        assertThat(Indicators.compute(sma, SERIES, 25)).hasSize(1);
        assertThat(Indicators.compute(sma, SERIES, 26)).isEmpty();
        assertThat(Indicators.compute(sma, SERIES, Integer.MAX_VALUE)).isEmpty();
        assertThat(Indicators.compute(sma, SERIES, Integer.MIN_VALUE)).isEmpty();
    }

    @Test
    void undefinedValuesAreLeftOutInsteadOfReturned() {
        // A flat market: RSI is 50 (no gains, no losses); the stochastic is 0/0 and produces no points.
        List<Candle> flat = IntStream.range(0, 30).mapToObj(i -> new Candle(T0 + i * STEP, BigDecimal.TEN,
                BigDecimal.TEN, BigDecimal.TEN, BigDecimal.TEN, 100, true)).toList();
        List<IndicatorPoint> rsi = Indicators.compute(IndicatorSignature.parse("RSI|1h|false|5"), flat);
        assertThat(rsi).hasSize(25).allSatisfy(p -> assertThat(values(p)).containsExactly("50.000000"));
        assertThat(Indicators.compute(IndicatorSignature.parse("Stochastic|1h|false|5|3|3"), flat)).isEmpty();
        List<IndicatorPoint> cmf = Indicators.compute(IndicatorSignature.parse("CMF|1h|false|5"), flat);
        assertThat(cmf).hasSize(26).allSatisfy(p -> assertThat(values(p)).containsExactly("0.000000"));
    }

    @Test
    void candlesMustBeAscending() {
        IndicatorSignature sma = IndicatorSignature.parse("SMA|1h|false|2");
        List<Candle> swapped = new ArrayList<>(SERIES.subList(0, 5));
        swapped.set(1, SERIES.get(3));
        assertThatThrownBy(() -> Indicators.compute(sma, swapped)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("ascending");
        List<Candle> duplicate = List.of(SERIES.get(0), SERIES.get(0));
        assertThatThrownBy(() -> Indicators.compute(sma, duplicate)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void unsupportedDocumentedIndicatorsAreReportedClearly() {
        assertThat(Indicators.isSupported("macd")).isTrue();
        assertThat(Indicators.isSupported("KeltnerChannels")).isTrue();
        assertThat(Indicators.isSupported("EOM")).isFalse();
        assertThat(Indicators.isSupported("KVO")).isFalse();
        assertThat(Indicators.isSupported("SMI")).isFalse();
        assertThat(Indicators.isSupported("nonsense")).isFalse();
        assertThat(Indicators.isSupported(null)).isFalse();
        IndicatorSignature eom = IndicatorSignature.parse("EOM|1h|false|14");
        assertThatThrownBy(() -> Indicators.compute(eom, SERIES)).isInstanceOf(UnsupportedOperationException.class)
                .hasMessageContaining("EOM").hasMessageContaining("not supported").hasMessageContaining("MACD");
    }

    // ------------------------------------------------------------------ parsing

    @Test
    void everyDocumentedTemplateParses() {
        List<String> templates = List.of("Bollinger|1h|false|22|2|0", "EMA|1h|false|10|0",
                "KeltnerChannels|1h|false|20|10|2|0", "SAR|1h|false|1|1", "SMA|1h|false|10|0", "VWAP|1h|false|10|2|0",
                "ADX|1h|false|10", "ATR|1h|false|10", "Bollinger|1h|false|22|2", "CMF|1h|false|10", "CHV|1h|false|10",
                "CMO|1h|false|10", "EOM|1h|false|14", "BullsBears|1h|false|12", "EWO|1h|false|5|35",
                "IMI|1h|false|14", "KVO|1h|false|34|55|13", "MACD|1h|false|12|26|9", "Momentum|1h|false|10",
                "MoneyFlow|1h|false|10", "OBV|1h|false", "PPO|1h|false|9|18|9", "PO|1h|false|9|18|9",
                "ROC|1h|false|10", "RSI|1h|false|10", "StdDev|1h|false|10", "SMI|1h|false|3",
                "StochRSI|1h|false|14|3|3", "Stochastic|1h|false|14|3|3", "WilliamsR|1h|false|10",
                "MACD|4h|false|12|26|9");
        for (String t : templates) {
            IndicatorSignature s = IndicatorSignature.parse(t);
            // text() is the canonical form with defaults filled in
            String expected = t.equals("Bollinger|1h|false|22|2") ? "Bollinger|1h|false|22|2|0" : t;
            assertThat(s.text()).as(t).isEqualTo(expected);
            assertThat(IndicatorSignature.parse(s.text())).isEqualTo(s);
        }
        assertThat(IndicatorSignature.documentedNames()).hasSize(29);
    }

    @Test
    void partsAreParsedAndMissingParamsTakeTheDocumentedDefaults() {
        IndicatorSignature s = IndicatorSignature.parse("MACD|4h|false|12|26|9");
        assertThat(s.name()).isEqualTo("MACD");
        assertThat(s.period()).isEqualTo("4h");
        assertThat(s.useSignalLine()).isFalse();
        assertThat(s.params()).containsExactly(new BigDecimal("12"), new BigDecimal("26"), new BigDecimal("9"));

        assertThat(IndicatorSignature.parse("MACD|1h|false").params()).extracting(BigDecimal::intValue)
                .containsExactly(12, 26, 9);
        assertThat(IndicatorSignature.parse("MACD|1h|false|5").params()).extracting(BigDecimal::intValue)
                .containsExactly(5, 26, 9);
        assertThat(IndicatorSignature.parse("Bollinger|1h|false").params())
                .containsExactly(new BigDecimal("22"), new BigDecimal("2"), BigDecimal.ZERO);
        assertThat(IndicatorSignature.parse("Bollinger|1h|false|20|2.5").param(1)).isEqualByComparingTo("2.5");
        assertThat(IndicatorSignature.parse("KeltnerChannels|1h|false").params()).extracting(BigDecimal::intValue)
                .containsExactly(20, 10, 2, 0);
        assertThat(IndicatorSignature.parse("OBV|1h|false").params()).isEmpty();
        assertThat(IndicatorSignature.parse("SMA|1h|false|10.0").intParam(0)).isEqualTo(10);
        assertThat(IndicatorSignature.parse(" SMA | 1h | true | 10 ").text()).isEqualTo("SMA|1h|true|10|0");
    }

    @Test
    void namesAndTheFlagAreCaseInsensitiveButPeriodsAreNot() {
        assertThat(IndicatorSignature.parse("macd|1h|false").name()).isEqualTo("MACD");
        assertThat(IndicatorSignature.parse("bOlLiNgEr|1h|false").name()).isEqualTo("Bollinger");
        assertThat(IndicatorSignature.parse("keltnerchannels|1h|false").name()).isEqualTo("KeltnerChannels");
        assertThat(IndicatorSignature.parse("STOCHRSI|1h|false").name()).isEqualTo("StochRSI");
        assertThat(IndicatorSignature.parse("SMA|1h|TRUE|5").useSignalLine()).isTrue();
        assertThat(IndicatorSignature.parse("SMA|1h|False|5").useSignalLine()).isFalse();

        assertThat(IndicatorSignature.parse("SMA|1m|false").period()).isEqualTo("1m");
        assertThat(IndicatorSignature.parse("SMA|1M|false").period()).isEqualTo("1M");
        for (String p : IndicatorSignature.PERIODS) {
            assertThat(IndicatorSignature.parse("SMA|" + p + "|false").period()).isEqualTo(p);
        }
        for (String bad : List.of("1H", "1d", "1w", "1y", "4 h", "60m", "", "1min")) {
            assertThatThrownBy(() -> IndicatorSignature.parse("SMA|" + bad + "|false"))
                    .as(bad).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("period");
        }
    }

    @Test
    void invalidSignaturesNameTheBadPart() {
        assertBad(null, "empty");
        assertBad("", "empty");
        assertBad("   ", "empty");
        assertBad("MACD", "Name|Period|UseSignalLine");
        assertBad("MACD|1h", "Name|Period|UseSignalLine");
        assertBad("|1h|false", "name");
        assertBad("FOO|1h|false|1", "indicator name 'FOO'");
        assertBad("MACD|1x|false", "period '1x'");
        assertBad("MACD|1h|maybe", "UseSignalLine 'maybe'");
        assertBad("MACD|1h|1", "UseSignalLine");
        assertBad("MACD|1h|false|12|abc|9", "parameter 2 'abc' is not a number");
        assertBad("MACD|1h|false|12||9", "parameter 2 is empty");
        assertBad("MACD|1h|false|12|26|", "parameter 3 is empty");
        assertBad("MACD|1h|false|1e3", "parameter 1 '1e3' is not a number");
        assertBad("SMA|1h|false|10.5", "parameter 1 (SMA period) = 10.5 must be an integer");
        assertBad("SMA|1h|false|-3", "between 1 and 500");
        assertBad("Bollinger|1h|false|20|0", "parameter 2 (Bollinger multiplier) = 0 must be greater than 0");
        assertBad("Bollinger|1h|false|20|101", "at most 100");
        assertBad("SAR|1h|false|0|1", "parameter 1 (SAR acceleration step)");
    }

    @Test
    void periodParamsAreLimitedTo1Through500() {
        assertThat(IndicatorSignature.parse("SMA|1h|false|1").intParam(0)).isEqualTo(1);
        assertThat(IndicatorSignature.parse("SMA|1h|false|500").intParam(0)).isEqualTo(500);
        assertThat(IndicatorSignature.parse("MACD|1h|false|12|500|9").intParam(1)).isEqualTo(500);
        assertBad("SMA|1h|false|0", "parameter 1 (SMA period) = 0 must be between 1 and 500");
        assertBad("SMA|1h|false|501", "parameter 1 (SMA period) = 501 must be between 1 and 500");
        assertBad("MACD|1h|false|12|26|501", "parameter 3 (MACD signal period) = 501");
        assertBad("KeltnerChannels|1h|false|20|501", "parameter 2 (KeltnerChannels ATR period)");
    }

    @Test
    void atMost8ParamsAreAccepted() {
        IndicatorSignature eight = IndicatorSignature.parse("SMA|1h|false|10|0|1|2|3|4|5|6");
        assertThat(eight.params()).hasSize(8);
        assertThat(Indicators.compute(eight, SERIES)).isEqualTo(compute("SMA|1h|false|10"));
        assertBad("SMA|1h|false|10|0|1|2|3|4|5|6|7", "too many parameters: 9 (at most 8)");
    }

    @Test
    void signaturesAreLimitedTo200Characters() {
        String longName = "SMA|1h|false|" + "0".repeat(200 - 13);
        assertThat(longName).hasSize(200);
        // 200 characters pass the length check (and then fail on the number's digits, named as such) ...
        assertBad(longName, "parameter 1");
        // ... while 201 fail on the length itself.
        assertBad(longName + "0", "too long: 201 characters (at most 200)");
        // A valid signature of exactly 200 characters: whitespace around a part is ignored.
        String padded = "SMA|1h|false|" + " ".repeat(200 - 13 - 2) + "10";
        assertThat(padded).hasSize(200);
        assertThat(IndicatorSignature.parse(padded).intParam(0)).isEqualTo(10);
        assertBad(" " + padded, "too long");
    }

    private static void assertBad(String signature, String messagePart) {
        assertThatThrownBy(() -> IndicatorSignature.parse(signature)).as(String.valueOf(signature))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining(messagePart);
    }
}
