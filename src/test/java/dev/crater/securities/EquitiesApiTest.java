package dev.crater.securities;

import dev.crater.testing.StoreKind;

/** The equities contract on the embedded SQLite store. */
class EquitiesApiTest extends EquitiesApiContract {
    @Override
    StoreKind store() {
        return StoreKind.SQLITE;
    }
}
