package dev.crater.store;

import dev.crater.common.Refusal;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.jdbi.v3.core.mapper.RowMapper;

/**
 * The one paged, filtered, sorted list query of the API's lists (orders, positions, transactions):
 * a filter compiled to a WHERE clause over a typed whitelist of fields ({@link FilterSql}), a sort
 * on one of the same fields (anything else is the documented "cannot be sorted on" ModelState),
 * {@code id} as the tiebreak in the same direction, then {@code COUNT(*)} and
 * {@code LIMIT/OFFSET}. A cheap request (no filter, the default sort, a shallow page: the table's
 * index by account and id) runs as it is; any other runs under the cost bound of
 * {@link HeavyQueries}.
 *
 * @param <T> the resource a row becomes
 */
public final class PagedQuery<T> {
    /**
     * Rows a SQL list may skip (pageNumber × pageSize) and still count as a cheap index read; deeper
     * pages are heavy queries.
     */
    public static final long CHEAP_OFFSET_MAX = 10_000;

    /** A page of rows and the number of rows matching (-1 when the query does not count). */
    public record Page<T>(List<T> rows, int total) {
    }

    /** What a list request asks for; {@code sortField} null means the first field (normally {@code Id}). */
    public record Request(Optional<Filter> filter, String sortField, boolean desc, int pageNumber, int pageSize) {
    }

    private final Database db;
    private final HeavyQueries heavy;
    private final String table;
    private final List<FilterSql.Field> fields;
    private final String sortKey;
    private final boolean counted;
    private final boolean anySortIsCheap;
    private final RowMapper<T> mapper;

    /**
     * @param table the table read
     * @param fields the filter and sort whitelist; the first is the default sort
     * @param sortKey the ModelState key of a sort field refused ({@code sortField} or {@code sortBy})
     * @param counted whether the page reports the matching total
     * @param anySortIsCheap whether an unfiltered shallow page is cheap whatever its sort (a table
     *     with a few rows per account)
     */
    public PagedQuery(Database db, HeavyQueries heavy, String table, List<FilterSql.Field> fields, String sortKey,
            boolean counted, boolean anySortIsCheap, RowMapper<T> mapper) {
        this.db = db;
        this.heavy = heavy;
        this.table = table;
        this.fields = List.copyOf(fields);
        this.sortKey = sortKey;
        this.counted = counted;
        this.anySortIsCheap = anySortIsCheap;
        this.mapper = mapper;
    }

    /**
     * One page of the rows matching {@code where} (the caller's scope, e.g. one account's rows, with
     * its {@code params}) and the request's filter.
     *
     * @throws FilterException for a filter naming an unknown field or comparing it wrongly
     * @throws Refusal.Invalid for a sort field not in the whitelist
     * @throws Refusal for a heavy query past its cost bound, or none able to run now
     */
    public Page<T> page(String where, Map<String, Object> params, Request request) {
        Map<String, Object> binds = new LinkedHashMap<>(params);
        String condition = where;
        if (request.filter().isPresent()) {
            FilterSql.Sql sql = FilterSql.compile(request.filter().get(), fields, db.dialect());
            condition += " AND (" + sql.where() + ")";
            binds.putAll(sql.params());
        }
        FilterSql.Field sort = sortField(request.sortField());
        String direction = request.desc() ? " DESC" : " ASC";
        String order = sortColumn(sort) + direction + ", id" + direction;
        long offset = (long) request.pageNumber() * request.pageSize();
        boolean cheap = request.filter().isEmpty() && (anySortIsCheap || sort == fields.getFirst())
                && offset <= CHEAP_OFFSET_MAX;
        String c = condition;
        return cheap ? select(c, binds, order, request.pageSize(), offset, null)
                : heavy.run(budget -> select(c, binds, order, request.pageSize(), offset, budget));
    }

    /**
     * {@code column IN (…)} over ids the caller already checked (numbers, so written into the SQL
     * rather than bound: {@link #page} binds by name only); never empty.
     *
     * @throws IllegalArgumentException for no ids
     */
    public static String in(String column, List<Long> ids) {
        if (ids.isEmpty()) {
            throw new IllegalArgumentException("no ids for " + column);
        }
        StringBuilder sql = new StringBuilder(column).append(" IN (");
        for (int i = 0; i < ids.size(); i++) {
            sql.append(i == 0 ? "" : ", ").append(ids.get(i).longValue());
        }
        return sql.append(')').toString();
    }

    private FilterSql.Field sortField(String name) {
        if (name == null) {
            return fields.getFirst();
        }
        return fields.stream().filter(f -> f.name().equalsIgnoreCase(name)).findFirst()
                .orElseThrow(() -> Refusal.invalid(sortKey, "'" + name + "' cannot be sorted on; fields: "
                        + String.join(", ", fields.stream().map(FilterSql.Field::name).toList())));
    }

    /** Decimals are stored as text on SQLite: they sort by value only when cast. */
    private String sortColumn(FilterSql.Field sort) {
        return sort.type() == FilterSql.Type.DECIMAL && db.dialect() == Database.Dialect.SQLITE
                ? "CAST(" + sort.column() + " AS NUMERIC)" : sort.column();
    }

    private Page<T> select(String where, Map<String, Object> params, String order, int limit, long offset,
            HeavyQueries.Budget budget) {
        return db.jdbi().withHandle(h -> {
            int total = -1;
            if (counted) {
                var count = h.createQuery("SELECT COUNT(*) FROM " + table + " WHERE " + where).bindMap(params);
                if (budget != null) {
                    count.addCustomizer(budget.statementDeadline());
                }
                total = count.mapTo(Integer.class).one();
            }
            var page = h.createQuery("SELECT * FROM " + table + " WHERE " + where + " ORDER BY " + order
                    + " LIMIT :limit OFFSET :offset").bindMap(params).bind("limit", limit).bind("offset", offset);
            if (budget != null) {
                page.addCustomizer(budget.statementDeadline());
            }
            List<T> rows = new ArrayList<>();
            page.map(mapper).forEach(rows::add);
            return new Page<>(rows, total);
        });
    }
}
