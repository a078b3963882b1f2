package dev.crater.admin;

import dev.crater.Services;
import dev.crater.companies.Company;
import dev.crater.users.AppSettings;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code crater admin mobile-settings …} and {@code crater admin access-type …}: what a company's apps
 * read from GET /applications/mobile/settings and GET /access-types/{category}/allowed|value.
 */
final class AppSettingsCommands {

    private AppSettingsCommands() {
    }

    /** Base: {@code --company} names the company. */
    abstract static class CompanyCommand extends AdminCommand.StoreCommand {
        @Option(names = "--company", required = true, description = "Company name.")
        String company;

        @Override
        final int run(Services s) {
            Company c = company(s, company);
            auditCompanyId = c.id();
            return run(s, c);
        }

        abstract int run(Services s, Company c);
    }

    @Command(name = "mobile-settings", mixinStandardHelpOptions = true,
            description = "The mobile app's settings (GET /applications/mobile/settings): show, set or unset a key.",
            subcommands = {MobileShow.class, MobileSet.class})
    static final class Mobile extends AdminCommand.Group {
    }

    @SuppressWarnings("unchecked")
    static void printMobile(Services s, Company c) {
        Map<String, Object> settings = (Map<String, Object>) s.appSettings.mobile(c.id()).get("Settings");
        settings.forEach((k, v) -> System.out.printf("%-34s %s%n", k, v));
    }

    @Command(name = "show", mixinStandardHelpOptions = true, description = "The settings the app gets.")
    static final class MobileShow extends CompanyCommand {
        @Override
        boolean audited() {
            return false;
        }

        @Override
        int run(Services s, Company c) {
            printMobile(s, c);
            return 0;
        }
    }

    @Command(name = "set", mixinStandardHelpOptions = true, description = "Set a key (--value) or go back to its default (--unset).")
    static final class MobileSet extends CompanyCommand {
        @Option(names = "--key", required = true, description = "e.g. enableTrailingOrders")
        String key;
        @Option(names = "--value", description = "The value, a string (e.g. 0 or 1).")
        String value;
        @Option(names = "--unset", description = "Remove the company's own value.")
        boolean unset;

        @Override
        int run(Services s, Company c) {
            if (unset == (value != null)) {
                throw new IllegalArgumentException("give either --value or --unset");
            }
            s.appSettings.setMobile(c.id(), key, unset ? null : value);
            printMobile(s, c);
            return 0;
        }
    }

    @Command(name = "access-type", mixinStandardHelpOptions = true,
            description = "UI entitlements (GET /access-types/{category}/allowed and …/value): list, set, remove, demo-set.",
            subcommands = {AccessList.class, AccessSet.class, AccessRemove.class, AccessDemo.class})
    static final class Access extends AdminCommand.Group {
    }

    static void printAccess(Services s, Company c) {
        System.out.printf("%-6s %-16s %-34s %-14s %-9s %s%n", "ID", "CATEGORY", "NAME", "DESCRIPTION", "TYPE", "OPTIONS");
        for (String category : AppSettings.CATEGORIES) {
            for (AppSettings.AccessType a : s.appSettings.accessTypes(c.id(), category, null, null)) {
                System.out.printf("%-6d %-16s %-34s %-14s %-9s %s%n", a.id(), a.category(), a.name(), a.description(),
                        a.optionsType(), a.options());
            }
        }
    }

    @Command(name = "list", mixinStandardHelpOptions = true, description = "A company's access types.")
    static final class AccessList extends CompanyCommand {
        @Override
        boolean audited() {
            return false;
        }

        @Override
        int run(Services s, Company c) {
            printAccess(s, c);
            return 0;
        }
    }

    @Command(name = "set", mixinStandardHelpOptions = true, description = "Add or replace an access type.")
    static final class AccessSet extends CompanyCommand {
        @Option(names = "--category", required = true, description = "ClientsAccess, DisplayType, Exchange, GridColumns,"
                + " Indicator, IndicatorOptions, Options, Theme, Timeframe or Widget.")
        String category;
        @Option(names = "--name", required = true)
        String name;
        @Option(names = "--description", defaultValue = "")
        String description;
        @Option(names = "--options", defaultValue = "", description = "Its value (what …/value maps the name to).")
        String options;
        @Option(names = "--options-type", defaultValue = "checkBox", description = "input, spinner or checkBox.")
        String optionsType;

        @Override
        int run(Services s, Company c) {
            s.appSettings.setAccessType(c.id(), category, name, description, options, optionsType);
            printAccess(s, c);
            return 0;
        }
    }

    @Command(name = "remove", mixinStandardHelpOptions = true, description = "Remove an access type.")
    static final class AccessRemove extends CompanyCommand {
        @Option(names = "--category", required = true)
        String category;
        @Option(names = "--name", required = true)
        String name;

        @Override
        int run(Services s, Company c) {
            if (!s.appSettings.removeAccessType(c.id(), category, name)) {
                throw new IllegalArgumentException("no access type " + category + "/" + name);
            }
            printAccess(s, c);
            return 0;
        }
    }

    @Command(name = "demo-set", mixinStandardHelpOptions = true, description = "Add the documented example access types.")
    static final class AccessDemo extends CompanyCommand {
        @Override
        int run(Services s, Company c) {
            s.appSettings.addDemoAccessTypes(c.id());
            printAccess(s, c);
            return 0;
        }
    }
}
