package dev.crater.paperless;

import dev.crater.access.ApiGuard;
import dev.crater.access.Principal;
import dev.crater.accounts.Account;
import dev.crater.accounts.AccountPaths;
import dev.crater.accounts.AccountService;
import dev.crater.http.ApiException;
import dev.crater.http.HttpSupport;
import dev.crater.http.JsonBody;
import dev.crater.http.PathIds;
import dev.crater.users.User;
import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.HttpService;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Paperless settings (reference 03-accounts.md §6): reading them needs access to the account, storing
 * the default or changing them its owner. The docs' flow: GET → if {@code Options} is empty, POST the
 * default → PUT (or POST) to change.
 *
 * <pre>
 * GET  /v1.0/accounts/7/paperless            → {"Id": "0000…", "Email": null, "AccountNo": "7", "SupplementEmail": null, "Options": []}
 * POST /v1.0/accounts/7/paperless/default    → {"Id": "…", "Email": "me@…", "AccountNo": "7", …, "Options": [4 × IsPaperless false]}
 * PUT  /v1.0/accounts/paperless {"AccountNo": "7", "Options": [{"Description": "Statements", "IsPaperless": true}]}
 * </pre>
 */
public final class PaperlessRoutes implements HttpService {
    /** The body's argument name (the docs' {@code deliveryInformationOnUpdate}), the ModelState prefix. */
    static final String ARG = "deliveryInformationOnUpdate";
    /** Named limit: options in one body (each category at most once). */
    public static final int OPTIONS_MAX = Paperless.CATEGORIES.size();
    private static final Pattern EMAIL = Pattern.compile("[^@\\s]{1,64}@[^@\\s]+\\.[^@\\s]+");
    private static final Pattern GUID = Pattern.compile(
            "[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}");

    private final PaperlessService paperless;
    private final AccountService accounts;

    public PaperlessRoutes(PaperlessService paperless, AccountService accounts) {
        this.paperless = paperless;
        this.accounts = accounts;
    }

    @Override
    public void routing(HttpRules rules) {
        rules.get("/accounts/{accountId}/paperless[/]", this::get)
                .post("/accounts/{accountId}/paperless/default[/]", this::setDefault)
                .post("/accounts/paperless[/]", this::change)
                .put("/accounts/paperless[/]", this::change);
    }

    private void get(ServerRequest req, ServerResponse res) {
        Account a = AccountPaths.access(accounts, req, AccountService.Need.READ).account();
        HttpSupport.json(res, 200, paperless.get(a));
    }

    private void setDefault(ServerRequest req, ServerResponse res) {
        Account a = AccountPaths.access(accounts, req, AccountService.Need.MANAGE).account();
        HttpSupport.json(res, 200, paperless.setDefault(a, callerEmail(req)));
    }

    private String callerEmail(ServerRequest req) {
        return accounts.user(ApiGuard.principal(req).userId()).map(User::email).filter(e -> !e.isBlank()).orElse(null);
    }

    private void change(ServerRequest req, ServerResponse res) {
        JsonBody body = JsonBody.read(req, ARG);
        body.text("Id").filter(s -> !s.isEmpty()).ifPresent(id -> {
            if (!GUID.matcher(id).matches()) {
                throw ApiException.modelState(ARG + ".Id", "Id is a GUID.");
            }
        });
        Account account = account(ApiGuard.principal(req), body.text("AccountNo").orElse(""));
        Optional<String> email = body.text("Email");
        Optional<String> supplement = body.text("SupplementEmail");
        email.ifPresent(e -> checkEmail("Email", e));
        supplement.ifPresent(e -> checkEmail("SupplementEmail", e));
        Map<String, Boolean> options = new LinkedHashMap<>();
        List<JsonBody> given = body.objects("Options", OPTIONS_MAX).orElse(List.of());
        for (int i = 0; i < given.size(); i++) {
            JsonBody o = given.get(i);
            String key = ARG + ".Options[" + i + "]";
            Optional<String> categoryId = o.text("CategoryId").filter(s -> !s.isEmpty());
            Optional<String> description = o.text("Description").filter(s -> !s.isEmpty());
            boolean value = o.bool("IsPaperless").orElseThrow(() -> ApiException.modelState(key + ".IsPaperless",
                    "IsPaperless is required (true or false)."));
            if (categoryId.isEmpty() && description.isEmpty()) {
                throw ApiException.modelState(key + ".CategoryId", "An option names its CategoryId or its Description.");
            }
            Paperless.Category c = Paperless.category(categoryId.orElse(null), description.orElse(null))
                    .orElseThrow(() -> ApiException.modelState(key + (categoryId.isPresent() ? ".CategoryId" : ".Description"),
                            "Not a paperless category; the categories are " + Paperless.CATEGORIES.stream()
                                    .map(Paperless.Category::description).toList() + "."));
            if (categoryId.isPresent() && description.isPresent()
                    && !c.description().equalsIgnoreCase(description.get())) {
                throw ApiException.modelState(key + ".Description", "The Description is not CategoryId's ("
                        + c.description() + ").");
            }
            if (options.put(c.id(), value) != null) {
                throw ApiException.modelState(key + ".CategoryId", "Each category at most once.");
            }
        }
        Paperless.Change change = new Paperless.Change(email.isPresent(), email.filter(e -> !e.isEmpty()).orElse(null),
                supplement.isPresent(), supplement.filter(e -> !e.isEmpty()).orElse(null), options);
        HttpSupport.json(res, 200, paperless.change(account, change, callerEmail(req), ARG + ".Email"));
    }

    private static void checkEmail(String field, String e) {
        if (!e.isEmpty() && (e.length() > PaperlessService.EMAIL_CHARS_MAX || !EMAIL.matcher(e).matches())) {
            throw ApiException.modelState(ARG + "." + field, field + " is an e-mail address (at most "
                    + PaperlessService.EMAIL_CHARS_MAX + " characters), or \"\" to clear it.");
        }
    }

    /**
     * The account {@code AccountNo} names (its clearing number, which in Crater is its id), if the
     * caller owns it: missing or not a number is 422; an account the caller does not own the documented 401.
     */
    private Account account(Principal principal, String accountNo) {
        if (accountNo.isEmpty()) {
            throw ApiException.modelState(ARG + ".AccountNo", "AccountNo (the account's number) is required.");
        }
        Optional<Integer> id = PathIds.parse(accountNo);
        if (id.isEmpty()) {
            throw ApiException.modelState(ARG + ".AccountNo", "AccountNo is the account's number.");
        }
        if (id.get() <= 0) {
            throw ApiException.denied();
        }
        Account a = accounts.access(principal, id.get(), AccountService.Need.MANAGE).account();
        if (!a.clearingAccount().equals(accountNo)) {
            throw ApiException.denied();
        }
        return a;
    }
}
