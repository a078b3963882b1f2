package dev.crater.accountrequests;

import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import dev.crater.access.ApiGuard;
import dev.crater.accounts.Account;
import dev.crater.accounts.AccountPaths;
import dev.crater.accounts.AccountService;
import dev.crater.http.ApiError;
import dev.crater.http.ApiException;
import dev.crater.http.Dates;
import dev.crater.http.HttpSupport;
import dev.crater.http.JsonBody;
import dev.crater.http.PathIds;
import dev.crater.users.User;
import dev.crater.users.UserIds;
import dev.crater.users.UserService;
import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.HttpService;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Account opening (03-accounts.md §2: {@code POST /user/{userId}/account-requests/open}, note the
 * singular {@code user}), the caller's requests (a Crater addition: {@code GET
 * /users/{userId}/account-requests}), the investigations of an account (§7, the read operations:
 * list and details, by clearing number) and the owner's paper-account reset (a Crater addition:
 * {@code POST /accounts/{accountId}/reset}).
 */
public final class AccountRequestRoutes implements HttpService {

    private static final String ARG = "model";

    private final AccountRequests requests;
    private final AccountResets resets;
    private final AccountService accounts;
    private final UserService users;

    public AccountRequestRoutes(AccountRequests requests, AccountResets resets, AccountService accounts,
            UserService users) {
        this.requests = requests;
        this.resets = resets;
        this.accounts = accounts;
        this.users = users;
    }

    @Override
    public void routing(HttpRules rules) {
        rules.post("/user/{userId}/account-requests/open[/]", this::open)
                .get("/users/{userId}/account-requests[/]", this::list)
                .get("/accounts/{clearingAccount}/investigations[/]", this::investigations)
                .get("/accounts/{clearingAccount}/investigations/{investigationId}/details[/]", this::details)
                .post("/accounts/{accountId}/reset[/]", this::reset);
    }

    /** The documented answer of the opening call, then the account it opened ({@code AccountId}, Crater's). */
    @JsonPropertyOrder({"Id", "UserId", "Status", "FormType", "RequestType", "AccountProvider", "CreatedAt",
            "AccountId"})
    public record AccountRequestModel(String id, String userId, String status, String formType, String requestType,
            String accountProvider, String createdAt, Long accountId) {
        static AccountRequestModel of(AccountRequestStore.Request r) {
            return new AccountRequestModel(r.id(), String.valueOf(r.userId()), r.status(), r.formType(),
                    r.requestType(), r.accountProvider(), Dates.iso(r.createdAtMs()), r.accountId());
        }
    }

    /** An item of {@code /accounts/{clearingAccount}/investigations}. */
    @JsonPropertyOrder({"Id", "Status", "CreatedDate", "UpdatedDate"})
    public record InvestigationModel(String id, String status, String createdDate, String updatedDate) {
    }

    /** The details of one investigation (the docs show no body): the item, its request and the firm's comment. */
    @JsonPropertyOrder({"Id", "Status", "CreatedDate", "UpdatedDate", "RequestId", "AccountProvider",
            "ClearingAccount", "Comment"})
    public record InvestigationDetails(String id, String status, String createdDate, String updatedDate,
            String requestId, String accountProvider, String clearingAccount, String comment) {
    }

    /** What the owner's reset did (a Crater addition). */
    @JsonPropertyOrder({"ResetId", "AccountId", "Status", "Cash", "CanceledOrders", "ClosedPositions"})
    public record ResetModel(long resetId, long accountId, String status, BigDecimal cash, int canceledOrders,
            int closedPositions) {
    }

    private void open(ServerRequest req, ServerResponse res) {
        User user = UserIds.caller(req, users);
        JsonBody body = JsonBody.read(req, ARG);
        AccountRequestStore.Request r = requests.open(user, body.text("FormType").orElse(null),
                body.text("AccountProvider").orElse(null));
        HttpSupport.json(res, 200, AccountRequestModel.of(r));
    }

    private void list(ServerRequest req, ServerResponse res) {
        User user = UserIds.caller(req, users);
        List<AccountRequestModel> out = new ArrayList<>();
        for (AccountRequestStore.Request r : requests.ofUser(user.id())) {
            out.add(AccountRequestModel.of(r));
        }
        HttpSupport.json(res, 200, out);
    }

    /**
     * The account a {@code {clearingAccount}} segment names, if the caller may read it: Crater's
     * clearing numbers are the account ids, so anything else names no account (the documented 401).
     */
    private Account byClearing(ServerRequest req) {
        String segment = req.path().pathParameters().get("clearingAccount");
        Optional<Integer> id = PathIds.parse(segment == null ? "" : segment.trim());
        if (id.isEmpty() || id.get() <= 0) {
            throw ApiException.denied();
        }
        Account a = accounts.access(ApiGuard.principal(req), id.get(), AccountService.Need.READ).account();
        if (!a.clearingAccount().equals(segment.trim())) {
            throw ApiException.denied();
        }
        return a;
    }

    private void investigations(ServerRequest req, ServerResponse res) {
        Account a = byClearing(req);
        List<InvestigationModel> out = new ArrayList<>();
        for (AccountRequestStore.Investigation i : requests.investigations(a.id())) {
            out.add(new InvestigationModel(i.id(), i.status(), Dates.iso(i.createdAtMs()), Dates.iso(i.updatedAtMs())));
        }
        HttpSupport.json(res, 200, out);
    }

    private void details(ServerRequest req, ServerResponse res) {
        Account a = byClearing(req);
        String id = req.path().pathParameters().get("investigationId");
        AccountRequestStore.Investigation i = requests.investigation(a.id(), id).orElseThrow(() ->
                new ApiException(404, new ApiError.Message("No investigation " + PathIds.shown(id)
                        + " of this account.")));
        String provider = requests.request(i.requestId()).map(AccountRequestStore.Request::accountProvider)
                .orElse(a.clearingFirm());
        HttpSupport.json(res, 200, new InvestigationDetails(i.id(), i.status(), Dates.iso(i.createdAtMs()),
                Dates.iso(i.updatedAtMs()), i.requestId(), provider, a.clearingAccount(), i.comment()));
    }

    /** The owner's reset of a paper account, applied before the answer. */
    private void reset(ServerRequest req, ServerResponse res) {
        AccountService.AccountAccess access = AccountPaths.access(accounts, req, AccountService.Need.MANAGE);
        AccountResets.Outcome o = resets.resetNow(access.account(), access.link().userId(),
                "user " + access.link().userId());
        if (!o.applied()) {
            throw new ApiException(409, new ApiError.Message(o.refusal() == null
                    ? "The reset was not applied; try again." : o.refusal()));
        }
        HttpSupport.json(res, 200, new ResetModel(o.requestId(), o.accountId(), "Applied", o.cash(),
                o.canceledOrders(), o.closedPositions()));
    }
}
