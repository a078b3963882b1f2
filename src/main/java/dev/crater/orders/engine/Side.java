package dev.crater.orders.engine;

/** Order side (CreateOrderResource {@code Side}). Buy and SellShort open; Sell and BuyToCover close. */
public enum Side {
    Buy, Sell, SellShort, BuyToCover;

    /** Buy and BuyToCover take the ask; Sell and SellShort hit the bid. */
    public boolean isBuy() {
        return this == Buy || this == BuyToCover;
    }

    /** Buy and SellShort open (or increase) a position; Sell and BuyToCover reduce one. */
    public boolean opens() {
        return this == Buy || this == SellShort;
    }
}
