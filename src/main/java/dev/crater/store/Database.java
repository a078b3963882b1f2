package dev.crater.store;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import com.zaxxer.hikari.HikariPoolMXBean;
import dev.crater.config.CraterConfig;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.flywaydb.core.Flyway;
import org.jdbi.v3.core.Jdbi;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The store: a HikariCP pool, Flyway migrations and a {@link Jdbi} handle factory, for either the
 * embedded SQLite file or a PostgreSQL server. Feature stores receive the {@link Jdbi} and never
 * see which database is behind it; the few SQL differences live in Flyway placeholders.
 */
public final class Database implements AutoCloseable {

    /**
     * Connections for the embedded store. SQLite serialises writers but WAL lets readers run beside
     * them, and request threads mostly read; the trading engine writes through its own pool.
     */
    static final int SQLITE_POOL_SIZE_MAX = 8;
    /**
     * Connections reserved for the trading engine's group commits, so a shard never queues behind
     * request threads for a connection (measured: with one shared pool of 4, 64 concurrent order
     * requests held the shard's commit back for ~100 ms).
     */
    static final int ENGINE_POOL_SIZE_MAX = 2;
    /**
     * The engine's connections on PostgreSQL: one held by each of the eight shards a node may run,
     * one for rebuilds and one for the leases' renewals.
     */
    static final int POSTGRES_ENGINE_POOL_SIZE_MAX = 10;
    /** Connections for PostgreSQL per node. */
    static final int POSTGRES_POOL_SIZE_MAX = 16;
    /**
     * How often the background checkpointer copies the SQLite write-ahead log into the database
     * file while the log grows. Checkpoints used to run inside whichever commit crossed SQLite's
     * 1,000-page threshold — under order load that was the trading shard's commit, and its fsyncs
     * were the p99. Concurrent commits still stall while a checkpoint syncs, for a time that grows
     * with the checkpoint: measured at 23,000 orders/s, p99 was 49 ms checkpointing every 400 ms,
     * 19-20 ms every 25-50 ms, 10 ms every 10 ms (docs/benchmarks.md).
     */
    static final long CHECKPOINT_INTERVAL_MS = 10;
    /** The interval the checkpointer backs off to (doubling) while the log does not grow. */
    static final long CHECKPOINT_IDLE_INTERVAL_MS = 160;
    /**
     * The write-ahead log size (pages of 4 KiB) at which a committing connection checkpoints itself
     * after all: the bound on the log should the background checkpointer fall behind or stop.
     */
    static final int WAL_AUTOCHECKPOINT_PAGES = 16_384;
    /** How long a SQLite writer waits for the file lock before the statement fails. */
    static final int SQLITE_BUSY_TIMEOUT_MS = 10_000;

    public enum Dialect { SQLITE, POSTGRES }

    private final HikariDataSource dataSource;
    private final HikariDataSource engineDataSource;
    private final Jdbi jdbi;
    private final Jdbi engineJdbi;
    private final Dialect dialect;
    private final Thread checkpointer;
    private static final Logger LOG = LoggerFactory.getLogger(Database.class);

    private Database(HikariDataSource dataSource, HikariDataSource engineDataSource, Dialect dialect) {
        this.dataSource = dataSource;
        this.engineDataSource = engineDataSource;
        this.dialect = dialect;
        this.jdbi = Jdbi.create(dataSource);
        this.engineJdbi = Jdbi.create(engineDataSource);
        this.checkpointer = dialect == Dialect.SQLITE ? startCheckpointer() : null;
    }

    /**
     * A daemon thread that checkpoints the SQLite write-ahead log every {@link #CHECKPOINT_INTERVAL_MS}
     * while it grows, backing off to {@link #CHECKPOINT_IDLE_INTERVAL_MS} while it does not (PASSIVE:
     * it never waits for readers or writers), so commits only append to the log.
     */
    private Thread startCheckpointer() {
        return Thread.ofPlatform().name("sqlite-checkpoint").daemon().start(() -> {
            boolean failing = false;
            long interval = CHECKPOINT_INTERVAL_MS;
            long lastLogFrames = -1;
            while (!dataSource.isClosed()) {
                try {
                    Thread.sleep(interval);
                    long logFrames;
                    try (java.sql.Connection c = dataSource.getConnection();
                            java.sql.Statement st = c.createStatement();
                            java.sql.ResultSet rs = st.executeQuery("PRAGMA wal_checkpoint(PASSIVE)")) {
                        // One row: busy flag, frames in the log, frames checkpointed.
                        logFrames = rs.next() ? rs.getLong(2) : -1;
                    }
                    interval = logFrames != lastLogFrames ? CHECKPOINT_INTERVAL_MS
                            : Math.min(interval * 2, CHECKPOINT_IDLE_INTERVAL_MS);
                    lastLogFrames = logFrames;
                    failing = false;
                } catch (InterruptedException e) {
                    return;
                } catch (java.sql.SQLException | RuntimeException e) {
                    if (!failing && !dataSource.isClosed()) {
                        // Logged once per run of failures; commits checkpoint themselves past the bound.
                        LOG.warn("SQLite checkpoint failed (retried every {} ms): {}", CHECKPOINT_INTERVAL_MS, e.toString());
                    }
                    failing = true;
                }
            }
        });
    }

