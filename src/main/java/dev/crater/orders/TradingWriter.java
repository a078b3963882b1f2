package dev.crater.orders;

import dev.crater.orders.TradingStore.NewOrderContext;
import dev.crater.orders.engine.Event;
import dev.crater.orders.engine.Fixed;
import dev.crater.orders.engine.LedgerEntry;
import dev.crater.orders.engine.OrderSnapshot;
import dev.crater.orders.engine.OrderStatus;
import dev.crater.orders.engine.PositionSnapshot;
import dev.crater.orders.engine.Snapshot;
import dev.crater.store.Database;
import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Types;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.LongFunction;

/**
 * A trading shard's writer: one connection of the engine pool held across rounds, with its prepared
 * statements kept (SQLite compiles a statement anew on every {@code prepareStatement}; for the
 * 37-column order insert that was a tenth of the shard's time). One call of {@link #persist} writes
 * the outcome of a batch of commands in one transaction — new orders, fills with their ledger
 * entries, positions, order changes and the engine's state of every touched order and account — so
 * an order is acknowledged only once stored and a fill is visible only with everything it moved.
 *
 * <p>Used by one thread (its shard). After any failure the connection and its statements are
 * dropped, and the next call opens a fresh connection; the shard rebuilds its engine from the store.
 */
public final class TradingWriter implements AutoCloseable {

    /** The most statements kept prepared on the held connection (there are fourteen kinds). */
    static final int STATEMENTS_MAX = 16;

    private static final String INSERT_ORDER = "INSERT INTO orders (id, account_id, user_id, client_id, parent_id,"
            + " security_id, symbol, side, type, initial_type, time_in_force, quantity, price, stop_price,"
            + " executed_quantity, leaves_quantity, average_price, last_price, last_quantity, status, execution_status,"
            + " exec_inst, expire_at_ms, extended_hours, exchange, trailing_stop_amount, trailing_stop_type,"
            + " trailing_limit_amount, trailing_limit_type, comment, description, execution_instructions, request_json,"
            + " state_json, created_at_ms, updated_at_ms, transaction_at_ms)"
            + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, NULL,"
            + " ?, ?, ?, ?, ?, ?)";
    private static final String INSERT_FILL = "INSERT INTO fills (id, order_id, account_id, security_id, side,"
            + " quantity, price, commission, at_ms) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)";
    private static final String INSERT_LEDGER = "INSERT INTO ledger_entries (id, account_id, at_ms, type,"
            + " security_id, order_id, fill_id, quantity, leaves_quantity, value, commission_id, is_day_trade,"
            + " description, cash_request_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";
    private static final String FILL_ORDER = "UPDATE orders SET executed_quantity = ?, leaves_quantity = ?,"
            + " average_price = ?, last_price = ?, last_quantity = ?, status = ?, execution_status = ?,"
            + " updated_at_ms = ?, transaction_at_ms = ? WHERE id = ?";
    private static final String ORDER_STATUS = "UPDATE orders SET status = ?, execution_status = ?,"
            + " description = COALESCE(?, description), updated_at_ms = ?, state_json = NULL WHERE id = ?";
    private static final String REPLACE_ORDER = "UPDATE orders SET quantity = ?, leaves_quantity = ?, price = ?,"
            + " stop_price = ?, trailing_stop_amount = ?, trailing_limit_amount = ?, expire_at_ms = ?,"
            + " execution_status = 'Replaced', updated_at_ms = ? WHERE id = ?";
    private static final String ORDER_STATE = "UPDATE orders SET state_json = ?, status = COALESCE(?, status),"
            + " execution_status = CASE WHEN ? IS NULL OR execution_status = 'Replaced' THEN execution_status"
            + " ELSE ? END WHERE id = ?";
    private static final String MOVED_STOP = "UPDATE orders SET stop_price = ?, price = ?, state_json = ? WHERE id = ?";
    private static final String UPDATE_POSITION = "UPDATE positions SET quantity = ?, cost_basis = ?,"
            + " daily_cost_basis = ?, average_open_price = ?, average_close_price = ?, realized_pl = ?,"
            + " daily_close_pl = ?, day_quantity = ?, modified_at_ms = ?, state_json = ?"
            + " WHERE account_id = ? AND security_id = ?";
    private static final String INSERT_POSITION = "INSERT INTO positions (account_id, security_id, symbol, quantity,"
            + " cost_basis, daily_cost_basis, average_open_price, average_close_price, realized_pl, daily_close_pl,"
            + " day_quantity, created_at_ms, modified_at_ms, state_json) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";
    private static final String UPDATE_ACCOUNT = "UPDATE engine_accounts SET state_json = ?, updated_at_ms = ?"
            + " WHERE account_id = ?";
    private static final String INSERT_ACCOUNT = "INSERT INTO engine_accounts (account_id, state_json, updated_at_ms)"
            + " VALUES (?, ?, ?)";
    private static final String APPLIED_CASH = "UPDATE cash_requests SET applied_at_ms = ?, outcome = ? WHERE id = ?";
    private static final String APPLIED_RESET = "UPDATE account_resets SET applied_at_ms = ?, outcome = ? WHERE id = ?";
    private static final String SAVE_LIVE = "UPDATE orders SET state_json = ? WHERE id = ? AND state_json IS NOT NULL";

