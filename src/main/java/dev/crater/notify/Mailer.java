package dev.crater.notify;

/** Delivers e-mail: over SMTP in production, into the development outbox otherwise. */
public interface Mailer {

    /**
     * Sends {@code mail}, blocking until the server accepted it or the attempt failed.
     *
     * @throws DeliveryException when the message could not be handed over
     */
    void send(Mail mail);

    /** A one-line description for the start-up banner. */
    String describe();

    /** The message could not be delivered; the text never contains the message body. */
    final class DeliveryException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        public DeliveryException(String message, Throwable cause) {
            super(message, cause);
        }
    }
}
