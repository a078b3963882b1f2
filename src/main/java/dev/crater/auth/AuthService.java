package dev.crater.auth;

import dev.crater.access.Scope;
import dev.crater.audit.AuditLog;
import dev.crater.companies.Company;
import dev.crater.companies.CompanyPolicy;
import dev.crater.companies.CompanyService;
import dev.crater.crypto.PasswordHasher;
import dev.crater.crypto.Secrets;
import dev.crater.http.ClientInfo;
import dev.crater.http.Limits;
import dev.crater.users.User;
import dev.crater.users.UserService;
import java.time.Duration;
import java.time.InstantSource;
import java.util.Optional;

/**
 * The login state machine behind {@code POST /token}: password, then PIN (when the user has one),
 * then a second factor (a code sent by e-mail or SMS, or an authenticator-app code), then a final
 * bearer token. A recovery code stands in for the second factor of any method.
 *
 * <p>Between steps the client holds an interim token; the server holds only its SHA-256 and the
 * step it waits for ({@link ChallengeStore}). Interim tokens are a different kind from final
 * tokens and are never accepted anywhere but here.
 */
public final class AuthService {

    /** Wrong PINs accepted on one interim token before it dies. */
    public static final int PIN_FAILURES_MAX = 5;
    /** Wrong codes accepted on one interim token before it dies. */
    public static final int CODE_FAILURES_MAX = 5;

    private final CompanyService companies;
    private final UserService users;
    private final PasswordHasher hasher;
    private final TokenStore tokens;
    private final ChallengeStore challenges;
    private final CodeDelivery delivery;
    private final RecoveryCodes recoveryCodes;
    private final AuthenticatorCodes authenticator;
    private final LoginGuard guard;
    private final AuditLog audit;
    private final InstantSource clock;
    private final Duration tokenTtl;
    private final Duration interimTtl;

    public AuthService(CompanyService companies, UserService users, PasswordHasher hasher, TokenStore tokens,
                       ChallengeStore challenges, CodeDelivery delivery, RecoveryCodes recoveryCodes,
                       AuthenticatorCodes authenticator, LoginGuard guard, AuditLog audit, InstantSource clock,
                       Duration tokenTtl, Duration interimTtl) {
        this.companies = companies;
        this.users = users;
        this.hasher = hasher;
        this.tokens = tokens;
        this.challenges = challenges;
        this.delivery = delivery;
        this.recoveryCodes = recoveryCodes;
        this.authenticator = authenticator;
        this.guard = guard;
        this.audit = audit;
        this.clock = clock;
        this.tokenTtl = tokenTtl;
        this.interimTtl = interimTtl;
    }

    /**
     * The headers of one {@code /token} call. Blank headers are {@code null}; {@code bearer} is
     * the token after the {@code Bearer } prefix.
     */
    public record LoginRequest(String appKey, String username, String password, String pin, String code,
                               String bearer, ClientInfo client) {
    }

    /** Outcome of a call: a documented token answer, or a refusal the edge maps to a status. */
    public sealed interface Outcome {
        record Answer(TokenResponse response) implements Outcome {
        }

        /** The e-mail or SMS with the code could not be handed over: a server-side failure (503). */
        record DeliveryFailed(TokenResponse.Failed response) implements Outcome {
        }

        /** A new code was asked for too soon (429 with Retry-After). */
        record Throttled(TokenResponse.Failed response, long retryAfterSeconds) implements Outcome {
        }

        record UnknownAppKey() implements Outcome {
        }
    }

    /**
     * Runs one step of a login.
     *
     * @return {@link Outcome.UnknownAppKey} for a missing or unknown key; otherwise the documented
     *     Succeeded (200), Expecting (202) or Failed (401) answer, or a delivery failure or throttle
     */
    public Outcome login(LoginRequest req) {
        Optional<Company> company = companies.byAppKey(req.appKey());
        if (company.isEmpty()) {
            return new Outcome.UnknownAppKey();
        }
        long companyId = company.get().id();
        if (req.bearer() != null) {
            Optional<ChallengeStore.Challenge> challenge = challenges.byHash(Secrets.sha256(req.bearer()))
                    .filter(c -> c.companyId() == companyId && c.openAt(clock.millis()));
            if (challenge.isPresent()) {
                return continueChallenge(company.get(), challenge.get(), req);
            }
            // A dead, expired or foreign ticket cannot carry a PIN or a code any further. Without
            // either, the call has the full credentials of a first step and starts a new login.
            if (req.code() == null && req.pin() != null) {
                return answer(new TokenResponse.Failed(Step.SecutityPin, TokenResponse.CORRUPTED_TICKET));
            }
        }
        if (req.code() != null) {
            // The documented answer to a code sent without its interim token (reference 01 §2.2).
            return answer(new TokenResponse.Failed(Step.VerificationCode, TokenResponse.CORRUPTED_TICKET));
        }
        return firstStep(company.get(), req);
    }

