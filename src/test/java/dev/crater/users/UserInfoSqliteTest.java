package dev.crater.users;

import dev.crater.testing.StoreKind;

/** The user-info contract on the embedded SQLite store. */
class UserInfoSqliteTest extends UserInfoContract {
    @Override
    StoreKind store() {
        return StoreKind.SQLITE;
    }
}
