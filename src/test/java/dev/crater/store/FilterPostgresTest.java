package dev.crater.store;

import static org.assertj.core.api.Assertions.assertThat;

import dev.crater.testing.Postgres;
import java.util.List;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * Goal: the SQL the filter compiler writes means the same on PostgreSQL (NUMERIC decimals bound as
 * BigDecimal, BOOLEAN, LIKE with a backslash escape). Method: a fresh schema, the same rows and
 * filters as {@link FilterTest}; skipped, with the reason, where no PostgreSQL is reachable.
 */
class FilterPostgresTest {

    @Test
    void theSameFiltersSelectTheSameRows() {
        String reason = Postgres.unavailableReason();
        Assumptions.assumeTrue(reason == null, reason);
        String url = Postgres.freshSchemaUrl();
        try (Handle h = Jdbi.create(url, Postgres.USER, Postgres.PASSWORD).open()) {
            h.execute("CREATE TABLE s (id INTEGER, symbol TEXT, exchange TEXT, allow_trade BOOLEAN, price NUMERIC(38,10), "
                    + "listed_at_ms BIGINT, status TEXT)");
            h.execute("INSERT INTO s VALUES (1, 'AAPL', 'XNAS', TRUE, 189.25, 345427200000, 'Filled'), "
                    + "(4, 'IBM', 'XNYS', FALSE, 160.00, -252374400000, 'Canceled'), "
                    + "(6, 'A_B%C', 'ARCX', TRUE, 1000.5, 1625011200000, 'Filled')");
            assertThat(select(h, "AllowTrade = false")).containsExactly("IBM");
            assertThat(select(h, "Price between 150 and 200.5")).containsExactly("AAPL", "IBM");
            assertThat(select(h, "Symbol contains '_' or Symbol startsWith 'ib'")).containsExactly("IBM", "A_B%C");
            assertThat(select(h, "Status in (2) and ListedAt > #1980-01-01#")).containsExactly("AAPL", "A_B%C");
            assertThat(select(h, "Symbol = 'x'' OR ''1''=''1'")).isEmpty();
        } finally {
            Postgres.dropSchema(url);
        }
    }

    private static List<String> select(Handle h, String filter) {
        FilterSql.Sql sql = FilterSql.compile(FilterParser.parse(filter), FilterTest.FIELDS, Database.Dialect.POSTGRES);
        return h.createQuery("SELECT symbol FROM s WHERE " + sql.where() + " ORDER BY id")
                .bindMap(sql.params()).mapTo(String.class).list();
    }
}
