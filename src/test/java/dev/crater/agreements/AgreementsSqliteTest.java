package dev.crater.agreements;

import dev.crater.testing.StoreKind;

class AgreementsSqliteTest extends AgreementsContract {
    @Override
    StoreKind store() {
        return StoreKind.SQLITE;
    }
}
