package dev.crater.store;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A value built from the store (the securities master, the market's sandbox state) and rebuilt when
 * the store's version of it changes. The version is checked at most every {@code revalidateMs} of
 * the {@link Monotonic} clock, so a change made by another process is seen within that time;
 * {@link #invalidate} makes the next read check at once (after a change made by this process).
 *
 * <p>No lock is held across the store read: the first reader that finds the value stale runs the
 * check (and any rebuild) and the readers that arrive meanwhile wait for its result, parked rather
 * than pinned (virtual threads). A failed check is rethrown to those readers and retried by the next.
 *
 * @param <T> the value
 */
public final class Revalidated<T> {

    /** Where the value comes from. */
    public interface Source<T> {
        /** The store's current version of the value: cheap (one row). */
        long version();

        /** The value at {@code version}, built from the store. */
        T load(long version);
    }

    /** A checked value; {@code generation}: the invalidations there had been when its check began. */
    private record Checked<T>(T value, long version, long checkedAtMs, long generation) {
    }

    private final Source<T> source;
    private final long revalidateMs;
    private final AtomicLong invalidations = new AtomicLong();
    private final AtomicReference<CompletableFuture<Checked<T>>> inFlight = new AtomicReference<>();
    private volatile Checked<T> current;

    public Revalidated(Source<T> source, long revalidateMs) {
        if (revalidateMs < 0) {
            throw new IllegalArgumentException("revalidateMs >= 0 required");
        }
        this.source = source;
        this.revalidateMs = revalidateMs;
    }

    /**
     * The value, checked against the store's version when it is older than {@code revalidateMs} or
     * was invalidated. A check that began before the latest {@link #invalidate} does not count.
     */
    public T get() {
        long wanted = invalidations.get();
        while (true) {
            Checked<T> c = current;
            if (c != null && c.generation() >= wanted && Monotonic.millis() - c.checkedAtMs() < revalidateMs) {
                return c.value();
            }
            CompletableFuture<Checked<T>> mine = new CompletableFuture<>();
            CompletableFuture<Checked<T>> running = inFlight.compareAndExchange(null, mine);
            if (running != null) {
                Checked<T> joined = await(running);
                if (joined.generation() >= wanted) {
                    return joined.value();
                }
                continue;
            }
            try {
                Checked<T> checked = check(current);
                mine.complete(checked);
                return checked.value();
            } catch (RuntimeException | Error e) {
                mine.completeExceptionally(e);
                throw e;
            } finally {
                inFlight.set(null);
            }
        }
    }

    private Checked<T> check(Checked<T> previous) {
        long generation = invalidations.get();
        long version = source.version();
        T value = previous != null && previous.version() == version ? previous.value() : source.load(version);
        Checked<T> checked = new Checked<>(value, version, Monotonic.millis(), generation);
        current = checked;
        return checked;
    }

    private static <T> Checked<T> await(CompletableFuture<Checked<T>> f) {
        try {
            return f.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted waiting for a store read", e);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException r) {
                throw r;
            }
            throw new IllegalStateException(e.getCause());
        }
    }

    /** Makes the next read check the store's version (after a change made by this process). */
    public void invalidate() {
        invalidations.incrementAndGet();
    }
}
