package dev.crater.auth;

import dev.crater.companies.Company;
import dev.crater.companies.CompanyService;
import dev.crater.http.ApiException;
import dev.crater.http.HttpSupport;
import io.helidon.http.HeaderName;
import io.helidon.http.HeaderNames;
import io.helidon.webserver.http.Handler;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import java.util.Optional;

/**
 * Runs in front of every authenticated {@code /api/v1.0/*} route: a known {@code Et-App-Key}
 * (else 403 with the documented app-key body) and a live final bearer token of that same company
 * (else 401 {@code {"Message":"Authorization has been denied for this request."}}). On success the
 * {@link Principal} goes into the request context and routing continues.
 */
public final class ApiGuard implements Handler {
    public static final HeaderName APP_KEY = HeaderNames.create("Et-App-Key");

    private final CompanyService companies;
    private final SessionService sessions;
    private final java.util.Set<TokenStore.Scope> scopes;

    /** A guard that admits full tokens only: the one in front of the whole API. */
    public ApiGuard(CompanyService companies, SessionService sessions) {
        this(companies, sessions, java.util.Set.of(TokenStore.Scope.FULL));
    }

    /** A guard that admits tokens of the given scopes (the PIN set-up calls admit PIN_SETUP too). */
    public ApiGuard(CompanyService companies, SessionService sessions, java.util.Set<TokenStore.Scope> scopes) {
        this.companies = companies;
        this.sessions = sessions;
        this.scopes = java.util.Set.copyOf(scopes);
    }

    @Override
    public void handle(ServerRequest req, ServerResponse res) {
        Optional<Company> company = HttpSupport.header(req, APP_KEY).flatMap(companies::byAppKey);
        if (company.isEmpty()) {
            throw ApiException.appKey();
        }
        String bearer = SessionService.bearerToken(req.headers().first(HeaderNames.AUTHORIZATION).orElse(null));
        Principal principal = sessions.authenticate(bearer, company.get().id())
                .filter(p -> scopes.contains(p.scope()))
                .orElseThrow(ApiException::denied);
        req.context().register(principal);
        req.context().register(company.get());
        res.next();
    }

    /** The company of the app key {@link ApiGuard} checked for this request. */
    public static Company company(ServerRequest req) {
        return req.context().get(Company.class)
                .orElseThrow(() -> new IllegalStateException("route reached without ApiGuard"));
    }

    /** The principal {@link ApiGuard} established for this request. */
    public static Principal principal(ServerRequest req) {
        return req.context().get(Principal.class)
                .orElseThrow(() -> new IllegalStateException("route reached without ApiGuard"));
    }
}
