package dev.crater.auth;

import dev.crater.access.ApiGuard;
import dev.crater.companies.Company;
import dev.crater.http.ApiException;
import dev.crater.http.ClientInfo;
import dev.crater.http.HttpSupport;
import dev.crater.users.User;
import dev.crater.users.UserIds;
import dev.crater.users.UserService;
import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.HttpService;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;

/**
 * A user's two-factor settings (not in the ETNA docs; designed in docs/api-compatibility.md),
 * under {@code /api/v1.0/users/{userId}/security/two-factor}.
 *
 * <pre>
 * GET  …/security/two-factor                            current method, phone, authenticator, recovery codes left
 * POST …/security/two-factor/code                       send a code by the current method (e-mail or SMS)
 * PUT  …/security/two-factor                            {"Method":"Sms","Password":"…","VerificationCode":"…"}
 * POST …/security/two-factor/authenticator              {"Password":"…","VerificationCode":"…"} → secret, URI, QR PNG
 * POST …/security/two-factor/authenticator/confirm      {"Code":"123456"} → recovery codes
 * </pre>
 */
public final class TwoFactorRoutes implements HttpService {
    private static final String BASE = "/users/{userId}/security/two-factor";

    private final TwoFactorService twoFactor;
    private final UserService users;

    public TwoFactorRoutes(TwoFactorService twoFactor, UserService users) {
        this.twoFactor = twoFactor;
        this.users = users;
    }

    @Override
    public void routing(HttpRules rules) {
        rules.get(BASE + "[/]", this::get)
                .put(BASE + "[/]", this::change)
                .post(BASE + "/code[/]", this::sendCode)
                .post(BASE + "/authenticator[/]", this::startEnrolment)
                .post(BASE + "/authenticator/confirm[/]", this::confirmEnrolment);
    }

    /** Body of a change: the new method, the password, and a current code when a factor is on. */
    public record ChangeRequest(String method, String password, String verificationCode) {
    }

    /** Body of an enrolment start. */
    public record ProveRequest(String password, String verificationCode) {
    }

    /** Body of an enrolment confirmation. */
    public record ConfirmRequest(String code) {
    }

    private User caller(ServerRequest req) {
        return UserIds.caller(req, users);
    }

    private void get(ServerRequest req, ServerResponse res) {
        HttpSupport.json(res, 200, twoFactor.settings(caller(req)));
    }

    private void sendCode(ServerRequest req, ServerResponse res) {
        HttpSupport.json(res, 200, twoFactor.sendCode(ApiGuard.company(req), caller(req)));
    }

    private void change(ServerRequest req, ServerResponse res) {
        User user = caller(req);
        ChangeRequest body = HttpSupport.readJson(req, ChangeRequest.class, "model");
        if (body.method() == null) {
            throw ApiException.modelState("model.Method", "Method is required (None, Email, Sms or Totp).");
        }
        User.TwoFactorMethod method;
        try {
            method = User.TwoFactorMethod.parse(body.method());
        } catch (IllegalArgumentException e) {
            throw ApiException.modelState("model.Method", "Method must be None, Email, Sms or Totp.");
        }
        Company company = ApiGuard.company(req);
        HttpSupport.json(res, 200, twoFactor.change(company, user, method, body.password(), body.verificationCode(),
                ClientInfo.of(req)));
    }

    private void startEnrolment(ServerRequest req, ServerResponse res) {
        User user = caller(req);
        ProveRequest body = HttpSupport.readJson(req, ProveRequest.class, "model");
        HttpSupport.json(res, 200, twoFactor.startEnrolment(ApiGuard.company(req), user, body.password(),
                body.verificationCode(), ClientInfo.of(req)));
    }

    private void confirmEnrolment(ServerRequest req, ServerResponse res) {
        User user = caller(req);
        ConfirmRequest body = HttpSupport.readJson(req, ConfirmRequest.class, "model");
        if (body.code() == null || body.code().isBlank()) {
            throw ApiException.modelState("model.Code", "Code is required.");
        }
        HttpSupport.json(res, 200, twoFactor.confirmEnrolment(ApiGuard.company(req), user, body.code(), ClientInfo.of(req)));
    }
}
