package dev.crater.metrics;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.DoubleSupplier;
import java.util.function.Supplier;
import java.util.regex.Pattern;

/**
 * The node's metrics, written in the Prometheus text exposition format (version 0.0.4) by Crater
 * itself (docs/decisions.md). Families are registered once, at wiring time; a family's series are
 * created on first use, at most {@link #SERIES_PER_FAMILY_MAX} of them: past the bound, new label
 * values are counted under {@link #OTHER}, so no input (a path, a header) can grow the output
 * without bound.
 */
public final class Metrics {
    /** Series one family may hold; the next new label set is counted in one overflow series. */
    public static final int SERIES_PER_FAMILY_MAX = 500;
    /** A label value is cut to this many characters. */
    public static final int LABEL_VALUE_CHARS_MAX = 160;
    /** The label value every label of the overflow series has. */
    public static final String OTHER = "other";
    /** The exposition format's media type. */
    public static final String CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";

    private static final Pattern NAME = Pattern.compile("[a-zA-Z_:][a-zA-Z0-9_:]*");
    private static final Pattern LABEL = Pattern.compile("[a-zA-Z_][a-zA-Z0-9_]*");

    /** One registered family: its header and its samples. */
    interface Family {
        void write(StringBuilder out);
    }

    private final Map<String, Family> families = new LinkedHashMap<>();

    /** A counter family ({@code name} ends in {@code _total}) with the given labels. */
    public Counter counter(String name, String help, String... labelNames) {
        check(name, labelNames);
        if (!name.endsWith("_total")) {
            throw new IllegalArgumentException("a counter's name ends in _total: " + name);
        }
        return add(name, new Counter(name, help, List.of(labelNames)));
    }

    /** A histogram family with fixed upper bounds (ascending; {@code +Inf} is implied). */
    public Histogram histogram(String name, String help, double[] bounds, String... labelNames) {
        check(name, labelNames);
        return add(name, new Histogram(name, help, bounds, List.of(labelNames)));
    }

    /** A gauge read when scraped. */
    public void gauge(String name, String help, DoubleSupplier value) {
        check(name);
        add(name, new Callback(name, help, "gauge", List.of(), () -> Map.of(List.of(), value.getAsDouble())));
    }

    /** A counter kept elsewhere (a monotonic count), read when scraped. */
    public void counterOf(String name, String help, DoubleSupplier value) {
        check(name);
        add(name, new Callback(name, help, "counter", List.of(), () -> Map.of(List.of(), value.getAsDouble())));
    }

    /**
     * Gauges (or, with {@code type} "counter", counters) read when scraped, one per label set that
     * {@code values} answers (label values in {@code labelNames} order; at most
     * {@link #SERIES_PER_FAMILY_MAX} are written).
     */
    public void labeled(String name, String help, String type, List<String> labelNames,
            Supplier<Map<List<String>, ? extends Number>> values) {
        check(name, labelNames.toArray(String[]::new));
        if (!type.equals("gauge") && !type.equals("counter")) {
            throw new IllegalArgumentException("gauge or counter: " + type);
        }
        add(name, new Callback(name, help, type, List.copyOf(labelNames), values));
    }

    /**
     * Histograms kept elsewhere (one {@link Histogram.Series} per label set), read when scraped:
     * the engine's rounds, whose series the trading shards own.
     */
    public void histogramsOf(String name, String help, List<String> labelNames,
            Supplier<Map<List<String>, Histogram.Series>> series) {
        check(name, labelNames.toArray(String[]::new));
        add(name, out -> {
            header(out, name, help, "histogram");
            int n = 0;
            for (Map.Entry<List<String>, Histogram.Series> e : series.get().entrySet()) {
                if (n++ == SERIES_PER_FAMILY_MAX) {
                    break;
                }
                e.getValue().write(out, name, labelNames, e.getKey());
            }
        });
    }

    private synchronized <F extends Family> F add(String name, F family) {
        if (families.putIfAbsent(name, family) != null) {
            throw new IllegalArgumentException("metric registered twice: " + name);
        }
        return family;
    }

