package dev.crater.auth;

import dev.crater.access.ApiGuard;
import dev.crater.access.Principal;
import dev.crater.audit.AuditLog;
import dev.crater.companies.Company;
import dev.crater.companies.CompanyService;
import dev.crater.http.ApiError;
import dev.crater.http.ApiException;
import dev.crater.http.ClientInfo;
import dev.crater.http.HttpSupport;
import dev.crater.http.RateLimiter;
import io.helidon.http.HeaderName;
import io.helidon.http.HeaderNames;
import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.HttpService;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;

/**
 * {@code POST /api/token}: every input is a header, the body is empty. Other methods get 405.
 *
 * <pre>
 * curl -X POST http://localhost:8080/api/token -H "Et-App-Key: KEY" -H "Username: demo" \
 *      -H "Password: ..." -H "Content-Length: 0"
 * </pre>
 */
public final class AuthRoutes implements HttpService {
    static final HeaderName USERNAME = HeaderNames.create("Username");
    static final HeaderName PASSWORD = HeaderNames.create("Password");
    static final HeaderName PIN_CODE = HeaderNames.create("PinCode");
    static final HeaderName VERIFICATION_CODE = HeaderNames.create("VerificationCode");
    /** The 2019 docs once called the second-step header "Token"; accepted when Authorization is absent. */
    static final HeaderName LEGACY_TOKEN = HeaderNames.create("Token");

    private final AuthService auth;
    private final SessionService sessions;
    private final RateLimiter perAddress;
    private final CompanyService companies;
    private final AuditLog audit;

    public AuthRoutes(AuthService auth, SessionService sessions, CompanyService companies, RateLimiter perAddress,
                      AuditLog audit) {
        this.auth = auth;
        this.sessions = sessions;
        this.companies = companies;
        this.perAddress = perAddress;
        this.audit = audit;
    }

    @Override
    public void routing(HttpRules rules) {
        rules.post("/token[/]", this::token)
                .delete("/token[/]", this::logout)
                .any("/token[/]", (req, res) -> methodNotAllowed(req, res, "POST, DELETE"))
                .post("/logout[/]", this::logout)
                .any("/logout[/]", (req, res) -> methodNotAllowed(req, res, "POST"));
    }

    private void token(ServerRequest req, ServerResponse res) {
        ClientInfo client = ClientInfo.of(req);
        long wait = perAddress.acquire(client.address());
        if (wait > 0) {
            audit.record(null, null, HttpSupport.header(req, USERNAME).orElse(null), AuditLog.Event.RATE_LIMITED,
                    null, client, "retry after " + wait + " s");
            res.header(HeaderNames.RETRY_AFTER, String.valueOf(wait));
            HttpSupport.json(res, 429, new TokenResponse.Failed(Step.BaseAuthentication, TokenResponse.RATE_LIMITED));
            return;
        }
        AuthService.LoginRequest login = new AuthService.LoginRequest(
                HttpSupport.header(req, ApiGuard.APP_KEY).orElse(null),
                HttpSupport.header(req, USERNAME).orElse(null),
                // Passwords are taken as sent: leading or trailing spaces may be part of them.
                req.headers().first(PASSWORD).filter(p -> !p.isEmpty()).orElse(null),
                HttpSupport.header(req, PIN_CODE).orElse(null),
                HttpSupport.header(req, VERIFICATION_CODE).orElse(null),
                ApiGuard.bearerToken(req.headers().first(HeaderNames.AUTHORIZATION)
                        .or(() -> req.headers().first(LEGACY_TOKEN)).orElse(null)),
                client);
        switch (auth.login(login)) {
            case AuthService.Outcome.UnknownAppKey u -> HttpSupport.json(res, 403, ApiError.AppKey.INVALID);
            case AuthService.Outcome.Answer a -> HttpSupport.json(res, a.response().httpStatus(), a.response());
            case AuthService.Outcome.Throttled t -> {
                res.header(HeaderNames.RETRY_AFTER, String.valueOf(t.retryAfterSeconds()));
                HttpSupport.json(res, 429, t.response());
            }
            case AuthService.Outcome.DeliveryFailed d -> {
                res.header(HeaderNames.RETRY_AFTER, "30");
                HttpSupport.json(res, 503, d.response());
            }
        }
    }

    /**
     * {@code DELETE /api/token} (not in the ETNA docs) and the vendor spec's {@code POST /api/logout}
     * (operation {@code Logout}): revokes the bearer token presented, of any scope. 204 when it was
     * live; 401 otherwise; 403 without a known app key.
     */
    private void logout(ServerRequest req, ServerResponse res) {
        Company company = HttpSupport.header(req, ApiGuard.APP_KEY).flatMap(companies::byAppKey)
                .orElseThrow(ApiException::appKey);
        String bearer = ApiGuard.bearerToken(req.headers().first(HeaderNames.AUTHORIZATION).orElse(null));
        Principal p = sessions.authenticate(bearer, company.id()).orElseThrow(ApiException::denied);
        sessions.revoke(p.tokenHash());
        audit.record(company.id(), p.userId(), null, AuditLog.Event.TOKEN_REVOKED, null, ClientInfo.of(req), "logout");
        res.status(204).send();
    }

    private static void methodNotAllowed(ServerRequest req, ServerResponse res, String allowed) {
        res.header(HeaderNames.ALLOW, allowed);
        HttpSupport.json(res, 405, new ApiError.Message(
                "The requested resource does not support http method '" + req.prologue().method().text() + "'."));
    }
}
