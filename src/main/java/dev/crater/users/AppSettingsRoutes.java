package dev.crater.users;

import dev.crater.access.ApiGuard;
import dev.crater.access.Principal;
import dev.crater.companies.Company;
import dev.crater.companies.CompanyService;
import dev.crater.http.ApiException;
import dev.crater.http.HttpSupport;
import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.HttpService;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;

/**
 * The company's app settings (reference 02-users.md §2 #4 and §5), in two mounts:
 *
 * <pre>
 * GET /v1.0/applications/mobile/settings          (app key only)     → {"Settings": {…}}
 * GET /v1.0/access-types/{category}/allowed?description=&amp;startsWith=  (bearer) → [AccessType]
 * GET /v1.0/access-types/{category}/value?description=&amp;startsWith=    (bearer) → {"Name": "value"}
 * </pre>
 *
 * A member of the company's ProTrader group also has ClientsAccess {@code ProTraderGroup} ("1").
 */
public final class AppSettingsRoutes {
    private AppSettingsRoutes() {
    }

    /** The mobile settings: no bearer token, as the docs say (the app shows them before a login). */
    public static final class Mobile implements HttpService {
        private final AppSettings settings;
        private final CompanyService companies;

        public Mobile(AppSettings settings, CompanyService companies) {
            this.settings = settings;
            this.companies = companies;
        }

        @Override
        public void routing(HttpRules rules) {
            rules.get("/applications/mobile/settings[/]", this::mobile);
        }

        private void mobile(ServerRequest req, ServerResponse res) {
            Company company = HttpSupport.header(req, ApiGuard.APP_KEY).flatMap(companies::byAppKey)
                    .orElseThrow(ApiException::appKey);
            HttpSupport.json(res, 200, settings.mobile(company.id()));
        }
    }

    /** The access settings of the caller's company. */
    public static final class Access implements HttpService {
        private final AppSettings settings;

        public Access(AppSettings settings) {
            this.settings = settings;
        }

        @Override
        public void routing(HttpRules rules) {
            rules.get("/access-types/{category}/allowed[/]", this::allowed)
                    .get("/access-types/{category}/value[/]", this::value);
        }

        private static String category(ServerRequest req) {
            return AppSettings.category(req.path().pathParameters().get("category")).orElseThrow(ApiException::invalid);
        }

        private void allowed(ServerRequest req, ServerResponse res) {
            Principal p = ApiGuard.principal(req);
            HttpSupport.json(res, 200, settings.accessTypes(p.companyId(), p.userId(), category(req),
                    HttpSupport.query(req, "description").orElse(null), HttpSupport.query(req, "startsWith").orElse(null)));
        }

        private void value(ServerRequest req, ServerResponse res) {
            Principal p = ApiGuard.principal(req);
            HttpSupport.json(res, 200, settings.accessValues(p.companyId(), p.userId(), category(req),
                    HttpSupport.query(req, "description").orElse(null), HttpSupport.query(req, "startsWith").orElse(null)));
        }
    }
}
