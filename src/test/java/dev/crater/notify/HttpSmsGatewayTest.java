package dev.crater.notify;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.crater.config.CraterConfig;
import dev.crater.config.SmsConfig;
import dev.crater.store.Database;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.InstantSource;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.slf4j.LoggerFactory;

// Goal: the HTTP SMS gateway sends exactly the form-encoded "Messages" request a Twilio-style
// gateway expects, retries only what a retry can fix (5xx, 429, network trouble) a bounded number
// of times, fails at once on other 4xx, and never lets the text (a login code) or the full phone
// number reach an exception message or a log line. The development fallback really lands in the
// outbox.
//
// Method: a real HTTP server on 127.0.0.1 (JDK HttpServer) records every request and answers with
// a scripted sequence of statuses; the gateway under test gets a recording sleeper instead of real
// backoff waits and, where a test needs it, a short request timeout. Log lines are captured with
// a Logback list appender. The outbox test runs on a fresh SQLite file through the real migrations.
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class HttpSmsGatewayTest {
    static final String TO = "+15551234567";
    static final String TO_MASKED = "+*********67";
    static final String FROM = "+15550001111";
    static final String CODE = "482913";
    static final String TEXT = "Your Crater code is " + CODE;
    static final String PATH = "/2010-04-01/Accounts/AC123/Messages.json";

    private FakeGateway server;
    private final List<Long> sleeps = new CopyOnWriteArrayList<>();
    private final ListAppender<ILoggingEvent> logs = new ListAppender<>();
    private Logger gatewayLogger;

    @BeforeEach
    void start() throws IOException {
        server = new FakeGateway();
        gatewayLogger = (Logger) LoggerFactory.getLogger(HttpSmsGateway.class);
        logs.start();
        gatewayLogger.addAppender(logs);
    }

    @AfterEach
    void stop() {
        gatewayLogger.detachAppender(logs);
        server.close();
    }

    // ---- the request -------------------------------------------------------------------------

    @Test
    void postsTheFormEncodedMessageWithBasicAuthAndJsonAccept() {
        String text = "Code 12 & more + 5 = ok? ünïcødé € 日本 ✓";
        server.script(201);

        gateway("AC123", "s3cret").send(TO, text);

        assertThat(server.requests()).hasSize(1);
        Request r = server.requests().get(0);
        assertThat(r.method()).isEqualTo("POST");
        assertThat(r.path()).isEqualTo(PATH);
        assertThat(r.header("Content-Type")).startsWith("application/x-www-form-urlencoded");
        assertThat(r.header("Accept")).isEqualTo("application/json");
        assertThat(r.header("Authorization")).isEqualTo("Basic QUMxMjM6czNjcmV0");
        // Exactly the three fields, in the documented order, each decoding back to the original.
        assertThat(r.form()).containsExactly(Map.entry("To", TO), Map.entry("From", FROM), Map.entry("Body", text));
        // '+' of the number and '&' of the text must be escaped, or the gateway would read a space
        // and an extra field.
        assertThat(r.rawBody()).startsWith("To=%2B15551234567&From=%2B15550001111&Body=");
        assertThat(r.rawBody().split("&")).hasSize(3);
        assertThat(r.rawBody()).doesNotContain("ü", "€");
    }

    @Test
    void sendsNoAuthorizationWithoutAnAccount() {
        gateway("", "").send(TO, TEXT);

        assertThat(server.requests()).singleElement()
                .satisfies(r -> assertThat(r.header("Authorization")).isNull());
    }

    // ---- success and retries -----------------------------------------------------------------

    @ParameterizedTest
    @ValueSource(ints = {200, 201})
    void anyTwoHundredIsSuccessAfterOneRequest(int status) {
        server.script(status);

        gateway("AC123", "s3cret").send(TO, TEXT);

        assertThat(server.requests()).hasSize(1);
        assertThat(sleeps).isEmpty();
        assertThat(logs.list).isEmpty();
    }

    @Test
    void twoServerErrorsThenCreatedSucceedsOnTheThirdRequestWithDoublingBackoff() {
        server.script(500, 500, 201);

        gateway("AC123", "s3cret").send(TO, TEXT);

        assertThat(server.requests()).hasSize(3);
        assertThat(server.requests()).extracting(Request::rawBody).containsOnly(server.requests().get(0).rawBody());
        assertThat(sleeps).containsExactly(HttpSmsGateway.BACKOFF_INITIAL_MS, 2 * HttpSmsGateway.BACKOFF_INITIAL_MS);
        assertThat(warnLines()).hasSize(2).allSatisfy(line -> assertThat(line).contains("HTTP 500", "retrying"));
        assertNoSecretsLogged();
    }

    @Test
    void serviceUnavailableEveryTimeFailsAfterExactlyAttemptsMaxRequests() {
        server.script(503, 503, 503, 201);

        Mailer.DeliveryException e = catchThrowableOfType(Mailer.DeliveryException.class,
                () -> gateway("AC123", "s3cret").send(TO, TEXT));

        assertThat(server.requests()).hasSize(HttpSmsGateway.ATTEMPTS_MAX);
        assertThat(sleeps).hasSize(HttpSmsGateway.ATTEMPTS_MAX - 1);
        assertThat(e.getMessage()).contains("127.0.0.1:" + server.port(), "HTTP 503",
                "after " + HttpSmsGateway.ATTEMPTS_MAX + " attempts", TO_MASKED);
        assertNoSecrets(e);
        assertThat(warnLines()).hasSize(HttpSmsGateway.ATTEMPTS_MAX);
        assertThat(warnLines().get(HttpSmsGateway.ATTEMPTS_MAX - 1)).contains("giving up");
        assertNoSecretsLogged();
    }

    @Test
    void tooManyRequestsIsRetried() {
        server.script(429, 201);

        gateway("AC123", "s3cret").send(TO, TEXT);

        assertThat(server.requests()).hasSize(2);
        assertThat(sleeps).containsExactly(HttpSmsGateway.BACKOFF_INITIAL_MS);
    }

    @ParameterizedTest
    @ValueSource(ints = {400, 401, 403, 404})
    void otherClientErrorsFailAtOnceAfterOneRequest(int status) {
        server.script(status, 201);

        Mailer.DeliveryException e = catchThrowableOfType(Mailer.DeliveryException.class,
                () -> gateway("AC123", "s3cret").send(TO, TEXT));

        assertThat(server.requests()).hasSize(1);
        assertThat(sleeps).isEmpty();
        assertThat(e.getMessage()).contains("127.0.0.1:" + server.port(), "HTTP " + status, "after 1 attempt:");
        assertNoSecrets(e);
        assertThat(warnLines()).singleElement().asString().contains("HTTP " + status, "giving up");
        assertNoSecretsLogged();
    }

    // ---- network trouble ---------------------------------------------------------------------

    @Test
    void aGatewayThatNeverAnswersFailsWithinTheBoundedTime() {
        server.answerAfterMs(30_000);
        Duration timeout = Duration.ofMillis(300);
        HttpSmsGateway gateway = new HttpSmsGateway(config("AC123", "s3cret"), timeout, sleeps::add);

        long startNs = System.nanoTime();
        Mailer.DeliveryException e = catchThrowableOfType(Mailer.DeliveryException.class,
                () -> gateway.send(TO, TEXT));
        Duration took = Duration.ofNanos(System.nanoTime() - startNs);

        // Three timed-out requests and no real backoff: well under 3 x (timeout + connect limit).
        assertThat(took).isLessThan(Duration.ofSeconds(5));
        assertThat(server.requests()).hasSize(HttpSmsGateway.ATTEMPTS_MAX);
        assertThat(e.getMessage()).contains("HttpTimeoutException",
                "after " + HttpSmsGateway.ATTEMPTS_MAX + " attempts");
        assertNoSecrets(e);
        assertNoSecretsLogged();
    }

    @Test
    void connectionRefusedFailsAfterAttemptsMaxTries() throws IOException {
        int closedPort;
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            closedPort = s.getLocalPort();
        }
        SmsConfig nowhere = new SmsConfig(URI.create("http://127.0.0.1:" + closedPort + PATH), "AC123", "s3cret", FROM);

        Mailer.DeliveryException e = catchThrowableOfType(Mailer.DeliveryException.class,
                () -> new HttpSmsGateway(nowhere, Duration.ofSeconds(5), sleeps::add).send(TO, TEXT));

        assertThat(sleeps).hasSize(HttpSmsGateway.ATTEMPTS_MAX - 1);
        assertThat(e.getMessage()).contains("127.0.0.1:" + closedPort, "ConnectException",
                "after " + HttpSmsGateway.ATTEMPTS_MAX + " attempts");
        assertThat(e.getCause()).isInstanceOf(IOException.class);
        assertNoSecrets(e);
        assertThat(warnLines()).hasSize(HttpSmsGateway.ATTEMPTS_MAX);
        assertNoSecretsLogged();
    }

    @Test
    void interruptionStopsRetryingAndKeepsTheInterruptFlag() {
        server.script(503, 503, 503);
        HttpSmsGateway gateway = new HttpSmsGateway(config("AC123", "s3cret"), Duration.ofSeconds(5), ms -> {
            throw new InterruptedException();
        });

        try {
            assertThatThrownBy(() -> gateway.send(TO, TEXT))
                    .isInstanceOf(Mailer.DeliveryException.class)
                    .hasMessageContaining("interrupted");
            assertThat(Thread.currentThread().isInterrupted()).isTrue();
            assertThat(server.requests()).hasSize(1);
        } finally {
            Thread.interrupted();
        }
    }

    // ---- arguments ---------------------------------------------------------------------------

    @Test
    void textOfTheMaximumLengthIsSentOneLongerIsRefusedUnsent() {
        String longest = "x".repeat(HttpSmsGateway.TEXT_CHARS_MAX - CODE.length()) + CODE;
        HttpSmsGateway gateway = gateway("AC123", "s3cret");

        gateway.send(TO, longest);
        assertThat(server.requests()).singleElement()
                .satisfies(r -> assertThat(r.form().get("Body")).isEqualTo(longest));

        assertThatThrownBy(() -> gateway.send(TO, longest + "x"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(String.valueOf(HttpSmsGateway.TEXT_CHARS_MAX))
                .hasMessageNotContaining(CODE);
        assertThatThrownBy(() -> gateway.send(TO, "")).isInstanceOf(IllegalArgumentException.class);
        assertThat(server.requests()).hasSize(1);
    }

    @ParameterizedTest
    @ValueSource(strings = {"15551234567", "+05551234567", "+123456", "+1234567890123456", "+1 555 123 4567",
            "+1555123456x", "", "+"})
    void numbersThatAreNotE164AreRefusedUnsent(String bad) {
        assertThatThrownBy(() -> gateway("AC123", "s3cret").send(bad, TEXT))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("E.164");
        assertThat(server.requests()).isEmpty();
    }

    @Test
    void shortestAndLongestE164NumbersAreAccepted() {
        gateway("", "").send("+1234567", TEXT);
        gateway("", "").send("+123456789012345", TEXT);

        assertThat(server.requests()).extracting(r -> r.form().get("To")).containsExactly("+1234567", "+123456789012345");
    }

    @Test
    void backoffDoublesUpToItsCeiling() {
        assertThat(HttpSmsGateway.backoffMs(1)).isEqualTo(200);
        assertThat(HttpSmsGateway.backoffMs(2)).isEqualTo(400);
        assertThat(HttpSmsGateway.backoffMs(3)).isEqualTo(800);
        assertThat(HttpSmsGateway.backoffMs(4)).isEqualTo(1_600);
        assertThat(HttpSmsGateway.backoffMs(5)).isEqualTo(HttpSmsGateway.BACKOFF_MAX_MS);
        assertThat(HttpSmsGateway.backoffMs(64)).isEqualTo(HttpSmsGateway.BACKOFF_MAX_MS);
    }

    @Test
    void masksAllButTheLastTwoDigits() {
        assertThat(HttpSmsGateway.mask(TO)).isEqualTo(TO_MASKED);
        assertThat(HttpSmsGateway.mask("+1234567")).isEqualTo("+*****67");
    }

    @Test
    void describeNamesTheGatewayAndAccountButNotTheToken() {
        String d = gateway("AC123", "s3cret").describe();

        assertThat(d).contains("http://127.0.0.1:" + server.port() + PATH, "AC123", FROM).doesNotContain("s3cret");
    }

    // ---- configuration -----------------------------------------------------------------------

    @Test
    void configIsAbsentWithoutAUrl() {
        assertThat(SmsConfig.fromEnvironment(Map.of())).isEmpty();
        assertThat(SmsConfig.fromEnvironment(Map.of("CRATER_SMS_URL", "  ", "CRATER_SMS_FROM", FROM))).isEmpty();
    }

    @Test
    void configReadsAllFourVariables() {
        Optional<SmsConfig> c = SmsConfig.fromEnvironment(Map.of(
                "CRATER_SMS_URL", "https://api.example.com" + PATH,
                "CRATER_SMS_ACCOUNT", "AC123",
                "CRATER_SMS_TOKEN", "s3cret",
                "CRATER_SMS_FROM", FROM));

        assertThat(c).contains(new SmsConfig(URI.create("https://api.example.com" + PATH), "AC123", "s3cret", FROM));
        assertThat(c.orElseThrow().toString()).doesNotContain("s3cret");
    }

    @Test
    void malformedConfigNamesTheVariable() {
        assertThatThrownBy(() -> SmsConfig.fromEnvironment(Map.of("CRATER_SMS_URL", "http://exa mple.com/x",
                "CRATER_SMS_FROM", FROM))).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("CRATER_SMS_URL");
        assertThatThrownBy(() -> SmsConfig.fromEnvironment(Map.of("CRATER_SMS_URL", "ftp://example.com/x",
                "CRATER_SMS_FROM", FROM))).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("CRATER_SMS_URL");
        assertThatThrownBy(() -> SmsConfig.fromEnvironment(Map.of("CRATER_SMS_URL", "/relative",
                "CRATER_SMS_FROM", FROM))).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("CRATER_SMS_URL");
        assertThatThrownBy(() -> SmsConfig.fromEnvironment(Map.of("CRATER_SMS_URL", "https://AC1:s3cret@example.com/x",
                "CRATER_SMS_FROM", FROM))).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("CRATER_SMS_URL").hasMessageNotContaining("s3cret");
        assertThatThrownBy(() -> SmsConfig.fromEnvironment(Map.of("CRATER_SMS_URL", "https://example.com/x")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("CRATER_SMS_FROM");
        assertThatThrownBy(() -> SmsConfig.fromEnvironment(Map.of("CRATER_SMS_URL", "https://example.com/x",
                "CRATER_SMS_FROM", FROM, "CRATER_SMS_TOKEN", "s3cret")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("CRATER_SMS_ACCOUNT");
    }

    // ---- development fallback ----------------------------------------------------------------

    @Test
    void outboxSenderStoresTheMessageInTheRealOutbox(@TempDir Path dataDir) {
        CraterConfig config = new CraterConfig("127.0.0.1", 0, dataDir, false, "", "", "", Optional.empty(),
                CraterConfig.TOKEN_TTL_DEFAULT, CraterConfig.INTERIM_TTL_MAX, "");
        try (Database db = Database.open(config)) {
            Outbox outbox = new Outbox(db.jdbi(), InstantSource.system());
            OutboxSmsSender sender = new OutboxSmsSender(outbox);

            sender.send(TO, TEXT);

            assertThat(outbox.newest(10)).singleElement().satisfies(entry -> {
                assertThat(entry.channel()).isEqualTo("sms");
                assertThat(entry.recipient()).isEqualTo(TO);
                assertThat(entry.subject()).isEqualTo("SMS");
                assertThat(entry.body()).isEqualTo(TEXT);
            });
            assertThatThrownBy(() -> sender.send("5551234567", TEXT)).isInstanceOf(IllegalArgumentException.class);
            assertThatThrownBy(() -> sender.send(TO, "x".repeat(HttpSmsGateway.TEXT_CHARS_MAX + 1)))
                    .isInstanceOf(IllegalArgumentException.class);
            assertThat(outbox.newest(10)).hasSize(1);
            assertThat(sender.describe()).contains("development outbox");
        }
    }

    // ---- helpers -----------------------------------------------------------------------------

    private SmsConfig config(String account, String token) {
        return new SmsConfig(URI.create("http://127.0.0.1:" + server.port() + PATH), account, token, FROM);
    }

    private HttpSmsGateway gateway(String account, String token) {
        return new HttpSmsGateway(config(account, token), Duration.ofSeconds(5), sleeps::add);
    }

    private static void assertNoSecrets(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            assertThat(String.valueOf(t.getMessage())).doesNotContain(CODE, TEXT, TO, "s3cret");
        }
    }

    private List<String> warnLines() {
        return logs.list.stream().filter(ev -> ev.getLevel() == Level.WARN).map(ILoggingEvent::getFormattedMessage)
                .toList();
    }

    private void assertNoSecretsLogged() {
        assertThat(logs.list).isNotEmpty().allSatisfy(ev -> {
            assertThat(ev.getFormattedMessage()).doesNotContain(CODE, TO, "s3cret").contains(TO_MASKED);
            assertThat(ev.getThrowableProxy()).isNull();
        });
    }

    /** One request as the fake gateway saw it. */
    record Request(String method, String path, Map<String, List<String>> headers, String rawBody,
                   Map<String, String> form) {
        String header(String name) {
            return headers.entrySet().stream().filter(e -> e.getKey().equalsIgnoreCase(name))
                    .map(e -> e.getValue().get(0)).findFirst().orElse(null);
        }
    }

    /**
     * A local HTTP server standing in for the SMS gateway: records every request and answers with
     * the next scripted status (201 once the script is used up), optionally after a delay. Error
     * answers echo the text back, as real gateways do, so a leak of the response body would show.
     */
    static final class FakeGateway implements AutoCloseable {
        private final HttpServer http;
        private final ExecutorService pool = Executors.newCachedThreadPool();
        private final List<Request> requests = new CopyOnWriteArrayList<>();
        private final Deque<Integer> script = new ArrayDeque<>();
        private volatile long delayMs;

        FakeGateway() throws IOException {
            http = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
            http.setExecutor(pool);
            http.createContext("/", this::handle);
            http.start();
        }

        int port() {
            return http.getAddress().getPort();
        }

        synchronized void script(Integer... statuses) {
            script.addAll(List.of(statuses));
        }

        void answerAfterMs(long ms) {
            delayMs = ms;
        }

        List<Request> requests() {
            return List.copyOf(requests);
        }

        private synchronized int nextStatus() {
            Integer s = script.poll();
            return s == null ? 201 : s;
        }

        private void handle(HttpExchange ex) throws IOException {
            try (ex) {
                String raw;
                try (InputStream in = ex.getRequestBody()) {
                    raw = new String(in.readAllBytes(), StandardCharsets.UTF_8);
                }
                Map<String, String> form = decodeForm(raw);
                requests.add(new Request(ex.getRequestMethod(), ex.getRequestURI().getPath(),
                        Map.copyOf(ex.getRequestHeaders()), raw, form));
                if (delayMs > 0) {
                    try {
                        Thread.sleep(delayMs);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        return;
                    }
                }
                int status = nextStatus();
                String body = status < 300
                        ? "{\"sid\":\"SM0001\",\"status\":\"queued\"}"
                        : "{\"code\":21211,\"message\":\"cannot send '" + form.get("Body") + "' to " + form.get("To") + "\"}";
                byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
                ex.getResponseHeaders().set("Content-Type", "application/json");
                ex.sendResponseHeaders(status, bytes.length);
                try (OutputStream out = ex.getResponseBody()) {
                    out.write(bytes);
                }
            }
        }

        private static Map<String, String> decodeForm(String raw) {
            Map<String, String> form = new LinkedHashMap<>();
            if (raw.isEmpty()) {
                return form;
            }
            for (String pair : raw.split("&", -1)) {
                int eq = pair.indexOf('=');
                String key = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
                String value = eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
                form.put(key, value);
            }
            return form;
        }

        @Override
        public void close() {
            http.stop(0);
            pool.shutdownNow();
        }
    }
}
