package dev.crater.orders.engine;

import dev.crater.common.MarginType;
import dev.crater.market.Quote;
import dev.crater.market.Session;
import dev.crater.market.SessionKey;
import java.util.List;

/**
 * Engine input. Every command carries {@code timeMs}, stamped by the caller (the engine never reads a clock).
 * Amounts and prices are fixed-point ({@link Fixed}).
 */
public sealed interface Command {
    long timeMs();

    /** Opens an account with its margin type and commission plan; the cash starts at zero (fund with Deposit). */
    record OpenAccount(long timeMs, long accountId, MarginType marginType, CommissionPlan commissions) implements Command {
    }

    /**
     * Moves cash in (positive) or out (negative, a withdrawal) with a {@code Payment} ledger entry. Deposits are
     * settled at once (paper money). A withdrawal may not exceed the withdrawable amount (see {@link Engine}).
     * {@code requestId} is echoed in a rejection.
     */
    record Deposit(long timeMs, long accountId, long amount, String description, long requestId) implements Command {
    }

    /**
     * Resets an account to {@code cash} (a paper account's starting cash): cancels every live order ("Account
     * reset"), closes every open position at its mark (the last price, or its average open price without a quote)
     * with one Market order per position, ids taken from {@code closeOrderIds} in security order (Accepted, then a
     * commission-free Fill), then books one {@code Payment} entry of {@code cash} − cash (possibly 0, so the reset
     * is always in the ledger) described by {@code description}. Refused, changing nothing, when the account is
     * unknown, {@code cash} is negative or finer than cents, or there are fewer free ids than open positions.
     * {@code userId} is recorded as the closing orders' user; {@code requestId} is echoed in a rejection.
     */
    record Reset(long timeMs, long accountId, long userId, long cash, List<Long> closeOrderIds, String description,
            long requestId) implements Command {
        public Reset {
            closeOrderIds = closeOrderIds == null ? List.of() : List.copyOf(closeOrderIds);
        }
    }

    /** Places an order for {@code accountId} on behalf of {@code userId}; {@code reduceOnly} for ClosePositionsOnly users. */
    record Place(long timeMs, long accountId, long userId, boolean reduceOnly, OrderSpec order) implements Command {
    }

    /** Cancels a live order (or a whole conditional group / spread); {@code accountId} 0 skips the owner check. */
    record Cancel(long timeMs, long accountId, long orderId) implements Command {
    }

    /**
     * Cancel/replace of a live order, keeping its id. Fields left at {@link Fixed#NONE} are unchanged.
     * {@code quantity} is the new total quantity (must exceed the executed quantity).
     */
    record Replace(long timeMs, long accountId, long orderId, long quantity, long limitPrice, long stopPrice,
            long trailingAmount, long trailingLimitAmount, long expireAtMs) implements Command {
    }

    /**
     * A quote from the simulated market. Sizes are whole shares/contracts; prices fixed; a price ≤ 0 means no price
     * on that side. The tick's {@code session} and {@code sessionKey} (the session period, {@link SessionKey}) also
     * advance the engine's session (like {@link Clock}).
     */
    record QuoteTick(long timeMs, int securityId, long bid, long bidSize, long ask, long askSize, long last,
            Session session, long sessionKey, boolean halted) implements Command {

        /** A tick on trading day 0, for callers without a calendar (engine tests, benchmarks). */
        public QuoteTick(long timeMs, int securityId, long bid, long bidSize, long ask, long askSize, long last,
                Session session, boolean halted) {
            this(timeMs, securityId, bid, bidSize, ask, askSize, last, session, SessionKey.of(0, session), halted);
        }

        /** Converts a simulator quote (exact decimals) at the quote's own time, in session period {@code sessionKey}. */
        public static QuoteTick of(Quote q, long sessionKey) {
            return new QuoteTick(q.timeMs(), q.securityId(), Fixed.of(q.bid()), q.bidSize(), Fixed.of(q.ask()),
                    q.askSize(), Fixed.of(q.last()), q.session(), sessionKey, q.halted());
        }
    }

    /**
     * The time and the session the market is in now. A change of session period runs the session-boundary rules
     * (Day expiry, AtTheOpening cancellation; the whole day's when the clock left the trading day);
     * GoodTillDate orders whose expiry is ≤ {@code timeMs} expire. A null {@code session} moves time only.
     */
    record Clock(long timeMs, Session session, long sessionKey) implements Command {

        /** A clock on trading day 0, for callers without a calendar (engine tests). */
        public Clock(long timeMs, Session session) {
            this(timeMs, session, session == null ? 0 : SessionKey.of(0, session));
        }
    }

    /**
     * Start of a trading day: settles cash-account sale proceeds of trades executed before {@code tradesBeforeMs}
     * (the caller passes the start of the current trading day, giving T+1 in trading days by its calendar),
     * resets the positions' day figures and drops flat positions.
     */
    record Settle(long timeMs, long tradesBeforeMs) implements Command {
    }
}
