package dev.crater.orders.engine;

/**
 * Balance figures of one account (fixed-point), for the balance map of 03-accounts.md §1.1. Market values use each
 * security's last price (the average open price if the engine has no quote). {@code excess} = equity − maintenance
 * − unsettled (cash accounts); buying powers are after open-order reservations.
 */
public record Balances(long cash, long settledCash, long pendingCash, long reserved, long equity,
        long stockLongMarketValue, long stockShortMarketValue, long optionLongMarketValue,
        long optionShortMarketValue, long marketValue, long maintenanceMargin, long excess, long stockBuyingPower,
        long optionBuyingPower, long dayTradingBuyingPower, long openPl, long closePl, int pendingOrdersCount) {
}
