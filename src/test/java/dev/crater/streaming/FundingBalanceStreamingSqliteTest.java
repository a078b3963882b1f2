package dev.crater.streaming;

import dev.crater.testing.StoreKind;

/** Funding moves streamed as balance changes, on the embedded SQLite store. */
class FundingBalanceStreamingSqliteTest extends FundingBalanceStreamingContract {
    @Override
    StoreKind store() {
        return StoreKind.SQLITE;
    }
}
