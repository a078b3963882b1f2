package dev.crater.accounts;

import dev.crater.access.ApiGuard;
import dev.crater.access.Principal;
import dev.crater.http.ApiException;
import dev.crater.http.PathIds;
import io.helidon.webserver.http.ServerRequest;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * The {@code {accountId}} segment of every account route, read one way: an Int32 (else 422
 * ModelState), {@code @me} refused as the request is invalid (400: it names a user, not an
 * account), zero or below answered as another caller's account would be (401), then the caller's
 * access checked by {@link AccountService#access}; and the account ids of the calls about several
 * accounts, checked the same way.
 */
public final class AccountPaths {
    private AccountPaths() {
    }

    /** The caller's access to the account the request's path names, if it allows {@code need}. */
    public static AccountService.AccountAccess access(AccountService accounts, ServerRequest req,
            AccountService.Need need) {
        return accounts.access(ApiGuard.principal(req), accountId(req.path().pathParameters().get("accountId")), need);
    }

    /**
     * The accounts a request about several accounts names ({@code accountIds} in the spec's
     * consolidated calls), each one the caller may read (else the documented 401), a repeated id
     * counted once, in the order given; none given (null or empty) means every account of the caller.
     *
     * @param key the ModelState key of a refused id list
     */
    public static List<Long> readable(AccountService accounts, Principal principal, List<Long> given, String key) {
        if (given == null || given.isEmpty()) {
            return accounts.accountsOf(principal.userId()).stream().map(a -> a.account().id()).toList();
        }
        if (given.size() > AccountService.ACCOUNTS_PER_USER_MAX) {
            throw ApiException.modelState(key, "At most " + AccountService.ACCOUNTS_PER_USER_MAX + " account ids.");
        }
        Set<Long> ids = new LinkedHashSet<>();
        for (Long id : given) {
            if (id == null) {
                throw ApiException.modelState(key, "An account id is an Int32, not null.");
            }
            ids.add(accounts.access(principal, accountId(String.valueOf(id)), AccountService.Need.READ).account().id());
        }
        return List.copyOf(ids);
    }

    /** Parses the {@code {accountId}} path segment (Int32; {@code @me} is not an account). */
    public static long accountId(String segment) {
        if (segment == null || segment.equalsIgnoreCase("@me")) {
            throw ApiException.invalid();
        }
        int id = PathIds.int32(segment, "accountId");
        if (id <= 0) {
            throw ApiException.denied();
        }
        return id;
    }
}
