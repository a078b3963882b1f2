package dev.crater.streaming;

import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import dev.crater.access.ApiGuard;
import dev.crater.access.Principal;
import dev.crater.companies.CompanyService;
import dev.crater.companies.WireShapes;
import dev.crater.config.PublicUrl;
import dev.crater.http.ApiException;
import dev.crater.http.HttpSupport;
import dev.crater.http.PathIds;
import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.HttpService;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import java.util.List;
import java.util.Optional;

/**
 * The streamers' two REST helpers (reference 11 §2):
 *
 * <pre>
 * GET /streamers                               → {"QuoteAddresses": [{"Url", "Type", "SessionId"}], "DataAddresses": [...]}
 * PUT /streamers/session/recover?sessionType=0|1 → {"Id": "&lt;new streamer session id&gt;"}
 * </pre>
 *
 * Each {@code Url} is the public base URL with {@code ws}/{@code wss} for {@code http}/{@code https},
 * then {@code /api/streamer/quotes} or {@code /api/streamer/data}; a client appends
 * {@code /CreateSession.txt?...}.
 */
public final class StreamerRoutes implements HttpService {
    /** The {@code Type} of both addresses: Crater's simulated market has no delay. */
    static final String TYPE = "RealTime";

    /** The vendor spec's UrlDesc. */
    @JsonPropertyOrder({"Url", "Type", "SessionId"})
    public record UrlDesc(String url, String type, String sessionId) {
    }

    /** The vendor spec's StreamerDataModel. */
    @JsonPropertyOrder({"QuoteAddresses", "DataAddresses"})
    public record StreamerDataModel(List<UrlDesc> quoteAddresses, List<UrlDesc> dataAddresses) {
    }

    /** The recover call's answer, as documented ({@link WireShapes#DOCS}); the spec's is the id as a JSON string. */
    public record RecoveredSession(String id) {
    }

    private final StreamingService streaming;
    private final CompanyService companies;

    public StreamerRoutes(StreamingService streaming, CompanyService companies) {
        this.streaming = streaming;
        this.companies = companies;
    }

    @Override
    public void routing(HttpRules rules) {
        rules.get("/streamers[/]", this::streamers)
                .put("/streamers/session/recover[/]", this::recover);
    }

    /** The streamer URL of {@code kind} under the public base. */
    static String url(String base, StreamerKind kind) {
        String ws = base.startsWith("https://") ? "wss://" + base.substring(8)
                : base.startsWith("http://") ? "ws://" + base.substring(7) : base;
        return ws + StreamingService.PATH + "/" + kind.segment;
    }

    private void streamers(ServerRequest req, ServerResponse res) {
        Principal p = ApiGuard.principal(req);
        String base = PublicUrl.of(req).base();
        UrlDesc quote = new UrlDesc(url(base, StreamerKind.QUOTE), TYPE, streaming.issue(p, StreamerKind.QUOTE));
        UrlDesc data = new UrlDesc(url(base, StreamerKind.DATA), TYPE, streaming.issue(p, StreamerKind.DATA));
        HttpSupport.json(res, 200, new StreamerDataModel(List.of(quote), List.of(data)));
    }

    private void recover(ServerRequest req, ServerResponse res) {
        Principal p = ApiGuard.principal(req);
        Optional<String> raw = HttpSupport.query(req, "sessionType");
        if (raw.isEmpty()) {
            throw ApiException.modelState("sessionType", "The sessionType field is required.");
        }
        Optional<Integer> type = PathIds.parse(raw.get());
        if (type.isEmpty()) {
            throw PathIds.notInt32(raw.get(), "sessionType");
        }
        StreamerKind kind = StreamerKind.ofSessionType(type.get()).orElseThrow(() -> ApiException.modelState(
                "sessionType", "The value '" + type.get() + "' is not a session type: 0 (data) or 1 (quote)."));
        String id = streaming.recover(p, kind);
        // The docs answer {"Id": "…"}; the spec a bare JSON string: the company's wire shapes choose.
        HttpSupport.json(res, 200, companies.wireShapes(p.companyId()) == WireShapes.SPEC ? id : new RecoveredSession(id));
    }
}
