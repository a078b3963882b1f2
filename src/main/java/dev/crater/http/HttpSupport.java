package dev.crater.http;

import dev.crater.common.Busy;
import dev.crater.common.Refusal;
import io.helidon.http.DirectHandler;
import io.helidon.http.HeaderName;
import io.helidon.http.HeaderNames;
import io.helidon.http.HeaderValues;
import io.helidon.http.Status;
import io.helidon.webserver.http.DirectHandlers;
import io.helidon.webserver.http.HttpRouting;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import java.io.IOException;
import java.io.InputStream;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Shared edge plumbing: writing JSON, reading bounded bodies and headers, and the one place where
 * exceptions become responses. Handlers parse, delegate, and call {@link #json}; nothing else here
 * knows about features.
 */
public final class HttpSupport {
    private static final Logger LOG = LoggerFactory.getLogger(HttpSupport.class);
    private static final SecureRandom REQUEST_IDS = new SecureRandom();

    public static final HeaderName REQUEST_ID = HeaderNames.create("X-Request-Id");
    private static final byte[] JSON_TYPE = "application/json; charset=utf-8".getBytes();

    private HttpSupport() {
    }

    /** Writes {@code body} as JSON with the given status. */
    public static void json(ServerResponse res, int status, Object body) {
        byte[] bytes = Json.write(body);
        res.status(Status.create(status));
        res.header(HeaderValues.create(HeaderNames.CONTENT_TYPE, new String(JSON_TYPE)));
        res.send(bytes);
    }

    /** Writes already-serialised JSON with the given status. */
    public static void jsonBytes(ServerResponse res, int status, byte[] json) {
        res.status(Status.create(status));
        res.header(HeaderValues.create(HeaderNames.CONTENT_TYPE, new String(JSON_TYPE)));
        res.send(json);
    }

    /** Trimmed value of a header, or empty when absent or blank. */
    public static Optional<String> header(ServerRequest req, HeaderName name) {
        return req.headers().first(name).map(String::trim).filter(v -> !v.isEmpty());
    }

    /**
     * The whole request body, at most {@link Limits#BODY_BYTES_MAX} bytes: as {@link #bodyFilter}
     * read it before routing (every server route has it), or read now.
     */
    public static byte[] body(ServerRequest req) {
        Optional<ReadBody> read = req.context().get(ReadBody.class);
        if (read.isPresent()) {
            return read.get().bytes();
        }
        return readBody(req, null);
    }

    /** A body read before routing, kept in the request's context. */
    record ReadBody(byte[] bytes) {
    }

    /**
     * Reads the body; with {@code deadlines}, within {@link Limits#BODY_READ_TIMEOUT}. Every way a
     * body can be wrong is the client's and answers a 4xx: 400 for broken chunked framing (a chunk
     * size that is not hex, or too large, a missing CRLF) or a body shorter than its
     * Content-Length, 413 over the limit, 408 past the deadline. Helidon reports broken framing as
     * a {@code NumberFormatException} or another runtime exception of its parser: everything thrown
     * while reading is about the bytes the client sent.
     */
    static byte[] readBody(ServerRequest req, ReadDeadlines deadlines) {
        if (!req.content().hasEntity()) {
            return new byte[0];
        }
        ReadDeadlines.Deadline deadline = deadlines == null ? null : deadlines.arm(Limits.BODY_READ_TIMEOUT);
        ApiException failure = null;
        byte[] bytes = null;
        // Not closed after a failure: closing drains the rest, which re-enters the chunk parser that
        // just failed (and waits for a line that may never come). The answer closes the connection.
        try {
            InputStream in = req.content().inputStream();
            bytes = readAll(req, in);
            in.close();
        } catch (ApiException e) {
            failure = e;
        } catch (IOException | java.io.UncheckedIOException e) {
            failure = new ApiException(400, new ApiError.Message("The request body could not be read."));
        } catch (io.helidon.http.RequestException e) {
            int status = e.status().code() >= 400 && e.status().code() < 500 ? e.status().code() : 400;
            failure = status == 413 ? tooLarge() : new ApiException(status, new ApiError.Message(BAD_FRAMING));
        } catch (RuntimeException e) {
            failure = new ApiException(400, new ApiError.Message(BAD_FRAMING));
        } finally {
            if (deadline != null && !deadlines.disarm(deadline)) {
                failure = new ApiException(408, new ApiError.Message("The request body did not arrive within "
                        + Limits.BODY_READ_TIMEOUT.toSeconds() + " seconds."));
            }
        }
        if (failure != null) {
            throw failure;
        }
        return bytes;
    }

    static final String BAD_FRAMING = "The request body is not validly framed (chunked encoding or Content-Length).";

    private static ApiException tooLarge() {
        return new ApiException(413, new ApiError.Message("The request body is larger than "
                + Limits.BODY_BYTES_MAX + " bytes."));
    }

    private static byte[] readAll(ServerRequest req, InputStream in) throws IOException {
        // With a Content-Length the body is read into an array of exactly that size (readNBytes
        // allocates 16 KiB chunks: a third of all bytes an order placement allocated).
        java.util.OptionalLong declared = req.headers().contentLength();
        if (declared.isPresent() && declared.getAsLong() <= Limits.BODY_BYTES_MAX) {
            byte[] bytes = new byte[(int) declared.getAsLong()];
            int n = in.readNBytes(bytes, 0, bytes.length);
            if (n < bytes.length) {
                throw new ApiException(400, new ApiError.Message("The request body does not match its Content-Length."));
            }
            return bytes;
        }
        byte[] bytes = in.readNBytes((int) Limits.BODY_BYTES_MAX + 1);
        if (bytes.length > Limits.BODY_BYTES_MAX) {
            throw tooLarge();
        }
        return bytes;
    }

    /**
     * The routing filter that reads every request body before any route runs, within
     * {@link Limits#BODY_READ_TIMEOUT} ({@link ReadDeadlines}). Routes that never look at the body
     * are covered too: a broken, oversized or slow body is refused here, and the connection closed
     * after the answer (the rest of its bytes cannot be trusted to start a request), instead of
     * failing in Helidon's drain after the answer.
     */
    public static io.helidon.webserver.http.Filter bodyFilter(ReadDeadlines deadlines) {
        return (chain, req, res) -> {
            if (!req.content().hasEntity()) {
                chain.proceed();
                return;
            }
            byte[] bytes;
            try {
                bytes = readBody(req, deadlines);
            } catch (ApiException e) {
                res.header(HeaderValues.CONNECTION_CLOSE);
                json(res, e.status(), e.body());
                // Helidon would read on after this answer and take the body's remains for the next
                // request; this ends the connection once the answer is written (logged at TRACE).
                throw new io.helidon.webserver.CloseConnectionException("request body refused: " + e.status());
            }
            req.context().register(new ReadBody(bytes));
            chain.proceed();
        };
    }

    /**
     * Reads the body as JSON into {@code type}, leniently (see {@link Json}). An empty or malformed
     * body answers 422 with the documented ModelState body under {@code argName}.
     */
    public static <T> T readJson(ServerRequest req, Class<T> type, String argName) {
        return readJson(body(req), type, argName);
    }

    /**
     * The one JSON body reader: {@code bytes} as {@code type} by the lenient rules of {@link Json}.
     * No body, {@code null}, a value of the wrong type or text that is not JSON is a 422 ModelState
     * under {@code argName} (with the field, {@code argName.Field}, when the value of one field is wrong).
     */
    public static <T> T readJson(byte[] bytes, Class<T> type, String argName) {
        if (bytes.length == 0) {
            throw ApiException.modelState(argName, "A request body is required.");
        }
        try {
            T value = Json.read(bytes, type);
            if (value == null) {
                throw ApiException.modelState(argName, "A request body is required.");
            }
            return value;
        } catch (com.fasterxml.jackson.databind.exc.MismatchedInputException e) {
            // Valid JSON with a value of the wrong type or shape: named by the innermost field holding it
            // (an element of a list is its list's field), or by the argument when it is the body itself.
            String field = "";
            for (int i = e.getPath().size() - 1; i >= 0 && field.isEmpty(); i--) {
                String name = e.getPath().get(i).getFieldName();
                field = name == null ? "" : "." + name;
            }
            throw ApiException.modelState(argName + field, "The value could not be read.");
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            String where = e.getLocation() == null ? "" : " at line " + e.getLocation().getLineNr()
                    + ", column " + e.getLocation().getColumnNr();
            throw ApiException.modelState(argName, "The request body is not valid JSON" + where + ".");
        } catch (IOException e) {
            throw ApiException.modelState(argName, "The request body could not be read.");
        }
    }

    /** A query parameter's value, or empty when absent or blank. */
    public static Optional<String> query(ServerRequest req, String name) {
        return req.query().first(name).asOptional().map(String::trim).filter(v -> !v.isEmpty());
    }

    /**
     * The error handlers every routing gets: documented bodies for {@link ApiException}, and for
     * anything else a 500 that carries only a request id, with the details in the log under it.
     */
    public static void errorHandling(HttpRouting.Builder routing) {
        routing.error(ApiException.class, (req, res, e) -> json(res, e.status(), e.body()));
        routing.error(Refusal.class, (req, res, e) -> {
            ApiException answer = answer(e);
            if (e instanceof Refusal.Unavailable) {
                res.header(HeaderNames.RETRY_AFTER, String.valueOf(Busy.RETRY_AFTER_SECONDS));
            }
            json(res, answer.status(), answer.body());
        });
        routing.error(Busy.class, (req, res, e) -> {
            LOG.warn("request {} refused: {}", req.path().path(), e.getMessage());
            res.header(HeaderNames.RETRY_AFTER, String.valueOf(Busy.RETRY_AFTER_SECONDS));
            json(res, 503, new ApiError.Message("The server is busy; try again shortly."));
        });
        routing.error(Throwable.class, (req, res, e) -> {
            String requestId = newRequestId();
            LOG.error("request {} {} {} failed", requestId, req.prologue().method().text(), req.path().path(), e);
            res.header(REQUEST_ID, requestId);
            json(res, 500, ApiError.Internal.of(requestId));
        });
    }

    /** The documented status and body of a service's refusal; the one place a {@link Refusal} meets HTTP. */
    public static ApiException answer(Refusal refusal) {
        return switch (refusal) {
            case Refusal.Invalid i -> ApiException.modelState(i.key(), i.getMessage());
            case Refusal.NotFound n -> new ApiException(404, new ApiError.Message(n.getMessage()));
            case Refusal.Conflict c -> new ApiException(409, new ApiError.Message(c.getMessage()));
            case Refusal.Denied d -> ApiException.denied();
            case Refusal.Unanswerable u -> new ApiException(400, new ApiError.Message(u.getMessage()));
            case Refusal.Unavailable u -> new ApiException(503, new ApiError.Message(u.getMessage()));
            case Refusal.Coded c -> Envelope.error(switch (c.reason()) {
                case CONFLICT -> 409;
                case TOO_SOON -> 429;
                case UNAVAILABLE -> 503;
            }, c.code(), c.getMessage());
        };
    }

    /**
     * Responses for what the transport refuses before routing (oversized or malformed request
     * lines and headers, bodies over the limit): the documented {@code Message} shape, no detail.
     */
    public static DirectHandlers directHandlers() {
        DirectHandler handler = new TransportErrors();
        DirectHandlers.Builder builder = DirectHandlers.builder();
        for (DirectHandler.EventType type : DirectHandler.EventType.values()) {
            builder.addHandler(type, handler);
        }
        return builder.build();
    }

    /**
     * Errors Helidon raises while reading a request, before any route runs. Every such failure is
     * about the bytes the client sent, so none of them is a 5xx: Helidon 4.5 reports some parse
     * failures (control bytes in the method, a header parser crash just past the header limit) as
     * internal errors, which are answered 400 here. Helidon's own "Header size exceeded" is a 400
     * too; it is answered 431 as documented.
     */
    static final class TransportErrors implements DirectHandler {
        static final String HEADER_SIZE_EXCEEDED = "Header size exceeded";

        @Override
        public TransportResponse handle(TransportRequest request, EventType eventType, io.helidon.http.Status status,
                                        io.helidon.http.ServerResponseHeaders headers, Throwable thrown,
                                        System.Logger logger) {
            return handle(request, eventType, status, headers, thrown);
        }

        @Override
        public TransportResponse handle(TransportRequest request, EventType eventType, io.helidon.http.Status status,
                                        io.helidon.http.ServerResponseHeaders headers, Throwable thrown) {
            String message = thrown == null ? "" : String.valueOf(thrown.getMessage());
            int code = status.code();
            if (message.contains(HEADER_SIZE_EXCEEDED)) {
                code = 431;
            } else if (code >= 500 && thrown != null && !fromCrater(thrown)) {
                code = 400;
            }
            return response(io.helidon.http.Status.create(code));
        }

        @Override
        public TransportResponse handle(TransportRequest request, EventType eventType, io.helidon.http.Status status,
                                        io.helidon.http.ServerResponseHeaders headers, String message) {
            // Helidon 4.5 passes no message here; what reaches this variant is a request it could
            // not parse, so a 5xx (a parser crash) is the client's malformed request: 400.
            int code = message != null && message.contains(HEADER_SIZE_EXCEEDED) ? 431 : status.code();
            return response(io.helidon.http.Status.create(code >= 500 ? 400 : code));
        }

        private static boolean fromCrater(Throwable t) {
            for (Throwable c = t; c != null; c = c.getCause()) {
                for (StackTraceElement e : c.getStackTrace()) {
                    if (e.getClassName().startsWith("dev.crater.")) {
                        return true;
                    }
                }
            }
            return false;
        }

        private static TransportResponse response(io.helidon.http.Status status) {
            String text = switch (status.code()) {
                case 413 -> "The request body is larger than " + Limits.BODY_BYTES_MAX + " bytes.";
                case 414 -> "The request URI is longer than " + Limits.REQUEST_LINE_BYTES_MAX + " bytes.";
                case 431 -> "The request headers are larger than " + Limits.HEADERS_BYTES_MAX + " bytes.";
                default -> status.code() >= 500 ? "An error occurred while processing your request" : ApiError.REQUEST_INVALID;
            };
            return TransportResponse.builder()
                    .status(status)
                    .header(HeaderNames.CONTENT_TYPE, new String(JSON_TYPE))
                    .keepAlive(false)
                    .entity(Json.write(new ApiError.Message(text)))
                    .build();
        }
    }

    static String newRequestId() {
        byte[] bytes = new byte[8];
        REQUEST_IDS.nextBytes(bytes);
        return HexFormat.of().formatHex(bytes);
    }
}
