package dev.crater.auth;

import static org.assertj.core.api.Assertions.assertThat;

import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetupTest;
import dev.crater.companies.Company;
import dev.crater.companies.CompanyPolicy;
import dev.crater.config.SmtpConfig;
import dev.crater.testing.Http;
import dev.crater.testing.Mailbox;
import dev.crater.testing.StoreKind;
import dev.crater.testing.TestServer;
import dev.crater.users.User;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;

/**
 * Goal: a password-reset code cannot be guessed. Each code belongs to the reset request it was
 * sent for, dies after five wrong tries, and its wrong tries count against the account like wrong
 * passwords; every refusal answers the same bytes, no sooner than a fixed floor; asking for a code
 * answers before any work that depends on whether the user exists.
 *
 * <p>Method: a real server with GreenMail and a movable clock; the reset flow over HTTP, exactly
 * as the reference documents it (step 3 sends the e-mailed code and nothing else).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class PasswordResetGuessingTest {
    static final String INVALID_CODE = "{\"Model\":null,\"Errors\":[\"The code is incorrect or expired.\"],"
            + "\"ErrorsCode\":[\"InvalidCode\"],\"StatusCode\":409,\"IsSucceed\":false}";

    GreenMail mail;
    TestServer server;
    Company company;

    @BeforeAll
    void start() {
        mail = new GreenMail(ServerSetupTest.SMTP.dynamicPort());
        mail.start();
        server = TestServer.start(StoreKind.SQLITE,
                Optional.of(new SmtpConfig("127.0.0.1", mail.getSmtp().getPort(), "", "", "crater@test.example")));
    }

    @AfterAll
    void stop() {
        server.close();
        mail.stop();
    }

    @BeforeEach
    void newCompany() {
        company = server.company();
        server.clock.advance(Duration.ofHours(2));
    }

    Http.Response send(String method, String path, String body) {
        return Http.send(method, server.api() + path, body, "Et-App-Key", company.appKey(),
                "Content-Type", "application/json");
    }

    User user(String prefix) {
        return server.user(company, TestServer.username(prefix), null, User.TwoFactorMethod.NONE);
    }

    /** Step 1, then the code from the e-mail it sent (waiting for that e-mail). */
    String requestCode(User u) {
        int seen = Mailbox.to(mail, u.email()).size();
        Http.Response r = send("POST", "v1.0/users/password/reset", "{\"User\":\"" + u.username() + "\"}");
        assertThat(r.body()).isEqualTo("{\"Errors\":[],\"IsSucceed\":false}");
        return Mailbox.resetCode(Mailbox.nextBody(mail, u.email(), seen));
    }

    Http.Response redeem(String code) {
        return send("POST", "v1.0/users/identifiers/reset/code", "{\"Code\":\"" + code + "\",\"Identifier\":\"ResetPassword\"}");
    }

    /** The same code with its last digit changed: same request, wrong secret. */
    static String wrong(String code, int n) {
        char last = code.charAt(code.length() - 1);
        char other = (char) ('0' + (last - '0' + 1 + n % 9) % 10);
        return code.substring(0, code.length() - 1) + other;
    }

    int failures(User u) {
        return server.services().users.fresh(u.id()).orElseThrow().failedAttempts();
    }

    @Test
    void aCodeDiesAfterFiveWrongTriesEvenIfTheRightOneComesNext() {
        User u = user("dies");
        String code = requestCode(u);
        for (int i = 0; i < PasswordService.RESET_CODE_FAILURES_MAX; i++) {
            Http.Response r = redeem(wrong(code, i));
            assertThat(r.status()).isEqualTo(409);
            assertThat(r.body()).isEqualTo(INVALID_CODE);
        }
        assertThat(redeem(code).body()).as("the right code after five wrong tries").isEqualTo(INVALID_CODE);
        // A new request gives a new code that works.
        server.clock.advance(Duration.ofMinutes(1));
        assertThat(redeem(requestCode(u)).status()).isEqualTo(200);
    }

    @Test
    void fourWrongTriesLeaveTheCodeUsable() {
        User u = user("four");
        String code = requestCode(u);
        for (int i = 0; i < PasswordService.RESET_CODE_FAILURES_MAX - 1; i++) {
            assertThat(redeem(wrong(code, i)).body()).isEqualTo(INVALID_CODE);
        }
        Http.Response ok = redeem(code);
        assertThat(ok.status()).as(ok.body()).isEqualTo(200);
        assertThat(redeem(code).body()).as("single use").isEqualTo(INVALID_CODE);
    }

    @Test
    void wrongCodesCountAgainstTheAccountLikeWrongPasswords() {
        User u = user("counted");
        String code = requestCode(u);
        redeem(wrong(code, 0));
        redeem(wrong(code, 1));
        assertThat(failures(u)).isEqualTo(2);
        // Past the free failures the account waits; during the wait even the right code is refused,
        // unread, and the refusal does not use up one of the code's tries.
        CompanyPolicy p = CompanyPolicy.DEFAULTS;
        for (int i = 2; i < p.freeFailures() + 1; i++) {
            Http.Response r = Http.post(server.api() + "token", "Et-App-Key", company.appKey(), "Username", u.username(),
                    "Password", "not the password " + i);
            assertThat(r.status()).isEqualTo(401);
        }
        assertThat(failures(u)).isEqualTo(p.freeFailures() + 1);
        assertThat(redeem(code).body()).isEqualTo(INVALID_CODE);
        assertThat(failures(u)).as("a refused try is not counted").isEqualTo(p.freeFailures() + 1);
        server.clock.advance(Duration.ofSeconds(p.failureDelaySeconds()));
        Http.Response ok = redeem(code);
        assertThat(ok.status()).as(ok.body()).isEqualTo(200);
    }

    @Test
    void aCodeOnlyOpensTheRequestItWasSentFor() {
        User a = user("alice");
        User b = user("bob");
        String codeA = requestCode(a);
        String codeB = requestCode(b);
        // Another request's code part, with this request's handle, or a code of another company.
        String mixed = codeA.substring(0, codeA.length() - PasswordService.RESET_SECRET_DIGITS)
                + codeB.substring(codeB.length() - PasswordService.RESET_SECRET_DIGITS);
        assertThat(redeem(mixed).body()).isEqualTo(INVALID_CODE);
        Company other = company;
        company = server.company();
        assertThat(redeem(codeB).body()).as("another company's code").isEqualTo(INVALID_CODE);
        company = other;
        Http.Response ok = redeem(codeB);
        assertThat(ok.status()).as(ok.body()).isEqualTo(200);
        assertThat(failures(b)).as("the foreign-company try did not touch b").isZero();
        assertThat(failures(a)).as("the mixed code counted against a's request and account").isEqualTo(1);
        // The documented client sends what the e-mail shows; the digits alone work too.
        Http.Response okA = redeem(codeA.replace("-", ""));
        assertThat(okA.status()).as(okA.body()).isEqualTo(200);
    }

    @Test
    void everyRefusalAnswersTheSameBytesNoSoonerThanTheFloor() {
        User u = user("same");
        String dead = requestCode(u);
        for (int i = 0; i < PasswordService.RESET_CODE_FAILURES_MAX; i++) {
            redeem(wrong(dead, i));
        }
        server.clock.advance(Duration.ofMinutes(1));
        String live = requestCode(u);
        User expiring = user("expired");
        String expired = requestCode(expiring);
        server.clock.advance(Duration.ofMinutes(11));
        server.services().users.resetFailures(server.services().users.fresh(u.id()).orElseThrow());
        List<String> refused = List.of(
                "00000000000000",          // no such request
                wrong(live, 0),            // wrong secret for an open request
                dead,                      // a request that died of wrong tries
                expired,                   // an expired request
                "12345678",                // the old 8-digit shape
                "not a code at all",
                "");
        long floorNanos = PasswordService.RESET_REFUSAL_FLOOR.toNanos();
        for (String code : refused) {
            long t0 = System.nanoTime();
            Http.Response r = redeem(code);
            long took = System.nanoTime() - t0;
            assertThat(r.status()).as(code).isEqualTo(409);
            assertThat(r.body()).as(code).isEqualTo(INVALID_CODE);
            assertThat(took).as("refusal of '%s' took %d ms", code, took / 1_000_000).isGreaterThanOrEqualTo(floorNanos);
        }
    }

    /**
     * Step 1 answers before the e-mail is handed over: whether a code is sent (a known user) or not
     * cannot show in the answer's timing. The mail server here accepts the connection and never
     * greets, so a step 1 that waited for delivery could only answer after the mailer's read
     * timeout gave up on that connection.
     */
    @Test
    void askingForACodeAnswersBeforeTheMailIsDelivered() throws Exception {
        SilentSmtp silent = new SilentSmtp();
        TestServer s = TestServer.start(StoreKind.SQLITE,
                Optional.of(new SmtpConfig("127.0.0.1", silent.port(), "", "", "crater@test.example")));
        try {
            Company c = s.company();
            User u = s.user(c, TestServer.username("slow-mail"), null, User.TwoFactorMethod.NONE);
            Http.Response r = Http.send("POST", s.api() + "v1.0/users/password/reset", "{\"User\":\"" + u.username() + "\"}",
                    "Et-App-Key", c.appKey(), "Content-Type", "application/json");
            assertThat(r.body()).isEqualTo("{\"Errors\":[],\"IsSucceed\":false}");
            assertThat(silent.closed.get()).as("the mailer gave up on the silent server before step 1 answered").isZero();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (silent.accepted.get() == 0 && System.nanoTime() < deadline) {
                Thread.sleep(10);
            }
            assertThat(silent.accepted.get()).as("the code is still sent, after the answer").isEqualTo(1);
        } finally {
            silent.close(); // the mailer's wait ends at once, so the server stops without waiting for it
            s.close();
        }
    }

    /** An SMTP server that accepts connections and never says a word. */
    static final class SilentSmtp implements AutoCloseable {
        final ServerSocket socket;
        final AtomicInteger accepted = new AtomicInteger();
        final AtomicInteger closed = new AtomicInteger();
        final List<Socket> held = new CopyOnWriteArrayList<>();

        SilentSmtp() {
            try {
                socket = new ServerSocket(0);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            Thread.ofVirtual().start(() -> {
                while (!socket.isClosed()) {
                    try {
                        Socket s = socket.accept();
                        held.add(s);
                        accepted.incrementAndGet();
                        Thread.ofVirtual().start(() -> {
                            try (InputStream in = s.getInputStream()) {
                                while (in.read() >= 0) {
                                    // the client speaks only after a greeting; anything is ignored
                                }
                            } catch (IOException e) {
                                // closed by close()
                            }
                            if (!socket.isClosed()) {
                                closed.incrementAndGet();
                            }
                        });
                    } catch (IOException e) {
                        return;
                    }
                }
            });
        }

        int port() {
            return socket.getLocalPort();
        }

        @Override
        public void close() throws IOException {
            socket.close();
            for (Socket s : held) {
                s.close();
            }
        }
    }
}