    private final Database db;
    /** The lease every transaction checks first (PostgreSQL nodes); null on the embedded store. */
    private volatile ShardLeases.Fence fence;
    private Connection connection;
    private final Map<String, PreparedStatement> statements = new HashMap<>();

    TradingWriter(Database db) {
        this.db = db;
    }

    /** From now on every transaction first checks that the shard's lease is still {@code fence}'s. */
    void fence(ShardLeases.Fence fence) {
        this.fence = fence;
    }

    /**
     * Writes a batch's events in one transaction; the arguments are those of {@link RoundOutcome}.
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
            Set<Long> rejectedStoredOrders, Map<Long, OrderSnapshot> movedStops, LongFunction<OrderSnapshot> liveOrder,
            LongFunction<Snapshot.AccountState> accountState, Map<Long, String> appliedCash, long nowMs) {
        persist(new RoundOutcome(events, contexts, cashRequestByLedgerId, rejectedStoredOrders, movedStops, liveOrder,
                accountState, appliedCash, nowMs));
    }

    /** Writes the outcome of a round in one transaction (nothing when it changed nothing). */
    void persist(RoundOutcome outcome) {
        if (outcome.nothingToStore()) {
            return;
        }
        transaction(() -> {
            Set<Long> touchedOrders = new LinkedHashSet<>();
            Set<Long> inserted = new HashSet<>();
            insertAccepted(outcome);
            Set<Long> touchedAccounts = new LinkedHashSet<>();
            for (Event e : outcome.events()) {
                touchedAccounts.add(e.accountId());
                writeEvent(e, outcome, touchedOrders, inserted);
            }
            // Orders inserted in this batch and changed by later events too, and every other touched order:
            // their engine state (null once no longer live) and status.
            for (long id : inserted) {
                OrderSnapshot live = outcome.liveOrder().apply(id);
                if (live == null || live.executed() != 0 || live.status() != OrderStatus.New) {
                    touchedOrders.add(id);
                }
            }
            writeOrderStates(touchedOrders, outcome.liveOrder());
            writeAccountStates(touchedAccounts, outcome.accountState(), outcome.nowMs());
            writeMovedStops(outcome.movedStops());
            markCashApplied(outcome.appliedCash(), outcome.nowMs());
            markResetsApplied(outcome.appliedResets(), outcome.nowMs());
        });
    }

    /** New orders first, in one batch: an order's acceptance precedes its fills and changes. */
    private void insertAccepted(RoundOutcome outcome) throws SQLException {
        List<Event.Accepted> accepted = new ArrayList<>();
        for (Event e : outcome.events()) {
            if (e instanceof Event.Accepted a) {
                accepted.add(a);
            }
        }
        if (!accepted.isEmpty()) {
            insertOrders(accepted, outcome.contexts());
        }
    }

