package dev.crater.access;

/** Who a request acts for, set by {@link ApiGuard} once the bearer token checked out. */
public record Principal(long userId, long companyId, String tokenHash, long expiresAtMs, Scope scope) {
}
