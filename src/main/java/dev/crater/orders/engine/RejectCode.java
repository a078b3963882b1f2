package dev.crater.orders.engine;

/**
 * Rejection codes. The first three are the documented VerifyOrderModel {@code ErrorDescription} values; the rest
 * are Crater's own, named after the rule they enforce.
 */
public enum RejectCode {
    DayTradingBuyingPowerExceeded("Order value exceeds the account's buying power."),
    LimitPriceUndefined("Limit price is not defined."),
    QuotePriceIsInvalid("Stop price is missing or no usable quote is available."),
    AccountNotFound("Account not found."),
    DuplicateAccount("Account already exists."),
    DuplicateOrderId("An open order with this id already exists."),
    OrderInvalid("Order is malformed."),
    OrderTypeInvalid("Order type is not allowed here."),
    TimeInForceInvalid("Time in force is not allowed for this order type."),
    QuantityInvalid("Quantity must be a positive whole number of shares or contracts."),
    PriceNotOnTick("Price is not a multiple of the security's tick size."),
    TrailingAmountInvalid("Trailing amount is missing or invalid."),
    ExpireDateInvalid("Expire date is missing or in the past."),
    SecurityNotTradable("Security is not tradable."),
    ShortSaleNotAllowed("Short sale is not allowed for this security or account."),
    CashAccountCannotShort("Cash accounts cannot sell short."),
    InsufficientPosition("Quantity exceeds the position that can be closed."),
    WrongSideForPosition("Side conflicts with the current position direction."),
    ReduceOnlyViolated("Only orders closing positions are allowed."),
    MarketClosedForDayOrder("No session this order may trade in remains today."),
    OpeningPassed("The regular session has already opened."),
    ExtendedHoursLimitOnly("Only limit orders may trade in extended hours."),
    SessionNotAllowed("Session is not allowed for this order."),
    LegsInvalid("Order legs are invalid."),
    OrderNotFound("Order not found or no longer open."),
    OrderNotCancelable("Order cannot be canceled."),
    OrderNotReplaceable("Order cannot be replaced."),
    ReplaceFieldInvalid("Field does not apply to this order."),
    AmountInvalid("Amount must be non-zero."),
    InsufficientFunds("Insufficient funds."),
    ResetIdsShort("Not enough order ids to close every open position.");

    private final String text;

    RejectCode(String text) {
        this.text = text;
    }

    /** Default human-readable text. */
    public String text() {
        return text;
    }
}
