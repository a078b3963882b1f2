package dev.crater.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigDecimal;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.function.Predicate;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;
import org.junit.jupiter.api.Test;

/**
 * Goal: {@link FilterEval} runs the documented {@code filter} language over objects in memory with
 * exactly the meaning {@link FilterSql} gives it in a database: every operator on every field type,
 * {@code and}/{@code or}/{@code not} precedence, SQL's three-valued logic for nulls, the same errors
 * at the same positions (at compile time), sorting, and index hints that never lose a match.
 *
 * <p>Method: a small list of securities (with nulls in most fields, text in mixed case, getters of
 * both accepted kinds for datetimes and enums) checked against hand-worked answers; then thousands of
 * random filters from the grammar (fixed seed) run both by {@link FilterEval} and by {@link FilterSql}
 * on the same rows in an in-memory SQLite database, which must agree on the rows or on the error.
 */
class FilterEvalTest {

    enum Status { New, PartiallyFilled, Filled, Canceled }

    static final Map<Integer, String> STATUS = Map.of(0, "New", 1, "PartiallyFilled", 2, "Filled", 4, "Canceled");
    static final Map<Integer, String> TYPES = Map.of(6, "CommonStock", 1, "Etf", 2, "Fund", 3, "Bond");

    /** A row; {@code addedDate} is an Instant and {@code updatedMs} epoch millis, {@code type} a String name. */
    record Sec(int id, String symbol, String name, String exchange, Boolean allowTrade, BigDecimal price,
            Instant addedDate, Long updatedMs, Long volume, Status status, String type) {
    }

    static final List<FilterEval.Field<Sec>> FIELDS = List.of(
            new FilterEval.Field<>("Id", FilterSql.Type.INTEGER, Sec::id),
            new FilterEval.Field<>("Volume", FilterSql.Type.INTEGER, Sec::volume),
            new FilterEval.Field<>("Symbol", FilterSql.Type.TEXT, Sec::symbol),
            new FilterEval.Field<>("Name", FilterSql.Type.TEXT, Sec::name),
            new FilterEval.Field<>("Exchange", FilterSql.Type.TEXT, Sec::exchange),
            new FilterEval.Field<>("AllowTrade", FilterSql.Type.BOOLEAN, Sec::allowTrade),
            new FilterEval.Field<>("Price", FilterSql.Type.DECIMAL, Sec::price),
            new FilterEval.Field<>("AddedDate", FilterSql.Type.DATETIME_MS, Sec::addedDate),
            new FilterEval.Field<>("UpdatedAt", FilterSql.Type.DATETIME_MS, Sec::updatedMs),
            new FilterEval.Field<>("Status", FilterSql.Type.ENUM, Sec::status, STATUS),
            new FilterEval.Field<>("Type", FilterSql.Type.ENUM, Sec::type, TYPES));

    /** The same fields for {@link FilterSql}; each column is the field's name in lower case. */
    static final List<FilterSql.Field> SQL_FIELDS = FIELDS.stream()
            .map(f -> new FilterSql.Field(f.name(), f.name().toLowerCase(Locale.ROOT), f.type(), f.enumNames()))
            .toList();

    static final List<Sec> ROWS = List.of(
            new Sec(1, "AAPL", "Apple Inc.", "XNAS", true, dec("189.25"), day("1980-12-12"), 1_700_000_000_000L, 5000L,
                    Status.Filled, "CommonStock"),
            new Sec(2, "AMZN", "Amazon.com, Inc.", "XNAS", true, dec("145.10"), day("1997-05-15"), null, null,
                    Status.New, "CommonStock"),
            new Sec(3, "GOOG", "Alphabet Inc.", "XNAS", true, dec("139.50"), day("2004-08-19"), 1_600_000_000_000L, 0L,
                    Status.PartiallyFilled, "commonstock"),
            new Sec(4, "IBM", "International Business Machines", "XNYS", false, dec("160.00"), day("1962-01-02"),
                    1_500_000_000_000L, -7L, Status.Canceled, "COMMONSTOCK"),
            new Sec(5, "O'NEIL", null, "XNYS", null, null, day("2020-01-01"), 1_600_000_000_000L, 120L, Status.New,
                    "Etf"),
            new Sec(6, "A_B%C", "Percent_Underscore!", null, true, dec("1000.5"), day("2021-06-30"), -1L, 42L,
                    Status.Filled, "Fund"),
            new Sec(7, "SPY", "SPDR S&P 500 ETF", "ARCX", true, dec("20.5"), Instant.parse("2020-01-01T00:00:00.001Z"),
                    0L, 9_000_000_000L, null, "Etf"),
            new Sec(8, "Appx", null, "XNAS", false, dec("10"), null, null, null, Status.New, null));

    static BigDecimal dec(String s) {
        return new BigDecimal(s);
    }

    static Instant day(String s) {
        return LocalDate.parse(s).atStartOfDay(ZoneOffset.UTC).toInstant();
    }

