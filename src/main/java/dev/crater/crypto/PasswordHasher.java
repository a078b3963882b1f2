package dev.crater.crypto;

import dev.crater.common.Busy;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.bouncycastle.crypto.generators.Argon2BytesGenerator;
import org.bouncycastle.crypto.params.Argon2Parameters;

/**
 * Argon2id hashing for passwords and PINs, encoded as PHC strings
 * ({@code $argon2id$v=19$m=19456,t=2,p=1$salt$hash}) so parameters can be raised later and old
 * hashes still verify.
 *
 * <p>Each hash takes ~19 MiB and ~35-40 ms of one core. Hashes run on their own platform threads,
 * {@link #hashesInFlightMax()} of them (one per core by default), never on the virtual-thread
 * carriers: a login waiting for its hash unmounts, so the carriers stay free and every other request
 * is served while logins saturate the CPU. More hashing threads would not finish sooner, only
 * multiply memory. Each thread reuses one pool of Argon2 memory blocks, so a hash allocates nothing
 * large. Work waits in a FIFO queue of at most {@link #QUEUE_LENGTH_MAX}; beyond that the login is
 * refused with {@link Busy} (503) instead of waiting without bound.
 */
public final class PasswordHasher {

    /** OWASP minimum for Argon2id: 19 MiB, 2 passes, 1 lane. */
    public static final int MEMORY_KIB_DEFAULT = 19 * 1024;
    public static final int ITERATIONS_DEFAULT = 2;
    public static final int PARALLELISM_DEFAULT = 1;
    static final int SALT_BYTES = 16;
    static final int HASH_BYTES = 32;
    /** A stored hash longer than this is not ours; refusing it bounds the work a bad row can cause. */
    static final int ENCODED_CHARS_MAX = 255;
    /** Parameters we agree to verify: a tampered row must not make the server spend a minute. */
    static final int MEMORY_KIB_MAX = 256 * 1024;
    static final int ITERATIONS_MAX = 10;

    private static final Base64.Encoder B64 = Base64.getEncoder().withoutPadding();
    private static final Base64.Decoder B64D = Base64.getDecoder();

    private final int memoryKib;
    private final int iterations;
    private final int parallelism;
    private final int hashesInFlightMax;
    /** Hashes waiting for a hashing thread, at most; a login beyond it is answered 503. */
    public static final int QUEUE_LENGTH_MAX = 1024;

    /**
     * Hashing threads are a property of the process (its cores), not of one hasher: every hasher
     * with the same thread count shares one daemon pool, created on first use. Per-instance pools
     * would keep each one's threads and their 19 MiB block pools alive forever.
     */
    private static final java.util.concurrent.ConcurrentHashMap<Integer, ThreadPoolExecutor> SHARED_WORKERS =
            new java.util.concurrent.ConcurrentHashMap<>();
    /** Each hashing thread's own reusable Argon2 memory (larger hashes allocate the rest per call). */
    private static final ThreadLocal<Argon2BytesGenerator.BlockPool> POOLS =
            ThreadLocal.withInitial(() -> new Argon2BytesGenerator.FixedBlockPool(MEMORY_KIB_DEFAULT));

    private final ThreadPoolExecutor workers;
    private final SecureRandom random = new SecureRandom();
    /**
     * Verified in place of a missing user's hash so both take equal time: a stored hash's shape with
     * these parameters, a random salt and a random 32-byte hash that no secret derives to (but with
     * probability 2^-256). A real hash of a random secret would cost one Argon2 run and a hashing
     * thread with its 19 MiB block pool at every start (issue 16), and verify the same way.
     */
    private final String dummyHash;
    /** Verifications done (real or dummy). */
    private final java.util.concurrent.atomic.AtomicLong verifications = new java.util.concurrent.atomic.AtomicLong();
    /** Secrets checked against a stored hash: lets tests prove that refused attempts evaluate nothing. */
    private final java.util.concurrent.atomic.AtomicLong evaluations = new java.util.concurrent.atomic.AtomicLong();
    /** Argon2 runs of any kind, and their work (KiB × passes × lanes): every refusal must cost one run alike. */
    private final java.util.concurrent.atomic.AtomicLong hashes = new java.util.concurrent.atomic.AtomicLong();
    private final java.util.concurrent.atomic.AtomicLong work = new java.util.concurrent.atomic.AtomicLong();

