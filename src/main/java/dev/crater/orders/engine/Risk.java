package dev.crater.orders.engine;

import static dev.crater.orders.engine.Fixed.SCALE;

import dev.crater.common.MarginType;

/**
 * Risk and buying power of the {@link Engine}: reservations, initial and maintenance requirements, margin excess,
 * principal and commissions in cents, and what an opening fill takes.
 */
final class Risk {
    private final EngineState state;

    Risk(EngineState state) {
        this.state = state;
    }

    /** What an order reserves now: its requirement while New/PartiallyFilled, nothing otherwise. */
    long reservationOf(Order o) {
        if (o.status != OrderStatus.New && o.status != OrderStatus.PartiallyFilled) {
            return 0;
        }
        return requirement(o, o.leaves(), o.perTradeCharged);
    }

    void reReserve(Order o) {
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
    long requirement(Order o, long leaves, boolean perTradeCharged) {
        if (leaves <= 0) {
            return 0;
        }
        AccountBook a = o.account;
        switch (o.kind) {
            case Single -> {
                if (!o.opens()) {
                    return 0;
                }
                long units = leaves / SCALE;
                long fees = (perTradeCharged ? 0 : o.perTrade) + unitFee(o.perUnit, o.executed / SCALE, units);
                long value = principal(Math.max(0, o.reservePrice), units, o.instrument.contractSize());
                return Math.addExact(initial(a, o.instrument, o.side, value), fees);
            }
            case SpreadRoot -> {
                long spreads = leaves / SCALE;
                long total = perTradeCharged ? 0 : o.perTrade;
                for (Order leg : o.legs) {
                    long units = Math.multiplyExact(spreads, leg.ratio / SCALE);
                    total = Math.addExact(total, unitFee(leg.perUnit, leg.executed / SCALE, units));
                    if (leg.opens()) {
                        long value = principal(leg.reservePrice, units, leg.instrument.contractSize());
                        total = Math.addExact(total, initial(a, leg.instrument, leg.side, value));
                    }
                }
                return total;
            }
            default -> {
                return 0;
            }
        }
    }

    /** Initial requirement of opening {@code value}: see the {@link Engine} class comment. */
    static long initial(AccountBook a, Instrument inst, Side side, long value) {
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
    long available(AccountBook a) {
        return a.cashAccount() ? a.settled - a.reserved : marginExcess(a) - a.reserved;
    }

    /** The booked principal of {@code units} at {@code px}, rounded to the cent ({@link Fixed#toCents}). */
    static long principal(long px, long units, int contractSize) {
        return Fixed.toCents(Math.multiplyExact(Math.multiplyExact(px, units), contractSize));
    }

    /**
     * The per-share/per-contract commission a fill of {@code units} books after {@code doneUnits} of the same order:
     * the order's commission is rounded to the cent on its cumulative quantity and each fill books the increase, so
     * splitting an order into fills never changes what it costs in total.
     */
    static long unitFee(long perUnit, long doneUnits, long units) {
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
    long openingNeed(Order o, long px, long units, long restUnits) {
        AccountBook a = o.account;
        int cs = o.instrument.contractSize();
        long done = o.executed / SCALE;
        long fees = (o.perTradeCharged ? 0 : o.perTrade) + unitFee(o.perUnit, done, units)
                + unitFee(o.perUnit, done + units, restUnits);
        if (a.cashAccount()) {
            long value = Math.addExact(principal(px, units, cs), principal(Math.max(0, o.reservePrice), restUnits, cs));
            return Math.addExact(value, fees);
        }
        long rest = initial(a, o.instrument, o.side, principal(Math.max(0, o.reservePrice), restUnits, cs));
        return Math.addExact(Math.addExact(marginTake(a, o, px, units), rest), fees);
    }

    /**
     * How much an opening fill lowers a margin account's margin excess before commissions: the initial requirement
     * of the new units at the security's mark, plus what the account pays over that mark (a buy at the ask above the
     * last price, a short sale at the bid below it; a better price counts in the account's favour).
     */
    private long marginTake(AccountBook a, Order o, long px, long units) {
        SecBook b = o.book;
        long mark = b != null && b.hasQuote && b.last > 0 ? b.last : px;
        int cs = o.instrument.contractSize();
        long atMark = Math.multiplyExact(Math.multiplyExact(mark, units), cs);
        long booked = principal(px, units, cs);
        long overMark = o.isBuy() ? booked - atMark : atMark - booked;
        return Math.addExact(initial(a, o.instrument, o.side, atMark), overMark);
    }

    /** The most of {@code units} that {@code avail} pays for at {@code px} (the remainder not counted). */
    long affordableUnits(Order o, long px, long units, long avail) {
        AccountBook a = o.account;
        long fixed = o.perTradeCharged ? 0 : o.perTrade;
        long each = Math.multiplyExact(px, o.instrument.contractSize());
        long unitCost = (a.cashAccount() ? each : initial(a, o.instrument, o.side, each)) + o.perUnit;
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
    long spreadNeed(Order r, long spreads) {
        AccountBook a = r.account;
        long need = r.perTradeCharged ? 0 : r.perTrade;
        for (Order leg : r.legs) {
            long units = Math.multiplyExact(spreads, leg.ratio / SCALE);
            need = Math.addExact(need, unitFee(leg.perUnit, leg.executed / SCALE, units));
            long px = leg.isBuy() ? leg.book.ask : leg.book.bid;
            if (a.cashAccount() ? leg.isBuy() : leg.opens()) {
                need = Math.addExact(need, a.cashAccount() ? principal(px, units, leg.instrument.contractSize())
                        : marginTake(a, leg, px, units));
            }
        }
        return need;
    }

    long mark(Position p) {
        SecBook b = p.book;
        if (b != null && b.hasQuote && b.last > 0) {
            return b.last;
        }
        return p.quantity == 0 ? 0
                : Fixed.mulDiv(p.costBasis, SCALE,
                        Math.multiplyExact(Math.abs(p.quantity), p.instrument.contractSize()));
    }

    long marketValue(Position p) {
        return Math.multiplyExact(Math.multiplyExact(mark(p), p.quantity / SCALE), p.instrument.contractSize());
    }

    static long maintenance(Position p, long mv) {
        long abs = Math.abs(mv);
        if (p.instrument.isOption()) {
            return p.quantity > 0 ? abs : Math.ceilDiv(Math.multiplyExact(abs, 3), 2);
        }
        if (p.quantity > 0) {
            return p.instrument.allowMargin() ? Math.ceilDiv(Math.multiplyExact(abs, 25), 100) : abs;
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
    long marginExcess(AccountBook a) {
        long equity = a.cash;
        long maint = 0;
        long init = 0;
        LongMap<Position> ps = a.positions;
        for (int i = 0, n = ps.capacity(); i < n; i++) {
            Position p = ps.valueAt(i);
            if (p == null || p.quantity == 0) {
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
    static long heldRequirement(AccountBook a, Position p, long mv) {
        return initial(a, p.instrument, p.quantity > 0 ? Side.Buy : Side.SellShort, Math.abs(mv));
    }
}
