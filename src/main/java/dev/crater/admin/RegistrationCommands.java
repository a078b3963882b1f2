package dev.crater.admin;

import dev.crater.Services;
import dev.crater.companies.Company;
import dev.crater.registration.RegistrationSchema;
import dev.crater.registration.RegistrationStore;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code crater admin registration …}: a company's self-service registration (its host and its fields). */
final class RegistrationCommands {

    private RegistrationCommands() {
    }

    @Command(name = "registration", mixinStandardHelpOptions = true,
            description = "Self-service registration: the host registrations must come from, and the fields asked for.",
            subcommands = {Show.class, Set.class})
    static final class Group extends AdminCommand.Group {
    }

    static void print(Services s, Company c) {
        RegistrationStore.Settings settings = s.registrations.settings(c.id());
        System.out.println("Company:  " + c.name());
        System.out.println("Hostname: " + (settings.hostname() == null ? "(none: registration is closed)" : settings.hostname()));
        RegistrationSchema schema = RegistrationSchema.parse(settings.fields());
        for (RegistrationSchema.Def d : RegistrationSchema.CATALOGUE) {
            System.out.printf("  %-28s %s%s%n", d.key(), schema.state(d.key()).name().toLowerCase(java.util.Locale.ROOT),
                    d.fixed() ? " (always)" : "");
        }
    }

    @Command(name = "show", mixinStandardHelpOptions = true, description = "Show a company's registration settings.")
    static final class Show extends AdminCommand.StoreCommand {
        @Option(names = "--company", required = true, description = "Company name.")
        String company;

        @Override
        boolean audited() {
            return false;
        }

        @Override
        int run(Services s) {
            print(s, company(s, company));
            return 0;
        }
    }

    @Command(name = "set", mixinStandardHelpOptions = true,
            description = "Set the host (the origin header registrations must name; empty closes registration) and"
                    + " which fields are required, optional or off. Prints the settings.")
    static final class Set extends AdminCommand.StoreCommand {
        @Option(names = "--company", required = true, description = "Company name.")
        String company;
        @Option(names = "--hostname", description = "The company's host, e.g. app.broker.example; \"\" closes registration.")
        String hostname;
        @Option(names = "--field", description = "Unit.Field=required|optional|off, e.g. Credentials.PinCode=required (repeatable).")
        List<String> fields = new ArrayList<>();

        @Override
        int run(Services s) {
            Company c = company(s, company);
            auditCompanyId = c.id();
            RegistrationSchema schema = s.registrations.schema(c.id());
            for (String f : fields) {
                int eq = f.indexOf('=');
                if (eq < 0) {
                    throw new IllegalArgumentException("--field takes Unit.Field=required|optional|off, not '" + f + "'");
                }
                schema = schema.with(f.substring(0, eq).trim(), RegistrationSchema.State.parse(f.substring(eq + 1)));
            }
            if (hostname != null) {
                s.registrations.setHostname(c.id(), hostname);
            }
            s.registrations.setSchema(c.id(), schema);
            print(s, c);
            return 0;
        }
    }
}
