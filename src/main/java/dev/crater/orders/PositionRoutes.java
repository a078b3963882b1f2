package dev.crater.orders;

import dev.crater.access.ApiGuard;
import dev.crater.access.Principal;
import dev.crater.accounts.AccountPaths;
import dev.crater.accounts.AccountService;
import dev.crater.companies.CompanyService;
import dev.crater.companies.WireShapes;
import dev.crater.http.ApiException;
import dev.crater.http.HttpSupport;
import dev.crater.http.Paging;
import dev.crater.store.Filter;
import dev.crater.store.FilterEval;
import dev.crater.store.FilterException;
import dev.crater.store.PagedQuery;
import dev.crater.users.UserIds;
import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.HttpService;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import java.math.BigDecimal;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.function.Predicate;

/**
 * Positions (reference 05-positions.md) and the account figures built on them (03-accounts.md
 * §1.1 balance map, §1 #5 value history), and the same figures of several accounts together (the
 * spec's consolidated balance and history, and a user's balance info): handlers parse, call {@link PositionService} and write JSON.
 */
public final class PositionRoutes implements HttpService {

    /** Named limit: accounts per page of the all-accounts list. */
    public static final int ACCOUNTS_PAGE_SIZE_MAX = AccountService.ACCOUNTS_PER_USER_MAX;
    /** Named limit: characters of the all-accounts list's {@code mask}. */
    public static final int MASK_CHARS_MAX = 100;

    private final AccountService accounts;
    private final PositionService positions;
    private final AccountModels models;
    private final CompanyService companies;

    public PositionRoutes(AccountService accounts, PositionService positions, AccountModels models,
            CompanyService companies) {
        this.accounts = accounts;
        this.positions = positions;
        this.models = models;
        this.companies = companies;
    }

    @Override
    public void routing(HttpRules rules) {
        // "groups" and "top" before the symbol, which would take them as tickers.
        rules.get("/accounts/{accountId}/positions/groups[/]", this::groups)
                .get("/accounts/{accountId}/positions/top[/]", this::top)
                .get("/accounts/{accountId}/positions[/]", this::list)
                .get("/accounts/{accountId}/positions/{symbol}[/]", this::bySymbol)
                .get("/accounts/{accountId}/info[/]", this::info)
                .get("/accounts/{accountId}/history[/]", this::history)
                .post("/accounts/balance/consolidated[/]", this::consolidatedBalance)
                .post("/accounts/history[/]", this::consolidatedHistory)
                .get("/users/{userId}/balance-info[/]", this::userBalance)
                .post("/positions/consolidated[/]", this::consolidatedPositions)
                .get("/accounts/{accountId}/preview/limits/{symbol}[/]", this::limits)
                // "all" before the account id, which would refuse it as no Int32.
                .get("/accounts/all[/]", this::allAccounts)
                .get("/accounts/{accountId}[/]", this::accountById);
    }

    /** The open positions of several of the caller's accounts together, as one PagingResult. */
    private void consolidatedPositions(ServerRequest req, ServerResponse res) {
        ConsolidatedQuery q = ConsolidatedQuery.read(req, accounts, PositionService.PAGE_SIZE_MAX);
        HttpSupport.json(res, 200, q.result(positions::page));
    }

    /** How much of a symbol the account can buy and sell ({@code price} optional, 0 meaning none). */
    private void limits(ServerRequest req, ServerResponse res) {
        AccountService.AccountAccess access = AccountPaths.access(accounts, req, AccountService.Need.READ);
        String symbol = req.path().pathParameters().get("symbol").trim();
        Optional<BigDecimal> price = HttpSupport.query(req, "price").map(p -> decimal("price", p))
                .filter(p -> p.signum() != 0);
        if (price.isPresent() && price.get().signum() < 0) {
            throw ApiException.modelState("price", "The price must not be negative.");
        }
        HttpSupport.json(res, 200, positions.limits(access.account(), symbol, price));
    }

