package dev.crater.admin;

import dev.crater.Main;
import dev.crater.Services;
import dev.crater.audit.AuditLog;
import dev.crater.auth.Totp;
import dev.crater.companies.Company;
import dev.crater.companies.CompanyPolicy;
import dev.crater.companies.WireShapes;
import dev.crater.config.CraterConfig;
import dev.crater.http.ClientInfo;
import dev.crater.http.Dates;
import dev.crater.notify.Outbox;
import dev.crater.users.User;
import dev.crater.users.UserService;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code crater admin …}: operator commands that work directly on the store, also while the
 * server runs (the server re-reads cached rows within seconds).
 */
@Command(name = "admin", mixinStandardHelpOptions = true,
        description = "Administer companies, users, accounts, securities, the simulated market and the outbox.",
        subcommands = {AdminCommand.CompanyCommands.class, AdminCommand.UserCommands.class, AdminCommand.OutboxCommand.class,
                AdminCommand.AuditCommand.class, MarketCommands.SecurityCommands.class,
                MarketCommands.MarketCommandGroup.class, AccountCommands.Group.class,
                RegistrationCommands.Group.class, AgreementCommands.Group.class, FeedbackCommands.Group.class,
                AppSettingsCommands.Mobile.class, AppSettingsCommands.Access.class, TransferCommands.Group.class,
                AccountRequestCommands.Group.class, AccountRequestCommands.TransferGroup.class})
