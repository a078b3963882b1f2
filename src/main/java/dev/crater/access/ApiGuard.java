package dev.crater.access;

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
import java.util.Set;

/**
 * Runs in front of every authenticated {@code /api/v1.0/*} route: a known {@code Et-App-Key}
 * (else 403 with the documented app-key body) and a live final bearer token of that same company
 * (else 401 {@code {"Message":"Authorization has been denied for this request."}}). On success the
 * {@link Principal} goes into the request context and routing continues.
 */
public final class ApiGuard implements Handler {
    public static final HeaderName APP_KEY = HeaderNames.create("Et-App-Key");

    private final CompanyService companies;
    private final Authenticator sessions;
    private final Set<Scope> scopes;

    /** A guard that admits full tokens only: the one in front of the whole API. */
    public ApiGuard(CompanyService companies, Authenticator sessions) {
        this(companies, sessions, Set.of(Scope.FULL));
    }

    /** A guard that admits tokens of the given scopes (the PIN set-up calls admit PIN_SETUP too). */
    public ApiGuard(CompanyService companies, Authenticator sessions, Set<Scope> scopes) {
        this.companies = companies;
        this.sessions = sessions;
        this.scopes = Set.copyOf(scopes);
    }

    @Override
    public void handle(ServerRequest req, ServerResponse res) {
        Optional<Company> company = HttpSupport.header(req, APP_KEY).flatMap(companies::byAppKey);
        if (company.isEmpty()) {
            throw ApiException.appKey();
        }
        String bearer = bearerToken(req.headers().first(HeaderNames.AUTHORIZATION).orElse(null));
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

    /** Extracts the token from an {@code Authorization} header value: {@code Bearer <token>}, or a bare token. */
    public static String bearerToken(String authorization) {
        if (authorization == null) {
            return null;
        }
        String v = authorization.trim();
        if (v.regionMatches(true, 0, "Bearer ", 0, 7)) {
            v = v.substring(7).trim();
        }
        return v.isEmpty() ? null : v;
    }
}
