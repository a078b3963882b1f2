package dev.crater.funding;

/**
 * The checks of the bank numbers a relationship or a wire names: an ABA routing number (nine digits,
 * a Federal Reserve prefix, the weighted 3-7-1 check digit), a US bank account number, a SWIFT/BIC.
 */
public final class BankNumbers {
    /** Named limits: a bank account number's digits (ACH allows up to 17; the docs ask for at least 10). */
    public static final int ACCOUNT_DIGITS_MIN = 10;
    public static final int ACCOUNT_DIGITS_MAX = 17;

    private BankNumbers() {
    }

    /** Whether {@code routing} is a valid ABA routing transit number. */
    public static boolean abaRouting(String routing) {
        if (routing == null || !routing.matches("\\d{9}")) {
            return false;
        }
        int prefix = Integer.parseInt(routing.substring(0, 2));
        boolean federalReserve = prefix <= 12 || (prefix >= 21 && prefix <= 32) || (prefix >= 61 && prefix <= 72)
                || prefix == 80;
        if (!federalReserve) {
            return false;
        }
        int[] w = {3, 7, 1};
        int sum = 0;
        for (int i = 0; i < 9; i++) {
            sum += (routing.charAt(i) - '0') * w[i % 3];
        }
        return sum % 10 == 0;
    }

    /** Whether {@code number} is a bank account number: {@link #ACCOUNT_DIGITS_MIN}..{@link #ACCOUNT_DIGITS_MAX} digits, not all zero. */
    public static boolean accountNumber(String number) {
        return number != null && number.matches("\\d{" + ACCOUNT_DIGITS_MIN + "," + ACCOUNT_DIGITS_MAX + "}")
                && !number.matches("0+");
    }

    /** Whether {@code code} is a SWIFT/BIC: 4 letters (bank), 2 letters (country), 2 and optionally 3 more. */
    public static boolean swift(String code) {
        return code != null && code.matches("[A-Za-z]{6}[A-Za-z0-9]{2}([A-Za-z0-9]{3})?");
    }

    /** The routing number with the check digit that makes {@code first8} valid (for sandbox Plaid links). */
    static String withCheckDigit(String first8) {
        int[] w = {3, 7, 1};
        int sum = 0;
        for (int i = 0; i < 8; i++) {
            sum += (first8.charAt(i) - '0') * w[i % 3];
        }
        return first8 + ((10 - sum % 10) % 10);
    }
}
