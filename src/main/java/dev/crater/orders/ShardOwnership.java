package dev.crater.orders;

import dev.crater.store.Monotonic;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Which trading shards this node runs, when nodes share one PostgreSQL: every
 * {@link #RENEW_MS} it renews its leases (a lease it cannot renew stops its shard at once), counts
 * the live nodes, and takes free shards up to its fair share (the shard count over the live nodes,
 * rounded up) or gives one back when it holds more (a node joined). A shard is taken only once its
 * lease ran out or was given back, with a new epoch that fences the old owner's writes; the new owner
 * rebuilds it from the store (the restart path, with its invariant check). A node that dies holds
 * its shards at most {@link #LEASE_MS} more; a stopping node gives them back at once.
 */
final class ShardOwnership implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ShardOwnership.class);

    /** How long a lease lasts from its last renewal (the longest a dead node's shards wait). */
    static final long LEASE_MS = 5_000;
    /** How often leases are renewed and free shards looked for. */
    static final long RENEW_MS = 1_000;
    /** A node not seen for this long no longer counts for the fair share. */
    static final long NODE_TTL_MS = 3 * RENEW_MS;
    /** How long a read of the owners is reused to route requests. */
    static final long OWNERS_CACHE_MS = 500;

    private final TradingService trading;
    private final ShardLeases leases;
    private final int shardCount;
    private final String node;
    private final Map<Integer, Long> epochs = new ConcurrentHashMap<>();
    private final ScheduledExecutorService loop = Executors.newSingleThreadScheduledExecutor(
            Thread.ofPlatform().daemon().name("shard-ownership").factory());
    /** Renewals on a thread of their own, so a slow rebuild of a shard just taken never lets the others lapse. */
    private final ScheduledExecutorService renewer = Executors.newSingleThreadScheduledExecutor(
            Thread.ofPlatform().daemon().name("shard-leases").factory());
    private volatile String url;
    private volatile Map<Integer, ShardLeases.Owner> owners = Map.of();
    private volatile long ownersReadMs;
    private volatile boolean closing;

    ShardOwnership(TradingService trading, ShardLeases leases, int shardCount, String node) {
        this.node = node;
        this.trading = trading;
        this.leases = leases;
        this.shardCount = shardCount;
    }

    String node() {
        return node;
    }

    /** Joins: the shard rows, a first pass (so a lone node runs every shard before it serves), then the loop. */
    void start(String nodeUrl) {
        this.url = nodeUrl;
        leases.ensureShards(shardCount);
        leases.heartbeat(node, url);
        renewer.scheduleWithFixedDelay(this::renew, RENEW_MS, RENEW_MS, TimeUnit.MILLISECONDS);
        pass();
        loop.scheduleWithFixedDelay(this::pass, RENEW_MS, RENEW_MS, TimeUnit.MILLISECONDS);
    }

    /** Renews every lease held (a lease that cannot be renewed stops its shard), and the node's heartbeat. */
    void renew() {
        if (closing) {
            return;
        }
        try {
            leases.heartbeat(node, url);
            for (Map.Entry<Integer, Long> e : epochs.entrySet()) {
                int shard = e.getKey();
                if (!leases.renew(shard, node, e.getValue(), LEASE_MS)) {
                    if (epochs.remove(shard, e.getValue())) {
                        LOG.warn("trading shard {}: lease lost (epoch {}); stopping it here", shard, e.getValue());
                        trading.stopShard(shard);
                    }
                }
            }
        } catch (RuntimeException e) {
            LOG.warn("lease renewal failed; retrying in {} ms: {}", RENEW_MS, e.toString());
        }
    }

    /** One round of taking free shards up to the fair share, or giving one back above it. */
    void pass() {
        if (closing) {
            return;
        }
        try {
            int live = Math.max(1, leases.liveNodes(NODE_TTL_MS));
            int share = (shardCount + live - 1) / live;
            if (epochs.size() < share) {
                for (int shard = 0; shard < shardCount && epochs.size() < share && !closing; shard++) {
                    if (!epochs.containsKey(shard)) {
                        take(shard);
                    }
                }
            } else if (epochs.size() > share) {
                int giveBack = epochs.keySet().stream().mapToInt(Integer::intValue).max().orElseThrow();
                LOG.info("trading shard {}: given back ({} nodes share {} shards)", giveBack, live, shardCount);
                giveBack(giveBack);
            }
            owners = leases.owners();
            ownersReadMs = Monotonic.millis();
        } catch (RuntimeException e) {
            LOG.warn("shard ownership pass failed; retrying in {} ms: {}", RENEW_MS, e.toString());
        }
    }

    private void take(int shard) {
        OptionalLong epoch = leases.tryTake(shard, node, url, LEASE_MS);
        if (epoch.isEmpty()) {
            return;
        }
        try {
            // Renewed from now on, while the shard is rebuilt (which may take longer than a lease).
            epochs.put(shard, epoch.getAsLong());
            trading.startShard(shard, new ShardLeases.Fence(shard, node, epoch.getAsLong()));
            LOG.info("trading shard {}: taken (epoch {})", shard, epoch.getAsLong());
        } catch (RuntimeException e) {
            LOG.error("trading shard {}: taken but could not be rebuilt; giving it back", shard, e);
            epochs.remove(shard);
            trading.stopShard(shard);
            leases.release(shard, node, epoch.getAsLong());
        }
    }

    private void giveBack(int shard) {
        Long epoch = epochs.remove(shard);
        trading.stopShard(shard);
        if (epoch != null) {
            leases.release(shard, node, epoch);
        }
    }

    /** The live owner of a shard other than this node, from a read at most {@link #OWNERS_CACHE_MS} old. */
    Optional<String> ownerUrl(int shard) {
        if (Monotonic.millis() - ownersReadMs > OWNERS_CACHE_MS) {
            try {
                owners = leases.owners();
                ownersReadMs = Monotonic.millis();
            } catch (RuntimeException e) {
                return Optional.empty();
            }
        }
        ShardLeases.Owner o = owners.get(shard);
        if (o == null || !o.live() || node.equals(o.node()) || o.url() == null) {
            return Optional.empty();
        }
        return Optional.of(o.url());
    }

    /** Stops every shard here, then gives its lease back so the next node takes it at once. */
    @Override
    public void close() {
        closing = true;
        loop.shutdownNow();
        renewer.shutdownNow();
        try {
            loop.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        for (int shard : epochs.keySet()) {
            try {
                giveBack(shard);
            } catch (RuntimeException e) {
                LOG.warn("trading shard {}: not given back ({}); its lease runs out in {} ms", shard, e.toString(),
                        LEASE_MS);
            }
        }
        try {
            leases.leave(node);
        } catch (RuntimeException e) {
            LOG.debug("node {} not removed: {}", node, e.toString());
        }
    }
}
