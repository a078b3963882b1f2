package dev.crater.accounts;

import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import dev.crater.access.ApiGuard;
import dev.crater.access.Principal;
import dev.crater.common.MarginType;
import dev.crater.companies.CompanyService;
import dev.crater.companies.WireShapes;
import dev.crater.http.ApiError;
import dev.crater.http.ApiException;
import dev.crater.http.Dates;
import dev.crater.http.HttpSupport;
import dev.crater.http.Paging;
import dev.crater.http.PathIds;
import dev.crater.users.User;
import dev.crater.users.UserIds;
import dev.crater.users.UserInfoModel;
import dev.crater.users.UserService;
import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.HttpService;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Trading-account endpoints of reference 03-accounts.md §1: a user's accounts, an account's users
 * (list, add by id or login, remove), the caller's alias (set, delete), the caller's selected account
 * (listed first) and the opening record. Balances,
 * history and transactions come with the trading engine.
 */
public final class AccountRoutes implements HttpService {

    private final AccountService accounts;
    private final CompanyService companies;

    public AccountRoutes(AccountService accounts, CompanyService companies) {
        this.accounts = accounts;
        this.companies = companies;
    }

    @Override
    public void routing(HttpRules rules) {
        rules.get("/users/{userId}/accounts[/]", this::userAccounts)
                .get("/accounts/{accountId}/users[/]", this::accountUsers)
                .put("/accounts/{accountId}/users/{userId}[/]", this::addUser)
                .delete("/accounts/{accountId}/users/{userId}[/]", this::removeUser)
                .put("/accounts/{accountId}/username/{username}[/]", this::addUserByLogin)
                .put("/accounts/{accountId}/alias/{alias}[/]", this::alias)
                .delete("/accounts/{accountId}/alias[/]", this::deleteAlias)
                .put("/accounts/{accountId}/select[/]", this::select)
                .get("/accounts/{accountId}/details[/]", this::details)
                .post("/users/info[/]", this::userByEmail);
    }

    /** The spec's {@code GetUserFilter} body of {@code POST /users/info}. */
    record GetUserFilter(String email) {
    }

    /**
     * A user's UserInfoModel by e-mail: the caller, or a user of an account the caller owns
     * ({@link AccountService#visibleUserByEmail}); anyone else, existing or not, is the same 404.
     */
    private void userByEmail(ServerRequest req, ServerResponse res) {
        GetUserFilter filter = HttpSupport.readJson(req, GetUserFilter.class, "filter");
        String email = filter.email() == null ? "" : filter.email().trim();
        if (email.isEmpty() || email.length() > UserService.EMAIL_CHARS_MAX) {
            throw ApiException.modelState("filter.Email", "Email is required (at most " + UserService.EMAIL_CHARS_MAX
                    + " characters).");
        }
        User user = accounts.visibleUserByEmail(principal(req), email).orElseThrow(() -> new ApiException(404,
                new ApiError.Message("No user with this e-mail address was found.")));
        HttpSupport.json(res, 200, UserInfoModel.of(user));
    }

    /** A user as account responses show it (the {@code Owners[]} items and {@code UserModel}). */
    @JsonPropertyOrder({"UserId", "FirstName", "MiddleName", "LastName", "Login", "Email", "Role", "AddedDate",
            "Salutation", "Suffix", "DateOfBirth"})
    public record UserModel(long userId, String firstName, String middleName, String lastName, String login,
            String email, int role, String addedDate, User.Salutation salutation, User.Suffix suffix,
            String dateOfBirth) {
        static UserModel of(User u) {
            return new UserModel(u.id(), u.firstName(), u.middleName(), u.lastName(), u.username(), u.email(), 0,
                    Dates.iso(u.addedAtMs()), u.salutation(), u.suffix(), null);
        }
    }

    /** An item of {@code GET /users/{userId}/accounts}. */
    @JsonPropertyOrder({"Id", "ClearingAccount", "AccessType", "MarginType", "OwnerType", "Enabled", "ClearingFirm",
            "IsAverageAccount", "Owners", "Alias", "Currency"})
    public record UserAccountModel(long id, String clearingAccount, Account.AccessType accessType,
            MarginType marginType, String ownerType, boolean enabled, String clearingFirm,
            boolean isAverageAccount, List<UserModel> owners, String alias, String currency) {
    }

    /** {@code {"UserModel": {...}, "AccountAccessType": "Full"}}. */
    @JsonPropertyOrder({"UserModel", "AccountAccessType"})
    public record AccountUser(UserModel userModel, Account.AccessType accountAccessType) {
    }

    /**
     * The opening record of {@code /accounts/{id}/details}, then the spec's {@code AdditionalInfo} (no extra
     * facts: an empty map) and {@code FormData} (null: the form is in {@code FormDataReference}).
     */
    @JsonPropertyOrder({"Id", "CreatedAt", "AccountProvider", "FormType", "User", "ClearingAccountNumber", "IsOpened",
            "FormDataReference", "CustomerType", "AdditionalInfo", "FormData"})
    public record Details(String id, String createdAt, String accountProvider, String formType, String user,
            String clearingAccountNumber, boolean isOpened, String formDataReference, String customerType,
            Map<String, String> additionalInfo, String formData) {
    }

    private static Principal principal(ServerRequest req) {
        return ApiGuard.principal(req);
    }

    private static String param(ServerRequest req, String name) {
        return req.path().pathParameters().get(name);
    }

    private List<UserModel> owners(long accountId) {
        List<UserModel> out = new ArrayList<>();
        for (AccountLink l : accounts.links(accountId)) {
            if (l.accessType() == Account.AccessType.Owner) {
                accounts.user(l.userId()).map(UserModel::of).ifPresent(out::add);
            }
        }
        return out;
    }

