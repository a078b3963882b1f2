package dev.crater.ops;

import dev.crater.metrics.Counter;
import dev.crater.metrics.Histogram;
import dev.crater.metrics.Metrics;
import dev.crater.store.Monotonic;
import io.helidon.webserver.http.Filter;
import java.util.List;
import java.util.Set;

/**
 * Requests by route template, method and status code, and their latency by route template and
 * method. The route is the pattern Helidon matched ({@code /api/v{version}/accounts/{accountId}/orders}),
 * never the raw path, so the series are bounded by the routing table; a request no route matched
 * is {@code unmatched}. Counted when the answer has been sent, so every refusal (a guard's, an error
 * handler's) counts under its status.
 */
public final class HttpMetrics {
    /** What the route label says for a request no route matched (the 404 fallback, a filter's refusal). */
    static final String UNMATCHED = "unmatched";
    /** Helidon's syntax for the optional trailing slash most routes end with. */
    private static final String OPTIONAL_SLASH = "[/]";
    private static final Set<String> METHODS = Set.of("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS");

    private final Counter requests;
    private final Histogram latency;
    private final List<String> versionPrefixes;

    /**
     * @param versionPrefixes the API's version prefixes ({@code /api/v1.0}, {@code /api/v1}): written as
     *                        {@code /api/v{version}}, one series for both
     */
    public HttpMetrics(Metrics metrics, List<String> versionPrefixes) {
        this.requests = metrics.counter("crater_http_requests_total",
                "HTTP requests answered, by route template, method and status code.", "route", "method", "code");
        this.latency = metrics.histogram("crater_http_request_duration_seconds",
                "Time from routing a request to its answer being sent, by route template and method.",
                Histogram.LATENCY_SECONDS, "route", "method");
        this.versionPrefixes = List.copyOf(versionPrefixes);
    }

    /** The filter, first in the routing: it times the request and counts it once its answer is sent. */
    public Filter filter() {
        return (chain, req, res) -> {
            long started = Monotonic.nanos();
            res.whenSent(() -> {
                String route = route(req.matchingPattern().orElse(""));
                String method = req.prologue().method().text();
                method = METHODS.contains(method) ? method : Metrics.OTHER;
                requests.inc(route, method, Integer.toString(res.status().code()));
                latency.observe((Monotonic.nanos() - started) / 1e9, route, method);
            });
            chain.proceed();
        };
    }

    /** The route label: the matched pattern without its optional trailing slash, one template for every version. */
    String route(String matched) {
        if (matched.isEmpty()) {
            return UNMATCHED;
        }
        String pattern = matched.endsWith(OPTIONAL_SLASH)
                ? matched.substring(0, matched.length() - OPTIONAL_SLASH.length()) : matched;
        for (String prefix : versionPrefixes) {
            if (pattern.startsWith(prefix) && (pattern.length() == prefix.length()
                    || pattern.charAt(prefix.length()) == '/')) {
                return prefix.substring(0, prefix.lastIndexOf("/v") + 2) + "{version}" + pattern.substring(prefix.length());
            }
        }
        return pattern;
    }
}
