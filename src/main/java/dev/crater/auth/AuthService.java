package dev.crater.auth;

import dev.crater.companies.Company;
import dev.crater.companies.CompanyService;
import dev.crater.http.Limits;
import dev.crater.notify.Mail;
import dev.crater.notify.Mailer;
import dev.crater.users.User;
import dev.crater.users.UserService;
import java.time.Duration;
import java.time.InstantSource;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The login state machine behind {@code POST /token}: password, then PIN (when the user has one),
 * then a verification code (when two-factor is on), then a final bearer token.
 *
 * <p>Between steps the client holds an interim token; the server holds only its SHA-256 and the
 * step it waits for ({@link ChallengeStore}). Interim tokens are a different kind from final
 * tokens and are never accepted anywhere but here.
 */
public final class AuthService {
    private static final Logger LOG = LoggerFactory.getLogger(AuthService.class);

    /** Wrong PINs accepted on one interim token before it dies. */
    public static final int PIN_FAILURES_MAX = 5;
    /** Wrong codes accepted on one interim token before it dies. */
    public static final int CODE_FAILURES_MAX = 5;

    private final CompanyService companies;
    private final UserService users;
    private final PasswordHasher hasher;
    private final TokenStore tokens;
    private final ChallengeStore challenges;
    private final Mailer mailer;
    private final InstantSource clock;
    private final Duration tokenTtl;
    private final Duration interimTtl;

    public AuthService(CompanyService companies, UserService users, PasswordHasher hasher, TokenStore tokens,
                       ChallengeStore challenges, Mailer mailer, InstantSource clock,
                       Duration tokenTtl, Duration interimTtl) {
        this.companies = companies;
        this.users = users;
        this.hasher = hasher;
        this.tokens = tokens;
        this.challenges = challenges;
        this.mailer = mailer;
        this.clock = clock;
        this.tokenTtl = tokenTtl;
        this.interimTtl = interimTtl;
    }

    /**
     * The headers of one {@code /token} call. Blank headers are {@code null}; {@code bearer} is
     * the token after the {@code Bearer } prefix.
     */
    public record LoginRequest(String appKey, String username, String password, String pin, String code,
                               String bearer) {
    }

    /** Outcome of a call: a documented token answer, or the app key refusal. */
    public sealed interface Outcome {
        record Answer(TokenResponse response) implements Outcome {
        }

        /** The e-mail or SMS with the code could not be handed over: a server-side failure. */
        record DeliveryFailed(TokenResponse.Failed response) implements Outcome {
        }

        record UnknownAppKey() implements Outcome {
        }
    }

    /**
     * Runs one step of a login.
     *
     * @return {@link Outcome.UnknownAppKey} for a missing or unknown key; otherwise the documented
     *     Succeeded (200), Expecting (202) or Failed (401) answer
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
        if (req.username() == null || req.password() == null || tooLong(req.username()) || tooLong(req.password())) {
            return invalidCredentials();
        }
        Optional<User> found = users.byUsername(company.id(), req.username());
        if (found.isEmpty()) {
            hasher.verifyDummy(req.password());
            return invalidCredentials();
        }
        User user = found.get();
        boolean passwordOk = hasher.verify(req.password(), user.passwordHash());
        if (!passwordOk || !user.enabled()) {
            return invalidCredentials();
        }
        if (user.hasPin()) {
            if (req.pin() != null && !tooLong(req.pin()) && hasher.verify(req.pin(), user.pinHash())) {
                return afterPin(company, user);
            }
            int failures = req.pin() == null ? 0 : 1;
            String interim = Secrets.newToken();
            long now = clock.millis();
            challenges.insert(Secrets.sha256(interim), user.id(), company.id(), Step.SecutityPin, null, 0,
                    failures, now, now + interimTtl.toMillis());
            return answer(new TokenResponse.Expecting(Step.SecutityPin, TokenResponse.INVALID_PIN, interim));
        }
        return afterPin(company, user);
    }

    /** PIN done (or none needed): send a code if two-factor is on, else issue the final token. */
    private Outcome afterPin(Company company, User user) {
        if (user.twoFactor() == User.TwoFactorMethod.NONE) {
            return answer(new TokenResponse.Succeeded(issueFinalToken(user)));
        }
        String code = Secrets.newCode();
        String interim = Secrets.newToken();
        Optional<Outcome> undelivered = deliverCode(company, user, code);
        if (undelivered.isPresent()) {
            return undelivered.get();
        }
        long now = clock.millis();
        challenges.insert(Secrets.sha256(interim), user.id(), company.id(), Step.VerificationCode,
                Secrets.codeMac(interim, code), now + interimTtl.toMillis(), 0, now, now + interimTtl.toMillis());
        return answer(new TokenResponse.Expecting(Step.VerificationCode, TokenResponse.EXPECTING_CODE, interim));
    }

