package dev.crater.bench;

import dev.crater.crypto.PasswordHasher;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.LongAdder;

/**
 * The ceiling for the login benchmark: how many Argon2id hashes per second this machine computes
 * with the server's own {@link PasswordHasher} and parameters (m=19456 KiB, t=2, p=1), one thread
 * per core. A single-factor login costs exactly one such hash, so logins/s can at best reach this.
 *
 * <pre>
 * java -cp target/crater.jar:target/test-classes dev.crater.bench.HashRate [seconds] [threads] [warmupSeconds]
 * java -cp target/crater.jar:target/test-classes dev.crater.bench.HashRate --stdin [threads]
 * </pre>
 *
 * The first form warms up (default 3 s: the JIT compiles Bouncy Castle's Argon2 meanwhile), then
 * measures (default 10 s) with threads = available processors. The second form stays warm and
 * measures once per line read from standard input, each line a number of seconds, until end of
 * input: bench/run.sh uses it to alternate hashing slices with login slices, so both see the same
 * machine conditions. Each measurement prints one line:
 * {@code hashrate threads=N seconds=S hashes=H hashes_per_s=R}.
 */
public final class HashRate {
    private static final double SECONDS_MAX = 600;

    private HashRate() {
    }

    public static void main(String[] args) throws InterruptedException, IOException {
        boolean stdin = args.length > 0 && args[0].equals("--stdin");
        int threads = args.length > 1 ? Integer.parseInt(args[1]) : Runtime.getRuntime().availableProcessors();
        if (threads < 1) {
            throw new IllegalArgumentException("threads must be at least 1");
        }
        // The server's own hasher (PasswordHasher.defaults(): one hash in flight per core). With
        // more threads than cores its in-flight limit would cap the result, so widen it then.
        int cores = Runtime.getRuntime().availableProcessors();
        PasswordHasher hasher = threads <= cores ? PasswordHasher.defaults()
                : new PasswordHasher(PasswordHasher.MEMORY_KIB_DEFAULT, PasswordHasher.ITERATIONS_DEFAULT,
                        PasswordHasher.PARALLELISM_DEFAULT, threads);
        if (stdin) {
            BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
            for (String line = in.readLine(); line != null; line = in.readLine()) {
                if (!line.isBlank()) {
                    measure(hasher, threads, seconds(line.trim()));
                }
            }
        } else {
            double seconds = args.length > 0 ? seconds(args[0]) : 10;
            double warmup = args.length > 2 ? seconds(args[2]) : 3;
            run(hasher, threads, (long) (warmup * 1e9), new LongAdder());
            measure(hasher, threads, seconds);
        }
    }

    private static double seconds(String text) {
        double s = Double.parseDouble(text);
        if (!(s >= 0 && s <= SECONDS_MAX)) {
            throw new IllegalArgumentException("seconds must be 0.." + SECONDS_MAX + ", got " + text);
        }
        return s;
    }

    private static void measure(PasswordHasher hasher, int threads, double seconds) throws InterruptedException {
        LongAdder done = new LongAdder();
        long start = System.nanoTime();
        run(hasher, threads, (long) (seconds * 1e9), done);
        // Elapsed includes the last hash each thread finished after the deadline, as the count does.
        double elapsed = (System.nanoTime() - start) / 1e9;
        System.out.printf(Locale.ROOT, "hashrate threads=%d seconds=%.3f hashes=%d hashes_per_s=%.2f%n",
                threads, elapsed, done.sum(), done.sum() / elapsed);
        System.out.flush();
    }

    /** Runs {@code threads} threads hashing until {@code nanos} have passed; counts finished hashes into {@code done}. */
    private static void run(PasswordHasher hasher, int threads, long nanos, LongAdder done) throws InterruptedException {
        long deadline = System.nanoTime() + nanos;
        CountDownLatch finished = new CountDownLatch(threads);
        for (int i = 0; i < threads; i++) {
            // Platform threads: each should own a core, the best case the server's hashing can reach.
            Thread.ofPlatform().name("hash-" + i).start(() -> {
                try {
                    while (System.nanoTime() < deadline) {
                        hasher.hash("crater-demo-pass");
                        done.increment();
                    }
                } finally {
                    finished.countDown();
                }
            });
        }
        finished.await();
    }
}
