package dev.crater.accounts;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import dev.crater.http.Dates;
import dev.crater.store.Database;
import dev.crater.store.FilterSql;
import dev.crater.store.HeavyQueries;
import dev.crater.store.PagedQuery;
import java.math.BigDecimal;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * An account's cash ledger as the transactions list shows it (reference 03-accounts.md §5): every
 * deposit, withdrawal, fill value and fee, paged, sorted and filtered in SQL over whitelisted
 * columns ({@link PagedQuery}).
 */
public final class TransactionStore {

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

    private final PagedQuery<TransactionMapModel> list;

    public TransactionStore(Database db, HeavyQueries heavy) {
        this.list = new PagedQuery<>(db, heavy, "ledger_entries", FIELDS, "sortBy", true, false,
                (rs, ctx) -> model(rs));
    }

    /** One page of an account's ledger entries and the number matching. */
    public PagedQuery.Page<TransactionMapModel> page(long accountId, PagedQuery.Request request) {
        return list.page("account_id = :account", Map.of("account", accountId), request);
    }

    private static TransactionMapModel model(ResultSet rs) throws SQLException {
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
    }
}
