package dev.crater.spec;

import com.fasterxml.jackson.databind.JsonNode;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * The vendor spec's models, read from the facts-only extract, and a check of a JSON value against
 * one of them: what a client generated from the spec needs of an answer to deserialize it and find
 * every value where its model puts it.
 *
 * <p>The rules, per schema keyword of the extract:
 * <ul>
 *   <li>{@code $ref}: the named definition; an object with {@code properties} is a model.</li>
 *   <li>Model: a JSON object. Every property of the model is present, by its exact name (case as in
 *       the spec), {@code null} where Crater has no value — except in the models given as
 *       {@code omitsEmptyKeys}, the answers whose documented examples leave keys without a value out
 *       (there a property may be absent). The spec marks no property of an answer required, so a
 *       generated client reads null and absent alike. A key that matches a property only without
 *       regard to case is a problem (generators that match case-sensitively would lose the value); a
 *       key the model does not know is reported as an extra, not a problem (generated clients ignore
 *       unknown keys).</li>
 *   <li>{@code required} (only request models have such lists): present and not null.</li>
 *   <li>{@code type}: {@code integer} an integral JSON number ({@code int32}/{@code int64} in
 *       range), {@code number} any JSON number, {@code string} a JSON string ({@code date-time} an
 *       ISO-8601 instant with an offset, {@code uuid} a UUID, {@code byte} base64), {@code boolean},
 *       {@code array} (each item against {@code items}), {@code object} (a JSON object; each value
 *       against {@code additionalProperties} when given).</li>
 *   <li>{@code enum}: one of the spec's names, exactly (a generated Java client's {@code fromValue}
 *       compares exactly and throws on anything else).</li>
 *   <li>{@code minimum} / {@code maximum}: inclusive bounds of a number.</li>
 *   <li>No {@code type} and no {@code $ref}: any value.</li>
 * </ul>
 */
final class SpecModels {
    private static final String REF_PREFIX = "#/definitions/";
    private static final Pattern UUID = Pattern.compile(
            "[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}");
    private static final BigInteger INT32_MIN = BigInteger.valueOf(Integer.MIN_VALUE);
    private static final BigInteger INT32_MAX = BigInteger.valueOf(Integer.MAX_VALUE);
    private static final BigInteger INT64_MIN = BigInteger.valueOf(Long.MIN_VALUE);
    private static final BigInteger INT64_MAX = BigInteger.valueOf(Long.MAX_VALUE);
    /** Deepest nesting of schemas followed (OrderResource.Legs refers to OrderResource). */
    private static final int DEPTH_MAX = 16;

    private final JsonNode definitions;
    private final Set<String> omitsEmptyKeys;

    /** The models of {@code facts}; {@code omitsEmptyKeys}: models whose answers may leave a property out. */
    SpecModels(JsonNode facts, Set<String> omitsEmptyKeys) {
        this.omitsEmptyKeys = Set.copyOf(omitsEmptyKeys);
        this.definitions = facts.path("definitions");
        if (!definitions.isObject() || definitions.isEmpty()) {
            throw new IllegalArgumentException("the extract has no definitions");
        }
    }

    /** The definition {@code name}, or a missing node. */
    JsonNode definition(String name) {
        return definitions.path(name);
    }

    /** The model name a {@code $ref} schema names, or null. */
    static String refName(JsonNode schema) {
        String ref = schema == null ? null : schema.path("$ref").asText(null);
        if (ref == null) {
            return null;
        }
        if (!ref.startsWith(REF_PREFIX)) {
            throw new IllegalArgumentException("not a local definition: " + ref);
        }
        return ref.substring(REF_PREFIX.length());
    }

    /** What a check found: problems (the value is not valid), extras, and each model's property names seen. */
    static final class Result {
        final List<String> problems = new ArrayList<>();
        /** "Model.Key" of keys the model does not define. */
        final Set<String> extras = new LinkedHashSet<>();
        /** Model name → the property names answered (present, null included), in the spec's case. */
        final Map<String, Set<String>> seen = new TreeMap<>();
        /** Model name → how many properties the model defines. */
        final Map<String, Integer> defined = new TreeMap<>();