    private Outcome firstStep(Company company, LoginRequest req) {
        Optional<User> checked = checkPassword(company, req.username(), req.password(), req.client());
        if (checked.isEmpty()) {
            return invalidCredentials();
        }
        User user = checked.get();
        if (user.hasPin()) {
            boolean pinSent = req.pin() != null;
            if (pinSent && !tooLong(req.pin()) && hasher.verify(req.pin(), user.pinHash())) {
                return secondFactor(company, user, null, Secrets.newToken(), req.client());
            }
            if (pinSent) {
                guard.failed(company, user, Step.SecutityPin, req.client());
            }
            int failures = pinSent ? 1 : 0;
            String interim = Secrets.newToken();
            long now = clock.millis();
            challenges.insert(Secrets.sha256(interim), user.id(), company.id(), Step.SecutityPin, null, 0,
                    failures, now, now + interimTtl.toMillis());
            return answer(new TokenResponse.Expecting(Step.SecutityPin, TokenResponse.INVALID_PIN, interim));
        }
        return secondFactor(company, user, null, Secrets.newToken(), req.client());
    }

    /**
     * The password step, shared by {@code /token} and the streamers' password login: the enabled user
     * whose password this is, or empty — unknown user (a dummy hash is spent), a wait or lock
     * ({@link LoginGuard#refuseSecret}), a wrong password (counted), a disabled user — each audited.
     */
    private Optional<User> checkPassword(Company company, String username, String password, ClientInfo client) {
        if (username == null || password == null || tooLong(username) || tooLong(password)) {
            return Optional.empty();
        }
        Optional<User> found = users.byUsername(company.id(), username);
        if (found.isEmpty()) {
            hasher.verifyDummy(password);
            audit.record(company.id(), null, username, AuditLog.Event.LOGIN_FAILED, Step.BaseAuthentication.name(),
                    client, "unknown user");
            return Optional.empty();
        }
        User user = found.get();
        if (guard.refuseSecret(company, user, Step.BaseAuthentication, client, password, user.passwordHash())) {
            return Optional.empty();
        }
        boolean passwordOk = hasher.verify(password, user.passwordHash());
        if (!passwordOk) {
            guard.failed(company, user, Step.BaseAuthentication, client);
            return Optional.empty();
        }
        if (!user.enabled()) {
            audit.record(company.id(), user.id(), user.username(), AuditLog.Event.LOGIN_FAILED,
                    Step.BaseAuthentication.name(), client, "user disabled");
            return Optional.empty();
        }
        return Optional.of(user);
    }

    /** Outcome of a {@link #passwordOnly} login. */
    public sealed interface PasswordOnly {
        /**
         * The login is complete: a token of scope {@link Scope#STREAMER} was issued (its text is
         * thrown away, only its hash is kept), so every end of a login session ends it too.
         */
        record Session(long userId, long companyId, String tokenHash) implements PasswordOnly {
        }

        /**
         * Unknown or missing app key, unknown user, wrong password, a wait or lock, a disabled user:
         * one answer for all of them.
         */
        record Refused() implements PasswordOnly {
        }

        /**
         * The password is right but does not complete this user's login: a PIN or a second factor
         * follows, the password has expired, or the company requires a PIN the user has not set.
         * Only the holder of the right password learns this, as {@code /token}'s Expecting answers
         * tell them too.
         */
        record FullLoginRequired(Step step) implements PasswordOnly {
        }
    }

    /**
     * A login by password alone, for the streamers' CreateSession option 1: the same password step
     * as {@code /token} (guessing protection, failure counting, audit), then a session only for a
     * user whose login ends there — no PIN, no second factor, a password that has not expired and no
     * PIN the company requires but the user lacks. Such a login counts as completed (the failure
     * count starts again, the address becomes known).
     */
    public PasswordOnly passwordOnly(String appKey, String username, String password, ClientInfo client) {
        Optional<Company> company = appKey == null ? Optional.empty() : companies.byAppKey(appKey);
        if (company.isEmpty()) {
            return new PasswordOnly.Refused();
        }
        Optional<User> checked = checkPassword(company.get(), username, password, client);
        if (checked.isEmpty()) {
            return new PasswordOnly.Refused();
        }
        User user = checked.get();
        long companyId = company.get().id();
        CompanyPolicy policy = companies.policy(companyId);
        long now = clock.millis();
        Step more = null;
        String why = null;
        if (user.hasPin()) {
            more = Step.SecutityPin;
            why = "PIN";
        } else if (user.twoFactor() != User.TwoFactorMethod.NONE) {
            more = Step.VerificationCode;
            why = "two-factor " + user.twoFactor().wire();
        } else if (policy.passwordExpired(user.passwordChangedAtMs(), now)) {
            audit.record(companyId, user.id(), user.username(), AuditLog.Event.PASSWORD_EXPIRED,
                    Step.BaseAuthentication.name(), client, STREAMER_LOGIN);
            more = Step.BaseAuthentication;
            why = "password expired";
        } else if (policy.pinRequired()) {
            more = Step.SecutityPin;
            why = "PIN required, not set";
        }
        if (more != null) {
            audit.record(companyId, user.id(), user.username(), AuditLog.Event.LOGIN_FAILED, more.name(), client,
                    STREAMER_LOGIN + ": needs " + why + " (the /token login, then a streamer session id)");
            return new PasswordOnly.FullLoginRequired(more);
        }
        guard.succeeded(user, client);
        String token = issueToken(user, Scope.STREAMER, tokenTtl);
        audit.record(companyId, user.id(), user.username(), AuditLog.Event.LOGIN_SUCCEEDED, null, client,
                STREAMER_LOGIN);
        return new PasswordOnly.Session(user.id(), companyId, Secrets.sha256(token));
    }

