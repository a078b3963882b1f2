package dev.crater.orders.engine;

/** Time in force supported by the engine (CreateOrderResource {@code TimeInforce}). */
public enum TimeInForce {
    Day, GoodTillCancel, GoodTillDate, ImmediateOrCancel, FillOrKill, AtTheOpening
}
