package dev.crater.config;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * Every setting the server reads, resolved once at start-up from command-line options and
 * environment variables ({@code CRATER_*}). Records are immutable; tests derive variants with the
 * {@code withX} copies.
 *
 * @param host           address to bind, {@code CRATER_HOST}
 * @param port           TCP port, {@code CRATER_PORT}; 0 picks a free port
 * @param dataDir        directory holding the embedded SQLite file, {@code CRATER_DATA_DIR}
 * @param demo           create demo company and users on an empty store
 * @param dbUrl          JDBC URL of a PostgreSQL store ({@code CRATER_DB_URL}); empty means SQLite
 * @param dbUser         {@code CRATER_DB_USER}
 * @param dbPassword     {@code CRATER_DB_PASSWORD}
 * @param smtp           outgoing mail settings; empty means the development outbox
 * @param tokenTtl       lifetime of a final bearer token, {@code CRATER_TOKEN_TTL_MINUTES}
 * @param interimTtl     lifetime of an interim token and its code, at most 10 minutes
 * @param publicBaseUrl  absolute base of every link the API returns, {@code CRATER_PUBLIC_URL}; empty
 *                       means {@code http://<host>:<port>} ({@code localhost} for a wildcard bind).
 *                       Links are never built from the request's {@code Host} header
 * @param sms            SMS gateway settings; empty means SMS go to the development outbox
 * @param masterKeyText  base64 master key from {@code CRATER_MASTER_KEY}; empty means a key file
 *                       in the data directory
 * @param tokenRate      per-client-address limit on {@code POST /token} ({@code CRATER_TOKEN_RATE_BURST},
 *                       {@code CRATER_TOKEN_RATE_PER_SECOND})
 * @param market         the simulated market ({@code CRATER_MARKET_*})
 * @param sqliteSynchronous how the embedded SQLite store syncs commits ({@code CRATER_SQLITE_SYNCHRONOUS},
 *                       default {@link SqliteSynchronous#FULL}: durable across power loss)
 */
public record CraterConfig(
        String host,
        int port,
        Path dataDir,
        boolean demo,
        String dbUrl,
        String dbUser,
        String dbPassword,
        Optional<SmtpConfig> smtp,
        Duration tokenTtl,
        Duration interimTtl,
        String publicBaseUrl,
        Optional<SmsConfig> sms,
        String masterKeyText,
        Rate tokenRate,
        MarketConfig market,
        SqliteSynchronous sqliteSynchronous) {

    /** The documented ceiling for interim tokens and verification codes. */
    public static final Duration INTERIM_TTL_MAX = Duration.ofMinutes(10);
    public static final Duration TOKEN_TTL_DEFAULT = Duration.ofHours(24);
    /**
     * Default per-address limit on {@code /token}: 300 at once, then 5 a second — room for an
     * office of traders behind one NAT address at the opening bell, far below what guessing needs.
     */
    public static final Rate TOKEN_RATE_DEFAULT = new Rate(300, 5.0);

    /** A token-bucket rate: {@code burst} at once, refilled at {@code perSecond}. */
    public record Rate(int burst, double perSecond) {
        public Rate {
            if (burst < 1 || !(perSecond > 0)) {
                throw new IllegalArgumentException("rate burst must be >= 1 and rate per second > 0");
            }
        }
    }

    public CraterConfig {
        Objects.requireNonNull(host, "host");
        Objects.requireNonNull(dataDir, "dataDir");
        Objects.requireNonNull(smtp, "smtp");
        Objects.requireNonNull(sms, "sms");
        masterKeyText = masterKeyText == null ? "" : masterKeyText;
        Objects.requireNonNull(tokenRate, "tokenRate");
        market = market == null ? MarketConfig.DEFAULT : market;
        sqliteSynchronous = sqliteSynchronous == null ? SqliteSynchronous.FULL : sqliteSynchronous;
        dbUrl = dbUrl == null ? "" : dbUrl.trim();
        publicBaseUrl = PublicUrl.normalize(publicBaseUrl);
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("port must be 0..65535, got " + port);
        }
        if (tokenTtl.isNegative() || tokenTtl.isZero()) {
            throw new IllegalArgumentException("token lifetime must be positive");
        }
        if (interimTtl.isNegative() || interimTtl.isZero() || interimTtl.compareTo(INTERIM_TTL_MAX) > 0) {
            throw new IllegalArgumentException("interim token lifetime must be in (0, 10 minutes]");
        }
        if (!dbUrl.isEmpty() && !dbUrl.startsWith("jdbc:postgresql:")) {
            throw new IllegalArgumentException("CRATER_DB_URL must be a jdbc:postgresql: URL, got " + dbUrl);
        }
    }

    /** The settings with the durable SQLite default ({@link SqliteSynchronous#FULL}). */
    public CraterConfig(String host, int port, Path dataDir, boolean demo, String dbUrl, String dbUser,
                        String dbPassword, Optional<SmtpConfig> smtp, Duration tokenTtl, Duration interimTtl,
                        String publicBaseUrl, Optional<SmsConfig> sms, String masterKeyText, Rate tokenRate,
                        MarketConfig market) {
        this(host, port, dataDir, demo, dbUrl, dbUser, dbPassword, smtp, tokenTtl, interimTtl, publicBaseUrl, sms,
                masterKeyText, tokenRate, market, SqliteSynchronous.FULL);
    }

    /** The settings without SMS gateway or master key from the environment (both default). */
    public CraterConfig(String host, int port, Path dataDir, boolean demo, String dbUrl, String dbUser,
                        String dbPassword, Optional<SmtpConfig> smtp, Duration tokenTtl, Duration interimTtl,
                        String publicBaseUrl) {
        this(host, port, dataDir, demo, dbUrl, dbUser, dbPassword, smtp, tokenTtl, interimTtl, publicBaseUrl,
                Optional.empty(), "", TOKEN_RATE_DEFAULT, MarketConfig.DEFAULT, SqliteSynchronous.FULL);
    }

    public boolean usesPostgres() {
        return !dbUrl.isEmpty();
    }

    public Path sqliteFile() {
        return dataDir.resolve("crater.db");
    }

    public CraterConfig withPort(int newPort) {
        return new CraterConfig(host, newPort, dataDir, demo, dbUrl, dbUser, dbPassword, smtp, tokenTtl, interimTtl, publicBaseUrl, sms, masterKeyText, tokenRate, market, sqliteSynchronous);
    }

    public CraterConfig withDemo(boolean newDemo) {
        return new CraterConfig(host, port, dataDir, newDemo, dbUrl, dbUser, dbPassword, smtp, tokenTtl, interimTtl, publicBaseUrl, sms, masterKeyText, tokenRate, market, sqliteSynchronous);
    }

    public CraterConfig withSmtp(Optional<SmtpConfig> newSmtp) {
        return new CraterConfig(host, port, dataDir, demo, dbUrl, dbUser, dbPassword, newSmtp, tokenTtl, interimTtl, publicBaseUrl, sms, masterKeyText, tokenRate, market, sqliteSynchronous);
    }

    public CraterConfig withDatabase(String url, String user, String password) {
        return new CraterConfig(host, port, dataDir, demo, url, user, password, smtp, tokenTtl, interimTtl, publicBaseUrl, sms, masterKeyText, tokenRate, market, sqliteSynchronous);
    }

    public CraterConfig withTokenRate(Rate rate) {
        return new CraterConfig(host, port, dataDir, demo, dbUrl, dbUser, dbPassword, smtp, tokenTtl, interimTtl, publicBaseUrl, sms, masterKeyText, rate, market, sqliteSynchronous);
    }

    public CraterConfig withSms(Optional<SmsConfig> newSms) {
        return new CraterConfig(host, port, dataDir, demo, dbUrl, dbUser, dbPassword, smtp, tokenTtl, interimTtl, publicBaseUrl, newSms, masterKeyText, tokenRate, market, sqliteSynchronous);
    }

    public CraterConfig withDataDir(Path newDataDir) {
        return new CraterConfig(host, port, newDataDir, demo, dbUrl, dbUser, dbPassword, smtp, tokenTtl, interimTtl, publicBaseUrl, sms, masterKeyText, tokenRate, market, sqliteSynchronous);
    }

    public CraterConfig withHost(String newHost) {
        return new CraterConfig(newHost, port, dataDir, demo, dbUrl, dbUser, dbPassword, smtp, tokenTtl, interimTtl, publicBaseUrl, sms, masterKeyText, tokenRate, market, sqliteSynchronous);
    }

    public CraterConfig withTokenTtl(Duration ttl) {
        return new CraterConfig(host, port, dataDir, demo, dbUrl, dbUser, dbPassword, smtp, ttl, interimTtl, publicBaseUrl, sms, masterKeyText, tokenRate, market, sqliteSynchronous);
    }

    public CraterConfig withInterimTtl(Duration ttl) {
        return new CraterConfig(host, port, dataDir, demo, dbUrl, dbUser, dbPassword, smtp, tokenTtl, ttl, publicBaseUrl, sms, masterKeyText, tokenRate, market, sqliteSynchronous);
    }

    public CraterConfig withMarket(MarketConfig newMarket) {
        return new CraterConfig(host, port, dataDir, demo, dbUrl, dbUser, dbPassword, smtp, tokenTtl, interimTtl, publicBaseUrl, sms, masterKeyText, tokenRate, newMarket, sqliteSynchronous);
    }

    public CraterConfig withSqliteSynchronous(SqliteSynchronous newSync) {
        return new CraterConfig(host, port, dataDir, demo, dbUrl, dbUser, dbPassword, smtp, tokenTtl, interimTtl, publicBaseUrl, sms, masterKeyText, tokenRate, market, newSync);
    }

    /** Defaults for everything, overridden by whatever the environment sets. */
    public static CraterConfig fromEnvironment(Map<String, String> env) {
        Env e = new Env(env);
        return new CraterConfig(
                e.string("CRATER_HOST", "0.0.0.0"),
                e.integer("CRATER_PORT", 8080),
                Path.of(e.string("CRATER_DATA_DIR", "./data")),
                !e.bool("CRATER_NO_DEMO", false),
                e.string("CRATER_DB_URL", ""),
                e.string("CRATER_DB_USER", ""),
                e.string("CRATER_DB_PASSWORD", ""),
                SmtpConfig.fromEnvironment(e),
                Duration.ofMinutes(e.integer("CRATER_TOKEN_TTL_MINUTES", (int) TOKEN_TTL_DEFAULT.toMinutes())),
                Duration.ofSeconds(e.integer("CRATER_CODE_TTL_SECONDS", (int) INTERIM_TTL_MAX.toSeconds())),
                e.string("CRATER_PUBLIC_URL", ""),
                SmsConfig.fromEnvironment(env),
                e.string("CRATER_MASTER_KEY", ""),
                new Rate(e.integer("CRATER_TOKEN_RATE_BURST", TOKEN_RATE_DEFAULT.burst()),
                        e.decimal("CRATER_TOKEN_RATE_PER_SECOND", TOKEN_RATE_DEFAULT.perSecond())),
                MarketConfig.fromEnvironment(e),
                SqliteSynchronous.parse(e.string(SqliteSynchronous.VARIABLE, "full")));
    }

    /** Typed reads of environment variables with clear errors for malformed values. */
    public record Env(Map<String, String> values) {
        public String string(String name, String fallback) {
            String v = values.get(name);
            return v == null || v.isBlank() ? fallback : v.trim();
        }

        public int integer(String name, int fallback) {
            String v = string(name, null);
            if (v == null) {
                return fallback;
            }
            try {
                return Integer.parseInt(v);
            } catch (NumberFormatException ex) {
                throw new IllegalArgumentException(name + " must be a whole number, got '" + v + "'");
            }
        }

        public double decimal(String name, double fallback) {
            String v = string(name, null);
            if (v == null) {
                return fallback;
            }
            try {
                return Double.parseDouble(v);
            } catch (NumberFormatException ex) {
                throw new IllegalArgumentException(name + " must be a number, got '" + v + "'");
            }
        }

        public boolean bool(String name, boolean fallback) {
            String v = string(name, null);
            if (v == null) {
                return fallback;
            }
            return switch (v.toLowerCase()) {
                case "1", "true", "yes", "on" -> true;
                case "0", "false", "no", "off" -> false;
                default -> throw new IllegalArgumentException(name + " must be true or false, got '" + v + "'");
            };
        }
    }
}
