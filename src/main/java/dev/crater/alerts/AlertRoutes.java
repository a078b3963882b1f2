package dev.crater.alerts;

import dev.crater.access.ApiGuard;
import dev.crater.alerts.PriceAlertModels.PriceAlertEditableModel;
import dev.crater.alerts.PriceAlertModels.PriceAlertInfoModel;
import dev.crater.http.ApiException;
import dev.crater.http.HttpSupport;
import dev.crater.http.Paging;
import dev.crater.http.PathIds;
import dev.crater.users.UserIds;
import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.HttpService;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import java.util.List;
import java.util.Optional;

/**
 * The five price-alert operations of reference 08-price-alerts.md §1.
 *
 * <pre>
 * POST   /users/{userId}/pricealerts              {"State": "New", "Operator": "GTEQ", "SecurityId": 4, "Field": "Bid",
 *                                                  "Argument": 200, "ExpirationDate": 1550674384}
 * GET    /users/{userId}/pricealerts?pageSize=10&amp;pageNumber=0&amp;sortBy=State&amp;isDesc=true
 * GET    /users/{userId}/pricealerts/{alertId}
 * PUT    /users/{userId}/pricealerts/{alertId}    (same body)
 * DELETE /users/{userId}/pricealerts/{alertId}    → 204
 * </pre>
 */
public final class AlertRoutes implements HttpService {
    private static final String ALERTS = "/users/{userId}/pricealerts";
    private static final List<String> LIST_PARAMETERS = List.of("pageSize", "pageNumber", "sortBy", "isDesc");

    private final AlertService alerts;

    public AlertRoutes(AlertService alerts) {
        this.alerts = alerts;
    }

    @Override
    public void routing(HttpRules rules) {
        rules.post(ALERTS + "[/]", this::create)
                .get(ALERTS + "[/]", this::list)
                .get(ALERTS + "/{alertId}[/]", this::get)
                .put(ALERTS + "/{alertId}[/]", this::modify)
                .delete(ALERTS + "/{alertId}[/]", this::delete);
    }

    private static long user(ServerRequest req) {
        return UserIds.resolve(req.path().pathParameters().get("userId"), ApiGuard.principal(req));
    }

    /** The {@code alertId} segment: an Int32, else 422 ModelState as for any malformed path id. */
    private static long alertId(ServerRequest req) {
        return PathIds.int32(req, "alertId");
    }

    /** The body; none at all is read as an empty model, so the missing fields give the documented 409. */
    private static PriceAlertEditableModel body(ServerRequest req) {
        return req.content().hasEntity() ? HttpSupport.readJson(req, PriceAlertEditableModel.class, "model")
                : new PriceAlertEditableModel(null, null, null, null, null, null);
    }

    private void create(ServerRequest req, ServerResponse res) {
        long userId = user(req);
        HttpSupport.json(res, 200, alerts.create(userId, body(req)));
    }

    private void get(ServerRequest req, ServerResponse res) {
        long userId = user(req);
        HttpSupport.json(res, 200, alerts.get(userId, alertId(req)));
    }

    private void modify(ServerRequest req, ServerResponse res) {
        long userId = user(req);
        long id = alertId(req);
        HttpSupport.json(res, 200, alerts.modify(userId, id, body(req)));
    }

    private void delete(ServerRequest req, ServerResponse res) {
        long userId = user(req);
        alerts.delete(userId, alertId(req));
        res.status(204).send();
    }

    private void list(ServerRequest req, ServerResponse res) {
        long userId = user(req);
        for (String name : LIST_PARAMETERS) {
            if (HttpSupport.query(req, name).isEmpty()) {
                // The documented answer of this route when its parameters are missing.
                boolean v1 = req.path().absolute().path().startsWith("/api/v1/");
                throw new ApiException(404, PriceAlertModels.VersionError.unsupported(v1 ? "1" : "1.0"));
            }
        }
        int pageSize = Paging.integer("pageSize", HttpSupport.query(req, "pageSize").orElseThrow(), 1,
                AlertService.PAGE_SIZE_MAX);
        int pageNumber = Paging.integer("pageNumber", HttpSupport.query(req, "pageNumber").orElseThrow(), 0,
                Paging.PAGE_NUMBER_MAX);
        String sortBy = HttpSupport.query(req, "sortBy").orElseThrow();
        boolean desc = Paging.bool("isDesc", HttpSupport.query(req, "isDesc").orElseThrow());
        List<PriceAlertInfoModel> all = alerts.list(userId, sortBy, desc);
        Paging paging = new Paging(pageNumber, pageSize, sortBy, desc, Optional.empty());
        HttpSupport.json(res, 200, paging.page(all, req));
    }
}
