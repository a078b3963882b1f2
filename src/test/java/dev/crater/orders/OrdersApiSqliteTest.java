package dev.crater.orders;

import dev.crater.testing.StoreKind;

/** The orders routes' contract on SQLite. */
class OrdersApiSqliteTest extends OrdersApiContract {
    @Override
    StoreKind store() {
        return StoreKind.SQLITE;
    }
}