    public PasswordHasher(int memoryKib, int iterations, int parallelism, int hashesInFlightMax) {
        if (memoryKib < MEMORY_KIB_DEFAULT || iterations < ITERATIONS_DEFAULT || parallelism < 1) {
            throw new IllegalArgumentException("Argon2id parameters below the OWASP minimum (m=19456 KiB, t=2, p=1)");
        }
        if (hashesInFlightMax < 1) {
            throw new IllegalArgumentException("hashesInFlightMax must be at least 1");
        }
        this.memoryKib = memoryKib;
        this.iterations = iterations;
        this.parallelism = parallelism;
        this.hashesInFlightMax = hashesInFlightMax;
        this.workers = SHARED_WORKERS.computeIfAbsent(hashesInFlightMax, PasswordHasher::newWorkers);
        byte[] salt = new byte[SALT_BYTES];
        byte[] hash = new byte[HASH_BYTES];
        random.nextBytes(salt);
        random.nextBytes(hash);
        this.dummyHash = encode(memoryKib, iterations, parallelism, salt, hash);
    }

    private static ThreadPoolExecutor newWorkers(int threads) {
        AtomicInteger names = new AtomicInteger();
        return new ThreadPoolExecutor(threads, threads, 0, TimeUnit.MILLISECONDS,
                new ArrayBlockingQueue<>(QUEUE_LENGTH_MAX),
                r -> Thread.ofPlatform().daemon().name("crater-argon2-" + threads + "-" + names.incrementAndGet())
                        .unstarted(r));
    }

    /** How many verifications (real or dummy) ran since start-up. */
    public long verifications() {
        return verifications.get();
    }

    /** How many secrets were checked against a stored hash since start-up (dummies and spends not counted). */
    public long evaluations() {
        return evaluations.get();
    }

    /** Argon2 runs since start-up, of any kind (hashing, verifying, dummies, spends). */
    public long hashes() {
        return hashes.get();
    }

    /** The work of those runs: the sum of memory (KiB) × passes × lanes. */
    public long work() {
        return work.get();
    }

    /**
     * Spends exactly the work of verifying {@code secret} against {@code encoded} — the same
     * parameters, a salt of its own — and evaluates nothing. A refused attempt calls this so it
     * costs and takes what a real check of that user's secret would, measured rather than imitated
     * (a sleep of a typical check's length was ~10 % off). A malformed or missing hash spends the
     * dummy's work, as {@link #verify} does.
     */
    public void spendLike(String secret, String encoded) {
        Parsed parsed = encoded == null ? null : parse(encoded);
        Parsed like = parsed == null ? parse(dummyHash) : parsed;
        byte[] salt = new byte[like.salt.length];
        random.nextBytes(salt);
        derive(secret, salt, like.memoryKib, like.iterations, like.parallelism, like.hash.length);
    }

    /** Defaults: OWASP parameters, one hash in flight per available core. */
    public static PasswordHasher defaults() {
        return new PasswordHasher(MEMORY_KIB_DEFAULT, ITERATIONS_DEFAULT, PARALLELISM_DEFAULT,
                Runtime.getRuntime().availableProcessors());
    }

    public int hashesInFlightMax() {
        return hashesInFlightMax;
    }

    /** Hashes {@code secret} with a fresh salt; returns the PHC string to store. */
    public String hash(String secret) {
        byte[] salt = new byte[SALT_BYTES];
        random.nextBytes(salt);
        byte[] out = derive(secret, salt, memoryKib, iterations, parallelism, HASH_BYTES);
        return encode(memoryKib, iterations, parallelism, salt, out);
    }

