package dev.crater.demo;

import dev.crater.Services;
import dev.crater.auth.Totp;
import dev.crater.common.MarginType;
import dev.crater.companies.Company;
import dev.crater.users.User;
import dev.crater.users.UserService;
import java.io.PrintStream;
import java.util.List;
import java.util.Optional;

/**
 * The demo company and its users, created on the first start with an empty store. Their
 * passwords are fixed and printed (and in the README): this is sample data for a sandbox, and
 * {@code --no-demo} keeps it out of a real deployment.
 */
public final class DemoData {
    public static final String COMPANY = "Crater Demo";
    public static final String PASSWORD = "crater-demo-pass";
    public static final String PIN = "1234";
    /** The cash each demo user's paper account starts with. */
    public static final java.math.BigDecimal DEMO_CASH = new java.math.BigDecimal("100000");

    /** One demo user and how it logs in. */
    public record DemoUser(String username, String email, String phone, String pin, User.TwoFactorMethod twoFactor,
                           String note) {
    }

    public static final List<DemoUser> USERS = List.of(
            new DemoUser("demo", "demo@example.com", null, null, User.TwoFactorMethod.NONE, "password only"),
            new DemoUser("demo-pin", "demo-pin@example.com", null, PIN, User.TwoFactorMethod.NONE, "password + PIN " + PIN),
            new DemoUser("demo-2fa", "demo-2fa@example.com", null, null, User.TwoFactorMethod.EMAIL, "password + e-mailed code"),
            new DemoUser("demo-sms", "demo-sms@example.com", "+15555550100", null, User.TwoFactorMethod.SMS,
                    "password + code by SMS to +15555550100"),
            new DemoUser("demo-totp", "demo-totp@example.com", null, null, User.TwoFactorMethod.TOTP,
                    "password + authenticator-app code"));

    private DemoData() {
    }

    /** Creates the demo company and users when the store has no company yet. Returns whether it did. */
    public static boolean createIfEmpty(Services s) {
        if (!s.companies.isEmpty()) {
            return false;
        }
        Company company = s.companies.create(COMPANY);
        s.agreements.addDemoSet(company.id());   // agreements to sign, and registration from a local app
        s.registrations.setHostname(company.id(), "localhost");
        s.appSettings.addDemoAccessTypes(company.id());
        for (DemoUser u : USERS) {
            String sealed = u.twoFactor() == User.TwoFactorMethod.TOTP ? s.secretBox.seal(Totp.newSecret()) : null;
            User created = s.users.create(new UserService.NewUser(company.id(), u.username(), PASSWORD, u.email(),
                    u.phone(), u.pin(), u.twoFactor(), "Demo", u.username(), sealed));
            if (sealed != null) {
                s.recoveryCodes.regenerate(created.id());
            }
            // Every demo user gets a funded paper margin account, as ETNA's demo does ($100,000).
            s.accounts.open(created, MarginType.Margin, DEMO_CASH, java.math.BigDecimal.ZERO,
                    java.math.BigDecimal.ZERO, java.math.BigDecimal.ZERO);
        }
        return true;
    }

    /** Prints how to log in as the demo users, when the demo company exists. */
    public static void printLogin(Services s, String baseUrl, PrintStream out) {
        Optional<Company> company = s.companies.byName(COMPANY);
        if (company.isEmpty()) {
            return;
        }
        String key = company.get().appKey();
        out.println();
        out.println("Demo company '" + COMPANY + "'   Et-App-Key: " + key);
        out.println("Demo users (password for all: " + PASSWORD + "):");
        for (DemoUser u : USERS) {
            out.printf("  %-10s %s%n", u.username(), u.note());
            s.users.byUsername(company.get().id(), u.username())
                    .filter(User::totpEnrolled)
                    .ifPresent(t -> out.println("             authenticator secret: " + s.secretBox.open(t.totpSecretSealed())
                            + "  (" + Totp.uri(s.secretBox.open(t.totpSecretSealed()), COMPANY, t.username()) + ")"));
        }
        out.println();
        out.println("Log in:");
        out.println("  curl -i -X POST " + baseUrl + "token -H 'Et-App-Key: " + key
                + "' -H 'Username: demo' -H 'Password: " + PASSWORD + "' -H 'Content-Length: 0'");
        out.println("Then:");
        out.println("  curl -i " + baseUrl + "v1.0/users/@me/info -H 'Et-App-Key: " + key
                + "' -H 'Authorization: Bearer <Token>'");
        out.println("  curl -i " + baseUrl + "v1.0/users/@me/accounts -H 'Et-App-Key: " + key
                + "' -H 'Authorization: Bearer <Token>'");
        out.println();
    }
}
