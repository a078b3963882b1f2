package dev.crater.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordingFile;

/**
 * The load generator of {@code bench/streaming.sh}: N WebSocket sessions × M quote subscriptions
 * against Crater's quote streamer or against {@link BroadcastServer}, in rounds driven from standard
 * input, counting the quote messages delivered in a timed window and their latency; during Crater's
 * rounds one more client places orders and waits for each order's {@code Order} message on the
 * trade-data streamer. Not part of the product.
 *
 * <h2>Latency</h2>
 * Crater's quotes change once a second ({@code Market.quoteAt}): at a tick below one second each
 * security at its own phase of the second ({@code Market.phaseMs}, a pure function of the market seed
 * and the security's path key), at the default tick at each whole second. A message's {@code Date}
 * ({@code MM/dd/yyyy HH:mm:ss}) names the second its quote's instant falls in, so the instant of the
 * change it carries is that second plus the security's phase ({@link Changes}, from the file
 * {@code BenchUsers} writes: the seed, whether quotes are phased, each security's path key); the
 * first market tick at or after that instant computes it and sends it. (A session boundary or a
 * sandbox event starts a quote at once, off its phase: none happens during a benchmark.) Every
 * message of the window is recorded (change instant, receipt), up to {@link #RECORDS_MAX}. Two
 * latencies follow, both exact to the clock (client and servers share the machine's clock):
 * <ul>
 * <li><b>change → receipt</b>: receipt time − the change's instant in wall time (market time − the
 * sandbox clock offset, given as {@code offset=}, an ISO-8601 duration as {@code crater admin market clock} prints it). It includes the wait for the tick (0..tick).</li>
 * <li><b>tick → receipt</b>: receipt time − the start of the tick that sent it. The tick instants come
 * from the server's own flight recorder: both servers run their ticker as {@code tick(); Thread.sleep(tickMs)}
 * on a platform thread named {@code market-ticker}, and are started with a JFR recording named
 * {@code bench} holding only {@code jdk.ThreadSleep} events; the end of each sleep is the start of a
 * tick. After each window the recording is dumped ({@code jcmd PID JFR.dump}) and each
 * message is measured from the first tick that started at or after its change's instant (1 ms of
 * slack: the ticker reads the clock a little after its sleep ends). Should a tick start in that
 * last millisecond before the change and still read the clock before it, the message is measured
 * from it, one tick too early: an overstatement, never an understatement.</li>
 * </ul>
 * Receipt is taken when the client has the whole message, before it parses it. The quote sessions
 * use {@link LeanClient} (NIO, two selector threads, frames parsed in place), the same for both
 * servers; the order probe and the sample use java.net.http's WebSocket.
 * Histograms have 100 µs buckets up to 20 s.
 *
 * <h2>Commands (one a line on standard input)</h2>
 * <pre>
 * sample FILE                          one real Crater quote message, written to FILE (the baseline's template)
 * round crater|baseline SECONDS WARMUP connect N sessions, subscribe, warm up, measure SECONDS, disconnect
 * set KEY VALUE                        a setting (baseline=ws://…, baselinePid=…) given after start
 * quit
 * </pre>
 * During a round it prints {@code WINDOW start} and {@code WINDOW end} around the measured window, then
 * one {@code ROUND key=value ...} line.
 */
public final class StreamLoad {
    static final ObjectMapper MAPPER = new ObjectMapper();
    static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("MM/dd/yyyy HH:mm:ss");
    static final int BUCKET_US = 100;
    static final int BUCKETS = 200_000;
    static final int PER_USER = 20;

    final Map<String, String> cfg;
    final String crater;
    final String appKey;
    final int sessions;
    final int keysPerSession;
    final int securities;
    final HttpClient rest = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
    final List<HttpClient> wsClients = new ArrayList<>();
    /** The quote sessions' client (the order probe and the sample use java.net.http's). */
    final LeanClient lean;
    final List<String> tokens = new ArrayList<>();

    // Clock: wall microseconds from one Instant and System.nanoTime.
    final long wall0Us;
    final long nano0;

