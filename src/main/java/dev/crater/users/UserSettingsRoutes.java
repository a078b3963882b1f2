package dev.crater.users;

import com.fasterxml.jackson.databind.JsonNode;
import dev.crater.http.HttpSupport;
import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.HttpService;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;

/**
 * A user's trading settings and exchanges (reference 02-users.md §2), the caller's own only:
 *
 * <pre>
 * GET /v1.0/users/@me/settings/trading        → UserTradingSettingsModel
 * PUT /v1.0/users/@me/settings/trading  {…}   → the settings as stored
 * GET /v1.0/users/@me/exchanges               → ["Auto", "XNYS", …]
 * </pre>
 */
public final class UserSettingsRoutes implements HttpService {
    private final UserService users;
    private final UserSettings settings;

    public UserSettingsRoutes(UserService users, UserSettings settings) {
        this.users = users;
        this.settings = settings;
    }

    @Override
    public void routing(HttpRules rules) {
        rules.get("/users/{userId}/settings/trading[/]", this::trading)
                .put("/users/{userId}/settings/trading[/]", this::setTrading)
                .get("/users/{userId}/exchanges[/]", this::exchanges);
    }

    private void trading(ServerRequest req, ServerResponse res) {
        User user = UserIds.caller(req, users);
        HttpSupport.json(res, 200, settings.trading(user.id()));
    }

    private void setTrading(ServerRequest req, ServerResponse res) {
        User user = UserIds.caller(req, users);
        JsonNode body = HttpSupport.readJson(req, JsonNode.class, "tradingSettings");
        HttpSupport.json(res, 200, settings.setTrading(user.id(), body, "tradingSettings"));
    }

    private void exchanges(ServerRequest req, ServerResponse res) {
        UserIds.caller(req, users);
        HttpSupport.json(res, 200, settings.exchanges());
    }
}
