package dev.crater.auth;

import java.util.Optional;
import org.jdbi.v3.core.Jdbi;

/**
 * Limits how often a user can make the server send a code by e-mail or SMS: at least
 * {@link #RESEND_INTERVAL_MS} apart and at most {@link #SENDS_PER_HOUR_MAX} in any hour. Each send
 * is a row, so the limit holds across restarts and nodes. (Two nodes racing within the same
 * millisecond could each send one; the hourly cap bounds that.)
 */
public final class CodeThrottle {
    public static final long RESEND_INTERVAL_MS = 30_000;
    public static final int SENDS_PER_HOUR_MAX = 5;
    static final long HOUR_MS = 3_600_000;

    private final Jdbi jdbi;

    public CodeThrottle(Jdbi jdbi) {
        this.jdbi = jdbi;
    }

    /**
     * Reserves one send for {@code userId} at {@code nowMs}.
     *
     * @return empty when the send may go ahead (and it is recorded); otherwise the milliseconds to
     *     wait before the next one is allowed
     */
    public Optional<Long> reserve(long userId, String channel, long nowMs) {
        return jdbi.inTransaction(h -> {
            var rows = h.createQuery("SELECT sent_at_ms FROM code_sends WHERE user_id = :u AND sent_at_ms > :since ORDER BY sent_at_ms")
                    .bind("u", userId).bind("since", nowMs - HOUR_MS)
                    .mapTo(Long.class).list();
            if (!rows.isEmpty()) {
                long last = rows.get(rows.size() - 1);
                long waitInterval = last + RESEND_INTERVAL_MS - nowMs;
                long waitHour = rows.size() >= SENDS_PER_HOUR_MAX ? rows.get(rows.size() - SENDS_PER_HOUR_MAX) + HOUR_MS - nowMs : 0;
                long wait = Math.max(waitInterval, waitHour);
                if (wait > 0) {
                    return Optional.of(wait);
                }
            }
            h.createUpdate("INSERT INTO code_sends (user_id, channel, sent_at_ms) VALUES (:u, :c, :t)")
                    .bind("u", userId).bind("c", channel).bind("t", nowMs).execute();
            h.createUpdate("DELETE FROM code_sends WHERE user_id = :u AND sent_at_ms <= :old")
                    .bind("u", userId).bind("old", nowMs - HOUR_MS).execute();
            return Optional.empty();
        });
    }

    /** Gives back a reservation whose message could not be delivered: a failed send costs the user nothing. */
    public void release(long userId, long sentAtMs) {
        jdbi.useHandle(h -> h.createUpdate("DELETE FROM code_sends WHERE user_id = :u AND sent_at_ms = :t")
                .bind("u", userId).bind("t", sentAtMs).execute());
    }
}
