package dev.crater.history;

// Goal: prove that the Excel export is a real .xlsx an independent reader opens, with one worksheet per
// security named validly and uniquely, row 1 the header row (Date, Open, High, Low, Close, Volume, then the
// indicator headers), dates as date-formatted date-time cells in UTC, and prices, volumes and indicator values
// as numeric cells holding exactly the decimals given; that the sheet and row limits hold at N and fail at N+1
// before anything is written; and that safeFileName turns client-supplied names into safe download names.
//
// Method: write to a byte array, read it back with fastexcel-reader (a separate parser from the writer) with
// cell formats enabled, and compare cell by cell.

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.crater.history.ExcelExport.IndicatorColumn;
import dev.crater.history.ExcelExport.Sheet;
import dev.crater.market.Candle;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.math.BigDecimal;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.dhatim.fastexcel.reader.Cell;
import org.dhatim.fastexcel.reader.CellType;
import org.dhatim.fastexcel.reader.ReadableWorkbook;
import org.dhatim.fastexcel.reader.ReadingOptions;
import org.dhatim.fastexcel.reader.Row;
import org.junit.jupiter.api.Test;

class ExcelExportTest {

    private static Candle candle(long time, String o, String h, String l, String c, long volume) {
        return new Candle(time, new BigDecimal(o), new BigDecimal(h), new BigDecimal(l), new BigDecimal(c), volume,
                true);
    }