    private void userAccounts(ServerRequest req, ServerResponse res) {
        long userId = UserIds.resolve(param(req, "userId"), principal(req));
        List<UserAccountModel> out = new ArrayList<>();
        for (AccountService.AccountAccess a : accounts.accountsOf(userId)) {
            out.add(item(a));
        }
        HttpSupport.json(res, 200, out);
    }

    private UserAccountModel item(AccountService.AccountAccess a) {
        Account acc = a.account();
        return new UserAccountModel(acc.id(), acc.clearingAccount(), a.link().accessType(), acc.marginType(),
                acc.ownerType(), acc.enabled(), acc.clearingFirm(), false, owners(acc.id()), a.link().alias(),
                acc.currency());
    }

    private List<AccountUser> users(long accountId) {
        List<AccountUser> out = new ArrayList<>();
        for (AccountLink l : accounts.links(accountId)) {
            accounts.user(l.userId()).ifPresent(u -> out.add(new AccountUser(UserModel.of(u), l.accessType())));
        }
        return out;
    }

    /**
     * The account's users with their access: the documented array; for a company that chose the
     * spec's shapes ({@link WireShapes#SPEC}), the spec's one {@code UserToAccountRelationModel}, the
     * caller's own relation to the account.
     */
    private void accountUsers(ServerRequest req, ServerResponse res) {
        AccountService.AccountAccess a = AccountPaths.access(accounts, req, AccountService.Need.READ);
        if (companies.wireShapes(a.account().companyId()) == WireShapes.SPEC) {
            User caller = accounts.user(a.link().userId()).orElseThrow(ApiException::denied);
            HttpSupport.json(res, 200, new AccountUser(UserModel.of(caller), a.link().accessType()));
            return;
        }
        HttpSupport.json(res, 200, users(a.account().id()));
    }

    private static Account.AccessType accessType(ServerRequest req) {
        String text = Paging.required(req, "accessType");
        Account.AccessType t = Account.AccessType.parse(text);
        if (t == null) {
            throw ApiException.modelState("accessType", "The value '" + (text.length() > 40 ? text.substring(0, 40)
                    : text) + "' is not valid for AccessType (Full, ReadOnly, ClosePositionsOnly, Owner).");
        }
        return t;
    }

    private static long userIdSegment(ServerRequest req) {
        return PathIds.int32(req, "userId");
    }

    private void addUser(ServerRequest req, ServerResponse res) {
        AccountService.AccountAccess a = AccountPaths.access(accounts, req, AccountService.Need.MANAGE);
        Account.AccessType type = accessType(req);
        User target = accounts.user(userIdSegment(req)).orElseThrow(() -> new ApiException(404,
                new ApiError.Message("No such user in this company.")));
        AccountLink link = accounts.link(a.account(), target, type);
        HttpSupport.json(res, 200, new AccountUser(UserModel.of(target), link.accessType()));
    }

    private void addUserByLogin(ServerRequest req, ServerResponse res) {
        AccountService.AccountAccess a = AccountPaths.access(accounts, req, AccountService.Need.MANAGE);
        Account.AccessType type = accessType(req);
        User target = accounts.userByLogin(a.account().companyId(), param(req, "username"))
                .orElseThrow(() -> new ApiException(404, new ApiError.Message("No such user in this company.")));
        AccountLink link = accounts.link(a.account(), target, type);
        HttpSupport.json(res, 200, new AccountUser(UserModel.of(target), link.accessType()));
    }

    private void removeUser(ServerRequest req, ServerResponse res) {
        long target = userIdSegment(req);
        Principal p = principal(req);
        // Anyone may leave an account; only owners remove others.
        AccountService.AccountAccess a = AccountPaths.access(accounts, req, target == p.userId() ? AccountService.Need.READ : AccountService.Need.MANAGE);
        accounts.unlink(a.account(), target);
        HttpSupport.json(res, 200, users(a.account().id()));
    }

    private void alias(ServerRequest req, ServerResponse res) {
        AccountService.AccountAccess a = AccountPaths.access(accounts, req, AccountService.Need.READ);
        accounts.setAlias(a, param(req, "alias"));
        res.status(200).send();
    }

    private void deleteAlias(ServerRequest req, ServerResponse res) {
        accounts.clearAlias(AccountPaths.access(accounts, req, AccountService.Need.READ));
        res.status(200).send();
    }

    /** Selects the account for the caller; answers its item as {@code /users/{id}/accounts} lists it (first now). */
    private void select(ServerRequest req, ServerResponse res) {
        AccountService.AccountAccess a = AccountPaths.access(accounts, req, AccountService.Need.READ);
        accounts.select(a);
        HttpSupport.json(res, 200, item(a));
    }

    /**
     * {@code IsOpened}: a paper account is open from the start; a clearing firm's account once its
     * opening request is approved (it is enabled then).
     */
    private static boolean opened(Account acc) {
        return Account.PAPER_FIRM.equals(acc.clearingFirm()) || acc.enabled();
    }

    private void details(ServerRequest req, ServerResponse res) {
        AccountService.AccountAccess a = AccountPaths.access(accounts, req, AccountService.Need.READ);
        Account acc = a.account();
        HttpSupport.json(res, 200, new Details(acc.openingRequestId(), Dates.iso(acc.createdAtMs()), acc.clearingFirm(),
                "Direct", String.valueOf(acc.openedByUserId()), acc.clearingAccount(), opened(acc), acc.formData(),
                "Individual", Map.of(), null));
    }
}
