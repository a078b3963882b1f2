package dev.crater.market;

import static org.assertj.core.api.Assertions.assertThat;

import dev.crater.config.MarketConfig;
import dev.crater.reference.Security;
import dev.crater.testing.StoreKind;
import dev.crater.testing.TestServer;
import java.time.Instant;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

// Goal: quotes resolve market time to the second at the default tick, exactly as before, and to the tick below
// one second, in slots from each second's start, with sizes drawn per slot.
//
// Method: Markets built the way Services builds them on one TestServer's store, at ticks 1000, 100 and 70 ms,
// quotes compared at instants inside and across slots during a regular session.
class QuoteResolutionTest {

    static final long NOW = Instant.parse("2026-11-18T20:00:00Z").toEpochMilli();
    static TestServer server;
    static Security aapl;

    @BeforeAll
    static void start() {
        server = TestServer.start(StoreKind.SQLITE);
        aapl = server.services().securities.snapshot().bySymbol("AAPL").orElseThrow();
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    static Market market(long tickMs) {
        var s = server.services();
        return new Market(s.securities, s.marketControl, new PathModel(MarketConfig.SEED_DEFAULT, TradingCalendar.nyse()),
                null, server.clock, tickMs);
    }

    @Test
    void theDefaultTickQuotesToTheSecond() {
        Market m = market(1000);
        assertThat(m.quoteResolutionMs()).isEqualTo(1000);
        Quote q = m.quoteAt(aapl, NOW + 250);
        assertThat(q.timeMs()).isEqualTo(NOW);
        assertThat(m.quoteAt(aapl, NOW + 999)).isEqualTo(q);
        assertThat(m.quoteAt(aapl, NOW)).isEqualTo(q);
        // Sizes are the per-second draws they always were.
        PathParameters in = PathParameters.of(aapl);
        assertThat(q.bidSize()).isEqualTo(Market.size(MarketConfig.SEED_DEFAULT, in.key(), NOW / 1000, false));
        assertThat(q.askSize()).isEqualTo(Market.size(MarketConfig.SEED_DEFAULT, in.key(), NOW / 1000, true));
        assertThat(market(5000).quoteAt(aapl, NOW + 250)).isEqualTo(q);
        // The server's market (default tick) agrees.
        assertThat(server.services().market.quoteAt(aapl, NOW + 250)).isEqualTo(q);
    }

    @Test
    void aFastTickQuotesToTheTickWithSizesPerSlot() {
        Market m = market(100);
        assertThat(m.quoteResolutionMs()).isEqualTo(100);
        Quote q = m.quoteAt(aapl, NOW + 250);
        assertThat(q.timeMs()).isEqualTo(NOW + 200);
        assertThat(m.quoteAt(aapl, NOW + 299)).isEqualTo(q);
        // The slot at the second's start is the per-second quote's instant.
        assertThat(m.quoteAt(aapl, NOW + 50).timeMs()).isEqualTo(NOW);
        PathParameters in = PathParameters.of(aapl);
        long index = NOW / 1000 * 10 + 2;
        assertThat(q.bidSize()).isEqualTo(Market.size(MarketConfig.SEED_DEFAULT, in.key(), index, false));
        assertThat(q.askSize()).isEqualTo(Market.size(MarketConfig.SEED_DEFAULT, in.key(), index, true));
        // Sizes are drawn per slot: over a second's ten slots they are not all the same.
        long distinct = java.util.stream.LongStream.range(0, 10)
                .map(j -> m.quoteAt(aapl, NOW + j * 100).bidSize() * 10_000 + m.quoteAt(aapl, NOW + j * 100).askSize())
                .distinct().count();
        assertThat(distinct).isGreaterThan(5);
    }

    @Test
    void slotsStartAtEverySecondWhenTheTickDoesNotDivideIt() {
        Market m = market(70);
        // 1000 / 70: fourteen slots of 70 ms and a last one of 20 ms; the next second starts a slot.
        assertThat(m.quoteAt(aapl, NOW + 985).timeMs()).isEqualTo(NOW + 980);
        assertThat(m.quoteAt(aapl, NOW + 1000).timeMs()).isEqualTo(NOW + 1000);
        assertThat(m.quoteAt(aapl, NOW + 1069).timeMs()).isEqualTo(NOW + 1000);
        assertThat(m.quoteAt(aapl, NOW + 1070).timeMs()).isEqualTo(NOW + 1070);
    }
}
