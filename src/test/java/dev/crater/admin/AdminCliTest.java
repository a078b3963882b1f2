package dev.crater.admin;

// Goal: prove that the operator CLI (`crater admin …`) does what its help text promises and that
// what it writes is what the running server then enforces: a company key printed by
// `company create` logs in over HTTP, users created with `user create` log in with the password
// read from standard input (and are asked for their PIN or e-mailed code), invalid input is
// refused with exit code 2 and a message naming the problem without creating anything,
// `user disable` locks a user out of new logins at once and out of existing tokens within the
// server's cache revalidation window, `user enable` undoes it, and `admin outbox` shows the code
// the server "e-mailed" when no SMTP server is configured.
//
// Method: the picocli command line runs in-process (new CommandLine(new Main()).execute(...)) with
// System.out/System.err captured and System.in fed from a string (restored afterwards), each test
// on its own temporary data directory. Where HTTP is needed, a real server is started on that same
// directory (Services.open + App.start, port 0, no demo data, no SMTP), so the CLI and the server
// are two independent "processes" sharing only the SQLite file, exactly as in production: the CLI
// has its own caches and the server only learns of its changes by re-reading rows.

import static org.assertj.core.api.Assertions.assertThat;

import dev.crater.App;
import dev.crater.Main;
import dev.crater.Services;
import dev.crater.config.CraterConfig;
import dev.crater.testing.Http;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.api.parallel.Isolated;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import picocli.CommandLine;

@Timeout(value = 90, unit = TimeUnit.SECONDS)
@Isolated("replaces System.in, System.out and System.err while the CLI runs")
class AdminCliTest {
    private static final String PASSWORD = "correct horse battery";
    /** The server re-reads cached user and token rows every 5 s; allow for scheduling slack. */
    private static final long REVALIDATION_WAIT_MS = 7_000;
    private static final Pattern APP_KEY_LINE = Pattern.compile("(?m)^Et-App-Key: (\\S+)$");

    private static final String INVALID_CREDENTIALS =
            "{\"State\":\"Failed\",\"Step\":\"BaseAuthentication\",\"Reason\":\"Invalid credentials\"}";
    private static final String DENIED = "{\"Message\":\"Authorization has been denied for this request.\"}";

    @TempDir
    Path dir;

    private App server;

    /** Each test's store: created the way an operator creates one without a server, {@code --create-store}. */
    @BeforeEach
    void createStore() {
        Cli made = cli("", "admin", "--create-store", "company", "list", "--data-dir", dir.toString());
        assertThat(made.code()).as(made.toString()).isZero();
    }

    @AfterEach
    void stopServer() {
        if (server != null) {
            server.close();
        }
    }

    // ---------------------------------------------------------------------------------------------
    // the store and the command line

