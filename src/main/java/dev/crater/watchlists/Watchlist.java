package dev.crater.watchlists;

import java.util.List;
import java.util.Objects;

/**
 * A user's own watchlist as stored: its name and the ids of its securities in the order they were
 * added (equity ids, or generated option ids).
 */
public record Watchlist(long id, long userId, String name, long createdAtMs, long modifiedAtMs,
        List<Long> securityIds) {

    public Watchlist {
        Objects.requireNonNull(name, "name");
        securityIds = List.copyOf(securityIds);
        if (id <= 0 || id >= SystemLists.ID_MIN) {
            throw new IllegalStateException("watchlist id " + id + " outside the range of user lists");
        }
    }
}
