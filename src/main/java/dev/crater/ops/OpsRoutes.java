package dev.crater.ops;

import dev.crater.config.OpsConfig;
import dev.crater.config.PublicUrl;
import dev.crater.crypto.Secrets;
import dev.crater.http.ApiError;
import dev.crater.http.HttpSupport;
import dev.crater.metrics.Metrics;
import io.helidon.http.HeaderNames;
import io.helidon.http.Status;
import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.HttpService;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The operator's endpoints, outside the API ({@code /api}): {@code GET /health/live},
 * {@code GET /health/ready} (no credentials; they reveal nothing but up or down) and
 * {@code GET /metrics} (Prometheus text, only with the bearer token {@code CRATER_METRICS_TOKEN};
 * without a configured token it is not served). See docs/security.md.
 */
public final class OpsRoutes implements HttpService {
    public static final String LIVE = "/health/live";
    public static final String READY = "/health/ready";
    public static final String METRICS = "/metrics";
    private static final String BEARER = "Bearer ";

    private final Health health;
    private final Metrics metrics;
    private final OpsConfig config;

    public OpsRoutes(Health health, Metrics metrics, OpsConfig config) {
        this.health = health;
        this.metrics = metrics;
        this.config = config;
    }

    @Override
    public void routing(HttpRules rules) {
        rules.get(LIVE, (req, res) -> report(res, health.live()))
                .get(READY, (req, res) -> report(res, health.ready()))
                .get(METRICS, this::metrics);
    }

    private static void report(ServerResponse res, Health.Report report) {
        // Written as a map: the API's naming (UpperCamelCase) is not the health checks' convention.
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("status", report.status());
        body.put("checks", report.checks());
        res.header(HeaderNames.CACHE_CONTROL, "no-store");
        HttpSupport.json(res, report.up() ? 200 : 503, body);
    }

    private void metrics(ServerRequest req, ServerResponse res) {
        if (!config.metricsOn()) {
            // Off: the path is like any other unknown one.
            HttpSupport.json(res, 404, ApiError.Message.noRoute(PublicUrl.of(req).requestUri(req)));
            return;
        }
        Optional<String> auth = HttpSupport.header(req, HeaderNames.AUTHORIZATION);
        String given = auth.filter(a -> a.regionMatches(true, 0, BEARER, 0, BEARER.length()))
                .map(a -> a.substring(BEARER.length()).trim()).orElse(null);
        if (!Secrets.equal(given, config.metricsToken())) {
            res.header(HeaderNames.WWW_AUTHENTICATE, "Bearer realm=\"crater-metrics\"");
            HttpSupport.json(res, 401, new ApiError.Message("The metrics need the bearer token CRATER_METRICS_TOKEN."));
            return;
        }
        res.status(Status.OK_200);
        res.header(HeaderNames.CONTENT_TYPE, Metrics.CONTENT_TYPE);
        res.header(HeaderNames.CACHE_CONTROL, "no-store");
        res.send(metrics.scrape().getBytes(StandardCharsets.UTF_8));
    }
}
