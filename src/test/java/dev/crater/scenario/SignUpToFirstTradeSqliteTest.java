package dev.crater.scenario;

import dev.crater.testing.StoreKind;

class SignUpToFirstTradeSqliteTest extends SignUpToFirstTradeContract {
    @Override
    StoreKind store() {
        return StoreKind.SQLITE;
    }
}
