package dev.crater.auth;

import dev.crater.common.Refusal;
import dev.crater.companies.Company;
import dev.crater.notify.Mail;
import dev.crater.notify.Mailer;
import dev.crater.notify.SmsSender;
import dev.crater.users.User;
import java.time.Duration;
import java.time.InstantSource;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends one-time codes by e-mail or SMS, within the {@link CodeThrottle}. A message that cannot be
 * delivered gives its throttle reservation back: the failure is the server's, not the user's.
 */
public final class CodeDelivery {
    private static final Logger LOG = LoggerFactory.getLogger(CodeDelivery.class);
    public static final int SMS_CHARS_MAX = 160;

    /** What happened to a code. */
    public sealed interface Result {
        record Sent() implements Result {
        }

        record Throttled(long retryAfterMs) implements Result {
            /** The wait in whole seconds, rounded up, at least 1: what {@code Retry-After} carries. */
            public long retryAfterSeconds() {
                return Math.max(1, (retryAfterMs + 999) / 1000);
            }

            /** The settings APIs' answer: 429 in the envelope. */
            public Refusal refusal() {
                return Refusal.Coded.tooSoon("TooManyCodes",
                        "A code was sent recently; try again in " + retryAfterSeconds() + " seconds.");
            }
        }

        record Failed() implements Result {
        }
    }

    /** What the code is for; it decides the wording. */
    public enum Purpose {
        LOGIN("log-in"), SETTINGS("security settings"), PHONE("phone number");

        final String words;

        Purpose(String words) {
            this.words = words;
        }
    }

    private final Mailer mailer;
    private final SmsSender sms;
    private final CodeThrottle throttle;
    private final InstantSource clock;
    private final Duration lifetime;

    public CodeDelivery(Mailer mailer, SmsSender sms, CodeThrottle throttle, InstantSource clock, Duration lifetime) {
        this.mailer = mailer;
        this.sms = sms;
        this.throttle = throttle;
        this.clock = clock;
        this.lifetime = lifetime;
    }

    /** Sends {@code code} to {@code user} by {@code method} ({@code EMAIL} or {@code SMS}). */
    public Result send(Company company, User user, User.TwoFactorMethod method, String code, Purpose purpose) {
        if (!method.sendsCode()) {
            throw new IllegalArgumentException(method + " does not send codes");
        }
        String to = method == User.TwoFactorMethod.SMS ? user.phone() : user.email();
        return sendTo(company, user, method, to, code, purpose);
    }

    /** Sends {@code code} by SMS to a number that is not bound yet (phone binding). */
    public Result sendToPhone(Company company, User user, String phone, String code) {
        return sendTo(company, user, User.TwoFactorMethod.SMS, phone, code, Purpose.PHONE);
    }

    private Result sendTo(Company company, User user, User.TwoFactorMethod method, String to, String code, Purpose purpose) {
        if (to == null) {
            return new Result.Failed();
        }
        long now = clock.millis();
        Optional<Long> wait = throttle.reserve(user.id(), method.wire(), now);
        if (wait.isPresent()) {
            return new Result.Throttled(wait.get());
        }
        try {
            if (method == User.TwoFactorMethod.SMS) {
                sms.send(to, smsText(company.name(), code, purpose));
            } else {
                mailer.send(mail(company, to, code, purpose));
            }
            return new Result.Sent();
        } catch (Mailer.DeliveryException e) {
            throttle.release(user.id(), now);
            LOG.warn("{} code for user {} not delivered: {}", method.wire(), user.id(), e.getMessage());
            return new Result.Failed();
        }
    }

    private long minutes() {
        return Math.max(1, lifetime.toMinutes());
    }

    Mail mail(Company company, String to, String code, Purpose purpose) {
        return new Mail(to, company.name() + " verification code",
                "Your " + company.name() + " " + purpose.words + " verification code is " + code + ".\n"
                        + "It expires in " + minutes() + " minutes and works once.\n"
                        + "If you did not ask for it, change your password.");
    }

    /** The SMS text: at most 160 characters, naming the company (shortened if it must be), the code and its lifetime. */
    String smsText(String companyName, String code, Purpose purpose) {
        String tail = " " + purpose.words + " code: " + code + ". Valid " + minutes() + " min. Never share it.";
        int room = SMS_CHARS_MAX - tail.length();
        String name = companyName.length() <= room ? companyName : companyName.substring(0, Math.max(1, room - 1)) + "…";
        return name + tail;
    }
}
