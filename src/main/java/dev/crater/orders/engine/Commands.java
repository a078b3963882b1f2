package dev.crater.orders.engine;

import static dev.crater.orders.engine.Fixed.NONE;

import java.util.Comparator;
import java.util.List;

/**
 * Account and market commands of the {@link Engine}: OpenAccount, Deposit (and withdrawals), Settle, Clock and
 * QuoteTick.
 */
final class Commands {
    private final EngineState state;
    private Lifecycle lifecycle;
    private Matching matching;
    private Risk risk;
    private Sessions sessions;

    Commands(EngineState state) {
        this.state = state;
    }

    /** Wires the collaborators (the concerns call each other, so they are connected after construction). */
    void connect(Lifecycle lifecycle, Matching matching, Risk risk, Sessions sessions) {
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
