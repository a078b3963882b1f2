package dev.crater.users;

import dev.crater.common.Refusal;
import dev.crater.companies.CompanyPolicy;
import dev.crater.companies.CompanyService;
import dev.crater.crypto.PasswordHasher;
import dev.crater.store.ReadCache;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.DateTimeException;
import java.time.InstantSource;
import java.time.ZoneId;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.TreeMap;
import java.util.function.LongConsumer;
import java.util.regex.Pattern;

/** Creating, finding and disabling users. */
public final class UserService {
    /** Who hears of each user changed through this process (another node's caches); must not block. */
    private volatile LongConsumer peers = id -> {
    };
    public static final int USERNAME_CHARS_MAX = 100;
    public static final int EMAIL_CHARS_MAX = 254;
    public static final int NAME_CHARS_MAX = 100;
    /** Longest password accepted: long passphrases are welcome, unbounded input is not. */
    public static final int PASSWORD_CHARS_MAX = 256;
    public static final int PIN_DIGITS_MIN = 4;
    public static final int PIN_DIGITS_MAX = 8;
    static final long CACHE_REVALIDATE_MS = 5_000;
    static final int CACHE_ENTRIES_MAX = 100_000;

    private static final Pattern USERNAME = Pattern.compile("[A-Za-z0-9._@+-]{1," + USERNAME_CHARS_MAX + "}");
    private static final Pattern EMAIL = Pattern.compile("[^@\\s]{1,64}@[^@\\s]+\\.[^@\\s]+");
    private static final Pattern E164 = Pattern.compile("\\+[1-9][0-9]{6,14}");
    private static final Pattern PIN = Pattern.compile("[0-9]{" + PIN_DIGITS_MIN + "," + PIN_DIGITS_MAX + "}");

    private final UserStore store;
    private final PasswordHasher hasher;
    private final CompanyService companies;
    private final PasswordPolicy passwords;
    private final InstantSource clock;
    private final ReadCache<Long, User> byId;

    public UserService(UserStore store, PasswordHasher hasher, CompanyService companies, PasswordPolicy passwords,
                       InstantSource clock) {
        this.store = store;
        this.hasher = hasher;
        this.companies = companies;
        this.passwords = passwords;
        this.clock = clock;
        this.byId = new ReadCache<>(store::byId, clock, CACHE_REVALIDATE_MS, CACHE_ENTRIES_MAX);
    }

    /** What an operator supplies to create a user. Plaintext secrets live only in this record. */
    public record NewUser(long companyId, String username, String password, String email, String phone,
                          String pin, User.TwoFactorMethod twoFactor, String firstName, String lastName,
                          String totpSecretSealed) {
        public NewUser(long companyId, String username, String password, String email, String phone,
                       String pin, User.TwoFactorMethod twoFactor, String firstName, String lastName) {
            this(companyId, username, password, email, phone, pin, twoFactor, firstName, lastName, null);
        }
    }

    /**
     * Validates and creates a user, hashing the password and PIN.
     *
     * @return the stored user
     * @throws IllegalArgumentException naming the first field that is invalid or taken
     */
    public User create(NewUser n) {
        return create(n, true);
    }

