package dev.crater.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Goal: the documented {@code filter} language (reference 00-conventions.md §5) parses every form
 * the docs show, runs as parameterised SQL on a real database, refuses what it should with the
 * position of the problem, and cannot inject SQL.
 *
 * <p>Method: parse and compile filters over a small securities table in an in-memory SQLite
 * database, and compare the rows they select with the expected symbols.
 */
class FilterTest {
    static final Map<Integer, String> STATUS = Map.of(0, "New", 1, "PartiallyFilled", 2, "Filled", 4, "Canceled");
    static final List<FilterSql.Field> FIELDS = List.of(
            new FilterSql.Field("Id", "id", FilterSql.Type.INTEGER),
            new FilterSql.Field("Symbol", "symbol", FilterSql.Type.TEXT),
            new FilterSql.Field("Exchange", "exchange", FilterSql.Type.TEXT),
            new FilterSql.Field("AllowTrade", "allow_trade", FilterSql.Type.BOOLEAN),
            new FilterSql.Field("Price", "price", FilterSql.Type.DECIMAL),
            new FilterSql.Field("ListedAt", "listed_at_ms", FilterSql.Type.DATETIME_MS),
            new FilterSql.Field("Status", "status", FilterSql.Type.ENUM, STATUS));

    Handle h;

    @BeforeEach
    void table() {
        h = Jdbi.create("jdbc:sqlite::memory:").open();
        h.execute("CREATE TABLE s (id INTEGER, symbol TEXT, exchange TEXT, allow_trade BOOLEAN, price TEXT, listed_at_ms BIGINT, status TEXT)");
        insert(1, "AAPL", "XNAS", true, "189.25", "1980-12-12", "Filled");
        insert(2, "AMZN", "XNAS", true, "145.10", "1997-05-15", "New");
        insert(3, "GOOG", "XNAS", true, "139.50", "2004-08-19", "PartiallyFilled");
        insert(4, "IBM", "XNYS", false, "160.00", "1962-01-02", "Canceled");
        insert(5, "O'NEIL", "XNYS", true, "9.99", "2020-01-01", "New");
        insert(6, "A_B%C", "ARCX", true, "1000.5", "2021-06-30", "Filled");
    }

    void insert(int id, String symbol, String exchange, boolean trade, String price, String date, String status) {
        h.createUpdate("INSERT INTO s VALUES (:i, :s, :e, :t, :p, :d, :st)")
                .bind("i", id).bind("s", symbol).bind("e", exchange).bind("t", trade).bind("p", price)
                .bind("d", java.time.LocalDate.parse(date).atStartOfDay(java.time.ZoneOffset.UTC).toInstant().toEpochMilli())
                .bind("st", status).execute();
    }

    @AfterEach
    void close() {
        h.close();
    }

    List<String> select(String filter) {
        FilterSql.Sql sql = FilterSql.compile(FilterParser.parse(filter), FIELDS, Database.Dialect.SQLITE);
        return h.createQuery("SELECT symbol FROM s WHERE " + sql.where() + " ORDER BY id")
                .bindMap(sql.params()).mapTo(String.class).list();
    }

    @Test
    void theDocumentedFormsSelectTheRightRows() {
        assertThat(select("Symbol in ('AMZN', 'GOOG', 'FB', 'NFLX')")).containsExactly("AMZN", "GOOG");
        assertThat(select("AllowTrade = false")).containsExactly("IBM");
        assertThat(select("Exchange = 'XNAS'")).containsExactly("AAPL", "AMZN", "GOOG");
        assertThat(select("Id = 4")).containsExactly("IBM");
        assertThat(select("Id in (1, 3)")).containsExactly("AAPL", "GOOG");
        assertThat(select("Price > 150")).containsExactly("AAPL", "IBM", "A_B%C");
        assertThat(select("Price between 100 and 160")).containsExactly("AMZN", "GOOG", "IBM");
        assertThat(select("Exchange = 'XNAS' and Price < 150")).containsExactly("AMZN", "GOOG");
        assertThat(select("Symbol startsWith 'a'")).containsExactly("AAPL", "AMZN", "A_B%C");
        assertThat(select("Symbol endsWith 'OG'")).containsExactly("GOOG");
        assertThat(select("Symbol contains 'mz'")).containsExactly("AMZN");
        assertThat(select("ListedAt > #2000-01-01T00:00:00#")).containsExactly("GOOG", "O'NEIL", "A_B%C");
        assertThat(select("ListedAt between #1990-01-01# and #2005-01-01T00:00:00Z#")).containsExactly("AMZN", "GOOG");
        assertThat(select("Status in (0,1,4)")).containsExactly("AMZN", "GOOG", "IBM", "O'NEIL");
        assertThat(select("Status = 'filled'")).containsExactly("AAPL", "A_B%C");
    }

