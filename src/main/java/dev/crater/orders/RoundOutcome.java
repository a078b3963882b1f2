package dev.crater.orders;

import dev.crater.orders.TradingStore.NewOrderContext;
import dev.crater.orders.engine.Event;
import dev.crater.orders.engine.OrderSnapshot;
import dev.crater.orders.engine.Snapshot;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.LongFunction;

/**
 * What one round of a trading shard stores in one transaction ({@link TradingWriter#persist(RoundOutcome)}).
 *
 * @param events the events, in engine order
 * @param contexts request context of orders placed in this batch, by order id
 * @param cashRequestByLedgerId the operator's cash request each deposit's ledger entry answers
 * @param rejectedStoredOrders stored orders the engine refused after acceptance (conditional legs)
 * @param movedStops trailing orders whose stop (and limit) moved with the market
 * @param liveOrder the engine's current state of an order, or null when it is no longer live
 * @param accountState the engine's current state of an account
 * @param appliedCash cash request ids applied (or refused, with the reason) in this batch
 * @param nowMs market time of the round
 * @param appliedResets account reset request ids applied (or refused, with the reason) in this batch
 */
record RoundOutcome(List<Event> events, Map<Long, NewOrderContext> contexts, Map<Long, Long> cashRequestByLedgerId,
        Set<Long> rejectedStoredOrders, Map<Long, OrderSnapshot> movedStops, LongFunction<OrderSnapshot> liveOrder,
        LongFunction<Snapshot.AccountState> accountState, Map<Long, String> appliedCash, long nowMs,
        Map<Long, String> appliedResets) {

    RoundOutcome(List<Event> events, Map<Long, NewOrderContext> contexts, Map<Long, Long> cashRequestByLedgerId,
            Set<Long> rejectedStoredOrders, Map<Long, OrderSnapshot> movedStops, LongFunction<OrderSnapshot> liveOrder,
            LongFunction<Snapshot.AccountState> accountState, Map<Long, String> appliedCash, long nowMs) {
        this(events, contexts, cashRequestByLedgerId, rejectedStoredOrders, movedStops, liveOrder, accountState,
                appliedCash, nowMs, Map.of());
    }

    /** Whether the round changed nothing to store. */
    boolean nothingToStore() {
        return events.isEmpty() && appliedCash.isEmpty() && movedStops.isEmpty() && appliedResets.isEmpty();
    }
}
