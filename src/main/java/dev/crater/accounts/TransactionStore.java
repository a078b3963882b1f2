package dev.crater.accounts;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import dev.crater.http.Dates;
import dev.crater.market.Market;
import dev.crater.store.Database;
import dev.crater.store.FilterSql;
import dev.crater.store.HeavyQueries;
import dev.crater.store.PagedQuery;
import java.math.BigDecimal;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.LocalDate;
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

    /**
     * {@code TransactionMapModel}; keys without a value are left out ({@code Fee} and {@code Description} are
     * optional in the docs). After the documented keys, the properties only the vendor spec defines:
     * {@code Code} (Crater has no transaction codes), {@code MarginType} ({@code Cash} in a Cash account, {@code Short} for a
     * short sale's or cover's entries, else {@code Margin}), {@code OrderId} (when there is an order),
     * {@code Price} (an execution's fill price), {@code SettlementDate} (an execution's: the next trading
     * day), {@code Symbol} (of the entry's order).
     */
    @JsonPropertyOrder({"Id", "SecurityId", "OrderStateId", "AccountId", "Date", "Value", "Quantity", "LeavesQuantity",
            "Fee", "Type", "IsDayTrade", "Description", "Code", "MarginType", "OrderId", "Price", "SettlementDate",
            "Symbol"})
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record TransactionMapModel(long id, int securityId, long orderStateId, long accountId, String date,
            BigDecimal value, BigDecimal quantity, BigDecimal leavesQuantity, FeeModel fee, String type,
            boolean isDayTrade, String description, String code, String marginType,
            Long orderId, BigDecimal price, String settlementDate, String symbol) {
    }

    /**
     * The ledger with what its answer shows of each entry's fill (price), order (symbol, side) and account
     * (margin type); its columns are the ledger's, so filters and sorting read them unchanged.
     */
    private static final String LEDGER = "(SELECT l.*, f.price AS fill_price, o.symbol AS order_symbol,"
            + " o.side AS order_side, a.margin_type AS account_margin_type, a.clearing_account AS account_clearing,"
            + " a.currency AS account_currency FROM ledger_entries l"
            + " LEFT JOIN fills f ON f.id = l.fill_id LEFT JOIN orders o ON o.id = l.order_id"
            + " JOIN accounts a ON a.id = l.account_id) ledger";

    /**
     * {@code ActivityModelV2}, a consolidated list's row: every property, null where Crater has no value
     * ({@code BatchEntryDescription}, {@code SecurityName}). {@code Fees} are 0 (commissions are their own
     * entries, {@code Commissions} on a Commission entry).
     */
    @JsonPropertyOrder({"AccountNumber", "ActivityType", "Date", "SettlementDate", "Symbol", "Description", "Quantity",
            "Price", "NetAmount", "Fees", "Commissions", "MarginType", "BatchEntryDescription", "BuySellCode",
            "SecurityName", "CurrencyCode"})
    public record ActivityModelV2(String accountNumber, String activityType, String date, String settlementDate,
            String symbol, String description, BigDecimal quantity, BigDecimal price, BigDecimal netAmount,
            BigDecimal fees, BigDecimal commissions, String marginType, String batchEntryDescription,
            String buySellCode, String securityName, String currencyCode) {
    }

    private final PagedQuery<TransactionMapModel> list;
    private final PagedQuery<ActivityModelV2> activities;
    private final Market market;

    public TransactionStore(Database db, HeavyQueries heavy, Market market) {
        this.market = market;
        this.list = new PagedQuery<>(db, heavy, LEDGER, FIELDS, "sortBy", true, false, (rs, ctx) -> model(rs));
        this.activities = new PagedQuery<>(db, heavy, LEDGER, FIELDS, "dto.SortField", true, false,
                (rs, ctx) -> activity(rs));
    }

    /** One page of an account's ledger entries and the number matching. */
    public PagedQuery.Page<TransactionMapModel> page(long accountId, PagedQuery.Request request) {
        return list.page("account_id = :account", Map.of("account", accountId), request);
    }

    /** One page of several accounts' ledger entries, as the consolidated list shows them. */
    public PagedQuery.Page<ActivityModelV2> activities(List<Long> accountIds, PagedQuery.Request request) {
        return activities.page(PagedQuery.in("account_id", accountIds), Map.of(), request);
    }

    private ActivityModelV2 activity(ResultSet rs) throws SQLException {
        TransactionMapModel m = model(rs);
        String side = rs.getString("order_side");
        String buySell = side == null ? null : side.startsWith("Buy") ? "B" : "S";
        BigDecimal commission = TransactionType.Commission.name().equals(m.type()) ? m.value().negate() : BigDecimal.ZERO;
        return new ActivityModelV2(rs.getString("account_clearing"), m.type(), m.date(),
                m.settlementDate() != null ? m.settlementDate() : m.date(), m.symbol(), m.description(), m.quantity(),
                m.price(), m.value(), BigDecimal.ZERO, commission, m.marginType(), null, buySell, null,
                rs.getString("account_currency"));
    }

    private TransactionMapModel model(ResultSet rs) throws SQLException {
        String type = rs.getString("type");
        boolean execution = TransactionType.OrderExecution.name().equals(type);
        BigDecimal value = new BigDecimal(rs.getString("value")).stripTrailingZeros();
        FeeModel fee = TransactionType.Commission.name().equals(type)
                ? new FeeModel(rs.getLong("id"), rs.getString("commission_id"), value.negate(), "Execution",
                        BigDecimal.ONE, "Absolute")
                : null;
        return new TransactionMapModel(rs.getLong("id"), rs.getInt("security_id"), rs.getLong("order_id"),
                rs.getLong("account_id"), Dates.iso(rs.getLong("at_ms")), value,
                new BigDecimal(rs.getString("quantity")).stripTrailingZeros(),
                new BigDecimal(rs.getString("leaves_quantity")).stripTrailingZeros(), fee,
                type, rs.getBoolean("is_day_trade"), rs.getString("description"), null, marginType(rs),
                rs.getLong("order_id") > 0 ? rs.getLong("order_id") : null, execution ? price(rs) : null,
                execution ? settlementDate(rs.getLong("at_ms")) : null, rs.getString("order_symbol"));
    }

    private static String marginType(ResultSet rs) throws SQLException {
        if ("Cash".equals(rs.getString("account_margin_type"))) {
            return "Cash";
        }
        String side = rs.getString("order_side");
        return "SellShort".equals(side) || "BuyToCover".equals(side) ? "Short" : "Margin";
    }

    private static BigDecimal price(ResultSet rs) throws SQLException {
        String p = rs.getString("fill_price");
        return p == null ? null : new BigDecimal(p).stripTrailingZeros();
    }

    /** An execution settles on the next trading day after its trade date (as OrderResource's SettDate). */
    private String settlementDate(long atMs) {
        LocalDate trade = market.model().dateAt(atMs);
        return market.calendar().nextTradingDay(trade) + "T00:00:00Z";
    }
}
