package dev.crater.orders;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.crater.orders.engine.Event;
import dev.crater.orders.engine.Fixed;
import dev.crater.orders.engine.LedgerEntry;
import dev.crater.orders.engine.OrderSnapshot;
import dev.crater.orders.engine.OrderStatus;
import dev.crater.orders.engine.PositionSnapshot;
import dev.crater.orders.engine.Snapshot;
import dev.crater.store.Database;
import java.math.BigDecimal;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.LongFunction;
import org.jdbi.v3.core.Handle;

/**
 * Stores what the trading engine decided. One call of {@link #persist} writes the outcome of a batch
 * of commands in one transaction — new orders, fills with their ledger entries, positions, order
 * states and account states — so an order is acknowledged only once stored and a fill is visible
 * only with everything it moved. {@link #load} reads it back into an engine {@link Snapshot} after a
 * restart.
 */
public final class TradingStore {

    /** Internal JSON of engine state (not the API's PascalCase mapper). */
    static final ObjectMapper STATE = JsonMapper.builder()
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .build();

    /** What the edge knows about a new order that the engine does not: the request as sent. */
    public record NewOrderContext(String clientId, String comment, String exchange, String extendedHours,
            String executionInstructionsJson, String requestJson) {
    }

    private final Database db;

    public TradingStore(Database db) {
        this.db = db;
    }

    public Database database() {
        return db;
    }

    static String json(Object o) {
        try {
            return STATE.writeValueAsString(o);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("engine state does not serialise", e);
        }
    }

    static <T> T read(String json, Class<T> type) {
        try {
            return STATE.readValue(json, type);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("stored engine state is unreadable", e);
        }
    }

    private Object dec(long fixed) {
        return db.decimal(fixed == Fixed.NONE ? BigDecimal.ZERO : Fixed.toBigDecimal(fixed));
    }