    /** Writes what one event changes; collects the orders it touched and the orders inserted. */
    private void writeEvent(Event e, RoundOutcome outcome, Set<Long> touchedOrders, Set<Long> inserted)
            throws SQLException {
        switch (e) {
            case Event.Accepted a -> inserted.add(a.orderId());
            case Event.Fill f -> {
                writeFill(f);
                touchedOrders.add(f.orderId());
            }
            case Event.Canceled c -> {
                status(c.orderId(), OrderStatus.Canceled, c.reason(), c.timeMs());
                touchedOrders.add(c.orderId());
            }
            case Event.Expired x -> {
                status(x.orderId(), OrderStatus.Expired, x.reason(), x.timeMs());
                touchedOrders.add(x.orderId());
            }
            case Event.Replaced r -> {
                writeReplaced(r);
                touchedOrders.add(r.orderId());
            }
            case Event.Triggered t -> touchedOrders.add(t.orderId());
            case Event.Rejected r -> {
                // Only a stored order refused later (a conditional leg at activation) changes a row;
                // refused commands (place, cancel, replace, deposit) change nothing stored.
                if (outcome.rejectedStoredOrders().contains(r.ref())) {
                    status(r.ref(), OrderStatus.Rejected, r.text(), r.timeMs());
                    touchedOrders.add(r.ref());
                }
            }
            case Event.GroupCompleted g -> {
                status(g.orderId(), g.status(), null, g.timeMs());
                touchedOrders.add(g.orderId());
            }
            case Event.CashMoved m ->
                insertLedger(m.entry(), null, outcome.cashRequestByLedgerId().get(m.entry().id()));
            case Event.PositionChanged p -> upsertPosition(p.position());
            case Event.Settled s -> {
            }
            case Event.AccountOpened o -> {
            }
        }
    }

    /** A fill row (not for a spread root), its ledger entries, and the order's executed figures. */
    private void writeFill(Event.Fill f) throws SQLException {
        if (f.securityId() != 0) {
            PreparedStatement ps = statement(INSERT_FILL);
            ps.setLong(1, f.fillId());
            ps.setLong(2, f.orderId());
            ps.setLong(3, f.accountId());
            ps.setInt(4, f.securityId());
            ps.setString(5, f.side().name());
            ps.setObject(6, dec(f.quantity()));
            ps.setObject(7, dec(f.price()));
            ps.setObject(8, dec(f.commission()));
            ps.setLong(9, f.timeMs());
            ps.executeUpdate();
        }
        for (LedgerEntry le : f.entries()) {
            insertLedger(le, f.fillId(), null);
        }
        PreparedStatement ps = statement(FILL_ORDER);
        ps.setObject(1, dec(f.executed()));
        ps.setObject(2, dec(f.leaves()));
        ps.setObject(3, dec(f.averagePrice()));
        ps.setObject(4, dec(f.price()));
        ps.setObject(5, dec(f.quantity()));
        ps.setString(6, f.status().name());
        ps.setString(7, f.status().name());
        ps.setLong(8, f.timeMs());
        ps.setLong(9, f.timeMs());
        ps.setLong(10, f.orderId());
        ps.executeUpdate();
    }

    private void writeReplaced(Event.Replaced r) throws SQLException {
        OrderSnapshot o = r.order();
        PreparedStatement ps = statement(REPLACE_ORDER);
        ps.setObject(1, dec(o.quantity()));
        ps.setObject(2, dec(o.leaves()));
        ps.setObject(3, dec(o.limitPrice()));
        ps.setObject(4, dec(o.stopPrice()));
        ps.setObject(5, dec(o.trailingAmount()));
        ps.setObject(6, dec(o.trailingLimitAmount()));
        if (o.expireAtMs() == Fixed.NONE) {
            ps.setNull(7, Types.BIGINT);
        } else {
            ps.setLong(7, o.expireAtMs());
        }
        ps.setLong(8, r.timeMs());
        ps.setLong(9, r.orderId());
        ps.executeUpdate();
    }