    // Per-round measurement state.
    volatile boolean measuring;
    volatile long offsetUs;
    /** Whether this round's messages carry their tick's start (the baseline's, in TradeCondition). */
    volatile boolean embeddedTick;
    final LongAdder messages = new LongAdder();
    final LongAdder bytes = new LongAdder();
    final LongAdder refusals = new LongAdder();
    final LongAdder early = new LongAdder();
    volatile String lastRefusal = "";
    /** Messages recorded per window at most (2 × 8 bytes each): 40 s at 200,000 messages/s. */
    static final int RECORDS_MAX = 8_000_000;
    /** The window's messages: the change's instant and the receipt, wall µs (the first {@link #recorded}). */
    final long[] recChange = new long[RECORDS_MAX];
    final long[] recAt = new long[RECORDS_MAX];
    final java.util.concurrent.atomic.AtomicInteger recorded = new java.util.concurrent.atomic.AtomicInteger();
    final LongAdder unmatched = new LongAdder();
    final Changes changes;
    final ConcurrentHashMap<String, Long> seconds = new ConcurrentHashMap<>();
    /** Receipt − the tick start the baseline writes into its messages (TradeCondition): the check of the method. */
    final AtomicIntegerArray exact = new AtomicIntegerArray(BUCKETS);

    // The order probe.
    OrderProbe probe;

