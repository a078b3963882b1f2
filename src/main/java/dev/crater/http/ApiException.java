package dev.crater.http;

import java.util.Objects;

/**
 * An expected, client-caused outcome that ends a request with a documented status and body.
 * Thrown by handlers and services; turned into a response by the single error handler in
 * {@link HttpSupport#errorHandling}. Carries no stack trace: it is not a bug.
 */
public final class ApiException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final int status;
    private final transient Object body;

    public ApiException(int status, Object body) {
        super("HTTP " + status, null, false, false);
        this.status = status;
        this.body = Objects.requireNonNull(body, "body");
    }

    public int status() {
        return status;
    }

    public Object body() {
        return body;
    }

    public static ApiException denied() {
        return new ApiException(401, ApiError.Message.DENIED);
    }

    public static ApiException appKey() {
        return new ApiException(403, ApiError.AppKey.INVALID);
    }

    public static ApiException invalid() {
        return new ApiException(400, ApiError.Message.INVALID);
    }

    public static ApiException modelState(String key, String problem) {
        return new ApiException(422, ApiError.ModelState.of(key, problem));
    }
}
