package dev.crater.auth;

import static org.assertj.core.api.Assertions.assertThat;

import dev.crater.companies.Company;
import dev.crater.config.SmtpConfig;
import dev.crater.testing.Http;
import dev.crater.testing.StoreKind;
import dev.crater.testing.TestServer;
import dev.crater.users.User;
import java.io.IOException;
import java.net.ServerSocket;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Goal: when the SMTP server cannot take the code, {@code /token} says so clearly for the
 * VerificationCode step, leaves no half-open login behind, and does not count it against the user.
 *
 * <p>Method: point the server at a local port where nothing listens.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class MailDeliveryFailureTest {

    @Test
    void undeliverableCodeAnswers503AndTheUserMayRetry() throws IOException {
        int closedPort;
        try (ServerSocket s = new ServerSocket(0)) {
            closedPort = s.getLocalPort();
        }
        try (TestServer server = TestServer.start(StoreKind.SQLITE,
                Optional.of(new SmtpConfig("127.0.0.1", closedPort, "", "", "crater@test.example")))) {
            Company c = server.company();
            User u = server.user(c, TestServer.username("nomail"), null, User.TwoFactorMethod.EMAIL);
            for (int attempt = 0; attempt < 3; attempt++) {
                Http.Response r = Http.post(server.api() + "token", "Et-App-Key", c.appKey(), "Username", u.username(),
                        "Password", TestServer.PASSWORD);
                assertThat(r.status()).isEqualTo(503);
                assertThat(r.header("Retry-After")).isEqualTo("30");
                assertThat(r.body()).isEqualTo("{\"State\":\"Failed\",\"Step\":\"VerificationCode\","
                        + "\"Reason\":\"Confirmation code could not be sent\"}");
            }
            long challenges = server.services().database.jdbi().withHandle(h ->
                    h.createQuery("SELECT COUNT(*) FROM login_challenges").mapTo(Long.class).one());
            assertThat(challenges).isZero();
        }
    }
}
