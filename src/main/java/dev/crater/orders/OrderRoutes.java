package dev.crater.orders;

import dev.crater.accounts.AccountPaths;
import dev.crater.accounts.AccountService;
import dev.crater.http.HttpSupport;
import dev.crater.http.Paging;
import dev.crater.http.PathIds;
import dev.crater.store.FilterException;
import dev.crater.store.PagedQuery;
import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.HttpService;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import java.util.List;

/**
 * Orders (reference 04-orders.md): verify, place, verify-replace, replace, cancel, get, the paged
 * list and validate-by-id, each also under {@code syncorders}. Handlers parse, call
 * {@link OrderService} and write JSON. Malformed bodies are 422 ModelState under
 * {@code placeParams}/{@code modifyParams}; a well-formed order the engine refuses answers the
 * documented VerifyOrderModel shape ({@code IsSuccessful: false} with the {@code ErrorDescription}
 * code); a retried ClientId answers the original order, and a ClientId reused for another order is a
 * 409 in that shape ({@code DuplicateClientId}).
 */
public final class OrderRoutes implements HttpService {

    /** Named limit: orders per page (documented maximum). */
    public static final int PAGE_SIZE_MAX = 100;

    private final AccountService accounts;
    private final OrderService orders;

    public OrderRoutes(AccountService accounts, OrderService orders) {
        this.accounts = accounts;
        this.orders = orders;
    }

    @Override
    public void routing(HttpRules rules) {
        for (String orders : List.of("orders", "syncorders")) {
            rules.post("/accounts/{accountId}/preview/" + orders + "[/]", this::verify)
                    .put("/accounts/{accountId}/preview/" + orders + "/{orderId}[/]", this::verifyReplace)
                    .post("/accounts/{accountId}/" + orders + "[/]", this::place)
                    .get("/accounts/{accountId}/" + orders + "[/]", this::list)
                    .get("/accounts/{accountId}/" + orders + "/{orderId}[/]", this::get)
                    .put("/accounts/{accountId}/" + orders + "/{orderId}[/]", this::replace)
                    .delete("/accounts/{accountId}/" + orders + "/{orderId}[/]", this::cancel);
        }
        rules.get("/accounts/{accountId}/verified/orders/{orderId}[/]", this::validateById)
                .get("/accounts/{accountId}/orders/{orderId}/details[/]", this::details)
                .post("/orders/consolidated[/]", this::consolidated);
    }

    private AccountService.AccountAccess access(ServerRequest req, AccountService.Need need) {
        return AccountPaths.access(accounts, req, need);
    }

    private static long orderId(ServerRequest req) {
        return PathIds.positiveInt32(req.path().pathParameters().get("orderId"), "orderId");
    }

    private static OrderRequests.CreateOrderResource createBody(byte[] raw) {
        return HttpSupport.readJson(raw, OrderRequests.CreateOrderResource.class, "placeParams");
    }

    private static OrderRequests.ModifyOrderResource modifyBody(byte[] raw) {
        return HttpSupport.readJson(raw, OrderRequests.ModifyOrderResource.class, "modifyParams");
    }

    private void verify(ServerRequest req, ServerResponse res) {
        AccountService.AccountAccess access = access(req, AccountService.Need.ORDER);
        byte[] raw = HttpSupport.body(req);
        HttpSupport.json(res, 200, orders.verify(access, createBody(raw), raw));
    }

    private void place(ServerRequest req, ServerResponse res) {
        AccountService.AccountAccess access = access(req, AccountService.Need.ORDER);
        byte[] raw = HttpSupport.body(req);
        switch (orders.place(access, createBody(raw), raw)) {
            case OrderService.Placed p -> HttpSupport.json(res, 200, p.order());
            case OrderService.Refused r -> HttpSupport.json(res, 200, r.answer());
            case OrderService.DuplicateClientId d -> HttpSupport.json(res, 409, d.answer());
        }
    }

    private void get(ServerRequest req, ServerResponse res) {
        AccountService.AccountAccess access = access(req, AccountService.Need.READ);
        HttpSupport.json(res, 200, orders.get(access.account().id(), orderId(req)));
    }

    private void list(ServerRequest req, ServerResponse res) {
        AccountService.AccountAccess access = access(req, AccountService.Need.READ);
        Paging paging = Paging.read(req, Paging.Names.ORDERS, PAGE_SIZE_MAX);
        OrderReads.Page page;
        try {
            page = orders.page(access.account().id(), paging.filter(), paging.sortField(), paging.desc(),
                    paging.pageNumber(), paging.pageSize());
        } catch (FilterException e) {
            throw Paging.invalidFilter(e);
        }
        HttpSupport.json(res, 200, paging.result(page.orders(), page.total(), req));
    }

    /** The executions of an order (the spec's OrderDetailsModel array). */
    private void details(ServerRequest req, ServerResponse res) {
        AccountService.AccountAccess access = access(req, AccountService.Need.READ);
        HttpSupport.json(res, 200, orders.details(access.account().id(), orderId(req)));
    }

    /** The top-level orders of several of the caller's accounts together, as one PagingResult. */
    private void consolidated(ServerRequest req, ServerResponse res) {
        ConsolidatedQuery q = ConsolidatedQuery.read(req, accounts, PAGE_SIZE_MAX);
        HttpSupport.json(res, 200, q.result((ids, request) -> {
            OrderReads.Page page = orders.page(ids, request);
            return new PagedQuery.Page<>(page.orders(), page.total());
        }));
    }

    private void cancel(ServerRequest req, ServerResponse res) {
        AccountService.AccountAccess access = access(req, AccountService.Need.ORDER);
        orders.cancel(access.account().id(), orderId(req));
        res.status(204).send();
    }

    private void replace(ServerRequest req, ServerResponse res) {
        AccountService.AccountAccess access = access(req, AccountService.Need.ORDER);
        long id = orderId(req);
        OrderRequests.ModifyOrderResource m = modifyBody(HttpSupport.body(req));
        HttpSupport.json(res, 200, orders.replace(access.account().id(), id, m));
    }

    private void verifyReplace(ServerRequest req, ServerResponse res) {
        AccountService.AccountAccess access = access(req, AccountService.Need.ORDER);
        long id = orderId(req);
        byte[] raw = HttpSupport.body(req);
        HttpSupport.json(res, 200, orders.verifyReplace(access, id, modifyBody(raw), raw));
    }

    /** Validate-by-id, in the documented envelope. */
    private void validateById(ServerRequest req, ServerResponse res) {
        AccountService.AccountAccess access = access(req, AccountService.Need.READ);
        HttpSupport.json(res, 200, orders.validateById(access, orderId(req)));
    }
}
