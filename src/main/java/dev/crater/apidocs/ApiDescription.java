package dev.crater.apidocs;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.crater.access.ApiGuard;
import dev.crater.operators.OperatorGuard;
import io.helidon.http.HeaderNames;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Crater's OpenAPI 3.1 description of itself, built from the routing table: every route the
 * {@link RoutingTable}'s services register ({@link RouteRecorder}) is described either from the
 * vendor's spec (its facts-only extract, {@value #FACTS}: the vendor's operationIds, parameters and
 * models, converted from Swagger 2.0) when its method and path shape are the vendor's, or from
 * Crater's hand-written additions ({@value #ADDITIONS}). What fits neither — a route nobody
 * described, an addition no route serves, a route described twice — is a {@linkplain Built#problems
 * problem}; the test of the description requires none.
 *
 * <p>Conversion rules (Swagger 2.0 → OpenAPI 3.1): {@code #/definitions/X} becomes
 * {@code #/components/schemas/} + {@link #componentName}; only the models the described operations
 * reach are included; a body parameter becomes the {@code requestBody}; the {@code Et-App-Key} and
 * {@code Authorization} header parameters become security requirements (which, outside the
 * {@code /api} routes that check their own credentials, are the guard's that stands in front of the
 * route); a model's text property may be null ({@code nullableText}); JSON answers are described as
 * {@code application/json}, the only JSON type Crater writes;
 * a response's description is its status's reason phrase (the extract holds no prose), and a 401,
 * 403 or 422 the vendor lists without a body gets the body Crater answers ({@link #CRATER_ANSWERS}).
 */
public final class ApiDescription {
    static final String FACTS = "/spec/trading-api.facts.json";
    static final String ADDITIONS = "/apidocs/crater-additions.json";
    static final String SCHEMAS = "#/components/schemas/";
    static final String VERSION_PARAMETER = "#/components/parameters/Version";
    static final String OPENAPI_VERSION = "3.1.0";
    /** Schema nesting the converter follows; the vendor's deepest model is far shallower. */
    static final int SCHEMA_DEPTH_MAX = 32;
    static final List<String> METHOD_ORDER = List.of("get", "put", "post", "delete", "options", "head", "patch", "trace");

    /**
     * Where the vendor's spec lists an error status with no body, the body Crater answers (the
     * documented conventions' shapes), by status: the additions' response of that name.
     */
    static final Map<String, String> CRATER_ANSWERS = Map.of("401", "Denied", "403", "AppKeyRefused", "422", "ModelState422");
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
    private static final Pattern SEGMENT = Pattern.compile("(?:[A-Za-z0-9._~-]|\\{[A-Za-z][A-Za-z0-9_]*})+");
    private static final Pattern PARAM = Pattern.compile("\\{([A-Za-z][A-Za-z0-9_]*)}");

    /**
     * The description and what does not fit.
     *
     * @param document          the OpenAPI 3.1 document
     * @param problems          routes described by neither source, additions no route serves, and the like; empty when true
     * @param vendorOperations  operations described from the vendor's spec
     * @param craterOperations  operations described from Crater's additions
     */
    public record Built(ObjectNode document, List<String> problems, int vendorOperations, int craterOperations) {
        public Built {
            problems = List.copyOf(problems);
        }
    }

    private ApiDescription() {
    }

    /** The description of {@code table}, from the extract and the additions on the class path. */
    public static Built build(RoutingTable table) {
        return build(table, resource(FACTS), resource(ADDITIONS));
    }

    static Built build(RoutingTable table, JsonNode facts, JsonNode additions) {
        return new Builder(table, facts, additions).build();
    }

    static JsonNode resource(String name) {
        try (InputStream in = ApiDescription.class.getResourceAsStream(name)) {
            if (in == null) {
                throw new IllegalStateException(name + " is not on the class path");
            }
            return new ObjectMapper().readTree(in);
        } catch (IOException e) {
            throw new UncheckedIOException(name, e);
        }
    }

    /**
     * A vendor model's name as a component name (OpenAPI allows {@code [A-Za-z0-9._-]} only):
     * {@code PagingResult[AccountModel]} → {@code PagingResultOfAccountModel},
     * {@code Tuple[Int32,String]} → {@code TupleOfInt32AndString}.
     */
    static String componentName(String vendorName) {
        return vendorName.replace("[", "Of").replace(",", "And").replace("]", "").replaceAll("[^A-Za-z0-9._-]", "_");
    }

    /**
     * A route or template's shape: the method and the path with every parameter as {@code {}}, so
     * that {@code GET /v{version}/accounts/{accountId}} and {@code GET /v{v}/accounts/{id}} are one
     * shape; and the parameter names in order. Empty when the pattern is not a plain path template.
     */
    record Shape(String key, String path, List<String> params) {
        static Optional<Shape> of(String method, String pattern) {
            String path = pattern.endsWith("[/]") ? pattern.substring(0, pattern.length() - 3) : pattern;
            if (!path.startsWith("/") || path.length() == 1) {
                return Optional.empty();
            }
            for (String segment : path.substring(1).split("/", -1)) {
                if (!SEGMENT.matcher(segment).matches()) {
                    return Optional.empty();
                }
            }
            List<String> params = new ArrayList<>();
            Matcher m = PARAM.matcher(path);
            while (m.find()) {
                params.add(m.group(1));
            }
            return Optional.of(new Shape(method.toUpperCase(Locale.ROOT) + " " + PARAM.matcher(path).replaceAll("{}"),
                    path, List.copyOf(params)));
        }
    }

    /** A vendor operation of the extract. */
    record VendorOp(String method, String path, JsonNode facts) {
        String key() {
            return method.toUpperCase(Locale.ROOT) + " " + path;
        }
    }

    /** The security schemes: the headers the guards read. */
    static ObjectNode securitySchemes() {
        ObjectNode s = NODES.objectNode();
        s.set("AppKey", NODES.objectNode().put("type", "apiKey").put("in", "header").put("name", ApiGuard.APP_KEY.defaultCase())
                .put("description", "The company's application key. Missing or unknown: 403 "
                        + "{\"error\": \"Application key is not defined or does not exist\"}."));
        s.set("Bearer", NODES.objectNode().put("type", "http").put("scheme", "bearer")
                .put("description", "The token POST /token answers, as `" + HeaderNames.AUTHORIZATION.defaultCase()
                        + ": Bearer <token>` (the bare token is accepted too). Missing, expired or revoked: 401 "
                        + "{\"Message\": \"Authorization has been denied for this request.\"}."));
        s.set("OperatorKey", NODES.objectNode().put("type", "apiKey").put("in", "header")
                .put("name", OperatorGuard.OPERATOR_KEY.defaultCase())
                .put("description", "An operator key (`crater admin company operator-key create`); no app key or "
                        + "bearer token is looked at. Missing, unknown or revoked: 401."));
        return s;
    }

    /** The requirement a guard enforces, as an OpenAPI security array. */
    static ArrayNode security(RoutingTable.Guard guard) {
        ArrayNode out = NODES.arrayNode();
        switch (guard) {
            case APP_KEY -> out.add(requirement("AppKey"));
            case PIN_SETUP, TRADER -> out.add(requirement("AppKey", "Bearer"));
            case OPERATOR -> out.add(requirement("OperatorKey"));
            case OWN -> throw new IllegalArgumentException("routes under " + guard + " describe their own security");
        }
        return out;
    }

    static ObjectNode requirement(String... schemes) {
        ObjectNode r = NODES.objectNode();
        for (String s : schemes) {
            r.set(s, NODES.arrayNode());
        }
        return r;
    }

    /** Builds one description; not reused. */
    private static final class Builder {
        private final RoutingTable table;
        private final JsonNode additions;
        private final List<String> problems = new ArrayList<>();
        private final Map<String, List<VendorOp>> vendorByShape = new LinkedHashMap<>();
        private final Map<String, String> vendorModels = new TreeMap<>();
        private final JsonNode vendorDefinitions;
        private final Map<String, TreeMap<String, ObjectNode>> paths = new TreeMap<>();
        private final Map<String, String> operationIds = new TreeMap<>();
        private final List<Earlier> earlier = new ArrayList<>();
        private int vendorOps;
        private int craterOps;

        Builder(RoutingTable table, JsonNode facts, JsonNode additions) {
            this.table = table;
            this.additions = additions;
            this.vendorDefinitions = facts.path("definitions");
            facts.path("paths").properties().forEach(p -> p.getValue().properties().forEach(m -> {
                VendorOp op = new VendorOp(m.getKey(), p.getKey(), m.getValue());
                Shape.of(m.getKey(), p.getKey()).ifPresentOrElse(
                        s -> vendorByShape.computeIfAbsent(s.key(), k -> new ArrayList<>()).add(op),
                        () -> problems.add("vendor path " + p.getKey() + " is not a plain template"));
            }));
            vendorDefinitions.properties().forEach(d -> {
                String previous = vendorModels.put(componentName(d.getKey()), d.getKey());
                if (previous != null) {
                    problems.add("vendor models " + previous + " and " + d.getKey() + " have one component name");
                }
            });
        }

        Built build() {
            Map<String, JsonNode> craterByShape = craterOperations();
            Map<String, String> routed = new TreeMap<>();
            for (RoutingTable.Mount mount : table.mounts()) {
                for (var service : mount.services()) {
                    for (RouteRecorder.Recorded r : RouteRecorder.record(mount.path(), service)) {
                        describe(r, mount.guard(), craterByShape, routed);
                    }
                }
            }
            craterByShape.forEach((shape, op) -> {
                if (!routed.containsKey(shape)) {
                    problems.add("the additions describe " + op.path("operationId").asText() + " ("
                            + op.path("x-crater-key").asText() + "), which no route serves");
                }
            });
            if (!additions.path("info").path("title").isTextual() || !additions.path("info").path("version").isTextual()) {
                problems.add(ADDITIONS + " needs info.title and info.version");
            }
            applyOverrides();
            ObjectNode doc = document();
            return new Built(doc, problems, vendorOps, craterOps);
        }

        /** The additions by shape, each remembering its key. */
        private Map<String, JsonNode> craterOperations() {
            Map<String, JsonNode> out = new LinkedHashMap<>();
            additions.path("operations").properties().forEach(e -> {
                String key = e.getKey();
                int space = key.indexOf(' ');
                Optional<Shape> shape = space < 0 ? Optional.empty() : Shape.of(key.substring(0, space), key.substring(space + 1));
                if (shape.isEmpty()) {
                    problems.add("addition '" + key + "' is not METHOD /path");
                    return;
                }
                ObjectNode op = e.getValue().deepCopy();
                op.put("x-crater-key", key);
                if (out.put(shape.get().key(), op) != null) {
                    problems.add("addition '" + key + "' has the shape of another addition");
                }
            });
            return out;
        }

        private void describe(RouteRecorder.Recorded recorded, RoutingTable.Guard guard, Map<String, JsonNode> craterByShape,
                              Map<String, String> routed) {
            switch (recorded) {
                case RouteRecorder.Fallback f -> Shape.of("ANY", f.pattern()).ifPresent(s -> earlier.add(new Earlier("*", s, f.service())));
                case RouteRecorder.Unreadable u -> problems.add(u.service() + " registers a route as " + u.call()
                        + ", which names no path pattern: register it with a path string (get(\"/path\", …))");
                case RouteRecorder.Route r -> {
                    Optional<Shape> shape = Shape.of(r.method(), r.pattern());
                    if (shape.isEmpty()) {
                        problems.add(r.service() + " routes " + r.method() + " " + r.pattern()
                                + ", which is not a plain path template");
                        return;
                    }
                    String key = shape.get().key();
                    String previous = routed.put(key, r.service());
                    if (previous != null) {
                        problems.add(r.service() + " routes " + r.method() + " " + shape.get().path()
                                + ", which " + previous + " routes already (the first registered wins)");
                        return;
                    }
                    shadowing(r.method(), shape.get()).ifPresent(e -> problems.add(r.method() + " " + shape.get().path()
                            + " of " + r.service() + " is never reached: " + e.shape().path() + " of " + e.service()
                            + ", registered before it, takes every request it would (register the literal path first)"));
                    earlier.add(new Earlier(r.method(), shape.get(), r.service()));
                    List<VendorOp> vendor = vendorByShape.getOrDefault(key, List.of());
                    JsonNode crater = craterByShape.get(key);
                    if (!vendor.isEmpty() && crater != null) {
                        problems.add(r.method() + " " + shape.get().path() + " is described by the vendor's spec and "
                                + "by the additions (" + crater.path("x-crater-key").asText() + "); drop the addition");
                    } else if (!vendor.isEmpty()) {
                        vendorOperation(vendor, shape.get(), guard, r.service());
                    } else if (crater != null) {
                        craterOperation(crater, shape.get(), guard, r.service());
                    } else {
                        problems.add(r.service() + " routes " + r.method() + " " + shape.get().path()
                                + ", which neither the vendor's spec nor the additions (" + ADDITIONS + ") describe");
                        undescribed(shape.get(), guard, r.service());
                    }
                }
            }
        }

        /** A route registered before the one being described; {@code method} {@code *} for an {@code any} route. */
        private record Earlier(String method, Shape shape, String service) {
        }

        /**
         * The earlier route that takes every request of this one, if any: routes are tried in the
         * order registered, so {@code GET /accounts/{accountId}} registered before
         * {@code GET /accounts/all} answers {@code /accounts/all} itself. Same method (or an
         * {@code any} route) and segment by segment the same literal or a segment that is a
         * parameter.
         */
        private Optional<Earlier> shadowing(String method, Shape route) {
            String[] segments = route.path().split("/");
            for (Earlier e : earlier) {
                String[] theirs = e.shape().path().split("/");
                if ((!e.method().equals("*") && !e.method().equals(method)) || theirs.length != segments.length) {
                    continue;
                }
                boolean covers = true;
                for (int i = 0; i < segments.length && covers; i++) {
                    covers = theirs[i].equals(segments[i]) || PARAM.matcher(theirs[i]).matches()
                            || PARAM.matcher(theirs[i]).replaceAll("{}").equals(PARAM.matcher(segments[i]).replaceAll("{}"));
                }
                if (covers) {
                    return Optional.of(e);
                }
            }
            return Optional.empty();
        }

        private void put(String path, String method, ObjectNode op) {
            paths.computeIfAbsent(path, p -> new TreeMap<>(Comparator.comparingInt(METHOD_ORDER::indexOf)))
                    .put(method.toLowerCase(Locale.ROOT), op);
        }

        // ---- vendor operations ------------------------------------------------------------------

        private void vendorOperation(List<VendorOp> matches, Shape route, RoutingTable.Guard guard, String service) {
            VendorOp chosen = matches.getFirst();
            for (VendorOp v : matches) {
                if (pathParams(v.facts()).stream().allMatch(p -> p.path("type").asText().equals("string"))) {
                    chosen = v;
                    break;
                }
            }
            // Several vendor templates of one shape (GET /equities/{id} and /equities/{symbol}) are one
            // route in Crater: described once, under the route's own parameter names.
            boolean merged = matches.size() > 1;
            String path = merged ? route.path() : chosen.path();
            ObjectNode op = NODES.objectNode();
            op.set("tags", chosen.facts().path("tags").deepCopy());
            if (merged) {
                op.put("description", "One route serves the vendor operations " + String.join(", ",
                        matches.stream().map(v -> v.facts().path("operationId").asText()).toList())
                        + ": each path parameter takes any of their forms.");
            }
            op.put("operationId", chosen.facts().path("operationId").asText());
            op.set("parameters", vendorParameters(matches, route, merged));
            vendorBody(matches).ifPresent(b -> op.set("requestBody", b));
            op.set("responses", vendorResponses(matches));
            op.set("security", guard == RoutingTable.Guard.OWN ? vendorSecurity(chosen.facts()) : security(guard));
            op.put("x-crater-origin", "vendor");
            op.put("x-crater-service", service);
            if (merged) {
                ArrayNode ids = op.putArray("x-crater-vendor-operationIds");
                matches.forEach(v -> ids.add(v.facts().path("operationId").asText()));
            }
            put(path, chosen.method(), op);
            vendorOps++;
        }

        private static List<JsonNode> pathParams(JsonNode facts) {
            List<JsonNode> out = new ArrayList<>();
            facts.path("parameters").forEach(p -> {
                if (p.path("in").asText().equals("path") && !p.path("name").asText().equals("version")) {
                    out.add(p);
                }
            });
            return out;
        }

        private ArrayNode vendorParameters(List<VendorOp> matches, Shape route, boolean merged) {
            Map<String, ObjectNode> byKey = new LinkedHashMap<>();
            Map<String, Integer> seen = new LinkedHashMap<>();
            for (VendorOp v : matches) {
                List<String> templateParams = Shape.of(v.method(), v.path()).orElseThrow().params();
                for (JsonNode p : v.facts().path("parameters")) {
                    String in = p.path("in").asText();
                    String name = p.path("name").asText();
                    if (in.equals("body") || (in.equals("header") && isCredential(name))) {
                        continue;
                    }
                    if (in.equals("path") && merged) {
                        name = route.params().get(templateParams.indexOf(name));
                    }
                    String key = in + " " + name;
                    seen.merge(key, 1, Integer::sum);
                    byKey.putIfAbsent(key, parameter(p, name, merged && in.equals("path")));
                }
            }
            ArrayNode out = NODES.arrayNode();
            byKey.forEach((key, p) -> {
                if (seen.get(key) < matches.size() && !key.startsWith("path ")) {
                    p.put("required", false);   // a merged operation's parameter some of its forms lack
                }
                out.add(p);
            });
            return out;
        }

        private static boolean isCredential(String header) {
            return header.equalsIgnoreCase(ApiGuard.APP_KEY.defaultCase())
                    || header.equalsIgnoreCase(HeaderNames.AUTHORIZATION.defaultCase());
        }

        private ObjectNode parameter(JsonNode p, String name, boolean anyForm) {
            if (p.path("in").asText().equals("path") && name.equals("version")) {
                return NODES.objectNode().put("$ref", VERSION_PARAMETER);
            }
            ObjectNode out = NODES.objectNode().put("name", name).put("in", p.path("in").asText())
                    .put("required", p.path("in").asText().equals("path") || p.path("required").asBoolean());
            ObjectNode schema = NODES.objectNode();
            if (anyForm) {
                schema.put("type", "string");
            } else {
                p.properties().forEach(e -> {
                    if (!List.of("name", "in", "required").contains(e.getKey())) {
                        schema.set(e.getKey(), convert(e.getValue(), 0));
                    }
                });
            }
            out.set("schema", schema);
            return out;
        }

        private Optional<ObjectNode> vendorBody(List<VendorOp> matches) {
            for (VendorOp v : matches) {
                for (JsonNode p : v.facts().path("parameters")) {
                    if (p.path("in").asText().equals("body")) {
                        ObjectNode content = NODES.objectNode();
                        List<String> types = new ArrayList<>();
                        v.facts().path("consumes").forEach(t -> types.add(t.asText()));
                        if (types.isEmpty()) {
                            types.add("application/json");
                        }
                        types.forEach(t -> content.set(t, NODES.objectNode().set("schema", convert(p.path("schema"), 0))));
                        return Optional.of(NODES.objectNode().put("required", p.path("required").asBoolean())
                                .set("content", content));
                    }
                }
            }
            return Optional.empty();
        }

        private ObjectNode vendorResponses(List<VendorOp> matches) {
            ObjectNode out = NODES.objectNode();
            for (VendorOp v : matches) {
                List<String> produces = new ArrayList<>();
                v.facts().path("produces").forEach(t -> produces.add(t.asText()));
                v.facts().path("responses").properties().forEach(e -> {
                    if (out.has(e.getKey())) {
                        return;
                    }
                    JsonNode schema = e.getValue().get("schema");
                    String crater = CRATER_ANSWERS.get(e.getKey());
                    if (schema == null && crater != null && additions.path("components").path("responses").has(crater)) {
                        out.set(e.getKey(), NODES.objectNode().put("$ref", "#/components/responses/" + crater));
                        return;
                    }
                    ObjectNode r = NODES.objectNode().put("description", reason(e.getKey()));
                    boolean success = e.getKey().startsWith("2");
                    boolean json = produces.isEmpty() || produces.contains("application/json");
                    if (schema != null && json) {
                        r.set("content", NODES.objectNode().set("application/json",
                                NODES.objectNode().set("schema", convert(schema, 0))));
                    } else if (success && !json) {
                        ObjectNode content = r.putObject("content");
                        produces.forEach(t -> content.set(t, schema == null ? NODES.objectNode()
                                : NODES.objectNode().set("schema", convert(schema, 0))));
                    }
                    out.set(e.getKey(), r);
                });
            }
            return out;
        }

        static String reason(String code) {
            try {
                return io.helidon.http.Status.create(Integer.parseInt(code)).reasonPhrase();
            } catch (IllegalArgumentException e) {
                return "Status " + code;
            }
        }

        /** The security of a vendor operation that checks its own credentials, from its header parameters. */
        private static ArrayNode vendorSecurity(JsonNode facts) {
            boolean appKey = false;
            Boolean bearerRequired = null;
            for (JsonNode p : facts.path("parameters")) {
                String name = p.path("name").asText();
                if (p.path("in").asText().equals("header") && name.equalsIgnoreCase(ApiGuard.APP_KEY.defaultCase())) {
                    appKey = true;
                } else if (p.path("in").asText().equals("header")
                        && name.equalsIgnoreCase(HeaderNames.AUTHORIZATION.defaultCase())) {
                    bearerRequired = p.path("required").asBoolean();
                }
            }
            List<String> base = appKey ? List.of("AppKey") : List.of();
            ArrayNode out = NODES.arrayNode();
            if (bearerRequired == null || !bearerRequired) {
                out.add(requirement(base.toArray(String[]::new)));
            }
            if (bearerRequired != null) {
                List<String> both = new ArrayList<>(base);
                both.add("Bearer");
                out.add(requirement(both.toArray(String[]::new)));
            }
            return out;
        }

        /** A Swagger 2.0 schema as OpenAPI 3.1: the same keywords, references into components. */
        private JsonNode convert(JsonNode node, int depth) {
            if (depth > SCHEMA_DEPTH_MAX) {
                throw new IllegalStateException("a vendor schema nests deeper than " + SCHEMA_DEPTH_MAX);
            }
            if (node.isObject()) {
                ObjectNode out = NODES.objectNode();
                node.properties().forEach(e -> {
                    if (e.getKey().equals("$ref") && e.getValue().asText().startsWith("#/definitions/")) {
                        out.put("$ref", SCHEMAS + componentName(e.getValue().asText().substring("#/definitions/".length())));
                    } else if (e.getKey().equals("properties") && e.getValue().isObject()) {
                        ObjectNode properties = out.putObject("properties");
                        e.getValue().properties().forEach(p -> properties.set(p.getKey(), nullableText(convert(p.getValue(), depth + 2))));
                    } else {
                        out.set(e.getKey(), convert(e.getValue(), depth + 1));
                    }
                });
                return out;
            }
            if (node.isArray()) {
                ArrayNode out = NODES.arrayNode();
                node.forEach(n -> out.add(convert(n, depth + 1)));
                return out;
            }
            return node.deepCopy();
        }

        /**
         * A model's text property as "string or null": Swagger 2.0 cannot say null, and the vendor's
         * server (.NET) writes null for a text it has no value for, as Crater does (a security's CUSIP).
         * Enumerations, numbers and booleans are .NET value types and stay non-null.
         */
        private static JsonNode nullableText(JsonNode property) {
            if (property.isObject() && property.path("type").asText().equals("string") && !property.has("enum")) {
                ((ObjectNode) property).set("type", NODES.arrayNode().add("string").add("null"));
            }
            return property;
        }

        // ---- Crater's additions -----------------------------------------------------------------

        private void craterOperation(JsonNode addition, Shape route, RoutingTable.Guard guard, String service) {
            String key = addition.path("x-crater-key").asText();
            ObjectNode op = (ObjectNode) addition.deepCopy();
            op.remove("x-crater-key");
            expandResponseSet(key, op);
            String path = key.substring(key.indexOf(' ') + 1);
            List<String> declared = new ArrayList<>();
            ArrayNode parameters = NODES.arrayNode();
            if (route.params().contains("version")) {
                parameters.add(NODES.objectNode().put("$ref", VERSION_PARAMETER));
            }
            op.path("parameters").forEach(p -> {
                parameters.add(p);
                JsonNode resolved = resolveParameter(p);
                if (resolved.path("in").asText().equals("path")) {
                    declared.add(resolved.path("name").asText());
                }
            });
            op.set("parameters", parameters);
            List<String> expected = route.params().stream().filter(p -> !p.equals("version")).toList();
            if (!Shape.of("GET", path).map(Shape::params).orElse(List.of()).equals(route.params())
                    || !declared.equals(expected)) {
                problems.add("addition '" + key + "' must name the path parameters " + expected + " as "
                        + service + " does, and declare exactly those in order (it declares " + declared + ")");
            }
            if (!op.path("operationId").isTextual() || !op.path("responses").isObject() || op.path("responses").isEmpty()) {
                problems.add("addition '" + key + "' needs an operationId and at least one response");
            }
            if (guard == RoutingTable.Guard.OWN && !op.path("security").isArray()) {
                problems.add("addition '" + key + "' is under " + RoutingTable.ROOT + ", where each route checks its own "
                        + "credentials: it must say which (security)");
            } else if (guard != RoutingTable.Guard.OWN) {
                if (op.has("security")) {
                    problems.add("addition '" + key + "' declares security, but " + guard + " routes have the guard's");
                }
                op.set("security", security(guard));
            }
            op.put("x-crater-origin", "crater");
            op.put("x-crater-service", service);
            put(path, route.key().substring(0, route.key().indexOf(' ')), op);
            craterOps++;
        }

        /**
         * {@code "x-crater-response-set": "name"} stands for the responses of {@code responseSets.name}
         * in the additions (OpenAPI has no reference for a whole responses object); the operation's own
         * {@code responses} add to them.
         */
        private void expandResponseSet(String key, ObjectNode op) {
            JsonNode name = op.remove("x-crater-response-set");
            if (name == null) {
                return;
            }
            JsonNode set = additions.path("responseSets").path(name.asText());
            if (!set.isObject()) {
                problems.add("addition '" + key + "' names the response set " + name + ", which the additions lack");
                return;
            }
            ObjectNode responses = set.deepCopy();
            op.path("responses").properties().forEach(e -> responses.set(e.getKey(), e.getValue()));
            op.set("responses", responses);
        }

        /** A parameter, or the additions' component it references. */
        private JsonNode resolveParameter(JsonNode p) {
            String ref = p.path("$ref").asText();
            String prefix = "#/components/parameters/";
            return ref.startsWith(prefix) ? additions.path("components").path("parameters").path(ref.substring(prefix.length())) : p;
        }

        private void undescribed(Shape route, RoutingTable.Guard guard, String service) {
            ObjectNode op = NODES.objectNode().put("operationId", "Undescribed_" + service + "_" + paths.size())
                    .put("summary", "Routed, but not described (a bug: see the description's problems)");
            op.set("responses", NODES.objectNode().set("default", NODES.objectNode().put("description", "Not described")));
            op.put("x-crater-origin", "undescribed");
            put(route.path(), route.key().substring(0, route.key().indexOf(' ')), op);
        }

        /** The additions' corrections of vendor operations (what Crater does where the vendor's spec says less). */
        private void applyOverrides() {
            additions.path("vendorOverrides").properties().forEach(e -> {
                String key = e.getKey();
                int space = key.indexOf(' ');
                ObjectNode op = space < 0 ? null : Optional.ofNullable(paths.get(key.substring(space + 1)))
                        .map(ops -> ops.get(key.substring(0, space).toLowerCase(Locale.ROOT))).orElse(null);
                if (op == null || !op.path("x-crater-origin").asText().equals("vendor")) {
                    problems.add("vendorOverrides names '" + key + "', which is not a described vendor operation");
                    return;
                }
                e.getValue().properties().forEach(f -> {
                    switch (f.getKey()) {
                        case "security", "responses", "description" -> op.set(f.getKey(), f.getValue().deepCopy());
                        default -> problems.add("vendorOverrides '" + key + "' sets " + f.getKey()
                                + " (only security, responses and description may be corrected)");
                    }
                });
            });
        }

        // ---- the document -----------------------------------------------------------------------

        private ObjectNode document() {
            uniqueOperationIds();
            ObjectNode doc = NODES.objectNode();
            doc.put("openapi", OPENAPI_VERSION);
            doc.set("info", additions.path("info").deepCopy());
            doc.set("servers", NODES.arrayNode().add(NODES.objectNode().put("url", RoutingTable.ROOT)));
            if (additions.has("tags")) {
                doc.set("tags", additions.path("tags").deepCopy());
            }
            ObjectNode pathsNode = doc.putObject("paths");
            paths.forEach((path, ops) -> {
                ObjectNode item = pathsNode.putObject(path);
                ops.forEach(item::set);
            });
            ObjectNode components = doc.putObject("components");
            JsonNode own = additions.path("components");
            components.set("schemas", schemas(pathsNode, own));
            ObjectNode version = NODES.objectNode().put("name", "version").put("in", "path").put("required", true);
            ArrayNode versions = NODES.arrayNode();
            table.versions().forEach(versions::add);
            version.putObject("schema").put("type", "string").put("default", table.versions().getFirst()).set("enum", versions);
            ObjectNode parameters = components.putObject("parameters");
            parameters.set("Version", version);
            own.properties().forEach(e -> {
                switch (e.getKey()) {
                    case "schemas" -> { }
                    case "parameters" -> e.getValue().properties().forEach(p -> {
                        if (parameters.has(p.getKey())) {
                            problems.add("the additions' parameter " + p.getKey() + " clashes with Crater's own");
                        }
                        parameters.set(p.getKey(), p.getValue().deepCopy());
                    });
                    case "responses", "requestBodies", "headers", "examples" -> components.set(e.getKey(), e.getValue().deepCopy());
                    default -> problems.add("the additions' components." + e.getKey() + " is not merged (securitySchemes are Crater's)");
                }
            });
            components.set("securitySchemes", securitySchemes());
            return doc;
        }

        /**
         * Vendor operationIds are unique but for three pairs the vendor reused (Positions_GetPositions for
         * the positions and their groups, …): the later one, in path order, gets its path's last literal
         * segment as a suffix and keeps the vendor's id in {@code x-crater-vendor-operationId}.
         */
        private void uniqueOperationIds() {
            paths.forEach((path, ops) -> ops.forEach((method, op) -> {
                String id = op.path("operationId").asText();
                if (operationIds.containsKey(id) && op.path("x-crater-origin").asText().equals("vendor")) {
                    op.put("x-crater-vendor-operationId", id);
                    id = id + "_" + pascal(lastLiteral(path));
                    op.put("operationId", id);
                }
                String previous = operationIds.put(id, method.toUpperCase(Locale.ROOT) + " " + path);
                if (previous != null) {
                    problems.add("operationId " + id + " is used by " + previous + " and " + method + " " + path);
                }
            }));
        }

        private static String lastLiteral(String path) {
            String[] segments = path.split("/");
            for (int i = segments.length - 1; i >= 0; i--) {
                if (!segments[i].isEmpty() && !segments[i].contains("{")) {
                    return segments[i];
                }
            }
            return "Root";
        }

        private static String pascal(String segment) {
            StringBuilder out = new StringBuilder();
            for (String word : segment.split("[^A-Za-z0-9]+")) {
                if (!word.isEmpty()) {
                    out.append(Character.toUpperCase(word.charAt(0))).append(word.substring(1));
                }
            }
            return out.toString();
        }

        /** The schemas the operations reach, following references from model to model. */
        private ObjectNode schemas(JsonNode pathsNode, JsonNode own) {
            JsonNode crater = own.path("schemas");
            crater.properties().forEach(e -> {
                if (vendorModels.containsKey(e.getKey())) {
                    problems.add("addition schema " + e.getKey() + " has the name of a vendor model");
                }
            });
            TreeMap<String, JsonNode> out = new TreeMap<>();
            List<String> work = new ArrayList<>();
            references(pathsNode, work);
            own.properties().forEach(e -> {
                if (!e.getKey().equals("schemas")) {
                    references(e.getValue(), work);
                }
            });
            // Each round takes one name; a name is resolved once, so this ends after at most every model.
            for (int i = 0; i < work.size(); i++) {
                String name = work.get(i);
                if (out.containsKey(name)) {
                    continue;
                }
                JsonNode schema = crater.has(name) ? crater.get(name).deepCopy()
                        : vendorModels.containsKey(name) ? convert(vendorDefinitions.get(vendorModels.get(name)), 0) : null;
                if (schema == null) {
                    problems.add("$ref " + SCHEMAS + name + " names no model");
                    continue;
                }
                out.put(name, schema);
                references(schema, work);
            }
            ObjectNode node = NODES.objectNode();
            out.forEach(node::set);
            return node;
        }

        private static void references(JsonNode node, List<String> into) {
            List<JsonNode> stack = new ArrayList<>(List.of(node));
            while (!stack.isEmpty()) {
                JsonNode n = stack.removeLast();
                JsonNode ref = n.get("$ref");
                if (ref != null && ref.isTextual() && ref.asText().startsWith(SCHEMAS)) {
                    into.add(ref.asText().substring(SCHEMAS.length()));
                }
                n.forEach(stack::add);
            }
        }
    }
}
