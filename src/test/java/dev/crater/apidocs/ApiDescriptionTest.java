package dev.crater.apidocs;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.crater.App;
import dev.crater.accounts.Account;
import dev.crater.audit.AuditLog;
import dev.crater.common.MarginType;
import dev.crater.companies.Company;
import dev.crater.testing.Http;
import dev.crater.testing.StoreKind;
import dev.crater.testing.TestServer;
import dev.crater.users.User;
import io.helidon.http.Method;
import io.helidon.http.PathMatchers;
import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.HttpService;
import java.io.IOException;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;

/**
 * Goal: {@code GET /api/openapi.json} is true of the server — every route of the routing table is
 * described and every described operation is routed — and is valid OpenAPI 3.1.
 *
 * <p>Method: one real server (SQLite) with one company, one user and one funded account. The
 * description built from {@link App#routingTable} must report no problem (a route nobody described,
 * an addition no route serves, a route registered in a form that names no path), and the checker
 * itself is shown to catch each kind. Then every operation of the served document is called over
 * HTTP with the credentials its security names and values of its parameters' types: none may answer
 * the "No HTTP resource" 404, a 405 or a 5xx, and every JSON answer of Crater's own operations (and
 * every Crater-shaped error answer of the vendor's) must fit the schema the document gives for its
 * status. The sign-out operations run last.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class ApiDescriptionTest {
    private static final Pattern PARAM = Pattern.compile("\\{([A-Za-z][A-Za-z0-9_]*)}");
    private static final Pattern COMPONENT_NAME = Pattern.compile("^[a-zA-Z0-9._-]+$");
    private static final Set<String> METHODS = Set.of("get", "put", "post", "delete", "options", "head", "patch", "trace");

    TestServer server;
    Company company;
    User user;
    Account account;
    String operatorKey;
    JsonNode served;

    @BeforeAll
    void start() {
        server = TestServer.start(StoreKind.SQLITE);
        company = server.company();
        user = server.user(company, TestServer.username("describe"), null, User.TwoFactorMethod.NONE);
        account = server.services().accounts.open(user, MarginType.Margin, new BigDecimal("100000"),
                BigDecimal.ZERO, BigDecimal.ZERO, BigDecimal.ZERO);
        operatorKey = server.services().operatorKeys.create(AuditLog.Actor.CLI, company, "describe").secret();
        Http.Response r = Http.get(server.api() + "openapi.json");
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        served = r.json();
    }

    @AfterAll
    void stop() {
        if (server != null) {
            server.close();
        }
    }

    ApiDescription.Built built() {
        return ApiDescription.build(App.routingTable(server.services()));
    }

    /** "METHOD path" → operation, in the document's order. */
    static Map<String, JsonNode> operations(JsonNode doc) {
        Map<String, JsonNode> out = new LinkedHashMap<>();
        doc.path("paths").properties().forEach(p -> p.getValue().properties().forEach(m -> {
            if (METHODS.contains(m.getKey())) {
                out.put(m.getKey().toUpperCase() + " " + p.getKey(), m.getValue());
            }
        }));
        return out;
    }

    @Test
    void everyRouteIsDescribedAndEveryDescriptionRouted() {
        ApiDescription.Built built = built();
        assertThat(built.problems()).as("routes and descriptions that do not match").isEmpty();
        assertThat(served).as("the served document is the one the routing table gives").isEqualTo(built.document());
        Map<String, JsonNode> ops = operations(served);
        long vendor = ops.values().stream().filter(o -> o.path("x-crater-origin").asText().equals("vendor")).count();
        long crater = ops.values().stream().filter(o -> o.path("x-crater-origin").asText().equals("crater")).count();
        assertThat(vendor + crater).as("every operation says where its description is from").isEqualTo(ops.size());
        assertThat(vendor).isEqualTo(built.vendorOperations());
        assertThat(crater).isEqualTo(built.craterOperations());
        System.out.printf("API description: %d operations (%d from the vendor's spec, %d Crater additions), %d schemas%n",
                ops.size(), vendor, crater, served.path("components").path("schemas").size());
    }

    /** A service with one route, registered as {@code register} would. */
    static HttpService service(java.util.function.Consumer<HttpRules> routes) {
        return routes::accept;
    }

    @Test
    void theCheckCatchesARouteNobodyDescribed() {
        var table = App.routingTable(server.services())
                .plusOwn(service(r -> r.get("/nowhere[/]", (req, res) -> res.send())));
        ApiDescription.Built built = ApiDescription.build(table);
        assertThat(built.problems()).singleElement().asString().contains("GET /nowhere").contains("neither");
        assertThat(built.document().at("/paths/~1nowhere/get/x-crater-origin").asText()).isEqualTo("undescribed");
    }

    @Test
    void theCheckCatchesARouteItCannotRead() {
        var table = App.routingTable(server.services())
                .plusOwn(service(r -> r.route(Method.GET, PathMatchers.create("/hidden"), (req, res) -> res.send())));
        assertThat(ApiDescription.build(table).problems()).singleElement().asString().contains("names no path pattern");
    }

    @Test
    void theCheckCatchesARouteAnEarlierOneShadows() {
        var table = App.routingTable(server.services()).plusOwn(service(r -> r
                .get("/things/{thingId}[/]", (req, res) -> res.send())
                .get("/things/all[/]", (req, res) -> res.send())));
        assertThat(ApiDescription.build(table).problems())
                .anySatisfy(p -> assertThat(p).contains("GET /things/all").contains("never reached").contains("/things/{thingId}"));
    }

    @Test
    void theCheckCatchesAnAdditionNoRouteServes() {
        ObjectNode additions = (ObjectNode) ApiDescription.resource(ApiDescription.ADDITIONS);
        ((ObjectNode) additions.path("operations")).set("GET /v{version}/crater/nothing", new ObjectMapper().createObjectNode()
                .put("operationId", "Nothing_Get").set("responses", new ObjectMapper().createObjectNode()
                        .set("200", new ObjectMapper().createObjectNode().put("description", "OK"))));
        ApiDescription.Built built = ApiDescription.build(App.routingTable(server.services()),
                ApiDescription.resource(ApiDescription.FACTS), additions);
        assertThat(built.problems()).singleElement().asString().contains("Nothing_Get").contains("no route serves");
    }

    @Test
    void theCheckCatchesAnOperationDescribedTwice() {
        ObjectNode additions = (ObjectNode) ApiDescription.resource(ApiDescription.ADDITIONS);
        ((ObjectNode) additions.path("operations")).set("GET /v{version}/users/{id}/info", new ObjectMapper().createObjectNode()
                .put("operationId", "Twice").set("responses", new ObjectMapper().createObjectNode()
                        .set("200", new ObjectMapper().createObjectNode().put("description", "OK"))));
        ApiDescription.Built built = ApiDescription.build(App.routingTable(server.services()),
                ApiDescription.resource(ApiDescription.FACTS), additions);
        assertThat(built.problems()).singleElement().asString().contains("described by the vendor's spec and by the additions");
    }

    @Test
    void theDocumentIsValidOpenApi31() {
        List<String> problems = new ArrayList<>();
        assertThat(served.path("openapi").asText()).isEqualTo("3.1.0");
        assertThat(served.path("info").path("title").isTextual() && served.path("info").path("version").isTextual()).isTrue();
        SchemaCheck refs = new SchemaCheck(served);
        refs(served, "#", refs, problems);
        Set<String> ids = new HashSet<>();
        Set<String> shapes = new HashSet<>();
        served.path("paths").properties().forEach(p -> {
            if (!p.getKey().startsWith("/") || !shapes.add(PARAM.matcher(p.getKey()).replaceAll("{}"))) {
                problems.add(p.getKey() + ": not a path, or a path of the same shape as another");
            }
            p.getValue().properties().forEach(m -> operation(p.getKey(), m.getKey(), m.getValue(), refs, ids, problems));
        });
        served.path("components").properties().forEach(kind -> kind.getValue().fieldNames().forEachRemaining(name -> {
            if (!COMPONENT_NAME.matcher(name).matches()) {
                problems.add("component name " + kind.getKey() + "/" + name);
            }
        }));
        assertThat(problems).isEmpty();
    }

    private void operation(String path, String method, JsonNode op, SchemaCheck refs, Set<String> ids, List<String> problems) {
        String at = method + " " + path;
        if (!METHODS.contains(method)) {
            problems.add(at + ": not an HTTP method");
            return;
        }
        if (!op.path("operationId").isTextual() || !ids.add(op.path("operationId").asText())) {
            problems.add(at + ": operationId missing or not unique: " + op.path("operationId"));
        }
        if (!op.path("responses").isObject() || op.path("responses").isEmpty()) {
            problems.add(at + ": no responses");
        }
        op.path("responses").properties().forEach(r -> {
            JsonNode response = r.getValue().has("$ref") ? refs.resolve(r.getValue().path("$ref").asText()) : r.getValue();
            if (!r.getKey().matches("[1-5][0-9][0-9]|default") || !response.path("description").isTextual()) {
                problems.add(at + " " + r.getKey() + ": a response needs a status and a description");
            }
        });
        Set<String> params = new HashSet<>();
        List<String> pathParams = new ArrayList<>();
        for (JsonNode p : op.path("parameters")) {
            JsonNode resolved = p.has("$ref") ? refs.resolve(p.path("$ref").asText()) : p;
            String key = resolved.path("in").asText() + " " + resolved.path("name").asText();
            if (!params.add(key) || !resolved.has("schema") || !List.of("path", "query", "header", "cookie").contains(resolved.path("in").asText())) {
                problems.add(at + ": parameter " + key + " repeated, without a schema or in no place");
            }
            if (resolved.path("in").asText().equals("path")) {
                pathParams.add(resolved.path("name").asText());
                if (!resolved.path("required").asBoolean()) {
                    problems.add(at + ": path parameter " + key + " must be required");
                }
            }
        }
        List<String> template = new ArrayList<>();
        Matcher m = PARAM.matcher(path);
        while (m.find()) {
            template.add(m.group(1));
        }
        if (!new HashSet<>(template).equals(new HashSet<>(pathParams)) || template.size() != pathParams.size()) {
            problems.add(at + ": the template's parameters " + template + " are not the declared ones " + pathParams);
        }
        for (JsonNode requirement : op.path("security")) {
            requirement.fieldNames().forEachRemaining(s -> {
                if (!served.path("components").path("securitySchemes").has(s)) {
                    problems.add(at + ": security scheme " + s + " is not defined");
                }
            });
        }
    }

    /** Every {@code $ref} of the document resolves. */
    private static void refs(JsonNode node, String at, SchemaCheck doc, List<String> problems) {
        List<Map.Entry<String, JsonNode>> stack = new ArrayList<>(List.of(Map.entry(at, node)));
        while (!stack.isEmpty()) {
            var e = stack.removeLast();
            JsonNode n = e.getValue();
            if (n.has("$ref") && n.get("$ref").isTextual() && doc.resolve(n.get("$ref").asText()).isMissingNode()) {
                problems.add(e.getKey() + ": $ref " + n.get("$ref").asText() + " resolves to nothing");
            }
            if (n.isObject()) {
                n.properties().forEach(c -> stack.add(Map.entry(e.getKey() + "/" + c.getKey(), c.getValue())));
            } else if (n.isArray()) {
                for (int i = 0; i < n.size(); i++) {
                    stack.add(Map.entry(e.getKey() + "/" + i, n.get(i)));
                }
            }
        }
    }

    /**
     * A second opinion where it is installed: the openapi-spec-validator package (Python) validates
     * the document against the OpenAPI 3.1 schema. Skipped, with the reason, where it is not.
     */
    @Test
    void anOpenApiValidatorAcceptsTheDocument() throws Exception {
        Assumptions.assumeTrue(run(List.of("python3", "-c", "import openapi_spec_validator")).exitValue() == 0,
                "python3 with openapi-spec-validator is not installed");
        Path file = Files.createTempFile("crater-openapi-", ".json");
        try {
            Files.writeString(file, served.toString());
            Process p = run(List.of("python3", "-c", "import json,sys\nfrom openapi_spec_validator import validate\n"
                    + "validate(json.load(open(sys.argv[1])))\nprint('valid')", file.toString()));
            String out = new String(p.getInputStream().readAllBytes());
            assertThat(p.exitValue()).as(out).isZero();
            assertThat(out).contains("valid");
        } finally {
            Files.deleteIfExists(file);
        }
    }

    private static Process run(List<String> command) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        if (!p.waitFor(120, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError(command + " did not end within 120 s");
        }
        return p;
    }

    @Test
    void theDocumentIsOpenCachedAndTagged() {
        Http.Response first = Http.get(server.api() + "openapi.json", "Et-App-Key", "not-a-key", "Authorization", "Bearer nope");
        assertThat(first.status()).as("no credentials are looked at").isEqualTo(200);
        assertThat(first.header("Content-Type")).isEqualTo("application/json; charset=utf-8");
        assertThat(first.header("ETag")).matches("\"[0-9a-f]{32}\"");
        server.clock.advance(Duration.ofDays(400));   // the document reads no clock
        Http.Response second = Http.get(server.api() + "openapi.json");
        assertThat(second.body()).isEqualTo(first.body());
        assertThat(second.header("ETag")).isEqualTo(first.header("ETag"));
        Http.Response again = Http.get(server.api() + "openapi.json", "If-None-Match", first.header("ETag"));
        assertThat(again.status()).isEqualTo(304);
        assertThat(again.body()).isEmpty();
        assertThat(Http.get(server.api() + "openapi.json", "If-None-Match", "\"other\"").status()).isEqualTo(200);
        assertThat(Http.send("POST", server.api() + "openapi.json", "{}").status()).as("GET only").isEqualTo(404);
    }

    // ---- every described operation, called -----------------------------------------------------

    @Test
    void everyDescribedOperationAnswersOnARealServer() {
        Map<String, JsonNode> ops = operations(served);
        SchemaCheck schemas = new SchemaCheck(served);
        List<String> unrouted = new ArrayList<>();
        List<String> misfits = new ArrayList<>();
        List<String> signOuts = new ArrayList<>();
        int checked = 0;
        String token = server.login(company, user.username());
        for (var e : ops.entrySet()) {
            String path = e.getKey().substring(e.getKey().indexOf(' ') + 1);
            if (path.equals("/logout") || e.getKey().equals("DELETE /token")) {
                signOuts.add(e.getKey());
                continue;
            }
            checked += call(e.getKey(), e.getValue(), token, schemas, unrouted, misfits);
        }
        for (String key : signOuts) {
            String own = server.login(company, user.username());
            call(key, ops.get(key), own, schemas, unrouted, misfits);
            assertThat(Http.get(server.api() + "v1.0/users/@me/info", "Et-App-Key", company.appKey(),
                    "Authorization", "Bearer " + own).status()).as(key + " revokes the token").isEqualTo(401);
        }
        System.out.printf("API description: %d operations called, %d answers checked against their schemas%n",
                ops.size(), checked);
        assertThat(unrouted).as("described operations the server does not route").isEmpty();
        assertThat(misfits).as("answers that do not fit the described schema").isEmpty();
        assertThat(checked).as("answers checked against a schema").isGreaterThan(30);
    }

    /** Calls one operation; returns 1 when its answer was checked against a described schema. */
    private int call(String key, JsonNode op, String token, SchemaCheck schemas, List<String> unrouted, List<String> misfits) {
        String method = key.substring(0, key.indexOf(' '));
        String path = key.substring(key.indexOf(' ') + 1);
        StringBuilder query = new StringBuilder();
        for (JsonNode p : op.path("parameters")) {
            JsonNode param = p.has("$ref") ? schemas.resolve(p.path("$ref").asText()) : p;
            String name = param.path("name").asText();
            switch (param.path("in").asText()) {
                case "path" -> path = path.replace("{" + name + "}", value(name, param.path("schema")));
                case "query" -> {
                    if (param.path("required").asBoolean()) {
                        query.append(query.isEmpty() ? '?' : '&').append(name).append('=')
                                .append(java.net.URLEncoder.encode(value(name, param.path("schema")), java.nio.charset.StandardCharsets.UTF_8));
                    }
                }
                default -> { }
            }
        }
        List<String> headers = new ArrayList<>(List.of("Accept", "application/json"));
        JsonNode security = op.path("security");
        if (!security.isEmpty()) {
            JsonNode requirement = security.get(0);   // the first alternative: POST /token's is the app key alone
            if (requirement.has("AppKey")) {
                headers.addAll(List.of("Et-App-Key", company.appKey()));
            }
            if (requirement.has("Bearer")) {
                headers.addAll(List.of("Authorization", "Bearer " + token));
            }
            if (requirement.has("OperatorKey")) {
                headers.addAll(List.of("X-Crater-Operator-Key", operatorKey));
            }
        }
        if (path.equals("/token")) {
            headers.addAll(List.of("Username", user.username(), "Password", TestServer.PASSWORD));
        }
        boolean body = op.has("requestBody");
        if (body) {
            headers.addAll(List.of("Content-Type", "application/json"));
        }
        Http.Response r = Http.send(method, server.api() + path.substring(1) + query, body ? "{}" : null,
                headers.toArray(String[]::new));
        if (r.status() >= 500 || r.status() == 405 || (r.status() == 404 && r.body().contains("No HTTP resource"))) {
            unrouted.add(key + " → " + r.status() + " " + r.body());
            return 0;
        }
        return fits(key, op, r, schemas, misfits);
    }

    /** Checks a JSON answer against the schema described for its status, where Crater wrote that schema. */
    private static int fits(String key, JsonNode op, Http.Response r, SchemaCheck schemas, List<String> misfits) {
        JsonNode response = op.path("responses").path(String.valueOf(r.status()));
        boolean craterShaped = response.has("$ref") || op.path("x-crater-origin").asText().equals("crater");
        if (response.has("$ref")) {
            response = schemas.resolve(response.path("$ref").asText());
        }
        JsonNode schema = response.path("content").path("application/json").path("schema");
        String type = r.header("Content-Type");
        if (!craterShaped || schema.isMissingNode() || type == null || !type.startsWith("application/json")) {
            return 0;
        }
        List<String> problems = schemas.problems(r.json(), schema);
        if (!problems.isEmpty()) {
            misfits.add(key + " → " + r.status() + ": " + problems);
        }
        return 1;
    }

    private String value(String name, JsonNode schema) {
        return switch (name) {
            case "version" -> "1.0";
            case "accountId", "clearingNumber" -> String.valueOf(account.id());
            case "userId" -> String.valueOf(user.id());
            case "username" -> user.username();
            case "symbol", "idOrSymbol" -> "AAPL";
            case "alias" -> "main";
            case "file" -> "swagger-ui.css";
            case "phoneNumber" -> "+13105550100";
            case "mask" -> "AA";
            case "maxCount", "pageSize" -> "5";
            case "pageNumber" -> "0";
            default -> switch (schema.path("type").asText()) {
                case "integer", "number" -> "1";
                case "boolean" -> "true";
                default -> schema.has("enum") ? schema.path("enum").path(0).asText() : "1";
            };
        };
    }
}