    /** How the audit log names a {@link #passwordOnly} login. */
    static final String STREAMER_LOGIN = "streamer CreateSession by password";

    /**
     * Password (and PIN) done: issue the final token, or start the second factor. With
     * {@code pinChallenge} the login continues on that challenge and {@code interim} is the token
     * the client already holds; otherwise {@code interim} is a new token for a new challenge. A sent
     * code is MAC'd with the interim token text, which the store never holds.
     */
    private Outcome secondFactor(Company company, User user, ChallengeStore.Challenge pinChallenge, String interim,
                                 ClientInfo client) {
        if (user.twoFactor() == User.TwoFactorMethod.NONE) {
            if (pinChallenge != null && !challenges.finish(pinChallenge.id(), PIN_FAILURES_MAX)) {
                return answer(new TokenResponse.Failed(Step.SecutityPin, TokenResponse.CORRUPTED_TICKET));
            }
            return complete(company, user, client);
        }
        String codeMac = null;
        if (user.twoFactor().sendsCode()) {
            String code = Secrets.newCode();
            CodeDelivery.Result sent = delivery.send(company, user, user.twoFactor(), code, CodeDelivery.Purpose.LOGIN);
            if (sent instanceof CodeDelivery.Result.Throttled t) {
                return new Outcome.Throttled(new TokenResponse.Failed(Step.VerificationCode, TokenResponse.CODE_THROTTLED),
                        t.retryAfterSeconds());
            }
            if (sent instanceof CodeDelivery.Result.Failed) {
                return new Outcome.DeliveryFailed(new TokenResponse.Failed(Step.VerificationCode, TokenResponse.CODE_NOT_SENT));
            }
            codeMac = Secrets.codeMac(interim, code);
        }
        long now = clock.millis();
        if (pinChallenge == null) {
            challenges.insert(Secrets.sha256(interim), user.id(), company.id(), Step.VerificationCode, codeMac,
                    now + interimTtl.toMillis(), 0, now, now + interimTtl.toMillis());
        } else if (!challenges.advanceToCode(pinChallenge.id(), codeMac, now + interimTtl.toMillis())) {
            return answer(new TokenResponse.Failed(Step.SecutityPin, TokenResponse.CORRUPTED_TICKET));
        }
        return answer(new TokenResponse.Expecting(Step.VerificationCode, TokenResponse.EXPECTING_CODE, interim));
    }

    private Outcome continueChallenge(Company company, ChallengeStore.Challenge c, LoginRequest req) {
        Optional<User> found = users.byId(c.userId());
        if (found.isEmpty() || !found.get().enabled()
                || (req.username() != null && !req.username().trim().equalsIgnoreCase(found.get().username()))) {
            return answer(new TokenResponse.Failed(c.step(), TokenResponse.CORRUPTED_TICKET));
        }
        User user = found.get();
        return switch (c.step()) {
            case SecutityPin -> pinStep(company, user, c, req);
            case VerificationCode -> codeStep(company, user, c, req);
            case BaseAuthentication -> throw new IllegalStateException("challenge " + c.id() + " at BaseAuthentication");
        };
    }