public final class AdminCommand implements Runnable {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = "--create-store", scope = CommandLine.ScopeType.INHERIT,
            description = "Create a new, empty store when the data directory has none (without it a missing store is an error).")
    boolean createStore;

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }

    /** Base for command groups: without a subcommand they print their usage. */
    abstract static class Group implements Runnable {
        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Override
        public void run() {
            spec.commandLine().usage(System.out);
        }
    }

    /** Base for leaf commands: opens the store, runs, maps rule violations to exit code 2. */
    abstract static class StoreCommand implements Callable<Integer> {
        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Override
        public final Integer call() {
            CraterConfig config = Main.config(spec);
            if (!config.usesPostgres() && !Files.exists(config.sqliteFile()) && !createStore(spec)) {
                spec.commandLine().getErr().println("error: there is no Crater store at "
                        + config.sqliteFile().toAbsolutePath().normalize() + "\n  Name the server's store with --data-dir DIR"
                        + " (or CRATER_DATA_DIR), or add --create-store to create a new, empty one there.");
                return 2;
            }
            try (Services services = Services.open(config, Main.clock(spec))) {
                int code = run(services);
                if (code == 0 && audited()) {
                    services.audit.record(auditCompanyId, auditUser == null ? null : auditUser.id(),
                            auditUser == null ? null : auditUser.username(), AuditLog.Event.OPERATOR_COMMAND, null,
                            ClientInfo.operator(), commandLine(spec));
                }
                return code;
            } catch (IllegalArgumentException e) {
                spec.commandLine().getErr().println("error: " + e.getMessage());
                return 2;
            }
        }

        abstract int run(Services s);

        /** The company (and user) an audited command acted on, when it names one; set by {@link #run}. */
        Long auditCompanyId;
        User auditUser;

        /**
         * Whether a successful run is written to the audit log as an {@code OPERATOR_COMMAND} (who, what, when).
         * Commands that only read say no; commands that record an event of their own say no too.
         */
        boolean audited() {
            return true;
        }

        void auditUser(User u) {
            auditUser = u;
            auditCompanyId = u.companyId();
        }

        /** Option names whose values are never written down (the audit log holds no secrets). */
        private static final java.util.regex.Pattern SECRET_OPTION =
                java.util.regex.Pattern.compile("--(pin|password|secret|key|token|code)([-=].*)?", java.util.regex.Pattern.CASE_INSENSITIVE);

        /** The command as typed after {@code crater}, secret option values replaced by {@code ***}. */
        static String commandLine(CommandLine.Model.CommandSpec spec) {
            List<String> args = spec.root().commandLine().getParseResult().originalArgs();
            StringBuilder b = new StringBuilder();
            boolean hideNext = false;
            for (String a : args) {
                String shown = a;
                if (hideNext) {
                    shown = "***";
                    hideNext = false;
                } else if (SECRET_OPTION.matcher(a).matches() && !a.equals("--password-stdin")) {
                    int eq = a.indexOf('=');
                    if (eq > 0) {
                        shown = a.substring(0, eq + 1) + "***";
                    } else {
                        hideNext = true;
                    }
                }
                b.append(b.isEmpty() ? "" : " ").append(shown.contains(" ") ? "'" + shown + "'" : shown);
            }
            return b.toString();
        }

        private static boolean createStore(CommandLine.Model.CommandSpec spec) {
            for (CommandLine.Model.CommandSpec c = spec; c != null; c = c.parent()) {
                if (c.userObject() instanceof AdminCommand a) {
                    return a.createStore;
                }
            }
            return false;
        }

        static Company company(Services s, String name) {
            return s.companies.byName(name)
                    .orElseThrow(() -> new IllegalArgumentException("no company named '" + name + "'"));
        }

        static User user(Services s, String companyName, String username) {
            Company c = company(s, companyName);
            return s.users.byUsername(c.id(), username)
                    .orElseThrow(() -> new IllegalArgumentException("no user '" + username + "' in company '" + companyName + "'"));
        }
    }

    /** Base for commands on one user: {@code --company} and {@code --username} name it. */
    abstract static class UserCommand extends StoreCommand {
        @Option(names = "--company", required = true, description = "Company name.")
        String company;
        @Option(names = "--username", required = true)
        String username;

        @Override
        final int run(Services s) {
            User u = user(s, company, username);
            auditUser(u);
            return run(s, u);
        }

        abstract int run(Services s, User u);
    }

    @Command(name = "company", mixinStandardHelpOptions = true,
            description = "Companies, their application keys and their operator keys.",
            subcommands = {CompanyCreate.class, CompanyList.class, CompanySetPolicy.class, CompanySetWireShapes.class,
                    OperatorKeyCommands.Group.class})
    static final class CompanyCommands extends AdminCommand.Group {
    }

    @Command(name = "create", mixinStandardHelpOptions = true, description = "Create a company; prints its Et-App-Key.")
    static final class CompanyCreate extends StoreCommand {
        @Option(names = "--name", required = true, description = "Company name (unique).")
        String name;

        @Override
        int run(Services s) {
            Company c = s.companies.create(name);
            auditCompanyId = c.id();
            System.out.println("Created company " + c.id() + " '" + c.name() + "'");
            System.out.println("Et-App-Key: " + c.appKey());
            return 0;
        }
    }

    @Command(name = "list", mixinStandardHelpOptions = true, description = "List companies with their keys.")
    static final class CompanyList extends StoreCommand {
        @Override
        boolean audited() {
            return false;
        }

        @Override
        int run(Services s) {
            System.out.printf("%-6s %-30s %s%n", "ID", "NAME", "ET-APP-KEY");
            for (Company c : s.companies.all()) {
                System.out.printf("%-6d %-30s %s%n", c.id(), c.name(), c.appKey());
            }
            return 0;
        }
    }

    @Command(name = "set-policy", mixinStandardHelpOptions = true,
            description = "Set a company's login policy; options not given keep their current value. Prints the policy.")
    static final class CompanySetPolicy extends StoreCommand {
        @Option(names = "--name", required = true, description = "Company name.")
        String name;
        @Option(names = "--password-min-length", description = "Shortest password (8..64; default 12).")
        Integer passwordMinLength;
        @Option(names = "--password-max-age-days", description = "Days before a password must be changed; 0 = never (default).")
        Integer passwordMaxAgeDays;
        @Option(names = "--pin-required", arity = "1", description = "true: every user must set a PIN (default false).")
        Boolean pinRequired;
        @Option(names = "--free-failures", description = "Failed steps before waits start (default 5).")
        Integer freeFailures;
        @Option(names = "--failure-delay-seconds", description = "Wait added per further failure (default 60).")
        Integer failureDelaySeconds;
        @Option(names = "--failure-delay-max-seconds", description = "Longest wait (default 900).")
        Integer failureDelayMaxSeconds;
        @Option(names = "--lock-after-failures", description = "Consecutive failures that lock the account (default 100).")
        Integer lockAfterFailures;

        @Override
        int run(Services s) {
            Company c = company(s, name);
            auditCompanyId = c.id();
            CompanyPolicy p = s.companies.policy(c.id());
            CompanyPolicy next = new CompanyPolicy(
                    passwordMinLength != null ? passwordMinLength : p.passwordMinLength(),
                    passwordMaxAgeDays != null ? passwordMaxAgeDays : p.passwordMaxAgeDays(),
                    pinRequired != null ? pinRequired : p.pinRequired(),
                    freeFailures != null ? freeFailures : p.freeFailures(),
                    failureDelaySeconds != null ? failureDelaySeconds : p.failureDelaySeconds(),
                    failureDelayMaxSeconds != null ? failureDelayMaxSeconds : p.failureDelayMaxSeconds(),
                    lockAfterFailures != null ? lockAfterFailures : p.lockAfterFailures());
            s.companies.setPolicy(c.id(), next);
            System.out.println("Policy of '" + c.name() + "':");
            System.out.printf("  %-28s %d%n", "password min length", next.passwordMinLength());
            System.out.printf("  %-28s %s%n", "password max age (days)", next.passwordMaxAgeDays() == 0 ? "never"
                    : String.valueOf(next.passwordMaxAgeDays()));
            System.out.printf("  %-28s %s%n", "PIN required", next.pinRequired() ? "yes" : "no");
            System.out.printf("  %-28s %d%n", "free failures", next.freeFailures());
            System.out.printf("  %-28s %d%n", "failure delay (s)", next.failureDelaySeconds());
            System.out.printf("  %-28s %d%n", "failure delay max (s)", next.failureDelayMaxSeconds());
            System.out.printf("  %-28s %d%n", "lock after failures", next.lockAfterFailures());
            return 0;
        }
    }

    @Command(name = "set-wire-shapes", mixinStandardHelpOptions = true,
            description = "Choose the shape of the two answers whose docs and vendor spec differ in kind (the positions"
                    + " list, an account's users): docs (default; arrays, as the docs' examples) or spec (the spec's"
                    + " models, for apps generated from the vendor's specification).")
    static final class CompanySetWireShapes extends StoreCommand {
        @Option(names = "--name", required = true, description = "Company name.")
        String name;
        @Option(names = "--shapes", required = true, description = "docs or spec.")
        String shapes;

        @Override
        int run(Services s) {
            Company c = company(s, name);
            auditCompanyId = c.id();
            WireShapes w = WireShapes.parse(shapes)
                    .orElseThrow(() -> new IllegalArgumentException("--shapes is docs or spec"));
            s.companies.setWireShapes(c.id(), w);
            System.out.println("Wire shapes of '" + c.name() + "': " + w.text());
            return 0;
        }
    }

    @Command(name = "user", mixinStandardHelpOptions = true, description = "Users of a company.",
            subcommands = {UserCreate.class, UserList.class, UserDisable.class, UserEnable.class, UserSetTwoFactor.class,
                    UserUnlock.class, UserResetPin.class, ProTraderCommands.Group.class})
    static final class UserCommands extends AdminCommand.Group {
    }

    @Command(name = "create", mixinStandardHelpOptions = true,
            description = "Create a user. The password is read from standard input (first line).")
    static final class UserCreate extends StoreCommand {
        @Option(names = "--company", required = true, description = "Company name.")
        String company;
        @Option(names = "--username", required = true)
        String username;
        @Option(names = "--password-stdin", required = true, description = "Read the password from standard input.")
        boolean passwordStdin;
        @Option(names = "--email", required = true)
        String email;
        @Option(names = "--phone", description = "Phone number in E.164 form, e.g. +13105550100.")
        String phone;
        @Option(names = "--pin", description = "A 4-8 digit PIN asked for at every login.")
        String pin;
        @Option(names = "--two-factor", defaultValue = "none", description = "none, email or sms (totp: use set-two-factor).")
        String twoFactor;
        @Option(names = "--first-name")
        String firstName;
        @Option(names = "--last-name")
        String lastName;

        @Override
        int run(Services s) {
            Company c = company(s, company);
            String password = readPassword();
            User u = s.users.create(new UserService.NewUser(c.id(), username, password, email, phone, pin,
                    User.TwoFactorMethod.parse(twoFactor), firstName, lastName));
            auditUser(u);
            System.out.println("Created user " + u.id() + " '" + u.username() + "' in '" + c.name() + "'"
                    + (u.hasPin() ? ", PIN set" : "") + ", two-factor " + u.twoFactor().wire());
            return 0;
        }

        private static String readPassword() {
            try {
                BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
                char[] buffer = new char[UserService.PASSWORD_CHARS_MAX + 2];
                int n = in.read(buffer, 0, buffer.length);
                String line = n <= 0 ? "" : new String(buffer, 0, n);
                int eol = line.indexOf('\n');
                line = eol >= 0 ? line.substring(0, eol) : line;
                return line.endsWith("\r") ? line.substring(0, line.length() - 1) : line;
            } catch (IOException e) {
                throw new IllegalArgumentException("cannot read the password from standard input");
            }
        }
    }

    @Command(name = "list", mixinStandardHelpOptions = true, description = "List users.")
    static final class UserList extends StoreCommand {
        @Override
        boolean audited() {
            return false;
        }

        @Override
        int run(Services s) {
            Map<Long, String> companies = s.companies.all().stream()
                    .collect(Collectors.toMap(Company::id, Company::name));
            System.out.printf("%-6s %-20s %-24s %-30s %-5s %-10s %-9s %s%n", "ID", "COMPANY", "USERNAME", "EMAIL", "PIN",
                    "2FA", "STATE", "LOGIN");
            long now = s.clock.millis();
            for (User u : s.users.all()) {
                String login = u.locked() ? "locked (" + u.failedAttempts() + " failures)"
                        : now < u.blockedUntilMs() ? "waiting until " + Dates.iso(u.blockedUntilMs())
                        : u.failedAttempts() > 0 ? u.failedAttempts() + " recent failures" : "ok";
                System.out.printf("%-6d %-20s %-24s %-30s %-5s %-10s %-9s %s%n", u.id(), companies.get(u.companyId()),
                        u.username(), u.email(), u.hasPin() ? "yes" : "no", u.twoFactor().wire(),
                        u.enabled() ? "enabled" : "disabled", login);
            }
            return 0;
        }
    }

    @Command(name = "disable", mixinStandardHelpOptions = true, description = "Disable a user: no login, tokens refused.")
    static final class UserDisable extends UserCommand {
        @Override
        boolean audited() {
            return false;
        }

        @Override
        int run(Services s, User u) {
            s.users.setEnabled(u.id(), false);
            s.audit.record(u.companyId(), u.id(), u.username(), AuditLog.Event.USER_DISABLED, null, ClientInfo.operator(),
                    "all tokens revoked");
            System.out.println("Disabled user " + u.id() + " '" + u.username() + "' and revoked its tokens");
            return 0;
        }
    }

    @Command(name = "enable", mixinStandardHelpOptions = true, description = "Enable a disabled user again.")
    static final class UserEnable extends UserCommand {
        @Override
        boolean audited() {
            return false;
        }

        @Override
        int run(Services s, User u) {
            s.users.setEnabled(u.id(), true);
            s.audit.record(u.companyId(), u.id(), u.username(), AuditLog.Event.USER_ENABLED, null, ClientInfo.operator(), null);
            System.out.println("Enabled user " + u.id() + " '" + u.username() + "'");
            return 0;
        }
    }

    @Command(name = "unlock", mixinStandardHelpOptions = true,
            description = "Lift a lock (or a wait after failed logins) so the user can log in again.")
    static final class UserUnlock extends UserCommand {
        @Override
        boolean audited() {
            return false;
        }

        @Override
        int run(Services s, User u) {
            s.users.unlock(u.id());
            s.audit.record(u.companyId(), u.id(), u.username(), AuditLog.Event.ACCOUNT_UNLOCKED, null, ClientInfo.operator(),
                    "by an operator");
            System.out.println("Unlocked user " + u.id() + " '" + u.username() + "'");
            return 0;
        }
    }

    @Command(name = "reset-pin", mixinStandardHelpOptions = true,
            description = "Remove a user's PIN (forgotten PIN). Where the company requires PINs, the next login asks "
                    + "the user to set a new one.")
    static final class UserResetPin extends UserCommand {
        @Override
        boolean audited() {
            return false;
        }

        @Override
        int run(Services s, User u) {
            s.users.clearPin(u.id());
            s.audit.record(u.companyId(), u.id(), u.username(), AuditLog.Event.PIN_SET, null, ClientInfo.operator(),
                    "PIN removed by an operator");
            System.out.println("Removed the PIN of user " + u.id() + " '" + u.username() + "'");
            return 0;
        }
    }

    @Command(name = "set-two-factor", mixinStandardHelpOptions = true,
            description = "Set a user's two-factor method. totp enrols a new authenticator secret and prints it with "
                    + "ten recovery codes; sms needs a phone number (--phone, or one already bound).")
    static final class UserSetTwoFactor extends UserCommand {
        @Override
        boolean audited() {
            return false;
        }

        @Option(names = "--method", required = true, description = "none, email, sms or totp.")
        String method;
        @Option(names = "--phone", description = "Bind this number (E.164) as verified, for sms.")
        String phone;

        @Override
        int run(Services s, User u) {
            Company c = company(s, company);
            User.TwoFactorMethod m = User.TwoFactorMethod.parse(method);
            if (phone != null) {
                if (!UserService.isE164(phone.trim())) {
                    throw new IllegalArgumentException("phone must be in E.164 form, e.g. +13105550100");
                }
                s.users.setPhone(u.id(), phone.trim(), User.PhoneState.Active);
                u = s.users.byId(u.id()).orElseThrow();
            }
            if (m == User.TwoFactorMethod.SMS && !u.phoneActive()) {
                throw new IllegalArgumentException("sms needs a bound phone number: add --phone +1…");
            }
            if (m == User.TwoFactorMethod.TOTP) {
                String secret = Totp.newSecret();
                s.users.setTotpSecret(u.id(), s.secretBox.seal(secret));
                System.out.println("Authenticator secret: " + secret);
                System.out.println("otpauth URI:          " + Totp.uri(secret, c.name(), u.username()));
                System.out.println("Recovery codes (shown once):");
                for (String code : s.recoveryCodes.regenerate(u.id())) {
                    System.out.println("  " + code);
                }
            }
            s.users.setTwoFactor(u.id(), m);
            s.audit.record(u.companyId(), u.id(), u.username(), AuditLog.Event.TWO_FACTOR_CHANGED, null, ClientInfo.operator(),
                    u.twoFactor().wire() + " -> " + m.wire() + " by an operator");
            System.out.println("User " + u.id() + " '" + u.username() + "' now uses two-factor " + m.wire());
            return 0;
        }
    }

    @Command(name = "audit", mixinStandardHelpOptions = true,
            description = "Authentication events and operator actions, oldest first: time, event, step, company, "
                    + "user (or operator key), address, agent, detail.")
    static final class AuditCommand extends StoreCommand {
        @Override
        boolean audited() {
            return false;
        }

        @Option(names = "--company", description = "Company name (with --user).")
        String company;
        @Option(names = "--user", description = "Only this username (needs --company when names repeat across companies).")
        String username;
        @Option(names = "--since", defaultValue = "24h",
                description = "An ISO-8601 instant (2026-11-22T09:30:00Z) or a span back from now: 90m, 24h, 7d (default 24h).")
        String since;
        @Option(names = "--limit", defaultValue = "1000", description = "Most events shown (at most " + AuditLog.QUERY_ROWS_MAX + ").")
        int limit;

        @Override
        int run(Services s) {
            Long userId = null;
            if (username != null) {
                List<User> matches = s.users.all().stream()
                        .filter(u -> u.username().equalsIgnoreCase(username))
                        .filter(u -> company == null || s.companies.byName(company).map(c -> c.id() == u.companyId()).orElse(false))
                        .toList();
                if (matches.size() != 1) {
                    throw new IllegalArgumentException(matches.isEmpty() ? "no user '" + username + "'"
                            : "several users named '" + username + "': add --company");
                }
                userId = matches.get(0).id();
            }
            long sinceMs = parseSince(since, s.clock.millis());
            for (AuditLog.Entry e : s.audit.query(userId, sinceMs, limit)) {
                System.out.printf("%s  %-24s %-18s c=%s %s %-20s %-15s %s  %s%n", Dates.iso(e.atMs()), e.event(),
                        e.step() == null ? "-" : e.step(), e.companyId(),
                        e.operatorKeyId() != null ? "key=" + e.operatorKeyId() : "u=" + e.userId(),
                        e.username() == null ? "-" : e.username(), e.clientAddress(),
                        e.userAgent() == null || e.userAgent().isEmpty() ? "-" : "\"" + e.userAgent() + "\"",
                        e.detail() == null ? "" : e.detail());
            }
            return 0;
        }

        static long parseSince(String text, long nowMs) {
            String t = text.trim();
            java.util.regex.Matcher m = java.util.regex.Pattern.compile("(\\d{1,6})([mhd])").matcher(t);
            if (m.matches()) {
                long n = Long.parseLong(m.group(1));
                long unit = switch (m.group(2)) {
                    case "m" -> 60_000L;
                    case "h" -> 3_600_000L;
                    default -> 86_400_000L;
                };
                return nowMs - n * unit;
            }
            try {
                return java.time.Instant.parse(t).toEpochMilli();
            } catch (java.time.format.DateTimeParseException e) {
                throw new IllegalArgumentException("--since must be an ISO-8601 instant or a span like 90m, 24h, 7d");
            }
        }
    }

    @Command(name = "outbox", mixinStandardHelpOptions = true,
            description = "Messages held by the development outbox (used when no SMTP server is configured), newest first.")
    static final class OutboxCommand extends StoreCommand {
        @Override
        boolean audited() {
            return false;
        }

        @Option(names = "--limit", defaultValue = "20", description = "How many messages (at most " + Outbox.MESSAGES_KEPT_MAX + ").")
        int limit;
        @Option(names = "--last-code", description = "Print only the code (6 to 8 digits) of the newest message that has one.")
        boolean lastCode;
        @Option(names = "--to", description = "Only messages to this address or phone number.")
        String to;

        private static final java.util.regex.Pattern CODE = java.util.regex.Pattern.compile("(?<![\\d.])\\d{6,8}(?![\\d])");

        @Override
        int run(Services s) {
            List<Outbox.Entry> messages = s.outbox.newest(lastCode ? Outbox.MESSAGES_KEPT_MAX : limit).stream()
                    .filter(e -> to == null || e.recipient().equalsIgnoreCase(to.trim())).toList();
            if (lastCode) {
                for (Outbox.Entry e : messages) {
                    java.util.regex.Matcher m = CODE.matcher(e.body());
                    if (m.find()) {
                        System.out.println(m.group());
                        return 0;
                    }
                }
                throw new IllegalArgumentException("no message with a code in the outbox" + (to == null ? "" : " to " + to));
            }
            for (Outbox.Entry e : messages) {
                System.out.println("#" + e.id() + "  " + Dates.iso(e.createdAtMs()) + "  " + e.channel() + " to " + e.recipient());
                System.out.println("Subject: " + e.subject());
                System.out.println(e.body());
                System.out.println();
            }
            return 0;
        }
    }
}
