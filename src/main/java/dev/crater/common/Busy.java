package dev.crater.common;

/**
 * A bounded queue in the server is full: the request is answered 503 with {@code Retry-After}
 * rather than waiting without limit. Carries no stack trace: it is load, not a bug.
 */
public final class Busy extends RuntimeException {
    private static final long serialVersionUID = 1L;
    public static final int RETRY_AFTER_SECONDS = 1;

    public Busy(String what) {
        super(what, null, false, false);
    }
}
