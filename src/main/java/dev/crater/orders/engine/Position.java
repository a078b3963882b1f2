package dev.crater.orders.engine;

/**
 * Mutable position per (account, security). Fills never flip a position through zero (the engine caps closing
 * fills at the position and refuses opening fills against the other direction), so a fill either opens/increases
 * or closes/decreases.
 */
final class Position {
    final long accountId;
    final int securityId;
    final String symbol;
    final Instrument inst;
    final long createdMs;
    long qty;
    long costBasis;
    long realized;
    long dayQty;
    long dayRealized;
    long closedQty;
    long closedValue;
    long fillQtySum;
    long openedToday;
    long modifiedMs;
    /** The security's book (for its last price); never null for positions created by fills or restored. */
    SecBook book;

    Position(long accountId, int securityId, String symbol, Instrument inst, long createdMs) {
        this.accountId = accountId;
        this.securityId = securityId;
        this.symbol = symbol;
        this.inst = inst;
        this.createdMs = createdMs;
        this.modifiedMs = createdMs;
    }

    /**
     * Applies a fill of signed quantity {@code signed} (fixed) worth {@code notional} (price × units × contract
     * size) at {@code price}; returns whether it closed quantity opened today (a day trade).
     */
    boolean apply(long signed, long notional, long price, long units, long t) {
        long abs = Math.abs(signed);
        fillQtySum += signed;
        dayQty += abs;
        modifiedMs = t;
        if (qty == 0 || Long.signum(qty) == Long.signum(signed)) {
            costBasis = Math.addExact(costBasis, notional);
            qty += signed;
            openedToday += abs;
            return false;
        }
        long held = Math.abs(qty);
        if (abs > held) {
            throw new IllegalStateException("fill would flip position " + accountId + "/" + securityId);
        }
        long removed = abs == held ? costBasis : Fixed.mulDiv(costBasis, abs, held);
        long pnl = qty > 0 ? notional - removed : removed - notional;
        realized += pnl;
        dayRealized += pnl;
        costBasis -= removed;
        qty += signed;
        closedQty += abs;
        closedValue = Math.addExact(closedValue, Math.multiplyExact(price, units));
        return openedToday > 0;
    }

    PositionSnapshot snapshot() {
        return new PositionSnapshot(accountId, securityId, symbol, inst, qty, costBasis, realized, dayQty, dayRealized,
                closedQty, closedValue, fillQtySum, openedToday, createdMs, modifiedMs);
    }

    static Position from(PositionSnapshot s) {
        Position p = new Position(s.accountId(), s.securityId(), s.symbol(), s.instrument(), s.createdMs());
        p.qty = s.quantity();
        p.costBasis = s.costBasis();
        p.realized = s.realizedPl();
        p.dayQty = s.dayQuantity();
        p.dayRealized = s.dayRealizedPl();
        p.closedQty = s.closedQuantity();
        p.closedValue = s.closedValue();
        p.fillQtySum = s.fillQuantitySum();
        p.openedToday = s.openedToday();
        p.modifiedMs = s.modifiedMs();
        return p;
    }
}
