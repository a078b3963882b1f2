package dev.crater.orders;

import dev.crater.accounts.Account;
import dev.crater.users.User;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.function.LongFunction;

/**
 * Who an account and an order belong to, for the vendor spec's {@code ClearingAccount},
 * {@code AccountHolderName} and {@code UserName} of orders and positions: looked up through the
 * accounts and users services (never their stores), once per account or user and answer.
 */
public record Parties(LongFunction<Optional<Account>> accounts, LongFunction<Optional<User>> users) {

    /** The names of one answer's accounts and users, each looked up once. */
    final class Names {
        private final Map<Long, Optional<Account>> accountById = new HashMap<>();
        private final Map<Long, Optional<User>> userById = new HashMap<>();

        Optional<Account> account(long id) {
            return accountById.computeIfAbsent(id, accounts::apply);
        }

        Optional<User> user(long id) {
            return userById.computeIfAbsent(id, users::apply);
        }

        /** The account's clearing account number, as {@code /users/{id}/accounts} answers it. */
        String clearingAccount(long accountId) {
            return account(accountId).map(Account::clearingAccount).orElse(null);
        }

        /** The full name of the user the account was opened for. */
        String holderName(long accountId) {
            return account(accountId).flatMap(a -> user(a.openedByUserId())).map(Names::fullName).orElse(null);
        }

        String login(long userId) {
            return user(userId).map(User::username).orElse(null);
        }

        private static String fullName(User u) {
            return (u.firstName() + " " + u.lastName()).trim();
        }
    }

    Names names() {
        return new Names();
    }
}
