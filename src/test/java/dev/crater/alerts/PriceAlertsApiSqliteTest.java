package dev.crater.alerts;

import dev.crater.testing.StoreKind;

/** The price-alert routes' contract on the embedded SQLite store. */
class PriceAlertsApiSqliteTest extends PriceAlertsApiContract {
    @Override
    StoreKind store() {
        return StoreKind.SQLITE;
    }
}
