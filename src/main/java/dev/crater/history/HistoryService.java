package dev.crater.history;

import dev.crater.market.BarPeriod;
import dev.crater.market.Candle;
import dev.crater.market.Market;
import dev.crater.market.PathModel;
import dev.crater.market.TradingCalendar;
import dev.crater.reference.Security;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;

/** Candles for a resolved {@link ChartRange}, including the count-based ranges. */
public final class HistoryService {

    private final Market market;

    public HistoryService(Market market) {
        this.market = market;
    }

    public Market market() {
        return market;
    }

    /**
     * The candles of a range; with {@code warmup} extra candles before it (for indicators) when
     * asked. Count-based ranges look back far enough to find their count.
     */
    public List<Candle> candles(Security s, ChartRange range, boolean extended, int warmup) {
        long minMs = PathModel.FIRST_DAY.atStartOfDay(TradingCalendar.ZONE).toInstant().toEpochMilli();
        if (!range.byCount() && warmup == 0) {
            return range.cap(market.candles(s, range.period(), range.fromMs(), range.toMs(), extended));
        }
        int wanted = (range.byCount() ? range.count() : 0) + warmup;
        long from = range.byCount() ? range.toMs() : range.fromMs();
        // Step back over trading days until enough bars lie before `from`.
        long lookBack = lookBackMs(range.period(), wanted, extended);
        while (true) {
            long start = Math.max(minMs, from - lookBack);
            List<Candle> all = market.candles(s, range.period(), start, range.toMs(), extended);
            int before = 0;
            for (Candle c : all) {
                if (c.time() * 1000 < from) {
                    before++;
                }
            }
            boolean enough = range.byCount() ? all.size() >= wanted : before >= warmup;
            if (enough || start == minMs) {
                if (range.byCount()) {
                    return all.size() > wanted ? new ArrayList<>(all.subList(all.size() - wanted, all.size())) : all;
                }
                int drop = Math.max(0, before - warmup);
                return range.cap(new ArrayList<>(all.subList(drop, all.size())));
            }
            lookBack *= 2;
        }
    }

    /** A first guess of how far back {@code n} bars reach. */
    static long lookBackMs(BarPeriod p, int n, boolean extended) {
        if (p.intraday()) {
            double sessionMinutes = extended ? 960 : 390;
            double days = Math.ceil(n * p.minutes() / sessionMinutes) + 1;
            return (long) (days * 7 / 5 * 86_400_000L) + 4 * 86_400_000L;
        }
        return (long) (n * p.approximateSeconds() * 1000 * 1.5) + 10 * 86_400_000L;
    }

    /** The trading date a candle belongs to (for grouping in exports). */
    LocalDate date(Candle c) {
        return market.calendar().tradingDate(java.time.Instant.ofEpochSecond(c.time()));
    }
}
