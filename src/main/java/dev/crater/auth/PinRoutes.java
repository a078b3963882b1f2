package dev.crater.auth;

import com.fasterxml.jackson.databind.JsonNode;
import dev.crater.access.ApiGuard;
import dev.crater.access.Principal;
import dev.crater.access.Scope;
import dev.crater.audit.AuditLog;
import dev.crater.companies.Company;
import dev.crater.crypto.PasswordHasher;
import dev.crater.crypto.Secrets;
import dev.crater.http.ApiException;
import dev.crater.http.ClientInfo;
import dev.crater.http.Envelope;
import dev.crater.http.HttpSupport;
import dev.crater.http.Json;
import dev.crater.images.SecurityImages;
import dev.crater.users.User;
import dev.crater.users.UserService;
import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.HttpService;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import java.io.IOException;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * PIN set-up (reference 01-authentication.md §3): the security images and the set-PIN call. Both
 * take a full token or the PIN-set-up token a login returns with "PIN code is not init".
 *
 * <pre>
 * GET            /v1.0/assets/security-images
 * GET|POST|PUT   /v1.0/users/pincode/change    {"Token":"…","Pin":"1234","ImageName":"apple.png","PersonalPhrase":"…"}
 * </pre>
 *
 * The docs show GET with a body for the second call; POST and PUT are accepted too.
 */
public final class PinRoutes implements HttpService {
    public static final int PHRASE_CHARS_MAX = 100;

    private final ApiGuard guard;
    private final SecurityImages images;
    private final UserService users;
    private final PasswordHasher hasher;
    private final SessionService sessions;
    private final AuditLog audit;
    /** Built once, at the first request (a benign race: both builders make equal lists). */
    private volatile List<Map<String, String>> imageModels;

    public PinRoutes(ApiGuard guard, SecurityImages images, UserService users, PasswordHasher hasher,
                     SessionService sessions, AuditLog audit) {
        this.guard = guard;
        this.images = images;
        this.users = users;
        this.hasher = hasher;
        this.sessions = sessions;
        this.audit = audit;
    }

    /**
     * The answer's models, built at the first request: the pictures are drawn then, not while the
     * server starts (SecurityImages#all: a tenth to a quarter of a second of a cold start).
     */
    private List<Map<String, String>> imageModels() {
        List<Map<String, String>> models = imageModels;
        if (models == null) {
            models = images.all().stream()
                    .map(i -> Map.of("FileName", i.fileName(), "Content", Base64.getEncoder().encodeToString(i.png())))
                    .toList();
            imageModels = models;
        }
        return models;
    }

    private static final String CHANGE = "/users/pincode/change[/]";

    /** Tokens these calls admit. */
    public static final Set<Scope> SCOPES = Set.of(Scope.FULL, Scope.PIN_SETUP);

    @Override
    public void routing(HttpRules rules) {
        // One registration per method, each with its path as text: the API's description reads them.
        rules.get("/assets/security-images[/]", guard, this::images)
                .get(CHANGE, guard, this::setPin)
                .post(CHANGE, guard, this::setPin)
                .put(CHANGE, guard, this::setPin);
    }

    private void images(ServerRequest req, ServerResponse res) {
        HttpSupport.json(res, 200, Envelope.okNoStatus(imageModels()));
    }

    private void setPin(ServerRequest req, ServerResponse res) {
        Principal p = ApiGuard.principal(req);
        Company company = ApiGuard.company(req);
        User user = users.byId(p.userId()).orElseThrow(ApiException::denied);
        JsonNode body;
        try {
            byte[] bytes = HttpSupport.body(req);
            body = bytes.length == 0 ? null : Json.mapper().readTree(bytes);
        } catch (IOException e) {
            throw ApiException.modelState("model", "The request body is not valid JSON.");
        }
        if (body == null || !body.isObject()) {
            throw ApiException.modelState("model", "A request body is required.");
        }
        String pin = text(body, "Pin");
        String image = text(body, "ImageName");
        String phrase = text(body, "PersonalPhrase");
        String token = text(body, "Token");
        if (token != null && !Secrets.equal(Secrets.sha256(token), p.tokenHash())) {
            throw Envelope.error(409, "InvalidToken", "Token must be the one this call is authorized with.");
        }
        if (!UserService.isPinShaped(pin)) {
            throw ApiException.modelState("model.Pin", "Pin must be 4 to 8 digits.");
        }
        if (image == null || !images.contains(image)) {
            throw ApiException.modelState("model.ImageName", "ImageName must be one of the security images.");
        }
        if (phrase == null || phrase.isBlank() || phrase.length() > PHRASE_CHARS_MAX) {
            throw ApiException.modelState("model.PersonalPhrase", "PersonalPhrase is required (at most "
                    + PHRASE_CHARS_MAX + " characters).");
        }
        if (user.hasPin() && p.scope() != Scope.PIN_SETUP) {
            // Changing an existing PIN needs the old one (Crater extension: "OldPin"), unless the token is
            // a set-up token, which only a login without a PIN or a redeemed PIN reset code gives.
            String old = text(body, "OldPin");
            if (old == null || !hasher.verify(old, user.pinHash())) {
                throw Envelope.error(409, "InvalidPin", "OldPin is required and must be the current PIN.");
            }
        }
        users.setPin(user.id(), pin, image, phrase.trim());
        if (p.scope() == Scope.PIN_SETUP) {
            sessions.revoke(p.tokenHash()); // a set-up token is good for one PIN
        }
        audit.record(company.id(), user.id(), user.username(), AuditLog.Event.PIN_SET, null, ClientInfo.of(req),
                "image " + image);
        HttpSupport.json(res, 200, Envelope.continued());
    }

    /** A field's text, matching the key case-insensitively; numbers are taken as written. */
    private static String text(JsonNode body, String key) {
        var it = body.fields();
        while (it.hasNext()) {
            var e = it.next();
            if (e.getKey().equalsIgnoreCase(key) && !e.getValue().isNull()) {
                return e.getValue().isTextual() ? e.getValue().asText().trim() : e.getValue().toString();
            }
        }
        return null;
    }
}
