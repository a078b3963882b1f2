package dev.crater.accounts;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import dev.crater.auth.ApiGuard;
import dev.crater.http.ApiException;
import dev.crater.http.Dates;
import dev.crater.http.HttpSupport;
import dev.crater.http.HeavyQueries;
import dev.crater.http.Limits;
import dev.crater.http.Paging;
import dev.crater.store.Database;
import dev.crater.store.filter.FilterException;
import dev.crater.store.filter.FilterSql;
import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.HttpService;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import java.math.BigDecimal;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code GET /accounts/{accountId}/transactions} (reference 03-accounts.md §5): the account's cash
 * ledger — every deposit, withdrawal, fill value and fee — paged, sorted and filtered in SQL over
 * whitelisted columns. Missing paging parameters answer the documented
 * {@code UnsupportedApiVersion} 404.
 */
public final class TransactionRoutes implements HttpService {

    /** Named limit: the largest page. */
    public static final int PAGE_SIZE_MAX = 1000;

    /** The documented transaction types; the number is the ordinal. */
    public enum TransactionType {
        Undefined, Commission, OrderExecution, OptionExpiration, Payment, ManualManipulation, Clearing, Rpl
    }

    static final List<FilterSql.Field> FIELDS = List.of(
            new FilterSql.Field("Id", "id", FilterSql.Type.INTEGER),
            new FilterSql.Field("SecurityId", "security_id", FilterSql.Type.INTEGER),
            new FilterSql.Field("OrderStateId", "order_id", FilterSql.Type.INTEGER),
            new FilterSql.Field("Date", "at_ms", FilterSql.Type.DATETIME_MS),
            new FilterSql.Field("Value", "value", FilterSql.Type.DECIMAL),
            new FilterSql.Field("Quantity", "quantity", FilterSql.Type.DECIMAL),
            new FilterSql.Field("LeavesQuantity", "leaves_quantity", FilterSql.Type.DECIMAL),
            new FilterSql.Field("Type", "type", FilterSql.Type.ENUM, names()),
            new FilterSql.Field("IsDayTrade", "is_day_trade", FilterSql.Type.BOOLEAN),
            new FilterSql.Field("Description", "description", FilterSql.Type.TEXT));

    private static Map<Integer, String> names() {
        Map<Integer, String> m = new HashMap<>();
        for (TransactionType t : TransactionType.values()) {
            m.put(t.ordinal(), t.name());
        }
        return m;
    }

    /** {@code FeeModel}. */
    @JsonPropertyOrder({"Id", "CommissionId", "Value", "Seizure", "Leverage", "ValueType"})
    public record FeeModel(long id, String commissionId, BigDecimal value, String seizure, BigDecimal leverage,
            String valueType) {
    }

    /** {@code TransactionMapModel}; {@code Fee} and {@code Description} are left out when empty. */
    @JsonPropertyOrder({"Id", "SecurityId", "OrderStateId", "AccountId", "Date", "Value", "Quantity", "LeavesQuantity",
            "Fee", "Type", "IsDayTrade", "Description"})
    public record TransactionMapModel(long id, int securityId, long orderStateId, long accountId, String date,
            BigDecimal value, BigDecimal quantity, BigDecimal leavesQuantity,
            @JsonInclude(JsonInclude.Include.NON_NULL) FeeModel fee, String type, boolean isDayTrade,
            @JsonInclude(JsonInclude.Include.NON_NULL) String description) {
    }

    /** {@code {"Error": {"Code": "UnsupportedApiVersion", "Message": …}}}, documented for these lists. */
    public record UnsupportedApiVersion(Error error) {
        public record Error(String code, String message) {
        }

        static UnsupportedApiVersion of(String method) {
            return new UnsupportedApiVersion(new Error("UnsupportedApiVersion",
                    "The requested resource with API version '1.0' does not support HTTP method '" + method + "'."));
        }
    }

    private final AccountService accounts;
    private final Database db;
    private final HeavyQueries heavy;

    public TransactionRoutes(AccountService accounts, Database db, HeavyQueries heavy) {
        this.accounts = accounts;
        this.db = db;
        this.heavy = heavy;
    }

    @Override
    public void routing(HttpRules rules) {
        rules.get("/accounts/{accountId}/transactions[/]", this::list);
    }

