package dev.crater.orders;

import com.fasterxml.jackson.core.type.TypeReference;
import dev.crater.http.Dates;
import dev.crater.market.Market;
import dev.crater.market.PathModel;
import dev.crater.orders.engine.Event;
import dev.crater.orders.engine.Fixed;
import dev.crater.orders.engine.OrderSnapshot;
import dev.crater.orders.engine.OrderStatus;
import dev.crater.securities.OptionChains;
import dev.crater.store.Database;
import dev.crater.store.Filter;
import dev.crater.store.FilterSql;
import dev.crater.store.HeavyQueries;
import dev.crater.store.PagedQuery;
import java.io.IOException;
import java.math.BigDecimal;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Orders as stored, turned into OrderResource; the paged and filtered list in SQL. */
public final class OrderReads {

    private static final TypeReference<Map<String, String>> STRING_MAP = new TypeReference<>() {
    };

    static final List<FilterSql.Field> FIELDS = List.of(
            new FilterSql.Field("Id", "id", FilterSql.Type.INTEGER),
            new FilterSql.Field("SecurityId", "security_id", FilterSql.Type.INTEGER),
            new FilterSql.Field("Symbol", "symbol", FilterSql.Type.TEXT),
            new FilterSql.Field("ClientId", "client_id", FilterSql.Type.TEXT),
            new FilterSql.Field("Status", "status", FilterSql.Type.ENUM, statusNames()),
            new FilterSql.Field("ExecutionStatus", "execution_status", FilterSql.Type.ENUM, statusNames()),
            new FilterSql.Field("Side", "side", FilterSql.Type.ENUM,
                    names(List.of("Buy", "Sell", "SellShort", "BuyToCover"))),
            new FilterSql.Field("Type", "type", FilterSql.Type.ENUM, names(OrderRequests.ORDER_TYPES)),
            new FilterSql.Field("TimeInForce", "time_in_force", FilterSql.Type.ENUM, names(OrderRequests.TIFS)),
            new FilterSql.Field("Quantity", "quantity", FilterSql.Type.DECIMAL),
            new FilterSql.Field("Price", "price", FilterSql.Type.DECIMAL),
            new FilterSql.Field("StopPrice", "stop_price", FilterSql.Type.DECIMAL),
            new FilterSql.Field("ExecutedQuantity", "executed_quantity", FilterSql.Type.DECIMAL),
            new FilterSql.Field("LeavesQuantity", "leaves_quantity", FilterSql.Type.DECIMAL),
            new FilterSql.Field("AveragePrice", "average_price", FilterSql.Type.DECIMAL),
            new FilterSql.Field("CreateDate", "created_at_ms", FilterSql.Type.DATETIME_MS),
            new FilterSql.Field("Date", "updated_at_ms", FilterSql.Type.DATETIME_MS),
            new FilterSql.Field("TransactionDate", "transaction_at_ms", FilterSql.Type.DATETIME_MS));

    /**
     * Status names by the documented numbers (04-orders.md §6). The docs' own filter example also
     * sends 17..20, which name no status: they are accepted and match nothing.
     */
    private static Map<Integer, String> statusNames() {
        Map<Integer, String> m = new HashMap<>();
        for (OrderStatus s : OrderStatus.values()) {
            m.put(s.code(), s.name());
        }
        for (int undocumented = 17; undocumented <= 20; undocumented++) {
            m.put(undocumented, "Undefined" + undocumented);
        }
        return m;
    }

    private static Map<Integer, String> names(List<String> values) {
        Map<Integer, String> m = new HashMap<>();
        for (int i = 0; i < values.size(); i++) {
            m.put(i, values.get(i));
        }
        return m;
    }

    private final Database db;
    private final Market market;
    private final OptionChains options;
    private final Parties parties;
    private final PagedQuery<Row> list;

    public OrderReads(Database db, Market market, HeavyQueries heavy, OptionChains options, Parties parties) {
        this.db = db;
        this.market = market;
        this.options = options;
        this.parties = parties;
        this.list = new PagedQuery<>(db, heavy, "orders", FIELDS, "sortField", true, false, (rs, ctx) -> row(rs));
    }

    /** One stored order row with what the resource needs. */
    private record Row(long id, long accountId, long userId, String clientId, long parentId, int securityId,
            String symbol, String side, String type, String initialType, String tif, BigDecimal quantity,
            BigDecimal price, BigDecimal stopPrice, BigDecimal executed, BigDecimal leaves, BigDecimal average,
            BigDecimal lastPrice, BigDecimal lastQuantity, String status, String executionStatus, String execInst,
            Long expireAtMs, String extendedHours, String exchange, BigDecimal trailingStop, String trailingStopType,
            BigDecimal trailingLimit, String trailingLimitType, String comment, String description,
            String instructions, long createdMs, long updatedMs, long transactionMs) {
    }

