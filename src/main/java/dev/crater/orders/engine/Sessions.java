package dev.crater.orders.engine;

import dev.crater.market.Session;
import dev.crater.market.SessionKey;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Sessions and time of the {@link Engine}: session changes, the end of a trading day, Day, AtTheOpening and
 * GoodTillDate expiry.
 */
final class Sessions {
    /** Bits of an order's mask of allowed sessions ({@code Order.sessions}). */
    static final int BIT_PRE = 1 << Session.PRE_MARKET.ordinal();
    static final int BIT_REG = 1 << Session.REGULAR.ordinal();
    static final int BIT_POST = 1 << Session.POST_MARKET.ordinal();
    static final int BIT_CLOSED = 1 << Session.CLOSED.ordinal();

    private final EngineState state;
    private Lifecycle lifecycle;

    Sessions(EngineState state) {
        this.state = state;
    }

    /** Wires the collaborators (the concerns call each other, so they are connected after construction). */
    void connect(Lifecycle lifecycle) {
        this.lifecycle = lifecycle;
    }

    /** Whether an order allowed in {@code mask} may still trade today once the session is {@code s}. */
    static boolean remainingToday(int mask, Session s) {
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
    void enterSession(Session next, long key) {
        long prevKey = state.sessionKey;
        state.sessionKey = key;
        if (key < prevKey) {
            state.now = state.t;
        }
        if (!SessionKey.laterSameDay(prevKey, key)) {
            endDay();
        }
        transition(next);
    }

    /** Closes the trading day: every live Day order expires, every AtTheOpening order is canceled. */
    private void endDay() {
        state.session = Session.CLOSED;
        expireSessionVictims(Session.CLOSED);
    }

    private void transition(Session next) {
        state.session = next;
        state.sessionSinceMs = state.t;
        expireSessionVictims(next);
    }

    /** Ends the orders that cannot trade from session {@code next} on (Day orders past their last session, AtTheOpening past the open). */
    private void expireSessionVictims(Session next) {
        List<Order> victims = new ArrayList<>();
        for (Order o : state.orders.values()) {
            if (!o.live() || o.kind == OrderKind.SpreadLeg || o.kind == OrderKind.ConditionalRoot) {
                continue;
            }
            if (o.timeInForce == TimeInForce.Day && !remainingToday(o.sessions, next)) {
                victims.add(o);
            } else if (o.timeInForce == TimeInForce.AtTheOpening
                    && (next == Session.POST_MARKET || next == Session.CLOSED)) {
                victims.add(o);
            }
        }
        victims.sort(Comparator.comparingLong(o -> o.id));
        for (Order o : victims) {
            if (!o.live()) {
                continue;
            }
            if (o.timeInForce == TimeInForce.Day) {
                lifecycle.terminate(o, OrderStatus.Expired, null, "Expired: Day order at the close of its last session");
            } else {
                lifecycle.terminate(o, OrderStatus.Canceled, null, "Canceled: AtTheOpening order, the open has passed");
            }
        }
    }

    void expireGtd() {
        while (!state.gtd.isEmpty() && state.gtd.first().expireAt <= state.t) {
            Order o = state.gtd.first();
            if (o.live()) {
                lifecycle.terminate(o, OrderStatus.Expired, null, "Expired: GoodTillDate");
            }
            state.gtd.remove(o);
        }
        state.gtdMin = state.gtd.isEmpty() ? Long.MAX_VALUE : state.gtd.first().expireAt;
    }
}
