package dev.crater.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;

/** The facts-only extract of the vendor spec on the classpath ({@code spec/trading-api.facts.json}), for tests. */
public final class SpecFacts {
    private static final String RESOURCE = "/spec/trading-api.facts.json";
    private static JsonNode facts;

    private SpecFacts() {
    }

    public static synchronized JsonNode facts() {
        if (facts == null) {
            try (InputStream in = SpecFacts.class.getResourceAsStream(RESOURCE)) {
                if (in == null) {
                    throw new IllegalStateException(RESOURCE + " is not on the classpath");
                }
                facts = new ObjectMapper().readTree(in);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return facts;
    }

    /** A model's property names, in the spec's order. */
    public static List<String> properties(String model) {
        JsonNode props = facts().path("definitions").path(model).path("properties");
        if (props.isMissingNode()) {
            throw new IllegalArgumentException("no model " + model + " in the spec");
        }
        List<String> names = new ArrayList<>();
        props.fieldNames().forEachRemaining(names::add);
        return names;
    }
}
