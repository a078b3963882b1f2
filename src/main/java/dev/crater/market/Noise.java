package dev.crater.market;

/**
 * Counter-based randomness: every number is a pure function of (seed, key, stream, index), so any
 * point of a path can be computed on its own, in any order, on any node. SplitMix64 mixing with a
 * Box–Muller transform for normals.
 */
final class Noise {

    static final long GOLDEN = 0x9E3779B97F4A7C15L;

    /** Streams: independent sequences per purpose. */
    static final int DAY = 1;
    static final int BRIDGE = 2;
    static final int VOLUME = 3;
    static final int SIZE = 4;
    static final int PHASE = 5;

    private Noise() {
    }

    static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }

    static long hash(long seed, long key, int stream, long index) {
        long h = mix(seed + GOLDEN * key);
        h = mix(h + GOLDEN * stream);
        return mix(h + GOLDEN * index);
    }

    /** A standard normal number. */
    static double normal(long seed, long key, int stream, long index) {
        long h = hash(seed, key, stream, index);
        double u1 = ((h >>> 32) + 0.5) * 0x1.0p-32;
        double u2 = (h & 0xFFFFFFFFL) * 0x1.0p-32;
        return Math.sqrt(-2.0 * Math.log(u1)) * Math.cos(2.0 * Math.PI * u2);
    }

    /** A uniform number in [0, 1). */
    static double uniform(long seed, long key, int stream, long index) {
        return (hash(seed, key, stream, index) >>> 11) * 0x1.0p-53;
    }
}
