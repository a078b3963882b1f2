package dev.crater.alerts;

import dev.crater.notify.HttpSmsGateway;
import dev.crater.notify.Mail;
import dev.crater.notify.Mailer;
import dev.crater.notify.SmsSender;
import dev.crater.subscriptions.PhoneService;
import dev.crater.subscriptions.SubscriptionRoutes.Channel;
import dev.crater.subscriptions.SubscriptionRoutes.SubscriptionType;
import dev.crater.users.User;
import dev.crater.users.UserService;
import java.math.BigDecimal;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Tells a user that a price alert fired, on the channels their {@code PriceAlert} subscriptions
 * enable (reference 01-authentication.md §6): e-mail through the {@link Mailer}, a text message
 * through the {@link SmsSender} (only to a bound and verified number). Both calls block on the
 * network, so this runs on the alert monitor's notification threads, never on the market's ticker.
 * A failed delivery is logged and not retried: the alert has completed either way.
 */
public final class AlertNotifier {
    private static final Logger LOG = LoggerFactory.getLogger(AlertNotifier.class);
    private static final DateTimeFormatter SMS_TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss 'UTC'")
            .withZone(ZoneOffset.UTC);

    /** One firing, as the notification describes it. */
    public record Fired(long alertId, long userId, int securityId, String symbol, PriceAlert.Field field,
            PriceAlert.Operator operator, BigDecimal level, BigDecimal price, long quoteTimeMs, long firedAtMs) {

        /** {@code AAPL Last >= 205}: the condition in the words of the API. */
        String condition() {
            return symbol + " " + field + " " + operator.symbol + " " + level.toPlainString();
        }
    }

    /** Where notifications go; the production one is {@link #deliver}. */
    @FunctionalInterface
    public interface Sink {
        void notify(Fired fired);
    }

    private final Mailer mailer;
    private final SmsSender sms;
    private final UserService users;
    private final PhoneService subscriptions;

    public AlertNotifier(Mailer mailer, SmsSender sms, UserService users, PhoneService subscriptions) {
        this.mailer = mailer;
        this.sms = sms;
        this.users = users;
        this.subscriptions = subscriptions;
    }

    /** Sends the e-mail and the text message the user's subscriptions ask for. */
    public void deliver(Fired fired) {
        Optional<User> found = users.byId(fired.userId());
        if (found.isEmpty() || !found.get().enabled()) {
            return;
        }
        User user = found.get();
        if (subscriptions.subscribed(user, Channel.Email, SubscriptionType.PriceAlert)) {
            try {
                mailer.send(mail(user, fired));
            } catch (RuntimeException e) {
                LOG.warn("price alert {}: e-mail to user {} failed: {}", fired.alertId(), user.id(), e.getMessage());
            }
        }
        if (user.phoneActive() && subscriptions.subscribed(user, Channel.MobileText, SubscriptionType.PriceAlert)) {
            try {
                sms.send(user.phone(), text(fired));
            } catch (RuntimeException e) {
                LOG.warn("price alert {}: text message to user {} failed: {}", fired.alertId(), user.id(),
                        e.getMessage());
            }
        }
    }

    static Mail mail(User user, Fired f) {
        String subject = "Price alert: " + f.condition() + " (now " + f.price().toPlainString() + ")";
        String body = "Your price alert " + f.alertId() + " has fired.\n\n"
                + "Security:  " + f.symbol() + " (id " + f.securityId() + ")\n"
                + "Condition: " + f.field() + " " + f.operator().symbol + " " + f.level().toPlainString()
                + " (" + f.operator() + ")\n"
                + "Price:     " + f.field() + " " + f.price().toPlainString() + " at "
                + Instant.ofEpochMilli(f.quoteTimeMs()) + " (market time)\n"
                + "Fired at:  " + Instant.ofEpochMilli(f.firedAtMs()) + "\n\n"
                + "The alert is now Completed and will not fire again unless you set its State back to New.\n"
                + "These e-mails follow your PriceAlert subscription for the Email channel.\n";
        return new Mail(user.email(), abbreviate(subject, Mail.SUBJECT_CHARS_MAX), abbreviate(body, Mail.BODY_CHARS_MAX));
    }

    static String text(Fired f) {
        String text = "Price alert " + f.alertId() + ": " + f.symbol() + " " + f.field() + " "
                + f.price().toPlainString() + " " + f.operator().symbol + " " + f.level().toPlainString() + " at "
                + SMS_TIME.format(Instant.ofEpochMilli(f.quoteTimeMs()));
        return abbreviate(text, HttpSmsGateway.TEXT_CHARS_MAX);
    }

    private static String abbreviate(String s, int max) {
        return s.length() <= max ? s : s.substring(0, max - 1) + "…";
    }
}
