package dev.crater.auth;

import dev.crater.audit.AuditLog;
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
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import org.jdbi.v3.core.Jdbi;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A user's own second-factor settings: read them, switch method, enrol an authenticator app.
 * Every change needs the current password and, while a second factor is on, a current code of it
 * (or a recovery code): a stolen session alone cannot weaken a login. Every change is e-mailed.
 */
public final class TwoFactorService {
    private static final Logger LOG = LoggerFactory.getLogger(TwoFactorService.class);
    /** How long an authenticator enrolment waits for its first code. */
    static final Duration ENROLMENT_TTL = Duration.ofMinutes(10);
    /** Wrong first codes accepted before an enrolment is dropped. */
    public static final int ENROLMENT_FAILURES_MAX = 5;

    /** What {@code GET …/security/two-factor} shows. */
    public record Settings(String method, String phoneNumber, String phoneNumberState, boolean authenticatorEnrolled,
                           int recoveryCodesLeft, List<String> methods) {
    }

    /** A started authenticator enrolment: what the app needs. */
    public record Enrolment(String secret, String otpAuthUri, String qrCodePng) {
    }

    /** A confirmed enrolment: the recovery codes, shown this once. */
    public record Enrolled(String method, List<String> recoveryCodes) {
    }

    /** Where a code to prove the current factor went. */
    public record CodeSent(String channel, long expiresInSeconds) {
    }

    private final UserService users;
    private final PasswordHasher hasher;
    private final CodeDelivery delivery;
    private final SettingsCodes settingsCodes;
    private final RecoveryCodes recoveryCodes;
    private final AuthenticatorCodes authenticator;
    private final SecretBox box;
    private final Mailer mailer;
    private final LoginGuard guard;
    private final AuditLog audit;
    private final Jdbi jdbi;
    private final InstantSource clock;
    private final Duration codeTtl;

    public TwoFactorService(UserService users, PasswordHasher hasher, CodeDelivery delivery, SettingsCodes settingsCodes,
                            RecoveryCodes recoveryCodes, AuthenticatorCodes authenticator, SecretBox box, Mailer mailer,
                            LoginGuard guard, AuditLog audit, Jdbi jdbi, InstantSource clock, Duration codeTtl) {
        this.users = users;
        this.hasher = hasher;
        this.delivery = delivery;
        this.settingsCodes = settingsCodes;
        this.recoveryCodes = recoveryCodes;
        this.authenticator = authenticator;
        this.box = box;
        this.mailer = mailer;
        this.guard = guard;
        this.audit = audit;
        this.jdbi = jdbi;
        this.clock = clock;
        this.codeTtl = codeTtl;
    }

    public Settings settings(User user) {
        return new Settings(user.twoFactor().json(), user.phone(), user.phoneState().name(), user.totpEnrolled(),
                recoveryCodes.remaining(user.id()),
                List.of(User.TwoFactorMethod.NONE.json(), User.TwoFactorMethod.EMAIL.json(),
                        User.TwoFactorMethod.SMS.json(), User.TwoFactorMethod.TOTP.json()));
    }

    /**
     * Sends a code by the user's current method (e-mail or SMS) to prove it before a change.
     *
     * @throws Refusal 409 when the method sends no codes, 429 when asked too often, 503 when
     *     it could not be delivered
     */
    public CodeSent sendCode(Company company, User user) {
        if (!user.twoFactor().sendsCode()) {
            throw Refusal.Coded.conflict("MethodSendsNoCode",
                    "The current two-factor method (" + user.twoFactor().json() + ") does not send codes.");
        }
        String code = Secrets.newCode();
        CodeDelivery.Result r = delivery.send(company, user, user.twoFactor(), code, CodeDelivery.Purpose.SETTINGS);
        switch (r) {
            case CodeDelivery.Result.Throttled t -> throw t.refusal();
            case CodeDelivery.Result.Failed f -> throw Refusal.Coded.unavailable("CodeNotSent", "The code could not be sent.");
            case CodeDelivery.Result.Sent s -> {
            }
        }
        settingsCodes.put(user.id(), code, clock.millis() + codeTtl.toMillis());
        return new CodeSent(user.twoFactor().json(), codeTtl.toSeconds());
    }

    /**
     * Checks the current password and, while a second factor is on, a current code of it. Wrong
     * ones count as failed login steps (the account's guessing protection applies here too).
     *
     * @throws Refusal 409 envelope naming what was wrong
     */
    void prove(Company company, User user, String password, String code, ClientInfo client) {
        if (guard.refuseSecret(company, user, Step.BaseAuthentication, client, password, user.passwordHash())) {
            throw Refusal.Coded.conflict("InvalidPassword", "The password is incorrect.");
        }
        boolean passwordOk;
        if (password == null) {
            hasher.spendLike("", user.passwordHash()); // a missing password costs what a wrong one does
            passwordOk = false;
        } else {
            passwordOk = hasher.verify(password, user.passwordHash());
        }
        if (!passwordOk) {
            guard.failed(company, user, Step.BaseAuthentication, client);
            throw Refusal.Coded.conflict("InvalidPassword", "The password is incorrect.");
        }
        if (user.twoFactor() == User.TwoFactorMethod.NONE) {
            return;
        }
        if (code == null || code.isBlank()) {
            throw Refusal.Coded.conflict("VerificationCodeRequired",
                    "A current " + user.twoFactor().json() + " code (or a recovery code) is required.");
        }
        long now = clock.millis();
        boolean ok;
        if (RecoveryCodes.looksLikeOne(code)) {
            ok = recoveryCodes.consume(user.id(), code, now);
        } else if (user.twoFactor() == User.TwoFactorMethod.TOTP) {
            ok = authenticator.accept(user, code, now);
        } else {
            ok = settingsCodes.consume(user.id(), code, now);
        }
        if (!ok) {
            guard.failed(company, user, Step.VerificationCode, client);
            throw Refusal.Coded.conflict("InvalidVerificationCode", "The verification code is incorrect or expired.");
        }
    }

