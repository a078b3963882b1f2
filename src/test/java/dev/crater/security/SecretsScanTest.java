package dev.crater.security;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.core.Appender;
import ch.qos.logback.core.FileAppender;
import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.GreenMailUtil;
import com.icegreen.greenmail.util.ServerSetupTest;
import dev.crater.companies.Company;
import dev.crater.config.SmtpConfig;
import dev.crater.demo.DemoData;
import dev.crater.testing.Http;
import dev.crater.testing.SecretsLedger;
import dev.crater.testing.SecretsLedger.Kind;
import dev.crater.testing.SecretsLedger.Secret;
import dev.crater.testing.StoreKind;
import dev.crater.testing.TestServer;
import dev.crater.users.User;
import jakarta.mail.internet.MimeMessage;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/**
 * Goal: after the whole test suite, no password, PIN, code or token the suite used appears in
 * plaintext in the logs or in the database files.
 *
 * <p>Method: {@link SecretsLedger} collected every secret the suite sent or received over HTTP
 * ({@link Http#send}) and every server data directory ({@link TestServer}). This class runs last
 * ({@code @Order(Integer.MAX_VALUE)}, with the {@code OrderAnnotation} class orderer set in
 * {@code junit-platform.properties}), and searches:
 * <ul>
 *   <li>the log file of the run ({@code target/test-logs/crater-tests.log}, from
 *       {@code logback-test.xml}), Helidon's java.util.logging output
 *       ({@code target/test-logs/crater-tests-jul.log}) and this run's
 *       {@code target/surefire-reports/*-output.txt};</li>
 *   <li>a text dump of every table of every SQLite database ({@code SELECT *} through JDBC),
 *       except {@code dev_outbox};</li>
 *   <li>the raw bytes of every file in the data directories (database, WAL, keys), for passwords
 *       and tokens only.</li>
 * </ul>
 * Helidon's start-up lines, which carry the JVM's uptime in milliseconds, are not searched for codes.
 * The documented development-mode exception: with no SMTP server configured, e-mailed codes go to
 * the development outbox — printed in "DEV OUTBOX" log lines and kept in the {@code dev_outbox}
 * table. So codes and PINs ({@link Kind#CODE}) are not looked for in those lines, in that table,
 * or in the raw file bytes (where the outbox rows live); passwords and tokens ({@link Kind#STRICT})
 * are looked for everywhere, outbox included. The demo data's password and PIN are public (printed
 * by the start-up banner, in the README), so they are not looked for at all: the demo PIN "1234" is
 * also an ordinary number in any database with more than 1,233 rows (an order id, an engine state),
 * and plaintext storage of PINs is caught by the random 8-digit PIN this class sets itself. Codes are matched as whole words (not inside a longer run of letters and
 * digits, hyphens between them joining the run: a GUID, a date), so that a 6-digit code does not match the middle of a timestamp; so are strict secrets
 * shorter than 8 characters (a 4-character one turns up inside hex hashes by chance). Codes shorter
 * than 7 digits are not looked for in INTEGER cells or JSON documents at all (ids and counts reach
 * them).
 *
 * <p>Run alone, the ledger holds only what this class does itself: a login with a password, a PIN
 * and an e-mailed code (GreenMail), and a password change, which are then scanned for the same way.
 */
