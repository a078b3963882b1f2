package dev.crater.history;

import dev.crater.market.Candle;
import java.io.IOException;
import java.io.OutputStream;
import java.math.BigDecimal;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import org.dhatim.fastexcel.Workbook;
import org.dhatim.fastexcel.Worksheet;

/**
 * Writes the {@code POST /history/export} workbook (see {@code 09-historical-data.md} §5) with fastexcel's
 * streaming writer.
 *
 * <p>One worksheet per security, in the given order, named after its symbol (made valid for Excel: at most 31
 * characters, none of {@code []:*?/\}, no leading/trailing apostrophe, not "History", unique ignoring case — a
 * clash gets " (2)", " (3)", ...). Row 1 is the header row: {@code Date}, {@code Open}, {@code High},
 * {@code Low}, {@code Close}, {@code Volume}, then one column per indicator header; it is frozen. Each following
 * row is one candle, ascending as given: the date is a real date-time cell (the candle's start in UTC, format
 * {@code yyyy-mm-dd hh:mm:ss}), prices, volume and indicator values are numeric cells holding the exact decimals
 * given. An indicator cell is empty when the indicator has no value at that candle's time.
 *
 * <p>Limits: 1..{@value #MAX_SHEETS} sheets and at most {@value #MAX_ROWS} candles per sheet; beyond them
 * {@link #write} throws {@link IllegalArgumentException} before writing anything.
 */
public final class ExcelExport {

    /** Most worksheets per workbook. */
    public static final int MAX_SHEETS = 20;
    /** Most candle rows per worksheet (the header row not counted). */
    public static final int MAX_ROWS = 200_000;
    /** Longest file name {@link #safeFileName} returns, suffix included. */
    public static final int MAX_FILE_NAME = 120;

    static final String DATE_FORMAT = "yyyy-mm-dd hh:mm:ss";
    private static final int MAX_SHEET_NAME = 31;
    private static final int MAX_CELL_TEXT = 32_767;
    private static final int FIXED_COLUMNS = 6;
    private static final int FLUSH_EVERY = 1_000;
    private static final String SUFFIX = ".xlsx";

    /**
     * One worksheet.
     *
     * @param securitySymbol the sheet's name (sanitised)
     * @param periodLabel    the bar size, e.g. {@code 4h}; informational (not written, kept for callers'
     *                       file names)
     * @param candles        rows, in the order to write them
     * @param indicators     extra columns after Volume
     */
    public record Sheet(String securitySymbol, String periodLabel, List<Candle> candles,
            List<IndicatorColumn> indicators) {

        public Sheet {
            candles = candles == null ? List.of() : List.copyOf(candles);
            indicators = indicators == null ? List.of() : List.copyOf(indicators);
        }
    }

    /**
     * One indicator column.
     *
     * @param header       the header cell text
     * @param valuesByTime value per candle time (Unix seconds); candles without an entry get an empty cell
     */
    public record IndicatorColumn(String header, Map<Long, BigDecimal> valuesByTime) {

        public IndicatorColumn {
            header = header == null ? "" : header;
            valuesByTime = valuesByTime == null ? Map.of() : valuesByTime;
        }
    }

    private ExcelExport() {
    }

    /**
     * Writes the workbook to {@code out}; {@code out} is flushed, not closed.
     *
     * @throws IllegalArgumentException when a limit is exceeded (nothing has been written then)
     * @throws IOException              when writing fails
     */
    public static void write(OutputStream out, List<Sheet> sheets) throws IOException {
        Objects.requireNonNull(out, "out");
        Objects.requireNonNull(sheets, "sheets");
        if (sheets.isEmpty()) {
            throw new IllegalArgumentException("an export needs at least one sheet");
        }
        if (sheets.size() > MAX_SHEETS) {
            throw new IllegalArgumentException("too many securities: " + sheets.size() + " (at most " + MAX_SHEETS
                    + " sheets)");
        }
        for (Sheet s : sheets) {
            Objects.requireNonNull(s, "sheet");
            if (s.candles().size() > MAX_ROWS) {
                throw new IllegalArgumentException("too many rows for " + s.securitySymbol() + ": "
                        + s.candles().size() + " (at most " + MAX_ROWS + " per sheet)");
            }
            if (FIXED_COLUMNS + s.indicators().size() > Worksheet.MAX_COLS) {
                throw new IllegalArgumentException("too many indicator columns for " + s.securitySymbol() + ": "
                        + s.indicators().size());
            }
            for (Candle c : s.candles()) {
                Objects.requireNonNull(c, "candle");
            }
        }
        Workbook wb = new Workbook(new NonClosing(out), "Crater", "1.0");
        Set<String> used = new HashSet<>();
        for (Sheet s : sheets) {
            Worksheet ws = wb.newWorksheet(uniqueSheetName(s.securitySymbol(), used));
            writeSheet(ws, s);
        }
        wb.finish();
        out.flush();
    }

