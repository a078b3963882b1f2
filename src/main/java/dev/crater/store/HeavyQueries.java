package dev.crater.store;

import dev.crater.common.Busy;
import dev.crater.common.Refusal;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Function;
import org.jdbi.v3.core.statement.StatementContext;
import org.jdbi.v3.core.statement.StatementCustomizer;

/**
 * The cost bound of expensive reads (issue 12 item 2): filtered, sorted or deep lists whose plan is
 * not a bounded index range. Each runs {@link #run inside} a small semaphore
 * ({@link #PERMITS_MAX} permits; no permit within {@link Limits#HEAVY_QUERY_PERMIT_WAIT}
 * → {@link Busy}, answered 503 with {@code Retry-After}) and under a {@link Budget}: a deadline
 * ({@link Limits#HEAVY_QUERY_DEADLINE}) that in-memory scans check as they go and that cancels a
 * running SQL statement ({@link Statement#cancel()}: {@code sqlite3_interrupt} on SQLite, a cancel
 * request on PostgreSQL), and a cap on the rows an in-memory scan may examine
 * ({@link Limits#HEAVY_QUERY_ROWS_MAX}). Either bound exceeded is a 400 in the documented
 * {@code {"Message": …}} shape of a bad filter, never a 5xx.
 *
 * <p>So at most a few requests spend CPU (and pooled store connections) on expensive reads at a time,
 * each for a bounded time; logins, orders and every cheap read keep the rest of the machine.
 */
public final class HeavyQueries implements AutoCloseable {
    /**
     * Expensive reads (a filter or sort no index answers, a deep page, a large scope) running at
     * once, server-wide: half the cores, at least one, so the other half stays for logins, orders
     * and cheap reads.
     */
    public static final int PERMITS_MAX = Math.max(1, Runtime.getRuntime().availableProcessors() / 2);
    /** How long an expensive read waits for a free permit before it is answered 503 with Retry-After. */
    public static final Duration PERMIT_WAIT = Duration.ofMillis(250);
    /**
     * How long one expensive read may run (in-memory scans check it as they go; a SQL statement is
     * cancelled at it). Longer → 400 "The query is too costly".
     */
    public static final Duration DEADLINE = Duration.ofSeconds(2);
    /**
     * Rows one request may examine in memory (the options universe is generated, not stored: its
     * scans are bounded by this count; SQL lists by the deadline). More → 400 "The query is too costly".
     */
    public static final int ROWS_MAX = 50_000;

    private final Semaphore permits;
    private final int permitsMax;
    private volatile Duration permitWait;
    private volatile Duration deadline;
    private final ScheduledExecutorService canceller = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "crater-query-deadline");
        t.setDaemon(true);
        return t;
    });

    public HeavyQueries(int permits, Duration permitWait, Duration deadline) {
        if (permits < 1) {
            throw new IllegalArgumentException("permits must be at least 1");
        }
        this.permits = new Semaphore(permits, true);
        this.permitsMax = permits;
        this.permitWait = permitWait;
        this.deadline = deadline;
    }

    /** The server's: {@link #PERMITS_MAX} permits, the named wait and deadline. */
    public static HeavyQueries defaults() {
        return new HeavyQueries(PERMITS_MAX, PERMIT_WAIT, DEADLINE);
    }

    public int permitsMax() {
        return permitsMax;
    }

    public Duration deadline() {
        return deadline;
    }

    /** Changes the deadline of queries started from now on (tests shorten it). */
    public void deadline(Duration d) {
        this.deadline = d;
    }

    /** Changes how long a query waits for a permit (tests shorten it). */
    public void permitWait(Duration d) {
        this.permitWait = d;
    }

    /** A held permit; {@link #close()} gives it back. */
    public interface Permit extends AutoCloseable {
        @Override
        void close();
    }

    /**
     * Takes a permit, waiting at most the permit wait.
     *
     * @throws Busy when none is free by then (503 with {@code Retry-After})
     */
    public Permit acquire() {
        boolean got;
        try {
            got = permits.tryAcquire(permitWait.toNanos(), TimeUnit.NANOSECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new Busy("interrupted waiting for a heavy-query permit");
        }
        if (!got) {
            throw new Busy("all " + permitsMax + " heavy-query permits in use");
        }
        AtomicBoolean open = new AtomicBoolean(true);
        return () -> {
            if (open.compareAndSet(true, false)) {
                permits.release();
            }
        };
    }

    /** Runs {@code work} holding a permit, under a fresh budget. */
    public <T> T run(Function<Budget, T> work) {
        try (Permit p = acquire()) {
            Budget budget = new Budget(System.nanoTime() + deadline.toNanos(), deadline);
            try {
                return work.apply(budget);
            } catch (RuntimeException e) {
                if (budget.cancelled.get()) {
                    throw budget.expired();
                }
                throw e;
            }
        }
    }

    /** The bounds of one heavy query: its deadline and the rows it may examine. */
    public final class Budget {
        private final long deadlineNanos;
        private final Duration length;
        private final AtomicBoolean cancelled = new AtomicBoolean();
        private long examined;

        Budget(long deadlineNanos, Duration length) {
            this.deadlineNanos = deadlineNanos;
            this.length = length;
        }

        /**
         * Counts {@code rows} more rows examined in memory; checks the cap, and every 256 rows the
         * deadline.
         *
         * @throws Refusal.Unanswerable (400) past either bound
         */
        public void examine(int rows) {
            long before = examined;
            examined += rows;
            if (examined > ROWS_MAX) {
                throw tooCostly("it examines more than " + ROWS_MAX + " rows");
            }
            if ((before >>> 8) != (examined >>> 8)) {
                check();
            }
        }

        /** @throws Refusal.Unanswerable (400) once the deadline has passed */
        public void check() {
            if (System.nanoTime() - deadlineNanos >= 0) {
                throw expired();
            }
        }

        Refusal expired() {
            return tooCostly("it ran longer than " + length.toMillis() + " ms");
        }

        /**
         * A JDBI customizer that cancels the statement at the deadline (a statement started after
         * it is not run at all).
         */
        public StatementCustomizer statementDeadline() {
            return new StatementCustomizer() {
                @Override
                public void beforeExecution(java.sql.PreparedStatement stmt, StatementContext ctx) {
                    long left = deadlineNanos - System.nanoTime();
                    if (left <= 0) {
                        cancelled.set(true);
                        throw expired();
                    }
                    ScheduledFuture<?> timer = canceller.schedule(() -> {
                        cancelled.set(true);
                        try {
                            stmt.cancel();
                        } catch (SQLException | RuntimeException e) {
                            // Already finished or closed: nothing to stop.
                        }
                    }, left, TimeUnit.NANOSECONDS);
                    // Until the statement is closed: SQLite steps a query as its rows are read.
                    ctx.addCleanable(() -> timer.cancel(false));
                }
            };
        }
    }

    /** Answered 400 {@code {"Message": "The query is too costly: …"}}, the shape of a bad filter. */
    public static Refusal tooCostly(String why) {
        return new Refusal.Unanswerable("The query is too costly: " + why
                + ". Narrow the filter (see docs/security.md, cost bounds) or ask for an earlier page.");
    }

    @Override
    public void close() {
        canceller.shutdownNow();
    }
}
