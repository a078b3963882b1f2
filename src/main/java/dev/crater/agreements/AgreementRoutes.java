package dev.crater.agreements;

import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import dev.crater.http.Dates;
import dev.crater.http.HttpSupport;
import dev.crater.http.PathIds;
import dev.crater.users.User;
import dev.crater.users.UserIds;
import dev.crater.users.UserService;
import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.HttpService;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;

/**
 * A user's agreements (reference 02-users.md §4, the spec's Agreements_*), the caller's own only:
 *
 * <pre>
 * GET  /v1.0/users/@me/agreements                → [{"Type": "Platform", "CanSkip": false, "Id": 3, …}]
 * POST /v1.0/users/@me/agreements/3/sign         → {"AgreementId": 3, "Version": 1, "SignedDate": "…"}
 * </pre>
 */
public final class AgreementRoutes implements HttpService {
    private final AgreementService agreements;
    private final UserService users;

    public AgreementRoutes(AgreementService agreements, UserService users) {
        this.agreements = agreements;
        this.users = users;
    }

    /** The spec's AgreementItemResource ({@code Type}, {@code CanSkip}), then what a client needs to sign and show it. */
    @JsonPropertyOrder({"Type", "CanSkip", "Id", "Name", "Version", "Url"})
    public record AgreementItem(Agreement.Type type, boolean canSkip, long id, String name, int version, String url) {
        static AgreementItem of(Agreement a) {
            return new AgreementItem(a.type(), a.canSkip(), a.id(), a.name(), a.version(), a.url());
        }
    }

    /** What signing recorded: the agreement, its version and when. */
    @JsonPropertyOrder({"AgreementId", "Version", "SignedDate"})
    public record SignatureItem(long agreementId, int version, String signedDate) {
    }

    @Override
    public void routing(HttpRules rules) {
        rules.get("/users/{userId}/agreements[/]", this::unsigned)
                .post("/users/{userId}/agreements/{agreementId}/sign[/]", this::sign);
    }

    private void unsigned(ServerRequest req, ServerResponse res) {
        User user = UserIds.caller(req, users);
        HttpSupport.json(res, 200, agreements.unsigned(user.companyId(), user.id()).stream().map(AgreementItem::of).toList());
    }

    private void sign(ServerRequest req, ServerResponse res) {
        User user = UserIds.caller(req, users);
        int id = PathIds.int32(req, "agreementId");
        Agreement.Signature s = agreements.sign(user.companyId(), user.id(), id);
        HttpSupport.json(res, 200, new SignatureItem(s.agreementId(), s.version(), Dates.iso(s.signedAtMs())));
    }
}