    private static BigDecimal dec(ResultSet rs, String column) throws SQLException {
        String v = rs.getString(column);
        return v == null ? BigDecimal.ZERO : new BigDecimal(v).stripTrailingZeros();
    }

    private static Row row(ResultSet rs) throws SQLException {
        long expire = rs.getLong("expire_at_ms");
        Long expireAt = rs.wasNull() ? null : expire;
        return new Row(rs.getLong("id"), rs.getLong("account_id"), rs.getLong("user_id"), rs.getString("client_id"),
                rs.getLong("parent_id"), rs.getInt("security_id"), rs.getString("symbol"), rs.getString("side"),
                rs.getString("type"), rs.getString("initial_type"), rs.getString("time_in_force"),
                dec(rs, "quantity"), dec(rs, "price"), dec(rs, "stop_price"), dec(rs, "executed_quantity"),
                dec(rs, "leaves_quantity"), dec(rs, "average_price"), dec(rs, "last_price"), dec(rs, "last_quantity"),
                rs.getString("status"), rs.getString("execution_status"), rs.getString("exec_inst"), expireAt,
                rs.getString("extended_hours"), rs.getString("exchange"), dec(rs, "trailing_stop_amount"),
                rs.getString("trailing_stop_type"), dec(rs, "trailing_limit_amount"),
                rs.getString("trailing_limit_type"), rs.getString("comment"), rs.getString("description"),
                rs.getString("execution_instructions"), rs.getLong("created_at_ms"), rs.getLong("updated_at_ms"),
                rs.getLong("transaction_at_ms"));
    }

    private static BigDecimal fx(long v) {
        return v == Fixed.NONE ? BigDecimal.ZERO
                : Fixed.toBigDecimal(v).stripTrailingZeros();
    }

    /**
     * A just-placed single order as stored, built from its acceptance and the events of the same
     * command (its fills or cancellation) instead of re-reading the row it was stored in: the answer
     * of a placement. Conditional roots and spreads (with legs) are read from the store.
     */
    public OrderResource placed(OrderSnapshot o, TradingStore.NewOrderContext ctx,
            List<Event> events) {
        BigDecimal executed = BigDecimal.ZERO;
        BigDecimal leaves = fx(o.quantity());
        BigDecimal average = BigDecimal.ZERO;
        BigDecimal lastPrice = BigDecimal.ZERO;
        BigDecimal lastQuantity = BigDecimal.ZERO;
        String status = "New";
        String description = null;
        long updated = o.createdMs();
        for (Event e : events) {
            switch (e) {
                case Event.Fill f when f.orderId() == o.orderId() -> {
                    executed = fx(f.executed());
                    leaves = fx(f.leaves());
                    average = fx(f.averagePrice());
                    lastPrice = fx(f.price());
                    lastQuantity = fx(f.quantity());
                    status = f.status().name();
                    updated = f.timeMs();
                }
                case Event.Canceled c when c.orderId() == o.orderId() -> {
                    status = "Canceled";
                    description = c.reason();
                    updated = c.timeMs();
                }
                case Event.Expired x when x.orderId() == o.orderId() -> {
                    status = "Expired";
                    description = x.reason();
                    updated = x.timeMs();
                }
                default -> {
                }
            }
        }
        Row r = new Row(o.orderId(), o.accountId(), o.userId(), ctx.clientId(), -1, o.securityId(), o.symbol(),
                o.side().name(), o.type().name(), o.type().name(), o.tif().name(), fx(o.quantity()),
                fx(o.limitPrice()), fx(o.stopPrice()), executed, leaves, average, lastPrice, lastQuantity, status,
                status, o.allOrNone() ? "AllOrNone" : null,
                o.expireAtMs() == Fixed.NONE ? null : o.expireAtMs(), ctx.extendedHours(),
                ctx.exchange(), fx(o.trailingAmount()), o.trailingAmountType().name(), fx(o.trailingLimitAmount()),
                o.trailingLimitAmountType().name(), ctx.comment(), description, ctx.executionInstructionsJson(),
                o.createdMs(), updated, updated);
        return resource(r, List.of(), parties.names());
    }

    /** An account's order (root or leg), with its legs. */
    public Optional<OrderResource> byId(long accountId, long orderId) {
        Optional<Row> row = db.jdbi().withHandle(h -> h.createQuery(
                        "SELECT * FROM orders WHERE id = :id AND account_id = :a")
                .bind("id", orderId).bind("a", accountId).map((rs, ctx) -> row(rs)).findOne());
        // Only conditional roots and spreads (no security of their own) have legs.
        Parties.Names names = parties.names();
        return row.map(r -> resource(r, r.securityId() != 0 ? List.of()
                : legs(List.of(r.id()), names).getOrDefault(r.id(), List.of()), names));
    }

