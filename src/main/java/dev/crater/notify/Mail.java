package dev.crater.notify;

import java.util.Objects;

/** One e-mail to send. */
public record Mail(String to, String subject, String body) {
    public static final int SUBJECT_CHARS_MAX = 300;
    public static final int BODY_CHARS_MAX = 4000;

    public Mail {
        Objects.requireNonNull(to, "to");
        Objects.requireNonNull(subject, "subject");
        Objects.requireNonNull(body, "body");
        if (subject.length() > SUBJECT_CHARS_MAX || body.length() > BODY_CHARS_MAX) {
            throw new IllegalArgumentException("mail subject or body over its limit");
        }
    }
}
