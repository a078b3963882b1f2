package dev.crater.auth;

import dev.crater.audit.AuditLog;
import dev.crater.companies.Company;
import dev.crater.companies.CompanyPolicy;
import dev.crater.companies.CompanyService;
import dev.crater.http.ClientInfo;
import dev.crater.http.Dates;
import dev.crater.notify.Mail;
import dev.crater.notify.Mailer;
import dev.crater.users.User;
import dev.crater.users.UserService;
import java.time.InstantSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Per-account guessing protection across every login step (password, PIN, code). After the
 * company's free failures each further failure adds a wait, up to a ceiling; attempts during a
 * wait, or on a locked account, are refused without evaluating anything and answered exactly like
 * a wrong password (after about as long as a real check would take). Enough consecutive failures
 * lock the account until an operator unlocks it or the owner resets the password; the owner is
 * e-mailed when that happens. A completed login resets the count; new codes never do.
 */
public final class LoginGuard {
    private static final Logger LOG = LoggerFactory.getLogger(LoginGuard.class);

    private final UserService users;
    private final CompanyService companies;
    private final PasswordHasher hasher;
    private final Mailer mailer;
    private final AuditLog audit;
    private final InstantSource clock;

    public LoginGuard(UserService users, CompanyService companies, PasswordHasher hasher, Mailer mailer, AuditLog audit,
                      InstantSource clock) {
        this.users = users;
        this.companies = companies;
        this.hasher = hasher;
        this.mailer = mailer;
        this.audit = audit;
        this.clock = clock;
    }

    /**
     * True when this attempt must be refused unread. The caller answers as for a wrong secret; this
     * method has already spent the time a real check takes and recorded the event.
     */
    public boolean refuse(Company company, User user, Step step, ClientInfo client) {
        if (!user.refusingAt(clock.millis())) {
            return false;
        }
        hasher.waitLikeAVerification();
        audit.record(company.id(), user.id(), user.username(), AuditLog.Event.LOGIN_THROTTLED, step.name(), client,
                user.locked() ? "account locked" : "waiting after failures until " + Dates.iso(user.blockedUntilMs()));
        return true;
    }

    /**
     * For a password-reset code: true while the account waits after failures, and the caller
     * answers as for a wrong code. A lock alone does not refuse: a reset by the owner is how a lock
     * is lifted, and the code's own limits bound the guessing. Spends no time (checking a code
     * costs no hash either); records the refusal.
     */
    public boolean refuseResetCode(Company company, User user, ClientInfo client) {
        if (clock.millis() >= user.blockedUntilMs()) {
            return false;
        }
        audit.record(company.id(), user.id(), user.username(), AuditLog.Event.LOGIN_THROTTLED,
                Step.VerificationCode.name(), client,
                "password reset code: waiting after failures until " + Dates.iso(user.blockedUntilMs()));
        return true;
    }

    /** Counts a failed step; may start a wait or lock the account (and tell the owner). */
    public void failed(Company company, User user, Step step, ClientInfo client) {
        CompanyPolicy policy = companies.policy(company.id());
        User after = users.recordFailure(user, policy);
        audit.record(company.id(), user.id(), user.username(), AuditLog.Event.LOGIN_FAILED, step.name(), client,
                "consecutive failures: " + after.failedAttempts());
        if (after.locked() && !user.locked()) {
            audit.record(company.id(), user.id(), user.username(), AuditLog.Event.ACCOUNT_LOCKED, step.name(), client,
                    "after " + after.failedAttempts() + " consecutive failures");
            tellOwner(company, after);
        }
    }

    /** A completed login: the failure count starts again. */
    public void succeeded(User user) {
        users.resetFailures(user);
    }

    private void tellOwner(Company company, User user) {
        try {
            mailer.send(new Mail(user.email(), company.name() + ": your account is locked",
                    "Your " + company.name() + " account '" + user.username() + "' was locked at "
                            + Dates.iso(clock.millis()) + " after " + user.failedAttempts()
                            + " failed sign-in attempts in a row.\n"
                            + "Reset your password to unlock it, or contact " + company.name() + ".\n"
                            + "If these attempts were not yours, someone is trying to guess your password."));
        } catch (Mailer.DeliveryException e) {
            LOG.warn("lock notice for user {} not delivered: {}", user.id(), e.getMessage());
        }
    }
}
