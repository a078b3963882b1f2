package dev.crater.orders.engine;

import dev.crater.common.MarginType;
import dev.crater.market.Session;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

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
 * withdrawals post Payment entries, and so does a {@link Command.Reset} (after closing each position with a
 * commission-free Market fill at its mark). Σ ledger = cash always. Realized P/L excludes commissions.
 *
 * <h2>Invariants</h2>
 * {@link #checkInvariants()} verifies: ledger sum = cash; cash accounts have 0 ≤ settled cash, reservations ≤ settled
 * cash, cash = settled + unsettled; margin accounts settled = cash; position quantity = Σ signed fills, whole, no
 * cost basis when flat; 0 ≤ executed &lt; quantity for live orders; each order's reservation equals what its leaves
 * need and the account's reservation is their sum; every live order is indexed exactly where its state says.
 * {@link #restore} runs it and refuses an unsound snapshot.
 */
public final class Engine {

    // The state is shared by one object per concern (see each class); the concerns call each other (a fill may
    // complete a conditional leg, which activates the next one, which may fill at once), so they are created over
    // the state first and wired in the constructor.
    private final EngineState state = new EngineState();
    private final Risk risk = new Risk(state);
    private final Lifecycle lifecycle = new Lifecycle(state);
    private final Sessions sessions = new Sessions(state);
    private final Matching matching = new Matching(state);
    private final OrderEntry orderEntry = new OrderEntry(state);
    private final Conditionals conditionals = new Conditionals(state);
    private final Spreads spreads = new Spreads(state);
    private final CancelReplace cancelReplace = new CancelReplace(state);
    private final Commands commands = new Commands(state);
    private final Verifier verifier = new Verifier(state);
    private final Invariants invariants = new Invariants(state);
    private final Snapshots snapshots = new Snapshots(state);

    /** An empty engine: no accounts, session CLOSED, time 0. */
    public Engine() {
        lifecycle.connect(conditionals, risk);
        sessions.connect(lifecycle);
        matching.connect(conditionals, lifecycle, risk, spreads);
        orderEntry.connect(conditionals, lifecycle, matching, risk, spreads);
        conditionals.connect(lifecycle, matching, orderEntry, risk);
        spreads.connect(lifecycle, matching, orderEntry, risk);
        cancelReplace.connect(conditionals, lifecycle, matching, risk);
        commands.connect(lifecycle, matching, risk, sessions, orderEntry, conditionals);
        verifier.connect(orderEntry);
        invariants.connect(risk);
        snapshots.connect(lifecycle);
    }

    /** Applies one command, appending its events to {@code out} (in decision order). */
    public void apply(Command cmd, List<Event> out) {
        state.out = out;
        state.t = cmd.timeMs();
        if (state.t > state.now) {
            state.now = state.t;
        }
        try {
            switch (cmd) {
                case Command.QuoteTick q -> commands.onQuote(q);
                case Command.Place p -> orderEntry.onPlace(p);
                case Command.Cancel c -> cancelReplace.onCancel(c);
                case Command.Replace r -> cancelReplace.onReplace(r);
                case Command.Clock c -> commands.onClock(c);
                case Command.Deposit d -> commands.onDeposit(d);
                case Command.OpenAccount o -> commands.onOpenAccount(o);
                case Command.Settle s -> commands.onSettle(s);
                case Command.Reset r -> commands.onReset(r);
            }
        } finally {
            state.out = null;
            state.depth = 0;
        }
    }

    /** Convenience: applies and returns the events in a new list. */
    public List<Event> apply(Command cmd) {
        List<Event> events = new ArrayList<>(4);
        apply(cmd, events);
        return events;
    }

    /**
     * Runs every check of a Place and estimates its costs without changing state: VerifyOrderModel's Commission,
     * Commissions, Cost, NetCost and MarginChange (see {@link Verification}).
     */
    public Verification verify(Command.Place p) {
        return verifier.verify(p);
    }

    /** The engine's current session. */
    public Session session() {
        return state.session;
    }

    /** The latest command time seen. */
    public long nowMs() {
        return state.now;
    }

    public boolean hasAccount(long accountId) {
        return state.accounts.get(accountId) != null;
    }

    /** Cash (Σ ledger), or 0 for an unknown account. */
    public long cash(long accountId) {
        AccountBook a = state.accounts.get(accountId);
        return a == null ? 0 : a.cash;
    }

    /** Settled cash (cash accounts; equals cash for margin accounts). */
    public long settledCash(long accountId) {
        AccountBook a = state.accounts.get(accountId);
        return a == null ? 0 : a.settled;
    }

    /** Buying power held by open orders. */
    public long reserved(long accountId) {
        AccountBook a = state.accounts.get(accountId);
        return a == null ? 0 : a.reserved;
    }

    /** Unsettled sale proceeds (cash accounts). */
    public long pendingCash(long accountId) {
        AccountBook a = state.accounts.get(accountId);
        return a == null ? 0 : a.pendingTotal();
    }

    /** Balance figures, or null for an unknown account. O(positions). */
    public Balances balances(long accountId) {
        AccountBook a = state.accounts.get(accountId);
        if (a == null) {
            return null;
        }
        long sl = 0, ss = 0, ol = 0, os = 0, maint = 0, init = 0, openPl = 0, closePl = 0;
        for (Position p : a.positions.values()) {
            closePl += p.dayRealized;
            if (p.quantity == 0) {
                continue;
            }
            long mv = risk.marketValue(p);
            maint += Risk.maintenance(p, mv);
            init += Risk.heldRequirement(a, p, mv);
            openPl += p.quantity > 0 ? mv - p.costBasis : mv + p.costBasis;
            if (p.instrument.isOption()) {
                if (p.quantity > 0) {
                    ol += mv;
                } else {
                    os += mv;
                }
            } else if (p.quantity > 0) {
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
        long dtBp = a.marginType == MarginType.DayTrader ? base * MarginType.DayTrader.multiplier() : stockBp;
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
        AccountBook a = state.accounts.get(accountId);
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
        AccountBook a = state.accounts.get(accountId);
        Position p = a == null ? null : a.positions.get(securityId);
        return p == null ? null : p.snapshot();
    }

    /** Live orders of an account (roots, legs, singles), by id. */
    public List<OrderSnapshot> openOrders(long accountId) {
        AccountBook a = state.accounts.get(accountId);
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
        Order o = state.orders.get(orderId);
        return o == null ? null : o.snapshot();
    }

    /** Number of live orders (all kinds). */
    public int liveOrderCount() {
        return state.orders.size();
    }

    /** The last quote of a security, or null. */
    public Snapshot.QuoteState lastQuote(int securityId) {
        SecBook b = state.books.get(securityId);
        return b == null || !b.hasQuote ? null : b.snapshot();
    }

    /** Checks every invariant (see the class comment); returns the violations, empty when sound. O(state). */
    public List<String> checkInvariants() {
        return invariants.checkInvariants();
    }

    /** Exports the whole state as plain records in canonical order. */
    public Snapshot snapshot() {
        return snapshots.snapshot();
    }

    /**
     * Rebuilds an engine from a snapshot (e.g. after a restart) and checks its invariants.
     *
     * @throws IllegalStateException if the snapshot is inconsistent
     */
    public static Engine restore(Snapshot s) {
        return restore(s, 1);
    }

    /**
     * As {@link #restore(Snapshot)}, giving fill and ledger ids from the snapshot's next ids on in steps
     * of {@code idStride} (one trading shard among {@code idStride}: each keeps its own residue class).
     */
    public static Engine restore(Snapshot s, long idStride) {
        if (idStride < 1) {
            throw new IllegalArgumentException("id stride " + idStride);
        }
        Engine e = new Engine();
        e.snapshots.restore(s);
        e.state.idStride = idStride;
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
