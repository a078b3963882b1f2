package dev.crater.feedback;

import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import dev.crater.common.Refusal;
import dev.crater.companies.Company;
import dev.crater.http.Dates;
import dev.crater.notify.Mail;
import dev.crater.notify.Mailer;
import dev.crater.users.User;
import java.time.Duration;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Users' feedback (reference 10-news-feedback.md §2): checked, stored, and e-mailed to the company's
 * support address when operators set one ({@code crater admin feedback set-support}).
 */
public final class FeedbackService {
    private static final Logger LOG = LoggerFactory.getLogger(FeedbackService.class);
    public static final int SUBJECT_CHARS_MAX = 200;
    public static final int COMMENT_CHARS_MAX = 4000;
    public static final int CONTACTS_CHARS_MAX = 200;
    public static final int BUILD_VERSION_CHARS_MAX = 100;
    public static final int USER_AGENT_CHARS_MAX = 300;
    /** The documented limit of attachments. */
    public static final int FILES_MAX = 5;
    public static final int FILE_NAME_CHARS_MAX = 100;
    public static final int FILE_TYPE_CHARS_MAX = 10;
    /** Feedbacks one user may send per {@link #RATE_WINDOW}; more is 429. */
    public static final int PER_USER_PER_WINDOW_MAX = 20;
    public static final Duration RATE_WINDOW = Duration.ofHours(1);
    /** Feedbacks {@code crater admin feedback list} shows at most. */
    public static final int LIST_MAX = 1000;
    private static final Pattern FILE_TYPE = Pattern.compile("[A-Za-z0-9]{1," + FILE_TYPE_CHARS_MAX + "}");
    private static final Pattern EMAIL = Pattern.compile("[^@\\s]{1,64}@[^@\\s]+\\.[^@\\s]+");
    public static final int EMAIL_CHARS_MAX = 254;

    /** The documented SubmitFeedbackModel, as sent and as answered. */
    @JsonPropertyOrder({"BuildVersion", "Comment", "Contacts", "Subject", "ImagesToUpload"})
    public record SubmitFeedbackModel(String buildVersion, String comment, String contacts, String subject,
                                      List<Base64FileMapModel> imagesToUpload) {
    }

    /** The documented Base64FileMapModel: {@code Type} is the file extension. */
    @JsonPropertyOrder({"Name", "Data", "Type"})
    public record Base64FileMapModel(String name, String data, String type) {
    }

    private final FeedbackStore store;
    private final Mailer mailer;
    private final InstantSource clock;

    public FeedbackService(FeedbackStore store, Mailer mailer, InstantSource clock) {
        this.store = store;
        this.mailer = mailer;
        this.clock = clock;
    }

    private static String text(String given, int max, String key, boolean required) {
        String t = given == null ? "" : given.trim();
        if (required && t.isEmpty()) {
            throw Refusal.invalid(key, key.substring(key.lastIndexOf('.') + 1) + " is required.");
        }
        if (t.length() > max) {
            throw Refusal.invalid(key, "At most " + max + " characters.");
        }
        return t;
    }