    /**
     * Writes a batch's events in one transaction.
     *
     * @param events    the events, in engine order
     * @param contexts  request context of orders placed in this batch, by order id
     * @param cashRequestByLedgerId the operator's cash request each deposit's ledger entry answers
     * @param rejectedStoredOrders stored orders the engine refused after acceptance (conditional legs)
     * @param movedStops trailing orders whose stop (and limit) moved with the market
     * @param liveOrder the engine's current state of an order, or null when it is no longer live
     * @param accountState the engine's current state of an account
     * @param appliedCash cash request ids applied (or refused, with the reason) in this batch
     */
    public void persist(List<Event> events, Map<Long, NewOrderContext> contexts, Map<Long, Long> cashRequestByLedgerId,
            java.util.Set<Long> rejectedStoredOrders, Map<Long, OrderSnapshot> movedStops,
            LongFunction<OrderSnapshot> liveOrder,
            LongFunction<Snapshot.AccountState> accountState, Map<Long, String> appliedCash, long nowMs) {
        if (events.isEmpty() && appliedCash.isEmpty() && movedStops.isEmpty()) {
            return;
        }
        db.engineJdbi().useTransaction(h -> {
            java.util.Set<Long> touchedOrders = new java.util.LinkedHashSet<>();
            java.util.Set<Long> inserted = new java.util.HashSet<>();
            List<Event.Accepted> accepted = new java.util.ArrayList<>();
            for (Event e : events) {
                if (e instanceof Event.Accepted a) {
                    accepted.add(a);
                }
            }
            if (!accepted.isEmpty()) {
                insertOrders(h, accepted, contexts);
            }
            java.util.Set<Long> touchedAccounts = new java.util.LinkedHashSet<>();
            for (Event e : events) {
                touchedAccounts.add(e.accountId());
                switch (e) {
                    case Event.Accepted a -> inserted.add(a.orderId()); // inserted above, in one batch
                    case Event.Fill f -> {
                        if (f.securityId() != 0) {
                            h.createUpdate("""
                                    INSERT INTO fills (id, order_id, account_id, security_id, side, quantity, price,
                                        commission, at_ms)
                                    VALUES (:id, :order, :account, :security, :side, :qty, :price, :commission, :at)""")
                                    .bind("id", f.fillId()).bind("order", f.orderId()).bind("account", f.accountId())
                                    .bind("security", f.securityId()).bind("side", f.side().name())
                                    .bind("qty", dec(f.quantity())).bind("price", dec(f.price()))
                                    .bind("commission", dec(f.commission())).bind("at", f.timeMs())
                                    .execute();
                        }
                        for (LedgerEntry le : f.entries()) {
                            insertLedger(h, le, f.fillId(), null);
                        }
                        h.createUpdate("""
                                UPDATE orders SET executed_quantity = :executed, leaves_quantity = :leaves,
                                    average_price = :avg, last_price = :price, last_quantity = :qty, status = :status,
                                    execution_status = :status, updated_at_ms = :at, transaction_at_ms = :at
                                WHERE id = :id""")
                                .bind("executed", dec(f.executed())).bind("leaves", dec(f.leaves()))
                                .bind("avg", dec(f.averagePrice())).bind("price", dec(f.price()))
                                .bind("qty", dec(f.quantity())).bind("status", f.status().name())
                                .bind("at", f.timeMs()).bind("id", f.orderId())
                                .execute();
                        touchedOrders.add(f.orderId());
                    }
                    case Event.Canceled c -> {
                        status(h, c.orderId(), OrderStatus.Canceled, c.reason(), c.timeMs());
                        touchedOrders.add(c.orderId());
                    }
                    case Event.Expired x -> {
                        status(h, x.orderId(), OrderStatus.Expired, x.reason(), x.timeMs());
                        touchedOrders.add(x.orderId());
                    }
                    case Event.Replaced r -> {
                        OrderSnapshot o = r.order();
                        h.createUpdate("""
                                UPDATE orders SET quantity = :qty, leaves_quantity = :leaves, price = :price,
                                    stop_price = :stop, trailing_stop_amount = :trail, trailing_limit_amount = :trailLimit,
                                    expire_at_ms = :expire, execution_status = 'Replaced', updated_at_ms = :at
                                WHERE id = :id""")
                                .bind("qty", dec(o.quantity())).bind("leaves", dec(o.leaves()))
                                .bind("price", dec(o.limitPrice())).bind("stop", dec(o.stopPrice()))
                                .bind("trail", dec(o.trailingAmount())).bind("trailLimit", dec(o.trailingLimitAmount()))
                                .bind("expire", o.expireAtMs() == Fixed.NONE ? null : o.expireAtMs())
                                .bind("at", r.timeMs()).bind("id", r.orderId())
                                .execute();
                        touchedOrders.add(r.orderId());
                    }
                    case Event.Triggered t -> touchedOrders.add(t.orderId());
                    case Event.Rejected r -> {
                        // Only a stored order refused later (a conditional leg at activation) changes a row;
                        // refused commands (place, cancel, replace, deposit) change nothing stored.
                        if (rejectedStoredOrders.contains(r.ref())) {
                            status(h, r.ref(), OrderStatus.Rejected, r.text(), r.timeMs());
                            touchedOrders.add(r.ref());
                        }
                    }
                    case Event.GroupCompleted g -> {
                        status(h, g.orderId(), g.status(), null, g.timeMs());
                        touchedOrders.add(g.orderId());
                    }
                    case Event.CashMoved m -> insertLedger(h, m.entry(), null, cashRequestByLedgerId.get(m.entry().id()));
                    case Event.PositionChanged p -> upsertPosition(h, p.position());
                    case Event.Settled s -> {
                    }
                    case Event.AccountOpened o -> {
                    }
                }
            }
            // Orders inserted in this batch and touched by later events too, and every other touched order.
            for (long id : inserted) {
                OrderSnapshot live = liveOrder.apply(id);
                if (live == null || live.executed() != 0 || live.status() != OrderStatus.New) {
                    touchedOrders.add(id);
                }
            }
            for (long id : touchedOrders) {
                OrderSnapshot live = liveOrder.apply(id);
                h.createUpdate("UPDATE orders SET state_json = :state WHERE id = :id")
                        .bind("state", live == null ? null : json(live)).bind("id", id).execute();
                if (live != null) {
                    h.createUpdate("""
                            UPDATE orders SET status = :status, execution_status = CASE WHEN execution_status = 'Replaced'
                                THEN 'Replaced' ELSE :status END WHERE id = :id""")
                            .bind("status", live.status().name()).bind("id", id).execute();
                }
            }
            for (long account : touchedAccounts) {
                Snapshot.AccountState state = accountState.apply(account);
                if (state != null) {
                    int n = h.createUpdate("""
                            UPDATE engine_accounts SET state_json = :s, updated_at_ms = :now WHERE account_id = :a""")
                            .bind("s", json(state)).bind("now", nowMs).bind("a", account).execute();
                    if (n == 0) {
                        h.createUpdate("""
                                INSERT INTO engine_accounts (account_id, state_json, updated_at_ms) VALUES (:a, :s, :now)""")
                                .bind("s", json(state)).bind("now", nowMs).bind("a", account).execute();
                    }
                }
            }
            for (OrderSnapshot o : movedStops.values()) {
                h.createUpdate("UPDATE orders SET stop_price = :stop, price = :limit, state_json = :s WHERE id = :id")
                        .bind("stop", dec(o.stopPrice())).bind("limit", dec(o.limitPrice())).bind("s", json(o))
                        .bind("id", o.orderId()).execute();
            }
            for (Map.Entry<Long, String> c : appliedCash.entrySet()) {
                h.createUpdate("UPDATE cash_requests SET applied_at_ms = :now, outcome = :o WHERE id = :id")
                        .bind("now", nowMs).bind("o", c.getValue()).bind("id", c.getKey()).execute();
            }
        });
    }

