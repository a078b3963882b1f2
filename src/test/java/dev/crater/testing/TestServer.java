package dev.crater.testing;

import dev.crater.App;
import dev.crater.Services;
import dev.crater.companies.Company;
import dev.crater.config.CraterConfig;
import dev.crater.config.MarketConfig;
import dev.crater.config.NetworkConfig;
import dev.crater.config.OpsConfig;
import dev.crater.config.SmsConfig;
import dev.crater.config.SmtpConfig;
import dev.crater.users.User;
import dev.crater.users.UserService;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A real Crater server on a random port, on a fresh SQLite file or a fresh PostgreSQL schema,
 * with a clock the test can move. Tests speak HTTP to {@link #api()}.
 */
public final class TestServer implements AutoCloseable {
    public static final String PASSWORD = "correct horse battery";
    private static final AtomicInteger NAMES = new AtomicInteger();

    public final MutableClock clock = new MutableClock();
    private final StoreKind store;
    private final Path dataDir;
    private final String pgUrl;
    /** Whether closing drops the PostgreSQL schema (the first node of a store does; nodes joining it not). */
    private final boolean ownsSchema;
    private final App app;

    private TestServer(StoreKind store, Optional<SmtpConfig> smtp, Optional<SmsConfig> sms, Duration tokenTtl, boolean demo) {
        this(store, smtp, sms, tokenTtl, demo, OpsConfig.DEFAULT, NetworkConfig.DEFAULT, null);
    }

    private TestServer(StoreKind store, Optional<SmtpConfig> smtp, Optional<SmsConfig> sms, Duration tokenTtl, boolean demo,
            OpsConfig ops, NetworkConfig network, String joinPgUrl) {
        this(store, smtp, sms, tokenTtl, demo, ops, network, joinPgUrl, null);
    }

    /** @param keyFrom the data directory whose master key this node uses (nodes of one store share it) */
    private TestServer(StoreKind store, Optional<SmtpConfig> smtp, Optional<SmsConfig> sms, Duration tokenTtl, boolean demo,
            OpsConfig ops, NetworkConfig network, String joinPgUrl, Path keyFrom) {
        this.store = store;
        this.ownsSchema = joinPgUrl == null;
        try {
            this.dataDir = Files.createTempDirectory("crater-test-");
            SecretsLedger.registerDataDir(dataDir); // read by SecretsScanTest after the suite; kept on close
            if (keyFrom != null) {
                Files.copy(keyFrom.resolve("master.key"), dataDir.resolve("master.key"));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        // Tests log in far faster than any person; the per-address limit has its own test.
        CraterConfig config = new CraterConfig("127.0.0.1", 0, dataDir, demo, "", "", "", smtp, tokenTtl,
                CraterConfig.INTERIM_TTL_MAX, "", sms, "", new CraterConfig.Rate(1_000_000, 1_000_000), MarketConfig.DEFAULT);
        if (store == StoreKind.POSTGRES) {
            this.pgUrl = joinPgUrl != null ? joinPgUrl : Postgres.freshSchemaUrl();
            config = config.withDatabase(pgUrl, Postgres.USER, Postgres.PASSWORD);
        } else {
            this.pgUrl = null;
        }
        Services services = Services.open(config, clock);
        if (demo) {
            dev.crater.demo.DemoData.createIfEmpty(services);
        }
        this.app = App.start(services, ops, network);
    }

    /**
     * Another node on {@code first}'s PostgreSQL schema (its own data directory, clock and port);
     * close it before {@code first}, whose close drops the schema.
     */
    public static TestServer joining(TestServer first) {
        return joining(first, NetworkConfig.DEFAULT);
    }

    /** As {@link #joining(TestServer)}, with the network settings {@code network} (node URL, trusted proxies). */
    public static TestServer joining(TestServer first, NetworkConfig network) {
        if (first.pgUrl == null) {
            throw new IllegalArgumentException("only PostgreSQL stores are shared by nodes");
        }
        return new TestServer(StoreKind.POSTGRES, Optional.empty(), Optional.empty(), CraterConfig.TOKEN_TTL_DEFAULT,
                false, OpsConfig.DEFAULT, network, first.pgUrl, first.dataDir);
    }

    /** A node joining {@code first}'s store with a master key of its own (a misconfigured deployment). */
    public static TestServer joiningWithAnotherKey(TestServer first) {
        if (first.pgUrl == null) {
            throw new IllegalArgumentException("only PostgreSQL stores are shared by nodes");
        }
        return new TestServer(StoreKind.POSTGRES, Optional.empty(), Optional.empty(), CraterConfig.TOKEN_TTL_DEFAULT,
                false, OpsConfig.DEFAULT, NetworkConfig.DEFAULT, first.pgUrl, null);
    }

    public static TestServer start(StoreKind store) {
        return new TestServer(store, Optional.empty(), Optional.empty(), CraterConfig.TOKEN_TTL_DEFAULT, false);
    }

    /** A server with the operator settings {@code ops} (the metrics token). */
    public static TestServer start(StoreKind store, OpsConfig ops) {
        return new TestServer(store, Optional.empty(), Optional.empty(), CraterConfig.TOKEN_TTL_DEFAULT, false, ops,
                NetworkConfig.DEFAULT, null);
    }

    /** A server with the network settings {@code network} (node URL, trusted proxies). */
    public static TestServer start(StoreKind store, NetworkConfig network) {
        return new TestServer(store, Optional.empty(), Optional.empty(), CraterConfig.TOKEN_TTL_DEFAULT, false,
                OpsConfig.DEFAULT, network, null);
    }

    public static TestServer start(StoreKind store, Optional<SmtpConfig> smtp) {
        return new TestServer(store, smtp, Optional.empty(), CraterConfig.TOKEN_TTL_DEFAULT, false);
    }

    public static TestServer start(StoreKind store, Optional<SmtpConfig> smtp, Duration tokenTtl, boolean demo) {
        return new TestServer(store, smtp, Optional.empty(), tokenTtl, demo);
    }

    public static TestServer start(StoreKind store, Optional<SmtpConfig> smtp, Optional<SmsConfig> sms) {
        return new TestServer(store, smtp, sms, CraterConfig.TOKEN_TTL_DEFAULT, false);
    }

    /** The documented base URL, ending in {@code /api/}. */
    public String api() {
        return "http://127.0.0.1:" + app.port() + "/api/";
    }

    public int port() {
        return app.port();
    }

    public Services services() {
        return app.services();
    }

    /** The running server itself (tests of its shutdown). */
    public App app() {
        return app;
    }

    public StoreKind store() {
        return store;
    }

    public Path dataDir() {
        return dataDir;
    }

    /** The JDBC URL of the PostgreSQL store (its schema in {@code currentSchema}); null on SQLite. */
    public String pgUrl() {
        return pgUrl;
    }

    public Company company() {
        return services().companies.create("Company n" + NAMES.incrementAndGet());
    }

    /**
     * A fresh unique username. The number follows a letter, so it is never a word of its own: the
     * suite's secrets scan looks for the PINs and codes tests send as whole words in every stored
     * text, and a counter that reaches a test's PIN ("1357") would be taken for it.
     */
    public static String username(String prefix) {
        return prefix + "-n" + NAMES.incrementAndGet();
    }

    public User user(Company company, String username, String pin, User.TwoFactorMethod twoFactor) {
        return services().users.create(new UserService.NewUser(company.id(), username, PASSWORD,
                username + "@example.com", null, pin, twoFactor, "Test", "User"));
    }

    /** A user with a bound phone number (trusted, as an operator would set it). */
    public User userWithPhone(Company company, String username, String phone, User.TwoFactorMethod twoFactor) {
        return services().users.create(new UserService.NewUser(company.id(), username, PASSWORD,
                username + "@example.com", phone, null, twoFactor, "Test", "User"));
    }

    /** Logs in with the password (single-factor user) and returns the final token. */
    public String login(Company company, String username) {
        Http.Response r = Http.post(api() + "token", "Et-App-Key", company.appKey(), "Username", username,
                "Password", PASSWORD);
        if (r.status() != 200) {
            throw new AssertionError("login failed: " + r.status() + " " + r.body());
        }
        return r.text("Token");
    }

    @Override
    public void close() {
        app.close();
        if (pgUrl != null && ownsSchema) {
            Postgres.dropSchema(pgUrl);
        }
    }
}
