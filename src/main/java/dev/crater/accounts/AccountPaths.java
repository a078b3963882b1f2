package dev.crater.accounts;

import dev.crater.access.ApiGuard;
import dev.crater.http.ApiException;
import dev.crater.http.PathIds;
import io.helidon.webserver.http.ServerRequest;

/**
 * The {@code {accountId}} segment of every account route, read one way: an Int32 (else 422
 * ModelState), {@code @me} refused as the request is invalid (400: it names a user, not an
 * account), zero or below answered as another caller's account would be (401), then the caller's
 * access checked by {@link AccountService#access}.
 */
public final class AccountPaths {
    private AccountPaths() {
    }

    /** The caller's access to the account the request's path names, if it allows {@code need}. */
    public static AccountService.AccountAccess access(AccountService accounts, ServerRequest req,
            AccountService.Need need) {
        return accounts.access(ApiGuard.principal(req), accountId(req.path().pathParameters().get("accountId")), need);
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
