package dev.crater.config;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * Where a node sits in its network, read apart from {@link CraterConfig} because only
 * {@code crater serve} needs it:
 *
 * @param nodeUrl         where the other nodes sharing the store reach this one
 *                        ({@code CRATER_NODE_URL}, {@code --node-url}): they forward an account's
 *                        requests there when this node runs its trading shard. An {@code http} or
 *                        {@code https} URL of a host and optional port, nothing more (no path, query,
 *                        fragment or user info); empty means the bound address and port (the
 *                        loopback address for a wildcard bind, which only works for nodes on one
 *                        machine)
 * @param trustedProxies  whose {@code X-Forwarded-For} names the client ({@code CRATER_TRUSTED_PROXIES});
 *                        none by default
 */
public record NetworkConfig(String nodeUrl, TrustedProxies trustedProxies) {
    /** The bound address, and no proxy trusted. */
    public static final NetworkConfig DEFAULT = new NetworkConfig("", TrustedProxies.NONE);

    public NetworkConfig {
        nodeUrl = normalizeNodeUrl(nodeUrl);
        Objects.requireNonNull(trustedProxies, "trustedProxies");
    }

    /**
     * @throws IllegalArgumentException for a malformed {@code CRATER_NODE_URL} or {@code CRATER_TRUSTED_PROXIES}
     */
    public static NetworkConfig fromEnvironment(Map<String, String> env) {
        CraterConfig.Env e = new CraterConfig.Env(env);
        return new NetworkConfig(e.string("CRATER_NODE_URL", ""),
                TrustedProxies.parse(e.string("CRATER_TRUSTED_PROXIES", "")));
    }

    public NetworkConfig withNodeUrl(String url) {
        return new NetworkConfig(url, trustedProxies);
    }

    public NetworkConfig withTrustedProxies(TrustedProxies proxies) {
        return new NetworkConfig(nodeUrl, proxies);
    }

    /** The node URL to record in the lease rows: the configured one, else {@code fallback} (the bound address). */
    public String nodeUrlOr(String fallback) {
        return nodeUrl.isEmpty() ? fallback : nodeUrl;
    }

    /**
     * Checks a node URL: empty stays empty; otherwise {@code http(s)://host[:port]} with an optional
     * trailing slash, which is dropped.
     *
     * @throws IllegalArgumentException naming the problem
     */
    public static String normalizeNodeUrl(String text) {
        if (text == null || text.isBlank()) {
            return "";
        }
        String t = text.trim();
        while (t.endsWith("/")) {
            t = t.substring(0, t.length() - 1);
        }
        URI uri;
        try {
            uri = new URI(t);
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException("CRATER_NODE_URL is not a URL: " + e.getMessage());
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        if (!scheme.equals("http") && !scheme.equals("https")) {
            throw new IllegalArgumentException("CRATER_NODE_URL must start with http:// or https://, got '" + t + "'");
        }
        if (uri.getHost() == null || uri.getHost().isEmpty()) {
            throw new IllegalArgumentException("CRATER_NODE_URL must name a host (and a port, if not 80/443), got '"
                    + t + "'");
        }
        if (uri.getPort() > 65535) {
            throw new IllegalArgumentException("CRATER_NODE_URL has a port beyond 65535, got '" + t + "'");
        }
        if (uri.getRawUserInfo() != null || uri.getRawQuery() != null || uri.getRawFragment() != null
                || (uri.getRawPath() != null && !uri.getRawPath().isEmpty())) {
            throw new IllegalArgumentException("CRATER_NODE_URL must be only scheme, host and port (no path, query,"
                    + " fragment or user info): other nodes append the request's own path, got '" + t + "'");
        }
        return t;
    }
}
