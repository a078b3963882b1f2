package dev.crater.registration;

import com.fasterxml.jackson.databind.JsonNode;
import dev.crater.companies.Company;
import dev.crater.crypto.Secrets;
import dev.crater.http.ApiError;
import dev.crater.http.ApiException;
import dev.crater.http.Envelope;
import dev.crater.notify.Mail;
import dev.crater.notify.Mailer;
import dev.crater.users.User;
import dev.crater.users.UserInfoModel;
import dev.crater.users.UserProfile;
import dev.crater.users.UserService;
import java.net.URI;
import java.time.Duration;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;
import org.jdbi.v3.core.JdbiException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Self-service registration (reference 02-users.md §1): the company's schema, and registering a user
 * who stays disabled until they send back the token e-mailed to them. The company's password policy,
 * the common-password list and the PIN rules apply as for every user ({@link UserService#create}).
 *
 * <p>An e-mail address a user of the company already has is not refused (the answer would tell who
 * is a customer): the registration succeeds as any other, and the mail to that address says that it
 * already has an account, which login(s), and how to confirm the new one only if that is wanted. A
 * login that is taken is the documented 409 ("User with specified login already exists"): a sign-up
 * form must be able to say the name is taken, and the docs define that error.
 */
public final class RegistrationService {
    private static final Logger LOG = LoggerFactory.getLogger(RegistrationService.class);
    /** How long a registration's confirmation token works. */
    public static final Duration CONFIRMATION_TTL = Duration.ofDays(7);
    /** Logins the "you already have an account" mail names at most. */
    static final int LOGINS_NAMED_MAX = 5;
    /** Longest company host name (DNS). */
    public static final int HOSTNAME_CHARS_MAX = 253;
    /** Longest confirmation token read (a real one is 43 characters). */
    static final int TOKEN_CHARS_MAX = 100;
    /** The documented message of an invalid e-mail address. */
    static final String EMAIL_INVALID = "Provided value is not a valid email address.";
    static final String LOGIN_TAKEN = "User with specified login already exists";
    static final String EMAIL_IS_LOGIN = "Email is equal to existing user Login";
    private static final Pattern HOSTNAME = Pattern.compile("[A-Za-z0-9]([A-Za-z0-9-]{0,62})(\\.[A-Za-z0-9]([A-Za-z0-9-]{0,62}))*(:[0-9]{1,5})?");
    private static final Pattern EMAIL = Pattern.compile("[^@\\s]{1,64}@[^@\\s]+\\.[^@\\s]+");

    private final RegistrationStore store;
    private final UserService users;
    private final Mailer mailer;
    private final InstantSource clock;

    public RegistrationService(RegistrationStore store, UserService users, Mailer mailer, InstantSource clock) {
        this.store = store;
        this.users = users;
        this.mailer = mailer;
        this.clock = clock;
    }

    public RegistrationSchema schema(long companyId) {
        return RegistrationSchema.parse(store.settings(companyId).fields());
    }

    public RegistrationStore.Settings settings(long companyId) {
        return store.settings(companyId);
    }

    /** Sets the company's schema (operators). */
    public void setSchema(long companyId, RegistrationSchema schema) {
        RegistrationStore.Settings s = store.settings(companyId);
        store.setSettings(companyId, new RegistrationStore.Settings(s.hostname(), schema.settings()), clock.millis());
    }

    /**
     * Sets the host the {@code origin} of a registration must name (operators); blank closes registration.
     *
     * @throws IllegalArgumentException for a text that is not a host name (with an optional port)
     */
    public void setHostname(long companyId, String hostname) {
        String h = hostname == null || hostname.isBlank() ? null : hostname.trim().toLowerCase(Locale.ROOT);
        if (h != null && (h.length() > HOSTNAME_CHARS_MAX || !HOSTNAME.matcher(h).matches())) {
            throw new IllegalArgumentException("the hostname is a DNS name such as app.broker.example"
                    + " (optionally with :port), at most " + HOSTNAME_CHARS_MAX + " characters");
        }
        RegistrationStore.Settings s = store.settings(companyId);
        store.setSettings(companyId, new RegistrationStore.Settings(h, s.fields()), clock.millis());
    }

    /**
     * Whether {@code origin} names {@code hostname}: the host itself, or a browser's origin
     * ({@code https://host[:port]}) whose host (and port, if the hostname has one) are it; any case.
     */
    static boolean originMatches(String origin, String hostname) {
        if (origin == null || origin.isBlank() || hostname == null) {
            return false;
        }
        String o = origin.trim().toLowerCase(Locale.ROOT);
        if (o.equals(hostname)) {
            return true;
        }
        try {
            URI uri = new URI(o);
            if (uri.getHost() == null || uri.getScheme() == null
                    || !(uri.getScheme().equals("https") || uri.getScheme().equals("http"))) {
                return false;
            }
            String host = uri.getHost();
            return hostname.contains(":") ? (host + ":" + uri.getPort()).equals(hostname) : host.equals(hostname);
        } catch (java.net.URISyntaxException e) {
            return false;
        }
    }

    /** The refusals of a registration: the documented 409 envelope with every problem found. */
    private static ApiException refused(List<String> errors, List<String> codes) {
        return new ApiException(409, new Envelope(null, List.copyOf(errors), List.copyOf(codes), 409, false));
    }

    /** The values a registration gives, by catalogue key; blank ones absent. */
    private static Map<String, String> values(JsonNode body, RegistrationSchema schema, List<String> errors,
            List<String> codes) {
        Map<String, String> out = new LinkedHashMap<>();
        for (RegistrationSchema.Def d : RegistrationSchema.CATALOGUE) {
            RegistrationSchema.State state = schema.state(d.key());
            if (state == RegistrationSchema.State.OFF) {
                continue;
            }
            JsonNode v = field(field(body, d.unit()), d.name());
            String text = null;
            if (v != null && !v.isNull()) {
                if (v.isTextual() || v.isNumber()) {
                    text = v.asText().trim();
                } else {
                    errors.add(d.name() + " must be a string.");
                    codes.add("InvalidValue");
                    continue;
                }
            }
            if (text == null || text.isEmpty()) {
                if (state == RegistrationSchema.State.REQUIRED) {
                    errors.add(d.name() + " is required.");
                    codes.add("RequiredFieldMissing");
                }
                continue;
            }
            out.put(d.key(), text);
        }
        return out;
    }

    private static JsonNode field(JsonNode node, String name) {
        if (node == null || !node.isObject()) {
            return null;
        }
        for (Map.Entry<String, JsonNode> e : node.properties()) {
            if (e.getKey().equalsIgnoreCase(name)) {
                return e.getValue();
            }
        }
        return null;
    }

    private static void length(Map<String, String> v, String key, int max, List<String> errors, List<String> codes) {
        String t = v.get(key);
        if (t != null && t.length() > max) {
            errors.add(key.substring(key.indexOf('.') + 1) + " must be at most " + max + " characters.");
            codes.add("InvalidValue");
        }
    }

    private static <E extends Enum<E>> E choice(Map<String, String> v, String key, Class<E> type, E none,
            List<String> errors, List<String> codes) {
        String t = v.get(key);
        if (t == null) {
            return none;
        }
        E[] all = type.getEnumConstants();
        for (E e : all) {
            if (e.name().equalsIgnoreCase(t)) {
                return e;
            }
        }
        if (t.matches("[0-9]{1,3}") && Integer.parseInt(t) < all.length) {
            return all[Integer.parseInt(t)];
        }
        errors.add(key.substring(key.indexOf('.') + 1) + " must be one of its Options.");
        codes.add("InvalidValue");
        return none;
    }

    /**
     * {@code POST /registration/}: registers a user of {@code company}, disabled until confirmed.
     *
     * @throws ApiException 403 when the company takes no registrations or {@code origin} is not its host;
     *                      the documented 409 envelope listing every problem of the request
     */
    public UserInfoModel register(Company company, String origin, JsonNode body) {
        RegistrationStore.Settings settings = store.settings(company.id());
        if (settings.hostname() == null) {
            throw new ApiException(403, new ApiError.Message("Registration is not open for this application."));
        }
        if (!originMatches(origin, settings.hostname())) {
            throw new ApiException(403, new ApiError.Message("The origin header does not name this company's host."));
        }
        if (!body.isObject()) {
            throw refused(List.of("The registration request must be a JSON object of units."), List.of("InvalidValue"));
        }
        RegistrationSchema schema = RegistrationSchema.parse(settings.fields());
        List<String> errors = new ArrayList<>();
        List<String> codes = new ArrayList<>();
        Map<String, String> v = values(body, schema, errors, codes);
        length(v, "Name.FirstName", UserService.NAME_CHARS_MAX, errors, codes);
        length(v, "Name.LastName", UserService.NAME_CHARS_MAX, errors, codes);
        length(v, "Name.MiddleName", UserService.NAME_CHARS_MAX, errors, codes);
        length(v, "Address.StreetAddress1", UserProfile.STREET_CHARS_MAX, errors, codes);
        length(v, "Address.StreetAddress2", UserProfile.STREET_CHARS_MAX, errors, codes);
        length(v, "Address.City", UserProfile.CITY_CHARS_MAX, errors, codes);
        length(v, "Address.PostalCode", UserProfile.POSTAL_CODE_CHARS_MAX, errors, codes);
        User.Suffix suffix = choice(v, "Name.Suffix", User.Suffix.class, User.Suffix.NoSuffix, errors, codes);
        User.Salutation salutation = choice(v, "Name.Salutation", User.Salutation.class, User.Salutation.NoSalutation,
                errors, codes);
        String login = v.get("Credentials.Login");
        String email = v.get("Credentials.Email");
        if (email != null && (email.length() > UserService.EMAIL_CHARS_MAX || !EMAIL.matcher(email).matches())) {
            errors.add(EMAIL_INVALID);
            codes.add("InvalidEmail");
        }
        if (login != null && store.loginExists(company.id(), login)) {
            errors.add(LOGIN_TAKEN);
            codes.add("LoginAlreadyExists");
        }
        if (email != null && store.loginExists(company.id(), email)) {
            errors.add(EMAIL_IS_LOGIN);
            codes.add("EmailIsExistingLogin");
        }
        String password = v.get("Credentials.Password");
        if (password != null && login != null) {
            String problem = users.passwordProblem(company.id(), login, password);
            if (problem != null) {
                errors.add(problem);
                codes.add("PasswordPolicy");
            }
        }
        if (!errors.isEmpty()) {
            throw refused(errors, codes);
        }
        List<String> sameEmail = store.loginsByEmail(company.id(), email, LOGINS_NAMED_MAX);
        User user;
        try {
            user = users.create(new UserService.NewUser(company.id(), login, password, email, null,
                    v.get("Credentials.PinCode"), User.TwoFactorMethod.NONE, v.get("Name.FirstName"),
                    v.get("Name.LastName")), false);
        } catch (IllegalArgumentException e) {
            throw refused(List.of(capitalised(e.getMessage())), List.of("InvalidValue"));
        } catch (JdbiException e) {
            if (store.loginExists(company.id(), login)) {   // registered at the same moment by another request
                throw refused(List.of(LOGIN_TAKEN), List.of("LoginAlreadyExists"));
            }
            throw e;
        }
        users.patch(user, new UserService.PatchUserModel(
                address(v), null, null, v.getOrDefault("Name.MiddleName", ""), salutation, suffix, null),
                "registrationRequest");
        user = users.fresh(user.id()).orElseThrow();
        String token = Secrets.newToken();
        long now = clock.millis();
        store.insert(user.id(), Secrets.sha256(token), now, now + CONFIRMATION_TTL.toMillis());
        Mail mail = sameEmail.isEmpty() ? welcome(company, user, token) : alreadyRegistered(company, user, sameEmail, token);
        try {
            mailer.send(mail);
        } catch (Mailer.DeliveryException e) {
            LOG.warn("registration mail for user {} not delivered: {}", user.id(), e.getMessage());
        }
        return UserInfoModel.of(user);
    }

    private static UserService.PatchUserAddress address(Map<String, String> v) {
        if (v.keySet().stream().noneMatch(k -> k.startsWith("Address."))) {
            return null;
        }
        return new UserService.PatchUserAddress(v.get("Address.City"), null, v.get("Address.PostalCode"), null,
                v.get("Address.StreetAddress1"), v.get("Address.StreetAddress2"));
    }

    private static String capitalised(String s) {
        return s.isEmpty() ? s : Character.toUpperCase(s.charAt(0)) + s.substring(1) + (s.endsWith(".") ? "" : ".");
    }

    private String confirmHow(String token) {
        return "Your confirmation token: " + token + "\n"
                + "Your app sends it to POST /api/v1.0/registration/confirm as {\"Token\": \"…\"}.\n"
                + "It works once, for " + CONFIRMATION_TTL.toDays() + " days.\n";
    }

    Mail welcome(Company company, User user, String token) {
        return new Mail(user.email(), company.name() + ": confirm your e-mail address",
                "Welcome to " + company.name() + ", " + user.firstName() + ".\n"
                        + "Confirm this address to log in as " + user.username() + ".\n"
                        + confirmHow(token)
                        + "If you did not register, ignore this message: the login stays unusable.");
    }

    Mail alreadyRegistered(Company company, User user, List<String> logins, String token) {
        return new Mail(user.email(), company.name() + ": you already have an account",
                "Someone, perhaps you, registered the login " + user.username() + " at " + company.name()
                        + " with this address.\n"
                        + "This address already has an account: " + String.join(", ", logins) + ".\n"
                        + "Forgot its password? Use the app's password reset instead of registering again.\n"
                        + "Only if you do want the new login " + user.username() + " as well, confirm it:\n"
                        + confirmHow(token)
                        + "Otherwise ignore this message: the new login stays unusable.");
    }

    /**
     * Confirms a registration with its e-mailed token: enables the user, once.
     *
     * @return the confirmed user
     * @throws ApiException the 409 envelope for an unknown, used or expired token, or another company's
     */
    public User confirm(Company company, String token) {
        ApiException invalid = Envelope.error(409, "InvalidToken", "The confirmation token is not valid (unknown, used or expired).");
        if (token == null || token.isBlank() || token.length() > TOKEN_CHARS_MAX) {
            throw invalid;
        }
        Optional<Long> id = store.confirm(company.id(), Secrets.sha256(token.trim()), clock.millis());
        if (id.isEmpty()) {
            throw invalid;
        }
        users.setEnabled(id.get(), true);
        return users.fresh(id.get()).orElseThrow(() -> invalid);
    }

    public Optional<RegistrationStore.Registration> registrationOf(long userId) {
        return store.byUser(userId);
    }
}