    private static BigDecimal decimal(String name, String text) {
        try {
            BigDecimal d = new BigDecimal(text.trim());
            if (d.precision() - d.scale() > 12 || d.scale() > 8) {
                throw ApiException.modelState(name, "The value '" + cut(text) + "' is out of range.");
            }
            return d;
        } catch (NumberFormatException e) {
            throw ApiException.modelState(name, "The value '" + cut(text) + "' is not valid for Double.");
        }
    }

    private static String cut(String text) {
        return text.length() > 40 ? text.substring(0, 40) + "…" : text;
    }

    /** The caller's accounts as AccountModel, one page ({@code propertyName}/{@code isAscending} sort, filter, mask). */
    private void allAccounts(ServerRequest req, ServerResponse res) {
        Principal principal = ApiGuard.principal(req);
        int pageNumber = Paging.integer("pageNumber", Paging.required(req, "pageNumber"), 0, Paging.PAGE_NUMBER_MAX);
        int pageSize = Paging.integer("pageSize", Paging.required(req, "pageSize"), 1, ACCOUNTS_PAGE_SIZE_MAX);
        boolean ascending = Paging.bool("isAscending", HttpSupport.query(req, "isAscending").orElse("true"));
        String mask = HttpSupport.query(req, "mask").orElse("");
        if (mask.length() > MASK_CHARS_MAX) {
            throw ApiException.modelState("mask", "At most " + MASK_CHARS_MAX + " characters.");
        }
        Predicate<AccountModels.AccountModel> filter = m -> true;
        Comparator<AccountModels.AccountModel> order = Comparator.comparingLong(AccountModels.AccountModel::id);
        Optional<Filter> f = Paging.filter(req);
        try {
            if (f.isPresent()) {
                filter = FilterEval.compile(f.get(), AccountModels.FIELDS);
            }
        } catch (FilterException e) {
            throw Paging.invalidFilter(e);
        }
        try {
            Optional<String> property = HttpSupport.query(req, "propertyName").filter(p -> !p.isBlank());
            if (property.isPresent()) {
                order = FilterEval.comparator(property.get().trim(), AccountModels.FIELDS)
                        .thenComparingLong(AccountModels.AccountModel::id);
            }
        } catch (FilterException e) {
            throw ApiException.modelState("propertyName", e.getMessage());
        }
        List<AccountModels.AccountModel> all = new ArrayList<>();
        for (AccountService.AccountAccess a : accounts.accountsOf(principal.userId())) {
            AccountModels.AccountModel m = models.of(a.account(), a.link().alias());
            if (filter.test(m) && AccountModels.masked(m, mask)) {
                all.add(m);
            }
        }
        all.sort(ascending ? order : order.reversed());
        Paging paging = new Paging(pageNumber, pageSize, null, !ascending, Optional.empty());
        HttpSupport.json(res, 200, paging.page(all, req));
    }

    /** One account as an array of one AccountModel, as the spec answers it. */
    private void accountById(ServerRequest req, ServerResponse res) {
        AccountService.AccountAccess a = AccountPaths.access(accounts, req, AccountService.Need.READ);
        HttpSupport.json(res, 200, List.of(models.of(a.account(), a.link().alias())));
    }

    /**
     * The body's account ids (a JSON array of Int32, as the spec's {@code accountIds}), checked by
     * {@link AccountPaths#readable}; no body or {@code []} means every account of the caller.
     */
    private List<Long> accountIds(ServerRequest req) {
        byte[] raw = HttpSupport.body(req);
        Long[] given = raw.length == 0 ? null : HttpSupport.readJson(raw, Long[].class, "accountIds");
        return AccountPaths.readable(accounts, ApiGuard.principal(req), given == null ? null : Arrays.asList(given),
                "accountIds");
    }

    private void consolidatedBalance(ServerRequest req, ServerResponse res) {
        HttpSupport.json(res, 200, positions.consolidatedBalance(accountIds(req)));
    }

