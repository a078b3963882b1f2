package dev.crater.config;

import java.nio.file.Path;
import java.util.Optional;

/**
 * Settings of the simulated market.
 *
 * @param seed       the seed of every price path ({@code CRATER_MARKET_SEED}); the same seed gives
 *                   the same prices on every node and every run
 * @param replayFile a CSV of bars to replay instead of simulating their symbols
 *                   ({@code CRATER_MARKET_REPLAY}); see {@code ReplayBars}
 * @param tickMs     how often subscribers get fresh quotes ({@code CRATER_MARKET_TICK_MS}, 50..60000)
 */
public record MarketConfig(long seed, Optional<Path> replayFile, long tickMs) {

    public static final long SEED_DEFAULT = 20260102L;
    public static final MarketConfig DEFAULT = new MarketConfig(SEED_DEFAULT, Optional.empty(), 1000);

    public MarketConfig {
        if (tickMs < 50 || tickMs > 60_000) {
            throw new IllegalArgumentException("CRATER_MARKET_TICK_MS must be 50..60000, got " + tickMs);
        }
        replayFile = replayFile == null ? Optional.empty() : replayFile;
    }

    static MarketConfig fromEnvironment(CraterConfig.Env e) {
        String seed = e.string("CRATER_MARKET_SEED", null);
        long s;
        try {
            s = seed == null ? SEED_DEFAULT : Long.parseLong(seed);
        } catch (NumberFormatException ex) {
            throw new IllegalArgumentException("CRATER_MARKET_SEED must be a whole number, got '" + seed + "'");
        }
        String replay = e.string("CRATER_MARKET_REPLAY", null);
        return new MarketConfig(s, Optional.ofNullable(replay).map(Path::of), e.integer("CRATER_MARKET_TICK_MS", 1000));
    }

    public MarketConfig withSeed(long newSeed) {
        return new MarketConfig(newSeed, replayFile, tickMs);
    }

    public MarketConfig withReplay(Path file) {
        return new MarketConfig(seed, Optional.of(file), tickMs);
    }

    public MarketConfig withTickMs(long ms) {
        return new MarketConfig(seed, replayFile, ms);
    }
}
