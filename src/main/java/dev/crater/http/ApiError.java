package dev.crater.http;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import java.util.List;
import java.util.Map;

/** The documented error bodies (reference 00-conventions.md §7), one record per shape. */
public final class ApiError {

    private ApiError() {
    }

    public static final String APP_KEY_INVALID = "Application key is not defined or does not exist";
    public static final String AUTHORIZATION_DENIED = "Authorization has been denied for this request.";
    public static final String REQUEST_INVALID = "The request is invalid.";
    public static final String VALIDATION_FAILED = "Validation error occured while processing entity";

    /** {@code {"error": "Application key is not defined or does not exist"}} (403). */
    public record AppKey(@JsonProperty("error") String error) {
        public static final AppKey INVALID = new AppKey(APP_KEY_INVALID);
    }

    /** {@code {"Message": "..."}}: 401 denied, 400 invalid, 404 no route, 405, 413, 429. */
    public record Message(String message) {
        public static final Message DENIED = new Message(AUTHORIZATION_DENIED);
        public static final Message INVALID = new Message(REQUEST_INVALID);

        public static Message noRoute(String uri) {
            return new Message("No HTTP resource was found that matches the request URI '" + uri + "'.");
        }
    }

    /** {@code {"Message": "...", "ModelState": {"arg.Field": ["..."]}}} for malformed input. */
    @JsonPropertyOrder({"Message", "ModelState"})
    public record ModelState(String message, Map<String, List<String>> modelState) {
        public static ModelState of(String key, String problem) {
            return new ModelState(VALIDATION_FAILED, Map.of(key, List.of(problem)));
        }
    }

    /**
     * {@code {"message": "An error occurred while processing your request", "error": "Unexpected server error"}}
     * plus the request id under which the log holds the details.
     */
    @JsonPropertyOrder({"message", "error", "requestId"})
    public record Internal(@JsonProperty("message") String message, @JsonProperty("error") String error,
                           @JsonProperty("requestId") String requestId) {
        public static Internal of(String requestId) {
            return new Internal("An error occurred while processing your request", "Unexpected server error", requestId);
        }
    }
}
