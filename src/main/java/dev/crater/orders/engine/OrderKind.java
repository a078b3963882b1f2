package dev.crater.orders.engine;

/**
 * Shape of an engine order: a plain order (also the legs of OCO/OTO/OTOCO groups), the container root of a
 * conditional group, the root of an option spread, or one leg of a spread (filled only through its root).
 */
public enum OrderKind {
    Single, ConditionalRoot, SpreadRoot, SpreadLeg
}
