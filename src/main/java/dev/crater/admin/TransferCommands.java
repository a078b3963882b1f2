package dev.crater.admin;

import dev.crater.Services;
import dev.crater.funding.FundingStore;
import dev.crater.http.Dates;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code crater admin transfer list|approve|reject|return}: the operator's side of the simulated
 * clearing. Approving completes a Submitted transfer now (a deposit's funds are credited); rejecting
 * ends a Submitted one (a withdrawal's hold is credited back); returning reverses a Complete one (an
 * ACH return: a deposit's funds are taken back, a withdrawal's credited back) with its reason.
 */
final class TransferCommands {
    private TransferCommands() {
    }

    /** Named limit: transfers listed. */
    static final int LIST_MAX = 500;

    @Command(name = "transfer", mixinStandardHelpOptions = true,
            description = "List, approve, reject or return (ACH return) account transfers.",
            subcommands = {TransferList.class, TransferApprove.class, TransferReject.class, TransferReturn.class})
    static final class Group extends AdminCommand.Group {
    }

    static void print(FundingStore.TransferRow t) {
        System.out.printf("%s  account %d  %s %s  %s  %s  %s%n", t.id(), t.accountId(), t.mechanism(),
                t.isDeposit() ? "deposit" : "withdrawal", t.totalAmount().toPlainString(), t.status(),
                Dates.iso(t.createdAtMs()) + (t.comment() == null ? "" : "  " + t.comment()));
    }

    @Command(name = "list", mixinStandardHelpOptions = true, description = "List the open (Submitted) transfers.")
    static final class TransferList extends AdminCommand.StoreCommand {
        @Override
        boolean audited() {
            return false;
        }

        @Override
        int run(Services s) {
            List<FundingStore.TransferRow> open = s.transfers.open(LIST_MAX);
            if (open.isEmpty()) {
                System.out.println("No open transfers.");
            }
            open.forEach(TransferCommands::print);
            return 0;
        }
    }

    @Command(name = "approve", mixinStandardHelpOptions = true, description = "Complete a Submitted transfer now.")
    static final class TransferApprove extends AdminCommand.StoreCommand {
        @Parameters(index = "0", description = "The transfer's id (a GUID).")
        String id;

        @Override
        int run(Services s) {
            FundingStore.TransferRow t = s.transfers.approve(id);
            auditCompanyId = s.accounts.byId(t.accountId()).map(a -> a.companyId()).orElse(null);
            print(t);
            return 0;
        }
    }

    @Command(name = "reject", mixinStandardHelpOptions = true, description = "Reject a Submitted transfer.")
    static final class TransferReject extends AdminCommand.StoreCommand {
        @Parameters(index = "0", description = "The transfer's id (a GUID).")
        String id;
        @Option(names = "--reason", required = true, description = "Why, shown as the transfer's comment.")
        String reason;

        @Override
        int run(Services s) {
            FundingStore.TransferRow t = s.transfers.reject(id, reason);
            auditCompanyId = s.accounts.byId(t.accountId()).map(a -> a.companyId()).orElse(null);
            print(t);
            return 0;
        }
    }

    @Command(name = "return", mixinStandardHelpOptions = true,
            description = "Return a Complete transfer (an ACH return), moving the money back.")
    static final class TransferReturn extends AdminCommand.StoreCommand {
        @Parameters(index = "0", description = "The transfer's id (a GUID).")
        String id;
        @Option(names = "--reason", required = true, description = "The return reason, e.g. \"R01 Insufficient funds\".")
        String reason;

        @Override
        int run(Services s) {
            FundingStore.TransferRow t = s.transfers.returned(id, reason);
            auditCompanyId = s.accounts.byId(t.accountId()).map(a -> a.companyId()).orElse(null);
            print(t);
            return 0;
        }
    }
}
