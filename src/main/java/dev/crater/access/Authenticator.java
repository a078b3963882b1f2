package dev.crater.access;

import java.util.Optional;

/**
 * Turns a bearer token presented with a company's app key into the {@link Principal} it acts for
 * (implemented by the auth feature's session service; {@link ApiGuard} only knows this interface).
 */
public interface Authenticator {

    /**
     * The principal for a final bearer token presented with an app key of {@code companyId}.
     *
     * @return empty when the token is unknown, expired, revoked, of another company, or its user is
     *     disabled; the principal carries the token's scope
     */
    Optional<Principal> authenticate(String bearer, long companyId);
}
