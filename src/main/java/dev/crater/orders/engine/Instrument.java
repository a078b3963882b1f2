package dev.crater.orders.engine;

/**
 * Security data the engine needs for risk and money: contract size (1 stock, 100 option), whether it may be
 * shorted and bought on margin, the price tick (fixed, 0 = unchecked), whether it is an option, whether it is
 * tradable. Supplied by the caller with each order (the engine does not read the security master).
 */
public record Instrument(int contractSize, boolean allowShort, boolean allowMargin, long tickSize, boolean isOption,
        boolean tradable) {

    /** A marginable, shortable stock with a one-cent tick. */
    public static Instrument stock() {
        return new Instrument(1, true, true, Fixed.of("0.01"), false, true);
    }

    /** A 100-share option with a one-cent tick, short allowed (writing) in margin accounts. */
    public static Instrument option() {
        return new Instrument(100, true, false, Fixed.of("0.01"), true, true);
    }
}
