package dev.crater.admin;

import dev.crater.Services;
import dev.crater.accountrequests.AccountRequestStore;
import dev.crater.accountrequests.AccountTransferStore;
import dev.crater.accountrequests.AccountTransfers;
import dev.crater.common.MarginType;
import dev.crater.companies.Company;
import java.time.Instant;
import java.util.Arrays;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code crater admin account-request …}: the simulated clearing firm's side of account opening —
 * list requests, approve or reject one waiting for its clearing firm (its KYC investigation with it),
 * and set what a company's paper accounts open with.
 */
final class AccountRequestCommands {

    private AccountRequestCommands() {
    }

    @Command(name = "account-request", mixinStandardHelpOptions = true,
            description = "Account opening requests: list, approve, reject; a company's opening settings.",
            subcommands = {RequestList.class, RequestApprove.class, RequestReject.class, RequestSettings.class})
    static final class Group extends AdminCommand.Group {
    }

    @Command(name = "account-transfer", mixinStandardHelpOptions = true,
            description = "ACATS account transfer requests: list the open ones; approve or reject one (the clearing firm).",
            subcommands = {TransferList.class, TransferApprove.class, TransferReject.class})
    static final class TransferGroup extends AdminCommand.Group {
    }

    @Command(name = "list", mixinStandardHelpOptions = true, description = "List open transfer requests, oldest first.")
    static final class TransferList extends AdminCommand.StoreCommand {
        @Override
        boolean audited() {
            return false;
        }

        @Override
        int run(Services s) {
            System.out.printf("%-36s %-8s %-10s %s%n", "ID", "ACCOUNT", "STATUS", "CREATED");
            for (AccountTransferStore.Transfer t : s.accountTransfers.open(1000)) {
                System.out.printf("%-36s %-8d %-10s %s%n", t.id(), t.accountId(), t.status(),
                        Instant.ofEpochMilli(t.createdAtMs()));
            }
            return 0;
        }
    }

    @Command(name = "approve", mixinStandardHelpOptions = true,
            description = "The clearing firm completes a submitted transfer request (COMPLETE).")
    static final class TransferApprove extends AdminCommand.StoreCommand {
        @Parameters(index = "0", description = "The request id (a GUID).")
        String id;
        @Option(names = "--comment")
        String comment;

        @Override
        int run(Services s) {
            AccountTransferStore.Transfer t = s.accountTransfers.decide(id.trim(), true, comment);
            System.out.println("Transfer request " + t.id() + " is " + AccountTransfers.COMPLETE);
            return 0;
        }
    }

    @Command(name = "reject", mixinStandardHelpOptions = true,
            description = "The clearing firm rejects a submitted transfer request (REJECTED).")
    static final class TransferReject extends AdminCommand.StoreCommand {
        @Parameters(index = "0", description = "The request id (a GUID).")
        String id;
        @Option(names = "--comment")
        String comment;

        @Override
        int run(Services s) {
            AccountTransferStore.Transfer t = s.accountTransfers.decide(id.trim(), false, comment);
            System.out.println("Transfer request " + t.id() + " is " + AccountTransfers.REJECTED);
            return 0;
        }
    }

    @Command(name = "list", mixinStandardHelpOptions = true, description = "List account requests, oldest first.")
    static final class RequestList extends AdminCommand.StoreCommand {
        @Override
        boolean audited() {
            return false;
        }

        @Option(names = "--company", description = "Only this company's requests.")
        String company;
        @Option(names = "--status", description = "Only requests in this status (New, SentToClearing, Approved, Rejected).")
        String status;

        @Override
        int run(Services s) {
            Long companyId = company == null ? null : company(s, company).id();
            System.out.printf("%-36s %-8s %-8s %-16s %-14s %s%n", "ID", "USER", "ACCOUNT", "PROVIDER", "STATUS",
                    "CREATED");
            for (AccountRequestStore.Request r : s.accountRequests.store().list(companyId,
                    status == null ? null : status.trim(), 1000)) {
                System.out.printf("%-36s %-8d %-8s %-16s %-14s %s%n", r.id(), r.userId(),
                        r.accountId() == null ? "" : r.accountId(), r.accountProvider(), r.status(),
                        Instant.ofEpochMilli(r.createdAtMs()));
            }
            return 0;
        }
    }

    @Command(name = "approve", mixinStandardHelpOptions = true,
            description = "The clearing firm approves a request: its account is enabled, its investigation Accepted.")
    static final class RequestApprove extends AdminCommand.StoreCommand {
        @Parameters(index = "0", description = "The request id (a GUID).")
        String id;
        @Option(names = "--comment")
        String comment;

        @Override
        int run(Services s) {
            AccountRequestStore.Request r = s.accountRequests.approve(id.trim(), comment);
            auditCompanyId = r.companyId();
            System.out.println("Account request " + r.id() + " approved; account " + r.accountId() + " is enabled");
            return 0;
        }
    }

    @Command(name = "reject", mixinStandardHelpOptions = true,
            description = "The clearing firm rejects a request: its account stays disabled, its investigation Rejected.")
    static final class RequestReject extends AdminCommand.StoreCommand {
        @Parameters(index = "0", description = "The request id (a GUID).")
        String id;
        @Option(names = "--comment")
        String comment;

        @Override
        int run(Services s) {
            AccountRequestStore.Request r = s.accountRequests.reject(id.trim(), comment);
            auditCompanyId = r.companyId();
            System.out.println("Account request " + r.id() + " rejected");
            return 0;
        }
    }

    @Command(name = "settings", mixinStandardHelpOptions = true,
            description = "What a company's new paper accounts open with: starting cash and margin type.")
    static final class RequestSettings extends AdminCommand.StoreCommand {
        @Option(names = "--company", required = true)
        String company;
        @Option(names = "--starting-cash", description = "Dollars (default: unchanged).")
        String cash;
        @Option(names = "--margin-type", description = "Cash, Margin, DayTrader or MarginIra (default: unchanged).")
        String marginType;

        @Override
        int run(Services s) {
            Company c = company(s, company);
            auditCompanyId = c.id();
            AccountRequestStore.Settings now = s.accountRequests.settings(c.id());
            MarginType type = now.marginType();
            if (marginType != null) {
                type = Arrays.stream(MarginType.values())
                        .filter(m -> m != MarginType.Empty && m.name().equalsIgnoreCase(marginType.trim()))
                        .findFirst().orElseThrow(() -> new IllegalArgumentException(
                                "--margin-type is Cash, Margin, DayTrader or MarginIra"));
            }
            s.accountRequests.setSettings(c.id(), cash == null ? now.startingCash()
                    : AccountCommands.money(cash, "--starting-cash"), type);
            AccountRequestStore.Settings after = s.accountRequests.settings(c.id());
            System.out.println("Company " + c.name() + ": paper accounts open with "
                    + after.startingCash().toPlainString() + " (" + after.marginType() + ")");
            return 0;
        }
    }
}