    /** The account's open orders (roots and legs alike, none nested), oldest first, at most {@code limit}. */
    public List<OrderResource> open(long accountId, int limit) {
        Parties.Names names = parties.names();
        return db.jdbi().withHandle(h -> h.createQuery("SELECT * FROM orders WHERE account_id = :a AND status NOT IN"
                        + " ('Filled', 'Canceled', 'Expired', 'Rejected', 'Replaced', 'DoneForDay') ORDER BY id LIMIT :n")
                .bind("a", accountId).bind("n", limit).map((rs, ctx) -> row(rs)).list())
                .stream().map(r -> resource(r, List.of(), names)).toList();
    }

    /** One order row as its resource, without its legs; empty when the account has no such order. */
    public Optional<OrderResource> single(long accountId, long orderId) {
        Parties.Names names = parties.names();
        return db.jdbi().withHandle(h -> h.createQuery("SELECT * FROM orders WHERE id = :id AND account_id = :a")
                .bind("id", orderId).bind("a", accountId).map((rs, ctx) -> row(rs)).findOne())
                .map(r -> resource(r, List.of(), names));
    }

    /** A page of an account's top-level orders (legs nested), filtered and sorted in SQL. */
    public record Page(List<OrderResource> orders, int total) {
    }

    public Page page(long accountId, Optional<Filter> filter, String sortField, boolean desc, int pageNumber,
            int pageSize) {
        return page("account_id = :account", Map.of("account", accountId),
                new PagedQuery.Request(filter, sortField, desc, pageNumber, pageSize));
    }

    /** A page of the top-level orders of several accounts together (ids the caller may read; not empty). */
    public Page page(List<Long> accountIds, PagedQuery.Request request) {
        return page(PagedQuery.in("account_id", accountIds), Map.of(), request);
    }

    private Page page(String accounts, Map<String, Object> params, PagedQuery.Request request) {
        PagedQuery.Page<Row> rows = list.page(accounts + " AND parent_id = -1", params, request);
        Parties.Names names = parties.names();
        Map<Long, List<OrderResource>> legs = legs(rows.rows().stream().filter(r -> r.securityId() == 0)
                .map(Row::id).toList(), names);
        List<OrderResource> out = new ArrayList<>();
        for (Row r : rows.rows()) {
            out.add(resource(r, legs.getOrDefault(r.id(), List.of()), names));
        }
        return new Page(out, rows.total());
    }

    private Map<Long, List<OrderResource>> legs(List<Long> parents, Parties.Names names) {
        Map<Long, List<OrderResource>> out = new HashMap<>();
        if (parents.isEmpty()) {
            return out;
        }
        db.jdbi().useHandle(h -> h.createQuery("SELECT * FROM orders WHERE parent_id IN (<ids>) ORDER BY id")
                .bindList("ids", parents).map((rs, ctx) -> row(rs))
                .forEach(r -> out.computeIfAbsent(r.parentId(), k -> new ArrayList<>())
                        .add(resource(r, List.of(), names))));
        return out;
    }

    /** One execution of an order: a row of {@code fills}. */
    record Execution(long id, long orderId, BigDecimal quantity, BigDecimal price, BigDecimal commission, long atMs) {
    }

    /** The executions of an order and of its legs, in time order (the caller checked the order is the account's). */
    List<Execution> executions(long accountId, long orderId) {
        return db.jdbi().withHandle(h -> h.createQuery("SELECT f.id, f.order_id, f.quantity, f.price, f.commission, "
                        + "f.at_ms FROM fills f JOIN orders o ON o.id = f.order_id WHERE f.account_id = :a "
                        + "AND (o.id = :o OR o.parent_id = :o) ORDER BY f.at_ms, f.id")
                .bind("a", accountId).bind("o", orderId)
                .map((rs, ctx) -> new Execution(rs.getLong("id"), rs.getLong("order_id"), dec(rs, "quantity"),
                        dec(rs, "price"), dec(rs, "commission"), rs.getLong("at_ms")))
                .list());
    }

    private static boolean terminal(String status) {
        return switch (status) {
            case "Filled", "Canceled", "Expired", "Rejected", "Replaced", "DoneForDay" -> true;
            default -> false;
        };
    }

