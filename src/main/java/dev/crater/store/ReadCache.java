package dev.crater.store;

import java.time.InstantSource;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

/**
 * A bounded read-through cache for rows the hot path reads on every request (sessions, app keys,
 * users). Entries are re-read from the store after {@code revalidateMs}, so a change made by
 * another process (the admin CLI, another node) is seen within that time; a change made through
 * this process calls {@link #invalidate} and is seen at once. When full, the cache is cleared
 * rather than evicting one by one: simple, bounded, and a refill is only a store read.
 */
public final class ReadCache<K, V> {

    private record Entry<V>(Optional<V> value, long loadedAtMs) {
    }

    private final ConcurrentHashMap<K, Entry<V>> entries = new ConcurrentHashMap<>();
    private final Function<K, Optional<V>> loader;
    private final InstantSource clock;
    private final long revalidateMs;
    private final int entriesMax;

    public ReadCache(Function<K, Optional<V>> loader, InstantSource clock, long revalidateMs, int entriesMax) {
        if (revalidateMs < 0 || entriesMax < 1) {
            throw new IllegalArgumentException("revalidateMs >= 0 and entriesMax >= 1 required");
        }
        this.loader = loader;
        this.clock = clock;
        this.revalidateMs = revalidateMs;
        this.entriesMax = entriesMax;
    }

    public Optional<V> get(K key) {
        long now = clock.millis();
        Entry<V> e = entries.get(key);
        if (e != null && now - e.loadedAtMs() < revalidateMs) {
            return e.value();
        }
        Optional<V> loaded = loader.apply(key);
        if (entries.size() >= entriesMax) {
            entries.clear();
        }
        entries.put(key, new Entry<>(loaded, now));
        return loaded;
    }

    public void invalidate(K key) {
        entries.remove(key);
    }

    public void invalidateAll() {
        entries.clear();
    }
}
