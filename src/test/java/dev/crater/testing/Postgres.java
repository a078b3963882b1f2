package dev.crater.testing;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Locale;
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

    /** Drops the schema a {@link #freshSchemaUrl()} URL names. */
    public static void dropSchema(String url) {
        String schema = url.substring(url.indexOf("currentSchema=") + "currentSchema=".length());
        try (Connection c = DriverManager.getConnection(URL, USER, PASSWORD); Statement s = c.createStatement()) {
            s.execute("DROP SCHEMA IF EXISTS " + schema + " CASCADE");
        } catch (SQLException e) {
            throw new IllegalStateException("cannot drop test schema " + schema, e);
        }
    }
}
