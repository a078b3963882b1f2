package dev.crater.orders.engine;

/** Order status with the numeric codes of 04-orders.md §6 ({@code Held}'s code 16 is not documented). */
public enum OrderStatus {
    New(0), PartiallyFilled(1), Filled(2), DoneForDay(3), Canceled(4), Replaced(5), PendingCancel(6), Stopped(7),
    Rejected(8), Suspended(9), PendingNew(10), Calculated(11), Expired(12), AcceptedForBidding(13),
    PendingReplace(14), Error(15), Held(16);

    private final int code;

    OrderStatus(int code) {
        this.code = code;
    }

    public int code() {
        return code;
    }

    /** Statuses of an order the engine still holds: New, PartiallyFilled, Suspended (waiting conditional leg). */
    public boolean live() {
        return this == New || this == PartiallyFilled || this == Suspended;
    }
}
