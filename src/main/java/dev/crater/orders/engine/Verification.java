package dev.crater.orders.engine;

import java.util.Map;

/**
 * Outcome of {@link Engine#verify}: the VerifyOrderModel figures (fixed-point). {@code commissions} has the keys
 * "Per Trade Commission" and "Per Contract Commission". {@code cost} = estimated price × quantity × contract size
 * (spreads: |net| per spread); {@code netCost} = cost + commission for buys/debits, cost − commission for
 * sells/credits; {@code marginChange} = the buying power the order would hold (its reservation).
 */
public record Verification(boolean successful, RejectCode code, String text, long commission,
        Map<String, Long> commissions, long cost, long netCost, long marginChange) {
}