    /**
     * Switches the user's method. SMS needs a bound phone number; an authenticator app is switched
     * on by confirming an enrolment (or back on here when one is already enrolled).
     */
    public Settings change(Company company, User user, User.TwoFactorMethod method, String password, String code,
                           ClientInfo client) {
        if (method == User.TwoFactorMethod.SMS && !user.phoneActive()) {
            throw Refusal.Coded.conflict("PhoneNotBound", "Bind and verify a phone number before choosing SMS.");
        }
        if (method == User.TwoFactorMethod.TOTP && !user.totpEnrolled()) {
            throw Refusal.Coded.conflict("AuthenticatorNotEnrolled", "Enrol an authenticator app first.");
        }
        prove(company, user, password, code, client);
        if (method != user.twoFactor()) {
            users.setTwoFactor(user.id(), method);
            audit.record(company.id(), user.id(), user.username(), AuditLog.Event.TWO_FACTOR_CHANGED, null, client,
                    user.twoFactor().wire() + " -> " + method.wire());
            notifyChange(company, user, "Two-factor sign-in is now: " + method.json() + " (was " + user.twoFactor().json() + ").");
        }
        return settings(users.byId(user.id()).orElseThrow());
    }

    /** Starts enrolling an authenticator app: a new secret, its otpauth URI and a QR code PNG (base64). */
    public Enrolment startEnrolment(Company company, User user, String password, String code, ClientInfo client) {
        prove(company, user, password, code, client);
        String secret = Totp.newSecret();
        long now = clock.millis();
        jdbi.useTransaction(h -> {
            h.createUpdate("DELETE FROM totp_enrolments WHERE user_id = :u").bind("u", user.id()).execute();
            h.createUpdate("""
                            INSERT INTO totp_enrolments (user_id, secret_enc, failures, created_at_ms, expires_at_ms)
                            VALUES (:u, :s, 0, :now, :exp)""")
                    .bind("u", user.id()).bind("s", box.seal(secret)).bind("now", now)
                    .bind("exp", now + ENROLMENT_TTL.toMillis()).execute();
        });
        URI uri = Totp.uri(secret, company.name(), user.username());
        return new Enrolment(secret, uri.toString(), Base64.getEncoder().encodeToString(Totp.qrPng(uri)));
    }

    /**
     * Confirms an enrolment with the app's first code: the authenticator becomes the method and ten
     * new recovery codes are returned, the only time they are shown.
     */
    public Enrolled confirmEnrolment(Company company, User user, String code, ClientInfo client) {
        long now = clock.millis();
        Optional<String[]> pending = jdbi.withHandle(h -> h.createQuery(
                        "SELECT secret_enc, failures, expires_at_ms FROM totp_enrolments WHERE user_id = :u")
                .bind("u", user.id())
                .map((rs, ctx) -> new String[] {rs.getString(1), String.valueOf(rs.getInt(2)), String.valueOf(rs.getLong(3))})
                .findOne());
        if (pending.isEmpty() || Integer.parseInt(pending.get()[1]) >= ENROLMENT_FAILURES_MAX
                || now >= Long.parseLong(pending.get()[2])) {
            throw Refusal.Coded.conflict("NoPendingEnrolment", "Start an authenticator enrolment first.");
        }
        String sealed = pending.get()[0];
        OptionalLong step = code == null ? OptionalLong.empty()
                : Totp.matchingStep(box.open(sealed), code.trim(), Instant.ofEpochMilli(now));
        if (step.isEmpty()) {
            jdbi.useHandle(h -> h.createUpdate("UPDATE totp_enrolments SET failures = failures + 1 WHERE user_id = :u")
                    .bind("u", user.id()).execute());
            throw Refusal.Coded.conflict("InvalidVerificationCode", "The authenticator code is incorrect.");
        }
        users.setTotpSecret(user.id(), sealed);
        users.useTotpStep(user.id(), step.getAsLong());
        users.setTwoFactor(user.id(), User.TwoFactorMethod.TOTP);
        jdbi.useHandle(h -> h.createUpdate("DELETE FROM totp_enrolments WHERE user_id = :u").bind("u", user.id()).execute());
        List<String> codes = recoveryCodes.regenerate(user.id());
        audit.record(company.id(), user.id(), user.username(), AuditLog.Event.TWO_FACTOR_CHANGED, null, client,
                user.twoFactor().wire() + " -> totp (authenticator enrolled)");
        notifyChange(company, user, "An authenticator app was enrolled and is now your two-factor method "
                + "(was " + user.twoFactor().json() + "). New recovery codes were issued.");
        return new Enrolled(User.TwoFactorMethod.TOTP.json(), codes);
    }

    private void notifyChange(Company company, User user, String what) {
        try {
            mailer.send(new Mail(user.email(), company.name() + ": your sign-in security changed",
                    what + "\nTime: " + Dates.iso(clock.millis()) + "\n"
                            + "If you did not make this change, contact " + company.name() + " at once."));
        } catch (Mailer.DeliveryException e) {
            LOG.warn("security-change notice for user {} not delivered: {}", user.id(), e.getMessage());
        }
    }
}