    static List<Integer> ids(String filter) {
        Predicate<Sec> p = FilterEval.compile(FilterParser.parse(filter), FIELDS);
        return ROWS.stream().filter(p).map(Sec::id).toList();
    }

    @Test
    void theDocumentedFormsSelectTheRightRows() {
        assertThat(ids("Symbol in ('AMZN', 'GOOG')")).containsExactly(2, 3);
        assertThat(ids("AllowTrade = false")).containsExactly(4, 8);
        assertThat(ids("Exchange = 'XNAS' and Price between 10 and 20.5")).containsExactly(8);
        assertThat(ids("Type = 'CommonStock'")).containsExactly(1, 2, 3, 4);
        assertThat(ids("Type = 6")).containsExactly(1, 2, 3, 4);
        assertThat(ids("AddedDate > #2020-01-01T00:00:00Z#")).containsExactly(6, 7);
        assertThat(ids("Name contains 'inc'")).containsExactly(1, 2, 3);
        assertThat(ids("Name startsWith 'app'")).containsExactly(1);
        assertThat(ids("Status = 'filled'")).containsExactly(1, 6);
        assertThat(ids("Status in (0, 4)")).containsExactly(2, 4, 5, 8);
    }

    @Test
    void integerOperators() {
        assertThat(ids("Id = 4")).containsExactly(4);
        assertThat(ids("Id == 4")).containsExactly(4);
        assertThat(ids("Id != 4")).containsExactly(1, 2, 3, 5, 6, 7, 8);
        assertThat(ids("Id <> 4")).containsExactly(1, 2, 3, 5, 6, 7, 8);
        assertThat(ids("Id < 3")).containsExactly(1, 2);
        assertThat(ids("Id > 6")).containsExactly(7, 8);
        assertThat(ids("Id <= 2")).containsExactly(1, 2);
        assertThat(ids("Id >= 7")).containsExactly(7, 8);
        assertThat(ids("Id in (1, 3.0, 99)")).containsExactly(1, 3);
        assertThat(ids("Id between 3 and 5")).containsExactly(3, 4, 5);
        assertThat(ids("Id between 5 and 3")).isEmpty();
        assertThat(ids("Id = 1e1")).isEmpty();
        // Long getter, beyond int, negative, null.
        assertThat(ids("Volume > 2147483647")).containsExactly(7);
        assertThat(ids("Volume > 100")).containsExactly(1, 5, 7);
        assertThat(ids("Volume < 0")).containsExactly(4);
        assertThat(ids("Volume between -10 and 42")).containsExactly(3, 4, 6);
        assertThat(ids("Volume = null")).containsExactly(2, 8);
        assertThat(ids("Volume != null")).containsExactly(1, 3, 4, 5, 6, 7);
    }

    @Test
    void decimalOperatorsAreExact() {
        assertThat(ids("Price = 145.1")).containsExactly(2);
        assertThat(ids("Price = 160")).containsExactly(4);
        assertThat(ids("Price = 1.6e2")).containsExactly(4);
        assertThat(ids("Price != 160")).containsExactly(1, 2, 3, 6, 7, 8);
        assertThat(ids("Price < 20.5")).containsExactly(8);
        assertThat(ids("Price <= 20.50")).containsExactly(7, 8);
        assertThat(ids("Price > 1000")).containsExactly(6);
        assertThat(ids("Price >= 1000.50")).containsExactly(6);
        assertThat(ids("Price in (139.5, 10.00)")).containsExactly(3, 8);
        assertThat(ids("Price between 10 and 20.5")).containsExactly(7, 8);
        // As a double this would equal 1000.5; as a decimal it does not.
        assertThat(ids("Price = 1000.5000000000000000001")).isEmpty();
        assertThat(ids("Price < 1000.5000000000000000001 and Price > 1000.4999999999999999999")).containsExactly(6);
        assertThat(ids("Price = null")).containsExactly(5);
    }

    @Test
    void decimalGettersMayReturnOtherNumbers() {
        record D(Object v) {
        }
        List<FilterEval.Field<D>> fields = List.of(new FilterEval.Field<>("V", FilterSql.Type.DECIMAL, D::v));
        List<D> rows = List.of(new D(2), new D(2L), new D(2.5), new D(2.5f), new D(new java.math.BigInteger("2")),
                new D(Double.NaN), new D(null));
        Predicate<D> two = FilterEval.compile(FilterParser.parse("V = 2.0"), fields);
        Predicate<D> twoAndAHalf = FilterEval.compile(FilterParser.parse("V = 2.5"), fields);
        Predicate<D> notNull = FilterEval.compile(FilterParser.parse("V != null"), fields);
        assertThat(rows.stream().map(two::test).toList()).containsExactly(true, true, false, false, true, false, false);
        assertThat(rows.stream().map(twoAndAHalf::test).toList())
                .containsExactly(false, false, true, true, false, false, false);
        // A NaN compares as null, as SQLite stores it.
        assertThat(rows.stream().map(notNull::test).toList()).containsExactly(true, true, true, true, true, false, false);
    }

