package dev.crater.feedback;

import dev.crater.access.ApiGuard;
import dev.crater.companies.Company;
import dev.crater.companies.CompanyService;
import dev.crater.http.ApiException;
import dev.crater.http.ClientInfo;
import dev.crater.http.HttpSupport;
import dev.crater.users.User;
import dev.crater.users.UserService;
import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.HttpService;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;

/**
 * {@code POST /v1.0/feedbacks} (reference 10 §2; {@code PUT} too, as the docs' README pages print
 * it): the caller's feedback, stored and mailed to the company's support address; the answer echoes
 * the SubmitFeedbackModel, as the README example shows.
 */
public final class FeedbackRoutes implements HttpService {
    private final FeedbackService feedback;
    private final UserService users;
    private final CompanyService companies;

    public FeedbackRoutes(FeedbackService feedback, UserService users, CompanyService companies) {
        this.feedback = feedback;
        this.users = users;
        this.companies = companies;
    }

    @Override
    public void routing(HttpRules rules) {
        rules.post("/feedbacks[/]", this::submit)
                .put("/feedbacks[/]", this::submit);
    }

    private void submit(ServerRequest req, ServerResponse res) {
        var principal = ApiGuard.principal(req);
        User user = users.byId(principal.userId()).orElseThrow(ApiException::denied);
        Company company = companies.byId(principal.companyId()).orElseThrow(ApiException::denied);
        FeedbackService.SubmitFeedbackModel body = HttpSupport.readJson(req, FeedbackService.SubmitFeedbackModel.class,
                "feedback");
        feedback.submit(company, user, body, ClientInfo.of(req).userAgent(), "feedback");
        HttpSupport.json(res, 200, body);
    }
}
