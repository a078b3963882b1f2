package dev.crater.paperless;

import dev.crater.testing.StoreKind;

/** The paperless contract on the embedded SQLite store. */
class PaperlessApiSqliteTest extends PaperlessApiContract {
    @Override
    StoreKind store() {
        return StoreKind.SQLITE;
    }
}
