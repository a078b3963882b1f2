package dev.crater.users;

import dev.crater.http.HttpSupport;
import dev.crater.http.Json;
import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.HttpService;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import java.util.concurrent.ConcurrentHashMap;

/**
 * User endpoints under {@code /api/v1.0/users}.
 *
 * <pre>
 * curl http://localhost:8080/api/v1.0/users/@me/info -H "Et-App-Key: KEY" -H "Authorization: Bearer TOKEN"
 * </pre>
 */
public final class UserRoutes implements HttpService {
    /** Serialised answers kept; beyond this the map is cleared (a refill is one serialisation each). */
    static final int INFO_CACHE_ENTRIES_MAX = 100_000;

    /** The JSON of one user's info, valid while {@link UserService#byId} returns this same instance. */
    private record CachedInfo(User user, byte[] json) {
    }

    private final UserService users;
    private final ConcurrentHashMap<Long, CachedInfo> infoJson = new ConcurrentHashMap<>();

    public UserRoutes(UserService users) {
        this.users = users;
    }

    @Override
    public void routing(HttpRules rules) {
        rules.get("/users/{userId}/info[/]", this::info)
                .patch("/users/{userId}[/]", this::patch);
    }

    /** The caller changes their own names, address and time zone (the spec's PatchUserModel → UserModel). */
    private void patch(ServerRequest req, ServerResponse res) {
        User user = UserIds.caller(req, users);
        UserService.PatchUserModel patch = HttpSupport.readJson(req, UserService.PatchUserModel.class, "user");
        HttpSupport.json(res, 200, users.patch(user, patch, "user"));
    }

    /**
     * The hot read of the API. The user comes from a cache that hands out the same instance until
     * it re-reads the row, so the serialised answer is kept per user and reused while that instance
     * is current (identity, not equality: any re-read or change gives a new instance).
     */
    private void info(ServerRequest req, ServerResponse res) {
        User user = UserIds.caller(req, users);
        CachedInfo cached = infoJson.get(user.id());
        if (cached == null || cached.user() != user) {
            if (infoJson.size() >= INFO_CACHE_ENTRIES_MAX) {
                infoJson.clear();
            }
            cached = new CachedInfo(user, Json.write(UserInfoModel.of(user)));
            infoJson.put(user.id(), cached);
        }
        HttpSupport.jsonBytes(res, 200, cached.json());
    }
}