    @Test
    void textOperatorsIgnoreCase() {
        assertThat(ids("Symbol = 'aapl'")).containsExactly(1);
        assertThat(ids("Symbol = 'APPX'")).containsExactly(8);
        assertThat(ids("Symbol = 'O''NEIL'")).containsExactly(5);
        assertThat(ids("Symbol != 'AAPL'")).containsExactly(2, 3, 4, 5, 6, 7, 8);
        // Ordering is on lower-cased text by code point: '_' (0x5F) sorts before 'a'.
        assertThat(ids("Symbol < 'b'")).containsExactly(1, 2, 6, 8);
        assertThat(ids("Symbol <= 'amzn'")).containsExactly(1, 2, 6);
        assertThat(ids("Symbol > 'o'")).containsExactly(5, 7);
        assertThat(ids("Symbol >= 'SPY'")).containsExactly(7);
        assertThat(ids("Symbol between 'A' and 'b'")).containsExactly(1, 2, 6, 8);
        assertThat(ids("Symbol in ('amzn', 'Goog', 'FB')")).containsExactly(2, 3);
        assertThat(ids("Symbol startsWith 'A'")).containsExactly(1, 2, 6, 8);
        assertThat(ids("Symbol STARTSWITH 'a_'")).containsExactly(6);
        assertThat(ids("Symbol endsWith 'OG'")).containsExactly(3);
        assertThat(ids("Symbol contains 'mz'")).containsExactly(2);
        assertThat(ids("Name endsWith 'INC.'")).containsExactly(1, 2, 3);
        assertThat(ids("Name contains 's&p 500'")).containsExactly(7);
        // LIKE wildcards are literal characters, as in the SQL.
        assertThat(ids("Symbol contains '_'")).containsExactly(6);
        assertThat(ids("Symbol contains '%'")).containsExactly(6);
        assertThat(ids("Name endsWith '!'")).containsExactly(6);
        assertThat(ids("Symbol contains '_' or Symbol startsWith 'ib'")).containsExactly(4, 6);
        // The empty text is in every text, but not in a null.
        assertThat(ids("Name contains ''")).containsExactly(1, 2, 3, 4, 6, 7);
        assertThat(ids("Name = null")).containsExactly(5, 8);
    }

    @Test
    void booleanOperators() {
        assertThat(ids("AllowTrade = true")).containsExactly(1, 2, 3, 6, 7);
        assertThat(ids("AllowTrade = FALSE")).containsExactly(4, 8);
        assertThat(ids("AllowTrade != true")).containsExactly(4, 8);
        assertThat(ids("AllowTrade = null")).containsExactly(5);
        assertThat(ids("AllowTrade in (true)")).containsExactly(1, 2, 3, 6, 7);
        assertThat(ids("AllowTrade in (true, false)")).containsExactly(1, 2, 3, 4, 6, 7, 8);
    }

    @Test
    void dateTimeOperatorsOnInstantsAndEpochMillis() {
        assertThat(ids("AddedDate = #1962-01-02#")).containsExactly(4);
        assertThat(ids("AddedDate = #1962-01-02T01:00:00+01:00#")).containsExactly(4);
        assertThat(ids("AddedDate >= #2020-01-01#")).containsExactly(5, 6, 7);
        assertThat(ids("AddedDate > #2020-01-01#")).containsExactly(6, 7);
        assertThat(ids("AddedDate = #2020-01-01T00:00:00.001Z#")).containsExactly(7);
        assertThat(ids("AddedDate < #1990-01-01#")).containsExactly(1, 4);
        assertThat(ids("AddedDate <= #1980-12-12T00:00:00#")).containsExactly(1, 4);
        assertThat(ids("AddedDate != #1980-12-12#")).containsExactly(2, 3, 4, 5, 6, 7);
        assertThat(ids("AddedDate between #1990-01-01# and #2005-01-01T00:00:00Z#")).containsExactly(2, 3);
        assertThat(ids("AddedDate in (#2020-01-01#, #1980-12-12T00:00:00Z#)")).containsExactly(1, 5);
        assertThat(ids("AddedDate = null")).containsExactly(8);
        // Epoch millis (Long getter): 0, -1, 1.5e12 = 2017-07-14T02:40Z, 1.6e12, 1.7e12.
        assertThat(ids("UpdatedAt = #1970-01-01#")).containsExactly(7);
        assertThat(ids("UpdatedAt < #1970-01-01#")).containsExactly(6);
        assertThat(ids("UpdatedAt > #2020-01-01#")).containsExactly(1, 3, 5);
        assertThat(ids("UpdatedAt = #2017-07-14T02:40:00Z#")).containsExactly(4);
        assertThat(ids("UpdatedAt = null")).containsExactly(2, 8);
    }

