package dev.crater.auth;

import dev.crater.audit.AuditLog;
import dev.crater.companies.Company;
import dev.crater.companies.CompanyPolicy;
import dev.crater.companies.CompanyService;
import dev.crater.crypto.PasswordHasher;
import dev.crater.http.ClientInfo;
import dev.crater.http.Dates;
import dev.crater.notify.Mail;
import dev.crater.notify.Mailer;
import dev.crater.users.User;
import dev.crater.users.UserService;
import java.time.InstantSource;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Per-account guessing protection across every login step (password, PIN, code). After the
 * company's free failures each further failure adds a wait, up to a ceiling; attempts during a
 * wait, or on a locked account, are refused without evaluating anything and answered exactly like
 * a wrong secret; a refused password or PIN still spends one hash of the same cost
 * ({@link #refuseSecret}), so every refusal costs and takes what a real check does. Enough consecutive failures lock the account until an operator unlocks
 * it or the owner resets the password; the owner is e-mailed when that happens. A completed login
 * resets the count (not a lock); new codes never do.
 *
 * <p>Anyone who knows a username can fail on purpose, so the account's waits and lock would let a
 * stranger keep its owner out at will. They therefore bind only addresses the user has not
 * completed a login from ({@link LoginOrigins}: the last 90 days, at most 20). An attempt from a
 * known address is judged by that address's own failures and wait instead — on the same schedule,
 * never a lock — and still counts against the account. A stranger's failures thus delay and at
 * worst lock sign-ins from new addresses, while the owner keeps signing in from home and the office.
 */
public final class LoginGuard {
    private static final Logger LOG = LoggerFactory.getLogger(LoginGuard.class);

    private final UserService users;
    private final CompanyService companies;
    private final PasswordHasher hasher;
    private final LoginOrigins origins;
    private final Mailer mailer;
    private final AuditLog audit;
    private final InstantSource clock;

    public LoginGuard(UserService users, CompanyService companies, PasswordHasher hasher, LoginOrigins origins,
                      Mailer mailer, AuditLog audit, InstantSource clock) {
        this.users = users;
        this.companies = companies;
        this.hasher = hasher;
        this.origins = origins;
        this.mailer = mailer;
        this.audit = audit;
        this.clock = clock;
    }

    private Optional<LoginOrigins.Origin> known(User user, ClientInfo client, long now) {
        return client == null ? Optional.empty() : origins.known(user.id(), LoginOrigins.originOf(client.address()), now);
    }

    /**
     * True when this attempt must be refused unread: from a known address, while that address
     * waits; from any other, while the account waits or is locked. Records the refusal and spends
     * nothing: for a step whose real check costs a hash use {@link #refuseSecret}; a code's check
     * costs none, so a refused code takes what a wrong one takes.
     */
    public boolean refuse(Company company, User user, Step step, ClientInfo client) {
        long now = clock.millis();
        Optional<LoginOrigins.Origin> known = known(user, client, now);
        String why;
        if (known.isPresent()) {
            if (!known.get().waitingAt(now)) {
                return false;
            }
            why = "known address waiting after failures until " + Dates.iso(known.get().blockedUntilMs());
        } else {
            if (!user.refusingAt(now)) {
                return false;
            }
            why = user.locked() ? "account locked for new addresses"
                    : "waiting after failures until " + Dates.iso(user.blockedUntilMs());
        }
        audit.record(company.id(), user.id(), user.username(), AuditLog.Event.LOGIN_THROTTLED, step.name(), client, why);
        return true;
    }

    /**
     * {@link #refuse} for a password or PIN: a refused attempt spends one hash of {@code secret}
     * with the parameters of {@code storedHash} and a salt of its own (evaluating nothing), so every
     * refusal — unknown user, wrong secret, wait, lock — costs exactly one hash of the same cost and
     * takes the same time.
     */
    public boolean refuseSecret(Company company, User user, Step step, ClientInfo client, String secret,
                                String storedHash) {
        if (!refuse(company, user, step, client)) {
            return false;
        }
        hasher.spendLike(secret == null ? "" : secret, storedHash);
        return true;
    }

    /**
     * For a password-reset code: true while the client may not try one — a known address while it
     * waits, any other while the account waits — and the caller answers as for a wrong code. A lock
     * alone does not refuse: a reset by the owner is how a lock is lifted, and the code's own limits
     * bound the guessing. Spends no time (checking a code costs no hash either); records the refusal.
     */
    public boolean refuseResetCode(Company company, User user, ClientInfo client) {
        long now = clock.millis();
        Optional<LoginOrigins.Origin> known = known(user, client, now);
        long until = known.isPresent() ? known.get().blockedUntilMs() : user.blockedUntilMs();
        if (now >= until) {
            return false;
        }
        audit.record(company.id(), user.id(), user.username(), AuditLog.Event.LOGIN_THROTTLED,
                Step.VerificationCode.name(), client, "password reset code: waiting after failures until "
                        + Dates.iso(until) + (known.isPresent() ? " (known address)" : ""));
        return true;
    }

    /**
     * Counts a failed step against the account, and against the address when it is a known one;
     * may start a wait or lock the account (and tell the owner).
     */
    public void failed(Company company, User user, Step step, ClientInfo client) {
        CompanyPolicy policy = companies.policy(company.id());
        long now = clock.millis();
        User after = users.recordFailure(user, policy);
        Optional<Integer> fromKnown = client == null ? Optional.empty()
                : origins.failed(user.id(), LoginOrigins.originOf(client.address()), now, policy);
        audit.record(company.id(), user.id(), user.username(), AuditLog.Event.LOGIN_FAILED, step.name(), client,
                "consecutive failures: " + after.failedAttempts()
                        + fromKnown.map(n -> ", from this known address: " + n).orElse(""));
        if (after.locked() && !user.locked()) {
            audit.record(company.id(), user.id(), user.username(), AuditLog.Event.ACCOUNT_LOCKED, step.name(), client,
                    "after " + after.failedAttempts() + " consecutive failures");
            tellOwner(company, after);
        }
    }

    /**
     * A completed login: the account's failure count and wait start again (a lock stays), and the
     * address is known from now on.
     */
    public void succeeded(User user, ClientInfo client) {
        users.resetFailures(user);
        if (client != null) {
            origins.succeeded(user.id(), LoginOrigins.originOf(client.address()), clock.millis());
        }
    }

    private void tellOwner(Company company, User user) {
        try {
            mailer.send(new Mail(user.email(), company.name() + ": your account is locked",
                    "Your " + company.name() + " account '" + user.username() + "' was locked at "
                            + Dates.iso(clock.millis()) + " after " + user.failedAttempts()
                            + " failed sign-in attempts in a row.\n"
                            + "Sign-ins from addresses you have not signed in from in the last "
                            + LoginOrigins.KNOWN_FOR.toDays() + " days are refused; the ones you have used still work.\n"
                            + "Reset your password to unlock it, or contact " + company.name() + ".\n"
                            + "If these attempts were not yours, someone is trying to guess your password."));
        } catch (Mailer.DeliveryException e) {
            LOG.warn("lock notice for user {} not delivered: {}", user.id(), e.getMessage());
        }
    }
}
