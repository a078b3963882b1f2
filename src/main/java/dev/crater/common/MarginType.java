package dev.crater.common;

/**
 * The documented account margin types ({@code UserAccountModel.MarginType}; the number on the wire is
 * the ordinal) and the buying-power multiplier each applies to excess equity: Cash 1 (settled cash
 * only, no shorts), Margin 2 (Reg T), DayTrader 4, MarginIra 1 (no borrowing, no shorts). {@code Empty}
 * is the documented "not set" value; such an account trades as {@link #Cash} ({@link #traded()}).
 */
public enum MarginType {
    Empty(1), Cash(1), Margin(2), DayTrader(4), MarginIra(1);

    private final int multiplier;

    MarginType(int multiplier) {
        this.multiplier = multiplier;
    }

    public int multiplier() {
        return multiplier;
    }

    /** The rules an account of this type trades under: its own, Cash for {@code Empty}. */
    public MarginType traded() {
        return this == Empty ? Cash : this;
    }
}
