package dev.crater.streaming;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.crater.App;
import dev.crater.Services;
import dev.crater.audit.AuditLog;
import dev.crater.companies.Company;
import dev.crater.companies.CompanyPolicy;
import dev.crater.config.CraterConfig;
import dev.crater.config.MarketConfig;
import dev.crater.http.Limits;
import dev.crater.notify.Outbox;
import dev.crater.reference.Security;
import dev.crater.testing.Http;
import dev.crater.testing.MutableClock;
import dev.crater.testing.SecretsLedger;
import dev.crater.testing.StoreKind;
import dev.crater.testing.TestServer;
import dev.crater.users.User;
import dev.crater.users.UserService;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import java.util.function.Predicate;
import java.util.logging.Level;
import java.util.logging.Logger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Goal: issue 15's session part — CreateSession option 1 (login and password) through the same
 * guessing protection, throttling and audit as {@code POST /token}, never for a user whose login
 * needs more than the password, bound to a login session of its own; and the streamers' limits on
 * commands per second, sockets per user and silence (pings, then a close).
 *
 * <p>Method: a real server on SQLite, java.net.http.WebSocket clients, and a raw socket client where
 * a client must not answer pings. Time: the command bucket and the login waits run on the server's
 * clock, which the test moves; the idle policy runs on the monotonic clock, so its test asserts what
 * cannot be early (a close never sooner than the silence allowed) and waits with deadlines for the
 * rest. Every wait is a poll with a deadline.
 */
class StreamingSessionTest {
    static final ObjectMapper MAPPER = new ObjectMapper();
    static final Duration WAIT = Duration.ofSeconds(10);
    static final String ERROR = "{\"Cmd\":\"CreateSession.txt\",\"StatusCode\":\"Error\"}";
    static final String FULL_LOGIN = "{\"Cmd\":\"CreateSession.txt\",\"StatusCode\":\"Error\",\"Reason\":\"FullLoginRequired\"}";
    static TestServer server;
    static Company company;
    static final HttpClient HTTP = HttpClient.newHttpClient();

    @BeforeAll
    static void start() {
        server = TestServer.start(StoreKind.SQLITE);
        company = server.company();
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    @AfterEach
    void defaultLimits() {
        server.services().streaming.useLimits(StreamerLimits.DEFAULTS);
    }

    // ---- helpers -----------------------------------------------------------------------------------

    static JsonNode json(String s) {
        try {
            return MAPPER.readTree(s);
        } catch (Exception e) {
            throw new AssertionError(s, e);
        }
    }

    static String quotes(int port) {
        return "ws://127.0.0.1:" + port + "/api/streamer/quotes";
    }

    static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20");
    }

    /** The option-1 URL; {@code appKey} null leaves the query parameter out. */
    static String option1(int port, String login, String password, String appKey) {
        return quotes(port) + "/CreateSession.txt?User=" + enc(login) + "&Password=" + enc(password)
                + "&HttpClientType=WebSocket" + (appKey == null ? "" : "&Et-App-Key=" + enc(appKey));
    }

    static User user(Company c, String pin, User.TwoFactorMethod twoFactor) {
        return server.user(c, TestServer.username("s1"), pin, twoFactor);
    }

    /** A WebSocket client that keeps every text message and counts pings (the JDK answers each with a pong). */
    static final class Client implements WebSocket.Listener {
        final LinkedBlockingQueue<String> messages = new LinkedBlockingQueue<>();
        final CompletableFuture<Integer> closed = new CompletableFuture<>();
        final AtomicInteger pings = new AtomicInteger();
        StringBuilder part = new StringBuilder();
        WebSocket ws;
        String sessionId;

        @Override
        public void onOpen(WebSocket webSocket) {
            webSocket.request(1);
        }

        @Override
        public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
            part.append(data);
            if (last) {
                messages.add(part.toString());
                part = new StringBuilder();
            }
            webSocket.request(1);
            return null;
        }

        @Override
        public CompletionStage<?> onPing(WebSocket webSocket, ByteBuffer message) {
            pings.incrementAndGet();
            webSocket.request(1);
            return null;
        }

