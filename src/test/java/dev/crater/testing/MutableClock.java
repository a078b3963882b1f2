package dev.crater.testing;

import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.concurrent.atomic.AtomicLong;

/** A clock tests move by hand: starts at the real time and only advances when told. */
public final class MutableClock implements InstantSource {
    private final AtomicLong epochMs = new AtomicLong(System.currentTimeMillis());

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
