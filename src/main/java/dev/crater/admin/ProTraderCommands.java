package dev.crater.admin;

import dev.crater.Services;
import dev.crater.companies.Company;
import dev.crater.http.Dates;
import dev.crater.users.ProTraderGroup;
import dev.crater.users.ProTraderStore;
import dev.crater.users.User;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code crater admin user pro-trader invite|list|remove}: a company's ProTrader group, which a user
 * joins with the invitation's token (POST /users/@me/group?confirmationToken=…).
 */
final class ProTraderCommands {

    private ProTraderCommands() {
    }

    @Command(name = "pro-trader", mixinStandardHelpOptions = true,
            description = "The company's ProTrader group: invite a user (they join with the e-mailed token), list, remove.",
            subcommands = {Invite.class, ListMembers.class, Remove.class})
    static final class Group extends AdminCommand.Group {
    }

    @Command(name = "invite", mixinStandardHelpOptions = true,
            description = "Invite a user: prints the confirmation token once and e-mails it to the user.")
    static final class Invite extends AdminCommand.UserCommand {
        @Override
        int run(Services s, User u) {
            Company c = s.companies.byId(u.companyId()).orElseThrow();
            ProTraderGroup.Invitation i = s.proTrader.invite(c, u);
            System.out.println("Invited user " + u.id() + " '" + u.username() + "' into the ProTrader group of '"
                    + c.name() + "'; the token works once, until " + Dates.iso(i.expiresAtMs()) + ":");
            System.out.println(i.token());
            System.out.println(i.mailed() ? "E-mailed to " + u.email() + "."
                    : "The mail to " + u.email() + " was not accepted: give the user the token yourself.");
            return 0;
        }
    }

    @Command(name = "list", mixinStandardHelpOptions = true, description = "The group's members and open invitations.")
    static final class ListMembers extends AdminCommand.StoreCommand {
        @Option(names = "--company", required = true, description = "Company name.")
        String company;

        @Override
        boolean audited() {
            return false;
        }

        @Override
        int run(Services s) {
            Company c = company(s, company);
            System.out.printf("%-6s %-24s %-9s %s%n", "ID", "USERNAME", "STATE", "SINCE");
            long now = s.clock.millis();
            for (ProTraderStore.Member m : s.proTrader.members(c.id())) {
                System.out.printf("%-6d %-24s %-9s %s%n", m.userId(), username(s, m.userId()), "member",
                        Dates.iso(m.joinedAtMs()));
            }
            for (ProTraderStore.Invite i : s.proTrader.pending(c.id())) {
                System.out.printf("%-6d %-24s %-9s %s%n", i.userId(), username(s, i.userId()),
                        now < i.expiresAtMs() ? "invited" : "expired", Dates.iso(i.createdAtMs()));
            }
            return 0;
        }

        private static String username(Services s, long userId) {
            return s.users.byId(userId).map(User::username).orElse("?");
        }
    }

    @Command(name = "remove", mixinStandardHelpOptions = true,
            description = "Take a user out of the group (an unused invitation stops working too).")
    static final class Remove extends AdminCommand.UserCommand {
        @Override
        int run(Services s, User u) {
            if (!s.proTrader.remove(u)) {
                throw new IllegalArgumentException("'" + u.username() + "' is not in the ProTrader group nor invited");
            }
            System.out.println("Removed user " + u.id() + " '" + u.username() + "' from the ProTrader group");
            return 0;
        }
    }
}
