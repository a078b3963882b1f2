package dev.crater.orders.engine;

import static dev.crater.orders.engine.Fixed.NONE;
import static dev.crater.orders.engine.Fixed.SCALE;
import static dev.crater.orders.engine.Order.INDEX_BUY_LIMIT;
import static dev.crater.orders.engine.Order.INDEX_BUY_STOP;
import static dev.crater.orders.engine.Order.INDEX_NONE;
import static dev.crater.orders.engine.Order.INDEX_OPENING;
import static dev.crater.orders.engine.Order.INDEX_READY;
import static dev.crater.orders.engine.Order.INDEX_SELL_LIMIT;
import static dev.crater.orders.engine.Order.INDEX_SELL_STOP;
import static dev.crater.orders.engine.Order.INDEX_SPREAD;
import static dev.crater.orders.engine.Order.INDEX_TRAILING;

import java.util.ArrayList;
import java.util.List;

/**
 * The invariant checks of the {@link Engine} (see {@link Engine#checkInvariants()}).
 */
final class Invariants {
    private final EngineState state;
    private Risk risk;

    Invariants(EngineState state) {
        this.state = state;
    }

    /** Wires the collaborators (the concerns call each other, so they are connected after construction). */
    void connect(Risk risk) {
        this.risk = risk;
    }

    /**
     * Checks every invariant (see the {@link Engine} class comment); returns the violations, empty when sound.
     * O(state).
     */
    List<String> checkInvariants() {
        List<String> errs = new ArrayList<>();
        for (AccountBook a : state.accounts.values()) {
            checkAccount(a, errs);
        }
        int gtdLive = 0;
        for (Order o : state.orders.values()) {
            if (checkOrder(o, errs)) {
                gtdLive++;
            }
        }
        checkExpiryIndex(gtdLive, errs);
        checkBooks(errs);
        return errs;
    }

    /** Cash, settlement, reservations and positions of one account. */
    private void checkAccount(AccountBook a, List<String> errs) {
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
            if (state.orders.get(o.id) != o || o.accountId != a.id) {
                errs.add(id + "open order " + o.id + " not registered");
            }
        }
        if (sum != a.reserved || a.reserved < 0) {
            errs.add(id + "reserved " + a.reserved + " != Σ order reservations " + sum);
        }
        checkPositions(a, id, errs);
    }

    private static void checkPositions(AccountBook a, String id, List<String> errs) {
        for (Position p : a.positions.values()) {
            String pid = id + "position " + p.securityId + ": ";
            if (p.quantity != p.fillQuantitySum) {
                errs.add(pid + "quantity " + p.quantity + " != Σ fills " + p.fillQuantitySum);
            }
            if (!Fixed.isWhole(p.quantity)) {
                errs.add(pid + "fractional quantity");
            }
            if (p.costBasis < 0 || (p.quantity == 0 && p.costBasis != 0)) {
                errs.add(pid + "cost basis " + p.costBasis + " for quantity " + p.quantity);
            }
        }
    }

    /**
     * One held order: live, linked to its account, quantities, reservation, index, group links, expiry entry.
     * Returns whether it is a live, linked order with an expiry (counted against the expiry index's size); a terminal
     * or unlinked order skips the remaining checks.
     */
    private boolean checkOrder(Order o, List<String> errs) {
        String id = "order " + o.id + ": ";
        if (!o.live()) {
            errs.add(id + "terminal order still held (" + o.status + ")");
            return false;
        }
        if (o.account == null || state.accounts.get(o.accountId) != o.account || o.account.open.get(o.id) != o) {
            errs.add(id + "not linked to its account");
            return false;
        }
        if (o.kind != OrderKind.ConditionalRoot) {
            if (o.executed < 0 || o.executed >= o.quantity) {
                errs.add(id + "executed " + o.executed + " outside [0, quantity " + o.quantity + ")");
            }
            if (!Fixed.isWhole(o.executed)) {
                errs.add(id + "fractional executed quantity");
            }
        }
        if (o.reserved != risk.reservationOf(o)) {
            errs.add(id + "reserved " + o.reserved + " != needed " + risk.reservationOf(o));
        }
        int expected = Lifecycle.placement(o);
        if (o.where != expected) {
            errs.add(id + "indexed at " + o.where + ", expected " + expected);
        } else if (!indexed(o)) {
            errs.add(id + "missing from index " + o.where);
        }
        checkGroup(o, id, errs);
        if (o.expireAt == NONE) {
            return false;
        }
        if (!state.gtd.contains(o)) {
            errs.add(id + "missing from the expiry index");
        }
        return true;
    }

    /** Links between roots and legs, and spread legs in step with their root. */
    private void checkGroup(Order o, String id, List<String> errs) {
        if (o.root != null && (!o.root.live() || state.orders.get(o.root.id) != o.root || o.root.legs[o.legIndex] != o)) {
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
    }

    private void checkExpiryIndex(int gtdLive, List<String> errs) {
        if (state.gtd.size() != gtdLive) {
            errs.add("expiry index holds " + state.gtd.size() + " orders, expected " + gtdLive);
        }
        long gm = state.gtd.isEmpty() ? Long.MAX_VALUE : state.gtd.first().expireAt;
        if (gm != state.gtdMin) {
            errs.add("cached earliest expiry " + state.gtdMin + " != " + gm);
        }
    }

    private void checkBooks(List<String> errs) {
        for (SecBook b : state.books.values()) {
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
    }

    private boolean indexed(Order o) {
        if (o.where == INDEX_NONE) {
            return true;
        }
        if (o.where == INDEX_SPREAD) {
            for (Order leg : o.legs) {
                if (!leg.book.spreads.contains(o)) {
                    return false;
                }
            }
            return true;
        }
        SecBook b = o.book;
        return switch (o.where) {
            case INDEX_READY -> b.ready.contains(o);
            case INDEX_BUY_LIMIT -> b.buyLimits.contains(o);
            case INDEX_SELL_LIMIT -> b.sellLimits.contains(o);
            case INDEX_BUY_STOP -> b.buyStops.contains(o);
            case INDEX_SELL_STOP -> b.sellStops.contains(o);
            case INDEX_TRAILING -> o.trailingGroup != null && o.trailingGroup.members.contains(o)
                    && b.trailBook(o).byBest.get(o.trailingGroup.best) == o.trailingGroup;
            case INDEX_OPENING -> b.opening.contains(o);
            default -> false;
        };
    }
}
