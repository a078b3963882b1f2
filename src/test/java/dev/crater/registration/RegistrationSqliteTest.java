package dev.crater.registration;

import dev.crater.testing.StoreKind;

class RegistrationSqliteTest extends RegistrationContract {
    @Override
    StoreKind store() {
        return StoreKind.SQLITE;
    }
}
