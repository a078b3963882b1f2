package dev.crater.http;

import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import java.util.List;

/**
 * The newer endpoints' response envelope (reference 00-conventions.md §7):
 * {@code {"Model": …, "Errors": [], "ErrorsCode": [], "StatusCode": 409, "IsSucceed": false}}.
 */
@JsonPropertyOrder({"Model", "Errors", "ErrorsCode", "StatusCode", "IsSucceed"})
public record Envelope(Object model, List<String> errors, List<String> errorsCode, Object statusCode, boolean isSucceed) {

    public static Envelope ok(Object model) {
        return new Envelope(model, List.of(), List.of(), 200, true);
    }

    /** The secret-question shape: {@code {"Model": …, "Errors": [], "IsSucceed": true}} (no StatusCode key). */
    public static java.util.Map<String, Object> okNoStatus(Object model) {
        java.util.Map<String, Object> m = new java.util.LinkedHashMap<>();
        m.put("Model", model);
        m.put("Errors", List.of());
        m.put("IsSucceed", true);
        return m;
    }

    /** The set-PIN answer: {@code {"Errors": [], "ErrorsCode": [], "StatusCode": "Continue", "IsSucceed": true}}. */
    public static java.util.Map<String, Object> continued() {
        java.util.Map<String, Object> m = new java.util.LinkedHashMap<>();
        m.put("Errors", List.of());
        m.put("ErrorsCode", List.of());
        m.put("StatusCode", "Continue");
        m.put("IsSucceed", true);
        return m;
    }

    public static Envelope failed(int status, String code, String message) {
        return new Envelope(null, List.of(message), List.of(code), status, false);
    }

    /** An {@link ApiException} carrying a failed envelope with the same HTTP status. */
    public static ApiException error(int status, String code, String message) {
        return new ApiException(status, failed(status, code, message));
    }
}
