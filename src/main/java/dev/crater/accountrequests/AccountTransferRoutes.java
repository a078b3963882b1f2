package dev.crater.accountrequests;

import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import dev.crater.access.ApiGuard;
import dev.crater.access.Principal;
import dev.crater.accounts.Account;
import dev.crater.accounts.AccountPaths;
import dev.crater.accounts.AccountService;
import dev.crater.common.Refusal;
import dev.crater.http.ApiError;
import dev.crater.http.ApiException;
import dev.crater.http.Dates;
import dev.crater.http.HttpSupport;
import dev.crater.http.JsonBody;
import dev.crater.http.PathIds;
import dev.crater.users.User;
import dev.crater.users.UserIds;
import dev.crater.users.UserService;
import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.HttpService;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import java.util.ArrayList;
import java.util.List;

/**
 * ACATS account transfer requests (03-accounts.md §3): create for an account, submit with the form,
 * list a user's, cancel. Owners of the account only; a request id the caller may not act on answers
 * as an unknown one (404), so ids cannot be probed.
 */
public final class AccountTransferRoutes implements HttpService {

    private static final String ARG = "model";

    private final AccountTransfers transfers;
    private final AccountService accounts;
    private final UserService users;

    public AccountTransferRoutes(AccountTransfers transfers, AccountService accounts, UserService users) {
        this.transfers = transfers;
        this.accounts = accounts;
        this.users = users;
    }

    @Override
    public void routing(HttpRules rules) {
        rules.post("/account-transfer-requests/{accountId}[/]", this::create)
                .put("/account-transfer-requests/{requestId}/submit[/]", this::submit)
                .post("/account-transfer-requests/{requestId}/cancel[/]", this::cancel)
                .get("/users/{userId}/account-transfer-requests[/]", this::list);
    }

    /** {@code History[]} items. */
    @JsonPropertyOrder({"RequestId", "CreatedAt", "Status", "ChangedBy", "Comment"})
    public record HistoryItem(String requestId, String createdAt, String status, String changedBy, String comment) {
    }

    /** {@code TransferInitiator}. */
    @JsonPropertyOrder({"FirstName", "Middle", "LastName", "Login"})
    public record Initiator(String firstName, String middle, String lastName, String login) {
    }

    /** A transfer request item, in the docs' order. */
    @JsonPropertyOrder({"Id", "CreatedAt", "AccountProvider", "FromAccount", "ToAccount", "InitiatedBy", "AcceptedBy",
            "Type", "TifId", "AcatsControlNumber", "FormDataReference", "Status", "History", "ParticipantImageURL",
            "TransferInitiator", "PartialTransferProperties"})
    public record TransferRequest(String id, String createdAt, String accountProvider, String fromAccount,
            String toAccount, String initiatedBy, String acceptedBy, String type, String tifId,
            long acatsControlNumber, String formDataReference, String status, List<HistoryItem> history,
            String participantImageURL, Initiator transferInitiator, Object partialTransferProperties) {
    }

    private TransferRequest model(AccountTransfers.Detailed d) {
        AccountTransferStore.Transfer t = d.transfer();
        String to = accounts.cachedById(t.accountId()).map(Account::clearingAccount).orElse(String.valueOf(t.accountId()));
        Initiator who = users.byId(t.initiatedBy())
                .map(u -> new Initiator(u.firstName(), u.middleName(), u.lastName(), u.username())).orElse(null);
        List<HistoryItem> history = new ArrayList<>();
        for (AccountTransferStore.Change c : d.history()) {
            history.add(new HistoryItem(c.requestId(), Dates.iso(c.createdAtMs()), c.status(), c.changedBy(),
                    c.comment()));
        }
        return new TransferRequest(t.id(), Dates.iso(t.createdAtMs()), "None", null, to,
                String.valueOf(t.initiatedBy()), t.status().equals(AccountTransfers.COMPLETE)
                        ? AccountTransfers.CLEARING : null,
                "UNDEFINED", t.tifId(), t.acatsControlNumber(), t.formData(), t.status(), history, null, who, null);
    }

    private void create(ServerRequest req, ServerResponse res) {
        AccountService.AccountAccess a = AccountPaths.access(accounts, req, AccountService.Need.MANAGE);
        HttpSupport.json(res, 200, model(transfers.create(a.account(), a.link().userId(),
                "user " + a.link().userId())));
    }

    /** The request the path names, if the caller owns its account; anything else is the same 404. */
    private AccountTransferStore.Transfer owned(ServerRequest req) {
        String id = req.path().pathParameters().get("requestId");
        Principal p = ApiGuard.principal(req);
        ApiException unknown = new ApiException(404, new ApiError.Message("No transfer request "
                + PathIds.shown(id) + " was found."));
        AccountTransferStore.Transfer t = transfers.transfer(id == null ? "" : id.trim()).orElseThrow(() -> unknown);
        try {
            accounts.access(p, t.accountId(), AccountService.Need.MANAGE);
        } catch (Refusal.Denied e) {
            throw unknown;
        }
        return t;
    }

    private void submit(ServerRequest req, ServerResponse res) {
        AccountTransferStore.Transfer t = owned(req);
        JsonBody body = JsonBody.read(req, ARG);
        body.bool("SyncProcessing"); // read (a wrong type is refused); Crater's clearing firm is always asynchronous
        transfers.submit(t, body.text("FormDataReference").orElse(null), "user " + ApiGuard.principal(req).userId());
        res.status(204).send();
    }

    private void cancel(ServerRequest req, ServerResponse res) {
        AccountTransferStore.Transfer t = owned(req);
        String comment = null;
        if (HttpSupport.body(req).length > 0) {
            comment = JsonBody.read(req, ARG).text("Comment").orElse(null);
        }
        transfers.cancel(t, comment, "user " + ApiGuard.principal(req).userId());
        res.status(200).send();
    }

    private void list(ServerRequest req, ServerResponse res) {
        User user = UserIds.caller(req, users);
        List<Long> ids = new ArrayList<>();
        for (AccountService.AccountAccess a : accounts.accountsOf(user.id())) {
            if (a.link().accessType() == Account.AccessType.Owner) {
                ids.add(a.account().id());
            }
        }
        List<TransferRequest> out = new ArrayList<>();
        for (AccountTransfers.Detailed d : transfers.ofAccounts(ids)) {
            out.add(model(d));
        }
        HttpSupport.json(res, 200, out);
    }
}
