package dev.crater.store;

import java.time.Instant;
import java.time.InstantSource;

/**
 * The one monotonic clock, for how old a cached read is. Freshness is measured on it, never on the
 * server's (injected, possibly simulated) clock: a test or an operator moving the market clock must
 * not make every cache stale or fresh for ever. It says nothing about the time of day.
 */
public final class Monotonic {
    /** As an {@link InstantSource}, for {@link ReadCache}: only differences of its instants mean anything. */
    public static final InstantSource SOURCE = () -> Instant.ofEpochMilli(millis());

    private Monotonic() {
    }

    /** Milliseconds since an arbitrary origin; never goes back. */
    public static long millis() {
        return System.nanoTime() / 1_000_000;
    }

    /** Nanoseconds since an arbitrary origin, for short durations (request latency, an engine round). */
    public static long nanos() {
        return System.nanoTime();
    }
}
