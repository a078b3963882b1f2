package dev.crater.market;

/**
 * Names one session period of the market as a number: the trading day it belongs to and its phase
 * on that day. A trading day has four periods in this order: the closed night before it (from the
 * previous trading day's post-market close, weekends and holidays included), pre-market, regular
 * and post-market. Keys grow with market time, so two keys tell whether the clock moved forward
 * within one trading day, on to another day, or back.
 */
public final class SessionKey {

    private static final int PHASES = 4;

    private SessionKey() {
    }

    /** The key of {@code session} on trading day {@code tradingDay} (CLOSED: the night before it). */
    public static long of(int tradingDay, Session session) {
        return (long) tradingDay * PHASES + session.ordinal();
    }

    /** The trading day a key belongs to. */
    public static long tradingDay(long key) {
        return Math.floorDiv(key, PHASES);
    }

    /** True when {@code next} follows {@code previous} later on the same trading day. */
    public static boolean laterSameDay(long previous, long next) {
        return next > previous && tradingDay(next) == tradingDay(previous);
    }
}
