package dev.crater.http;

import java.time.InstantSource;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A token bucket per key (a client address): {@code burst} requests at once, refilled at
 * {@code perSecond}. Buckets live in memory on this node; at most {@link #KEYS_MAX} are tracked, and
 * when full the ones that have refilled completely (which carry no state worth keeping) are dropped
 * first, then all of them.
 */
public final class RateLimiter {
    /** Addresses tracked at once. */
    public static final int KEYS_MAX = 100_000;

    private static final class Bucket {
        double tokens;
        long updatedAtMs;

        Bucket(double tokens, long updatedAtMs) {
            this.tokens = tokens;
            this.updatedAtMs = updatedAtMs;
        }
    }

    private final ConcurrentHashMap<String, Bucket> buckets = new ConcurrentHashMap<>();
    private final InstantSource clock;
    private final int burst;
    private final double perSecond;

    public RateLimiter(InstantSource clock, int burst, double perSecond) {
        if (burst < 1 || perSecond <= 0) {
            throw new IllegalArgumentException("burst >= 1 and perSecond > 0 required");
        }
        this.clock = clock;
        this.burst = burst;
        this.perSecond = perSecond;
    }

    /**
     * Takes one token for {@code key}.
     *
     * @return 0 when the request may proceed; otherwise the whole seconds until a token is back
     */
    public long acquire(String key) {
        long now = clock.millis();
        if (buckets.size() >= KEYS_MAX && !buckets.containsKey(key)) {
            evict(now);
        }
        long[] wait = new long[1];
        buckets.compute(key, (k, b) -> {
            Bucket bucket = b == null ? new Bucket(burst, now) : b;
            refill(bucket, now);
            if (bucket.tokens >= 1) {
                bucket.tokens -= 1;
            } else {
                // Round the wait up: a client that waits this long will find a token.
                wait[0] = Math.max(1, (long) Math.ceil((1 - bucket.tokens) / perSecond));
            }
            return bucket;
        });
        return wait[0];
    }

    private void refill(Bucket b, long now) {
        if (now > b.updatedAtMs) {
            b.tokens = Math.min(burst, b.tokens + (now - b.updatedAtMs) * perSecond / 1000.0);
            b.updatedAtMs = now;
        }
    }

    private void evict(long now) {
        buckets.entrySet().removeIf(e -> {
            Bucket b = e.getValue();
            return b.tokens + (now - b.updatedAtMs) * perSecond / 1000.0 >= burst;
        });
        if (buckets.size() >= KEYS_MAX) {
            buckets.clear();
        }
    }
}
