package dev.crater.market;

import java.time.InstantSource;
import java.util.function.LongSupplier;

/**
 * Market time: the server's clock plus the sandbox offset an operator set to jump the simulated
 * market forward or back. Everything market-related (quotes, sessions, candles, order expiry) reads
 * this clock, never the wall clock.
 */
public final class MarketClock {

    private final InstantSource base;
    private final LongSupplier offsetMs;

    public MarketClock(InstantSource base, LongSupplier offsetMs) {
        this.base = base;
        this.offsetMs = offsetMs;
    }

    public long millis() {
        return base.millis() + offsetMs.getAsLong();
    }

    /** How far market time runs ahead of the server's clock (negative: behind), in milliseconds. */
    public long offsetMs() {
        return offsetMs.getAsLong();
    }

    public InstantSource base() {
        return base;
    }
}
