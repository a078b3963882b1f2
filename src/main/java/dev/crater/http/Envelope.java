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

    public static Envelope failed(int status, String code, String message) {
        return new Envelope(null, List.of(message), List.of(code), status, false);
    }

    /** An {@link ApiException} carrying a failed envelope with the same HTTP status. */
    public static ApiException error(int status, String code, String message) {
        return new ApiException(status, failed(status, code, message));
    }
}
