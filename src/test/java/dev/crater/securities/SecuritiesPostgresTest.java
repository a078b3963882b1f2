package dev.crater.securities;

import dev.crater.testing.Postgres;
import dev.crater.testing.StoreKind;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;

/**
 * The equities contract (lookups, the paged list and every filter, logos, legacy routes) on
 * PostgreSQL, where the securities master is loaded from; skipped, with the reason, where no
 * PostgreSQL is reachable.
 */
class SecuritiesPostgresTest extends EquitiesApiContract {
    @Override
    StoreKind store() {
        return StoreKind.POSTGRES;
    }

    @BeforeAll
    @Override
    void start() {
        String reason = Postgres.unavailableReason();
        Assumptions.assumeTrue(reason == null, reason);
        super.start();
    }
}