    @Test
    void enumOperatorsOnConstantsAndNames() {
        assertThat(ids("Status = 2")).containsExactly(1, 6);
        assertThat(ids("Status = 2.0")).containsExactly(1, 6);
        assertThat(ids("Status = 'FILLED'")).containsExactly(1, 6);
        assertThat(ids("Status != 'new'")).containsExactly(1, 3, 4, 6);
        // Ordering compares the lower-cased names, as the SQL does.
        assertThat(ids("Status < 'filled'")).containsExactly(4);
        assertThat(ids("Status > 'new'")).containsExactly(3);
        assertThat(ids("Status >= 1")).containsExactly(3);
        assertThat(ids("Status <= 'Canceled'")).containsExactly(4);
        assertThat(ids("Status in ('NEW', 1)")).containsExactly(2, 3, 5, 8);
        assertThat(ids("Status = null")).containsExactly(7);
        // String getter in any case.
        assertThat(ids("Type = 'commonstock'")).containsExactly(1, 2, 3, 4);
        assertThat(ids("Type in (1, 2)")).containsExactly(5, 6, 7);
        assertThat(ids("Type = 'Bond'")).isEmpty();
        assertThat(ids("Type != 'Etf'")).containsExactly(1, 2, 3, 4, 6);
    }

    @Test
    void precedenceAndCaseInsensitivity() {
        // 'and' binds tighter than 'or'.
        assertThat(ids("Exchange = 'XNYS' or Exchange = 'ARCX' and AllowTrade = false")).containsExactly(4, 5);
        assertThat(ids("(Exchange = 'XNYS' or Exchange = 'ARCX') and AllowTrade = true")).containsExactly(7);
        // 'not' binds tighter than 'and'.
        assertThat(ids("not Exchange = 'XNAS' and AllowTrade = true")).containsExactly(7);
        assertThat(ids("not (Exchange = 'XNAS' and AllowTrade = true)")).containsExactly(4, 5, 7, 8);
        assertThat(ids("not not Exchange = 'XNAS'")).containsExactly(1, 2, 3, 8);
        assertThat(ids("symbol IN ('aapl') OR NOT allowtrade = true")).containsExactly(1, 4, 8);
        assertThat(ids("Id > 1 and Id < 8 and (Price < 150 or Price > 999) and not Status = 'new'"))
                .containsExactly(3, 6); // 5 has no price, 7 no status: unknown
        assertThat(ids("Id = 1 or Id = 2 or Id = 3 and Exchange = 'XNYS'")).containsExactly(1, 2);
    }

    @Test
    void nullsFollowThreeValuedLogic() {
        // Row 6 has no exchange: every comparison with it is unknown, never true, even '!='.
        assertThat(ids("Exchange != 'XNAS'")).containsExactly(4, 5, 7);
        assertThat(ids("not (Exchange = 'XNAS')")).containsExactly(4, 5, 7);
        assertThat(ids("Exchange in ('XNAS', 'XNYS', 'ARCX')")).containsExactly(1, 2, 3, 4, 5, 7, 8);
        assertThat(ids("not Exchange in ('XNAS', 'XNYS')")).containsExactly(7);
        assertThat(ids("not Exchange between 'a' and 'xnas'")).containsExactly(4, 5);
        assertThat(ids("not Exchange contains 'x'")).isEmpty();
        assertThat(ids("not (Exchange = 'XNAS') or Exchange = null")).containsExactly(4, 5, 6, 7);
        // unknown or true = true; so not (…) is false.
        assertThat(ids("Exchange = 'XNAS' or Id = 6")).containsExactly(1, 2, 3, 6, 8);
        assertThat(ids("not (Exchange = 'XNAS' or Id = 6)")).containsExactly(4, 5, 7);
        // unknown and false = false, so not (…) is true: row 6 is in.
        assertThat(ids("not (Exchange = 'XNAS' and AllowTrade = false)")).containsExactly(1, 2, 3, 4, 5, 6, 7);
        // unknown and true = unknown, so not (…) is unknown: row 6 is out.
        assertThat(ids("not (Exchange = 'XNAS' and AllowTrade = true)")).containsExactly(4, 5, 7, 8);
        // unknown or false = unknown.
        assertThat(ids("not (Exchange = 'XNAS' or Id = 99)")).containsExactly(4, 5, 7);
        // = null and != null are never unknown.
        assertThat(ids("not Exchange = null")).containsExactly(1, 2, 3, 4, 5, 7, 8);
        assertThat(ids("not Exchange != null")).containsExactly(6);
    }

