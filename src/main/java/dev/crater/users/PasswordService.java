package dev.crater.users;

import dev.crater.audit.AuditLog;
import dev.crater.auth.CodeThrottle;
import dev.crater.auth.LoginGuard;
import dev.crater.auth.PasswordHasher;
import dev.crater.auth.SecretBox;
import dev.crater.auth.Secrets;
import dev.crater.auth.SessionService;
import dev.crater.auth.Step;
import dev.crater.auth.TokenStore;
import dev.crater.companies.Company;
import dev.crater.http.ApiError;
import dev.crater.http.ApiException;
import dev.crater.http.ClientInfo;
import dev.crater.http.Dates;
import dev.crater.http.Envelope;
import dev.crater.notify.Mail;
import dev.crater.notify.Mailer;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.InstantSource;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.jdbi.v3.core.Jdbi;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Changing a known password, and resetting a forgotten one by an e-mailed code (reference
 * 02-users.md §2.6 and §3). Both revoke every token of the user; a reset also lifts a lock.
 */
public final class PasswordService {
    private static final Logger LOG = LoggerFactory.getLogger(PasswordService.class);
    /** Digits of a reset code: the reset step takes the code alone, so it must be hard to hit blindly. */
    public static final int RESET_CODE_DIGITS = 8;
    static final int RESET_CODE_ATTEMPTS_MAX = 10;

    private final UserService users;
    private final PasswordHasher hasher;
    private final LoginGuard guard;
    private final CodeThrottle throttle;
    private final SecretBox box;
    private final TokenStore tokens;
    private final SessionService sessions;
    private final Mailer mailer;
    private final AuditLog audit;
    private final Jdbi jdbi;
    private final InstantSource clock;
    private final Duration codeTtl;
    private final SecureRandom random = new SecureRandom();

    public PasswordService(UserService users, PasswordHasher hasher, LoginGuard guard, CodeThrottle throttle,
                           SecretBox box, TokenStore tokens, SessionService sessions, Mailer mailer, AuditLog audit,
                           Jdbi jdbi, InstantSource clock, Duration codeTtl) {
        this.users = users;
        this.hasher = hasher;
        this.guard = guard;
        this.throttle = throttle;
        this.box = box;
        this.tokens = tokens;
        this.sessions = sessions;
        this.mailer = mailer;
        this.audit = audit;
        this.jdbi = jdbi;
        this.clock = clock;
        this.codeTtl = codeTtl;
    }

    private static ApiException invalid(String field, String problem) {
        return new ApiException(422, new ApiError.ModelState(ApiError.VALIDATION_FAILED, Map.of(field, List.of(problem))));
    }

    /**
     * {@code PUT /users/{userId}/password/change}: needs the old password (a wrong one counts as a
     * failed login step). Every token of the user, this one included, stops working.
     */
    public void change(Company company, User user, String oldPassword, String password, String confirm, ClientInfo client) {
        if (oldPassword == null || oldPassword.isEmpty()) {
            throw invalid("userPassword.OldPassword", "Password is required");
        }
        if (password == null || password.isEmpty()) {
            throw invalid("userPassword.Password", "Password is required");
        }
        if (!password.equals(confirm)) {
            throw invalid("userPassword.PasswordConfirm", "Passwords do not match");
        }
        if (guard.refuse(company, user, Step.BaseAuthentication, client)) {
            throw invalid("userPassword.OldPassword", "Password is incorrect");
        }
        if (!hasher.verify(oldPassword, user.passwordHash())) {
            guard.failed(company, user, Step.BaseAuthentication, client);
            throw invalid("userPassword.OldPassword", "Password is incorrect");
        }
        String problem = users.passwordProblem(user, password);
        if (problem != null) {
            throw invalid("userPassword.Password", problem);
        }
        users.setPassword(user.id(), password);
        audit.record(company.id(), user.id(), user.username(), AuditLog.Event.PASSWORD_CHANGED, null, client, "by the user");
        notice(company, user, "Your password was changed. Every device was signed out.");
    }

    /**
     * Step 1 of a reset: e-mails a code to a known, enabled user. Answers the same whether or not
     * the user exists, and silently sends nothing when codes were asked for too often.
     */
    public void requestReset(Company company, String login, ClientInfo client) {
        Optional<User> found = login == null ? Optional.empty() : users.byUsername(company.id(), login.trim());
        if (found.isEmpty() || !found.get().enabled()) {
            audit.record(company.id(), null, login, AuditLog.Event.PASSWORD_RESET_REQUESTED, null, client, "no such user");
            return;
        }
        User user = found.get();
        long now = clock.millis();
        if (throttle.reserve(user.id(), "email", now).isPresent()) {
            audit.record(company.id(), user.id(), user.username(), AuditLog.Event.PASSWORD_RESET_REQUESTED, null, client,
                    "throttled: no code sent");
            return;
        }
        String code = jdbi.inTransaction(h -> {
            h.createUpdate("UPDATE password_resets SET state = 'DEAD' WHERE user_id = :u AND state = 'OPEN'")
                    .bind("u", user.id()).execute();
            for (int attempt = 0; attempt < RESET_CODE_ATTEMPTS_MAX; attempt++) {
                String candidate = newResetCode();
                String mac = resetMac(company.id(), candidate);
                boolean taken = h.createQuery("""
                                SELECT COUNT(*) FROM password_resets
                                WHERE company_id = :c AND code_mac = :m AND state = 'OPEN' AND expires_at_ms > :now""")
                        .bind("c", company.id()).bind("m", mac).bind("now", now).mapTo(Integer.class).one() > 0;
                if (!taken) {
                    h.createUpdate("""
                                    INSERT INTO password_resets (company_id, user_id, purpose, code_mac, failures, state,
                                        created_at_ms, expires_at_ms)
                                    VALUES (:c, :u, 'ResetPassword', :m, 0, 'OPEN', :now, :exp)""")
                            .bind("c", company.id()).bind("u", user.id()).bind("m", mac).bind("now", now)
                            .bind("exp", now + codeTtl.toMillis()).execute();
                    return candidate;
                }
            }
            throw new IllegalStateException("no free reset code after " + RESET_CODE_ATTEMPTS_MAX + " tries");
        });
        try {
            mailer.send(new Mail(user.email(), company.name() + " password reset code",
                    "Your " + company.name() + " password reset code is " + code + ".\n"
                            + "It expires in " + Math.max(1, codeTtl.toMinutes()) + " minutes and works once.\n"
                            + "If you did not ask for it, ignore this message: your password is unchanged."));
        } catch (Mailer.DeliveryException e) {
            throttle.release(user.id(), now);
            LOG.warn("password reset code for user {} not delivered: {}", user.id(), e.getMessage());
        }
        audit.record(company.id(), user.id(), user.username(), AuditLog.Event.PASSWORD_RESET_REQUESTED, null, client, "code sent");
    }

