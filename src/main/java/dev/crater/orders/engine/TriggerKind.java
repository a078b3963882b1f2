package dev.crater.orders.engine;

/** Why an order was triggered: a stop reached, or a conditional leg activated by its trigger leg. */
public enum TriggerKind {
    Stop, Activated
}
