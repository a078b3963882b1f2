package dev.crater.spec;

import dev.crater.testing.StoreKind;

/** The routing conformance of the vendor spec on the embedded SQLite store. */
class OperationsRoutedSqliteTest extends OperationsRoutedContract {
    @Override
    StoreKind store() {
        return StoreKind.SQLITE;
    }
}
