package dev.crater.metrics;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.DoubleAdder;
import java.util.concurrent.atomic.LongAdder;

/**
 * A histogram family with fixed bucket bounds: per label set, a count per bucket, the sum and the
 * count, at most {@link Metrics#SERIES_PER_FAMILY_MAX} label sets (then {@link Metrics#OTHER}).
 */
public final class Histogram implements Metrics.Family {
    /** Request latency, in seconds: 0.5 ms to 10 s. */
    public static final double[] LATENCY_SECONDS = {0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25,
        0.5, 1, 2.5, 5, 10};

    private final String name;
    private final String help;
    private final double[] bounds;
    private final List<String> labelNames;
    private final List<String> overflow;
    private final ConcurrentHashMap<List<String>, Series> series = new ConcurrentHashMap<>();

    Histogram(String name, String help, double[] bounds, List<String> labelNames) {
        this.name = name;
        this.help = help;
        this.bounds = checked(bounds);
        this.labelNames = labelNames;
        this.overflow = Metrics.overflow(labelNames.size());
    }

    private static double[] checked(double[] bounds) {
        if (bounds.length == 0) {
            throw new IllegalArgumentException("at least one bucket bound");
        }
        for (int i = 1; i < bounds.length; i++) {
            if (!(bounds[i] > bounds[i - 1])) {
                throw new IllegalArgumentException("bucket bounds must ascend");
            }
        }
        return bounds.clone();
    }

    /** Records one observation in the series of these label values. */
    public void observe(double value, String... labelValues) {
        series(labelValues).observe(value);
    }

    /** The series of these label values (created on first use, within the family's bound). */
    public Series series(String... labelValues) {
        List<String> key = Metrics.key(labelNames.size(), labelValues);
        Series s = series.get(key);
        if (s != null) {
            return s;
        }
        synchronized (this) {
            if (!series.containsKey(key) && series.size() >= Metrics.SERIES_PER_FAMILY_MAX) {
                key = overflow;
            }
            return series.computeIfAbsent(key, k -> new Series(bounds));
        }
    }

    @Override
    public void write(StringBuilder out) {
        Metrics.header(out, name, help, "histogram");
        List<Map.Entry<List<String>, Series>> all = new ArrayList<>(series.entrySet());
        all.sort(Comparator.comparing(e -> String.join("\u0000", e.getKey())));
        for (Map.Entry<List<String>, Series> e : all) {
            e.getValue().write(out, name, labelNames, e.getKey());
        }
    }

    /** One histogram: usable on its own (a trading shard keeps its rounds in two) and read by a family. */
    public static final class Series {
        private final double[] bounds;
        private final LongAdder[] buckets;
        private final DoubleAdder sum = new DoubleAdder();

        /** A histogram with these fixed upper bounds ({@code +Inf} implied). */
        public Series(double[] bounds) {
            this.bounds = checked(bounds);
            this.buckets = new LongAdder[this.bounds.length + 1];
            for (int i = 0; i < buckets.length; i++) {
                buckets[i] = new LongAdder();
            }
        }

        public void observe(double value) {
            int i = 0;
            while (i < bounds.length && value > bounds[i]) {
                i++;
            }
            buckets[i].increment();
            sum.add(value);
        }

        /** Observations so far. */
        public long count() {
            long n = 0;
            for (LongAdder b : buckets) {
                n += b.sum();
            }
            return n;
        }

        public double sum() {
            return sum.sum();
        }

        void write(StringBuilder out, String name, List<String> labelNames, List<String> values) {
            long cumulative = 0;
            for (int i = 0; i <= bounds.length; i++) {
                cumulative += buckets[i].sum();
                Metrics.sample(out, name + "_bucket", labelNames, values, "le",
                        i < bounds.length ? bound(bounds[i]) : "+Inf");
                Metrics.number(out, cumulative);
            }
            Metrics.sample(out, name + "_sum", labelNames, values, null, null);
            Metrics.number(out, sum.sum());
            Metrics.sample(out, name + "_count", labelNames, values, null, null);
            Metrics.number(out, cumulative);
        }

        private static String bound(double b) {
            return b == Math.rint(b) && Math.abs(b) < 1e15 ? Long.toString((long) b) : Double.toString(b);
        }
    }
}
