package dev.crater.orders.engine;

/**
 * A position per (account, security), for PositionResource: signed {@code quantity} (short &lt; 0),
 * {@code costBasis} (positive, average open price × |quantity| × contract size), realized P/L (commissions
 * excluded), day figures since the last Settle, closed quantity/value for the average close price.
 * {@code fillQuantitySum} is Σ signed fill quantities (an invariant cross-check, equals {@code quantity});
 * {@code openedToday} the quantity opened since the last Settle (for the day-trade flag).
 */
public record PositionSnapshot(long accountId, int securityId, String symbol, Instrument instrument, long quantity,
        long costBasis, long realizedPl, long dayQuantity, long dayRealizedPl, long closedQuantity, long closedValue,
        long fillQuantitySum, long openedToday, long createdMs, long modifiedMs) {

    public long averageOpenPrice() {
        return quantity == 0 ? 0
                : Fixed.mulDiv(costBasis, Fixed.SCALE, Math.multiplyExact(Math.abs(quantity), instrument.contractSize()));
    }

    public long averageClosePrice() {
        return closedQuantity == 0 ? 0 : Fixed.mulDiv(closedValue, Fixed.SCALE, closedQuantity);
    }
}
