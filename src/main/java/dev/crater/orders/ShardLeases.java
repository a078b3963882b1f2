package dev.crater.orders;

import dev.crater.store.Database;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.HashMap;
import java.util.Map;
import java.util.OptionalLong;

/**
 * The shard leases of nodes sharing one PostgreSQL ({@code engine_shards}, {@code engine_nodes}):
 * taking a free shard, renewing, releasing, the fence every owner's transaction runs first, and who
 * owns what. Every time is the database's clock, so nodes' clocks never matter. A lease is taken
 * only when it has run out (or was released), and each take adds one to the shard's epoch: an old
 * owner's fence names the old epoch and fails.
 */
public final class ShardLeases {
    /** The database's clock in epoch milliseconds. */
    static final String DB_NOW = "(EXTRACT(EPOCH FROM clock_timestamp()) * 1000)::BIGINT";
    /**
     * The longest an owner's transaction may sit idle holding its shard's row lock (the fence)
     * before PostgreSQL ends its session ({@code idle_in_transaction_session_timeout} on the shard
     * writer's connection): a paused or cut-off owner (SIGSTOP, a long GC pause, a partition that
     * keeps the TCP connection open) would otherwise keep every other node from taking the shard
     * for as long as it stands still. Renewed every {@code RENEW_MS}, a lease runs at least
     * {@code LEASE_MS - RENEW_MS} past the moment its owner stood still, so this never delays a
     * takeover past the lease.
     */
    static final long OWNER_IDLE_IN_TRANSACTION_MS = ShardOwnership.LEASE_MS - ShardOwnership.RENEW_MS;

    private final Database db;

    ShardLeases(Database db) {
        this.db = db;
    }

    /** A shard's owner as stored; {@code live} whether its lease had not run out when read. */
    public record Owner(int shard, String node, String url, long epoch, boolean live) {
    }

    /**
     * Creates the rows of {@code count} shards if there are none; refuses a node whose shard count
     * differs from the store's (accounts would map to other shards on other nodes).
     */
    void ensureShards(int count) {
        db.engineJdbi().useTransaction(h -> {
            h.execute("LOCK TABLE engine_shards IN EXCLUSIVE MODE");
            Integer stored = h.createQuery("SELECT MAX(shard_count) FROM engine_shards").mapTo(Integer.class).one();
            if (stored == null) {
                for (int s = 0; s < count; s++) {
                    h.execute("INSERT INTO engine_shards (shard, shard_count) VALUES (?, ?)", s, count);
                }
            } else if (stored != count) {
                throw new IllegalStateException("the store's trading runs " + stored + " shards, this node "
                        + count + ": every node of one store must run the same number");
            }
        });
    }

    /** Records this node as alive (its heartbeat), with the URL other nodes forward to. */
    void heartbeat(String node, String url) {
        db.engineJdbi().useHandle(h -> h.createUpdate("INSERT INTO engine_nodes (node, url, seen_ms) VALUES"
                        + " (:n, :u, " + DB_NOW + ") ON CONFLICT (node) DO UPDATE SET url = :u, seen_ms = " + DB_NOW)
                .bind("n", node).bind("u", url).execute());
    }

    /** Nodes seen within {@code ttlMs}; forgets those not seen for ten times as long. */
    int liveNodes(long ttlMs) {
        return db.engineJdbi().withHandle(h -> {
            h.createUpdate("DELETE FROM engine_nodes WHERE seen_ms < " + DB_NOW + " - :old").bind("old", ttlMs * 10)
                    .execute();
            return h.createQuery("SELECT COUNT(*) FROM engine_nodes WHERE seen_ms >= " + DB_NOW + " - :ttl")
                    .bind("ttl", ttlMs).mapTo(Integer.class).one();
        });
    }

    void leave(String node) {
        db.engineJdbi().useHandle(h -> h.execute("DELETE FROM engine_nodes WHERE node = ?", node));
    }

