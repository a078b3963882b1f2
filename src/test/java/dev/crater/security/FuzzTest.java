package dev.crater.security;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.IThrowableProxy;
import ch.qos.logback.core.AppenderBase;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.crater.auth.PasswordResetRoutes;
import dev.crater.auth.PasswordRoutes;
import dev.crater.auth.TwoFactorRoutes;
import dev.crater.companies.Company;
import dev.crater.http.Json;
import dev.crater.http.Limits;
import dev.crater.notify.Outbox;
import dev.crater.testing.Http;
import dev.crater.testing.SecretsLedger;
import dev.crater.testing.StoreKind;
import dev.crater.testing.TestServer;
import dev.crater.users.User;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;
import org.slf4j.LoggerFactory;

/**
 * Goal: whatever a client sends to {@code POST /api/token} in its headers, or to the calls that
 * read a JSON body, the server answers with a well-formed HTTP response below 500 (a 5xx means an
 * exception escaped a handler, or a parser crashed), with a JSON body whenever there is a body;
 * and {@link Json#read} itself only ever fails with an {@link IOException}.
 *
 * <p>Method: a self-written property-based fuzzer, bounded in time so that it runs in every
 * {@code ./mvnw test} / {@code verify}. Each property first runs a fixed number of cases from a
 * fixed seed (the same inputs on every run, so a regression is reproducible), then cases from a
 * seed taken from the clock until its time budget is spent (new inputs on every CI run). Each case
 * has its own seed, printed with the exact request bytes when it fails. Requests go over raw
 * sockets (the JDK client refuses control bytes and non-ASCII in headers) with
 * {@code Connection: close}, and every answer is parsed strictly: status line, header lines,
 * Content-Length or chunked framing, and the body as JSON.
 *
 * <p>Time bound: the whole class gets {@link #CLASS_BUDGET_MS} of fuzzing from the start of
 * {@code @BeforeAll}; each property also has its own budget, and {@code @Timeout} backs both up.
 * System properties: {@code crater.fuzz.scale} (multiplies every budget, e.g. 10 for a long local
 * run, together with {@code -Djunit.jupiter.execution.timeout.mode=disabled}), {@code crater.fuzz.seed}
 * (a run seed to use instead of the clock), {@code crater.fuzz.case} (one case seed, as printed
 * with a failure, to replay alone).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@Timeout(value = 75, unit = TimeUnit.SECONDS)
class FuzzTest {
    static final double SCALE = Double.parseDouble(System.getProperty("crater.fuzz.scale", "1"));
    /** Fuzzing time for the whole class (setup and the final login check come on top, ~2 s). */
    static final long CLASS_BUDGET_MS = (long) (56_000 * SCALE);
    static final long JSON_READ_BUDGET_MS = (long) (6_000 * SCALE);
    static final long TOKEN_BUDGET_MS = (long) (22_000 * SCALE);
    static final long BODY_BUDGET_MS = (long) (26_000 * SCALE);
    /** Cases run from the fixed seed before the clock-seeded ones. */
    static final long FIXED_SEED = 0x5EED_C0DE_2026L;
    static final int JSON_READ_FIXED_CASES = 4_000;
    static final int TOKEN_FIXED_CASES = 400;
    static final int BODY_FIXED_CASES = 300;
    static final int READ_TIMEOUT_MS = 10_000;
    static final int FAILURES_SHOWN_MAX = 12;

    static final String PIN = "739146";
    static final Pattern CODE = Pattern.compile("\\b(\\d{6})\\b");
    static final ObjectMapper STRICT_JSON = new ObjectMapper().enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

    TestServer server;
    Company company;
    Company otherCompany;
    long classDeadline;
    final long runSeed = seedProperty("crater.fuzz.seed").orElse(System.nanoTime() ^ System.currentTimeMillis());
    /** One case to replay alone (its seed as printed with a failure), instead of whole runs. */
    final Optional<Long> replayCase = seedProperty("crater.fuzz.case");

    /** Users the /token fuzzing aims at; unlocked now and then so that the deeper steps stay reachable. */
    final List<User> loginUsers = new ArrayList<>();
    /** A user no fuzz case ever touches: the final check logs it in. */
    User untouched;
    /** Interim and final tokens seen in answers, reused in later Authorization headers. */
    final List<String> tokens = Collections.synchronizedList(new ArrayList<>());
    /** Whether random values sent as secrets go into the {@link SecretsLedger} (only when sent to the server). */
    boolean recordSecrets;

    /** ERROR log events while the fuzzer runs: an exception caught and logged is a failure too. */
    final List<String> errorEvents = Collections.synchronizedList(new ArrayList<>());
    final AppenderBase<ILoggingEvent> errorWatch = new AppenderBase<>() {
        @Override
        protected void append(ILoggingEvent e) {
            if (e.getLevel().isGreaterOrEqual(Level.ERROR)) {
                IThrowableProxy t = e.getThrowableProxy();
                errorEvents.add("ERROR " + e.getLoggerName() + " - " + e.getFormattedMessage()
                        + (t == null ? "" : " (" + t.getClassName() + ": " + t.getMessage() + ")"));
            }
        }
    };

    @BeforeAll
    void start() {
        classDeadline = System.currentTimeMillis() + CLASS_BUDGET_MS;
        errorWatch.setContext((LoggerContext) LoggerFactory.getILoggerFactory());
        errorWatch.start();
        rootLogger().addAppender(errorWatch);
        server = TestServer.start(StoreKind.SQLITE);
        company = server.company();
        otherCompany = server.company();
        untouched = server.user(company, TestServer.username("fuzz-untouched"), null, User.TwoFactorMethod.NONE);
        newLoginUsers();
        SecretsLedger.record(PIN, "FuzzTest PIN");
        System.out.printf("FuzzTest: fixed seed 0x%x, run seed 0x%x (rerun with -Dcrater.fuzz.seed=0x%x)%n",
                FIXED_SEED, runSeed, runSeed);
    }

    @AfterAll
    void stop() {
        rootLogger().detachAppender(errorWatch);
        errorWatch.stop();
        if (server != null) {
            server.close();
        }
    }

    // ---- the properties ----------------------------------------------------------------------

    @Test
    @Order(1)
    void jsonReadFailsOnlyWithIOException() {
        List<Class<?>> types = List.of(TwoFactorRoutes.ChangeRequest.class, TwoFactorRoutes.ProveRequest.class,
                TwoFactorRoutes.ConfirmRequest.class, PasswordRoutes.ChangeBody.class, PasswordResetRoutes.ResetRequest.class,
                PasswordResetRoutes.CodeRequest.class, PasswordResetRoutes.ResetBody.class, JsonNode.class, Map.class,
                Object.class);
        Run run = new Run("Json.read", 1, JSON_READ_FIXED_CASES, JSON_READ_BUDGET_MS);
        run.go((seed, g) -> {
            byte[] body = bodyGen(g).body();
            Class<?> type = types.get(g.nextInt(types.size()));
            try {
                if (g.chance(0.1)) {
                    Json.mapper().readTree(body); // what the set-PIN call does
                } else {
                    Json.read(body, type);
                }
                return "ok";
            } catch (IOException e) {
                return "IOException";
            } catch (Throwable t) {
                run.fail(seed, "Json.read(bytes, " + type.getSimpleName() + ".class) threw " + t, body);
                return t.getClass().getSimpleName();
            }
        });
        run.report();
    }

    @Test
    @Order(2)
    void tokenAnswersEveryHeaderSetBelow500() {
        Run run = new Run("/token headers", 2, TOKEN_FIXED_CASES, TOKEN_BUDGET_MS);
        recordSecrets = true;
        run.go((seed, g) -> {
            if (run.cases % 100 == 99) {
                newLoginUsers(); // fresh code-send throttles for the two-factor users
            } else if (run.cases % 25 == 0) {
                unlockLoginUsers();
            }
            Request req = tokenRequest(g);
            return exchangeAndCheck(run, seed, req);
        });
        run.report();
    }

    @Test
    @Order(3)
    void jsonBodiesAreAnsweredBelow500() {
        Run run = new Run("JSON bodies", 3, BODY_FIXED_CASES, BODY_BUDGET_MS);
        recordSecrets = true;
        Session[] session = {newSession()};
        run.go((seed, g) -> {
            if (run.cases % 40 == 0 && run.cases > 0) {
                session[0] = newSession(); // wrong passwords lock accounts: never rely on one user
            }
            Request req = bodyRequest(g, session[0]);
            return exchangeAndCheck(run, seed, req);
        });
        run.report();
    }

    @Test
    @Order(4)
    void theServerStillLogsInAfterTheFuzzing() {
        Http.Response before = Http.post(server.api() + "token", "Et-App-Key", company.appKey(),
                "Username", untouched.username(), "Password", TestServer.PASSWORD);
        assertThat(before.status()).as(before.body()).isEqualTo(200);
        assertThat(before.text("State")).isEqualTo("Succeeded");
        User fresh = server.user(company, TestServer.username("fuzz-after"), null, User.TwoFactorMethod.NONE);
        String token = server.login(company, fresh.username());
        Http.Response info = Http.get(server.api() + "v1.0/users/@me/info", "Et-App-Key", company.appKey(),
                "Authorization", "Bearer " + token);
        assertThat(info.status()).as(info.body()).isEqualTo(200);
    }

    // ---- running cases -------------------------------------------------------------------------

    /** One case: returns a short outcome label for the summary (a status, or an exception name). */
    interface Case {
        String run(long caseSeed, Gen g) throws Exception;
    }

    /**
     * A property run: the fixed-seed cases, then clock-seeded ones until the budget is spent. Each
     * property has its own {@code stream} so that no two properties draw the same random values.
     */
    final class Run {
        final String name;
        final long stream;
        final int fixedCases;
        final long deadline;
        final Map<String, Integer> outcomes = new TreeMap<>();
        final List<String> failures = new ArrayList<>();
        int failureCount;
        int cases;
        int fixedRun;
        long started = System.currentTimeMillis();

        Run(String name, long stream, int fixedCases, long budgetMs) {
            this.name = name;
            this.stream = stream;
            this.fixedCases = fixedCases;
            this.deadline = Math.min(System.currentTimeMillis() + budgetMs, classDeadline);
        }

        void go(Case c) {
            if (replayCase.isPresent()) {
                one(c, replayCase.get());
                return;
            }
            for (int i = 0; i < fixedCases && System.currentTimeMillis() < deadline; i++) {
                one(c, caseSeed(caseSeed(FIXED_SEED, -stream), i));
                fixedRun++;
            }
            for (long i = 0; System.currentTimeMillis() < deadline; i++) {
                one(c, caseSeed(caseSeed(runSeed, -stream), i));
            }
        }

        private void one(Case c, long seed) {
            String outcome;
            try {
                outcome = c.run(seed, new Gen(seed));
            } catch (Exception e) {
                // The fuzzer's own machinery failing (not an answer of the server) is a failure too.
                fail(seed, "the case threw " + e, new byte[0]);
                outcome = "harness " + e.getClass().getSimpleName();
            }
            outcomes.merge(outcome, 1, Integer::sum);
            cases++;
        }

        void fail(long seed, String problem, byte[] input) {
            failureCount++;
            if (failures.size() < FAILURES_SHOWN_MAX) {
                failures.add(redact(String.format("case seed 0x%x (replay alone: -Dcrater.fuzz.case=0x%x): %s%n"
                                + "    input (%d bytes): %s", seed, seed, problem, input.length, printable(input, 1500))));
            }
        }

        void report() {
            String summary = String.format("FuzzTest %s: %d cases (%d from the fixed seed 0x%x, the rest from run seed 0x%x)"
                            + " in %d ms; outcomes %s", name, cases, fixedRun, FIXED_SEED, runSeed,
                    System.currentTimeMillis() - started, outcomes);
            System.out.println(summary);
            failures.forEach(System.out::println);
            assertThat(cases).as("cases run").isPositive();
            assertThat(failures).as("%s%n%d failing case(s); rerun with -Dcrater.fuzz.seed=0x%x to repeat this run's"
                    + " cases", summary, failureCount, runSeed).isEmpty();
        }
    }

    static Optional<Long> seedProperty(String name) {
        String v = System.getProperty(name, "").trim();
        if (v.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(v.startsWith("0x") ? Long.parseUnsignedLong(v.substring(2), 16) : Long.parseLong(v));
    }

    /**
     * Failure text goes to the test reports, which the final secrets scan reads: the test password
     * and anything token-shaped (43 base64url characters) are replaced by placeholders.
     */
    static String redact(String text) {
        String out = text.replace(TestServer.PASSWORD, "<TestServer.PASSWORD>")
                .replaceAll("(?<![A-Za-z0-9_-])[A-Za-z0-9_-]{43}(?![A-Za-z0-9_-])", "<43-character token>");
        for (SecretsLedger.Secret secret : SecretsLedger.secrets()) {
            if (secret.kind() == SecretsLedger.Kind.STRICT && secret.value().length() >= 8 && out.contains(secret.value())) {
                out = out.replace(secret.value(), "<secret " + secret.masked() + ">");
            }
        }
        return out;
    }

    static long caseSeed(long runSeed, long i) {
        long z = runSeed + (i + 1) * 0x9E3779B97F4A7C15L; // SplitMix64
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }

    static ch.qos.logback.classic.Logger rootLogger() {
        return (ch.qos.logback.classic.Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
    }

    /**
     * Sends a request and checks the answer: well-formed, below 500, JSON when it has a body, and no
     * ERROR logged meanwhile. Returns the status (or "malformed") as the outcome.
     */
    String exchangeAndCheck(Run run, long seed, Request req) {
        int errorsBefore = errorEvents.size();
        Answer a = RawClient.exchange(server.port(), req.bytes(), req.method().equals("HEAD"));
        if (errorEvents.size() > errorsBefore) {
            run.fail(seed, req.label() + ": the server logged " + errorEvents.subList(errorsBefore, errorEvents.size())
                    + "\n    answer: " + printable(a.raw(), 300), req.bytes());
        }
        if (a.problem() != null) {
            run.fail(seed, req.label() + ": " + a.problem() + "\n    answer: " + printable(a.raw(), 600), req.bytes());
            return "malformed";
        }
        if (a.status() >= 500) {
            run.fail(seed, req.label() + ": answered " + a.status() + "\n    answer: " + printable(a.raw(), 600),
                    req.bytes());
        }
        if (!a.body().isEmpty()) {
            // Interim and final tokens feed later cases; every secret the server hands out is
            // recorded for the final secrets scan.
            SecretsLedger.recordResponseBody(a.body());
            harvestToken(a.body());
        }
        return String.valueOf(a.status());
    }

    void harvestToken(String body) {
        try {
            JsonNode n = STRICT_JSON.readTree(body);
            JsonNode t = n.get("Token");
            if (t != null && t.isTextual() && t.asText().length() > 20) {
                synchronized (tokens) {
                    if (tokens.size() > 200) {
                        tokens.remove(0);
                    }
                    tokens.add(t.asText());
                }
            }
        } catch (IOException e) {
            // already reported by the checks
        }
    }

    void newLoginUsers() {
        loginUsers.clear();
        loginUsers.add(server.user(company, TestServer.username("fuzz-plain"), null, User.TwoFactorMethod.NONE));
        loginUsers.add(server.user(company, TestServer.username("fuzz-pin"), PIN, User.TwoFactorMethod.NONE));
        loginUsers.add(server.user(company, TestServer.username("fuzz-mail"), null, User.TwoFactorMethod.EMAIL));
        loginUsers.add(server.user(company, TestServer.username("fuzz-pinmail"), PIN, User.TwoFactorMethod.EMAIL));
    }

    void unlockLoginUsers() {
        for (User u : loginUsers) {
            server.services().users.fresh(u.id()).ifPresent(fresh -> {
                if (fresh.locked() || fresh.failedAttempts() > 0 || fresh.blockedUntilMs() > 0) {
                    server.services().users.unlock(u.id());
                    server.services().users.resetFailures(fresh);
                }
            });
        }
    }

    /** A freshly created user with a live full token: what the JSON-body cases are sent with. */
    record Session(User user, String token) {
    }

    Session newSession() {
        User u = server.user(company, TestServer.username("fuzz-body"), null, User.TwoFactorMethod.NONE);
        return new Session(u, server.login(company, u.username()));
    }

    /** The newest code the development outbox holds for this user, if any. */
    Optional<String> outboxCode(User u) {
        for (Outbox.Entry e : server.services().outbox.newest(20)) {
            if (e.recipient().equalsIgnoreCase(u.email())) {
                Matcher m = CODE.matcher(e.body());
                if (m.find()) {
                    return Optional.of(m.group(1));
                }
            }
        }
        return Optional.empty();
    }

    // ---- /token requests -----------------------------------------------------------------------

    static final List<String> METHODS = List.of("POST", "POST", "POST", "POST", "POST", "GET", "PUT", "DELETE", "PATCH",
            "HEAD", "OPTIONS", "TRACE", "post", "Post", "FOO", "M-SEARCH", "PROPFIND", "CONNECT", "POST ", "GET\t");

    /**
     * Half the cases are near-valid logins (a real user's headers with a few things wrong), half
     * are wild; {@link Gen#hostility} decides how many raw bytes go into the values.
     */
    Request tokenRequest(Gen g) {
        boolean near = g.chance(0.5);
        String method = near && g.chance(0.9) ? "POST" : g.pick(METHODS);
        String path = near || g.chance(0.5) ? g.pick(List.of("/api/token", "/api/token/", "/api/token", "/api/token",
                "/api/token", "/api/Token", "/api//token", "/api/token?x=1"))
                : randomApiPath(g);
        User user = g.pick(loginUsers);
        List<Header> headers = new ArrayList<>();
        switch (near ? (g.chance(0.9) ? 7 : g.nextInt(4)) : g.nextInt(8)) {
            case 0 -> { }
            case 1 -> headers.add(new Header("Et-App-Key", g.headerValue()));
            case 2 -> headers.add(new Header("Et-App-Key", otherCompany.appKey()));
            case 3 -> headers.add(new Header("Et-App-Key", g.mutate(company.appKey())));
            default -> headers.add(new Header(g.caseOf("Et-App-Key"), g.padded(company.appKey())));
        }
        // The credential headers, each absent, valid or garbage.
        maybe(g, headers, "Username", () -> g.chance(0.5) ? user.username() : g.caseMix(user.username()),
                near ? 0.05 : 0.2, near ? 0.9 : 0.6);
        maybe(g, headers, "Password", () -> TestServer.PASSWORD, near ? 0.05 : 0.2, near ? 0.85 : 0.5);
        maybe(g, headers, "PinCode", () -> PIN, near ? 0.4 : 0.3, near ? 0.8 : 0.3);
        maybe(g, headers, "VerificationCode", () -> outboxCode(user).orElse(g.digits(6)), near ? 0.5 : 0.6,
                near ? 0.8 : 0.3);
        int auth = g.nextInt(10);
        for (int i = 0; i < (auth == 9 ? 2 + g.nextInt(3) : auth >= 5 ? 1 : 0); i++) {
            headers.add(new Header(g.caseOf("Authorization"), bearer(g, near)));
        }
        if (g.chance(0.1)) {
            headers.add(new Header(g.caseOf("Token"), g.chance(0.3) ? g.rawBytes(g.nextInt(301)) : bearer(g, near)));
        }
        for (int i = g.chance(near ? 0.1 : 0.3) ? 1 + g.nextInt(4) : 0; i > 0; i--) {
            headers.add(new Header(g.headerName(), g.headerValue()));
        }
        Collections.shuffle(headers, new java.util.Random(g.nextLong()));
        byte[] body = g.chance(0.1) ? g.rawBytes(g.nextInt(200)) : new byte[0];
        return build(g, method, path, headers, body, g.chance(0.5),
                "token " + (near ? "near-valid " : "wild ") + method.trim() + " " + path);
    }

    void maybe(Gen g, List<Header> headers, String name, Supplier<String> valid, double absent, double validShare) {
        if (g.chance(absent)) {
            return;
        }
        int copies = g.chance(0.05) ? 2 : 1;
        for (int i = 0; i < copies; i++) {
            byte[] value = g.chance(validShare) ? g.padded(valid.get()) : g.headerValue();
            if (!name.equals("Username")) {
                recordIfDistinctive(new String(value, StandardCharsets.ISO_8859_1), "FuzzTest header " + name);
            }
            headers.add(new Header(g.caseOf(name), value));
        }
    }

    /**
     * Random values sent as secrets are recorded for the final secrets scan when they are long and
     * varied enough never to turn up by chance (printable ASCII, 16+ characters, 8+ distinct).
     */
    void recordIfDistinctive(String value, String source) {
        if (!recordSecrets) {
            return; // the in-process property sends nothing anywhere
        }
        String v = value.trim();
        if (!LITERALS.contains(v) && v.length() >= 16 && v.length() <= 300
                && v.chars().allMatch(c -> c >= 0x20 && c < 0x7f) && v.chars().distinct().count() >= 8) {
            SecretsLedger.record(v, source);
        }
    }

    /** An Authorization (or legacy Token) value: Bearer variants around live, dead and garbage tokens. */
    byte[] bearer(Gen g, boolean near) {
        String token;
        synchronized (tokens) {
            int n = tokens.size();
            // Near-valid cases take one of the newest tokens: most likely a live interim one.
            token = n > 0 && g.chance(near ? 0.9 : 0.5) ? tokens.get(near ? n - 1 - g.nextInt(Math.min(n, 4))
                    : g.nextInt(n)) : null;
        }
        if (token == null) {
            token = g.chance(0.5) ? g.base64Url(43) : new String(g.rawBytes(g.nextInt(301)), StandardCharsets.ISO_8859_1);
        } else if (g.chance(0.15)) {
            token = g.mutate(token);
        }
        String scheme = near && g.chance(0.8) ? "Bearer " : g.pick(List.of("Bearer ", "Bearer ", "Bearer ", "bearer ",
                "BEARER ", "Bearer  ", "Bearer\t", "Bearer", "", "Basic ", "Bearer Bearer ", " Bearer ", "Token "));
        String tail = g.chance(0.05) ? " " + g.base64Url(10) : "";
        if (g.chance(0.05)) {
            return ("Bearer" + " ".repeat(g.nextInt(5))).getBytes(StandardCharsets.ISO_8859_1);
        }
        recordIfDistinctive(token, "FuzzTest bearer");
        return (scheme + token + tail).getBytes(StandardCharsets.ISO_8859_1);
    }

    String randomApiPath(Gen g) {
        String[] segments = {"v1.0", "v1", "users", "@me", "info", "token", "security", "two-factor", "password",
                "reset", "change", "pincode", "assets", "security-images", "..", ".", "", "%2e%2e", "%00", "%ff",
                "%", "%zz", "\u00e9", "x".repeat(300), "123", "-1", "99999999999999999999", ";a=b", "*"};
        StringBuilder p = new StringBuilder("/api");
        for (int i = 0, n = g.nextInt(6); i < n; i++) {
            p.append('/').append(g.pick(List.of(segments)));
        }
        if (g.chance(0.2)) {
            p.append('?').append(g.pick(List.of("a=b", "Username=x", "=", "&&", "a=%", "x=" + "y".repeat(200))));
        }
        if (g.chance(0.05)) {
            p.append('#').append("frag");
        }
        return p.toString();
    }

    // ---- JSON-body requests --------------------------------------------------------------------

    /** The calls that read a JSON body: method, path (with {userId} as @me), whether it needs a token. */
    record Endpoint(String method, String path, boolean needsToken, List<String> fields) {
    }

    static final List<Endpoint> ENDPOINTS = List.of(
            new Endpoint("PUT", "/api/v1.0/users/@me/security/two-factor", true,
                    List.of("Method", "Password", "VerificationCode")),
            new Endpoint("POST", "/api/v1.0/users/@me/security/two-factor/authenticator", true,
                    List.of("Password", "VerificationCode")),
            new Endpoint("POST", "/api/v1.0/users/@me/security/two-factor/authenticator/confirm", true, List.of("Code")),
            new Endpoint("PUT", "/api/v1.0/users/@me/password/change", true,
                    List.of("OldPassword", "Password", "PasswordConfirm")),
            new Endpoint("POST", "/api/v1.0/users/password/reset", false, List.of("User", "SecretQuestionAnswer")),
            new Endpoint("POST", "/api/v1.0/users/identifiers/reset/code", false, List.of("Code", "Identifier")),
            new Endpoint("PUT", "/api/v1.0/users/passwords/reset/", false,
                    List.of("Token", "Password", "PasswordConfirmation")),
            new Endpoint("POST", "/api/v1.0/users/pincode/change", true,
                    List.of("Token", "Pin", "OldPin", "ImageName", "PersonalPhrase")),
            // The spec-only calls with bodies (issue 14).
            new Endpoint("POST", "/api/v1.0/users/info", true, List.of("Email")),
            new Endpoint("PATCH", "/api/v1.0/users/@me", true, List.of("FirstName", "LastName", "Middle", "Salutation",
                    "Suffix", "TimeZoneInfoId", "Address")),
            new Endpoint("POST", "/api/v1.0/orders/consolidated", true,
                    List.of("AccountIds", "PageNumber", "PageSize", "SortField", "Desc")),
            new Endpoint("POST", "/api/v1.0/positions/consolidated", true,
                    List.of("AccountIds", "PageNumber", "PageSize", "SortField", "Desc")));

    Request bodyRequest(Gen g, Session s) {
        Endpoint e = g.pick(ENDPOINTS);
        String method = g.chance(0.9) ? e.method() : g.pick(List.of("GET", "POST", "PUT", "PATCH", "DELETE"));
        String path = e.path();
        if (g.chance(0.2)) {
            path = path.replace("@me", g.pick(List.of(String.valueOf(s.user().id()), String.valueOf(untouched.id()), "0",
                    "-1", "abc", "99999999999999999999", "%40me", "@ME")));
        }
        if (g.chance(0.15)) {
            path = path.replace("/api/v1.0/", "/api/v1/");
        }
        if (g.chance(0.1)) {
            path = path.endsWith("/") ? path.substring(0, path.length() - 1) : path + "/";
        }
        List<Header> headers = new ArrayList<>();
        headers.add(new Header("Et-App-Key", g.chance(0.95) ? g.ascii(company.appKey()) : g.headerValue()));
        if (e.needsToken() ? g.chance(0.95) : g.chance(0.2)) {
            headers.add(new Header("Authorization", g.ascii("Bearer " + s.token())));
        }
        if (g.chance(0.8)) {
            headers.add(new Header("Content-Type", g.ascii(g.pick(List.of("application/json",
                    "application/json; charset=utf-8", "text/plain", "application/x-www-form-urlencoded",
                    "application/json; charset=utf-16", "*/*", "")))));
        }
        BodyGen body = bodyGen(g, e.fields(), s);
        return build(g, method, path, headers, body.body(), true, method + " " + path + " [" + body.kind() + "]");
    }

    BodyGen bodyGen(Gen g) {
        return bodyGen(g, List.of("Method", "Password", "VerificationCode", "Code", "OldPassword", "PasswordConfirm",
                "User", "Token", "PasswordConfirmation", "Pin", "OldPin", "Identifier"), null);
    }

    /** A JSON-ish body and the name of the strategy that made it. */
    record BodyGen(String kind, byte[] body) {
    }

    BodyGen bodyGen(Gen g, List<String> fields, Session s) {
        int kind = g.nextInt(16);
        return switch (kind) {
            case 0, 1, 2, 3 -> new BodyGen("object", utf8(validObject(g, fields, s)));
            case 4 -> {
                String v = validObject(g, fields, s);
                yield new BodyGen("truncated", utf8(v.substring(0, g.nextInt(v.length() + 1))));
            }
            case 5 -> new BodyGen("nested", utf8(nested(g)));
            case 6 -> new BodyGen("huge number", utf8(hugeNumberBody(g, fields)));
            case 7 -> new BodyGen("long string", utf8(longStringBody(g, fields)));
            case 8 -> new BodyGen("lenient syntax", utf8(lenientSyntax(g, fields)));
            case 9 -> new BodyGen("wrong types", utf8(wrongTypes(g, fields)));
            case 10 -> new BodyGen("mutated", g.mutateBytes(utf8(validObject(g, fields, s))));
            case 11 -> new BodyGen("random bytes", g.rawBytesAny(g.nextInt(400)));
            case 12 -> new BodyGen("scalar", utf8(g.pick(List.of("null", "true", "0", "\"x\"", "[]", "{}", "", " ",
                    "\ufeff{}", "[{}]", "1e400", "-", "\"", "{", "}", "[", "]", ",", ":", "NaN", "Infinity", "undefined",
                    "{\"Password\":}", "{,}", "{\"a\"::1}", "{\"a\":1,,}", "[,]", "\u0000", "{'a':'b'}", "/* */",
                    "/*", "//", "{\"User\":\"\\ud800\"}", "{\"User\":\"\\u0000\"}", "{\"User\":\"\\uZZZZ\"}"))));
            case 13 -> new BodyGen("duplicate keys", utf8(duplicateKeys(g, fields)));
            case 14 -> new BodyGen("encoding", encoded(g, validObject(g, fields, s)));
            default -> new BodyGen("big valid", utf8(bigValid(g, fields)));
        };
    }

    String validObject(Gen g, List<String> fields, Session s) {
        StringBuilder b = new StringBuilder("{");
        List<String> names = new ArrayList<>(fields);
        Collections.shuffle(names, new java.util.Random(g.nextLong()));
        int n = g.nextInt(names.size() + 1);
        for (int i = 0; i < n; i++) {
            if (i > 0) {
                b.append(',');
            }
            b.append(jsonString(g.caseOf(names.get(i)))).append(':').append(fieldValue(g, names.get(i), s));
        }
        if (g.chance(0.1)) {
            b.append(n > 0 ? "," : "").append(jsonString(g.asciiPrintable(g.nextInt(12)))).append(':')
                    .append(anyValue(g, 2));
        }
        return b.append('}').toString();
    }

    /** A plausible value for a field: often right, often nearly right, sometimes anything. */
    String fieldValue(Gen g, String field, Session s) {
        if (g.chance(0.15)) {
            return anyValue(g, 3);
        }
        String text = switch (field) {
            case "Password", "OldPassword" -> g.chance(0.5) ? TestServer.PASSWORD : g.asciiPrintable(g.nextInt(40));
            case "PasswordConfirm", "PasswordConfirmation" -> g.chance(0.5) ? "a much better password 42"
                    : g.asciiPrintable(g.nextInt(40));
            case "Method" -> g.pick(List.of("None", "Email", "Sms", "Totp", "email", "EMAIL", "0", "1", "2", "3", "99", "",
                    "Fax", "None "));
            case "VerificationCode", "Code" -> g.chance(0.5) ? g.digits(6)
                    : g.pick(List.of("ABCD-EFGH-JKLM-NPQR", "abcdefghjklmnpqr", "", " 123456 ", g.digits(g.nextInt(12))));
            case "User" -> g.chance(0.5) && s != null ? s.user().username() : g.asciiPrintable(g.nextInt(30));
            case "Token" -> g.chance(0.4) && s != null ? s.token() : g.base64Url(g.nextInt(60));
            case "Pin", "OldPin" -> g.chance(0.3) ? PIN : g.digits(g.nextInt(10));
            case "Identifier" -> g.pick(List.of("ResetPassword", "resetpassword", "ResetPin", "", "x"));
            case "ImageName" -> g.pick(List.of("apple.png", "APPLE.PNG", "../apple.png", "", "x.png"));
            case "PersonalPhrase" -> g.asciiPrintable(g.nextInt(120));
            default -> g.asciiPrintable(g.nextInt(30));
        };
        if (SECRET_FIELDS.contains(field)) {
            recordIfDistinctive(text, "FuzzTest body " + field);
        }
        return jsonString(text);
    }

    static final java.util.Set<String> SECRET_FIELDS = java.util.Set.of("Password", "OldPassword", "PasswordConfirm",
            "PasswordConfirmation", "VerificationCode", "Code", "Token", "Pin", "OldPin");

    String anyValue(Gen g, int depth) {
        int k = g.nextInt(depth <= 0 ? 6 : 8);
        return switch (k) {
            case 0 -> "null";
            case 1 -> g.chance(0.5) ? "true" : "false";
            case 2 -> String.valueOf(g.nextLong());
            case 3 -> g.pick(List.of("1.5", "-0", "0.0e0", "1e308", "-1e-308", "123456789012345678901234567890",
                    "0x10", "01", "+1", ".5", "1.", "NaN", "-Infinity"));
            case 4, 5 -> jsonString(g.chance(0.8) ? g.asciiPrintable(g.nextInt(50)) : g.unicode(g.nextInt(30)));
            case 6 -> {
                StringBuilder b = new StringBuilder("[");
                for (int i = 0, n = g.nextInt(4); i < n; i++) {
                    b.append(i > 0 ? "," : "").append(anyValue(g, depth - 1));
                }
                yield b.append(']').toString();
            }
            default -> {
                StringBuilder b = new StringBuilder("{");
                for (int i = 0, n = g.nextInt(4); i < n; i++) {
                    b.append(i > 0 ? "," : "").append(jsonString(g.asciiPrintable(g.nextInt(8)))).append(':')
                            .append(anyValue(g, depth - 1));
                }
                yield b.append('}').toString();
            }
        };
    }

    String nested(Gen g) {
        int depth = g.pick(List.of(Json.NESTING_DEPTH_MAX - 1, Json.NESTING_DEPTH_MAX, Json.NESTING_DEPTH_MAX + 1,
                Json.NESTING_DEPTH_MAX * 4, 1_000, 10_000, 100_000));
        String field = jsonString(g.pick(List.of("Password", "Code", "User", "Method", "x")));
        return switch (g.nextInt(4)) {
            case 0 -> "[".repeat(depth) + "]".repeat(depth);
            case 1 -> "{" + field + ":" + "[".repeat(depth) + "]".repeat(depth) + "}";
            case 2 -> (("{" + field + ":").repeat(depth)) + "1" + "}".repeat(depth);
            default -> "[".repeat(depth); // unclosed
        };
    }

    String hugeNumberBody(Gen g, List<String> fields) {
        int digits = g.pick(List.of(Json.NUMBER_LENGTH_MAX - 1, Json.NUMBER_LENGTH_MAX, Json.NUMBER_LENGTH_MAX + 1, 1_000,
                100_000));
        String number = switch (g.nextInt(4)) {
            case 0 -> "9".repeat(digits);
            case 1 -> "-" + "1".repeat(digits);
            case 2 -> "1." + "0".repeat(digits) + "1";
            default -> "1e" + "9".repeat(Math.min(digits, 20));
        };
        return "{" + jsonString(g.pick(fields)) + ":" + number + "}";
    }

    String longStringBody(Gen g, List<String> fields) {
        int length = g.pick(List.of(Json.STRING_LENGTH_MAX - 1, Json.STRING_LENGTH_MAX, Json.STRING_LENGTH_MAX + 1,
                Json.STRING_LENGTH_MAX * 2, 300_000));
        String unit = g.pick(List.of("a", "\\u00e9", "é", "\\n", "😀"));
        String content = unit.length() == 1 || unit.equals("é") ? unit.repeat(length) : unit.repeat(length / 2);
        if (g.chance(0.5)) {
            return "{" + jsonString(g.pick(fields)) + ":\"" + content + "\"}";
        }
        return "{\"" + content + "\":1}"; // a long key
    }

    String lenientSyntax(Gen g, List<String> fields) {
        String f = g.pick(fields);
        return g.pick(List.of(
                "{" + f + ":\"x\"}",
                "{'" + f + "':'x'}",
                "{\"" + f + "\":\"x\",}",
                "{\"" + f + "\":[1,2,],}",
                "{/* c */\"" + f + "\"://c\n\"x\"}",
                "{" + f + ":x}",
                "{\"" + f + "\":'x\"}",
                "{\"" + f + "\":\"x\"}}",
                "{\"" + f + "\":\"x\"} trailing",
                "{\"" + f + "\":\"x\"}{}",
                "{\"" + f + "\" \"x\"}",
                "{\"" + f + "\":\"x\"\"y\":1}",
                "{,\"" + f + "\":\"x\"}",
                "{\"" + f + "\":\"x\",,\"y\":1}",
                "{\"" + f + "\":\"\\x41\"}",
                "{\"" + f + "\":\"line\nbreak\"}",
                "{\"" + f + "\":\"tab\tin\"}",
                "{\"" + f + "\":\"\\ud83d\"}",
                "{\"" + f + "\":\"\\udc00\\ud800\"}",
                "{\"" + f + "\":" + "\"x\"" + "}" + "\u0000",
                "\ufeff{\"" + f + "\":\"x\"}",
                "{\"" + f + "\":\"x\"/*"));
    }

    String wrongTypes(Gen g, List<String> fields) {
        StringBuilder b = new StringBuilder("{");
        for (int i = 0; i < fields.size(); i++) {
            b.append(i > 0 ? "," : "").append(jsonString(fields.get(i))).append(':').append(g.pick(List.of(
                    "123", "-1", "1.5e10", "true", "false", "null", "[]", "[\"x\"]", "{}", "{\"a\":1}", "[[[]]]",
                    "9223372036854775808", "\"\"", "\" \"")));
        }
        return b.append('}').toString();
    }

    String duplicateKeys(Gen g, List<String> fields) {
        String f = g.pick(fields);
        return "{" + jsonString(f) + ":\"a-first-value\"," + jsonString(f.toLowerCase(Locale.ROOT)) + ":"
                + anyValue(g, 2) + "," + jsonString(f.toUpperCase(Locale.ROOT)) + ":\"x\"}";
    }

    String bigValid(Gen g, List<String> fields) {
        StringBuilder b = new StringBuilder("{");
        int n = 1 + g.nextInt(3_000);
        for (int i = 0; i < n; i++) {
            b.append(i > 0 ? "," : "").append(jsonString("k" + i)).append(':').append(anyValue(g, 1));
        }
        b.append(',').append(jsonString(g.pick(fields))).append(":\"x\"");
        return b.append('}').toString();
    }

    byte[] encoded(Gen g, String json) {
        return switch (g.nextInt(5)) {
            case 0 -> json.getBytes(StandardCharsets.UTF_16BE);
            case 1 -> json.getBytes(StandardCharsets.UTF_16LE);
            case 2 -> json.getBytes(StandardCharsets.UTF_16); // with a BOM
            case 3 -> json.getBytes(java.nio.charset.Charset.forName("UTF-32"));
            default -> json.replace("\"", "\"\u00e9\u00ff").getBytes(StandardCharsets.ISO_8859_1);
        };
    }

    static String jsonString(String s) {
        StringBuilder b = new StringBuilder("\"");
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> b.append("\\\"");
                case '\\' -> b.append("\\\\");
                default -> {
                    if (c < 0x20) {
                        b.append(String.format("\\u%04x", (int) c));
                    } else {
                        b.append(c);
                    }
                }
            }
        }
        return b.append('"').toString();
    }

    static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    // ---- building raw requests -------------------------------------------------------------------

    record Header(String name, byte[] value) {
        Header(String name, String value) {
            this(name, value.getBytes(StandardCharsets.ISO_8859_1));
        }
    }

    record Request(String method, String label, byte[] bytes) {
    }

    Request build(Gen g, String method, String path, List<Header> headers, byte[] body, boolean contentLengthWhenEmpty,
                  String label) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        String m = method;
        out.writeBytes((m + " " + path + " HTTP/1.1\r\n").getBytes(StandardCharsets.UTF_8));
        if (g.chance(0.97)) {
            out.writeBytes(("Host: 127.0.0.1:" + server.port() + "\r\n").getBytes(StandardCharsets.ISO_8859_1));
        }
        boolean framing = g.hostility >= 2; // the most hostile cases also break the header framing
        for (Header h : headers) {
            out.writeBytes(h.name().getBytes(StandardCharsets.ISO_8859_1));
            List<String> separators = framing ? List.of(": ", ":", " : ", " ", ":\r") : List.of(": ", ": ", ":", ":  ", ":\t");
            out.writeBytes(g.pick(separators).getBytes(StandardCharsets.ISO_8859_1));
            out.writeBytes(h.value());
            if (g.chance(0.02)) {
                out.writeBytes("\r\n folded".getBytes(StandardCharsets.ISO_8859_1)); // obsolete line folding
            }
            out.writeBytes((framing && g.chance(0.1) ? "\n" : "\r\n").getBytes(StandardCharsets.ISO_8859_1));
        }
        out.writeBytes("Connection: close\r\n".getBytes(StandardCharsets.ISO_8859_1));
        boolean chunked = body.length > 0 && g.chance(0.1);
        if (chunked) {
            out.writeBytes("Transfer-Encoding: chunked\r\n".getBytes(StandardCharsets.ISO_8859_1));
            if (framing && g.chance(0.3)) { // both framings: a smuggling attempt, to be refused
                out.writeBytes(("Content-Length: " + body.length + "\r\n").getBytes(StandardCharsets.ISO_8859_1));
            }
        } else if (body.length > 0 || contentLengthWhenEmpty) {
            out.writeBytes(("Content-Length: " + body.length + "\r\n").getBytes(StandardCharsets.ISO_8859_1));
            if (framing && g.chance(0.05)) {
                out.writeBytes(("Content-Length: " + (body.length + 1) + "\r\n").getBytes(StandardCharsets.ISO_8859_1));
            }
        }
        out.writeBytes("\r\n".getBytes(StandardCharsets.ISO_8859_1));
        if (chunked) {
            for (int i = 0; i < body.length; ) {
                int n = Math.min(body.length - i, 1 + g.nextInt(4096));
                out.writeBytes((Integer.toHexString(n) + "\r\n").getBytes(StandardCharsets.ISO_8859_1));
                out.write(body, i, n);
                out.writeBytes("\r\n".getBytes(StandardCharsets.ISO_8859_1));
                i += n;
            }
            out.writeBytes("0\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1));
        } else {
            out.writeBytes(body);
        }
        return new Request(m.trim(), label, out.toByteArray());
    }

    // ---- the random source -------------------------------------------------------------------------

    /** Header values known to upset parsers; sent in any header, so never recorded as secrets. */
    static final List<String> LITERALS = List.of("null", "undefined", "' OR '1'='1", "${jndi:ldap://127.0.0.1/x}",
            "%s%n%x", "../../etc/passwd", "\\u0000", "{\"a\":1}", "<script>", "Bearer", "0", "-1", "NaN", "true", "%00",
            "=?utf-8?q?x?=");

    /** Random values of the kinds the fuzzer needs, all from one seeded generator. */
    static final class Gen {
        private final SplittableRandom r;
        /**
         * How hostile the raw bytes of this case are: 0 printable ASCII only (most cases, so that
         * requests get past the transport), 1 also bytes 0x80-0xFF and UTF-8 text, 2 also control
         * bytes and UTF-16.
         */
        final int hostility;

        Gen(long seed) {
            this.r = new SplittableRandom(seed);
            int h = r.nextInt(100);
            this.hostility = h < 60 ? 0 : h < 85 ? 1 : 2;
        }

        int nextInt(int bound) {
            return r.nextInt(bound);
        }

        long nextLong() {
            return r.nextLong();
        }

        boolean chance(double p) {
            return r.nextDouble() < p;
        }

        <T> T pick(List<T> xs) {
            return xs.get(r.nextInt(xs.size()));
        }

        String digits(int n) {
            StringBuilder b = new StringBuilder();
            for (int i = 0; i < n; i++) {
                b.append((char) ('0' + r.nextInt(10)));
            }
            return b.toString();
        }

        String asciiPrintable(int n) {
            StringBuilder b = new StringBuilder();
            for (int i = 0; i < n; i++) {
                b.append((char) (0x20 + r.nextInt(0x5f)));
            }
            return b.toString();
        }

        String base64Url(int n) {
            String alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
            StringBuilder b = new StringBuilder();
            for (int i = 0; i < n; i++) {
                b.append(alphabet.charAt(r.nextInt(alphabet.length())));
            }
            return b.toString();
        }

        String unicode(int n) {
            String[] pool = {"é", "ß", "пароль", "密码", "😀", "\u0301", "\u200b", "\ufeff", "\u202e", "\uffff", "ǅ", "İ",
                    "\u00a0", "ℌ"};
            StringBuilder b = new StringBuilder();
            for (int i = 0; i < n; i++) {
                b.append(pool[r.nextInt(pool.length)]);
            }
            return b.toString();
        }

        /** Header-value bytes: any byte but CR and LF (those would end the header line). */
        byte[] rawBytes(int n) {
            byte[] b = new byte[n];
            for (int i = 0; i < n; i++) {
                int v;
                do {
                    v = switch (r.nextInt(4)) {
                        case 0 -> hostility >= 2 ? r.nextInt(0x20) : 0x20 + r.nextInt(0x5f);   // control bytes
                        case 1 -> hostility >= 1 ? 0x80 + r.nextInt(0x80) : 0x20 + r.nextInt(0x5f); // high bytes
                        default -> 0x20 + r.nextInt(0x5f);   // printable
                    };
                } while (v == '\r' || v == '\n');
                b[i] = (byte) v;
            }
            return b;
        }

        /** Any bytes at all (for bodies). */
        byte[] rawBytesAny(int n) {
            byte[] b = new byte[n];
            r.nextBytes(b);
            return b;
        }

        /** A random header value of one of many shapes, lengths 0..300. */
        byte[] headerValue() {
            return switch (r.nextInt(12)) {
                case 0 -> new byte[0];
                case 1 -> " ".repeat(1 + r.nextInt(20)).getBytes(StandardCharsets.ISO_8859_1);
                case 2 -> "\t \t".getBytes(StandardCharsets.ISO_8859_1);
                case 3, 4 -> asciiPrintable(r.nextInt(301)).getBytes(StandardCharsets.ISO_8859_1);
                case 5, 6 -> rawBytes(r.nextInt(301));
                case 7 -> hostility >= 1 ? unicode(1 + r.nextInt(40)).getBytes(StandardCharsets.UTF_8)
                        : asciiPrintable(r.nextInt(40)).getBytes(StandardCharsets.ISO_8859_1);
                case 8 -> asciiPrintable(pick(List.of(Limits.CREDENTIAL_HEADER_CHARS_MAX - 1,
                        Limits.CREDENTIAL_HEADER_CHARS_MAX, Limits.CREDENTIAL_HEADER_CHARS_MAX + 1)))
                        .getBytes(StandardCharsets.ISO_8859_1);
                case 9 -> digits(r.nextInt(12)).getBytes(StandardCharsets.ISO_8859_1);
                case 10 -> pick(LITERALS).getBytes(StandardCharsets.ISO_8859_1);
                default -> hostility >= 2 ? unicode(1 + r.nextInt(10)).getBytes(StandardCharsets.UTF_16BE) // not text
                        : " ".repeat(r.nextInt(3)).getBytes(StandardCharsets.ISO_8859_1);
            };
        }

        String headerName() {
            return pick(List.of("X-" + asciiPrintable(0) + base64Url(1 + r.nextInt(10)), "Accept", "Content-Type",
                    "User-Agent", "X-Forwarded-For", "Cookie", "Et-App-Key", "Password", "Authorization", "Expect-Not",
                    "Transfer-Encodingx", "Via", "Origin"));
        }

        /** The name in a random spelling (HTTP header names are case-insensitive). */
        String caseOf(String name) {
            return switch (r.nextInt(6)) {
                case 0 -> name.toLowerCase(Locale.ROOT);
                case 1 -> name.toUpperCase(Locale.ROOT);
                case 2 -> caseMix(name);
                default -> name;
            };
        }

        String caseMix(String s) {
            StringBuilder b = new StringBuilder();
            for (char c : s.toCharArray()) {
                b.append(r.nextBoolean() ? Character.toUpperCase(c) : Character.toLowerCase(c));
            }
            return b.toString();
        }

        /** A valid value, sometimes with spaces or tabs around it. */
        byte[] padded(String valid) {
            String v = switch (r.nextInt(6)) {
                case 0 -> " " + valid;
                case 1 -> valid + "  ";
                case 2 -> "\t" + valid + "\t";
                default -> valid;
            };
            return v.getBytes(StandardCharsets.UTF_8);
        }

        byte[] ascii(String s) {
            return s.getBytes(StandardCharsets.ISO_8859_1);
        }

        /** A near miss: one character changed, cut, or doubled. */
        String mutate(String s) {
            if (s.isEmpty()) {
                return "x";
            }
            int i = r.nextInt(s.length());
            return switch (r.nextInt(4)) {
                case 0 -> s.substring(0, i) + (char) (0x21 + r.nextInt(0x5e)) + s.substring(i + 1);
                case 1 -> s.substring(0, i);
                case 2 -> s + s;
                default -> s.toUpperCase(Locale.ROOT);
            };
        }

        byte[] mutateBytes(byte[] b) {
            byte[] out = b.clone();
            for (int k = 0, n = 1 + r.nextInt(4); k < n && out.length > 0; k++) {
                int i = r.nextInt(out.length);
                switch (r.nextInt(4)) {
                    case 0 -> out[i] = (byte) r.nextInt(256);
                    case 1 -> out[i] = (byte) pick(List.of((int) '{', (int) '}', (int) '[', (int) ']', (int) '"',
                            (int) ',', (int) ':', (int) '\\', 0, 0xff)).intValue();
                    case 2 -> {
                        byte[] shorter = new byte[out.length - 1];
                        System.arraycopy(out, 0, shorter, 0, i);
                        System.arraycopy(out, i + 1, shorter, i, out.length - i - 1);
                        out = shorter;
                    }
                    default -> {
                        byte[] longer = new byte[out.length + 1];
                        System.arraycopy(out, 0, longer, 0, i);
                        longer[i] = out[i];
                        System.arraycopy(out, i, longer, i + 1, out.length - i);
                        out = longer;
                    }
                }
            }
            return out;
        }
    }

    // ---- a strict raw HTTP/1.1 client ----------------------------------------------------------------

    /** A parsed answer, or the reason it is not a well-formed HTTP response ({@code problem}). */
    record Answer(int status, Map<String, List<String>> headers, String body, byte[] raw, String problem) {
        static Answer malformed(String problem, byte[] raw) {
            return new Answer(-1, Map.of(), "", raw, problem);
        }
    }

    static final class RawClient {
        private static final Pattern STATUS_LINE = Pattern.compile("HTTP/1\\.[01] (\\d{3})( [\\x20-\\x7e\\t]*)?");
        private static final Pattern HEADER_LINE = Pattern.compile("([!#$%&'*+.^_`|~0-9A-Za-z-]+):[ \\t]*(.*?)[ \\t]*");

        static Answer exchange(int port, byte[] request, boolean head) {
            try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress("127.0.0.1", port), 5_000);
                s.setSoTimeout(READ_TIMEOUT_MS);
                OutputStream out = s.getOutputStream();
                boolean written = true;
                try {
                    out.write(request);
                    out.flush();
                } catch (IOException e) {
                    written = false; // the server may have answered and closed early: read what it sent
                }
                InputStream in = s.getInputStream();
                ByteArrayOutputStream buf = new ByteArrayOutputStream();
                byte[] chunk = new byte[16_384];
                while (true) {
                    int n;
                    try {
                        n = in.read(chunk);
                    } catch (SocketTimeoutException e) {
                        return Answer.malformed("no complete response within " + READ_TIMEOUT_MS + " ms",
                                buf.toByteArray());
                    } catch (SocketException e) {
                        n = -1;
                    }
                    if (n < 0) {
                        break;
                    }
                    buf.write(chunk, 0, n);
                    Answer a = parse(buf.toByteArray(), head, false);
                    if (a != null) {
                        return a;
                    }
                }
                byte[] all = buf.toByteArray();
                if (all.length == 0) {
                    return Answer.malformed("connection closed without any response"
                            + (written ? "" : " (and the request could not be written whole)"), all);
                }
                return parse(all, head, true);
            } catch (IOException e) {
                return Answer.malformed("I/O failure: " + e, new byte[0]);
            }
        }

        /** The parsed answer; null when more bytes are needed and the connection is still open. */
        static Answer parse(byte[] bytes, boolean head, boolean eof) {
            int headEnd = indexOf(bytes, "\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1), 0);
            if (headEnd < 0) {
                return eof ? Answer.malformed("the response head never ends (no blank line)", bytes) : null;
            }
            String[] lines = new String(bytes, 0, headEnd, StandardCharsets.ISO_8859_1).split("\r\n", -1);
            Matcher sl = STATUS_LINE.matcher(lines[0]);
            if (!sl.matches()) {
                return Answer.malformed("bad status line: " + lines[0], bytes);
            }
            int status = Integer.parseInt(sl.group(1));
            Map<String, List<String>> headers = new LinkedHashMap<>();
            for (int i = 1; i < lines.length; i++) {
                Matcher hl = HEADER_LINE.matcher(lines[i]);
                if (!hl.matches()) {
                    return Answer.malformed("bad header line: " + lines[i], bytes);
                }
                headers.computeIfAbsent(hl.group(1).toLowerCase(Locale.ROOT), k -> new ArrayList<>()).add(hl.group(2));
            }
            int bodyStart = headEnd + 4;
            byte[] body;
            boolean noBody = head || status / 100 == 1 || status == 204 || status == 304;
            List<String> te = headers.getOrDefault("transfer-encoding", List.of());
            List<String> cl = headers.getOrDefault("content-length", List.of());
            if (noBody) {
                if (eof && bytes.length > bodyStart) {
                    return Answer.malformed("bytes after a response that has no body", bytes);
                }
                body = new byte[0];
            } else if (!te.isEmpty()) {
                if (!cl.isEmpty()) {
                    return Answer.malformed("both Transfer-Encoding and Content-Length", bytes);
                }
                if (!te.get(te.size() - 1).toLowerCase(Locale.ROOT).endsWith("chunked")) {
                    return Answer.malformed("Transfer-Encoding without chunked: " + te, bytes);
                }
                byte[] decoded = dechunk(bytes, bodyStart);
                if (decoded == null) {
                    return eof ? Answer.malformed("truncated or bad chunked body", bytes) : null;
                }
                body = decoded;
            } else if (!cl.isEmpty()) {
                if (cl.size() > 1 || !cl.get(0).matches("\\d{1,10}")) {
                    return Answer.malformed("bad Content-Length: " + cl, bytes);
                }
                int length = Integer.parseInt(cl.get(0));
                int have = bytes.length - bodyStart;
                if (have < length) {
                    return eof ? Answer.malformed("body shorter than Content-Length " + length + ": " + have, bytes) : null;
                }
                if (have > length && eof) {
                    return Answer.malformed("bytes after the body (Content-Length " + length + ")", bytes);
                }
                body = java.util.Arrays.copyOfRange(bytes, bodyStart, bodyStart + length);
            } else {
                if (!eof) {
                    return null; // delimited by the end of the connection
                }
                body = java.util.Arrays.copyOfRange(bytes, bodyStart, bytes.length);
            }
            String text = new String(body, StandardCharsets.UTF_8);
            if (body.length > 0) {
                String type = headers.getOrDefault("content-type", List.of("")).get(0).toLowerCase(Locale.ROOT);
                if (!type.startsWith("application/json")) {
                    return Answer.malformed("a body that is not declared JSON (Content-Type '" + type + "')", bytes);
                }
                try {
                    STRICT_JSON.readTree(body);
                } catch (IOException e) {
                    return Answer.malformed("a body that is not valid JSON: " + e.getMessage().lines().findFirst().orElse(""), bytes);
                }
            }
            return new Answer(status, headers, text, bytes, null);
        }

        static byte[] dechunk(byte[] bytes, int from) {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            int i = from;
            while (true) {
                int lineEnd = indexOf(bytes, new byte[] {'\r', '\n'}, i);
                if (lineEnd < 0) {
                    return null;
                }
                String sizeText = new String(bytes, i, lineEnd - i, StandardCharsets.ISO_8859_1).split(";", 2)[0].trim();
                int size;
                try {
                    size = Integer.parseInt(sizeText, 16);
                } catch (NumberFormatException e) {
                    return null;
                }
                i = lineEnd + 2;
                if (size == 0) {
                    return indexOf(bytes, new byte[] {'\r', '\n'}, i) >= 0 ? out.toByteArray() : null;
                }
                if (bytes.length < i + size + 2) {
                    return null;
                }
                out.write(bytes, i, size);
                i += size + 2;
            }
        }

        static int indexOf(byte[] hay, byte[] needle, int from) {
            outer:
            for (int i = from; i <= hay.length - needle.length; i++) {
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

    /** Bytes for a failure message: printable ASCII as is, everything else as \xNN, cut at {@code max}. */
    static String printable(byte[] bytes, int max) {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < bytes.length && b.length() < max; i++) {
            int c = bytes[i] & 0xff;
            if (c == '\r') {
                b.append("\\r");
            } else if (c == '\n') {
                b.append("\\n");
            } else if (c >= 0x20 && c < 0x7f && c != '\\') {
                b.append((char) c);
            } else {
                b.append("\\x").append(HexFormat.of().toHexDigits((byte) c));
            }
        }
        if (bytes.length > 0 && b.length() >= max) {
            b.append("…");
        }
        return b.toString();
    }
}
