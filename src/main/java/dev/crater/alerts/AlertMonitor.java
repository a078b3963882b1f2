package dev.crater.alerts;

import dev.crater.market.Quote;
import dev.crater.market.QuoteSource;
import java.math.BigDecimal;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Makes price alerts fire. The {@link AlertIndex} holds every active alert of the store; it
 * subscribes to the {@link QuoteSource} for exactly the securities that have alerts. On the
 * market's ticker thread a quote only takes the crossed alerts out of the index and queues them:
 * nothing there blocks. A firing thread completes each one with the store's conditional UPDATE
 * (so an alert fires once, whichever node or tick sees the crossing first), then queues the
 * notification for the notification threads (SMTP and the SMS gateway block).
 *
 * <p>The index follows the store: API changes go in at once ({@link #changed}, {@link #removed});
 * alerts past their expiry are swept to {@code Expired} every {@link #SWEEP_MS}; and every
 * {@link #RELOAD_MS} the index is reconciled with the store, which picks up other nodes' changes.
 * A reconciliation reads the store without holding a lock and then skips every alert this node
 * changed since the read began, so it never puts back an older copy over a newer change.
 *
 * <p>Queues are bounded ({@link #FIRE_QUEUE_MAX}, {@link #NOTIFY_QUEUE_MAX}). When the firing queue
 * is full the crossed alert goes back into the index and fires on a later quote; when the
 * notification queue is full the notification is dropped with a warning (the alert has completed).
 */
public final class AlertMonitor implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(AlertMonitor.class);

    /** How often alerts past their expiry are moved to Expired. */
    public static final long SWEEP_MS = 5_000;
    /** How often the index is reconciled with the store (other nodes' changes). */
    public static final long RELOAD_MS = 15_000;
    /** Alerts expired per sweep; the rest wait for the next one. */
    public static final int SWEEP_BATCH_MAX = 1_000;
    /** Crossed alerts waiting for their conditional UPDATE. */
    public static final int FIRE_QUEUE_MAX = 10_000;
    /** Notifications waiting for the mail server or SMS gateway. */
    public static final int NOTIFY_QUEUE_MAX = 10_000;
    static final int FIRE_THREADS = 2;
    static final int NOTIFY_THREADS = 4;
    /** How long close() waits for queued work. */
    static final long CLOSE_WAIT_MS = 2_000;

    private final AlertStore store;
    private final QuoteSource quotes;
    private final AlertNotifier.Sink notifications;
    private final InstantSource clock;
    private final AlertIndex index;
    private final AtomicLong fired = new AtomicLong();

    /** Guards {@link #changeSeq} and {@link #changedAt}; index changes by the API and by reconciliation run under it. */
    private final Object maintenance = new Object();
    private long changeSeq;
    private final Map<Long, Long> changedAt = new HashMap<>();

    private volatile QuoteSource.Subscription subscription;
    private volatile boolean running;
    private volatile ThreadPoolExecutor firing;
    private volatile ThreadPoolExecutor notifying;
    private ScheduledExecutorService schedule;

    public AlertMonitor(AlertStore store, QuoteSource quotes, AlertNotifier.Sink notifications, InstantSource clock) {
        this.store = store;
        this.quotes = quotes;
        this.notifications = notifications;
        this.clock = clock;
        this.index = new AlertIndex(new AlertIndex.Watcher() {
            @Override
            public void watch(int securityId) {
                QuoteSource.Subscription s = subscription;
                if (s != null) {
                    s.watch(securityId);
                }
            }

            @Override
            public void unwatch(int securityId) {
                QuoteSource.Subscription s = subscription;
                if (s != null) {
                    s.unwatch(securityId);
                }
            }
        });
    }

    /** Loads the active alerts, subscribes to quotes and starts the sweep and reconciliation. */
    public synchronized void start() {
        if (running) {
            return;
        }
        firing = new ThreadPoolExecutor(FIRE_THREADS, FIRE_THREADS, 0, TimeUnit.MILLISECONDS,
                new ArrayBlockingQueue<>(FIRE_QUEUE_MAX), Thread.ofPlatform().daemon().name("alert-fire-", 0).factory());
        notifying = new ThreadPoolExecutor(NOTIFY_THREADS, NOTIFY_THREADS, 0, TimeUnit.MILLISECONDS,
                new ArrayBlockingQueue<>(NOTIFY_QUEUE_MAX),
                Thread.ofPlatform().daemon().name("alert-notify-", 0).factory());
        schedule = Executors.newSingleThreadScheduledExecutor(Thread.ofPlatform().daemon().name("alert-sweep").factory());
        subscription = quotes.subscribe(this::onQuote);
        running = true;
        for (int securityId : index.securities()) {
            subscription.watch(securityId);
        }
        reload();
        schedule.scheduleWithFixedDelay(() -> guarded("sweep", this::sweep), SWEEP_MS, SWEEP_MS, TimeUnit.MILLISECONDS);
        schedule.scheduleWithFixedDelay(() -> guarded("reload", this::reload), RELOAD_MS, RELOAD_MS,
                TimeUnit.MILLISECONDS);
    }

    @Override
    public synchronized void close() {
        if (!running) {
            return;
        }
        running = false;
        schedule.shutdownNow();
        QuoteSource.Subscription s = subscription;
        subscription = null;
        s.close();
        firing.shutdown();
        notifying.shutdown();
        try {
            firing.awaitTermination(CLOSE_WAIT_MS, TimeUnit.MILLISECONDS);
            notifying.awaitTermination(CLOSE_WAIT_MS, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        firing.shutdownNow();
        notifying.shutdownNow();
    }

    private static void guarded(String what, Runnable task) {
        try {
            task.run();
        } catch (RuntimeException e) {
            LOG.warn("price alert {} failed; will retry: {}", what, e.toString());
        }
    }

    // ---- changes through the API ---------------------------------------------------------------

    /** The alert was stored as it is now: arm it if it can fire, disarm it otherwise; then check it against the current quote. */
    public void changed(PriceAlert alert) {
        boolean armed = alert.activeAt(clock.millis());
        synchronized (maintenance) {
            note(alert.id());
            if (armed) {
                index.put(AlertIndex.Entry.of(alert));
            } else {
                index.remove(alert.id());
            }
        }
        if (armed && running) {
            evaluateNow(alert.securityId());
        }
    }

    /** The alert was deleted. */
    public void removed(long alertId) {
        synchronized (maintenance) {
            note(alertId);
            index.remove(alertId);
        }
    }

    /** Takes these alerts (just expired in the store) out of the index. */
    void expired(List<Long> alertIds, long nowMs) {
        for (long id : alertIds) {
            index.removeIf(id, e -> e.expiresAtMs() > 0 && e.expiresAtMs() <= nowMs);
        }
    }

    private void note(long alertId) {
        if (running) {
            changedAt.put(alertId, ++changeSeq);
        }
    }

    // ---- evaluation ----------------------------------------------------------------------------

    /** On the market's ticker thread: take the crossed alerts out of the index and queue them. */
    void onQuote(Quote quote) {
        List<AlertIndex.Entry> crossed = new ArrayList<>(0);
        if (index.crossed(quote, crossed) == 0) {
            return;
        }
        for (AlertIndex.Entry e : crossed) {
            try {
                firing.execute(() -> fire(e, quote));
            } catch (RejectedExecutionException full) {
                // Queue full (or shutting down): keep the alert armed; a later quote fires it.
                index.putIfAbsent(e);
            }
        }
    }

    private void evaluateNow(int securityId) {
        try {
            Optional<Quote> q = quotes.quote(securityId);
            q.ifPresent(this::onQuote);
        } catch (RuntimeException e) {
            LOG.warn("price alerts: no quote for security {}: {}", securityId, e.toString());
        }
    }

    /** On a firing thread: complete the alert (once, across nodes) and queue its notification. */
    private void fire(AlertIndex.Entry e, Quote quote) {
        long nowMs = clock.millis();
        BigDecimal price = e.field().of(quote);
        boolean won;
        try {
            won = store.complete(e.alertId(), e.revision(), nowMs, price);
        } catch (RuntimeException failure) {
            LOG.warn("price alert {} could not be completed; re-armed: {}", e.alertId(), failure.toString());
            index.putIfAbsent(e);
            return;
        }
        if (!won) {
            return;
        }
        fired.incrementAndGet();
        AlertNotifier.Fired f = new AlertNotifier.Fired(e.alertId(), e.userId(), e.securityId(), quote.symbol(),
                e.field(), e.operator(), e.level(), price, quote.timeMs(), nowMs);
        try {
            notifying.execute(() -> notifications.notify(f));
        } catch (RejectedExecutionException full) {
            LOG.warn("price alert {} completed but its notification was dropped: {} notifications queued",
                    e.alertId(), NOTIFY_QUEUE_MAX);
        }
    }

    // ---- sweep and reconciliation ----------------------------------------------------------------

    /** Moves alerts past their expiry to Expired and out of the index. */
    void sweep() {
        long nowMs = clock.millis();
        expired(store.expireDue(nowMs, SWEEP_BATCH_MAX), nowMs);
    }

    /** The lazy expiry on read: the user's alerts past their expiry become Expired now. */
    public void expireUser(long userId) {
        long nowMs = clock.millis();
        expired(store.expireDue(userId, nowMs, SWEEP_BATCH_MAX), nowMs);
    }

    /** Reconciles the index with the store; see the class comment. */
    void reload() {
        long startSeq;
        synchronized (maintenance) {
            startSeq = changeSeq;
        }
        long nowMs = clock.millis();
        List<AlertIndex.Entry> rows = store.active(nowMs);
        Set<Integer> added = new HashSet<>();
        synchronized (maintenance) {
            Map<Long, AlertIndex.Entry> stored = new HashMap<>();
            for (AlertIndex.Entry r : rows) {
                stored.put(r.alertId(), r);
            }
            for (AlertIndex.Entry e : index.entries()) {
                if (!stored.containsKey(e.alertId()) && changedAt.getOrDefault(e.alertId(), 0L) <= startSeq) {
                    index.removeIf(e.alertId(), current -> current.revision() == e.revision());
                }
            }
            for (AlertIndex.Entry r : rows) {
                if (changedAt.getOrDefault(r.alertId(), 0L) > startSeq) {
                    continue;
                }
                Optional<AlertIndex.Entry> current = index.get(r.alertId());
                if (current.isEmpty() || current.get().revision() != r.revision()) {
                    index.put(r);
                    added.add(r.securityId());
                }
            }
            changedAt.values().removeIf(seq -> seq <= startSeq);
        }
        for (int securityId : added) {
            evaluateNow(securityId);
        }
    }

    /** Alerts completed by this node since start. */
    public long firedCount() {
        return fired.get();
    }

    /** Alerts armed in this node's index. */
    public int armedCount() {
        return index.size();
    }

    AlertIndex index() {
        return index;
    }
}
