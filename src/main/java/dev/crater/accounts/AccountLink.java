package dev.crater.accounts;

/**
 * A user's link to an account: what they may do there, their own alias for it, and when they last
 * selected it ({@code PUT /accounts/{id}/select}; 0 when never).
 */
public record AccountLink(long accountId, long userId, Account.AccessType accessType, String alias, long addedAtMs,
        long selectedAtMs) {
}
