package dev.crater.orders;

import dev.crater.orders.engine.Fixed;
import dev.crater.store.Database;
import dev.crater.store.FilterSql;
import dev.crater.store.HeavyQueries;
import dev.crater.store.PagedQuery;
import java.math.BigDecimal;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * The stored positions (one row per account and security, written by the trading shard with each
 * fill) and the ledger and fill history the account figures are built from. Reads only: the shard
 * ({@link TradingWriter}) is the one writer.
 */
public final class PositionStore {

    static final List<FilterSql.Field> FIELDS = List.of(
            new FilterSql.Field("Id", "id", FilterSql.Type.INTEGER),
            new FilterSql.Field("SecurityId", "security_id", FilterSql.Type.INTEGER),
            new FilterSql.Field("Symbol", "symbol", FilterSql.Type.TEXT),
            new FilterSql.Field("Quantity", "quantity", FilterSql.Type.DECIMAL),
            new FilterSql.Field("CostBasis", "cost_basis", FilterSql.Type.DECIMAL),
            new FilterSql.Field("RealizedProfitLoss", "realized_pl", FilterSql.Type.DECIMAL),
            new FilterSql.Field("AverageOpenPrice", "average_open_price", FilterSql.Type.DECIMAL),
            new FilterSql.Field("CreateDate", "created_at_ms", FilterSql.Type.DATETIME_MS),
            new FilterSql.Field("ModifyDate", "modified_at_ms", FilterSql.Type.DATETIME_MS));

    /** A stored position. */
    record Row(long id, long accountId, int securityId, String symbol, BigDecimal quantity, BigDecimal costBasis,
            BigDecimal dailyCostBasis, long createdMs, long modifiedMs, BigDecimal realizedProfitLoss,
            BigDecimal averageOpenPrice, BigDecimal averageClosePrice, BigDecimal dailyCloseProfitLoss,
            BigDecimal dayQuantity) {
    }

    /** A ledger entry's time and value (fixed point). */
    record Cash(long atMs, long value) {
    }

    /** A fill's time, security and signed quantity (fixed point; sells negative). */
    record Fill(long atMs, int securityId, long quantity) {
    }

    private final Database db;
    private final String open;
    private final String held;
    private final PagedQuery<Row> list;
    private final PagedQuery<Row> consolidated;

    public PositionStore(Database db, HeavyQueries heavy) {
        this.db = db;
        this.open = (db.dialect() == Database.Dialect.SQLITE ? "CAST(quantity AS NUMERIC)" : "quantity") + " <> 0";
        this.held = "account_id = :account AND " + open;
        // An account holds one row per security: an unfiltered shallow page is cheap in any order.
        this.list = new PagedQuery<>(db, heavy, "positions", FIELDS, "sortField", false, true,
                (rs, ctx) -> row(rs));
        // Several accounts' positions together are paged with their total (a PagingResult).
        this.consolidated = new PagedQuery<>(db, heavy, "positions", FIELDS, "sortField", true, false,
                (rs, ctx) -> row(rs));
    }

    private static BigDecimal decimal(ResultSet rs, String column) throws SQLException {
        return new BigDecimal(rs.getString(column)).stripTrailingZeros();
    }

    private static Row row(ResultSet rs) throws SQLException {
        return new Row(rs.getLong("id"), rs.getLong("account_id"), rs.getInt("security_id"), rs.getString("symbol"),
                decimal(rs, "quantity"), decimal(rs, "cost_basis"), decimal(rs, "daily_cost_basis"),
                rs.getLong("created_at_ms"), rs.getLong("modified_at_ms"), decimal(rs, "realized_pl"),
                decimal(rs, "average_open_price"), decimal(rs, "average_close_price"), decimal(rs, "daily_close_pl"),
                decimal(rs, "day_quantity"));
    }

    /** A page of the account's open positions, filtered and sorted as asked. */
    List<Row> page(long accountId, PagedQuery.Request request) {
        return list.page(held, Map.of("account", accountId), request).rows();
    }

    /** A page of the open positions of several accounts together (ids the caller may read; not empty). */
    PagedQuery.Page<Row> page(List<Long> accountIds, PagedQuery.Request request) {
        return consolidated.page(PagedQuery.in("account_id", accountIds) + " AND " + open, Map.of(), request);
    }

    /** The account's position in a security, open or closed. */
    Optional<Row> byKey(long accountId, int securityId) {
        return db.jdbi().withHandle(h -> h.createQuery(
                        "SELECT * FROM positions WHERE account_id = :account AND security_id = :security")
                .bind("account", accountId).bind("security", securityId).map((rs, ctx) -> row(rs)).findOne());
    }

    /** Every open position of the account, in id order. */
    List<Row> held(long accountId) {
        return db.jdbi().withHandle(h -> h.createQuery("SELECT * FROM positions WHERE " + held + " ORDER BY id")
                .bind("account", accountId).map((rs, ctx) -> row(rs)).list());
    }

    /** The account's open positions in a symbol (any case), at most {@code limit}, in id order. */
    List<Row> bySymbol(long accountId, String symbol, int limit) {
        return db.jdbi().withHandle(h -> h.createQuery("SELECT * FROM positions WHERE " + held
                        + " AND (UPPER(symbol) = :symbol) ORDER BY id LIMIT :limit")
                .bind("account", accountId).bind("symbol", symbol.toUpperCase(Locale.ROOT)).bind("limit", limit)
                .map((rs, ctx) -> row(rs)).list());
    }

    /** Cash paid in or out of the account after {@code afterMs}. */
    BigDecimal paymentsAfter(long accountId, long afterMs) {
        return db.jdbi().withHandle(h -> h.createQuery(
                        "SELECT value FROM ledger_entries WHERE account_id = :a AND type = 'Payment' AND at_ms > :t")
                .bind("a", accountId).bind("t", afterMs).mapTo(String.class).list()).stream()
                .map(BigDecimal::new).reduce(BigDecimal.ZERO, BigDecimal::add);
    }

    /** Orders of the account that made a day trade since {@code sinceMs}. */
    int dayTradesSince(long accountId, long sinceMs) {
        return db.jdbi().withHandle(h -> h.createQuery("""
                        SELECT COUNT(DISTINCT order_id) FROM ledger_entries
                        WHERE account_id = :a AND is_day_trade = TRUE AND at_ms >= :since""")
                .bind("a", accountId).bind("since", sinceMs).mapTo(Integer.class).one());
    }

    /** The account's ledger in time order. */
    List<Cash> ledger(long accountId) {
        return db.jdbi().withHandle(h -> h.createQuery(
                        "SELECT at_ms, value FROM ledger_entries WHERE account_id = :a ORDER BY at_ms, id")
                .bind("a", accountId)
                .map((rs, ctx) -> new Cash(rs.getLong(1), Fixed.of(new BigDecimal(rs.getString(2)))))
                .list());
    }

    /** The account's fills in time order. */
    List<Fill> fills(long accountId) {
        return db.jdbi().withHandle(h -> h.createQuery(
                        "SELECT at_ms, security_id, side, quantity FROM fills WHERE account_id = :a ORDER BY at_ms, id")
                .bind("a", accountId)
                .map((rs, ctx) -> {
                    long q = Fixed.of(new BigDecimal(rs.getString("quantity")));
                    String side = rs.getString("side");
                    boolean buy = side.equals("Buy") || side.equals("BuyToCover");
                    return new Fill(rs.getLong("at_ms"), rs.getInt("security_id"), buy ? q : -q);
                })
                .list());
    }
}