    private OrderResource resource(Row r, List<OrderResource> legs, Parties.Names names) {
        String settle = OrderResource.UNKNOWN_DATE;
        if (r.executed().signum() > 0) {
            LocalDate trade = market.model().dateAt(r.transactionMs());
            LocalDate next = market.calendar().nextTradingDay(trade);
            settle = next + "T00:00:00Z";
        }
        String requestStatus = switch (r.status()) {
            case "Rejected" -> "Rejected";
            case "Error" -> "Error";
            default -> terminal(r.status()) ? "Complete" : "Executing";
        };
        String target = switch (r.executionStatus()) {
            case "Replaced" -> "Modify";
            case "Canceled" -> "Cancel";
            case "Filled", "PartiallyFilled" -> "Execution";
            case "Rejected" -> "Reject";
            default -> "New";
        };
        String transType = switch (r.executionStatus()) {
            case "Replaced" -> "Correct";
            case "Canceled" -> "Cancel";
            default -> "New";
        };
        Map<String, String> instructions = new LinkedHashMap<>();
        if (r.instructions() != null) {
            try {
                instructions.putAll(TradingStore.STATE.readValue(r.instructions(), STRING_MAP));
            } catch (IOException e) {
                // Stored by us from a parsed map; unreadable means nothing to show.
            }
        }
        instructions.put("CreateOrderRequestTimeUnix", String.valueOf(r.createdMs() / 1000));
        return new OrderResource(r.id(), r.securityId(), r.symbol(), r.accountId(), r.userId(), r.quantity(),
                r.price(), r.stopPrice(), r.clientId(), r.clientId(), null, r.executed(), r.lastPrice(),
                r.lastQuantity(), terminal(r.status()) ? BigDecimal.ZERO : r.leaves(), r.average(), r.side(),
                Dates.iso(r.updatedMs()), Dates.iso(r.createdMs()), Dates.iso(r.transactionMs()), settle, settle,
                r.status(), r.executionStatus(), r.type(), r.initialType(), requestStatus, target, transType,
                r.tif(), r.execInst() == null ? OrderResource.EXEC_INST_NONE : r.execInst(), expireDate(r),
                r.description(),
                r.comment(), "CRATER-" + r.id(), r.id(), r.id(), r.parentId(), r.parentId() > 0 ? r.parentId() : -1,
                legs, r.exchange() == null ? "Auto" : r.exchange(), OrderResource.VENUE, "Auto",
                r.executed().signum() > 0 ? String.valueOf(r.id()) : null, r.executed().signum() > 0 ? "CRATER" : null,
                r.extendedHours(), false, instructions, r.trailingStop(), r.trailingStopType(), r.trailingLimit(),
                r.trailingLimitType(), null, 0, specFields(r, names));
    }

    /** The spec-only properties of the order's resource: its security's facts, account and user. */
    private OrderResource.SpecFields specFields(Row r, Parties.Names names) {
        // Conditional roots and spreads have no security of their own: their legs carry it.
        InstrumentFacts in = r.securityId() == 0 ? null
                : InstrumentFacts.of(r.securityId(), market.securities(), options);
        return new OrderResource.SpecFields(names.holderName(r.accountId()), null, BigDecimal.ZERO,
                names.clearingAccount(r.accountId()), null, null, null, null, null,
                in == null ? null : in.currency(), null, "Rejected".equals(r.status()) ? r.description() : null,
                r.execInst() == null ? 0 : OrderResource.EXEC_INST_ALL_OR_NONE_FLAG, null,
                r.securityId() == 0 ? null : r.symbol(), in == null ? null : in.precision(), "Shares", null,
                in == null ? null : in.type().name(), in == null ? null : in.underlyingExpirationDate(),
                in == null ? null : in.underlyingExpirationType(), in == null ? null : in.underlyingId(),
                in == null ? null : in.underlyingOptionType(), in == null ? null : in.underlyingStrike(),
                in == null ? null : in.underlyingSymbol(), names.login(r.userId()),
                in == null ? null : in.volumePrecision());
    }

    /** Day orders: the close of their last session of the day they were placed (or queued for); GTD: its date. */
    private String expireDate(Row r) {
        if (r.expireAtMs() != null) {
            return Instant.ofEpochMilli(r.expireAtMs()).toString();
        }
        if (!"Day".equals(r.tif())) {
            return null;
        }
        LocalDate d = market.model().dateAt(r.createdMs());
        PathModel.Day day = market.model().day(d);
        if (day == null || r.createdMs() >= day.postCloseMs()) {
            day = market.model().day(market.calendar().nextTradingDay(d));
        }
        if (day == null) {
            return null;
        }
        boolean post = r.extendedHours() != null && r.extendedHours().toUpperCase().contains("POST");
        return Instant.ofEpochMilli(post ? day.postCloseMs() : day.regularCloseMs()).toString();
    }
}
