package dev.crater.orders;

import dev.crater.accounts.Account;
import dev.crater.accounts.AccountService;
import dev.crater.market.Market;
import dev.crater.market.Quote;
import dev.crater.market.QuoteSource;
import dev.crater.market.Session;
import dev.crater.orders.engine.Command;
import dev.crater.orders.engine.CommissionPlan;
import dev.crater.orders.engine.Engine;
import dev.crater.orders.engine.Event;
import dev.crater.orders.engine.Fixed;
import dev.crater.orders.engine.OrderSnapshot;
import dev.crater.orders.engine.OrderSpec;
import dev.crater.orders.engine.RejectCode;
import dev.crater.orders.engine.Snapshot;
import dev.crater.orders.engine.Verification;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One shard of accounts: one thread owns one {@link Engine} and drains a bounded inbox. Each round
 * it takes every waiting command (up to {@link #BATCH_MAX}), applies them in order, stores all their
 * events in one transaction (group commit), and only then completes the callers' futures — so an
 * order is acknowledged only once stored, and a fill is visible only once stored. If storing fails
 * the engine is rebuilt from the store, so it never runs ahead of what is durable.
 */
final class TradingShard implements Runnable, QuoteSource.Listener {

    private static final Logger LOG = LoggerFactory.getLogger(TradingShard.class);

    /** Named limits. */
    static final int INBOX_MAX = 65_536;
    static final int BATCH_MAX = 1024;

    /** A unit of work for the shard thread. */
    sealed interface Work {
    }

    /**
     * Apply a command; {@code context} holds request data of new orders by order id. A Place whose
     * account already has an order under its ClientId is not applied: it completes with no events
     * and the caller answers the original order (a retry must never make a second order).
     */
    record Apply(Command command, Map<Long, TradingStore.NewOrderContext> context,
            CompletableFuture<List<Event>> done) implements Work {
    }

    /** Named limit: ClientIds remembered here (older ones are found in the store by the caller). */
    static final int CLIENT_IDS_REMEMBERED = 100_000;

    private final Map<String, Long> recentClientIds = new java.util.LinkedHashMap<>(1024, 0.75f, false) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Long> eldest) {
            return size() > CLIENT_IDS_REMEMBERED;
        }
    };

    /** Named limit: account reset request ids remembered as applied here (a repeat is not applied again). */
    static final int RESETS_REMEMBERED = 10_000;

    private final Map<Long, Boolean> appliedResets = new java.util.LinkedHashMap<>(64, 0.75f, false) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<Long, Boolean> eldest) {
            return size() > RESETS_REMEMBERED;
        }
    };

    /** Read the engine on its own thread ({@code accountId} > 0: opened in the engine first). */
    record Query<T>(long accountId, Function<Engine, T> read, CompletableFuture<T> done) implements Work {
    }

    /** Verify an order: the current quotes are fed first, as for a Place. */
    record Verify(Command.Place place, CompletableFuture<Verification> done)
            implements Work {
    }

    /** A deposit or withdrawal an operator asked for. */
    record Cash(long requestId, long accountId, BigDecimal amount, String description,
            java.util.function.LongConsumer dropped) implements Work {
    }

    private final int index;
    private final int count;
    private final TradingStore store;
    /** The shard's held connection and statements; used by the shard's thread only. */
    private final TradingWriter writer;
    private final AccountService accounts;
    private final Market market;
    private final BlockingQueue<Work> inbox = new ArrayBlockingQueue<>(INBOX_MAX);
    private final AtomicLong droppedQuotes = new AtomicLong();
    final ShardStats stats = new ShardStats(inbox::size);
    private final Map<Long, Account> accountInfo = new HashMap<>();
    private final Set<Integer> watched = new HashSet<>();
    /**
     * Live trailing orders by security, with the stop last stored: trailing stops move on quotes
     * without events, so after each round the ones whose security ticked are compared and stored.
     */
    private final Map<Integer, Map<Long, Long>> trailing = new HashMap<>();
    private QuoteSource.Subscription subscription;
    private volatile TradeFeed.Listener feed;
    private volatile Runnable leaseLost = () -> {
    };
    private Engine engine;
    private volatile boolean running = true;
    private Thread thread;

    TradingShard(int index, int count, TradingStore store, AccountService accounts, Market market) {
        this.index = index;
        this.count = count;
        this.store = store;
        this.writer = store.writer();
        this.accounts = accounts;
        this.market = market;
    }

    /** Rebuilds the engine from the store and starts the thread. */
    void start() {
        engine = rebuild();
        subscription = market.subscribe(this);
        for (int s : liveSecurities(engine)) {
            watch(s);
        }
        thread = Thread.ofPlatform().daemon().name("trading-shard-" + index).start(this);
    }

    void feed(TradeFeed.Listener listener) {
        this.feed = listener;
    }

    /** Every transaction of this shard first checks the lease (nodes sharing a store). */
    void fence(ShardLeases.Fence fence) {
        writer.fence(fence);
    }

    /** Called on the shard's thread when the fence refused a round: the shard has stopped. */
    void onLeaseLost(Runnable r) {
        this.leaseLost = r;
    }

    long droppedQuotes() {
        return droppedQuotes.get();
    }

    /** Offers work; false when the inbox is full (the caller answers 503). */
    boolean offer(Work w) {
        return inbox.offer(w);
    }

    @Override
    public void onQuote(Quote q) {
        if (!inbox.offer(new Apply(tick(q), Map.of(), null))) {
            droppedQuotes.incrementAndGet(); // the next tick brings a fresh quote
        }
    }

    private Command.QuoteTick tick(Quote q) {
        return Command.QuoteTick.of(q, market.sessionKey(q.timeMs()));
    }

    // ---- restart -------------------------------------------------------------------------------

    private Engine rebuild() {
        TradingStore.Stored stored = store.load();
        accountInfo.clear();
        List<Snapshot.AccountState> states = new ArrayList<>();
        for (Snapshot.AccountState s : stored.accounts()) {
            if (owns(s.accountId())) {
                states.add(s);
                accounts.byId(s.accountId()).ifPresent(a -> accountInfo.put(a.id(), a));
            }
        }
        List<OrderSnapshot> orders = stored.liveOrders().stream().filter(o -> owns(o.accountId())).toList();
        trailing.clear();
        for (OrderSnapshot o : orders) {
            if (o.type().trailing()) {
                trailing.computeIfAbsent(o.securityId(), k -> new HashMap<>()).put(o.orderId(), o.stopPrice());
            }
        }
        long now = market.nowMs();
        Snapshot snapshot = new Snapshot(now, market.session(now), market.sessionKey(now), sessionSince(now),
                firstIdAbove(stored.maxFillId()), firstIdAbove(stored.maxLedgerId()),
                orders.stream().mapToLong(OrderSnapshot::seq).max().orElse(0) + 1, states,
                stored.positions().stream().filter(p -> owns(p.accountId())).toList(), orders, List.of());
        Engine e = Engine.restore(snapshot, count);
        // The store's ledger must agree with the engine's cash: the start-up invariant check.
        for (Snapshot.AccountState s : states) {
            BigDecimal sum = stored.ledgerSums().getOrDefault(s.accountId(), BigDecimal.ZERO);
            if (Fixed.of(sum) != e.cash(s.accountId())) {
                throw new IllegalStateException("account " + s.accountId() + ": ledger sums to " + sum.toPlainString()
                        + " but the stored engine cash is " + Fixed.format(e.cash(s.accountId())));
            }
        }
        List<String> problems = e.checkInvariants();
        if (!problems.isEmpty()) {
            throw new IllegalStateException("engine state in the store is unsound: " + problems);
        }
        LOG.info("trading shard {} rebuilt: {} accounts, {} live orders", index, states.size(), orders.size());
        return e;
    }

    /** When the current session began (market time). */
    private long sessionSince(long now) {
        var day = market.model().day(market.model().dateAt(now));
        if (day == null) {
            return now;
        }
        return switch (market.session(now)) {
            case PRE_MARKET -> day.preOpenMs();
            case REGULAR -> day.regularOpenMs();
            case POST_MARKET -> day.regularCloseMs();
            case CLOSED -> now >= day.postCloseMs() ? day.postCloseMs() : now;
        };
    }

    /**
     * The first id above {@code max} (the store's highest of its kind, every shard's) in this shard's
     * residue class modulo the shard count: the shard's fill and ledger ids step by the count from
     * there, so shards (and the nodes running them) never give the same id.
     */
    long firstIdAbove(long max) {
        long next = max + 1;
        long r = Math.floorMod(next, (long) count);
        return next + Math.floorMod(index - r, (long) count);
    }

    /** Accounts belong to shard {@code id mod count}. */
    boolean owns(long accountId) {
        return Math.floorMod(accountId, (long) count) == index;
    }

    /** Securities the engine needs quotes for: those of live orders and of open positions. */
    private static Set<Integer> liveSecurities(Engine e) {
        Set<Integer> ids = new HashSet<>();
        Snapshot s = e.snapshot();
        for (OrderSnapshot o : s.orders()) {
            if (o.securityId() > 0) {
                ids.add(o.securityId());
            }
        }
        for (var p : s.positions()) {
            if (p.quantity() != 0) {
                ids.add(p.securityId());
            }
        }
        return ids;
    }

    private void watch(int securityId) {
        if (watched.add(securityId)) {
            subscription.watch(securityId);
        }
    }

    // ---- the loop ------------------------------------------------------------------------------

    @Override
    public void run() {
        try {
            loop();
        } finally {
            writer.close();
        }
    }

    private void loop() {
        List<Work> batch = new ArrayList<>(BATCH_MAX);
        while (running) {
            Work first;
            try {
                first = inbox.poll(200, TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
            if (first == null) {
                continue;
            }
            batch.clear();
            batch.add(first);
            inbox.drainTo(batch, BATCH_MAX - 1);
            long started = System.nanoTime();
            try {
                round(batch);
                stats.round(batch.size(), System.nanoTime() - started);
            } catch (TradingWriter.LeaseLostException lost) {
                // Another node owns the shard now: nothing of this round was stored, and nothing more is.
                LOG.warn("trading shard {}: {}; stopping", index, lost.getMessage());
                failAll(batch, lost);
                running = false;
                failWaiting(lost);
                leaseLost.run();
                return;
            } catch (RuntimeException e) {
                LOG.error("trading shard {} failed a round; rebuilding the engine from the store", index, e);
                failAll(batch, e);
                rebuildPatiently();
            }
        }
        failWaiting(new TradingWriter.LeaseLostException(null));
    }

    /** Fails what is still in the inbox of a shard that stopped (its callers answer 503 at once). */
    private void failWaiting(RuntimeException why) {
        List<Work> rest = new ArrayList<>();
        inbox.drainTo(rest);
        failAll(rest, why);
    }

    /** First wait before retrying a failed rebuild; doubled up to {@link #REBUILD_RETRY_MAX_MS}. */
    static final long REBUILD_RETRY_MS = 500;
    static final long REBUILD_RETRY_MAX_MS = 30_000;

    /**
     * Rebuilds the engine from the store, retrying while the store cannot be read (locked by another
     * process, a database restarting) instead of stopping the shard for good. Work offered meanwhile
     * waits in the inbox; callers time out on their own deadline.
     */
    private void rebuildPatiently() {
        long wait = REBUILD_RETRY_MS;
        while (running) {
            try {
                engine = rebuild();
                return;
            } catch (RuntimeException again) {
                LOG.error("trading shard {} cannot rebuild from the store; retrying in {} ms: {}", index, wait,
                        again.toString());
            }
            try {
                Thread.sleep(wait);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
            wait = Math.min(wait * 2, REBUILD_RETRY_MAX_MS);
        }
    }

    private static void failAll(List<Work> batch, Throwable t) {
        for (Work w : batch) {
            switch (w) {
                case Apply a when a.done() != null -> a.done().completeExceptionally(t);
                case Query<?> q -> q.done().completeExceptionally(t);
                case Verify v -> v.done().completeExceptionally(t);
                // Not stored: handed back, so the next housekeeping round offers it again.
                case Cash c -> c.dropped().accept(c.requestId());
                default -> {
                }
            }
        }
    }

    /** What one round collects while applying its batch, stored together afterwards. */
    private static final class RoundBuffer {
        final List<Event> events = new ArrayList<>();
        final Map<Long, TradingStore.NewOrderContext> contexts = new HashMap<>();
        final Map<Long, Long> cashByLedger = new HashMap<>();
        final Map<Long, String> appliedCash = new HashMap<>();
        final Map<Long, String> appliedResets = new HashMap<>();
        final List<Runnable> completions = new ArrayList<>();
        final Set<Long> rejectedStored = new HashSet<>();
    }

    /**
     * Applies a batch in order, stores every event of it in one transaction, then completes the
     * callers' futures.
     */
    private void round(List<Work> batch) {
        RoundBuffer round = new RoundBuffer();
        for (Work w : batch) {
            switch (w) {
                case Apply a -> applyCommand(a, round);
                case Verify v -> verifyOrder(v, round);
                case Query<?> q -> {
                    if (q.accountId() > 0) {
                        ensureAccount(q.accountId(), round.events);
                    }
                    answer(q, round.completions);
                }
                case Cash c -> applyCash(c, round);
            }
        }
        Set<Integer> ticked = tickedSecurities(batch);
        trackOrdersAndPositions(round.events);
        long now = market.nowMs();
        Map<Long, OrderSnapshot> moved = movedTrailingStops(ticked);
        writer.persist(new RoundOutcome(round.events, round.contexts, round.cashByLedger, round.rejectedStored, moved,
                engine::order, id -> accountState(id), round.appliedCash, now, round.appliedResets));
        round.appliedResets.keySet().forEach(id -> appliedResets.put(id, Boolean.TRUE)); // stored: never again
        round.completions.forEach(Runnable::run);
        publish(round);
    }

    /** Hands the round's stored changes to the feed's listener (after the commit: only what is durable). */
    private void publish(RoundBuffer round) {
        TradeFeed.Listener listener = feed;
        if (listener == null || round.events.isEmpty()) {
            return;
        }
        try {
            List<TradeFeed.Change> changes = TradeFeed.of(round.events, listener::watching, engine::order,
                    round.rejectedStored);
            if (!changes.isEmpty()) {
                listener.stored(changes);
            }
        } catch (RuntimeException e) {
            LOG.warn("trading shard {}: the trade feed's listener failed: {}", index, e.toString());
        }
    }

    /**
     * Applies one command (a Place repeating a remembered ClientId is not applied: it completes
     * with no events) and queues the completion of its caller with the command's events.
     */
    private void applyCommand(Apply a, RoundBuffer round) {
        List<Event> events = round.events;
        int from = events.size();
        long account = accountOf(a.command());
        if (account > 0) {
            ensureAccount(account, events);
        }
        String clientKey = clientKey(a);
        if (clientKey != null && recentClientIds.containsKey(clientKey)) {
            if (a.done() != null) {
                round.completions.add(() -> a.done().complete(List.of()));
            }
            return;
        }
        if (a.command() instanceof Command.Reset r && r.requestId() > 0
                && (appliedResets.containsKey(r.requestId()) || round.appliedResets.containsKey(r.requestId()))) {
            if (a.done() != null) {
                round.completions.add(() -> a.done().complete(List.of()));
            }
            return; // applied already (the request was offered twice): a reset request is applied once
        }
        if (a.command() instanceof Command.Place p) {
            // The current quotes first: buying power and an immediate fill need them.
            feedQuotes(p.order(), events);
        }
        engine.apply(a.command(), events);
        if (a.command() instanceof Command.Place p) {
            round.contexts.putAll(a.context());
            boolean accepted = events.subList(from, events.size()).stream()
                    .anyMatch(e -> e instanceof Event.Accepted);
            if (accepted && clientKey != null) {
                recentClientIds.put(clientKey, p.order().orderId());
            }
        }
        List<Event> mine = List.copyOf(events.subList(from, events.size()));
        if (a.command() instanceof Command.Reset r && r.requestId() > 0) {
            String outcome = "applied";
            for (Event e : mine) {
                if (e instanceof Event.Rejected rej && rej.ref() == r.requestId()) {
                    // Short of ids: not recorded, the caller asks again with more (the request stays pending).
                    outcome = rej.code() == RejectCode.ResetIdsShort ? null : "refused: " + rej.text();
                }
            }
            if (outcome != null) {
                round.appliedResets.put(r.requestId(), outcome);
            }
        }
        if (a.command() instanceof Command.QuoteTick || a.command() instanceof Command.Clock
                || a.command() instanceof Command.Settle) {
            for (Event e : mine) {
                if (e instanceof Event.Rejected r) {
                    round.rejectedStored.add(r.ref()); // a conditional leg refused at activation
                }
            }
        }
        if (a.done() != null) {
            round.completions.add(() -> a.done().complete(mine));
        }
    }

    private void verifyOrder(Verify v, RoundBuffer round) {
        ensureAccount(v.place().accountId(), round.events);
        feedQuotes(v.place().order(), round.events);
        var result = engine.verify(v.place());
        round.completions.add(() -> v.done().complete(result));
    }

    /** Applies an operator's deposit or withdrawal and records its outcome for the cash request. */
    private void applyCash(Cash c, RoundBuffer round) {
        List<Event> events = round.events;
        ensureAccount(c.accountId(), events);
        int from = events.size();
        engine.apply(new Command.Deposit(market.nowMs(), c.accountId(), Fixed.of(c.amount()),
                c.description(), c.requestId()), events);
        String outcome = "applied";
        for (Event e : events.subList(from, events.size())) {
            if (e instanceof Event.CashMoved m) {
                round.cashByLedger.put(m.entry().id(), c.requestId());
            } else if (e instanceof Event.Rejected r) {
                outcome = "refused: " + r.text();
            }
        }
        round.appliedCash.put(c.requestId(), outcome);
    }

    private static Set<Integer> tickedSecurities(List<Work> batch) {
        Set<Integer> ticked = new HashSet<>();
        for (Work w : batch) {
            if (w instanceof Apply a && a.command() instanceof Command.QuoteTick q) {
                ticked.add(q.securityId());
            }
        }
        return ticked;
    }

    /** Remembers new trailing orders and watches the securities of new orders and open positions. */
    private void trackOrdersAndPositions(List<Event> events) {
        for (Event e : events) {
            if (e instanceof Event.Accepted a && a.order().type().trailing()) {
                trailing.computeIfAbsent(a.order().securityId(), k -> new HashMap<>())
                        .put(a.orderId(), a.order().stopPrice());
            }
            if (e instanceof Event.Accepted a && a.order().securityId() > 0) {
                watch(a.order().securityId());
            } else if (e instanceof Event.PositionChanged p && p.position().quantity() != 0) {
                watch(p.position().securityId());
            }
        }
    }

    /**
     * Trailing orders of the securities that ticked whose stop moved since last stored (forgetting
     * the ones no longer live); their new stop is remembered.
     */
    private Map<Long, OrderSnapshot> movedTrailingStops(Set<Integer> ticked) {
        Map<Long, OrderSnapshot> moved = new HashMap<>();
        for (int security : ticked) {
            Map<Long, Long> orders = trailing.get(security);
            if (orders == null) {
                continue;
            }
            for (var it = orders.entrySet().iterator(); it.hasNext();) {
                var entry = it.next();
                OrderSnapshot o = engine.order(entry.getKey());
                if (o == null) {
                    it.remove();
                } else if (o.stopPrice() != entry.getValue()) {
                    moved.put(o.orderId(), o);
                    entry.setValue(o.stopPrice());
                }
            }
        }
        return moved;
    }

    private static String clientKey(Apply a) {
        if (a.command() instanceof Command.Place p) {
            TradingStore.NewOrderContext c = a.context().get(p.order().orderId());
            if (c != null && c.clientId() != null) {
                return p.accountId() + ":" + c.clientId();
            }
        }
        return null;
    }

    private <T> void answer(Query<T> q, List<Runnable> completions) {
        T value = q.read().apply(engine);
        completions.add(() -> q.done().complete(value));
    }

    private static long accountOf(Command c) {
        return switch (c) {
            case Command.Place p -> p.accountId();
            case Command.Cancel x -> x.accountId();
            case Command.Replace r -> r.accountId();
            case Command.Reset r -> r.accountId();
            default -> 0;
        };
    }

    /** Opens the account in the engine the first time a command needs it (accounts are created elsewhere). */
    private void ensureAccount(long accountId, List<Event> events) {
        if (engine.hasAccount(accountId)) {
            return;
        }
        Optional<Account> a = accounts.byId(accountId);
        if (a.isEmpty()) {
            return; // the engine rejects the command: AccountNotFound
        }
        Account acc = a.get();
        accountInfo.put(acc.id(), acc);
        engine.apply(new Command.OpenAccount(market.nowMs(), acc.id(), acc.marginType().traded(),
                new CommissionPlan(Fixed.of(acc.perTradeCommission()), Fixed.of(acc.perShareCommission()),
                        Fixed.of(acc.perContractCommission()))), events);
    }

    /** Before a Place, the current quotes of its securities, so risk sees the market and a marketable order trades at once. */
    private void feedQuotes(OrderSpec spec, List<Event> events) {
        Set<Integer> ids = new HashSet<>();
        if (spec.securityId() > 0) {
            ids.add(spec.securityId());
        }
        for (OrderSpec leg : spec.legs()) {
            if (leg.securityId() > 0) {
                ids.add(leg.securityId());
            }
        }
        for (int id : ids) {
            Snapshot.QuoteState last = engine.lastQuote(id);
            long now = market.nowMs();
            if (last != null && now >= last.timeMs() && now - last.timeMs() < 1000) {
                continue; // the engine tried the order against this quote already
            }
            market.quote(id).ifPresent(q -> engine.apply(tick(q), events));
        }
    }

    /** The account's engine state as stored for a restart (see {@link TradingStore}). */
    private Snapshot.AccountState accountState(long accountId) {
        if (!engine.hasAccount(accountId)) {
            return null;
        }
        Account acc = accountInfo.get(accountId);
        if (acc == null) {
            acc = accounts.byId(accountId).orElse(null);
            if (acc == null) {
                return null;
            }
            accountInfo.put(accountId, acc);
        }
        long cash = engine.cash(accountId);
        long settled = engine.settledCash(accountId);
        long pending = engine.pendingCash(accountId);
        List<Snapshot.PendingSettlement> unsettled = pending == 0 ? List.of()
                : List.of(new Snapshot.PendingSettlement(engine.nowMs(), pending));
        return new Snapshot.AccountState(accountId, acc.marginType().traded(),
                new CommissionPlan(Fixed.of(acc.perTradeCommission()), Fixed.of(acc.perShareCommission()),
                        Fixed.of(acc.perContractCommission())),
                cash, settled, engine.reserved(accountId), cash, unsettled, acc.createdAtMs());
    }

    /**
     * Stops the thread after the current round, storing the trailing orders' latest state (their
     * anchors move with quotes, without events; every other order's state is stored with the events
     * that change it — saving all live orders took seconds with a million resting orders).
     */
    void stop() {
        if (thread != null && thread.isAlive()) {
            CompletableFuture<Void> saved = new CompletableFuture<>();
            if (inbox.offer(new Query<>(0, e -> {
                List<OrderSnapshot> live = new ArrayList<>();
                for (Map<Long, Long> orders : trailing.values()) {
                    for (long id : orders.keySet()) {
                        OrderSnapshot o = e.order(id);
                        if (o != null) {
                            live.add(o);
                        }
                    }
                }
                writer.saveLiveOrders(live);
                return null;
            }, saved))) {
                try {
                    saved.get(5, TimeUnit.SECONDS);
                } catch (Exception e) {
                    LOG.warn("trading shard {} could not store live orders at shutdown: {}", index, e.toString());
                }
            }
        }
        running = false;
        if (subscription != null) {
            subscription.close();
        }
        if (thread != null) {
            thread.interrupt();
            try {
                thread.join(5000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    static Session session(Market market) {
        return market.session(market.nowMs());
    }
}
