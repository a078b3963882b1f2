package dev.crater.auth;

import dev.crater.access.ApiGuard;
import dev.crater.http.ClientInfo;
import dev.crater.http.HttpSupport;
import dev.crater.users.User;
import dev.crater.users.UserIds;
import dev.crater.users.UserService;
import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.HttpService;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import java.util.List;
import java.util.Optional;

/**
 * {@code PUT /v1.0/users/{userId}/password/change} (reference 02-users.md §2.6): a user changes its own
 * password; and {@code POST /v1.0/users/{userId}/pincode}, the spec's start of a PIN reset.
 */
public final class PasswordRoutes implements HttpService {
    private final PasswordService passwords;
    private final UserService users;

    public PasswordRoutes(PasswordService passwords, UserService users) {
        this.passwords = passwords;
        this.users = users;
    }

    /** The documented {@code userPassword} body. */
    public record ChangeBody(String oldPassword, String password, String passwordConfirm) {
    }

    @Override
    public void routing(HttpRules rules) {
        rules.put("/users/{userId}/password/change[/]", this::change)
                .post("/users/{userId}/pincode[/]", this::resetPin);
    }

    /**
     * The spec's "reset Pin code": e-mails the caller a code for step 3 of the reset
     * ({@code Identifier: ResetPinCode}); 200 with no body when sent, else the spec's 409 with the
     * reason as a one-string array.
     */
    private void resetPin(ServerRequest req, ServerResponse res) {
        User user = UserIds.caller(req, users);
        Optional<String> problem = passwords.requestPinReset(ApiGuard.company(req), user, ClientInfo.of(req));
        if (problem.isPresent()) {
            HttpSupport.json(res, 409, List.of(problem.get()));
            return;
        }
        res.status(200).send();
    }

    private void change(ServerRequest req, ServerResponse res) {
        User user = UserIds.caller(req, users);
        ChangeBody body = HttpSupport.readJson(req, ChangeBody.class, "userPassword");
        passwords.change(ApiGuard.company(req), user, body.oldPassword(), body.password(), body.passwordConfirm(),
                ClientInfo.of(req));
        res.status(200).send();
    }
}
