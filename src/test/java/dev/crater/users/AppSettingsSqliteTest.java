package dev.crater.users;

import dev.crater.testing.StoreKind;

class AppSettingsSqliteTest extends AppSettingsContract {
    @Override
    StoreKind store() {
        return StoreKind.SQLITE;
    }
}
