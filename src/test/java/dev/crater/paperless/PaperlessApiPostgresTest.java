package dev.crater.paperless;

import dev.crater.testing.Postgres;
import dev.crater.testing.StoreKind;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;

/** The paperless contract on PostgreSQL; skipped, with the reason, where none is reachable. */
class PaperlessApiPostgresTest extends PaperlessApiContract {
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
