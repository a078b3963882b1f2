package dev.crater.market;

import java.io.BufferedReader;
import java.io.IOException;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Replay mode: bars a user owns, read from CSV, replace the simulated path of their symbols. The
 * file has a header line and the columns {@code symbol,time,open,high,low,close,volume}; {@code time}
 * is the bar's start as Unix seconds or ISO-8601 ({@code 2024-03-01T14:30:00Z}). Bars of a symbol
 * must be in time order; a bar lasts until the next one starts (the last one as long as the one
 * before it). Within a bar the price goes open → low → high → close when the bar rises and
 * open → high → low → close when it falls, in equal thirds, so candles built from the replay
 * reproduce each bar's open, high, low and close exactly. Before the first bar the price is the first
 * open; after the last bar it stays at the last close.
 */
public final class ReplayBars {

    /** Named limits: the largest file and the most bars read. */
    public static final long FILE_BYTES_MAX = 512L * 1024 * 1024;
    public static final int BARS_MAX = 5_000_000;

    private record Series(long[] starts, long[] ends, double[] open, double[] high, double[] low, double[] close,
            long[] volume) {
    }

    private final Map<String, Series> bySymbol;

    private ReplayBars(Map<String, Series> bySymbol) {
        this.bySymbol = bySymbol;
    }

    public boolean covers(String symbol) {
        return bySymbol.containsKey(symbol.toUpperCase(Locale.ROOT));
    }

    public int symbolCount() {
        return bySymbol.size();
    }

    public static ReplayBars load(Path file) throws IOException {
        if (Files.size(file) > FILE_BYTES_MAX) {
            throw new IllegalArgumentException(file + " is larger than " + FILE_BYTES_MAX + " bytes");
        }
        Map<String, List<String[]>> rows = new HashMap<>();
        int count = 0;
        try (BufferedReader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            String header = r.readLine();
            if (header == null || !header.trim().toLowerCase(Locale.ROOT)
                    .replace(" ", "").equals("symbol,time,open,high,low,close,volume")) {
                throw new IllegalArgumentException(file + ": the first line must be symbol,time,open,high,low,close,volume");
            }
            String line;
            int lineNo = 1;
            while ((line = r.readLine()) != null) {
                lineNo++;
                if (line.isBlank()) {
                    continue;
                }
                String[] f = line.split(",", -1);
                if (f.length != 7) {
                    throw new IllegalArgumentException(file + " line " + lineNo + ": 7 columns expected");
                }
                if (++count > BARS_MAX) {
                    throw new IllegalArgumentException(file + ": more than " + BARS_MAX + " bars");
                }
                f[0] = f[0].trim().toUpperCase(Locale.ROOT);
                f[1] = f[1].trim() + "@" + lineNo;
                rows.computeIfAbsent(f[0], k -> new ArrayList<>()).add(f);
            }
        }
        Map<String, Series> series = new HashMap<>();
        for (Map.Entry<String, List<String[]>> e : rows.entrySet()) {
            series.put(e.getKey(), series(file, e.getValue()));
        }
        return new ReplayBars(Map.copyOf(series));
    }

    private static Series series(Path file, List<String[]> rows) {
        int n = rows.size();
        long[] starts = new long[n];
        double[] o = new double[n];
        double[] h = new double[n];
        double[] l = new double[n];
        double[] c = new double[n];
        long[] v = new long[n];
        for (int i = 0; i < n; i++) {
            String[] f = rows.get(i);
            String[] timeAndLine = f[1].split("@");
            String where = file + " line " + timeAndLine[1];
            try {
                starts[i] = time(timeAndLine[0]);
                o[i] = price(f[2]);
                h[i] = price(f[3]);
                l[i] = price(f[4]);
                c[i] = price(f[5]);
                v[i] = new BigDecimal(f[6].trim()).longValue();
            } catch (NumberFormatException | DateTimeParseException e) {
                throw new IllegalArgumentException(where + ": " + e.getMessage());
            }
            if (h[i] < Math.max(o[i], c[i]) || l[i] > Math.min(o[i], c[i]) || v[i] < 0) {
                throw new IllegalArgumentException(where + ": high must be >= open/close >= low and volume >= 0");
            }
            if (i > 0 && starts[i] <= starts[i - 1]) {
                throw new IllegalArgumentException(where + ": bars of " + f[0] + " must be in time order");
            }
        }
        long[] ends = new long[n];
        for (int i = 0; i < n; i++) {
            ends[i] = i + 1 < n ? starts[i + 1] : starts[i] + (n > 1 ? starts[i] - starts[i - 1] : 60_000);
        }
        return new Series(starts, ends, o, h, l, c, v);
    }

