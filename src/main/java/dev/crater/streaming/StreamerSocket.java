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
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One streamer socket: {@code CreateSession.txt} on upgrade, then {@code Subscribe.txt} /
 * {@code Unsubscribe.txt} commands. Everything it writes goes through one writer (a virtual thread)
 * from a bounded outbound queue: replies (at most {@link StreamerLimits#controlFramesQueued}, else
 * the socket is closed with {@link #CLOSE_SLOW}) and quotes, which conflate to the latest per key, so
 * the queue never holds more quotes than the socket has subscriptions and a slow reader only delays
 * itself.
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
    private final AtomicBoolean pinging = new AtomicBoolean();
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
    private final LinkedHashMap<Integer, QuoteFrame> pendingQuotes = new LinkedHashMap<>();
    /** Keys whose next quote is a subscription's snapshot (never skipped as unchanged); under {@link #lock}. */
    private final Set<Integer> snapshotKeys = new HashSet<>();
    /** Whether the writer is waiting on {@link #lock} for work: a quote offer notifies only then. */
    private boolean writerWaiting;
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
        Thread.ofVirtual().name("streamer-writer").start(this::write);
        TrustedProxies proxies = session.socketContext() instanceof ConnectionContext c
                ? TrustedProxies.of(c.listenerContext().context()) : TrustedProxies.NONE;
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
        } else if (silent >= l.pingAfterMs() && nowMs - lastPingMs >= l.pingAfterMs() && pinging.compareAndSet(false, true)) {
            lastPingMs = nowMs;
            // On its own thread: a ping waits for the socket's send lock, which a writer blocked on a
            // client that does not read may hold; the idle check of every other socket must not wait.
            Thread.ofVirtual().name("streamer-ping").start(() -> {
                try {
                    s.ping(BufferData.empty());
                } catch (RuntimeException e) {
                    LOG.debug("streamer ping failed: {}", e.toString());
                } finally {
                    pinging.set(false);
                }
            });
        }
    }

    @Override
    public void onPong(WsSession session, BufferData buffer) {
        lastHeardMs = Monotonic.millis();
    }

    @Override
    public void onPing(WsSession session, BufferData buffer) {
        lastHeardMs = Monotonic.millis();
        session.pong(buffer);
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
            lock.notifyAll();
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
            lock.notifyAll();
        }
    }

    /** A market quote on the ticker thread: replaces this key's pending quote, never blocks. */
    void offer(QuoteFrame f) {
        offer(List.of(f));
    }

    /** One tick's quotes for this socket, on the ticker thread: each replaces its key's pending quote; never blocks. */
    void offer(List<QuoteFrame> tick) {
        synchronized (lock) {
            if (closing) {
                return;
            }
            for (QuoteFrame f : tick) {
                // A key unsubscribed since the fanout looked it up is not sent.
                if (keys.contains(f.quote.securityId()) && pendingQuotes.put(f.quote.securityId(), f) != null) {
                    conflated++;
                }
            }
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
            if (pendingQuotes.put(f.quote.securityId(), f) != null) {
                conflated++;
            }
            wakeWriter();
        }
    }

    /** Under {@link #lock}: wakes the writer if it is waiting (one wake-up is enough for whatever is queued). */
    private void wakeWriter() {
        if (writerWaiting && !pendingQuotes.isEmpty()) {
            writerWaiting = false;
            lock.notifyAll();
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
            tradeFrames.clear();
            lock.notifyAll();
        }
    }

    /** The writer: the only thread that sends on the socket. */
    private void write() {
        Map<Integer, Quote> lastSent = new HashMap<>();
        try {
            while (!ended.get()) {
                String frame = null;
                QuoteFrame quote = null;
                boolean snapshot = false;
                int code = 0;
                String reason = null;
                synchronized (lock) {
                    while (frames.isEmpty() && tradeFrames.isEmpty() && pendingQuotes.isEmpty() && !closing
                            && !ended.get()) {
                        writerWaiting = true;
                        lock.wait();
                        writerWaiting = false;
                    }
                    if (!frames.isEmpty()) {
                        frame = frames.pollFirst();
                    } else if (!tradeFrames.isEmpty()) {
                        frame = tradeFrames.pollFirst();
                    } else if (!pendingQuotes.isEmpty()) {
                        Iterator<Map.Entry<Integer, QuoteFrame>> it = pendingQuotes.entrySet().iterator();
                        quote = it.next().getValue();
                        it.remove();
                        snapshot = snapshotKeys.remove(quote.quote.securityId());
                        sent++;
                    } else if (closing) {
                        code = closeCode;
                        reason = closeReason;
                    }
                }
                if (ended.get()) {
                    return;
                }
                if (frame != null) {
                    session.send(frame, true);
                } else if (quote != null) {
                    Quote previous = lastSent.get(quote.quote.securityId());
                    // A key's first tick after its snapshot can be the very same quote (the market delivers a
                    // security's quote the first time it is watched): only changes follow a snapshot.
                    if (snapshot || previous == null || !previous.sameMarketAs(quote.quote)) {
                        lastSent.put(quote.quote.securityId(), quote.quote);
                        session.send(quote.text(previous), true);
                    }
                } else if (code != 0) {
                    session.close(code, reason);
                    end();
                    return;
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException e) {
            LOG.debug("streamer socket write failed: {}", e.toString());
        }
        end();
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
        WsSession s = session;
        if (s != null && s.socketContext() instanceof ConnectionContext c) {
            try {
                c.serverSocket().close();
            } catch (RuntimeException e) {
                LOG.debug("streamer socket abort failed: {}", e.toString());
            }
        }
        end();
    }

    @Override
    public void onClose(WsSession session, int status, String reason) {
        end();
    }

    @Override
    public void onError(WsSession session, Throwable t) {
        LOG.debug("streamer socket error: {}", t.toString());
        end();
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
