package dev.crater.orders;

import dev.crater.access.ApiGuard;
import dev.crater.access.Principal;
import dev.crater.accounts.AccountPaths;
import dev.crater.accounts.AccountService;
import dev.crater.http.ApiException;
import dev.crater.http.HttpSupport;
import dev.crater.http.Paging;
import dev.crater.store.FilterException;
import dev.crater.users.UserIds;
import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.HttpService;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Positions (reference 05-positions.md) and the account figures built on them (03-accounts.md
 * §1.1 balance map, §1 #5 value history), and the same figures of several accounts together (the
 * spec's consolidated balance and history, and a user's balance info): handlers parse, call {@link PositionService} and write JSON.
 */
public final class PositionRoutes implements HttpService {

    private final AccountService accounts;
    private final PositionService positions;

    public PositionRoutes(AccountService accounts, PositionService positions) {
        this.accounts = accounts;
        this.positions = positions;
    }

    @Override
    public void routing(HttpRules rules) {
        rules.get("/accounts/{accountId}/positions/groups[/]", this::groups)
                .get("/accounts/{accountId}/positions[/]", this::list)
                .get("/accounts/{accountId}/positions/{symbol}[/]", this::bySymbol)
                .get("/accounts/{accountId}/info[/]", this::info)
                .get("/accounts/{accountId}/history[/]", this::history)
                .post("/accounts/balance/consolidated[/]", this::consolidatedBalance)
                .post("/accounts/history[/]", this::consolidatedHistory)
                .get("/users/{userId}/balance-info[/]", this::userBalance);
    }

    /** Named limit: account ids in one consolidated request (a user has at most this many accounts). */
    public static final int ACCOUNT_IDS_MAX = AccountService.ACCOUNTS_PER_USER_MAX;

    /**
     * The body's account ids (a JSON array of Int32, as the spec's {@code accountIds}), each one the
     * caller may read (else the documented 401); duplicates counted once; empty or absent means every
     * account of the caller.
     */
    private List<Long> accountIds(ServerRequest req) {
        Principal principal = ApiGuard.principal(req);
        byte[] raw = HttpSupport.body(req);
        Long[] given = raw.length == 0 ? new Long[0] : HttpSupport.readJson(raw, Long[].class, "accountIds");
        if (given == null || given.length == 0) {
            return accounts.accountsOf(principal.userId()).stream().map(a -> a.account().id()).toList();
        }
        if (given.length > ACCOUNT_IDS_MAX) {
            throw ApiException.modelState("accountIds", "At most " + ACCOUNT_IDS_MAX + " account ids.");
        }
        Set<Long> ids = new LinkedHashSet<>();
        for (Long id : given) {
            if (id == null) {
                throw ApiException.modelState("accountIds", "An account id is an Int32, not null.");
            }
            ids.add(accounts.access(principal, AccountPaths.accountId(String.valueOf(id)), AccountService.Need.READ)
                    .account().id());
        }
        return List.copyOf(ids);
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

    /** The page as a bare array, as every documented example shows; unknown query parameters are ignored. */
    private void list(ServerRequest req, ServerResponse res) {
        long account = account(req);
        Paging paging = Paging.read(req, Paging.Names.LISTS, PositionService.PAGE_SIZE_MAX);
        List<PositionService.PositionResource> page;
        try {
            page = positions.page(account, paging.request());
        } catch (FilterException e) {
            throw Paging.invalidFilter(e);
        }
        HttpSupport.json(res, 200, page);
    }

    private void bySymbol(ServerRequest req, ServerResponse res) {
        long account = account(req);
        String symbol = req.path().pathParameters().get("symbol").trim();
        if (symbol.chars().allMatch(Character::isDigit) && !symbol.isEmpty()) {
            throw ApiException.modelState("symbol", "A ticker is expected, not a security id.");
        }
        HttpSupport.json(res, 200, positions.bySymbol(account, symbol, HttpSupport.query(req, "currency")));
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
