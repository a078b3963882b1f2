package dev.crater.store;

import static org.assertj.core.api.Assertions.assertThat;

import dev.crater.config.CraterConfig;
import dev.crater.config.MarketConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Goal: a node's start skips Flyway only when the store is exactly current. The constant it compares
 * with is the newest migration file, and a second open of a store migrated by the first runs no
 * migration yet finds every table.
 */
class SchemaVersionTest {
    private static final Pattern VERSION = Pattern.compile("V(\\d+)__.*\\.sql");

    @Test
    void theSchemaVersionIsTheNewestMigration() throws IOException {
        int newest;
        try (Stream<Path> files = Files.list(Path.of("src/main/resources/db/migration"))) {
            newest = files.map(p -> VERSION.matcher(p.getFileName().toString())).filter(Matcher::matches)
                    .mapToInt(m -> Integer.parseInt(m.group(1))).max().orElseThrow();
        }
        assertThat(Database.SCHEMA_VERSION).isEqualTo(Integer.toString(newest));
    }

    @Test
    void aCurrentStoreOpensWithoutMigratingAndAnOlderOneMigrates() throws IOException {
        Path dir = Files.createTempDirectory("crater-schema-");
        CraterConfig config = new CraterConfig("127.0.0.1", 0, dir, false, "", "", "", Optional.empty(),
                CraterConfig.TOKEN_TTL_DEFAULT, CraterConfig.INTERIM_TTL_MAX, "", Optional.empty(), "",
                new CraterConfig.Rate(1_000, 1_000), MarketConfig.DEFAULT);
        try (Database first = Database.open(config)) {
            assertThat(first.migrated()).as("a new store is migrated").isTrue();
        }
        try (Database second = Database.open(config)) {
            assertThat(second.migrated()).as("a current store is not").isFalse();
            int grants = second.jdbi().withHandle(h -> h.createQuery("SELECT COUNT(*) FROM streamer_grants")
                    .mapTo(Integer.class).one());
            assertThat(grants).isZero();
            // As if the store were one version behind: the newest migration (V25: these two tables) not applied.
            second.jdbi().useHandle(h -> {
                h.execute("DELETE FROM flyway_schema_history WHERE version = ?", Database.SCHEMA_VERSION);
                h.execute("DROP TABLE paperless_options");
                h.execute("DROP TABLE paperless_settings");
            });
        }
        try (Database third = Database.open(config)) {
            assertThat(third.migrated()).as("a store behind is migrated").isTrue();
            int paperless = third.jdbi().withHandle(h -> h.createQuery("SELECT COUNT(*) FROM paperless_settings")
                    .mapTo(Integer.class).one());
            assertThat(paperless).isZero();
        }
    }
}
