package dev.crater.orders.engine;

/**
 * One cash movement, shaped after TransactionMapModel: {@code value} is the signed cash effect (fixed),
 * {@code securityId} -1 for pure cash, {@code orderId} 0 when none, {@code quantity} the signed fill quantity for
 * executions, {@code leavesQuantity} the order's leaves after the fill. The sum of an account's entries is its cash.
 */
public record LedgerEntry(long id, long accountId, int securityId, long orderId, long timeMs, TxType type, long value,
        long quantity, long leavesQuantity, Fee fee, boolean dayTrade, String description) {
}
