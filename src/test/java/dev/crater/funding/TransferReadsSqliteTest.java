package dev.crater.funding;

import dev.crater.testing.StoreKind;

/** The transfer-reads contract on the embedded SQLite store. */
class TransferReadsSqliteTest extends TransferReadsContract {
    @Override
    StoreKind store() {
        return StoreKind.SQLITE;
    }
}