    @Test
    void errorsNameThePositionAsFilterSqlDoes() {
        String fields = "Id, Volume, Symbol, Name, Exchange, AllowTrade, Price, AddedDate, UpdatedAt, Status, Type";
        assertError("Nope = 1", 0, "'Nope' cannot be filtered on; fields: " + fields);
        assertError("Id = 1 or nope between 1 and 2", 10, "'nope' cannot be filtered on");
        assertError("Nope = 1 and Id = 1.5", 0, "'Nope' cannot be filtered on");
        assertError("Id = 1.5", 5, "Id takes whole numbers");
        assertError("Id = 99999999999999999999", 5, "Id takes whole numbers");
        assertError("Id = 'x'", 5, "Id takes a whole number");
        assertError("Price = true", 8, "Price takes a number");
        assertError("Symbol = 1", 9, "Symbol takes a text value in single quotes");
        assertError("AllowTrade = 1", 13, "AllowTrade takes true or false");
        assertError("AllowTrade > true", 0, "AllowTrade is true or false: use = or !=");
        assertError("AllowTrade between true and false", 0,
                "'between' needs a number, text or date field; AllowTrade is boolean");
        assertError("Status between 0 and 2", 0, "'between' needs a number, text or date field; Status is enum");
        assertError("Price contains '1'", 0, "'contains' needs a text field; Price is decimal");
        assertError("Type startsWith 'C'", 0, "'startsWith' needs a text field; Type is enum");
        assertError("AddedDate endsWith '1'", 0, "'endsWith' needs a text field; AddedDate is datetime_ms");
        assertError("Symbol contains 1", 16, "Symbol takes a text value");
        assertError("AddedDate > 5", 12, "AddedDate takes a date-time in #");
        assertError("Status = 3", 9, "3 is not a value of Status");
        assertError("Status = 1.5", 9, "1.5 is not a value of Status");
        assertError("Status = 'bogus'", 9, "'bogus' is not a value of Status (");
        assertError("Status = true", 9, "Status takes one of its names or numbers");
        assertError("Exchange > null", 11, "null can only be compared with = or !=");
        assertError("Nope > null", 0, "'Nope' cannot be filtered on");
        assertError("Symbol contains null", 16, "null can only be compared");
        assertError("Symbol in ('a', null)", 16, "null cannot be in an 'in' list");
        assertError("Price between 1 and 'x'", 20, "Price takes a number");
        assertError("Price between null and 2", 14, "Price takes a number");
        // Found when compiling, even where evaluation would never reach the mistake.
        assertError("Id = 1 or Id = 'x'", 15, "Id takes a whole number");
    }

    static void assertError(String filter, int position, String message) {
        Filter parsed = FilterParser.parse(filter);
        assertThatThrownBy(() -> FilterEval.compile(parsed, FIELDS))
                .isInstanceOf(FilterException.class)
                .hasMessageStartingWith("Invalid filter at position " + position + ": ")
                .hasMessageContaining(message)
                .satisfies(e -> assertThat(((FilterException) e).position()).isEqualTo(position));
        // The SQL compiler says the same.
        assertThatThrownBy(() -> FilterSql.compile(parsed, SQL_FIELDS, Database.Dialect.SQLITE))
                .isInstanceOf(FilterException.class)
                .satisfies(e -> assertThat(e.getMessage()).isEqualTo(
                        catchMessage(() -> FilterEval.compile(parsed, FIELDS))));
    }

    static String catchMessage(Runnable r) {
        try {
            r.run();
            return null;
        } catch (FilterException e) {
            return e.getMessage();
        }
    }

    @Test
    void aDateTimeBeyondEpochMillisIsAFilterError() {
        // FilterSql lets Instant.toEpochMilli's ArithmeticException escape for such a date.
        assertThatThrownBy(() -> FilterEval.compile(FilterParser.parse("AddedDate > #+300000000-01-01T00:00:00Z#"), FIELDS))
                .isInstanceOf(FilterException.class)
                .hasMessageContaining("position 12:")
                .hasMessageContaining("AddedDate takes a date-time between");
    }

    @Test
    void aGetterOfTheWrongKindIsOurBug() {
        List<FilterEval.Field<Sec>> wrong = List.of(new FilterEval.Field<>("Id", FilterSql.Type.BOOLEAN, Sec::id));
        Predicate<Sec> p = FilterEval.compile(FilterParser.parse("Id = true"), wrong);
        assertThatThrownBy(() -> p.test(ROWS.get(0))).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("Id");
    }

    // ---- comparator

    static List<Integer> sorted(Comparator<Sec> c) {
        return ROWS.stream().sorted(c).map(Sec::id).toList();
    }