    StreamLoad(Map<String, String> cfg) {
        this.cfg = cfg;
        this.crater = cfg.get("crater");
        this.appKey = cfg.get("appKey");
        this.sessions = Integer.parseInt(cfg.get("sessions"));
        this.keysPerSession = Integer.parseInt(cfg.get("keys"));
        this.securities = Integer.parseInt(cfg.getOrDefault("securities", "500"));
        try {
            this.changes = Changes.read(Path.of(cfg.get("slots")));
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        java.time.Instant i = java.time.Instant.now();
        this.nano0 = System.nanoTime();
        this.wall0Us = i.getEpochSecond() * 1_000_000 + i.getNano() / 1000;
        try {
            this.lean = new LeanClient(this::nowUs);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        int clients = Integer.parseInt(cfg.getOrDefault("wsClients", "1"));
        for (int c = 0; c < clients; c++) {
            wsClients.add(HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(30)).build());
        }
    }

    long nowUs() {
        return wall0Us + (System.nanoTime() - nano0) / 1000;
    }

    public static void main(String[] args) throws Exception {
        Map<String, String> cfg = new HashMap<>();
        for (String a : args) {
            int eq = a.indexOf('=');
            cfg.put(a.substring(0, eq), a.substring(eq + 1));
        }
        StreamLoad load = new StreamLoad(cfg);
        load.login();
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        System.out.println("READY");
        System.out.flush();
        for (String line; (line = in.readLine()) != null; ) {
            String[] w = line.trim().split("\\s+");
            try {
                switch (w[0]) {
                    case "sample" -> load.sample(Path.of(w[1]));
                    case "round" -> load.round(w[1], Integer.parseInt(w[2]), Integer.parseInt(w[3]));
                    case "set" -> {
                        load.cfg.put(w[1], w[2]);
                        System.out.println("SET " + w[1]);
                    }
                    case "quit" -> {
                        System.exit(0);
                    }
                    default -> System.out.println("ERROR unknown command " + w[0]);
                }
            } catch (Exception e) {
                e.printStackTrace();
                System.out.println("ERROR " + e.toString().replace('\n', ' '));
            }
            System.out.flush();
        }
        System.exit(0);
    }

    // ---- REST -----------------------------------------------------------------------------------

    JsonNode call(String method, String path, String token, String body, Map<String, String> headers) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(crater + path)).timeout(Duration.ofSeconds(30))
                .header("Et-App-Key", appKey);
        if (token != null) {
            b.header("Authorization", "Bearer " + token);
        }
        headers.forEach(b::header);
        b.method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        if (body != null) {
            b.header("Content-Type", "application/json");
        }
        HttpResponse<String> r = rest.send(b.build(), HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() != 200) {
            throw new IllegalStateException(method + " " + path + " answered " + r.statusCode() + ": " + r.body());
        }
        return MAPPER.readTree(r.body());
    }

    String login(String user, String password) throws Exception {
        return call("POST", "/api/token", null, null, Map.of("Username", user, "Password", password)).get("Token").asText();
    }

    /** One token per user of the load (sessions / 20, rounded up). */
    void login() throws Exception {
        int users = (sessions + PER_USER - 1) / PER_USER;
        String prefix = cfg.get("userPrefix");
        String password = cfg.get("password");
        List<CompletableFuture<String>> all = new ArrayList<>();
        Semaphore gate = new Semaphore(4);
        for (int u = 1; u <= users; u++) {
            String name = prefix + u;
            all.add(CompletableFuture.supplyAsync(() -> {
                try {
                    gate.acquire();
                    try {
                        return login(name, password);
                    } finally {
                        gate.release();
                    }
                } catch (Exception e) {
                    throw new IllegalStateException("login of " + name + ": " + e, e);
                }
            }));
        }
        for (CompletableFuture<String> f : all) {
            tokens.add(f.get(120, TimeUnit.SECONDS));
        }
    }

    // ---- sessions ---------------------------------------------------------------------------------

    /** Where one session connects, and as whom. */
    record Target(String url, long userId, String streamerId) {
    }

    final class Session implements WebSocket.Listener {
        final CompletableFuture<String> created = new CompletableFuture<>();
        final CompletableFuture<String> firstQuote = new CompletableFuture<>();
        StringBuilder partial;
        volatile WebSocket ws;

        @Override
        public void onOpen(WebSocket webSocket) {
            ws = webSocket;
            // Demand for ever: the client reads as fast as it can, with no demand signal per message.
            webSocket.request(Long.MAX_VALUE);
        }

        @Override
        public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
            if (!last) {
                if (partial == null) {
                    partial = new StringBuilder();
                }
                partial.append(data);
                return null;
            }
            long at = nowUs();
            String text;
            if (partial != null) {
                partial.append(data);
                text = partial.toString();
                partial = null;
            } else {
                text = data.toString();
            }
            received(text, at);
            return null;
        }

        void received(String text, long at) {
            if (text.startsWith("{\"EntityType\":\"Quote\"")) {
                if (!firstQuote.isDone()) {
                    firstQuote.complete(text);
                }
                if (measuring) {
                    quote(text, at);
                }
            } else if (!created.isDone()) {
                int i = text.indexOf("\"SessionId\":\"");
                if (text.contains("\"StatusCode\":\"Ok\"") && i >= 0) {
                    created.complete(text.substring(i + 13, text.indexOf('"', i + 13)));
                } else {
                    created.completeExceptionally(new IllegalStateException("CreateSession: " + text));
                }
            } else if (text.contains("\"StatusCode\":\"Error\"")) {
                refusals.increment();
                lastRefusal = text;
            }
        }

        @Override
        public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
            created.completeExceptionally(new IllegalStateException("closed " + statusCode + " " + reason));
            return null;
        }

        @Override
        public void onError(WebSocket webSocket, Throwable error) {
            created.completeExceptionally(error);
        }
    }

    void quote(String text, long at) {
        byte[] b = text.getBytes(StandardCharsets.UTF_8);
        quote(b, 0, b.length, at);
    }

    static final byte[] QUOTE_START = "{\"EntityType\":\"Quote\"".getBytes(StandardCharsets.US_ASCII);
    static final byte[] KEY = "\"Key\":\"".getBytes(StandardCharsets.US_ASCII);
    static final byte[] DATE = "\"Date\":\"".getBytes(StandardCharsets.US_ASCII);
    static final byte[] TRADE_CONDITION = "\"TradeCondition\":\"".getBytes(StandardCharsets.US_ASCII);
    static final byte[] ERROR = "\"StatusCode\":\"Error\"".getBytes(StandardCharsets.US_ASCII);

    /** A quote message's bytes {@code b[from..to)}, received at {@code at} (wall µs), during a window. */
    void quote(byte[] b, int from, int to, long at) {
        int d = LeanClient.indexOf(b, from, to, DATE);
        if (d < 0 || d + DATE.length + 19 > to) {
            return;
        }
        d += DATE.length;
        // MM/dd/yyyy HH:mm:ss
        long second = java.time.LocalDate.of(digits(b, d + 6, 4), digits(b, d, 2), digits(b, d + 3, 2)).toEpochDay() * 86_400
                + digits(b, d + 11, 2) * 3600L + digits(b, d + 14, 2) * 60L + digits(b, d + 17, 2);
        int tc = embeddedTick ? LeanClient.indexOf(b, from, to, TRADE_CONDITION) : -1;
        if (tc >= 0) {
            tc += TRADE_CONDITION.length;
            if (tc < to && Character.isDigit(b[tc])) {
                long tickUs = number(b, tc, to);
                exact.incrementAndGet((int) Math.min(BUCKETS - 1, Math.max(0, at - tickUs) / BUCKET_US));
            }
        }
        messages.increment();
        bytes.add(to - from);
        int k = LeanClient.indexOf(b, from, to, KEY);
        long key = k < 0 ? -1 : number(b, k + KEY.length, to);
        if (!changes.known(key)) {
            unmatched.increment();
            return;
        }
        int r = recorded.getAndIncrement();
        if (r < RECORDS_MAX) {
            recChange[r] = changes.changeMs(key, second) * 1000 - offsetUs;
            recAt[r] = at;
        }
    }

    private static int digits(byte[] b, int at, int n) {
        int v = 0;
        for (int i = 0; i < n; i++) {
            v = v * 10 + (b[at + i] - '0');
        }
        return v;
    }

    /** The whole number starting at {@code at} (up to the first non-digit), or -1. */
    private static long number(byte[] b, int at, int to) {
        long v = 0;
        int i = at;
        for (; i < to && b[i] >= '0' && b[i] <= '9'; i++) {
            v = v * 10 + (b[i] - '0');
        }
        return i == at ? -1 : v;
    }

    /** A message of a lean session ({@link LeanClient}). */
    void leanMessage(LeanClient.Conn c, byte[] b, int from, int to, long at) {
        if (to - from >= QUOTE_START.length && LeanClient.indexOf(b, from, from + QUOTE_START.length, QUOTE_START) == from) {
            if (measuring) {
                quote(b, from, to, at);
            }
        } else if (LeanClient.indexOf(b, from, to, ERROR) >= 0) {
            refusals.increment();
            lastRefusal = new String(b, from, to - from, StandardCharsets.UTF_8);
        }
    }

    /** The whole number in string field {@code field} of a quote message, or -1. */
    static long intField(String text, String field) {
        int i = text.indexOf("\"" + field + "\":\"");
        if (i < 0) {
            return -1;
        }
        int start = i + field.length() + 4;
        int end = text.indexOf('"', start);
        try {
            return Long.parseLong(text, start, end, 10);
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    /**
     * When Crater's quotes change ({@code Market.quoteAt}): once a second, at the security's phase
     * ({@code Market.phaseMs}) when phased (a tick below one second), else at each whole second; from
     * the file {@code BenchUsers} writes ({@code seed SEED phased true|false}, then
     * {@code SECURITY_ID PATH_KEY} per security).
     */
    static final class Changes {
        final long seed;
        final boolean phased;
        final Map<Long, Long> pathKeys;

        Changes(long seed, boolean phased, Map<Long, Long> pathKeys) {
            this.seed = seed;
            this.phased = phased;
            this.pathKeys = pathKeys;
        }

        static Changes read(Path file) throws java.io.IOException {
            List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
            String[] head = lines.get(0).split(" ");
            Map<Long, Long> keys = new HashMap<>();
            for (String l : lines.subList(1, lines.size())) {
                String[] w = l.split(" ");
                keys.put(Long.parseLong(w[0]), Long.parseLong(w[1]));
            }
            return new Changes(Long.parseLong(head[1]), Boolean.parseBoolean(head[3]), keys);
        }

        boolean known(long securityId) {
            return pathKeys.containsKey(securityId);
        }

        /** The security's phase within the second, ms (0 when not phased). */
        long phaseMs(long securityId) {
            return phased ? dev.crater.market.Market.phaseMs(seed, pathKeys.get(securityId)) : 0;
        }

        /** The instant (market ms) of the change a quote message of the security dated {@code second} carries. */
        long changeMs(long securityId, long second) {
            return second * 1000 + phaseMs(securityId);
        }

        /** The number of the security's quote second at market time {@code ms} (its size draws' index). */
        long index(long securityId, long ms) {
            return Math.floorDiv(ms - phaseMs(securityId), 1000);
        }

        long size(long securityId, long index, boolean ask) {
            return dev.crater.market.Market.size(seed, pathKeys.get(securityId), index, ask);
        }
    }

    /** The quote streamer address of every user (one streamer session id each, shared by its 20 sockets). */
    List<Target> craterTargets() throws Exception {
        List<Target> perUser = new ArrayList<>();
        for (String token : tokens) {
            JsonNode s = call("GET", "/api/v1.0/streamers", token, null, Map.of());
            JsonNode q = s.get("QuoteAddresses").get(0);
            long userId = call("GET", "/api/v1.0/users/@me/info", token, null, Map.of()).get("UserId").asLong();
            perUser.add(new Target(q.get("Url").asText(), userId, q.get("SessionId").asText()));
        }
        return perUser;
    }

    static String createUrl(Target t) {
        return t.url() + "/CreateSession.txt?User=" + t.userId() + "&Password="
                + URLEncoder.encode(t.streamerId(), StandardCharsets.UTF_8) + "&HttpClientType=WebSocket";
    }

    /** Opens session number {@code n} at {@code target}, retrying while the server still counts the last round's sockets. */
    LeanClient.Conn open(int n, Target target) throws Exception {
        Exception last = null;
        for (int attempt = 0; attempt < 100; attempt++) {
            LeanClient.Conn c = null;
            try {
                c = lean.connect(createUrl(target), this::leanMessage);
                String first = c.first();
                int i = first.indexOf("\"SessionId\":\"");
                if (!first.contains("\"StatusCode\":\"Ok\"") || i < 0) {
                    throw new IllegalStateException("CreateSession: " + first);
                }
                String id = first.substring(i + 13, first.indexOf('"', i + 13));
                StringBuilder keys = new StringBuilder();
                for (int j = 0; j < keysPerSession; j++) {
                    keys.append(j == 0 ? "" : ";").append(((long) n * keysPerSession + j) % securities + 1);
                }
                c.send("{\"Cmd\":\"Subscribe.txt\",\"SessionId\":\"" + id + "\",\"Keys\":\"" + keys
                        + "\",\"EntityType\":\"Quote\",\"HttpClientType\":\"WebSocket\"}");
                c.start();
                return c;
            } catch (Exception e) {
                last = e;
                if (c != null) {
                    c.close();
                }
                Thread.sleep(200);
            }
        }
        throw new IllegalStateException("session " + n + " did not open: " + last, last);
    }

    List<LeanClient.Conn> openAll(String kind) throws Exception {
        List<Target> targets = new ArrayList<>();
        if (kind.equals("crater")) {
            List<Target> perUser = craterTargets();
            for (int n = 0; n < sessions; n++) {
                targets.add(perUser.get(n / PER_USER));
            }
        } else {
            for (int n = 0; n < sessions; n++) {
                targets.add(new Target(cfg.get("baseline"), n / PER_USER + 1, "bench"));
            }
        }
        List<CompletableFuture<LeanClient.Conn>> all = new ArrayList<>();
        Semaphore gate = new Semaphore(64);
        java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newVirtualThreadPerTaskExecutor();
        for (int n = 0; n < sessions; n++) {
            int k = n;
            all.add(CompletableFuture.supplyAsync(() -> {
                try {
                    gate.acquire();
                    try {
                        return open(k, targets.get(k));
                    } finally {
                        gate.release();
                    }
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            }, pool));
        }
        List<LeanClient.Conn> open = new ArrayList<>();
        for (CompletableFuture<LeanClient.Conn> f : all) {
            open.add(f.get(600, TimeUnit.SECONDS));
        }
        pool.shutdown();
        return open;
    }

    void closeAll(List<LeanClient.Conn> open) {
        open.forEach(LeanClient.Conn::close);
    }

    // ---- commands ---------------------------------------------------------------------------------

    void sample(Path file) throws Exception {
        Target t = craterTargets().get(0);
        Session s = new Session();
        wsClients.get(0).newWebSocketBuilder().buildAsync(URI.create(createUrl(t)), s).get(30, TimeUnit.SECONDS);
        String id = s.created.get(30, TimeUnit.SECONDS);
        s.ws.sendText("{\"Cmd\":\"Subscribe.txt\",\"SessionId\":\"" + id + "\",\"Keys\":\"1\",\"EntityType\":\"Quote\"}", true);
        String q = s.firstQuote.get(30, TimeUnit.SECONDS);
        s.ws.abort();
        Files.writeString(file, q + "\n", StandardCharsets.UTF_8);
        System.out.println("SAMPLE chars=" + q.length() + " bytes=" + q.getBytes(StandardCharsets.UTF_8).length);
    }

    void round(String kind, int windowSeconds, int warmupSeconds) throws Exception {
        boolean isCrater = kind.equals("crater");
        long pid = Long.parseLong(cfg.get(isCrater ? "craterPid" : "baselinePid"));
        offsetUs = isCrater ? Duration.parse(cfg.getOrDefault("offset", "PT0S")).toMillis() * 1000 : 0;
        embeddedTick = !isCrater;
        if (isCrater && probe == null && cfg.containsKey("demoToken")) {
            probe = new OrderProbe();
            probe.start();
        }
        long t0 = System.nanoTime();
        List<LeanClient.Conn> open = openAll(kind);
        double connectS = (System.nanoTime() - t0) / 1e9;
        if (isCrater && probe != null) {
            probe.warming = true;   // orders flow in the warm-up too: the first ones meet a cold path
        }
        Thread.sleep(warmupSeconds * 1000L);   // a timed warm-up: messages flow, nothing is counted
        messages.reset();
        bytes.reset();
        refusals.reset();
        early.reset();
        unmatched.reset();
        recorded.set(0);
        for (int b = 0; b < BUCKETS; b++) {
            exact.set(b, 0);
        }
        long cpu0 = cpuTicks(pid);
        long self0 = cpuTicks(ProcessHandle.current().pid());
        System.out.println("WINDOW start");
        System.out.flush();
        long w0 = nowUs();
        measuring = true;
        if (isCrater && probe != null) {
            probe.measuring = true;
            probe.warming = false;
        }
        Thread.sleep(windowSeconds * 1000L);
        measuring = false;
        if (probe != null) {
            probe.measuring = false;
        }
        long w1 = nowUs();
        long cpu1 = cpuTicks(pid);
        long self1 = cpuTicks(ProcessHandle.current().pid());
        System.out.println("WINDOW end");
        System.out.flush();
        closeAll(open);
        double secs = (w1 - w0) / 1e6;
        long n = messages.sum();

        long[] ticks = tickStarts(pid, w0 - 5_000_000, w1 + 5_000_000);
        long[] change = new long[BUCKETS];
        long[] tick = new long[BUCKETS];
        long inconsistent = 0;
        long missingTick = 0;
        int records = Math.min(recorded.get(), RECORDS_MAX);
        for (int r = 0; r < records; r++) {
            long changeUs = recChange[r];
            long d = recAt[r] - changeUs;
            if (d < 0) {
                early.increment();
                d = 0;
            }
            change[(int) Math.min(BUCKETS - 1, d / BUCKET_US)]++;
            int idx = Arrays.binarySearch(ticks, changeUs - 1000);
            idx = idx >= 0 ? idx : -idx - 1;
            if (idx >= ticks.length) {
                missingTick++;
                continue;
            }
            long td = recAt[r] - ticks[idx];
            if (td < 0) {
                inconsistent++;
                td = 0;
            }
            tick[(int) Math.min(BUCKETS - 1, td / BUCKET_US)]++;
        }
        long unrecorded = Math.max(0, recorded.get() - RECORDS_MAX);
        // What was offered: every subscription changes once a second.
        long offered = (long) sessions * keysPerSession;
        String stalls = isCrater ? "writer_stalls=" + writerStalls() : "writer_stalls=-";
        String order = probe == null || !isCrater ? "orders=none" : probe.report();
        long[] ex = new long[BUCKETS];
        for (int b = 0; b < BUCKETS; b++) {
            ex[b] = exact.get(b);
        }
        System.out.printf(java.util.Locale.ROOT,
                "ROUND target=%s sessions=%d keys=%d connect_s=%.1f window_s=%.2f messages=%d msgs_per_s=%.0f avg_bytes=%.0f"
                        + " expected_per_s=%d tick_p50_ms=%.1f tick_p99_ms=%.1f tick_max_ms=%.1f exact_p50_ms=%.1f exact_p99_ms=%.1f change_p50_ms=%.1f change_p99_ms=%.1f"
                        + " ticks=%d inconsistent=%d no_tick=%d early=%d unrecorded=%d unmatched=%d refusals=%d server_cpu_us_per_msg=%.2f server_cores=%.2f"
                        + " client_cores=%.2f %s %s%n",
                kind, sessions, keysPerSession, connectS, secs, n, n / secs, n == 0 ? 0.0 : (double) bytes.sum() / n,
                offered, pct(tick, 50), pct(tick, 99), pct(tick, 100), pct(ex, 50), pct(ex, 99), pct(change, 50), pct(change, 99),
                ticks.length, inconsistent, missingTick, early.sum(), unrecorded, unmatched.sum(), refusals.sum(),
                n == 0 ? 0.0 : (cpu1 - cpu0) * 10_000.0 / n, (cpu1 - cpu0) / 100.0 / secs, (self1 - self0) / 100.0 / secs, order, stalls);
        if (refusals.sum() > 0) {
            System.out.println("REFUSAL " + lastRefusal);
        }
        // Let the server notice the closed sockets before the next round opens new ones.
        Thread.sleep(2000);
    }

    static long sum(AtomicIntegerArray h) {
        long s = 0;
        for (int i = 0; i < h.length(); i++) {
            s += h.get(i);
        }
        return s;
    }

    static double pct(long[] h, double p) {
        long total = 0;
        for (long c : h) {
            total += c;
        }
        if (total == 0) {
            return -1;
        }
        long rank = Math.max(1, (long) Math.ceil(total * p / 100.0));
        long seen = 0;
        for (int b = 0; b < h.length; b++) {
            seen += h[b];
            if (seen >= rank) {
                return (b + 1) * BUCKET_US / 1000.0;   // upper edge of the bucket
            }
        }
        return -1;
    }

    static long cpuTicks(long pid) {
        try {
            String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
            String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            return Long.parseLong(f[11]) + Long.parseLong(f[12]);
        } catch (Exception e) {
            return 0;
        }
    }

    /** The start of every tick of {@code pid}'s market-ticker between two instants (wall µs), from its JFR recording "bench". */
    long[] tickStarts(long pid, long fromUs, long toUs) throws Exception {
        Path file = Files.createTempFile("stream-ticks", ".jfr");
        try {
            String jcmd = Path.of(System.getProperty("java.home"), "bin", "jcmd").toString();
            Process p = new ProcessBuilder(jcmd, Long.toString(pid), "JFR.dump", "name=bench", "filename=" + file)
                    .redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (p.waitFor() != 0) {
                throw new IllegalStateException("jcmd JFR.dump failed: " + out);
            }
            List<Long> ends = new ArrayList<>();
            for (RecordedEvent e : RecordingFile.readAllEvents(file)) {
                if (!e.getEventType().getName().equals("jdk.ThreadSleep") || e.getThread() == null
                        || !"market-ticker".equals(e.getThread().getJavaName())) {
                    continue;
                }
                java.time.Instant end = e.getEndTime();
                long us = end.getEpochSecond() * 1_000_000 + end.getNano() / 1000;
                if (us >= fromUs && us <= toUs) {
                    ends.add(us);
                }
            }
            return ends.stream().mapToLong(Long::longValue).sorted().toArray();
        } finally {
            Files.deleteIfExists(file);
        }
    }

    /** Crater's count of quote sockets moved off its shared writers ({@code /metrics}), or -1 without a metrics token. */
    long writerStalls() {
        String token = cfg.get("metricsToken");
        if (token == null || token.isEmpty()) {
            return -1;
        }
        try {
            HttpResponse<String> r = rest.send(HttpRequest.newBuilder(URI.create(crater + "/metrics"))
                    .header("Authorization", "Bearer " + token).timeout(Duration.ofSeconds(30)).build(),
                    HttpResponse.BodyHandlers.ofString());
            for (String line : r.body().split("\n")) {
                if (line.startsWith("crater_streaming_quote_writer_stalls ")) {
                    return (long) Double.parseDouble(line.substring(line.indexOf(' ') + 1).trim());
                }
            }
        } catch (Exception e) {
            return -1;
        }
        return -1;
    }

    // ---- the order probe ----------------------------------------------------------------------------

    /**
     * One client on the trade-data streamer subscribed to its account's orders, placing a resting limit
     * order every 100 ms while {@link #warming} or {@link #measuring} and measuring (only in the
     * window) request sent → that order's first
     * {@code Order} message (matched by {@code Id}).
     */
    final class OrderProbe implements WebSocket.Listener {
        volatile boolean measuring;
        /** Orders are placed but not counted: the warm-up reaches the order path as it does the quotes. */
        volatile boolean warming;
        volatile String status = "starting";
        final ConcurrentHashMap<String, Long> firstSeen = new ConcurrentHashMap<>();
        final List<Long> latencies = java.util.Collections.synchronizedList(new ArrayList<>());
        /** Request sent → the POST's answer, for the same orders: the engine's part of the path. */
        final List<Long> answers = java.util.Collections.synchronizedList(new ArrayList<>());
        final AtomicLong missing = new AtomicLong();
        final AtomicLong failed = new AtomicLong();
        final CompletableFuture<String> created = new CompletableFuture<>();
        final CompletableFuture<String> refused = new CompletableFuture<>();
        StringBuilder partial;
        String token;
        String account;

        void start() {
            token = cfg.get("demoToken");
            account = cfg.get("account");
            try {
                JsonNode s = call("GET", "/api/v1.0/streamers", token, null, Map.of());
                JsonNode d = s.get("DataAddresses").get(0);
                String id = d.hasNonNull("SessionId") ? d.get("SessionId").asText()
                        : call("PUT", "/api/v1.0/streamers/session/recover?sessionType=0", token, "", Map.of()).get("Id").asText();
                long userId = call("GET", "/api/v1.0/users/@me/info", token, null, Map.of()).get("UserId").asLong();
                HttpClient.newHttpClient().newWebSocketBuilder()
                        .buildAsync(URI.create(createUrl(new Target(d.get("Url").asText(), userId, id))), this)
                        .get(30, TimeUnit.SECONDS);
                String sid = created.get(30, TimeUnit.SECONDS);
                ws.sendText("{\"Cmd\":\"Subscribe.txt\",\"SessionId\":\"" + sid + "\",\"Keys\":\"" + account
                        + "\",\"EntityType\":\"Order\",\"HttpClientType\":\"WebSocket\"}", true).get(30, TimeUnit.SECONDS);
                try {
                    // No acknowledgement of a subscribe is documented: a refusal, if any, comes at once.
                    String r = refused.get(3, TimeUnit.SECONDS);
                    status = "not-available(" + reason(r) + ")";
                    return;
                } catch (java.util.concurrent.TimeoutException e) {
                    status = "subscribed";
                }
            } catch (Exception e) {
                status = "not-available(" + e.getClass().getSimpleName() + ")";
                return;
            }
            Thread.ofPlatform().daemon().name("order-probe").start(this::loop);
        }

        static String reason(String frame) {
            int i = frame.indexOf("\"Reason\":\"");
            return i < 0 ? "Error" : frame.substring(i + 10, frame.indexOf('"', i + 10));
        }

        volatile WebSocket ws;

        @Override
        public void onOpen(WebSocket webSocket) {
            ws = webSocket;
            webSocket.request(1);
        }

        @Override
        public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
            long at = nowUs();
            if (!last) {
                partial = partial == null ? new StringBuilder() : partial;
                partial.append(data);
                webSocket.request(1);
                return null;
            }
            String text = partial == null ? data.toString() : partial.append(data).toString();
            partial = null;
            if (!created.isDone()) {
                int i = text.indexOf("\"SessionId\":\"");
                if (text.contains("\"StatusCode\":\"Ok\"") && i >= 0) {
                    created.complete(text.substring(i + 13, text.indexOf('"', i + 13)));
                } else {
                    created.completeExceptionally(new IllegalStateException(text));
                }
            } else if (text.contains("\"StatusCode\":\"Error\"")) {
                refused.complete(text);
            } else if (text.contains("\"EntityType\":\"Order\"")) {
                try {
                    JsonNode n = MAPPER.readTree(text);
                    if (n.hasNonNull("Id")) {
                        firstSeen.putIfAbsent(n.get("Id").asText(), at);
                    }
                } catch (Exception e) {
                    failed.incrementAndGet();
                }
            }
            webSocket.request(1);
            return null;
        }

        void loop() {
            String body = "{\"Symbol\": \"AAPL\", \"Type\": \"Limit\", \"Side\": \"Buy\", \"Quantity\": 1, \"Price\": 0.01,"
                    + " \"TimeInforce\": \"GTC\"}";
            while (true) {
                try {
                    boolean counted = measuring;
                    if (!counted && !warming) {
                        Thread.sleep(20);
                        continue;
                    }
                    long sent = nowUs();
                    JsonNode r = call("POST", "/api/v1.0/accounts/" + account + "/orders", token, body, Map.of());
                    if (!counted) {
                        Thread.sleep(100);
                        continue;
                    }
                    answers.add(nowUs() - sent);
                    String id = r.get("Id").asText();
                    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(2);
                    Long seen;
                    while ((seen = firstSeen.get(id)) == null && System.nanoTime() < deadline) {
                        Thread.sleep(1);
                    }
                    if (seen == null) {
                        missing.incrementAndGet();
                    } else {
                        latencies.add(seen - sent);
                    }
                    Thread.sleep(100);
                } catch (InterruptedException e) {
                    return;
                } catch (Exception e) {
                    failed.incrementAndGet();
                }
            }
        }

        /** This round's figures (and resets them). */
        String report() {
            if (!status.equals("subscribed")) {
                return "orders=" + status;
            }
            long[] l;
            synchronized (latencies) {
                l = latencies.stream().mapToLong(Long::longValue).sorted().toArray();
                latencies.clear();
            }
            long[] a;
            synchronized (answers) {
                a = answers.stream().mapToLong(Long::longValue).sorted().toArray();
                answers.clear();
            }
            String answered = a.length == 0 ? " answer_n=0" : String.format(java.util.Locale.ROOT,
                    " answer_p50_ms=%.2f answer_p99_ms=%.2f answer_max_ms=%.2f", a[(a.length - 1) / 2] / 1000.0,
                    a[(int) Math.ceil(a.length * 0.99) - 1] / 1000.0, a[a.length - 1] / 1000.0);
            long miss = missing.getAndSet(0);
            long fail = failed.getAndSet(0);
            if (l.length == 0) {
                return "orders=measured order_n=0 order_missing=" + miss + " order_failed=" + fail + answered;
            }
            return String.format(java.util.Locale.ROOT, "orders=measured order_n=%d order_p50_ms=%.2f order_p99_ms=%.2f"
                    + " order_max_ms=%.2f order_missing=%d order_failed=%d%s", l.length, l[(l.length - 1) / 2] / 1000.0,
                    l[(int) Math.ceil(l.length * 0.99) - 1] / 1000.0, l[l.length - 1] / 1000.0, miss, fail, answered);
        }
    }
}
