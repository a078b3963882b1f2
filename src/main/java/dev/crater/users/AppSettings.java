package dev.crater.users;

import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.LongPredicate;
import java.util.stream.Stream;
import java.util.regex.Pattern;
import org.jdbi.v3.core.Jdbi;

/**
 * What operators configure for a company's apps: the mobile-app settings (reference 02-users.md §2
 * #4; {@code mobile_settings}) and the UI entitlements of the access settings (§5; {@code access_types}).
 */
public final class AppSettings {
    /** The documented access categories. */
    public static final List<String> CATEGORIES = List.of("ClientsAccess", "DisplayType", "Exchange", "GridColumns",
            "Indicator", "IndicatorOptions", "Options", "Theme", "Timeframe", "Widget");
    /** The documented OptionsType values ({@code checkBox} as the docs' example spells it). */
    public static final List<String> OPTIONS_TYPES = List.of("input", "spinner", "checkBox");
    public static final int NAME_CHARS_MAX = 100;
    public static final int VALUE_CHARS_MAX = 4000;
    public static final int DESCRIPTION_CHARS_MAX = 200;
    /** Settings or access types one company may have. */
    public static final int PER_COMPANY_MAX = 500;
    private static final Pattern NAME = Pattern.compile("[A-Za-z][A-Za-z0-9_]{0," + (NAME_CHARS_MAX - 1) + "}");

    /**
     * The documented mobile settings (reference 02 §2 #4) an operator has not changed. {@code enableSignUpButton}
     * follows whether the company takes registrations, {@code PinEnabled} its PIN policy.
     */
    static final Map<String, String> MOBILE_DEFAULTS = mobileDefaults();

    private static Map<String, String> mobileDefaults() {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("accountOpeningHTML", "");
        m.put("compatibleAndroidVersionCode", "59");
        m.put("compatibleIOSVersion", "2.33.3");
        m.put("defaultLoginMode", "1");
        m.put("defaultOrdersPageSize", "15");
        m.put("enableAddAccountButton", "1");
        m.put("enableFundAccountButton", "1");
        m.put("enablePaperTradingBanner", "1");
        m.put("enableSeparateOptionTradeButton", "0");
        m.put("enableSignUpButton", "0");
        m.put("enableTouchID", "1");
        m.put("enableTrailingOrders", "1");
        m.put("recoverButtonSettings", "{\"environments\":[1,1]}");
        m.put("signUpButtonSettings", "{\"environments\":[1,1]}");
        m.put("tryDemoButtonSettings", "{\"environments\":[1,1]}");
        m.put("securitySubscriptionType", "0");
        m.put("tradeButtonAppearanceType", "1");
        m.put("maxNumberOrderLegs", "4");
        return Collections.unmodifiableMap(m);
    }

    /** One access type: the documented item of {@code GET /access-types/{category}/allowed}. */
    @JsonPropertyOrder({"Id", "Name", "Category", "Description", "Options", "OptionsType"})
    public record AccessType(long id, String name, String category, String description, String options,
                             String optionsType) {
    }

    /** The category of the user's own entitlements (the ProTrader group's {@link ProTraderGroup#ACCESS_NAME}). */
    static final String USER_CATEGORY = "ClientsAccess";
    /** The Id of the ProTrader-group entry (not an operator-set access type: those have positive ids). */
    public static final long PRO_TRADER_ACCESS_ID = 0;

    private final Jdbi jdbi;
    private final LongPredicate registrationOpen;
    private final LongPredicate pinRequired;
    private final LongPredicate proTrader;

    /**
     * @param registrationOpen whether a company takes registrations (its sign-up button)
     * @param pinRequired      whether a company's policy requires a PIN ({@code PinEnabled})
     * @param proTrader        whether a user is in their company's ProTrader group
     */
    public AppSettings(Jdbi jdbi, LongPredicate registrationOpen, LongPredicate pinRequired, LongPredicate proTrader) {
        this.jdbi = jdbi;
        this.registrationOpen = registrationOpen;
        this.pinRequired = pinRequired;
        this.proTrader = proTrader;
    }

