package dev.crater.auth;

import dev.crater.http.HttpSupport;
import dev.crater.http.ApiError;
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

    public AuthRoutes(AuthService auth) {
        this.auth = auth;
    }

    @Override
    public void routing(HttpRules rules) {
        rules.post("/token[/]", this::token)
                .any("/token[/]", AuthRoutes::methodNotAllowed);
    }

    private void token(ServerRequest req, ServerResponse res) {
        AuthService.LoginRequest login = new AuthService.LoginRequest(
                HttpSupport.header(req, ApiGuard.APP_KEY).orElse(null),
                HttpSupport.header(req, USERNAME).orElse(null),
                // Passwords are taken as sent: leading or trailing spaces may be part of them.
                req.headers().first(PASSWORD).filter(p -> !p.isEmpty()).orElse(null),
                HttpSupport.header(req, PIN_CODE).orElse(null),
                HttpSupport.header(req, VERIFICATION_CODE).orElse(null),
                SessionService.bearerToken(req.headers().first(HeaderNames.AUTHORIZATION)
                        .or(() -> req.headers().first(LEGACY_TOKEN)).orElse(null)));
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

    private static void methodNotAllowed(ServerRequest req, ServerResponse res) {
        res.header(HeaderNames.ALLOW, "POST");
        HttpSupport.json(res, 405, new ApiError.Message(
                "The requested resource does not support http method '" + req.prologue().method().text() + "'."));
    }
}
