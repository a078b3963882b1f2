package dev.crater.streaming;

import com.fasterxml.jackson.databind.JsonNode;
import dev.crater.config.TrustedProxies;
import dev.crater.http.ClientInfo;
import dev.crater.http.Json;
import dev.crater.http.RateLimiter;
import dev.crater.market.Quote;
import dev.crater.store.Monotonic;
import io.helidon.common.buffers.BufferData;
import io.helidon.http.HeaderName;
import io.helidon.http.HeaderNames;
import io.helidon.http.Headers;
import io.helidon.http.HttpPrologue;
import io.helidon.webserver.ConnectionContext;
import io.helidon.websocket.WsListener;
import io.helidon.websocket.WsSession;
import java.io.IOException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One streamer socket: {@code CreateSession.txt} on upgrade, then {@code Subscribe.txt} /
 * {@code Unsubscribe.txt} commands. Everything it writes goes through one writer at a time from a
 * bounded outbound queue: replies (at most {@link StreamerLimits#controlFramesQueued}, else the
 * socket is closed with {@link #CLOSE_SLOW}), trade-data messages (never dropped, bounded, else
 * closed) and quotes, which conflate to the latest per key, so the queue never holds more quotes
 * than the socket has subscriptions and a slow reader only delays itself.
 *
 * <p>Writers: a quote socket is written by the shared {@link QuoteWriters} (platform threads) until a
 * write of its own blocks one of them, then by a virtual thread of its own; a trade-data socket always
 * by a virtual thread of its own. A writer takes everything queued (up to {@link #QUOTES_PER_BATCH}
 * quotes and {@link #TRADE_PER_BATCH} trade messages) and sends it as whole WebSocket frames in one
 * write to the connection ({@link WsFrames}: no write and flush per message). Pings and pongs go the
 * same way, so nothing else writes on the connection while a writer does; when Helidon answers a
 * client's close itself, {@link #onClose} first waits for a write under way ({@link #wire}).
 *
 * <p>CreateSession takes either documented option: {@code User=<UserID>[:<SessionID>]} with a streamer
 * session id as {@code Password} (option 2: a numeric user and a UUID-shaped password), or a login
 * name and its password with the company's {@code Et-App-Key} as a header or a query parameter
 * (option 1, every other shape; {@link StreamingService#openByPassword}). The query string is never
 * logged. Commands are limited per socket by a token bucket ({@link StreamerLimits#commandBurst},
 * {@link StreamerLimits#commandsPerSecond}): one over it is refused {@code RateLimit} and not run, and
 * more than {@link StreamerLimits#rateLimitedMax} such refusals in a row close the socket
 * ({@link #CLOSE_TOO_FAST}). A socket silent for {@link StreamerLimits#pingAfterMs} is pinged, one
 * silent for {@link StreamerLimits#silentCloseMs} closed ({@link #CLOSE_SILENT}); a pong or any
 * frame from the client counts.
 */
final class StreamerSocket implements WsListener {
    private static final Logger LOG = LoggerFactory.getLogger(StreamerSocket.class);
    static final String CREATE = "CreateSession.txt";
    static final String SUBSCRIBE = "Subscribe.txt";
    static final String UNSUBSCRIBE = "Unsubscribe.txt";
    /** Close codes (RFC 6455): normal after a failed CreateSession, policy for logout and a slow reader, too big. */
    static final int CLOSE_NORMAL = 1000;
    static final int CLOSE_LOGGED_OUT = 1008;
    /** The login session ended otherwise: expired, revoked with all the user's tokens, or the user disabled. */
    static final int CLOSE_SESSION_ENDED = 1008;
    static final int CLOSE_SLOW = 1008;
    static final int CLOSE_TOO_BIG = 1009;
    /** Trade-data messages could not be delivered (the socket's queue, or the server's, was full): reconnect. */
    static final int CLOSE_TRADE_BEHIND = 1008;
    /** How long a socket asked to close may take to send what is queued and its close frame before it is cut. */
    static final long CLOSE_GRACE_MS = 2000;
    /** More than {@link StreamerLimits#rateLimitedMax} commands refused {@code RateLimit} in a row. */
    static final int CLOSE_TOO_FAST = 1008;
    /** Nothing from the client (no command, no pong) for {@link StreamerLimits#silentCloseMs}. */
    static final int CLOSE_SILENT = 1001;
    /** The company's application key, as on every REST call: a header where the client can set one, else a query parameter. */
    static final HeaderName APP_KEY = HeaderNames.create("Et-App-Key");
    static final String APP_KEY_PARAM = "Et-App-Key";
    /** Longest client value echoed in a refusal (EntityType); keys are echoed as the client sent them. */
    static final int ECHO_CHARS_MAX = 64;
    /** Quotes one write takes at most (about 200 KB); the rest follow in the next. */
    static final int QUOTES_PER_BATCH = 256;
    /** Ticks' quote lists a socket holds unmerged for its writer (see {@link #pendingTicks}). */
    static final int TICKS_QUEUED_MAX = 4;
    /** Trade-data messages one write takes at most; the rest follow in the next. */
    static final int TRADE_PER_BATCH = 64;

    /** Counters of one socket. */
    public record Stats(long userId, int subscriptions, int pendingQuotes, long quotesSent, long quotesConflated) {
    }

    private final StreamingService service;
    private final StreamerKind kind;
    private final String socketId = UUID.randomUUID().toString();
    private final Set<Integer> keys = ConcurrentHashMap.newKeySet();
    private final AtomicBoolean ended = new AtomicBoolean();

    private String userParam;
    private String passwordParam;
    private String appKey;
    private String userAgent;
    /** The upgrade request's {@code X-Forwarded-For} values, judged at open by the trusted proxies. */
    private List<String> forwardedFor = List.of();
    /** The command bucket, made at open with the limits of that moment. */
    private RateLimiter commands;
    private int rateLimitedInARow;
    /** When the client last sent anything, and when it was last pinged (monotonic ms). */
    private volatile long lastHeardMs = Monotonic.millis();
    private volatile long lastPingMs = Monotonic.millis();
    private volatile StreamingService.Grant grant;
    private volatile WsSession session;
    private StringBuilder partial = new StringBuilder();
    private int partialBytes;

    /** Guards the outbound queue and the close request. */
    private final Object lock = new Object();
    private final ArrayDeque<String> frames = new ArrayDeque<>();
    /** Order, position, balance, watchlist and alert messages: never dropped, bounded (else close). */
    private final ArrayDeque<String> tradeFrames = new ArrayDeque<>();
    private final AtomicInteger tradeSubscriptions = new AtomicInteger();
    private final PendingQuotes pendingQuotes = new PendingQuotes();
    /**
     * Ticks' quotes handed over by the ticker as they are (one list a tick, oldest first), merged into
     * {@link #pendingQuotes} by the writer ({@link #foldTicks}): the ticker does no work per quote
     * and socket, the writers do it in parallel. Newer than everything in {@link #pendingQuotes}; at
     * most {@link #TICKS_QUEUED_MAX} (past that the ticker merges them itself: a writer that is far
     * behind).
     */
    private final ArrayList<List<QuoteFrame>> pendingTicks = new ArrayList<>(TICKS_QUEUED_MAX);
    /** Keys whose next quote is a subscription's snapshot (never skipped as unchanged); under {@link #lock}. */
    private final Set<Integer> snapshotKeys = new HashSet<>();
    /** Whether the own writer is waiting on {@link #lock} for work: an offer notifies only then. */
    private boolean writerWaiting;
    /** Whether the socket is written by a writer of its own (else by the shared {@link QuoteWriters}). */
    private boolean ownWriter;
    /** Whether the socket is queued at, or being written by, a shared writer. */
    private boolean scheduled;
    /** A write of this socket blocked a shared writer: it gets its own writer when that write returns. */
    private boolean stalled;
    /** A ping to send, and the payload of the latest ping to answer (null: none). */
    private boolean pingWanted;
    private byte[] pongPayload;
    /** Held by the writer for each write to the connection, and by {@link #onClose} to wait for one under way. */
    private final ReentrantLock wire = new ReentrantLock();
    /** What this socket last sent of each key; only its writer uses it (one writer at a time). */
    private final IntMap<Quote> lastSent = new IntMap<>();
    private boolean closing;
    private int closeCode;
    private String closeReason;
    private long sent;
    private long conflated;

    StreamerSocket(StreamingService service, StreamerKind kind) {
        this.service = service;
        this.kind = kind;
    }

    String tokenHash() {
        StreamingService.Grant g = grant;
        return g == null ? "" : g.tokenHash();
    }

    /** The grant the socket was opened on; empty before CreateSession succeeded. */
    Optional<StreamingService.Grant> grant() {
        return Optional.ofNullable(grant);
    }

    Stats stats() {
        synchronized (lock) {
            foldTicks();   // the ticks' lists not merged yet count as pending (and conflated) too
            StreamingService.Grant g = grant;
            return new Stats(g == null ? 0 : g.userId(), keys.size(), pendingQuotes.size(), sent, conflated);
        }
    }

    @Override
    public Optional<Headers> onHttpUpgrade(HttpPrologue prologue, Headers headers) {
        userParam = prologue.query().first("User").orElse(null);
        passwordParam = prologue.query().first("Password").orElse(null);
        appKey = headers.first(APP_KEY).or(() -> prologue.query().first(APP_KEY_PARAM).asOptional()).map(String::trim)
                .filter(k -> !k.isEmpty()).orElse(null);
        userAgent = headers.first(HeaderNames.USER_AGENT).orElse("");
        forwardedFor = headers.all(ClientInfo.X_FORWARDED_FOR, List::of);
        return Optional.empty();
    }

    @Override
    public void onOpen(WsSession session) {
        this.session = session;
        lastHeardMs = Monotonic.millis();
        StreamerLimits l = service.limits();
        commands = new RateLimiter(service.clock, l.commandBurst(), l.commandsPerSecond());
        synchronized (lock) {
            ownWriter = kind == StreamerKind.DATA || service.writers == null;
        }
        if (!(session.socketContext() instanceof ConnectionContext)) {
            // Frames are written through the connection's writer: a socket without one cannot be served.
            LOG.warn("streamer socket without a server connection context: closed");
            session.close(1011, "unsupported connection");
            end();
            return;
        }
        if (ownWriter) {
            startOwnWriter();
        }
        TrustedProxies proxies = TrustedProxies.of(((ConnectionContext) session.socketContext()).listenerContext()
                .context());
        StreamingService.Opening opening = createSession(ClientInfo.of(session.socketContext().remotePeer().address(),
                forwardedFor, proxies, userAgent));
        passwordParam = null;
        StreamingService.Grant g = opening.grant();
        if (g == null) {
            enqueue(opening.reason() == null ? frame("Cmd", CREATE, "StatusCode", "Error")
                    : frame("Cmd", CREATE, "StatusCode", "Error", "Reason", opening.reason()));
            closeWith(CLOSE_NORMAL, "CreateSession failed");
            return;
        }
        boolean ownToken = g.idHash().isEmpty();
        if (!service.register(this, g.userId())) {
            if (ownToken) {
                service.releaseToken(g.tokenHash());
            }
            enqueue(frame("Cmd", CREATE, "StatusCode", "Error"));
            closeWith(CLOSE_NORMAL, "too many streamer sessions");
            return;
        }
        if (ownToken) {
            service.ownsToken(this, g.tokenHash());
        }
        grant = g;
        enqueue(frame("Cmd", CREATE, "StatusCode", "Ok", "SessionId", socketId));
    }

    /**
     * Option 2: {@code User=<UserID>[:<SessionID>]}, {@code Password=<streamer session id>}. The part
     * after the colon is not checked (the streamer id is bound to the login token already). Any other
     * shape is option 1: {@code User=<login>}, {@code Password=<password>}, and the app key.
     */
    private StreamingService.Opening createSession(ClientInfo client) {
        if (userParam == null || passwordParam == null) {
            return StreamingService.Opening.refused(null);
        }
        String user = userParam;
        int colon = user.indexOf(':');
        if (colon >= 0) {
            user = user.substring(0, colon);
        }
        user = user.trim();
        if (digits(user) && streamerIdShaped(passwordParam)) {
            return new StreamingService.Opening(service.open(kind, Long.parseLong(user), passwordParam).orElse(null),
                    null);
        }
        return service.openByPassword(kind, appKey, userParam, passwordParam, client);
    }

    /** 1 to 18 ASCII digits: a user id (a login name of digits with a UUID for a password is read as option 2). */
    private static boolean digits(String s) {
        if (s.isEmpty() || s.length() > 18) {
            return false;
        }
        for (int i = 0; i < s.length(); i++) {
            if (s.charAt(i) < '0' || s.charAt(i) > '9') {
                return false;
            }
        }
        return true;
    }

    /** The shape of a streamer session id: a UUID, {@code 8-4-4-4-12} hexadecimal digits. */
    private static boolean streamerIdShaped(String s) {
        if (s.length() != 36) {
            return false;
        }
        for (int i = 0; i < 36; i++) {
            char c = s.charAt(i);
            boolean dash = i == 8 || i == 13 || i == 18 || i == 23;
            if (dash ? c != '-' : Character.digit(c, 16) < 0) {
                return false;
            }
        }
        return true;
    }

    /** True once the socket has ended (closed by either side); its user slot is given back then. */
    boolean isEnded() {
        return ended.get();
    }

    /** The idle policy at {@code nowMs} (monotonic): a ping after silence, a close after a long one. */
    void checkIdle(long nowMs, StreamerLimits l) {
        WsSession s = session;
        if (s == null || ended.get()) {
            return;
        }
        long silent = nowMs - lastHeardMs;
        if (silent >= l.silentCloseMs()) {
            closeWith(CLOSE_SILENT, "silent for " + silent + " ms");
        } else if (silent >= l.pingAfterMs() && nowMs - lastPingMs >= l.pingAfterMs()) {
            lastPingMs = nowMs;
            // Queued for the writer (which may be blocked on a client that does not read): the idle
            // check of every other socket never waits.
            synchronized (lock) {
                if (!closing) {
                    pingWanted = true;
                    wakeWriter();
                }
            }
        }
    }

    @Override
    public void onPong(WsSession session, BufferData buffer) {
        lastHeardMs = Monotonic.millis();
    }

    @Override
    public void onPing(WsSession session, BufferData buffer) {
        lastHeardMs = Monotonic.millis();
        byte[] payload = new byte[Math.min(buffer.available(), WsFrames.CONTROL_PAYLOAD_MAX)];
        buffer.read(payload);
        // Answered by the writer; only the latest ping needs its pong (RFC 6455 §5.5.3).
        synchronized (lock) {
            if (!closing) {
                pongPayload = payload;
                wakeWriter();
            }
        }
    }

    /**
     * Takes one command from the bucket. Over the limit the command is refused {@code RateLimit}
     * (echoing its Cmd, EntityType and Keys when it parses) and not run; false then.
     */
    private boolean admitCommand(String command) {
        if (commands.acquire("") == 0) {
            rateLimitedInARow = 0;
            return true;
        }
        rateLimitedInARow++;
        String cmd = "";
        String entity = "";
        String keyText = "";
        try {
            JsonNode n = Json.mapper().readTree(command);
            if (n != null && n.isObject()) {
                cmd = text(n, "Cmd");
                entity = text(n, "EntityType");
                keyText = text(n, "Keys");
            }
        } catch (IOException e) {
            // not JSON: refused without an echo
        }
        refuse(cmd.equals(SUBSCRIBE) || cmd.equals(UNSUBSCRIBE) ? cmd : "", entity, keyText,
                StreamingService.RATE_LIMIT);
        if (rateLimitedInARow > service.limits().rateLimitedMax()) {
            closeWith(CLOSE_TOO_FAST, "more than " + service.limits().rateLimitedMax() + " commands refused in a row");
        }
        return false;
    }

    @Override
    public void onMessage(WsSession session, String text, boolean last) {
        lastHeardMs = Monotonic.millis();
        partialBytes += utf8Length(text);
        if (partialBytes > service.limits().commandBytes()) {
            partial = new StringBuilder();
            partialBytes = 0;
            closeWith(CLOSE_TOO_BIG, "command larger than " + service.limits().commandBytes() + " bytes");
            return;
        }
        partial.append(text);
        if (!last) {
            return;
        }
        String command = partial.toString();
        partial = new StringBuilder();
        partialBytes = 0;
        if (grant != null && admitCommand(command)) {
            try {
                handle(command);
            } catch (RuntimeException e) {
                LOG.warn("streamer command failed: {}", e.toString());
                refuse("", "", "", "Failed");
            }
        }
    }

    private void handle(String command) {
        JsonNode n;
        try {
            n = Json.mapper().readTree(command);
        } catch (java.io.IOException e) {
            refuse("", "", "", "BadCommand");
            return;
        }
        if (n == null || !n.isObject()) {
            refuse("", "", "", "BadCommand");
            return;
        }
        String cmd = text(n, "Cmd");
        String entity = text(n, "EntityType");
        String keyText = text(n, "Keys");
        if (!cmd.equals(SUBSCRIBE) && !cmd.equals(UNSUBSCRIBE)) {
            refuse(cmd.equals(CREATE) ? cmd : "", entity, "", "UnknownCommand");
            return;
        }
        if (!text(n, "SessionId").equals(socketId)) {
            refuse(cmd, entity, keyText, "SessionId");
            return;
        }
        if (kind == StreamerKind.DATA) {
            tradeCommand(cmd, entity, keyText);
            return;
        }
        if (!entity.equals("Quote")) {
            refuse(cmd, entity, keyText, "EntityType");
            return;
        }
        List<String> unknown = new ArrayList<>();
        List<String> overLimit = new ArrayList<>();
        for (String raw : keyText.split(";")) {
            String k = raw.trim();
            if (k.isEmpty()) {
                continue;
            }
            Integer id = securityId(k);
            if (cmd.equals(UNSUBSCRIBE)) {
                if (id != null && keys.remove(id)) {
                    service.quotes.unwatch(id, this);
                    synchronized (lock) {
                        foldTicks();
                        pendingQuotes.remove(id);
                        snapshotKeys.remove(id);
                    }
                }
                continue;
            }
            Optional<Quote> q = id == null ? Optional.empty() : service.quotes.quote(id);
            if (q.isEmpty()) {
                unknown.add(k);
            } else if (keys.contains(id)) {
                offerSubscribed(service.quotes.frame(q.get()));
            } else if (keys.size() >= service.limits().subscriptionsPerSocket()) {
                overLimit.add(k);
            } else {
                keys.add(id);
                service.quotes.watch(id, this);
                offerSubscribed(service.quotes.frame(q.get()));
            }
        }
        if (!unknown.isEmpty()) {
            refuse(cmd, entity, String.join(";", unknown), "UnknownKey");
        }
        if (!overLimit.isEmpty()) {
            refuse(cmd, entity, String.join(";", overLimit), "SubscriptionLimit");
        }
    }

    /** A trade-data subscribe or unsubscribe, applied in order by {@link TradeData}'s thread. */
    private void tradeCommand(String cmd, String entity, String keyText) {
        Optional<TradeData.Entity> e = TradeData.Entity.of(entity);
        if (e.isEmpty()) {
            refuse(cmd, entity, keyText, "EntityType");
            return;
        }
        List<String> keyList = new ArrayList<>();
        for (String raw : keyText.split(";")) {
            String k = raw.trim();
            if (!k.isEmpty()) {
                keyList.add(k);
            }
        }
        if (keyList.isEmpty()) {
            return;
        }
        if (!service.trade.command(this, cmd.equals(SUBSCRIBE), cmd, e.get(), keyList)) {
            refuse(cmd, entity, keyText, "Busy");
        }
    }

    /** A key that is a positive id of at most 18 digits, else null. */
    static Long positiveId(String key) {
        if (key.isEmpty() || key.length() > 18) {
            return null;
        }
        for (int i = 0; i < key.length(); i++) {
            if (key.charAt(i) < '0' || key.charAt(i) > '9') {
                return null;
            }
        }
        long id = Long.parseLong(key);
        return id > 0 ? id : null;
    }

    /** Keys subscribed on this socket, of either streamer. */
    int subscriptions() {
        return keys.size() + tradeSubscriptions.get();
    }

    int subscriptionLimit() {
        return service.limits().subscriptionsPerSocket();
    }

    void countSubscription(int delta) {
        tradeSubscriptions.addAndGet(delta);
    }

    /** Whether the socket is still open and not closing. */
    boolean open() {
        synchronized (lock) {
            return !closing && !ended.get();
        }
    }

    private static Integer securityId(String key) {
        if (key.length() > 10) {
            return null;
        }
        for (int i = 0; i < key.length(); i++) {
            if (key.charAt(i) < '0' || key.charAt(i) > '9') {
                return null;
            }
        }
        try {
            int id = Integer.parseInt(key);
            return id > 0 ? id : null;
        } catch (NumberFormatException e) {
            return null;
        }
    }

    private static String text(JsonNode n, String field) {
        JsonNode v = n.get(field);
        return v == null || v.isNull() || v.isContainerNode() ? "" : v.asText();
    }

    void refuse(String cmd, String entity, String keys, String reason) {
        String shown = entity.length() > ECHO_CHARS_MAX ? entity.substring(0, ECHO_CHARS_MAX) : entity;
        enqueue(frame("Cmd", cmd, "StatusCode", "Error", "EntityType", shown, "Keys", keys, "Reason", reason));
    }

    private static String frame(String... kv) {
        Map<String, String> m = new LinkedHashMap<>();
        for (int i = 0; i < kv.length; i += 2) {
            m.put(kv[i], kv[i + 1]);
        }
        return new String(Json.write(m), java.nio.charset.StandardCharsets.UTF_8);
    }

    private void enqueue(String frame) {
        synchronized (lock) {
            if (closing) {
                return;
            }
            if (frames.size() >= service.limits().controlFramesQueued()) {
                requestClose(CLOSE_SLOW, "replies not read");
                return;
            }
            frames.addLast(frame);
            wakeWriter();
        }
    }

    /**
     * A trade-data message: queued in order, never dropped; when the socket has
     * {@link StreamerLimits#tradeFramesQueued} unsent, it is closed with {@link #CLOSE_TRADE_BEHIND}
     * instead (its client reconnects and gets fresh snapshots).
     */
    void offerTrade(String frame) {
        synchronized (lock) {
            if (closing) {
                return;
            }
            if (tradeFrames.size() >= service.limits().tradeFramesQueued()) {
                requestClose(CLOSE_TRADE_BEHIND, "trade data not read; reconnect");
                return;
            }
            tradeFrames.addLast(frame);
            wakeWriter();
        }
    }

    /** A market quote on the ticker thread: replaces this key's pending quote, never blocks. */
    void offer(QuoteFrame f) {
        offer(List.of(f));
    }

    /** This tick's quotes for this socket so far; guarded by the {@link QuoteFanout} that stages them. */
    private List<QuoteFrame> tickStage;

    /** Under the fanout's lock: stages a quote of this tick; true when it is the socket's first of the tick. */
    boolean stage(QuoteFrame f) {
        boolean first = tickStage == null;
        if (first) {
            tickStage = new ArrayList<>();
        }
        tickStage.add(f);
        return first;
    }

    /** Under the fanout's lock, at the tick's end: offers the staged quotes at once. */
    void offerStaged() {
        List<QuoteFrame> tick = tickStage;
        tickStage = null;
        if (tick != null) {
            offer(tick);
        }
    }

    /** One tick's quotes for this socket, on the ticker thread: each replaces its key's pending quote; never blocks. */
    void offer(List<QuoteFrame> tick) {
        synchronized (lock) {
            if (closing) {
                return;
            }
            if (pendingTicks.size() >= TICKS_QUEUED_MAX) {
                foldTicks();
            }
            pendingTicks.add(tick);
            wakeWriter();
        }
    }

    /** A subscription's snapshot: sent even when it equals what this socket last sent of the key. */
    private void offerSubscribed(QuoteFrame f) {
        synchronized (lock) {
            snapshotKeys.add(f.quote.securityId());
        }
        offerSnapshot(f);
    }

    private void offerSnapshot(QuoteFrame f) {
        synchronized (lock) {
            if (closing) {
                return;
            }
            foldTicks();
            if (pendingQuotes.put(f)) {
                conflated++;
            }
            wakeWriter();
        }
    }

    /**
     * Under {@link #lock}: gets the writer going — the own writer is woken if it waits (one wake-up is
     * enough for whatever is queued); else the socket is queued for a shared writer unless it is
     * queued or being written already (that writer looks again before it lets go).
     */
    void wakeWriter() {
        if (!hasWork()) {
            return;
        }
        if (ownWriter) {
            if (writerWaiting) {
                writerWaiting = false;
                lock.notifyAll();
            }
        } else if (!scheduled) {
            scheduled = true;
            if (!service.writers.submit(this)) {
                scheduled = false;
                ownWriter = true;
                startOwnWriter();
            }
        }
    }

    /**
     * Under {@link #lock}: merges the ticks' lists into {@link #pendingQuotes}, oldest first, so each
     * key keeps its latest quote. A key unsubscribed since the fanout looked it up is not sent.
     */
    private void foldTicks() {
        for (int t = 0; t < pendingTicks.size(); t++) {
            for (QuoteFrame f : pendingTicks.get(t)) {
                if (keys.contains(f.quote.securityId()) && pendingQuotes.put(f)) {
                    conflated++;
                }
            }
        }
        pendingTicks.clear();
    }

    /** Under {@link #lock}: whether the writer has anything to do. */
    private boolean hasWork() {
        return !frames.isEmpty() || !tradeFrames.isEmpty() || !pendingQuotes.isEmpty() || !pendingTicks.isEmpty()
                || pingWanted || pongPayload != null || closing;
    }

    private void startOwnWriter() {
        Thread.ofVirtual().name(kind == StreamerKind.DATA ? "streamer-data-writer" : "streamer-writer")
                .start(this::ownWriteLoop);
    }

    /** Called by the shared writers' watch: a write of this socket has blocked a shared writer. */
    void stalledOnSharedWriter() {
        synchronized (lock) {
            stalled = true;
        }
    }

    /** Sends what is queued of the replies, then closes with {@code code}. */
    void closeWith(int code, String reason) {
        synchronized (lock) {
            requestClose(code, reason);
        }
    }

    private void requestClose(int code, String reason) {
        if (!closing) {
            service.abortLater(this);
            closing = true;
            closeCode = code;
            closeReason = reason;
            pendingQuotes.clear();
            pendingTicks.clear();
            tradeFrames.clear();
            lock.notifyAll();
            wakeWriter();
        }
    }

    /** The own writer (a virtual thread): waits for work, writes it, until the socket is done. */
    private void ownWriteLoop() {
        WsFrames out = new WsFrames();
        try {
            while (true) {
                synchronized (lock) {
                    while (!hasWork() && !ended.get()) {
                        writerWaiting = true;
                        lock.wait();
                        writerWaiting = false;
                    }
                }
                if (!writeBatch(out)) {
                    return;
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            end();
        }
    }

    /**
     * One turn of a shared writer ({@link QuoteWriters}): writes one batch, then queues the socket
     * again if more is waiting, or hands it to a writer of its own if this write blocked too long.
     */
    void writePooled(WsFrames out) {
        boolean open = writeBatch(out);
        synchronized (lock) {
            if (!open) {
                scheduled = false;
                return;
            }
            if (stalled) {
                scheduled = false;
                ownWriter = true;
                startOwnWriter();
            } else if (!hasWork()) {
                scheduled = false;
            } else if (!service.writers.submit(this)) {
                scheduled = false;
                ownWriter = true;
                startOwnWriter();
            }
        }
    }

    /**
     * Takes what is queued (replies, then trade data, then quotes, each up to its batch size; a ping
     * and a pong), sends it in one write, then the close frame if the socket is closing and nothing
     * else is left. False once the socket is done.
     */
    private boolean writeBatch(WsFrames out) {
        List<String> texts = new ArrayList<>();
        List<QuoteFrame> quotes = new ArrayList<>();
        List<Boolean> snapshots = new ArrayList<>();
        boolean ping;
        byte[] pong;
        int code = 0;
        String reason = null;
        synchronized (lock) {
            if (ended.get()) {
                return false;
            }
            texts.addAll(frames);
            frames.clear();
            for (int i = 0; i < TRADE_PER_BATCH && !tradeFrames.isEmpty(); i++) {
                texts.add(tradeFrames.pollFirst());
            }
            foldTicks();
            pendingQuotes.take(QUOTES_PER_BATCH, quotes);
            for (QuoteFrame q : quotes) {
                snapshots.add(!snapshotKeys.isEmpty() && snapshotKeys.remove(q.quote.securityId()));
            }
            sent += quotes.size();
            ping = pingWanted;
            pingWanted = false;
            pong = pongPayload;
            pongPayload = null;
            if (closing && tradeFrames.isEmpty() && pendingQuotes.isEmpty()) {
                code = closeCode;
                reason = closeReason;
            }
        }
        out.clear();
        for (String t : texts) {
            out.add(WsFrames.text(t));
        }
        for (int i = 0; i < quotes.size(); i++) {
            QuoteFrame q = quotes.get(i);
            // Kept even when not sent: a quote with the same market has the same ask and bid.
            Quote previous = lastSent.put(q.quote.securityId(), q.quote);
            // A key's first tick after its snapshot can be the very same quote (the market delivers a
            // security's quote the first time it is watched): only changes follow a snapshot.
            if (snapshots.get(i) || previous == null || !previous.sameMarketAs(q.quote)) {
                out.add(q.wire(previous));
            }
        }
        if (pong != null) {
            out.control(WsFrames.OP_PONG, pong);
        }
        if (ping) {
            out.control(WsFrames.OP_PING, new byte[0]);
        }
        wire.lock();
        try {
            if (ended.get()) {
                return false;
            }
            if (!out.isEmpty()) {
                ConnectionContext c = (ConnectionContext) session.socketContext();
                c.dataWriter().writeNow(BufferData.create(out.array(), 0, out.size()));
            }
            if (code != 0) {
                session.close(code, reason);
            }
        } catch (RuntimeException e) {
            LOG.debug("streamer socket write failed: {}", e.toString());
            code = -1;
        } finally {
            wire.unlock();
        }
        if (code != 0) {
            end();
            return false;
        }
        return true;
    }

    /**
     * A socket still open {@link #CLOSE_GRACE_MS} after its close was asked for: its writer is blocked
     * on a reader that does not read (the close frame cannot be sent either), so the connection is
     * cut, which fails the blocked write and ends the socket.
     */
    void abortIfOpen() {
        if (ended.get()) {
            return;
        }
        cut();
        end();
    }

    /** Closes the connection under the socket: a write blocked on it fails. */
    private void cut() {
        WsSession s = session;
        if (s != null && s.socketContext() instanceof ConnectionContext c) {
            try {
                c.serverSocket().close();
            } catch (RuntimeException e) {
                LOG.debug("streamer socket abort failed: {}", e.toString());
            }
        }
    }

    @Override
    public void onClose(WsSession session, int status, String reason) {
        end();
        awaitWire();
    }

    @Override
    public void onError(WsSession session, Throwable t) {
        LOG.debug("streamer socket error: {}", t.toString());
        end();
        awaitWire();
    }

    /**
     * Helidon writes its own close frame after {@link #onClose} and {@link #onError}: the socket has
     * ended (no write starts any more), so this waits for a write under way to finish, so the two
     * never interleave on the connection; a write still blocked after {@link #CLOSE_GRACE_MS} is cut.
     */
    private void awaitWire() {
        try {
            if (wire.tryLock(CLOSE_GRACE_MS, java.util.concurrent.TimeUnit.MILLISECONDS)) {
                wire.unlock();
                return;
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        cut();
    }

    /** Once: unsubscribes everything, gives back the user's socket slot and stops the writer. */
    private void end() {
        if (!ended.compareAndSet(false, true)) {
            return;
        }
        for (Integer id : keys) {
            service.quotes.unwatch(id, this);
        }
        keys.clear();
        StreamingService.Grant g = grant;
        if (g != null) {
            service.unregister(this, g.userId());
            if (kind == StreamerKind.DATA) {
                service.trade.ended(this);
            }
        }
        synchronized (lock) {
            closing = true;
            pendingQuotes.clear();
            pendingTicks.clear();
            frames.clear();
            tradeFrames.clear();
            lock.notifyAll();
        }
    }

    static int utf8Length(String s) {
        int n = 0;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c < 0x80) {
                n++;
            } else if (c < 0x800) {
                n += 2;
            } else if (Character.isHighSurrogate(c)) {
                n += 4;
                i++;
            } else {
                n += 3;
            }
        }
        return n;
    }
}
