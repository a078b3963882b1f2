package dev.crater.orders.engine;

import static dev.crater.orders.engine.Fixed.NONE;
import static dev.crater.orders.engine.Fixed.SCALE;
import static dev.crater.orders.engine.Order.W_BUY_LIMIT;
import static dev.crater.orders.engine.Order.W_BUY_STOP;
import static dev.crater.orders.engine.Order.W_NONE;
import static dev.crater.orders.engine.Order.W_OPENING;
import static dev.crater.orders.engine.Order.W_READY;
import static dev.crater.orders.engine.Order.W_SELL_LIMIT;
import static dev.crater.orders.engine.Order.W_SELL_STOP;
import static dev.crater.orders.engine.Order.W_SPREAD;
import static dev.crater.orders.engine.Order.W_TRAILING;

import dev.crater.market.Session;
import dev.crater.market.SessionKey;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * The deterministic paper-execution engine of one shard of accounts: commands in ({@link #apply}), events out.
 * No I/O, clock, randomness, logging or threads: every command carries its time, and the same command sequence
 * always gives the same events and the same {@link #stateHash()}.
 *
 * <p><b>Threading.</b> Not thread-safe by design: one thread owns an engine (one shard) and feeds it commands from
 * its inbox; readers ({@link #balances}, {@link #openOrders}, …) must run on that thread too.
 *
 * <p><b>Numbers.</b> Prices, quantities and money are {@code long} fixed-point with six decimals ({@link Fixed}).
 * Quantities must be whole shares/contracts.
 *
 * <h2>Order state machine</h2>
 * <pre>
 *  Place ─► rejected (Rejected event, nothing stored)
 *        └► New ──fill──► PartiallyFilled ──fill──► Filled
 *            │  (conditional dependent legs start Suspended, become New when activated)
 *            ├──Cancel / sibling fill / IOC-FOK remainder / open passed / position gone──► Canceled
 *            ├──Day close / GoodTillDate──► Expired
 *            └──Replace──► New|PartiallyFilled (same id, new priority)
 * </pre>
 * Terminal orders leave the engine (the persistence layer keeps them); lookups only see live orders.
 *
 * <h2>Matching (the simulated market is the only counterparty)</h2>
 * <ul>
 * <li>A buy fills at the ask, a sell at the bid, each fill limited to the size left on the current quote of the
 * security: fills on one quote consume its size (orders in priority order: at-the-opening, stops triggered now,
 * market-ready orders, then limit orders best price first), the next QuoteTick restores it. So large orders fill
 * partially across ticks.</li>
 * <li>Limit buys fill when ask ≤ limit, limit sells when bid ≥ limit, at the quote (price improvement goes to the
 * client).</li>
 * <li>Stops trigger on the last price (buy: last ≥ stop, sell: last ≤ stop) and then act as market (StopLimit: as
 * limit). Trailing stops track the best last since placement (sell: highest, buy: lowest) and keep the stop at
 * best ∓ amount (absolute, or percent of best; sell stops rounded down, buy stops up to the tick);
 * TrailingStopLimit's limit is stop ∓ limit offset, fixed when it triggers. Trailing stops trade in the regular
 * session only, so their state only moves on regular, non-halted ticks; it moves without events (read it with
 * {@link #order}/{@link #snapshot()} to persist it).</li>
 * <li>Nothing trades while the security is halted, outside the order's allowed sessions (default regular only), or on
 * a quote from another session than the engine's current one or older than the last session change. A Place tries the order at once against the last
 * quote of its security when that quote is current.</li>
 * <li>AllOrNone (and FillOrKill) fill only when the whole remaining quantity is available on one quote.
 * ImmediateOrCancel fills what the current quote allows and cancels the rest; FillOrKill all or cancel;
 * AtTheOpening waits for the security's first regular-session quote, tries once, cancels the rest (rejected with
 * OpeningPassed when placed during the regular or post-market session, canceled if the session passes the regular
 * one before a regular quote of the security came).</li>
 * <li>Positions never flip through zero: an opening fill (Buy/SellShort) against a position of the other direction
 * cancels the order; a closing fill (Sell/BuyToCover) is capped at the position and the remainder canceled when the
 * position is exhausted.</li>
 * </ul>
 *
 * <h2>Per-tick cost</h2>
 * Orders are indexed per security: limit orders sorted by price, stops by trigger price, trailing stops in a
 * {@code TrailBook} (grouped by best price), with the best price of each index cached, so a QuoteTick costs a few
 * comparisons plus work proportional to the orders whose condition it meets, and allocates nothing unless something
 * happens (a fill, a trigger, a trailing merge). Place costs O(log n) plus O(positions of the account) for the margin
 * check.
 *
 * <h2>Sessions and expiry</h2>
 * The engine's session is the one of the latest {@link Command.Clock} or {@link Command.QuoteTick}. On a change to
 * session S, every Day order that may not trade in S or any later session of the same day (PRE → REGULAR → POST)
 * expires: regular-only Day orders at 16:00 (REGULAR → POST), Day orders allowing post-market at 20:00 (→ CLOSED).
 * Day orders placed while CLOSED are queued for the next trading day; Day orders placed when none of their sessions
 * remain today are rejected (MarketClosedForDayOrder). GoodTillDate orders expire when the time reaches
 * {@code expireAtMs}. Extended-hours sessions need a limit price (Limit, StopLimit, TrailingStopLimit).
 *
 * <h2>Conditional orders</h2>
 * A conditional root (Symbol "") holds complete legs. OneCancelOther: both legs active, a fill (even partial) of one
 * cancels the other; not both Market. OneTriggerOther: leg 1 active (not Market), leg 2 Suspended until leg 1 is
 * completely filled, then activated (re-checked: position, buying power; a failing leg is Rejected). If the trigger
 * leg ends unfilled the dependents are canceled. OneTriggerOneCancelOther: leg 1 triggers the OCO pair legs 2 and 3.
 * Canceling the root or any leg cancels the whole group; when every leg is terminal the root completes
 * ({@link Event.GroupCompleted}: Filled if its final leg(s) filled, otherwise Expired/Rejected/Canceled). Legs may not
 * be IOC/FOK/AtTheOpening. The position of dependent legs is only checked at activation.
 *
 * <h2>Option spreads</h2>
 * A root of type Market or Limit with option legs (2–4 legs, distinct securities, each Symbol/Quantity/Side; leg
 * quantity = ratio × root quantity). The spread fills all legs together, only when every leg's current quote is
 * usable, at each leg's side of its last quote (buy legs at the ask, sell legs at the bid); the net price per spread
 * is Σ buy legs − Σ sell legs (× ratio), a Limit root fills when net ≤ limit (limit = maximum debit; a negative limit
 * is a minimum credit). The number of spreads per fill is limited by every leg's quoted size. Per-trade commission is
 * charged once on the root, per-contract commission on the legs. Option+stock combos are not supported (LegsInvalid).
 *
 * <h2>Risk (at Place, Replace and activation)</h2>
 * Tradable security, whole positive quantity, prices present and on tick, TIF/session rules, then position rules:
 * Sell needs a long position ≥ quantity, BuyToCover a short ≥ quantity, Buy no short, SellShort no long and a Margin
 * or DayTrader account (cash accounts: CashAccountCannotShort; MarginIra or a non-shortable security:
 * ShortSaleNotAllowed); reduce-only users may only close. Then buying power for opening orders: the order's
 * reservation must not exceed the available amount:
 * <ul>
 * <li>Cash: settled cash − reservations. Sale proceeds settle at the next {@link Command.Settle} whose
 * {@code tradesBeforeMs} passes the trade (T+1 by the caller's calendar) and cannot be spent before. At fill time a
 * cash-account buy is capped to what settled cash can pay (remainder canceled), so settled cash never goes negative.</li>
 * <li>Margin/DayTrader/MarginIra: margin excess − reservations. An opening order reserves its initial requirement:
 * marginable stock value ÷ multiplier (Reg T 50 % for Margin, i.e. 2 × buying power; 25 % DayTrader, the documented
 * 4 × day-trading buying power; 100 % MarginIra, which never borrows), long options and non-marginable stock in full,
 * short options 150 % (a stand-in, the engine knows no underlying); plus its commissions. Margin excess charges every
 * held position the same initial rate at its mark: equity − Σ initial requirement, and never more than equity −
 * maintenance (long stock 25 %, short stock 30 %, long options and non-marginable stock 100 %, short options
 * 150 %). So held + open never exceeds equity whatever the order of fills.</li>
 * </ul>
 * Reservation price: limit (Limit/StopLimit), stop (Stop), initial stop/limit (trailing), the ask (market buy) or bid
 * (market sell). Closing orders reserve nothing and are not checked against buying power. Every opening fill is
 * checked again at its own price: what it takes plus what its remainder reserves must fit the account's buying power
 * (its own reservation counted back); otherwise it fills what fits and the remainder is canceled ("insufficient
 * settled funds" / "insufficient buying power"). There are no margin calls or liquidation when prices move.
 *
 * <h2>Money</h2>
 * Every booked amount is in whole cents ({@link Fixed#toCents}, half away from zero): a fill's principal, the
 * per-trade commission, and an order's per-share/per-contract commission rounded on its cumulative quantity (each
 * fill books the increase, so fills never change the total). Deposits and withdrawals must be whole cents.
 * Each fill posts ledger entries: OrderExecution (−value for buys, +value for sells) and one Commission entry per fee
 * ("Per Trade Commission" once per order with its first fill; "Per Contract Commission" per share/contract). The
 * account plan's rates apply unless the order overrides them (ExecutionInstructions PerTradeCommission in dollars,
 * PerContractCommission in cents per share/contract, applying to shares and contracts alike). Deposits and
 * withdrawals post Payment entries. Σ ledger = cash always. Realized P/L excludes commissions.
 *
 * <h2>Invariants</h2>
 * {@link #checkInvariants()} verifies: ledger sum = cash; cash accounts have 0 ≤ settled cash, reservations ≤ settled
 * cash, cash = settled + unsettled; margin accounts settled = cash; position quantity = Σ signed fills, whole, no
 * cost basis when flat; 0 ≤ executed &lt; quantity for live orders; each order's reservation equals what its leaves
 * need and the account's reservation is their sum; every live order is indexed exactly where its state says.
 * {@link #restore} runs it and refuses an unsound snapshot.
 */
public final class Engine {
    /** Largest order quantity: 10^9 shares/contracts. */
    public static final long MAX_QUANTITY = Fixed.units(1_000_000_000L);
    private static final int MAX_SPREAD_LEGS = 4;
    private static final int BIT_PRE = 1 << Session.PRE_MARKET.ordinal();
    private static final int BIT_REG = 1 << Session.REGULAR.ordinal();
    private static final int BIT_POST = 1 << Session.POST_MARKET.ordinal();
    private static final int BIT_CLOSED = 1 << Session.CLOSED.ordinal();

    private final LongMap<Account> accounts = new LongMap<>(64);
    private final LongMap<Order> orders = new LongMap<>(1024);
    private final LongMap<SecBook> books = new LongMap<>(256);
    private final TreeSet<Order> gtd = new TreeSet<>(Order.BY_EXPIRY);
    private long gtdMin = Long.MAX_VALUE;
    private long now;
    private Session session = Session.CLOSED;
    /** The session period ({@link SessionKey}) the engine is in: the trading day and its phase. */
    private long sessionKey = Long.MIN_VALUE;
    /** Time of the last session change: quotes older than this are stale and never traded against. */
    private long sessionSinceMs = Long.MIN_VALUE;
    private long nextFillId = 1;
    private long nextLedgerId = 1;
    private long nextSeq = 1;

    // Per-command context (not state).
    private long t;
    private List<Event> out;
    private Order[][] scratch = new Order[8][];
    private int depth;

    /** An empty engine: no accounts, session CLOSED, time 0. */
    public Engine() {
    }

    // ------------------------------------------------------------------------------------------------ commands

    /** Applies one command, appending its events to {@code out} (in decision order). */
    public void apply(Command cmd, List<Event> out) {
        this.out = out;
        this.t = cmd.timeMs();
        if (t > now) {
            now = t;
        }
        try {
            switch (cmd) {
                case Command.QuoteTick q -> onQuote(q);
                case Command.Place p -> onPlace(p);
                case Command.Cancel c -> onCancel(c);
                case Command.Replace r -> onReplace(r);
                case Command.Clock c -> onClock(c);
                case Command.Deposit d -> onDeposit(d);
                case Command.OpenAccount o -> onOpenAccount(o);
                case Command.Settle s -> onSettle(s);
            }
        } finally {
            this.out = null;
            this.depth = 0;
        }
    }

    /** Convenience: applies and returns the events in a new list. */
    public List<Event> apply(Command cmd) {
        List<Event> events = new ArrayList<>(4);
        apply(cmd, events);
        return events;
    }

    private void onOpenAccount(Command.OpenAccount c) {
        if (c.marginType() == null || c.commissions() == null || c.accountId() == Long.MIN_VALUE) {
            reject(c.accountId(), c.accountId(), RejectCode.OrderInvalid, "Account type and commission plan are required.");
            return;
        }
        if (accounts.get(c.accountId()) != null) {
            reject(c.accountId(), c.accountId(), RejectCode.DuplicateAccount, null);
            return;
        }
        accounts.put(c.accountId(), new Account(c.accountId(), c.marginType(), c.commissions(), t));
        out.add(new Event.AccountOpened(t, c.accountId(), c.marginType(), c.commissions()));
    }

    private void onDeposit(Command.Deposit d) {
        Account a = accounts.get(d.accountId());
        if (a == null) {
            reject(d.accountId(), d.requestId(), RejectCode.AccountNotFound, null);
            return;
        }
        long amount = d.amount();
        if (amount == 0 || amount == NONE || !Fixed.isCents(amount)) {
            reject(a.id, d.requestId(), RejectCode.AmountInvalid, null);
            return;
        }
        if (amount < 0 && -amount > withdrawable(a)) {
            reject(a.id, d.requestId(), RejectCode.InsufficientFunds, "Withdrawal exceeds the withdrawable amount.");
            return;
        }
        LedgerEntry e = post(a, -1, 0, TxType.Payment, amount, 0, 0, null, false, d.description());
        a.cash = Math.addExact(a.cash, amount);
        a.settled = Math.addExact(a.settled, amount);
        out.add(new Event.CashMoved(t, a.id, e, a.cash, a.settled));
    }

    /**
     * Cash accounts: settled − reservations; margin accounts: min(cash, margin excess) − reservations, never below 0
     * (a withdrawal never takes what held positions and open orders need, see {@link #marginExcess}).
     */
    private long withdrawable(Account a) {
        long w = a.cashAccount() ? a.settled - a.reserved : Math.min(a.cash, marginExcess(a)) - a.reserved;
        return Math.max(0, Fixed.floorTo(w, Fixed.CENT));
    }

    private void onSettle(Command.Settle s) {
        List<Account> list = accounts.values();
        list.sort(Comparator.comparingLong(x -> x.id));
        for (Account a : list) {
            long moved = 0;
            while (!a.pending.isEmpty() && a.pending.peekFirst().tradeTimeMs() < s.tradesBeforeMs()) {
                moved += a.pending.pollFirst().amount();
            }
            if (moved != 0) {
                a.settled += moved;
                out.add(new Event.Settled(t, a.id, moved, a.settled));
            }
            List<Position> ps = a.positions.values();
            ps.sort(Comparator.comparingInt(p -> p.securityId));
            for (Position p : ps) {
                if (p.qty == 0) {
                    a.positions.remove(p.securityId);
                } else if (p.dayQty != 0 || p.dayRealized != 0 || p.openedToday != 0) {
                    p.dayQty = 0;
                    p.dayRealized = 0;
                    p.openedToday = 0;
                    out.add(new Event.PositionChanged(t, a.id, p.snapshot()));
                }
            }
        }
    }

    private void onClock(Command.Clock c) {
        if (c.session() != null && (c.sessionKey() != sessionKey || c.session() != session)) {
            enterSession(c.session(), c.sessionKey());
        }
        if (gtdMin <= now) {
            expireGtd();
        }
    }

    private void onQuote(Command.QuoteTick q) {
        int sid = q.securityId();
        SecBook b = books.get(sid);
        if (b == null) {
            b = new SecBook(sid);
            books.put(sid, b);
        }
        b.update(q);
        if (q.sessionKey() != sessionKey || q.session() != session) {
            enterSession(q.session(), q.sessionKey());
        }
        if (gtdMin <= now) {
            expireGtd();
        }
        if (b.orderCount > 0) {
            processBook(b);
        }
    }

    // ------------------------------------------------------------------------------------------------ place

    /** Result of building and checking a Place without changing state. */
    private static final class Prepared {
        RejectCode code;
        String text;
        Account account;
        Order root;
        long requirement;

        Prepared fail(RejectCode c, String txt) {
            code = c;
            text = txt == null ? c.text() : txt;
            return this;
        }
    }

    private void onPlace(Command.Place p) {
        Prepared pr = prepare(p);
        long id = p.order() == null ? 0 : p.order().orderId();
        if (pr.code != null) {
            reject(p.accountId(), id, pr.code, pr.text);
            return;
        }
        Order o = pr.root;
        switch (o.kind) {
            case Single -> acceptSingle(o, pr.requirement);
            case ConditionalRoot -> acceptConditional(o);
            case SpreadRoot -> acceptSpread(o, pr.requirement);
            default -> throw new IllegalStateException("unexpected kind " + o.kind);
        }
    }

    private Prepared prepare(Command.Place p) {
        Prepared r = new Prepared();
        Account a = accounts.get(p.accountId());
        if (a == null) {
            return r.fail(RejectCode.AccountNotFound, null);
        }
        r.account = a;
        OrderSpec s = p.order();
        if (s == null || s.type() == null || s.orderId() <= 0) {
            return r.fail(RejectCode.OrderInvalid, null);
        }
        if (orders.get(s.orderId()) != null) {
            return r.fail(RejectCode.DuplicateOrderId, null);
        }
        if (s.type().conditional()) {
            return prepareConditional(r, p, a, s);
        }
        if (!s.legs().isEmpty()) {
            if (s.type() == OrderType.Market || s.type() == OrderType.Limit) {
                return prepareSpread(r, p, a, s);
            }
            return r.fail(RejectCode.LegsInvalid, "Only Market or Limit roots may have option legs.");
        }
        Order o = build(s, a, p.userId(), p.reduceOnly(), OrderKind.Single);
        RejectCode c = checkStatic(o, false);
        if (c == null) {
            c = checkPosition(o, a, o.quantity);
        }
        if (c != null) {
            return r.fail(c, null);
        }
        o.status = OrderStatus.New;
        long req = requirement(o, o.leaves(), false);
        if (o.opens() && req > available(a)) {
            return r.fail(RejectCode.DayTradingBuyingPowerExceeded, null);
        }
        r.root = o;
        r.requirement = req;
        return r;
    }

    private Order build(OrderSpec s, Account a, long userId, boolean reduceOnly, OrderKind kind) {
        Order o = new Order();
        o.id = s.orderId();
        o.kind = kind;
        o.account = a;
        o.accountId = a.id;
        o.userId = userId;
        o.securityId = s.securityId();
        o.symbol = s.symbol();
        o.inst = s.instrument();
        o.side = s.side();
        o.type = s.type();
        o.tif = s.tif();
        o.quantity = s.quantity();
        o.limit = s.limitPrice();
        o.stop = s.stopPrice();
        o.trailAmt = s.trailingAmount();
        o.trailType = s.trailingAmountType() == null ? TrailType.Absolute : s.trailingAmountType();
        o.trailLimitOff = s.trailingLimitAmount();
        o.trailLimitType = s.trailingLimitAmountType() == null ? TrailType.Absolute : s.trailingLimitAmountType();
        o.expireAt = s.tif() == TimeInForce.GoodTillDate ? s.expireAtMs() : NONE;
        o.aon = s.allOrNone();
        o.sessions = mask(s.sessions());
        o.reduceOnly = reduceOnly;
        o.perTrade = Fixed.toCents(s.perTradeCommission() != NONE ? s.perTradeCommission() : a.plan.perTrade());
        boolean option = o.inst != null && o.inst.isOption();
        o.perUnit = s.perContractCommissionCents() != NONE ? Fixed.divRound(s.perContractCommissionCents(), 100)
                : option ? a.plan.perContract() : a.plan.perShare();
        o.book = kind == OrderKind.Single || kind == OrderKind.SpreadLeg ? books.get(o.securityId) : null;
        o.createdMs = t;
        o.updatedMs = t;
        if (!o.type.trailing()) {
            o.trailAmt = NONE;
        }
        if (o.type != OrderType.TrailingStopLimit) {
            o.trailLimitOff = NONE;
        }
        if (o.type == OrderType.Market) {
            o.limit = NONE;
            o.stop = NONE;
        } else if (o.type == OrderType.Limit) {
            o.stop = NONE;
        } else if (o.type == OrderType.Stop || o.type.trailing()) {
            o.limit = NONE;
            if (o.type.trailing()) {
                o.stop = NONE;
            }
        }
        return o;
    }

    private static int mask(java.util.Set<Session> sessions) {
        if (sessions == OrderSpec.REGULAR_ONLY) {
            return BIT_REG;
        }
        int m = 0;
        for (Session s : sessions) {
            m |= 1 << s.ordinal();
        }
        return m;
    }

    /** Checks that need no position or money: instrument, quantity, prices, ticks, TIF, sessions, quote. */
    private RejectCode checkStatic(Order o, boolean leg) {
        if (o.inst == null || o.side == null || o.tif == null || o.id <= 0) {
            return RejectCode.OrderInvalid;
        }
        if (!o.inst.tradable()) {
            return RejectCode.SecurityNotTradable;
        }
        if (o.inst.contractSize() <= 0 || o.inst.tickSize() < 0) {
            return RejectCode.OrderInvalid;
        }
        if (o.quantity <= 0 || !Fixed.isWhole(o.quantity) || o.quantity > MAX_QUANTITY) {
            return RejectCode.QuantityInvalid;
        }
        long tick = o.inst.tickSize();
        switch (o.type) {
            case Market -> {
            }
            case Limit, StopLimit -> {
                if (o.limit == NONE || o.limit <= 0) {
                    return RejectCode.LimitPriceUndefined;
                }
                if (!Fixed.onTick(o.limit, tick)) {
                    return RejectCode.PriceNotOnTick;
                }
            }
            case Stop, TrailingStop, TrailingStopLimit -> {
            }
            default -> {
                return RejectCode.OrderTypeInvalid;
            }
        }
        if (o.type == OrderType.Stop || o.type == OrderType.StopLimit) {
            if (o.stop == NONE || o.stop <= 0) {
                return RejectCode.QuotePriceIsInvalid;
            }
            if (!Fixed.onTick(o.stop, tick)) {
                return RejectCode.PriceNotOnTick;
            }
        }
        if (o.type.trailing()) {
            RejectCode c = checkTrail(o.trailAmt, o.trailType, tick, false);
            if (c != null) {
                return c;
            }
            if (o.type == OrderType.TrailingStopLimit) {
                c = checkTrail(o.trailLimitOff, o.trailLimitType, tick, true);
                if (c != null) {
                    return c;
                }
            }
        }
        if ((o.sessions & BIT_CLOSED) != 0 || o.sessions == 0) {
            return RejectCode.SessionNotAllowed;
        }
        // Extended sessions need a limit price (Limit, StopLimit, TrailingStopLimit): no market-priced
        // execution in the thin pre/post markets. The docs' own S3 sample is a TrailingStopLimit with REGPOST.
        if ((o.sessions & (BIT_PRE | BIT_POST)) != 0 && !o.type.hasLimit()) {
            return RejectCode.ExtendedHoursLimitOnly;
        }
        switch (o.tif) {
            case GoodTillDate -> {
                // Judged at the command's own time: an operator may move market time back.
                if (o.expireAt == NONE || o.expireAt <= t) {
                    return RejectCode.ExpireDateInvalid;
                }
            }
            case ImmediateOrCancel, FillOrKill -> {
                if (leg || (o.type != OrderType.Market && o.type != OrderType.Limit)) {
                    return RejectCode.TimeInForceInvalid;
                }
            }
            case AtTheOpening -> {
                if (leg || (o.type != OrderType.Market && o.type != OrderType.Limit)) {
                    return RejectCode.TimeInForceInvalid;
                }
                if ((o.sessions & BIT_REG) == 0) {
                    return RejectCode.SessionNotAllowed;
                }
                if (session == Session.REGULAR || session == Session.POST_MARKET) {
                    return RejectCode.OpeningPassed;
                }
            }
            case Day -> {
                if (session != Session.CLOSED && !remainingToday(o.sessions, session)) {
                    return RejectCode.MarketClosedForDayOrder;
                }
            }
            case GoodTillCancel -> {
            }
        }
        return initPricing(o);
    }

    private static RejectCode checkTrail(long amount, TrailType type, long tick, boolean zeroOk) {
        if (amount == NONE || amount < 0 || (amount == 0 && !zeroOk)) {
            return RejectCode.TrailingAmountInvalid;
        }
        if (type == TrailType.Persentage) {
            return amount >= Fixed.units(100) ? RejectCode.TrailingAmountInvalid : null;
        }
        return Fixed.onTick(amount, tick) ? null : RejectCode.PriceNotOnTick;
    }

    /** Sets the trailing start and the reservation price; QuotePriceIsInvalid if they need a quote that is missing. */
    private RejectCode initPricing(Order o) {
        SecBook b = o.book;
        boolean buy = o.isBuy();
        switch (o.type) {
            case Limit, StopLimit -> o.reservePrice = o.limit;
            case Stop -> o.reservePrice = o.stop;
            case Market -> {
                long px = 0;
                if (b != null && b.hasQuote) {
                    px = buy ? (b.ask > 0 ? b.ask : b.last) : (b.bid > 0 ? b.bid : b.last);
                }
                if (px <= 0) {
                    return RejectCode.QuotePriceIsInvalid;
                }
                o.reservePrice = px;
            }
            case TrailingStop, TrailingStopLimit -> {
                if (b == null || !b.hasQuote || b.last <= 0) {
                    return RejectCode.QuotePriceIsInvalid;
                }
                o.trailBest = b.last;
                o.stop = trailStop(o);
                o.reservePrice = o.type == OrderType.TrailingStop ? o.stop : trailLimit(o);
            }
            default -> {
                return RejectCode.OrderTypeInvalid;
            }
        }
        return null;
    }

    /** Position-direction, short-sale and reduce-only rules for {@code qty} (the order's open quantity). */
    private static RejectCode checkPosition(Order o, Account a, long qty) {
        Position p = a.positions.get(o.securityId);
        long pos = p == null ? 0 : p.qty;
        if (o.reduceOnly && o.opens()) {
            return RejectCode.ReduceOnlyViolated;
        }
        switch (o.side) {
            case Buy -> {
                if (pos < 0) {
                    return RejectCode.WrongSideForPosition;
                }
            }
            case SellShort -> {
                if (a.marginType == MarginType.Cash) {
                    return RejectCode.CashAccountCannotShort;
                }
                if (a.marginType == MarginType.MarginIra || !o.inst.allowShort()) {
                    return RejectCode.ShortSaleNotAllowed;
                }
                if (pos > 0) {
                    return RejectCode.WrongSideForPosition;
                }
            }
            case Sell -> {
                if (pos <= 0 || qty > pos) {
                    return RejectCode.InsufficientPosition;
                }
            }
            case BuyToCover -> {
                if (pos >= 0 || qty > -pos) {
                    return RejectCode.InsufficientPosition;
                }
            }
        }
        return null;
    }

    private void acceptSingle(Order o, long req) {
        accept(o, req);
        index(o);
        tryOrder(o);
        finishImmediate(o);
    }

    /** IOC/FOK: whatever did not fill at once is canceled. */
    private void finishImmediate(Order o) {
        if (o.live() && (o.tif == TimeInForce.ImmediateOrCancel || o.tif == TimeInForce.FillOrKill)) {
            terminate(o, OrderStatus.Canceled, null, o.tif == TimeInForce.FillOrKill
                    ? "Canceled: FillOrKill could not fill completely" : "Canceled: ImmediateOrCancel remainder");
        }
    }

    /** Registers an order (status already New or Suspended) with its reservation and emits Accepted. */
    private void accept(Order o, long req) {
        o.seq = nextSeq++;
        o.createdMs = t;
        o.updatedMs = t;
        if ((o.kind == OrderKind.Single || o.kind == OrderKind.SpreadLeg) && o.book == null) {
            o.book = book(o.securityId);
        }
        orders.put(o.id, o);
        o.account.open.put(o.id, o);
        o.reserved = req;
        o.account.reserved += req;
        if (o.expireAt != NONE) {
            gtd.add(o);
            gtdMin = gtd.first().expireAt;
        }
        out.add(new Event.Accepted(t, o.accountId, o.id, o.parentId, o.status, o.snapshot()));
    }

    private SecBook book(int securityId) {
        SecBook b = books.get(securityId);
        if (b == null) {
            b = new SecBook(securityId);
            books.put(securityId, b);
        }
        return b;
    }

    // ------------------------------------------------------------------------------------------------ conditional

    private Prepared prepareConditional(Prepared r, Command.Place p, Account a, OrderSpec s) {
        OrderType k = s.type();
        int n = s.legs().size();
        if (((k == OrderType.OneCancelOther || k == OrderType.OneTriggerOther) && n != 2)
                || (k == OrderType.OneTriggerOneCancelOther && n != 3)) {
            return r.fail(RejectCode.LegsInvalid, k + " needs " + (k == OrderType.OneTriggerOneCancelOther ? 3 : 2) + " legs.");
        }
        Order root = new Order();
        root.id = s.orderId();
        root.kind = OrderKind.ConditionalRoot;
        root.account = a;
        root.accountId = a.id;
        root.userId = p.userId();
        root.symbol = "";
        root.side = s.side() == null ? Side.Buy : s.side();
        root.type = k;
        root.tif = s.tif() == null ? TimeInForce.GoodTillCancel : s.tif();
        root.sessions = mask(s.sessions());
        root.reduceOnly = p.reduceOnly();
        root.status = OrderStatus.New;
        root.legs = new Order[n];
        long req = 0;
        boolean anyOpening = false;
        for (int i = 0; i < n; i++) {
            OrderSpec ls = s.legs().get(i);
            if (ls.type() == null || ls.type().conditional() || !ls.legs().isEmpty()) {
                return r.fail(RejectCode.LegsInvalid, "Conditional legs must be simple orders.");
            }
            if (ls.orderId() == root.id || orders.get(ls.orderId()) != null) {
                return r.fail(RejectCode.DuplicateOrderId, null);
            }
            for (int j = 0; j < i; j++) {
                if (root.legs[j].id == ls.orderId()) {
                    return r.fail(RejectCode.DuplicateOrderId, null);
                }
            }
            Order leg = build(ls, a, p.userId(), p.reduceOnly(), OrderKind.Single);
            leg.root = root;
            leg.parentId = root.id;
            leg.legIndex = i;
            root.legs[i] = leg;
            RejectCode c = checkStatic(leg, true);
            if (c != null) {
                return r.fail(c, "Leg " + (i + 1) + ": " + c.text());
            }
        }
        Order[] legs = root.legs;
        boolean m0 = legs[0].type == OrderType.Market;
        if (k == OrderType.OneCancelOther && m0 && legs[1].type == OrderType.Market) {
            return r.fail(RejectCode.LegsInvalid, "Both legs cannot be market orders.");
        }
        if (k != OrderType.OneCancelOther && m0) {
            return r.fail(RejectCode.LegsInvalid, "The triggering leg may not be a market order.");
        }
        if (k == OrderType.OneTriggerOneCancelOther && legs[1].type == OrderType.Market
                && legs[2].type == OrderType.Market) {
            return r.fail(RejectCode.LegsInvalid, "Both OCO legs cannot be market orders.");
        }
        int active = k == OrderType.OneCancelOther ? 2 : 1;
        for (int i = 0; i < n; i++) {
            Order leg = legs[i];
            if (i < active) {
                RejectCode c = checkPosition(leg, a, leg.quantity);
                if (c != null) {
                    return r.fail(c, "Leg " + (i + 1) + ": " + c.text());
                }
                leg.status = OrderStatus.New;
                if (leg.opens()) {
                    anyOpening = true;
                    req += requirement(leg, leg.leaves(), false);
                }
            } else {
                leg.status = OrderStatus.Suspended;
            }
        }
        if (anyOpening && req > available(a)) {
            return r.fail(RejectCode.DayTradingBuyingPowerExceeded, null);
        }
        r.root = root;
        r.requirement = req;
        return r;
    }

    private void acceptConditional(Order root) {
        accept(root, 0);
        for (Order leg : root.legs) {
            accept(leg, leg.status == OrderStatus.New ? requirement(leg, leg.leaves(), false) : 0);
        }
        for (Order leg : root.legs) {
            if (leg.status == OrderStatus.New) {
                index(leg);
            }
        }
        for (Order leg : root.legs) {
            if (leg.where != W_NONE && (leg.status == OrderStatus.New || leg.status == OrderStatus.PartiallyFilled)) {
                tryOrder(leg);
            }
        }
    }

    /** Activates a Suspended dependent leg: re-check, reserve, emit Triggered(Activated), index, try. */
    private void activate(Order dep) {
        Account a = dep.account;
        RejectCode c = initPricing(dep);
        if (c == null) {
            c = checkPosition(dep, a, dep.quantity);
        }
        long req = 0;
        if (c == null) {
            req = dep.opens() ? requirement(dep, dep.leaves(), dep.perTradeCharged) : 0;
            if (dep.opens() && req > available(a)) {
                c = RejectCode.DayTradingBuyingPowerExceeded;
            }
        }
        if (c != null) {
            terminate(dep, OrderStatus.Rejected, c, c.text());
            return;
        }
        dep.status = OrderStatus.New;
        dep.seq = nextSeq++;
        dep.updatedMs = t;
        dep.reserved = req;
        a.reserved += req;
        out.add(new Event.Triggered(t, dep.accountId, dep.id, TriggerKind.Activated, 0));
        index(dep);
        tryOrder(dep);
    }

    private void afterLegFill(Order leg) {
        Order root = leg.root;
        if (!root.live()) {
            return;
        }
        OrderType k = root.type;
        int i = leg.legIndex;
        if (k == OrderType.OneCancelOther || (k == OrderType.OneTriggerOneCancelOther && i >= 1)) {
            int from = k == OrderType.OneCancelOther ? 0 : 1;
            for (Order sib : root.legs) {
                if (sib != leg && sib.legIndex >= from && sib.live()) {
                    terminate(sib, OrderStatus.Canceled, null, "Canceled: the other order of the OneCancelOther pair filled");
                }
            }
        }
        if (k != OrderType.OneCancelOther && i == 0 && leg.status == OrderStatus.Filled) {
            for (Order dep : root.legs) {
                if (dep.legIndex >= 1 && dep.status == OrderStatus.Suspended) {
                    activate(dep);
                }
            }
        }
        completeIfDone(root);
    }

    private void afterLegTerminal(Order leg) {
        Order root = leg.root;
        if (!root.live()) {
            return;
        }
        if (root.type != OrderType.OneCancelOther && leg.legIndex == 0) {
            for (Order dep : root.legs) {
                if (dep.legIndex >= 1 && dep.status == OrderStatus.Suspended) {
                    terminate(dep, OrderStatus.Canceled, null, "Canceled: the triggering order ended unfilled");
                }
            }
        }
        completeIfDone(root);
    }

    private void completeIfDone(Order root) {
        if (!root.live()) {
            return;
        }
        for (Order leg : root.legs) {
            if (leg.live()) {
                return;
            }
        }
        Order[] l = root.legs;
        boolean filled = switch (root.type) {
            case OneCancelOther -> l[0].status == OrderStatus.Filled || l[1].status == OrderStatus.Filled;
            case OneTriggerOther -> l[1].status == OrderStatus.Filled;
            default -> l[1].status == OrderStatus.Filled || l[2].status == OrderStatus.Filled;
        };
        OrderStatus st = OrderStatus.Canceled;
        if (filled) {
            st = OrderStatus.Filled;
        } else {
            for (Order leg : l) {
                if (leg.status == OrderStatus.Expired) {
                    st = OrderStatus.Expired;
                } else if (leg.status == OrderStatus.Rejected && st != OrderStatus.Expired) {
                    st = OrderStatus.Rejected;
                }
            }
        }
        root.status = st;
        root.updatedMs = t;
        retire(root);
        out.add(new Event.GroupCompleted(t, root.accountId, root.id, st));
    }

    // ------------------------------------------------------------------------------------------------ spreads

    private Prepared prepareSpread(Prepared r, Command.Place p, Account a, OrderSpec s) {
        int n = s.legs().size();
        if (n < 2 || n > MAX_SPREAD_LEGS) {
            return r.fail(RejectCode.LegsInvalid, "A spread needs 2 to " + MAX_SPREAD_LEGS + " legs.");
        }
        if (s.quantity() <= 0 || !Fixed.isWhole(s.quantity()) || s.quantity() > MAX_QUANTITY) {
            return r.fail(RejectCode.QuantityInvalid, null);
        }
        if (s.tif() == null || s.tif() == TimeInForce.AtTheOpening) {
            return r.fail(RejectCode.TimeInForceInvalid, null);
        }
        Order root = new Order();
        root.id = s.orderId();
        root.kind = OrderKind.SpreadRoot;
        root.account = a;
        root.accountId = a.id;
        root.userId = p.userId();
        root.symbol = "";
        root.side = s.side() == null ? Side.Buy : s.side();
        root.type = s.type();
        root.tif = s.tif();
        root.quantity = s.quantity();
        root.limit = s.type() == OrderType.Limit ? s.limitPrice() : NONE;
        root.expireAt = s.tif() == TimeInForce.GoodTillDate ? s.expireAtMs() : NONE;
        root.aon = s.allOrNone();
        root.sessions = mask(s.sessions());
        root.reduceOnly = p.reduceOnly();
        root.perTrade = Fixed.toCents(s.perTradeCommission() != NONE ? s.perTradeCommission() : a.plan.perTrade());
        root.status = OrderStatus.New;
        if (root.type == OrderType.Limit && root.limit == NONE) {
            return r.fail(RejectCode.LimitPriceUndefined, null);
        }
        if (root.sessions != BIT_REG) {
            return r.fail(RejectCode.SessionNotAllowed, "Spreads trade in the regular session only.");
        }
        if (root.tif == TimeInForce.GoodTillDate && (root.expireAt == NONE || root.expireAt <= t)) {
            return r.fail(RejectCode.ExpireDateInvalid, null);
        }
        if (root.tif == TimeInForce.Day && session != Session.CLOSED && !remainingToday(root.sessions, session)) {
            return r.fail(RejectCode.MarketClosedForDayOrder, null);
        }
        long spreads = root.quantity / SCALE;
        root.legs = new Order[n];
        for (int i = 0; i < n; i++) {
            OrderSpec ls = s.legs().get(i);
            if (!ls.legs().isEmpty() || ls.instrument() == null || !ls.instrument().isOption() || ls.side() == null) {
                return r.fail(RejectCode.LegsInvalid, "Spread legs must be single option legs.");
            }
            if (ls.orderId() <= 0 || ls.orderId() == root.id || orders.get(ls.orderId()) != null) {
                return r.fail(RejectCode.DuplicateOrderId, null);
            }
            for (int j = 0; j < i; j++) {
                if (root.legs[j].id == ls.orderId()) {
                    return r.fail(RejectCode.DuplicateOrderId, null);
                }
                if (root.legs[j].securityId == ls.securityId()) {
                    return r.fail(RejectCode.LegsInvalid, "Spread legs must be distinct securities.");
                }
            }
            if (!ls.instrument().tradable()) {
                return r.fail(RejectCode.SecurityNotTradable, null);
            }
            long q = ls.quantity();
            if (q <= 0 || !Fixed.isWhole(q) || q > MAX_QUANTITY || (q / SCALE) % spreads != 0) {
                return r.fail(RejectCode.QuantityInvalid, "Leg quantity must be a whole multiple of the spread quantity.");
            }
            Order leg = new Order();
            leg.id = ls.orderId();
            leg.kind = OrderKind.SpreadLeg;
            leg.account = a;
            leg.accountId = a.id;
            leg.userId = p.userId();
            leg.parentId = root.id;
            leg.legIndex = i;
            leg.root = root;
            leg.securityId = ls.securityId();
            leg.symbol = ls.symbol();
            leg.inst = ls.instrument();
            leg.side = ls.side();
            leg.type = OrderType.Market;
            leg.tif = root.tif;
            leg.quantity = q;
            leg.ratio = Fixed.units((q / SCALE) / spreads);
            leg.sessions = root.sessions;
            leg.reduceOnly = root.reduceOnly;
            leg.perUnit = s.perContractCommissionCents() != NONE ? Fixed.divRound(s.perContractCommissionCents(), 100)
                    : a.plan.perContract();
            leg.perTradeCharged = true;
            leg.status = OrderStatus.New;
            leg.book = books.get(leg.securityId);
            leg.createdMs = t;
            leg.updatedMs = t;
            root.legs[i] = leg;
            SecBook b = leg.book;
            long px = b == null || !b.hasQuote ? 0 : leg.isBuy() ? b.ask : b.bid;
            if (px <= 0) {
                return r.fail(RejectCode.QuotePriceIsInvalid, "Leg " + (i + 1) + " has no usable quote.");
            }
            leg.reservePrice = px;
            RejectCode c = checkPosition(leg, a, q);
            if (c != null) {
                return r.fail(c, "Leg " + (i + 1) + ": " + c.text());
            }
        }
        long req = requirement(root, root.quantity, false);
        if (req > available(a)) {
            return r.fail(RejectCode.DayTradingBuyingPowerExceeded, null);
        }
        r.root = root;
        r.requirement = req;
        return r;
    }

    private void acceptSpread(Order root, long req) {
        accept(root, req);
        for (Order leg : root.legs) {
            accept(leg, 0);
        }
        index(root);
        trySpread(root);
        finishImmediate(root);
    }

    /** Fills as many whole spreads as every leg's current quote allows (see the class comment). */
    private void trySpread(Order r) {
        if (r.status != OrderStatus.New && r.status != OrderStatus.PartiallyFilled) {
            return;
        }
        Account a = r.account;
        long leavesN = r.leaves() / SCALE;
        long n = leavesN;
        long net = 0;
        long capN = Long.MAX_VALUE;
        for (Order leg : r.legs) {
            SecBook b = leg.book;
            if (!tradeable(b, r.sessions)) {
                return;
            }
            boolean buy = leg.isBuy();
            long px = buy ? b.ask : b.bid;
            long size = buy ? b.askLeft : b.bidLeft;
            if (px <= 0) {
                return;
            }
            long ratioU = leg.ratio / SCALE;
            n = Math.min(n, size / SCALE / ratioU);
            net = Math.addExact(net, Math.multiplyExact(buy ? px : -px, ratioU));
            Position p = a.positions.get(leg.securityId);
            long pos = p == null ? 0 : p.qty;
            if (leg.opens()) {
                if (buy ? pos < 0 : pos > 0) {
                    terminate(r, OrderStatus.Canceled, null, "Canceled: a leg's position is in the opposite direction");
                    return;
                }
            } else {
                capN = Math.min(capN, (buy ? -pos : pos) / SCALE / ratioU);
            }
        }
        if (r.type == OrderType.Limit && net > r.limit) {
            return;
        }
        boolean aon = r.aon || r.tif == TimeInForce.FillOrKill;
        if (capN <= 0 || (aon && capN < leavesN)) {
            terminate(r, OrderStatus.Canceled, null, "Canceled: no position left to close");
            return;
        }
        String cancelWhy = null;
        if (n <= 0 || (aon && n < leavesN)) {
            return;
        }
        if (capN < leavesN && n >= capN) {
            n = capN;
            cancelWhy = "Canceled: remainder exceeds the position";
        }
        long avail = available(a) + r.reserved;
        long after = cancelWhy != null ? 0 : requirement(r, (leavesN - n) * SCALE, true);
        if (spreadNeed(r, n) + after > avail) {
            long lo = 0;
            long hi = n;
            while (lo < hi) {
                long mid = (lo + hi + 1) >>> 1;
                if (spreadNeed(r, mid) <= avail) {
                    lo = mid;
                } else {
                    hi = mid - 1;
                }
            }
            if (lo <= 0 || aon) {
                terminate(r, OrderStatus.Canceled, null, a.cashAccount() ? "Canceled: insufficient settled funds"
                        : "Canceled: insufficient buying power");
                return;
            }
            n = lo;
            cancelWhy = a.cashAccount() ? "Canceled: insufficient settled funds for the remainder"
                    : "Canceled: insufficient buying power for the remainder";
        }
        long feeTrade = r.perTradeCharged ? 0 : r.perTrade;
        r.perTradeCharged = true;
        long[] prices = new long[r.legs.length];
        for (int i = 0; i < r.legs.length; i++) {
            Order leg = r.legs[i];
            SecBook b = leg.book;
            long q = n * leg.ratio;
            if (leg.isBuy()) {
                prices[i] = b.ask;
                b.askLeft -= q;
            } else {
                prices[i] = b.bid;
                b.bidLeft -= q;
            }
        }
        for (int i = 0; i < r.legs.length; i++) {
            fill(r.legs[i], prices[i], n * r.legs[i].ratio, false);
        }
        long qty = n * SCALE;
        r.executed += qty;
        r.executedValue = Math.addExact(r.executedValue, Math.multiplyExact(net, n));
        r.lastPrice = net;
        r.lastQty = qty;
        r.updatedMs = t;
        r.commissionPaid += feeTrade;
        List<LedgerEntry> entries = List.of();
        long leaves = r.leaves();
        if (feeTrade > 0) {
            entries = List.of(post(a, -1, r.id, TxType.Commission, -feeTrade, 0, leaves,
                    new Fee(Fee.PER_TRADE, feeTrade), false, null));
            a.cash -= feeTrade;
            a.settled = a.cashAccount() ? a.settled - feeTrade : a.cash;
        }
        r.status = leaves == 0 ? OrderStatus.Filled : OrderStatus.PartiallyFilled;
        reReserve(r);
        out.add(new Event.Fill(t, a.id, r.id, nextFillId++, 0, r.side, net, qty, feeTrade, feeTrade, 0, r.executed,
                leaves, avgPrice(r), r.status, entries, a.cash));
        if (leaves == 0) {
            retire(r);
        } else if (cancelWhy != null) {
            terminate(r, OrderStatus.Canceled, null, cancelWhy);
        }
    }

    // ------------------------------------------------------------------------------------------------ cancel / replace

    private void onCancel(Command.Cancel c) {
        Order o = orders.get(c.orderId());
        if (o == null || (c.accountId() != 0 && o.accountId != c.accountId())) {
            reject(c.accountId(), c.orderId(), RejectCode.OrderNotFound, null);
            return;
        }
        if (o.kind == OrderKind.SpreadLeg) {
            reject(o.accountId, c.orderId(), RejectCode.OrderNotCancelable, "Cancel the spread, not a leg.");
            return;
        }
        if (o.kind == OrderKind.Single && o.root != null) {
            o = o.root;
        }
        if (o.kind == OrderKind.ConditionalRoot) {
            for (int i = o.legs.length - 1; i >= 0; i--) {
                terminate(o.legs[i], OrderStatus.Canceled, null, "Canceled by user");
            }
            completeIfDone(o);
            return;
        }
        terminate(o, OrderStatus.Canceled, null, "Canceled by user");
    }

    private void onReplace(Command.Replace r) {
        Order o = orders.get(r.orderId());
        if (o == null || (r.accountId() != 0 && o.accountId != r.accountId())) {
            reject(r.accountId(), r.orderId(), RejectCode.OrderNotFound, null);
            return;
        }
        RejectCode c = checkReplace(o, r);
        if (c != null) {
            reject(o.accountId, o.id, c, null);
            return;
        }
        long q = r.quantity() == NONE ? o.quantity : r.quantity();
        Account a = o.account;
        // Tentatively apply on an unindexed order; restore on failure.
        long oq = o.quantity, ol = o.limit, os = o.stop, ota = o.trailAmt, otl = o.trailLimitOff, oe = o.expireAt;
        long orp = o.reservePrice;
        int where = o.where;
        boolean newExpiry = r.expireAtMs() != NONE;
        unindex(o);
        if (newExpiry) {
            gtd.remove(o);
        }
        o.quantity = q;
        if (r.limitPrice() != NONE) {
            o.limit = r.limitPrice();
        }
        if (r.stopPrice() != NONE) {
            o.stop = r.stopPrice();
        }
        if (r.trailingAmount() != NONE) {
            o.trailAmt = r.trailingAmount();
        }
        if (r.trailingLimitAmount() != NONE) {
            o.trailLimitOff = r.trailingLimitAmount();
        }
        if (r.expireAtMs() != NONE) {
            o.expireAt = r.expireAtMs();
        }
        switch (o.type) {
            case Limit, StopLimit -> o.reservePrice = o.limit;
            case Stop -> o.reservePrice = o.stop;
            case TrailingStop -> {
                o.stop = trailStop(o);
                o.reservePrice = o.stop;
            }
            case TrailingStopLimit -> {
                if (!o.triggered) {
                    o.stop = trailStop(o);
                    o.reservePrice = trailLimit(o);
                }
            }
            default -> {
            }
        }
        long req = requirement(o, o.leaves(), o.perTradeCharged);
        if (o.opens() && req > o.reserved && req - o.reserved > available(a)) {
            o.quantity = oq;
            o.limit = ol;
            o.stop = os;
            o.trailAmt = ota;
            o.trailLimitOff = otl;
            o.expireAt = oe;
            o.reservePrice = orp;
            if (newExpiry) {
                gtd.add(o);
            }
            if (where != W_NONE) {
                index(o);
            }
            reject(o.accountId, o.id, RejectCode.DayTradingBuyingPowerExceeded, null);
            return;
        }
        if (newExpiry) {
            gtd.add(o);
            gtdMin = gtd.first().expireAt;
        }
        o.seq = nextSeq++;
        o.updatedMs = t;
        reReserve(o);
        index(o);
        out.add(new Event.Replaced(t, o.accountId, o.id, o.snapshot()));
        tryOrder(o);
    }

    private RejectCode checkReplace(Order o, Command.Replace r) {
        if (o.kind != OrderKind.Single || o.status == OrderStatus.Suspended) {
            return RejectCode.OrderNotReplaceable;
        }
        if (o.type == OrderType.Market || (o.triggered && (o.type == OrderType.Stop || o.type == OrderType.TrailingStop))) {
            return RejectCode.OrderNotReplaceable;
        }
        long tick = o.inst.tickSize();
        long q = r.quantity() == NONE ? o.quantity : r.quantity();
        if (q <= o.executed || !Fixed.isWhole(q) || q > MAX_QUANTITY) {
            return RejectCode.QuantityInvalid;
        }
        if (r.limitPrice() != NONE) {
            boolean applies = o.type == OrderType.Limit || o.type == OrderType.StopLimit;
            if (!applies) {
                return RejectCode.ReplaceFieldInvalid;
            }
            if (r.limitPrice() <= 0) {
                return RejectCode.LimitPriceUndefined;
            }
            if (!Fixed.onTick(r.limitPrice(), tick)) {
                return RejectCode.PriceNotOnTick;
            }
        }
        if (r.stopPrice() != NONE) {
            if (!(o.type == OrderType.Stop || o.type == OrderType.StopLimit) || o.triggered) {
                return RejectCode.ReplaceFieldInvalid;
            }
            if (r.stopPrice() <= 0) {
                return RejectCode.QuotePriceIsInvalid;
            }
            if (!Fixed.onTick(r.stopPrice(), tick)) {
                return RejectCode.PriceNotOnTick;
            }
        }
        if (r.trailingAmount() != NONE) {
            if (!o.type.trailing() || o.triggered) {
                return RejectCode.ReplaceFieldInvalid;
            }
            RejectCode c = checkTrail(r.trailingAmount(), o.trailType, tick, false);
            if (c != null) {
                return c;
            }
        }
        if (r.trailingLimitAmount() != NONE) {
            if (o.type != OrderType.TrailingStopLimit || o.triggered) {
                return RejectCode.ReplaceFieldInvalid;
            }
            RejectCode c = checkTrail(r.trailingLimitAmount(), o.trailLimitType, tick, true);
            if (c != null) {
                return c;
            }
        }
        if (r.expireAtMs() != NONE) {
            if (o.tif != TimeInForce.GoodTillDate) {
                return RejectCode.ReplaceFieldInvalid;
            }
            if (r.expireAtMs() <= t) {
                return RejectCode.ExpireDateInvalid;
            }
        }
        if (!o.opens()) {
            return checkPosition(o, o.account, q - o.executed);
        }
        return null;
    }

    // ------------------------------------------------------------------------------------------------ sessions / time

    /** Whether an order allowed in {@code mask} may still trade today once the session is {@code s}. */
    private static boolean remainingToday(int mask, Session s) {
        return switch (s) {
            case PRE_MARKET -> (mask & (BIT_PRE | BIT_REG | BIT_POST)) != 0;
            case REGULAR -> (mask & (BIT_REG | BIT_POST)) != 0;
            case POST_MARKET -> (mask & BIT_POST) != 0;
            case CLOSED -> false;
        };
    }

    /**
     * The market is in another session period. Moving forward within one trading day, the boundary rules of each
     * boundary run; when the clock left the trading day (past its close, on to another day, or back in time, as a
     * sandbox operator may move it), that day is closed first: its Day orders expire and its AtTheOpening orders are
     * canceled. The engine's time follows the market clock back.
     */
    private void enterSession(Session next, long key) {
        long prevKey = sessionKey;
        sessionKey = key;
        if (key < prevKey) {
            now = t;
        }
        if (!SessionKey.laterSameDay(prevKey, key)) {
            endDay();
        }
        transition(next);
    }

    /** Closes the trading day: every live Day order expires, every AtTheOpening order is canceled. */
    private void endDay() {
        session = Session.CLOSED;
        expireSessionVictims(Session.CLOSED);
    }

    private void transition(Session next) {
        session = next;
        sessionSinceMs = t;
        expireSessionVictims(next);
    }

    /** Ends the orders that cannot trade from session {@code next} on (Day orders past their last session, AtTheOpening past the open). */
    private void expireSessionVictims(Session next) {
        List<Order> victims = new ArrayList<>();
        for (Order o : orders.values()) {
            if (!o.live() || o.kind == OrderKind.SpreadLeg || o.kind == OrderKind.ConditionalRoot) {
                continue;
            }
            if (o.tif == TimeInForce.Day && !remainingToday(o.sessions, next)) {
                victims.add(o);
            } else if (o.tif == TimeInForce.AtTheOpening
                    && (next == Session.POST_MARKET || next == Session.CLOSED)) {
                victims.add(o);
            }
        }
        victims.sort(Comparator.comparingLong(o -> o.id));
        for (Order o : victims) {
            if (!o.live()) {
                continue;
            }
            if (o.tif == TimeInForce.Day) {
                terminate(o, OrderStatus.Expired, null, "Expired: Day order at the close of its last session");
            } else {
                terminate(o, OrderStatus.Canceled, null, "Canceled: AtTheOpening order, the open has passed");
            }
        }
    }

    private void expireGtd() {
        while (!gtd.isEmpty() && gtd.first().expireAt <= t) {
            Order o = gtd.first();
            if (o.live()) {
                terminate(o, OrderStatus.Expired, null, "Expired: GoodTillDate");
            }
            gtd.remove(o);
        }
        gtdMin = gtd.isEmpty() ? Long.MAX_VALUE : gtd.first().expireAt;
    }

    // ------------------------------------------------------------------------------------------------ matching

    private boolean tradeable(SecBook b, int sessions) {
        return b != null && b.hasQuote && !b.halted && b.sessionKey == sessionKey && b.session == session
                && b.timeMs >= sessionSinceMs
                && (sessions & (1 << b.session.ordinal())) != 0;
    }

    /** Runs one security after a tick: opening, trailing, stops, market-ready, limits, spreads. */
    private void processBook(SecBook b) {
        if (b.halted) {
            return;
        }
        int sbit = 1 << b.session.ordinal();
        if (b.session == Session.REGULAR && !b.opening.isEmpty()) {
            runOpening(b);
        }
        long last = b.last;
        if (!b.trails.isEmpty() && sbit == BIT_REG && last > 0) {
            runTrailing(b, last);
        }
        if (last > 0 && (b.buyStopTop <= last || b.sellStopTop >= last)) {
            Order o = b.buyStops.isEmpty() ? null : b.buyStops.first();
            while (o != null && o.stop <= last) {
                Order next = b.buyStops.higher(o);
                if ((o.sessions & sbit) != 0) {
                    trigger(o, last);
                }
                o = next;
            }
            o = b.sellStops.isEmpty() ? null : b.sellStops.first();
            while (o != null && o.stop >= last) {
                Order next = b.sellStops.higher(o);
                if ((o.sessions & sbit) != 0) {
                    trigger(o, last);
                }
                o = next;
            }
        }
        if (!b.ready.isEmpty()) {
            int n = b.ready.size();
            Order[] arr = copy(b.ready);
            for (int i = 0; i < n; i++) {
                Order o = arr[i];
                if (o.where == W_READY && (o.sessions & sbit) != 0) {
                    attempt(o, b);
                }
            }
            release(arr, n);
        }
        Order o = b.ask > 0 && b.buyLimitTop >= b.ask ? b.buyLimits.first() : null;
        while (o != null && b.askLeft > 0 && b.ask > 0 && o.limit >= b.ask) {
            if ((o.sessions & sbit) != 0) {
                attempt(o, b);
            }
            o = b.buyLimits.higher(o);
        }
        o = b.bid > 0 && b.sellLimitTop <= b.bid ? b.sellLimits.first() : null;
        while (o != null && b.bidLeft > 0 && b.bid > 0 && o.limit <= b.bid) {
            if ((o.sessions & sbit) != 0) {
                attempt(o, b);
            }
            o = b.sellLimits.higher(o);
        }
        if (!b.spreads.isEmpty()) {
            int n = b.spreads.size();
            Order[] arr = copy(b.spreads);
            for (int i = 0; i < n; i++) {
                if (arr[i].where == W_SPREAD) {
                    trySpread(arr[i]);
                }
            }
            release(arr, n);
        }
    }

    /** Moves trailing stops with the last price and triggers the reached ones (trailing orders are regular-only). */
    private void runTrailing(SecBook b, long last) {
        for (int i = 0; i < b.trails.size(); i++) {
            TrailBook tb = b.trails.get(i);
            if (tb.size == 0) {
                continue;
            }
            tb.track(last);
            Order o;
            while ((o = tb.nextTriggered(last)) != null) {
                trigger(o, last);
            }
        }
    }

    private void runOpening(SecBook b) {
        int n = b.opening.size();
        Order[] arr = copy(b.opening);
        for (int i = 0; i < n; i++) {
            Order o = arr[i];
            if (o.where != W_OPENING) {
                continue;
            }
            attempt(o, b);
            if (o.live()) {
                terminate(o, OrderStatus.Canceled, null, "Canceled: AtTheOpening remainder not filled at the open");
            }
        }
        release(arr, n);
    }

    private Order[] copy(List<Order> list) {
        int n = list.size();
        if (depth == scratch.length) {
            scratch = Arrays.copyOf(scratch, depth * 2);
        }
        Order[] a = scratch[depth];
        if (a == null || a.length < n) {
            a = new Order[Math.max(16, n * 2)];
            scratch[depth] = a;
        }
        for (int i = 0; i < n; i++) {
            a[i] = list.get(i);
        }
        depth++;
        return a;
    }

    private void release(Order[] a, int n) {
        Arrays.fill(a, 0, n, null);
        depth--;
    }

    /** Immediate attempt for an order just accepted, activated or replaced, against its security's last quote. */
    private void tryOrder(Order o) {
        if (o.kind == OrderKind.SpreadRoot) {
            trySpread(o);
            return;
        }
        SecBook b = o.book;
        if (!tradeable(b, o.sessions)) {
            return;
        }
        switch (o.where) {
            case W_READY, W_BUY_LIMIT, W_SELL_LIMIT -> attempt(o, b);
            case W_BUY_STOP -> {
                if (b.last > 0 && b.last >= o.stop) {
                    trigger(o, b.last);
                    attempt(o, b);
                }
            }
            case W_SELL_STOP -> {
                if (b.last > 0 && b.last <= o.stop) {
                    trigger(o, b.last);
                    attempt(o, b);
                }
            }
            case W_TRAILING -> {
                o.syncTrail();
                long last = b.last;
                if (last > 0 && (o.isBuy() ? last >= o.stop : last <= o.stop)) {
                    trigger(o, last);
                    attempt(o, b);
                }
            }
            default -> {
            }
        }
    }

    private static long offset(long base, long amount, TrailType type) {
        return type == TrailType.Persentage ? Fixed.mulDiv(base, amount, Fixed.units(100)) : amount;
    }

    /** best + offset rounded up (buy) or best − offset rounded down (sell) to the tick. */
    private static long trailStop(Order o) {
        return Order.trailStop(o.isBuy(), o.trailBest, o.trailAmt, o.trailType, o.inst.tickSize());
    }

    private static long trailLimit(Order o) {
        long off = offset(o.stop, o.trailLimitOff, o.trailLimitType);
        long tick = o.inst.tickSize();
        return o.isBuy() ? Fixed.ceilTo(o.stop + off, tick) : Fixed.floorTo(o.stop - off, tick);
    }

    private void trigger(Order o, long price) {
        unindex(o);
        o.triggered = true;
        if (o.type == OrderType.TrailingStopLimit) {
            o.limit = trailLimit(o);
        }
        o.seq = nextSeq++;
        o.updatedMs = t;
        out.add(new Event.Triggered(t, o.accountId, o.id, TriggerKind.Stop, price));
        index(o);
    }

    private static long effectiveLimit(Order o) {
        return switch (o.type) {
            case Limit -> o.limit;
            case StopLimit, TrailingStopLimit -> o.triggered ? o.limit : NONE;
            default -> NONE;
        };
    }

    /** One fill attempt of a single order against the current quote of its security. */
    private void attempt(Order o, SecBook b) {
        if (o.status != OrderStatus.New && o.status != OrderStatus.PartiallyFilled) {
            return;
        }
        long leaves = o.leaves();
        boolean buy = o.isBuy();
        long px = buy ? b.ask : b.bid;
        long size = buy ? b.askLeft : b.bidLeft;
        if (px <= 0 || size <= 0) {
            return;
        }
        long lim = effectiveLimit(o);
        if (lim != NONE && (buy ? px > lim : px < lim)) {
            return;
        }
        boolean aon = o.aon || o.tif == TimeInForce.FillOrKill;
        if (aon && size < leaves) {
            return;
        }
        long qty = Math.min(leaves, size);
        Account a = o.account;
        Position p = a.positions.get(o.securityId);
        long pos = p == null ? 0 : p.qty;
        String cancelWhy = null;
        if (o.opens()) {
            if (buy ? pos < 0 : pos > 0) {
                terminate(o, OrderStatus.Canceled, null, "Canceled: the position is in the opposite direction");
                return;
            }
        } else {
            long cap = buy ? -pos : pos;
            if (cap <= 0 || (aon && cap < leaves)) {
                terminate(o, OrderStatus.Canceled, null, "Canceled: no position left to close");
                return;
            }
            if (cap < leaves && cap <= qty) {
                qty = cap;
                cancelWhy = "Canceled: remainder exceeds the position";
            }
        }
        long units = qty / SCALE;
        if (o.opens()) {
            long avail = available(a) + o.reserved;
            long rest = cancelWhy != null ? 0 : (leaves - qty) / SCALE;
            if (openingNeed(o, px, units, rest) > avail) {
                long max = affordableUnits(o, px, units, avail);
                if (max <= 0 || aon) {
                    terminate(o, OrderStatus.Canceled, null, a.cashAccount() ? "Canceled: insufficient settled funds"
                            : "Canceled: insufficient buying power");
                    return;
                }
                qty = max * SCALE;
                cancelWhy = a.cashAccount() ? "Canceled: insufficient settled funds for the remainder"
                        : "Canceled: insufficient buying power for the remainder";
            }
        } else if (a.cashAccount()) {
            long avail = a.settled - (a.reserved - o.reserved);
            long fees = (o.perTradeCharged ? 0 : o.perTrade) + unitFee(o.perUnit, o.executed / SCALE, units);
            long value = principal(px, units, o.inst.contractSize());
            if (fees - value > 0 && fees - value > avail) {
                terminate(o, OrderStatus.Canceled, null, "Canceled: insufficient settled funds for the commission");
                return;
            }
        }
        if (buy) {
            b.askLeft -= qty;
        } else {
            b.bidLeft -= qty;
        }
        fill(o, px, qty, true);
        if (cancelWhy != null && o.live()) {
            terminate(o, OrderStatus.Canceled, null, cancelWhy);
        }
    }

    /** Books one execution: position, ledger, cash, order state, events, then group rules. */
    private void fill(Order o, long px, long qty, boolean chargePerTrade) {
        Account a = o.account;
        Position p = a.positions.get(o.securityId);
        if (p == null) {
            p = new Position(a.id, o.securityId, o.symbol, o.inst, t);
            p.book = o.book;
            a.positions.put(o.securityId, p);
        }
        long units = qty / SCALE;
        long notional = principal(px, units, o.inst.contractSize());
        long feeTrade = 0;
        if (chargePerTrade && !o.perTradeCharged) {
            feeTrade = o.perTrade;
            o.perTradeCharged = true;
        }
        long feeUnit = unitFee(o.perUnit, o.executed / SCALE, units);
        long fees = feeTrade + feeUnit;
        boolean buy = o.isBuy();
        long signed = buy ? qty : -qty;
        boolean dayTrade = p.apply(signed, notional, px, units, t);
        o.executed += qty;
        o.executedValue = Math.addExact(o.executedValue, Math.multiplyExact(px, units));
        o.lastPrice = px;
        o.lastQty = qty;
        o.updatedMs = t;
        o.commissionPaid += fees;
        long leaves = o.leaves();
        long execValue = buy ? -notional : notional;
        LedgerEntry e1 = post(a, o.securityId, o.id, TxType.OrderExecution, execValue, signed, leaves, null, dayTrade, null);
        LedgerEntry e2 = feeTrade > 0 ? post(a, o.securityId, o.id, TxType.Commission, -feeTrade, 0, leaves,
                new Fee(Fee.PER_TRADE, feeTrade), dayTrade, null) : null;
        LedgerEntry e3 = feeUnit > 0 ? post(a, o.securityId, o.id, TxType.Commission, -feeUnit, 0, leaves,
                new Fee(Fee.PER_CONTRACT, feeUnit), dayTrade, null) : null;
        List<LedgerEntry> entries = e2 == null ? (e3 == null ? List.of(e1) : List.of(e1, e3))
                : (e3 == null ? List.of(e1, e2) : List.of(e1, e2, e3));
        a.cash = Math.addExact(a.cash, execValue - fees);
        if (a.cashAccount()) {
            if (buy) {
                a.settled -= notional + fees;
            } else {
                long net = notional - fees;
                if (net > 0) {
                    addPending(a, net);
                } else {
                    a.settled += net;
                }
            }
        } else {
            a.settled = a.cash;
        }
        o.status = leaves == 0 ? OrderStatus.Filled : OrderStatus.PartiallyFilled;
        reReserve(o);
        out.add(new Event.Fill(t, a.id, o.id, nextFillId++, o.securityId, o.side, px, qty, fees, feeTrade, feeUnit,
                o.executed, leaves, avgPrice(o), o.status, entries, a.cash));
        out.add(new Event.PositionChanged(t, a.id, p.snapshot()));
        if (leaves == 0) {
            retire(o);
        }
        if (o.root != null && o.kind == OrderKind.Single) {
            afterLegFill(o);
        }
    }

    private void addPending(Account a, long amount) {
        Snapshot.PendingSettlement last = a.pending.peekLast();
        if (last != null && last.tradeTimeMs() == now) {
            a.pending.pollLast();
            a.pending.addLast(new Snapshot.PendingSettlement(now, last.amount() + amount));
        } else {
            a.pending.addLast(new Snapshot.PendingSettlement(now, amount));
        }
    }

    private static long avgPrice(Order o) {
        return o.executed == 0 ? 0 : Fixed.mulDiv(o.executedValue, SCALE, o.executed);
    }

    private LedgerEntry post(Account a, int securityId, long orderId, TxType type, long value, long quantity,
            long leaves, Fee fee, boolean dayTrade, String description) {
        a.ledgerSum = Math.addExact(a.ledgerSum, value);
        return new LedgerEntry(nextLedgerId++, a.id, securityId, orderId, t, type, value, quantity, leaves, fee,
                dayTrade, description);
    }

    // ------------------------------------------------------------------------------------------------ lifecycle

    private static int placement(Order o) {
        if (o.kind == OrderKind.SpreadRoot) {
            return W_SPREAD;
        }
        if (o.kind != OrderKind.Single || o.status == OrderStatus.Suspended) {
            return W_NONE;
        }
        if (o.tif == TimeInForce.AtTheOpening) {
            return W_OPENING;
        }
        boolean buy = o.isBuy();
        return switch (o.type) {
            case Market -> W_READY;
            case Limit -> buy ? W_BUY_LIMIT : W_SELL_LIMIT;
            case Stop -> o.triggered ? W_READY : buy ? W_BUY_STOP : W_SELL_STOP;
            case StopLimit -> o.triggered ? (buy ? W_BUY_LIMIT : W_SELL_LIMIT) : buy ? W_BUY_STOP : W_SELL_STOP;
            case TrailingStop -> o.triggered ? W_READY : W_TRAILING;
            case TrailingStopLimit -> o.triggered ? (buy ? W_BUY_LIMIT : W_SELL_LIMIT) : W_TRAILING;
            default -> W_NONE;
        };
    }

    private void index(Order o) {
        int w = placement(o);
        o.where = w;
        if (w == W_NONE) {
            return;
        }
        if (w == W_SPREAD) {
            for (Order leg : o.legs) {
                leg.book.spreads.add(o);
                leg.book.orderCount++;
            }
            return;
        }
        SecBook b = o.book;
        switch (w) {
            case W_READY -> b.ready.add(o);
            case W_BUY_LIMIT -> {
                b.buyLimits.add(o);
                b.buyLimitTop = Math.max(b.buyLimitTop, o.limit);
            }
            case W_SELL_LIMIT -> {
                b.sellLimits.add(o);
                b.sellLimitTop = Math.min(b.sellLimitTop, o.limit);
            }
            case W_BUY_STOP -> {
                b.buyStops.add(o);
                b.buyStopTop = Math.min(b.buyStopTop, o.stop);
            }
            case W_SELL_STOP -> {
                b.sellStops.add(o);
                b.sellStopTop = Math.max(b.sellStopTop, o.stop);
            }
            case W_TRAILING -> b.trailBook(o).add(o);
            case W_OPENING -> b.opening.add(o);
            default -> throw new IllegalStateException();
        }
        b.orderCount++;
    }

    private void unindex(Order o) {
        int w = o.where;
        o.where = W_NONE;
        if (w == W_NONE) {
            return;
        }
        if (w == W_SPREAD) {
            for (Order leg : o.legs) {
                leg.book.spreads.remove(o);
                leg.book.orderCount--;
            }
            return;
        }
        SecBook b = o.book;
        boolean removed = switch (w) {
            case W_READY -> b.ready.remove(o);
            case W_BUY_LIMIT -> b.buyLimits.remove(o);
            case W_SELL_LIMIT -> b.sellLimits.remove(o);
            case W_BUY_STOP -> b.buyStops.remove(o);
            case W_SELL_STOP -> b.sellStops.remove(o);
            case W_TRAILING -> {
                if (o.tgroup == null) {
                    yield false;
                }
                b.trailBook(o).remove(o);
                yield true;
            }
            case W_OPENING -> b.opening.remove(o);
            default -> false;
        };
        if (!removed) {
            throw new IllegalStateException("order " + o.id + " missing from its index " + w);
        }
        if (w == W_BUY_LIMIT || w == W_SELL_LIMIT || w == W_BUY_STOP || w == W_SELL_STOP) {
            b.refreshTops();
        }
        b.orderCount--;
    }

    /** Ends a live order with a terminal status, emitting its event; spreads take their legs along. */
    private void terminate(Order o, OrderStatus st, RejectCode code, String reason) {
        if (!o.live()) {
            return;
        }
        if (o.kind == OrderKind.SpreadRoot) {
            for (Order leg : o.legs) {
                if (leg.live()) {
                    leg.status = st;
                    leg.updatedMs = t;
                    retire(leg);
                    emitTerminal(leg, st, code, reason);
                }
            }
        }
        o.status = st;
        o.updatedMs = t;
        retire(o);
        emitTerminal(o, st, code, reason);
        if (o.kind == OrderKind.Single && o.root != null) {
            afterLegTerminal(o);
        }
    }

    private void emitTerminal(Order o, OrderStatus st, RejectCode code, String reason) {
        switch (st) {
            case Canceled -> out.add(new Event.Canceled(t, o.accountId, o.id, o.executed, reason));
            case Expired -> out.add(new Event.Expired(t, o.accountId, o.id, o.executed, reason));
            case Rejected -> out.add(new Event.Rejected(t, o.accountId, o.id, code, reason));
            default -> throw new IllegalStateException("not a terminal event status " + st);
        }
    }

    /** Removes a terminal order from every structure and releases its reservation. */
    private void retire(Order o) {
        unindex(o);
        reReserve(o);
        if (o.reserved != 0) {
            throw new IllegalStateException("terminal order " + o.id + " still reserves " + o.reserved);
        }
        orders.remove(o.id);
        o.account.open.remove(o.id);
        if (o.expireAt != NONE && gtd.remove(o)) {
            gtdMin = gtd.isEmpty() ? Long.MAX_VALUE : gtd.first().expireAt;
        }
    }

    private void reject(long accountId, long ref, RejectCode code, String text) {
        out.add(new Event.Rejected(t, accountId, ref, code, text == null ? code.text() : text));
    }

    // ------------------------------------------------------------------------------------------------ risk

    /** What an order reserves now: its requirement while New/PartiallyFilled, nothing otherwise. */
    private long reservationOf(Order o) {
        if (o.status != OrderStatus.New && o.status != OrderStatus.PartiallyFilled) {
            return 0;
        }
        return requirement(o, o.leaves(), o.perTradeCharged);
    }

    private void reReserve(Order o) {
        long r = reservationOf(o);
        if (r != o.reserved) {
            o.account.reserved += r - o.reserved;
            o.reserved = r;
        }
    }

    /**
     * Buying power an order needs for {@code leaves}: opening orders the initial requirement of their value at the
     * reservation price plus commissions still to pay; closing orders nothing; spreads the sum over their legs.
     */
    private long requirement(Order o, long leaves, boolean perTradeCharged) {
        if (leaves <= 0) {
            return 0;
        }
        Account a = o.account;
        switch (o.kind) {
            case Single -> {
                if (!o.opens()) {
                    return 0;
                }
                long units = leaves / SCALE;
                long fees = (perTradeCharged ? 0 : o.perTrade) + unitFee(o.perUnit, o.executed / SCALE, units);
                long value = principal(Math.max(0, o.reservePrice), units, o.inst.contractSize());
                return Math.addExact(initial(a, o.inst, o.side, value), fees);
            }
            case SpreadRoot -> {
                long spreads = leaves / SCALE;
                long total = perTradeCharged ? 0 : o.perTrade;
                for (Order leg : o.legs) {
                    long units = Math.multiplyExact(spreads, leg.ratio / SCALE);
                    total = Math.addExact(total, unitFee(leg.perUnit, leg.executed / SCALE, units));
                    if (leg.opens()) {
                        long value = principal(leg.reservePrice, units, leg.inst.contractSize());
                        total = Math.addExact(total, initial(a, leg.inst, leg.side, value));
                    }
                }
                return total;
            }
            default -> {
                return 0;
            }
        }
    }

    /** Initial requirement of opening {@code value}: see the class comment. */
    private static long initial(Account a, Instrument inst, Side side, long value) {
        if (a.marginType == MarginType.Cash) {
            return value;
        }
        if (inst.isOption()) {
            return side == Side.SellShort ? Math.ceilDiv(Math.multiplyExact(value, 3), 2) : value;
        }
        if (side == Side.Buy && !inst.allowMargin()) {
            return value;
        }
        long rate = Math.ceilDiv(value, a.marginType.multiplier());
        // a short is never charged less than its maintenance (30 %), so equity − initial ≤ equity − maintenance
        return side == Side.SellShort ? Math.max(rate, Math.ceilDiv(Math.multiplyExact(value, 30), 100)) : rate;
    }

    /** Amount an opening order may still reserve. */
    private long available(Account a) {
        return a.cashAccount() ? a.settled - a.reserved : marginExcess(a) - a.reserved;
    }

    /** The booked principal of {@code units} at {@code px}, rounded to the cent ({@link Fixed#toCents}). */
    private static long principal(long px, long units, int contractSize) {
        return Fixed.toCents(Math.multiplyExact(Math.multiplyExact(px, units), contractSize));
    }

    /**
     * The per-share/per-contract commission a fill of {@code units} books after {@code doneUnits} of the same order:
     * the order's commission is rounded to the cent on its cumulative quantity and each fill books the increase, so
     * splitting an order into fills never changes what it costs in total.
     */
    private static long unitFee(long perUnit, long doneUnits, long units) {
        if (perUnit == 0 || units == 0) {
            return 0;
        }
        return Fixed.toCents(Math.multiplyExact(perUnit, doneUnits + units))
                - Fixed.toCents(Math.multiplyExact(perUnit, doneUnits));
    }


    /**
     * What filling {@code units} of opening order {@code o} at {@code px} takes from its account's buying power,
     * together with what {@code restUnits} still to fill at its reservation price keep reserved: principal plus
     * commissions in a cash account, the initial requirement plus commissions in a margin account.
     */
    private long openingNeed(Order o, long px, long units, long restUnits) {
        Account a = o.account;
        int cs = o.inst.contractSize();
        long done = o.executed / SCALE;
        long fees = (o.perTradeCharged ? 0 : o.perTrade) + unitFee(o.perUnit, done, units)
                + unitFee(o.perUnit, done + units, restUnits);
        if (a.cashAccount()) {
            long value = Math.addExact(principal(px, units, cs), principal(Math.max(0, o.reservePrice), restUnits, cs));
            return Math.addExact(value, fees);
        }
        long rest = initial(a, o.inst, o.side, principal(Math.max(0, o.reservePrice), restUnits, cs));
        return Math.addExact(Math.addExact(marginTake(a, o, px, units), rest), fees);
    }

    /**
     * How much an opening fill lowers a margin account's margin excess before commissions: the initial requirement
     * of the new units at the security's mark, plus what the account pays over that mark (a buy at the ask above the
     * last price, a short sale at the bid below it; a better price counts in the account's favour).
     */
    private long marginTake(Account a, Order o, long px, long units) {
        SecBook b = o.book;
        long mark = b != null && b.hasQuote && b.last > 0 ? b.last : px;
        int cs = o.inst.contractSize();
        long atMark = Math.multiplyExact(Math.multiplyExact(mark, units), cs);
        long booked = principal(px, units, cs);
        long overMark = o.isBuy() ? booked - atMark : atMark - booked;
        return Math.addExact(initial(a, o.inst, o.side, atMark), overMark);
    }

    /** The most of {@code units} that {@code avail} pays for at {@code px} (the remainder not counted). */
    private long affordableUnits(Order o, long px, long units, long avail) {
        Account a = o.account;
        long fixed = o.perTradeCharged ? 0 : o.perTrade;
        long each = Math.multiplyExact(px, o.inst.contractSize());
        long unitCost = (a.cashAccount() ? each : initial(a, o.inst, o.side, each)) + o.perUnit;
        long n = unitCost <= 0 ? units : Math.min(units, Math.max(0, (avail - fixed) / unitCost));
        while (n > 0 && openingNeed(o, px, n, 0) > avail) {
            n--;
        }
        return n;
    }

    /**
     * What filling {@code spreads} of spread {@code r} at its legs' current quotes takes from buying power: the
     * commissions, plus the buy legs' principal (cash accounts) or the opening legs' initial requirement (margin
     * accounts). Credits from sell legs are not counted.
     */
    private long spreadNeed(Order r, long spreads) {
        Account a = r.account;
        long need = r.perTradeCharged ? 0 : r.perTrade;
        for (Order leg : r.legs) {
            long units = Math.multiplyExact(spreads, leg.ratio / SCALE);
            need = Math.addExact(need, unitFee(leg.perUnit, leg.executed / SCALE, units));
            long px = leg.isBuy() ? leg.book.ask : leg.book.bid;
            if (a.cashAccount() ? leg.isBuy() : leg.opens()) {
                need = Math.addExact(need, a.cashAccount() ? principal(px, units, leg.inst.contractSize())
                        : marginTake(a, leg, px, units));
            }
        }
        return need;
    }

    private long mark(Position p) {
        SecBook b = p.book;
        if (b != null && b.hasQuote && b.last > 0) {
            return b.last;
        }
        return p.qty == 0 ? 0
                : Fixed.mulDiv(p.costBasis, SCALE, Math.multiplyExact(Math.abs(p.qty), p.inst.contractSize()));
    }

    private long marketValue(Position p) {
        return Math.multiplyExact(Math.multiplyExact(mark(p), p.qty / SCALE), p.inst.contractSize());
    }

    private static long maintenance(Position p, long mv) {
        long abs = Math.abs(mv);
        if (p.inst.isOption()) {
            return p.qty > 0 ? abs : Math.ceilDiv(Math.multiplyExact(abs, 3), 2);
        }
        if (p.qty > 0) {
            return p.inst.allowMargin() ? Math.ceilDiv(Math.multiplyExact(abs, 25), 100) : abs;
        }
        return Math.ceilDiv(Math.multiplyExact(abs, 30), 100);
    }

    /**
     * What a margin account's positions leave for new orders and withdrawals before reservations: equity − the
     * initial requirement of every position at its mark, never more than equity − maintenance. Positions are charged
     * the same rates {@link #initial} charges an opening order (Reg T 50 % for Margin), so an order's reservation is
     * exactly what its fill then takes, and splitting, bursts and fills at a later price cannot add leverage.
     * Allocation-free; O(positions of the account).
     */
    private long marginExcess(Account a) {
        long equity = a.cash;
        long maint = 0;
        long init = 0;
        LongMap<Position> ps = a.positions;
        for (int i = 0, n = ps.capacity(); i < n; i++) {
            Position p = ps.valueAt(i);
            if (p == null || p.qty == 0) {
                continue;
            }
            long mv = marketValue(p);
            equity += mv;
            maint += maintenance(p, mv);
            init += heldRequirement(a, p, mv);
        }
        return Math.min(equity - init, equity - maint);
    }


    /** Initial requirement of holding a position worth {@code mv}: {@link #initial} of opening it now. */
    private static long heldRequirement(Account a, Position p, long mv) {
        return initial(a, p.inst, p.qty > 0 ? Side.Buy : Side.SellShort, Math.abs(mv));
    }

    // ------------------------------------------------------------------------------------------------ verify

    /**
     * Runs every check of a Place and estimates its costs without changing state: VerifyOrderModel's Commission,
     * Commissions, Cost, NetCost and MarginChange (see {@link Verification}).
     */
    public Verification verify(Command.Place p) {
        long savedT = t;
        t = p.timeMs();
        try {
            Prepared pr = prepare(p);
            if (pr.code != null) {
                return new Verification(false, pr.code, pr.text, 0, Map.of(), 0, 0, 0);
            }
            Order r = pr.root;
            long perTrade = 0;
            long perUnit = 0;
            long cost = 0;
            boolean debit = true;
            switch (r.kind) {
                case Single -> {
                    long units = r.quantity / SCALE;
                    perTrade = r.perTrade;
                    perUnit = unitFee(r.perUnit, 0, units);
                    cost = principal(r.reservePrice, units, r.inst.contractSize());
                    debit = r.isBuy();
                }
                case ConditionalRoot -> {
                    for (Order leg : r.legs) {
                        if (leg.status != OrderStatus.New) {
                            continue;
                        }
                        long units = leg.quantity / SCALE;
                        perTrade += leg.perTrade;
                        perUnit += unitFee(leg.perUnit, 0, units);
                        cost += principal(leg.reservePrice, units, leg.inst.contractSize());
                        debit = leg.isBuy();
                    }
                }
                default -> {
                    long spreads = r.quantity / SCALE;
                    long net = 0;
                    perTrade = r.perTrade;
                    for (Order leg : r.legs) {
                        long units = Math.multiplyExact(spreads, leg.ratio / SCALE);
                        perUnit += unitFee(leg.perUnit, 0, units);
                        long v = principal(leg.reservePrice, units, leg.inst.contractSize());
                        net += leg.isBuy() ? v : -v;
                    }
                    cost = Math.abs(net);
                    debit = net >= 0;
                }
            }
            long commission = perTrade + perUnit;
            Map<String, Long> map = new LinkedHashMap<>();
            map.put(Fee.PER_TRADE, perTrade);
            map.put(Fee.PER_CONTRACT, perUnit);
            long netCost = debit ? cost + commission : cost - commission;
            return new Verification(true, null, null, commission, map, cost, netCost, pr.requirement);
        } finally {
            t = savedT;
        }
    }

    // ------------------------------------------------------------------------------------------------ reads

    /** The engine's current session. */
    public Session session() {
        return session;
    }

    /** The latest command time seen. */
    public long nowMs() {
        return now;
    }

    public boolean hasAccount(long accountId) {
        return accounts.get(accountId) != null;
    }

    /** Cash (Σ ledger), or 0 for an unknown account. */
    public long cash(long accountId) {
        Account a = accounts.get(accountId);
        return a == null ? 0 : a.cash;
    }

    /** Settled cash (cash accounts; equals cash for margin accounts). */
    public long settledCash(long accountId) {
        Account a = accounts.get(accountId);
        return a == null ? 0 : a.settled;
    }

    /** Buying power held by open orders. */
    public long reserved(long accountId) {
        Account a = accounts.get(accountId);
        return a == null ? 0 : a.reserved;
    }

    /** Unsettled sale proceeds (cash accounts). */
    public long pendingCash(long accountId) {
        Account a = accounts.get(accountId);
        return a == null ? 0 : a.pendingTotal();
    }

    /** Balance figures, or null for an unknown account. O(positions). */
    public Balances balances(long accountId) {
        Account a = accounts.get(accountId);
        if (a == null) {
            return null;
        }
        long sl = 0, ss = 0, ol = 0, os = 0, maint = 0, init = 0, openPl = 0, closePl = 0;
        for (Position p : a.positions.values()) {
            closePl += p.dayRealized;
            if (p.qty == 0) {
                continue;
            }
            long mv = marketValue(p);
            maint += maintenance(p, mv);
            init += heldRequirement(a, p, mv);
            openPl += p.qty > 0 ? mv - p.costBasis : mv + p.costBasis;
            if (p.inst.isOption()) {
                if (p.qty > 0) {
                    ol += mv;
                } else {
                    os += mv;
                }
            } else if (p.qty > 0) {
                sl += mv;
            } else {
                ss += mv;
            }
        }
        long mv = sl + ss + ol + os;
        long equity = a.cash + mv;
        long pending = a.pendingTotal();
        long excess = equity - maint - pending;
        long free = a.cashAccount() ? a.settled - a.reserved : Math.min(equity - init - pending, excess) - a.reserved;
        long base = Math.max(0, free);
        long stockBp = a.cashAccount() ? base : base * a.marginType.multiplier();
        long dtBp = a.marginType == MarginType.DayTrader ? base * 4 : stockBp;
        int count = 0;
        for (Order o : a.open.values()) {
            if (o.parentId == -1) {
                count++;
            }
        }
        return new Balances(a.cash, a.settled, pending, a.reserved, equity, sl, ss, ol, os, mv, maint, excess, stockBp,
                base, dtBp, openPl, closePl, count);
    }

    /** Positions of an account (including flat ones until the next Settle), by security id. */
    public List<PositionSnapshot> positions(long accountId) {
        Account a = accounts.get(accountId);
        if (a == null) {
            return List.of();
        }
        List<PositionSnapshot> l = new ArrayList<>();
        for (Position p : a.positions.values()) {
            l.add(p.snapshot());
        }
        l.sort(Comparator.comparingInt(PositionSnapshot::securityId));
        return l;
    }

    /** One position, or null. */
    public PositionSnapshot position(long accountId, int securityId) {
        Account a = accounts.get(accountId);
        Position p = a == null ? null : a.positions.get(securityId);
        return p == null ? null : p.snapshot();
    }

    /** Live orders of an account (roots, legs, singles), by id. */
    public List<OrderSnapshot> openOrders(long accountId) {
        Account a = accounts.get(accountId);
        if (a == null) {
            return List.of();
        }
        List<OrderSnapshot> l = new ArrayList<>();
        for (Order o : a.open.values()) {
            l.add(o.snapshot());
        }
        l.sort(Comparator.comparingLong(OrderSnapshot::orderId));
        return l;
    }

    /** A live order, or null (terminal orders are not kept). */
    public OrderSnapshot order(long orderId) {
        Order o = orders.get(orderId);
        return o == null ? null : o.snapshot();
    }

    /** Number of live orders (all kinds). */
    public int liveOrderCount() {
        return orders.size();
    }

    /** The last quote of a security, or null. */
    public Snapshot.QuoteState lastQuote(int securityId) {
        SecBook b = books.get(securityId);
        return b == null || !b.hasQuote ? null : b.snapshot();
    }

    // ------------------------------------------------------------------------------------------------ invariants

    /** Checks every invariant (see the class comment); returns the violations, empty when sound. O(state). */
    public List<String> checkInvariants() {
        List<String> errs = new ArrayList<>();
        for (Account a : accounts.values()) {
            String id = "account " + a.id + ": ";
            if (a.ledgerSum != a.cash) {
                errs.add(id + "ledger sum " + a.ledgerSum + " != cash " + a.cash);
            }
            if (a.cashAccount()) {
                if (a.settled < 0) {
                    errs.add(id + "negative settled cash " + a.settled);
                }
                if (a.settled < a.reserved) {
                    errs.add(id + "reservations " + a.reserved + " exceed settled cash " + a.settled);
                }
                if (a.cash != a.settled + a.pendingTotal()) {
                    errs.add(id + "cash != settled + unsettled");
                }
                for (Snapshot.PendingSettlement ps : a.pending) {
                    if (ps.amount() <= 0) {
                        errs.add(id + "non-positive pending settlement");
                    }
                }
            } else if (a.settled != a.cash || !a.pending.isEmpty()) {
                errs.add(id + "margin account with settled != cash or pending proceeds");
            }
            long sum = 0;
            for (Order o : a.open.values()) {
                sum += o.reserved;
                if (orders.get(o.id) != o || o.accountId != a.id) {
                    errs.add(id + "open order " + o.id + " not registered");
                }
            }
            if (sum != a.reserved || a.reserved < 0) {
                errs.add(id + "reserved " + a.reserved + " != Σ order reservations " + sum);
            }
            for (Position p : a.positions.values()) {
                String pid = id + "position " + p.securityId + ": ";
                if (p.qty != p.fillQtySum) {
                    errs.add(pid + "quantity " + p.qty + " != Σ fills " + p.fillQtySum);
                }
                if (!Fixed.isWhole(p.qty)) {
                    errs.add(pid + "fractional quantity");
                }
                if (p.costBasis < 0 || (p.qty == 0 && p.costBasis != 0)) {
                    errs.add(pid + "cost basis " + p.costBasis + " for quantity " + p.qty);
                }
            }
        }
        int gtdLive = 0;
        for (Order o : orders.values()) {
            String id = "order " + o.id + ": ";
            if (!o.live()) {
                errs.add(id + "terminal order still held (" + o.status + ")");
                continue;
            }
            if (o.account == null || accounts.get(o.accountId) != o.account || o.account.open.get(o.id) != o) {
                errs.add(id + "not linked to its account");
                continue;
            }
            if (o.kind != OrderKind.ConditionalRoot) {
                if (o.executed < 0 || o.executed >= o.quantity) {
                    errs.add(id + "executed " + o.executed + " outside [0, quantity " + o.quantity + ")");
                }
                if (!Fixed.isWhole(o.executed)) {
                    errs.add(id + "fractional executed quantity");
                }
            }
            if (o.reserved != reservationOf(o)) {
                errs.add(id + "reserved " + o.reserved + " != needed " + reservationOf(o));
            }
            int expected = placement(o);
            if (o.where != expected) {
                errs.add(id + "indexed at " + o.where + ", expected " + expected);
            } else if (!indexed(o)) {
                errs.add(id + "missing from index " + o.where);
            }
            if (o.root != null && (!o.root.live() || orders.get(o.root.id) != o.root || o.root.legs[o.legIndex] != o)) {
                errs.add(id + "leg of a dead or unlinked root");
            }
            if (o.kind == OrderKind.ConditionalRoot || o.kind == OrderKind.SpreadRoot) {
                boolean anyLive = false;
                for (Order leg : o.legs) {
                    anyLive |= leg.live();
                }
                if (!anyLive) {
                    errs.add(id + "root without live legs");
                }
            }
            if (o.kind == OrderKind.SpreadLeg && o.executed != (o.root.executed / SCALE) * o.ratio) {
                errs.add(id + "spread leg executed out of step with its root");
            }
            if (o.expireAt != NONE) {
                gtdLive++;
                if (!gtd.contains(o)) {
                    errs.add(id + "missing from the expiry index");
                }
            }
        }
        if (gtd.size() != gtdLive) {
            errs.add("expiry index holds " + gtd.size() + " orders, expected " + gtdLive);
        }
        long gm = gtd.isEmpty() ? Long.MAX_VALUE : gtd.first().expireAt;
        if (gm != gtdMin) {
            errs.add("cached earliest expiry " + gtdMin + " != " + gm);
        }
        for (SecBook b : books.values()) {
            int n = b.ready.size() + b.buyLimits.size() + b.sellLimits.size() + b.buyStops.size() + b.sellStops.size()
                    + b.trailingCount() + b.opening.size() + b.spreads.size();
            if (n != b.orderCount) {
                errs.add("security " + b.id + ": order count " + b.orderCount + " != indexed " + n);
            }
            for (TrailBook tb : b.trails) {
                tb.check(errs, b.id);
            }
            if (!b.topsConsistent()) {
                errs.add("security " + b.id + ": cached best prices are stale");
            }
        }
        return errs;
    }

    private boolean indexed(Order o) {
        if (o.where == W_NONE) {
            return true;
        }
        if (o.where == W_SPREAD) {
            for (Order leg : o.legs) {
                if (!leg.book.spreads.contains(o)) {
                    return false;
                }
            }
            return true;
        }
        SecBook b = o.book;
        return switch (o.where) {
            case W_READY -> b.ready.contains(o);
            case W_BUY_LIMIT -> b.buyLimits.contains(o);
            case W_SELL_LIMIT -> b.sellLimits.contains(o);
            case W_BUY_STOP -> b.buyStops.contains(o);
            case W_SELL_STOP -> b.sellStops.contains(o);
            case W_TRAILING -> o.tgroup != null && o.tgroup.members.contains(o)
                    && b.trailBook(o).byBest.get(o.tgroup.best) == o.tgroup;
            case W_OPENING -> b.opening.contains(o);
            default -> false;
        };
    }

    // ------------------------------------------------------------------------------------------------ snapshot

    /** Exports the whole state as plain records in canonical order. */
    public Snapshot snapshot() {
        List<Account> accs = accounts.values();
        accs.sort(Comparator.comparingLong(a -> a.id));
        List<Snapshot.AccountState> as = new ArrayList<>(accs.size());
        List<PositionSnapshot> ps = new ArrayList<>();
        for (Account a : accs) {
            as.add(new Snapshot.AccountState(a.id, a.marginType, a.plan, a.cash, a.settled, a.reserved, a.ledgerSum,
                    List.copyOf(a.pending), a.createdMs));
            List<Position> pl = a.positions.values();
            pl.sort(Comparator.comparingInt(p -> p.securityId));
            for (Position p : pl) {
                ps.add(p.snapshot());
            }
        }
        List<Order> ol = orders.values();
        ol.sort(Comparator.comparingLong(o -> o.id));
        List<OrderSnapshot> os = new ArrayList<>(ol.size());
        List<OrderSnapshot> finished = new ArrayList<>();
        for (Order o : ol) {
            os.add(o.snapshot());
            if (o.kind == OrderKind.ConditionalRoot) {
                for (Order leg : o.legs) {
                    if (!leg.live()) {
                        finished.add(leg.snapshot());
                    }
                }
            }
        }
        finished.sort(Comparator.comparingLong(OrderSnapshot::orderId));
        List<SecBook> bl = books.values();
        bl.sort(Comparator.comparingInt(b -> b.id));
        List<Snapshot.QuoteState> qs = new ArrayList<>();
        for (SecBook b : bl) {
            if (b.hasQuote) {
                qs.add(b.snapshot());
            }
        }
        return new Snapshot(now, session, sessionKey, sessionSinceMs, nextFillId, nextLedgerId, nextSeq, List.copyOf(as), List.copyOf(ps),
                List.copyOf(os), List.copyOf(finished), List.copyOf(qs));
    }

    /**
     * Rebuilds an engine from a snapshot (e.g. after a restart) and checks its invariants.
     *
     * @throws IllegalStateException if the snapshot is inconsistent
     */
    public static Engine restore(Snapshot s) {
        Engine e = new Engine();
        e.now = s.nowMs();
        e.session = s.session();
        e.sessionKey = s.sessionKey();
        e.sessionSinceMs = s.sessionSinceMs();
        e.nextFillId = s.nextFillId();
        e.nextLedgerId = s.nextLedgerId();
        e.nextSeq = s.nextSeq();
        for (Snapshot.AccountState as : s.accounts()) {
            Account a = new Account(as.accountId(), as.marginType(), as.commissions(), as.createdMs());
            a.cash = as.cash();
            a.settled = as.settledCash();
            a.reserved = as.reserved();
            a.ledgerSum = as.ledgerSum();
            a.pending.addAll(as.pending());
            e.accounts.put(a.id, a);
        }
        for (PositionSnapshot ps : s.positions()) {
            Account a = e.accounts.get(ps.accountId());
            if (a == null) {
                throw new IllegalStateException("position of unknown account " + ps.accountId());
            }
            Position p = Position.from(ps);
            p.book = e.book(ps.securityId());
            a.positions.put(ps.securityId(), p);
        }
        for (Snapshot.QuoteState q : s.quotes()) {
            e.book(q.securityId()).restore(q);
        }
        List<Order> all = new ArrayList<>(s.orders().size());
        for (OrderSnapshot os : s.orders()) {
            Order o = Order.from(os);
            Account a = e.accounts.get(o.accountId);
            if (a == null) {
                throw new IllegalStateException("order " + o.id + " of unknown account " + o.accountId);
            }
            o.account = a;
            if (o.kind == OrderKind.Single || o.kind == OrderKind.SpreadLeg) {
                o.book = e.book(o.securityId);
            }
            e.orders.put(o.id, o);
            a.open.put(o.id, o);
            all.add(o);
        }
        List<Order> linked = new ArrayList<>(all);
        for (OrderSnapshot os : s.finishedLegs()) {
            Order o = Order.from(os);
            if (o.live()) {
                throw new IllegalStateException("finished leg " + o.id + " is live");
            }
            o.account = e.accounts.get(o.accountId);
            o.book = e.book(o.securityId);
            linked.add(o);
        }
        for (Order root : all) {
            if (root.kind == OrderKind.ConditionalRoot || root.kind == OrderKind.SpreadRoot) {
                int n = 0;
                for (Order x : linked) {
                    if (x.parentId == root.id) {
                        n = Math.max(n, x.legIndex + 1);
                    }
                }
                root.legs = new Order[n];
            }
        }
        for (Order o : linked) {
            if (o.parentId != -1) {
                Order root = e.orders.get(o.parentId);
                if (root == null || root.legs == null || o.legIndex < 0 || o.legIndex >= root.legs.length) {
                    throw new IllegalStateException("order " + o.id + " has no root " + o.parentId);
                }
                o.root = root;
                root.legs[o.legIndex] = o;
            }
        }
        for (Order o : all) {
            if (o.legs == null) {
                continue;
            }
            int expected = o.kind == OrderKind.ConditionalRoot
                    ? (o.type == OrderType.OneTriggerOneCancelOther ? 3 : 2) : o.legs.length;
            if (o.legs.length < expected) {
                o.legs = Arrays.copyOf(o.legs, expected);
            }
            for (int i = 0; i < o.legs.length; i++) {
                if (o.legs[i] != null) {
                    continue;
                }
                if (o.kind != OrderKind.ConditionalRoot) {
                    throw new IllegalStateException("root " + o.id + " misses leg " + i);
                }
                // A conditional leg that already ended is not in the snapshot (only live orders are):
                // it stands in as a canceled leg, which is all the root's rules look at.
                Order ended = new Order();
                ended.kind = OrderKind.Single;
                ended.status = OrderStatus.Canceled;
                ended.account = o.account;
                ended.accountId = o.accountId;
                ended.parentId = o.id;
                ended.legIndex = i;
                ended.root = o;
                ended.type = OrderType.Limit;
                ended.side = Side.Buy;
                ended.tif = TimeInForce.GoodTillCancel;
                ended.symbol = "";
                o.legs[i] = ended;
            }
        }
        all.sort(Comparator.comparingLong(o -> o.seq));
        for (Order o : all) {
            if (o.expireAt != NONE) {
                e.gtd.add(o);
            }
            if (o.status == OrderStatus.New || o.status == OrderStatus.PartiallyFilled) {
                e.index(o);
            }
        }
        e.gtdMin = e.gtd.isEmpty() ? Long.MAX_VALUE : e.gtd.first().expireAt;
        List<String> errs = e.checkInvariants();
        if (!errs.isEmpty()) {
            throw new IllegalStateException("unsound snapshot: " + errs);
        }
        return e;
    }

    /**
     * A 64-bit FNV-1a hash of the canonical snapshot's text: equal states give equal hashes across runs and
     * restarts. O(state); meant for tests and start-up checks, not the hot path.
     */
    public long stateHash() {
        String text = snapshot().toString();
        long h = 0xcbf29ce484222325L;
        for (int i = 0; i < text.length(); i++) {
            h ^= text.charAt(i);
            h *= 0x100000001b3L;
        }
        return h;
    }
}
