package dev.crater.http;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.crater.companies.Company;
import dev.crater.testing.StoreKind;
import dev.crater.testing.TestServer;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.slf4j.LoggerFactory;

/**
 * Goal: a request body with broken chunked framing is answered once, 400 in the documented
 * {@code Message} shape, and its connection closed, on routes that read bodies and on routes that
 * do not, with nothing logged as an error; headers and bodies sent too slowly (or not finished)
 * are cut off at {@link Limits#HEADERS_READ_TIMEOUT} and {@link Limits#BODY_READ_TIMEOUT}.
 *
 * <p>Method: exact bytes over a socket. The slow cases wait for the server to close the connection,
 * with a deadline well past the limit (they fail by the deadline if nothing cuts them off), and
 * check that it did not happen before the limit; the variants of each run side by side.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class RequestReadingTest {
    static final String BAD_FRAMING = "{\"Message\":\"The request body is not validly framed (chunked encoding or Content-Length).\"}";
    static final Duration SLACK = Duration.ofSeconds(15);

    TestServer server;
    Company company;
    ListAppender<ILoggingEvent> logged;
    /** The slow clients of one test run side by side (the common pool has one thread on two cores). */
    final java.util.concurrent.ExecutorService clients = java.util.concurrent.Executors.newVirtualThreadPerTaskExecutor();

    @BeforeAll
    void start() {
        server = TestServer.start(StoreKind.SQLITE);
        company = server.company();
    }

    @AfterAll
    void stop() {
        clients.shutdownNow();
        server.close();
    }

    @BeforeEach
    void watchTheLog() {
        logged = new ListAppender<>();
        logged.start();
        ((Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME)).addAppender(logged);
    }

    @AfterEach
    void nothingWasLoggedAsAnError() {
        ((Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME)).detachAppender(logged);
        assertThat(logged.list).filteredOn(e -> e.getLevel().isGreaterOrEqual(Level.ERROR))
                .extracting(ILoggingEvent::getFormattedMessage).isEmpty();
    }

    /** What came back on a connection: every byte until the server closed it, and when. */
    record Exchange(String text, long closedAfterMs, boolean closed) {
        int responses() {
            return (int) Pattern.compile("HTTP/1\\.1 \\d{3} ").matcher(text).results().count();
        }
    }

    /** Opens a connection, writes {@code head}, then each of {@code trickle} every {@code everyMs}. */
    Exchange exchange(String head, List<String> trickle, long everyMs, Duration waitAtMost) {
        try (Socket s = new Socket("127.0.0.1", server.port())) {
            s.setSoTimeout((int) waitAtMost.toMillis());
            long t0 = System.nanoTime();
            OutputStream out = s.getOutputStream();
            out.write(head.getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
            CompletableFuture<Void> writer = CompletableFuture.runAsync(() -> {
                try {
                    for (String piece : trickle) {
                        Thread.sleep(everyMs); // the slow client under test, not a wait for the server
                        out.write(piece.getBytes(StandardCharsets.ISO_8859_1));
                        out.flush();
                    }
                } catch (IOException | InterruptedException e) {
                    // the server closed the connection: what the test is waiting for
                }
            }, clients);
            ByteArrayOutputStream buf = new ByteArrayOutputStream();
            InputStream in = s.getInputStream();
            byte[] chunk = new byte[8192];
            boolean closed;
            try {
                for (int n; (n = in.read(chunk)) > 0; ) {
                    buf.write(chunk, 0, n);
                }
                closed = true;
            } catch (SocketTimeoutException e) {
                closed = false;
            } catch (SocketException e) {
                closed = true; // reset
            }
            writer.cancel(true);
            return new Exchange(buf.toString(StandardCharsets.UTF_8), (System.nanoTime() - t0) / 1_000_000, closed);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    String chunkedHead(String path) {
        return "POST " + path + " HTTP/1.1\r\nHost: crater.test\r\nEt-App-Key: " + company.appKey()
                + "\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n";
    }

    @ParameterizedTest
    @ValueSource(strings = {"ZZ", "FFFFFFFFFFFFFFFF", "-1", "1G", "12345678901234567890"})
    void aBrokenChunkSizeIsAnsweredOnce400AndTheConnectionClosed(String size) {
        for (String path : List.of("/api/token", "/api/v1.0/users/password/reset")) {
            for (String rest : List.of("", "{\"User\":\"someone\"}\r\n0\r\n\r\n")) {
                Exchange x = exchange(chunkedHead(path) + size + "\r\n" + rest, List.of(), 0, Duration.ofSeconds(10));
                assertThat(x.closed()).as("%s %s: connection closed, got %s", path, size, x.text()).isTrue();
                assertThat(x.responses()).as("%s %s: %s", path, size, x.text()).isEqualTo(1);
                assertThat(x.text()).as(path).startsWith("HTTP/1.1 400 ").endsWith("\r\n\r\n" + BAD_FRAMING)
                        .contains("Content-Type: application/json; charset=utf-8");
            }
        }
    }

    @Test
    void aChunkWithoutItsCrlfOrLongerThanItsSizeIs400() {
        for (String body : List.of("5\r\nabcdefgh\r\n0\r\n\r\n", "3\r\nabc0\r\n\r\n")) {
            Exchange x = exchange(chunkedHead("/api/v1.0/users/password/reset") + body, List.of(), 0, Duration.ofSeconds(10));
            assertThat(x.closed()).as(x.text()).isTrue();
            assertThat(x.responses()).as(x.text()).isEqualTo(1);
            assertThat(x.text()).startsWith("HTTP/1.1 400 ").endsWith(BAD_FRAMING);
        }
    }

    @Test
    void aWellFramedChunkedBodyIsReadAsBefore() {
        String body = "{\"User\":\"someone\"}";
        Exchange x = exchange(chunkedHead("/api/v1.0/users/password/reset").replace("\r\n\r\n",
                "\r\nConnection: close\r\n\r\n") + "5\r\n" + body.substring(0, 5) + "\r\n"
                + Integer.toHexString(body.length() - 5) + "\r\n" + body.substring(5) + "\r\n0\r\n\r\n",
                List.of(), 0, Duration.ofSeconds(3));
        assertThat(x.text()).startsWith("HTTP/1.1 200 ").endsWith("{\"Errors\":[],\"IsSucceed\":false}");
    }

    @Test
    void headersSentTooSlowlyOrNeverFinishedAreCutOff() {
        String start = "GET /api/v1.0/users/@me/info HTTP/1.1\r\nHost: crater.test\r\n";
        Duration limit = Limits.HEADERS_READ_TIMEOUT;
        CompletableFuture<Exchange> stalled = CompletableFuture.supplyAsync(
                () -> exchange(start + "Et-App-Key: " + company.appKey() + "\r\n", List.of(), 0, limit.plus(SLACK)), clients);
        // One byte every half second: each read is quick, the headers never end in time.
        List<String> bytes = "X-Slow: aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
                .chars().mapToObj(c -> String.valueOf((char) c)).toList();
        CompletableFuture<Exchange> trickled = CompletableFuture.supplyAsync(
                () -> exchange(start, bytes, 500, limit.plus(SLACK)), clients);
        for (Exchange x : List.of(stalled.join(), trickled.join())) {
            assertThat(x.closed()).as("cut off within %s of the limit: %s", SLACK, x).isTrue();
            assertThat(x.closedAfterMs()).as("not before the limit").isGreaterThanOrEqualTo(limit.toMillis());
            assertThat(x.text()).isEmpty();
        }
    }

    @Test
    void bodiesSentTooSlowlyOrNeverFinishedAreCutOff() {
        Duration limit = Limits.BODY_READ_TIMEOUT;
        String reset = "POST /api/v1.0/users/password/reset HTTP/1.1\r\nHost: crater.test\r\nEt-App-Key: " + company.appKey()
                + "\r\nContent-Type: application/json\r\nContent-Length: 200\r\n\r\n{";
        String token = "POST /api/token HTTP/1.1\r\nHost: crater.test\r\nEt-App-Key: " + company.appKey()
                + "\r\nUsername: someone\r\nPassword: something\r\nContent-Length: 200\r\n\r\n{";
        List<String> bytes = "a".repeat(199).chars().mapToObj(c -> String.valueOf((char) c)).toList();
        List<CompletableFuture<Exchange>> runs = List.of(
                CompletableFuture.supplyAsync(() -> exchange(reset, List.of(), 0, limit.plus(SLACK)), clients),
                CompletableFuture.supplyAsync(() -> exchange(reset, bytes, 500, limit.plus(SLACK)), clients),
                // A route that never reads its body is no shelter.
                CompletableFuture.supplyAsync(() -> exchange(token, List.of(), 0, limit.plus(SLACK)), clients));
        for (CompletableFuture<Exchange> run : runs) {
            Exchange x = run.join();
            assertThat(x.closed()).as("cut off within %s of the limit: %s", SLACK, x).isTrue();
            assertThat(x.closedAfterMs()).as("not before the limit").isGreaterThanOrEqualTo(limit.toMillis());
            assertThat(x.responses()).as(x.text()).isLessThanOrEqualTo(1);
            if (x.responses() == 1) {
                assertThat(x.text()).startsWith("HTTP/1.1 408 ");
            }
        }
    }

    @Test
    void aKeptAliveConnectionServesOneRequestAfterAnother() {
        String one = "GET /api/v1.0/nothing-here HTTP/1.1\r\nHost: crater.test\r\n\r\n";
        Exchange x = exchange(one, List.of(one.replace("GET", "GET").replace("\r\n\r\n", "\r\nConnection: close\r\n\r\n")),
                200, Duration.ofSeconds(3));
        assertThat(x.responses()).as(x.text()).isEqualTo(2);
    }
}