        @Override
        public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
            closed.complete(statusCode);
            return null;
        }

        @Override
        public void onError(WebSocket webSocket, Throwable error) {
            closed.complete(-1);
        }

        String nextText() {
            try {
                String m = messages.poll(WAIT.toMillis(), TimeUnit.MILLISECONDS);
                assertThat(m).as("a message within " + WAIT).isNotNull();
                return m;
            } catch (InterruptedException e) {
                throw new AssertionError(e);
            }
        }

        JsonNode next() {
            return json(nextText());
        }

        List<JsonNode> until(Predicate<JsonNode> p) {
            List<JsonNode> seen = new ArrayList<>();
            while (true) {
                JsonNode n = next();
                seen.add(n);
                if (p.test(n)) {
                    return seen;
                }
            }
        }

        void subscribe(String keys) {
            ws.sendText("{\"Cmd\":\"Subscribe.txt\",\"SessionId\":\"" + sessionId + "\",\"Keys\":\"" + keys
                    + "\",\"EntityType\":\"Quote\",\"HttpClientType\":\"WebSocket\"}", true).join();
        }

        int closeCode() {
            return closed.orTimeout(WAIT.toMillis(), TimeUnit.MILLISECONDS).join();
        }

        void close() {
            if (!closed.isDone()) {
                ws.sendClose(1000, "").join();
                closeCode();
            }
        }
    }

    static Client connect(String url, String... headers) {
        Client c = new Client();
        WebSocket.Builder b = HTTP.newWebSocketBuilder();
        for (int i = 0; i + 1 < headers.length; i += 2) {
            b.header(headers[i], headers[i + 1]);
        }
        c.ws = b.buildAsync(URI.create(url), c).join();
        return c;
    }

    /** A socket that passed CreateSession by option 1 with the app key as a header. */
    static Client openByPassword(User u, String password) {
        Client c = connect(option1(server.port(), u.username(), password, null), "Et-App-Key", company.appKey());
        JsonNode first = c.next();
        assertThat(first.path("StatusCode").asText()).as(first.toString()).isEqualTo("Ok");
        c.sessionId = first.path("SessionId").asText();
        return c;
    }

    /** The first frame of a CreateSession, and the close after it. */
    static String refusedWith(Client c) {
        String first = c.nextText();
        assertThat(c.closeCode()).isEqualTo(1000);
        return first;
    }

    static List<AuditLog.Entry> audit(User u) {
        return server.services().audit.query(u.id(), 0, 200);
    }

    static User stored(User u) {
        return server.services().users.fresh(u.id()).orElseThrow();
    }

    /** Live tokens of scope STREAMER of the user (the option-1 sockets' own tokens). */
    static int liveStreamerTokens(User u) {
        long now = server.clock.millis();
        return server.services().database.jdbi().withHandle(h -> h.createQuery(
                        "SELECT COUNT(*) FROM tokens WHERE user_id = :u AND scope = 'STREAMER' AND revoked_at_ms = 0"
                                + " AND expires_at_ms > :now")
                .bind("u", u.id()).bind("now", now).mapTo(Integer.class).one());
    }

    static void eventually(String what, BooleanSupplier condition) {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (!condition.getAsBoolean()) {
            assertThat(System.nanoTime()).as(what + " within " + WAIT).isLessThan(deadline);
            try {
                Thread.sleep(10);
            } catch (InterruptedException e) {
                throw new AssertionError(e);
            }
        }
    }

    static List<Security> equities(int n) {
        List<Security> out = new ArrayList<>();
        for (Security s : server.services().securities.snapshot().all()) {
            if (s.enabled() && server.services().market.quote(s.id()).isPresent()) {
                out.add(s);
                if (out.size() == n) {
                    break;
                }
            }
        }
        assertThat(out).hasSize(n);
        return out;
    }

    static boolean isQuote(JsonNode n, Security s) {
        return n.path("EntityType").asText().equals("Quote") && n.path("Key").asText().equals(Integer.toString(s.id()));
    }

    static Http.Response token(Company c, String username, String password, String... more) {
        List<String> h = new ArrayList<>(List.of("Et-App-Key", c.appKey(), "Username", username, "Password", password));
        h.addAll(List.of(more));
        return Http.post(server.api() + "token", h.toArray(String[]::new));
    }

    // ---- option 1 ----------------------------------------------------------------------------------

    @Test
    void optionOneOpensASessionThatStreamsAndOwnsAToken() {
        User u = user(company, null, User.TwoFactorMethod.NONE);
        Security a = equities(1).getFirst();
        Client c = openByPassword(u, TestServer.PASSWORD);
        assertThat(c.sessionId).matches("[0-9a-f-]{36}");
        c.subscribe(Integer.toString(a.id()));
        assertThat(c.until(n -> isQuote(n, a))).isNotEmpty();
        assertThat(liveStreamerTokens(u)).as("the socket's own login token").isEqualTo(1);
        assertThat(audit(u)).anySatisfy(e -> {
            assertThat(e.event()).isEqualTo(AuditLog.Event.LOGIN_SUCCEEDED);
            assertThat(e.detail()).isEqualTo("streamer CreateSession by password");
            assertThat(e.clientAddress()).isEqualTo("127.0.0.1");
        });

        // The app key as a query parameter (a browser cannot set headers on a WebSocket).
        Client q = connect(option1(server.port(), u.username(), TestServer.PASSWORD, company.appKey()));
        assertThat(q.next().path("StatusCode").asText()).isEqualTo("Ok");
        assertThat(liveStreamerTokens(u)).isEqualTo(2);

        // Closing a socket revokes its token (within one idle check).
        c.close();
        q.close();
        eventually("the tokens revoked", () -> liveStreamerTokens(u) == 0);
        assertThat(server.services().streaming.openSockets(u.id())).isZero();
    }

    @Test
    void withoutAKnownAppKeyItIsErrorAndNothingIsCounted() {
        User u = user(company, null, User.TwoFactorMethod.NONE);
        assertThat(refusedWith(connect(option1(server.port(), u.username(), TestServer.PASSWORD, null)))).isEqualTo(ERROR);
        assertThat(refusedWith(connect(option1(server.port(), u.username(), "wrong password", "no such key"))))
                .isEqualTo(ERROR);
        assertThat(refusedWith(connect(option1(server.port(), u.username(), "wrong password", null),
                "Et-App-Key", "no such key"))).isEqualTo(ERROR);
        // Another company's key: the login name is looked up in that company only.
        Company other = server.company();
        assertThat(refusedWith(connect(option1(server.port(), u.username(), TestServer.PASSWORD, other.appKey()))))
                .isEqualTo(ERROR);
        assertThat(stored(u).failedAttempts()).isZero();
        assertThat(audit(u)).isEmpty();
        assertThat(liveStreamerTokens(u)).isZero();
    }

    @Test
    void unknownUserAndWrongPasswordAnswerTheSameBytesAndAreAudited() {
        User u = user(company, null, User.TwoFactorMethod.NONE);
        String ghost = TestServer.username("ghost");
        String wrong = refusedWith(connect(option1(server.port(), u.username(), "not the password", company.appKey())));
        String unknown = refusedWith(connect(option1(server.port(), ghost, "not the password", company.appKey())));
        assertThat(wrong).isEqualTo(ERROR);
        assertThat(unknown).isEqualTo(wrong);
        assertThat(stored(u).failedAttempts()).isEqualTo(1);
        assertThat(audit(u)).anySatisfy(e -> {
            assertThat(e.event()).isEqualTo(AuditLog.Event.LOGIN_FAILED);
            assertThat(e.step()).isEqualTo("BaseAuthentication");
            assertThat(e.detail()).isEqualTo("consecutive failures: 1");
        });
        assertThat(server.services().audit.query(null, 0, 500)).anySatisfy(e -> {
            assertThat(e.username()).isEqualTo(ghost);
            assertThat(e.event()).isEqualTo(AuditLog.Event.LOGIN_FAILED);
            assertThat(e.detail()).isEqualTo("unknown user");
        });
    }

    @Test
    void failuresCountWithTokensWaitsAndLockBothWays() {
        Company c = server.company();
        server.services().companies.setPolicy(c.id(), new CompanyPolicy(12, 0, false, 2, 60, 900, 4));
        User u = server.user(c, TestServer.username("guess"), null, User.TwoFactorMethod.NONE);
        String right = option1(server.port(), u.username(), TestServer.PASSWORD, c.appKey());
        String wrong = option1(server.port(), u.username(), "a wrong guess", c.appKey());
        // The free failures, then the third starts a wait: the same count /token keeps.
        for (int i = 1; i <= 3; i++) {
            assertThat(refusedWith(connect(wrong))).isEqualTo(ERROR);
            assertThat(stored(u).failedAttempts()).isEqualTo(i);
        }
        assertThat(stored(u).refusingAt(server.clock.millis())).isTrue();
        // During the wait /token refuses the right password, and so does the streamer.
        Http.Response t = token(c, u.username(), TestServer.PASSWORD);
        assertThat(t.status()).isEqualTo(401);
        assertThat(t.body()).contains("Invalid credentials");
        assertThat(refusedWith(connect(right))).isEqualTo(ERROR);
        assertThat(audit(u)).filteredOn(e -> e.event() == AuditLog.Event.LOGIN_THROTTLED).hasSize(2);
        assertThat(stored(u).failedAttempts()).as("a refused attempt is not evaluated").isEqualTo(3);
        // After the wait the fourth failure locks the account for addresses it never logged in from.
        server.clock.advance(Duration.ofSeconds(61));
        assertThat(refusedWith(connect(wrong))).isEqualTo(ERROR);
        assertThat(stored(u).locked()).isTrue();
        assertThat(audit(u)).anyMatch(e -> e.event() == AuditLog.Event.ACCOUNT_LOCKED);
        server.clock.advance(Duration.ofHours(1));
        assertThat(token(c, u.username(), TestServer.PASSWORD).status()).as("/token after the streamer's lock")
                .isEqualTo(401);
        assertThat(refusedWith(connect(right))).isEqualTo(ERROR);
        assertThat(liveStreamerTokens(u)).isZero();
        // An unlock and a right password: a completed login, which starts the count again.
        server.services().users.unlock(u.id());
        Client ok = connect(right);
        assertThat(ok.next().path("StatusCode").asText()).isEqualTo("Ok");
        assertThat(stored(u).failedAttempts()).isZero();
        ok.close();
    }

    @Test
    void pinAndTwoFactorUsersAreSentToOptionTwoOnlyAfterTheRightPassword() {
        User pin = user(company, "482913", User.TwoFactorMethod.NONE);
        User email = user(company, null, User.TwoFactorMethod.EMAIL);
        for (User u : List.of(pin, email)) {
            assertThat(refusedWith(connect(option1(server.port(), u.username(), TestServer.PASSWORD, company.appKey()))))
                    .as(u.username()).isEqualTo(FULL_LOGIN);
            assertThat(refusedWith(connect(option1(server.port(), u.username(), "a wrong password", company.appKey()))))
                    .as("a wrong password says nothing more").isEqualTo(ERROR);
            assertThat(liveStreamerTokens(u)).isZero();
        }
        assertThat(audit(pin)).anySatisfy(e -> {
            assertThat(e.event()).isEqualTo(AuditLog.Event.LOGIN_FAILED);
            assertThat(e.step()).isEqualTo("SecutityPin");
            assertThat(e.detail()).startsWith("streamer CreateSession by password: needs PIN");
        });
        assertThat(audit(email)).anySatisfy(e -> {
            assertThat(e.step()).isEqualTo("VerificationCode");
            assertThat(e.detail()).startsWith("streamer CreateSession by password: needs two-factor email");
        });
        // Option 2 after the full /token login works for both.
        Http.Response p = token(company, pin.username(), TestServer.PASSWORD, "PinCode", "482913");
        assertThat(p.status()).as(p.body()).isEqualTo(200);
        optionTwo(pin, p.text("Token"));
        Http.Response first = token(company, email.username(), TestServer.PASSWORD);
        assertThat(first.status()).as(first.body()).isEqualTo(202);
        Outbox.Entry mail = server.services().outbox.newest(Outbox.MESSAGES_KEPT_MAX).stream()
                .filter(e -> e.recipient().equals(email.email())).findFirst().orElseThrow();
        Matcher m = Pattern.compile("\\b(\\d{6})\\b").matcher(mail.body());
        assertThat(m.find()).isTrue();
        Http.Response second = token(company, email.username(), TestServer.PASSWORD, "Authorization",
                "Bearer " + first.text("Token"), "VerificationCode", m.group(1));
        assertThat(second.status()).as(second.body()).isEqualTo(200);
        optionTwo(email, second.text("Token"));
    }

    static void optionTwo(User u, String bearer) {
        Http.Response r = Http.get(server.api() + "v1.0/streamers", "Et-App-Key", company.appKey(), "Authorization",
                "Bearer " + bearer);
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        JsonNode q = json(r.body()).path("QuoteAddresses").get(0);
        Client c = connect(q.path("Url").asText() + "/CreateSession.txt?User=" + u.id() + ":x&Password="
                + q.path("SessionId").asText() + "&HttpClientType=WebSocket");
        assertThat(c.next().path("StatusCode").asText()).isEqualTo("Ok");
        c.close();
    }

    @Test
    void aRequiredPinNotSetAndAnExpiredPasswordNeedTheFullLogin() {
        Company pinCo = server.company();
        server.services().companies.setPolicy(pinCo.id(), new CompanyPolicy(12, 0, true, 5, 60, 900, 100));
        User noPin = server.user(pinCo, TestServer.username("nopin"), null, User.TwoFactorMethod.NONE);
        assertThat(refusedWith(connect(option1(server.port(), noPin.username(), TestServer.PASSWORD, pinCo.appKey()))))
                .isEqualTo(FULL_LOGIN);
        assertThat(token(pinCo, noPin.username(), TestServer.PASSWORD).body()).contains("SecutityPin");

        Company ageCo = server.company();
        server.services().companies.setPolicy(ageCo.id(), new CompanyPolicy(12, 1, false, 5, 60, 900, 100));
        User old = server.user(ageCo, TestServer.username("old"), null, User.TwoFactorMethod.NONE);
        server.clock.advance(Duration.ofDays(2));
        assertThat(refusedWith(connect(option1(server.port(), old.username(), TestServer.PASSWORD, ageCo.appKey()))))
                .isEqualTo(FULL_LOGIN);
        assertThat(audit(old)).anyMatch(e -> e.event() == AuditLog.Event.PASSWORD_EXPIRED);
        assertThat(liveStreamerTokens(old)).isZero();
        Http.Response t = token(ageCo, old.username(), TestServer.PASSWORD);
        assertThat(t.status()).as("/token answers the password-change token").isEqualTo(202);
    }

    @Test
    void theSocketClosesWhenItsLoginSessionEnds() {
        // A password change revokes every token of the user, the socket's own included.
        User u = user(company, null, User.TwoFactorMethod.NONE);
        Client c = openByPassword(u, TestServer.PASSWORD);
        String bearer = server.login(company, u.username());
        Http.Response changed = Http.send("PUT", server.api() + "v1.0/users/@me/password/change",
                "{\"OldPassword\":\"" + TestServer.PASSWORD + "\",\"Password\":\"another passphrase 9981\","
                        + "\"PasswordConfirm\":\"another passphrase 9981\"}",
                "Content-Type", "application/json", "Et-App-Key", company.appKey(), "Authorization", "Bearer " + bearer);
        assertThat(changed.status()).as(changed.body()).isEqualTo(200);
        assertThat(c.closeCode()).as("password change").isEqualTo(1008);
        assertThat(refusedWith(connect(option1(server.port(), u.username(), TestServer.PASSWORD, company.appKey()))))
                .as("the old password").isEqualTo(ERROR);
        Client again = openByPassword(u, "another passphrase 9981");
        // An operator disables the user.
        server.services().users.setEnabled(u.id(), false);
        assertThat(again.closeCode()).as("user disabled").isEqualTo(1008);
        assertThat(refusedWith(connect(option1(server.port(), u.username(), "another passphrase 9981",
                company.appKey())))).isEqualTo(ERROR);
        // The socket's token expires with the login token lifetime.
        User v = user(company, null, User.TwoFactorMethod.NONE);
        Client w = openByPassword(v, TestServer.PASSWORD);
        server.clock.advance(CraterConfig.TOKEN_TTL_DEFAULT.plusSeconds(1));
        assertThat(w.closeCode()).as("token expired").isEqualTo(1008);
    }

    @Test
    void thePasswordIsNeverLoggedEvenWithHelidonAtItsMostVerbose() throws IOException {
        String secret = "stream-" + HexFormat.of().formatHex(new SecureRandom().generateSeed(12));
        String wrongSecret = "wrong-" + HexFormat.of().formatHex(new SecureRandom().generateSeed(12));
        SecretsLedger.record(secret, "streamer CreateSession Password");
        SecretsLedger.record(wrongSecret, "streamer CreateSession Password");
        Path logback = Paths.get("target", "test-logs", "crater-tests.log");
        long julBefore = Files.exists(SecretsLedger.JUL_LOG) ? Files.size(SecretsLedger.JUL_LOG) : 0;
        // Helidon decides some of its logging when the server starts: its finest level is on before.
        Logger helidon = Logger.getLogger("io.helidon");
        Level before = helidon.getLevel();
        helidon.setLevel(Level.ALL);
        Path dir = Files.createTempDirectory("crater-stream-log-");
        SecretsLedger.registerDataDir(dir);
        CraterConfig config = new CraterConfig("127.0.0.1", 0, dir, false, "", "", "", Optional.empty(),
                CraterConfig.TOKEN_TTL_DEFAULT, CraterConfig.INTERIM_TTL_MAX, "", Optional.empty(), "",
                new CraterConfig.Rate(1_000, 1_000), MarketConfig.DEFAULT);
        try (App app = App.start(Services.open(config, new MutableClock()))) {
            Company c = app.services().companies.create("Quiet Co");
            User u = app.services().users.create(new UserService.NewUser(c.id(), "quiet", secret, "quiet@example.com",
                    null, null, User.TwoFactorMethod.NONE, "Test", "User"));
            Client ok = connect(option1(app.port(), u.username(), secret, c.appKey()));
            assertThat(ok.next().path("StatusCode").asText()).isEqualTo("Ok");
            ok.close();
            assertThat(refusedWith(connect(option1(app.port(), u.username(), wrongSecret, c.appKey()))))
                    .isEqualTo(ERROR);
        } finally {
            helidon.setLevel(before);
        }
        assertThat(Files.size(SecretsLedger.JUL_LOG)).as("Helidon logged at its finest meanwhile").isGreaterThan(julBefore);
        for (Path log : List.of(logback, SecretsLedger.JUL_LOG)) {
            String text = Files.readString(log, StandardCharsets.UTF_8);
            assertThat(text.contains(secret)).as(log + " holds the password").isFalse();
            assertThat(text.contains(wrongSecret)).as(log + " holds the wrong password").isFalse();
            assertThat(text.contains(enc(secret))).isFalse();
        }
        // At its finest Helidon dumps bytes in hex, 16 a line: read back, they hold no password either.
        // (They do hold what was sent: the failed attempt's close reason is the control.)
        String dumped = hexDumps(Files.readString(SecretsLedger.JUL_LOG, StandardCharsets.UTF_8));
        assertThat(dumped).contains("CreateSession failed");
        assertThat(dumped).doesNotContain(secret).doesNotContain(wrongSecret).doesNotContain(enc(secret));
    }

    private static final Pattern HEX_LINE = Pattern.compile("^\\|[0-9a-f]{8}\\| ((?:[0-9a-f]{2} )+)", Pattern.MULTILINE);

    /** The bytes of every hex-dump line of a log, one after the other, as ISO-8859-1 text. */
    static String hexDumps(String log) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        Matcher m = HEX_LINE.matcher(log);
        while (m.find()) {
            for (String h : m.group(1).trim().split(" ")) {
                bytes.write(Integer.parseInt(h, 16));
            }
        }
        return bytes.toString(StandardCharsets.ISO_8859_1);
    }

    @Test
    void loginAttemptsShareTokensPerAddressLimit() throws IOException {
        Path dir = Files.createTempDirectory("crater-stream-rate-");
        SecretsLedger.registerDataDir(dir);
        CraterConfig config = new CraterConfig("127.0.0.1", 0, dir, false, "", "", "", Optional.empty(),
                CraterConfig.TOKEN_TTL_DEFAULT, CraterConfig.INTERIM_TTL_MAX, "", Optional.empty(), "",
                new CraterConfig.Rate(3, 0.5), MarketConfig.DEFAULT);
        MutableClock clock = new MutableClock();
        try (App app = App.start(Services.open(config, clock))) {
            Company c = app.services().companies.create("Stream Rate Co");
            String tokenUrl = "http://127.0.0.1:" + app.port() + "/api/token";
            String url = option1(app.port(), "someone", "some password", c.appKey());
            assertThat(Http.post(tokenUrl, "Et-App-Key", c.appKey(), "Username", "x", "Password", "y").status()).isEqualTo(401);
            assertThat(Http.post(tokenUrl, "Et-App-Key", c.appKey(), "Username", "x", "Password", "y").status()).isEqualTo(401);
            assertThat(refusedWith(connect(url))).as("the third attempt of the burst").isEqualTo(ERROR);
            assertThat(refusedWith(connect(url))).as("the fourth")
                    .isEqualTo("{\"Cmd\":\"CreateSession.txt\",\"StatusCode\":\"Error\",\"Reason\":\"RateLimit\"}");
            assertThat(Http.post(tokenUrl, "Et-App-Key", c.appKey(), "Username", "x", "Password", "y").status())
                    .as("/token shares the budget").isEqualTo(429);
            assertThat(app.services().audit.query(null, 0, 100)).anySatisfy(e -> {
                assertThat(e.event()).isEqualTo(AuditLog.Event.RATE_LIMITED);
                assertThat(e.username()).isEqualTo("someone");
                assertThat(e.detail()).startsWith("streamer CreateSession: retry after");
            });
            clock.advance(Duration.ofSeconds(2));
            assertThat(refusedWith(connect(url))).as("a token back after 2 s at 0.5/s").isEqualTo(ERROR);
        }
    }

    // ---- limits ------------------------------------------------------------------------------------

    @Test
    void socketsPerUserAtNAndNPlusOneByPassword() {
        int n = 2;
        server.services().streaming.useLimits(StreamerLimits.DEFAULTS.withSocketsPerUser(n));
        User u = user(company, null, User.TwoFactorMethod.NONE);
        List<Client> open = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            open.add(openByPassword(u, TestServer.PASSWORD));
        }
        Client extra = connect(option1(server.port(), u.username(), TestServer.PASSWORD, company.appKey()));
        assertThat(refusedWith(extra)).isEqualTo(ERROR);
        assertThat(liveStreamerTokens(u)).as("the refused socket's token is revoked at once").isEqualTo(n);
        open.getFirst().close();
        eventually("a slot back", () -> server.services().streaming.openSockets(u.id()) < n);
        open.set(0, openByPassword(u, TestServer.PASSWORD));
        open.forEach(Client::close);
        eventually("every token revoked", () -> liveStreamerTokens(u) == 0);
    }

    @Test
    void commandsPerSecondAtNAndNPlusOneThenCloseAfterRepeatedRefusals() {
        int burst = 5;
        int refusedMax = 2;
        server.services().streaming.useLimits(StreamerLimits.DEFAULTS.withCommandRate(burst, 1, refusedMax));
        List<Security> secs = equities(burst + 3);
        Client c = openByPassword(user(company, null, User.TwoFactorMethod.NONE), TestServer.PASSWORD);
        // The server's clock stands still: no token comes back until the test moves it.
        for (int i = 0; i < burst; i++) {
            c.subscribe(Integer.toString(secs.get(i).id()));
        }
        Security refused = secs.get(burst);
        c.subscribe(Integer.toString(refused.id()));
        List<JsonNode> got = c.until(m -> m.has("Reason"));
        for (int i = 0; i < burst; i++) {
            Security s = secs.get(i);
            if (got.stream().noneMatch(m -> isQuote(m, s))) {
                got.addAll(c.until(m -> isQuote(m, s)));
            }
        }
        assertThat(got.stream().filter(m -> m.has("Reason")).toList().getFirst().toString())
                .isEqualTo("{\"Cmd\":\"Subscribe.txt\",\"StatusCode\":\"Error\",\"EntityType\":\"Quote\",\"Keys\":\""
                        + refused.id() + "\",\"Reason\":\"RateLimit\"}");
        // One second of the server's clock: one command.
        server.clock.advance(Duration.ofSeconds(1));
        Security sentinel = secs.get(burst + 1);
        c.subscribe(Integer.toString(sentinel.id()));
        List<JsonNode> after = c.until(m -> isQuote(m, sentinel));
        assertThat(got).noneMatch(m -> isQuote(m, refused));
        assertThat(after).as("the refused command was not run").noneMatch(m -> isQuote(m, refused));
        // refusedMax refusals in a row keep the socket; one more closes it.
        for (int i = 0; i < refusedMax; i++) {
            c.subscribe(Integer.toString(refused.id()));
            assertThat(c.until(m -> m.has("Reason")).getLast().path("Reason").asText()).isEqualTo("RateLimit");
        }
        assertThat(c.closed).isNotDone();
        c.subscribe(Integer.toString(refused.id()));
        assertThat(c.until(m -> m.has("Reason")).getLast().path("Reason").asText()).isEqualTo("RateLimit");
        assertThat(c.closeCode()).isEqualTo(1008);
    }

    @Test
    void idleDefaultsPingBeforeAnyoneDropsAQuietConnection() {
        assertThat(StreamerLimits.PING_AFTER_MS).isLessThan(StreamerLimits.SILENT_CLOSE_MS);
        assertThat(StreamerLimits.SILENT_CLOSE_MS).isLessThan(Limits.IDLE_CONNECTION_TIMEOUT.toMillis());
        assertThat(StreamerLimits.SILENT_CLOSE_MS).isGreaterThanOrEqualTo(2 * StreamerLimits.PING_AFTER_MS);
    }

    @Test
    void aClientThatAnswersPingsStaysOpenWithoutSendingAnything() {
        long pingAfter = 200;
        long silentClose = 3000;
        server.services().streaming.useLimits(StreamerLimits.DEFAULTS.withIdle(pingAfter, silentClose));
        Security a = equities(1).getFirst();
        Client c = openByPassword(user(company, null, User.TwoFactorMethod.NONE), TestServer.PASSWORD);
        long start = System.nanoTime();
        eventually("pinged for longer than the silence allowed",
                () -> c.pings.get() >= 3 && System.nanoTime() - start > Duration.ofMillis(silentClose + 500).toNanos());
        assertThat(c.closed).as("answered pings keep the socket").isNotDone();
        c.subscribe(Integer.toString(a.id()));
        assertThat(c.until(n -> isQuote(n, a))).isNotEmpty();
        c.close();
    }

    @Test
    void aClientThatAnswersNothingIsPingedThenClosedNeverBeforeItsSilenceAllowed() throws IOException {
        long pingAfter = 200;
        long silentClose = 1500;
        server.services().streaming.useLimits(StreamerLimits.DEFAULTS.withIdle(pingAfter, silentClose));
        User u = user(company, null, User.TwoFactorMethod.NONE);
        try (RawWs raw = RawWs.open(server.port(), "/api/streamer/quotes/CreateSession.txt?User=" + enc(u.username())
                + "&Password=" + enc(TestServer.PASSWORD) + "&HttpClientType=WebSocket", company.appKey())) {
            RawWs.Frame first = raw.read();
            assertThat(first.opcode()).isEqualTo(RawWs.TEXT);
            assertThat(first.text()).contains("\"StatusCode\":\"Ok\"");
            assertThat(raw.read().opcode()).as("a ping after the silence").isEqualTo(RawWs.PING);
            // Anything the client sends counts as life: the silence starts again from it.
            long sentAt = System.nanoTime();   // before the send: the server cannot hear it sooner
            raw.sendText("not a command");
            RawWs.Frame f;
            int pings = 0;
            do {
                f = raw.read();
                if (f.opcode() == RawWs.PING) {
                    pings++;
                }
            } while (f.opcode() != RawWs.CLOSE);
            long silentFor = Duration.ofNanos(System.nanoTime() - sentAt).toMillis();
            // The server counts whole milliseconds (Monotonic.millis truncates): 1 ms of slack, no more.
            assertThat(silentFor).as("closed after the silence allowed, not before").isGreaterThanOrEqualTo(silentClose - 1);
            assertThat(pings).as("pinged while silent").isGreaterThanOrEqualTo(1);
            assertThat(f.closeCode()).isEqualTo(1001);
        }
        eventually("the slot given back", () -> server.services().streaming.openSockets(u.id()) == 0);
        eventually("its token revoked", () -> liveStreamerTokens(u) == 0);
    }

    /** A WebSocket client over a plain socket: it never answers a ping. */
    static final class RawWs implements AutoCloseable {
        static final int TEXT = 1;
        static final int CLOSE = 8;
        static final int PING = 9;

        record Frame(int opcode, byte[] payload) {
            String text() {
                return new String(payload, StandardCharsets.UTF_8);
            }

            int closeCode() {
                return payload.length < 2 ? -1 : ((payload[0] & 0xff) << 8) | (payload[1] & 0xff);
            }
        }

        private final Socket socket;
        private final InputStream in;
        private final OutputStream out;

        private RawWs(Socket socket) throws IOException {
            this.socket = socket;
            this.in = socket.getInputStream();
            this.out = socket.getOutputStream();
        }

        static RawWs open(int port, String target, String appKey) throws IOException {
            Socket s = new Socket("127.0.0.1", port);
            s.setSoTimeout((int) WAIT.toMillis());
            RawWs ws = new RawWs(s);
            ws.out.write(("GET " + target + " HTTP/1.1\r\nHost: 127.0.0.1:" + port + "\r\nUpgrade: websocket\r\n"
                    + "Connection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
                    + "Sec-WebSocket-Version: 13\r\nEt-App-Key: " + appKey + "\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1));
            ws.out.flush();
            ByteArrayOutputStream head = new ByteArrayOutputStream();
            while (!head.toString(StandardCharsets.ISO_8859_1).endsWith("\r\n\r\n")) {
                int b = ws.in.read();
                assertThat(b).as("the upgrade answer").isNotNegative();
                head.write(b);
            }
            assertThat(head.toString(StandardCharsets.ISO_8859_1)).startsWith("HTTP/1.1 101");
            return ws;
        }

        Frame read() throws IOException {
            int b0 = in.read();
            int b1 = in.read();
            assertThat(b1).as("a frame, not the end of the stream").isNotNegative();
            long len = b1 & 0x7f;
            if (len == 126) {
                byte[] l = in.readNBytes(2);
                len = ((l[0] & 0xff) << 8) | (l[1] & 0xff);
            } else if (len == 127) {
                byte[] l = in.readNBytes(8);
                len = 0;
                for (byte x : l) {
                    len = (len << 8) | (x & 0xff);
                }
            }
            return new Frame(b0 & 0x0f, in.readNBytes((int) len));
        }

        void sendText(String text) throws IOException {
            byte[] p = text.getBytes(StandardCharsets.UTF_8);
            assertThat(p.length).isLessThan(126);
            byte[] mask = {1, 2, 3, 4};
            ByteArrayOutputStream f = new ByteArrayOutputStream();
            f.write(0x81);
            f.write(0x80 | p.length);
            f.write(mask);
            for (int i = 0; i < p.length; i++) {
                f.write(p[i] ^ mask[i % 4]);
            }
            out.write(f.toByteArray());
            out.flush();
        }

        @Override
        public void close() throws IOException {
            socket.close();
        }
    }
}
