package dev.crater.orders.engine;

/** Order types the engine executes (wire names of CreateOrderResource {@code Type}). */
public enum OrderType {
    Market, Limit, Stop, StopLimit, TrailingStop, TrailingStopLimit, OneCancelOther, OneTriggerOther,
    OneTriggerOneCancelOther;

    public boolean conditional() {
        return this == OneCancelOther || this == OneTriggerOther || this == OneTriggerOneCancelOther;
    }

    public boolean hasLimit() {
        return this == Limit || this == StopLimit || this == TrailingStopLimit;
    }

    public boolean trailing() {
        return this == TrailingStop || this == TrailingStopLimit;
    }

    public boolean stopFamily() {
        return this == Stop || this == StopLimit || this == TrailingStop || this == TrailingStopLimit;
    }
}