    private void list(ServerRequest req, ServerResponse res) {
        AccountService.AccountAccess access = accounts.access(ApiGuard.principal(req),
                req.path().pathParameters().get("accountId"), AccountService.Need.READ);
        for (String p : List.of("pageNumber", "pageSize", "sortBy", "isDesc")) {
            if (HttpSupport.query(req, p).isEmpty()) {
                throw new ApiException(404, UnsupportedApiVersion.of("GET"));
            }
        }
        Paging paging = Paging.read(req, Paging.Names.SORT_BY, PAGE_SIZE_MAX);
        FilterSql.Field sort = FIELDS.stream().filter(f -> f.name().equalsIgnoreCase(paging.sortField())).findFirst()
                .orElseThrow(() -> ApiException.modelState("sortBy", "'" + paging.sortField()
                        + "' cannot be sorted on; fields: "
                        + String.join(", ", FIELDS.stream().map(FilterSql.Field::name).toList())));
        String where = "account_id = :account";
        Map<String, Object> params = new LinkedHashMap<>();
        params.put("account", access.account().id());
        if (paging.filter().isPresent()) {
            try {
                FilterSql.Sql sql = FilterSql.compile(paging.filter().get(), FIELDS, db.dialect());
                where += " AND (" + sql.where() + ")";
                params.putAll(sql.params());
            } catch (FilterException e) {
                throw Paging.invalidFilter(e);
            }
        }
        String order = (sort.type() == FilterSql.Type.DECIMAL && db.dialect() == Database.Dialect.SQLITE
                ? "CAST(" + sort.column() + " AS NUMERIC)" : sort.column())
                + (paging.desc() ? " DESC" : " ASC") + ", id" + (paging.desc() ? " DESC" : " ASC");
        String whereSql = where;
        long offset = (long) paging.pageNumber() * paging.pageSize();
        // Cheap: the account's index in id order, a shallow page. Anything else is a heavy query.
        boolean cheap = paging.filter().isEmpty() && sort == FIELDS.getFirst() && offset <= Limits.CHEAP_OFFSET_MAX;
        List<TransactionMapModel> rows = new java.util.ArrayList<>();
        int total = cheap ? select(whereSql, params, order, paging.pageSize(), offset, null, rows)
                : heavy.run(budget -> select(whereSql, params, order, paging.pageSize(), offset, budget, rows));
        HttpSupport.json(res, 200, paging.result(rows, total, req));
    }

    /** Counts the matches and reads one page of them into {@code rows}; under {@code budget} when given. */
    private int select(String where, Map<String, Object> params, String order, int limit, long offset,
            HeavyQueries.Budget budget, List<TransactionMapModel> rows) {
        return db.jdbi().withHandle(h -> {
            var count = h.createQuery("SELECT COUNT(*) FROM ledger_entries WHERE " + where).bindMap(params);
            var page = h.createQuery("SELECT * FROM ledger_entries WHERE " + where + " ORDER BY " + order
                    + " LIMIT :limit OFFSET :offset").bindMap(params).bind("limit", limit).bind("offset", offset);
            if (budget != null) {
                count.addCustomizer(budget.statementDeadline());
                page.addCustomizer(budget.statementDeadline());
            }
            int total = count.mapTo(Integer.class).one();
            page.map((rs, ctx) -> {
                String type = rs.getString("type");
                BigDecimal value = new BigDecimal(rs.getString("value")).stripTrailingZeros();
                FeeModel fee = TransactionType.Commission.name().equals(type)
                        ? new FeeModel(rs.getLong("id"), rs.getString("commission_id"), value.negate(), "Execution",
                                BigDecimal.ONE, "Absolute")
                        : null;
                return new TransactionMapModel(rs.getLong("id"), rs.getInt("security_id"), rs.getLong("order_id"),
                        rs.getLong("account_id"), Dates.iso(rs.getLong("at_ms")), value,
                        new BigDecimal(rs.getString("quantity")).stripTrailingZeros(),
                        new BigDecimal(rs.getString("leaves_quantity")).stripTrailingZeros(), fee,
                        type, rs.getBoolean("is_day_trade"), rs.getString("description"));
            }).forEach(rows::add);
            return total;
        });
    }
}
