package dev.crater.funding;

import dev.crater.testing.Postgres;
import dev.crater.testing.StoreKind;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;

/** The transfer-reads contract on PostgreSQL; skipped, with the reason, where none is reachable. */
class TransferReadsPostgresTest extends TransferReadsContract {
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
