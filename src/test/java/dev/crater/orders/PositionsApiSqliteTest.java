package dev.crater.orders;

import dev.crater.testing.StoreKind;

/** Positions, balances, history and transactions on SQLite. */
class PositionsApiSqliteTest extends PositionsApiContract {
    @Override
    StoreKind store() {
        return StoreKind.SQLITE;
    }
}
