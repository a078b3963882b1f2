package dev.crater.auth;

import dev.crater.companies.CompanyPolicy;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.time.Duration;
import java.util.Optional;
import org.jdbi.v3.core.Jdbi;

/**
 * Addresses a user has completed a login from ({@code login_origins}), each with its own failure
 * count and wait. See {@link LoginGuard} for what they change.
 */
public final class LoginOrigins {
    /** A completed login keeps its address known this long. */
    public static final Duration KNOWN_FOR = Duration.ofDays(90);
    /** Known addresses kept per user: the most recent ones. */
    public static final int PER_USER_MAX = 20;

    /** A known address of a user: its failures since its last completed login, and its wait. */
    public record Origin(long userId, String origin, long lastSuccessMs, int failedAttempts, long blockedUntilMs) {
        public boolean waitingAt(long nowMs) {
            return nowMs < blockedUntilMs;
        }
    }

    private final Jdbi jdbi;

    public LoginOrigins(Jdbi jdbi) {
        this.jdbi = jdbi;
    }

    /**
     * The origin of a client address: an IPv4 address as is, an IPv6 address as its /64 network
     * (privacy extensions change the rest of the address every day). Anything that is not an IP
     * address literal is kept as given.
     */
    public static String originOf(String address) {
        if (address == null || address.isEmpty()) {
            return "";
        }
        String a = address.length() > 64 ? address.substring(0, 64) : address;
        if (a.indexOf(':') < 0) {
            return a;
        }
        try {
            // With a ':' this only parses an IPv6 literal (getByName resolves no names for those).
            InetAddress parsed = InetAddress.getByName(a);
            if (parsed instanceof Inet6Address v6) {
                byte[] b = v6.getAddress();
                StringBuilder s = new StringBuilder();
                for (int i = 0; i < 8; i += 2) {
                    s.append(Integer.toHexString(((b[i] & 0xff) << 8) | (b[i + 1] & 0xff))).append(':');
                }
                return s.append(":/64").toString();
            }
            return parsed.getHostAddress();
        } catch (java.net.UnknownHostException e) {
            return a;
        }
    }

    /** The origin, when it is a known one of the user at {@code nowMs}. */
    public Optional<Origin> known(long userId, String origin, long nowMs) {
        return jdbi.withHandle(h -> h.createQuery("""
                        SELECT user_id, origin, last_success_ms, failed_attempts, blocked_until_ms FROM login_origins
                        WHERE user_id = :u AND origin = :o AND last_success_ms > :since""")
                .bind("u", userId).bind("o", origin).bind("since", nowMs - KNOWN_FOR.toMillis())
                .map((rs, ctx) -> new Origin(rs.getLong(1), rs.getString(2), rs.getLong(3), rs.getInt(4), rs.getLong(5)))
                .findOne());
    }

    /**
     * Counts a failure from {@code origin} when it is a known one of the user (its own waits, on the
     * company's schedule; never a lock), in one statement.
     *
     * @return the origin's failures since its last completed login, or empty when it is not known
     */
    public Optional<Integer> failed(long userId, String origin, long nowMs, CompanyPolicy p) {
        return jdbi.withHandle(h -> h.createQuery("""
                        UPDATE login_origins SET failed_attempts = failed_attempts + 1,
                            blocked_until_ms = CASE
                                WHEN failed_attempts + 1 - :free <= 0 THEN 0
                                WHEN (failed_attempts + 1 - :free) * :delay >= :delayMax THEN :now + :delayMax
                                ELSE :now + (failed_attempts + 1 - :free) * :delay END
                        WHERE user_id = :u AND origin = :o AND last_success_ms > :since
                        RETURNING failed_attempts""")
                .bind("free", (long) p.freeFailures()).bind("delay", p.failureDelaySeconds() * 1000L)
                .bind("delayMax", p.failureDelayMaxSeconds() * 1000L).bind("now", nowMs)
                .bind("u", userId).bind("o", origin).bind("since", nowMs - KNOWN_FOR.toMillis())
                .mapTo(Integer.class).findOne());
    }

    /** A completed login from {@code origin}: it is known from now on, with no failures. */
    public void succeeded(long userId, String origin, long nowMs) {
        jdbi.useTransaction(h -> {
            h.createUpdate("""
                            INSERT INTO login_origins (user_id, origin, last_success_ms, failed_attempts, blocked_until_ms)
                            VALUES (:u, :o, :now, 0, 0)
                            ON CONFLICT (user_id, origin)
                            DO UPDATE SET last_success_ms = :now, failed_attempts = 0, blocked_until_ms = 0""")
                    .bind("u", userId).bind("o", origin).bind("now", nowMs).execute();
            h.createUpdate("""
                            DELETE FROM login_origins WHERE user_id = :u AND origin NOT IN (
                                SELECT origin FROM login_origins WHERE user_id = :u
                                ORDER BY last_success_ms DESC, origin LIMIT :max)""")
                    .bind("u", userId).bind("max", PER_USER_MAX).execute();
        });
    }
}