    @Test
    void adminRefusesToCreateAStoreWhereThereIsNoneAndSaysHow(@TempDir Path elsewhere) {
        Cli r = cli("", "admin", "company", "list", "--data-dir", elsewhere.toString());
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err()).contains("there is no Crater store at " + elsewhere.resolve("crater.db").toAbsolutePath().normalize())
                .contains("--data-dir").contains("--create-store");
        assertThat(elsewhere.resolve("crater.db")).doesNotExist();
    }

    @Test
    void dataDirIsAcceptedBeforeTheSubcommandToo() {
        createCompany("Acme");
        for (String[] args : List.of(
                new String[] {"--data-dir", dir.toString(), "admin", "company", "list"},
                new String[] {"admin", "--data-dir", dir.toString(), "company", "list"},
                new String[] {"admin", "company", "list", "--data-dir", dir.toString()})) {
            Cli list = cli("", args);
            assertThat(list.code()).as(list.toString()).isZero();
            assertThat(list.out()).as(String.join(" ", args)).contains("Acme");
        }
    }

    @Test
    void changesAreAuditedWithTheCommandAndNoSecrets() {
        createCompany("Acme");
        createUser("Acme", "pat", "correct horse battery", "--pin", "8642");
        cli("", "admin", "company", "set-policy", "--name", "Acme", "--free-failures", "7", "--data-dir", dir.toString());
        cli("", "admin", "company", "list", "--data-dir", dir.toString());
        Cli audit = cli("", "admin", "audit", "--data-dir", dir.toString());
        assertThat(audit.code()).as(audit.toString()).isZero();
        assertThat(audit.out()).contains("OPERATOR_COMMAND").contains("admin company create --name Acme")
                .contains("admin user create --company Acme --username pat").contains("--pin ***")
                .contains("admin company set-policy --name Acme --free-failures 7")
                .doesNotContain("8642").doesNotContain("correct horse").doesNotContain("company list");
        assertThat(audit.out()).contains("crater admin (" + System.getProperty("user.name"));
    }

    @Test
    void setWireShapesChoosesTheSpecsShapesPerCompanyAndRefusesOtherValues() {
        createCompany("Shapes");
        Cli set = cli("", "admin", "company", "set-wire-shapes", "--name", "Shapes", "--shapes", "SPEC",
                "--data-dir", dir.toString());
        assertThat(set.code()).as(set.toString()).isZero();
        assertThat(set.out()).contains("Wire shapes of 'Shapes': spec");
        Cli bad = cli("", "admin", "company", "set-wire-shapes", "--name", "Shapes", "--shapes", "xml",
                "--data-dir", dir.toString());
        assertThat(bad.code()).isNotZero();
        assertThat(bad.err()).contains("docs or spec");
        Cli back = cli("", "admin", "company", "set-wire-shapes", "--name", "Shapes", "--shapes", "docs",
                "--data-dir", dir.toString());
        assertThat(back.out()).contains("Wire shapes of 'Shapes': docs");
        assertThat(cli("", "admin", "audit", "--data-dir", dir.toString()).out())
                .contains("admin company set-wire-shapes --name Shapes --shapes SPEC");
    }

    @Test
    void securityShowPrintsAlignedPlainText() {
        Cli show = cli("", "admin", "security", "show", "--symbol", "AAPL", "--data-dir", dir.toString());
        assertThat(show.code()).as(show.toString()).isZero();
        assertThat(show.out()).contains("Symbol:          AAPL").containsPattern("Reference price: \\d+\\.\\d\\d")
                .doesNotContain("Security[").doesNotContain("E+");
    }

    // ---------------------------------------------------------------------------------------------
    // companies

    @Test
    void companyCreatePrintsAnAppKeyTheServerAccepts() {
        Cli created = cli("", "admin", "company", "create", "--name", "Acme", "--data-dir", dir.toString());

        assertThat(created.code()).as(created.toString()).isZero();
        assertThat(created.out()).containsPattern("(?m)^Created company \\d+ 'Acme'$");
        String key = appKey(created);
        assertThat(key).matches("[A-Za-z0-9_-]{20,100}");

        createUser("Acme", "alice", PASSWORD);
        startServer();
        // The key is known (a wrong password is 401, not the 403 of an unknown key) ...
        Http.Response wrong = login(key, "alice", "not the password at all");
        assertThat(wrong.status()).isEqualTo(401);
        assertThat(wrong.body()).isEqualTo(INVALID_CREDENTIALS);
        // ... and with the right password it logs in.
        Http.Response ok = login(key, "alice", PASSWORD);
        assertThat(ok.status()).as(ok.body()).isEqualTo(200);
        assertThat(ok.text("State")).isEqualTo("Succeeded");
        assertThat(ok.text("Token")).isNotBlank();
    }

    @Test
    void companyCreateWithATakenNameExitsTwoAndCreatesNothing() {
        Cli first = cli("", "admin", "company", "create", "--name", "Acme", "--data-dir", dir.toString());
        assertThat(first.code()).as(first.toString()).isZero();

        Cli again = cli("", "admin", "company", "create", "--name", "Acme", "--data-dir", dir.toString());

        assertThat(again.code()).as(again.toString()).isEqualTo(2);
        assertThat(again.err()).contains("error: a company named 'Acme' already exists");
        assertThat(again.out()).doesNotContain("Et-App-Key");
        Cli list = cli("", "admin", "company", "list", "--data-dir", dir.toString());
        assertThat(rows(list.out())).hasSize(1);
    }

    @Test
    void companyCreateWithABlankNameExitsTwo() {
        Cli blank = cli("", "admin", "company", "create", "--name", "   ", "--data-dir", dir.toString());

        assertThat(blank.code()).as(blank.toString()).isEqualTo(2);
        assertThat(blank.err()).contains("error: company name must be 1..200 characters");
        assertThat(rows(cli("", "admin", "company", "list", "--data-dir", dir.toString()).out())).isEmpty();
    }

    @Test
    void companyListShowsEveryCompanyWithItsKey() {
        String acme = appKey(cli("", "admin", "company", "create", "--name", "Acme", "--data-dir", dir.toString()));
        String globex = appKey(cli("", "admin", "company", "create", "--name", "Globex", "--data-dir", dir.toString()));

        Cli list = cli("", "admin", "company", "list", "--data-dir", dir.toString());

        assertThat(list.code()).as(list.toString()).isZero();
        assertThat(header(list.out())).containsExactly("ID", "NAME", "ET-APP-KEY");
        List<List<String>> rows = rows(list.out());
        assertThat(rows).hasSize(2);
        assertThat(rows.get(0).get(0)).matches("\\d+");
        assertThat(rows.get(0).subList(1, 3)).containsExactly("Acme", acme);
        assertThat(rows.get(1).subList(1, 3)).containsExactly("Globex", globex);
    }

    // ---------------------------------------------------------------------------------------------
    // user create

    @Test
    void userCreatedWithPasswordFromStdinLogsIn() {
        String key = createCompany("Acme");

        Cli created = cli(PASSWORD + "\n", "admin", "user", "create", "--company", "Acme", "--username", "alice",
                "--password-stdin", "--email", "alice@example.com", "--data-dir", dir.toString());

        assertThat(created.code()).as(created.toString()).isZero();
        assertThat(created.out()).containsPattern("(?m)^Created user \\d+ 'alice' in 'Acme', two-factor none$");
        startServer();
        Http.Response r = login(key, "alice", PASSWORD);
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        assertThat(r.text("State")).isEqualTo("Succeeded");
    }

    @Test
    void passwordLineEndingInCrLfDoesNotKeepTheCarriageReturn() {
        String key = createCompany("Acme");
        Cli created = cli(PASSWORD + "\r\nsecond line is ignored\n", "admin", "user", "create", "--company", "Acme",
                "--username", "alice", "--password-stdin", "--email", "alice@example.com", "--data-dir", dir.toString());
        assertThat(created.code()).as(created.toString()).isZero();

        startServer();
        assertThat(login(key, "alice", PASSWORD).status()).isEqualTo(200);
    }

    @Test
    void passwordOfExactlyTwelveCharactersIsAccepted() {
        String key = createCompany("Acme");
        Cli created = cli("123456789012\n", "admin", "user", "create", "--company", "Acme", "--username", "bob",
                "--password-stdin", "--email", "bob@example.com", "--data-dir", dir.toString());
        assertThat(created.code()).as(created.toString()).isZero();

        startServer();
        assertThat(login(key, "bob", "123456789012").status()).isEqualTo(200);
    }

    @Test
    void userCreatedWithPinIsAskedForThePinAndLogsInWithIt() {
        String key = createCompany("Acme");

        Cli created = cli(PASSWORD + "\n", "admin", "user", "create", "--company", "Acme", "--username", "pat",
                "--password-stdin", "--email", "pat@example.com", "--pin", "1234", "--data-dir", dir.toString());

        assertThat(created.code()).as(created.toString()).isZero();
        assertThat(created.out()).containsPattern("(?m)^Created user \\d+ 'pat' in 'Acme', PIN set, two-factor none$");
        startServer();
        Http.Response first = login(key, "pat", PASSWORD);
        assertThat(first.status()).as(first.body()).isEqualTo(202);
        assertThat(first.text("Step")).isEqualTo("SecutityPin");
        assertThat(first.text("Reason")).isEqualTo("Invalid pin");
        assertThat(first.text("State")).isEqualTo("Expecting");
        String interim = first.text("Token");
        assertThat(interim).isNotBlank();

        Http.Response second = Http.post(api() + "token", "Et-App-Key", key, "Authorization", "Bearer " + interim,
                "PinCode", "1234");
        assertThat(second.status()).as(second.body()).isEqualTo(200);
        assertThat(second.text("State")).isEqualTo("Succeeded");
    }

    @Test
    void emailTwoFactorCodeIsListedByOutboxAndCompletesTheLogin() {
        String key = createCompany("Acme");
        Cli created = cli(PASSWORD + "\n", "admin", "user", "create", "--company", "Acme", "--username", "eve",
                "--password-stdin", "--email", "eve@example.com", "--two-factor", "email", "--data-dir", dir.toString());
        assertThat(created.code()).as(created.toString()).isZero();
        assertThat(created.out()).containsPattern("(?m)^Created user \\d+ 'eve' in 'Acme', two-factor email$");

        Cli emptyOutbox = cli("", "admin", "outbox", "--data-dir", dir.toString());
        assertThat(emptyOutbox.code()).isZero();
        assertThat(emptyOutbox.out()).isBlank();

        startServer();
        Http.Response first = login(key, "eve", PASSWORD);
        assertThat(first.status()).as(first.body()).isEqualTo(202);
        assertThat(first.text("Step")).isEqualTo("VerificationCode");
        assertThat(first.text("Reason")).isEqualTo("Expecting confirmation code");
        assertThat(first.text("State")).isEqualTo("Expecting");
        String interim = first.text("Token");

        Cli outbox = cli("", "admin", "outbox", "--data-dir", dir.toString());

        assertThat(outbox.code()).as(outbox.toString()).isZero();
        assertThat(outbox.out()).containsPattern("(?m)^#\\d+  \\S+  email to eve@example\\.com$");
        assertThat(outbox.out()).contains("Subject: Acme verification code");
        Matcher code = Pattern.compile("\\b(\\d{6})\\b").matcher(outbox.out());
        assertThat(code.find()).as("a 6-digit code in:%n%s", outbox.out()).isTrue();

        Http.Response second = Http.post(api() + "token", "Et-App-Key", key, "Username", "eve", "Password", PASSWORD,
                "Authorization", "Bearer " + interim, "VerificationCode", code.group(1));
        assertThat(second.status()).as(second.body()).isEqualTo(200);
        assertThat(second.text("State")).isEqualTo("Succeeded");
        String token = second.text("Token");
        Http.Response me = me(key, token);
        assertThat(me.status()).as(me.body()).isEqualTo(200);
        assertThat(me.text("Login")).isEqualTo("eve");
    }

    static Stream<Arguments> invalidUserCreations() {
        return Stream.of(
                Arguments.of("password of 11 characters", "12345678901\n",
                        List.of(), "error: password must be 12..256 characters"),
                Arguments.of("empty standard input", "",
                        List.of(), "error: password must be 12..256 characters"),
                Arguments.of("password of 257 characters", "p".repeat(257) + "\n",
                        List.of(), "error: password must be 12..256 characters"),
                Arguments.of("e-mail without @", PASSWORD + "\n",
                        List.of("--email", "not-an-address"), "error: email must be a valid address"),
                Arguments.of("e-mail without domain dot", PASSWORD + "\n",
                        List.of("--email", "x@localhost"), "error: email must be a valid address"),
                Arguments.of("PIN with letters", PASSWORD + "\n",
                        List.of("--pin", "12ab"), "error: PIN must be 4 to 8 digits"),
                Arguments.of("PIN of 3 digits", PASSWORD + "\n",
                        List.of("--pin", "123"), "error: PIN must be 4 to 8 digits"),
                Arguments.of("PIN of 9 digits", PASSWORD + "\n",
                        List.of("--pin", "123456789"), "error: PIN must be 4 to 8 digits"),
                Arguments.of("unknown two-factor method", PASSWORD + "\n",
                        List.of("--two-factor", "carrier-pigeon"), "error: two-factor method must be one of"),
                Arguments.of("unknown company", PASSWORD + "\n",
                        List.of("--company", "Nope"), "error: no company named 'Nope'"),
                Arguments.of("username with a space", PASSWORD + "\n",
                        List.of("--username", "al ice"), "error: username must be 1..100 characters"),
                Arguments.of("phone not in E.164 form", PASSWORD + "\n",
                        List.of("--phone", "555-0100"), "error: phone must be in E.164 form"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("invalidUserCreations")
    void invalidUserCreateExitsTwoNamingTheProblemAndCreatesNothing(String label, String stdin, List<String> overrides,
                                                                    String message) {
        createCompany("Acme");
        List<String> args = new ArrayList<>(List.of("admin", "user", "create", "--company", "Acme", "--username", "alice",
                "--password-stdin", "--email", "alice@example.com", "--data-dir", dir.toString()));
        for (int i = 0; i < overrides.size(); i += 2) {
            int at = args.indexOf(overrides.get(i));
            if (at >= 0) {
                args.set(at + 1, overrides.get(i + 1));
            } else {
                args.add(overrides.get(i));
                args.add(overrides.get(i + 1));
            }
        }

        Cli r = cli(stdin, args.toArray(String[]::new));

        assertThat(r.code()).as(r.toString()).isEqualTo(2);
        assertThat(r.err()).contains(message);
        assertThat(r.out()).doesNotContain("Created user");
        Cli list = cli("", "admin", "user", "list", "--data-dir", dir.toString());
        assertThat(list.code()).isZero();
        assertThat(rows(list.out())).as(list.out()).isEmpty();
    }

    @Test
    void missingRequiredOptionIsAUsageErrorAndCreatesNothing() {
        createCompany("Acme");

        Cli r = cli(PASSWORD + "\n", "admin", "user", "create", "--company", "Acme", "--username", "alice",
                "--password-stdin", "--data-dir", dir.toString());

        assertThat(r.code()).as(r.toString()).isEqualTo(2);
        assertThat(r.err()).contains("Missing required option").contains("--email");
        assertThat(rows(cli("", "admin", "user", "list", "--data-dir", dir.toString()).out())).isEmpty();
    }

    @Test
    void duplicateUsernameInTheSameCompanyIsRefused() {
        createCompany("Acme");
        createUser("Acme", "alice", PASSWORD);

        Cli again = cli(PASSWORD + "\n", "admin", "user", "create", "--company", "Acme", "--username", "ALICE",
                "--password-stdin", "--email", "other@example.com", "--data-dir", dir.toString());

        assertThat(again.code()).as(again.toString()).isEqualTo(2);
        assertThat(again.err()).contains("error: username 'ALICE' is already taken in this company");
        assertThat(rows(cli("", "admin", "user", "list", "--data-dir", dir.toString()).out())).hasSize(1);
    }

    // ---------------------------------------------------------------------------------------------
    // user list, disable, enable

    @Test
    void userListShowsPinTwoFactorAndState() {
        createCompany("Acme");
        createCompany("Globex");
        createUser("Acme", "plain", PASSWORD);
        createUser("Acme", "pinned", PASSWORD, "--pin", "98765");
        createUser("Globex", "mailed", PASSWORD, "--two-factor", "email");
        assertThat(cli("", "admin", "user", "disable", "--company", "Globex", "--username", "mailed",
                "--data-dir", dir.toString()).code()).isZero();

        Cli list = cli("", "admin", "user", "list", "--data-dir", dir.toString());

        assertThat(list.code()).as(list.toString()).isZero();
        assertThat(header(list.out())).containsExactly("ID", "COMPANY", "USERNAME", "EMAIL", "PIN", "2FA", "STATE", "LOGIN");
        List<List<String>> rows = rows(list.out());
        assertThat(rows).hasSize(3);
        assertThat(rows.stream().map(row -> row.subList(1, row.size())).toList()).containsExactly(
                List.of("Acme", "plain", "plain@example.com", "no", "none", "enabled", "ok"),
                List.of("Acme", "pinned", "pinned@example.com", "yes", "none", "enabled", "ok"),
                List.of("Globex", "mailed", "mailed@example.com", "no", "email", "disabled", "ok"));
    }

    @Test
    void disableRefusesTheNextLoginAndExistingTokensWithinTheRevalidationWindow() throws InterruptedException {
        String key = createCompany("Acme");
        createUser("Acme", "alice", PASSWORD);
        startServer();
        String token = login(key, "alice", PASSWORD).text("Token");
        assertThat(me(key, token).status()).isEqualTo(200);

        Cli disabled = cli("", "admin", "user", "disable", "--company", "Acme", "--username", "alice",
                "--data-dir", dir.toString());

        assertThat(disabled.code()).as(disabled.toString()).isZero();
        assertThat(disabled.out()).containsPattern("(?m)^Disabled user \\d+ 'alice' and revoked its tokens$");
        // A login reads the user row from the store: refused at once.
        Http.Response login = login(key, "alice", PASSWORD);
        assertThat(login.status()).isEqualTo(401);
        assertThat(login.body()).isEqualTo(INVALID_CREDENTIALS);
        // A token is checked against cached rows, re-read at most 5 s later.
        Http.Response me = pollMe(key, token, 401);
        assertThat(me.status()).as("GET @me/info %s after disable", REVALIDATION_WAIT_MS).isEqualTo(401);
        assertThat(me.body()).isEqualTo(DENIED);
        // ... and it stays refused.
        assertThat(me(key, token).status()).isEqualTo(401);
    }

    @Test
    void enableRestoresLogin() throws InterruptedException {
        String key = createCompany("Acme");
        createUser("Acme", "alice", PASSWORD);
        startServer();
        assertThat(cli("", "admin", "user", "disable", "--company", "Acme", "--username", "alice",
                "--data-dir", dir.toString()).code()).isZero();
        assertThat(login(key, "alice", PASSWORD).status()).isEqualTo(401);

        Cli enabled = cli("", "admin", "user", "enable", "--company", "Acme", "--username", "alice",
                "--data-dir", dir.toString());

        assertThat(enabled.code()).as(enabled.toString()).isZero();
        assertThat(enabled.out()).containsPattern("(?m)^Enabled user \\d+ 'alice'$");
        Http.Response login = login(key, "alice", PASSWORD);
        assertThat(login.status()).as(login.body()).isEqualTo(200);
        // The fresh token works once the server has re-read the user row (at most 5 s).
        Http.Response me = pollMe(key, login.text("Token"), 200);
        assertThat(me.status()).as(me.body()).isEqualTo(200);
        assertThat(rows(cli("", "admin", "user", "list", "--data-dir", dir.toString()).out()).getFirst().get(6))
                .isEqualTo("enabled");
    }

    @Test
    void disableOfAnUnknownUserExitsTwo() {
        createCompany("Acme");

        Cli r = cli("", "admin", "user", "disable", "--company", "Acme", "--username", "ghost",
                "--data-dir", dir.toString());

        assertThat(r.code()).as(r.toString()).isEqualTo(2);
        assertThat(r.err()).contains("error: no user 'ghost' in company 'Acme'");
        Cli otherCompany = cli("", "admin", "user", "enable", "--company", "Nope", "--username", "ghost",
                "--data-dir", dir.toString());
        assertThat(otherCompany.code()).isEqualTo(2);
        assertThat(otherCompany.err()).contains("error: no company named 'Nope'");
    }

    // ---------------------------------------------------------------------------------------------
    // helpers

    /** One CLI run: exit code and what it printed. */
    record Cli(int code, String out, String err) {
        @Override
        public String toString() {
            return "exit " + code + "\n--- stdout\n" + out + "--- stderr\n" + err;
        }
    }

    /** Runs {@code crater args…} in this JVM with {@code stdin} as standard input, capturing its output. */
    private static synchronized Cli cli(String stdin, String... args) {
        PrintStream originalOut = System.out;
        PrintStream originalErr = System.err;
        InputStream originalIn = System.in;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        try (PrintStream capturedOut = new PrintStream(out, true, StandardCharsets.UTF_8);
             PrintStream capturedErr = new PrintStream(err, true, StandardCharsets.UTF_8)) {
            System.setOut(capturedOut);
            System.setErr(capturedErr);
            System.setIn(new ByteArrayInputStream(stdin.getBytes(StandardCharsets.UTF_8)));
            CommandLine cmd = new CommandLine(new Main());
            cmd.setOut(new PrintWriter(capturedOut, true));
            cmd.setErr(new PrintWriter(capturedErr, true));
            int code = cmd.execute(args);
            cmd.getOut().flush();
            cmd.getErr().flush();
            return new Cli(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
        } finally {
            System.setOut(originalOut);
            System.setErr(originalErr);
            System.setIn(originalIn);
        }
    }

    private String createCompany(String name) {
        return appKey(cli("", "admin", "company", "create", "--name", name, "--data-dir", dir.toString()));
    }

    private void createUser(String company, String username, String password, String... extra) {
        List<String> args = new ArrayList<>(List.of("admin", "user", "create", "--company", company, "--username", username,
                "--password-stdin", "--email", username + "@example.com", "--data-dir", dir.toString()));
        args.addAll(Arrays.asList(extra));
        Cli r = cli(password + "\n", args.toArray(String[]::new));
        assertThat(r.code()).as(r.toString()).isZero();
    }

    private static String appKey(Cli created) {
        assertThat(created.code()).as(created.toString()).isZero();
        Matcher m = APP_KEY_LINE.matcher(created.out());
        assertThat(m.find()).as("an Et-App-Key line in:%n%s", created.out()).isTrue();
        return m.group(1);
    }

    /** The column names of a listing (its first line). */
    private static List<String> header(String listing) {
        return Arrays.asList(listing.lines().findFirst().orElse("").trim().split("\\s+"));
    }

    /** The data rows of a listing, split on whitespace (names used here have no spaces). */
    private static List<List<String>> rows(String listing) {
        return listing.lines().skip(1).filter(l -> !l.isBlank())
                .map(l -> Arrays.asList(l.trim().split("\\s+"))).toList();
    }

    /**
     * Starts a server on the CLI's data directory, configured as an operator would configure it
     * (CRATER_* variables), but from an explicit map: no SMTP, so codes go to the outbox.
     */
    private void startServer() {
        CraterConfig config = CraterConfig.fromEnvironment(Map.of(
                "CRATER_HOST", "127.0.0.1",
                "CRATER_PORT", "0",
                "CRATER_DATA_DIR", dir.toString(),
                "CRATER_NO_DEMO", "true"));
        assertThat(config.smtp()).isEmpty();
        assertThat(config.usesPostgres()).isFalse();
        server = App.start(Services.open(config));
    }

    private String api() {
        return "http://127.0.0.1:" + server.port() + "/api/";
    }

    private Http.Response login(String key, String username, String password) {
        return Http.post(api() + "token", "Et-App-Key", key, "Username", username, "Password", password);
    }

    private Http.Response me(String key, String token) {
        return Http.get(api() + "v1.0/users/@me/info", "Et-App-Key", key, "Authorization", "Bearer " + token);
    }

    /** GET @me/info until it answers {@code status} or the revalidation window has passed. */
    private Http.Response pollMe(String key, String token, int status) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(REVALIDATION_WAIT_MS);
        Http.Response r = me(key, token);
        while (r.status() != status && System.nanoTime() < deadline) {
            Thread.sleep(100);
            r = me(key, token);
        }
        return r;
    }
}
