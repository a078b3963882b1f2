package dev.crater.bench;

import dev.crater.auth.PasswordHasher;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.LongAdder;

/**
 * The ceiling for the login benchmark: how many Argon2id hashes per second this machine computes
 * with the server's own {@link PasswordHasher} and parameters (m=19456 KiB, t=2, p=1), one thread
 * per core. A single-factor login costs exactly one such hash, so logins/s can at best reach this.
 *
 * <pre>
 * java -cp target/crater.jar:target/test-classes dev.crater.bench.HashRate [seconds] [threads] [warmupSeconds]
 * </pre>
 *
 * Defaults: 10 s measured after 3 s of warm-up (the JIT compiles Bouncy Castle's Argon2 during
 * that), threads = available processors. Prints one line a script can parse:
 * {@code hashrate threads=N seconds=S hashes=H hashes_per_s=R}.
 */
public final class HashRate {
    private HashRate() {
    }

    public static void main(String[] args) throws InterruptedException {
        double seconds = args.length > 0 ? Double.parseDouble(args[0]) : 10;
        int threads = args.length > 1 ? Integer.parseInt(args[1]) : Runtime.getRuntime().availableProcessors();
        double warmup = args.length > 2 ? Double.parseDouble(args[2]) : 3;
        if (seconds <= 0 || seconds > 600 || threads < 1 || warmup < 0 || warmup > 600) {
            throw new IllegalArgumentException("usage: HashRate [seconds 0..600] [threads >= 1] [warmupSeconds 0..600]");
        }
        // The server's own hasher (PasswordHasher.defaults(): one hash in flight per core). With
        // more threads than cores its in-flight limit would cap the result, so widen it then.
        int cores = Runtime.getRuntime().availableProcessors();
        PasswordHasher hasher = threads <= cores ? PasswordHasher.defaults()
                : new PasswordHasher(PasswordHasher.MEMORY_KIB_DEFAULT, PasswordHasher.ITERATIONS_DEFAULT,
                        PasswordHasher.PARALLELISM_DEFAULT, threads);

        run(hasher, threads, (long) (warmup * 1e9), null);
        LongAdder done = new LongAdder();
        long start = System.nanoTime();
        run(hasher, threads, (long) (seconds * 1e9), done);
        double elapsed = (System.nanoTime() - start) / 1e9;
        long hashes = done.sum();
        System.out.printf(java.util.Locale.ROOT, "hashrate threads=%d seconds=%.3f hashes=%d hashes_per_s=%.2f%n",
                threads, elapsed, hashes, hashes / elapsed);
    }

    /** Runs {@code threads} threads hashing until {@code nanos} have passed; counts finished hashes into {@code done}. */
    private static void run(PasswordHasher hasher, int threads, long nanos, LongAdder done) throws InterruptedException {
        long deadline = System.nanoTime() + nanos;
        CountDownLatch finished = new CountDownLatch(threads);
        for (int i = 0; i < threads; i++) {
            // Platform threads: each one should own a core, as the server's hashing does under load.
            Thread.ofPlatform().name("hash-" + i).start(() -> {
                try {
                    while (System.nanoTime() < deadline) {
                        hasher.hash("crater-demo-pass");
                        if (done != null) {
                            done.increment();
                        }
                    }
                } finally {
                    finished.countDown();
                }
            });
        }
        finished.await();
    }
}
