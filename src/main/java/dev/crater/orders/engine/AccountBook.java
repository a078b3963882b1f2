package dev.crater.orders.engine;

import dev.crater.common.MarginType;
import java.util.ArrayDeque;

/** Mutable engine-internal account: cash, settled cash, reservations, unsettled proceeds, positions, open orders. */
final class AccountBook {
    final long id;
    final MarginType marginType;
    final CommissionPlan plan;
    final long createdMs;
    long cash;
    long settled;
    long reserved;
    long ledgerSum;
    final ArrayDeque<Snapshot.PendingSettlement> pending = new ArrayDeque<>();
    final LongMap<Position> positions = new LongMap<>(8);
    final LongMap<Order> open = new LongMap<>(8);

    AccountBook(long id, MarginType marginType, CommissionPlan plan, long createdMs) {
        this.id = id;
        this.marginType = marginType;
        this.plan = plan;
        this.createdMs = createdMs;
    }

    boolean cashAccount() {
        return marginType == MarginType.Cash;
    }

    long pendingTotal() {
        long s = 0;
        for (Snapshot.PendingSettlement p : pending) {
            s += p.amount();
        }
        return s;
    }
}