    /** The engine state (null once no longer live) and status of every touched order. */
    private void writeOrderStates(Set<Long> touchedOrders, LongFunction<OrderSnapshot> liveOrder) throws SQLException {
        for (long id : touchedOrders) {
            OrderSnapshot live = liveOrder.apply(id);
            String status = live == null ? null : live.status().name();
            PreparedStatement ps = statement(ORDER_STATE);
            ps.setString(1, live == null ? null : TradingStore.json(live));
            ps.setString(2, status);
            ps.setString(3, status);
            ps.setString(4, status);
            ps.setLong(5, id);
            ps.executeUpdate();
        }
    }

    /** The engine state of every touched account (inserted the first time). */
    private void writeAccountStates(Set<Long> touchedAccounts, LongFunction<Snapshot.AccountState> accountState,
            long nowMs) throws SQLException {
        for (long account : touchedAccounts) {
            Snapshot.AccountState state = accountState.apply(account);
            if (state != null) {
                String json = TradingStore.json(state);
                PreparedStatement ps = statement(UPDATE_ACCOUNT);
                ps.setString(1, json);
                ps.setLong(2, nowMs);
                ps.setLong(3, account);
                if (ps.executeUpdate() == 0) {
                    PreparedStatement in = statement(INSERT_ACCOUNT);
                    in.setLong(1, account);
                    in.setString(2, json);
                    in.setLong(3, nowMs);
                    in.executeUpdate();
                }
            }
        }
    }

    private void writeMovedStops(Map<Long, OrderSnapshot> movedStops) throws SQLException {
        for (OrderSnapshot o : movedStops.values()) {
            PreparedStatement ps = statement(MOVED_STOP);
            ps.setObject(1, dec(o.stopPrice()));
            ps.setObject(2, dec(o.limitPrice()));
            ps.setString(3, TradingStore.json(o));
            ps.setLong(4, o.orderId());
            ps.executeUpdate();
        }
    }

    private void markCashApplied(Map<Long, String> appliedCash, long nowMs) throws SQLException {
        for (Map.Entry<Long, String> c : appliedCash.entrySet()) {
            PreparedStatement ps = statement(APPLIED_CASH);
            ps.setLong(1, nowMs);
            ps.setString(2, c.getValue());
            ps.setLong(3, c.getKey());
            ps.executeUpdate();
        }
    }

    /** Marks account reset requests applied in the round's transaction: a request is applied exactly once. */
    private void markResetsApplied(Map<Long, String> appliedResets, long nowMs) throws SQLException {
        for (Map.Entry<Long, String> r : appliedResets.entrySet()) {
            PreparedStatement ps = statement(APPLIED_RESET);
            ps.setLong(1, nowMs);
            ps.setString(2, r.getValue());
            ps.setLong(3, r.getKey());
            ps.executeUpdate();
        }
    }

    /** Stores live orders' current engine state (trailing stops move without events). */
    public void saveLiveOrders(List<OrderSnapshot> orders) {
        transaction(() -> {
            for (OrderSnapshot o : orders) {
                PreparedStatement ps = statement(SAVE_LIVE);
                ps.setString(1, TradingStore.json(o));
                ps.setLong(2, o.orderId());
                ps.executeUpdate();
            }
        });
    }

    @Override
    public void close() {
        drop();
    }

    /** A round refused by the fence: the shard must stop, not rebuild (another node owns it now). */
    /** A round whose transaction failed: nothing of it was stored (its callers may retry). */
    static final class RoundNotStoredException extends IllegalStateException {
        RoundNotStoredException(Throwable cause) {
            super("storing a trading round failed", cause);
        }
    }

    static final class LeaseLostException extends IllegalStateException {
        LeaseLostException(ShardLeases.LeaseLost cause) {
            super(cause == null ? "the trading shard stopped" : cause.getMessage(), cause);
        }
    }

