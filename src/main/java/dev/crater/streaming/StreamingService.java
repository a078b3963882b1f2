package dev.crater.streaming;

import dev.crater.access.Principal;
import dev.crater.accounts.AccountService;
import dev.crater.alerts.AlertNotifier;
import dev.crater.orders.OrderService;
import dev.crater.orders.PositionService;
import dev.crater.orders.TradingService;
import dev.crater.watchlists.WatchlistService;
import dev.crater.auth.SessionService;
import dev.crater.crypto.Secrets;
import dev.crater.market.QuoteSource;
import dev.crater.reference.Securities;
import io.helidon.webserver.websocket.WsRouting;
import java.time.InstantSource;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
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
 * its SHA-256 is kept, in memory on this node (a socket is opened on the node that issued its id).
 * An id opens sockets until its token ends (logout, expiry, revoke-all, user disabled: checked at
 * each CreateSession), until the recover call replaces the ids of its kind on that token, or until
 * the user holds more than {@link StreamerLimits#idsPerUser} ids (the oldest is dropped). Logout
 * through this process also closes the token's open sockets.
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
    private volatile StreamerLimits limits = StreamerLimits.DEFAULTS;

    /** Guards the maps below. */
    private final Object lock = new Object();
    private final Map<String, Grant> grants = new HashMap<>();
    private final Map<Long, ArrayDeque<Grant>> grantsByUser = new HashMap<>();
    private final Map<Long, Set<StreamerSocket>> socketsByUser = new HashMap<>();

    /**
     * @param trading    whose stored rounds feed the Order, Position and balance messages
     * @param watchlists whose changes feed the Watchlist and WatchlistContent messages
     */
    public StreamingService(SessionService sessions, QuoteSource market, Securities securities, TradingService trading,
            OrderService orders, PositionService positions, AccountService accounts, WatchlistService watchlists,
            InstantSource clock) {
        this.sessions = sessions;
        this.quotes = new QuoteFanout(market, securities);
        this.securities = securities;
        this.clock = clock;
        this.trade = new TradeData(orders, positions, accounts, watchlists, securities);
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
        Grant g = new Grant(Secrets.sha256(id), p.userId(), p.companyId(), p.tokenHash(), kind);
        synchronized (lock) {
            grants.put(g.idHash(), g);
            ArrayDeque<Grant> mine = grantsByUser.computeIfAbsent(p.userId(), k -> new ArrayDeque<>());
            mine.addLast(g);
            while (mine.size() > limits.idsPerUser()) {
                grants.remove(mine.removeFirst().idHash());
            }
        }
        return id;
    }

    /** The recover call: the token's ids of {@code kind} stop opening sockets, and a new one is issued. */
    public String recover(Principal p, StreamerKind kind) {
        synchronized (lock) {
            ArrayDeque<Grant> mine = grantsByUser.get(p.userId());
            if (mine != null) {
                mine.removeIf(g -> {
                    boolean drop = g.kind() == kind && g.tokenHash().equals(p.tokenHash());
                    if (drop) {
                        grants.remove(g.idHash());
                    }
                    return drop;
                });
            }
        }
        return issue(p, kind);
    }

    /**
     * CreateSession option 2: the grant of {@code password} when it is a live id of this streamer,
     * issued to {@code userId}, on a token that is still live.
     */
    Optional<Grant> open(StreamerKind kind, long userId, String password) {
        if (password == null || password.isEmpty() || password.length() > 64) {
            return Optional.empty();
        }
        Grant g;
        synchronized (lock) {
            g = grants.get(Secrets.sha256(password));
        }
        if (g == null || g.kind() != kind || g.userId() != userId) {
            return Optional.empty();
        }
        Optional<Principal> p = sessions.byTokenHash(g.tokenHash(), g.companyId());
        if (p.isEmpty() || p.get().userId() != userId) {
            return Optional.empty();
        }
        return Optional.of(g);
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
            grants.values().removeIf(g -> g.tokenHash().equals(tokenHash));
            grantsByUser.values().forEach(q -> q.removeIf(g -> g.tokenHash().equals(tokenHash)));
            grantsByUser.values().removeIf(ArrayDeque::isEmpty);
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
    }

    /**
     * Closes the sockets whose login session has ended by any way but a logout through this process
     * (which closes them at once): the token expired, a revoke-all (password change or reset) came
     * after it, the user was disabled, or another process (the admin CLI, another node) revoked it;
     * and forgets the ids issued on such tokens. Reads go through the session caches, so a check costs
     * no query while nothing changed.
     */
    void checkSessions() {
        try {
            List<StreamerSocket> open = new ArrayList<>();
            List<Grant> issued;
            synchronized (lock) {
                socketsByUser.values().forEach(open::addAll);
                issued = new ArrayList<>(grants.values());
            }
            Map<String, Boolean> live = new HashMap<>();
            for (StreamerSocket s : open) {
                s.grant().ifPresent(g -> {
                    if (!live.computeIfAbsent(g.tokenHash(), h -> alive(g))) {
                        s.closeWith(StreamerSocket.CLOSE_SESSION_ENDED, "session ended");
                    }
                });
            }
            List<String> dead = new ArrayList<>();
            for (Grant g : issued) {
                if (!live.computeIfAbsent(g.tokenHash(), h -> alive(g))) {
                    dead.add(g.idHash());
                }
            }
            if (!dead.isEmpty()) {
                synchronized (lock) {
                    dead.forEach(grants::remove);
                    grantsByUser.values().forEach(q -> q.removeIf(g -> !grants.containsKey(g.idHash())));
                    grantsByUser.values().removeIf(ArrayDeque::isEmpty);
                }
            }
        } catch (RuntimeException e) {
            LOG.warn("streamer session check failed; will retry", e);
        }
    }

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

    @Override
    public void close() {
        checker.shutdownNow();
        quotes.close();
        trade.close();
    }
}
