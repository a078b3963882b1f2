package dev.crater.orders;

import dev.crater.accounts.AccountService;
import dev.crater.common.Refusal;
import dev.crater.market.Market;
import dev.crater.market.PathModel;
import dev.crater.orders.engine.Command;
import dev.crater.orders.engine.Engine;
import dev.crater.orders.engine.Event;
import dev.crater.orders.engine.Verification;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashSet;
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
import java.util.concurrent.atomic.AtomicLong;
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
    private final List<TradingShard> shards = new ArrayList<>();
    private final AtomicLong orderIds = new AtomicLong();
    private final Set<Long> cashInFlight = ConcurrentHashMap.newKeySet();
    private ScheduledExecutorService housekeeping;
    private volatile LocalDate settledDay;

    public TradingService(TradingStore store, AccountService accounts, Market market, int shardCount) {
        if (shardCount < 1 || shardCount > 64) {
            throw new IllegalArgumentException("1..64 trading shards");
        }
        this.store = store;
        this.accounts = accounts;
        this.market = market;
        for (int i = 0; i < shardCount; i++) {
            shards.add(new TradingShard(i, shardCount, store, accounts, market));
        }
    }

    /** The order an account placed under a ClientId, if any (ClientIds are unique per account). */
    public Optional<TradingStore.ClientOrder> orderByClientId(long accountId, String clientId) {
        return store.orderByClientId(accountId, clientId);
    }

    /** Rebuilds every shard from the store (checking its invariants) and starts them. */
    public void start() {
        orderIds.set(store.load().maxOrderId());
        for (TradingShard s : shards) {
            s.start();
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
        for (TradingShard s : shards) {
            s.feed(listener);
        }
    }

    /** A new order id (orders and legs share one sequence, seeded from the store at start-up). */
    public long nextOrderId() {
        return orderIds.incrementAndGet();
    }

    private TradingShard shard(long accountId) {
        return shards.get((int) Math.floorMod(accountId, (long) shards.size()));
    }

    /** Applies a command for an account and returns its stored events. */
    public List<Event> submit(long accountId, Command command, Map<Long, TradingStore.NewOrderContext> context) {
        CompletableFuture<List<Event>> done = new CompletableFuture<>();
        if (!shard(accountId).offer(new TradingShard.Apply(command, context, done))) {
            throw busy();
        }
        return await(done);
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
            for (TradingShard s : shards) {
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
                if (cashInFlight.add(c.id()) && !shard(c.accountId()).offer(new TradingShard.Cash(c.id(),
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
        return shards.stream().mapToLong(TradingShard::droppedQuotes).sum();
    }

    /** Each shard's round figures and inbox depth, in shard order (the metrics). */
    public List<ShardStats> shardStats() {
        return shards.stream().map(s -> s.stats).toList();
    }

    static Instant instant(long ms) {
        return Instant.ofEpochMilli(ms);
    }

    @Override
    public void close() {
        if (housekeeping != null) {
            housekeeping.shutdownNow();
        }
        shards.forEach(TradingShard::stop);
    }
}
