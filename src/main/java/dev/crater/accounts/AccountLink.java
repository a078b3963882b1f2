package dev.crater.accounts;

/** A user's link to an account: what they may do there, and their own alias for it. */
public record AccountLink(long accountId, long userId, Account.AccessType accessType, String alias, long addedAtMs) {
}