    /**
     * Takes the shard if its lease has run out; its new epoch, or empty when another node holds it.
     * The row is locked first without waiting ({@code SKIP LOCKED}): an owner's transaction in
     * flight holds it (the fence), and a take that waited for it would compute its lease from the
     * clock of before the wait — already run out when written, so a second node could take the
     * shard at once — and would hold up this node's whole ownership pass. A locked shard is simply
     * not free yet; the next pass tries again (an owner cannot hold it longer than
     * {@link #OWNER_IDLE_IN_TRANSACTION_MS} idle).
     */
    OptionalLong tryTake(int shard, String node, String url, long leaseMs) {
        return db.engineJdbi().inTransaction(h -> {
            boolean free = h.createQuery("SELECT lease_until_ms < " + DB_NOW + " FROM engine_shards WHERE shard = :s"
                            + " FOR UPDATE SKIP LOCKED")
                    .bind("s", shard).mapTo(Boolean.class).findOne().orElse(false);
            if (!free) {
                return OptionalLong.empty();
            }
            return h.createQuery("UPDATE engine_shards SET owner_node = :n, owner_url = :u, epoch = epoch + 1,"
                            + " lease_until_ms = " + DB_NOW + " + :lease WHERE shard = :s RETURNING epoch")
                    .bind("n", node).bind("u", url).bind("lease", leaseMs).bind("s", shard)
                    .mapTo(Long.class).findOne().map(OptionalLong::of).orElse(OptionalLong.empty());
        });
    }

    /** Extends a lease this node holds under {@code epoch}; false when it is no longer this node's. */
    boolean renew(int shard, String node, long epoch, long leaseMs) {
        return db.engineJdbi().withHandle(h -> h.createUpdate("UPDATE engine_shards SET lease_until_ms = "
                        + DB_NOW + " + :lease WHERE shard = :s AND owner_node = :n AND epoch = :e AND lease_until_ms >= "
                        + DB_NOW)
                .bind("lease", leaseMs).bind("s", shard).bind("n", node).bind("e", epoch).execute()) == 1;
    }

    /** Gives the shard up at once (a stopping or rebalancing node), so the next node need not wait. */
    void release(int shard, String node, long epoch) {
        db.engineJdbi().useHandle(h -> h.createUpdate("UPDATE engine_shards SET lease_until_ms = 0"
                        + " WHERE shard = :s AND owner_node = :n AND epoch = :e")
                .bind("s", shard).bind("n", node).bind("e", epoch).execute());
    }

    /** Every shard's owner. */
    Map<Integer, Owner> owners() {
        Map<Integer, Owner> out = new HashMap<>();
        db.jdbi().useHandle(h -> h.createQuery("SELECT shard, owner_node, owner_url, epoch, lease_until_ms >= "
                        + DB_NOW + " AS live FROM engine_shards")
                .map((rs, ctx) -> new Owner(rs.getInt(1), rs.getString(2), rs.getString(3), rs.getLong(4),
                        rs.getBoolean(5)))
                .forEach(o -> out.put(o.shard(), o)));
        return out;
    }

    /**
     * The fence, run first in each of an owner's transactions: locks the shard's row (a node taking
     * the shard over waits for this transaction) and fails unless the lease is still this node's
     * under the epoch it started the shard with.
     */
    static void fence(Connection c, Fence f) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT 1 FROM engine_shards WHERE shard = ? AND owner_node = ?"
                + " AND epoch = ? AND lease_until_ms >= " + DB_NOW + " FOR UPDATE")) {
            ps.setInt(1, f.shard());
            ps.setString(2, f.node());
            ps.setLong(3, f.epoch());
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    throw new LeaseLost(f);
                }
            }
        }
    }

    /** What an owner's transactions are fenced with. */
    record Fence(int shard, String node, long epoch) {
    }

    /** The shard's lease is no longer this node's: the round is not stored and the shard stops. */
    static final class LeaseLost extends SQLException {
        LeaseLost(Fence f) {
            super("trading shard " + f.shard() + " is no longer this node's (epoch " + f.epoch() + ")");
        }
    }
}
