package dev.crater.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.crater.App;
import dev.crater.Services;
import dev.crater.config.CraterConfig;
import dev.crater.config.MarketConfig;
import dev.crater.config.SqliteSynchronous;
import dev.crater.testing.Http;
import dev.crater.testing.MutableClock;
import dev.crater.testing.Postgres;
import dev.crater.testing.StoreKind;
import dev.crater.testing.TestServer;
import java.nio.file.Files;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import javax.sql.DataSource;
import org.jdbi.v3.core.Handle;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * Goal (issue 16): an acknowledged write survives power loss, not only a crash of the process. Method:
 * real servers on a real SQLite file and on a real PostgreSQL schema; the effective settings are read
 * back from connections of each of the server's pools (the request pool and the trading engine's, whose
 * group commits acknowledge orders), several at once so that they are distinct connections.
 * SQLite: {@code PRAGMA synchronous} is FULL (2) by default, NORMAL (1) only when configured so.
 * PostgreSQL: {@code synchronous_commit} is on even when the server hands the session {@code off}, and
 * a setting that already waits for the flush ({@code local}) is kept.
 */
class DurableCommitsTest {

    /** Connections borrowed at once from the request pool (it holds 8 on SQLite, 16 on PostgreSQL). */
    private static final int REQUEST_CONNECTIONS = 3;
    /** The engine pool's connections left free while the shards hold theirs (SQLite: 2 minus 1 shard). */
    private static final int ENGINE_CONNECTIONS = 1;
    private static final long READY_DEADLINE_MS = 30_000;

    @Test
    void sqliteCommitsAreFsyncedByDefault() throws Exception {
        try (TestServer server = TestServer.start(StoreKind.SQLITE)) {
            awaitReady(server.port());
            assertThat(settings(server.services().database, "PRAGMA synchronous"))
                    .hasSize(REQUEST_CONNECTIONS + ENGINE_CONNECTIONS)
                    .containsOnly("2");   // FULL
        }
    }

    @Test
    void normalIsOnlyWhatTheSettingAsksFor() throws Exception {
        CraterConfig config = config(Files.createTempDirectory("crater-sync-normal-"))
                .withSqliteSynchronous(SqliteSynchronous.NORMAL);
        try (App app = App.start(Services.open(config, new MutableClock()))) {
            awaitReady(app.port());
            assertThat(settings(app.services().database, "PRAGMA synchronous")).containsOnly("1");   // NORMAL
        }
    }

    @Test
    void theSettingIsReadFromTheEnvironmentAndDefaultsToFull() {
        assertThat(CraterConfig.fromEnvironment(Map.of()).sqliteSynchronous()).isEqualTo(SqliteSynchronous.FULL);
        assertThat(CraterConfig.fromEnvironment(Map.of("CRATER_SQLITE_SYNCHRONOUS", "Normal")).sqliteSynchronous())
                .isEqualTo(SqliteSynchronous.NORMAL);
        assertThat(CraterConfig.fromEnvironment(Map.of("CRATER_SQLITE_SYNCHRONOUS", "full")).sqliteSynchronous())
                .isEqualTo(SqliteSynchronous.FULL);
        assertThatThrownBy(() -> CraterConfig.fromEnvironment(Map.of("CRATER_SQLITE_SYNCHRONOUS", "off")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("CRATER_SQLITE_SYNCHRONOUS").hasMessageContaining("'off'");
    }

    @Test
    void postgresCommitsAreSynchronous() throws Exception {
        String reason = Postgres.unavailableReason();
        Assumptions.assumeTrue(reason == null, reason);
        try (TestServer server = TestServer.start(StoreKind.POSTGRES)) {
            awaitReady(server.port());
            assertThat(settings(server.services().database, "SHOW synchronous_commit"))
                    .hasSize(REQUEST_CONNECTIONS + ENGINE_CONNECTIONS).containsOnly("on");
        }
    }

    @Test
    void postgresTurnsASessionDefaultOfOffOnAndKeepsLocal() throws Exception {
        String reason = Postgres.unavailableReason();
        Assumptions.assumeTrue(reason == null, reason);
        // The server's side of "configured off": every session of this URL starts with the setting off
        // (as ALTER ROLE/DATABASE ... SET synchronous_commit = off would make it).
        assertThat(onServer("off")).containsExactly("on");
        assertThat(onServer("local")).containsExactly("local");
    }

    /** Starts a node whose sessions begin with {@code synchronous_commit = initial}; its pools' values. */
    private static List<String> onServer(String initial) throws Exception {
        String url = Postgres.freshSchemaUrl();
        try {
            String sessionDefault = url + "&options=-c%20synchronous_commit%3D" + initial;
            try (Connection plain = java.sql.DriverManager.getConnection(sessionDefault, Postgres.USER, Postgres.PASSWORD)) {
                assertThat(value(plain, "SHOW synchronous_commit")).isEqualTo(initial);
            }
            CraterConfig config = config(Files.createTempDirectory("crater-sync-pg-"))
                    .withDatabase(sessionDefault, Postgres.USER, Postgres.PASSWORD);
            try (App app = App.start(Services.open(config, new MutableClock()))) {
                awaitReady(app.port());
                List<String> values = settings(app.services().database, "SHOW synchronous_commit");
                assertThat(values).hasSize(REQUEST_CONNECTIONS + ENGINE_CONNECTIONS);
                return values.stream().distinct().toList();
            }
        } finally {
            Postgres.dropSchema(url);
        }
    }

    private static CraterConfig config(java.nio.file.Path dir) {
        return new CraterConfig("127.0.0.1", 0, dir, false, "", "", "", Optional.empty(),
                CraterConfig.TOKEN_TTL_DEFAULT, CraterConfig.INTERIM_TTL_MAX, "", Optional.empty(), "",
                new CraterConfig.Rate(1_000_000, 1_000_000), MarketConfig.DEFAULT);
    }

    /** The server answers ready once its store answers and its trading shards run. */
    private static void awaitReady(int port) throws InterruptedException {
        long deadline = System.currentTimeMillis() + READY_DEADLINE_MS;
        while (Http.get("http://127.0.0.1:" + port + "/health/ready").status() != 200) {
            assertThat(System.currentTimeMillis()).as("ready within %d ms", READY_DEADLINE_MS).isLessThan(deadline);
            Thread.sleep(50);
        }
    }

    /** {@code query}'s one value on distinct connections of the request pool, then of the engine pool. */
    private static List<String> settings(Database db, String query) throws SQLException {
        List<String> out = new ArrayList<>();
        List<Handle> held = new ArrayList<>();
        try {
            for (int i = 0; i < REQUEST_CONNECTIONS; i++) {
                Handle h = db.jdbi().open();
                held.add(h);
                out.add(h.createQuery(query).mapTo(String.class).one());
            }
        } finally {
            held.forEach(Handle::close);
        }
        DataSource engine = db.engineDataSource();
        List<Connection> engineHeld = new ArrayList<>();
        try {
            for (int i = 0; i < ENGINE_CONNECTIONS; i++) {
                Connection c = engine.getConnection();
                engineHeld.add(c);
                out.add(value(c, query));
            }
        } finally {
            for (Connection c : engineHeld) {
                c.close();
            }
        }
        return out;
    }

    private static String value(Connection c, String query) throws SQLException {
        try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery(query)) {
            assertThat(rs.next()).isTrue();
            return rs.getString(1);
        }
    }
}