    // ---- the held connection -------------------------------------------------------------------

    private interface Work {
        void run() throws SQLException;
    }

    /** Runs {@code work} in one transaction on the held connection; any failure drops the connection. */
    private void transaction(Work work) {
        try {
            if (connection == null) {
                connection = db.engineDataSource().getConnection();
                if (fence != null) {
                    idleInTransactionTimeout(ShardLeases.OWNER_IDLE_IN_TRANSACTION_MS);
                }
            }
            // Auto-commit is back on between rounds: SQLite's driver begins the next (IMMEDIATE)
            // transaction right after a commit, which would hold the write lock while the shard idles.
            connection.setAutoCommit(false);
            ShardLeases.Fence f = fence;
            if (f != null) {
                ShardLeases.fence(connection, f);
            }
            work.run();
            connection.commit();
            connection.setAutoCommit(true);
        } catch (SQLException | RuntimeException e) {
            if (connection != null) {
                try {
                    connection.rollback();
                } catch (SQLException ignored) {
                    // The connection is dropped below either way.
                }
            }
            drop();
            if (e instanceof ShardLeases.LeaseLost lost) {
                throw new LeaseLostException(lost);
            }
            ShardLeases.LeaseLost lost = lostLease();
            if (lost != null) {
                // E.g. PostgreSQL ended the session of a transaction this process left idle (paused)
                // while the lease ran out: another node owns the shard now, so it stops, not rebuilds.
                LeaseLostException stop = new LeaseLostException(lost);
                stop.addSuppressed(e);
                throw stop;
            }
            // Fails the whole round; the shard then rebuilds its engine from the store.
            throw new RoundNotStoredException(e);
        }
    }

    /**
     * After a fenced transaction failed otherwise: whether the lease is lost (checked with the fence
     * on a connection of its own), or null when it is still this node's, the store cannot tell, or
     * the shard is not fenced.
     */
    private ShardLeases.LeaseLost lostLease() {
        ShardLeases.Fence f = fence;
        if (f == null) {
            return null;
        }
        try (Connection c = db.engineDataSource().getConnection()) {
            c.setAutoCommit(false);
            try {
                ShardLeases.fence(c, f);
                return null;
            } catch (ShardLeases.LeaseLost lost) {
                return lost;
            } finally {
                c.rollback();
            }
        } catch (SQLException e) {
            return null; // the store does not answer: the round fails as any other
        }
    }

    /**
     * A fenced round's transaction holds its shard's row lock: PostgreSQL ends the session should
     * the transaction sit idle longer than {@code ms} (this process paused or cut off), so other
     * nodes can take the shard once its lease runs out ({@link ShardLeases#OWNER_IDLE_IN_TRANSACTION_MS});
     * 0 turns it off again before the connection goes back to the pool.
     */
    private void idleInTransactionTimeout(long ms) throws SQLException {
        try (Statement st = connection.createStatement()) {
            st.execute("SET idle_in_transaction_session_timeout = " + ms);
        }
    }

    private PreparedStatement statement(String sql) throws SQLException {
        PreparedStatement ps = statements.get(sql);
        if (ps == null) {
            if (statements.size() >= STATEMENTS_MAX) {
                throw new IllegalStateException("more than " + STATEMENTS_MAX + " kinds of trading statement");
            }
            ps = connection.prepareStatement(sql);
            statements.put(sql, ps);
        }
        return ps;
    }

    private void drop() {
        for (PreparedStatement ps : statements.values()) {
            try {
                ps.close();
            } catch (SQLException ignored) {
                // Closing the connection below releases it anyway.
            }
        }
        statements.clear();
        if (connection != null) {
            if (fence != null) {
                try {
                    connection.setAutoCommit(true); // a SET in a transaction rolled back would not last
                    idleInTransactionTimeout(0);
                } catch (SQLException ignored) {
                    // A broken connection: the pool discards it.
                }
            }
            try {
                connection.close();
            } catch (SQLException ignored) {
                // A broken connection: the pool discards it.
            }
            connection = null;
        }
    }