    /** Opens the store named by the configuration and brings its schema up to date. */
    public static Database open(CraterConfig config) {
        Database db = config.usesPostgres() ? openPostgres(config) : openSqlite(config);
        db.migrate();
        return db;
    }

    private static Database openSqlite(CraterConfig config) {
        try {
            Files.createDirectories(config.dataDir());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create data directory " + config.dataDir(), e);
        }
        return new Database(sqlitePool(config, "crater-sqlite", SQLITE_POOL_SIZE_MAX),
                sqlitePool(config, "crater-sqlite-engine", ENGINE_POOL_SIZE_MAX), Dialect.SQLITE);
    }

    private static HikariDataSource sqlitePool(CraterConfig config, String name, int size) {
        HikariConfig hc = new HikariConfig();
        hc.setPoolName(name);
        hc.setJdbcUrl("jdbc:sqlite:" + config.sqliteFile().toAbsolutePath());
        hc.setMaximumPoolSize(size);
        hc.setMinimumIdle(1);
        // Each pooled connection gets the same pragmas: WAL lets readers run beside the writer; both
        // pools' commits acknowledge user-visible writes, so both sync as configured — FULL by default:
        // each commit's log frames are fsynced before it returns (durable across power loss), where
        // NORMAL only survives a crash of the process (docs/security.md, "Durability").
        hc.addDataSourceProperty("journal_mode", "WAL");
        hc.addDataSourceProperty("synchronous", config.sqliteSynchronous().pragma());
        hc.addDataSourceProperty("foreign_keys", "true");
        hc.addDataSourceProperty("busy_timeout", String.valueOf(SQLITE_BUSY_TIMEOUT_MS));
        hc.addDataSourceProperty("transaction_mode", "IMMEDIATE");
        hc.setConnectionInitSql("PRAGMA wal_autocheckpoint = " + WAL_AUTOCHECKPOINT_PAGES);
        return new HikariDataSource(hc);
    }

    private static Database openPostgres(CraterConfig config) {
        Database db = new Database(postgresPool(config, "crater-postgres", POSTGRES_POOL_SIZE_MAX),
                postgresPool(config, "crater-postgres-engine", POSTGRES_ENGINE_POOL_SIZE_MAX), Dialect.POSTGRES);
        db.warnIfServerNotDurable();
        return db;
    }

    /**
     * Run on every new PostgreSQL connection: a session whose commits would not wait for their WAL
     * flush ({@code synchronous_commit = off}, set for the server, the database or the role) is
     * switched to {@code on}. Every other value already waits for the local flush and is kept, so an
     * operator's {@code remote_apply} for a synchronous standby is not weakened, nor {@code local}
     * made to wait for a standby.
     */
    static final String POSTGRES_SYNCHRONOUS_COMMIT_SQL =
            "SELECT set_config('synchronous_commit', 'on', false) WHERE current_setting('synchronous_commit') = 'off'";

    /** Server-wide settings without which even a flushed commit may not survive a power loss. */
    static final List<String> POSTGRES_DURABILITY_SETTINGS = List.of("fsync", "full_page_writes");

    private static HikariDataSource postgresPool(CraterConfig config, String name, int size) {
        HikariConfig hc = new HikariConfig();
        hc.setPoolName(name);
        hc.setJdbcUrl(config.dbUrl());
        hc.setUsername(config.dbUser());
        hc.setPassword(config.dbPassword());
        hc.setMaximumPoolSize(size);
        hc.setMinimumIdle(1);
        hc.setConnectionInitSql(POSTGRES_SYNCHRONOUS_COMMIT_SQL);
        return new HikariDataSource(hc);
    }

    /**
     * The newest migration under {@code db/migration} ({@code SchemaVersionTest} holds the two equal).
     * A store whose schema history ends there, successfully, is current: Flyway — which scans the jar
     * and checksums every migration, a tenth of a node's start — is not run (issue 16, a lean start).
     */
    static final String SCHEMA_VERSION = "25";

    /** Whether this open ran Flyway (tests: a second open of a current store does not). */
    private boolean migrated;

    /**
     * Checks the server-wide settings a session cannot change ({@code fsync}, {@code full_page_writes}):
     * with one off, commits Crater acknowledged can be lost or corrupted by a power loss or an
     * operating-system crash. Logged as an error at every start rather than refused: such a server is
     * an operator's deliberate choice (a throwaway test cluster) that Crater cannot correct.
     */
    private void warnIfServerNotDurable() {
        try (Connection c = dataSource.getConnection(); Statement st = c.createStatement()) {
            for (String setting : POSTGRES_DURABILITY_SETTINGS) {
                try (ResultSet rs = st.executeQuery("SHOW " + setting)) {
                    if (rs.next() && "off".equalsIgnoreCase(rs.getString(1))) {
                        LOG.error("PostgreSQL runs with {} = off: acknowledged orders, fills and money movements can be"
                                + " lost or corrupted by a power loss or an operating-system crash; set {} = on in"
                                + " postgresql.conf for real use (docs/security.md, \"Durability\")", setting, setting);
                    }
                }
            }
        } catch (SQLException e) {
            LOG.warn("could not read PostgreSQL's durability settings: {}", e.toString());
        }
    }

