package dev.crater.http;

import io.helidon.http.Headers;
import io.helidon.http.HttpPrologue;
import io.helidon.webserver.ConnectionContext;
import io.helidon.webserver.http1.Http1ConnectionListener;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Deadlines for reading a request, so a client that sends its headers or its body slowly (or stops
 * half-way) is cut off instead of holding a connection and its thread for ever: the headers must
 * arrive within {@link Limits#HEADERS_READ_TIMEOUT} of the request line, and a body within
 * {@link Limits#BODY_READ_TIMEOUT} of the start of reading it. The request line itself, and the
 * wait for the next request on a kept-alive connection, are bounded by the listener's idle
 * timeout ({@link Limits#IDLE_CONNECTION_TIMEOUT}).
 *
 * <p>Each connection reads on its own virtual thread. A deadline is that thread and a time; a
 * sweeper checks them every {@link #SWEEP_MS} ms and interrupts a thread still reading past its
 * deadline, which closes its socket (an interrupted virtual thread's blocking socket read closes
 * the socket and throws). A deadline ends in one of two ways, decided once: the reader finishes
 * ({@link #disarm} answers true) or the sweeper fires (it answers false and clears the interrupt,
 * so an interrupt that raced with the end of the read cannot leak into the request's handling).
 */
public final class ReadDeadlines implements AutoCloseable {
    /** How often overdue reads are looked for: a deadline is kept to within this. */
    static final long SWEEP_MS = 250;

    private static final int ARMED = 0;
    private static final int DONE = 1;
    private static final int FIRED = 2;

    /** One read with its deadline. */
    public static final class Deadline {
        private final Thread thread;
        private final long atNanos;
        private final AtomicInteger state = new AtomicInteger(ARMED);

        private Deadline(Thread thread, long atNanos) {
            this.thread = thread;
            this.atNanos = atNanos;
        }
    }

    private final Map<Thread, Deadline> armed = new ConcurrentHashMap<>();
    private final ScheduledExecutorService sweeper = Executors.newSingleThreadScheduledExecutor(
            Thread.ofPlatform().daemon().name("crater-read-deadlines").factory());
    /** The header deadline of the request each connection thread is reading. */
    private final ThreadLocal<Deadline> headers = new ThreadLocal<>();

    public ReadDeadlines() {
        sweeper.scheduleWithFixedDelay(this::sweep, SWEEP_MS, SWEEP_MS, TimeUnit.MILLISECONDS);
    }

    /** Starts a deadline for a read the current thread is about to do. */
    public Deadline arm(Duration within) {
        Thread t = Thread.currentThread();
        Deadline d = new Deadline(t, System.nanoTime() + within.toNanos());
        armed.put(t, d);
        return d;
    }

    /**
     * Ends a deadline. Call it on the thread that armed it, whatever the read's outcome.
     *
     * @return true when the read ended in time; false when the deadline fired first (the thread's
     *     interrupt status is cleared)
     */
    public boolean disarm(Deadline d) {
        armed.remove(d.thread, d);
        if (d.state.compareAndSet(ARMED, DONE)) {
            return true;
        }
        Thread.interrupted();
        return false;
    }

    private void sweep() {
        long now = System.nanoTime();
        for (Deadline d : armed.values()) {
            if (now - d.atNanos >= 0 && d.state.compareAndSet(ARMED, FIRED)) {
                armed.remove(d.thread, d);
                d.thread.interrupt();
            }
        }
    }

    /**
     * The HTTP/1 receive listener that watches header reads: armed when the request line has been
     * read, ended when the headers have. Both callbacks run on the connection's thread.
     */
    public Http1ConnectionListener headerListener() {
        return new Http1ConnectionListener() {
            @Override
            public void prologue(ConnectionContext ctx, HttpPrologue prologue) {
                Deadline previous = headers.get();
                if (previous != null) {
                    disarm(previous); // headers of the previous request never completed (a parse error)
                }
                headers.set(arm(Limits.HEADERS_READ_TIMEOUT));
            }

            @Override
            public void headers(ConnectionContext ctx, Headers received) {
                Deadline d = headers.get();
                if (d != null) {
                    headers.remove();
                    disarm(d);
                }
            }
        };
    }

    @Override
    public void close() {
        sweeper.shutdownNow();
    }
}
