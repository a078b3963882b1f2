package dev.crater.streaming;

import dev.crater.testing.Postgres;
import dev.crater.testing.StoreKind;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;

/** Funding moves streamed as balance changes, on PostgreSQL; skipped, with the reason, where none is reachable. */
class FundingBalanceStreamingPostgresTest extends FundingBalanceStreamingContract {
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
