package dev.crater.admin;

import dev.crater.Services;
import dev.crater.audit.AuditLog;
import dev.crater.companies.Company;
import dev.crater.http.Dates;
import dev.crater.operators.OperatorKey;
import dev.crater.operators.OperatorKeys;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code crater admin company operator-key create|list|revoke}: the credentials of the operator
 * routes ({@code /api/v1.0/crater/sandbox/…}, header {@code X-Crater-Operator-Key}). A key is printed
 * once, when created; the store keeps only its SHA-256. Every change is audited.
 */
final class OperatorKeyCommands {

    private OperatorKeyCommands() {
    }

    @Command(name = "operator-key", mixinStandardHelpOptions = true,
            description = "Operator keys of a company: the credential of the sandbox-control API.",
            subcommands = {Create.class, ListKeys.class, Revoke.class})
    static final class Group extends AdminCommand.Group {
    }

    /** Base for the commands on one company's keys: {@code --company} names it. */
    abstract static class CompanyKeyCommand extends AdminCommand.StoreCommand {
        @Option(names = "--company", required = true, description = "Company name.")
        String company;

        @Override
        final int run(Services s) {
            return run(s, company(s, company));
        }

        abstract int run(Services s, Company c);
    }

    @Command(name = "create", mixinStandardHelpOptions = true,
            description = "Create an operator key; prints it once (it cannot be shown again).")
    static final class Create extends CompanyKeyCommand {
        @Option(names = "--name", required = true,
                description = "What the key is for, e.g. ci-bot (1-" + OperatorKeys.NAME_CHARS_MAX
                        + " characters, unique among the company's live keys).")
        String name;

        @Override
        int run(Services s, Company c) {
            OperatorKeys.Created created = s.operatorKeys.create(AuditLog.Actor.CLI, c, name);
            System.out.println("Created operator key " + created.key().id() + " '" + created.key().name()
                    + "' for company '" + c.name() + "'");
            System.out.println("X-Crater-Operator-Key: " + created.secret());
            System.out.println("Store it now: it is not shown again (Crater keeps only its hash).");
            return 0;
        }
    }

    @Command(name = "list", mixinStandardHelpOptions = true,
            description = "List a company's operator keys, the newest " + OperatorKeys.KEYS_LISTED_MAX
                    + " at most (ids, names, state; never the keys).")
    static final class ListKeys extends CompanyKeyCommand {
        @Override
        int run(Services s, Company c) {
            System.out.printf("%-6s %-30s %-30s %s%n", "ID", "NAME", "CREATED", "STATE");
            for (OperatorKey k : s.operatorKeys.list(c)) {
                System.out.printf("%-6d %-30s %-30s %s%n", k.id(), k.name(), Dates.iso(k.createdAtMs()),
                        k.live() ? "live" : "revoked " + Dates.iso(k.revokedAtMs()));
            }
            return 0;
        }
    }

    @Command(name = "revoke", mixinStandardHelpOptions = true,
            description = "Revoke an operator key: every node refuses it from now on.")
    static final class Revoke extends CompanyKeyCommand {
        @Option(names = "--id", required = true, description = "The key's id (see list).")
        long id;

        @Override
        int run(Services s, Company c) {
            OperatorKey k = s.operatorKeys.revoke(AuditLog.Actor.CLI, c, id);
            System.out.println("Revoked operator key " + k.id() + " '" + k.name() + "' of company '" + c.name() + "'");
            return 0;
        }
    }
}