    /**
     * As {@link #create(NewUser)}; {@code enabled} false stores the user disabled (a self-registered
     * user waiting for the e-mailed confirmation), so no login can use it before it is enabled.
     */
    public User create(NewUser n, boolean enabled) {
        if (n.username() == null || !USERNAME.matcher(n.username().trim()).matches()) {
            throw new IllegalArgumentException("username must be 1.." + USERNAME_CHARS_MAX
                    + " characters of letters, digits and . _ @ + -");
        }
        CompanyPolicy policy = companies.policy(n.companyId());
        if (n.password() == null || n.password().length() < policy.passwordMinLength()
                || n.password().length() > PASSWORD_CHARS_MAX) {
            throw new IllegalArgumentException("password must be " + policy.passwordMinLength() + ".." + PASSWORD_CHARS_MAX + " characters");
        }
        String passwordProblem = passwords.problem(n.password(), n.username(), policy);
        if (passwordProblem != null) {
            throw new IllegalArgumentException(passwordProblem);
        }
        if (n.email() == null || n.email().length() > EMAIL_CHARS_MAX || !EMAIL.matcher(n.email().trim()).matches()) {
            throw new IllegalArgumentException("email must be a valid address");
        }
        String phone = n.phone() == null || n.phone().isBlank() ? null : n.phone().trim();
        if (phone != null && !E164.matcher(phone).matches()) {
            throw new IllegalArgumentException("phone must be in E.164 form, e.g. +13105550100");
        }
        String pin = n.pin() == null || n.pin().isBlank() ? null : n.pin().trim();
        if (pin != null && !PIN.matcher(pin).matches()) {
            throw new IllegalArgumentException("PIN must be " + PIN_DIGITS_MIN + " to " + PIN_DIGITS_MAX + " digits");
        }
        String first = nameOr(n.firstName(), n.username().trim());
        String last = nameOr(n.lastName(), "");
        if (store.byUsername(n.companyId(), n.username()).isPresent()) {
            throw new IllegalArgumentException("username '" + n.username().trim() + "' is already taken in this company");
        }
        User.TwoFactorMethod method = n.twoFactor() == null ? User.TwoFactorMethod.NONE : n.twoFactor();
        if (method == User.TwoFactorMethod.SMS && phone == null) {
            throw new IllegalArgumentException("two-factor sms needs a phone number");
        }
        if (method == User.TwoFactorMethod.TOTP && n.totpSecretSealed() == null) {
            throw new IllegalArgumentException("two-factor totp needs an enrolled authenticator secret");
        }
        // A number given by the operator is trusted as bound; users bind theirs with an SMS code.
        // New users start with no failures, no lock, the password set now and no revoked tokens.
        User user = new User(0, n.companyId(), n.username().trim(), n.email().trim(), phone,
                phone == null ? User.PhoneState.NotLinked : User.PhoneState.Active, first, "", last,
                User.Salutation.NoSalutation, User.Suffix.NoSuffix,
                hasher.hash(n.password()), pin == null ? null : hasher.hash(pin),
                method, enabled, clock.millis(), n.totpSecretSealed(), 0, 0, 0, false, clock.millis(), 0);
        return store.insert(user);
    }

    private static String nameOr(String name, String fallback) {
        String v = name == null || name.isBlank() ? fallback : name.trim();
        if (v.length() > NAME_CHARS_MAX) {
            throw new IllegalArgumentException("names must be at most " + NAME_CHARS_MAX + " characters");
        }
        return v;
    }

    /** The user with this id, from a cache revalidated every few seconds. */
    public Optional<User> byId(long id) {
        return byId.get(id);
    }

    /** The user of this company with this username (case-insensitive), read from the store. */
    public Optional<User> byUsername(long companyId, String username) {
        if (username == null || username.isBlank() || username.length() > USERNAME_CHARS_MAX) {
            return Optional.empty();
        }
        return store.byUsername(companyId, username);
    }

    public List<User> all() {
        return store.all();
    }

    /** Validates an E.164 phone number such as {@code +13105550100}. */
    public static boolean isE164(String phone) {
        return phone != null && E164.matcher(phone).matches();
    }

    public void setTwoFactor(long id, User.TwoFactorMethod method) {
        store.setTwoFactor(id, method);
        changed(id);
    }

    public void setPhone(long id, String phone, User.PhoneState state) {
        store.setPhone(id, phone, state);
        changed(id);
    }

    public void setTotpSecret(long id, String sealed) {
        store.setTotpSecret(id, sealed);
        changed(id);
    }

    /** See {@link UserStore#useTotpStep}. */
    public boolean useTotpStep(long id, long step) {
        boolean fresh = store.useTotpStep(id, step);
        changed(id);
        return fresh;
    }

    /**
     * Enables or disables a user. Disabling revokes every token: they stop working at once on this
     * node and within the cache revalidation interval on others.
     */
    public boolean setEnabled(long id, boolean enabled) {
        boolean changed = store.setEnabled(id, enabled);
        if (!enabled) {
            store.revokeTokens(id);
        }
        changed(id);
        return changed;
    }

    /** The first reason {@code password} is not acceptable for {@code user}, or null. */
    public String passwordProblem(User user, String password) {
        return passwords.problem(password, user.username(), companies.policy(user.companyId()));
    }

