package dev.crater.apidocs;

import com.fasterxml.jackson.core.JsonPointer;
import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;

/**
 * Checks a JSON value against a schema of the description — the subset of JSON Schema 2020-12 the
 * description uses: {@code $ref} (into the document), {@code type} (one or several), {@code enum},
 * {@code const}, {@code required}, {@code properties} (a property the schema does not name is a
 * problem unless {@code additionalProperties} allows it), {@code additionalProperties}, {@code items},
 * {@code anyOf}/{@code oneOf} (any branch that fits). Formats and string patterns are not checked.
 */
final class SchemaCheck {
    /** References followed in one value before it is taken as a loop. */
    static final int DEPTH_MAX = 64;

    private final JsonNode document;

    SchemaCheck(JsonNode document) {
        this.document = document;
    }

    /** The node a local reference ({@code #/components/…}) points at; missing when it points nowhere. */
    JsonNode resolve(String ref) {
        if (!ref.startsWith("#/")) {
            return com.fasterxml.jackson.databind.node.MissingNode.getInstance();
        }
        return document.at(JsonPointer.compile(ref.substring(1)));
    }

    /** What does not fit, as "at: problem" lines; empty when the value fits. */
    List<String> problems(JsonNode value, JsonNode schema) {
        List<String> out = new ArrayList<>();
        check(value, schema, "$", out, 0);
        return out;
    }

    private void check(JsonNode value, JsonNode schema, String at, List<String> out, int depth) {
        if (depth > DEPTH_MAX) {
            out.add(at + ": deeper than " + DEPTH_MAX + " references");
            return;
        }
        if (schema.has("$ref")) {
            JsonNode target = resolve(schema.path("$ref").asText());
            if (target.isMissingNode()) {
                out.add(at + ": $ref " + schema.path("$ref").asText() + " resolves to nothing");
                return;
            }
            check(value, target, at, out, depth + 1);
        }
        for (String any : List.of("anyOf", "oneOf")) {
            if (schema.has(any)) {
                boolean fits = false;
                for (JsonNode branch : schema.get(any)) {
                    fits |= problems(value, branch).isEmpty();
                }
                if (!fits) {
                    out.add(at + ": fits no branch of " + any);
                }
            }
        }
        if (schema.has("type") && !typeFits(value, schema.get("type"))) {
            out.add(at + ": " + kind(value) + " where the schema says " + schema.get("type"));
            return;
        }
        if (schema.has("enum") && !contains(schema.get("enum"), value)) {
            out.add(at + ": " + value + " is not one of " + schema.get("enum"));
        }
        if (schema.has("const") && !schema.get("const").equals(value)) {
            out.add(at + ": " + value + " is not " + schema.get("const"));
        }
        if (value.isObject()) {
            object(value, schema, at, out, depth);
        }
        if (value.isArray() && schema.has("items")) {
            for (int i = 0; i < value.size(); i++) {
                check(value.get(i), schema.get("items"), at + "[" + i + "]", out, depth);
            }
        }
    }

    private void object(JsonNode value, JsonNode schema, String at, List<String> out, int depth) {
        for (JsonNode name : schema.path("required")) {
            if (!value.has(name.asText())) {
                out.add(at + ": required " + name.asText() + " is missing");
            }
        }
        JsonNode properties = schema.path("properties");
        JsonNode additional = schema.get("additionalProperties");
        value.properties().forEach(e -> {
            String where = at + "." + e.getKey();
            if (properties.has(e.getKey())) {
                check(e.getValue(), properties.get(e.getKey()), where, out, depth);
            } else if (additional != null && additional.isObject()) {
                check(e.getValue(), additional, where, out, depth);
            } else if (properties.isObject() && (additional == null || !additional.asBoolean(true))) {
                out.add(where + ": not a property of the schema");
            }
        });
    }

    private static boolean typeFits(JsonNode value, JsonNode type) {
        if (type.isArray()) {
            for (JsonNode t : type) {
                if (typeFits(value, t)) {
                    return true;
                }
            }
            return false;
        }
        return switch (type.asText()) {
            case "null" -> value.isNull();
            case "boolean" -> value.isBoolean();
            case "integer" -> value.isIntegralNumber() || (value.isNumber() && value.decimalValue().stripTrailingZeros().scale() <= 0);
            case "number" -> value.isNumber();
            case "string" -> value.isTextual();
            case "array" -> value.isArray();
            case "object" -> value.isObject();
            default -> false;
        };
    }

    private static boolean contains(JsonNode values, JsonNode value) {
        for (JsonNode v : values) {
            if (v.equals(value)) {
                return true;
            }
        }
        return false;
    }

    private static String kind(JsonNode value) {
        return value.isNull() ? "null" : value.getNodeType().name().toLowerCase(java.util.Locale.ROOT) + " " + value;
    }
}
