package dev.crater.accountrequests;

import dev.crater.testing.StoreKind;

/** The account lifecycle contract on SQLite. */
class AccountLifecycleSqliteTest extends AccountLifecycleContract {
    @Override
    StoreKind store() {
        return StoreKind.SQLITE;
    }
}
