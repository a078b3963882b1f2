package dev.crater.orders.engine;

import static dev.crater.orders.engine.Fixed.NONE;
import static dev.crater.orders.engine.Order.INDEX_BUY_LIMIT;
import static dev.crater.orders.engine.Order.INDEX_BUY_STOP;
import static dev.crater.orders.engine.Order.INDEX_NONE;
import static dev.crater.orders.engine.Order.INDEX_OPENING;
import static dev.crater.orders.engine.Order.INDEX_READY;
import static dev.crater.orders.engine.Order.INDEX_SELL_LIMIT;
import static dev.crater.orders.engine.Order.INDEX_SELL_STOP;
import static dev.crater.orders.engine.Order.INDEX_SPREAD;
import static dev.crater.orders.engine.Order.INDEX_TRAILING;

/**
 * Order lifecycle bookkeeping of the {@link Engine}: where a live order is indexed, indexing and unindexing,
 * terminal states (cancel, expiry, rejection) and retiring orders, and Rejected events.
 */
final class Lifecycle {
    private final EngineState state;
    private Conditionals conditionals;
    private Risk risk;

    Lifecycle(EngineState state) {
        this.state = state;
    }

    /** Wires the collaborators (the concerns call each other, so they are connected after construction). */
    void connect(Conditionals conditionals, Risk risk) {
        this.conditionals = conditionals;
        this.risk = risk;
    }

    static int placement(Order o) {
        if (o.kind == OrderKind.SpreadRoot) {
            return INDEX_SPREAD;
        }
        if (o.kind != OrderKind.Single || o.status == OrderStatus.Suspended) {
            return INDEX_NONE;
        }
        if (o.timeInForce == TimeInForce.AtTheOpening) {
            return INDEX_OPENING;
        }
        boolean buy = o.isBuy();
        return switch (o.type) {
            case Market -> INDEX_READY;
            case Limit -> buy ? INDEX_BUY_LIMIT : INDEX_SELL_LIMIT;
            case Stop -> o.triggered ? INDEX_READY : buy ? INDEX_BUY_STOP : INDEX_SELL_STOP;
            case StopLimit -> o.triggered ? (buy ? INDEX_BUY_LIMIT : INDEX_SELL_LIMIT)
                    : buy ? INDEX_BUY_STOP : INDEX_SELL_STOP;
            case TrailingStop -> o.triggered ? INDEX_READY : INDEX_TRAILING;
            case TrailingStopLimit -> o.triggered ? (buy ? INDEX_BUY_LIMIT : INDEX_SELL_LIMIT) : INDEX_TRAILING;
            default -> INDEX_NONE;
        };
    }

    void index(Order o) {
        int w = placement(o);
        o.where = w;
        if (w == INDEX_NONE) {
            return;
        }
        if (w == INDEX_SPREAD) {
            for (Order leg : o.legs) {
                leg.book.spreads.add(o);
                leg.book.orderCount++;
            }
            return;
        }
        SecBook b = o.book;
        switch (w) {
            case INDEX_READY -> b.ready.add(o);
            case INDEX_BUY_LIMIT -> {
                b.buyLimits.add(o);
                b.buyLimitTop = Math.max(b.buyLimitTop, o.limit);
            }
            case INDEX_SELL_LIMIT -> {
                b.sellLimits.add(o);
                b.sellLimitTop = Math.min(b.sellLimitTop, o.limit);
            }
            case INDEX_BUY_STOP -> {
                b.buyStops.add(o);
                b.buyStopTop = Math.min(b.buyStopTop, o.stop);
            }
            case INDEX_SELL_STOP -> {
                b.sellStops.add(o);
                b.sellStopTop = Math.max(b.sellStopTop, o.stop);
            }
            case INDEX_TRAILING -> b.trailBook(o).add(o);
            case INDEX_OPENING -> b.opening.add(o);
            default -> throw new IllegalStateException();
        }
        b.orderCount++;
    }

    void unindex(Order o) {
        int w = o.where;
        o.where = INDEX_NONE;
        if (w == INDEX_NONE) {
            return;
        }
        if (w == INDEX_SPREAD) {
            for (Order leg : o.legs) {
                leg.book.spreads.remove(o);
                leg.book.orderCount--;
            }
            return;
        }
        SecBook b = o.book;
        boolean removed = switch (w) {
            case INDEX_READY -> b.ready.remove(o);
            case INDEX_BUY_LIMIT -> b.buyLimits.remove(o);
            case INDEX_SELL_LIMIT -> b.sellLimits.remove(o);
            case INDEX_BUY_STOP -> b.buyStops.remove(o);
            case INDEX_SELL_STOP -> b.sellStops.remove(o);
            case INDEX_TRAILING -> {
                if (o.trailingGroup == null) {
                    yield false;
                }
                b.trailBook(o).remove(o);
                yield true;
            }
            case INDEX_OPENING -> b.opening.remove(o);
            default -> false;
        };
        if (!removed) {
            throw new IllegalStateException("order " + o.id + " missing from its index " + w);
        }
        if (w == INDEX_BUY_LIMIT || w == INDEX_SELL_LIMIT || w == INDEX_BUY_STOP || w == INDEX_SELL_STOP) {
            b.refreshTops();
        }
        b.orderCount--;
    }

    /** Ends a live order with a terminal status, emitting its event; spreads take their legs along. */
    void terminate(Order o, OrderStatus st, RejectCode code, String reason) {
        if (!o.live()) {
            return;
        }
        if (o.kind == OrderKind.SpreadRoot) {
            for (Order leg : o.legs) {
                if (leg.live()) {
                    leg.status = st;
                    leg.updatedMs = state.t;
                    retire(leg);
                    emitTerminal(leg, st, code, reason);
                }
            }
        }
        o.status = st;
        o.updatedMs = state.t;
        retire(o);
        emitTerminal(o, st, code, reason);
        if (o.kind == OrderKind.Single && o.root != null) {
            conditionals.afterLegTerminal(o);
        }
    }

    private void emitTerminal(Order o, OrderStatus st, RejectCode code, String reason) {
        switch (st) {
            case Canceled -> state.out.add(new Event.Canceled(state.t, o.accountId, o.id, o.executed, reason));
            case Expired -> state.out.add(new Event.Expired(state.t, o.accountId, o.id, o.executed, reason));
            case Rejected -> state.out.add(new Event.Rejected(state.t, o.accountId, o.id, code, reason));
            default -> throw new IllegalStateException("not a terminal event status " + st);
        }
    }

    /** Removes a terminal order from every structure and releases its reservation. */
    void retire(Order o) {
        unindex(o);
        risk.reReserve(o);
        if (o.reserved != 0) {
            throw new IllegalStateException("terminal order " + o.id + " still reserves " + o.reserved);
        }
        state.orders.remove(o.id);
        o.account.open.remove(o.id);
        if (o.expireAt != NONE && state.gtd.remove(o)) {
            state.gtdMin = state.gtd.isEmpty() ? Long.MAX_VALUE : state.gtd.first().expireAt;
        }
    }

    void reject(long accountId, long ref, RejectCode code, String text) {
        state.out.add(new Event.Rejected(state.t, accountId, ref, code, text == null ? code.text() : text));
    }
}
