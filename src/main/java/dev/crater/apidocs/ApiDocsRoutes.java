package dev.crater.apidocs;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.crater.config.PublicUrl;
import dev.crater.http.ApiError;
import dev.crater.http.HttpSupport;
import io.helidon.http.HeaderName;
import io.helidon.http.HeaderNames;
import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.HttpService;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import java.util.Arrays;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Crater's description of itself, open to anyone (no app key, no token: a client needs it before it
 * can log in, and it holds nothing a company owns):
 *
 * <pre>
 * GET /api/openapi.json     the OpenAPI 3.1 description of every route ({@link ApiDescription})
 * GET /api/docs             the browsable reference: Swagger UI over /api/openapi.json
 * GET /api/docs/{file}      its files ({@link DocsFiles}); any other name is the documented 404
 * </pre>
 *
 * The description is built on the first request, from the routing table, and kept: it reads no
 * clock and changes only with the code. Answers carry an entity tag ({@code If-None-Match} → 304).
 */
public final class ApiDocsRoutes implements HttpService {
    private static final Logger LOG = LoggerFactory.getLogger(ApiDocsRoutes.class);
    static final String DOCUMENT = "/openapi.json";
    static final String DOCS = "/docs";
    static final HeaderName CONTENT_SECURITY_POLICY = HeaderNames.create("Content-Security-Policy");
    /**
     * The reference's pages run, load and fetch from this server only; the one exception is
     * {@code data:} images, which Swagger UI's stylesheet uses for its icons.
     */
    static final String POLICY = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
            + "font-src 'self'; connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

    private final RoutingTable table;
    private final DocsFiles files = new DocsFiles();
    private final ReentrantLock building = new ReentrantLock();   // guards document; held while it is built, never during I/O to a client
    private volatile Document document;

    /** The description and its bytes as served. */
    record Document(ApiDescription.Built built, byte[] bytes, String etag) {
    }

    /** Describes {@code rest} and itself: App mounts this service among the {@link RoutingTable.Guard#OWN} services. */
    public ApiDocsRoutes(RoutingTable rest) {
        this.table = rest.plusOwn(this);
    }

    @Override
    public void routing(HttpRules rules) {
        rules.get(DOCUMENT, this::document)
                .get(DOCS + "[/]", (req, res) -> file(req, res, DocsFiles.INDEX))
                .get(DOCS + "/{file}", (req, res) -> file(req, res, req.path().pathParameters().get("file")));
    }

    /** The description, built on first use. */
    Document described() {
        Document d = document;
        if (d != null) {
            return d;
        }
        building.lock();
        try {
            if (document == null) {
                ApiDescription.Built built = ApiDescription.build(table);
                if (!built.problems().isEmpty()) {
                    LOG.warn("the API description does not match the routing table: {}", built.problems());
                }
                byte[] bytes = new ObjectMapper().writeValueAsBytes(built.document());
                document = new Document(built, bytes, DocsFiles.etag(bytes));
            }
            return document;
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("the description could not be written", e);
        } finally {
            building.unlock();
        }
    }

    private void document(ServerRequest req, ServerResponse res) {
        Document d = described();
        res.header(HeaderNames.X_CONTENT_TYPE_OPTIONS, "nosniff");
        if (notModified(req, res, d.etag())) {
            return;
        }
        HttpSupport.jsonBytes(res, 200, d.bytes());
    }

    private void file(ServerRequest req, ServerResponse res, String name) {
        var found = files.file(name);
        if (found.isEmpty()) {
            HttpSupport.json(res, 404, ApiError.Message.noRoute(PublicUrl.of(req).requestUri(req)));
            return;
        }
        DocsFiles.File f = found.get();
        res.header(CONTENT_SECURITY_POLICY, POLICY);
        res.header(HeaderNames.X_CONTENT_TYPE_OPTIONS, "nosniff");
        res.header(HeaderNames.create("Referrer-Policy"), "no-referrer");
        if (notModified(req, res, f.etag())) {
            return;
        }
        res.header(HeaderNames.CONTENT_TYPE, f.contentType());
        res.send(f.bytes());
    }

    /** Sets the tag; answers 304 when the client holds this version already. */
    private static boolean notModified(ServerRequest req, ServerResponse res, String etag) {
        res.header(HeaderNames.ETAG, etag);
        res.header(HeaderNames.CACHE_CONTROL, "no-cache");
        boolean match = req.headers().first(HeaderNames.IF_NONE_MATCH)
                .map(v -> v.trim().equals("*") || Arrays.stream(v.split(",")).map(String::trim)
                        .anyMatch(t -> t.equals(etag) || t.equals("W/" + etag)))
                .orElse(false);
        if (match) {
            res.status(304).send();
        }
        return match;
    }
}
