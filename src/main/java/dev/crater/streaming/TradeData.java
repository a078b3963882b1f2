package dev.crater.streaming;

import dev.crater.access.Principal;
import dev.crater.access.Scope;
import dev.crater.accounts.AccountService;
import dev.crater.alerts.AlertNotifier;
import dev.crater.common.Refusal;
import dev.crater.http.Json;
import dev.crater.orders.OrderResource;
import dev.crater.orders.OrderService;
import dev.crater.orders.PositionService;
import dev.crater.orders.PositionService.PositionResource;
import dev.crater.orders.TradeFeed;
import dev.crater.reference.Securities;
import dev.crater.reference.Security;
import dev.crater.store.Notifications;
import dev.crater.watchlists.Watchlist;
import dev.crater.watchlists.WatchlistService;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The trade-data streamer's subscriptions and their delivery. One thread (a virtual thread,
 * "trade-data") does everything in one order: it applies subscribe and unsubscribe commands (checking
 * each key, then sending its snapshot) and turns every stored change — the engine's rounds
 * ({@link TradeFeed}), watchlist changes, fired price alerts — into messages for the sockets
 * subscribed to its key. Because a subscription's snapshot and the changes after it are made by the
 * same thread, a client gets the snapshot before any change, and no change stored after the snapshot
 * was read is missed.
 *
 * <p>Nothing here blocks the engine: a shard hands its changes over with a non-blocking offer into a
 * bounded queue ({@link #QUEUE_MAX} items). Order, position and balance messages are never dropped
 * silently: if that queue is full, every socket with a trade-data subscription is closed with
 * {@link StreamerSocket#CLOSE_TRADE_BEHIND} (the client reconnects and gets fresh snapshots); a socket
 * that does not read its messages is closed the same way by its own bounded queue.
 */
final class TradeData implements TradeFeed.Listener, AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(TradeData.class);

    /** Work waiting for the delivery thread (stored rounds, watchlist changes, alerts, commands). */
    static final int QUEUE_MAX = 16_384;
    /** Open orders, and open positions, sent as one subscription's snapshot at most (oldest first). */
    static final int SNAPSHOT_ITEMS_MAX = 1_000;

    /** The trade-data entity types (reference 11 §4), and price alerts (Crater's design). */
    enum Entity {
        Order, Position, AccountBalance, UserBalance, Watchlist, WatchlistContent, PriceAlert;

        static Optional<Entity> of(String name) {
            for (Entity e : values()) {
                if (e.name().equals(name)) {
                    return Optional.of(e);
                }
            }
            return Optional.empty();
        }

        /** Keyed by a trading account id; the others by the user id, or a watchlist id. */
        boolean byAccount() {
            return this == Order || this == Position || this == AccountBalance;
        }
    }

    private sealed interface Work {
    }

    private record Stored(List<TradeFeed.Change> changes) implements Work {
    }

    private record ListChange(WatchlistService.Change change) implements Work {
    }

    private record Alert(AlertNotifier.Fired fired) implements Work {
    }

    private record Command(StreamerSocket socket, boolean subscribe, String cmd, Entity entity, List<String> keys)
            implements Work {
    }

    private record Ended(StreamerSocket socket) implements Work {
    }

    /** Changes other nodes sent may have been lost. */
    private record Lost() implements Work {
    }

    private final OrderService orders;
    private final PositionService positions;
    private final AccountService accounts;
    private final WatchlistService watchlists;
    private final Securities securities;
    private final TradeRelay relay;
    /** Accounts this node has announced as watched to the other nodes (delivery thread only). */
    private final Set<Long> announced = new HashSet<>();
    private final BlockingQueue<Work> queue = new ArrayBlockingQueue<>(QUEUE_MAX);
    private final AtomicBoolean overflowed = new AtomicBoolean();
    private volatile boolean running = true;
    private final Thread thread;

    /** Subscribers by entity and key; changed only by the delivery thread, read by the shards' {@link #watching}. */
    private final Map<Entity, Map<Long, Set<StreamerSocket>>> subscribers = new ConcurrentHashMap<>();
    /** UserBalance: the accounts each subscribed user's balance sums, and the users summing each account. */
    private final Map<Long, List<Long>> userAccounts = new HashMap<>();
    private final Map<Long, Set<Long>> accountUsers = new ConcurrentHashMap<>();
    /** What each socket is subscribed to (for its unsubscribe-all when it ends). */
    private final Map<StreamerSocket, Set<Map.Entry<Entity, Long>>> bySocket = new HashMap<>();

    TradeData(OrderService orders, PositionService positions, AccountService accounts, WatchlistService watchlists,
            Securities securities, Notifications notifications, StreamWatchStore watches) {
        this.relay = new TradeRelay(notifications, watches, changes -> offer(new Stored(changes)),
                () -> offer(new Lost()));
        this.orders = orders;
        this.positions = positions;
        this.accounts = accounts;
        this.watchlists = watchlists;
        this.securities = securities;
        for (Entity e : Entity.values()) {
            subscribers.put(e, new ConcurrentHashMap<>());
        }
        this.thread = Thread.ofVirtual().name("trade-data").start(this::run);
    }

    // ---- what comes in (other threads; never blocking) -------------------------------------------

    @Override
    public boolean watching(long accountId) {
        return subscribers.get(Entity.Order).containsKey(accountId)
                || subscribers.get(Entity.Position).containsKey(accountId)
                || subscribers.get(Entity.AccountBalance).containsKey(accountId)
                || accountUsers.containsKey(accountId)
                || relay.watchedElsewhere(accountId);
    }

    @Override
    public void stored(List<TradeFeed.Change> changes) {
        offer(new Stored(changes));
        relay.forward(changes);
    }

    void watchlistChanged(WatchlistService.Change change) {
        offer(new ListChange(change));
    }

    void alertFired(AlertNotifier.Fired fired) {
        offer(new Alert(fired));
    }

    /**
     * A subscribe or unsubscribe of the socket; false when the queue is full (the command is refused
     * {@code Busy}, nothing else is affected).
     */
    boolean command(StreamerSocket socket, boolean subscribe, String cmd, Entity entity, List<String> keys) {
        return queue.offer(new Command(socket, subscribe, cmd, entity, keys));
    }

    void ended(StreamerSocket socket) {
        if (!queue.offer(new Ended(socket))) {
            overflowed.set(true); // the overflow pass drops every ended socket too
        }
    }

    private void offer(Work w) {
        if (!queue.offer(w)) {
            if (overflowed.compareAndSet(false, true)) {
                LOG.warn("trade-data queue full ({} items): closing the trade-data subscribers", QUEUE_MAX);
            }
        }
    }

    // ---- the delivery thread ---------------------------------------------------------------------

    private void run() {
        while (running) {
            Work w;
            try {
                w = queue.poll(200, TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                return;
            }
            if (overflowed.getAndSet(false)) {
                closeAllSubscribers();
            }
            if (w == null) {
                continue;
            }
            try {
                switch (w) {
                    case Stored s -> deliver(s.changes());
                    case ListChange c -> deliver(c.change());
                    case Alert a -> send(Entity.PriceAlert, a.fired().userId(), TradeMessages.alert(a.fired()));
                    case Command c -> apply(c);
                    case Ended e -> forget(e.socket());
                    case Lost l -> closeAllSubscribers();
                }
            } catch (RuntimeException e) {
                LOG.warn("trade-data delivery failed: {}", e.toString());
                if (w instanceof Command c) {
                    c.socket().refuse(c.cmd(), c.entity().name(), String.join(";", c.keys()), "Failed");
                }
            }
            if (w instanceof Command || w instanceof Ended || w instanceof Lost) {
                announceWatches();
            }
        }
    }

    /** Tells the other nodes which accounts this node's sockets now watch (the changes since last told). */
    private void announceWatches() {
        if (!relay.shared()) {
            return;
        }
        Set<Long> now = new HashSet<>();
        for (Entity e : List.of(Entity.Order, Entity.Position, Entity.AccountBalance)) {
            now.addAll(subscribers.get(e).keySet());
        }
        now.addAll(accountUsers.keySet());
        try {
            for (long a : now) {
                if (announced.add(a)) {
                    relay.watch(a);
                }
            }
            for (var it = announced.iterator(); it.hasNext();) {
                long a = it.next();
                if (!now.contains(a)) {
                    relay.unwatch(a);
                    it.remove();
                }
            }
        } catch (RuntimeException e) {
            LOG.warn("announcing watched accounts failed (retried at the next command): {}", e.toString());
        }
    }

    /**
     * After the queue overflowed, changes were not delivered: every socket that had a trade-data
     * subscription is closed (its client reconnects and subscribes again, getting fresh snapshots).
     */
    private void closeAllSubscribers() {
        List<StreamerSocket> all = new ArrayList<>(bySocket.keySet());
        for (StreamerSocket s : all) {
            s.closeWith(StreamerSocket.CLOSE_TRADE_BEHIND, "trade data behind; reconnect");
            forget(s);
        }
    }

    private void deliver(List<TradeFeed.Change> changes) {
        Set<Long> balances = new LinkedHashSet<>();
        for (TradeFeed.Change c : changes) {
            switch (c) {
                case TradeFeed.OrderChange o -> {
                    Set<StreamerSocket> to = sockets(Entity.Order, o.accountId());
                    if (!to.isEmpty()) {
                        orders.stored(o.accountId(), o.orderId())
                                .ifPresent(r -> send(to, TradeMessages.order(r, o)));
                    }
                }
                case TradeFeed.PositionChange p -> {
                    Set<StreamerSocket> to = sockets(Entity.Position, p.accountId());
                    if (!to.isEmpty()) {
                        positions.position(p.accountId(), p.securityId())
                                .ifPresent(r -> send(to, TradeMessages.position(r, p, exchange(r.securityId()))));
                    }
                }
                case TradeFeed.BalanceChange b -> balances.add(b.accountId());
            }
        }
        Set<Long> users = new LinkedHashSet<>();
        for (long account : balances) {
            Set<StreamerSocket> to = sockets(Entity.AccountBalance, account);
            if (!to.isEmpty()) {
                try {
                    send(to, TradeMessages.balance("AccountBalance", account, positions.balanceMap(account)));
                } catch (Refusal.Unavailable moving) {
                    // The account's shard is moving between nodes (or its owner did not answer): the
                    // balance goes out with the next change; a socket that must not miss it resubscribes.
                    LOG.debug("balance of account {} not read: {}", account, moving.getMessage());
                }
            }
            users.addAll(accountUsers.getOrDefault(account, Set.of()));
        }
        for (long user : users) {
            try {
                sendUserBalance(user, sockets(Entity.UserBalance, user));
            } catch (Refusal.Unavailable moving) {
                LOG.debug("balance of user {} not read: {}", user, moving.getMessage());
            }
        }
    }

    private void deliver(WatchlistService.Change change) {
        switch (change) {
            case WatchlistService.ListChanged l -> send(Entity.Watchlist, l.userId(),
                    TradeMessages.watchlist(l.list(), l.deleted(), l.atMs()));
            case WatchlistService.ContentChanged c -> send(Entity.WatchlistContent, c.watchlistId(),
                    TradeMessages.content(c.watchlistId(), c.added(), c.removed()));
        }
    }

    // ---- subscriptions -----------------------------------------------------------------------------

    private void apply(Command c) {
        Optional<StreamingService.Grant> grant = c.socket().grant();
        if (grant.isEmpty() || !c.socket().open()) {
            return;
        }
        StreamingService.Grant g = grant.get();
        Principal p = new Principal(g.userId(), g.companyId(), g.tokenHash(), 0, Scope.FULL);
        List<String> refused = new ArrayList<>();
        List<String> overLimit = new ArrayList<>();
        Set<Map.Entry<Entity, Long>> mine = bySocket.computeIfAbsent(c.socket(), k -> new LinkedHashSet<>());
        for (String k : c.keys()) {
            Long key = StreamerSocket.positiveId(k);
            if (!c.subscribe()) {
                if (key != null && mine.remove(Map.entry(c.entity(), key))) {
                    unsubscribe(c.socket(), c.entity(), key);
                }
                continue;
            }
            if (key == null || !visible(p, c.entity(), key)) {
                refused.add(k);
                continue;
            }
            Map.Entry<Entity, Long> sub = Map.entry(c.entity(), key);
            if (!mine.contains(sub) && c.socket().subscriptions() >= c.socket().subscriptionLimit()) {
                overLimit.add(k);
                continue;
            }
            if (mine.add(sub)) {
                c.socket().countSubscription(1);
                subscribers.get(c.entity()).computeIfAbsent(key, x -> ConcurrentHashMap.newKeySet()).add(c.socket());
                if (c.entity() == Entity.UserBalance) {
                    List<Long> ids = accounts.accountsOf(key).stream().map(a -> a.account().id()).toList();
                    userAccounts.put(key, ids);
                    ids.forEach(a -> accountUsers.computeIfAbsent(a, x -> ConcurrentHashMap.newKeySet()).add(key));
                }
            }
            snapshot(c.socket(), c.entity(), key);
        }
        if (mine.isEmpty()) {
            bySocket.remove(c.socket());
        }
        if (!refused.isEmpty()) {
            c.socket().refuse(c.cmd(), c.entity().name(), String.join(";", refused), "UnknownKey");
        }
        if (!overLimit.isEmpty()) {
            c.socket().refuse(c.cmd(), c.entity().name(), String.join(";", overLimit), "SubscriptionLimit");
        }
    }

    /**
     * Whether the socket's user may see the key: an account they are linked to (of their company), their
     * own user id, or one of their own watchlists. Every other key — someone else's, or none at all —
     * is refused alike, so a refusal tells nothing about other users' accounts or lists.
     */
    private boolean visible(Principal p, Entity entity, long key) {
        if (entity.byAccount()) {
            try {
                accounts.access(p, key, AccountService.Need.READ);
                return true;
            } catch (Refusal e) {
                return false;
            }
        }
        return switch (entity) {
            case UserBalance, Watchlist, PriceAlert -> key == p.userId();
            case WatchlistContent -> watchlists.own(p.userId(), key).isPresent();
            default -> false;
        };
    }

    /** The subscription's current state, before any change after it. */
    private void snapshot(StreamerSocket socket, Entity entity, long key) {
        Set<StreamerSocket> to = Set.of(socket);
        switch (entity) {
            case Order -> {
                for (OrderResource o : orders.openOrders(key, SNAPSHOT_ITEMS_MAX)) {
                    send(to, TradeMessages.order(o, null));
                }
            }
            case Position -> {
                List<PositionResource> held = positions.held(key);
                for (PositionResource r : held.subList(0, Math.min(held.size(), SNAPSHOT_ITEMS_MAX))) {
                    send(to, TradeMessages.position(r, null, exchange(r.securityId())));
                }
            }
            case AccountBalance -> send(to, TradeMessages.balance("AccountBalance", key, positions.balanceMap(key)));
            case UserBalance -> sendUserBalance(key, to);
            case Watchlist -> {
                for (Watchlist w : watchlists.own(key)) {
                    send(to, TradeMessages.watchlist(w, false, w.modifiedAtMs()));
                }
            }
            case WatchlistContent -> watchlists.own(socket.grant().map(StreamingService.Grant::userId).orElse(0L), key)
                    .ifPresent(w -> send(to, TradeMessages.content(w.id(), w.securityIds(), List.of())));
            case PriceAlert -> {
                // Firings only: an alert that has not fired has nothing to stream.
            }
        }
    }

    private void sendUserBalance(long user, Set<StreamerSocket> to) {
        if (to.isEmpty()) {
            return;
        }
        List<Long> ids = userAccounts.getOrDefault(user, List.of());
        send(to, TradeMessages.balance("UserBalance", user, positions.consolidatedBalance(ids)));
    }

    private void unsubscribe(StreamerSocket socket, Entity entity, long key) {
        socket.countSubscription(-1);
        Map<Long, Set<StreamerSocket>> byKey = subscribers.get(entity);
        Set<StreamerSocket> set = byKey.get(key);
        if (set != null && set.remove(socket) && set.isEmpty()) {
            byKey.remove(key);
            if (entity == Entity.UserBalance) {
                for (long a : userAccounts.getOrDefault(key, List.of())) {
                    Set<Long> users = accountUsers.get(a);
                    if (users != null && users.remove(key) && users.isEmpty()) {
                        accountUsers.remove(a);
                    }
                }
                userAccounts.remove(key);
            }
        }
    }

    private void forget(StreamerSocket socket) {
        Set<Map.Entry<Entity, Long>> mine = bySocket.remove(socket);
        if (mine != null) {
            for (Map.Entry<Entity, Long> e : mine) {
                unsubscribe(socket, e.getKey(), e.getValue());
            }
        }
    }

    // ---- sending -----------------------------------------------------------------------------------

    private Set<StreamerSocket> sockets(Entity entity, long key) {
        return subscribers.get(entity).getOrDefault(key, Set.of());
    }

    private void send(Entity entity, long key, Map<String, String> message) {
        Set<StreamerSocket> to = sockets(entity, key);
        if (!to.isEmpty()) {
            send(to, message);
        }
    }

    private static void send(Set<StreamerSocket> to, Map<String, String> message) {
        String frame = new String(Json.write(message), StandardCharsets.UTF_8);
        for (StreamerSocket s : to) {
            s.offerTrade(frame);
        }
    }

    private String exchange(int securityId) {
        return securities.snapshot().byId(securityId).map(Security::exchange).orElse("");
    }

    /** Subscriptions now (tests). */
    int subscribers(Entity entity, long key) {
        return sockets(entity, key).size();
    }

    @Override
    public void close() {
        running = false;
        thread.interrupt();
        relay.close();
    }

    /** For tests: the delivery thread's pending work. */
    int queued() {
        return queue.size();
    }
}
