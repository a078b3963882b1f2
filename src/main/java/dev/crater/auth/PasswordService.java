package dev.crater.auth;

import dev.crater.access.Scope;
import dev.crater.audit.AuditLog;
import dev.crater.common.Busy;
import dev.crater.common.Refusal;
import dev.crater.companies.Company;
import dev.crater.crypto.PasswordHasher;
import dev.crater.crypto.SecretBox;
import dev.crater.crypto.Secrets;
import dev.crater.http.ClientInfo;
import dev.crater.http.Dates;
import dev.crater.notify.Mail;
import dev.crater.notify.Mailer;
import dev.crater.users.User;
import dev.crater.users.UserService;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.InstantSource;
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
    /** Digits of a reset code that name its request (not secret; unique among a company's open requests). */
    public static final int RESET_HANDLE_DIGITS = 6;
    /** Secret digits of a reset code: five tries at 10^8 values per request. */
    public static final int RESET_SECRET_DIGITS = 8;
    /** Wrong tries one reset request takes; the last one kills it. */
    public static final int RESET_CODE_FAILURES_MAX = 5;
    /** Every refused reset code is answered no sooner than this after the call arrived. */
    public static final Duration RESET_REFUSAL_FLOOR = Duration.ofMillis(50);
    /** A code longer than this (as sent) is refused unread. */
    static final int RESET_CODE_CHARS_MAX = 32;
    /** Random handles tried before a request gives up (each collides with n open requests in 10^6). */
    static final int RESET_HANDLE_ATTEMPTS_MAX = 10;
    /** Reset requests being worked on after their answer, at most; beyond it step 1 answers 503. */
    public static final int RESET_TASKS_MAX = 1024;

    /**
     * What a reset code is for (the documented {@code Identifier} of step 3), and what its token
     * opens: the password update, or setting a new PIN.
     */
    public enum Purpose {
        ResetPassword("password", Scope.PASSWORD_CHANGE),
        ResetPinCode("PIN code", Scope.PIN_SETUP);

        final String what;
        final Scope scope;

        Purpose(String what, Scope scope) {
            this.what = what;
            this.scope = scope;
        }

        /** The Identifier as a client sends it (any case); none means a password reset, as the docs' step 3. */
        public static Optional<Purpose> parse(String identifier) {
            if (identifier == null || identifier.isBlank()) {
                return Optional.of(ResetPassword);
            }
            for (Purpose p : values()) {
                if (p.name().equalsIgnoreCase(identifier.trim())) {
                    return Optional.of(p);
                }
            }
            return Optional.empty();
        }
    }

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
    /** Step 1's work after its answer: one virtual thread per request, at most {@link #RESET_TASKS_MAX}. */
    private final java.util.concurrent.ExecutorService background = java.util.concurrent.Executors.newThreadPerTaskExecutor(
            Thread.ofVirtual().name("crater-password-reset-", 0).factory());
    private final java.util.concurrent.Semaphore resetTasks = new java.util.concurrent.Semaphore(RESET_TASKS_MAX);

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

    private static Refusal invalid(String field, String problem) {
        return Refusal.invalid(field, problem);
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
        if (guard.refuseSecret(company, user, Step.BaseAuthentication, client, oldPassword, user.passwordHash())) {
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
     * Step 1 of a reset: e-mails a code to a known, enabled user. The answer does not wait for any
     * of it: the lookup, the throttle, the stored request and the e-mail all run after the caller
     * has been answered, so neither the answer nor its timing shows whether the user exists, was
     * throttled, or how long the mail server took.
     *
     * @throws Busy when {@link #RESET_TASKS_MAX} requests are already being worked on
     */
    public void requestReset(Company company, String login, ClientInfo client) {
        if (!resetTasks.tryAcquire()) {
            throw new Busy("more than " + RESET_TASKS_MAX + " password-reset requests in progress");
        }
        try {
            background.execute(() -> {
                try {
                    sendResetCode(company, login, client);
                } catch (RuntimeException e) {
                    LOG.warn("password reset request not completed: {}", e.toString());
                } finally {
                    resetTasks.release();
                }
            });
        } catch (java.util.concurrent.RejectedExecutionException e) {
            resetTasks.release();
            throw new Busy("shutting down");
        }
    }

    private void sendResetCode(Company company, String login, ClientInfo client) {
        Optional<User> found = login == null ? Optional.empty() : users.byUsername(company.id(), login.trim());
        if (found.isEmpty() || !found.get().enabled()) {
            audit.record(company.id(), null, login, AuditLog.Event.PASSWORD_RESET_REQUESTED, null, client, "no such user");
            return;
        }
        issueCode(company, found.get(), Purpose.ResetPassword, client);
    }

    /**
     * {@code POST /users/{userId}/pincode} (the spec's "reset Pin code"): e-mails the signed-in user a
     * code that step 3 of the reset ({@code Identifier: ResetPinCode}) trades for a token that sets a
     * new PIN ({@code /users/pincode/change}). The PIN stays as it is until then.
     *
     * @return empty when the code was sent; otherwise why not (the spec's 409 "Failed to init reset
     *     Pin code")
     */
    public Optional<String> requestPinReset(Company company, User user, ClientInfo client) {
        if (!user.hasPin()) {
            return Optional.of("The user has no PIN code to reset.");
        }
        return issueCode(company, user, Purpose.ResetPinCode, client);
    }

    /** Stores a new reset request of {@code purpose} for the user and e-mails its code; empty when sent. */
    private Optional<String> issueCode(Company company, User user, Purpose purpose, ClientInfo client) {
        AuditLog.Event event = purpose == Purpose.ResetPinCode ? AuditLog.Event.PIN_RESET_REQUESTED
                : AuditLog.Event.PASSWORD_RESET_REQUESTED;
        long now = clock.millis();
        if (throttle.reserve(user.id(), "email", now).isPresent()) {
            audit.record(company.id(), user.id(), user.username(), event, null, client, "throttled: no code sent");
            return Optional.of("A code was sent a moment ago; try again later.");
        }
        Optional<ResetCode> code = jdbi.inTransaction(h -> {
            h.createUpdate("UPDATE password_resets SET state = 'DEAD' WHERE user_id = :u AND purpose = :p AND state = 'OPEN'")
                    .bind("u", user.id()).bind("p", purpose.name()).execute();
            for (int attempt = 0; attempt < RESET_HANDLE_ATTEMPTS_MAX; attempt++) {
                ResetCode candidate = ResetCode.random(random);
                String handleMac = handleMac(company.id(), candidate.handle());
                // An expired request no longer holds its handle.
                h.createUpdate("""
                                UPDATE password_resets SET state = 'DEAD'
                                WHERE company_id = :c AND handle_mac = :h AND state = 'OPEN' AND expires_at_ms <= :now""")
                        .bind("c", company.id()).bind("h", handleMac).bind("now", now).execute();
                boolean taken = h.createQuery("""
                                SELECT COUNT(*) FROM password_resets
                                WHERE company_id = :c AND handle_mac = :h AND state = 'OPEN'""")
                        .bind("c", company.id()).bind("h", handleMac).mapTo(Integer.class).one() > 0;
                if (!taken) {
                    h.createUpdate("""
                                    INSERT INTO password_resets (company_id, user_id, purpose, handle_mac, code_mac, failures,
                                        state, created_at_ms, expires_at_ms)
                                    VALUES (:c, :u, :p, :h, :m, 0, 'OPEN', :now, :exp)""")
                            .bind("c", company.id()).bind("u", user.id()).bind("p", purpose.name()).bind("h", handleMac)
                            .bind("m", codeMac(company.id(), candidate)).bind("now", now)
                            .bind("exp", now + codeTtl.toMillis()).execute();
                    return Optional.of(candidate);
                }
            }
            return Optional.<ResetCode>empty();
        });
        if (code.isEmpty()) {
            throttle.release(user.id(), now);
            LOG.warn("no free reset handle after {} tries in company {}: no code sent to user {}",
                    RESET_HANDLE_ATTEMPTS_MAX, company.id(), user.id());
            audit.record(company.id(), user.id(), user.username(), event, null, client,
                    "no free request handle: no code sent");
            return Optional.of("No code could be issued now; try again later.");
        }
        try {
            mailer.send(new Mail(user.email(), company.name() + " " + purpose.what + " reset code",
                    "Your " + company.name() + " " + purpose.what + " reset code is " + code.get().shown() + ".\n"
                            + "Enter it as shown (with or without the dash). It expires in "
                            + Math.max(1, codeTtl.toMinutes()) + " minutes and works once.\n"
                            + "If you did not ask for it, ignore this message: your " + purpose.what
                            + " is unchanged."));
        } catch (Mailer.DeliveryException e) {
            throttle.release(user.id(), now);
            LOG.warn("{} reset code for user {} not delivered: {}", purpose.what, user.id(), e.getMessage());
            audit.record(company.id(), user.id(), user.username(), event, null, client, "code not delivered");
            return Optional.of("The code could not be sent; try again later.");
        }
        audit.record(company.id(), user.id(), user.username(), event, null, client, "code sent");
        return Optional.empty();
    }

    /**
     * A reset code: {@link #RESET_HANDLE_DIGITS} digits that name the request (unique among the
     * company's open requests) and {@link #RESET_SECRET_DIGITS} secret digits. The reference's step 3
     * sends the code alone, so the code itself must say which request it answers; wrong tries then
     * count against that request and its account instead of being free guesses at every open code.
     */
    record ResetCode(String handle, String secret) {
        static ResetCode random(SecureRandom random) {
            return new ResetCode(digits(random, RESET_HANDLE_DIGITS), digits(random, RESET_SECRET_DIGITS));
        }

        private static String digits(SecureRandom random, int n) {
            StringBuilder b = new StringBuilder(n);
            for (int i = 0; i < n; i++) {
                b.append((char) ('0' + random.nextInt(10)));
            }
            return b.toString();
        }

        /** What the e-mail shows: handle, dash, secret. */
        String shown() {
            return handle + "-" + secret;
        }

        /** The code as a client sent it, spaces and dashes ignored; empty when it cannot be one. */
        static Optional<ResetCode> parse(String text) {
            if (text == null || text.length() > RESET_CODE_CHARS_MAX) {
                return Optional.empty();
            }
            StringBuilder digits = new StringBuilder(RESET_HANDLE_DIGITS + RESET_SECRET_DIGITS);
            for (int i = 0; i < text.length(); i++) {
                char ch = text.charAt(i);
                if (ch >= '0' && ch <= '9') {
                    digits.append(ch);
                } else if (ch != '-' && ch != ' ') {
                    return Optional.empty();
                }
            }
            if (digits.length() != RESET_HANDLE_DIGITS + RESET_SECRET_DIGITS) {
                return Optional.empty();
            }
            return Optional.of(new ResetCode(digits.substring(0, RESET_HANDLE_DIGITS), digits.substring(RESET_HANDLE_DIGITS)));
        }
    }

    private String handleMac(long companyId, String handle) {
        return box.mac("reset-handle:" + companyId + ":" + handle);
    }

    private String codeMac(long companyId, ResetCode code) {
        return box.mac("reset:" + companyId + ":" + code.handle() + ":" + code.secret());
    }

    private record OpenReset(long id, long userId, String codeMac) {
    }

    /**
     * Step 3: trades a reset code of {@code purpose} for a token that opens only what it is for: the
     * password update (step 4), or setting a new PIN ({@code /users/pincode/change}). The
     * code's handle finds its request; a wrong secret uses up one of the request's
     * {@link #RESET_CODE_FAILURES_MAX} tries (the last one kills it) and counts as a failed login
     * step of the account, whose waits refuse codes unread. Every refusal — no such request, a dead,
     * used or expired one, a wrong secret, a waiting account, a malformed code — is the same 409 and
     * answers no sooner than {@link #RESET_REFUSAL_FLOOR} after the call arrived.
     *
     * @return the token text
     * @throws Refusal 409 envelope {@code InvalidCode}
     */
    public String redeemCode(Company company, String code, Purpose purpose, ClientInfo client) {
        long arrived = System.nanoTime();
        Optional<String> token = redeem(company, code, purpose, client);
        if (token.isPresent()) {
            return token.get();
        }
        long left = arrived + RESET_REFUSAL_FLOOR.toNanos() - System.nanoTime();
        if (left > 0) {
            try {
                java.util.concurrent.TimeUnit.NANOSECONDS.sleep(left);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        throw Refusal.Coded.conflict("InvalidCode", "The code is incorrect or expired.");
    }

    private Optional<String> redeem(Company company, String text, Purpose purpose, ClientInfo client) {
        long now = clock.millis();
        Optional<ResetCode> code = ResetCode.parse(text);
        // A code answers only a request of the purpose named: a password code opens no PIN change.
        Optional<OpenReset> open = code.flatMap(c -> jdbi.withHandle(h -> h.createQuery("""
                        SELECT id, user_id, code_mac FROM password_resets
                        WHERE company_id = :c AND handle_mac = :h AND purpose = :p AND state = 'OPEN'
                            AND expires_at_ms > :now AND failures < :max""")
                .bind("c", company.id()).bind("h", handleMac(company.id(), c.handle())).bind("p", purpose.name())
                .bind("now", now)
                .bind("max", RESET_CODE_FAILURES_MAX)
                .map((rs, ctx) -> new OpenReset(rs.getLong(1), rs.getLong(2), rs.getString(3))).findFirst()));
        Optional<User> user = open.flatMap(r -> users.byId(r.userId())).filter(User::enabled);
        if (code.isEmpty() || open.isEmpty() || user.isEmpty()) {
            audit.record(company.id(), null, null, AuditLog.Event.LOGIN_FAILED, Step.VerificationCode.name(), client,
                    "reset code: no open request");
            return Optional.empty();
        }
        if (guard.refuseResetCode(company, user.get(), client)) {
            return Optional.empty();
        }
        long id = open.get().id();
        boolean right = Secrets.equal(codeMac(company.id(), code.get()), open.get().codeMac());
        // The try is taken before the answer is decided, so parallel guesses cannot share one.
        boolean won = jdbi.inTransaction(h -> {
            int taken = h.createUpdate("""
                            UPDATE password_resets SET failures = failures + 1,
                                state = CASE WHEN :right THEN 'DONE' WHEN failures + 1 >= :max THEN 'DEAD' ELSE state END
                            WHERE id = :id AND state = 'OPEN' AND failures < :max""")
                    .bind("right", right).bind("max", RESET_CODE_FAILURES_MAX).bind("id", id).execute();
            return taken == 1;
        });
        if (!won) {
            audit.record(company.id(), user.get().id(), user.get().username(), AuditLog.Event.LOGIN_FAILED,
                    Step.VerificationCode.name(), client, "reset code: request closed meanwhile");
            return Optional.empty();
        }
        if (!right) {
            guard.failed(company, user.get(), Step.VerificationCode, client);
            return Optional.empty();
        }
        String token = Secrets.newToken();
        tokens.insert(Secrets.sha256(token), user.get().id(), company.id(), now, now + codeTtl.toMillis(),
                purpose.scope);
        return Optional.of(token);
    }

    /** Waits briefly for reset requests still being worked on; used when the server stops. */
    public void close() {
        background.shutdown();
        try {
            if (!background.awaitTermination(2, java.util.concurrent.TimeUnit.SECONDS)) {
                background.shutdownNow();
            }
        } catch (InterruptedException e) {
            background.shutdownNow();
            Thread.currentThread().interrupt();
        }
    }

    /**
     * Step 4, also used after a login found the password expired: sets the new password with a
     * password-change token. Revokes every token (that one included) and lifts any lock.
     */
    public void reset(Company company, String token, String password, String confirm, ClientInfo client) {
        long now = clock.millis();
        Optional<TokenStore.StoredToken> t = token == null || token.length() > 256 ? Optional.empty()
                : tokens.live(Secrets.sha256(token.trim()), Scope.PASSWORD_CHANGE, now)
                        .filter(st -> st.companyId() == company.id());
        if (t.isEmpty()) {
            throw Refusal.Coded.conflict("InvalidToken", "The token is invalid or expired.");
        }
        User user = users.byId(t.get().userId()).filter(User::enabled)
                .orElseThrow(() -> Refusal.Coded.conflict("InvalidToken", "The token is invalid or expired."));
        if (t.get().id() <= user.tokensRevokedThroughId()) {
            throw Refusal.Coded.conflict("InvalidToken", "The token is invalid or expired.");
        }
        if (password == null || !password.equals(confirm)) {
            throw Refusal.Coded.conflict("PasswordsDoNotMatch", "The password and its confirmation do not match.");
        }
        String problem = users.passwordProblem(user, password);
        if (problem != null) {
            throw Refusal.Coded.conflict("PasswordRejected", problem);
        }
        if (hasher.verify(password, user.passwordHash())) {
            throw Refusal.Coded.conflict("PasswordRejected", "The new password must differ from the current one.");
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
