package dev.crater.orders.engine;

import static dev.crater.orders.engine.Order.INDEX_NONE;

/**
 * Conditional orders of the {@link Engine} (OneCancelOther, OneTriggerOther, OneTriggerOneCancelOther): checking
 * and accepting a group, activating dependent legs, canceling siblings and completing the root.
 */
final class Conditionals {
    private final EngineState state;
    private Lifecycle lifecycle;
    private Matching matching;
    private OrderEntry orderEntry;
    private Risk risk;

    Conditionals(EngineState state) {
        this.state = state;
    }

    /** Wires the collaborators (the concerns call each other, so they are connected after construction). */
    void connect(Lifecycle lifecycle, Matching matching, OrderEntry orderEntry, Risk risk) {
        this.lifecycle = lifecycle;
        this.matching = matching;
        this.orderEntry = orderEntry;
        this.risk = risk;
    }

    OrderEntry.Prepared prepareConditional(OrderEntry.Prepared r, Command.Place p, AccountBook a, OrderSpec s) {
        OrderType k = s.type();
        int n = s.legs().size();
        if (((k == OrderType.OneCancelOther || k == OrderType.OneTriggerOther) && n != 2)
                || (k == OrderType.OneTriggerOneCancelOther && n != 3)) {
            return r.fail(RejectCode.LegsInvalid, k + " needs " + (k == OrderType.OneTriggerOneCancelOther ? 3 : 2) + " legs.");
        }
        Order root = conditionalRoot(p, a, s, n);
        for (int i = 0; i < n; i++) {
            if (prepareConditionalLeg(r, p, a, s, root, i) != null) {
                return r;
            }
        }
        Order[] legs = root.legs;
        if (checkMarketLegs(r, k, legs) != null) {
            return r;
        }
        long req = 0;
        boolean anyOpening = false;
        int active = k == OrderType.OneCancelOther ? 2 : 1;
        for (int i = 0; i < n; i++) {
            Order leg = legs[i];
            if (i < active) {
                RejectCode c = OrderEntry.checkPosition(leg, a, leg.quantity);
                if (c != null) {
                    return r.fail(c, "Leg " + (i + 1) + ": " + c.text());
                }
                leg.status = OrderStatus.New;
                if (leg.opens()) {
                    anyOpening = true;
                    req += risk.requirement(leg, leg.leaves(), false);
                }
            } else {
                leg.status = OrderStatus.Suspended;
            }
        }
        if (anyOpening && req > risk.available(a)) {
            return r.fail(RejectCode.DayTradingBuyingPowerExceeded, null);
        }
        r.root = root;
        r.requirement = req;
        return r;
    }

    /** The root of a conditional group of {@code n} legs, New, legs not built yet. */
    private static Order conditionalRoot(Command.Place p, AccountBook a, OrderSpec s, int n) {
        OrderType k = s.type();
        Order root = new Order();
        root.id = s.orderId();
        root.kind = OrderKind.ConditionalRoot;
        root.account = a;
        root.accountId = a.id;
        root.userId = p.userId();
        root.symbol = "";
        root.side = s.side() == null ? Side.Buy : s.side();
        root.type = k;
        root.timeInForce = s.tif() == null ? TimeInForce.GoodTillCancel : s.tif();
        root.sessions = OrderEntry.mask(s.sessions());
        root.reduceOnly = p.reduceOnly();
        root.status = OrderStatus.New;
        root.legs = new Order[n];
        return root;
    }

    /** Builds leg {@code i} into {@code root.legs[i]} and checks it; fails {@code r} (and returns it), null when fine. */
    private OrderEntry.Prepared prepareConditionalLeg(OrderEntry.Prepared r, Command.Place p, AccountBook a, OrderSpec s,
            Order root, int i) {
        OrderSpec ls = s.legs().get(i);
        if (ls.type() == null || ls.type().conditional() || !ls.legs().isEmpty()) {
            return r.fail(RejectCode.LegsInvalid, "Conditional legs must be simple orders.");
        }
        if (ls.orderId() == root.id || state.orders.get(ls.orderId()) != null) {
            return r.fail(RejectCode.DuplicateOrderId, null);
        }
        for (int j = 0; j < i; j++) {
            if (root.legs[j].id == ls.orderId()) {
                return r.fail(RejectCode.DuplicateOrderId, null);
            }
        }
        Order leg = orderEntry.build(ls, a, p.userId(), p.reduceOnly(), OrderKind.Single);
        leg.root = root;
        leg.parentId = root.id;
        leg.legIndex = i;
        root.legs[i] = leg;
        RejectCode c = orderEntry.checkStatic(leg, true);
        if (c != null) {
            return r.fail(c, "Leg " + (i + 1) + ": " + c.text());
        }
        return null;
    }

    /** Which legs may be Market orders; fails {@code r} (and returns it), null when fine. */
    private static OrderEntry.Prepared checkMarketLegs(OrderEntry.Prepared r, OrderType k, Order[] legs) {
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
        return null;
    }

    void acceptConditional(Order root) {
        orderEntry.accept(root, 0);
        for (Order leg : root.legs) {
            orderEntry.accept(leg, leg.status == OrderStatus.New ? risk.requirement(leg, leg.leaves(), false) : 0);
        }
        for (Order leg : root.legs) {
            if (leg.status == OrderStatus.New) {
                lifecycle.index(leg);
            }
        }
        for (Order leg : root.legs) {
            if (leg.where != INDEX_NONE
                    && (leg.status == OrderStatus.New || leg.status == OrderStatus.PartiallyFilled)) {
                matching.tryOrder(leg);
            }
        }
    }

    /** Activates a Suspended dependent leg: re-check, reserve, emit Triggered(Activated), index, try. */
    private void activate(Order dep) {
        AccountBook a = dep.account;
        RejectCode c = orderEntry.initPricing(dep);
        if (c == null) {
            c = OrderEntry.checkPosition(dep, a, dep.quantity);
        }
        long req = 0;
        if (c == null) {
            req = dep.opens() ? risk.requirement(dep, dep.leaves(), dep.perTradeCharged) : 0;
            if (dep.opens() && req > risk.available(a)) {
                c = RejectCode.DayTradingBuyingPowerExceeded;
            }
        }
        if (c != null) {
            lifecycle.terminate(dep, OrderStatus.Rejected, c, c.text());
            return;
        }
        dep.status = OrderStatus.New;
        dep.sequence = state.nextSeq++;
        dep.updatedMs = state.t;
        dep.reserved = req;
        a.reserved += req;
        state.out.add(new Event.Triggered(state.t, dep.accountId, dep.id, TriggerKind.Activated, 0));
        lifecycle.index(dep);
        matching.tryOrder(dep);
    }

    void afterLegFill(Order leg) {
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
                    lifecycle.terminate(sib, OrderStatus.Canceled, null, "Canceled: the other order of the OneCancelOther pair filled");
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

    void afterLegTerminal(Order leg) {
        Order root = leg.root;
        if (!root.live()) {
            return;
        }
        if (root.type != OrderType.OneCancelOther && leg.legIndex == 0) {
            for (Order dep : root.legs) {
                if (dep.legIndex >= 1 && dep.status == OrderStatus.Suspended) {
                    lifecycle.terminate(dep, OrderStatus.Canceled, null, "Canceled: the triggering order ended unfilled");
                }
            }
        }
        completeIfDone(root);
    }

    void completeIfDone(Order root) {
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
        root.updatedMs = state.t;
        lifecycle.retire(root);
        state.out.add(new Event.GroupCompleted(state.t, root.accountId, root.id, st));
    }
}
