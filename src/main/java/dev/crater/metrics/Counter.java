package dev.crater.metrics;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/**
 * A counter family: one monotonic count per label set, at most {@link Metrics#SERIES_PER_FAMILY_MAX}
 * label sets (then {@link Metrics#OTHER}).
 */
public final class Counter implements Metrics.Family {
    private final String name;
    private final String help;
    private final List<String> labelNames;
    private final List<String> overflow;
    private final ConcurrentHashMap<List<String>, LongAdder> series = new ConcurrentHashMap<>();

    Counter(String name, String help, List<String> labelNames) {
        this.name = name;
        this.help = help;
        this.labelNames = labelNames;
        this.overflow = Metrics.overflow(labelNames.size());
        if (labelNames.isEmpty()) {
            series.put(List.of(), new LongAdder());   // a plain counter reads 0 before its first event
        }
    }

    /** Adds one to the series of these label values (in the family's label order). */
    public void inc(String... labelValues) {
        series(labelValues).increment();
    }

    /** Adds {@code n} (not negative) to the series of these label values. */
    public void add(long n, String... labelValues) {
        if (n < 0) {
            throw new IllegalArgumentException("a counter only goes up");
        }
        series(labelValues).add(n);
    }

    /** The current count of a series (0 when it has none): tests and the node's own checks. */
    public long value(String... labelValues) {
        LongAdder a = series.get(Metrics.key(labelNames.size(), labelValues));
        return a == null ? 0 : a.sum();
    }

    private LongAdder series(String... labelValues) {
        List<String> key = Metrics.key(labelNames.size(), labelValues);
        LongAdder a = series.get(key);
        if (a != null) {
            return a;
        }
        synchronized (this) {
            if (!series.containsKey(key) && series.size() >= Metrics.SERIES_PER_FAMILY_MAX) {
                key = overflow;
            }
            return series.computeIfAbsent(key, k -> new LongAdder());
        }
    }

    @Override
    public void write(StringBuilder out) {
        Metrics.header(out, name, help, "counter");
        List<Map.Entry<List<String>, LongAdder>> all = new ArrayList<>(series.entrySet());
        all.sort(Comparator.comparing(e -> String.join("\u0000", e.getKey())));
        for (Map.Entry<List<String>, LongAdder> e : all) {
            Metrics.sample(out, name, labelNames, e.getKey(), null, null);
            Metrics.number(out, e.getValue().sum());
        }
    }
}
