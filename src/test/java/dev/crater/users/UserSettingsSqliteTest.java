package dev.crater.users;

import dev.crater.testing.StoreKind;

class UserSettingsSqliteTest extends UserSettingsContract {
    @Override
    StoreKind store() {
        return StoreKind.SQLITE;
    }
}
