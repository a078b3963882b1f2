package dev.crater.registration;

import com.fasterxml.jackson.databind.JsonNode;
import dev.crater.access.ApiGuard;
import dev.crater.companies.Company;
import dev.crater.companies.CompanyService;
import dev.crater.http.ApiException;
import dev.crater.http.ClientInfo;
import dev.crater.http.Envelope;
import dev.crater.http.HttpSupport;
import dev.crater.http.RateLimiter;
import dev.crater.users.UserInfoModel;
import io.helidon.http.HeaderNames;
import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.HttpService;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;

/**
 * User registration (reference 02-users.md §1), open to clients with an app key only:
 *
 * <pre>
 * GET  /v1.0/registration/schema                                  → the company's units and fields
 * POST /v1.0/registration/   (origin: the company's host)  {"Credentials": {…}, "Name": {…}} → UserInfoModel
 * POST /v1.0/registration/confirm   {"Token": "…"}  (Crater)       → UserInfoModel, the user can log in
 * </pre>
 */
public final class RegistrationRoutes implements HttpService {
    private final RegistrationService registrations;
    private final CompanyService companies;
    private final RateLimiter perAddress;

    public RegistrationRoutes(RegistrationService registrations, CompanyService companies, RateLimiter perAddress) {
        this.registrations = registrations;
        this.companies = companies;
        this.perAddress = perAddress;
    }

    public record ConfirmBody(String token) {
    }

    @Override
    public void routing(HttpRules rules) {
        rules.get("/registration/schema[/]", this::schema)
                .post("/registration/confirm[/]", this::confirm)
                .post("/registration[/]", this::register);
    }

    private Company company(ServerRequest req) {
        return HttpSupport.header(req, ApiGuard.APP_KEY).flatMap(companies::byAppKey).orElseThrow(ApiException::appKey);
    }

    /** The caller's company, within the per-address limit of the calls that write (429 beyond it). */
    private Company limited(ServerRequest req, ServerResponse res) {
        Company company = company(req);
        long wait = perAddress.acquire(ClientInfo.of(req).address());
        if (wait > 0) {
            res.header(HeaderNames.RETRY_AFTER, String.valueOf(wait));
            throw Envelope.error(429, "TooManyRequests", "Too many requests from this address; try again later.");
        }
        return company;
    }

    private void schema(ServerRequest req, ServerResponse res) {
        Company company = company(req);
        HttpSupport.json(res, 200, registrations.schema(company.id()).units());
    }

    private void register(ServerRequest req, ServerResponse res) {
        Company company = limited(req, res);
        JsonNode body = HttpSupport.readJson(req, JsonNode.class, "registrationRequest");
        String origin = HttpSupport.header(req, HeaderNames.ORIGIN).orElse(null);
        HttpSupport.json(res, 200, registrations.register(company, origin, body));
    }

    private void confirm(ServerRequest req, ServerResponse res) {
        Company company = limited(req, res);
        ConfirmBody body = HttpSupport.readJson(req, ConfirmBody.class, "resource");
        HttpSupport.json(res, 200, UserInfoModel.of(registrations.confirm(company, body.token())));
    }
}
