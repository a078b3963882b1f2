package dev.crater.feedback;

import dev.crater.testing.StoreKind;

class FeedbackSqliteTest extends FeedbackContract {
    @Override
    StoreKind store() {
        return StoreKind.SQLITE;
    }
}
