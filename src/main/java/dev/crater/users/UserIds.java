package dev.crater.users;

import dev.crater.access.ApiGuard;
import dev.crater.access.Principal;
import dev.crater.http.ApiException;
import dev.crater.http.PathIds;
import io.helidon.webserver.http.ServerRequest;

/** Resolves the {@code {userId}} path segment: {@code @me} or an Int32 id, which must be the caller's own. */
public final class UserIds {
    public static final String ME = "@me";

    private UserIds() {
    }

    /**
     * The user id a path names, checked against the caller.
     *
     * @throws ApiException 422 ModelState for a non-Int32 segment; 401 for another user's id
     */
    public static long resolve(String segment, Principal principal) {
        if (ME.equalsIgnoreCase(segment)) {
            return principal.userId();
        }
        int id = PathIds.int32(segment, "userId");
        if (id != principal.userId()) {
            throw ApiException.denied();
        }
        return id;
    }

    /**
     * The user the {@code {userId}} segment of this request names, which must be the caller.
     *
     * @throws ApiException as {@link #resolve}, or 401 when the user no longer exists
     */
    public static User caller(ServerRequest req, UserService users) {
        long id = resolve(req.path().pathParameters().get("userId"), ApiGuard.principal(req));
        return users.byId(id).orElseThrow(ApiException::denied);
    }
}
