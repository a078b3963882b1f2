package dev.crater.market;

import static org.assertj.core.api.Assertions.assertThat;

import dev.crater.config.MarketConfig;
import dev.crater.reference.Security;
import dev.crater.testing.StoreKind;
import dev.crater.testing.TestServer;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

// Goal: at the default tick quotes change at each whole second, exactly as before; at a tick below one second
// each security's quote changes once a second at its own phase (spread over the second), yet a session
// boundary or a sandbox event shows at once.
//
// Method: Markets built the way Services builds them on one TestServer's store, at ticks 1000, 5000 and 100 ms,
// quotes compared at instants around phases, the regular close and a sandbox SET during a trading day.
class QuotePhaseTest {

    /** Wednesday 2026-11-18, 15:00 New York: the regular session. */
    static final long NOW = Instant.parse("2026-11-18T20:00:00Z").toEpochMilli();
    /** That day's regular close, 16:00 New York. */
    static final long CLOSE = Instant.parse("2026-11-18T21:00:00Z").toEpochMilli();
    static TestServer server;
    static Security aapl;
    static Security msft;

    @BeforeAll
    static void start() {
        server = TestServer.start(StoreKind.SQLITE);
        aapl = server.services().securities.snapshot().bySymbol("AAPL").orElseThrow();
        msft = server.services().securities.snapshot().bySymbol("MSFT").orElseThrow();
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

    static long phase(Security s) {
        return Market.phaseMs(MarketConfig.SEED_DEFAULT, PathParameters.of(s).key());
    }

    @Test
    void theDefaultTickQuotesToTheSecond() {
        Market m = market(1000);
        assertThat(m.phased()).isFalse();
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
    void aFastTickChangesEachSecurityOnceASecondAtItsPhase() {
        Market m = market(100);
        assertThat(m.phased()).isTrue();
        long p = phase(aapl);
        assertThat(p).isBetween(0L, 999L);
        Quote q = m.quoteAt(aapl, NOW + p + 250);
        assertThat(q.timeMs()).isEqualTo(NOW + p);
        assertThat(m.quoteAt(aapl, NOW + p)).isEqualTo(q);
        assertThat(m.quoteAt(aapl, NOW + p + 999)).isEqualTo(q);
        assertThat(m.quoteAt(aapl, NOW + p - 1).timeMs()).isEqualTo(NOW + p - 1000);
        assertThat(m.quoteAt(aapl, NOW + p + 1000).timeMs()).isEqualTo(NOW + p + 1000);
        // Sizes are drawn per phase second, numbered from the phase.
        PathParameters in = PathParameters.of(aapl);
        assertThat(q.bidSize()).isEqualTo(Market.size(MarketConfig.SEED_DEFAULT, in.key(), NOW / 1000, false));
        assertThat(q.askSize()).isEqualTo(Market.size(MarketConfig.SEED_DEFAULT, in.key(), NOW / 1000, true));
        // The price is the path's at the phase's instant: the same as the default tick's quote of that instant
        // when the phase is a whole second's start.
        assertThat(q.last()).isEqualTo(m.price(aapl, NOW + p).max(q.bid()).min(q.ask()));
    }

    @Test
    void phasesSpreadOverTheSecond() {
        int[] tenths = new int[10];
        List<Security> all = server.services().securities.snapshot().all();
        for (Security s : all) {
            tenths[(int) (phase(s) / 100)]++;
        }
        // 500+ securities: about a tenth in each tenth of the second (a tick of 100 ms carries ~1/10 of the changes).
        assertThat(all.size()).isGreaterThan(500);
        for (int n : tenths) {
            assertThat(n).isBetween(all.size() / 20, all.size() * 3 / 20);
        }
    }

    @Test
    void aSessionBoundaryStartsTheQuoteAtOnce() {
        Market m = market(100);
        assertThat(m.quoteAt(aapl, CLOSE - 1).session()).isEqualTo(Session.REGULAR);
        Quote after = m.quoteAt(aapl, CLOSE + 5);
        assertThat(after.session()).isEqualTo(Session.POST_MARKET);
        assertThat(after.timeMs()).isBetween(CLOSE, CLOSE + 5);
        assertThat(m.quoteAt(aapl, CLOSE).timeMs()).isEqualTo(CLOSE);
    }

    @Test
    void aSandboxEventShowsAtOnce() {
        Market m = market(100);
        long p = phase(msft);
        long event = NOW + p + 300;
        Quote before = m.quoteAt(msft, event - 1);
        assertThat(before.timeMs()).isEqualTo(NOW + p);
        server.services().marketControl.add(new MarketEvent(0, msft.id(), MarketEvent.Kind.SET, event, null,
                new BigDecimal("123.45"), List.of()), event);
        try {
            m.refresh();
            Quote at = m.quoteAt(msft, event);
            assertThat(at.timeMs()).isEqualTo(event);
            assertThat(at.last()).isEqualByComparingTo("123.45");
            assertThat(m.quoteAt(msft, event + 50)).isEqualTo(at);
            // Before the event nothing changed, and at the next phase second the quote moves on from the price set.
            assertThat(m.quoteAt(msft, event - 1)).isEqualTo(before);
            assertThat(m.quoteAt(msft, NOW + p + 1000).timeMs()).isEqualTo(NOW + p + 1000);
        } finally {
            server.services().marketControl.clear(msft.id());
            m.refresh();
            server.services().market.refresh();
        }
    }
}
