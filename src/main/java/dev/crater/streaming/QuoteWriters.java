package dev.crater.streaming;

import dev.crater.store.Monotonic;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The writers of the quote sockets: a few platform threads, not one virtual thread per socket.
 *
 * <p>Why: the JDK's virtual-thread scheduler runs runnable virtual threads first come, first served,
 * with no priorities. With one virtual writer per quote socket, every tick made thousands of them
 * runnable at once, and everything else that runs on virtual threads — the HTTP handlers (an order's
 * {@code POST}), the trade-data sockets' writers — waited behind the whole queue. Here a socket with
 * something to send is queued once ({@link StreamerSocket#wakeWriter}); a writer takes it, sends all
 * it has queued (up to a batch) in one write, and queues it again if more came. The virtual-thread
 * scheduler stays free for requests and trade data; the operating system shares the cores between
 * the carriers of the virtual threads and these writers.
 *
 * <p>A slow reader must not stall a shared writer: a write blocks when the client does not read and
 * its connection's buffers are full. A watch thread checks every {@link #WATCH_MS}; a writer busy
 * with one socket for {@link #STALL_MS} or more is given up: the socket gets a writer of its own (a
 * virtual thread, as before, started once the blocked write returns, so there is still one writer
 * per socket), a new shared writer takes the blocked one's place, and the blocked one ends after its
 * write. So a slow reader delays the sockets queued behind it on one writer by at most about
 * {@link #STALL_MS} + {@link #WATCH_MS}, once; afterwards it only delays itself. At most
 * {@link #WRITERS_MAX} shared writers exist at once (blocked ones included); past that no stand-in
 * is started until a blocked write ends.
 */
final class QuoteWriters implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(QuoteWriters.class);

    /** Shared writers in normal operation: one per core, at most four. */
    static final int WRITERS = Math.clamp(Runtime.getRuntime().availableProcessors(), 1, 4);
    /** Shared writers at most, stalled ones included. */
    static final int WRITERS_MAX = 64;
    /**
     * A writer busy with one socket this long is taken to be blocked on a reader that does not read.
     * Well above what one batch takes, even on a busy machine where a writer waits for a core (at 50 ms
     * the benchmark saw busy, healthy sockets taken for stalled ones).
     */
    static final long STALL_MS = 200;
    /** How often the watch looks at the writers. */
    static final long WATCH_MS = 10;
    /**
     * Sockets waiting for a writer. A socket is queued at most once at a time, so the queue never
     * holds more than the open quote sockets; past this a socket gets a writer of its own instead.
     */
    static final int QUEUED_MAX = 1_000_000;

    /** One socket being written, and since when (monotonic ms). */
    private record Job(StreamerSocket socket, long sinceMs) {
    }

    private final LinkedBlockingQueue<StreamerSocket> ready = new LinkedBlockingQueue<>(QUEUED_MAX);
    private final Set<Writer> writers = ConcurrentHashMap.newKeySet();
    private final AtomicLong stalls = new AtomicLong();
    private final AtomicLong names = new AtomicLong();
    private final Thread watch;
    private volatile boolean running = true;

    QuoteWriters() {
        for (int i = 0; i < WRITERS; i++) {
            startWriter();
        }
        watch = Thread.ofPlatform().daemon().name("quote-writer-watch").start(this::watchLoop);
    }

    /** Queues a socket that has something to send; false when it must write on its own (stopping, or full). */
    boolean submit(StreamerSocket socket) {
        return running && ready.offer(socket);
    }

    /** Sockets given a writer of their own because a write of theirs blocked a shared writer. */
    long stalls() {
        return stalls.get();
    }

    private void startWriter() {
        Writer w = new Writer();
        writers.add(w);
        Thread.ofPlatform().daemon().name("quote-writer-" + names.incrementAndGet()).start(w);
    }

    private final class Writer implements Runnable {
        private final WsFrames buffer = new WsFrames();
        volatile Job job;
        volatile boolean retired;

        @Override
        public void run() {
            try {
                while (running && !retired) {
                    StreamerSocket s = ready.poll(100, TimeUnit.MILLISECONDS);
                    if (s == null) {
                        continue;
                    }
                    job = new Job(s, Monotonic.millis());
                    try {
                        s.writePooled(buffer);
                    } catch (RuntimeException e) {
                        LOG.warn("quote writer failed on a socket: {}", e.toString());
                    } finally {
                        job = null;
                    }
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } finally {
                writers.remove(this);
            }
        }
    }

    private void watchLoop() {
        while (running) {
            try {
                Thread.sleep(WATCH_MS);
            } catch (InterruptedException e) {
                return;
            }
            long now = Monotonic.millis();
            int live = 0;
            for (Writer w : writers) {
                Job j = w.job;
                if (!w.retired && j != null && now - j.sinceMs() >= STALL_MS) {
                    w.retired = true;
                    j.socket().stalledOnSharedWriter();
                    stalls.incrementAndGet();
                    LOG.debug("a quote socket's write blocked a shared writer for {} ms: it writes on its own now",
                            now - j.sinceMs());
                }
                if (!w.retired) {
                    live++;
                }
            }
            for (; live < WRITERS && writers.size() < WRITERS_MAX; live++) {
                startWriter();
            }
        }
    }

    @Override
    public void close() {
        running = false;
        watch.interrupt();
    }
}
