package dev.crater.auth;

import dev.crater.testing.StoreKind;

/** The {@code /token} contract on the embedded SQLite store. */
class TokenEndpointSqliteTest extends TokenEndpointContract {
    @Override
    StoreKind store() {
        return StoreKind.SQLITE;
    }
}
