package dev.crater.funding;

import dev.crater.access.ApiGuard;
import dev.crater.accounts.AccountPaths;
import dev.crater.accounts.AccountService;
import dev.crater.companies.CompanyService;
import dev.crater.companies.WireShapes;
import dev.crater.http.ApiException;
import dev.crater.http.HttpSupport;
import dev.crater.http.JsonBody;
import dev.crater.http.Paging;
import dev.crater.users.User;
import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.HttpService;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import java.math.BigDecimal;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * The nine ACH relationship operations (reference 03-accounts.md §4.1, spec {@code AchRelationships_*}).
 * Reading needs access to the account; creating, changing, approving and canceling need its owner.
 * {@code GET …/ach-relationships} without paging parameters is the documented "get default" (the docs
 * give it that path); with them, the list.
 */
public final class AchRoutes implements HttpService {

    /** Named limit: the largest page of the list. */
    public static final int PAGE_SIZE_MAX = 100;
    private static final String ARG = "model";
    private static final String BASE = "/accounts/{accountId}/ach-relationships";

    private final AccountService accounts;
    private final AchRelationships ach;
    private final CompanyService companies;

    public AchRoutes(AccountService accounts, AchRelationships ach, CompanyService companies) {
        this.accounts = accounts;
        this.ach = ach;
        this.companies = companies;
    }

    @Override
    public void routing(HttpRules rules) {
        rules.get(BASE + "/default[/]", this::getDefault)
                .post(BASE + "/plaid[/]", this::plaid)
                .post(BASE + "/{id}/approve[/]", this::approve)
                .post(BASE + "/{id}/default[/]", this::setDefault)
                .get(BASE + "/{id}[/]", this::get)
                .put(BASE + "/{id}[/]", this::rename)
                .delete(BASE + "/{id}[/]", this::cancel)
                .get(BASE + "[/]", this::list)
                .post(BASE + "[/]", this::create);
    }

    private AccountService.AccountAccess read(ServerRequest req) {
        return AccountPaths.access(accounts, req, AccountService.Need.READ);
    }

    private AccountService.AccountAccess owner(ServerRequest req) {
        return AccountPaths.access(accounts, req, AccountService.Need.MANAGE);
    }

    private User caller(ServerRequest req) {
        return accounts.user(ApiGuard.principal(req).userId()).orElseThrow();
    }

    private static String id(ServerRequest req) {
        return req.path().pathParameters().get("id");
    }

    private void getDefault(ServerRequest req, ServerResponse res) {
        HttpSupport.json(res, 200, ach.defaultOf(read(req).account()));
    }

    private void get(ServerRequest req, ServerResponse res) {
        HttpSupport.json(res, 200, ach.get(read(req).account(), id(req)));
    }

    private void list(ServerRequest req, ServerResponse res) {
        AccountService.AccountAccess access = read(req);
        if (List.of("pageNumber", "pageSize", "sortBy", "isDesc").stream()
                .allMatch(p -> HttpSupport.query(req, p).isEmpty())) {
            HttpSupport.json(res, 200, ach.defaultOf(access.account()));
            return;
        }
        Paging paging = Paging.read(req, Paging.Names.SORT_BY, PAGE_SIZE_MAX);
        Optional<String> status = HttpSupport.query(req, "status").map(s -> AchRelationships.oneOf("status", "status", s,
                AchRelationships.STATUSES, null));
        Comparator<AchRelationships.AchRelationship> order = switch (paging.sortField().toLowerCase(Locale.ROOT)) {
            case "createdat", "id" -> Comparator.comparing(AchRelationships.AchRelationship::createdAt);
            case "name" -> Comparator.comparing(AchRelationships.AchRelationship::name, String.CASE_INSENSITIVE_ORDER);
            case "status" -> Comparator.comparing(AchRelationships.AchRelationship::status);
            case "accountownername" -> Comparator.comparing(AchRelationships.AchRelationship::accountOwnerName,
                    String.CASE_INSENSITIVE_ORDER);
            default -> throw ApiException.modelState("sortBy", "The field '" + paging.sortField()
                    + "' cannot be sorted on; sort by CreatedAt, Name, Status or AccountOwnerName.");
        };
        List<AchRelationships.AchRelationship> all = ach.list(access.account(), status).stream()
                .sorted(paging.desc() ? order.reversed() : order).toList();
        HttpSupport.json(res, 200, paging.page(all, req));
    }

    private void create(ServerRequest req, ServerResponse res) {
        AccountService.AccountAccess access = owner(req);
        JsonBody body = JsonBody.read(req, ARG);
        AchRelationships.NewRelationship n = new AchRelationships.NewRelationship(
                body.text("RoutingNumber").orElse(null), body.text("AccountNumber").orElse(null),
                body.text("AccountOwnerName").orElse(null), body.text("Name").orElse(null),
                enumText(body, "ApprovalMethod"), enumText(body, "BankAccountType"));
        HttpSupport.json(res, 200, ach.create(access.account(), caller(req), n));
    }

    /** An enum field given as its name or its number. */
    private static String enumText(JsonBody body, String field) {
        if (!body.has(field)) {
            return null;
        }
        try {
            return body.text(field).orElse(null);
        } catch (ApiException notText) {
            return String.valueOf(body.integer(field).orElseThrow());
        }
    }

    private void plaid(ServerRequest req, ServerResponse res) {
        AccountService.AccountAccess access = owner(req);
        JsonBody body = JsonBody.read(req, ARG);
        List<String> plaidAccounts = body.strings("Accounts", AchRelationships.ACTIVE_PER_ACCOUNT_MAX).orElse(List.of());
        Optional<String> named = body.has("AccountId") ? Optional.of(body.text("AccountId").isPresent()
                ? body.text("AccountId").get() : "") : Optional.empty();
        if (named.isPresent() && !named.get().equals(Long.toString(access.account().id()))) {
            throw body.invalidField("AccountId", "AccountId, when given, is the trading account of the path.");
        }
        List<AchRelationships.AchRelationship> made = ach.createWithPlaid(access.account(), caller(req), plaidAccounts,
                body.text("BankName").orElse(null), body.text("PublicToken").orElse(null));
        // The docs show one relationship, the spec an array of them: the company's wire shapes choose.
        boolean spec = companies.wireShapes(ApiGuard.principal(req).companyId()) == WireShapes.SPEC;
        HttpSupport.json(res, 200, spec ? made : made.getFirst());
    }

    private void rename(ServerRequest req, ServerResponse res) {
        AccountService.AccountAccess access = owner(req);
        JsonBody body = JsonBody.read(req, ARG);
        HttpSupport.json(res, 200, ach.rename(access.account(), id(req), body.text("Name").orElse(null)));
    }

    private void cancel(ServerRequest req, ServerResponse res) {
        AccountService.AccountAccess access = owner(req);
        String reason = Paging.required(req, "reason");
        HttpSupport.json(res, 200, ach.cancel(access.account(), id(req), reason));
    }

    private void approve(ServerRequest req, ServerResponse res) {
        AccountService.AccountAccess access = owner(req);
        JsonBody body = JsonBody.read(req, ARG);
        BigDecimal a1 = body.decimal("Amount1").orElse(null);
        BigDecimal a2 = body.decimal("Amount2").orElse(null);
        body.decimal("Amount3");   // the spec's third amount: read for its type, not needed (two micro-deposits)
        HttpSupport.json(res, 200, ach.approve(access.account(), id(req), a1, a2));
    }

    private void setDefault(ServerRequest req, ServerResponse res) {
        HttpSupport.json(res, 200, ach.setDefault(owner(req).account(), id(req)));
    }
}