    private void migrate() {
        if (current()) {
            LOG.debug("store schema is current (version {}): no migration", SCHEMA_VERSION);
            return;
        }
        migrated = true;
        Map<String, String> placeholders = switch (dialect) {
            case SQLITE -> Map.of(
                    "id_pk", "INTEGER PRIMARY KEY AUTOINCREMENT",
                    "decimal", "TEXT");
            case POSTGRES -> Map.of(
                    "id_pk", "BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY",
                    "decimal", "NUMERIC(38, 10)");
        };
        Flyway.configure()
                .dataSource(dataSource)
                .locations("classpath:db/migration")
                .placeholders(placeholders)
                .load()
                .migrate();
    }

    /** Whether the store's last applied migration is {@link #SCHEMA_VERSION} and succeeded (none: a new store). */
    private boolean current() {
        try (Connection c = dataSource.getConnection(); Statement st = c.createStatement();
                ResultSet rs = st.executeQuery("SELECT version, success FROM flyway_schema_history"
                        + " WHERE version IS NOT NULL ORDER BY installed_rank DESC LIMIT 1")) {
            return rs.next() && SCHEMA_VERSION.equals(rs.getString(1)) && rs.getBoolean(2);
        } catch (SQLException noHistoryYet) {
            return false;
        }
    }

    boolean migrated() {
        return migrated;
    }

    public Jdbi jdbi() {
        return jdbi;
    }

    /**
     * A new connection of its own, outside the pools, for PostgreSQL's LISTEN (a listening session
     * must stay open and is read by one thread: {@link Notifications}). The caller closes it.
     */
    Connection unpooledConnection() throws SQLException {
        return DriverManager.getConnection(dataSource.getJdbcUrl(), dataSource.getUsername(),
                dataSource.getPassword());
    }

    /** The trading engine's own connections (its group commits and restart reads). */
    public Jdbi engineJdbi() {
        return engineJdbi;
    }

    /** The trading engine's pool itself, for a shard's held connection (see TradingWriter). */
    public javax.sql.DataSource engineDataSource() {
        return engineDataSource;
    }

    public Dialect dialect() {
        return dialect;
    }

    /**
     * An exact decimal as a bind value for a {@code ${decimal}} column: SQLite keeps it as text (so
     * no digit is lost to a double), PostgreSQL as NUMERIC.
     */
    public Object decimal(java.math.BigDecimal value) {
        if (value == null) {
            return null;
        }
        return dialect == Dialect.SQLITE ? value.toPlainString() : value;
    }

    /** One pool's figures (HikariCP's pool bean): connections in use, idle, all, and threads waiting for one. */
    public record PoolStats(String pool, int active, int idle, int total, int waiting, int max) {
    }

    /** The request pool's and the engine pool's figures, for the metrics. */
    public List<PoolStats> pools() {
        List<PoolStats> out = new ArrayList<>();
        for (HikariDataSource ds : List.of(dataSource, engineDataSource)) {
            HikariPoolMXBean bean = ds.isClosed() ? null : ds.getHikariPoolMXBean();
            if (bean != null) {
                out.add(new PoolStats(ds.getPoolName(), bean.getActiveConnections(), bean.getIdleConnections(),
                        bean.getTotalConnections(), bean.getThreadsAwaitingConnection(), ds.getMaximumPoolSize()));
            }
        }
        return out;
    }

    /** A readiness probe still running (a store that does not answer): the next probe waits on it, no new one starts. */
    private CompletableFuture<Boolean> probe;

    /**
     * Whether the store answers a trivial query ({@code SELECT 1} on a request-pool connection) within
     * {@code deadline}: a connection must be free and the database must reply. A probe that outlives
     * its deadline is not repeated while it runs, so a stuck store holds one thread, not one per probe.
     */
    public boolean answers(Duration deadline) {
        CompletableFuture<Boolean> p;
        synchronized (this) {
            if (probe == null || probe.isDone()) {
                probe = CompletableFuture.supplyAsync(() -> query(deadline), PROBES);
            }
            p = probe;
        }
        try {
            return p.get(deadline.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException | ExecutionException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    private static final Executor PROBES = runnable -> Thread.ofVirtual().name("store-probe").start(runnable);

    private boolean query(Duration deadline) {
        try (Connection c = dataSource.getConnection(); Statement st = c.createStatement()) {
            st.setQueryTimeout((int) Math.max(1, deadline.toSeconds()));
            try (ResultSet rs = st.executeQuery("SELECT 1")) {
                return rs.next() && rs.getInt(1) == 1;
            }
        } catch (SQLException | RuntimeException e) {
            LOG.debug("store probe failed: {}", e.toString());
            return false;
        }
    }

    @Override
    public void close() {
        if (checkpointer != null) {
            checkpointer.interrupt();
        }
        engineDataSource.close();
        dataSource.close();
    }
}
