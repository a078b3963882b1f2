package dev.crater.admin;

import dev.crater.Services;
import dev.crater.agreements.Agreement;
import dev.crater.companies.Company;
import dev.crater.http.Dates;
import dev.crater.users.User;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code crater admin agreement …}: the agreements a company's users sign, and who signed what. */
final class AgreementCommands {

    private AgreementCommands() {
    }

    @Command(name = "agreement", mixinStandardHelpOptions = true,
            description = "Agreements users sign (GET /users/{id}/agreements lists the unsigned ones): add, revise, retire, list.",
            subcommands = {Add.class, DemoSet.class, Revise.class, Retire.class, ListAll.class, Signatures.class})
    static final class Group extends AdminCommand.Group {
    }

    static void print(List<Agreement> all) {
        System.out.printf("%-6s %-11s %-8s %-8s %-8s %s%n", "ID", "TYPE", "VERSION", "CANSKIP", "STATE", "NAME (URL)");
        for (Agreement a : all) {
            System.out.printf("%-6d %-11s %-8d %-8s %-8s %s%s%n", a.id(), a.type(), a.version(), a.canSkip(),
                    a.retired() ? "retired" : "live", a.name(), a.url() == null ? "" : " (" + a.url() + ")");
        }
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

    @Command(name = "add", mixinStandardHelpOptions = true, description = "Add an agreement at version 1; prints the list.")
    static final class Add extends CompanyCommand {
        @Option(names = "--type", defaultValue = "Platform", description = "Platform, Quotemedia or Quodd.")
        String type;
        @Option(names = "--name", required = true, description = "What the app shows, e.g. \"Platform terms of use\".")
        String name;
        @Option(names = "--url", description = "Where its text is (http or https).")
        String url;
        @Option(names = "--can-skip", description = "The app may let the user go on without signing.")
        boolean canSkip;

        @Override
        int run(Services s, Company c) {
            s.agreements.add(c.id(), Agreement.Type.parse(type), name, url, canSkip);
            print(s.agreements.ofCompany(c.id()));
            return 0;
        }
    }

    @Command(name = "demo-set", mixinStandardHelpOptions = true,
            description = "Add the demo agreements: platform terms (must sign) and a market-data agreement (can skip).")
    static final class DemoSet extends CompanyCommand {
        @Override
        int run(Services s, Company c) {
            s.agreements.addDemoSet(c.id());
            print(s.agreements.ofCompany(c.id()));
            return 0;
        }
    }

    @Command(name = "revise", mixinStandardHelpOptions = true,
            description = "Publish a new version of an agreement: every user must sign it again.")
    static final class Revise extends CompanyCommand {
        @Option(names = "--id", required = true)
        long id;

        @Override
        int run(Services s, Company c) {
            s.agreements.revise(c.id(), id);
            print(s.agreements.ofCompany(c.id()));
            return 0;
        }
    }

    @Command(name = "retire", mixinStandardHelpOptions = true, description = "Stop asking for an agreement (--undo asks again).")
    static final class Retire extends CompanyCommand {
        @Option(names = "--id", required = true)
        long id;
        @Option(names = "--undo", description = "Make it live again.")
        boolean undo;

        @Override
        int run(Services s, Company c) {
            s.agreements.setRetired(c.id(), id, !undo);
            print(s.agreements.ofCompany(c.id()));
            return 0;
        }
    }

    @Command(name = "list", mixinStandardHelpOptions = true, description = "List a company's agreements.")
    static final class ListAll extends CompanyCommand {
        @Override
        boolean audited() {
            return false;
        }

        @Override
        int run(Services s, Company c) {
            print(s.agreements.ofCompany(c.id()));
            return 0;
        }
    }

    @Command(name = "signatures", mixinStandardHelpOptions = true, description = "What a user signed: agreement, version, when (UTC).")
    static final class Signatures extends AdminCommand.UserCommand {
        @Override
        boolean audited() {
            return false;
        }

        @Override
        int run(Services s, User u) {
            System.out.printf("%-10s %-8s %s%n", "AGREEMENT", "VERSION", "SIGNED");
            for (Agreement.Signature sig : s.agreements.signatures(u.id())) {
                System.out.printf("%-10d %-8d %s%n", sig.agreementId(), sig.version(), Dates.iso(sig.signedAtMs()));
            }
            return 0;
        }
    }
}
