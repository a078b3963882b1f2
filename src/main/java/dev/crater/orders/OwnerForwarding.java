package dev.crater.orders;

import dev.crater.http.ApiError;
import dev.crater.http.ClientInfo;
import dev.crater.http.HttpSupport;
import io.helidon.http.HeaderName;
import io.helidon.http.HeaderNames;
import io.helidon.http.Status;
import io.helidon.webserver.http.Filter;
import io.helidon.webserver.http.FilterChain;
import io.helidon.webserver.http.RoutingRequest;
import io.helidon.webserver.http.RoutingResponse;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Requests for a trading account whose shard another node owns ({@code /api/v1.0/accounts/{id}/…}
 * and the {@code v1} prefix) go to that node, as they came, and its answer comes back as it went:
 * the owner checks the app key and token itself, so nothing is trusted from the forwarding node.
 * A request is forwarded at most once ({@link #FORWARDED}); while a shard has no live owner the
 * account's engine calls answer 503 with {@code Retry-After} (the service's own refusal).
 */
public final class OwnerForwarding implements Filter {
    /** Marks a forwarded request (its value: the forwarding node), so it is never forwarded again. */
    public static final HeaderName FORWARDED = HeaderNames.create("X-Crater-Forwarded-By");
    /** How long the owner may take to connect, and to answer (the engine's own deadline and some). */
    static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(2);
    static final Duration ANSWER_TIMEOUT = Duration.ofMillis(TradingService.DEADLINE_MS + 5_000);
    /** Headers a hop does not pass on (RFC 9110 §7.6.1), and those the HTTP client sets itself. */
    static final Set<String> HOP_HEADERS = Set.of("connection", "keep-alive", "proxy-connection", "te", "trailer",
            "transfer-encoding", "upgrade", "host", "content-length", "expect", "proxy-authorization",
            "proxy-authenticate", "http2-settings");

    private static final String X_FORWARDED_FOR = ClientInfo.X_FORWARDED_FOR.lowerCase();
    private static final Pattern ACCOUNT_PATH = Pattern.compile("^/api/v1(?:\\.0)?/accounts/(\\d{1,18})(?:/.*)?$",
            Pattern.CASE_INSENSITIVE);

    private final TradingService trading;
    private final NodeClient client = new NodeClient(CONNECT_TIMEOUT);

    public OwnerForwarding(TradingService trading) {
        this.trading = trading;
    }


    @Override
    public void filter(FilterChain chain, RoutingRequest req, RoutingResponse res) {
        Optional<String> owner = ownerOf(req);
        if (owner.isEmpty()) {
            chain.proceed();
            return;
        }
        forward(owner.get(), req, res);
    }

    private Optional<String> ownerOf(RoutingRequest req) {
        if (trading.node().isEmpty() || req.headers().contains(FORWARDED)) {
            return Optional.empty();
        }
        Matcher m = ACCOUNT_PATH.matcher(req.prologue().uriPath().rawPath());
        if (!m.matches()) {
            return Optional.empty();
        }
        return trading.ownerElsewhere(Long.parseLong(m.group(1)));
    }

    private void forward(String owner, RoutingRequest req, RoutingResponse res) {
        byte[] body = HttpSupport.body(req); // read (bounded) by the body filter before routing
        String query = req.prologue().query().rawValue();
        URI target = URI.create(owner + req.prologue().uriPath().rawPath() + (query.isEmpty() ? "" : "?" + query));
        HttpRequest.Builder out = HttpRequest.newBuilder(target).timeout(ANSWER_TIMEOUT)
                .method(req.prologue().method().text(), body.length == 0 ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofByteArray(body));
        for (var header : req.headers()) {
            String name = header.name().toLowerCase(Locale.ROOT);
            if (!HOP_HEADERS.contains(name) && !name.equals(X_FORWARDED_FOR)) {
                for (String value : header.allValues()) {
                    out.header(header.name(), value);
                }
            }
        }
        out.header(FORWARDED.defaultCase(), trading.node().orElse(""));
        out.header(ClientInfo.X_FORWARDED_FOR.defaultCase(), forwardedFor(req));
        HttpResponse<byte[]> answer;
        try {
            answer = client.get().send(out.build(), HttpResponse.BodyHandlers.ofByteArray());
        } catch (IOException e) {
            unavailable(res);
            return;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            unavailable(res);
            return;
        }
        res.status(Status.create(answer.statusCode()));
        answer.headers().map().forEach((name, values) -> {
            if (!HOP_HEADERS.contains(name.toLowerCase(Locale.ROOT)) && !name.startsWith(":")
                    && !name.equalsIgnoreCase("date")) {
                res.header(HeaderNames.create(name), values.toArray(String[]::new));
            }
        });
        res.send(answer.body());
    }

    /**
     * The {@code X-Forwarded-For} the owner gets: what came (one line, in order) with this node's TCP
     * peer appended, as a proxy appends. The owner reads it only if it trusts this node
     * ({@code CRATER_TRUSTED_PROXIES} lists the nodes), and then right to left: the peer appended here
     * first, so what the client itself sent is never taken for the client's address.
     */
    static String forwardedFor(RoutingRequest req) {
        String peer = req.remotePeer().address() instanceof InetSocketAddress inet && inet.getAddress() != null
                ? inet.getAddress().getHostAddress() : req.remotePeer().host();
        List<String> came = req.headers().all(ClientInfo.X_FORWARDED_FOR, List::of);
        return came.isEmpty() ? peer : String.join(", ", came) + ", " + peer;
    }

    private static void unavailable(RoutingResponse res) {
        res.header(HeaderNames.RETRY_AFTER, "1");
        HttpSupport.json(res, 503, new ApiError.Message("This account's trading is moving between nodes; try again"
                + " shortly."));
    }
}
