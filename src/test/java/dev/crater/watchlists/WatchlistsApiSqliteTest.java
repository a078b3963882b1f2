package dev.crater.watchlists;

import dev.crater.testing.StoreKind;

/** The watchlist routes' contract on the embedded SQLite store. */
class WatchlistsApiSqliteTest extends WatchlistsApiContract {
    @Override
    StoreKind store() {
        return StoreKind.SQLITE;
    }
}
