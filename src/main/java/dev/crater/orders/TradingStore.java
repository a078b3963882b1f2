package dev.crater.orders;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.crater.orders.engine.OrderSnapshot;
import dev.crater.orders.engine.PositionSnapshot;
import dev.crater.orders.engine.Snapshot;
import dev.crater.store.Database;
import java.math.BigDecimal;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The trading engine's store. A shard writes what its engine decided through its own
 * {@link TradingWriter} (one transaction per batch of commands); {@link #load} reads it back into an
 * engine {@link Snapshot} after a restart; the JSON of engine state is shared by both.
 */
public final class TradingStore {

    /** Internal JSON of engine state (not the API's PascalCase mapper). */
    static final ObjectMapper STATE = JsonMapper.builder()
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .addModule(new com.fasterxml.jackson.module.blackbird.BlackbirdModule())
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

    /** A writer for one trading shard (see {@link TradingWriter}); the caller closes it. */
    public TradingWriter writer() {
        return new TradingWriter(db);
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

    /** The highest order id stored (0 when none). */
    long maxOrderId() {
        return db.engineJdbi().withHandle(h -> h.createQuery("SELECT COALESCE(MAX(id), 0) FROM orders")
                .mapTo(Long.class).one());
    }

    /** An order placed under a ClientId: its id and the request body that placed it. */
    public record ClientOrder(long orderId, String requestJson) {
    }

    /** The order an account already has under this ClientId, if any. */
    public Optional<ClientOrder> orderByClientId(long accountId, String clientId) {
        return db.jdbi().withHandle(h -> h.createQuery(
                        "SELECT id, request_json FROM orders WHERE account_id = :a AND client_id = :c")
                .bind("a", accountId).bind("c", clientId)
                .map((rs, ctx) -> new ClientOrder(rs.getLong(1), rs.getString(2))).findOne());
    }
}
