package dev.crater.accounts;

import dev.crater.testing.StoreKind;

/** The trading-account routes' contract on the embedded SQLite store. */
class AccountsApiSqliteTest extends AccountsApiContract {
    @Override
    StoreKind store() {
        return StoreKind.SQLITE;
    }
}
