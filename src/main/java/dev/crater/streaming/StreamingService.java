package dev.crater.streaming;

import dev.crater.access.Principal;
import dev.crater.accounts.AccountService;
import dev.crater.alerts.AlertNotifier;
import dev.crater.orders.OrderService;
import dev.crater.orders.PositionService;
import dev.crater.orders.TradingService;
import dev.crater.watchlists.WatchlistService;
import dev.crater.audit.AuditLog;
import dev.crater.auth.AuthService;
import dev.crater.auth.SessionService;
import dev.crater.crypto.Secrets;
import dev.crater.http.ClientInfo;
import dev.crater.http.RateLimiter;
import dev.crater.market.QuoteSource;
import dev.crater.reference.Securities;
import dev.crater.store.Database;
import dev.crater.store.Notifications;
import dev.crater.store.Monotonic;
import io.helidon.webserver.websocket.WsRouting;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The streamers of reference 11: the streamer session ids the REST helpers issue, the sockets open
 * on them, and the quote fan-out they share.
 *
 * <p>A streamer session id is a random UUID (the docs' format) bound to the caller's login token; only
 * its SHA-256 is kept, in the store ({@link StreamerGrantStore}), so a socket may be opened on any node
 * sharing it. An id opens sockets until its token ends (logout, expiry, revoke-all, user disabled: checked at
 * each CreateSession), until the recover call replaces the ids of its kind on that token, or until
 * the user holds more than {@link StreamerLimits#idsPerUser} ids (the oldest is dropped). Logout
 * through this process also closes the token's open sockets.
 *
 * <p>A socket opened by login and password (option 1, {@link #openByPassword}) gets a login token of
 * its own, issued by {@link AuthService#passwordOnly} and never shown: every way a login session ends
 * closes it the same way, and the socket's end revokes it (within one idle check).
 *
 * <p>Every open socket is checked for silence on the monotonic clock ({@link #checkIdle}): pinged
 * after {@link StreamerLimits#pingAfterMs}, closed after {@link StreamerLimits#silentCloseMs}.
 */
public final class StreamingService implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(StreamingService.class);

    /** Where the streamers listen on Crater's own port: {@code /api/streamer/quotes} and {@code /api/streamer/data}. */
    public static final String PATH = "/api/streamer";

    /** One issued id, by its hash. */
    record Grant(String idHash, long userId, long companyId, String tokenHash, StreamerKind kind) {
    }

    private final SessionService sessions;
    final QuoteFanout quotes;
    final Securities securities;
    final InstantSource clock;
    final TradeData trade;
    /** The shared writers of the quote sockets. */
    final QuoteWriters writers = new QuoteWriters();
    private volatile StreamerLimits limits = StreamerLimits.DEFAULTS;

    private final StreamerGrantStore grants;
    /** Guards the map below. */
    private final Object lock = new Object();
    private final Map<Long, Set<StreamerSocket>> socketsByUser = new HashMap<>();

    /**
     * @param trading    whose stored rounds feed the Order, Position and balance messages
     * @param watchlists whose changes feed the Watchlist and WatchlistContent messages
     */
    public StreamingService(SessionService sessions, QuoteSource market, Securities securities, TradingService trading,
            OrderService orders, PositionService positions, AccountService accounts, WatchlistService watchlists,
            Notifications notifications, Database db, InstantSource clock) {
        this.sessions = sessions;
        this.quotes = new QuoteFanout(market, securities);
        this.securities = securities;
        this.clock = clock;
        this.grants = new StreamerGrantStore(db);
        this.trade = new TradeData(orders, positions, accounts, watchlists, securities, notifications,
                new StreamWatchStore(db));
        trading.onStored(trade);
        watchlists.onChange(trade::watchlistChanged);
        sessions.onRevoke(this::tokenEnded);
    }

    /** A fired price alert, for its user's {@code PriceAlert} subscribers (never blocks). */
    public void alertFired(AlertNotifier.Fired fired) {
        trade.alertFired(fired);
    }

    /** Replaces the limits (tests reach N and N+1 of limits larger than the securities there are). */
    public void useLimits(StreamerLimits limits) {
        this.limits = limits;
    }

    public StreamerLimits limits() {
        return limits;
    }

    /** The WebSocket endpoints, one per streamer, each at {@code <Url>/CreateSession.txt}. */
    public WsRouting.Builder routing() {
        WsRouting.Builder ws = WsRouting.builder();
        for (StreamerKind kind : StreamerKind.values()) {
            ws.endpoint(kind.createSessionPath(), () -> new StreamerSocket(this, kind));
        }
        return ws;
    }

    /** A new streamer session id of {@code kind} for the caller's token. */
    public String issue(Principal p, StreamerKind kind) {
        String id = UUID.randomUUID().toString();
        grants.issue(new Grant(Secrets.sha256(id), p.userId(), p.companyId(), p.tokenHash(), kind), clock.millis(),
                limits.idsPerUser());
        return id;
    }

    /** The recover call: the token's ids of {@code kind} stop opening sockets, and a new one is issued. */
    public String recover(Principal p, StreamerKind kind) {
        grants.dropKind(p.userId(), p.tokenHash(), kind);
        return issue(p, kind);
    }

    /**
     * CreateSession option 2: the grant of {@code password} when it is a live id of this streamer,
     * issued to {@code userId}, on a token that is still live (issued by any node sharing the store).
     */
    Optional<Grant> open(StreamerKind kind, long userId, String password) {
        if (password == null || password.isEmpty() || password.length() > 64) {
            return Optional.empty();
        }
        Optional<Grant> found = grants.byHash(Secrets.sha256(password));
        if (found.isEmpty() || found.get().kind() != kind || found.get().userId() != userId) {
            return Optional.empty();
        }
        Grant g = found.get();
        Optional<Principal> p = sessions.byTokenHash(g.tokenHash(), g.companyId());
        if (p.isEmpty() || p.get().userId() != userId) {
            return Optional.empty();
        }
        return Optional.of(g);
    }

    /** Issued ids of a user (tests). */
    int issuedIds(long userId) {
        return grants.count(userId);
    }

    /** What CreateSession gets: a grant, or Error with a {@code Reason} ({@code null}: the bare Error). */
    record Opening(Grant grant, String reason) {
        static Opening refused(String reason) {
            return new Opening(null, reason);
        }
    }

    /** CreateSession's Error reason when the client address made too many login attempts. */
    static final String RATE_LIMIT = "RateLimit";
    /** CreateSession's Error reason when the password is right but the login needs more than it. */
    static final String FULL_LOGIN_REQUIRED = "FullLoginRequired";

    private volatile AuthService auth;
    private volatile RateLimiter loginRate;
    private volatile AuditLog audit;
    /** Option-1 sockets and the hash of the login token each owns. */
    private final Map<StreamerSocket, String> ownTokens = new ConcurrentHashMap<>();

    /**
     * Turns on CreateSession option 1 (login and password) through {@code auth}'s password step,
     * with {@code perAddress} (the {@code /token} limiter: one budget per address for both).
     */
    public void enablePasswordLogin(AuthService auth, RateLimiter perAddress, AuditLog audit) {
        this.audit = audit;
        this.loginRate = perAddress;
        this.auth = auth;
    }

    /**
     * CreateSession option 1: a login by password as {@code POST /token}'s first step (the same
     * guessing protection and audit), after the per-address limit. Refused without a known app key
     * (a user name is unique only within its company), and with {@link #FULL_LOGIN_REQUIRED} for a
     * right password that does not complete the user's login (PIN, second factor, expired password,
     * a required PIN not set).
     */
    Opening openByPassword(StreamerKind kind, String appKey, String username, String password, ClientInfo client) {
        AuthService a = auth;
        if (a == null) {
            return Opening.refused(null);
        }
        long wait = loginRate.acquire(client.address());
        if (wait > 0) {
            audit.record(null, null, username, AuditLog.Event.RATE_LIMITED, null, client,
                    "streamer CreateSession: retry after " + wait + " s");
            return Opening.refused(RATE_LIMIT);
        }
        return switch (a.passwordOnly(appKey, username, password, client)) {
            case AuthService.PasswordOnly.Session s ->
                    new Opening(new Grant("", s.userId(), s.companyId(), s.tokenHash(), kind), null);
            case AuthService.PasswordOnly.FullLoginRequired f -> Opening.refused(FULL_LOGIN_REQUIRED);
            case AuthService.PasswordOnly.Refused r -> Opening.refused(null);
        };
    }

    /** An option-1 socket was registered: its token is revoked when it ends. */
    void ownsToken(StreamerSocket socket, String tokenHash) {
        ownTokens.put(socket, tokenHash);
    }

    /** Revokes an option-1 token whose socket did not open (the user's socket limit). */
    void releaseToken(String tokenHash) {
        sessions.revoke(tokenHash);
    }

    /** Live option-1 tokens held by sockets (tests). */
    int ownedTokens() {
        return ownTokens.size();
    }

    /** How often {@link #checkIdle} runs: a quarter of the ping delay, within these bounds. */
    static final long IDLE_CHECK_MIN_MS = 20;
    static final long IDLE_CHECK_MAX_MS = 1000;

    private void idleLoop() {
        checkIdle();
        long delay = Math.clamp(limits.pingAfterMs() / 4, IDLE_CHECK_MIN_MS, IDLE_CHECK_MAX_MS);
        try {
            checker.schedule(this::idleLoop, delay, TimeUnit.MILLISECONDS);
        } catch (RuntimeException e) {
            LOG.debug("streamer idle check stopped: {}", e.toString());   // shutting down
        }
    }

    /**
     * Pings the sockets that sent nothing for {@link StreamerLimits#pingAfterMs}, closes those silent
     * for {@link StreamerLimits#silentCloseMs}, and revokes the tokens of option-1 sockets that ended.
     * On the monotonic clock: network silence is real time, whatever the server's clock says.
     */
    void checkIdle() {
        try {
            List<StreamerSocket> open = new ArrayList<>();
            synchronized (lock) {
                socketsByUser.values().forEach(open::addAll);
            }
            long now = Monotonic.millis();
            StreamerLimits l = limits;
            for (StreamerSocket s : open) {
                s.checkIdle(now, l);
            }
            for (Map.Entry<StreamerSocket, String> e : ownTokens.entrySet()) {
                if (e.getKey().isEnded() && ownTokens.remove(e.getKey(), e.getValue())) {
                    sessions.revoke(e.getValue());
                }
            }
        } catch (RuntimeException e) {
            LOG.warn("streamer idle check failed; will retry", e);
        }
    }

    /** Counts an open socket against its user's limit; false (and not counted) when the user is at it. */
    boolean register(StreamerSocket socket, long userId) {
        synchronized (lock) {
            Set<StreamerSocket> mine = socketsByUser.computeIfAbsent(userId, k -> new HashSet<>());
            if (mine.size() >= limits.socketsPerUser()) {
                return false;
            }
            mine.add(socket);
            return true;
        }
    }

    void unregister(StreamerSocket socket, long userId) {
        synchronized (lock) {
            Set<StreamerSocket> mine = socketsByUser.get(userId);
            if (mine != null && mine.remove(socket) && mine.isEmpty()) {
                socketsByUser.remove(userId);
            }
        }
    }

    /** Open sockets of a user (tests and the benchmark). */
    public int openSockets(long userId) {
        synchronized (lock) {
            return socketsByUser.getOrDefault(userId, Set.of()).size();
        }
    }

    /** Every open socket's counters (tests: conflation). */
    public List<StreamerSocket.Stats> stats() {
        List<StreamerSocket> all = new ArrayList<>();
        synchronized (lock) {
            socketsByUser.values().forEach(all::addAll);
        }
        return all.stream().map(StreamerSocket::stats).toList();
    }

    /** A token was revoked (logout): its ids are dropped and its sockets closed. */
    private void tokenEnded(String tokenHash) {
        List<StreamerSocket> closing = new ArrayList<>();
        synchronized (lock) {
            for (Set<StreamerSocket> sockets : socketsByUser.values()) {
                for (StreamerSocket s : sockets) {
                    if (s.tokenHash().equals(tokenHash)) {
                        closing.add(s);
                    }
                }
            }
        }
        for (StreamerSocket s : closing) {
            s.closeWith(StreamerSocket.CLOSE_LOGGED_OUT, "logged out");
        }
        try {
            checker.execute(() -> {   // the revoke listener must not block: the store write runs here
                try {
                    grants.dropToken(tokenHash);
                } catch (RuntimeException e) {
                    LOG.warn("streamer ids of a revoked token not dropped (they open nothing): {}", e.toString());
                }
            });
        } catch (RejectedExecutionException stopping) {
            // shutting down; the ids open nothing, every CreateSession checks the token
        }
    }

    /** How often open sockets are checked against their login sessions (named: the longest a dead session streams). */
    public static final long SESSION_CHECK_MS = 1000;

    private final ScheduledExecutorService checker = Executors.newSingleThreadScheduledExecutor(
            Thread.ofVirtual().name("streamer-session-check").factory());

    /** Cuts the socket's connection if it has not closed {@link StreamerSocket#CLOSE_GRACE_MS} from now. */
    void abortLater(StreamerSocket socket) {
        try {
            checker.schedule(socket::abortIfOpen, StreamerSocket.CLOSE_GRACE_MS, TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException stopping) {
            // shutting down: every socket closes with the server
        }
    }

    /** Starts the check of open sockets against their login sessions, every {@link #SESSION_CHECK_MS}. */
    public void start() {
        checker.scheduleWithFixedDelay(this::checkSessions, SESSION_CHECK_MS, SESSION_CHECK_MS, TimeUnit.MILLISECONDS);
        checker.schedule(this::idleLoop, IDLE_CHECK_MIN_MS, TimeUnit.MILLISECONDS);
    }

    /**
     * Closes the sockets whose login session has ended by any way but a logout through this process
     * (which closes them at once): the token expired, a revoke-all (password change or reset) came
     * after it, the user was disabled, or another process (the admin CLI, another node) revoked it;
     * and, every {@link #GRANT_SWEEP_MS}, removes the ids issued on such tokens from the store. Reads go through the session caches, so a check costs
     * no query while nothing changed.
     */
    void checkSessions() {
        try {
            List<StreamerSocket> open = new ArrayList<>();
            synchronized (lock) {
                socketsByUser.values().forEach(open::addAll);
            }
            Map<String, Boolean> live = new HashMap<>();
            for (StreamerSocket s : open) {
                s.grant().ifPresent(g -> {
                    if (!live.computeIfAbsent(g.tokenHash(), h -> alive(g))) {
                        s.closeWith(StreamerSocket.CLOSE_SESSION_ENDED, "session ended");
                    }
                });
            }
            long now = Monotonic.millis();
            if (now - lastGrantSweep >= GRANT_SWEEP_MS) {
                lastGrantSweep = now;
                int dropped = grants.dropDead(clock.millis());
                LOG.debug("dropped {} streamer ids of ended login sessions", dropped);
            }
        } catch (RuntimeException e) {
            LOG.warn("streamer session check failed; will retry", e);
        }
    }

    /** How often the ids of ended login sessions are removed from the store (they open nothing meanwhile). */
    static final long GRANT_SWEEP_MS = 60_000;
    private long lastGrantSweep = Monotonic.millis();

    private boolean alive(Grant g) {
        return sessions.byTokenHash(g.tokenHash(), g.companyId()).map(p -> p.userId() == g.userId()).orElse(false);
    }

    /** Closes every open socket with 1001 "going away": the server is stopping (App, before the server stops). */
    public void goingAway() {
        List<StreamerSocket> open = new ArrayList<>();
        synchronized (lock) {
            socketsByUser.values().forEach(open::addAll);
        }
        open.forEach(s -> s.closeWith(CLOSE_GOING_AWAY, "server stopping"));
    }

    static final int CLOSE_GOING_AWAY = 1001;

    /** The open sockets' counters summed (the metrics): sockets, quotes queued, sent and conflated on them. */
    public record Totals(int sockets, long pendingQuotes, long quotesSent, long quotesConflated) {
    }

    public Totals totals() {
        List<StreamerSocket.Stats> all = stats();
        return new Totals(all.size(), all.stream().mapToLong(StreamerSocket.Stats::pendingQuotes).sum(),
                all.stream().mapToLong(StreamerSocket.Stats::quotesSent).sum(),
                all.stream().mapToLong(StreamerSocket.Stats::quotesConflated).sum());
    }

    /** Quote sockets moved off the shared writers since start ({@link QuoteWriters}: a write of theirs blocked). */
    public long quoteWriterStalls() {
        return writers.stalls();
    }

    @Override
    public void close() {
        checker.shutdownNow();
        quotes.close();
        writers.close();
        trade.close();
    }
}