    /**
     * The first reason {@code password} is not acceptable for a new user {@code username} of the
     * company (its length and policy, the common-password list), or null.
     */
    public String passwordProblem(long companyId, String username, String password) {
        return passwords.problem(password, username, companies.policy(companyId));
    }

    /**
     * Sets a new password (already checked with {@link #passwordProblem}) and voids every token
     * the user holds.
     */
    public void setPassword(long id, String password) {
        store.setPassword(id, hasher.hash(password), clock.millis());
        changed(id);
    }

    public void setPin(long id, String pin, String image, String phrase) {
        if (pin == null || !PIN.matcher(pin).matches()) {
            throw new IllegalArgumentException("PIN must be " + PIN_DIGITS_MIN + " to " + PIN_DIGITS_MAX + " digits");
        }
        store.setPin(id, hasher.hash(pin), image, phrase);
        changed(id);
    }

    /**
     * Removes the user's PIN. Under a PIN-required policy the next login answers "PIN code is not
     * init" with a set-up token; otherwise the user logs in without one until they set one.
     */
    public void clearPin(long id) {
        store.clearPin(id);
        changed(id);
    }

    /** The spec's {@code PatchUserModel}: every property optional; an absent or null one is left as it is. */
    public record PatchUserModel(PatchUserAddress address, String firstName, String lastName, String middle,
            User.Salutation salutation, User.Suffix suffix, String timeZoneInfoId) {
    }

    /** The spec's {@code PatchUserAddress}; an empty text clears its part. */
    public record PatchUserAddress(String city, Integer countryId, String postalCode, Integer state,
            String streetAddress1, String streetAddress2) {
    }

    /** What the user set about themselves beyond their names. */
    public UserProfile profile(long id) {
        return store.profile(id);
    }

    /**
     * Applies a PatchUserModel to the user: names (first and last never blank), salutation, suffix,
     * address and time zone (an IANA zone id such as {@code America/New_York}).
     *
     * @param arg the ModelState key of the body
     * @return the user as stored now, and their profile
     * @throws Refusal.Invalid naming the first field that is invalid
     */
    public UserModel patch(User user, PatchUserModel patch, String arg) {
        String first = name(patch.firstName(), user.firstName(), arg + ".FirstName", true);
        String last = name(patch.lastName(), user.lastName(), arg + ".LastName", true);
        String middle = name(patch.middle(), user.middleName(), arg + ".Middle", false);
        UserProfile was = store.profile(user.id());
        PatchUserAddress a = patch.address();
        String address = arg + ".Address.";
        UserProfile now = new UserProfile(
                part(a == null ? null : a.streetAddress1(), was.streetAddress1(), address + "StreetAddress1",
                        UserProfile.STREET_CHARS_MAX),
                part(a == null ? null : a.streetAddress2(), was.streetAddress2(), address + "StreetAddress2",
                        UserProfile.STREET_CHARS_MAX),
                part(a == null ? null : a.city(), was.city(), address + "City", UserProfile.CITY_CHARS_MAX),
                code(a == null ? null : a.state(), was.state(), address + "State"),
                part(a == null ? null : a.postalCode(), was.postalCode(), address + "PostalCode",
                        UserProfile.POSTAL_CODE_CHARS_MAX),
                code(a == null ? null : a.countryId(), was.countryId(), address + "CountryId"),
                timeZone(patch.timeZoneInfoId(), was.timeZone(), arg + ".TimeZoneInfoId"));
        store.updateProfile(user.id(), first, middle, last,
                patch.salutation() == null ? user.salutation() : patch.salutation(),
                patch.suffix() == null ? user.suffix() : patch.suffix(), now, clock.millis());
        changed(user.id());
        User stored = store.byId(user.id()).orElseThrow();
        return UserModel.of(stored, now);
    }

    private static String name(String given, String was, String key, boolean required) {
        if (given == null) {
            return was;
        }
        String t = given.trim();
        if ((required && t.isEmpty()) || t.length() > NAME_CHARS_MAX) {
            throw Refusal.invalid(key, (required ? "Required, at most " : "At most ") + NAME_CHARS_MAX + " characters.");
        }
        return t;
    }

