package dev.crater.history;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * A parsed indicator signature, the pipe-separated string a client sends in
 * {@code IndicatorHistoryRequestSettings.Signature}: {@code Name|Period|UseSignalLine|param...}, for example
 * {@code MACD|4h|false|12|26|9} (see {@code 09-historical-data.md}, "Indicator signatures").
 *
 * <ul>
 * <li><b>Name</b> is matched case-insensitively against the documented table and stored in its canonical
 * spelling ({@code macd} → {@code MACD}, {@code keltnerchannels} → {@code KeltnerChannels}).</li>
 * <li><b>Period</b> (the bar size) must be exactly one of {@link #PERIODS}; it is case-sensitive because
 * {@code 1m} (one minute) and {@code 1M} (one month) differ.</li>
 * <li><b>UseSignalLine</b> is {@code true} or {@code false} in any letter case. It is kept for the caller; the
 * computation does not depend on it.</li>
 * <li><b>Params</b> are plain decimal numbers ({@code 12}, {@code 2}, {@code 0.5}, {@code -1}; no exponent). Missing
 * trailing params take the documented defaults of the table (the numbers of its signature template), so
 * {@link #params()} always holds at least {@link #documentedParamCount(String)} values. Params beyond the
 * documented ones are accepted (up to {@link #MAX_PARAMS} in all), kept, and ignored by the computation.</li>
 * </ul>
 *
 * <p>Limits: the whole signature is at most {@value #MAX_LENGTH} characters, it has at most {@value #MAX_PARAMS}
 * params, and every period-like param (a number of bars) is an integer in {@value #MIN_PERIOD}..{@value
 * #MAX_PERIOD}. Multipliers (Bollinger/Keltner/VWAP band widths) lie in (0, 100]; Parabolic SAR's two params lie
 * in (0, 100] (see {@link Indicators} for their meaning). Anything invalid raises an
 * {@link IllegalArgumentException} whose message names the offending part; callers turn it into a 400/422.
 *
 * @param name          canonical indicator name from the documented table
 * @param period        bar size, one of {@link #PERIODS}
 * @param useSignalLine the UseSignalLine flag
 * @param params        params with the documented defaults filled in (immutable)
 */
public record IndicatorSignature(String name, String period, boolean useSignalLine, List<BigDecimal> params) {

    /** Longest accepted signature string. */
    public static final int MAX_LENGTH = 200;
    /** Most params accepted after the three fixed parts. */
    public static final int MAX_PARAMS = 8;
    /** Smallest accepted number of bars for a period-like param. */
    public static final int MIN_PERIOD = 1;
    /** Largest accepted number of bars for a period-like param. */
    public static final int MAX_PERIOD = 500;
    /** Largest accepted multiplier / SAR param. */
    static final BigDecimal MAX_FACTOR = BigDecimal.valueOf(100);

    /** The documented bar sizes, case-sensitive ({@code 1m} = minute, {@code 1M} = month). */
    public static final List<String> PERIODS = List.of("1m", "2m", "3m", "5m", "10m", "15m", "30m", "1h", "2h", "4h",
            "1D", "1W", "1M", "3M", "6M", "1Y");

    private static final Set<String> PERIOD_SET = Set.copyOf(PERIODS);
    private static final Pattern NUMBER = Pattern.compile("-?\\d{1,18}(\\.\\d{1,18})?");

    /** What a documented param means; drives validation. */
    enum Kind {
        /** Number of bars: an integer in MIN_PERIOD..MAX_PERIOD. */
        PERIOD,
        /** A band multiplier: a decimal in (0, 100]. */
        FACTOR,
        /** Accepted as any number and ignored (the trailing {@code 0} of the overlay templates). */
        IGNORED
    }

    record Param(String label, Kind kind, BigDecimal defaultValue) {
    }

    private static Param period(String label, int def) {
        return new Param(label, Kind.PERIOD, BigDecimal.valueOf(def));
    }

    private static Param factor(String label, String def) {
        return new Param(label, Kind.FACTOR, new BigDecimal(def));
    }

    private static Param ignored(String label) {
        return new Param(label, Kind.IGNORED, BigDecimal.ZERO);
    }

    /** The documented indicators (canonical name → params of its signature template), in document order. */
    private static final Map<String, List<Param>> TABLE;
    private static final Map<String, String> CANONICAL;

    static {
        Map<String, List<Param>> t = new LinkedHashMap<>();
        t.put("Bollinger", List.of(period("period", 22), factor("multiplier", "2"), ignored("overlay")));
        t.put("EMA", List.of(period("period", 10), ignored("overlay")));
        t.put("KeltnerChannels", List.of(period("EMA period", 20), period("ATR period", 10),
                factor("multiplier", "2"), ignored("overlay")));
        t.put("SAR", List.of(factor("acceleration step", "1"), factor("maximum acceleration", "1")));
        t.put("SMA", List.of(period("period", 10), ignored("overlay")));
        t.put("VWAP", List.of(period("period", 10), factor("band multiplier", "2"), ignored("overlay")));
        t.put("ADX", List.of(period("period", 10)));
        t.put("ATR", List.of(period("period", 10)));
        t.put("CMF", List.of(period("period", 10)));
        t.put("CHV", List.of(period("period", 10)));
        t.put("CMO", List.of(period("period", 10)));
        t.put("EOM", List.of(period("period", 14)));
        t.put("BullsBears", List.of(period("period", 12)));
        t.put("EWO", List.of(period("fast period", 5), period("slow period", 35)));
        t.put("IMI", List.of(period("period", 14)));
        t.put("KVO", List.of(period("fast period", 34), period("slow period", 55), period("signal period", 13)));
        t.put("MACD", List.of(period("fast period", 12), period("slow period", 26), period("signal period", 9)));
        t.put("Momentum", List.of(period("period", 10)));
        t.put("MoneyFlow", List.of(period("period", 10)));
        t.put("OBV", List.of());
        t.put("PPO", List.of(period("fast period", 9), period("slow period", 18), period("signal period", 9)));
        t.put("PO", List.of(period("fast period", 9), period("slow period", 18), period("signal period", 9)));
        t.put("ROC", List.of(period("period", 10)));
        t.put("RSI", List.of(period("period", 10)));
        t.put("StdDev", List.of(period("period", 10)));
        t.put("SMI", List.of(period("period", 3)));
        t.put("StochRSI", List.of(period("period", 14), period("%K smoothing", 3), period("%D smoothing", 3)));
        t.put("Stochastic", List.of(period("period", 14), period("%K smoothing", 3), period("%D smoothing", 3)));
        t.put("WilliamsR", List.of(period("period", 10)));
        TABLE = Collections.unmodifiableMap(t);
        CANONICAL = t.keySet().stream()
                .collect(Collectors.toUnmodifiableMap(n -> n.toLowerCase(Locale.ROOT), n -> n));
    }

    /**
     * Validates and normalises: canonicalises the name, checks the period, fills in default params and checks
     * every param against its documented meaning.
     *
     * @throws IllegalArgumentException naming the offending part
     */
    public IndicatorSignature {
        String canonical = name == null ? null : CANONICAL.get(name.trim().toLowerCase(Locale.ROOT));
        if (canonical == null) {
            throw new IllegalArgumentException("indicator name '" + abbreviate(name) + "' is not one of "
                    + String.join(", ", TABLE.keySet()));
        }
        name = canonical;
        if (period == null || !PERIOD_SET.contains(period.trim())) {
            throw new IllegalArgumentException("period '" + abbreviate(period) + "' is not one of "
                    + String.join(", ", PERIODS) + " (case-sensitive: 1m = minute, 1M = month)");
        }
        period = period.trim();
        if (params == null) {
            params = List.of();
        }
        if (params.size() > MAX_PARAMS) {
            throw new IllegalArgumentException("too many parameters: " + params.size() + " (at most " + MAX_PARAMS
                    + ")");
        }
        List<Param> spec = TABLE.get(name);
        List<BigDecimal> filled = new ArrayList<>(Math.max(spec.size(), params.size()));
        for (int i = 0; i < Math.max(spec.size(), params.size()); i++) {
            BigDecimal v = i < params.size() ? params.get(i) : spec.get(i).defaultValue();
            if (v == null) {
                throw new IllegalArgumentException("parameter " + (i + 1) + " is missing");
            }
            if (i < spec.size()) {
                check(name, i, spec.get(i), v);
            }
            filled.add(v);
        }
        params = List.copyOf(filled);
    }

    private static void check(String name, int i, Param p, BigDecimal v) {
        String what = "parameter " + (i + 1) + " (" + name + " " + p.label() + ") = " + v.toPlainString();
        switch (p.kind()) {
            case PERIOD -> {
                BigDecimal min = BigDecimal.valueOf(MIN_PERIOD);
                BigDecimal max = BigDecimal.valueOf(MAX_PERIOD);
                if (v.signum() != 0 && v.stripTrailingZeros().scale() > 0) {
                    throw new IllegalArgumentException(what + " must be an integer number of bars");
                }
                if (v.compareTo(min) < 0 || v.compareTo(max) > 0) {
                    throw new IllegalArgumentException(what + " must be between " + MIN_PERIOD + " and "
                            + MAX_PERIOD);
                }
            }
            case FACTOR -> {
                if (v.signum() <= 0 || v.compareTo(MAX_FACTOR) > 0) {
                    throw new IllegalArgumentException(what + " must be greater than 0 and at most "
                            + MAX_FACTOR.toPlainString());
                }
            }
            case IGNORED -> {
                // any number
            }
        }
    }

    /**
     * Parses {@code Name|Period|UseSignalLine|param...}. Surrounding whitespace of each part is ignored.
     *
     * @throws IllegalArgumentException with a message naming the offending part
     */
    public static IndicatorSignature parse(String signature) {
        if (signature == null || signature.isBlank()) {
            throw new IllegalArgumentException("indicator signature is empty");
        }
        if (signature.length() > MAX_LENGTH) {
            throw new IllegalArgumentException("indicator signature is too long: " + signature.length()
                    + " characters (at most " + MAX_LENGTH + ")");
        }
        String[] parts = signature.split("\\|", -1);
        if (parts.length < 3) {
            throw new IllegalArgumentException("indicator signature '" + signature
                    + "' must have the form Name|Period|UseSignalLine|param...");
        }
        if (parts.length - 3 > MAX_PARAMS) {
            throw new IllegalArgumentException("too many parameters: " + (parts.length - 3) + " (at most "
                    + MAX_PARAMS + ")");
        }
        String name = parts[0].trim();
        if (name.isEmpty()) {
            throw new IllegalArgumentException("indicator name is empty");
        }
        String flag = parts[2].trim();
        boolean useSignalLine;
        if (flag.equalsIgnoreCase("true")) {
            useSignalLine = true;
        } else if (flag.equalsIgnoreCase("false")) {
            useSignalLine = false;
        } else {
            throw new IllegalArgumentException("UseSignalLine '" + abbreviate(flag) + "' must be true or false");
        }
        List<BigDecimal> params = new ArrayList<>(parts.length - 3);
        for (int i = 3; i < parts.length; i++) {
            String p = parts[i].trim();
            if (p.isEmpty()) {
                throw new IllegalArgumentException("parameter " + (i - 2) + " is empty");
            }
            if (!NUMBER.matcher(p).matches()) {
                throw new IllegalArgumentException("parameter " + (i - 2) + " '" + abbreviate(p)
                        + "' is not a number");
            }
            params.add(new BigDecimal(p));
        }
        return new IndicatorSignature(name, parts[1], useSignalLine, params);
    }

    /** The documented indicator names, canonical spelling, in the order of the documentation's table. */
    public static List<String> documentedNames() {
        return List.copyOf(TABLE.keySet());
    }

    /** The canonical spelling of a documented name (any case), or {@code null} when it is not documented. */
    public static String canonicalName(String name) {
        return name == null ? null : CANONICAL.get(name.trim().toLowerCase(Locale.ROOT));
    }

    /** Number of params documented for {@code name} (any case); {@code -1} when the name is not documented. */
    public static int documentedParamCount(String name) {
        String c = canonicalName(name);
        return c == null ? -1 : TABLE.get(c).size();
    }

    /** Param {@code i} (0-based) as an exact decimal. */
    public BigDecimal param(int i) {
        return params.get(i);
    }

    /** Param {@code i} (0-based) as an int; for period-like params, which are validated to be integers. */
    public int intParam(int i) {
        return params.get(i).intValueExact();
    }

    /** The canonical text form, e.g. {@code MACD|4h|false|12|26|9} (defaults included). */
    public String text() {
        StringBuilder sb = new StringBuilder(name).append('|').append(period).append('|').append(useSignalLine);
        for (BigDecimal p : params) {
            sb.append('|').append(p.toPlainString());
        }
        return sb.toString();
    }

    @Override
    public String toString() {
        return text();
    }

    private static String abbreviate(String s) {
        if (s == null) {
            return "null";
        }
        return s.length() <= 40 ? s : s.substring(0, 40) + "…";
    }
}
