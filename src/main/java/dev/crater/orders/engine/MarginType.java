package dev.crater.orders.engine;

/**
 * Account margin type (UserAccountModel {@code MarginType}) and its buying-power multiplier on excess:
 * Cash 1 (settled cash only, no shorts), Margin 2 (Reg T), DayTrader 4, MarginIra 1 (no borrowing, no shorts).
 */
public enum MarginType {
    Cash(1), Margin(2), DayTrader(4), MarginIra(1);

    private final int multiplier;

    MarginType(int multiplier) {
        this.multiplier = multiplier;
    }

    public int multiplier() {
        return multiplier;
    }
}
