package dev.crater.spec;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

/**
 * The committed extract ({@code src/main/resources/spec/trading-api.facts.json}) is exactly what
 * {@link SpecExtract} makes of the vendor's spec, where the spec is at hand ({@code ../shared}); a fresh
 * clone without it skips, with the reason. {@code spec/extract.sh} runs {@link #write} to remake it.
 */
class SpecExtractTest {
    static final Path SPEC = Path.of("..", SpecExtract.SOURCE);
    static final Path EXTRACT = Path.of("src/main/resources/spec/trading-api.facts.json");

    static String committed() throws IOException {
        try (InputStream in = SpecExtractTest.class.getResourceAsStream("/spec/trading-api.facts.json")) {
            assertThat(in).as("the extract on the test class path").isNotNull();
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    @Test
    void theCommittedExtractIsTheSpecs() throws IOException {
        Assumptions.assumeTrue(Files.isRegularFile(SPEC), "the vendor spec is not at " + SPEC.toAbsolutePath());
        assertThat(committed()).as("rerun spec/extract.sh: the spec changed").isEqualTo(SpecExtract.extract(SPEC));
    }

    @Test
    void theExtractHoldsNoProse() throws IOException {
        String text = committed();
        assertThat(text).contains("\"operationId\"").doesNotContain("\"summary\"").doesNotContain("\"example\"");
    }

    /**
     * A Swagger 2.0 document a client generator reads (VendorClientTest): its header, the provenance as
     * a vendor extension, each response described by its status code.
     */
    @Test
    void theExtractIsASwaggerDocument() throws IOException {
        JsonNode extract = new ObjectMapper().readTree(committed());
        assertThat(extract.path("swagger").asText()).isEqualTo("2.0");
        assertThat(fieldNames(extract.path("info"))).containsExactly("title", "version");
        assertThat(extract.path("x-source").asText()).startsWith(SpecExtract.SOURCE).contains("facts only");
        assertThat(fieldNames(extract)).containsExactlyInAnyOrder("swagger", "info", "x-source", "basePath", "paths",
                "definitions");
        List<String> undescribed = new ArrayList<>();
        extract.path("paths").properties().forEach(path -> path.getValue().properties().forEach(op -> op.getValue()
                .path("responses").properties().forEach(r -> {
                    if (!r.getValue().path("description").asText().equals(r.getKey())) {
                        undescribed.add(op.getKey() + " " + path.getKey() + " " + r.getKey());
                    }
                })));
        assertThat(undescribed).as("responses whose description is not their status code").isEmpty();
    }

    private static List<String> fieldNames(JsonNode node) {
        List<String> names = new ArrayList<>();
        node.fieldNames().forEachRemaining(names::add);
        return names;
    }

    @Test
    @EnabledIfSystemProperty(named = "crater.spec.write", matches = "true")
    void write() throws IOException {
        Files.writeString(EXTRACT, SpecExtract.extract(SPEC));
    }
}