    @Test
    void comparatorSortsLikeFiltersCompareWithNullsFirst() {
        assertThat(sorted(FilterEval.comparator("Price", FIELDS))).containsExactly(5, 8, 7, 3, 2, 4, 1, 6);
        assertThat(sorted(FilterEval.comparator("price", FIELDS).reversed())).containsExactly(6, 1, 4, 2, 3, 7, 8, 5);
        assertThat(sorted(FilterEval.comparator("Id", FIELDS).reversed())).containsExactly(8, 7, 6, 5, 4, 3, 2, 1);
        assertThat(sorted(FilterEval.comparator("Volume", FIELDS))).containsExactly(2, 8, 4, 3, 6, 5, 1, 7);
        // Lower-cased, by code point: 'a_b%c' < 'aapl' < 'amzn' < 'appx'.
        assertThat(sorted(FilterEval.comparator("SYMBOL", FIELDS))).containsExactly(6, 1, 2, 8, 3, 4, 5, 7);
        assertThat(sorted(FilterEval.comparator("Name", FIELDS))).containsExactly(5, 8, 3, 2, 1, 4, 6, 7);
        assertThat(sorted(FilterEval.comparator("AllowTrade", FIELDS))).containsExactly(5, 4, 8, 1, 2, 3, 6, 7);
        assertThat(sorted(FilterEval.comparator("AddedDate", FIELDS))).containsExactly(8, 4, 1, 2, 3, 5, 7, 6);
        assertThat(sorted(FilterEval.comparator("UpdatedAt", FIELDS))).containsExactly(2, 8, 6, 7, 4, 3, 5, 1);
        assertThat(sorted(FilterEval.comparator("UpdatedAt", FIELDS).reversed())).containsExactly(1, 3, 5, 4, 7, 6, 2, 8);
        assertThat(sorted(FilterEval.comparator("Status", FIELDS))).containsExactly(7, 4, 1, 6, 2, 5, 8, 3);
        assertThat(sorted(FilterEval.comparator("Type", FIELDS))).containsExactly(8, 1, 2, 3, 4, 5, 7, 6);
        assertThat(sorted(FilterEval.comparator("Exchange", FIELDS).thenComparing(FilterEval.comparator("Id", FIELDS)
                .reversed()))).containsExactly(6, 7, 8, 3, 2, 1, 5, 4);
    }

    @Test
    void comparatorRefusesAnUnknownField() {
        assertThatThrownBy(() -> FilterEval.comparator("Nope", FIELDS))
                .isInstanceOf(FilterException.class)
                .hasMessage("Invalid filter at position 0: 'Nope' cannot be sorted on; fields: Id, Volume, Symbol, Name, "
                        + "Exchange, AllowTrade, Price, AddedDate, UpdatedAt, Status, Type")
                .satisfies(e -> assertThat(((FilterException) e).position()).isZero());
    }

    // ---- equality hints

    static Optional<Set<Object>> hint(String filter, String field) {
        return FilterEval.equalityHint(FilterParser.parse(filter), field, FIELDS);
    }

    @Test
    void equalityHintsForTopLevelEqualsAndIn() {
        assertThat(hint("Symbol in ('AMZN', 'GOOG')", "Symbol")).contains(Set.of("amzn", "goog"));
        assertThat(hint("Symbol = 'AAPL'", "symbol")).contains(Set.of("aapl"));
        assertThat(hint("Symbol == 'AAPL'", "Id")).isEmpty();
        assertThat(hint("Id = 4", "Id")).contains(Set.of(4L));
        assertThat(hint("Id in (1, 3.0)", "Id")).contains(Set.of(1L, 3L));
        assertThat(hint("Type = 6", "Type")).contains(Set.of("CommonStock"));
        assertThat(hint("Status in ('filled', 0)", "Status")).contains(Set.of("Filled", "New"));
        assertThat(hint("Price = 10.50", "Price")).contains(Set.of(new BigDecimal("10.5")));
        assertThat(hint("AddedDate = #2020-01-01#", "AddedDate")).contains(Set.of(1_577_836_800_000L));
        assertThat(hint("AllowTrade = true", "AllowTrade")).contains(Set.of(true));
    }

    @Test
    void equalityHintsInsideTopLevelAnds() {
        assertThat(hint("Exchange = 'XNAS' and Symbol = 'AAPL'", "Symbol")).contains(Set.of("aapl"));
        assertThat(hint("Exchange = 'XNAS' and Symbol = 'AAPL'", "Exchange")).contains(Set.of("xnas"));
        assertThat(hint("Exchange = 'XNAS' and Symbol = 'AAPL'", "Price")).isEmpty();
        assertThat(hint("Id > 1 and (Symbol in ('a', 'b') and Price > 1)", "Symbol")).contains(Set.of("a", "b"));
        // Several parts: only values all of them allow.
        assertThat(hint("Symbol in ('a', 'b') and Symbol = 'B'", "Symbol")).contains(Set.of("b"));
        assertThat(hint("Symbol = 'a' and Symbol = 'b'", "Symbol")).contains(Set.of());
        assertThat(hint("Symbol contains 'x' and Symbol in ('xa', 'b') and Symbol != 'b'", "Symbol"))
                .contains(Set.of("xa", "b"));
    }

    @Test
    void noEqualityHintUnderOrNotOrOtherOperators() {
        assertThat(hint("Symbol = 'a' or Symbol = 'b'", "Symbol")).isEmpty();
        assertThat(hint("not Symbol = 'a'", "Symbol")).isEmpty();
        assertThat(hint("not (Symbol = 'a' and Id = 1)", "Symbol")).isEmpty();
        assertThat(hint("(Symbol = 'a' or Id = 1) and Exchange = 'x'", "Symbol")).isEmpty();
        assertThat(hint("Symbol != 'a'", "Symbol")).isEmpty();
        assertThat(hint("Symbol = null", "Symbol")).isEmpty();
        assertThat(hint("Symbol contains 'a'", "Symbol")).isEmpty();
        assertThat(hint("Symbol between 'a' and 'a'", "Symbol")).isEmpty();
        assertThat(hint("Id >= 1 and Id <= 1", "Id")).isEmpty();
        assertThatThrownBy(() -> hint("Id = 1", "Nope")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> hint("Id = 'x'", "Id")).isInstanceOf(FilterException.class)
                .hasMessageContaining("position 5:");
    }