    private static String part(String given, String was, String key, int max) {
        if (given == null) {
            return was;
        }
        String t = given.trim();
        if (t.length() > max) {
            throw Refusal.invalid(key, "At most " + max + " characters.");
        }
        return t.isEmpty() ? null : t;
    }

    private static Integer code(Integer given, Integer was, String key) {
        if (given == null) {
            return was;
        }
        if (given < 0) {
            throw Refusal.invalid(key, "A code is 0 or more.");
        }
        return given;
    }

    /** Windows time-zone ids (.NET's TimeZoneInfo.Id) accepted as TimeZoneInfoId, and their IANA zones. */
    static final Map<String, ZoneId> WINDOWS_ZONES = windowsZones();

    private static Map<String, ZoneId> windowsZones() {
        Properties p = new Properties();
        try (InputStream in = UserService.class.getResourceAsStream("/timezones/windows-zones.properties")) {
            if (in == null) {
                throw new IllegalStateException("the Windows time-zone table is missing from the jar");
            }
            p.load(new InputStreamReader(in, StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        Map<String, ZoneId> m = new TreeMap<>();
        p.forEach((k, v) -> m.put((String) k, ZoneId.of((String) v)));
        return Map.copyOf(m);
    }

    /**
     * A TimeZoneInfoId as given: an IANA region id ({@code America/New_York}, or {@code UTC}), stored
     * in its canonical spelling, or a Windows id of {@link #WINDOWS_ZONES} ({@code Eastern Standard
     * Time}), stored as the table spells it.
     */
    private static String timeZone(String given, String was, String key) {
        if (given == null) {
            return was;
        }
        String t = given.trim();
        if (t.isEmpty()) {
            return null;
        }
        for (String windows : WINDOWS_ZONES.keySet()) {
            if (windows.equalsIgnoreCase(t)) {
                return windows;
            }
        }
        String problem = "An IANA time zone id (America/New_York) or a Windows one (Eastern Standard Time) is expected.";
        // Region ids only (and UTC): not offsets such as +02:00, which name no zone's rules.
        if (t.length() > UserProfile.TIME_ZONE_CHARS_MAX || !t.contains("/") && !t.equals("UTC")) {
            throw Refusal.invalid(key, problem);
        }
        try {
            return ZoneId.of(t).getId();
        } catch (DateTimeException e) {
            throw Refusal.invalid(key, problem);
        }
    }

    /** True for a PIN of the accepted shape (4-8 digits). */
    public static boolean isPinShaped(String pin) {
        return pin != null && PIN.matcher(pin).matches();
    }

    /** Voids every token the user holds. */
    public void revokeTokens(long id) {
        store.revokeTokens(id);
        changed(id);
    }

    /** See {@link UserStore#recordFailure}. */
    public User recordFailure(User user, CompanyPolicy p) {
        User after = store.recordFailure(user.id(), clock.millis(), p.freeFailures(), p.failureDelaySeconds() * 1000L,
                p.failureDelayMaxSeconds() * 1000L, p.lockAfterFailures());
        changed(user.id());
        return after;
    }

    public void resetFailures(User user) {
        if (user.failedAttempts() > 0 || user.blockedUntilMs() > 0) {
            store.resetFailures(user.id());
            changed(user.id());
        }
    }

    public void unlock(long id) {
        store.unlock(id);
        changed(id);
    }

    /** The user as stored now, bypassing the cache (for decisions that must see other nodes' writes). */
    public Optional<User> fresh(long id) {
        changed(id);
        return byId.get(id);
    }

    /** A user changed through this process: re-read here at once, and told to the other nodes. */
    private void changed(long id) {
        byId.invalidate(id);
        peers.accept(id);
    }

    /** Who is told of each user changed here (the other nodes sharing the store). */
    public void onChanged(LongConsumer listener) {
        this.peers = listener;
    }

    /** Another node changed the user: the next read here goes to the store. */
    public void changedElsewhere(long id) {
        byId.invalidate(id);
    }

    /** Messages from other nodes may have been missed: every user is read from the store again. */
    public void forgetAll() {
        byId.invalidateAll();
    }
}
