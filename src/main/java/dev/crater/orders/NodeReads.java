package dev.crater.orders;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.crater.common.Refusal;
import dev.crater.crypto.SecretBox;
import dev.crater.crypto.Secrets;
import dev.crater.http.ApiError;
import dev.crater.http.HttpSupport;
import dev.crater.orders.engine.Balances;
import io.helidon.http.HeaderName;
import io.helidon.http.HeaderNames;
import io.helidon.http.HttpMediaTypes;
import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.HttpService;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.InstantSource;
import java.util.Optional;

/**
 * Engine reads between the nodes sharing one PostgreSQL (issue 16). An account's balance figures live
 * in the engine of the node that runs its shard; a node asked for them — a consolidated balance over
 * accounts on several shards, or a streamer socket's {@code AccountBalance} and {@code UserBalance} —
 * asks that node, at {@code GET /internal/v1/engine/balances/{accountId}}.
 *
 * <p>These requests are signed, not authenticated as a user: {@code X-Crater-Node},
 * {@code X-Crater-Node-Time} (the sender's clock, milliseconds) and {@code X-Crater-Node-Mac}, the
 * HMAC-SHA256 of method, path, node and time under a key derived from the master key, which every node
 * of a deployment shares ({@link SecretBox#nodeMac}). A request whose time is more than
 * {@link #SKEW_MS} from the receiver's clock, or whose MAC does not match, is refused with 403 and
 * nothing of the account; so is every request on the embedded store (one node: 404, no such route).
 * The caller has already checked the user's access to the account: only nodes ask.
 */
public final class NodeReads implements HttpService {
    /** Where a node serves the balances of the accounts its shards run. */
    public static final String BALANCES_PATH = "/internal/v1/engine/balances";
    static final HeaderName NODE = HeaderNames.create("X-Crater-Node");
    static final HeaderName TIME = HeaderNames.create("X-Crater-Node-Time");
    static final HeaderName MAC = HeaderNames.create("X-Crater-Node-Mac");
    /** How far a signed request's time may be from the receiver's clock (the nodes' clocks are NTP-synced). */
    static final long SKEW_MS = 30_000;
    /**
     * How long a node may take to connect, and to answer. Short: a balance read is one shard query,
     * and the asking thread may be the trade-data streamer's only one (a stalled owner must not hold
     * every socket's messages for long); past it the caller gets 503 with {@code Retry-After}.
     */
    static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(1);
    static final Duration ANSWER_TIMEOUT = Duration.ofSeconds(3);
    /** Longest node id accepted in a signed request (ours are UUIDs). */
    static final int NODE_ID_CHARS_MAX = 64;

    private static final ObjectMapper JSON = JsonMapper.builder().build();

    private final TradingService trading;
    private final SecretBox box;
    private final InstantSource clock;
    private final NodeClient client = new NodeClient(CONNECT_TIMEOUT);

    public NodeReads(TradingService trading, SecretBox box, InstantSource clock) {
        this.trading = trading;
        this.box = box;
        this.clock = clock;
        trading.remoteReads(this);
    }


    // ---- the serving side --------------------------------------------------------------------------

    @Override
    public void routing(HttpRules rules) {
        rules.get(BALANCES_PATH + "/{account}", this::balances);
    }

    private void balances(ServerRequest req, ServerResponse res) {
        Optional<String> self = trading.node();
        if (self.isEmpty()) {
            HttpSupport.json(res, 404, new ApiError.Message("No HTTP resource was found that matches the request URI."));
            return;
        }
        String path = req.path().rawPath();
        if (!signedByNode(req, "GET", path)) {
            HttpSupport.json(res, 403, new ApiError.Message("Only the nodes sharing this store may ask for this."));
            return;
        }
        long accountId;
        try {
            accountId = Long.parseLong(req.path().pathParameters().get("account"));
        } catch (NumberFormatException e) {
            HttpSupport.json(res, 400, new ApiError.Message("The account id is not a number."));
            return;
        }
        if (!trading.local(accountId)) {
            res.header(HeaderNames.RETRY_AFTER, "1");
            HttpSupport.json(res, 503, new ApiError.Message("This account's trading is not on this node."));
            return;
        }
        Balances b;
        try {
            b = trading.read(accountId, e -> e.balances(accountId));
        } catch (Refusal.Unavailable moving) {
            res.header(HeaderNames.RETRY_AFTER, "1");
            HttpSupport.json(res, 503, new ApiError.Message(moving.getMessage()));
            return;
        }
        if (b == null) {
            HttpSupport.json(res, 404, new ApiError.Message("The account is not in this node's engine."));
            return;
        }
        try {
            res.header(HeaderNames.CACHE_CONTROL, "no-store");
            res.headers().contentType(HttpMediaTypes.JSON_UTF_8);
            res.send(JSON.writeValueAsBytes(b));
        } catch (IOException e) {
            throw new IllegalStateException("balances not written", e);
        }
    }

    private boolean signedByNode(ServerRequest req, String method, String path) {
        Optional<String> node = HttpSupport.header(req, NODE);
        Optional<String> time = HttpSupport.header(req, TIME);
        Optional<String> mac = HttpSupport.header(req, MAC);
        if (node.isEmpty() || time.isEmpty() || mac.isEmpty() || node.get().length() > NODE_ID_CHARS_MAX) {
            return false;
        }
        long at;
        try {
            at = Long.parseLong(time.get());
        } catch (NumberFormatException e) {
            return false;
        }
        if (Math.abs(clock.millis() - at) > SKEW_MS) {
            return false;
        }
        return Secrets.equal(mac.get(), box.nodeMac(signed(method, path, node.get(), at)));
    }

    static String signed(String method, String path, String node, long atMs) {
        return method + "\n" + path + "\n" + node + "\n" + atMs;
    }

    // ---- the asking side ---------------------------------------------------------------------------

    /**
     * The account's balance figures from the node at {@code ownerUrl} (null when its engine does not
     * know the account).
     *
     * @throws Refusal.Unavailable when that node cannot answer (unreachable, its shard moving)
     */
    Balances balances(String ownerUrl, long accountId) {
        String path = BALANCES_PATH + "/" + accountId;
        String node = trading.node().orElseThrow();
        long at = clock.millis();
        HttpRequest request = HttpRequest.newBuilder(URI.create(ownerUrl + path)).timeout(ANSWER_TIMEOUT).GET()
                .header(NODE.defaultCase(), node)
                .header(TIME.defaultCase(), Long.toString(at))
                .header(MAC.defaultCase(), box.nodeMac(signed("GET", path, node, at)))
                .build();
        HttpResponse<byte[]> answer;
        try {
            answer = client.get().send(request, HttpResponse.BodyHandlers.ofByteArray());
        } catch (IOException e) {
            throw moving();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw moving();
        }
        return switch (answer.statusCode()) {
            case 200 -> {
                try {
                    yield JSON.readValue(answer.body(), Balances.class);
                } catch (IOException e) {
                    throw new IllegalStateException("node " + ownerUrl + " answered unreadable balances", e);
                }
            }
            case 404 -> null;
            case 403 -> throw new IllegalStateException("node " + ownerUrl + " refused this node's signature:"
                    + " do the nodes share one master key (CRATER_MASTER_KEY) and a synchronised clock?");
            default -> throw moving();
        };
    }

    private static Refusal.Unavailable moving() {
        return new Refusal.Unavailable("This account's trading is moving between nodes; try again shortly.");
    }
}
