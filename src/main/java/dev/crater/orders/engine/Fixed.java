package dev.crater.orders.engine;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.math.RoundingMode;

/**
 * Exact decimal arithmetic for the engine: every price, quantity and money amount is a {@code long}
 * holding the value times {@link #SCALE} (10^6), i.e. six decimal places. {@code 123.45} is
 * {@code 123_450_000L}; one share is {@code 1_000_000L}. No {@code double} or {@code float} is used anywhere
 * in the engine.
 *
 * <p>Range: ±9.2·10^12 units of the value (dollars, shares). Products go through {@link #mulDiv}, which uses
 * {@link Math#multiplyHigh} to detect a 128-bit intermediate and only then falls back to {@link BigInteger};
 * a result that does not fit a {@code long} throws {@link ArithmeticException} (a bug or absurd input, never a
 * silent wrap).
 *
 * <p>Rounding: {@link #mulDiv} rounds half away from zero. Most engine products are exact anyway: quantities are
 * whole shares/contracts, so {@code price × units × contractSize} never rounds. Rounding only happens for
 * percentage trailing offsets (then rounded to the tick), for cents→dollars commission conversion, for the
 * cost basis removed by a partial close and for displayed averages. Booked money is rounded to the cent by
 * {@link #toCents} (see there).
 *
 * <p>{@link #NONE} ({@code Long.MIN_VALUE}) marks an absent price/amount ("not given"), so that a
 * genuine zero (e.g. an even-money spread limit) stays distinguishable.
 */
public final class Fixed {
    /** Number of decimal places. */
    public static final int DECIMALS = 6;
    /** Fixed-point scale: the long value of 1. */
    public static final long SCALE = 1_000_000L;
    /** Sentinel for "no value". */
    public static final long NONE = Long.MIN_VALUE;
    /** One cent, the minor unit of the account currency (USD): every booked money amount is a multiple of it. */
    public static final long CENT = SCALE / 100;

    private Fixed() {
    }

    /** The fixed value of a decimal, rounded half-up to six places; {@code null} gives {@link #NONE}. */
    public static long of(BigDecimal v) {
        if (v == null) {
            return NONE;
        }
        return v.setScale(DECIMALS, RoundingMode.HALF_UP).unscaledValue().longValueExact();
    }

    /** Parses a decimal string ({@code "12.34"}). */
    public static long of(String v) {
        return of(new BigDecimal(v));
    }

    /** The fixed value of a whole number ({@code 100} shares → {@code 100_000_000}). */
    public static long units(long whole) {
        return Math.multiplyExact(whole, SCALE);
    }

    /** The decimal of a fixed value ({@code null} for {@link #NONE}), scale 6. */
    public static BigDecimal toBigDecimal(long v) {
        return v == NONE ? null : BigDecimal.valueOf(v, DECIMALS);
    }

    /** Plain string without trailing zeros ("12.5"); "none" for {@link #NONE}. */
    public static String format(long v) {
        return v == NONE ? "none" : BigDecimal.valueOf(v, DECIMALS).stripTrailingZeros().toPlainString();
    }

    /** {@code a × b} of two fixed values, rounded half away from zero. */
    public static long mul(long a, long b) {
        return mulDiv(a, b, SCALE);
    }

    /** {@code a × b / c} exactly (128-bit intermediate), rounded half away from zero; {@code c > 0}. */
    public static long mulDiv(long a, long b, long c) {
        if (c <= 0) {
            throw new ArithmeticException("divisor must be positive: " + c);
        }
        long hi = Math.multiplyHigh(a, b);
        long lo = a * b;
        if ((hi == 0 && lo >= 0) || (hi == -1 && lo < 0)) {
            return divRound(lo, c);
        }
        BigInteger[] qr = BigInteger.valueOf(a).multiply(BigInteger.valueOf(b)).divideAndRemainder(BigInteger.valueOf(c));
        BigInteger q = qr[0];
        if (qr[1].abs().shiftLeft(1).compareTo(BigInteger.valueOf(c)) >= 0) {
            q = q.add(BigInteger.valueOf(qr[1].signum()));
        }
        return q.longValueExact();
    }

    /** {@code x / c} rounded half away from zero; {@code c > 0}. */
    public static long divRound(long x, long c) {
        long q = x / c;
        long r = x % c;
        long ar = Math.abs(r);
        if (ar >= c - ar) {
            q += Long.signum(x);
        }
        return q;
    }

    /**
     * The booking rule for money: {@code v} rounded to the cent, half away from zero ("half-up" on the amount).
     * Applied to each fill's principal, each per-trade commission and each order's cumulative per-share/per-contract
     * commission, so the ledger, cash and the balance map hold the same cents.
     */
    public static long toCents(long v) {
        return Math.multiplyExact(divRound(v, CENT), CENT);
    }

    /** Whether a money amount is a whole number of cents. */
    public static boolean isCents(long v) {
        return v % CENT == 0;
    }

    /** Largest multiple of {@code tick} ≤ v (v itself when tick ≤ 0). */
    public static long floorTo(long v, long tick) {
        return tick <= 0 ? v : Math.floorDiv(v, tick) * tick;
    }

    /** Smallest multiple of {@code tick} ≥ v (v itself when tick ≤ 0). */
    public static long ceilTo(long v, long tick) {
        return tick <= 0 ? v : Math.ceilDiv(v, tick) * tick;
    }

    /** Whether v is a multiple of tick (always true when tick ≤ 0). */
    public static boolean onTick(long v, long tick) {
        return tick <= 0 || v % tick == 0;
    }

    /** Whether a fixed quantity is a whole number of units. */
    public static boolean isWhole(long q) {
        return q % SCALE == 0;
    }
}
