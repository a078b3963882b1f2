package dev.crater.orders.engine;

/** FeeModel of a Commission ledger entry: {@code commissionId} "Per Trade Commission" or "Per Contract Commission". */
public record Fee(String commissionId, long value) {
    public static final String PER_TRADE = "Per Trade Commission";
    public static final String PER_CONTRACT = "Per Contract Commission";
}
