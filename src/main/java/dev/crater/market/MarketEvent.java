package dev.crater.market;

import java.math.BigDecimal;
import java.util.List;

/**
 * An operator's sandbox command for one security, in force from {@code startsAtMs} (market time)
 * until the next event of the same security starts.
 * <ul>
 * <li>{@link Kind#SET}: the price jumps to {@code price}; afterwards the path moves on from there.</li>
 * <li>{@link Kind#PATH}: the price follows {@code points} (linear between them); afterwards the path
 * moves on from the last point.</li>
 * <li>{@link Kind#HALT}: trading stops and the price stands still until {@code endsAtMs} (open-ended
 * when null, until a resume sets it); afterwards the path moves on from the halted price.</li>
 * </ul>
 */
public record MarketEvent(long id, int securityId, Kind kind, long startsAtMs, Long endsAtMs, BigDecimal price,
        List<Point> points) {

    public enum Kind {
        SET, PATH, HALT
    }

    /** A point of a {@link Kind#PATH}: the price at market time {@code atMs}. */
    public record Point(long atMs, BigDecimal price) {
    }

    public MarketEvent {
        points = points == null ? List.of() : List.copyOf(points);
    }

    /** Named limits. */
    public static final int POINTS_MAX = 1000;
    public static final int EVENTS_PER_SECURITY_MAX = 10_000;
}