        boolean valid() {
            return problems.isEmpty();
        }

        /** Problems other than missing properties: wrong types, enum values, name case. */
        List<String> typeProblems() {
            return problems.stream().filter(p -> !p.endsWith(MISSING)).toList();
        }

        /** The problems with array indices left out, each once, with how often it occurred when more than once. */
        List<String> summary() {
            Map<String, Integer> counts = new java.util.LinkedHashMap<>();
            for (String p : problems) {
                counts.merge(p.replaceAll("\\[\\d+]", "[]"), 1, Integer::sum);
            }
            List<String> out = new ArrayList<>();
            counts.forEach((p, n) -> out.add(n == 1 ? p : p + " (×" + n + ")"));
            return out;
        }

        void merge(Result other) {
            problems.addAll(other.problems);
            extras.addAll(other.extras);
            other.seen.forEach((m, s) -> seen.computeIfAbsent(m, k -> new LinkedHashSet<>()).addAll(s));
            defined.putAll(other.defined);
        }
    }

    static final String MISSING = ": missing";

    /** Checks {@code value} against {@code schema} (a response or body schema of the extract). */
    Result check(JsonNode value, JsonNode schema) {
        Result r = new Result();
        check(value, schema, "$", r, 0);
        return r;
    }

    /** Checks {@code value} against the definition {@code model}. */
    Result checkModel(JsonNode value, String model) {
        Result r = new Result();
        checkDefinition(value, model, "$", r, 0);
        return r;
    }

    private void check(JsonNode value, JsonNode schema, String at, Result r, int depth) {
        if (depth > DEPTH_MAX) {
            r.problems.add(at + ": nested deeper than " + DEPTH_MAX);
            return;
        }
        if (value == null || value.isNull()) {
            return; // a property's "no value"; required ones are checked by the model
        }
        String ref = refName(schema);
        if (ref != null) {
            checkDefinition(value, ref, at, r, depth + 1);
            return;
        }
        if (schema.has("properties")) {
            checkProperties(value, schema, "(inline)", at, r, depth);
            return;
        }
        String type = schema.path("type").asText("");
        String format = schema.path("format").asText("");
        switch (type) {
            case "" -> { }
            case "integer" -> checkInteger(value, format, at, r);
            case "number" -> {
                if (!value.isNumber()) {
                    r.problems.add(at + ": expected a number, got " + shown(value));
                }
            }
            case "string" -> checkString(value, format, at, r);
            case "boolean" -> {
                if (!value.isBoolean()) {
                    r.problems.add(at + ": expected a boolean, got " + shown(value));
                }
            }
            case "array" -> {
                if (!value.isArray()) {
                    r.problems.add(at + ": expected an array, got " + shown(value));
                    return;
                }
                int i = 0;
                for (JsonNode item : value) {
                    check(item, schema.path("items"), at + "[" + i++ + "]", r, depth + 1);
                }
            }
            case "object" -> {
                if (!value.isObject()) {
                    r.problems.add(at + ": expected an object, got " + shown(value));
                    return;
                }
                JsonNode values = schema.path("additionalProperties");
                if (values.isObject()) {
                    for (Iterator<Map.Entry<String, JsonNode>> it = value.fields(); it.hasNext(); ) {
                        Map.Entry<String, JsonNode> e = it.next();
                        check(e.getValue(), values, at + "." + e.getKey(), r, depth + 1);
                    }
                }
            }
            default -> r.problems.add(at + ": the extract has an unknown type '" + type + "'");
        }
        if (schema.has("enum") && value.isValueNode()) {
            boolean listed = false;
            for (JsonNode e : schema.path("enum")) {
                listed |= e.equals(value) || (e.isTextual() && value.isTextual() && e.asText().equals(value.asText()));
            }
            if (!listed) {
                r.problems.add(at + ": " + shown(value) + " is not one of the spec's values " + schema.path("enum"));
            }
        }
        if (value.isNumber()) {
            BigDecimal v = value.decimalValue();
            if (schema.has("minimum") && v.compareTo(schema.path("minimum").decimalValue()) < 0) {
                r.problems.add(at + ": " + v + " is below the minimum " + schema.path("minimum"));
            }
            if (schema.has("maximum") && v.compareTo(schema.path("maximum").decimalValue()) > 0) {
                r.problems.add(at + ": " + v + " is above the maximum " + schema.path("maximum"));
            }
        }
    }