    private void consolidatedHistory(ServerRequest req, ServerResponse res) {
        Instant start = instant(Paging.required(req, "startDate"), "startDate");
        Instant end = instant(Paging.required(req, "endDate"), "endDate");
        HttpSupport.json(res, 200, positions.consolidatedHistory(accountIds(req), start, end));
    }

    /** The balance map of all the caller's accounts together ({@code @me} or the caller's own id). */
    private void userBalance(ServerRequest req, ServerResponse res) {
        long userId = UserIds.resolve(req.path().pathParameters().get("userId"), ApiGuard.principal(req));
        HttpSupport.json(res, 200, positions.consolidatedBalance(
                accounts.accountsOf(userId).stream().map(a -> a.account().id()).toList()));
    }

    private long account(ServerRequest req) {
        return AccountPaths.access(accounts, req, AccountService.Need.READ).account().id();
    }

    /**
     * The page as a bare array, as every documented example shows; for a company that chose the spec's
     * shapes ({@link WireShapes#SPEC}), the spec's {@code PagingResult[PositionResource]} with its total.
     * Unknown query parameters are ignored.
     */
    private void list(ServerRequest req, ServerResponse res) {
        AccountService.AccountAccess access = AccountPaths.access(accounts, req, AccountService.Need.READ);
        long account = access.account().id();
        Paging paging = Paging.read(req, Paging.Names.LISTS, PositionService.PAGE_SIZE_MAX);
        try {
            if (companies.wireShapes(access.account().companyId()) == WireShapes.SPEC) {
                PagedQuery.Page<PositionService.PositionResource> page = positions.page(List.of(account),
                        paging.request());
                HttpSupport.json(res, 200, paging.result(page.rows(), page.total(), req));
                return;
            }
            HttpSupport.json(res, 200, positions.page(account, paging.request()));
        } catch (FilterException e) {
            throw Paging.invalidFilter(e);
        }
    }

    private void bySymbol(ServerRequest req, ServerResponse res) {
        long account = account(req);
        String symbol = req.path().pathParameters().get("symbol").trim();
        if (symbol.chars().allMatch(Character::isDigit) && !symbol.isEmpty()) {
            throw ApiException.modelState("symbol", "A ticker is expected, not a security id.");
        }
        HttpSupport.json(res, 200, positions.bySymbol(account, symbol, HttpSupport.query(req, "currency")));
    }

    /** The account's largest positions by market value ({@code count} optional, 1..99, default 5). */
    private void top(ServerRequest req, ServerResponse res) {
        long account = account(req);
        int count = HttpSupport.query(req, "count").map(c -> Paging.integer("count", c, 1, PositionService.TOP_COUNT_MAX))
                .orElse(PositionService.TOP_COUNT_DEFAULT);
        HttpSupport.json(res, 200, positions.top(account, count));
    }

    private void groups(ServerRequest req, ServerResponse res) {
        HttpSupport.json(res, 200, positions.groups(account(req)));
    }

    private void info(ServerRequest req, ServerResponse res) {
        HttpSupport.json(res, 200, positions.balanceMap(account(req)));
    }

    private void history(ServerRequest req, ServerResponse res) {
        long account = account(req);
        Instant start = instant(Paging.required(req, "startDate"), "startDate");
        Instant end = instant(Paging.required(req, "endDate"), "endDate");
        Paging.required(req, "step");
        HttpSupport.json(res, 200, positions.history(account, start, end));
    }

    /** An ISO instant, date or local date-time (taken as UTC). */
    private static Instant instant(String text, String name) {
        String t = text.trim();
        try {
            return Instant.parse(t);
        } catch (DateTimeParseException e) {
            try {
                return LocalDate.parse(t).atStartOfDay(ZoneOffset.UTC).toInstant();
            } catch (DateTimeParseException e2) {
                try {
                    return LocalDateTime.parse(t).toInstant(ZoneOffset.UTC);
                } catch (DateTimeParseException e3) {
                    throw ApiException.modelState(name, "The value '" + (text.length() > 40 ? text.substring(0, 40)
                            : text) + "' is not a valid date-time.");
                }
            }
        }
    }
}
