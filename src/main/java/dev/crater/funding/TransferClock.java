package dev.crater.funding;

import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Moves transfers on the market clock: every {@link #PERIOD_MS} it completes the ones whose funds
 * arrived, rejects withdrawals whose hold the engine refused and requests refunds that waited for a
 * hold. Every node runs one; each move is a conditional update, so on a shared store one node wins.
 */
public final class TransferClock implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(TransferClock.class);

    /** Named limits: the period, and the transfers of each kind one round handles. */
    public static final long PERIOD_MS = 1000;
    public static final int ROUND_MAX = 200;

    private final Transfers transfers;
    private ScheduledExecutorService executor;

    public TransferClock(Transfers transfers) {
        this.transfers = transfers;
    }

    public synchronized void start() {
        if (executor != null) {
            return;
        }
        executor = Executors.newSingleThreadScheduledExecutor(Thread.ofVirtual().name("crater-transfers").factory());
        executor.scheduleWithFixedDelay(this::round, PERIOD_MS, PERIOD_MS, TimeUnit.MILLISECONDS);
    }

    /** One round now (also what the schedule runs). */
    public void round() {
        try {
            transfers.tick(ROUND_MAX);
        } catch (RuntimeException e) {
            LOG.warn("transfer round failed; will retry: {}", e.toString());
        }
    }

    @Override
    public synchronized void close() {
        if (executor != null) {
            executor.shutdownNow();
            executor = null;
        }
    }
}