    /** A row's value of {@code f} in the form {@link FilterEval#equalityHint} uses. */
    static Object hintKey(FilterEval.Field<Sec> f, Sec row) {
        Object v = f.getter().apply(row);
        if (v == null) {
            return null;
        }
        return switch (f.type()) {
            case INTEGER -> ((Number) v).longValue();
            case DECIMAL -> ((BigDecimal) v).stripTrailingZeros();
            case TEXT -> ((String) v).toLowerCase(Locale.ROOT);
            case BOOLEAN -> v;
            case DATETIME_MS -> v instanceof Instant i ? i.toEpochMilli() : v;
            case ENUM -> f.enumNames().values().stream().filter(n -> n.equalsIgnoreCase(v.toString())).findFirst()
                    .orElseThrow();
        };
    }

    // ---- differential test against FilterSql on SQLite

    @Test
    void randomFiltersSelectWhatFilterSqlSelectsOnSqlite() {
        try (Handle h = Jdbi.create("jdbc:sqlite::memory:").open()) {
            h.execute("CREATE TABLE s (id INTEGER, volume BIGINT, symbol TEXT, name TEXT, exchange TEXT, allowtrade BOOLEAN, "
                    + "price TEXT, addeddate BIGINT, updatedat BIGINT, status TEXT, type TEXT)");
            for (Sec r : ROWS) {
                h.createUpdate("INSERT INTO s VALUES (:id, :volume, :symbol, :name, :exchange, :trade, :price, :added, "
                        + ":updated, :status, :type)")
                        .bind("id", r.id()).bind("volume", r.volume()).bind("symbol", r.symbol()).bind("name", r.name())
                        .bind("exchange", r.exchange()).bind("trade", r.allowTrade())
                        .bind("price", r.price() == null ? null : r.price().toPlainString())
                        .bind("added", r.addedDate() == null ? null : r.addedDate().toEpochMilli())
                        .bind("updated", r.updatedMs())
                        .bind("status", r.status() == null ? null : r.status().name())
                        .bind("type", r.type()).execute();
            }
            Random random = new Random(20240607L);
            int valid = 0;
            int selective = 0;
            int errors = 0;
            int hinted = 0;
            for (int i = 0; i < 4000; i++) {
                String text = new Gen(random).expr(3);
                Filter parsed = FilterParser.parse(text);
                List<Integer> viaSql = null;
                String sqlError = null;
                try {
                    FilterSql.Sql sql = FilterSql.compile(parsed, SQL_FIELDS, Database.Dialect.SQLITE);
                    viaSql = h.createQuery("SELECT id FROM s WHERE " + sql.where() + " ORDER BY id")
                            .bindMap(sql.params()).mapTo(Integer.class).list();
                } catch (FilterException e) {
                    sqlError = e.getMessage();
                }
                List<Integer> viaEval = null;
                String evalError = null;
                try {
                    Predicate<Sec> p = FilterEval.compile(parsed, FIELDS);
                    viaEval = ROWS.stream().filter(p).map(Sec::id).toList();
                } catch (FilterException e) {
                    evalError = e.getMessage();
                }
                assertThat(evalError).as("error for %s", text).isEqualTo(sqlError);
                assertThat(viaEval).as("rows for %s", text).isEqualTo(viaSql);
                if (viaSql == null) {
                    errors++;
                    continue;
                }
                valid++;
                if (!viaSql.isEmpty() && viaSql.size() < ROWS.size()) {
                    selective++;
                }
                // A hint never leaves out a matching row.
                for (FilterEval.Field<Sec> f : FIELDS) {
                    Optional<Set<Object>> hint = FilterEval.equalityHint(parsed, f.name(), FIELDS);
                    if (hint.isPresent()) {
                        hinted++;
                        for (Sec row : ROWS) {
                            if (viaEval.contains(row.id())) {
                                assertThat(hint.get()).as("hint on %s for %s", f.name(), text).contains(hintKey(f, row));
                            }
                        }
                    }
                }
            }
            assertThat(valid).isGreaterThan(1000);
            assertThat(selective).isGreaterThan(500);
            assertThat(errors).isGreaterThan(200);
            assertThat(hinted).isGreaterThan(100);
        }
    }