@Order(Integer.MAX_VALUE)
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class SecretsScanTest {
    /** The log file logback-test.xml writes, when logback does not say otherwise. */
    static final Path TEST_LOG = Paths.get("target", "test-logs", "crater-tests.log");
    static final Path SUREFIRE_REPORTS = Paths.get("target", "surefire-reports");
    /** Test servers started before this class when it runs as part of the whole suite. */
    static final int SUITE_SERVERS_MIN = 5;
    static final int SUITE_SECRETS_MIN = 50;
    static final Pattern CODE = Pattern.compile("\\b(\\d{6})\\b");

    @Test
    void noSecretTheSuiteUsedIsInTheLogsOrTheDatabases() throws Exception {
        int serversBefore = SecretsLedger.dataDirs().size();
        int secretsBefore = SecretsLedger.size();
        List<String> own = ownLoginScenario();
        for (String s : own) {
            assertThat(SecretsLedger.contains(s)).as("the ledger holds %s", SecretsLedger.mask(s)).isTrue();
        }
        boolean wholeSuite = serversBefore >= SUITE_SERVERS_MIN;
        System.out.printf("SecretsScanTest: %d secrets from %d test servers before this class (%s), %d in all%n",
                secretsBefore, serversBefore, wholeSuite ? "whole suite" : "run alone or with few classes",
                SecretsLedger.size());
        if (wholeSuite) {
            assertThat(SecretsLedger.size()).as("secrets the suite handled").isGreaterThan(SUITE_SECRETS_MIN);
            assertThat(SecretsLedger.contains(TestServer.PASSWORD)).as("TestServer.PASSWORD in the ledger").isTrue();
        }

        Scanner scanner = new Scanner(SecretsLedger.secrets(), publicDemoSecrets());
        List<Path> logs = logFiles();
        List<Path> dirs = dataDirs();
        assertThat(logs).as("log files to scan").isNotEmpty();
        assertThat(Files.size(logs.get(0))).as("size of %s", logs.get(0)).isPositive();
        List<Scanner.Finding> findings = new ArrayList<>();
        for (Path log : logs) {
            findings.addAll(scanner.scanLog(log));
        }
        int databases = 0;
        for (Path dir : dirs) {
            // Raw bytes first: opening a database may checkpoint its WAL into the main file.
            for (Path f : regularFiles(dir)) {
                findings.addAll(scanner.scanRawFile(f));
            }
            for (Path f : regularFiles(dir)) {
                if (isSqliteDatabase(f)) {
                    findings.addAll(scanner.scanDatabase(f));
                    databases++;
                }
            }
        }
        System.out.printf("SecretsScanTest: %d secrets (%d strict, %d codes) searched in %d log files (%d lines), "
                        + "%d data directories, %d databases (%d tables, %d cells), %d raw files (%d bytes): %d findings%n",
                scanner.secretCount(Kind.STRICT) + scanner.secretCount(Kind.CODE), scanner.secretCount(Kind.STRICT),
                scanner.secretCount(Kind.CODE), logs.size(), scanner.logLines, dirs.size(), databases, scanner.tables,
                scanner.cells, scanner.rawFiles, scanner.rawBytes, findings.size());
        assertThat(databases).as("databases scanned").isPositive();
        assertThat(scanner.tables).as("tables dumped").isPositive();
        findings.stream().limit(50).forEach(f -> System.out.println("  FOUND " + f));
        assertThat(findings).as("secrets found in plaintext (secret masked: first 2 characters and length)")
                .isEmpty();
        // Clean: the test servers' data directories have served their purpose. (When the scan
        // finds something they stay, for inspection.)
        for (Path dir : SecretsLedger.dataDirs()) {
            deleteTree(dir);
        }
    }

    private static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (var paths = Files.walk(dir)) {
            for (Path p : paths.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }

    // ---- the scanner checks itself ------------------------------------------------------------------

    @Test
    void theScannerFindsASecretPlantedInALogAndInADatabase(@TempDir Path dir) throws Exception {
        String password = "planted-Pa55word-" + System.nanoTime();
        String token = "Xy7_" + "k2Jd9fQw0LmZ8vB3nR5tY1uE6aS4cH7gP0oI9xW";
        String outboxPassword = "mailed-password-" + System.nanoTime();
        String code = "482913";
        String outboxCode = "570284";
        String longPin = "60317248";
        Scanner scanner = new Scanner(List.of(
                new Secret(longPin, Kind.CODE, "test"),
                new Secret(password, Kind.STRICT, "test"),
                new Secret(token, Kind.STRICT, "test"),
                new Secret(outboxPassword, Kind.STRICT, "test"),
                new Secret(code, Kind.CODE, "test"),
                new Secret(outboxCode, Kind.CODE, "test"),
                new Secret("12a4", Kind.STRICT, "test")), Set.of());

        Path log = dir.resolve("planted.log");
        Files.writeString(log, String.join("\n",
                "12:00:00.000 INFO  [main] d.c.Something - nothing to see",
                "12:00:00.001 WARN  [main] d.c.Something - login by alice with " + password + " failed",
                "12:00:00.002 WARN  [main] d.c.n.Outbox - DEV OUTBOX (email to a@example.com): Your code | " + outboxCode,
                "12:00:00.003 INFO  [main] d.c.Something - at 1714000" + code + "1 and id " + code + "9 (not the code)",
                "12:00:00.004 INFO  [main] d.c.Something - sent code " + code + ".",
                "12:00:00.005 WARN  [main] d.c.n.Outbox - DEV OUTBOX (email to a@example.com): token " + token,
                "12:00:00.006 INFO  [main] d.c.Something - hash 9f12a4bc (a short secret inside a word is chance)",
                "12:00:00.007 INFO  [main] d.c.Something - PIN 12a4 refused",
                "INFO: Started all channels in 2 milliseconds. " + code + " milliseconds since JVM startup. Java 25",
                ""));
        List<Scanner.Finding> inLog = scanner.scanLog(log);
        assertThat(inLog).extracting(f -> f.secret().value() + " @ " + f.where()).containsExactlyInAnyOrder(
                password + " @ " + log + ":2", code + " @ " + log + ":5", token + " @ " + log + ":6",
                "12a4 @ " + log + ":8");

        Path db = dir.resolve("crater.db");
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db); Statement s = c.createStatement()) {
            s.execute("PRAGMA journal_mode=WAL");
            s.execute("CREATE TABLE users (id INTEGER PRIMARY KEY, username TEXT, note TEXT, added BIGINT)");
            s.execute("CREATE TABLE dev_outbox (id INTEGER PRIMARY KEY, body TEXT)");
            s.execute("INSERT INTO users (username, note, added) VALUES ('alice', 'pw " + password + "', 1714000"
                    + outboxCode + "1)");
            s.execute("INSERT INTO users (username, note, added) VALUES ('bob', '" + code + "', 17)");
            // An INTEGER cell equal to a 6-digit code is an id or a count, not a stored code; an
            // 8-digit PIN stored as a number is still found.
            s.execute("INSERT INTO users (username, note, added) VALUES ('carol', 'n', " + code + ")");
            s.execute("INSERT INTO users (username, note, added) VALUES ('erin', '{\"orderId\":" + code + "}', 5)");
            s.execute("INSERT INTO users (username, note, added) VALUES ('dave', 'n', " + longPin + ")");
            s.execute("INSERT INTO dev_outbox (body) VALUES ('Your code is " + outboxCode + " and " + outboxPassword + "')");
            // Still open: the rows are in the WAL file, which the raw scan must read too.
            assertThat(Files.exists(dir.resolve("crater.db-wal"))).isTrue();
            List<Scanner.Finding> raw = new ArrayList<>();
            for (Path f : regularFiles(dir)) {
                if (f.getFileName().toString().startsWith("crater.db")) {
                    raw.addAll(scanner.scanRawFile(f));
                }
            }
            assertThat(raw).extracting(f -> f.secret().value()).contains(password, outboxPassword)
                    .doesNotContain(code, outboxCode);
            assertThat(raw).extracting(f -> f.where()).anyMatch(w -> w.contains("crater.db-wal"));
            List<Scanner.Finding> dump = scanner.scanDatabase(db);
            assertThat(dump).extracting(f -> f.secret().value() + " @ " + f.where()).containsExactlyInAnyOrder(
                    password + " @ " + db + " table users row 1 column note",
                    code + " @ " + db + " table users row 2 column note",
                    longPin + " @ " + db + " table users row 5 column added");
        }
        // Failure messages never show a secret whole.
        assertThat(inLog.get(0).toString()).doesNotContain(password).contains(password.substring(0, 2) + "…("
                + password.length() + " chars)");
    }

    @Test
    void theLedgerRecordsHeadersBodiesAndResponsesButNotShortOrRepeatedValues() {
        String suffix = Long.toString(System.nanoTime(), 36);
        SecretsLedger.recordRequestHeaders("Username", "not-a-secret-" + suffix, "Password", " pw-" + suffix + " ",
                "Authorization", "Bearer tok-" + suffix, "PinCode", "123", "VerificationCode", "77777777");
        SecretsLedger.recordRequestBody("{OldPassword:'old-" + suffix + "', \"pin\": 90210, \"User\": \"u-" + suffix + "\",}");
        SecretsLedger.recordResponseBody("{\"State\":\"Succeeded\",\"Token\":\"resp-" + suffix + "\"}");
        SecretsLedger.recordResponseBody("{\"Model\":\"ModelTokenAbcdefghijklmnop" + suffix + "\",\"IsSucceed\":true}");
        SecretsLedger.recordResponseBody("{\"Method\":\"Totp\",\"RecoveryCodes\":[\"ABCD-EFGH-JKLM-NPQ" + "R\"]}");
        assertThat(SecretsLedger.contains("pw-" + suffix)).isTrue();
        assertThat(SecretsLedger.contains("tok-" + suffix)).isTrue();
        assertThat(SecretsLedger.contains("old-" + suffix)).isTrue();
        assertThat(SecretsLedger.contains("90210")).isTrue();
        assertThat(SecretsLedger.contains("resp-" + suffix)).isTrue();
        assertThat(SecretsLedger.contains("ModelTokenAbcdefghijklmnop" + suffix)).isTrue();
        assertThat(SecretsLedger.contains("ABCD-EFGH-JKLM-NPQR")).isTrue();
        assertThat(SecretsLedger.contains("not-a-secret-" + suffix)).isFalse();
        assertThat(SecretsLedger.contains("u-" + suffix)).isFalse();
        assertThat(SecretsLedger.contains("123")).isFalse();
        assertThat(SecretsLedger.contains("77777777")).isFalse();
    }

    // ---- what this class does itself ----------------------------------------------------------------

    /**
     * A login with password, PIN and an e-mailed code, then a password change and a login with the
     * new password, on a server with a real SMTP server (so nothing goes to the outbox). Returns
     * the secrets it used.
     */
    List<String> ownLoginScenario() {
        GreenMail mail = new GreenMail(ServerSetupTest.SMTP.dynamicPort());
        mail.start();
        try (TestServer server = TestServer.start(StoreKind.SQLITE,
                Optional.of(new SmtpConfig("127.0.0.1", mail.getSmtp().getPort(), "", "", "crater@test.example")))) {
            Company company = server.company();
            SecureRandom random = new SecureRandom();
            String pin = String.valueOf(10_000_000 + random.nextInt(90_000_000)); // 8 digits
            User u = server.user(company, TestServer.username("scan"), pin, User.TwoFactorMethod.EMAIL);
            String api = server.api();
            Http.Response first = Http.post(api + "token", "Et-App-Key", company.appKey(), "Username", u.username(),
                    "Password", TestServer.PASSWORD);
            assertThat(first.status()).as(first.body()).isEqualTo(202);
            String interim = first.text("Token");
            Http.Response pinStep = Http.post(api + "token", "Et-App-Key", company.appKey(), "Username", u.username(),
                    "PinCode", pin, "Authorization", "Bearer " + interim);
            assertThat(pinStep.status()).as(pinStep.body()).isEqualTo(202);
            assertThat(pinStep.text("Step")).isEqualTo("VerificationCode");
            String code = codeMailedTo(mail, u.email());
            Http.Response done = Http.post(api + "token", "Et-App-Key", company.appKey(), "Username", u.username(),
                    "VerificationCode", code, "Authorization", "Bearer " + pinStep.text("Token"));
            assertThat(done.status()).as(done.body()).isEqualTo(200);
            String token = done.text("Token");

            String newPassword = "Scan-" + Long.toString(random.nextLong() & Long.MAX_VALUE, 36) + "-passphrase";
            Http.Response change = Http.send("PUT", api + "v1.0/users/@me/password/change",
                    "{\"OldPassword\":\"" + TestServer.PASSWORD + "\",\"Password\":\"" + newPassword
                            + "\",\"PasswordConfirm\":\"" + newPassword + "\"}",
                    "Et-App-Key", company.appKey(), "Authorization", "Bearer " + token, "Content-Type", "application/json");
            assertThat(change.status()).as(change.body()).isEqualTo(200);
            server.clock.advance(java.time.Duration.ofMinutes(1)); // past the resend throttle for the next code
            Http.Response again = Http.post(api + "token", "Et-App-Key", company.appKey(), "Username", u.username(),
                    "Password", newPassword, "PinCode", pin);
            assertThat(again.status()).as(again.body()).isEqualTo(202);
            return List.of(TestServer.PASSWORD, pin, interim, pinStep.text("Token"), code, token, newPassword,
                    again.text("Token"));
        } finally {
            mail.stop();
        }
    }

    static String codeMailedTo(GreenMail mail, String address) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (System.nanoTime() < deadline) {
            for (MimeMessage m : mail.getReceivedMessages()) {
                try {
                    if (Arrays.stream(m.getAllRecipients()).anyMatch(a -> a.toString().equalsIgnoreCase(address))) {
                        Matcher c = CODE.matcher(GreenMailUtil.getBody(m));
                        if (c.find()) {
                            return c.group(1);
                        }
                    }
                } catch (jakarta.mail.MessagingException e) {
                    throw new AssertionError(e);
                }
            }
            mail.waitForIncomingEmail(200, 1);
        }
        throw new AssertionError("no e-mail with a code to " + address);
    }

    // ---- where to look ------------------------------------------------------------------------------

    /** The demo data's credentials: public by design (start-up banner, README), so not searched for. */
    static Set<String> publicDemoSecrets() {
        return Set.of(DemoData.PASSWORD, DemoData.PIN);
    }

    /**
     * The file logback writes (asked from logback itself), the java.util.logging copy (Helidon), and
     * this run's surefire output files (when surefire has written them by now).
     */
    static List<Path> logFiles() throws IOException {
        Set<Path> files = new LinkedHashSet<>();
        LoggerContext context = (LoggerContext) LoggerFactory.getILoggerFactory();
        for (ch.qos.logback.classic.Logger logger : context.getLoggerList()) {
            for (Iterator<Appender<ch.qos.logback.classic.spi.ILoggingEvent>> it = logger.iteratorForAppenders();
                 it.hasNext(); ) {
                if (it.next() instanceof FileAppender<?> f && f.getFile() != null) {
                    files.add(Paths.get(f.getFile()).toAbsolutePath().normalize());
                }
            }
        }
        if (files.isEmpty() && Files.exists(TEST_LOG)) {
            files.add(TEST_LOG.toAbsolutePath().normalize());
        }
        if (Files.exists(SecretsLedger.JUL_LOG)) {
            files.add(SecretsLedger.JUL_LOG.toAbsolutePath().normalize());
        }
        if (Files.isDirectory(SUREFIRE_REPORTS)) {
            try (Stream<Path> s = Files.list(SUREFIRE_REPORTS)) {
                s.filter(p -> p.getFileName().toString().endsWith("-output.txt"))
                        .filter(p -> modifiedSinceJvmStart(p))
                        .sorted()
                        .forEach(p -> files.add(p.toAbsolutePath().normalize()));
            }
        }
        return new ArrayList<>(files);
    }

    /**
     * Every test server's data directory, and the {@code crater-*} directories other tests made in
     * the temporary directory during this run (the admin CLI tests). Other JVMs' test servers
     * ({@code crater-test-*} not registered here) and benchmark directories are not ours.
     */
    static List<Path> dataDirs() throws IOException {
        Set<Path> dirs = new LinkedHashSet<>(SecretsLedger.dataDirs());
        Path tmp = Paths.get(System.getProperty("java.io.tmpdir"));
        try (Stream<Path> s = Files.list(tmp)) {
            s.filter(Files::isDirectory)
                    .filter(p -> {
                        String name = p.getFileName().toString();
                        return name.startsWith("crater-") && !name.startsWith("crater-test-")
                                && !name.startsWith("crater-bench");
                    })
                    .filter(SecretsScanTest::modifiedSinceJvmStart)
                    .forEach(p -> dirs.add(p.toAbsolutePath().normalize()));
        }
        dirs.removeIf(d -> !Files.isDirectory(d));
        return new ArrayList<>(dirs);
    }

    static boolean modifiedSinceJvmStart(Path p) {
        try {
            return Files.getLastModifiedTime(p).toMillis() >= SecretsLedger.JVM_START_MS - 1_000;
        } catch (IOException e) {
            return false;
        }
    }

    static List<Path> regularFiles(Path dir) throws IOException {
        try (Stream<Path> s = Files.walk(dir)) {
            return s.filter(Files::isRegularFile).sorted().toList();
        }
    }

    static boolean isSqliteDatabase(Path f) {
        String name = f.getFileName().toString();
        if (name.endsWith("-wal") || name.endsWith("-shm") || name.endsWith("-journal")) {
            return false;
        }
        try (var in = Files.newInputStream(f)) {
            byte[] head = in.readNBytes(16);
            return new String(head, StandardCharsets.ISO_8859_1).equals("SQLite format 3\u0000");
        } catch (IOException e) {
            return false;
        }
    }

    // ---- the scanner --------------------------------------------------------------------------------

    /**
     * Looks for many secrets at once in logs, table dumps and raw bytes: each secret is indexed by
     * its first four bytes (UTF-8), so a search costs one pass over the bytes whatever the number
     * of secrets.
     */
    static final class Scanner {
        /** One secret found somewhere. Its text shows the secret masked. */
        record Finding(Secret secret, String where) {
            @Override
            public String toString() {
                return "secret " + secret.masked() + " (" + secret.kind() + ", from " + secret.source() + ") found in "
                        + where;
            }
        }

        static final byte[] DEV_OUTBOX = "DEV OUTBOX".getBytes(StandardCharsets.US_ASCII);
        /**
         * Helidon's start-up line ("Started all channels in 2 milliseconds. 123456 milliseconds since
         * JVM startup.") carries the JVM's uptime and nothing from any request; a test's fixed code
         * matched it once. Codes are not looked for in it (passwords and tokens still are).
         */
        static final byte[] HELIDON_STARTED = "milliseconds since JVM startup".getBytes(StandardCharsets.US_ASCII);
        static final long RAW_FILE_BYTES_MAX = 512L * 1024 * 1024;
        /**
         * Shorter codes and PINs are not looked for in INTEGER cells nor in JSON documents: ids,
         * counts and times take every 4- to 6-digit number once a table grows (the crash-restart
         * test's database holds thousands of orders, fills and ledger entries, and their engine state
         * as JSON: {@code "orderId":2466}). A PIN stored as a number or inside JSON is still caught by
         * this class's own random 8-digit PIN; other text cells are searched for every code.
         */
        static final int NUMERIC_CODE_DIGITS_MIN = 7;

        private final Index strict;
        private final Index codes;
        /** Codes long enough to look for in INTEGER cells too (see {@link #NUMERIC_CODE_DIGITS_MIN}). */
        private final Index longCodes;
        private final Index logStrict;
        private final Index logCodes;
        private final Map<Kind, Integer> counts = new HashMap<>();
        long logLines;
        long tables;
        long cells;
        long rawFiles;
        long rawBytes;

        /** {@code publicInLogs}: values printed by design, not searched for. */
        Scanner(Collection<Secret> secrets, Set<String> publicInLogs) {
            List<Secret> s = new ArrayList<>(secrets.stream().filter(x -> !publicInLogs.contains(x.value())).toList());
            List<Secret> inLogs = s;
            strict = new Index(s.stream().filter(x -> x.kind() == Kind.STRICT).toList(), false);
            codes = new Index(s.stream().filter(x -> x.kind() == Kind.CODE).toList(), true);
            longCodes = new Index(s.stream().filter(x -> x.kind() == Kind.CODE
                    && x.value().length() >= NUMERIC_CODE_DIGITS_MIN).toList(), true);
            logStrict = new Index(inLogs.stream().filter(x -> x.kind() == Kind.STRICT).toList(), false);
            logCodes = new Index(inLogs.stream().filter(x -> x.kind() == Kind.CODE).toList(), true);
            for (Secret x : s) {
                counts.merge(x.kind(), 1, Integer::sum);
            }
        }

        int secretCount(Kind kind) {
            return counts.getOrDefault(kind, 0);
        }

        /** Every line; codes are not looked for in "DEV OUTBOX" lines (the documented development exception). */
        List<Finding> scanLog(Path file) throws IOException {
            List<Finding> out = new ArrayList<>();
            byte[] bytes = Files.readAllBytes(file);
            int line = 0;
            for (int start = 0; start < bytes.length; ) {
                int end = start;
                while (end < bytes.length && bytes[end] != '\n') {
                    end++;
                }
                line++;
                logLines++;
                String where = file + ":" + line;
                logStrict.search(bytes, start, end, (secret, at) -> out.add(new Finding(secret, where)));
                if (indexOf(bytes, DEV_OUTBOX, start, end) < 0 && indexOf(bytes, HELIDON_STARTED, start, end) < 0) {
                    logCodes.search(bytes, start, end, (secret, at) -> out.add(new Finding(secret, where)));
                }
                start = end + 1;
            }
            return out;
        }

        /** Passwords and tokens in the raw bytes of a file (database, WAL, anything in a data directory). */
        List<Finding> scanRawFile(Path file) throws IOException {
            List<Finding> out = new ArrayList<>();
            if (Files.size(file) > RAW_FILE_BYTES_MAX) {
                throw new IllegalStateException(file + " is too large to scan: " + Files.size(file) + " bytes");
            }
            byte[] bytes = Files.readAllBytes(file);
            rawFiles++;
            rawBytes += bytes.length;
            strict.search(bytes, 0, bytes.length, (secret, at) -> out.add(new Finding(secret, file + " at byte " + at)));
            return out;
        }

        /** Every table but dev_outbox, dumped as text cell by cell, for every kind of secret. */
        List<Finding> scanDatabase(Path file) throws SQLException {
            List<Finding> out = new ArrayList<>();
            org.sqlite.SQLiteConfig config = new org.sqlite.SQLiteConfig();
            config.setReadOnly(true);
            try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + file.toAbsolutePath(), config.toProperties())) {
                List<String> names = new ArrayList<>();
                try (Statement s = c.createStatement();
                     ResultSet rs = s.executeQuery("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")) {
                    while (rs.next()) {
                        names.add(rs.getString(1));
                    }
                }
                for (String table : names) {
                    if (table.equalsIgnoreCase("dev_outbox")) {
                        continue;
                    }
                    tables++;
                    try (Statement s = c.createStatement();
                         ResultSet rs = s.executeQuery("SELECT * FROM \"" + table.replace("\"", "\"\"") + "\"")) {
                        ResultSetMetaData md = rs.getMetaData();
                        int row = 0;
                        while (rs.next()) {
                            row++;
                            for (int col = 1; col <= md.getColumnCount(); col++) {
                                Object v = rs.getObject(col);
                                if (v == null) {
                                    continue;
                                }
                                cells++;
                                byte[] text = v instanceof byte[] b ? b : v.toString().getBytes(StandardCharsets.UTF_8);
                                String where = file + " table " + table + " row " + row + " column " + md.getColumnName(col);
                                strict.search(text, 0, text.length, (secret, at) -> out.add(new Finding(secret, where)));
                                boolean numbers = v instanceof Integer || v instanceof Long
                                        || (text.length > 0 && (text[0] == '{' || text[0] == '['));
                                Index codeIndex = numbers ? longCodes : codes;
                                codeIndex.search(text, 0, text.length, (secret, at) -> out.add(new Finding(secret, where)));
                            }
                        }
                    }
                }
            }
            return out;
        }

        static int indexOf(byte[] hay, byte[] needle, int from, int to) {
            outer:
            for (int i = from; i <= to - needle.length; i++) {
                for (int j = 0; j < needle.length; j++) {
                    if (hay[i + j] != needle[j]) {
                        continue outer;
                    }
                }
                return i;
            }
            return -1;
        }
    }

    /** Secrets indexed by their first four bytes, with a bit filter in front of the map. */
    static final class Index {
        interface Hit {
            void found(Secret secret, int at);
        }

        private record Entry(byte[] bytes, Secret secret, boolean wholeWord) {
        }

        /**
         * Secrets shorter than this are matched as whole words even when strict: four hex or
         * base64 characters turn up inside hashes and keys by chance.
         */
        static final int SUBSTRING_MATCH_CHARS_MIN = 8;

        private static final int FILTER_BITS = 22;
        private final Map<Integer, List<Entry>> byPrefix = new HashMap<>();
        private final long[] filter = new long[(1 << FILTER_BITS) / 64];

        /** {@code wholeWords}: every secret must stand alone (codes); otherwise only the short ones. */
        Index(List<Secret> secrets, boolean wholeWords) {
            for (Secret s : secrets) {
                byte[] b = s.value().getBytes(StandardCharsets.UTF_8);
                if (b.length < 4) {
                    continue;
                }
                int key = prefix(b, 0);
                byPrefix.computeIfAbsent(key, k -> new ArrayList<>())
                        .add(new Entry(b, s, wholeWords || s.value().length() < SUBSTRING_MATCH_CHARS_MIN));
                int h = slot(key);
                filter[h >>> 6] |= 1L << h;
            }
        }

        private static int prefix(byte[] b, int i) {
            return (b[i] & 0xff) << 24 | (b[i + 1] & 0xff) << 16 | (b[i + 2] & 0xff) << 8 | (b[i + 3] & 0xff);
        }

        private static int slot(int key) {
            return (key * 0x9E3779B1) >>> (32 - FILTER_BITS);
        }

        /** Calls {@code hit} for every occurrence of a secret within {@code hay[from, to)}. */
        void search(byte[] hay, int from, int to, Hit hit) {
            if (byPrefix.isEmpty() || to - from < 4) {
                return;
            }
            int key = (hay[from] & 0xff) << 16 | (hay[from + 1] & 0xff) << 8 | (hay[from + 2] & 0xff);
            for (int i = from; i + 4 <= to; i++) {
                key = key << 8 | (hay[i + 3] & 0xff);
                int h = slot(key);
                if ((filter[h >>> 6] & (1L << h)) == 0) {
                    continue;
                }
                List<Entry> candidates = byPrefix.get(key);
                if (candidates == null) {
                    continue;
                }
                for (Entry e : candidates) {
                    if (i + e.bytes().length <= to && matchesAt(hay, i, e.bytes())
                            && (!e.wholeWord() || isWord(hay, i, i + e.bytes().length, from, to))) {
                        hit.found(e.secret(), i);
                    }
                }
            }
        }

        private static boolean matchesAt(byte[] hay, int at, byte[] needle) {
            for (int j = 4; j < needle.length; j++) {
                if (hay[at + j] != needle[j]) {
                    return false;
                }
            }
            return true;
        }

        /**
         * Not part of a longer run of ASCII letters and digits, where a hyphen between two of them joins
         * the run (a GUID's groups, a date): a 4-digit PIN is not "found" as one group of a random GUID
         * (the region's edges count as boundaries).
         */
        private static boolean isWord(byte[] hay, int start, int end, int from, int to) {
            boolean joinedBefore = start > from && (isAlnum(hay[start - 1])
                    || hay[start - 1] == '-' && start - 1 > from && isAlnum(hay[start - 2]));
            boolean joinedAfter = end < to && (isAlnum(hay[end])
                    || hay[end] == '-' && end + 1 < to && isAlnum(hay[end + 1]));
            return !joinedBefore && !joinedAfter;
        }

        private static boolean isAlnum(byte b) {
            return b >= '0' && b <= '9' || b >= 'A' && b <= 'Z' || b >= 'a' && b <= 'z';
        }
    }
}
