package dev.crater.http;

import io.helidon.webserver.http.ServerRequest;
import java.util.Optional;

/**
 * Numeric path segments ({@code {accountId}}, {@code {orderId}}, {@code {alertId}}, …), read one way
 * everywhere: trimmed, parsed as a .NET Int32, and anything else answered with the documented
 * ModelState error under the segment's name: {@code "The value 'abc' is not valid for Int32."}
 * (the value shown at most {@link #SHOWN_CHARS_MAX} characters). Whether zero or a negative id is an
 * error, and which, is the caller's rule.
 */
public final class PathIds {
    /** Named limit: characters of a refused value echoed in the error. */
    public static final int SHOWN_CHARS_MAX = 64;

    private PathIds() {
    }

    /** The request's path parameter {@code name} as an Int32, else 422 ModelState under {@code name}. */
    public static int int32(ServerRequest req, String name) {
        return int32(req.path().pathParameters().get(name), name);
    }

    /** {@code segment} as an Int32, else 422 ModelState under {@code key}. */
    public static int int32(String segment, String key) {
        return parse(segment).orElseThrow(() -> notInt32(segment, key));
    }

    /** {@code segment} as an Int32 greater than zero, else 422 ModelState under {@code key}. */
    public static int positiveInt32(String segment, String key) {
        int id = int32(segment, key);
        if (id <= 0) {
            throw notInt32(segment, key);
        }
        return id;
    }

    /** {@code segment} as an Int32 when it is one (surrounding blanks allowed), else empty. */
    public static Optional<Integer> parse(String segment) {
        if (segment == null) {
            return Optional.empty();
        }
        try {
            return Optional.of(Integer.parseInt(segment.trim()));
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
    }

    /** The documented error for a segment that is not an Int32. */
    public static ApiException notInt32(String segment, String key) {
        return ApiException.modelState(key, "The value '" + shown(segment) + "' is not valid for Int32.");
    }

    /** A client's value as echoed in an error: at most {@link #SHOWN_CHARS_MAX} characters, then "…". */
    public static String shown(String value) {
        if (value == null) {
            return "";
        }
        return value.length() <= SHOWN_CHARS_MAX ? value : value.substring(0, SHOWN_CHARS_MAX) + "…";
    }
}