    /** The documented {@code {"Settings": {...}}}: the defaults, then the company's own keys; PinEnabled a boolean. */
    public Map<String, Object> mobile(long companyId) {
        Map<String, Object> settings = new LinkedHashMap<>(MOBILE_DEFAULTS);
        settings.put("enableSignUpButton", registrationOpen.test(companyId) ? "1" : "0");
        jdbi.useHandle(h -> h.createQuery("SELECT name, value FROM mobile_settings WHERE company_id = :c ORDER BY name")
                .bind("c", companyId)
                .map((rs, ctx) -> Map.entry(rs.getString("name"), rs.getString("value")))
                .forEach(e -> settings.put(e.getKey(), e.getValue())));
        settings.put("PinEnabled", pinRequired.test(companyId));
        return Map.of("Settings", settings);
    }

    private static String checkedName(String name) {
        if (name == null || !NAME.matcher(name.trim()).matches()) {
            throw new IllegalArgumentException("a name is a letter then up to " + (NAME_CHARS_MAX - 1)
                    + " letters, digits or _");
        }
        return name.trim();
    }

    private static String checkedValue(String value, int max) {
        if (value == null || value.length() > max) {
            throw new IllegalArgumentException("a value is at most " + max + " characters");
        }
        return value;
    }

    /** Sets one mobile setting (operators); {@code null} removes the company's own value. */
    public void setMobile(long companyId, String name, String value) {
        String n = checkedName(name);
        if (n.equals("PinEnabled")) {
            throw new IllegalArgumentException("PinEnabled follows the company's PIN policy (crater admin company set-policy --pin-required)");
        }
        jdbi.useTransaction(h -> {
            h.createUpdate("DELETE FROM mobile_settings WHERE company_id = :c AND name = :n").bind("c", companyId).bind("n", n).execute();
            if (value != null) {
                int count = h.createQuery("SELECT COUNT(*) FROM mobile_settings WHERE company_id = :c").bind("c", companyId)
                        .mapTo(Integer.class).one();
                if (count >= PER_COMPANY_MAX) {
                    throw new IllegalArgumentException("a company has at most " + PER_COMPANY_MAX + " mobile settings");
                }
                h.createUpdate("INSERT INTO mobile_settings (company_id, name, value) VALUES (:c, :n, :v)")
                        .bind("c", companyId).bind("n", n).bind("v", checkedValue(value, VALUE_CHARS_MAX)).execute();
            }
        });
    }

    /** The documented category of this name (any case), or empty. */
    public static Optional<String> category(String text) {
        return CATEGORIES.stream().filter(c -> c.equalsIgnoreCase(text == null ? "" : text.trim())).findFirst();
    }

    /**
     * The company's access types of a category, by id; {@code description} (exact) and {@code startsWith}
     * (a prefix of the name, any case) narrow them when given.
     */
    public List<AccessType> accessTypes(long companyId, String category, String description, String startsWith) {
        return jdbi.withHandle(h -> h.createQuery("SELECT * FROM access_types WHERE company_id = :c AND category = :k ORDER BY id")
                        .bind("c", companyId).bind("k", category)
                        .map((rs, ctx) -> new AccessType(rs.getLong("id"), rs.getString("name"), rs.getString("category"),
                                rs.getString("description"), rs.getString("options"), rs.getString("options_type")))
                        .list())
                .stream()
                .filter(a -> description == null || a.description().equals(description))
                .filter(a -> startsWith == null || a.name().toLowerCase(Locale.ROOT).startsWith(startsWith.toLowerCase(Locale.ROOT)))
                .toList();
    }

    /**
     * As {@link #accessTypes}, for one user: a member of the company's ProTrader group also has
     * {@code ClientsAccess} {@link ProTraderGroup#ACCESS_NAME} (Options "1"), first; the filters apply to it too.
     */
    public List<AccessType> accessTypes(long companyId, long userId, String category, String description,
            String startsWith) {
        List<AccessType> company = accessTypes(companyId, category, description, startsWith);
        if (!category.equals(USER_CATEGORY) || !proTrader.test(userId)) {
            return company;
        }
        AccessType group = new AccessType(PRO_TRADER_ACCESS_ID, ProTraderGroup.ACCESS_NAME, USER_CATEGORY, "UserGroup",
                "1", "checkBox");
        boolean shown = (description == null || group.description().equals(description))
                && (startsWith == null || group.name().toLowerCase(Locale.ROOT).startsWith(startsWith.toLowerCase(Locale.ROOT)));
        return shown ? Stream.concat(Stream.of(group), company.stream()).toList() : company;
    }

