package dev.crater.companies;

/**
 * A company's login policy. Protection is on by default: the defaults below apply to every company
 * that has not set its own.
 *
 * @param passwordMinLength      shortest password accepted (8..64; default 12)
 * @param passwordMaxAgeDays     days before a password must be changed; 0 = never (default)
 * @param pinRequired            every user must set a PIN before getting a full token
 * @param freeFailures           consecutive failed login steps before waits start (default 5)
 * @param failureDelaySeconds    wait added for each failure past the free ones (default 60)
 * @param failureDelayMaxSeconds longest wait (default 900)
 * @param lockAfterFailures      consecutive failures that lock the account until an operator
 *                               unlocks it or the owner resets the password (default 100)
 */
public record CompanyPolicy(int passwordMinLength, int passwordMaxAgeDays, boolean pinRequired, int freeFailures,
                            int failureDelaySeconds, int failureDelayMaxSeconds, int lockAfterFailures) {

    public static final int PASSWORD_MIN_LENGTH_FLOOR = 8;
    public static final int PASSWORD_MIN_LENGTH_CEILING = 64;
    public static final int PASSWORD_MAX_AGE_DAYS_MAX = 3650;
    public static final int FAILURE_DELAY_SECONDS_MAX = 86_400;
    public static final int LOCK_AFTER_FAILURES_MAX = 100_000;

    public static final CompanyPolicy DEFAULTS = new CompanyPolicy(12, 0, false, 5, 60, 900, 100);

    public CompanyPolicy {
        check(passwordMinLength >= PASSWORD_MIN_LENGTH_FLOOR && passwordMinLength <= PASSWORD_MIN_LENGTH_CEILING,
                "password minimum length must be " + PASSWORD_MIN_LENGTH_FLOOR + ".." + PASSWORD_MIN_LENGTH_CEILING);
        check(passwordMaxAgeDays >= 0 && passwordMaxAgeDays <= PASSWORD_MAX_AGE_DAYS_MAX,
                "password maximum age must be 0 (off).." + PASSWORD_MAX_AGE_DAYS_MAX + " days");
        check(freeFailures >= 1 && freeFailures < lockAfterFailures, "free failures must be at least 1 and below lock-after");
        check(failureDelaySeconds >= 1 && failureDelaySeconds <= FAILURE_DELAY_SECONDS_MAX,
                "failure delay must be 1.." + FAILURE_DELAY_SECONDS_MAX + " seconds");
        check(failureDelayMaxSeconds >= failureDelaySeconds && failureDelayMaxSeconds <= FAILURE_DELAY_SECONDS_MAX,
                "maximum failure delay must be between the failure delay and " + FAILURE_DELAY_SECONDS_MAX + " seconds");
        check(lockAfterFailures <= LOCK_AFTER_FAILURES_MAX, "lock-after must be at most " + LOCK_AFTER_FAILURES_MAX);
    }

    private static void check(boolean ok, String message) {
        if (!ok) {
            throw new IllegalArgumentException(message);
        }
    }

    public boolean passwordExpired(long passwordChangedAtMs, long nowMs) {
        return passwordMaxAgeDays > 0 && nowMs - passwordChangedAtMs >= passwordMaxAgeDays * 86_400_000L;
    }
}