    @Test
    void keywordsAndFieldsAreCaseInsensitiveAndGroupingWorks() {
        assertThat(select("symbol IN ('aapl') OR (exchange = 'XNYS' AND NOT allowtrade = true)"))
                .containsExactly("AAPL", "IBM");
        assertThat(select("not (Exchange = 'XNAS' or Exchange = 'XNYS')")).containsExactly("A_B%C");
        assertThat(select("Symbol != 'AAPL' and Symbol <> 'AMZN' and Id <= 4 and Id >= 2")).containsExactly("GOOG", "IBM");
    }

    @Test
    void valuesAreAlwaysParametersNeverSql() {
        assertThat(select("Symbol = 'O''NEIL'")).containsExactly("O'NEIL");
        assertThat(select("Symbol = 'x'' OR ''1''=''1'")).isEmpty();
        assertThat(select("Symbol = '1; DROP TABLE s; --'")).isEmpty();
        assertThat(h.createQuery("SELECT COUNT(*) FROM s").mapTo(Integer.class).one()).isEqualTo(6);
        // LIKE wildcards in a value are literal characters.
        assertThat(select("Symbol contains '_'")).containsExactly("A_B%C");
        assertThat(select("Symbol contains '%'")).containsExactly("A_B%C");
        assertThat(select("Symbol contains '_' or Symbol contains '!' or Symbol startsWith 'ib'")).containsExactly("IBM", "A_B%C");
        FilterSql.Sql sql = FilterSql.compile(FilterParser.parse("Symbol = 'x'' OR 1=1 --'"), FIELDS, Database.Dialect.SQLITE);
        assertThat(sql.where()).isEqualTo("LOWER(symbol) = :f0").doesNotContain("OR");
        assertThat(sql.params()).containsEntry("f0", "x' or 1=1 --");
    }

    @Test
    void errorsNameThePosition() {
        assertError("Symbol in ('AMZN' 'GOOG')", 18, "expected ')' or ','");
        assertError("Price > ", 8, "expected a value but found the end");
        assertError("Nope = 1", 0, "'Nope' cannot be filtered on");
        assertError("Symbol = AAPL", 9, "text values need single quotes");
        assertError("Symbol = 'AAPL", 9, "not closed");
        assertError("Price ~ 3", 6, "unexpected character '~'");
        assertError("Price is 3", 6, "expected an operator");
        assertError("Id = 1.5", 5, "whole numbers");
        assertError("AllowTrade > true", 0, "use = or !=");
        assertError("Price contains '1'", 0, "needs a text field");
        assertError("ListedAt > #yesterday#", 11, "not an ISO-8601");
        assertError("ListedAt > 5", 11, "date-time in #");
        assertError("Status = 3", 9, "not a value of Status");
        assertError("Id = 1 and", 10, "expected a field name");
        assertError("(Id = 1", 7, "expected ')'");
        assertError("Id = 1)", 6, "unexpected ')'");
        assertError("", 0, "empty");
        assertError("Id = 1e999", 5, "not a number");
    }

    void assertError(String filter, int position, String message) {
        assertThatThrownBy(() -> FilterSql.compile(FilterParser.parse(filter), FIELDS, Database.Dialect.SQLITE))
                .isInstanceOf(FilterException.class)
                .hasMessageContaining("position " + position + ":")
                .hasMessageContaining(message)
                .satisfies(e -> assertThat(((FilterException) e).position()).isEqualTo(position));
    }

    @Test
    void limitsHoldAtNAndNPlusOne() {
        String longest = "Id = 1" + " ".repeat(FilterParser.TEXT_CHARS_MAX - 6);
        assertThat(select(longest)).containsExactly("AAPL");
        assertError(longest + " ", FilterParser.TEXT_CHARS_MAX, "longer than");

        String deep = "(".repeat(FilterParser.DEPTH_MAX) + "Id = 1" + ")".repeat(FilterParser.DEPTH_MAX);
        assertThat(select(deep)).containsExactly("AAPL");
        assertError("(" + deep + ")", FilterParser.DEPTH_MAX, "nested deeper");

        String terms = String.join(" or ", java.util.Collections.nCopies(FilterParser.TERMS_MAX, "Id = 2"));
        assertThat(select(terms)).containsExactly("AMZN");
        assertThatThrownBy(() -> FilterParser.parse(terms + " or Id = 3")).hasMessageContaining("more than " + FilterParser.TERMS_MAX);

        String values = String.join(",", java.util.Collections.nCopies(FilterParser.IN_VALUES_MAX, "3"));
        assertThat(select("Id in (" + values + ")")).containsExactly("GOOG");
        assertThatThrownBy(() -> FilterParser.parse("Id in (" + values + ",3)"))
                .hasMessageContaining("more than " + FilterParser.IN_VALUES_MAX + " values");
    }

    @Test
    void nullComparesWithIsNull() {
        h.execute("UPDATE s SET exchange = NULL WHERE id = 6");
        assertThat(select("Exchange = null")).containsExactly("A_B%C");
        assertThat(select("Exchange != null and Id > 4")).containsExactly("O'NEIL");
        assertError("Exchange > null", 11, "null can only be compared");
    }
}
