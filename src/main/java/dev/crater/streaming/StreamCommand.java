package dev.crater.streaming;

import com.fasterxml.jackson.databind.JsonNode;
import dev.crater.http.Json;
import dev.crater.market.MarketSandbox;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.ConnectException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Stack;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code crater stream}: a small WebSocket client of a Crater streamer, for watching one from a
 * terminal. It does what an app does (reference 11, docs/api-compatibility.md "Streaming"):
 * {@code GET <api>/v1.0/streamers} and {@code GET <api>/v1.0/users/@me/info} with the app key and
 * bearer token, then {@code <Url>/CreateSession.txt?User=<UserId>&Password=<SessionId>&HttpClientType=WebSocket}
 * and one {@code Subscribe.txt}. Every message the streamer sends — the CreateSession reply first —
 * is printed as one line of JSON on standard output; errors go to standard error as one line each.
 * The bearer token and the streamer session id are never printed.
 */
@Command(name = "stream", mixinStandardHelpOptions = true,
        description = {"Watch a Crater streamer: log in to it as an app does (GET /v1.0/streamers, CreateSession.txt,"
                + " Subscribe.txt) and print every message it sends as one line of JSON (the CreateSession reply first).",
                "The bearer token comes from --token or the environment variable " + StreamCommand.TOKEN_ENV + "."},
        footer = {"", "Exit codes: 0 --count messages came (or, without --count, --timeout passed);"
                + " 1 the server refused or failed (a REST error, CreateSession Error, a refused subscription,"
                + " the streamer closed the socket, no connection); 2 bad options; 3 --timeout passed before --count messages."})
public final class StreamCommand implements Callable<Integer> {
    /** Where the token is read from when {@code --token} is not given (keeps it out of the shell history). */
    public static final String TOKEN_ENV = "CRATER_TOKEN";
    /** Named limits: most messages one run waits for, longest run, longest message printed (characters). */
    static final int COUNT_MAX = 1_000_000;
    static final Duration TIMEOUT_MAX = Duration.ofHours(24);
    static final int MESSAGE_CHARS_MAX = 1024 * 1024;
    /** Longest part of an error answer's body shown in an error line. */
    static final int BODY_CHARS_SHOWN = 200;
    /** Shortest value masked in error lines (real tokens are 43 characters, streamer ids 36). */
    static final int SECRET_CHARS_MIN = 8;
    /** How long the client waits for the server's close frame after its own, at the end of a run. */
    static final Duration CLOSE_WAIT = Duration.ofSeconds(1);

