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
    final Instrument instrument;
    final long createdMs;
    long quantity;
    long costBasis;
    long realized;
    long dayQuantity;
    long dayRealized;
    long closedQuantity;
    long closedValue;
    long fillQuantitySum;
    long openedToday;
    long modifiedMs;
    /** The security's book (for its last price); never null for positions created by fills or restored. */
    SecBook book;

    Position(long accountId, int securityId, String symbol, Instrument instrument, long createdMs) {
        this.accountId = accountId;
        this.securityId = securityId;
        this.symbol = symbol;
        this.instrument = instrument;
        this.createdMs = createdMs;
        this.modifiedMs = createdMs;
    }

    /**
     * Applies a fill of signed quantity {@code signed} (fixed) worth {@code notional} (price × units × contract
     * size) at {@code price}; returns whether it closed quantity opened today (a day trade).
     */
    boolean apply(long signed, long notional, long price, long units, long t) {
        long abs = Math.abs(signed);
        fillQuantitySum += signed;
        dayQuantity += abs;
        modifiedMs = t;
        if (quantity == 0 || Long.signum(quantity) == Long.signum(signed)) {
            costBasis = Math.addExact(costBasis, notional);
            quantity += signed;
            openedToday += abs;
            return false;
        }
        long held = Math.abs(quantity);
        if (abs > held) {
            throw new IllegalStateException("fill would flip position " + accountId + "/" + securityId);
        }
        long removed = abs == held ? costBasis : Fixed.mulDiv(costBasis, abs, held);
        long pnl = quantity > 0 ? notional - removed : removed - notional;
        realized += pnl;
        dayRealized += pnl;
        costBasis -= removed;
        quantity += signed;
        closedQuantity += abs;
        closedValue = Math.addExact(closedValue, Math.multiplyExact(price, units));
        return openedToday > 0;
    }

    PositionSnapshot snapshot() {
        return new PositionSnapshot(accountId, securityId, symbol, instrument, quantity, costBasis, realized, dayQuantity,
                dayRealized, closedQuantity, closedValue, fillQuantitySum, openedToday, createdMs, modifiedMs);
    }

    static Position from(PositionSnapshot s) {
        Position p = new Position(s.accountId(), s.securityId(), s.symbol(), s.instrument(), s.createdMs());
        p.quantity = s.quantity();
        p.costBasis = s.costBasis();
        p.realized = s.realizedPl();
        p.dayQuantity = s.dayQuantity();
        p.dayRealized = s.dayRealizedPl();
        p.closedQuantity = s.closedQuantity();
        p.closedValue = s.closedValue();
        p.fillQuantitySum = s.fillQuantitySum();
        p.openedToday = s.openedToday();
        p.modifiedMs = s.modifiedMs();
        return p;
    }
}