    private static void writeSheet(Worksheet ws, Sheet s) throws IOException {
        ws.freezePane(0, 1);
        ws.width(0, 20);
        for (int c = 1; c < FIXED_COLUMNS + s.indicators().size(); c++) {
            ws.width(c, 14);
        }
        String[] fixed = {"Date", "Open", "High", "Low", "Close", "Volume"};
        for (int c = 0; c < fixed.length; c++) {
            ws.value(0, c, fixed[c]);
        }
        for (int k = 0; k < s.indicators().size(); k++) {
            ws.value(0, FIXED_COLUMNS + k, cellText(s.indicators().get(k).header()));
        }
        ws.range(0, 0, 0, FIXED_COLUMNS + s.indicators().size() - 1).style().bold().set();
        int row = 1;
        for (Candle c : s.candles()) {
            ws.value(row, 0, LocalDateTime.ofEpochSecond(c.time(), 0, ZoneOffset.UTC));
            ws.style(row, 0).format(DATE_FORMAT).set();
            number(ws, row, 1, c.open());
            number(ws, row, 2, c.high());
            number(ws, row, 3, c.low());
            number(ws, row, 4, c.close());
            ws.value(row, 5, c.volume());
            for (int k = 0; k < s.indicators().size(); k++) {
                number(ws, row, FIXED_COLUMNS + k, s.indicators().get(k).valuesByTime().get(c.time()));
            }
            if (row % FLUSH_EVERY == 0) {
                ws.flush();
            }
            row++;
        }
        ws.finish();
    }

    private static void number(Worksheet ws, int row, int col, BigDecimal v) {
        if (v != null) {
            ws.value(row, col, v);
        }
    }

    private static String cellText(String s) {
        String t = s.replaceAll("[\\p{Cc}&&[^\\t\\n]]", "");
        return t.length() <= MAX_CELL_TEXT ? t : t.substring(0, MAX_CELL_TEXT);
    }

    /** A valid, not yet {@code used} (ignoring case) sheet name for {@code symbol}; adds it to {@code used}. */
    static String uniqueSheetName(String symbol, Set<String> used) {
        String base = sheetName(symbol);
        String name = base;
        for (int n = 2; used.contains(name.toLowerCase(Locale.ROOT)); n++) {
            String suffix = " (" + n + ")";
            name = stripApostrophes(truncate(base, MAX_SHEET_NAME - suffix.length()).stripTrailing()) + suffix;
        }
        used.add(name.toLowerCase(Locale.ROOT));
        return name;
    }

    /** {@code symbol} made a valid Excel sheet name ("Sheet" when nothing is left). */
    static String sheetName(String symbol) {
        String s = symbol == null ? "" : symbol;
        s = s.replaceAll("[\\[\\]:*?/\\\\]", "_").replaceAll("\\p{Cntrl}", "").strip();
        s = stripApostrophes(truncate(s, MAX_SHEET_NAME).strip());
        if (s.isEmpty()) {
            return "Sheet";
        }
        if (s.equalsIgnoreCase("History")) {
            return s + "_";
        }
        return s;
    }

    private static String stripApostrophes(String s) {
        int from = 0;
        int to = s.length();
        while (from < to && s.charAt(from) == '\'') {
            from++;
        }
        while (to > from && s.charAt(to - 1) == '\'') {
            to--;
        }
        return s.substring(from, to);
    }

    /** At most {@code max} UTF-16 units, never splitting a surrogate pair. */
    private static String truncate(String s, int max) {
        if (s.length() <= max) {
            return s;
        }
        int end = max;
        if (Character.isHighSurrogate(s.charAt(end - 1))) {
            end--;
        }
        return s.substring(0, end);
    }

    /**
     * A download file name from the client's {@code DefaultFileName}: percent-decoded once (so the documented
     * {@code AAPL_4%20hours_From_03.05.2018_To_03.05.2019.xlsx} becomes {@code AAPL_4 hours_From_...xlsx};
     * {@code +} stays a plus; a malformed escape leaves the text undecoded), path separators and characters
     * Windows forbids ({@code / \ : * ? < > |}) replaced by {@code _}, control characters, quotes and
     * semicolons removed, whitespace runs collapsed to one space, leading dots and spaces dropped, then cut to
     * {@value #MAX_FILE_NAME} characters including an {@code .xlsx} suffix, which is appended when missing.
     * When nothing usable remains, {@code fallback} (sanitised the same way; {@code export.xlsx} if that is
     * unusable too) is returned.
     */
    public static String safeFileName(String requested, String fallback) {
        String s = clean(requested);
        if (s != null) {
            return s;
        }
        s = clean(fallback);
        return s != null ? s : "export" + SUFFIX;
    }

    private static String clean(String requested) {
        if (requested == null || requested.isBlank()) {
            return null;
        }
        String s = requested;
        try {
            s = URLDecoder.decode(s.replace("+", "%2B"), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException malformed) {
            // keep as given
        }
        s = s.replaceAll("[/\\\\:*?<>|]", "_")
                .replaceAll("[\\p{Cntrl}\\p{Cf}\"'`;]", "")
                .replaceAll("\\s+", " ")
                .strip();
        if (s.toLowerCase(Locale.ROOT).endsWith(SUFFIX)) {
            s = s.substring(0, s.length() - SUFFIX.length());
        }
        s = s.replaceFirst("^[. ]+", "");
        s = truncate(s, MAX_FILE_NAME - SUFFIX.length()).strip();
        s = s.replaceFirst("[. ]+$", "");
        if (s.isEmpty() || s.chars().allMatch(ch -> ch == '_')) {
            return null;
        }
        return s + SUFFIX;
    }

    /** Lets fastexcel finish its zip stream without closing the caller's stream. */
    private static final class NonClosing extends java.io.FilterOutputStream {
        NonClosing(OutputStream out) {
            super(out);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            out.write(b, off, len);
        }

        @Override
        public void close() throws IOException {
            flush();
        }
    }
}
