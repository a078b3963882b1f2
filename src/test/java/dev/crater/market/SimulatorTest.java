package dev.crater.market;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.crater.reference.Security;
import dev.crater.reference.SecurityType;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The price model on its own: determinism, sessions, extremes, operator events and replay. */
class SimulatorTest {

    private static final TradingCalendar NYSE = TradingCalendar.nyse();

    static Security security(int id, String symbol, String price) {
        return new Security(id, symbol, symbol + " Inc.", "XNAS", "USD", SecurityType.CommonStock, 2, 0,
                new BigDecimal("0.01"), true, true, true, true, true, new BigDecimal(price), Security.ORIGIN_MASTER, 0, 0);
    }

    private static long ms(String instant) {
        return Instant.parse(instant).toEpochMilli();
    }

    @Test
    void pathIsPinnedToTheReferencePriceAtTheAnchorAndDependsOnlyOnSeedAndSymbol() {
        PathParameters in = PathParameters.of(security(4, "AAPL", "270.00"));
        PathModel a = new PathModel(7, NYSE);
        PathModel b = new PathModel(7, NYSE);
        PathModel other = new PathModel(8, NYSE);
        int anchor = NYSE.tradingDayIndex(PathModel.ANCHOR);
        assertThat(Math.exp(a.dayLevel(in, anchor))).isCloseTo(270.0, org.assertj.core.data.Offset.offset(1e-9));
        long t = ms("2026-11-18T17:12:34Z");
        assertThat(a.level(in, t)).isEqualTo(b.level(in, t));
        assertThat(a.level(in, t)).isNotEqualTo(other.level(in, t));
        // Far from the anchor, both directions.
        assertThat(Math.exp(a.level(in, ms("2005-06-15T15:00:00Z")))).isPositive().isFinite();
        assertThat(Math.exp(a.level(in, ms("2045-06-15T15:00:00Z")))).isPositive().isFinite();
    }

    @Test
    void pricesStandStillWhileTheMarketIsClosed() {
        PathParameters in = PathParameters.of(security(1, "NVDA", "185.00"));
        PathModel m = new PathModel(1, NYSE);
        // Friday post-market close to Monday pre-market open: flat.
        double fridayClose = m.level(in, ms("2026-11-21T01:00:00Z"));
        assertThat(m.level(in, ms("2026-11-22T12:00:00Z"))).isEqualTo(fridayClose);
        assertThat(m.level(in, ms("2026-11-23T08:59:00Z"))).isEqualTo(fridayClose);
        // Thanksgiving (2026-11-26) all day.
        assertThat(m.level(in, ms("2026-11-26T15:00:00Z"))).isEqualTo(m.level(in, ms("2026-11-26T20:00:00Z")));
        // During the session it moves.
        assertThat(m.level(in, ms("2026-11-23T15:00:00Z"))).isNotEqualTo(m.level(in, ms("2026-11-23T15:00:01Z")));
    }

    @Test
    void scanGivesTheExactExtremesOfEveryQuoteInTheRange() {
        PathParameters in = PathParameters.of(security(6, "MSFT", "480.00"));
        PathModel m = new PathModel(3, NYSE);
        PathModel.Day day = m.day(LocalDate.of(2026, 11, 18));
        long from = ms("2026-11-18T15:00:00Z");
        long to = from + 60_000;
        double[] ext = {Double.NEGATIVE_INFINITY, Double.POSITIVE_INFINITY};
        m.scan(in, day, from, to, PathModel.GRID_BITS, (t, level) -> {
            ext[0] = Math.max(ext[0], level);
            ext[1] = Math.min(ext[1], level);
        });
        for (long t = from; t <= to; t += 250) {
            assertThat(m.level(in, t)).isBetween(ext[1] - 1e-12, ext[0] + 1e-12);
        }
    }

    @Test
    void dailyReturnsHaveThePlannedVolatility() {
        PathParameters in = PathParameters.of(security(4, "AAPL", "270.00"));
        PathModel m = new PathModel(11, NYSE);
        int start = NYSE.tradingDayIndex(LocalDate.of(2010, 1, 4));
        List<Double> r = new ArrayList<>();
        for (int k = start; k < start + 2500; k++) {
            r.add(m.dayLevel(in, k + 1) - m.dayLevel(in, k));
        }
        double mean = r.stream().mapToDouble(Double::doubleValue).average().orElseThrow();
        double var = r.stream().mapToDouble(x -> (x - mean) * (x - mean)).sum() / (r.size() - 1);
        assertThat(Math.sqrt(var)).isCloseTo(in.sigmaDay(), org.assertj.core.data.Percentage.withPercentage(6));
    }

