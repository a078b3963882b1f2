package dev.crater.notify;

import dev.crater.config.SmtpConfig;
import jakarta.mail.Message;
import jakarta.mail.MessagingException;
import jakarta.mail.Session;
import jakarta.mail.Transport;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeMessage;
import java.nio.charset.StandardCharsets;
import java.time.InstantSource;
import java.util.Date;
import java.util.Properties;

/**
 * E-mail over SMTP with Angus Mail. Uses STARTTLS whenever the server offers it, and bounds every
 * network wait so a stuck mail server cannot hold a login open for long.
 */
public final class SmtpMailer implements Mailer {
    static final int CONNECT_TIMEOUT_MS = 5_000;
    static final int READ_TIMEOUT_MS = 10_000;
    static final int WRITE_TIMEOUT_MS = 10_000;

    private final SmtpConfig config;
    private final Session session;
    private final InstantSource clock;

    public SmtpMailer(SmtpConfig config, InstantSource clock) {
        this.config = config;
        this.clock = clock;
        Properties p = new Properties();
        p.put("mail.transport.protocol", "smtp");
        p.put("mail.smtp.host", config.host());
        p.put("mail.smtp.port", String.valueOf(config.port()));
        p.put("mail.smtp.auth", String.valueOf(!config.username().isEmpty()));
        p.put("mail.smtp.starttls.enable", "true");
        p.put("mail.smtp.connectiontimeout", String.valueOf(CONNECT_TIMEOUT_MS));
        p.put("mail.smtp.timeout", String.valueOf(READ_TIMEOUT_MS));
        p.put("mail.smtp.writetimeout", String.valueOf(WRITE_TIMEOUT_MS));
        p.put("mail.smtp.from", config.from());
        this.session = Session.getInstance(p);
    }

    @Override
    public void send(Mail mail) {
        try {
            MimeMessage message = new MimeMessage(session);
            message.setFrom(new InternetAddress(config.from()));
            message.setRecipient(Message.RecipientType.TO, new InternetAddress(mail.to()));
            message.setSubject(mail.subject(), StandardCharsets.UTF_8.name());
            message.setText(mail.body(), StandardCharsets.UTF_8.name());
            message.setSentDate(Date.from(clock.instant()));
            if (config.username().isEmpty()) {
                Transport.send(message);
            } else {
                Transport.send(message, config.username(), config.password());
            }
        } catch (MessagingException e) {
            throw new DeliveryException("SMTP delivery to " + config.host() + ":" + config.port() + " failed: "
                    + e.getClass().getSimpleName(), e);
        }
    }

    @Override
    public String describe() {
        return "SMTP " + config.host() + ":" + config.port() + " (STARTTLS when offered), from " + config.from();
    }
}
