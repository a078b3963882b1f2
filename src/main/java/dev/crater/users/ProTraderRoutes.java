package dev.crater.users;

import dev.crater.http.HttpSupport;
import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.HttpService;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;

/**
 * The spec's {@code Users_AddUserToGroup}: the caller joins their company's ProTrader group with the
 * token an operator's invitation e-mailed to them.
 *
 * <pre>
 * POST /v1.0/users/@me/group?confirmationToken=TOKEN   → {"UserId", "Group": "ProTrader", "JoinedAt"}
 * </pre>
 */
public final class ProTraderRoutes implements HttpService {
    private final UserService users;
    private final ProTraderGroup group;

    public ProTraderRoutes(UserService users, ProTraderGroup group) {
        this.users = users;
        this.group = group;
    }

    @Override
    public void routing(HttpRules rules) {
        rules.post("/users/{userId}/group[/]", this::join);
    }

    private void join(ServerRequest req, ServerResponse res) {
        User user = UserIds.caller(req, users);
        HttpSupport.json(res, 200, group.join(user, HttpSupport.query(req, "confirmationToken").orElse(null)));
    }
}