    /** As {@link #accessTypes(long, long, String, String, String)}, as the documented map of name to value ({@code Options}). */
    public Map<String, String> accessValues(long companyId, long userId, String category, String description,
            String startsWith) {
        Map<String, String> out = new LinkedHashMap<>();
        accessTypes(companyId, userId, category, description, startsWith).forEach(a -> out.put(a.name(), a.options()));
        return out;
    }

    /** Adds or replaces an access type (operators). */
    public void setAccessType(long companyId, String category, String name, String description, String options,
            String optionsType) {
        String k = category(category).orElseThrow(() -> new IllegalArgumentException("a category is one of "
                + String.join(", ", CATEGORIES)));
        String n = checkedName(name);
        if (k.equals(USER_CATEGORY) && n.equalsIgnoreCase(ProTraderGroup.ACCESS_NAME)) {
            throw new IllegalArgumentException(USER_CATEGORY + "/" + ProTraderGroup.ACCESS_NAME
                    + " follows the user's ProTrader group (crater admin user pro-trader invite|remove)");
        }
        String d = checkedValue(description == null ? "" : description.trim(), DESCRIPTION_CHARS_MAX);
        String o = checkedValue(options == null ? "" : options, VALUE_CHARS_MAX);
        String t = OPTIONS_TYPES.stream().filter(x -> x.equalsIgnoreCase(optionsType == null ? "" : optionsType.trim()))
                .findFirst().orElseThrow(() -> new IllegalArgumentException("an options type is input, spinner or checkBox"));
        jdbi.useTransaction(h -> {
            int n0 = h.createUpdate("UPDATE access_types SET name = :n, description = :d, options = :o, options_type = :t"
                            + " WHERE company_id = :c AND category = :k AND name_key = :nk")
                    .bind("n", n).bind("d", d).bind("o", o).bind("t", t).bind("c", companyId).bind("k", k)
                    .bind("nk", n.toLowerCase(Locale.ROOT)).execute();
            if (n0 == 0) {
                int count = h.createQuery("SELECT COUNT(*) FROM access_types WHERE company_id = :c").bind("c", companyId)
                        .mapTo(Integer.class).one();
                if (count >= PER_COMPANY_MAX) {
                    throw new IllegalArgumentException("a company has at most " + PER_COMPANY_MAX + " access types");
                }
                h.createUpdate("INSERT INTO access_types (company_id, category, name, name_key, description, options, options_type)"
                                + " VALUES (:c, :k, :n, :nk, :d, :o, :t)")
                        .bind("n", n).bind("d", d).bind("o", o).bind("t", t).bind("c", companyId).bind("k", k)
                        .bind("nk", n.toLowerCase(Locale.ROOT)).execute();
            }
        });
    }

    /** Removes an access type; whether there was one. */
    public boolean removeAccessType(long companyId, String category, String name) {
        String k = category(category).orElseThrow(() -> new IllegalArgumentException("a category is one of "
                + String.join(", ", CATEGORIES)));
        return jdbi.withHandle(h -> h.createUpdate("DELETE FROM access_types WHERE company_id = :c AND category = :k AND name_key = :nk")
                .bind("c", companyId).bind("k", k).bind("nk", name.trim().toLowerCase(Locale.ROOT)).execute()) > 0;
    }

    /** The documented examples (reference 02 §5) as a demo set. */
    public void addDemoAccessTypes(long companyId) {
        setAccessType(companyId, "Options", "AllowDepositWithdrawalDetails", "AccountInfo", "1", "checkBox");
        setAccessType(companyId, "Options", "AllowCommissionsAndFeesDetails", "AccountInfo", "1", "checkBox");
        setAccessType(companyId, "Options", "AllowAccountInfoFooter", "AccountInfo", "1", "checkBox");
        setAccessType(companyId, "Options", "AccountInfoFooter", "AccountInfo", "<span>Paper trading: no real money moves.</span>", "input");
    }
}
