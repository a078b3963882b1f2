package dev.crater.funding;

import dev.crater.testing.StoreKind;

/** The funding contract on the embedded SQLite store. */
class FundingApiSqliteTest extends FundingApiContract {
    @Override
    StoreKind store() {
        return StoreKind.SQLITE;
    }
}
