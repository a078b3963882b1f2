package dev.crater.orders;

import dev.crater.access.ApiGuard;
import dev.crater.accounts.AccountPaths;
import dev.crater.accounts.AccountService;
import dev.crater.http.HttpSupport;
import dev.crater.http.Paging;
import dev.crater.store.FilterException;
import dev.crater.store.PagedQuery;
import io.helidon.webserver.http.ServerRequest;
import java.util.List;
import java.util.function.BiFunction;

/**
 * The spec's {@code ConsolidatedQueryDto} body of {@code POST /orders/consolidated} and
 * {@code POST /positions/consolidated}, with the {@code filter} query parameter: which of the
 * caller's accounts (each access-checked; none named means all of them) and which page.
 *
 * @param accountIds the accounts, checked, each once, never empty
 */
record ConsolidatedQuery(List<Long> accountIds, PagedQuery.Request request) {

    /**
     * The PagingResult of the page {@code read} gives for these accounts and this request (none: an
     * empty page); an invalid filter is the documented 400. Its links are empty: the page is asked for
     * in the body, which a link cannot carry.
     */
    <T> Paging.Result<T> result(BiFunction<List<Long>, PagedQuery.Request, PagedQuery.Page<T>> read) {
        if (accountIds.isEmpty()) {
            return new Paging.Result<>(List.of(), "", "", 0);
        }
        try {
            PagedQuery.Page<T> page = read.apply(accountIds, request);
            return new Paging.Result<>(page.rows(), "", "", page.total());
        } catch (FilterException e) {
            throw Paging.invalidFilter(e);
        }
    }

    /** The body as the spec names it; every property optional. */
    record ConsolidatedQueryDto(List<Long> accountIds, Boolean desc, Integer pageNumber, Integer pageSize,
            String sortField) {
    }

    /** The ModelState key of the body, the spec's parameter name. */
    static final String ARG = "dto";

    /**
     * Reads the body (required: the spec's {@code dto}) and the filter. An absent {@code PageNumber}
     * is the first page (0), an absent {@code PageSize} is {@code pageSizeMax}.
     */
    static ConsolidatedQuery read(ServerRequest req, AccountService accounts, int pageSizeMax) {
        ConsolidatedQueryDto dto = HttpSupport.readJson(HttpSupport.body(req), ConsolidatedQueryDto.class, ARG);
        int pageNumber = dto.pageNumber() == null ? 0
                : Paging.integer(ARG + ".PageNumber", String.valueOf(dto.pageNumber()), 0, Paging.PAGE_NUMBER_MAX);
        int pageSize = dto.pageSize() == null ? pageSizeMax
                : Paging.integer(ARG + ".PageSize", String.valueOf(dto.pageSize()), 1, pageSizeMax);
        String sort = dto.sortField() == null || dto.sortField().isBlank() ? null : dto.sortField().trim();
        List<Long> ids = AccountPaths.readable(accounts, ApiGuard.principal(req), dto.accountIds(),
                ARG + ".AccountIds");
        return new ConsolidatedQuery(ids, new PagedQuery.Request(Paging.filter(req), sort,
                Boolean.TRUE.equals(dto.desc()), pageNumber, pageSize));
    }
}
