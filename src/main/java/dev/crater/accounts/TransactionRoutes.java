package dev.crater.accounts;

import dev.crater.access.ApiGuard;
import dev.crater.http.ApiException;
import dev.crater.http.HttpSupport;
import dev.crater.http.Paging;
import dev.crater.store.FilterException;
import dev.crater.store.PagedQuery;
import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.HttpService;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * An account's cash ledger ({@link TransactionStore}; reference 03-accounts.md §5, spec
 * {@code Transactions_*}): {@code GET /accounts/{accountId}/transactions} and its {@code activity}
 * twin (sorted by {@code isAsc}), the allowed types of both, the activity and transaction reports
 * (CSV lines), and {@code POST /transactions/consolidated} across the caller's accounts. Missing
 * paging parameters answer the documented {@code UnsupportedApiVersion} 404.
 */
public final class TransactionRoutes implements HttpService {

    /** Named limits: the largest page, and the most rows a report holds. */
    public static final int PAGE_SIZE_MAX = 1000;
    public static final int REPORT_ROWS_MAX = 10_000;

    /** The activity list's parameter names: {@code isAsc} instead of {@code isDesc}. */
    static final Paging.Names ACTIVITY = new Paging.Names("pageNumber", "pageSize", "sortBy", "isAsc", true);

