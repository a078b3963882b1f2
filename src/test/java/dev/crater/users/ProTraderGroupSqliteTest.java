package dev.crater.users;

import dev.crater.testing.StoreKind;

class ProTraderGroupSqliteTest extends ProTraderGroupContract {
    @Override
    StoreKind store() {
        return StoreKind.SQLITE;
    }
}
