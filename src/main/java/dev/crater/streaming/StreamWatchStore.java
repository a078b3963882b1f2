package dev.crater.streaming;

import dev.crater.store.Database;
import java.util.HashSet;
import java.util.Set;

/**
 * {@code stream_watches}: the trading accounts each node's sockets watch, so that the node owning an
 * account's shard relays its changes to the nodes that have subscribers. Rows of nodes no longer
 * alive ({@code engine_nodes}) are ignored.
 */
final class StreamWatchStore {
    /** A node not seen for this long no longer counts as watching anything. */
    static final long NODE_ALIVE_MS = 30_000;

    private final Database db;

    StreamWatchStore(Database db) {
        this.db = db;
    }

    void watch(String node, long accountId) {
        db.jdbi().useHandle(h -> h.createUpdate("INSERT INTO stream_watches (node, account_id) VALUES (:n, :a)"
                + " ON CONFLICT DO NOTHING").bind("n", node).bind("a", accountId).execute());
    }

    void unwatch(String node, long accountId) {
        db.jdbi().useHandle(h -> h.createUpdate("DELETE FROM stream_watches WHERE node = :n AND account_id = :a")
                .bind("n", node).bind("a", accountId).execute());
    }

    void forget(String node) {
        db.jdbi().useHandle(h -> h.execute("DELETE FROM stream_watches WHERE node = ?", node));
    }

    /** Accounts that live nodes other than {@code node} watch. */
    Set<Long> watchedByOthers(String node) {
        return db.jdbi().withHandle(h -> new HashSet<>(h.createQuery("SELECT DISTINCT w.account_id FROM"
                        + " stream_watches w JOIN engine_nodes n ON n.node = w.node WHERE w.node <> :n AND n.seen_ms >="
                        + " (EXTRACT(EPOCH FROM clock_timestamp()) * 1000)::BIGINT - :alive")
                .bind("n", node).bind("alive", NODE_ALIVE_MS).mapTo(Long.class).list()));
    }
}