    private static void check(String name, String... labelNames) {
        if (!NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("not a metric name: " + name);
        }
        for (String l : labelNames) {
            if (!LABEL.matcher(l).matches() || l.startsWith("__") || l.equals("le")) {
                throw new IllegalArgumentException("not a label name: " + l);
            }
        }
    }

    /** Every family's samples, in registration order: the body of {@code GET /metrics}. */
    public String scrape() {
        List<Family> all;
        synchronized (this) {
            all = new ArrayList<>(families.values());
        }
        StringBuilder out = new StringBuilder(16 * 1024);
        for (Family f : all) {
            f.write(out);
        }
        return out.toString();
    }

    // ---- writing ---------------------------------------------------------------------------------

    static void header(StringBuilder out, String name, String help, String type) {
        out.append("# HELP ").append(name).append(' ');
        for (int i = 0; i < help.length(); i++) {
            char c = help.charAt(i);
            switch (c) {
                case '\\' -> out.append("\\\\");
                case '\n' -> out.append("\\n");
                default -> out.append(c);
            }
        }
        out.append("\n# TYPE ").append(name).append(' ').append(type).append('\n');
    }

    /** {@code name{a="x",b="y"}} (no braces without labels), with {@code extra} (e.g. le) last. */
    static void sample(StringBuilder out, String name, List<String> labelNames, List<String> values, String extraName,
            String extraValue) {
        out.append(name);
        if (!labelNames.isEmpty() || extraName != null) {
            out.append('{');
            for (int i = 0; i < labelNames.size(); i++) {
                label(out, i > 0, labelNames.get(i), values.get(i));
            }
            if (extraName != null) {
                label(out, !labelNames.isEmpty(), extraName, extraValue);
            }
            out.append('}');
        }
        out.append(' ');
    }

    private static void label(StringBuilder out, boolean comma, String name, String value) {
        if (comma) {
            out.append(',');
        }
        out.append(name).append("=\"");
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            switch (c) {
                case '\\' -> out.append("\\\\");
                case '"' -> out.append("\\\"");
                case '\n' -> out.append("\\n");
                default -> out.append(c);
            }
        }
        out.append('"');
    }

    static void number(StringBuilder out, double v) {
        if (v == Math.rint(v) && !Double.isInfinite(v) && Math.abs(v) < 1e15) {
            out.append((long) v);
        } else if (Double.isNaN(v)) {
            out.append("NaN");
        } else if (Double.isInfinite(v)) {
            out.append(v > 0 ? "+Inf" : "-Inf");
        } else {
            out.append(v);
        }
        out.append('\n');
    }

    /** Label values as a key: exactly {@code count} of them, each cut to {@link #LABEL_VALUE_CHARS_MAX}. */
    static List<String> key(int count, String... values) {
        if (values.length != count) {
            throw new IllegalArgumentException("expected " + count + " label values, got " + values.length);
        }
        String[] cut = new String[count];
        for (int i = 0; i < count; i++) {
            String v = values[i] == null ? "" : values[i];
            cut[i] = v.length() <= LABEL_VALUE_CHARS_MAX ? v : v.substring(0, LABEL_VALUE_CHARS_MAX);
        }
        return List.of(cut);
    }

    static List<String> overflow(int count) {
        String[] o = new String[count];
        Arrays.fill(o, OTHER);
        return List.of(o);
    }

    /** A family read from elsewhere when scraped. */
    private record Callback(String name, String help, String type, List<String> labelNames,
            Supplier<Map<List<String>, ? extends Number>> values) implements Family {
        @Override
        public void write(StringBuilder out) {
            Map<List<String>, ? extends Number> now = values.get();
            header(out, name, help, type);
            int n = 0;
            for (Map.Entry<List<String>, ? extends Number> e : now.entrySet()) {
                if (n++ == SERIES_PER_FAMILY_MAX) {
                    break;
                }
                sample(out, name, labelNames, e.getKey(), null, null);
                number(out, e.getValue().doubleValue());
            }
        }
    }
}