    /** The PHC string of a hash. */
    private static String encode(int memoryKib, int iterations, int parallelism, byte[] salt, byte[] hash) {
        return "$argon2id$v=19$m=" + memoryKib + ",t=" + iterations + ",p=" + parallelism
                + "$" + B64.encodeToString(salt) + "$" + B64.encodeToString(hash);
    }

    /**
     * Checks {@code secret} against a stored PHC string in constant time. A {@code null} or
     * malformed stored value verifies the dummy hash instead and answers false, so the time taken
     * does not reveal whether a user or a secret exists.
     */
    public boolean verify(String secret, String encoded) {
        verifications.incrementAndGet();
        Parsed parsed = encoded == null ? null : parse(encoded);
        if (parsed == null) {
            Parsed dummy = parse(dummyHash);
            derive(secret, dummy.salt, dummy.memoryKib, dummy.iterations, dummy.parallelism, dummy.hash.length);
            return false;
        }
        evaluations.incrementAndGet();
        byte[] actual = derive(secret, parsed.salt, parsed.memoryKib, parsed.iterations, parsed.parallelism, parsed.hash.length);
        return MessageDigest.isEqual(actual, parsed.hash);
    }

    /** Spends the same work as a real verification and answers false. */
    public boolean verifyDummy(String secret) {
        return verify(secret, null);
    }

    private byte[] derive(String secret, byte[] salt, int memory, int iters, int lanes, int length) {
        hashes.incrementAndGet();
        work.addAndGet((long) memory * iters * lanes);
        Future<byte[]> result;
        try {
            result = workers.submit(() -> compute(secret, salt, memory, iters, lanes, length));
        } catch (RejectedExecutionException e) {
            throw new Busy("more than " + QUEUE_LENGTH_MAX + " password checks waiting");
        }
        boolean interrupted = false;
        try {
            while (true) {
                try {
                    return result.get();
                } catch (InterruptedException e) {
                    // The answer must be consistent, so the check completes; the interrupt is kept.
                    interrupted = true;
                } catch (ExecutionException e) {
                    throw new IllegalStateException("Argon2 failed", e.getCause());
                }
            }
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** Runs on a hashing thread. */
    private byte[] compute(String secret, byte[] salt, int memory, int iters, int lanes, int length) {
        Argon2Parameters params = new Argon2Parameters.Builder(Argon2Parameters.ARGON2_id)
                .withVersion(Argon2Parameters.ARGON2_VERSION_13)
                .withMemoryAsKB(memory)
                .withIterations(iters)
                .withParallelism(lanes)
                .withSalt(salt)
                .withBlockPool(POOLS.get())
                .build();
        Argon2BytesGenerator generator = new Argon2BytesGenerator();
        generator.init(params);
        byte[] out = new byte[length];
        generator.generateBytes(secret.getBytes(StandardCharsets.UTF_8), out);
        return out;
    }

    private record Parsed(int memoryKib, int iterations, int parallelism, byte[] salt, byte[] hash) {
    }

    private static Parsed parse(String encoded) {
        if (encoded.length() > ENCODED_CHARS_MAX) {
            return null;
        }
        String[] parts = encoded.split("\\$");
        // "", "argon2id", "v=19", "m=..,t=..,p=..", salt, hash
        if (parts.length != 6 || !parts[1].equals("argon2id") || !parts[2].equals("v=19")) {
            return null;
        }
        try {
            int m = 0;
            int t = 0;
            int p = 0;
            for (String kv : parts[3].split(",")) {
                String[] pair = kv.split("=", 2);
                int value = Integer.parseInt(pair[1]);
                switch (pair[0]) {
                    case "m" -> m = value;
                    case "t" -> t = value;
                    case "p" -> p = value;
                    default -> {
                        return null;
                    }
                }
            }
            if (m < 8 || m > MEMORY_KIB_MAX || t < 1 || t > ITERATIONS_MAX || p < 1 || p > 16) {
                return null;
            }
            return new Parsed(m, t, p, B64D.decode(parts[4]), B64D.decode(parts[5]));
        } catch (RuntimeException e) {
            return null;
        }
    }
}
