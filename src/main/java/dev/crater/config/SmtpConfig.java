package dev.crater.config;

import java.util.Objects;
import java.util.Optional;

/**
 * Outgoing mail. When {@code CRATER_SMTP_HOST} is unset there is no SMTP configuration and
 * messages go to the development outbox instead.
 *
 * @param host      SMTP server
 * @param port      SMTP port (25, 587, or a test server's)
 * @param username  login, empty for none
 * @param password  password, empty for none
 * @param from      envelope and header sender
 */
public record SmtpConfig(String host, int port, String username, String password, String from) {
    public SmtpConfig {
        Objects.requireNonNull(host, "host");
        Objects.requireNonNull(from, "from");
        username = username == null ? "" : username;
        password = password == null ? "" : password;
        if (host.isBlank()) {
            throw new IllegalArgumentException("SMTP host must not be blank");
        }
        if (port <= 0 || port > 65535) {
            throw new IllegalArgumentException("SMTP port must be 1..65535, got " + port);
        }
    }

    static Optional<SmtpConfig> fromEnvironment(CraterConfig.Env e) {
        String host = e.string("CRATER_SMTP_HOST", "");
        if (host.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(new SmtpConfig(host,
                e.integer("CRATER_SMTP_PORT", 587),
                e.string("CRATER_SMTP_USERNAME", ""),
                e.string("CRATER_SMTP_PASSWORD", ""),
                e.string("CRATER_SMTP_FROM", "crater@localhost")));
    }
}
