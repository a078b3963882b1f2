package dev.crater.orders.engine;

import static dev.crater.orders.engine.Fixed.NONE;
import static dev.crater.orders.engine.OrderLimits.QUANTITY_MAX_UNITS;
import static dev.crater.orders.engine.Sessions.BIT_CLOSED;
import static dev.crater.orders.engine.Sessions.BIT_POST;
import static dev.crater.orders.engine.Sessions.BIT_PRE;
import static dev.crater.orders.engine.Sessions.BIT_REG;

import dev.crater.common.MarginType;
import dev.crater.market.Session;

/**
 * Place of the {@link Engine}: builds an order from its spec, runs the static, position and buying-power checks
 * without changing state ({@link #prepare}), then registers and indexes a single order and tries it at once.
 */
final class OrderEntry {
    private final EngineState state;
    private Conditionals conditionals;
    private Lifecycle lifecycle;
    private Matching matching;
    private Risk risk;
    private Spreads spreads;

    OrderEntry(EngineState state) {
        this.state = state;
    }

    /** Wires the collaborators (the concerns call each other, so they are connected after construction). */
    void connect(Conditionals conditionals, Lifecycle lifecycle, Matching matching, Risk risk, Spreads spreads) {
        this.conditionals = conditionals;
        this.lifecycle = lifecycle;
        this.matching = matching;
        this.risk = risk;
        this.spreads = spreads;
    }

    /** Result of building and checking a Place without changing state. */
    static final class Prepared {
        RejectCode code;
        String text;
        AccountBook account;
        Order root;
        long requirement;

        Prepared fail(RejectCode c, String txt) {
            code = c;
            text = txt == null ? c.text() : txt;
            return this;
        }
    }

    void onPlace(Command.Place p) {
        Prepared pr = prepare(p);
        long id = p.order() == null ? 0 : p.order().orderId();
        if (pr.code != null) {
            lifecycle.reject(p.accountId(), id, pr.code, pr.text);
            return;
        }
        Order o = pr.root;
        switch (o.kind) {
            case Single -> acceptSingle(o, pr.requirement);
            case ConditionalRoot -> conditionals.acceptConditional(o);
            case SpreadRoot -> spreads.acceptSpread(o, pr.requirement);
            default -> throw new IllegalStateException("unexpected kind " + o.kind);
        }
    }