    private static byte[] write(List<Sheet> sheets) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ExcelExport.write(out, sheets);
        return out.toByteArray();
    }

    /** Sheet name → rows. */
    private static Map<String, List<Row>> read(byte[] xlsx) throws IOException {
        Map<String, List<Row>> sheets = new java.util.LinkedHashMap<>();
        try (ReadableWorkbook wb = new ReadableWorkbook(new ByteArrayInputStream(xlsx), new ReadingOptions(true,
                false))) {
            for (var s : wb.getSheets().toList()) {
                sheets.put(s.getName(), s.read());
            }
        }
        return sheets;
    }

    private static void assertNumber(Row row, int col, String expected) {
        Cell cell = row.getCell(col);
        assertThat(cell.getType()).as("row %d col %d", row.getRowNum(), col).isEqualTo(CellType.NUMBER);
        assertThat(cell.asNumber()).as("row %d col %d", row.getRowNum(), col).isEqualTo(new BigDecimal(expected));
    }

    private static void assertDate(Row row, LocalDateTime expected) {
        Cell cell = row.getCell(0);
        assertThat(cell.getType()).isEqualTo(CellType.NUMBER);
        assertThat(cell.getDataFormatString()).isEqualTo("yyyy-mm-dd hh:mm:ss");
        assertThat(cell.asDate()).isEqualTo(expected);
    }

    @Test
    void twoSecuritiesReadBackCellByCell() throws IOException {
        long t0 = 1_542_801_600L; // 2018-11-21T12:00:00Z, the documented example candle
        Map<Long, BigDecimal> macd = new HashMap<>();
        macd.put(t0, new BigDecimal("-0.141611"));
        macd.put(t0 + 14_400, new BigDecimal("0.000001"));
        // no value at t0 + 28_800: empty cell
        Map<Long, BigDecimal> sma = Map.of(t0, new BigDecimal("178.123456"), t0 + 14_400, new BigDecimal("180"),
                t0 + 28_800, new BigDecimal("181.5"));
        Sheet aapl = new Sheet("AAPL", "4h", List.of(
                candle(t0, "179.73", "180.27", "177.07", "178.32", 12_111_739),
                candle(t0 + 14_400, "178.32", "181.0001", "178.1", "180.99", 9_876_543_210L),
                candle(t0 + 28_800, "180.99", "182", "0.01", "181.5", 0)),
                List.of(new IndicatorColumn("MACD(5,10,4)", macd), new IndicatorColumn("SMA 10", sma)));
        Sheet msft = new Sheet("MSFT", "4h", List.of(candle(1_548_028_800L, "107.04", "108", "106.5", "107.5", 43_020_193)),
                List.of());

        Map<String, List<Row>> book = read(write(List.of(aapl, msft)));

        assertThat(book.keySet()).containsExactly("AAPL", "MSFT");

        List<Row> rows = book.get("AAPL");
        assertThat(rows).hasSize(4);
        Row header = rows.get(0);
        assertThat(header.getRowNum()).isEqualTo(1);
        List<String> headers = new ArrayList<>();
        for (int c = 0; c < header.getCellCount(); c++) {
            assertThat(header.getCell(c).getType()).isEqualTo(CellType.STRING);
            headers.add(header.getCell(c).asString());
        }
        assertThat(headers).containsExactly("Date", "Open", "High", "Low", "Close", "Volume", "MACD(5,10,4)",
                "SMA 10");

        Row r1 = rows.get(1);
        assertDate(r1, LocalDateTime.of(2018, 11, 21, 12, 0, 0));
        assertNumber(r1, 1, "179.73");
        assertNumber(r1, 2, "180.27");
        assertNumber(r1, 3, "177.07");
        assertNumber(r1, 4, "178.32");
        assertNumber(r1, 5, "12111739");
        assertNumber(r1, 6, "-0.141611");
        assertNumber(r1, 7, "178.123456");

        Row r2 = rows.get(2);
        assertDate(r2, LocalDateTime.of(2018, 11, 21, 16, 0, 0));
        assertNumber(r2, 2, "181.0001");
        assertNumber(r2, 5, "9876543210");
        assertNumber(r2, 6, "0.000001");
        assertNumber(r2, 7, "180");

        Row r3 = rows.get(3);
        assertDate(r3, LocalDateTime.of(2018, 11, 21, 20, 0, 0));
        assertNumber(r3, 3, "0.01");
        assertNumber(r3, 5, "0");
        assertThat(r3.getOptionalCell(6).map(Cell::getType).orElse(CellType.EMPTY)).isEqualTo(CellType.EMPTY);
        assertNumber(r3, 7, "181.5");

        List<Row> m = book.get("MSFT");
        assertThat(m).hasSize(2);
        assertThat(m.get(0).getCellCount()).isEqualTo(6);
        assertThat(m.get(0).getCell(5).asString()).isEqualTo("Volume");
        assertDate(m.get(1), LocalDateTime.of(2019, 1, 21, 0, 0, 0));
        assertNumber(m.get(1), 1, "107.04");
        assertNumber(m.get(1), 5, "43020193");
    }

    @Test
    void datesKeepTheirSecondsAcrossTheDay() throws IOException {
        List<Candle> candles = new ArrayList<>();
        long[] times = {0L, 59L, 43_199L, 86_399L, 1_570_544_852L};
        for (long t : times) {
            candles.add(candle(t, "1", "1", "1", "1", 1));
        }
        List<Row> rows = read(write(List.of(new Sheet("X", "1m", candles, List.of())))).get("X");
        for (int i = 0; i < times.length; i++) {
            assertDate(rows.get(i + 1), LocalDateTime.ofEpochSecond(times[i], 0, java.time.ZoneOffset.UTC));
        }
    }

    @Test
    void sheetNamesAreMadeValidAndUnique() throws IOException {
        List<String> symbols = new ArrayList<>();
        Collections.addAll(symbols, "A/B:C", "a/b:c", "[BRK*B?]", "X".repeat(40), "X".repeat(40), "History", "",
                null, "'Q'", "\\");
        List<Sheet> sheets = symbols.stream().map(s -> new Sheet(s, "1D", List.of(), List.of())).toList();
        List<String> names = new ArrayList<>(read(write(sheets)).keySet());
        assertThat(names).containsExactly("A_B_C", "a_b_c (2)", "_BRK_B__", "X".repeat(31),
                "X".repeat(27) + " (2)", "History_", "Sheet", "Sheet (2)", "Q", "_");
        assertThat(names).allSatisfy(n -> assertThat(n.length()).isBetween(1, 31));
    }

    @Test
    void sheetLimitIs20() throws IOException {
        List<Sheet> twenty = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            twenty.add(new Sheet("S" + i, "1D", List.of(candle(i, "1", "1", "1", "1", 1)), List.of()));
        }
        assertThat(read(write(twenty))).hasSize(20);

        List<Sheet> twentyOne = new ArrayList<>(twenty);
        twentyOne.add(new Sheet("S20", "1D", List.of(), List.of()));
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        assertThatThrownBy(() -> ExcelExport.write(out, twentyOne)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("at most 20 sheets");
        assertThat(out.size()).isZero();

        assertThatThrownBy(() -> ExcelExport.write(out, List.of())).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("at least one sheet");
    }

    @Test
    void rowLimitIs200000PerSheet() throws IOException {
        List<Candle> max = new ArrayList<>(ExcelExport.MAX_ROWS);
        for (int i = 0; i < ExcelExport.MAX_ROWS; i++) {
            max.add(candle(1_000_000L + 60L * i, "10.25", "10.5", "10", "10.125", i));
        }
        List<Row> rows = read(write(List.of(new Sheet("BIG", "1m", max, List.of())))).get("BIG");
        assertThat(rows).hasSize(ExcelExport.MAX_ROWS + 1);
        Row last = rows.getLast();
        assertThat(last.getRowNum()).isEqualTo(ExcelExport.MAX_ROWS + 1);
        assertDate(last, LocalDateTime.ofEpochSecond(1_000_000L + 60L * (ExcelExport.MAX_ROWS - 1), 0,
                java.time.ZoneOffset.UTC));
        assertNumber(last, 4, "10.125");
        assertNumber(last, 5, String.valueOf(ExcelExport.MAX_ROWS - 1));

        List<Candle> tooMany = new ArrayList<>(max);
        tooMany.add(candle(0, "1", "1", "1", "1", 1));
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        List<Sheet> sheets = List.of(new Sheet("OK", "1m", List.of(), List.of()),
                new Sheet("BIG", "1m", tooMany, List.of()));
        assertThatThrownBy(() -> ExcelExport.write(out, sheets)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("200001").hasMessageContaining("at most 200000");
        assertThat(out.size()).isZero();
    }

    @Test
    void theCallersStreamIsNotClosed() throws IOException {
        boolean[] closed = {false};
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        OutputStream out = new OutputStream() {
            @Override
            public void write(int b) {
                bytes.write(b);
            }

            @Override
            public void write(byte[] b, int off, int len) {
                bytes.write(b, off, len);
            }

            @Override
            public void close() {
                closed[0] = true;
            }
        };
        ExcelExport.write(out, List.of(new Sheet("A", "1D", List.of(), List.of())));
        assertThat(closed[0]).isFalse();
        assertThat(ReadableWorkbook.isOOXMLZipHeader(bytes.toByteArray())).isTrue();
        assertThat(read(bytes.toByteArray())).containsOnlyKeys("A");
    }

    @Test
    void safeFileNames() {
        String fallback = "AAPL_4h.xlsx";
        assertThat(ExcelExport.safeFileName("AAPL_4%20hours_From_03.05.2018_To_03.05.2019.xlsx", fallback))
                .isEqualTo("AAPL_4 hours_From_03.05.2018_To_03.05.2019.xlsx");
        assertThat(ExcelExport.safeFileName("report", fallback)).isEqualTo("report.xlsx");
        assertThat(ExcelExport.safeFileName("report.XLSX", fallback)).isEqualTo("report.xlsx");
        assertThat(ExcelExport.safeFileName("report.csv", fallback)).isEqualTo("report.csv.xlsx");
        // decoded once only; '+' is a plus, not a space; a malformed escape is kept as text
        assertThat(ExcelExport.safeFileName("a%2520b", fallback)).isEqualTo("a%20b.xlsx");
        assertThat(ExcelExport.safeFileName("a+b.xlsx", fallback)).isEqualTo("a+b.xlsx");
        assertThat(ExcelExport.safeFileName("100%.xlsx", fallback)).isEqualTo("100%.xlsx");
        assertThat(ExcelExport.safeFileName("%E2%82%AC%20rates", fallback)).isEqualTo("€ rates.xlsx");
        // no way out of the download directory, no header injection
        assertThat(ExcelExport.safeFileName("../../etc/passwd", fallback)).isEqualTo("_.._etc_passwd.xlsx");
        assertThat(ExcelExport.safeFileName("..%2F..%2Fsecret.xlsx", fallback)).isEqualTo("_.._secret.xlsx");
        assertThat(ExcelExport.safeFileName("C:\\Users\\x\\file.xlsx", fallback)).isEqualTo("C__Users_x_file.xlsx");
        assertThat(ExcelExport.safeFileName("a\"b'c;d%0D%0AX-Evil: 1\te.xlsx", fallback))
                .isEqualTo("abcdX-Evil_ 1e.xlsx");
        assertThat(ExcelExport.safeFileName("  many   spaces  .xlsx", fallback)).isEqualTo("many spaces.xlsx");
        assertThat(ExcelExport.safeFileName(".hidden", fallback)).isEqualTo("hidden.xlsx");
        // length: at most 120 with the suffix
        String longName = ExcelExport.safeFileName("x".repeat(300) + ".xlsx", fallback);
        assertThat(longName).hasSize(120).endsWith("x.xlsx");
        assertThat(ExcelExport.safeFileName("y".repeat(115), fallback)).hasSize(120);
        assertThat(ExcelExport.safeFileName("y".repeat(116), fallback)).hasSize(120).isEqualTo("y".repeat(115)
                + ".xlsx");
        // blank or nothing usable: the fallback
        for (String blank : new String[] {null, "", "   ", "/", ".xlsx", "%20", "\"\"", "..", "?*"}) {
            assertThat(ExcelExport.safeFileName(blank, fallback)).as(String.valueOf(blank)).isEqualTo(fallback);
        }
        assertThat(ExcelExport.safeFileName(null, "MSFT 1D")).isEqualTo("MSFT 1D.xlsx");
        assertThat(ExcelExport.safeFileName(null, null)).isEqualTo("export.xlsx");
        assertThat(ExcelExport.safeFileName("", "/")).isEqualTo("export.xlsx");
    }
}
