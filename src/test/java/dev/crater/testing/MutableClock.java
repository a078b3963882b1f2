package dev.crater.testing;

import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A clock tests move by hand. It starts at {@link #START}, whatever the real time is (so no test depends on when
 * it runs), and only moves when told.
 */
public final class MutableClock implements InstantSource {
    /** Wednesday 2026-11-18 11:00 New York: inside a regular session of an ordinary trading day. */
    public static final Instant START = Instant.parse("2026-11-18T16:00:00Z");

    private final AtomicLong epochMs = new AtomicLong(START.toEpochMilli());

    @Override
    public Instant instant() {
        return Instant.ofEpochMilli(epochMs.get());
    }

    @Override
    public long millis() {
        return epochMs.get();
    }

    public void set(Instant t) {
        epochMs.set(t.toEpochMilli());
    }

    public void advance(Duration d) {
        epochMs.addAndGet(d.toMillis());
    }
}
