package dev.crater.auth;

import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import dev.crater.access.ApiGuard;
import dev.crater.companies.Company;
import dev.crater.companies.CompanyService;
import dev.crater.http.ApiException;
import dev.crater.http.ClientInfo;
import dev.crater.http.Envelope;
import dev.crater.http.HttpSupport;
import dev.crater.http.RateLimiter;
import io.helidon.http.HeaderNames;
import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.HttpService;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import java.util.List;

/**
 * The forgotten-password flow (reference 02-users.md §3), open to clients with an app key only:
 *
 * <pre>
 * POST /v1.0/users/password/reset              {"User":"login"}              → code e-mailed
 * GET  /v1.0/users/password/secret-question?username=                       → {"Model":""}
 * POST /v1.0/users/identifiers/reset/code     {"Code":"…","Identifier":"ResetPassword"} → {"Model":"&lt;token&gt;"}
 * PUT  /v1.0/users/passwords/reset/           {"Token":"…","Password":"…","PasswordConfirmation":"…"}
 * </pre>
 *
 * The last call also takes the token a login returns when the password has expired.
 */
public final class PasswordResetRoutes implements HttpService {
    private final PasswordService passwords;
    private final CompanyService companies;
    private final RateLimiter perAddress;

    public PasswordResetRoutes(PasswordService passwords, CompanyService companies, RateLimiter perAddress) {
        this.passwords = passwords;
        this.companies = companies;
        this.perAddress = perAddress;
    }

    public record ResetRequest(String user, String secretQuestionAnswer) {
    }

    public record CodeRequest(String code, String identifier) {
    }

    public record ResetBody(String token, String password, String passwordConfirmation) {
    }

    /** The documented step-1 and step-4 answers: {@code {"Errors": [], "IsSucceed": …}}. */
    @JsonPropertyOrder({"Errors", "IsSucceed"})
    public record Outcome(List<String> errors, boolean isSucceed) {
    }

    @Override
    public void routing(HttpRules rules) {
        rules.post("/users/password/reset[/]", this::request)
                .get("/users/password/secret-question[/]", this::secretQuestion)
                .post("/users/identifiers/reset/code[/]", this::code)
                .put("/users/passwords/reset[/]", this::reset);
    }

    private Company company(ServerRequest req, ServerResponse res) {
        Company company = HttpSupport.header(req, ApiGuard.APP_KEY).flatMap(companies::byAppKey)
                .orElseThrow(ApiException::appKey);
        long wait = perAddress.acquire(ClientInfo.of(req).address());
        if (wait > 0) {
            res.header(HeaderNames.RETRY_AFTER, String.valueOf(wait));
            throw new ApiException(429, Envelope.failed(429, "TooManyRequests", TokenResponse.RATE_LIMITED));
        }
        return company;
    }

    private void request(ServerRequest req, ServerResponse res) {
        Company company = company(req, res);
        ResetRequest body = HttpSupport.readJson(req, ResetRequest.class, "resource");
        if (body.user() == null || body.user().isBlank()) {
            throw ApiException.modelState("resource.User", "User is required");
        }
        passwords.requestReset(company, body.user(), ClientInfo.of(req));
        // The documented answer, the same whether or not the user exists (IsSucceed false, sic).
        HttpSupport.json(res, 200, new Outcome(List.of(), false));
    }

    private void secretQuestion(ServerRequest req, ServerResponse res) {
        company(req, res);
        // Crater keeps no secret questions: the documented "none configured" answer for everyone.
        HttpSupport.json(res, 200, Envelope.okNoStatus(""));
    }

    private void code(ServerRequest req, ServerResponse res) {
        Company company = company(req, res);
        CodeRequest body = HttpSupport.readJson(req, CodeRequest.class, "resource");
        PasswordService.Purpose purpose = PasswordService.Purpose.parse(body.identifier()).orElseThrow(() ->
                Envelope.error(409, "UnsupportedIdentifier", "Identifier is ResetPassword or ResetPinCode."));
        String token = passwords.redeemCode(company, body.code(), purpose, ClientInfo.of(req));
        HttpSupport.json(res, 200, new Envelope(token, List.of(), List.of(), "Continue", true));
    }

    private void reset(ServerRequest req, ServerResponse res) {
        Company company = company(req, res);
        ResetBody body = HttpSupport.readJson(req, ResetBody.class, "resource");
        passwords.reset(company, body.token(), body.password(), body.passwordConfirmation(), ClientInfo.of(req));
        HttpSupport.json(res, 200, new Outcome(List.of(), true));
    }
}
