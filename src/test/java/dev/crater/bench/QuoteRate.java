package dev.crater.bench;

import dev.crater.Services;
import dev.crater.config.CraterConfig;
import dev.crater.market.PathParameters;
import dev.crater.market.Market;
import dev.crater.market.PathModel;
import dev.crater.reference.Security;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * Quotes generated per second by the market simulator for the first 500 securities of the master,
 * in one thread, in process (no HTTP): each quote is a full {@code Market.quoteAt} (bid/ask/sizes,
 * day open/high/low, volume, previous close) at a new market second, as the ticker computes them.
 * Also the bare path evaluation rate ({@code PathModel.level}). Prints one line per round:
 * {@code QUOTES round=R quotes_per_s=N path_levels_per_s=M}.
 *
 * <pre>java -cp target/crater.jar:target/test-classes dev.crater.bench.QuoteRate [seconds] [rounds]</pre>
 */
public final class QuoteRate {

    public static void main(String[] args) throws Exception {
        int seconds = args.length > 0 ? Integer.parseInt(args[0]) : 10;
        int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 3;
        Path dir = Files.createTempDirectory("crater-quote-bench");
        CraterConfig config = CraterConfig.fromEnvironment(java.util.Map.of()).withDataDir(dir).withDemo(false)
                .withDatabase("", "", "").withSmtp(Optional.empty());
        try (Services services = Services.open(config)) {
            Market market = services.market;
            List<Security> symbols = services.securities.snapshot().all().subList(0, 500);
            // A regular-session day: every quote also walks its day's high/low and volume.
            long start = Instant.parse("2026-11-18T14:30:00Z").toEpochMilli();
            for (int r = 0; r <= rounds; r++) {
                long quotes = 0;
                long t = start + r * 3_600_000L;
                long sink = 0;
                long deadline = System.nanoTime() + Duration.ofSeconds(r == 0 ? 3 : seconds).toNanos();
                long began = System.nanoTime();
                while (System.nanoTime() < deadline) {
                    for (Security s : symbols) {
                        sink += market.quoteAt(s, t).bidSize();
                    }
                    quotes += symbols.size();
                    t += 1000;
                }
                double qps = quotes / ((System.nanoTime() - began) / 1e9);
                PathModel model = market.model();
                long levels = 0;
                double acc = 0;
                deadline = System.nanoTime() + Duration.ofSeconds(r == 0 ? 1 : Math.max(1, seconds / 3)).toNanos();
                began = System.nanoTime();
                while (System.nanoTime() < deadline) {
                    for (Security s : symbols) {
                        PathParameters in = market.instrument(s);
                        acc += model.level(in, t);
                    }
                    levels += symbols.size();
                    t += 1000;
                }
                double lps = levels / ((System.nanoTime() - began) / 1e9);
                if (r > 0) {
                    System.out.printf("QUOTES round=%d quotes_per_s=%.0f path_levels_per_s=%.0f (check %d %.1f)%n", r,
                            qps, lps, sink % 10, acc % 10);
                }
            }
        }
    }
}
