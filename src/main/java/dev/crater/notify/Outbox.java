package dev.crater.notify;

import java.time.InstantSource;
import java.util.List;
import org.jdbi.v3.core.Jdbi;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The development outbox: where e-mail goes when no SMTP server is configured. Each message is
 * stored (the newest {@link #MESSAGES_KEPT_MAX} are kept) for {@code ./crater admin outbox} and
 * printed to the log.
 *
 * <p>This is the one place where verification codes exist in plaintext outside the user's mail
 * box. It is a development convenience and is never used once {@code CRATER_SMTP_HOST} is set;
 * the server says so loudly at start-up.
 */
public final class Outbox implements Mailer {
    private static final Logger LOG = LoggerFactory.getLogger(Outbox.class);
    /** Messages kept; older ones are deleted on every write. */
    public static final int MESSAGES_KEPT_MAX = 100;

    /** One stored message. */
    public record Entry(long id, long createdAtMs, String channel, String recipient, String subject, String body) {
    }

    private final Jdbi jdbi;
    private final InstantSource clock;

    public Outbox(Jdbi jdbi, InstantSource clock) {
        this.jdbi = jdbi;
        this.clock = clock;
    }

    @Override
    public void send(Mail mail) {
        record("email", mail.to(), mail.subject(), mail.body());
    }

    /** Stores one message of any channel and trims the outbox to its limit. */
    public void record(String channel, String recipient, String subject, String body) {
        jdbi.useTransaction(h -> {
            h.createUpdate("""
                            INSERT INTO dev_outbox (created_at_ms, channel, recipient, subject, body)
                            VALUES (:t, :c, :r, :s, :b)""")
                    .bind("t", clock.millis()).bind("c", channel).bind("r", recipient)
                    .bind("s", subject).bind("b", body)
                    .execute();
            h.createUpdate("""
                            DELETE FROM dev_outbox WHERE id NOT IN
                            (SELECT id FROM dev_outbox ORDER BY id DESC LIMIT :keep)""")
                    .bind("keep", MESSAGES_KEPT_MAX)
                    .execute();
        });
        LOG.warn("DEV OUTBOX ({} to {}): {} | {}", channel, recipient, subject, body.replace('\n', ' '));
    }

    /** The newest messages first, at most {@code limit} of them. */
    public List<Entry> newest(int limit) {
        return jdbi.withHandle(h -> h.createQuery("SELECT * FROM dev_outbox ORDER BY id DESC LIMIT :n")
                .bind("n", Math.min(Math.max(limit, 1), MESSAGES_KEPT_MAX))
                .map((rs, ctx) -> new Entry(rs.getLong("id"), rs.getLong("created_at_ms"), rs.getString("channel"),
                        rs.getString("recipient"), rs.getString("subject"), rs.getString("body")))
                .list());
    }

    @Override
    public String describe() {
        return "development outbox (no SMTP configured): codes are printed in this log and listed by './crater admin outbox'";
    }
}