    /**
     * Hands the code to the mailer. A delivery failure is the server's problem, not the user's:
     * nothing is counted against them and they may simply repeat the step.
     */
    private Optional<Outcome> deliverCode(Company company, User user, String code) {
        try {
            mailer.send(codeMail(company, user, code));
            return Optional.empty();
        } catch (Mailer.DeliveryException e) {
            LOG.warn("verification code for user {} not delivered: {}", user.id(), e.getMessage());
            return Optional.of(new Outcome.DeliveryFailed(
                    new TokenResponse.Failed(Step.VerificationCode, TokenResponse.CODE_NOT_SENT)));
        }
    }

    private Mail codeMail(Company company, User user, String code) {
        long minutes = Math.max(1, interimTtl.toMinutes());
        return new Mail(user.email(), company.name() + " verification code",
                "Your " + company.name() + " verification code is " + code + ".\n"
                        + "It expires in " + minutes + " minutes and works once.\n"
                        + "If you did not try to log in, change your password.");
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
            case VerificationCode -> codeStep(user, c, req);
            case BaseAuthentication -> throw new IllegalStateException("challenge " + c.id() + " at BaseAuthentication");
        };
    }

    private Outcome pinStep(Company company, User user, ChallengeStore.Challenge c, LoginRequest req) {
        if (req.pin() == null) {
            return answer(new TokenResponse.Expecting(Step.SecutityPin, TokenResponse.INVALID_PIN, req.bearer()));
        }
        if (tooLong(req.pin()) || !hasher.verify(req.pin(), user.pinHash())) {
            int failures = challenges.pinFailed(c.id(), PIN_FAILURES_MAX);
            if (failures >= PIN_FAILURES_MAX) {
                return answer(new TokenResponse.Failed(Step.SecutityPin, TokenResponse.INVALID_PIN));
            }
            return answer(new TokenResponse.Expecting(Step.SecutityPin, TokenResponse.INVALID_PIN, req.bearer()));
        }
        if (user.twoFactor() == User.TwoFactorMethod.NONE) {
            if (!challenges.finish(c.id(), PIN_FAILURES_MAX)) {
                return answer(new TokenResponse.Failed(Step.SecutityPin, TokenResponse.CORRUPTED_TICKET));
            }
            return answer(new TokenResponse.Succeeded(issueFinalToken(user)));
        }
        // The client keeps the interim token it already has; the new code is bound to it.
        String code = Secrets.newCode();
        Optional<Outcome> undelivered = deliverCode(company, user, code);
        if (undelivered.isPresent()) {
            return undelivered.get();
        }
        if (!challenges.advanceToCode(c.id(), Secrets.codeMac(req.bearer(), code), clock.millis() + interimTtl.toMillis())) {
            return answer(new TokenResponse.Failed(Step.SecutityPin, TokenResponse.CORRUPTED_TICKET));
        }
        return answer(new TokenResponse.Expecting(Step.VerificationCode, TokenResponse.EXPECTING_CODE, req.bearer()));
    }

    private Outcome codeStep(User user, ChallengeStore.Challenge c, LoginRequest req) {
        if (req.code() == null) {
            return answer(new TokenResponse.Expecting(Step.VerificationCode, TokenResponse.EXPECTING_CODE, req.bearer()));
        }
        boolean fresh = clock.millis() < c.codeExpiresAtMs();
        boolean matches = !tooLong(req.code()) && Secrets.equal(Secrets.codeMac(req.bearer(), req.code().trim()), c.codeMac());
        if (!fresh || !matches) {
            int failures = challenges.codeFailed(c.id(), CODE_FAILURES_MAX);
            if (failures >= CODE_FAILURES_MAX || !fresh) {
                return answer(new TokenResponse.Failed(Step.VerificationCode, TokenResponse.INVALID_CODE));
            }
            return answer(new TokenResponse.Expecting(Step.VerificationCode, TokenResponse.INVALID_CODE, req.bearer()));
        }
        if (!challenges.finish(c.id(), CODE_FAILURES_MAX)) {
            return answer(new TokenResponse.Failed(Step.VerificationCode, TokenResponse.CORRUPTED_TICKET));
        }
        return answer(new TokenResponse.Succeeded(issueFinalToken(user)));
    }

    private String issueFinalToken(User user) {
        String token = Secrets.newToken();
        long now = clock.millis();
        tokens.insert(Secrets.sha256(token), user.id(), user.companyId(), now, now + tokenTtl.toMillis());
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