    /** Random filter text from the grammar, mostly well-typed, with nulls, mixed case and some mistakes. */
    static final class Gen {
        static final List<String> INTEGERS = List.of("0", "1", "2", "3", "4", "5", "6", "7", "8", "9", "-1", "3.0",
                "2.5", "1e1", "-7", "42", "120", "5000", "9000000000", "99999999999999999999");
        static final List<String> DECIMALS = List.of("0", "9.99", "10", "10.00", "20.5", "20.50", "139.5", "145.1",
                "145.10", "160", "189.25", "1000.5", "1e3", "-3.5", "1.6e2");
        static final List<String> TEXTS = List.of("'aapl'", "'AAPL'", "'a'", "'A'", "'og'", "'xn'", "'XNAS'", "'xnys'",
                "''", "'_'", "'%'", "'!'", "'o''neil'", "'O'''", "'zzz'", "'ib'", "'b%c'", "'ARCX'", "'inc'", "'Inc.'",
                "'apple inc.'", "'s&p'", "'spy'", "'app'", "' '", "'a_b%c'", "'ibm'", "'x'");
        static final List<String> BOOLEANS = List.of("true", "false", "TRUE", "False");
        static final List<String> DATES = List.of("#1980-12-12#", "#2000-01-01T00:00:00Z#", "#2020-01-01#",
                "#2020-01-01T00:00:00.001Z#", "#2020-01-01T00:00:00.0005Z#", "#1962-01-02T00:00:00+01:00#",
                "#1962-01-02#", "#1970-01-01#", "#1969-12-31T23:59:59.999Z#", "#2023-11-14T22:13:20Z#",
                "#2020-09-13T12:26:40Z#", "#2017-07-14T02:40:00Z#", "#1997-05-15T00:00:00#");
        static final List<String> STATUSES = List.of("'new'", "'Filled'", "'PARTIALLYFILLED'", "'canceled'", "0", "1",
                "2", "4", "3", "'bogus'", "2.0", "1.5");
        static final List<String> KINDS = List.of("'CommonStock'", "'etf'", "'FUND'", "'bond'", "6", "1", "2", "3", "7",
                "'stock'");
        static final List<List<String>> ALL = List.of(INTEGERS, DECIMALS, TEXTS, BOOLEANS, DATES, STATUSES, KINDS);

        final Random r;

        Gen(Random r) {
            this.r = r;
        }

        <X> X pick(List<X> xs) {
            return xs.get(r.nextInt(xs.size()));
        }

        String word(String w) {
            return switch (r.nextInt(3)) {
                case 0 -> w.toLowerCase(Locale.ROOT);
                case 1 -> w.toUpperCase(Locale.ROOT);
                default -> w;
            };
        }

        String expr(int depth) {
            if (depth == 0 || r.nextInt(10) < 3) {
                return atom();
            }
            return switch (r.nextInt(5)) {
                case 0, 1 -> join(word("and"), depth);
                case 2 -> join(word("or"), depth);
                case 3 -> word("not") + " " + group(expr(depth - 1));
                default -> "(" + expr(depth - 1) + ")";
            };
        }

        String join(String op, int depth) {
            List<String> parts = new ArrayList<>();
            int n = 2 + r.nextInt(2);
            for (int i = 0; i < n; i++) {
                parts.add(group(expr(depth - 1)));
            }
            return String.join(" " + op + " ", parts);
        }

        String group(String e) {
            return r.nextInt(3) == 0 ? e : "(" + e + ")";
        }

        String atom() {
            FilterEval.Field<Sec> f = r.nextInt(40) == 0 ? null : pick(FIELDS);
            String name = f == null ? "Nope" : word(f.name());
            int kind = r.nextInt(10);
            if (kind <= 5) {
                String op = pick(List.of("=", "==", "!=", "<>", "<", ">", "<=", ">="));
                boolean eq = op.equals("=") || op.equals("!=");
                String value = r.nextInt(eq ? 6 : 30) == 0 ? word("null") : literal(f);
                return name + " " + op + " " + value;
            }
            if (kind == 6) {
                String op = pick(List.of("contains", "startsWith", "endsWith"));
                FilterEval.Field<Sec> textual = f == null || r.nextInt(4) == 0 ? f : FIELDS.get(2 + r.nextInt(3));
                String field = textual == null ? name : word(textual.name());
                return field + " " + word(op) + " " + (r.nextInt(30) == 0 ? "null" : literal(textual));
            }
            if (kind <= 8) {
                List<String> values = new ArrayList<>();
                int n = 1 + r.nextInt(4);
                for (int i = 0; i < n; i++) {
                    values.add(r.nextInt(40) == 0 ? "null" : literal(f));
                }
                return name + " " + word("in") + " (" + String.join(", ", values) + ")";
            }
            return name + " " + word("between") + " " + literal(f) + " " + word("and") + " " + literal(f);
        }

        String literal(FilterEval.Field<Sec> f) {
            if (f == null || r.nextInt(12) == 0) {
                return pick(pick(ALL));
            }
            return switch (f.type()) {
                case INTEGER -> pick(INTEGERS);
                case DECIMAL -> pick(DECIMALS);
                case TEXT -> pick(TEXTS);
                case BOOLEAN -> word(pick(BOOLEANS));
                case DATETIME_MS -> pick(DATES);
                case ENUM -> f.name().equals("Status") ? pick(STATUSES) : pick(KINDS);
            };
        }
    }
}
