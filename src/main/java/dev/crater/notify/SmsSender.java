package dev.crater.notify;

/** Delivers text messages: through an HTTP gateway in production, into the development outbox otherwise. */
public interface SmsSender {

    /**
     * Sends one text message; blocks until the gateway accepted it or every attempt failed.
     *
     * @param toE164  the recipient in E.164 form, e.g. {@code +15551234567}
     * @param text    the message, at most {@link HttpSmsGateway#TEXT_CHARS_MAX} characters
     * @throws Mailer.DeliveryException when it could not be delivered (message never contains the text body)
     * @throws IllegalArgumentException when the number is not E.164 or the text is empty or too long
     */
    void send(String toE164, String text);

    /** A one-line description for the start-up banner. */
    String describe();
}
