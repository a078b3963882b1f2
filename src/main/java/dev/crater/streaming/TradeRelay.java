package dev.crater.streaming;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.crater.orders.TradeFeed;
import dev.crater.store.Monotonic;
import dev.crater.store.Notifications;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Trade-data changes between the nodes sharing one PostgreSQL: the node that owns an account's shard
 * sends the account's stored changes to the other nodes when one of them has a socket watching it
 * ({@code stream_watches}), through {@link Notifications} (after the round's commit, in the engine's
 * order: one sending thread, and PostgreSQL delivers in commit order); the receiving node delivers
 * them to its sockets as if its own shard had stored them. Messages lost between nodes (the listening
 * connection dropped) are not silently skipped: the receiving node closes its trade-data sockets,
 * whose clients resubscribe and get fresh snapshots. On the embedded store there is one node and
 * this does nothing.
 */
final class TradeRelay implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(TradeRelay.class);

    static final String CHANNEL = "crater_trade";
    static final String WATCHES_CHANNEL = "crater_watches";
    /** Rounds of changes waiting to be sent to the other nodes; past it they are dropped and announced lost. */
    static final int QUEUE_MAX = 16_384;
    /** How often the accounts other nodes watch are read again (besides at each announcement). */
    static final long WATCHES_REFRESH_MS = 1_000;

    private static final ObjectMapper JSON = JsonMapper.builder().build();

    private final Notifications notifications;
    private final StreamWatchStore watches;
    private final BlockingQueue<List<TradeFeed.Change>> outbox = new ArrayBlockingQueue<>(QUEUE_MAX);
    private volatile Set<Long> remote = Set.of();
    private volatile boolean running = true;
    private volatile boolean refresh = true;
    private final Thread thread;

    /**
     * @param received  where changes other nodes sent are delivered (this node's sockets)
     * @param lost      called when messages between nodes may have been lost
     */
    TradeRelay(Notifications notifications, StreamWatchStore watches, Consumer<List<TradeFeed.Change>> received,
            Runnable lost) {
        this.notifications = notifications;
        this.watches = watches;
        if (!notifications.shared()) {
            this.thread = null;
            return;
        }
        notifications.subscribe(CHANNEL, payload -> received.accept(decode(payload)), lost);
        notifications.subscribe(WATCHES_CHANNEL, payload -> refresh = true, () -> refresh = true);
        this.thread = Thread.ofVirtual().name("trade-relay").start(this::run);
    }

    boolean shared() {
        return thread != null;
    }

    /** A socket of this node now watches the account (its first). */
    void watch(long accountId) {
        if (shared()) {
            watches.watch(notifications.node(), accountId);
            notifications.publish(WATCHES_CHANNEL, "+");
        }
    }

    /** No socket of this node watches the account any more. */
    void unwatch(long accountId) {
        if (shared()) {
            watches.unwatch(notifications.node(), accountId);
            notifications.publish(WATCHES_CHANNEL, "-");
        }
    }

    /** Whether a socket of another node watches the account. */
    boolean watchedElsewhere(long accountId) {
        return remote.contains(accountId);
    }

    /** Stored changes of this node's shards (on a shard's thread: never blocks). */
    void forward(List<TradeFeed.Change> changes) {
        if (!shared()) {
            return;
        }
        List<TradeFeed.Change> theirs = new ArrayList<>();
        for (TradeFeed.Change c : changes) {
            if (remote.contains(c.accountId())) {
                theirs.add(c);
            }
        }
        if (!theirs.isEmpty() && !outbox.offer(theirs)) {
            LOG.warn("trade relay queue full ({} rounds): changes for other nodes dropped", QUEUE_MAX);
        }
    }

    private void run() {
        long lastRefresh = 0;
        while (running) {
            try {
                List<TradeFeed.Change> next = outbox.poll(WATCHES_REFRESH_MS / 4, TimeUnit.MILLISECONDS);
                long now = Monotonic.millis();
                if (refresh || now - lastRefresh >= WATCHES_REFRESH_MS) {
                    refresh = false;
                    lastRefresh = now;
                    remote = watches.watchedByOthers(notifications.node());
                }
                if (next != null) {
                    for (String chunk : encode(next)) {
                        notifications.publish(CHANNEL, chunk);
                    }
                }
            } catch (InterruptedException e) {
                return;
            } catch (RuntimeException e) {
                LOG.warn("trade relay failed: {}", e.toString());
            }
        }
    }

    /** The changes as JSON arrays of at most {@link Notifications#PAYLOAD_CHARS_MAX} characters each. */
    static List<String> encode(List<TradeFeed.Change> changes) {
        List<String> out = new ArrayList<>();
        StringBuilder chunk = new StringBuilder("[");
        for (TradeFeed.Change c : changes) {
            ObjectNode n = JSON.createObjectNode();
            n.put("t", switch (c) {
                case TradeFeed.OrderChange o -> "O";
                case TradeFeed.PositionChange p -> "P";
                case TradeFeed.BalanceChange b -> "B";
            });
            n.set("v", JSON.valueToTree(c));
            String item = n.toString();
            if (chunk.length() > 1 && chunk.length() + item.length() + 2 > Notifications.PAYLOAD_CHARS_MAX) {
                out.add(chunk.append(']').toString());
                chunk = new StringBuilder("[");
            }
            if (chunk.length() > 1) {
                chunk.append(',');
            }
            chunk.append(item);
        }
        if (chunk.length() > 1) {
            out.add(chunk.append(']').toString());
        }
        return out;
    }

    static List<TradeFeed.Change> decode(String payload) {
        try {
            List<TradeFeed.Change> out = new ArrayList<>();
            for (JsonNode n : (ArrayNode) JSON.readTree(payload)) {
                Class<? extends TradeFeed.Change> type = switch (n.path("t").asText()) {
                    case "O" -> TradeFeed.OrderChange.class;
                    case "P" -> TradeFeed.PositionChange.class;
                    case "B" -> TradeFeed.BalanceChange.class;
                    default -> throw new IllegalArgumentException("unknown change " + n.path("t").asText());
                };
                out.add(JSON.treeToValue(n.path("v"), type));
            }
            return out;
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("unreadable trade relay message", e);
        }
    }

    @Override
    public void close() {
        running = false;
        if (thread != null) {
            thread.interrupt();
            try {
                watches.forget(notifications.node());
            } catch (RuntimeException e) {
                LOG.debug("stream watches not removed: {}", e.toString());
            }
        }
    }
}
