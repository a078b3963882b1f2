package dev.crater.market;

/**
 * The trading session of the US equities market at a given instant, as decided by
 * {@link TradingCalendar#session(java.time.Instant)}. All times are New York local time. The order
 * is a trading day's (the night before it, then pre-market, regular, post-market): {@link SessionKey}
 * relies on it.
 */
public enum Session {
    /** No session: overnight (20:00–04:00), weekends, exchange holidays, and after 17:00 on early-close days. */
    CLOSED,
    /** Pre-market (extended hours) session, 04:00–09:30 on trading days. */
    PRE_MARKET,
    /** Regular session, 09:30–16:00 on trading days (09:30–13:00 on early-close days). */
    REGULAR,
    /** Post-market (extended hours) session, 16:00–20:00 on trading days (13:00–17:00 on early-close days). */
    POST_MARKET
}