    // ---- statements ----------------------------------------------------------------------------

    private Object dec(long fixed) {
        return db.decimal(fixed == Fixed.NONE ? BigDecimal.ZERO : Fixed.toBigDecimal(fixed));
    }

    private void status(long orderId, OrderStatus status, String description, long at) throws SQLException {
        PreparedStatement ps = statement(ORDER_STATUS);
        ps.setString(1, status.name());
        ps.setString(2, status.name());
        ps.setString(3, description);
        ps.setLong(4, at);
        ps.setLong(5, orderId);
        ps.executeUpdate();
    }

    private void insertOrders(List<Event.Accepted> accepted, Map<Long, NewOrderContext> contexts) throws SQLException {
        PreparedStatement ps = statement(INSERT_ORDER);
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
                ps.setNull(i++, Types.BIGINT);
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
            ps.setString(i++, TradingStore.json(o));
            ps.setLong(i++, o.createdMs());
            ps.setLong(i++, o.createdMs());
            ps.setLong(i, o.createdMs());
            ps.addBatch();
        }
        ps.executeBatch();
    }

    private void insertLedger(LedgerEntry le, Long fillId, Long cashRequestId) throws SQLException {
        PreparedStatement ps = statement(INSERT_LEDGER);
        ps.setLong(1, le.id());
        ps.setLong(2, le.accountId());
        ps.setLong(3, le.timeMs());
        ps.setString(4, le.type().name());
        ps.setInt(5, le.securityId());
        ps.setLong(6, le.orderId());
        if (fillId == null) {
            ps.setNull(7, Types.BIGINT);
        } else {
            ps.setLong(7, fillId);
        }
        ps.setObject(8, dec(le.quantity()));
        ps.setObject(9, dec(le.leavesQuantity()));
        ps.setObject(10, dec(le.value()));
        ps.setString(11, le.fee() == null ? null : le.fee().commissionId());
        ps.setBoolean(12, le.dayTrade());
        ps.setString(13, le.description());
        if (cashRequestId == null) {
            ps.setNull(14, Types.BIGINT);
        } else {
            ps.setLong(14, cashRequestId);
        }
        ps.executeUpdate();
    }

    private void upsertPosition(PositionSnapshot p) throws SQLException {
        String state = TradingStore.json(p);
        PreparedStatement ps = statement(UPDATE_POSITION);
        ps.setObject(1, dec(p.quantity()));
        ps.setObject(2, dec(p.costBasis()));
        ps.setObject(3, dec(p.costBasis()));
        ps.setObject(4, dec(p.averageOpenPrice()));
        ps.setObject(5, dec(p.averageClosePrice()));
        ps.setObject(6, dec(p.realizedPl()));
        ps.setObject(7, dec(p.dayRealizedPl()));
        ps.setObject(8, dec(p.dayQuantity()));
        ps.setLong(9, p.modifiedMs());
        ps.setString(10, state);
        ps.setLong(11, p.accountId());
        ps.setInt(12, p.securityId());
        if (ps.executeUpdate() == 0) {
            PreparedStatement in = statement(INSERT_POSITION);
            in.setLong(1, p.accountId());
            in.setInt(2, p.securityId());
            in.setString(3, p.symbol());
            in.setObject(4, dec(p.quantity()));
            in.setObject(5, dec(p.costBasis()));
            in.setObject(6, dec(p.costBasis()));
            in.setObject(7, dec(p.averageOpenPrice()));
            in.setObject(8, dec(p.averageClosePrice()));
            in.setObject(9, dec(p.realizedPl()));
            in.setObject(10, dec(p.dayRealizedPl()));
            in.setObject(11, dec(p.dayQuantity()));
            in.setLong(12, p.createdMs());
            in.setLong(13, p.modifiedMs());
            in.setString(14, state);
            in.executeUpdate();
        }
    }
}