    private void status(Handle h, long orderId, OrderStatus status, String description, long at) {
        h.createUpdate("""
                UPDATE orders SET status = :s, execution_status = :s, description = COALESCE(:d, description),
                    updated_at_ms = :at, state_json = NULL WHERE id = :id""")
                .bind("s", status.name()).bind("d", description).bind("at", at).bind("id", orderId).execute();
    }

    private static final String INSERT_ORDER = "INSERT INTO orders (id, account_id, user_id, client_id, parent_id,"
            + " security_id, symbol, side, type, initial_type, time_in_force, quantity, price, stop_price,"
            + " executed_quantity, leaves_quantity, average_price, last_price, last_quantity, status, execution_status,"
            + " exec_inst, expire_at_ms, extended_hours, exchange, trailing_stop_amount, trailing_stop_type,"
            + " trailing_limit_amount, trailing_limit_type, comment, description, execution_instructions, request_json,"
            + " state_json, created_at_ms, updated_at_ms, transaction_at_ms)"
            + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, NULL,"
            + " ?, ?, ?, ?, ?, ?)";

    /**
     * The batch's new orders in one JDBC batch of positional parameters (named binding of 37 columns
     * per order was the shard's largest cost). New orders are inserted before any other event of the
     * batch is written: an order's acceptance precedes its fills and changes.
     */
    private void insertOrders(Handle h, List<Event.Accepted> accepted, Map<Long, NewOrderContext> contexts) {
        try (java.sql.PreparedStatement ps = h.getConnection().prepareStatement(INSERT_ORDER)) {
            for (Event.Accepted a : accepted) {
                OrderSnapshot o = a.order();
                NewOrderContext ctx = contexts.get(a.orderId());
                NewOrderContext c = ctx == null ? new NewOrderContext(null, null, "Auto", null, null, "{}") : ctx;
                int i = 1;
                ps.setLong(i++, o.orderId());
                ps.setLong(i++, o.accountId());
                ps.setLong(i++, o.userId());
                ps.setString(i++, o.parentId() > 0 ? null : c.clientId());
                ps.setLong(i++, o.parentId() > 0 ? o.parentId() : -1);
                ps.setInt(i++, o.securityId());
                ps.setString(i++, o.symbol());
                ps.setString(i++, o.side().name());
                ps.setString(i++, o.type().name());
                ps.setString(i++, o.type().name());
                ps.setString(i++, o.tif().name());
                ps.setObject(i++, dec(o.quantity()));
                ps.setObject(i++, dec(o.limitPrice()));
                ps.setObject(i++, dec(o.stopPrice()));
                ps.setObject(i++, dec(0));
                ps.setObject(i++, dec(o.quantity()));
                ps.setObject(i++, dec(0));
                ps.setObject(i++, dec(0));
                ps.setObject(i++, dec(0));
                ps.setString(i++, a.status().name());
                ps.setString(i++, a.status().name());
                ps.setString(i++, o.allOrNone() ? "AllOrNone" : null);
                if (o.expireAtMs() == Fixed.NONE) {
                    ps.setNull(i++, java.sql.Types.BIGINT);
                } else {
                    ps.setLong(i++, o.expireAtMs());
                }
                ps.setString(i++, c.extendedHours());
                ps.setString(i++, c.exchange() == null ? "Auto" : c.exchange());
                ps.setObject(i++, dec(o.trailingAmount()));
                ps.setString(i++, o.trailingAmountType().name());
                ps.setObject(i++, dec(o.trailingLimitAmount()));
                ps.setString(i++, o.trailingLimitAmountType().name());
                ps.setString(i++, c.comment());
                ps.setString(i++, c.executionInstructionsJson());
                ps.setString(i++, o.parentId() > 0 ? "{}" : c.requestJson());
                ps.setString(i++, json(o));
                ps.setLong(i++, o.createdMs());
                ps.setLong(i++, o.createdMs());
                ps.setLong(i, o.createdMs());
                ps.addBatch();
            }
            ps.executeBatch();
        } catch (java.sql.SQLException e) {
            // Fails the whole transaction; the shard then rebuilds its engine from the store.
            throw new IllegalStateException("storing " + accepted.size() + " new orders failed", e);
        }
    }

