package dev.crater.orders.engine;

import static dev.crater.orders.engine.Fixed.NONE;

import dev.crater.market.Session;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Account and market commands of the {@link Engine}: OpenAccount, Deposit (and withdrawals), Reset, Settle, Clock
 * and QuoteTick.
 */
final class Commands {
    private final EngineState state;
    private Lifecycle lifecycle;
    private Matching matching;
    private Risk risk;
    private Sessions sessions;
    private OrderEntry orderEntry;
    private Conditionals conditionals;

    Commands(EngineState state) {
        this.state = state;
    }

    /** Wires the collaborators (the concerns call each other, so they are connected after construction). */
    void connect(Lifecycle lifecycle, Matching matching, Risk risk, Sessions sessions, OrderEntry orderEntry,
            Conditionals conditionals) {
        this.orderEntry = orderEntry;
        this.conditionals = conditionals;
        this.lifecycle = lifecycle;
        this.matching = matching;
        this.risk = risk;
        this.sessions = sessions;
    }

    void onOpenAccount(Command.OpenAccount c) {
        if (c.marginType() == null || c.commissions() == null || c.accountId() == Long.MIN_VALUE) {
            lifecycle.reject(c.accountId(), c.accountId(), RejectCode.OrderInvalid, "Account type and commission plan are required.");
            return;
        }
        if (state.accounts.get(c.accountId()) != null) {
            lifecycle.reject(c.accountId(), c.accountId(), RejectCode.DuplicateAccount, null);
            return;
        }
        state.accounts.put(c.accountId(), new AccountBook(c.accountId(), c.marginType(), c.commissions(), state.t));
        state.out.add(new Event.AccountOpened(state.t, c.accountId(), c.marginType(), c.commissions()));
    }

    void onDeposit(Command.Deposit d) {
        AccountBook a = state.accounts.get(d.accountId());
        if (a == null) {
            lifecycle.reject(d.accountId(), d.requestId(), RejectCode.AccountNotFound, null);
            return;
        }
        long amount = d.amount();
        if (amount == 0 || amount == NONE || !Fixed.isCents(amount)) {
            lifecycle.reject(a.id, d.requestId(), RejectCode.AmountInvalid, null);
            return;
        }
        if (amount < 0 && -amount > withdrawable(a)) {
            lifecycle.reject(a.id, d.requestId(), RejectCode.InsufficientFunds, "Withdrawal exceeds the withdrawable amount.");
            return;
        }
        LedgerEntry e = matching.post(a, -1, 0, TxType.Payment, amount, 0, 0, null, false, d.description());
        a.cash = Math.addExact(a.cash, amount);
        a.settled = Math.addExact(a.settled, amount);
        state.out.add(new Event.CashMoved(state.t, a.id, e, a.cash, a.settled));
    }

    /** Why a reset cancels an order. */
    static final String RESET_REASON = "Account reset";

    /** See {@link Command.Reset}: every check first, so a refused reset changes nothing. */
    void onReset(Command.Reset r) {
        AccountBook a = state.accounts.get(r.accountId());
        if (a == null) {
            lifecycle.reject(r.accountId(), r.requestId(), RejectCode.AccountNotFound, null);
            return;
        }
        if (r.cash() < 0 || r.cash() == NONE || !Fixed.isCents(r.cash())) {
            lifecycle.reject(a.id, r.requestId(), RejectCode.AmountInvalid, "The starting cash must be 0 or more, in cents.");
            return;
        }
        List<Position> held = new ArrayList<>();
        for (Position p : a.positions.values()) {
            if (p.quantity != 0) {
                held.add(p);
            }
        }
        held.sort(Comparator.comparingInt(p -> p.securityId));
        List<Long> ids = new ArrayList<>();
        Set<Long> seen = new HashSet<>();
        for (long id : r.closeOrderIds()) {
            if (ids.size() < held.size() && id > 0 && state.orders.get(id) == null && seen.add(id)) {
                ids.add(id);
            }
        }
        if (ids.size() < held.size()) {
            lifecycle.reject(a.id, r.requestId(), RejectCode.ResetIdsShort, null);
            return;
        }
        cancelAll(a);
        for (int i = 0; i < held.size(); i++) {
            close(a, held.get(i), ids.get(i), r.userId());
        }
        long delta = Math.subtractExact(r.cash(), a.cash);
        LedgerEntry e = matching.post(a, -1, 0, TxType.Payment, delta, 0, 0, null, false, r.description());
        a.cash = r.cash();
        a.settled = r.cash();
        a.pending.clear();
        state.out.add(new Event.CashMoved(state.t, a.id, e, a.cash, a.settled));
    }

