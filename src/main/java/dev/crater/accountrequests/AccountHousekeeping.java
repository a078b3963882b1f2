package dev.crater.accountrequests;

import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Every {@link #PERIOD_MS}: stored reset requests applied, the latest session close's snapshots taken,
 * submitted ACATS transfer requests moved on the market clock.
 */
public final class AccountHousekeeping implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(AccountHousekeeping.class);

    /** Named limit: the period of the housekeeping, in milliseconds (of real time: it reads the injected clock). */
    public static final long PERIOD_MS = 1000;

    private final AccountResets resets;
    private final AccountCloses closes;
    private final AccountTransfers transfers;
    private ScheduledExecutorService executor;

    public AccountHousekeeping(AccountResets resets, AccountCloses closes, AccountTransfers transfers) {
        this.resets = resets;
        this.closes = closes;
        this.transfers = transfers;
    }

    public synchronized void start() {
        if (executor != null) {
            return;
        }
        executor = Executors.newSingleThreadScheduledExecutor(Thread.ofPlatform().daemon()
                .name("account-housekeeping").factory());
        executor.scheduleWithFixedDelay(this::run, PERIOD_MS, PERIOD_MS, TimeUnit.MILLISECONDS);
    }

    /** One round (tests may call it to not wait for the period). */
    public void run() {
        try {
            resets.applyPending();
        } catch (RuntimeException e) {
            LOG.warn("applying account resets failed: {}", e.toString());
        }
        try {
            closes.takeDue();
        } catch (RuntimeException e) {
            LOG.warn("taking the accounts' close snapshots failed: {}", e.toString());
        }
        try {
            transfers.advance();
        } catch (RuntimeException e) {
            LOG.warn("moving account transfer requests failed: {}", e.toString());
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