    /** The report formats of the spec's {@code reportEnum}. */
    public enum Report { NotReport, CsvReport, PdfReport }

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
        rules.get("/accounts/{accountId}/transactions/allowed-types[/]", this::allowedTypes)
                .get("/accounts/{accountId}/activity/allowed-types[/]", this::allowedTypes)
                .get("/accounts/{accountId}/transactions[/]", this::list)
                .get("/accounts/{accountId}/activity/report[/]", this::activityReport)
                .get("/accounts/{accountId}/activity[/]", this::activity)
                .get("/accounts/{accountId}/transaction/report[/]", this::transactionReport)
                .post("/transactions/consolidated[/]", this::consolidated);
    }

    private static void require(ServerRequest req, List<String> names) {
        for (String p : names) {
            if (HttpSupport.query(req, p).isEmpty()) {
                throw new ApiException(404, UnsupportedApiVersion.of(req.prologue().method().text()));
            }
        }
    }

    private void list(ServerRequest req, ServerResponse res) {
        AccountService.AccountAccess access = AccountPaths.access(accounts, req, AccountService.Need.READ);
        require(req, List.of("pageNumber", "pageSize", "sortBy", "isDesc"));
        HttpSupport.query(req, "checkCode").ifPresent(c -> Paging.bool("checkCode", c));
        Paging paging = Paging.read(req, Paging.Names.SORT_BY, PAGE_SIZE_MAX);
        page(req, res, access, paging);
    }

    private void activity(ServerRequest req, ServerResponse res) {
        AccountService.AccountAccess access = AccountPaths.access(accounts, req, AccountService.Need.READ);
        require(req, List.of("pageNumber", "pageSize", "sortBy", "isAsc"));
        Paging asc = Paging.read(req, ACTIVITY, PAGE_SIZE_MAX);
        page(req, res, access, new Paging(asc.pageNumber(), asc.pageSize(), asc.sortField(), !asc.desc(), asc.filter()));
    }

    private void page(ServerRequest req, ServerResponse res, AccountService.AccountAccess access, Paging paging) {
        PagedQuery.Page<TransactionStore.TransactionMapModel> page;
        try {
            page = transactions.page(access.account().id(), paging.request());
        } catch (FilterException e) {
            throw Paging.invalidFilter(e);
        }
        HttpSupport.json(res, 200, paging.result(page.rows(), page.total(), req));
    }

    /** The documented transaction types an account's entries can have. */
    private void allowedTypes(ServerRequest req, ServerResponse res) {
        AccountPaths.access(accounts, req, AccountService.Need.READ);
        HttpSupport.json(res, 200, Arrays.stream(TransactionStore.TransactionType.values())
                .filter(t -> t != TransactionStore.TransactionType.Undefined).map(Enum::name).toList());
    }

    private void activityReport(ServerRequest req, ServerResponse res) {
        AccountService.AccountAccess access = AccountPaths.access(accounts, req, AccountService.Need.READ);
        require(req, List.of("sortBy", "isAsc", "reportEnum"));
        boolean desc = !Paging.bool("isAsc", HttpSupport.query(req, "isAsc").orElseThrow());
        report(req, res, access, desc);
    }

    private void transactionReport(ServerRequest req, ServerResponse res) {
        AccountService.AccountAccess access = AccountPaths.access(accounts, req, AccountService.Need.READ);
        require(req, List.of("sortBy", "isDesc", "reportEnum"));
        HttpSupport.query(req, "checkCode").ifPresent(c -> Paging.bool("checkCode", c));
        report(req, res, access, Paging.bool("isDesc", HttpSupport.query(req, "isDesc").orElseThrow()));
    }

    /**
     * A report as the spec's array of strings: {@code CsvReport} a header line, then one CSV line per
     * entry; {@code NotReport} the lines without the header; {@code PdfReport} is not made here (422).
     */
    private void report(ServerRequest req, ServerResponse res, AccountService.AccountAccess access, boolean desc) {
        String format = HttpSupport.query(req, "reportEnum").orElseThrow();
        Report report = Arrays.stream(Report.values())
                .filter(r -> r.name().equalsIgnoreCase(format) || Integer.toString(r.ordinal()).equals(format))
                .findFirst().orElseThrow(() -> ApiException.modelState("reportEnum",
                        "The value '" + format + "' is not valid for reportEnum (NotReport, CsvReport, PdfReport)."));
        if (report == Report.PdfReport) {
            throw ApiException.modelState("reportEnum", "Crater makes reports as CsvReport (or NotReport), not PDF.");
        }
        PagedQuery.Page<TransactionStore.TransactionMapModel> page;
        try {
            page = transactions.page(access.account().id(), new PagedQuery.Request(Paging.filter(req),
                    HttpSupport.query(req, "sortBy").orElse(null), desc, 0, REPORT_ROWS_MAX));
        } catch (FilterException e) {
            throw Paging.invalidFilter(e);
        }
        List<String> lines = new ArrayList<>();
        if (report == Report.CsvReport) {
            lines.add("Id,Date,Type,SecurityId,Symbol,Quantity,Price,Value,Description");
        }
        for (TransactionStore.TransactionMapModel t : page.rows()) {
            lines.add(String.join(",", Long.toString(t.id()), t.date(), t.type(), Integer.toString(t.securityId()),
                    csv(t.symbol()), plain(t.quantity()), plain(t.price()), plain(t.value()), csv(t.description())));
        }
        HttpSupport.json(res, 200, lines);
    }

    private static String plain(BigDecimal d) {
        return d == null ? "" : d.toPlainString();
    }

    private static String csv(String s) {
        if (s == null) {
            return "";
        }
        return s.contains(",") || s.contains("\"") || s.contains("\n") ? "\"" + s.replace("\"", "\"\"") + "\"" : s;
    }

    /** The spec's {@code ConsolidatedQueryDto}; every property optional. */
    record ConsolidatedQueryDto(List<Long> accountIds, Boolean desc, Integer pageNumber, Integer pageSize,
            String sortField) {
    }

    /**
     * {@code POST /transactions/consolidated}: the named accounts' entries (each access-checked; none
     * named: all the caller's) as {@code ActivityModelV2}. Links are empty: the page is asked for in the body.
     */
    private void consolidated(ServerRequest req, ServerResponse res) {
        String arg = "dto";
        ConsolidatedQueryDto dto = HttpSupport.readJson(HttpSupport.body(req), ConsolidatedQueryDto.class, arg);
        int pageNumber = dto.pageNumber() == null ? 0
                : Paging.integer(arg + ".PageNumber", String.valueOf(dto.pageNumber()), 0, Paging.PAGE_NUMBER_MAX);
        int pageSize = dto.pageSize() == null ? PAGE_SIZE_MAX
                : Paging.integer(arg + ".PageSize", String.valueOf(dto.pageSize()), 1, PAGE_SIZE_MAX);
        String sort = Optional.ofNullable(dto.sortField()).map(String::trim).filter(s -> !s.isEmpty()).orElse(null);
        List<Long> ids = AccountPaths.readable(accounts, ApiGuard.principal(req), dto.accountIds(), arg + ".AccountIds");
        if (ids.isEmpty()) {
            HttpSupport.json(res, 200, new Paging.Result<>(List.of(), "", "", 0));
            return;
        }
        PagedQuery.Page<TransactionStore.ActivityModelV2> page;
        try {
            page = transactions.activities(ids, new PagedQuery.Request(Paging.filter(req), sort,
                    Boolean.TRUE.equals(dto.desc()), pageNumber, pageSize));
        } catch (FilterException e) {
            throw Paging.invalidFilter(e);
        }
        HttpSupport.json(res, 200, new Paging.Result<>(page.rows(), "", "", page.total()));
    }
}