    @Test
    void overridesSetPathAndHalt() {
        PathParameters in = PathParameters.of(security(9, "XYZ", "50.00"));
        PathModel m = new PathModel(5, NYSE);
        java.util.function.LongToDoubleFunction base = t -> m.level(in, t);
        long t0 = ms("2026-11-18T15:00:00Z");
        List<MarketEvent> events = List.of(
                new MarketEvent(1, 9, MarketEvent.Kind.SET, t0, null, new BigDecimal("60"), List.of()),
                new MarketEvent(2, 9, MarketEvent.Kind.PATH, t0 + 600_000, null, null, List.of(
                        new MarketEvent.Point(t0 + 600_000, new BigDecimal("61")),
                        new MarketEvent.Point(t0 + 1_200_000, new BigDecimal("71")))),
                new MarketEvent(3, 9, MarketEvent.Kind.HALT, t0 + 1_800_000, t0 + 2_400_000L, null, List.of()));
        Overrides o = Overrides.of(events, base);
        assertThat(Math.exp(o.level(t0 - 1, base))).isCloseTo(Math.exp(base.applyAsDouble(t0 - 1)),
                org.assertj.core.data.Offset.offset(1e-9));
        assertThat(Math.exp(o.level(t0, base))).isCloseTo(60.0, org.assertj.core.data.Offset.offset(1e-9));
        // After SET the path moves on, shifted.
        assertThat(o.level(t0 + 60_000, base) - base.applyAsDouble(t0 + 60_000))
                .isCloseTo(Math.log(60) - base.applyAsDouble(t0), org.assertj.core.data.Offset.offset(1e-12));
        assertThat(Math.exp(o.level(t0 + 900_000, base))).isCloseTo(66.0, org.assertj.core.data.Offset.offset(1e-9));
        assertThat(Math.exp(o.level(t0 + 1_200_000, base))).isCloseTo(71.0, org.assertj.core.data.Offset.offset(1e-9));
        double beforeHalt = o.level(t0 + 1_800_000 - 1, base);
        assertThat(o.halted(t0 + 1_800_000)).isTrue();
        assertThat(o.level(t0 + 2_000_000, base)).isEqualTo(beforeHalt);
        assertThat(o.halted(t0 + 2_400_000)).isFalse();
        // Resumed continuously from the halted price.
        assertThat(o.level(t0 + 2_400_000, base)).isCloseTo(beforeHalt, org.assertj.core.data.Offset.offset(1e-12));
    }

    @Test
    void replayReproducesEachBarAndRefusesBadFiles(@TempDir Path dir) throws Exception {
        Path csv = dir.resolve("bars.csv");
        Files.writeString(csv, """
                symbol,time,open,high,low,close,volume
                AAPL,2024-03-01T14:30:00Z,180.00,181.50,179.20,181.00,100000
                AAPL,2024-03-01T14:31:00Z,181.00,181.20,180.10,180.50,80000
                AAPL,1709303520,180.50,182.00,180.40,181.90,90000
                """);
        ReplayBars bars = ReplayBars.load(csv);
        assertThat(bars.covers("aapl")).isTrue();
        assertThat(bars.covers("MSFT")).isFalse();
        long start = ms("2024-03-01T14:30:00Z");
        assertThat(bars.price("AAPL", start)).isEqualTo(180.00);
        assertThat(bars.price("AAPL", start + 60_000)).isEqualTo(181.00);
        assertThat(bars.price("AAPL", start - 86_400_000)).isEqualTo(180.00);
        assertThat(bars.price("AAPL", start + 86_400_000)).isEqualTo(181.90);
        double[] ext = {0, Double.MAX_VALUE};
        bars.scan("AAPL", start, start + 59_999, (t, level) -> {
            ext[0] = Math.max(ext[0], Math.exp(level));
            ext[1] = Math.min(ext[1], Math.exp(level));
        });
        assertThat(ext[0]).isCloseTo(181.50, org.assertj.core.data.Offset.offset(1e-9));
        assertThat(ext[1]).isCloseTo(179.20, org.assertj.core.data.Offset.offset(1e-9));
        assertThat(bars.volume("AAPL", start, start + 120_000)).isEqualTo(180_000);

        Path bad = dir.resolve("bad.csv");
        Files.writeString(bad, "symbol,time,open,high,low,close,volume\nAAPL,2024-03-01T14:30:00Z,1,0.5,0.4,1,1\n");
        assertThatThrownBy(() -> ReplayBars.load(bad)).hasMessageContaining("line 2");
        Files.writeString(bad, "sym,t\n");
        assertThatThrownBy(() -> ReplayBars.load(bad)).hasMessageContaining("first line");
        Files.writeString(bad, "symbol,time,open,high,low,close,volume\nA,2024-03-01T14:31:00Z,1,1,1,1,1\n"
                + "A,2024-03-01T14:30:00Z,1,1,1,1,1\n");
        assertThatThrownBy(() -> ReplayBars.load(bad)).hasMessageContaining("time order");
    }

    @Test
    void randomInstantsAlwaysGiveSaneQuotes() {
        PathModel m = new PathModel(99, NYSE);
        Random r = new Random(1);
        for (int i = 0; i < 2000; i++) {
            PathParameters in = PathParameters.of(security(1 + r.nextInt(600), "S" + r.nextInt(1000), "0.5"));
            long t = ms("2001-01-01T00:00:00Z") + (long) (r.nextDouble() * 40L * 365 * 86_400_000L);
            double p = Math.exp(m.level(in, t));
            assertThat(p).isPositive().isFinite();
        }
    }
}
