package dev.crater.orders;

import dev.crater.orders.engine.Event;
import dev.crater.orders.engine.Fixed;
import dev.crater.orders.engine.OrderSnapshot;
import dev.crater.orders.engine.OrderStatus;
import dev.crater.orders.engine.PositionSnapshot;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.function.LongFunction;
import java.util.function.LongPredicate;

/**
 * What the engine stored, change by change, for the trade-data streamer: each stored round's events
 * as {@link Change}s, handed to the {@link Listener} on the shard's thread after the round's
 * transaction committed (never before: a change is published only once durable), in the engine's
 * order, once. An order's change carries the figures that event set; its fixed facts (symbol, side,
 * type, dates) are the stored order's.
 */
public final class TradeFeed {
    private TradeFeed() {
    }

    /** One stored change of an account. */
    public sealed interface Change {
        long accountId();

        long atMs();
    }

    /**
     * An order placed, filled (partly), replaced, triggered, cancelled, expired or rejected. A null
     * figure is one the event did not set (the stored order's is current for it).
     */
    public record OrderChange(long accountId, long orderId, long atMs, String status, String executionStatus,
            BigDecimal quantity, BigDecimal price, BigDecimal stopPrice, BigDecimal executed, BigDecimal leaves,
            BigDecimal averagePrice, BigDecimal lastPrice, BigDecimal lastQuantity, String description)
            implements Change {
    }

    /** A position after a fill or a day reset (quantity 0 once closed). */
    public record PositionChange(long accountId, int securityId, long atMs, String symbol, BigDecimal quantity,
            BigDecimal costBasis, BigDecimal realizedProfitLoss, BigDecimal averageOpenPrice,
            BigDecimal averageClosePrice, long createdMs, long modifiedMs) implements Change {
    }

    /** The account's balance changed (cash, reservations or positions moved): one per account and round. */
    public record BalanceChange(long accountId, long atMs) implements Change {
    }

    /** Receives stored changes; called on a shard's thread, so it must never block. */
    public interface Listener {
        /** Whether changes of the account are wanted at all (nothing is built for the others). */
        boolean watching(long accountId);

        void stored(List<Change> changes);
    }

    /**
     * The changes of a stored round's events, for the accounts {@code wanted}: an order change per
     * order event, a position change per position event, then one balance change per account that had
     * any. {@code live} is the engine's state of an order after the round (null once it is done);
     * {@code rejectedStored} the stored orders refused after acceptance (a conditional leg at its
     * activation: a refused Place, Cancel or Replace changes nothing stored and is no change).
     */
    static List<Change> of(List<Event> events, LongPredicate wanted, LongFunction<OrderSnapshot> live,
            Set<Long> rejectedStored) {
        List<Change> out = new ArrayList<>();
        Set<Long> balances = new LinkedHashSet<>();
        long lastMs = 0;
        for (Event e : events) {
            if (!wanted.test(e.accountId())) {
                continue;
            }
            Change c = change(e, live, rejectedStored);
            if (c != null) {
                out.add(c);
            }
            switch (e) {
                case Event.Fill f -> balances.add(f.accountId());
                case Event.Accepted a -> balances.add(a.accountId());
                case Event.Canceled x -> balances.add(x.accountId());
                case Event.Expired x -> balances.add(x.accountId());
                case Event.Replaced r -> balances.add(r.accountId());
                case Event.CashMoved m -> balances.add(m.accountId());
                case Event.Settled s -> balances.add(s.accountId());
                case Event.PositionChanged p -> balances.add(p.accountId());
                case Event.Rejected r when c != null -> balances.add(r.accountId());
                default -> {
                }
            }
            lastMs = Math.max(lastMs, e.timeMs());
        }
        for (long account : balances) {
            out.add(new BalanceChange(account, lastMs));
        }
        return out;
    }

    private static Change change(Event e, LongFunction<OrderSnapshot> live, Set<Long> rejectedStored) {
        return switch (e) {
            case Event.Accepted a -> {
                OrderSnapshot o = a.order();
                yield new OrderChange(a.accountId(), a.orderId(), a.timeMs(), a.status().name(), a.status().name(),
                        fx(o.quantity()), fx(o.limitPrice()), fx(o.stopPrice()), BigDecimal.ZERO, fx(o.quantity()),
                        BigDecimal.ZERO, BigDecimal.ZERO, BigDecimal.ZERO, null);
            }
            case Event.Fill f -> fill(f);
            case Event.Replaced r -> {
                OrderSnapshot o = r.order();
                yield new OrderChange(r.accountId(), r.orderId(), r.timeMs(), null, "Replaced", fx(o.quantity()),
                        fx(o.limitPrice()), fx(o.stopPrice()), null, null, null, null, null, null);
            }
            case Event.Canceled c -> terminal(c.accountId(), c.orderId(), c.timeMs(), OrderStatus.Canceled,
                    c.executed(), c.reason());
            case Event.Expired x -> terminal(x.accountId(), x.orderId(), x.timeMs(), OrderStatus.Expired,
                    x.executed(), x.reason());
            case Event.Triggered t -> {
                OrderSnapshot o = live.apply(t.orderId());
                yield o == null ? null : new OrderChange(t.accountId(), t.orderId(), t.timeMs(), o.status().name(),
                        o.status().name(), fx(o.quantity()), fx(o.limitPrice()), fx(o.stopPrice()), null, null, null,
                        null, null, null);
            }
            case Event.GroupCompleted g -> new OrderChange(g.accountId(), g.orderId(), g.timeMs(), g.status().name(),
                    g.status().name(), null, null, null, null, g.status() == OrderStatus.Filled ? null
                            : BigDecimal.ZERO, null, null, null, null);
            case Event.Rejected r when rejectedStored.contains(r.ref()) -> new OrderChange(r.accountId(), r.ref(), r.timeMs(), "Rejected", "Rejected",
                            null, null, null, null, BigDecimal.ZERO, null, null, null, r.text());
            case Event.PositionChanged p -> position(p);
            default -> null;
        };
    }

    private static OrderChange fill(Event.Fill f) {
        return new OrderChange(f.accountId(), f.orderId(), f.timeMs(), f.status().name(), f.status().name(), null,
                null, null, fx(f.executed()), fx(f.leaves()), fx(f.averagePrice()), fx(f.price()), fx(f.quantity()),
                null);
    }

    private static OrderChange terminal(long account, long order, long at, OrderStatus status, long executed,
            String reason) {
        return new OrderChange(account, order, at, status.name(), status.name(), null, null, null, fx(executed),
                BigDecimal.ZERO, null, null, null, reason);
    }

    private static PositionChange position(Event.PositionChanged e) {
        PositionSnapshot p = e.position();
        return new PositionChange(p.accountId(), p.securityId(), e.timeMs(), p.symbol(), fx(p.quantity()),
                fx(p.costBasis()), fx(p.realizedPl()), fx(p.averageOpenPrice()), fx(p.averageClosePrice()),
                p.createdMs(), p.modifiedMs());
    }

    private static BigDecimal fx(long v) {
        return v == Fixed.NONE ? BigDecimal.ZERO : Fixed.toBigDecimal(v).stripTrailingZeros();
    }
}
