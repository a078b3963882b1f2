package dev.crater.orders;

import dev.crater.accounts.AccountPaths;
import dev.crater.accounts.AccountService;
import dev.crater.http.ApiException;
import dev.crater.http.HttpSupport;
import dev.crater.http.Paging;
import dev.crater.store.FilterException;
import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.HttpService;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.List;

/**
 * Positions (reference 05-positions.md) and the account figures built on them (03-accounts.md
 * §1.1 balance map, §1 #5 value history): handlers parse, call {@link PositionService} and write JSON.
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
                .get("/accounts/{accountId}/history[/]", this::history);
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