    private String newResetCode() {
        int bound = (int) Math.pow(10, RESET_CODE_DIGITS);
        return String.format("%0" + RESET_CODE_DIGITS + "d", random.nextInt(bound));
    }

    private String resetMac(long companyId, String code) {
        return box.mac("reset:" + companyId + ":" + code.trim());
    }

    /**
     * Step 3: trades a reset code for a token that opens only the password update (step 4).
     *
     * @return the token text
     * @throws ApiException 409 envelope for an unknown, expired or used code
     */
    public String redeemCode(Company company, String code, ClientInfo client) {
        long now = clock.millis();
        if (code == null || code.isBlank() || code.length() > 32) {
            throw Envelope.error(409, "InvalidCode", "The code is incorrect or expired.");
        }
        String mac = resetMac(company.id(), code);
        Optional<long[]> hit = jdbi.inTransaction(h -> {
            Optional<long[]> row = h.createQuery("""
                            SELECT id, user_id FROM password_resets
                            WHERE company_id = :c AND code_mac = :m AND state = 'OPEN' AND expires_at_ms > :now""")
                    .bind("c", company.id()).bind("m", mac).bind("now", now)
                    .map((rs, ctx) -> new long[] {rs.getLong(1), rs.getLong(2)}).findFirst();
            if (row.isPresent()) {
                int won = h.createUpdate("UPDATE password_resets SET state = 'DONE' WHERE id = :id AND state = 'OPEN'")
                        .bind("id", row.get()[0]).execute();
                return won == 1 ? row : Optional.<long[]>empty();
            }
            return row;
        });
        if (hit.isEmpty()) {
            audit.record(company.id(), null, null, AuditLog.Event.LOGIN_FAILED, "ResetCode", client, "unknown reset code");
            throw Envelope.error(409, "InvalidCode", "The code is incorrect or expired.");
        }
        User user = users.byId(hit.get()[1]).orElseThrow(() -> Envelope.error(409, "InvalidCode", "The code is incorrect or expired."));
        String token = Secrets.newToken();
        tokens.insert(Secrets.sha256(token), user.id(), company.id(), now, now + codeTtl.toMillis(),
                TokenStore.Scope.PASSWORD_CHANGE);
        return token;
    }

    /**
     * Step 4, also used after a login found the password expired: sets the new password with a
     * password-change token. Revokes every token (that one included) and lifts any lock.
     */
    public void reset(Company company, String token, String password, String confirm, ClientInfo client) {
        long now = clock.millis();
        Optional<TokenStore.StoredToken> t = token == null || token.length() > 256 ? Optional.empty()
                : tokens.live(Secrets.sha256(token.trim()), TokenStore.Scope.PASSWORD_CHANGE, now)
                        .filter(st -> st.companyId() == company.id());
        if (t.isEmpty()) {
            throw Envelope.error(409, "InvalidToken", "The token is invalid or expired.");
        }
        User user = users.byId(t.get().userId()).filter(User::enabled)
                .orElseThrow(() -> Envelope.error(409, "InvalidToken", "The token is invalid or expired."));
        if (t.get().id() <= user.tokensRevokedThroughId()) {
            throw Envelope.error(409, "InvalidToken", "The token is invalid or expired.");
        }
        if (password == null || !password.equals(confirm)) {
            throw Envelope.error(409, "PasswordsDoNotMatch", "The password and its confirmation do not match.");
        }
        String problem = users.passwordProblem(user, password);
        if (problem != null) {
            throw Envelope.error(409, "PasswordRejected", problem);
        }
        if (hasher.verify(password, user.passwordHash())) {
            throw Envelope.error(409, "PasswordRejected", "The new password must differ from the current one.");
        }
        users.setPassword(user.id(), password);
        sessions.revoke(t.get().tokenHash());
        if (user.locked() || user.failedAttempts() > 0) {
            users.unlock(user.id());
            audit.record(company.id(), user.id(), user.username(), AuditLog.Event.ACCOUNT_UNLOCKED, null, client,
                    "password reset by the owner");
        }
        audit.record(company.id(), user.id(), user.username(), AuditLog.Event.PASSWORD_RESET, null, client, null);
        notice(company, user, "Your password was reset. Every device was signed out.");
    }

    private void notice(Company company, User user, String what) {
        try {
            mailer.send(new Mail(user.email(), company.name() + ": your password changed",
                    what + "\nTime: " + Dates.iso(clock.millis()) + "\n"
                            + "If you did not do this, contact " + company.name() + " at once."));
        } catch (Mailer.DeliveryException e) {
            LOG.warn("password notice for user {} not delivered: {}", user.id(), e.getMessage());
        }
    }
}
