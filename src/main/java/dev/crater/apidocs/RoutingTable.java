package dev.crater.apidocs;

import io.helidon.webserver.http.HttpService;
import java.util.ArrayList;
import java.util.List;

/**
 * The API's services by where {@code App.routing} mounts them and which guard stands in front of
 * them. {@code App} registers exactly these, and {@link ApiDescription} describes exactly these, so
 * the description and the routing table cannot drift apart.
 *
 * @param versionPrefixes the version prefixes ({@code /api/v1.0}, {@code /api/v1}); each is {@link #ROOT} + {@code /v} + a version
 * @param own             under {@link #ROOT}, each route checking its own credentials (the token, the API's description)
 * @param appKey          under each version prefix, an app key and no bearer token (the forgotten-password flow)
 * @param pinSetup        under each version prefix, an app key and a full or PIN-set-up bearer token
 * @param operatorPath    where the operator routes live below each version prefix
 * @param operator        under {@code prefix + operatorPath}, an operator key only
 * @param trader          under each version prefix behind the API guard: an app key and a full bearer token
 */
public record RoutingTable(List<String> versionPrefixes, List<HttpService> own, List<HttpService> appKey,
        List<HttpService> pinSetup, String operatorPath, List<HttpService> operator, List<HttpService> trader) {

    /** Where the API lives; the description's one server URL. */
    public static final String ROOT = "/api";

    /** Which credentials a mount's routes need, as its guard enforces them. */
    public enum Guard { OWN, APP_KEY, PIN_SETUP, OPERATOR, TRADER }

    /**
     * Services mounted at one place. {@code path} is relative to {@link #ROOT}, with the version as the
     * template {@code /v{version}}, as the description writes it.
     */
    public record Mount(String path, Guard guard, List<HttpService> services) {
    }

    public RoutingTable {
        versionPrefixes = List.copyOf(versionPrefixes);
        own = List.copyOf(own);
        appKey = List.copyOf(appKey);
        pinSetup = List.copyOf(pinSetup);
        operator = List.copyOf(operator);
        trader = List.copyOf(trader);
        if (versionPrefixes.isEmpty()) {
            throw new IllegalArgumentException("at least one version prefix");
        }
        for (String p : versionPrefixes) {
            if (!p.startsWith(ROOT + "/v") || p.length() == (ROOT + "/v").length() || p.indexOf('/', ROOT.length() + 1) > 0) {
                throw new IllegalArgumentException("a version prefix is " + ROOT + "/v<version>: " + p);
            }
        }
        if (!operatorPath.startsWith("/") || operatorPath.endsWith("/")) {
            throw new IllegalArgumentException("operatorPath starts with / and does not end with one: " + operatorPath);
        }
    }

    /** The versions the prefixes name ({@code 1.0}, {@code 1}), in order: the values of {@code {version}}. */
    public List<String> versions() {
        return versionPrefixes.stream().map(p -> p.substring((ROOT + "/v").length())).toList();
    }

    /** This table with {@code service} added to the {@link Guard#OWN} services (the description's own routes). */
    public RoutingTable plusOwn(HttpService service) {
        List<HttpService> more = new ArrayList<>(own);
        more.add(service);
        return new RoutingTable(versionPrefixes, more, appKey, pinSetup, operatorPath, operator, trader);
    }

    /** Every mount, in the order App registers them. */
    public List<Mount> mounts() {
        String versioned = "/v{version}";
        return List.of(new Mount("", Guard.OWN, own),
                new Mount(versioned, Guard.APP_KEY, appKey),
                new Mount(versioned, Guard.PIN_SETUP, pinSetup),
                new Mount(versioned + operatorPath, Guard.OPERATOR, operator),
                new Mount(versioned, Guard.TRADER, trader));
    }
}
