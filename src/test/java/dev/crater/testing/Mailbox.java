package dev.crater.testing;

import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.GreenMailUtil;
import jakarta.mail.MessagingException;
import jakarta.mail.internet.MimeMessage;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Reading what a GreenMail SMTP server received, per recipient. */
public final class Mailbox {
    private static final Pattern CODE = Pattern.compile("\\b(\\d{6,8})\\b");
    /** A password-reset code as the e-mail shows it: the request's 6 digits, a dash, 8 secret digits. */
    private static final Pattern RESET_CODE = Pattern.compile("\\b(\\d{6}-\\d{8})\\b");
    static final long WAIT_MS = 10_000;

    private Mailbox() {
    }

    /** Every message received for {@code address}, oldest first. */
    public static List<MimeMessage> to(GreenMail mail, String address) {
        List<MimeMessage> out = new ArrayList<>();
        for (MimeMessage m : mail.getReceivedMessages()) {
            try {
                if (Arrays.stream(m.getAllRecipients()).anyMatch(a -> a.toString().equalsIgnoreCase(address))) {
                    out.add(m);
                }
            } catch (MessagingException e) {
                throw new AssertionError(e);
            }
        }
        return out;
    }

    /** Waits until more than {@code alreadySeen} messages reached {@code address}; returns the newest body. */
    public static String nextBody(GreenMail mail, String address, int alreadySeen) {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(WAIT_MS);
        while (System.nanoTime() < deadline) {
            List<MimeMessage> all = to(mail, address);
            if (all.size() > alreadySeen) {
                return GreenMailUtil.getBody(all.get(all.size() - 1));
            }
            mail.waitForIncomingEmail(200, 1);
        }
        throw new AssertionError("no new e-mail to " + address + " within " + WAIT_MS + " ms");
    }

    /** The password-reset code in {@code body}, exactly as shown. */
    public static String resetCode(String body) {
        Matcher m = RESET_CODE.matcher(body);
        if (!m.find()) {
            throw new AssertionError("no reset code in: " + body);
        }
        return m.group(1);
    }

    /** The first 6-8 digit code in {@code body}. */
    public static String code(String body) {
        Matcher m = CODE.matcher(body);
        if (!m.find()) {
            throw new AssertionError("no code in: " + body);
        }
        return m.group(1);
    }
}
