package dev.crater.users;

import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import dev.crater.http.Dates;

/**
 * The documented UserInfoModel (reference 02-users.md), keys in the documented order, then the spec's
 * {@code DateOfBirth} (null: Crater does not keep it) and {@code Role} (0, as the account users' model
 * shows it).
 */
@JsonPropertyOrder({"UserId", "FirstName", "MiddleName", "LastName", "Login", "Email", "AddedDate", "Salutation", "Suffix",
        "DateOfBirth", "Role"})
public record UserInfoModel(long userId, String firstName, String middleName, String lastName, String login,
                            String email, String addedDate, User.Salutation salutation, User.Suffix suffix,
                            String dateOfBirth, int role) {

    public static UserInfoModel of(User u) {
        return new UserInfoModel(u.id(), u.firstName(), u.middleName(), u.lastName(), u.username(), u.email(),
                Dates.iso(u.addedAtMs()), u.salutation(), u.suffix(), null, 0);
    }
}