    /** Cancels every live order of the account, whole groups and spreads at once, in id order. */
    private void cancelAll(AccountBook a) {
        List<Order> live = a.open.values();
        live.sort(Comparator.comparingLong(o -> o.id));
        for (Order o : live) {
            if (!o.live()) {
                continue; // ended with its group
            }
            Order top = o.root != null ? o.root : o;
            if (!top.live()) {
                continue;
            }
            if (top.kind == OrderKind.ConditionalRoot) {
                for (int i = top.legs.length - 1; i >= 0; i--) {
                    lifecycle.terminate(top.legs[i], OrderStatus.Canceled, null, RESET_REASON);
                }
                conditionals.completeIfDone(top);
            } else {
                lifecycle.terminate(top, OrderStatus.Canceled, null, RESET_REASON);
            }
        }
    }

    /** Closes one position with a commission-free Market order filled at once at the position's mark. */
    private void close(AccountBook a, Position p, long orderId, long userId) {
        boolean isLong = p.quantity > 0;
        OrderSpec spec = OrderSpec.builder(orderId).security(p.securityId, p.symbol).instrument(p.instrument)
                .side(isLong ? Side.Sell : Side.BuyToCover).type(OrderType.Market).tif(TimeInForce.Day)
                .quantityFixed(Math.abs(p.quantity)).sessions(Set.of(Session.PRE_MARKET, Session.REGULAR,
                        Session.POST_MARKET, Session.CLOSED)).build();
        Order o = orderEntry.build(spec, a, userId, true, OrderKind.Single);
        o.perTrade = 0;
        o.perUnit = 0;
        o.perTradeCharged = true;
        o.status = OrderStatus.New;
        if (o.book == null) {
            o.book = state.book(p.securityId);
        }
        if (p.book == null) {
            p.book = o.book;
        }
        long mark = risk.mark(p);
        orderEntry.accept(o, 0);
        matching.fill(o, mark, o.quantity, false);
    }

    /**
     * Cash accounts: settled − reservations; margin accounts: min(cash, margin excess) − reservations, never below 0
     * (a withdrawal never takes what held positions and open orders need, see {@link Risk#marginExcess}).
     */
    private long withdrawable(AccountBook a) {
        long w = a.cashAccount() ? a.settled - a.reserved : Math.min(a.cash, risk.marginExcess(a)) - a.reserved;
        return Math.max(0, Fixed.floorTo(w, Fixed.CENT));
    }

    void onSettle(Command.Settle s) {
        List<AccountBook> list = state.accounts.values();
        list.sort(Comparator.comparingLong(x -> x.id));
        for (AccountBook a : list) {
            long moved = 0;
            while (!a.pending.isEmpty() && a.pending.peekFirst().tradeTimeMs() < s.tradesBeforeMs()) {
                moved += a.pending.pollFirst().amount();
            }
            if (moved != 0) {
                a.settled += moved;
                state.out.add(new Event.Settled(state.t, a.id, moved, a.settled));
            }
            List<Position> ps = a.positions.values();
            ps.sort(Comparator.comparingInt(p -> p.securityId));
            for (Position p : ps) {
                if (p.quantity == 0) {
                    a.positions.remove(p.securityId);
                } else if (p.dayQuantity != 0 || p.dayRealized != 0 || p.openedToday != 0) {
                    p.dayQuantity = 0;
                    p.dayRealized = 0;
                    p.openedToday = 0;
                    state.out.add(new Event.PositionChanged(state.t, a.id, p.snapshot()));
                }
            }
        }
    }

    void onClock(Command.Clock c) {
        if (c.session() != null && (c.sessionKey() != state.sessionKey || c.session() != state.session)) {
            sessions.enterSession(c.session(), c.sessionKey());
        }
        if (state.gtdMin <= state.now) {
            sessions.expireGtd();
        }
    }

    void onQuote(Command.QuoteTick q) {
        int sid = q.securityId();
        SecBook b = state.books.get(sid);
        if (b == null) {
            b = new SecBook(sid);
            state.books.put(sid, b);
        }
        b.update(q);
        if (q.sessionKey() != state.sessionKey || q.session() != state.session) {
            sessions.enterSession(q.session(), q.sessionKey());
        }
        if (state.gtdMin <= state.now) {
            sessions.expireGtd();
        }
        if (b.orderCount > 0) {
            matching.processBook(b);
        }
    }
}
