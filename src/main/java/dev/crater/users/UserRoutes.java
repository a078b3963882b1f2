package dev.crater.users;

import dev.crater.auth.ApiGuard;
import dev.crater.http.ApiException;
import dev.crater.http.HttpSupport;
import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.HttpService;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;

/**
 * User endpoints under {@code /api/v1.0/users}.
 *
 * <pre>
 * curl http://localhost:8080/api/v1.0/users/@me/info -H "Et-App-Key: KEY" -H "Authorization: Bearer TOKEN"
 * </pre>
 */
public final class UserRoutes implements HttpService {
    private final UserService users;

    public UserRoutes(UserService users) {
        this.users = users;
    }

    @Override
    public void routing(HttpRules rules) {
        rules.get("/users/{userId}/info[/]", this::info);
    }

    private void info(ServerRequest req, ServerResponse res) {
        User user = UserIds.caller(req, users);
        HttpSupport.json(res, 200, UserInfoModel.of(user));
    }
}
