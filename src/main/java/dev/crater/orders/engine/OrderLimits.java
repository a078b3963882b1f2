package dev.crater.orders.engine;

import java.math.BigDecimal;

/**
 * The size limits of an order, defined once: the request parser refuses past them with the documented
 * ModelState error, and the engine (which may be driven directly: tests, benchmarks, a restored
 * snapshot) rejects past them too.
 */
public final class OrderLimits {
    /** Largest quantity of an order or a leg: 10,000,000 shares or contracts. */
    public static final BigDecimal QUANTITY_MAX = new BigDecimal("10000000");
    /** {@link #QUANTITY_MAX} in the engine's fixed-point units. */
    public static final long QUANTITY_MAX_UNITS = Fixed.units(QUANTITY_MAX.longValueExact());
    /** Most legs of a spread or a conditional order. */
    public static final int LEGS_MAX = 4;

    private OrderLimits() {
    }
}
