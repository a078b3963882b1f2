package dev.crater.http;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.helidon.webserver.http.ServerRequest;
import java.io.IOException;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A request body that must be one JSON object, for Crater's own routes: read by the one mapper's
 * lenient rules ({@link Json}), numbers kept as exact decimals, keys matched without regard to case.
 * Every problem — no body, not JSON, a field of the wrong type — is a {@value #STATUS} with the
 * documented ModelState body under {@code <argName>.<Field>}.
 */
public final class JsonBody {
    /** The status of every refusal here. */
    public static final int STATUS = 400;

    private final ObjectNode node;
    private final String argName;

    private JsonBody(ObjectNode node, String argName) {
        this.node = node;
        this.argName = argName;
    }

    /** Reads the request's body (at most {@link Limits#BODY_BYTES_MAX} bytes) as one JSON object. */
    public static JsonBody read(ServerRequest req, String argName) {
        byte[] bytes = HttpSupport.body(req);
        if (bytes.length == 0) {
            throw invalid(argName, "A JSON object body is required.");
        }
        JsonNode tree;
        try {
            tree = Json.mapper().reader()
                    .with(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
                    .with(JsonNodeFactory.withExactBigDecimals(true))
                    .readTree(bytes);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            String where = e.getLocation() == null ? "" : " at line " + e.getLocation().getLineNr()
                    + ", column " + e.getLocation().getColumnNr();
            throw invalid(argName, "The request body is not valid JSON" + where + ".");
        } catch (IOException e) {
            throw invalid(argName, "The request body could not be read.");
        }
        if (tree == null || !tree.isObject()) {
            throw invalid(argName, "A JSON object body is required.");
        }
        return new JsonBody((ObjectNode) tree, argName);
    }

    /** A {@value #STATUS} with the ModelState body under {@code key}. */
    public static ApiException invalid(String key, String problem) {
        return new ApiException(STATUS, ApiError.ModelState.of(key, problem));
    }

    /** A {@value #STATUS} with the ModelState body under {@code <argName>.<field>}. */
    public ApiException invalidField(String field, String problem) {
        return invalid(argName + "." + field, problem);
    }

    /** The field's value (keys matched without regard to case); empty when absent or null. */
    private Optional<JsonNode> field(String name) {
        for (Map.Entry<String, JsonNode> e : node.properties()) {
            if (e.getKey().equalsIgnoreCase(name)) {
                return e.getValue().isNull() ? Optional.empty() : Optional.of(e.getValue());
            }
        }
        return Optional.empty();
    }

    public boolean has(String name) {
        return field(name).isPresent();
    }

    /** A string field, trimmed. */
    public Optional<String> text(String name) {
        Optional<JsonNode> v = field(name);
        if (v.isPresent() && !v.get().isTextual()) {
            throw invalidField(name, name + " must be a string.");
        }
        return v.map(n -> n.asText().trim());
    }

    /** A number (or a string holding one), exactly as written. */
    public Optional<BigDecimal> decimal(String name) {
        Optional<JsonNode> v = field(name);
        if (v.isEmpty()) {
            return Optional.empty();
        }
        JsonNode n = v.get();
        if (n.isNumber()) {
            return Optional.of(n.decimalValue());
        }
        if (n.isTextual()) {
            try {
                return Optional.of(new BigDecimal(n.asText().trim()));
            } catch (NumberFormatException e) {
                throw invalidField(name, name + " must be a decimal number.");
            }
        }
        throw invalidField(name, name + " must be a decimal number.");
    }

    /** A whole number (or a string of digits) that fits a 64-bit integer. */
    public Optional<Long> integer(String name) {
        Optional<JsonNode> v = field(name);
        if (v.isEmpty()) {
            return Optional.empty();
        }
        JsonNode n = v.get();
        try {
            if (n.isIntegralNumber() && n.canConvertToLong()) {
                return Optional.of(n.longValue());
            }
            if (n.isTextual()) {
                return Optional.of(Long.parseLong(n.asText().trim()));
            }
        } catch (NumberFormatException e) {
            // falls through to the refusal below
        }
        throw invalidField(name, name + " must be a whole number.");
    }

    public Optional<Boolean> bool(String name) {
        Optional<JsonNode> v = field(name);
        if (v.isPresent() && !v.get().isBoolean()) {
            throw invalidField(name, name + " must be true or false.");
        }
        return v.map(JsonNode::booleanValue);
    }

    /** A nested JSON object, read by the same rules (its refusals under {@code <argName>.<name>}). */
    public Optional<JsonBody> object(String name) {
        Optional<JsonNode> v = field(name);
        if (v.isEmpty()) {
            return Optional.empty();
        }
        if (!v.get().isObject()) {
            throw invalidField(name, name + " must be an object.");
        }
        return Optional.of(new JsonBody((ObjectNode) v.get(), argName + "." + name));
    }

    /** An array of strings (each trimmed), at most {@code max} of them. */
    public Optional<List<String>> strings(String name, int max) {
        Optional<JsonNode> v = field(name);
        if (v.isEmpty()) {
            return Optional.empty();
        }
        JsonNode n = v.get();
        if (!n.isArray()) {
            throw invalidField(name, name + " must be an array of strings.");
        }
        if (n.size() > max) {
            throw invalidField(name, name + " has at most " + max + " items.");
        }
        List<String> out = new ArrayList<>(n.size());
        for (JsonNode item : n) {
            if (!item.isTextual()) {
                throw invalidField(name, name + " must be an array of strings.");
            }
            out.add(item.asText().trim());
        }
        return Optional.of(out);
    }

    /** An array of JSON objects, at most {@code max} of them. */
    public Optional<List<JsonBody>> objects(String name, int max) {
        Optional<JsonNode> v = field(name);
        if (v.isEmpty()) {
            return Optional.empty();
        }
        JsonNode n = v.get();
        if (!n.isArray()) {
            throw invalidField(name, name + " must be an array of objects.");
        }
        if (n.size() > max) {
            throw invalidField(name, name + " has at most " + max + " items.");
        }
        List<JsonBody> out = new ArrayList<>(n.size());
        for (int i = 0; i < n.size(); i++) {
            JsonNode item = n.get(i);
            if (!item.isObject()) {
                throw invalidField(name, name + " must be an array of objects.");
            }
            out.add(new JsonBody((ObjectNode) item, argName + "." + name + "[" + i + "]"));
        }
        return Optional.of(out);
    }
}
