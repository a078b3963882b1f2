package dev.crater.users;

import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import dev.crater.http.Dates;

/**
 * The spec's {@code UserModel}, the answer of {@code PATCH /users/{userId}}: every property, in the
 * spec's order. Crater keeps no expiration date or entitlements phone for a user (null), and deleted
 * users do not exist (false).
 */
@JsonPropertyOrder({"AddedDate", "Address", "Deleted", "EmailAddress", "Enabled", "EntitlementsPhoneNumber",
        "ExpirationDate", "FirstName", "Id", "LastName", "Login", "Middle", "PhoneNumber", "Salutation", "Suffix",
        "TimeZoneInfoId"})
public record UserModel(String addedDate, UserAddress address, boolean deleted, String emailAddress, boolean enabled,
        String entitlementsPhoneNumber, String expirationDate, String firstName, long id, String lastName, String login,
        String middle, String phoneNumber, User.Salutation salutation, User.Suffix suffix, String timeZoneInfoId) {

    /** The spec's {@code UserAddress}. */
    @JsonPropertyOrder({"City", "CountryId", "PostalCode", "State", "StreetAddress1", "StreetAddress2"})
    public record UserAddress(String city, Integer countryId, String postalCode, Integer state, String streetAddress1,
            String streetAddress2) {
    }

    public static UserModel of(User u, UserProfile p) {
        return new UserModel(Dates.iso(u.addedAtMs()), new UserAddress(p.city(), p.countryId(), p.postalCode(),
                p.state(), p.streetAddress1(), p.streetAddress2()), false, u.email(), u.enabled(), null, null,
                u.firstName(), u.id(), u.lastName(), u.username(), u.middleName(), u.phone(), u.salutation(), u.suffix(),
                p.timeZone());
    }
}
