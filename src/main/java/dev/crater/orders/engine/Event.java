package dev.crater.orders.engine;

import dev.crater.common.MarginType;
import java.util.List;

/**
 * Engine output, in the order the engine decided things. The events of one command are meant to be stored in one
 * transaction. Prices, quantities and money are fixed-point ({@link Fixed}).
 */
public sealed interface Event {
    long timeMs();

    long accountId();

    record AccountOpened(long timeMs, long accountId, MarginType marginType, CommissionPlan commissions) implements Event {
    }

    /**
     * An order (root, leg, or single) was accepted. {@code status} is New, or Suspended for a conditional leg that
     * waits for its trigger leg. {@code order} is the full state at acceptance.
     */
    record Accepted(long timeMs, long accountId, long orderId, long parentId, OrderStatus status, OrderSnapshot order)
            implements Event {
    }

    /**
     * A command was refused, or a conditional leg failed its checks at activation. {@code ref} is the order id
     * (Place/Cancel/Replace), the account id (OpenAccount) or the request id (Deposit).
     */
    record Rejected(long timeMs, long accountId, long ref, RejectCode code, String text) implements Event {
    }

    /**
     * An execution. {@code entries} are the ledger entries it produced (OrderExecution, Commission fees);
     * {@code status} is PartiallyFilled or Filled; {@code averagePrice} over all fills of the order. For a spread
     * root {@code price} is the net price per spread (negative = credit), {@code securityId} is 0 and the entries
     * hold only its per-trade commission; the legs get their own Fill events.
     */
    record Fill(long timeMs, long accountId, long orderId, long fillId, int securityId, Side side, long price,
            long quantity, long commission, long perTradeCommission, long perContractCommission, long executed,
            long leaves, long averagePrice, OrderStatus status, List<LedgerEntry> entries, long cashAfter)
            implements Event {
    }

    /** Canceled (status Canceled, code 4): by the user, by a sibling fill, IOC/FOK remainder, open passed, … */
    record Canceled(long timeMs, long accountId, long orderId, long executed, String reason) implements Event {
    }

    /** Expired (status Expired, code 12): Day at its last session's close, GoodTillDate at its expiry. */
    record Expired(long timeMs, long accountId, long orderId, long executed, String reason) implements Event {
    }

    /** Replace applied; {@code order} is the new state (same id). */
    record Replaced(long timeMs, long accountId, long orderId, OrderSnapshot order) implements Event {
    }

    /** A stop triggered at {@code price} (last), or a conditional leg was activated ({@code price} 0). */
    record Triggered(long timeMs, long accountId, long orderId, TriggerKind kind, long price) implements Event {
    }

    /** A deposit or withdrawal. */
    record CashMoved(long timeMs, long accountId, LedgerEntry entry, long cashAfter, long settledCashAfter) implements Event {
    }

    /** Sale proceeds became settled (cash accounts). */
    record Settled(long timeMs, long accountId, long amount, long settledCashAfter) implements Event {
    }

    /** A position after a fill or a day reset. */
    record PositionChanged(long timeMs, long accountId, PositionSnapshot position) implements Event {
    }

    /** A conditional group's root reached its final status (Filled, Canceled, Expired or Rejected). */
    record GroupCompleted(long timeMs, long accountId, long orderId, OrderStatus status) implements Event {
    }
}
