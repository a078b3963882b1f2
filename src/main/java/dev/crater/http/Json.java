package dev.crater.http;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.json.JsonReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.MapperFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.module.blackbird.BlackbirdModule;
import java.io.IOException;

/**
 * The one JSON mapper. Output keys are PascalCase (the API's convention; camelCase exceptions are
 * annotated on their records). Input is lenient the way the documentation's own samples are:
 * keys in any case, trailing commas, unquoted keys, single quotes, enum names in any case or as
 * numbers, unknown keys ignored. Input size and depth are bounded.
 */
public final class Json {

    /** Deepest nesting accepted in a request body. */
    public static final int NESTING_DEPTH_MAX = 32;
    /** Longest string value accepted in a request body, in characters. */
    public static final int STRING_LENGTH_MAX = 64 * 1024;
    /** Longest number literal accepted, in characters. */
    public static final int NUMBER_LENGTH_MAX = 64;

    private static final ObjectMapper MAPPER = JsonMapper.builder(JsonFactory.builder()
                    .streamReadConstraints(StreamReadConstraints.builder()
                            .maxNestingDepth(NESTING_DEPTH_MAX)
                            .maxStringLength(STRING_LENGTH_MAX)
                            .maxNumberLength(NUMBER_LENGTH_MAX)
                            .build())
                    // Virtual threads make the default per-thread buffer pool allocate anew on every
                    // request; one shared pool reuses buffers across them.
                    .recyclerPool(com.fasterxml.jackson.core.util.JsonRecyclerPools.sharedConcurrentDequePool())
                    .build())
            .propertyNamingStrategy(PropertyNamingStrategies.UPPER_CAMEL_CASE)
            .enable(MapperFeature.ACCEPT_CASE_INSENSITIVE_PROPERTIES)
            .enable(MapperFeature.ACCEPT_CASE_INSENSITIVE_ENUMS)
            .enable(JsonReadFeature.ALLOW_TRAILING_COMMA)
            .enable(JsonReadFeature.ALLOW_UNQUOTED_FIELD_NAMES)
            .enable(JsonReadFeature.ALLOW_SINGLE_QUOTES)
            .enable(JsonReadFeature.ALLOW_JAVA_COMMENTS)
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .disable(SerializationFeature.FAIL_ON_EMPTY_BEANS)
            .enable(com.fasterxml.jackson.core.StreamWriteFeature.WRITE_BIGDECIMAL_AS_PLAIN)
            .serializationInclusion(JsonInclude.Include.ALWAYS)
            .addModule(new BlackbirdModule())
            .build();

    private Json() {
    }

    public static ObjectMapper mapper() {
        return MAPPER;
    }

    public static byte[] write(Object value) {
        try {
            return MAPPER.writeValueAsBytes(value);
        } catch (JsonProcessingException e) {
            // Our own response records always serialise; failing here is a programming error.
            throw new IllegalStateException("cannot serialise " + value.getClass().getName(), e);
        }
    }

    public static <T> T read(byte[] body, Class<T> type) throws IOException {
        return MAPPER.readValue(body, type);
    }
}
