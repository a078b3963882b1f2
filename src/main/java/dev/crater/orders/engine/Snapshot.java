package dev.crater.orders.engine;

import dev.crater.common.MarginType;
import dev.crater.market.Session;
import java.util.List;

/**
 * The whole engine state as plain records, sorted canonically (accounts, positions, orders by id; quotes by
 * security). {@link Engine#restore(Snapshot)} rebuilds an engine whose {@link Engine#stateHash()} is equal and whose
 * future events are identical. Open orders include conditional roots and spread legs (linked by
 * {@code parentId}/{@code legIndex}), trailing state and queue priorities; {@code finishedLegs} are the already
 * terminal legs of conditional groups that are still live (their status decides the group's outcome).
 */
public record Snapshot(long nowMs, Session session, long sessionKey, long sessionSinceMs, long nextFillId, long nextLedgerId, long nextSeq,
        List<AccountState> accounts, List<PositionSnapshot> positions, List<OrderSnapshot> orders,
        List<OrderSnapshot> finishedLegs, List<QuoteState> quotes) {

    /**
     * A snapshot without {@code finishedLegs} (e.g. rebuilt from stored live orders). {@link Engine#restore} then
     * stands in a Canceled placeholder for each missing terminal leg of a live conditional group; this only affects
     * the group's final status when it ends unfilled (Canceled instead of Expired/Rejected).
     */
    public Snapshot(long nowMs, Session session, long sessionKey, long sessionSinceMs, long nextFillId,
            long nextLedgerId, long nextSeq, List<AccountState> accounts, List<PositionSnapshot> positions,
            List<OrderSnapshot> orders, List<QuoteState> quotes) {
        this(nowMs, session, sessionKey, sessionSinceMs, nextFillId, nextLedgerId, nextSeq, accounts, positions, orders, List.of(),
                quotes);
    }

    /** One account; {@code pending} are unsettled sale proceeds (cash accounts) in trade-time order. */
    public record AccountState(long accountId, MarginType marginType, CommissionPlan commissions, long cash,
            long settledCash, long reserved, long ledgerSum, List<PendingSettlement> pending, long createdMs) {
    }

    /** Unsettled proceeds of a trade at {@code tradeTimeMs}. */
    public record PendingSettlement(long tradeTimeMs, long amount) {
    }

    /** The last quote of a security; {@code bidLeft}/{@code askLeft} are the sizes not yet consumed by fills. */
    public record QuoteState(int securityId, long timeMs, long bid, long bidSize, long bidLeft, long ask, long askSize,
            long askLeft, long last, Session session, long sessionKey, boolean halted) {
    }
}