    /**
     * Stores the feedback and mails it to the company's support address, if it has one.
     *
     * @param arg the ModelState key of the body
     * @return the stored feedback (without its files' data)
     * @throws Refusal.Invalid naming the first bad field; a 429 {@link Refusal.Coded} past the per-user limit
     */
    public Feedback submit(Company company, User user, SubmitFeedbackModel m, String userAgent, String arg) {
        String subject = text(m.subject(), SUBJECT_CHARS_MAX, arg + ".Subject", false);
        String comment = text(m.comment(), COMMENT_CHARS_MAX, arg + ".Comment", true);
        String contacts = text(m.contacts(), CONTACTS_CHARS_MAX, arg + ".Contacts", false);
        String build = text(m.buildVersion(), BUILD_VERSION_CHARS_MAX, arg + ".BuildVersion", false);
        List<Base64FileMapModel> images = m.imagesToUpload() == null ? List.of() : m.imagesToUpload();
        if (images.size() > FILES_MAX) {
            throw Refusal.invalid(arg + ".ImagesToUpload", "At most " + FILES_MAX + " attachments.");
        }
        List<Feedback.File> files = new ArrayList<>();
        for (int i = 0; i < images.size(); i++) {
            Base64FileMapModel f = images.get(i);
            String key = arg + ".ImagesToUpload[" + i + "]";
            if (f == null) {
                throw Refusal.invalid(key, "An attachment is an object with Name, Data and Type.");
            }
            String name = text(f.name(), FILE_NAME_CHARS_MAX, key + ".Name", true);
            String type = text(f.type(), FILE_TYPE_CHARS_MAX, key + ".Type", true);
            if (!FILE_TYPE.matcher(type).matches()) {
                throw Refusal.invalid(key + ".Type", "The file extension, letters and digits only (png).");
            }
            String data = f.data() == null ? "" : f.data().trim();
            byte[] bytes;
            try {
                bytes = Base64.getMimeDecoder().decode(data);
            } catch (IllegalArgumentException e) {
                throw Refusal.invalid(key + ".Data", "Data is not base64.");
            }
            if (bytes.length == 0) {
                throw Refusal.invalid(key + ".Data", "Data is required.");
            }
            files.add(new Feedback.File(i, name, type.toLowerCase(Locale.ROOT), bytes.length,
                    Base64.getEncoder().encodeToString(bytes)));
        }
        long now = clock.millis();
        if (store.countSince(user.id(), now - RATE_WINDOW.toMillis()) >= PER_USER_PER_WINDOW_MAX) {
            throw Refusal.Coded.tooSoon("TooManyFeedbacks", "At most " + PER_USER_PER_WINDOW_MAX
                    + " feedbacks an hour; try again later.");
        }
        String agent = userAgent == null ? "" : userAgent.length() > USER_AGENT_CHARS_MAX
                ? userAgent.substring(0, USER_AGENT_CHARS_MAX) : userAgent;
        Optional<String> support = store.supportEmail(company.id());
        Feedback f = new Feedback(0, company.id(), user.id(), subject, comment, contacts, build, agent, now,
                support.isPresent() ? "failed" : "none", files);
        long id = store.insert(f);
        Feedback stored = new Feedback(id, f.companyId(), f.userId(), subject, comment, contacts, build, agent, now,
                f.mailState(), files);
        if (support.isPresent()) {
            try {
                mailer.send(mail(company, user, stored, support.get()));
                store.setMailState(id, "sent");
            } catch (Mailer.DeliveryException e) {
                LOG.warn("feedback {} not mailed to support: {}", id, e.getMessage());
            }
        }
        return store.byId(id).orElseThrow();
    }

    /** The mail to support: who, from which build and client, the subject and comment, the attachments by name. */
    static Mail mail(Company company, User user, Feedback f, String to) {
        String subject = "[" + company.name() + " feedback #" + f.id() + "] " + (f.subject().isEmpty() ? "(no subject)" : f.subject());
        if (subject.length() > Mail.SUBJECT_CHARS_MAX) {
            subject = subject.substring(0, Mail.SUBJECT_CHARS_MAX - 1) + "…";
        }
        StringBuilder head = new StringBuilder()
                .append("From: ").append(user.username()).append(" (user ").append(user.id()).append(", ")
                .append(user.email()).append(")\n")
                .append("Contacts: ").append(f.contacts()).append('\n')
                .append("Build: ").append(f.buildVersion()).append('\n')
                .append("Client: ").append(f.userAgent()).append('\n')
                .append("Sent: ").append(Dates.iso(f.createdAtMs())).append('\n');
        StringBuilder tail = new StringBuilder();
        if (!f.files().isEmpty()) {
            tail.append("\nAttachments (crater admin feedback show --id ").append(f.id()).append(" --save-to DIR):\n");
            for (Feedback.File file : f.files()) {
                tail.append("  ").append(file.name()).append('.').append(file.type()).append(" (")
                        .append(file.sizeBytes()).append(" bytes)\n");
            }
        }
        String comment = f.comment();
        int room = Mail.BODY_CHARS_MAX - head.length() - tail.length() - 2;
        if (comment.length() > room) {
            comment = comment.substring(0, Math.max(0, room - 1)) + "…";
        }
        return new Mail(to, subject, head + "\n" + comment + "\n" + tail);
    }

    /**
     * Sets (or with blank, clears) the company's support address (operators).
     *
     * @throws IllegalArgumentException for a text that is not an e-mail address
     */
    public void setSupportEmail(long companyId, String email) {
        String e = email == null || email.isBlank() ? null : email.trim();
        if (e != null && (e.length() > EMAIL_CHARS_MAX || !EMAIL.matcher(e).matches())) {
            throw new IllegalArgumentException("the support address must be an e-mail address");
        }
        store.setSupportEmail(companyId, e, clock.millis());
    }

    public Optional<String> supportEmail(long companyId) {
        return store.supportEmail(companyId);
    }

    public List<Feedback> newest(long companyId, int limit) {
        return store.newest(companyId, Math.max(1, Math.min(limit, LIST_MAX)));
    }

    public Optional<Feedback> byId(long id) {
        return store.byId(id);
    }
}