    Prepared prepare(Command.Place p) {
        Prepared r = new Prepared();
        AccountBook a = state.accounts.get(p.accountId());
        if (a == null) {
            return r.fail(RejectCode.AccountNotFound, null);
        }
        r.account = a;
        OrderSpec s = p.order();
        if (s == null || s.type() == null || s.orderId() <= 0) {
            return r.fail(RejectCode.OrderInvalid, null);
        }
        if (state.orders.get(s.orderId()) != null) {
            return r.fail(RejectCode.DuplicateOrderId, null);
        }
        if (s.type().conditional()) {
            return conditionals.prepareConditional(r, p, a, s);
        }
        if (!s.legs().isEmpty()) {
            if (s.type() == OrderType.Market || s.type() == OrderType.Limit) {
                return spreads.prepareSpread(r, p, a, s);
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
        long req = risk.requirement(o, o.leaves(), false);
        if (o.opens() && req > risk.available(a)) {
            return r.fail(RejectCode.DayTradingBuyingPowerExceeded, null);
        }
        r.root = o;
        r.requirement = req;
        return r;
    }

    Order build(OrderSpec s, AccountBook a, long userId, boolean reduceOnly, OrderKind kind) {
        Order o = new Order();
        o.id = s.orderId();
        o.kind = kind;
        o.account = a;
        o.accountId = a.id;
        o.userId = userId;
        o.securityId = s.securityId();
        o.symbol = s.symbol();
        o.instrument = s.instrument();
        o.side = s.side();
        o.type = s.type();
        o.timeInForce = s.tif();
        o.quantity = s.quantity();
        o.limit = s.limitPrice();
        o.stop = s.stopPrice();
        o.trailAmount = s.trailingAmount();
        o.trailType = s.trailingAmountType() == null ? TrailType.Absolute : s.trailingAmountType();
        o.trailLimitOffset = s.trailingLimitAmount();
        o.trailLimitType = s.trailingLimitAmountType() == null ? TrailType.Absolute : s.trailingLimitAmountType();
        o.expireAt = s.tif() == TimeInForce.GoodTillDate ? s.expireAtMs() : NONE;
        o.allOrNone = s.allOrNone();
        o.sessions = mask(s.sessions());
        o.reduceOnly = reduceOnly;
        o.perTrade = Fixed.toCents(s.perTradeCommission() != NONE ? s.perTradeCommission() : a.plan.perTrade());
        boolean option = o.instrument != null && o.instrument.isOption();
        o.perUnit = s.perContractCommissionCents() != NONE ? Fixed.divRound(s.perContractCommissionCents(), 100)
                : option ? a.plan.perContract() : a.plan.perShare();
        o.book = kind == OrderKind.Single || kind == OrderKind.SpreadLeg ? state.books.get(o.securityId) : null;
        o.createdMs = state.t;
        o.updatedMs = state.t;
        if (!o.type.trailing()) {
            o.trailAmount = NONE;
        }
        if (o.type != OrderType.TrailingStopLimit) {
            o.trailLimitOffset = NONE;
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

    static int mask(java.util.Set<Session> sessions) {
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
    RejectCode checkStatic(Order o, boolean leg) {
        if (o.instrument == null || o.side == null || o.timeInForce == null || o.id <= 0) {
            return RejectCode.OrderInvalid;
        }
        if (!o.instrument.tradable()) {
            return RejectCode.SecurityNotTradable;
        }
        if (o.instrument.contractSize() <= 0 || o.instrument.tickSize() < 0) {
            return RejectCode.OrderInvalid;
        }
        if (o.quantity <= 0 || !Fixed.isWhole(o.quantity) || o.quantity > QUANTITY_MAX_UNITS) {
            return RejectCode.QuantityInvalid;
        }
        RejectCode c = checkPrices(o);
        if (c != null) {
            return c;
        }
        if ((o.sessions & BIT_CLOSED) != 0 || o.sessions == 0) {
            return RejectCode.SessionNotAllowed;
        }
        // Extended sessions need a limit price (Limit, StopLimit, TrailingStopLimit): no market-priced
        // execution in the thin pre/post markets. The docs' own S3 sample is a TrailingStopLimit with REGPOST.
        if ((o.sessions & (BIT_PRE | BIT_POST)) != 0 && !o.type.hasLimit()) {
            return RejectCode.ExtendedHoursLimitOnly;
        }
        c = checkTimeInForce(o, leg);
        if (c != null) {
            return c;
        }
        return initPricing(o);
    }

    /** Limit, stop and trailing amounts present, positive and on the tick, as the order type needs them. */
    private static RejectCode checkPrices(Order o) {
        long tick = o.instrument.tickSize();
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
            RejectCode c = checkTrail(o.trailAmount, o.trailType, tick, false);
            if (c != null) {
                return c;
            }
            if (o.type == OrderType.TrailingStopLimit) {
                c = checkTrail(o.trailLimitOffset, o.trailLimitType, tick, true);
                if (c != null) {
                    return c;
                }
            }
        }
        return null;
    }

    /** Time-in-force rules: expiry ahead, IOC/FOK/AtTheOpening single Market or Limit only, Day sessions left. */
    private RejectCode checkTimeInForce(Order o, boolean leg) {
        switch (o.timeInForce) {
            case GoodTillDate -> {
                // Judged at the command's own time: an operator may move market time back.
                if (o.expireAt == NONE || o.expireAt <= state.t) {
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
                if (state.session == Session.REGULAR || state.session == Session.POST_MARKET) {
                    return RejectCode.OpeningPassed;
                }
            }
            case Day -> {
                if (state.session != Session.CLOSED && !Sessions.remainingToday(o.sessions, state.session)) {
                    return RejectCode.MarketClosedForDayOrder;
                }
            }
            case GoodTillCancel -> {
            }
        }
        return null;
    }

    static RejectCode checkTrail(long amount, TrailType type, long tick, boolean zeroOk) {
        if (amount == NONE || amount < 0 || (amount == 0 && !zeroOk)) {
            return RejectCode.TrailingAmountInvalid;
        }
        if (type == TrailType.Persentage) {
            return amount >= Fixed.units(100) ? RejectCode.TrailingAmountInvalid : null;
        }
        return Fixed.onTick(amount, tick) ? null : RejectCode.PriceNotOnTick;
    }

    /** Sets the trailing start and the reservation price; QuotePriceIsInvalid if they need a quote that is missing. */
    RejectCode initPricing(Order o) {
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
                o.stop = Matching.trailStop(o);
                o.reservePrice = o.type == OrderType.TrailingStop ? o.stop : Matching.trailLimit(o);
            }
            default -> {
                return RejectCode.OrderTypeInvalid;
            }
        }
        return null;
    }

    /** Position-direction, short-sale and reduce-only rules for {@code qty} (the order's open quantity). */
    static RejectCode checkPosition(Order o, AccountBook a, long qty) {
        Position p = a.positions.get(o.securityId);
        long pos = p == null ? 0 : p.quantity;
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
                if (a.marginType == MarginType.MarginIra || !o.instrument.allowShort()) {
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
        lifecycle.index(o);
        matching.tryOrder(o);
        finishImmediate(o);
    }

    /** IOC/FOK: whatever did not fill at once is canceled. */
    void finishImmediate(Order o) {
        if (o.live() && (o.timeInForce == TimeInForce.ImmediateOrCancel || o.timeInForce == TimeInForce.FillOrKill)) {
            lifecycle.terminate(o, OrderStatus.Canceled, null, o.timeInForce == TimeInForce.FillOrKill
                    ? "Canceled: FillOrKill could not fill completely" : "Canceled: ImmediateOrCancel remainder");
        }
    }

    /** Registers an order (status already New or Suspended) with its reservation and emits Accepted. */
    void accept(Order o, long req) {
        o.sequence = state.nextSeq++;
        o.createdMs = state.t;
        o.updatedMs = state.t;
        if ((o.kind == OrderKind.Single || o.kind == OrderKind.SpreadLeg) && o.book == null) {
            o.book = state.book(o.securityId);
        }
        state.orders.put(o.id, o);
        o.account.open.put(o.id, o);
        o.reserved = req;
        o.account.reserved += req;
        if (o.expireAt != NONE) {
            state.gtd.add(o);
            state.gtdMin = state.gtd.first().expireAt;
        }
        state.out.add(new Event.Accepted(state.t, o.accountId, o.id, o.parentId, o.status, o.snapshot()));
    }
}
