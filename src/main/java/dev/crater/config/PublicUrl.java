package dev.crater.config;

import io.helidon.common.context.Context;
import io.helidon.webserver.http.ServerRequest;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.Locale;

/**
 * The absolute base of every URL the API writes into an answer (paging links, the URI named in a
 * "No HTTP resource" 404): {@code CRATER_PUBLIC_URL} when set, else {@code http://<bound address>:<port>}
 * ({@code localhost} for a wildcard bind). Never anything the request says about itself: the
 * {@code Host} header, {@code Forwarded} and {@code X-Forwarded-*} are the client's words, and a
 * link built from them is a link to wherever the client chose (cache poisoning, phishing links in
 * shared answers).
 *
 * <p>One per server, registered in the server's context so every request reaches it with
 * {@link #of(ServerRequest)}; the default base is known once the server has bound its port.
 */
public final class PublicUrl {
    private final String configured;
    private final String bindHost;
    private volatile String base;

    /**
     * @param configured a base from {@link #normalize(String)}, or empty for the default
     * @param bindHost   the address the server binds
     */
    public PublicUrl(String configured, String bindHost) {
        this.configured = configured == null ? "" : configured;
        this.bindHost = bindHost;
        this.base = this.configured.isEmpty() ? null : this.configured;
    }

    /** The server listens on {@code port}: the default base, when none is configured, is now known. */
    public void bound(int port) {
        if (configured.isEmpty()) {
            String host = bindHost == null || bindHost.isBlank() || bindHost.equals("0.0.0.0") || bindHost.equals("::")
                    || bindHost.equals("[::]") ? "localhost" : bindHost;
            if (host.contains(":") && !host.startsWith("[")) {
                host = "[" + host + "]";
            }
            base = "http://" + host + ":" + port;
        }
    }

    /** The base without a trailing slash, e.g. {@code https://trading.example.com}. */
    public String base() {
        String b = base;
        if (b == null) {
            throw new IllegalStateException("the public base URL is known once the server has bound its port");
        }
        return b;
    }

    /** The URL of the request itself under the public base: its path and query as sent. */
    public String requestUri(ServerRequest req) {
        String query = req.query().rawValue();
        return base() + req.path().absolute().rawPath() + (query.isEmpty() ? "" : "?" + query);
    }

    /** Registers this base in a server context. */
    public void register(Context serverContext) {
        serverContext.register(this);
    }

    /** The base of the server that received {@code req}. */
    public static PublicUrl of(ServerRequest req) {
        return req.context().get(PublicUrl.class)
                .orElseThrow(() -> new IllegalStateException("no PublicUrl in the server context"));
    }

    /**
     * Checks and normalises a configured base: empty stays empty (use the default); otherwise an
     * absolute {@code http} or {@code https} URL with a host, and no user info, query or fragment.
     * A trailing slash is dropped; a path (for a proxy's prefix) is kept.
     *
     * @throws IllegalArgumentException naming the problem
     */
    public static String normalize(String text) {
        if (text == null || text.isBlank()) {
            return "";
        }
        String t = text.trim();
        URI uri;
        try {
            uri = new URI(t);
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException("CRATER_PUBLIC_URL is not a URL: " + e.getMessage());
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        if (!scheme.equals("http") && !scheme.equals("https")) {
            throw new IllegalArgumentException("CRATER_PUBLIC_URL must start with http:// or https://, got '" + t + "'");
        }
        if (uri.getHost() == null || uri.getHost().isEmpty()) {
            throw new IllegalArgumentException("CRATER_PUBLIC_URL must name a host, got '" + t + "'");
        }
        if (uri.getRawUserInfo() != null || uri.getRawQuery() != null || uri.getRawFragment() != null) {
            throw new IllegalArgumentException("CRATER_PUBLIC_URL must not carry user info, a query or a fragment, got '"
                    + t + "'");
        }
        while (t.endsWith("/")) {
            t = t.substring(0, t.length() - 1);
        }
        return t;
    }
}