    private void insertLedger(Handle h, LedgerEntry le, Long fillId, Long cashRequestId) {
        h.createUpdate("""
                INSERT INTO ledger_entries (id, account_id, at_ms, type, security_id, order_id, fill_id, quantity,
                    leaves_quantity, value, commission_id, is_day_trade, description, cash_request_id)
                VALUES (:id, :account, :at, :type, :security, :order, :fill, :qty, :leaves, :value, :commission,
                    :dayTrade, :description, :request)""")
                .bind("id", le.id()).bind("account", le.accountId()).bind("at", le.timeMs())
                .bind("type", le.type().name()).bind("security", le.securityId()).bind("order", le.orderId())
                .bind("fill", fillId).bind("qty", dec(le.quantity())).bind("leaves", dec(le.leavesQuantity()))
                .bind("value", dec(le.value())).bind("commission", le.fee() == null ? null : le.fee().commissionId())
                .bind("dayTrade", le.dayTrade()).bind("description", le.description()).bind("request", cashRequestId)
                .execute();
    }

    private void upsertPosition(Handle h, PositionSnapshot p) {
        java.util.Map<String, Object> v = new java.util.HashMap<>();
        v.put("account", p.accountId());
        v.put("security", p.securityId());
        v.put("symbol", p.symbol());
        v.put("qty", dec(p.quantity()));
        v.put("cost", dec(p.costBasis()));
        v.put("avgOpen", dec(p.averageOpenPrice()));
        v.put("avgClose", dec(p.averageClosePrice()));
        v.put("realized", dec(p.realizedPl()));
        v.put("dayRealized", dec(p.dayRealizedPl()));
        v.put("dayQty", dec(p.dayQuantity()));
        v.put("created", p.createdMs());
        v.put("modified", p.modifiedMs());
        v.put("state", json(p));
        int n = h.createUpdate("""
                UPDATE positions SET quantity = :qty, cost_basis = :cost, daily_cost_basis = :cost,
                    average_open_price = :avgOpen, average_close_price = :avgClose, realized_pl = :realized,
                    daily_close_pl = :dayRealized, day_quantity = :dayQty, modified_at_ms = :modified,
                    state_json = :state
                WHERE account_id = :account AND security_id = :security""")
                .bindMap(v).execute();
        if (n == 0) {
            h.createUpdate("""
                    INSERT INTO positions (account_id, security_id, symbol, quantity, cost_basis, daily_cost_basis,
                        average_open_price, average_close_price, realized_pl, daily_close_pl, day_quantity,
                        created_at_ms, modified_at_ms, state_json)
                    VALUES (:account, :security, :symbol, :qty, :cost, :cost, :avgOpen, :avgClose, :realized,
                        :dayRealized, :dayQty, :created, :modified, :state)""")
                    .bindMap(v).execute();
        }
    }

