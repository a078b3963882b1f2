package dev.crater.admin;

import dev.crater.Services;
import dev.crater.accountrequests.AccountResets;
import dev.crater.accounts.Account;
import dev.crater.accounts.AccountLink;
import dev.crater.audit.AuditLog;
import dev.crater.common.MarginType;
import dev.crater.common.Refusal;
import dev.crater.companies.Company;
import dev.crater.users.User;
import java.math.BigDecimal;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code crater admin account …}: open paper accounts, fund them (through {@link dev.crater.accounts.AccountFunding},
 * as the operator route does), link users.
 */
final class AccountCommands {

    private AccountCommands() {
    }

    @Command(name = "account", mixinStandardHelpOptions = true,
            description = "Trading accounts: create, list, fund, link users, reset.",
            subcommands = {AccountCreate.class, AccountList.class, AccountFund.class, AccountLinkUser.class,
                    AccountReset.class})
    static final class Group extends AdminCommand.Group {
    }

    static BigDecimal money(String text, String option) {
        try {
            return new BigDecimal(text.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(option + " takes a number of dollars, got '" + text + "'");
        }
    }

    static Account account(Services s, long id) {
        return s.accounts.byId(id).orElseThrow(() -> new IllegalArgumentException("no account " + id));
    }

    @Command(name = "create", mixinStandardHelpOptions = true,
            description = "Open a paper account owned by a user; prints its id.")
    static final class AccountCreate extends AdminCommand.UserCommand {
        @Option(names = "--margin-type", defaultValue = "Margin", description = "Cash, Margin, DayTrader or MarginIra.")
        String marginType;
        @Option(names = "--cash", defaultValue = "0", description = "Initial deposit in dollars.")
        String cash;
        @Option(names = "--per-trade", defaultValue = "0", description = "Commission per trade, dollars.")
        String perTrade;
        @Option(names = "--per-share", defaultValue = "0", description = "Commission per share, dollars.")
        String perShare;
        @Option(names = "--per-contract", defaultValue = "0", description = "Commission per option contract, dollars.")
        String perContract;

        @Override
        int run(Services s, User u) {
            MarginType type = java.util.Arrays.stream(MarginType.values())
                    .filter(m -> m != MarginType.Empty && m.name().equalsIgnoreCase(marginType.trim()))
                    .findFirst().orElseThrow(() -> new IllegalArgumentException(
                            "--margin-type is Cash, Margin, DayTrader or MarginIra"));
            Account a = s.accounts.open(u, type, money(cash, "--cash"), money(perTrade, "--per-trade"),
                    money(perShare, "--per-share"), money(perContract, "--per-contract"));
            System.out.println("Opened account " + a.id() + " (" + a.marginType() + ") for " + u.username());
            return 0;
        }
    }

    @Command(name = "list", mixinStandardHelpOptions = true, description = "List accounts and their users.")
    static final class AccountList extends AdminCommand.StoreCommand {
        @Override
        boolean audited() {
            return false;
        }

        @Option(names = "--company", description = "Only this company's accounts.")
        String company;

        @Override
        int run(Services s) {
            java.util.List<Account> list = company == null ? s.accounts.all()
                    : s.accounts.byCompany(company(s, company).id());
            System.out.printf("%-8s %-10s %-8s %s%n", "ID", "MARGIN", "ENABLED", "USERS");
            for (Account a : list) {
                StringBuilder users = new StringBuilder();
                for (AccountLink l : s.accounts.links(a.id())) {
                    s.accounts.user(l.userId()).ifPresent(u -> users.append(u.username()).append(':')
                            .append(l.accessType()).append(' '));
                }
                System.out.printf("%-8d %-10s %-8s %s%n", a.id(), a.marginType(), a.enabled(), users.toString().trim());
            }
            return 0;
        }
    }

    @Command(name = "fund", mixinStandardHelpOptions = true,
            description = "Deposit (positive) or withdraw (negative) cash; the engine books it once.")
    static final class AccountFund extends AdminCommand.StoreCommand {
        @Override
        boolean audited() {
            return false; // AccountFunding records CASH_REQUESTED
        }

        @Option(names = "--account", required = true)
        long accountId;
        @Option(names = "--amount", required = true, description = "Dollars, e.g. 5000 or -250.50.")
        String amount;
        @Option(names = "--description", description = "Default: Deposit, or Withdrawal for a negative amount.")
        String description;

        @Override
        int run(Services s) {
            Account a = account(s, accountId);
            long id = s.funding.fund(AuditLog.Actor.CLI, a, money(amount, "--amount"), description);
            System.out.println("Cash request " + id + " recorded for account " + accountId);
            return 0;
        }
    }

    @Command(name = "link", mixinStandardHelpOptions = true,
            description = "Give a user access to an account (Owner, Full, ReadOnly, ClosePositionsOnly).")
    static final class AccountLinkUser extends AdminCommand.UserCommand {
        @Option(names = "--account", required = true)
        long accountId;
        @Option(names = "--access", defaultValue = "Full")
        String access;

        @Override
        int run(Services s, User u) {
            Account a = account(s, accountId);
            Account.AccessType type = Account.AccessType.parse(access);
            if (type == null) {
                throw new IllegalArgumentException("--access is Owner, Full, ReadOnly or ClosePositionsOnly");
            }
            try {
                s.accounts.link(a, u, type);
            } catch (Refusal e) {
                throw new IllegalArgumentException(e.getMessage());
            }
            System.out.println(u.username() + " has " + type + " access to account " + a.id());
            return 0;
        }
    }

    @Command(name = "reset", mixinStandardHelpOptions = true,
            description = "Reset a paper account: orders canceled, positions closed, cash back to its starting cash"
                    + " (the account id, its users and their tokens kept); the server applies it within a second.")
    static final class AccountReset extends AdminCommand.StoreCommand {
        @Option(names = "--account", required = true)
        long accountId;

        @Override
        int run(Services s) {
            Account a = account(s, accountId);
            auditCompanyId = a.companyId();
            long id = s.accountResets.request(a, a.openedByUserId(), "crater admin");
            System.out.println("Reset request " + id + " recorded for account " + accountId + " (starting cash "
                    + AccountResets.startingCash(a).toPlainString() + ")");
            return 0;
        }
    }

    static Company company(Services s, String name) {
        return AdminCommand.StoreCommand.company(s, name);
    }
}
