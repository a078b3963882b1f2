package dev.crater.ops;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.crater.App;
import dev.crater.Services;
import dev.crater.accounts.Account;
import dev.crater.common.MarginType;
import dev.crater.companies.Company;
import dev.crater.config.CraterConfig;
import dev.crater.config.MarketConfig;
import dev.crater.testing.Http;
import dev.crater.testing.MutableClock;
import dev.crater.testing.Postgres;
import dev.crater.testing.StoreKind;
import dev.crater.testing.TestServer;
import dev.crater.users.User;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Goal (docs/deployment.md, "Backups" and "Upgrading"): the documented online backup of the
 * embedded store — {@code sqlite3 data/crater.db ".backup '<file>'"} while the server runs — and the
 * documented restore (the backup as {@code crater.db} beside the same {@code master.key}) give a
 * server that starts and holds the data; the same for PostgreSQL — {@code pg_dump -Fc} while the
 * server serves, {@code pg_restore --clean --if-exists} with it stopped, the same master key as
 * {@code CRATER_MASTER_KEY}; and a node of an older release (one that does not know the newest
 * migration) still starts on a store a newer node has migrated, as the upgrade section says.
 *
 * <p>Method: a real server on a SQLite file; the real {@code sqlite3} command (skipped, saying why,
 * when it is not installed; {@code .ci/run} installs it); a second real server on the restored
 * directory, asked over HTTP. On PostgreSQL a real server on a schema of its own in the test
 * database, the real {@code pg_dump} (of that schema, {@code -n}) and {@code pg_restore} (skipped
 * when PostgreSQL or the tools are not there), and a second real server on the restored schema. The
 * older release is the same build on a store whose Flyway history holds one migration more than the
 * build knows.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class StoreOperationsTest {
    static final Instant WEDNESDAY_11_NY = Instant.parse("2026-11-18T16:00:00Z");

    static Optional<Path> sqlite3() {
        for (String dir : (System.getenv().getOrDefault("PATH", "") + ":/usr/bin:/usr/local/bin").split(":")) {
            if (!dir.isEmpty() && Files.isExecutable(Path.of(dir, "sqlite3"))) {
                return Optional.of(Path.of(dir, "sqlite3"));
            }
        }
        return Optional.empty();
    }

    static CraterConfig sqliteConfig(Path dataDir) {
        return new CraterConfig("127.0.0.1", 0, dataDir, false, "", "", "", Optional.empty(),
                CraterConfig.TOKEN_TTL_DEFAULT, CraterConfig.INTERIM_TTL_MAX, "", Optional.empty(), "",
                new CraterConfig.Rate(1_000, 1_000), MarketConfig.DEFAULT);
    }

    /**
     * Places a resting AAPL buy and returns its Id. Until the account's opening deposit is applied (by the
     * engine, within a second or two) an order gets the documented 200 refusal; a stored one has an Id. On
     * PostgreSQL, until a node has taken the account's trading shard (a server just started on a restored
     * store) the answer is the documented 503 with Retry-After, which a client retries.
     */
    static long placeStoredOrder(String api, String appKey, String token, long accountId) throws InterruptedException {
        long placedId = 0;
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        Http.Response placed = null;
        while (placedId == 0 && System.nanoTime() < deadline) {
            placed = Http.send("POST", api + "v1.0/accounts/" + accountId + "/orders",
                    "{\"Symbol\":\"AAPL\",\"Type\":\"Limit\",\"Side\":\"Buy\",\"Quantity\":3,\"Price\":1,"
                            + "\"TimeInForce\":\"GoodTillCancel\"}", "Et-App-Key", appKey, "Authorization",
                    "Bearer " + token, "Content-Type", "application/json");
            if (placed.status() == 503 && placed.header("Retry-After") != null) {
                Thread.sleep(50);
                continue;
            }
            assertThat(placed.status()).as(placed.body()).isEqualTo(200);
            placedId = placed.json().path("Id").asLong();
            if (placedId == 0) {
                Thread.sleep(50);
            }
        }
        assertThat(placedId).as(placed.body()).isPositive();
        return placedId;
    }

    @Test
    void anOnlineBackupRestoresToAServerWithTheData(@TempDir Path tmp) throws Exception {
        Optional<Path> sqlite3 = sqlite3();
        Assumptions.assumeTrue(sqlite3.isPresent(), "sqlite3 is not installed (apt-get install sqlite3; .ci/run"
                + " installs it): the documented backup command needs it");
        Path backup = tmp.resolve("crater-backup.db");
        String username;
        long accountId;
        String appKey;
        long orderId;
        try (TestServer server = TestServer.start(StoreKind.SQLITE)) {
            server.clock.set(WEDNESDAY_11_NY);
            Company company = server.company();
            appKey = company.appKey();
            username = TestServer.username("backup");
            User u = server.user(company, username, null, User.TwoFactorMethod.NONE);
            Account acc = server.services().accounts.open(u, MarginType.Margin, new BigDecimal("50000"), BigDecimal.ZERO,
                    BigDecimal.ZERO, BigDecimal.ZERO);
            accountId = acc.id();
            String token = server.login(company, username);
            orderId = placeStoredOrder(server.api(), appKey, token, accountId);
            // The documented command, while the server runs (its WAL and its open connections included).
            Process p = new ProcessBuilder(sqlite3.get().toString(), server.dataDir().resolve("crater.db").toString(),
                    ".backup '" + backup + "'").redirectErrorStream(true).start();
            assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
            String out = new String(p.getInputStream().readAllBytes());
            assertThat(p.exitValue()).as(out).isZero();
            assertThat(Http.get(server.api() + "v1.0/users/@me/info", "Et-App-Key", appKey, "Authorization",
                    "Bearer " + token).status()).as("the server kept serving").isEqualTo(200);
            // The restore: the backup as crater.db, beside the same master key, in a data directory of its own.
            Path restored = tmp.resolve("restored");
            Files.createDirectories(restored);
            Files.copy(backup, restored.resolve("crater.db"));
            Files.copy(server.dataDir().resolve("master.key"), restored.resolve("master.key"));
        }
        MutableClock clock = new MutableClock();
        clock.set(WEDNESDAY_11_NY);
        try (App app = App.start(Services.open(sqliteConfig(tmp.resolve("restored")), clock))) {
            String api = "http://127.0.0.1:" + app.port() + "/api/";
            Http.Response login = Http.post(api + "token", "Et-App-Key", appKey, "Username", username, "Password",
                    TestServer.PASSWORD);
            assertThat(login.status()).as(login.body()).isEqualTo(200);
            Http.Response orders = Http.get(api + "v1.0/accounts/" + accountId + "/orders?pageNumber=0&pageSize=10",
                    "Et-App-Key", appKey, "Authorization", "Bearer " + login.text("Token"));
            assertThat(orders.status()).as(orders.body()).isEqualTo(200);
            assertThat(orders.body()).contains("\"Id\":" + orderId).contains("\"Symbol\":\"AAPL\"");
        }
    }

    static CraterConfig postgresConfig(Path dataDir, String dbUrl, String masterKeyText) {
        return new CraterConfig("127.0.0.1", 0, dataDir, false, dbUrl, Postgres.USER, Postgres.PASSWORD,
                Optional.empty(), CraterConfig.TOKEN_TTL_DEFAULT, CraterConfig.INTERIM_TTL_MAX, "", Optional.empty(),
                masterKeyText, new CraterConfig.Rate(1_000, 1_000), MarketConfig.DEFAULT);
    }

    /** Runs a PostgreSQL command-line tool against {@link Postgres#URL}'s server and fails with its output if it fails. */
    static void runPgTool(Path tool, List<String> args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(tool.toString()));
        cmd.addAll(Postgres.cliOptions());
        cmd.addAll(args);
        ProcessBuilder b = new ProcessBuilder(cmd).redirectErrorStream(true);
        b.environment().put("PGPASSWORD", Postgres.PASSWORD);
        Process p = b.start();
        String out = new String(p.getInputStream().readAllBytes());
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).as(String.join(" ", cmd)).isTrue();
        assertThat(p.exitValue()).as(String.join(" ", cmd) + ":\n" + out).isZero();
    }

    static String login(String api, String appKey, String username) {
        Http.Response login = Http.post(api + "token", "Et-App-Key", appKey, "Username", username, "Password",
                TestServer.PASSWORD);
        assertThat(login.status()).as(login.body()).isEqualTo(200);
        return login.text("Token");
    }

    /**
     * The Ids on the account's first page of orders. A server started on a restored PostgreSQL store within
     * {@code ShardOwnership.LEASE_MS} of the dump finds the dumped server's shard leases still running and
     * forwards the account's requests to that server's address, where nothing answers: the documented 503
     * with Retry-After, until the leases run out.
     */
    static List<Long> orderIds(String api, String appKey, String token, long accountId) throws InterruptedException {
        String url = api + "v1.0/accounts/" + accountId + "/orders?pageNumber=0&pageSize=10";
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        Http.Response orders = Http.get(url, "Et-App-Key", appKey, "Authorization", "Bearer " + token);
        while (orders.status() == 503 && orders.header("Retry-After") != null && System.nanoTime() < deadline) {
            Thread.sleep(50);
            orders = Http.get(url, "Et-App-Key", appKey, "Authorization", "Bearer " + token);
        }
        assertThat(orders.status()).as(orders.body()).isEqualTo(200);
        List<Long> ids = new ArrayList<>();
        orders.json().path("Result").forEach(o -> ids.add(o.path("Id").asLong()));
        assertThat(orders.body()).contains("\"Symbol\":\"AAPL\"");
        return ids;
    }

    @Test
    void aPostgresDumpRestoresToAServerWithTheData(@TempDir Path tmp) throws Exception {
        String reason = Postgres.unavailableReason();
        Assumptions.assumeTrue(reason == null, reason);
        Optional<Path> pgDump = Postgres.tool("pg_dump");
        Optional<Path> pgRestore = Postgres.tool("pg_restore");
        Assumptions.assumeTrue(pgDump.isPresent() && pgRestore.isPresent(), "pg_dump or pg_restore is not installed"
                + " (apt-get install postgresql-client-15): the documented backup and restore need them");
        Path dump = tmp.resolve("crater.dump");
        String username;
        long accountId;
        String appKey;
        long orderId;
        String storeUrl;
        String masterKey;
        try (TestServer server = TestServer.start(StoreKind.POSTGRES)) {
            server.clock.set(WEDNESDAY_11_NY);
            storeUrl = server.pgUrl();
            Company company = server.company();
            appKey = company.appKey();
            username = TestServer.username("pgbackup");
            User u = server.user(company, username, null, User.TwoFactorMethod.NONE);
            Account acc = server.services().accounts.open(u, MarginType.Margin, new BigDecimal("50000"), BigDecimal.ZERO,
                    BigDecimal.ZERO, BigDecimal.ZERO);
            accountId = acc.id();
            String token = server.login(company, username);
            orderId = placeStoredOrder(server.api(), appKey, token, accountId);
            // The documented command while the server serves; the store is a schema of the shared test
            // database, so the dump takes that schema (-n), as docs/deployment.md's variant for such a store.
            runPgTool(pgDump.get(), List.of("-Fc", "-f", dump.toString(), "-n", Postgres.schemaOf(storeUrl),
                    Postgres.database()));
            assertThat(Http.get(server.api() + "v1.0/users/@me/info", "Et-App-Key", appKey, "Authorization",
                    "Bearer " + token).status()).as("the server kept serving").isEqualTo(200);
            // The key is not in the dump (only a check value of it): the restored store needs it as CRATER_MASTER_KEY.
            masterKey = Files.readString(server.dataDir().resolve("master.key")).trim();
        }
        String schema = Postgres.schemaOf(storeUrl);
        try {
            // Closing the server dropped its schema: the restore has an empty target, and whatever the
            // restored server shows came from the dump.
            assertThat(Postgres.schemaExists(schema)).as("the store is gone before the restore").isFalse();
            // The documented restore, with the server stopped.
            runPgTool(pgRestore.get(), List.of("--clean", "--if-exists", "-d", Postgres.database(), dump.toString()));
            MutableClock clock = new MutableClock();
            clock.set(WEDNESDAY_11_NY);
            // A node with another key refuses the restored store (its check value came with the dump).
            assertThatThrownBy(() -> Services.open(postgresConfig(tmp.resolve("another-key"), storeUrl, ""), clock))
                    .satisfies(e -> {
                        Throwable root = e;
                        while (root.getCause() != null) {
                            root = root.getCause();
                        }
                        assertThat(root).hasMessageContaining("same CRATER_MASTER_KEY");
                    });
            long laterId;
            try (App app = App.start(Services.open(postgresConfig(tmp.resolve("restored"), storeUrl, masterKey),
                    clock))) {
                String api = "http://127.0.0.1:" + app.port() + "/api/";
                String token = login(api, appKey, username);
                assertThat(orderIds(api, appKey, token, accountId)).contains(orderId);
                // Something the dump does not hold, for the restore over this store below.
                laterId = placeStoredOrder(api, appKey, token, accountId);
                assertThat(orderIds(api, appKey, token, accountId)).contains(orderId, laterId);
            }
            // The same restore over the store as it now is (every node stopped, the schema there): --clean
            // replaces it with the dump's.
            runPgTool(pgRestore.get(), List.of("--clean", "--if-exists", "-d", Postgres.database(), dump.toString()));
            try (App app = App.start(Services.open(postgresConfig(tmp.resolve("restored-again"), storeUrl, masterKey),
                    clock))) {
                String api = "http://127.0.0.1:" + app.port() + "/api/";
                String token = login(api, appKey, username);
                assertThat(orderIds(api, appKey, token, accountId)).contains(orderId).doesNotContain(laterId);
            }
        } finally {
            Postgres.dropSchema(storeUrl);
        }
    }

    @Test
    void aNodeOfAnOlderReleaseStartsOnAStoreANewerOneMigrated(@TempDir Path tmp) {
        Path dir = tmp.resolve("data");
        try (App first = App.start(Services.open(sqliteConfig(dir)))) {
            // What a newer release leaves behind: one more applied migration than this build has.
            first.services().database.jdbi().useHandle(h -> h.execute("INSERT INTO flyway_schema_history"
                    + " (installed_rank, version, description, type, script, checksum, installed_by, execution_time,"
                    + " success) SELECT MAX(installed_rank) + 1, '999', 'from a newer release', 'SQL',"
                    + " 'V999__from_a_newer_release.sql', 0, 'test', 0, 1 FROM flyway_schema_history"));
        }
        try (App older = App.start(Services.open(sqliteConfig(dir)))) {
            assertThat(Http.get("http://127.0.0.1:" + older.port() + "/health/ready").status()).isEqualTo(200);
        }
    }
}