    static final int EXIT_OK = 0;
    static final int EXIT_FAILED = 1;
    static final int EXIT_USAGE = 2;
    static final int EXIT_TIMEOUT = 3;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = "--api", required = true, paramLabel = "URL",
            description = "The API's base URL, e.g. http://localhost:8080/api")
    String api;

    @Option(names = "--app-key", required = true, paramLabel = "KEY", preprocessor = Verbatim.class,
            description = "The company's Et-App-Key.")
    String appKey;

    @Option(names = "--token", paramLabel = "TOKEN", preprocessor = Verbatim.class,
            description = "A bearer token of a full login (POST /api/token); default: $" + TOKEN_ENV + ".")
    String token;

    @Option(names = "--streamer", required = true, paramLabel = "quotes|data",
            description = "The quote streamer (Quote) or the trade-data streamer (Order, Position, AccountBalance,"
                    + " UserBalance, Watchlist, WatchlistContent, PriceAlert).")
    String streamer;

    @Option(names = "--entity", required = true, paramLabel = "TYPE", description = "The EntityType to subscribe to.")
    String entity;

    @Option(names = "--keys", required = true, paramLabel = "K1;K2",
            description = "The keys, separated by ';': security ids for Quote, account ids for Order, Position and"
                    + " AccountBalance, the user id for UserBalance, Watchlist and PriceAlert, watchlist ids for"
                    + " WatchlistContent.")
    String keys;

    @Option(names = "--count", paramLabel = "N",
            description = "Stop after N messages after the CreateSession reply (1-" + COUNT_MAX + "); default: watch"
                    + " until --timeout.")
    Integer count;

    @Option(names = "--timeout", paramLabel = "DURATION", defaultValue = "30s",
            description = "Longest run, e.g. 10s, 5m, 2h (at most 24h; default ${DEFAULT-VALUE}).")
    String timeout;

    /**
     * Takes the next argument as the option's value whatever it looks like: app keys and tokens are
     * base64url and may begin with {@code -} (picocli would read {@code -Vx…} as {@code -V}).
     */
    static final class Verbatim implements CommandLine.IParameterPreprocessor {
        @Override
        public boolean preprocess(Stack<String> args, CommandLine.Model.CommandSpec command,
                CommandLine.Model.ArgSpec arg, Map<String, Object> info) {
            if (args.isEmpty()) {
                return false; // picocli reports the missing value
            }
            arg.setValue(args.pop());
            return true;
        }
    }

    /** The error a run ends with: its exit code and one line for standard error. */
    static final class Failure extends Exception {
        final int code;

        Failure(int code, String message) {
            super(message, null, false, false);
            this.code = code;
        }
    }

    @Override
    public Integer call() throws InterruptedException {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        String secretToken = token(token, System.getenv());
        Session session = null;
        try {
            Settings s = settings(secretToken);
            session = new Session(s, out);
            return session.run();
        } catch (Failure f) {
            err.println("error: " + (session == null ? f.getMessage() : session.redact(f.getMessage())));
            err.flush();
            return f.code;
        } finally {
            out.flush();
        }
    }

    /** The token: {@code --token}, else {@link #TOKEN_ENV}; null when neither is set. */
    static String token(String option, Map<String, String> env) {
        if (option != null && !option.isBlank()) {
            return option.trim();
        }
        String fromEnv = env.get(TOKEN_ENV);
        return fromEnv == null || fromEnv.isBlank() ? null : fromEnv.trim();
    }

    /** What one run needs, checked. */
    record Settings(String base, String appKey, String token, StreamerKind kind, String entity, String keys,
            Integer count, Duration timeout) {
    }

    private Settings settings(String secretToken) throws Failure {
        if (secretToken == null) {
            throw new Failure(EXIT_USAGE, "no token: give --token, or set " + TOKEN_ENV);
        }
        String base = api.trim();
        if (!base.startsWith("http://") && !base.startsWith("https://")) {
            throw new Failure(EXIT_USAGE, "--api must be an http:// or https:// URL, e.g. http://localhost:8080/api");
        }
        base = base.endsWith("/") ? base : base + "/";
        try {
            URI.create(base);
        } catch (IllegalArgumentException e) {
            throw new Failure(EXIT_USAGE, "--api is not a URL: " + e.getMessage());
        }
        StreamerKind kind = switch (streamer.trim().toLowerCase(Locale.ROOT)) {
            case "quotes", "quote" -> StreamerKind.QUOTE;
            case "data" -> StreamerKind.DATA;
            default -> throw new Failure(EXIT_USAGE, "--streamer is quotes or data, not '" + shown(streamer) + "'");
        };
        if (entity.isBlank() || keys.isBlank()) {
            throw new Failure(EXIT_USAGE, "--entity and --keys must not be empty");
        }
        if (count != null && (count < 1 || count > COUNT_MAX)) {
            throw new Failure(EXIT_USAGE, "--count is 1 to " + COUNT_MAX);
        }
        Duration t;
        try {
            t = MarketSandbox.duration(timeout);
        } catch (IllegalArgumentException e) {
            throw new Failure(EXIT_USAGE, "--timeout: " + e.getMessage());
        }
        if (t.isNegative() || t.isZero() || t.compareTo(TIMEOUT_MAX) > 0) {
            throw new Failure(EXIT_USAGE, "--timeout is more than 0 and at most " + TIMEOUT_MAX.toHours() + "h");
        }
        return new Settings(base, appKey.trim(), secretToken, kind, entity.trim(), keys.trim(), count, t);
    }

    private static String shown(String value) {
        String v = value.length() > 40 ? value.substring(0, 40) + "…" : value;
        return v.replaceAll("\\p{Cntrl}", "?");
    }

    /** What the socket's listener hands to the run: a whole text message, the close, or a failure. */
    private sealed interface Event {
    }

    private record Text(String text) implements Event {
    }

    private record Closed(int code, String reason) implements Event {
    }

    private record Broken(String why) implements Event {
    }

    /** One run: the REST calls, the socket, and the messages until the count, the timeout or the close. */
    private static final class Session {
        private final Settings s;
        private final PrintWriter out;
        private final long deadline;
        private final HttpClient http;
        private String streamerSessionId = "";

        Session(Settings s, PrintWriter out) {
            this.s = s;
            this.out = out;
            this.deadline = System.nanoTime() + s.timeout().toNanos();
            this.http = HttpClient.newBuilder().connectTimeout(s.timeout()).build();
        }

        int run() throws Failure, InterruptedException {
            JsonNode streamers = get("v1.0/streamers");
            JsonNode address = streamers.path(s.kind() == StreamerKind.QUOTE ? "QuoteAddresses" : "DataAddresses").path(0);
            String url = address.path("Url").asText("");
            streamerSessionId = address.path("SessionId").asText("");
            if (url.isEmpty() || streamerSessionId.isEmpty()) {
                throw new Failure(EXIT_FAILED, "GET /v1.0/streamers named no " + s.kind().segment
                        + " streamer (no Url or SessionId)");
            }
            JsonNode me = get("v1.0/users/@me/info");
            String userId = me.path("UserId").asText("");
            if (userId.isEmpty()) {
                throw new Failure(EXIT_FAILED, "GET /v1.0/users/@me/info answered no UserId");
            }
            URI uri;
            try {
                uri = URI.create(url + "/CreateSession.txt?User=" + encode(userId) + "&Password="
                        + encode(streamerSessionId) + "&HttpClientType=WebSocket");
            } catch (IllegalArgumentException e) {
                throw new Failure(EXIT_FAILED, "the streamer's Url is not a URL: " + shown(url));
            }
            BlockingQueue<Event> events = new LinkedBlockingQueue<>();
            WebSocket ws = open(uri, events);
            try {
                return messages(ws, events);
            } finally {
                ws.abort();
            }
        }

        private WebSocket open(URI uri, BlockingQueue<Event> events) throws Failure, InterruptedException {
            CompletableFuture<WebSocket> f = http.newWebSocketBuilder().connectTimeout(remaining())
                    .buildAsync(uri, new Listener(events));
            try {
                return f.get(remaining().toNanos(), TimeUnit.NANOSECONDS);
            } catch (TimeoutException e) {
                f.cancel(true);
                throw timedOut("opening the streamer socket", 0);
            } catch (ExecutionException e) {
                Throwable c = e.getCause() == null ? e : e.getCause();
                if (c instanceof HttpTimeoutException) {
                    throw timedOut("opening the streamer socket", 0);
                }
                throw new Failure(EXIT_FAILED, "could not open the " + s.kind().segment + " streamer at " + uri.getScheme()
                        + "://" + uri.getAuthority() + uri.getPath() + ": " + why(c));
            }
        }

        /** Reads until the count, the deadline or the end; the first message must be CreateSession's Ok. */
        private int messages(WebSocket ws, BlockingQueue<Event> events) throws Failure, InterruptedException {
            boolean created = false;
            int received = 0;
            while (true) {
                long left = deadline - System.nanoTime();
                Event e = left <= 0 ? null : events.poll(left, TimeUnit.NANOSECONDS);
                if (e == null) {
                    if (s.count() == null && created) {
                        close(ws, events);
                        return EXIT_OK;
                    }
                    throw timedOut(created ? "waiting for messages" : "waiting for the CreateSession reply", received);
                }
                switch (e) {
                    case Closed c -> throw new Failure(EXIT_FAILED, "the streamer closed the socket: " + c.code()
                            + (c.reason().isEmpty() ? "" : " " + shown(c.reason())));
                    case Broken b -> throw new Failure(EXIT_FAILED, b.why());
                    case Text t -> {
                        JsonNode n;
                        try {
                            n = Json.mapper().readTree(t.text());
                        } catch (IOException x) {
                            throw new Failure(EXIT_FAILED, "the streamer sent a message that is not JSON");
                        }
                        if (n == null || !n.isObject()) {
                            throw new Failure(EXIT_FAILED, "the streamer sent a message that is not a JSON object");
                        }
                        if (!created) {
                            if (!"CreateSession.txt".equals(n.path("Cmd").asText())
                                    || !"Ok".equals(n.path("StatusCode").asText())) {
                                throw new Failure(EXIT_FAILED, "the streamer refused the session (CreateSession.txt "
                                        + shown(n.path("StatusCode").asText("no StatusCode"))
                                        + "): the streamer session id is unknown, replaced or expired, the login"
                                        + " ended, or the user has too many open streamer sockets");
                            }
                            print(n);
                            created = true;
                            subscribe(ws, n.path("SessionId").asText(""));
                            continue;
                        }
                        if ("Error".equals(n.path("StatusCode").asText())) {
                            throw new Failure(EXIT_FAILED, "the streamer refused " + shown(n.path("Cmd").asText("a command"))
                                    + " of EntityType '" + shown(n.path("EntityType").asText("")) + "' keys '"
                                    + shown(n.path("Keys").asText("")) + "': " + shown(n.path("Reason").asText("no reason")));
                        }
                        print(n);
                        received++;
                        if (s.count() != null && received >= s.count()) {
                            close(ws, events);
                            return EXIT_OK;
                        }
                    }
                }
            }
        }

        private void subscribe(WebSocket ws, String socketSessionId) throws Failure, InterruptedException {
            Map<String, String> command = new LinkedHashMap<>();
            command.put("Cmd", "Subscribe.txt");
            command.put("SessionId", socketSessionId);
            command.put("Keys", s.keys());
            command.put("EntityType", s.entity());
            command.put("HttpClientType", "WebSocket");
            String text = new String(Json.write(command), StandardCharsets.UTF_8);
            try {
                ws.sendText(text, true).get(remaining().toNanos(), TimeUnit.NANOSECONDS);
            } catch (TimeoutException e) {
                throw timedOut("sending Subscribe.txt", 0);
            } catch (ExecutionException e) {
                throw new Failure(EXIT_FAILED, "could not send Subscribe.txt: " + why(e.getCause()));
            }
        }

        /** A normal close, waiting a moment for the server's close frame (the caller aborts after). */
        private static void close(WebSocket ws, BlockingQueue<Event> events) throws InterruptedException {
            try {
                ws.sendClose(WebSocket.NORMAL_CLOSURE, "done").get(CLOSE_WAIT.toMillis(), TimeUnit.MILLISECONDS);
                long until = System.nanoTime() + CLOSE_WAIT.toNanos();
                for (long left = CLOSE_WAIT.toNanos(); left > 0; left = until - System.nanoTime()) {
                    Event e = events.poll(left, TimeUnit.NANOSECONDS);
                    if (e == null || e instanceof Closed || e instanceof Broken) {
                        return;
                    }
                }
            } catch (ExecutionException | TimeoutException e) {
                // The socket is aborted right after; the run's result stands.
            }
        }

        private void print(JsonNode n) {
            out.println(new String(Json.write(n), StandardCharsets.UTF_8));
            out.flush();
        }

        /** GET {@code path} under the API with the app key and token; its JSON answer, or a failure. */
        private JsonNode get(String path) throws Failure, InterruptedException {
            HttpRequest req;
            try {
                req = HttpRequest.newBuilder(URI.create(s.base() + path)).timeout(remaining())
                        .header("Et-App-Key", s.appKey()).header("Authorization", "Bearer " + s.token())
                        .header("Accept", "application/json").GET().build();
            } catch (IllegalArgumentException e) {
                throw new Failure(EXIT_USAGE, "--api and --app-key must make a valid request: " + e.getMessage());
            }
            HttpResponse<String> res;
            try {
                res = http.send(req, HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
            } catch (HttpTimeoutException e) {
                throw timedOut("GET /" + path, 0);
            } catch (IOException e) {
                throw new Failure(EXIT_FAILED, "could not reach " + s.base() + ": " + why(e));
            }
            if (res.statusCode() != 200) {
                String body = res.body() == null ? "" : res.body().strip();
                String hint = switch (res.statusCode()) {
                    case 401 -> " (the token is not a live login token)";
                    case 403 -> " (the app key or token is refused)";
                    default -> "";
                };
                throw new Failure(EXIT_FAILED, "GET /" + path + " answered " + res.statusCode() + hint
                        + (body.isEmpty() ? "" : ": " + shownBody(body)));
            }
            try {
                JsonNode n = Json.mapper().readTree(res.body());
                if (n == null || !n.isObject()) {
                    throw new IOException("not an object");
                }
                return n;
            } catch (IOException e) {
                throw new Failure(EXIT_FAILED, "GET /" + path + " answered 200 but not a JSON object; is --api the"
                        + " API's base URL (…/api)?");
            }
        }

        private Duration remaining() {
            long left = deadline - System.nanoTime();
            return Duration.ofNanos(Math.max(left, 1_000_000));
        }

        private Failure timedOut(String doing, int received) {
            String got = s.count() == null ? "" : " (" + received + " of " + s.count() + " messages)";
            return new Failure(EXIT_TIMEOUT, "timed out after " + s.timeout().toString().substring(2).toLowerCase(Locale.ROOT)
                    + " " + doing + got);
        }

        /**
         * {@code text} with the token and the streamer session id masked (a safety net: no error line is
         * made of them). Values shorter than {@link #SECRET_CHARS_MIN} are no real secret and are left,
         * or a token "t" would mask every t.
         */
        String redact(String text) {
            String t = text;
            for (String secret : new String[] {s.token(), streamerSessionId}) {
                if (secret.length() >= SECRET_CHARS_MIN) {
                    t = t.replace(secret, "***");
                }
            }
            return t;
        }

        private static String shownBody(String body) {
            String b = body.replaceAll("\\s+", " ");
            return b.length() > BODY_CHARS_SHOWN ? b.substring(0, BODY_CHARS_SHOWN) + "…" : b;
        }

        private static String why(Throwable t) {
            if (t instanceof ConnectException) {
                return "connection refused";
            }
            String m = t == null ? null : t.getMessage();
            return m == null || m.isBlank() ? (t == null ? "unknown" : t.getClass().getSimpleName()) : m;
        }

        private static String encode(String v) {
            return URLEncoder.encode(v, StandardCharsets.UTF_8);
        }
    }

    /** Joins text frames into messages (at most {@link #MESSAGE_CHARS_MAX} characters) and queues what happens. */
    private static final class Listener implements WebSocket.Listener {
        private final BlockingQueue<Event> events;
        private final StringBuilder partial = new StringBuilder();
        private boolean tooBig;

        Listener(BlockingQueue<Event> events) {
            this.events = events;
        }

        @Override
        public CompletionStage<?> onText(WebSocket ws, CharSequence data, boolean last) {
            if (!tooBig && partial.length() + data.length() > MESSAGE_CHARS_MAX) {
                tooBig = true;
                partial.setLength(0);
                events.add(new Broken("the streamer sent a message longer than " + MESSAGE_CHARS_MAX + " characters"));
                ws.abort();
                return null;
            }
            if (!tooBig) {
                partial.append(data);
                if (last) {
                    events.add(new Text(partial.toString()));
                    partial.setLength(0);
                }
            }
            ws.request(1);
            return null;
        }

        @Override
        public CompletionStage<?> onBinary(WebSocket ws, ByteBuffer data, boolean last) {
            events.add(new Broken("the streamer sent a binary message (it sends text only)"));
            ws.abort();
            return null;
        }

        @Override
        public CompletionStage<?> onClose(WebSocket ws, int statusCode, String reason) {
            events.add(new Closed(statusCode, reason == null ? "" : reason));
            return null;
        }

        @Override
        public void onError(WebSocket ws, Throwable error) {
            events.add(new Broken("the streamer connection failed: " + Session.why(error)));
        }
    }
}
