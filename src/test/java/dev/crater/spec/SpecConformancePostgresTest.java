package dev.crater.spec;

import dev.crater.testing.Postgres;
import dev.crater.testing.StoreKind;
import java.io.IOException;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;

/** The vendor spec's models as the contract, on PostgreSQL; skipped, with the reason, where none is reachable. */
class SpecConformancePostgresTest extends SpecConformanceContract {
    @Override
    StoreKind store() {
        return StoreKind.POSTGRES;
    }

    @BeforeAll
    @Override
    void start() throws IOException {
        String reason = Postgres.unavailableReason();
        Assumptions.assumeTrue(reason == null, reason);
        super.start();
    }
}
