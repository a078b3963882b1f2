package dev.crater.accounts;

import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import dev.crater.http.ApiError;
import dev.crater.http.ApiException;
import dev.crater.http.HttpSupport;
import dev.crater.http.JsonBody;
import dev.crater.operators.OperatorGuard;
import dev.crater.operators.OperatorKey;
import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.HttpService;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import java.math.BigDecimal;

/**
 * A Crater addition for operators (not in the vendor API): {@code POST /v1.0/crater/sandbox/accounts/fund}
 * with {@code {"AccountId": 7, "Amount": 5000, "Description": "Wire in"}} deposits (negative: withdraws)
 * through {@link AccountFunding}, as {@code crater admin account fund} does. It needs an operator key
 * ({@link OperatorGuard}) and reaches only the key's company's accounts: any other account id is 404,
 * as an unknown one is. The answer is 202: the trading engine applies the request within about a
 * second and a withdrawal the account cannot cover is refused there.
 */
public final class FundingRoutes implements HttpService {

    /** Under {@link OperatorGuard#PATH} (where App registers these routes). */
    static final String BASE = "/accounts";
    private static final String ARG = "request";

    private final OperatorGuard guard;
    private final AccountService accounts;
    private final AccountFunding funding;

    public FundingRoutes(OperatorGuard guard, AccountService accounts, AccountFunding funding) {
        this.guard = guard;
        this.accounts = accounts;
        this.funding = funding;
    }

    @Override
    public void routing(HttpRules rules) {
        rules.post(BASE + "/fund[/]", guard, this::fund);
    }

    /** The recorded cash request. */
    @JsonPropertyOrder({"CashRequestId", "AccountId", "Amount", "Description", "Status"})
    public record CashRequested(long cashRequestId, long accountId, BigDecimal amount, String description,
            String status) {
    }

    private void fund(ServerRequest req, ServerResponse res) {
        OperatorKey key = OperatorGuard.key(req);
        JsonBody body = JsonBody.read(req, ARG);
        long accountId = body.integer("AccountId")
                .orElseThrow(() -> body.invalidField("AccountId", "AccountId is required."));
        BigDecimal amount = body.decimal("Amount")
                .orElseThrow(() -> body.invalidField("Amount", "Amount is required (dollars; negative withdraws)."));
        String description = body.text("Description").orElse(null);
        Account account = accounts.byId(accountId).filter(a -> a.companyId() == key.companyId())
                .orElseThrow(() -> new ApiException(404, new ApiError.Message(
                        "No account " + accountId + " in this operator key's company.")));
        String booked;
        try {
            booked = AccountFunding.description(description, amount);
        } catch (IllegalArgumentException e) {
            throw body.invalidField("Description", e.getMessage());
        }
        long id;
        try {
            id = funding.fund(OperatorGuard.actor(req), account, amount, booked);
        } catch (IllegalArgumentException e) {
            throw body.invalidField("Amount", e.getMessage());
        }
        HttpSupport.json(res, 202, new CashRequested(id, account.id(), amount, booked, "Pending"));
    }
}