    /** Stores live orders' current engine state (trailing stops move without events). */
    public void saveLiveOrders(List<OrderSnapshot> orders) {
        db.engineJdbi().useTransaction(h -> {
            for (OrderSnapshot o : orders) {
                h.createUpdate("UPDATE orders SET state_json = :s WHERE id = :id AND state_json IS NOT NULL")
                        .bind("s", json(o)).bind("id", o.orderId()).execute();
            }
        });
    }

    // ---- restart -------------------------------------------------------------------------------

    /** What a restart needs: the stored engine state, and the ledger sums to check it against. */
    public record Stored(List<Snapshot.AccountState> accounts, List<PositionSnapshot> positions,
            List<OrderSnapshot> liveOrders, long maxFillId, long maxLedgerId, long maxOrderId,
            Map<Long, BigDecimal> ledgerSums) {
    }

    public Stored load() {
        return db.engineJdbi().inTransaction(h -> {
            List<Snapshot.AccountState> accounts = h.createQuery(
                            "SELECT state_json FROM engine_accounts ORDER BY account_id")
                    .mapTo(String.class).map(s -> read(s, Snapshot.AccountState.class)).list();
            List<PositionSnapshot> positions = h.createQuery(
                            "SELECT state_json FROM positions ORDER BY account_id, security_id")
                    .mapTo(String.class).map(s -> read(s, PositionSnapshot.class)).list();
            List<OrderSnapshot> orders = h.createQuery(
                            "SELECT state_json FROM orders WHERE state_json IS NOT NULL ORDER BY id")
                    .mapTo(String.class).map(s -> read(s, OrderSnapshot.class)).list();
            long maxFill = h.createQuery("SELECT COALESCE(MAX(id), 0) FROM fills").mapTo(Long.class).one();
            long maxLedger = h.createQuery("SELECT COALESCE(MAX(id), 0) FROM ledger_entries").mapTo(Long.class).one();
            long maxOrder = h.createQuery("SELECT COALESCE(MAX(id), 0) FROM orders").mapTo(Long.class).one();
            Map<Long, BigDecimal> sums = new java.util.HashMap<>();
            h.createQuery("SELECT account_id, value FROM ledger_entries")
                    .map((rs, ctx) -> Map.entry(rs.getLong(1), new BigDecimal(rs.getString(2))))
                    .forEach(e -> sums.merge(e.getKey(), e.getValue(), BigDecimal::add));
            return new Stored(accounts, positions, orders, maxFill, maxLedger, maxOrder, sums);
        });
    }

    /** The order an account already has under this ClientId, if any. */
    public Optional<Long> orderByClientId(long accountId, String clientId) {
        return db.jdbi().withHandle(h -> h.createQuery(
                        "SELECT id FROM orders WHERE account_id = :a AND client_id = :c")
                .bind("a", accountId).bind("c", clientId).mapTo(Long.class).findOne());
    }
}
