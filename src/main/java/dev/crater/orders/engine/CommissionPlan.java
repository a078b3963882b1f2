package dev.crater.orders.engine;

/**
 * An account's commission plan, fixed-point dollars: {@code perTrade} once per order (charged with its first
 * fill), {@code perShare} per stock share filled, {@code perContract} per option contract filled.
 */
public record CommissionPlan(long perTrade, long perShare, long perContract) {
    public static final CommissionPlan FREE = new CommissionPlan(0, 0, 0);

    public CommissionPlan {
        if (perTrade < 0 || perShare < 0 || perContract < 0) {
            throw new IllegalArgumentException("negative commission");
        }
    }
}
