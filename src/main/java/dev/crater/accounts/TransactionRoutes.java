package dev.crater.accounts;

import dev.crater.http.ApiException;
import dev.crater.http.HttpSupport;
import dev.crater.http.Paging;
import dev.crater.store.FilterException;
import dev.crater.store.PagedQuery;
import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.HttpService;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import java.util.List;

/**
 * {@code GET /accounts/{accountId}/transactions} (reference 03-accounts.md §5): the account's cash
 * ledger ({@link TransactionStore}). Missing paging parameters answer the documented
 * {@code UnsupportedApiVersion} 404.
 */
public final class TransactionRoutes implements HttpService {

    /** Named limit: the largest page. */
    public static final int PAGE_SIZE_MAX = 1000;

    /** {@code {"Error": {"Code": "UnsupportedApiVersion", "Message": …}}}, documented for these lists. */
    public record UnsupportedApiVersion(Error error) {
        public record Error(String code, String message) {
        }

        static UnsupportedApiVersion of(String method) {
            return new UnsupportedApiVersion(new Error("UnsupportedApiVersion",
                    "The requested resource with API version '1.0' does not support HTTP method '" + method + "'."));
        }
    }

    private final AccountService accounts;
    private final TransactionStore transactions;

    public TransactionRoutes(AccountService accounts, TransactionStore transactions) {
        this.accounts = accounts;
        this.transactions = transactions;
    }

    @Override
    public void routing(HttpRules rules) {
        rules.get("/accounts/{accountId}/transactions[/]", this::list);
    }

    private void list(ServerRequest req, ServerResponse res) {
        AccountService.AccountAccess access = AccountPaths.access(accounts, req, AccountService.Need.READ);
        for (String p : List.of("pageNumber", "pageSize", "sortBy", "isDesc")) {
            if (HttpSupport.query(req, p).isEmpty()) {
                throw new ApiException(404, UnsupportedApiVersion.of("GET"));
            }
        }
        Paging paging = Paging.read(req, Paging.Names.SORT_BY, PAGE_SIZE_MAX);
        PagedQuery.Page<TransactionStore.TransactionMapModel> page;
        try {
            page = transactions.page(access.account().id(), paging.request());
        } catch (FilterException e) {
            throw Paging.invalidFilter(e);
        }
        HttpSupport.json(res, 200, paging.result(page.rows(), page.total(), req));
    }
}
