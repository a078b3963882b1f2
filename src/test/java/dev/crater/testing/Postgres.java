package dev.crater.testing;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;

/**
 * The PostgreSQL server the PostgreSQL variants of the tests use, named by
 * {@code CRATER_TEST_PG_URL}, {@code CRATER_TEST_PG_USER}, {@code CRATER_TEST_PG_PASSWORD} (the
 * defaults match what {@code .ci/run} creates). Each test server gets a schema of its own.
 */
public final class Postgres {
    public static final String URL = env("CRATER_TEST_PG_URL", "jdbc:postgresql://127.0.0.1:5432/crater");
    public static final String USER = env("CRATER_TEST_PG_USER", "crater");
    public static final String PASSWORD = env("CRATER_TEST_PG_PASSWORD", "crater");

    private static volatile String unavailableReason;
    private static volatile boolean probed;

    private Postgres() {
    }

    private static String env(String name, String fallback) {
        String v = System.getenv(name);
        return v == null || v.isBlank() ? fallback : v;
    }

    /** Null when PostgreSQL answers; otherwise why the PostgreSQL variants are skipped. */
    public static synchronized String unavailableReason() {
        if (!probed) {
            probed = true;
            try (Connection c = DriverManager.getConnection(URL, USER, PASSWORD)) {
                c.isValid(2);
            } catch (SQLException e) {
                unavailableReason = "PostgreSQL not reachable at " + URL + " as " + USER + " (" + e.getMessage()
                        + "); run .ci/run, or set CRATER_TEST_PG_URL/USER/PASSWORD, to include the PostgreSQL variants";
            }
        }
        return unavailableReason;
    }

    /** Creates a fresh schema and returns a JDBC URL whose connections use it. */
    public static String freshSchemaUrl() {
        String schema = "t_" + Long.toHexString(ThreadLocalRandom.current().nextLong()).toLowerCase(Locale.ROOT);
        try (Connection c = DriverManager.getConnection(URL, USER, PASSWORD); Statement s = c.createStatement()) {
            s.execute("CREATE SCHEMA " + schema);
        } catch (SQLException e) {
            throw new IllegalStateException("cannot create test schema", e);
        }
        return URL + (URL.contains("?") ? "&" : "?") + "currentSchema=" + schema;
    }

    /** The schema a {@link #freshSchemaUrl()} URL names. */
    public static String schemaOf(String url) {
        return url.substring(url.indexOf("currentSchema=") + "currentSchema=".length());
    }

    /** Whether the database of {@link #URL} holds the schema {@code schema}. */
    public static boolean schemaExists(String schema) {
        try (Connection c = DriverManager.getConnection(URL, USER, PASSWORD);
                PreparedStatement s = c.prepareStatement("SELECT 1 FROM pg_namespace WHERE nspname = ?")) {
            s.setString(1, schema);
            try (ResultSet r = s.executeQuery()) {
                return r.next();
            }
        } catch (SQLException e) {
            throw new IllegalStateException("cannot look for schema " + schema, e);
        }
    }

    /**
     * The connection options of {@link #URL} as PostgreSQL's command-line tools take them:
     * {@code -h host -p port -U user} (the password goes in {@code PGPASSWORD}); the database name is
     * {@link #database()}.
     */
    public static List<String> cliOptions() {
        URI u = URI.create(URL.substring("jdbc:".length()));
        return List.of("-h", u.getHost() == null ? "127.0.0.1" : u.getHost(), "-p",
                Integer.toString(u.getPort() == -1 ? 5432 : u.getPort()), "-U", USER);
    }

    /** The name of {@link #URL}'s database. */
    public static String database() {
        return URI.create(URL.substring("jdbc:".length())).getPath().substring(1);
    }

    /**
     * A PostgreSQL command-line tool ({@code pg_dump}, {@code pg_restore}): on the {@code PATH}, else
     * the newest {@code /usr/lib/postgresql/<version>/bin} (Debian's packages) that has it.
     */
    public static Optional<Path> tool(String name) {
        for (String dir : System.getenv().getOrDefault("PATH", "").split(":")) {
            if (!dir.isEmpty() && Files.isExecutable(Path.of(dir, name))) {
                return Optional.of(Path.of(dir, name));
            }
        }
        try (var versions = Files.list(Path.of("/usr/lib/postgresql"))) {
            return versions.map(v -> v.resolve("bin").resolve(name)).filter(Files::isExecutable)
                    .max((x, y) -> Integer.compare(major(x), major(y)));
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    private static int major(Path tool) {
        try {
            return Integer.parseInt(tool.getParent().getParent().getFileName().toString());
        } catch (NumberFormatException e) {
            return 0;
        }
    }

    /** Drops the schema a {@link #freshSchemaUrl()} URL names. */
    public static void dropSchema(String url) {
        String schema = schemaOf(url);
        try (Connection c = DriverManager.getConnection(URL, USER, PASSWORD); Statement s = c.createStatement()) {
            s.execute("DROP SCHEMA IF EXISTS " + schema + " CASCADE");
        } catch (SQLException e) {
            throw new IllegalStateException("cannot drop test schema " + schema, e);
        }
    }
}
