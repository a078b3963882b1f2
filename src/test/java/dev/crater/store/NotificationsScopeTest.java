package dev.crater.store;

import static org.assertj.core.api.Assertions.assertThat;

import dev.crater.config.CraterConfig;
import dev.crater.config.MarketConfig;
import dev.crater.testing.Postgres;
import java.nio.file.Files;
import java.util.Optional;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * Goal: messages between nodes reach the nodes of their own store only. PostgreSQL's channels are per
 * database; two stores in two schemas of one database (as the tests run, or a staging and a
 * production store) must not hear each other's revocations and trade changes.
 */
class NotificationsScopeTest {
    @Test
    void nodesHearTheirOwnStoreOnly() throws Exception {
        String reason = Postgres.unavailableReason();
        Assumptions.assumeTrue(reason == null, reason);
        String schemaA = Postgres.freshSchemaUrl();
        String schemaB = Postgres.freshSchemaUrl();
        try (Database a1 = open(schemaA); Database a2 = open(schemaA); Database b = open(schemaB);
                Notifications na1 = Notifications.open(a1); Notifications na2 = Notifications.open(a2);
                Notifications nb = Notifications.open(b)) {
            BlockingQueue<String> heardByA2 = new LinkedBlockingQueue<>();
            BlockingQueue<String> heardByB = new LinkedBlockingQueue<>();
            na2.subscribe("crater_test", heardByA2::add, () -> { });
            nb.subscribe("crater_test", heardByB::add, () -> { });
            na2.start();
            nb.start();
            // The listeners may still be connecting: send until each hears its own store's message.
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            String heard = null;
            while (heard == null && System.nanoTime() < deadline) {
                na1.publish("crater_test", "for-a");
                heard = heardByA2.poll(200, TimeUnit.MILLISECONDS);
            }
            assertThat(heard).isEqualTo("for-a");
            String own = null;
            while (own == null && System.nanoTime() < deadline) {
                nb.publish("crater_test", "ignored-by-b-itself");
                na1.publish("crater_test", "for-a");
                Notifications.open(b).publish("crater_test", "for-b");
                own = heardByB.poll(200, TimeUnit.MILLISECONDS);
            }
            // b heard its own store's message, and never a's (sent before it, on the same database).
            assertThat(own).isEqualTo("for-b");
            assertThat(heardByB).doesNotContain("for-a");
        } finally {
            Postgres.dropSchema(schemaA);
            Postgres.dropSchema(schemaB);
        }
    }

    private static Database open(String url) throws java.io.IOException {
        CraterConfig config = new CraterConfig("127.0.0.1", 0, Files.createTempDirectory("crater-notify-"), false, "",
                "", "", Optional.empty(), CraterConfig.TOKEN_TTL_DEFAULT, CraterConfig.INTERIM_TTL_MAX, "",
                Optional.empty(), "", new CraterConfig.Rate(1_000, 1_000), MarketConfig.DEFAULT)
                .withDatabase(url, Postgres.USER, Postgres.PASSWORD);
        return Database.open(config);
    }
}
