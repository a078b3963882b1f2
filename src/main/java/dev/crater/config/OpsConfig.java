package dev.crater.config;

import java.util.Map;
import java.util.Set;

/**
 * What an operator's tools need from a node: the bearer token that opens {@code GET /metrics}
 * ({@code CRATER_METRICS_TOKEN}; without one the metrics are not served at all) and the log format
 * ({@code CRATER_LOG_FORMAT}: {@code text} or {@code json}). Read apart from {@link CraterConfig}
 * because the admin commands never need them. Logback reads the log format itself (logback.xml
 * includes {@code logback-<format>.xml}); it is checked here so that a value with no such file stops
 * {@code crater serve} with a clear error instead of leaving the node without logs.
 *
 * @param metricsToken the token, or empty: metrics off
 */
public record OpsConfig(String metricsToken) {
    /** The values of {@code CRATER_LOG_FORMAT}. */
    public static final Set<String> LOG_FORMATS = Set.of("text", "json");
    /** A shorter token is refused at start-up: it would be guessable. */
    public static final int METRICS_TOKEN_CHARS_MIN = 16;
    /** Longer is refused too (a header has its limits; 256 characters is far beyond any need). */
    public static final int METRICS_TOKEN_CHARS_MAX = 256;
    /** Metrics off. */
    public static final OpsConfig DEFAULT = new OpsConfig("");

    public OpsConfig {
        metricsToken = metricsToken == null ? "" : metricsToken.trim();
        if (!metricsToken.isEmpty() && (metricsToken.length() < METRICS_TOKEN_CHARS_MIN
                || metricsToken.length() > METRICS_TOKEN_CHARS_MAX)) {
            throw new IllegalArgumentException("CRATER_METRICS_TOKEN must be " + METRICS_TOKEN_CHARS_MIN + " to "
                    + METRICS_TOKEN_CHARS_MAX + " characters (e.g. openssl rand -hex 32)");
        }
        for (int i = 0; i < metricsToken.length(); i++) {
            char c = metricsToken.charAt(i);
            if (c <= ' ' || c > '~') {
                throw new IllegalArgumentException("CRATER_METRICS_TOKEN must be printable ASCII without spaces");
            }
        }
    }

    /**
     * @throws IllegalArgumentException for a malformed token or an unknown log format
     */
    public static OpsConfig fromEnvironment(Map<String, String> env) {
        CraterConfig.Env e = new CraterConfig.Env(env);
        String format = e.string("CRATER_LOG_FORMAT", "text");
        if (!LOG_FORMATS.contains(format)) {
            throw new IllegalArgumentException("CRATER_LOG_FORMAT must be text or json, got '" + format + "'");
        }
        return new OpsConfig(e.string("CRATER_METRICS_TOKEN", ""));
    }

    /** Never the token itself (this record may be logged). */
    @Override
    public String toString() {
        return "OpsConfig[metrics " + (metricsOn() ? "on" : "off") + "]";
    }

    public boolean metricsOn() {
        return !metricsToken.isEmpty();
    }
}