    private Outcome pinStep(Company company, User user, ChallengeStore.Challenge c, LoginRequest req) {
        if (req.pin() == null) {
            return answer(new TokenResponse.Expecting(Step.SecutityPin, TokenResponse.INVALID_PIN, req.bearer()));
        }
        if (guard.refuseSecret(company, user, Step.SecutityPin, req.client(), tooLong(req.pin()) ? "" : req.pin(),
                user.pinHash())) {
            return answer(new TokenResponse.Failed(Step.SecutityPin, TokenResponse.INVALID_PIN));
        }
        boolean pinOk;
        if (tooLong(req.pin())) {
            hasher.spendLike("", user.pinHash()); // a wrong PIN costs one hash, whatever its length
            pinOk = false;
        } else {
            pinOk = hasher.verify(req.pin(), user.pinHash());
        }
        if (!pinOk) {
            guard.failed(company, user, Step.SecutityPin, req.client());
            int failures = challenges.pinFailed(c.id(), PIN_FAILURES_MAX);
            if (failures >= PIN_FAILURES_MAX) {
                return answer(new TokenResponse.Failed(Step.SecutityPin, TokenResponse.INVALID_PIN));
            }
            return answer(new TokenResponse.Expecting(Step.SecutityPin, TokenResponse.INVALID_PIN, req.bearer()));
        }
        return secondFactor(company, user, c, req.bearer(), req.client());
    }

    private Outcome codeStep(Company company, User user, ChallengeStore.Challenge c, LoginRequest req) {
        if (req.code() == null) {
            return answer(new TokenResponse.Expecting(Step.VerificationCode, TokenResponse.EXPECTING_CODE, req.bearer()));
        }
        if (guard.refuse(company, user, Step.VerificationCode, req.client())) {
            return answer(new TokenResponse.Failed(Step.VerificationCode, TokenResponse.INVALID_CODE));
        }
        String code = req.code().trim();
        long now = clock.millis();
        boolean accepted;
        if (tooLong(code)) {
            accepted = false;
        } else if (RecoveryCodes.looksLikeOne(code)) {
            accepted = recoveryCodes.consume(user.id(), code, now);
        } else if (c.codeMac() == null) {
            accepted = authenticator.accept(user, code, now);
        } else {
            accepted = now < c.codeExpiresAtMs()
                    && Secrets.equal(Secrets.codeMac(req.bearer(), code), c.codeMac());
        }
        if (!accepted) {
            guard.failed(company, user, Step.VerificationCode, req.client());
            int failures = challenges.codeFailed(c.id(), CODE_FAILURES_MAX);
            if (failures >= CODE_FAILURES_MAX) {
                return answer(new TokenResponse.Failed(Step.VerificationCode, TokenResponse.INVALID_CODE));
            }
            return answer(new TokenResponse.Expecting(Step.VerificationCode, TokenResponse.INVALID_CODE, req.bearer()));
        }
        if (!challenges.finish(c.id(), CODE_FAILURES_MAX)) {
            return answer(new TokenResponse.Failed(Step.VerificationCode, TokenResponse.CORRUPTED_TICKET));
        }
        return complete(company, user, req.client());
    }

    /**
     * Every factor passed. The failure count starts again, and the user gets a full token — unless
     * the company's policy first needs a new password (expired) or a PIN (required but never set),
     * in which case the token opens only that call.
     */
    private Outcome complete(Company company, User user, ClientInfo client) {
        guard.succeeded(user, client);
        CompanyPolicy policy = companies.policy(company.id());
        long now = clock.millis();
        if (policy.passwordExpired(user.passwordChangedAtMs(), now)) {
            audit.record(company.id(), user.id(), user.username(), AuditLog.Event.PASSWORD_EXPIRED,
                    Step.BaseAuthentication.name(), client, null);
            return answer(new TokenResponse.Expecting(Step.BaseAuthentication, TokenResponse.PASSWORD_EXPIRED,
                    issueToken(user, Scope.PASSWORD_CHANGE, interimTtl)));
        }
        if (policy.pinRequired() && !user.hasPin()) {
            audit.record(company.id(), user.id(), user.username(), AuditLog.Event.LOGIN_EXPECTING,
                    Step.SecutityPin.name(), client, "PIN not set");
            return answer(new TokenResponse.Expecting(Step.SecutityPin, TokenResponse.PIN_NOT_INIT,
                    issueToken(user, Scope.PIN_SETUP, interimTtl)));
        }
        audit.record(company.id(), user.id(), user.username(), AuditLog.Event.LOGIN_SUCCEEDED, null, client,
                "two-factor " + user.twoFactor().wire());
        return answer(new TokenResponse.Succeeded(issueToken(user, Scope.FULL, tokenTtl)));
    }

    private String issueToken(User user, Scope scope, Duration ttl) {
        String token = Secrets.newToken();
        long now = clock.millis();
        tokens.insert(Secrets.sha256(token), user.id(), user.companyId(), now, now + ttl.toMillis(), scope);
        return token;
    }

    private static boolean tooLong(String headerValue) {
        return headerValue.length() > Limits.CREDENTIAL_HEADER_CHARS_MAX;
    }

    private static Outcome invalidCredentials() {
        return answer(new TokenResponse.Failed(Step.BaseAuthentication, TokenResponse.INVALID_CREDENTIALS));
    }

    private static Outcome answer(TokenResponse response) {
        return new Outcome.Answer(response);
    }
}
