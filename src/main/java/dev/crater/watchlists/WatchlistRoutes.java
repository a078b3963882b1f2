package dev.crater.watchlists;

import dev.crater.access.ApiGuard;
import dev.crater.http.ApiException;
import dev.crater.http.HttpSupport;
import dev.crater.http.Paging;
import dev.crater.http.PathIds;
import dev.crater.users.UserIds;
import dev.crater.watchlists.WatchlistModel.CreateWatchlistModel;
import dev.crater.watchlists.WatchlistModel.SecuritySignature;
import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.HttpService;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;

/**
 * The nine watchlist operations of reference 07-watchlists.md §1.
 *
 * <pre>
 * GET    /users/{userId}/watchlists?includeSecurities=true
 * POST   /users/{userId}/watchlists?resultIncludeSecurities=true        {"Name": "Apple &amp; Google", "Securities": [4, 5]}
 * GET    /users/{userId}/watchlists/{watchlistId}?includeSecurities=true
 * DELETE /users/{userId}/watchlists/{watchlistId}                        → 204
 * PUT    /users/{userId}/watchlists/{watchlistId}/name?name=New%20Name   → {"m_Item1": id, "m_Item2": "New Name"}
 * PUT    /users/{userId}/watchlists/{watchlistId}/securities/{securityId}
 * PUT    /users/{userId}/watchlists/{watchlistId}/securities            {"Symbol": "SNAP"}
 * DELETE /users/{userId}/watchlists/{watchlistId}/securities/{securityId}
 * DELETE /users/{userId}/watchlists/{watchlistId}/securities            {"Symbol": "SNAP"}
 * </pre>
 *
 * Missing required query parameters make the route not match (the documented 404); an id segment
 * that is not an Int32 (a ticker in place of an id) is the documented 400.
 */
public final class WatchlistRoutes implements HttpService {
    private static final String LISTS = "/users/{userId}/watchlists";
    private static final String ONE = LISTS + "/{watchlistId}";

    private final WatchlistService watchlists;

    public WatchlistRoutes(WatchlistService watchlists) {
        this.watchlists = watchlists;
    }

    @Override
    public void routing(HttpRules rules) {
        rules.get(LISTS + "[/]", this::list)
                .post(LISTS + "[/]", this::create)
                .get(ONE + "[/]", this::get)
                .delete(ONE + "[/]", this::delete)
                .put(ONE + "/name[/]", this::rename)
                .put(ONE + "/securities/{securityId}[/]", this::addById)
                .put(ONE + "/securities[/]", this::addBySymbol)
                .delete(ONE + "/securities/{securityId}[/]", this::removeById)
                .delete(ONE + "/securities[/]", this::removeBySymbol);
    }

    private static long user(ServerRequest req) {
        return UserIds.resolve(req.path().pathParameters().get("userId"), ApiGuard.principal(req));
    }

    /** An Int32 path segment; anything else (a ticker where an id belongs) is the documented 400. */
    private static long id(ServerRequest req, String name) {
        return PathIds.parse(req.path().pathParameters().get(name)).orElseThrow(ApiException::invalid);
    }

    private static boolean flag(ServerRequest req, String name) {
        return Paging.bool(name, Paging.required(req, name));
    }

    /** The SecuritySignature body; none at all names no security (the documented 409 follows). */
    private static SecuritySignature signature(ServerRequest req) {
        return req.content().hasEntity()
                ? HttpSupport.readJson(req, SecuritySignature.class, "symbolToExchange")
                : new SecuritySignature(null, null, null);
    }

    private void list(ServerRequest req, ServerResponse res) {
        long userId = user(req);
        boolean include = flag(req, "includeSecurities");
        HttpSupport.json(res, 200, watchlists.list(userId, include));
    }

    private void get(ServerRequest req, ServerResponse res) {
        long userId = user(req);
        long id = id(req, "watchlistId");
        boolean include = flag(req, "includeSecurities");
        HttpSupport.json(res, 200, watchlists.get(userId, id, include));
    }

    private void create(ServerRequest req, ServerResponse res) {
        long userId = user(req);
        boolean include = flag(req, "resultIncludeSecurities");
        // No body at all is a missing Name: the documented 409, like a body with only unknown keys.
        CreateWatchlistModel body = req.content().hasEntity()
                ? HttpSupport.readJson(req, CreateWatchlistModel.class, "model")
                : new CreateWatchlistModel(null, null);
        HttpSupport.json(res, 200, watchlists.create(userId, body, include));
    }

    private void delete(ServerRequest req, ServerResponse res) {
        long userId = user(req);
        watchlists.delete(userId, id(req, "watchlistId"));
        res.status(204).send();
    }

    private void rename(ServerRequest req, ServerResponse res) {
        long userId = user(req);
        long id = id(req, "watchlistId");
        String name = Paging.required(req, "name");
        HttpSupport.json(res, 200, watchlists.rename(userId, id, name));
    }

    private void addById(ServerRequest req, ServerResponse res) {
        long userId = user(req);
        long id = id(req, "watchlistId");
        HttpSupport.json(res, 200, watchlists.add(userId, id, id(req, "securityId")));
    }

    private void addBySymbol(ServerRequest req, ServerResponse res) {
        long userId = user(req);
        long id = id(req, "watchlistId");
        HttpSupport.json(res, 200, watchlists.add(userId, id, signature(req)));
    }

    private void removeById(ServerRequest req, ServerResponse res) {
        long userId = user(req);
        long id = id(req, "watchlistId");
        HttpSupport.json(res, 200, watchlists.remove(userId, id, id(req, "securityId")));
    }

    private void removeBySymbol(ServerRequest req, ServerResponse res) {
        long userId = user(req);
        long id = id(req, "watchlistId");
        HttpSupport.json(res, 200, watchlists.remove(userId, id, signature(req)));
    }
}
