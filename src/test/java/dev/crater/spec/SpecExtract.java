package dev.crater.spec;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Makes the facts-only extract of the vendor's Swagger 2.0 description that the conformance tests
 * read, and the server too, to describe its vendor operations at {@code GET /api/openapi.json}
 * ({@code src/main/resources/spec/trading-api.facts.json}, so it is in the jar): paths, methods, operationIds,
 * parameters, responses, model property names, types, formats and enums — every human-written text
 * (descriptions, summaries, examples, titles) left out. The extract is itself a Swagger 2.0 document
 * ({@code swagger}, {@code info} with the spec's title and version only, the provenance under the vendor
 * extension {@code x-source}), so that openapi-generator can build a client from it (VendorClientTest, in
 * {@code src/vendor-client-test}); a response's description, which Swagger 2.0 requires, is its status
 * code. Run by {@code spec/extract.sh}
 * whenever the spec changes; {@link SpecExtractTest} checks the committed extract is the one the spec gives.
 */
public final class SpecExtract {
    /** Keys of prose, not of facts; dropped wherever they are schema or operation keywords. */
    private static final Set<String> PROSE = Set.of("description", "summary", "example", "examples", "title",
            "externalDocs");
    static final String SOURCE = "shared/reference/openapi.yaml";

    private SpecExtract() {
    }

    /** The extract of the spec at {@code yaml}, as the JSON text written to the resource. */
    public static String extract(Path yaml) throws IOException {
        JsonNode spec = new ObjectMapper(new YAMLFactory()).readTree(yaml.toFile());
        ObjectNode out = JsonNodeFactory.instance.objectNode();
        // The extract is itself a Swagger 2.0 document (a client generator reads it, see
        // VendorClientTest): the header a generator needs, the provenance as a vendor extension.
        out.put("swagger", spec.path("swagger").asText());
        out.putObject("info").put("title", spec.path("info").path("title").asText())
                .put("version", spec.path("info").path("version").asText());
        out.put("x-source", SOURCE + " (" + spec.path("info").path("title").asText() + " "
                + spec.path("info").path("version").asText() + ", Swagger " + spec.path("swagger").asText()
                + "); facts only, made by spec/extract.sh");
        out.put("basePath", spec.path("basePath").asText());
        out.set("paths", withResponseDescriptions(facts(spec.path("paths"), false)));
        out.set("definitions", facts(spec.path("definitions"), false));
        return new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT)
                .enable(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS).writeValueAsString(sorted(out)) + "\n";
    }

    /**
     * Swagger 2.0 requires a description on every response; the extract's is the status code itself
     * (a fact, not the vendor's words), so a generator reads the responses without complaint.
     */
    private static JsonNode withResponseDescriptions(JsonNode paths) {
        paths.forEach(path -> path.forEach(operation -> operation.path("responses").properties()
                .forEach(r -> ((ObjectNode) r.getValue()).put("description", r.getKey()))));
        return paths;
    }

    /** A copy without prose; {@code names}: the node's keys are names (properties, paths, models), not keywords. */
    private static JsonNode facts(JsonNode node, boolean names) {
        if (node.isObject()) {
            ObjectNode copy = JsonNodeFactory.instance.objectNode();
            for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                String key = e.getKey();
                if (!names && (PROSE.contains(key) || key.startsWith("x-"))) {
                    continue;
                }
                boolean childNames = !names && (key.equals("properties") || key.equals("paths")
                        || key.equals("definitions") || key.equals("responses"));
                copy.set(key, facts(e.getValue(), childNames));
            }
            return copy;
        }
        if (node.isArray()) {
            ArrayNode copy = JsonNodeFactory.instance.arrayNode();
            node.forEach(n -> copy.add(facts(n, false)));
            return copy;
        }
        return node;
    }

    private static JsonNode sorted(JsonNode node) {
        if (node.isObject()) {
            TreeMap<String, JsonNode> keys = new TreeMap<>();
            node.fields().forEachRemaining(e -> keys.put(e.getKey(), sorted(e.getValue())));
            ObjectNode copy = JsonNodeFactory.instance.objectNode();
            keys.forEach(copy::set);
            return copy;
        }
        if (node.isArray()) {
            ArrayNode copy = JsonNodeFactory.instance.arrayNode();
            node.forEach(n -> copy.add(sorted(n)));
            return copy;
        }
        return node;
    }

    /** {@code SpecExtract <openapi.yaml> <out.json>}. */
    public static void main(String[] args) throws IOException {
        if (args.length != 2) {
            System.err.println("usage: SpecExtract <openapi.yaml> <out.json>");
            System.exit(2);
        }
        Files.writeString(Path.of(args[1]), extract(Path.of(args[0])));
        System.out.println("wrote " + args[1]);
    }
}
