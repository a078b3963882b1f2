package dev.crater.users;

import java.util.Objects;

/**
 * A trader (or operator) who logs in. {@code passwordHash} and {@code pinHash} are Argon2id PHC
 * strings; the plaintext never reaches this record.
 */
public record User(
        long id,
        long companyId,
        String username,
        String email,
        String phone,
        String firstName,
        String middleName,
        String lastName,
        Salutation salutation,
        Suffix suffix,
        String passwordHash,
        String pinHash,
        TwoFactorMethod twoFactor,
        boolean enabled,
        long addedAtMs) {

    public User {
        Objects.requireNonNull(username, "username");
        Objects.requireNonNull(email, "email");
        Objects.requireNonNull(firstName, "firstName");
        Objects.requireNonNull(middleName, "middleName");
        Objects.requireNonNull(lastName, "lastName");
        Objects.requireNonNull(salutation, "salutation");
        Objects.requireNonNull(suffix, "suffix");
        Objects.requireNonNull(passwordHash, "passwordHash");
        Objects.requireNonNull(twoFactor, "twoFactor");
    }

    public boolean hasPin() {
        return pinHash != null;
    }

    /** The documented salutations (UserInfoModel). */
    public enum Salutation { NoSalutation, Mr, Mrs, Ms, Dr, Sir, Madam }

    /** The documented name suffixes (UserInfoModel). */
    public enum Suffix { NoSuffix, Jr, Sr, Second, Third, Fourth }

    /** How the second factor of a login is delivered. */
    public enum TwoFactorMethod {
        NONE("none"), EMAIL("email");

        private final String wire;

        TwoFactorMethod(String wire) {
            this.wire = wire;
        }

        public String wire() {
            return wire;
        }

        public static TwoFactorMethod parse(String text) {
            for (TwoFactorMethod m : values()) {
                if (m.wire.equalsIgnoreCase(text.trim())) {
                    return m;
                }
            }
            throw new IllegalArgumentException("two-factor method must be one of none, email; got '" + text + "'");
        }
    }
}
