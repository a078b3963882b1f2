package dev.crater.market;

import dev.crater.reference.Security;
import dev.crater.reference.SecurityType;

/**
 * The simulator's view of one security: the parameters of its price path, all derived from its
 * symbol, type, id and reference price — never from a clock or a random source — so every node
 * and every run gives the same path for the same seed.
 *
 * @param key             stable 64-bit key of the symbol (FNV-1a), the path's identity
 * @param referenceLog    natural log of the reference price at the simulator's anchor date
 * @param sigmaDay        daily volatility of log price
 * @param muDay           daily drift of log price
 * @param halfSpread      half the bid/ask spread as a fraction of the price, in the regular session
 * @param dailyVolume     typical regular-session volume in shares
 */
public record PathParameters(int securityId, String symbol, long key, double referenceLog, double sigmaDay, double muDay,
        double halfSpread, long dailyVolume) {

    static final double TRADING_DAYS_PER_YEAR = 252.0;

    public static PathParameters of(Security s) {
        long key = fnv1a(s.symbol());
        double u1 = unit(key, 1);
        double u2 = unit(key, 2);
        double u3 = unit(key, 3);
        boolean fund = s.type() == SecurityType.ETF || s.type() == SecurityType.MutualFund
                || s.type() == SecurityType.Index;
        // Ids of the shipped file run roughly by size: bigger names trade tighter, heavier and calmer.
        int rank = Math.max(1, Math.min(s.id(), 999));
        double size = Math.min(1.0, rank / 500.0);
        double sigmaYear = fund ? 0.10 + 0.12 * u1 : 0.18 + 0.12 * u1 + 0.20 * size;
        double muYear = 0.02 + 0.10 * u2;
        double halfSpreadBps = fund ? 0.3 + 0.7 * u3 : 0.5 + rank / 120.0 + u3;
        long volume = (long) ((fund ? 40_000_000.0 : 80_000_000.0) / (1.0 + rank / 25.0) * (0.7 + 0.6 * u3));
        double price = s.referencePrice().doubleValue();
        return new PathParameters(s.id(), s.symbol(), key, Math.log(price > 0 ? price : 1.0),
                sigmaYear / Math.sqrt(TRADING_DAYS_PER_YEAR), muYear / TRADING_DAYS_PER_YEAR, halfSpreadBps / 10_000.0,
                Math.max(10_000, volume));
    }

    static long fnv1a(String text) {
        long h = 0xcbf29ce484222325L;
        for (int i = 0; i < text.length(); i++) {
            h ^= text.charAt(i);
            h *= 0x100000001b3L;
        }
        return h;
    }

    /** A fixed number in [0, 1) from the key, for parameter {@code n}. */
    private static double unit(long key, int n) {
        return (Noise.mix(key + n * 0x9E3779B97F4A7C15L) >>> 11) * 0x1.0p-53;
    }
}