    private void checkDefinition(JsonNode value, String model, String at, Result r, int depth) {
        JsonNode def = definitions.path(model);
        if (def.isMissingNode()) {
            r.problems.add(at + ": the extract has no model " + model);
            return;
        }
        if (def.has("properties")) {
            checkProperties(value, def, model, at, r, depth);
        } else {
            check(value, def, at, r, depth + 1);
        }
    }

    private void checkProperties(JsonNode value, JsonNode model, String name, String at, Result r, int depth) {
        if (!value.isObject()) {
            r.problems.add(at + ": expected a " + name + " object, got " + shown(value));
            return;
        }
        JsonNode properties = model.path("properties");
        Set<String> required = new LinkedHashSet<>();
        model.path("required").forEach(n -> required.add(n.asText()));
        Set<String> seen = r.seen.computeIfAbsent(name, k -> new LinkedHashSet<>());
        r.defined.put(name, properties.size());
        Map<String, String> byLowerCase = new TreeMap<>();
        properties.fieldNames().forEachRemaining(p -> byLowerCase.put(p.toLowerCase(java.util.Locale.ROOT), p));
        for (Iterator<Map.Entry<String, JsonNode>> it = value.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            String key = e.getKey();
            if (properties.has(key)) {
                continue;
            }
            String spec = byLowerCase.get(key.toLowerCase(java.util.Locale.ROOT));
            if (spec != null) {
                r.problems.add(at + "." + key + ": the spec spells it " + spec);
            } else {
                r.extras.add(name + "." + key);
            }
        }
        for (Iterator<Map.Entry<String, JsonNode>> it = properties.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> p = it.next();
            String prop = p.getKey();
            JsonNode v = value.get(prop);
            if (v == null) {
                if (required.contains(prop) || !omitsEmptyKeys.contains(name)) {
                    r.problems.add(at + "." + prop + MISSING);
                }
                continue;
            }
            seen.add(prop);
            if (v.isNull() && required.contains(prop)) {
                r.problems.add(at + "." + prop + ": required, got null");
            }
            check(v, p.getValue(), at + "." + prop, r, depth + 1);
        }
    }

    private static void checkInteger(JsonNode value, String format, String at, Result r) {
        if (!value.isIntegralNumber()) {
            r.problems.add(at + ": expected an integer, got " + shown(value));
            return;
        }
        BigInteger v = value.bigIntegerValue();
        boolean inRange = switch (format) {
            case "int32" -> v.compareTo(INT32_MIN) >= 0 && v.compareTo(INT32_MAX) <= 0;
            case "int64" -> v.compareTo(INT64_MIN) >= 0 && v.compareTo(INT64_MAX) <= 0;
            default -> true;
        };
        if (!inRange) {
            r.problems.add(at + ": " + v + " is out of the range of " + format);
        }
    }

    private static void checkString(JsonNode value, String format, String at, Result r) {
        if (!value.isTextual()) {
            r.problems.add(at + ": expected a string, got " + shown(value));
            return;
        }
        String s = value.asText();
        switch (format) {
            case "date-time" -> {
                try {
                    OffsetDateTime.parse(s);
                } catch (DateTimeParseException e) {
                    r.problems.add(at + ": " + shown(value) + " is not an ISO-8601 date-time with an offset");
                }
            }
            case "uuid" -> {
                if (!UUID.matcher(s).matches()) {
                    r.problems.add(at + ": " + shown(value) + " is not a UUID");
                }
            }
            case "byte" -> {
                try {
                    Base64.getDecoder().decode(s);
                } catch (IllegalArgumentException e) {
                    r.problems.add(at + ": " + shown(value) + " is not base64");
                }
            }
            default -> { }
        }
    }

    private static String shown(JsonNode value) {
        String s = value.toString();
        return s.length() > 80 ? s.substring(0, 80) + "…" : s;
    }
}
