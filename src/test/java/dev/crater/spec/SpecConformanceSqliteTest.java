package dev.crater.spec;

import dev.crater.testing.StoreKind;

/** The vendor spec's models as the contract of Crater's answers and bodies, on the embedded SQLite store. */
class SpecConformanceSqliteTest extends SpecConformanceContract {
    @Override
    StoreKind store() {
        return StoreKind.SQLITE;
    }
}
