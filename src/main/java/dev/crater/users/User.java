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
        PhoneState phoneState,
        String firstName,
        String middleName,
        String lastName,
        Salutation salutation,
        Suffix suffix,
        String passwordHash,
        String pinHash,
        TwoFactorMethod twoFactor,
        boolean enabled,
        long addedAtMs,
        String totpSecretSealed,
        long totpLastStep,
        int failedAttempts,
        long blockedUntilMs,
        boolean locked,
        long passwordChangedAtMs,
        long tokensRevokedThroughId) {

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
        Objects.requireNonNull(phoneState, "phoneState");
    }

    /** True when the phone number is bound and verified, so SMS may be sent to it. */
    public boolean phoneActive() {
        return phone != null && phoneState == PhoneState.Active;
    }

    /** True while login attempts are refused unread: locked, or inside a wait after failures. */
    public boolean refusingAt(long nowMs) {
        return locked || nowMs < blockedUntilMs;
    }

    public boolean totpEnrolled() {
        return totpSecretSealed != null;
    }

    /** The documented PhoneNumberState / subscription State values, with their numbers. */
    public enum PhoneState {
        NotLinked(0), Active(1), Suspended(2), NotVerified(3);

        public final int code;

        PhoneState(int code) {
            this.code = code;
        }
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
        NONE("none", "None"), EMAIL("email", "Email"), SMS("sms", "Sms"), TOTP("totp", "Totp");

        private final String wire;
        private final String json;

        TwoFactorMethod(String wire, String json) {
            this.wire = wire;
            this.json = json;
        }

        /** Lower-case name used in the store and the CLI. */
        public String wire() {
            return wire;
        }

        /** PascalCase name used in JSON. */
        public String json() {
            return json;
        }

        /** True when a code is sent to the user (rather than computed by an app). */
        public boolean sendsCode() {
            return this == EMAIL || this == SMS;
        }

        /** Parses {@code none|email|sms|totp} in any case, or the numbers 0..3. */
        public static TwoFactorMethod parse(String text) {
            String t = text == null ? "" : text.trim();
            for (TwoFactorMethod m : values()) {
                if (m.wire.equalsIgnoreCase(t) || String.valueOf(m.ordinal()).equals(t)) {
                    return m;
                }
            }
            throw new IllegalArgumentException("two-factor method must be one of none, email, sms, totp; got '" + text + "'");
        }
    }
}
