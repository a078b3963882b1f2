package dev.crater.common;

/**
 * A request the rules refuse: the caller's doing, not a bug. Services throw these (or return
 * outcome values); one place, {@code http.HttpSupport.errorHandling}, turns each kind into its
 * documented status and body, so no service knows an HTTP status code. Carries no stack trace.
 */
public abstract sealed class Refusal extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private Refusal(String message) {
        super(message, null, false, false);
    }

    /** A malformed or out-of-range input field (422 ModelState under {@link #key()}). */
    public static final class Invalid extends Refusal {
        private static final long serialVersionUID = 1L;
        private final String key;

        public Invalid(String key, String problem) {
            super(problem);
            this.key = key;
        }

        /** The ModelState key, e.g. {@code placeParams.Symbol} or {@code accountId}. */
        public String key() {
            return key;
        }
    }

    /** What the request names does not exist for the caller (404 with the message). */
    public static final class NotFound extends Refusal {
        private static final long serialVersionUID = 1L;

        public NotFound(String message) {
            super(message);
        }
    }

    /** The request contradicts the current state (409 with the message). */
    public static final class Conflict extends Refusal {
        private static final long serialVersionUID = 1L;

        public Conflict(String message) {
            super(message);
        }
    }

    /** The caller may not do this (401 with the documented "Authorization has been denied" body). */
    public static final class Denied extends Refusal {
        private static final long serialVersionUID = 1L;

        public Denied() {
            super("denied");
        }
    }

    /** A well-formed request the server will not run, e.g. one too costly to answer (400 with the message). */
    public static final class Unanswerable extends Refusal {
        private static final long serialVersionUID = 1L;

        public Unanswerable(String message) {
            super(message);
        }
    }

    /** A bounded part of the server is saturated; the caller may retry (503 with the message). */
    public static final class Unavailable extends Refusal {
        private static final long serialVersionUID = 1L;

        public Unavailable(String message) {
            super(message);
        }
    }

    /**
     * A refusal of the newer endpoints (two-factor settings, phone binding, password reset): it carries
     * the documented error code and is answered in their envelope ({@code ErrorsCode}, {@code Errors}).
     */
    public static final class Coded extends Refusal {
        private static final long serialVersionUID = 1L;

        /** Why: the request contradicts the state (409), comes too soon (429), or a gateway failed (503). */
        public enum Reason { CONFLICT, TOO_SOON, UNAVAILABLE }

        private final Reason reason;
        private final String code;

        private Coded(Reason reason, String code, String message) {
            super(message);
            this.reason = reason;
            this.code = code;
        }

        public static Coded conflict(String code, String message) {
            return new Coded(Reason.CONFLICT, code, message);
        }

        public static Coded tooSoon(String code, String message) {
            return new Coded(Reason.TOO_SOON, code, message);
        }

        public static Coded unavailable(String code, String message) {
            return new Coded(Reason.UNAVAILABLE, code, message);
        }

        public Reason reason() {
            return reason;
        }

        /** The documented error code, e.g. {@code InvalidVerificationCode}. */
        public String code() {
            return code;
        }
    }

    public static Invalid invalid(String key, String problem) {
        return new Invalid(key, problem);
    }
}
