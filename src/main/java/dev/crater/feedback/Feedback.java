package dev.crater.feedback;

import java.util.List;

/** One feedback a user sent, with its attachments' names, types and sizes. */
public record Feedback(long id, long companyId, long userId, String subject, String comment, String contacts,
                       String buildVersion, String userAgent, long createdAtMs, String mailState, List<File> files) {

    /** An attachment as stored: {@code data} is the base64 text as sent (null where not read). */
    public record File(int position, String name, String type, long sizeBytes, String data) {
    }
}
