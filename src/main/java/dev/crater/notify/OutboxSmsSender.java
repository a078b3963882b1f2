package dev.crater.notify;

import java.util.Objects;

/**
 * Text messages into the development outbox, used when no SMS gateway is configured. Applies the
 * same checks as {@link HttpSmsGateway} so a bad number or an over-long text fails in development
 * too, not first in production.
 */
public final class OutboxSmsSender implements SmsSender {
    /** The outbox channel name, beside {@code "email"}. */
    public static final String CHANNEL = "sms";
    /** Text messages have no subject; the outbox column is filled with this. */
    public static final String SUBJECT = "SMS";

    private final Outbox outbox;

    public OutboxSmsSender(Outbox outbox) {
        this.outbox = Objects.requireNonNull(outbox, "outbox");
    }

    @Override
    public void send(String toE164, String text) {
        HttpSmsGateway.checkMessage(toE164, text);
        outbox.record(CHANNEL, toE164, SUBJECT, text);
    }

    @Override
    public String describe() {
        return "development outbox (no SMS gateway configured): text messages are printed in this log and listed by"
                + " './crater admin outbox'";
    }
}
