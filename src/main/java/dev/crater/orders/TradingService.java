package dev.crater.orders;

import dev.crater.accounts.AccountService;
import dev.crater.common.Refusal;
import dev.crater.market.Market;
import dev.crater.market.PathModel;
import dev.crater.orders.engine.Balances;
import dev.crater.orders.engine.Command;
import dev.crater.orders.engine.Engine;
import dev.crater.orders.engine.Event;
import dev.crater.orders.engine.Fixed;
import dev.crater.orders.engine.RejectCode;
import dev.crater.orders.engine.Verification;
import java.math.BigDecimal;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReferenceArray;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The trading engine as the rest of the server sees it: commands go to the shard owning the
 * account (account id modulo the shard count), callers wait for the stored outcome with a
 * deadline, and a housekeeping task feeds the market clock (session changes, Day-order expiry),
 * the start-of-day settlement and operators' cash requests. See docs/architecture.md.
 */
public final class TradingService implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(TradingService.class);

    /** Named limits. */
    static final long DEADLINE_MS = 10_000;
    static final int CASH_REQUESTS_PER_ROUND_MAX = 500;
    static final long CLOCK_PERIOD_MS = 1000;

    private final TradingStore store;
    private final AccountService accounts;
    private final Market market;
    private final int shardCount;
    /** The shards running on this node, by index (null: not this node's, or not started). */
    private final AtomicReferenceArray<TradingShard> shards;
    /** Shard ownership between nodes on PostgreSQL; null on the embedded store (one node runs every shard). */
    private final ShardOwnership ownership;
    private volatile TradeFeed.Listener feed;
    /** Engine reads of accounts whose shard another node runs (null on the embedded store, or until wired). */
    private volatile NodeReads remote;
    private final OrderIds orderIds;
    private final Set<Long> cashInFlight = ConcurrentHashMap.newKeySet();
    private ScheduledExecutorService housekeeping;
    private volatile LocalDate settledDay;

    /**
     * @param shared whether nodes share the store (PostgreSQL): shards are then taken by lease
     *               ({@link ShardOwnership}) instead of all run here
     * @param node   this node's id among them
     */
    public TradingService(TradingStore store, AccountService accounts, Market market, int shardCount,
            boolean shared, String node) {
        if (shardCount < 1 || shardCount > 64) {
            throw new IllegalArgumentException("1..64 trading shards");
        }
        this.store = store;
        this.accounts = accounts;
        this.market = market;
        this.shardCount = shardCount;
        this.shards = new AtomicReferenceArray<>(shardCount);
        this.ownership = shared ? new ShardOwnership(this, new ShardLeases(store.database()), shardCount, node) : null;
        this.orderIds = shared ? OrderIds.blocks(store.database()) : OrderIds.counter();
    }

    public int shardCount() {
        return shardCount;
    }

    /** The shard of an account: its id modulo the shard count. */
    public int shardOf(long accountId) {
        return (int) Math.floorMod(accountId, (long) shardCount);
    }

    /** Whether this node runs the account's shard now. */
    public boolean local(long accountId) {
        return shards.get(shardOf(accountId)) != null;
    }

    /**
     * The node that owns the account's shard while its lease is live: its URL, or empty when this node
     * runs it, nobody does (ownership is moving), or the store is not shared.
     */
    public Optional<String> ownerElsewhere(long accountId) {
        if (ownership == null || local(accountId)) {
            return Optional.empty();
        }
        return ownership.ownerUrl(shardOf(accountId));
    }

    /** This node's id among the nodes sharing the store (empty on the embedded store). */
    public Optional<String> node() {
        return ownership == null ? Optional.empty() : Optional.of(ownership.node());
    }

    /** Starts shard {@code index} here (a new engine rebuilt from the store), fenced when leased. */
    TradingShard startShard(int index, ShardLeases.Fence fence) {
        TradingShard s = new TradingShard(index, shardCount, store, accounts, market);
        if (fence != null) {
            s.fence(fence);
        }
        s.feed(feed);
        s.onLeaseLost(() -> {
            if (shards.compareAndSet(index, s, null)) {
                LOG.warn("trading shard {} lost its lease; another node takes it over", index);
            }
        });
        s.start();
        shards.set(index, s);
        return s;
    }

    /** Stops shard {@code index} here (storing its trailing orders' state first, while still owned). */
    void stopShard(int index) {
        TradingShard s = shards.getAndSet(index, null);
        if (s != null) {
            s.stop();
        }
    }

    boolean running(int index) {
        return shards.get(index) != null;
    }

    /** How many shards run on this node now. */
    public int runningShards() {
        int n = 0;
        for (int i = 0; i < shardCount; i++) {
            n += shards.get(i) == null ? 0 : 1;
        }
        return n;
    }

    /** The order an account placed under a ClientId, if any (ClientIds are unique per account). */
    public Optional<TradingStore.ClientOrder> orderByClientId(long accountId, String clientId) {
        return store.orderByClientId(accountId, clientId);
    }

    /**
     * Rebuilds every shard from the store (checking its invariants) and starts them; on a shared
     * store, takes this node's share of the shards by lease instead (and keeps doing so).
     *
     * @param nodeUrl where other nodes reach this one (they forward requests for its shards here)
     */
    public void start(String nodeUrl) {
        orderIds.seed(store);
        if (ownership == null) {
            for (int i = 0; i < shardCount; i++) {
                startShard(i, null);
            }
        } else {
            ownership.start(nodeUrl);
        }
        housekeeping = Executors.newSingleThreadScheduledExecutor(Thread.ofPlatform().daemon()
                .name("trading-clock").factory());
        housekeeping.scheduleWithFixedDelay(this::housekeep, 0, CLOCK_PERIOD_MS, TimeUnit.MILLISECONDS);
    }

    /**
     * Who hears every stored change (the trade-data streamer); set before {@link #start}, at most one.
     * It is called on the shards' threads after each round's commit and must never block.
     */
    public void onStored(TradeFeed.Listener listener) {
        this.feed = listener;
        for (int i = 0; i < shardCount; i++) {
            TradingShard s = shards.get(i);
            if (s != null) {
                s.feed(listener);
            }
        }
    }

    /**
     * A new order id (orders and legs share one sequence: on the embedded store a counter seeded from
     * the store at start-up; on a shared store blocks taken from the store, so nodes never collide).
     */
    public long nextOrderId() {
        return orderIds.next();
    }

    private TradingShard shard(long accountId) {
        TradingShard s = shards.get(shardOf(accountId));
        if (s == null) {
            throw new Refusal.Unavailable("This account's trading is moving between nodes; try again shortly.");
        }
        return s;
    }

    /** Applies a command for an account and returns its stored events. */
    public List<Event> submit(long accountId, Command command, Map<Long, TradingStore.NewOrderContext> context) {
        CompletableFuture<List<Event>> done = new CompletableFuture<>();
        if (!shard(accountId).offer(new TradingShard.Apply(command, context, done))) {
            throw busy();
        }
        return await(done);
    }

    /** Named limit: order ids a reset takes beyond the positions it saw (positions opened meanwhile). */
    static final int RESET_SPARE_IDS = 4;
    static final int RESET_TRIES_MAX = 3;

    /**
     * Resets a paper account to {@code cash} ({@link Command.Reset}): its orders canceled, its positions
     * closed at their marks, one Payment ledger line to the starting cash; {@code requestId} (the stored
     * reset request, or 0) is marked applied in the same transaction, and a request already applied is
     * not applied again. Returns the stored events (empty when the request was applied before).
     */
    public List<Event> reset(long accountId, long userId, BigDecimal cash, String description, long requestId) {
        for (int attempt = 1;; attempt++) {
            int held = read(accountId, e -> (int) e.positions(accountId).stream().filter(p -> p.quantity() != 0)
                    .count());
            List<Long> ids = new ArrayList<>();
            for (int i = 0; i < held + RESET_SPARE_IDS * attempt; i++) {
                ids.add(nextOrderId());
            }
            List<Event> events = submit(accountId, new Command.Reset(market.nowMs(), accountId, userId,
                    Fixed.of(cash), ids, description, requestId), Map.of());
            boolean shortOfIds = events.stream().anyMatch(e -> e instanceof Event.Rejected r
                    && r.code() == RejectCode.ResetIdsShort);
            if (!shortOfIds || attempt >= RESET_TRIES_MAX) {
                return events;
            }
        }
    }

    /** Where reads of other nodes' shards go ({@link NodeReads} registers itself). */
    void remoteReads(NodeReads reads) {
        this.remote = reads;
    }

    /**
     * The account's balance figures from the engine that runs its shard: this node's, or on a shared
     * store the owning node's (null when the engine does not know the account).
     *
     * @throws Refusal.Unavailable while the shard has no live owner, or its owner cannot answer
     */
    public Balances balances(long accountId) {
        if (ownership != null && !local(accountId)) {
            NodeReads r = remote;
            Optional<String> owner = ownership.ownerUrl(shardOf(accountId));
            if (r == null || owner.isEmpty()) {
                throw new Refusal.Unavailable("This account's trading is moving between nodes; try again shortly.");
            }
            return r.balances(owner.get(), accountId);
        }
        return read(accountId, e -> e.balances(accountId));
    }

    /** Runs a read on the account's shard thread (engine state is not thread-safe). */
    public <T> T read(long accountId, Function<Engine, T> read) {
        CompletableFuture<T> done = new CompletableFuture<>();
        if (!shard(accountId).offer(new TradingShard.Query<>(accountId, read, done))) {
            throw busy();
        }
        return await(done);
    }

    /** Verifies an order against the current quotes (fed to the engine first, as a Place would be). */
    public Verification verify(long accountId, Command.Place place) {
        CompletableFuture<Verification> done = new CompletableFuture<>();
        if (!shard(accountId).offer(new TradingShard.Verify(place, done))) {
            throw busy();
        }
        return await(done);
    }

    private static Refusal busy() {
        return new Refusal.Unavailable("The trading engine is busy; try again shortly.");
    }

    private static <T> T await(CompletableFuture<T> f) {
        try {
            return f.get(DEADLINE_MS, TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            throw busy();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw busy();
        } catch (ExecutionException e) {
            if (e.getCause() instanceof TradingWriter.LeaseLostException) {
                throw new Refusal.Unavailable("This account's trading is moving between nodes; try again shortly.");
            }
            if (e.getCause() instanceof TradingWriter.RoundNotStoredException notStored) {
                // The round could not be stored (the store locked or unreachable past its timeout): nothing of
                // it took effect and the shard rebuilds from the store; the caller may retry (503, Retry-After).
                LOG.warn("a trading round was not stored; its callers are answered busy: {}", notStored.getMessage());
                throw busy();
            }
            throw new IllegalStateException("the trading engine failed this command", e.getCause());
        }
    }

    /** Every second: the clock (sessions, expiry), start-of-day settlement, operators' cash requests. */
    void housekeep() {
        try {
            long now = market.nowMs();
            LocalDate today = market.model().dateAt(now);
            PathModel.Day day = market.model().day(today);
            boolean newDay = day != null && now >= day.preOpenMs() && !today.equals(settledDay);
            for (int i = 0; i < shardCount; i++) {
                TradingShard s = shards.get(i);
                if (s == null) {
                    continue;
                }
                s.offer(new TradingShard.Apply(new Command.Clock(now, market.session(now), market.sessionKey(now)), Map.of(), null));
                if (newDay) {
                    s.offer(new TradingShard.Apply(new Command.Settle(now, day.preOpenMs()), Map.of(), null));
                }
            }
            if (newDay) {
                settledDay = today;
            }
            // One read a second: requests no longer pending were stored as applied, so they leave the
            // in-flight set; pending ones not in flight go to their shard.
            var pendingCash = accounts.pendingCash(CASH_REQUESTS_PER_ROUND_MAX);
            Set<Long> pending = new HashSet<>();
            pendingCash.forEach(c -> pending.add(c.id()));
            cashInFlight.retainAll(pending);
            for (var c : pendingCash) {
                TradingShard owner = shards.get(shardOf(c.accountId()));
                if (owner == null) {
                    continue; // the owning node applies it
                }
                if (cashInFlight.add(c.id()) && !owner.offer(new TradingShard.Cash(c.id(),
                        c.accountId(), c.amount(), c.description(), id -> cashInFlight.remove(id)))) {
                    cashInFlight.remove(c.id());
                }
            }
        } catch (RuntimeException e) {
            LOG.warn("trading housekeeping failed: {}", e.toString());
        }
    }

    /** Quote ticks dropped because an inbox was full (a metric). */
    public long droppedQuotes() {
        long n = 0;
        for (int i = 0; i < shardCount; i++) {
            TradingShard s = shards.get(i);
            n += s == null ? 0 : s.droppedQuotes();
        }
        return n;
    }

    /** The round figures and inbox depth of each shard running on this node, in shard order (the metrics). */
    public Map<Integer, ShardStats> shardStats() {
        Map<Integer, ShardStats> out = new LinkedHashMap<>();
        for (int i = 0; i < shardCount; i++) {
            TradingShard s = shards.get(i);
            if (s != null) {
                out.put(i, s.stats);
            }
        }
        return out;
    }

    static Instant instant(long ms) {
        return Instant.ofEpochMilli(ms);
    }

    @Override
    public void close() {
        if (housekeeping != null) {
            housekeeping.shutdownNow();
        }
        if (ownership != null) {
            ownership.close(); // stops each shard, then releases its lease for the next node
        } else {
            for (int i = 0; i < shardCount; i++) {
                stopShard(i);
            }
        }
    }
}