    private static long time(String text) {
        if (text.chars().allMatch(Character::isDigit)) {
            return Long.parseLong(text) * 1000;
        }
        return Instant.parse(text).toEpochMilli();
    }

    private static double price(String text) {
        double p = new BigDecimal(text.trim()).doubleValue();
        if (!(p > 0)) {
            throw new NumberFormatException("prices must be positive: " + text);
        }
        return p;
    }

    /** The replayed price at {@code ms}; {@code symbol} must be covered. */
    double price(String symbol, long ms) {
        Series s = bySymbol.get(symbol.toUpperCase(Locale.ROOT));
        int i = Arrays.binarySearch(s.starts(), ms);
        if (i < 0) {
            i = -i - 2;
        }
        if (i < 0) {
            return s.open()[0];
        }
        if (ms >= s.ends()[i]) {
            return s.close()[i];
        }
        double[] pts = shape(s, i);
        double f = (double) (ms - s.starts()[i]) / (s.ends()[i] - s.starts()[i]) * 3.0;
        int seg = Math.min(2, (int) f);
        return pts[seg] + (pts[seg + 1] - pts[seg]) * (f - seg);
    }

    private static double[] shape(Series s, int i) {
        boolean rising = s.close()[i] >= s.open()[i];
        return rising ? new double[] {s.open()[i], s.low()[i], s.high()[i], s.close()[i]}
                : new double[] {s.open()[i], s.high()[i], s.low()[i], s.close()[i]};
    }

    /** Emits the turning points of the bars within [from, to] (each bar's thirds), in time order. */
    void scan(String symbol, long from, long to, PathModel.PointSink sink) {
        Series s = bySymbol.get(symbol.toUpperCase(Locale.ROOT));
        sink.point(from, Math.log(price(symbol, from)));
        int i = Arrays.binarySearch(s.starts(), from);
        i = i < 0 ? Math.max(0, -i - 2) : i;
        for (; i < s.starts().length && s.starts()[i] <= to; i++) {
            long len = s.ends()[i] - s.starts()[i];
            double[] pts = shape(s, i);
            for (int k = 0; k < 4; k++) {
                long t = s.starts()[i] + len * k / 3;
                if (k == 3) {
                    t = s.ends()[i] - 1;
                }
                if (t >= from && t <= to) {
                    sink.point(t, Math.log(pts[k]));
                }
            }
        }
        sink.point(to, Math.log(price(symbol, to)));
    }

    /** Volume traded in [from, to), bars counted in proportion to their overlap. */
    long volume(String symbol, long from, long to) {
        Series s = bySymbol.get(symbol.toUpperCase(Locale.ROOT));
        int i = Arrays.binarySearch(s.starts(), from);
        i = i < 0 ? Math.max(0, -i - 2) : i;
        double total = 0;
        for (; i < s.starts().length && s.starts()[i] < to; i++) {
            long a = Math.max(from, s.starts()[i]);
            long b = Math.min(to, s.ends()[i]);
            if (b > a) {
                total += (double) s.volume()[i] * (b - a) / (s.ends()[i] - s.starts()[i]);
            }
        }
        return Math.round(total);
    }
}
